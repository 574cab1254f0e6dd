"""AllegationClassifier: wrongdoing stated as fact about someone identifiable, and who that someone is."""

from __future__ import annotations

import pytest

from classifiers.allegation import CANDIDATE_SCORE, AllegationClassifier
from classifiers.base import Finding
from classifiers.combine import is_candidate
from classifiers.identity import PupilNameClassifier, Roster, StaffList


@pytest.fixture
def detector(staff: StaffList) -> AllegationClassifier:
    detector = AllegationClassifier(staff, school_names=["Brookfield Primary", "Brookfield"])
    detector.load()
    return detector


POSITIVES = [
    (
        "Mrs Fairbrother has been stealing from the PTA fund",
        "Mrs Fairbrother has been stealing",
        "headteacher",
    ),
    ("The head was drunk at the summer fair", "The head was drunk at the summer", "headteacher"),
    (
        "the headteacher is having an affair with a parent",
        "the headteacher is having an affair with",
        "headteacher",
    ),
    ("Mr Achterberg lied to the inspectors", "Mr Achterberg lied", "staff"),
    ("Her teacher hit my son", "Her teacher hit my son", "staff"),
    ("The caretaker is a pervert", "The caretaker is a pervert", "staff"),
    ("Brookfield covered up the bullying", "Brookfield covered up", "school"),
    ("The school fiddled the SATs results", "The school fiddled the SATs results", "school"),
    ("Mr Grimsdale pocketed the trip money", "Mr Grimsdale pocketed the trip money", "staff"),
    ("Kieran Spratt's dad is a drug dealer", "Kieran Spratt's dad is a drug dealer", "other"),
    ("Lorcan Beadle is a thief", "Lorcan Beadle is a thief", "other"),
    ("Brookfield fakes its SATs results", "Brookfield fakes its SATs results", "school"),
    (
        "the school said it was a sprain so they didn't have to report it",
        "the school said it was a sprain so they didn't have to report it",
        "school",
    ),
    ("That dad from 3C is a con man", "That dad from 3C is a con man", "other"),
    ("Mr Achterberg turned up to sports day drunk", "Mr Achterberg turned up to sports day drunk", "staff"),
    (
        "The school spends the sports grant on the head's holidays",
        "The school spends the sports grant on the head's",
        "school",
    ),
    (
        "Mrs Fairbrother takes the raffle money home",
        "Mrs Fairbrother takes the raffle money home",
        "headteacher",
    ),
    (
        "Mr Achterberg gave them the answers in the SATs",
        "Mr Achterberg gave them the answers in the SATs",
        "staff",
    ),
    ("The office shredded our complaint letters", "The office shredded our complaint", "school"),
    ("The cover teacher called my son thick", "The cover teacher called my son thick", "staff"),
    # The adult after a child's name is the one accused: not child-on-child harm.
    ("I saw Kieran Spratt's stepdad grab him by the arm", "Kieran Spratt's stepdad grab him", "other"),
    (
        "Mrs Fairbrother grabbed Kieran Spratt by the arm at the gate",
        "Mrs Fairbrother grabbed Kieran Spratt by the arm",
        "headteacher",
    ),
    (
        "Kieran Spratt's older brother is the one breaking into the sheds",
        "Kieran Spratt's older brother is the one breaking into",
        "other",
    ),
    ("Kieran Spratt's dad beats his mum every weekend", "Kieran Spratt's dad beats his mum", "other"),
    (
        "Kieran Spratt is charging year 7s a tenner for vapes",
        "Kieran Spratt is charging year 7s a tenner for vapes",
        "other",
    ),
    (
        "Mr Achterberg has been messaging a year 12 lad on Instagram",
        "Mr Achterberg has been messaging a year 12 lad on Instagram",
        "staff",
    ),
    ("This school fiddles its SATs results every year", "This school fiddles its SATs results", "school"),
    (
        "Mr Achterberg turned up to the trip stinking of drink",
        "Mr Achterberg turned up to the trip stinking of drink",
        "staff",
    ),
    # Claims phrased as events rather than accusations.
    (
        "The head of PE was caught drink driving in November and he's still teaching",
        "The head of PE was caught drink driving",
        "staff",
    ),
    ("The trust just pocketed it.", "The trust just pocketed it", "school"),
    (
        "the SENCo took the funding that was meant for my son's 1:1",
        "the SENCo took the funding that was meant for",
        "staff",
    ),
    ("Brookfield has been off-rolling the weaker year 6s", "Brookfield has been off-rolling", "school"),
    (
        "The site manager lets his mate sit in the car park filming the girls on his phone",
        "The site manager lets his mate sit in the car park filming the girls on",
        "staff",
    ),
    (
        "Mrs Fairbrother was walked off site by two police officers on Tuesday",
        "Mrs Fairbrother was walked off site by two police",
        "headteacher",
    ),
    ("The PTA chair kept the raffle money", "The PTA chair kept the raffle money", "staff"),
    ("Brookfield fiddled their SATs last year", "Brookfield fiddled their SATs", "school"),
    ("Kieran Spratt's mum is a smackhead", "Kieran Spratt's mum is a smackhead", "other"),
    (
        "mrs fairbrother is taking backhanders off the uniform shop",
        "mrs fairbrother is taking backhanders",
        "headteacher",
    ),
    (
        "Miss Baker dragged our Amy across the yard by her arm",
        "Miss Baker dragged our Amy across the yard by her arm",
        "staff",
    ),
    (
        "Kieran Spratt's dad turned up at pick up absolutely steaming",
        "Kieran Spratt's dad turned up at pick up absolutely steaming",
        "other",
    ),
    (
        "Mr Achterberg smokes weed in his car at lunch",
        "Mr Achterberg smokes weed",
        "staff",
    ),
    # Events and euphemisms: drink at the wheel, affairs, rigged draws, school property taken home.
    (
        "Mr Kowalczyk was three sheets to the wind driving the minibus back from swimming",
        "Mr Kowalczyk was three sheets to the wind driving",
        "staff",
    ),
    (
        "Mrs Rowntree's been carrying on with a married dad for months",
        "Mrs Rowntree's been carrying on with",
        "staff",
    ),
    (
        "The bloke who runs the golf club rigged the PTA raffle so his mates won",
        "The bloke who runs the golf club rigged the PTA raffle",
        "other",
    ),
    (
        "the cook's been taking the school's meat home every Friday",
        "the cook's been taking the school's meat home",
        "staff",
    ),
    ("Mr Kowalczyk got walked out by police last Friday", "Mr Kowalczyk got walked out by police", "staff"),
    (
        "The business manager has been fiddling the trip budget for years",
        "The business manager has been fiddling the trip budget",
        "staff",
    ),
    ("Miss Baker is openly Islamophobic, ask any of the girls", "Miss Baker is openly Islamophobic", "staff"),
    (
        "Mrs Rowntree was leaking the exam papers to her favourites",
        "Mrs Rowntree was leaking the exam papers",
        "staff",
    ),
    (
        "Lacey Dunn took my daughter's phone out of her bag in PE",
        "Lacey Dunn took my daughter's phone out of",
        "other",
    ),
    (
        "Brookfield cooked the attendance figures before Ofsted",
        "Brookfield cooked the attendance figures",
        "school",
    ),
    (
        "That PE teacher comes back to teach half-cut every Friday",
        "That PE teacher comes back to teach half-cut",
        "staff",
    ),
    (
        "The cricket coach has been messaging some of the lads on Snapchat",
        "The cricket coach has been messaging some of the lads on Snapchat",
        "staff",
    ),
    (
        "The exams officer let the Year 11s see the papers the week before",
        "The exams officer let the Year 11s see the papers the week before",
        "staff",
    ),
    (
        "Kieran Spratt's brother is the one who torched them cars on the estate",
        "Kieran Spratt's brother is the one who torched them cars",
        "other",
    ),
    (
        "the head got pushed out of her last school for bullying staff",
        "the head got pushed out of her last school for bullying",
        "headteacher",
    ),
    (
        "Kieran Spratt's older brother runs the county lines off the estate",
        "Kieran Spratt's older brother runs the county lines",
        "other",
    ),
    (
        "Kieran Spratt's mum leaves him on his own for days at a time",
        "Kieran Spratt's mum leaves him on his own for days",
        "other",
    ),
    (
        "My son says Mr Achterberg grabbed him by the collar in PE",
        "Mr Achterberg grabbed him",
        "staff",
    ),
    (
        "The PTA chair pocketed the Christmas fair takings",
        "The PTA chair pocketed the Christmas fair takings",
        "staff",
    ),
    (
        "Mrs Fairbrother posts photos of the Reception kids on her own private Instagram",
        "Mrs Fairbrother posts photos of the Reception kids on her own private Instagram",
        "headteacher",
    ),
    (
        "Mr Achterberg was three sheets to the wind at the campsite",
        "Mr Achterberg was three sheets to the wind",
        "staff",
    ),
    (
        "Miss Baker was coming out of the Red Lion at 2 in the afternoon on a school day",
        "Miss Baker was coming out of the Red Lion",
        "staff",
    ),
    (
        "Mr Achterberg goes through the SATs papers and rubs out the wrong answers",
        "Mr Achterberg goes through the SATs papers and rubs out the wrong answers",
        "staff",
    ),
    (
        "everyone knows Miss Baker is seeing one of the year 6 dads",
        "Miss Baker is seeing one of the year 6 dads",
        "staff",
    ),
    (
        "the chair of governors gets his mate's firm every building job going, no tender",
        "the chair of governors gets his mate's firm every building job going, no tender",
        "staff",
    ),
    (
        "Mrs Fairbrother lets kids into the top set if their parents make a 'donation'",
        "Mrs Fairbrother lets kids into the top set if their parents make a 'donation",
        "headteacher",
    ),
    (
        "the isolation room supervisor locks them in and goes out for a smoke",
        "the isolation room supervisor locks them in",
        "staff",
    ),
    (
        "When my son was in Year 4 the teacher used to make the SEN kids sit in the corridor all afternoon",
        "the teacher used to make the SEN kids sit in the corridor",
        "staff",
    ),
    (
        "Kieran Spratt's dad deals out of his car on the estate",
        "Kieran Spratt's dad deals out of his car",
        "other",
    ),
    (
        "Kieran Spratt's mam helps herself in the Co-op, seen it with me own eyes",
        "Kieran Spratt's mam helps herself in the Co-op",
        "other",
    ),
    # Benefit fraud, exam malpractice, an affair put as "carrying on".
    (
        "Kieran Spratt's dad has been fiddling his benefits since before covid",
        "Kieran Spratt's dad has been fiddling his benefits",
        "other",
    ),
    (
        "Mrs Fairbrother does most of the Year 6 coursework herself",
        "Mrs Fairbrother does most of the Year 6 coursework herself",
        "headteacher",
    ),
    (
        "Everyone knows Mr Achterberg and Miss Baker are carrying on",
        "Miss Baker are carrying on",
        "staff",
    ),
    (
        "Mr Achterberg was sacked from his last school for hittin a kid",
        "Mr Achterberg was sacked from his last school for hittin a kid",
        "staff",
    ),
    ("Miss Baker screams in the kids' faces till they cry", "Miss Baker screams in the kids' faces", "staff"),
    ("Mr Kowalczyk is seeing a Year 13 lad", "Mr Kowalczyk is seeing a Year 13 lad", "staff"),
    (
        "Mr Kowalczyk claims for overtime he never works",
        "Mr Kowalczyk claims for overtime he never works",
        "staff",
    ),
    (
        "Mrs Fairbrother made the attendance figures up",
        "Mrs Fairbrother made the attendance figures up",
        "headteacher",
    ),
    (
        "Miss Baker reads out kids' medical notes to her mates down the pub",
        "Miss Baker reads out kids' medical notes to her mates",
        "staff",
    ),
]

NEGATIVES = [
    "Mr Achterberg is with a year 9 class all afternoon",
    "We made the numbers up for the five-a-side",
    "Is it true that the head was suspended?",
    "Did the deputy really steal from the fund?",
    "The head is rubbish",
    "Worst school ever",
    "The kids stole the show at the nativity",
    "Mr Achterberg would never lie",
    "The caretaker fixed the heating",
    "The office is taking money for the trip on Friday",
    "My son told the teacher that a boy stole his pencil",
    "The teacher pushed my son to do better",
    "Someone stole my bike from outside the school",
    "The problem lies with the council",
    "Kieran Spratt's brother pushed him over in the playground",
    "Mr Achterberg gave the answers out at the quiz night",
    "The teacher called my son a superstar",
    "Mrs Fairbrother spent the PTA money on new library books",
    "The school told us it was a sprain so we didn't worry",
    "My son saw a lad from the school flashing a blade on the bus",
    "Mrs Fairbrother held Kieran's hand by the gate all the way to the bus",
    "Mr Achterberg was walked off the pitch after he twisted his ankle",
    "The police gave year 6 a talk about drink driving",
    "The head of PE was filming the sports day races for the website",
    "The PTA chair kept the raffle going for another week",
    "A teacher in Bolton has been struck off for faking marks, it's all over the national news",
    "Did anyone see that headteacher in Kent who got sacked over expenses? Mad world.",
    "Mr Achterberg got absolutely hammered by the Year 6s at dodgeball",
    "We got absolutely hammered in the final but so proud of them",
    "Miss Baker is seeing a parent about the trip tomorrow",
    "Mrs Fairbrother posted photos of the kids on the school Facebook page",
    "Mr Achterberg locks the gates at ten to nine",
    "Mr Achterberg carried on with the lesson as if nothing had happened",
    "The Year 9s were carrying on in the lunch queue again",
]


@pytest.mark.parametrize(("text", "span", "target"), POSITIVES)
def test_flags_allegation_when_stated_as_fact(
    detector: AllegationClassifier, text: str, span: str, target: str
) -> None:
    findings = detector.classify(text)
    assert [(text[f.start : f.end], f.attribute("target")) for f in findings] == [(span, target)]


def _claims(findings: list[Finding]) -> list[Finding]:
    """The findings the rules stand behind, without a candidate subject left for the trained head."""
    return [f for f in findings if not is_candidate(f)]


@pytest.mark.parametrize("text", NEGATIVES)
def test_ignores_questions_opinions_and_idioms_when_no_claim_is_made(
    detector: AllegationClassifier, text: str
) -> None:
    assert _claims(detector.classify(text)) == []


@pytest.mark.parametrize(
    ("text", "span", "target"),
    [
        # No wrongdoing word the rules know: the subject is left to the trained head as a candidate.
        (
            "saw Mr Achterberg coming out the bookies at half ten on a wednesday",
            "Mr Achterberg",
            "staff",
        ),
        ("the vicar had the minutes changed after the vote. i was there", "the vicar", "other"),
        (
            "Great match today. The head signed off support hours that never happened",
            "The head",
            "headteacher",
        ),
    ],
)
def test_leaves_a_candidate_subject_for_the_model_when_no_wrongdoing_word_is_known(
    detector: AllegationClassifier, text: str, span: str, target: str
) -> None:
    (finding,) = detector.classify(text)
    assert is_candidate(finding) and finding.score == CANDIDATE_SCORE < 0.5
    assert (text[finding.start : finding.end], finding.attribute("target")) == (span, target)


@pytest.mark.parametrize(
    "text",
    [
        "Is Mr Achterberg still running the chess club?",  # a question
        "Mr Achterberg never stole from the club",  # the rules read a denial
        "Funny how the trip money went missing again. Just saying.",  # nobody named
        "Lovely sunny morning for the sponsored walk",
    ],
)
def test_leaves_no_candidate_when_the_rules_read_the_sentence_or_nobody_is_named(
    detector: AllegationClassifier, text: str
) -> None:
    assert detector.classify(text) == []


@pytest.mark.parametrize(
    "text",
    [
        # Hearsay the writer doubts, a child passing something on, a rumour about nobody in particular.
        "My sister heard Mr Achterberg got arrested at the weekend, no idea if it's true",
        "apparently — pinch of salt — the caretaker is being investigated",
        "Kieran told our Amy his dad hits him with a belt",
        "heard one of the TAs is being investigated",
        # News reports: someone else's claim, relayed.
        "The Gazette says the head is under investigation for fraud",
        "The Echo's saying a teacher at the school is under investigation",
        "The Echo says a teacher at a school in Leeds has been arrested",
        "According to the paper the caretaker was arrested",
        "It was in the news that the head was suspended",
        "There was a piece on the BBC about our head being struck off",
        "We've been told a member of staff has been suspended, could the head call me",
        # A child passing on what they saw happen to someone else, not to themselves.
        "My daughter says Miss Baker pulled a boy across the carpet by his arm today",
    ],
)
def test_keeps_reports_below_the_threshold_when_someone_else_makes_the_claim(
    detector: AllegationClassifier, text: str
) -> None:
    findings = detector.classify(text)
    assert findings and all(f.score < 0.5 for f in findings)


@pytest.mark.parametrize(
    "text",
    [
        "Heard Mr Achterberg got done for drink driving over the summer",
        "My cousin says the head was sacked from her last school for hitting a kid",
        "Apparently the caretaker has been nicking the dinner money",
        "Rumour at the gate is the caretaker's been nicking diesel",
        "Someone at the gate said the caretaker had been sacked",
        "heard from a mum at the gates that Mrs Fairbrother fiddles the attendance figures",
    ],
)
def test_flags_a_rumour_when_it_is_passed_on_as_true(detector: AllegationClassifier, text: str) -> None:
    # Repeating a defamatory claim publishes it again: the comment is as much a risk as the original.
    findings = detector.classify(text)
    assert [f.attribute("framing") for f in findings if f.score >= 0.5] == ["hearsay"]


def test_resolves_pronoun_to_earlier_person_when_claim_continues(detector: AllegationClassifier) -> None:
    text = "Mr Grimsdale runs the after school club. He has been taking money from the club funds."
    (finding,) = detector.classify(text)
    assert finding.attribute("target") == "staff"
    assert text[finding.start : finding.end].startswith("taking money")


def test_works_without_staff_list_when_none_is_configured() -> None:
    detector = AllegationClassifier()
    detector.load()
    (finding,) = detector.classify("Mrs Fairbrother has been stealing from the PTA fund")
    assert finding.attribute("target") == "staff"


@pytest.mark.parametrize(
    ("name", "text", "span"),
    [
        (
            "Harrowby Church of England Primary School",
            "Harrowby fiddled its attendance before Ofsted came",
            "Harrowby fiddled its attendance",
        ),
        ("Ashdown Park Academy", "Ashdown Park cooked the books for years", "Ashdown Park cooked the books"),
    ],
)
def test_knows_the_school_by_its_short_name_when_type_words_are_dropped(
    name: str, text: str, span: str
) -> None:
    detector = AllegationClassifier(school_names=[name])
    detector.load()
    findings = detector.classify(text)
    assert [(text[f.start : f.end], f.attribute("target")) for f in findings] == [(span, "school")]


@pytest.fixture
def with_roster(staff: StaffList, roster: Roster) -> AllegationClassifier:
    detector = AllegationClassifier(staff, pupils=PupilNameClassifier(roster))
    detector.load()
    return detector


@pytest.mark.parametrize(
    ("text", "span", "target"),
    [
        # Lower case, so only the roster says who this is.
        ("amber kettleby nicked the prom fund tin out of the common room", "amber kettleby nicked", "pupil"),
        (
            "zainab farouqi had the answers written up her arm in the mock",
            "zainab farouqi had the answers",
            "pupil",
        ),
        (
            "tobias wrenfield's dad deals out of his van by the rec",
            "tobias wrenfield's dad deals out of his van",
            "other",
        ),
    ],
)
def test_names_a_pupil_as_the_target_when_the_roster_knows_them(
    with_roster: AllegationClassifier, text: str, span: str, target: str
) -> None:
    (finding,) = with_roster.classify(text)
    assert text[finding.start : finding.end].startswith(span)
    assert finding.attribute("target") == target


def test_leaves_child_on_child_harm_to_safeguarding_when_the_target_is_a_pupil(
    with_roster: AllegationClassifier,
) -> None:
    assert with_roster.classify("amber kettleby punched my son at the bus stop") == []  # no candidate either


@pytest.mark.parametrize(
    ("text", "span"),
    [
        (
            "Funny how Miss Baker turned up in a new car the month the PTA float went missing. Just saying.",
            "Miss Baker",
        ),
        (
            "Everyone knows the uniform supplier is the head's brother-in-law's firm. Backhanders all round.",
            "the head's brother-in-law's firm",
        ),
    ],
)
def test_reads_insinuation_as_an_allegation_when_money_and_a_person_are_paired(
    detector: AllegationClassifier, text: str, span: str
) -> None:
    findings = detector.classify(text)
    assert findings and text[findings[0].start : findings[0].end] == span
    assert all(f.score >= 0.5 for f in findings)


def test_ignores_insinuation_cues_when_nobody_is_named(detector: AllegationClassifier) -> None:
    assert detector.classify("Funny how the trip money went missing again. Just saying.") == []


def test_pupil_target_spans_map_back_when_the_text_was_obfuscated(with_roster: AllegationClassifier) -> None:
    # Full-width letters and a zero-width space change the text's length under normalisation.
    text = "Ａｍｂｅｒ\u200b Kettleby nicked the prom fund tin"
    (finding,) = with_roster.classify(text)
    assert text[finding.start : finding.end].startswith("Ａｍｂｅｒ\u200b Kettleby nicked")
    assert finding.attribute("target") == "pupil"
