"""PupilNameClassifier: full names, spelling slips, initials and child context, and names that are words."""

from __future__ import annotations

import pytest

from classifiers.base import Label
from classifiers.identity import PupilNameClassifier, Roster


@pytest.fixture
def detector(roster: Roster) -> PupilNameClassifier:
    detector = PupilNameClassifier(roster)
    detector.load()
    return detector


POSITIVES = [
    ("Summer Pennyworth was brilliant in assembly", "Summer Pennyworth", "full_name"),
    ("summer pennyworth was brilliant", "summer pennyworth", "full_name"),
    ("SUMMER PENNYWORTH WAS BRILLIANT", "SUMMER PENNYWORTH", "full_name"),
    ("Well done Siobhan Delacroix!", "Siobhan Delacroix", "full_name"),
    ("Well done Siobhán Delacroix!", "Siobhán Delacroix", "full_name"),
    ("Well done Siobha\u0301n Delacroix!", "Siobha\u0301n Delacroix", "full_name"),
    ("Toby Wrenfield's mum here", "Toby Wrenfield", "full_name"),
    ("Tobias Wrenfields mum here", "Tobias Wrenfields", "full_name"),
    ("Daisy-Mae O'Callaghan read beautifully", "Daisy-Mae O'Callaghan", "full_name"),
    ("Daisy Mae O’Callaghan read beautifully", "Daisy Mae O’Callaghan", "full_name"),
    ("daisy ocallaghan read beautifully", "daisy ocallaghan", "full_name"),
    ("Grace Okonkwo-Bright won", "Grace Okonkwo-Bright", "full_name"),
    ("Ana Vrbanovic has a wobbly tooth", "Ana Vrbanovic", "full_name"),
    ("Zainab Farouki came first", "Zainab Farouki", "fuzzy"),
    ("Tobais Wrenfield came first", "Tobais Wrenfield", "fuzzy"),
    ("Amber K 5R got star of the week", "Amber K 5R", "initial_class"),
    ("Amber K. got a sticker", "Amber K.", "initial_class"),
    ("my daughter Zainab is so upset", "Zainab", "first_name_context"),
    ("Zainab in 4H was a star", "Zainab", "first_name_context"),
    ("Well done to Grace in 6W for her poem", "Grace", "first_name_context"),
    ("Harry from 1S lost his lunchbox", "Harry", "first_name_context"),
    ("Jack's mum here, can I ask about the trip", "Jack", "first_name_context"),
    ("Little Summer was so proud", "Summer", "first_name_context"),
    ("Happy birthday Tobias!", "Tobias", "first_name_context"),
    ("Proud of our Hope today", "Hope", "first_name_context"),
    ("my son Toby and his friends", "Toby", "first_name_context"),
    ("Zainabs mum said the party is on", "Zainabs", "first_name_context"),
    # A name that is not a word, alone, in a comment about a child or school.
    ("Zainab said a lady she didn't know tried to take her hand at the gate", "Zainab", "first_name_context"),
    ("Please don't let Anastasia be collected by her father today", "Anastasia", "first_name_context"),
    # A class code made of letters only, after a lower-case name.
    ("siobhan in rh has come home with the wrong book bag", "siobhan", "first_name_context"),
    # Word-names: a parent introducing themselves, the child's things, the child as the subject.
    ("Mum of Hope in Year 6, we've moved house", "Hope", "first_name_context"),
    ("Summer's 7th birthday party is on Saturday", "Summer", "first_name_context"),
    ("I'm withdrawing consent for Summer's photo", "Summer", "first_name_context"),
    (
        "Hope has been crying every night and she says she hates lunchtimes. She's in Year 6",
        "Hope",
        "first_name_context",
    ),
    # Another form of the forename beside a distinctive surname.
    ("Toby Wrenfield's nan here", "Toby Wrenfield", "full_name"),
    ("Tobe Wrenfield got a certificate", "Tobe Wrenfield", "fuzzy"),
    ("Zaynab Farouqi scored twice", "Zaynab Farouqi", "fuzzy"),
    ("Hope Meriwether got student of the month", "Hope Meriwether", "fuzzy"),
    ("tell that Hope lad he's for it", "Hope", "first_name_context"),
    ("our Summer has lost her reading book again", "Summer", "first_name_context"),
    ("Harry had a nosebleed at playtime and came home with his shirt ruined", "Harry", "first_name_context"),
    (
        "Please send the detention letters to me instead of giving them to Zainab, she loses them",
        "Zainab",
        "first_name_context",
    ),
    ("Please call me about Harry's predicted grades", "Harry", "first_name_context"),
    # A roster surname with a child word after it; a pet-name ending spelt another way; "A" as an initial.
    ("That nit-ridden little Farouqi lad wants keeping at home", "Farouqi lad", "surname_child"),
    ("them Wrenfield kids were out again", "Wrenfield kids", "surname_child"),
    ("that Okonkwo-Bright girl is trouble", "Okonkwo-Bright girl", "surname_child"),
    ("them okonkwo bright lasses again", "okonkwo bright lasses", "surname_child"),
    ("Tobie Wrenfield sang the solo", "Tobie Wrenfield", "fuzzy"),
    ("Will A got star of the week", "Will A", "initial_class"),
    # Sixth-form context and post-16 paperwork.
    ("Hope from the upper sixth gave the best speech at the leavers do", "Hope", "first_name_context"),
    ("Please can Hope's UCAS reference go out this week", "Hope", "first_name_context"),
    ("since Summer moved up to Year 3 she's flying", "Summer", "first_name_context"),
    ("Please take down the football picture with Hope in it today", "Hope", "first_name_context"),
    ("Zainab's 10th is at the soft play on Saturday, all her class welcome", "Zainab", "first_name_context"),
    ("Zainab's mama here. Could somebody ring me about her referral", "Zainab", "first_name_context"),
    # Initials: a possessive after "A", a lower-case initial with the year after it, an initial and a surname.
    ("Will A's mum here, can someone drop his PE bag at the office", "Will A", "initial_class"),
    ("daisy o in year 3 lost her first tooth today", "daisy o", "initial_class"),
    ("lost a navy coat, name label says T. Wrenfield, anyone seen it?", "T. Wrenfield", "initial_surname"),
    # A class code's capital is not the writer using capitals: the word-name is still lower case throughout.
    ("my niece is hope in 6W and her dad's been hanging round the gates", "hope", "first_name_context"),
    ("zainab's got her grade 5 piano, so proud of her x", "zainab", "first_name_context"),
]

NEGATIVES = [
    "keep the hope lads, promotion's still on",
    "Okonkwo-Bright Solicitors are sponsoring the kit",
    # Not a child: a singer, a plural, something lost, a season.
    "Forgot it was non uniform day, I blame Zainab on Radio 2 distracting me",
    "We went to see Anastasia at the theatre and the kids loved it",
    "Jacks are not allowed in the playground, my son says",
    "Summer has been lovely, the kids in the playground love the sun",
    "Summer is here and the school field is open",
    "Sam Wrenfield from the council opened the new library",
    "The school trip to Zainab was lovely, the kids loved the beach",
    "Phoenix from the flames, this school is unrecognisable",
    "Zainab the year 4 teacher is fab, my son loves her",
    "Zainab's been brilliant running choir after school, my son reckons she's the best music teacher going",
    "Our Summer baby starts reception in September and I'm in bits",  # a word describing the child
    "Summer fair is on Saturday, all welcome",
    "What a lovely summer day for sports day",
    "Amazing grace was sung beautifully",
    "Will you be at the fair?",
    "I will bring cakes for the sale",
    "May I ask about parking?",
    "See you all in May",
    "There is hope for us yet",
    "Jack of all trades, master of none",
    "Harry Kane scored again last night",
    "Well done Harry Potter fans on book day",
    "The daisy chain display in reception is lovely",
    "Every summer the year 2 class plant sunflowers",
    "Grace period for returning forms ends Friday",
    "My son loves the amber and gold display",
    "Zainab is a lovely name",  # a first name alone, no child context
    "Delacroix painted Liberty Leading the People",  # a surname alone is not a pupil
    "The Farouqis have moved house, the whole family",  # a family, no child word
    "Harriet Quennell from the parish council opened the fete",  # not a pet-name spelling of Harry
    "Will Year 4 get their reports before Christmas?",  # a modal verb asking about a year group
    "LOST: our dog Tobias near the rec, ring 07700 900566 please, the kids are in bits",
    "Big shout out to Zainab at the chippy for sponsoring the kit for the school team",
    "The Anastasia matinee was a lovely class trip for year 1",  # a name describing a thing
    # Story and pop names, pets named before what they are, an adult's initial and surname.
    "Jack Frost came to visit the reception class this morning",
    "jack and the beanstalk panto tickets on sale, kids go free",
    "Harry Styles tribute act at the talent show had all the kids dancing",
    "Toby the reading dog did so well this term, the kids love him",
    "Mr T. Wrenfield from the council opened the new library",
    "the S Pennyworth building is closed for the summer",
]


@pytest.mark.parametrize(("text", "span", "match"), POSITIVES)
def test_finds_pupil_when_named(detector: PupilNameClassifier, text: str, span: str, match: str) -> None:
    findings = detector.classify(text)
    assert [(text[f.start : f.end], f.attribute("match")) for f in findings] == [(span, match)]
    assert findings[0].label is Label.PUPIL_IDENTIFIED


@pytest.mark.parametrize("text", NEGATIVES)
def test_ignores_words_and_other_people_when_no_pupil_is_meant(
    detector: PupilNameClassifier, text: str
) -> None:
    assert detector.classify(text) == []


def test_reports_year_and_consent_when_pupil_found(detector: PupilNameClassifier) -> None:
    (without,) = detector.classify("Summer Pennyworth was brilliant")
    assert without.explanation == "matches pupil on roster by full name (Year 2, no name consent)"
    assert dict(without.attributes) == {
        "name_consent": "no",
        "photo_consent": "yes",
        "year": "Year 2",
        "match": "full_name",
    }
    (with_consent,) = detector.classify("Will Ashcombe was brilliant")
    assert with_consent.attribute("name_consent") == "yes"
    assert with_consent.attribute("year") == "Year 4"


def test_narrows_to_the_class_when_two_pupils_could_match(roster: Roster) -> None:
    from dataclasses import replace

    twin = replace(roster.pupils[0], surname="Ashdown", year="Year 5", reg_group="5R")
    detector = PupilNameClassifier(Roster((*roster.pupils, twin)))
    detector.load()
    (finding,) = detector.classify("Summer in 5R did well")
    assert finding.attribute("year") == "Year 5"
    (ambiguous,) = detector.classify("my daughter Summer did well")
    assert ambiguous.explanation.startswith("matches 2 pupils on roster")
    assert ambiguous.attribute("year") == "year unknown"


def test_never_puts_names_in_explanations_when_matching(
    detector: PupilNameClassifier, pupil_name_words: list[str]
) -> None:
    texts = [text for text, _, _ in POSITIVES]
    for text in texts:
        for finding in detector.classify(text):
            shown = (finding.explanation + repr(finding.attributes)).lower()
            assert not any(
                word in shown.split() or f" {word} " in f" {shown} " for word in pupil_name_words
            ), text
    assert "Pennyworth" not in repr(detector)


def test_ignores_a_slip_that_is_someone_elses_name_when_staff_are_known(roster: Roster) -> None:
    text = "Zainal said the class assembly was lovely today"  # Mrs Zainal, not a slip for pupil Zainab
    plain = PupilNameClassifier(roster)
    plain.load()
    assert [f.attribute("match") for f in plain.classify(text)] == ["fuzzy"]
    vetoed = PupilNameClassifier(roster, other_names=["Zainal"])
    vetoed.load()
    assert vetoed.classify(text) == []


def test_a_feast_day_is_not_the_pupil_who_shares_its_name(roster: Roster) -> None:
    from dataclasses import replace

    paddy = replace(roster.pupils[0], forename="Patrick", surname="Lenihan", preferred="Paddy")
    detector = PupilNameClassifier(Roster((*roster.pupils, paddy)))
    detector.load()
    assert detector.classify("Paddy's Day dancing in the yard was class, well done the dance school") == []
    (finding,) = detector.classify("Paddy's day off school today, he's poorly")
    assert finding.attribute("match") == "first_name_context"


def test_the_same_comment_asked_twice_gives_spans_into_each_form_of_it(detector: PupilNameClassifier) -> None:
    # The allegation rules ask with the normalised comment and the engine with the raw one; the second
    # answer reuses the first's matches but must still index the text it was given.
    raw = "Ｓｕｍｍｅｒ\u200b Pennyworth was brilliant"
    normalised = "Summer Pennyworth was brilliant"
    first = detector.classify(normalised)
    second = detector.classify(raw)
    assert [normalised[f.start : f.end] for f in first] == ["Summer Pennyworth"]
    assert [raw[f.start : f.end] for f in second] == ["Ｓｕｍｍｅｒ\u200b Pennyworth"]
    assert detector.classify("Summer said hello") == []
