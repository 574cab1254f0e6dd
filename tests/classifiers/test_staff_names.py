"""StaffNameClassifier: titles, initials, full names, distinctive surnames, first names beside a role."""

from __future__ import annotations

import pytest

from classifiers.identity import StaffList, StaffMember, StaffNameClassifier


@pytest.fixture
def detector(staff: StaffList) -> StaffNameClassifier:
    detector = StaffNameClassifier(staff)
    detector.load()
    return detector


POSITIVES = [
    ("Mrs Fairbrother is lovely", "Mrs Fairbrother", "headteacher", "title_surname"),
    ("Thanks Mrs. Fairbrother!", "Mrs. Fairbrother", "headteacher", "title_surname"),
    ("mr achterberg rang me", "mr achterberg", "dsl", "title_surname"),
    ("Miss Baker's class", "Miss Baker", "teacher", "title_surname"),
    ("Miss B was great today", "Miss B", "teacher", "title_initial"),
    ("Mr Kowalczk fixed the gate", "Mr Kowalczk", "site_staff", "fuzzy"),
    ("Imelda Fairbrother should resign", "Imelda Fairbrother", "headteacher", "full_name"),
    ("Achterberg needs to go", "Achterberg", "dsl", "surname"),
    ("Priya the year 2 teacher is fab", "Priya", "teacher", "first_name_context"),
    ("ask Nadia, the TA in year 1", "Nadia", "teaching_assistant", "first_name_context"),
    ("Miss Priya read a story", "Miss Priya", "teacher", "title_first_name"),
    # A surname that is also a word, written as a name mid-sentence.
    ("year 2 with Baker has been the making of her", "Baker", "teacher", "surname"),
    # A first name with the teacher's own year group from the staff list's job title.
    ("Priya in Year 2 is the reason he likes reading now", "Priya", "teacher", "first_name_class"),
    ("Baker gave me a detention for nothing", "Baker", "teacher", "surname"),
    ("Nadia from the office sorted it in five minutes", "Nadia", "teaching_assistant", "first_name_context"),
    # A short form or nickname of the first name beside the surname.
    ("Des Achterberg has been brilliant with us", "Des Achterberg", "dsl", "full_name"),
    ("Tom Kowalczyk fixed the gate", "Tom Kowalczyk", "site_staff", "full_name"),
    ("Tell Achterberg his card's marked", "Achterberg", "dsl", "surname"),
    ("Desmond was amazing with us, lucky to have him as DSL", "Desmond", "dsl", "first_name_role"),
    # A short form with the job beside it; a job done "on reception".
    ("Tom the caretaker is a legend, gritted the yard by 7", "Tom", "site_staff", "first_name_context"),
    ("Nadia on reception sorted it in five minutes", "Nadia", "teaching_assistant", "first_name_context"),
    # A surname that is also a word, owning something only a teacher has; a club someone runs; a short
    # form beside a department.
    ("Baker's lessons are the only reason I passed", "Baker", "teacher", "surname"),
    ("Does Nadia still run the Thursday netball club?", "Nadia", "teaching_assistant", "first_name_context"),
    ("Des in pastoral rang me back the same afternoon", "Des", "dsl", "first_name_context"),
    ("If that Baker fella drops my lad one more time", "Baker", "teacher", "surname"),
    # A department or a team beside a first name; a club the person works at.
    ("Big shout out to Nadia and the PE department", "Nadia", "teaching_assistant", "first_name_context"),
    ("Priya and her team have turned that class round", "Priya", "teacher", "first_name_context"),
    ("Nadia at breakfast club is a star", "Nadia", "teaching_assistant", "first_name_context"),
]

NEGATIVES = [
    # A surname that starts a place or a compound name.
    "Rowntree Park trip pics look epic",
    "Geography trip to Whitby-on-Rowntree next week",
    "The baker's stall was great",
    "Baker Street is closed for roadworks",
    "Miss you all already!",
    "Priya is a lovely name",
    "Desmond Tutu quote in assembly",
    "Mr Whippy van outside again",
    "We got bread from Baker's on the way",
    "Trip to Baker Street on Friday",
    "went with Baker Lane Nursery for the joint trip",
    "my grandad was a baker",
    "Priya in Year 5 is my niece",  # not the year Miss Baker teaches
    "Baker Street is shut. Baker's on the corner is open",
    "Bakers gave out free buns",
    "John Achterberg from the football club",
    "Tom the postman was late again",  # a short form needs the staff member's own kind of job beside it
    "The baker's lessons in bread making were a hit",
    "Does Priya in Year 5 still run the netball club?",  # a first name with a pupil's year, not a job
]


def test_a_pupil_with_the_same_first_name_is_not_taken_for_the_teacher(staff: StaffList) -> None:
    detector = StaffNameClassifier(staff, pupil_names=["Priya"])
    detector.load()
    assert detector.classify("Priya in Year 2 is the reason he likes reading now") == []
    assert detector.classify("Priya from maths is his best mate") == []
    assert detector.classify("Priya the year 2 teacher is fab") != []
    # The job said later in the sentence: "… she's the best teacher he's had".
    assert (
        detector.classify("Priya has been brilliant with the choir, she's the best music teacher going") != []
    )
    assert (
        detector.classify("Priya has been brilliant with the choir, she's the best singer in the class") == []
    )


@pytest.mark.parametrize(("text", "span", "role", "match"), POSITIVES)
def test_finds_staff_when_named(
    detector: StaffNameClassifier, text: str, span: str, role: str, match: str
) -> None:
    findings = detector.classify(text)
    assert [(text[f.start : f.end], f.attribute("role"), f.attribute("match")) for f in findings] == [
        (span, role, match)
    ]


@pytest.mark.parametrize("text", NEGATIVES)
def test_ignores_words_when_no_staff_member_is_meant(detector: StaffNameClassifier, text: str) -> None:
    assert detector.classify(text) == []


def test_explains_role_without_the_name_when_staff_found(detector: StaffNameClassifier) -> None:
    (finding,) = detector.classify("Mrs Fairbrother is lovely")
    assert finding.explanation == "names a member of staff (headteacher)"
    assert "Fairbrother" not in repr(detector)


def test_clergy_titles_name_church_school_staff() -> None:
    priest = StaffMember(title="Fr", first_name="Michael", last_name="Dunnery", role="governor")
    detector = StaffNameClassifier(StaffList((priest,)))
    detector.load()
    for text, span in [
        ("Fr Dunnery's homily was spot on", "Fr Dunnery"),
        ("Father Michael is chair of governors", "Father Michael"),
        ("Rev. Dunnery blessed the minibus", "Rev. Dunnery"),
    ]:
        assert [text[f.start : f.end] for f in detector.classify(text)] == [span]
    assert detector.classify("her father said no") == []


def test_surnames_of_several_words_and_misspelt_full_names_are_found() -> None:
    senco = StaffMember(title="Ms", first_name="Aoife", last_name="O'Hanlon", role="senco")
    head = StaffMember(title="Dr", first_name="Priya", last_name="Raghunathan", role="headteacher")
    caretaker = StaffMember(title="Mr", first_name="Malcolm", last_name="Peel", role="caretaker")
    detector = StaffNameClassifier(StaffList((senco, head, caretaker)))
    detector.load()
    for text, span in [
        ("Mrs O'Hanlon signed his plan herself", "Mrs O'Hanlon"),
        ("Ms O’Hanlon rang me back", "Ms O’Hanlon"),
        ("o'hanlon the senco never replies", "o'hanlon"),
        ("Priya Ragunathan lets her favourites into the sixth form", "Priya Ragunathan"),
        ("Peel the caretaker has been brilliant", "Peel"),
    ]:
        assert [text[f.start : f.end] for f in detector.classify(text)] == [span], text
    # A surname that opens a sentence and takes an object is a verb.
    assert detector.classify("Peel the name labels off the old blazers and hand them in") == []
