"""NeedsResponseClassifier: questions, requests, complaints and press enquiries, not rhetoric or praise."""

from __future__ import annotations

import pytest

from classifiers.needs_response import NeedsResponseClassifier


@pytest.fixture(scope="module")
def detector() -> NeedsResponseClassifier:
    detector = NeedsResponseClassifier()
    detector.load()
    return detector


POSITIVES = [
    ("What time does the disco finish on Friday?", "question"),
    ("when is the next inset day", "question"),
    ("Can someone tell me if the trip is still on", "question"),
    ("Does anyone know where lost property is kept?", "question"),
    ("Great show! Will the video be shared?", "question"),
    ("I've emailed twice and had no reply", "complaint"),
    ("Still waiting for a call back about my son's reading support", "complaint"),
    ("I want to make a formal complaint about the lunch staff", "complaint"),
    ("Please can you send me the permission form", "request"),
    ("More photos please!", "request"),
    ("I'd like to speak to someone about the uniform policy", "request"),
    ("I'm a journalist at the Northern Echo, can the school comment", "press"),
    ("Writing a story for the Marshton Herald about the closure", "press"),
    ("my son came home with his glasses broken and nobody told me", "complaint"),
    ("My daughter is being bullied by two girls", "report"),
    ("Older kids are vaping in the toilets", "concern"),
    ("My son has lost his PE kit, can you check lost property?", "question"),
    ("If you have the trip letter can you send it again?", "question"),
    ("I'm selling my old uniform but I've emailed twice about the swap shop and had no reply", "complaint"),
    # Demands and warnings, not phrased as questions.
    ("Third time this month he's come home in someone else's coat. Sort it out", "complaint"),
    ("The car park at pick up is dangerous. Do something about it before a kid gets run over", "complaint"),
    ("Someone needs to clear the moss off the steps by the hall", "complaint"),
    ("Answer the question I asked on Monday", "complaint"),
    ("eh up, is t'school shut on bank holiday monday or what", "question"),
    ("I put in a formal complaint three weeks ago and nobody has even acknowledged it.", "complaint"),
    ("Can you email me at jo.parent@example.com with the trip letter please?", "question"),
    ("Sam from BBC Radio Sheffield here about the closure", "press"),
]

NEGATIVES = [
    # Newspaper words that name no paper: mealtimes, times tables, the post office.
    "we always sit together at dinner times, it's lovely",
    "she's practising for the times tables test all week",
    "dropped the parcel off at the post office on the way",
    # Parents talking to each other.
    "anyone else's kids come home with a recorder this week?? my poor ears",
    "Kerry hun did you get the letter about nits?",
    "Lost our black lab near the school gates, answers to Bramble, please ring 07700 900123",
    "How hard can it be?",
    "Aren't they gorgeous?",
    "Who else loved the show?",
    "What a lovely day!",
    "Are you serious? Idiots.",
    "Congrats on the Good Ofsted, well deserved!",
    "Thank you for a wonderful term",
    "Can you believe how fast this year has gone?",
    "Fab pictures from the Viking day",
    # Offers and asks for other parents: whoever finds the lunchbox answers, not the school.
    "Lost a blue lunchbox on the field, if anyone finds it ring 07700 900123",
    "PLEASE SHARE: e-safety evening for parents, Tuesday 6pm in the hall. Free, no need to book.",
    "Lift-sharing to the cricket final? Text me on 07700 900318, I've got 3 seats",
    "For anyone asking about the parents' coffee morning, ring me on 07700 900452",
    "Anyone want to car share for the trip on Friday? Drop me a message",
    "I'm selling second hand uniform, email me at seller@example.com",
    "Anyone doing lifts to the coach drop off at 6am? text me and we'll sort it",
    "PTA quiz night tickets – email me at quiz.parent@example.co.uk or grab me at the gate, £5 a head",
    "Anyone got kids at Brookfield? Looking at primaries for next September, honest opinions welcome",
    "Did anyone see that headteacher in Kent who got sacked over expenses? Mad world.",
    "selling a blazer age 13 hardly worn £20, message me or ring 07700 900183",
    "is it just me or has the back pitch been muddy all year",
    "@Leanne Tully which shop did you get the prom shoes from? they're gorgeous",
    "Any mums fancy a coffee after drop off?",
]


@pytest.mark.parametrize(("text", "kind"), POSITIVES)
def test_flags_comment_when_school_must_answer(
    detector: NeedsResponseClassifier, text: str, kind: str
) -> None:
    findings = detector.classify(text)
    assert [f.attribute("kind") for f in findings] == [kind], text


@pytest.mark.parametrize("text", NEGATIVES)
def test_ignores_comment_when_no_answer_is_wanted(detector: NeedsResponseClassifier, text: str) -> None:
    assert detector.classify(text) == []


def test_spans_cover_the_question_when_mixed_with_praise(detector: NeedsResponseClassifier) -> None:
    text = "Lovely photos. When do the forms need to be back?"
    (finding,) = detector.classify(text)
    assert text[finding.start : finding.end] == "When do the forms need to be back?"
