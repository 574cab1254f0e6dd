"""The committed heads on the real encoder, through the Analyzer: texts, expected spans, hard negatives.

Every text is new wording, not taken from the training examples; ``None`` as a span means the head alone
flagged the text (a whole-text finding).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from classifiers.base import Finding, Label
from classifiers.engine import Analyzer, SchoolProfile
from classifiers.evaluation import flagged_labels
from classifiers.policy import PolicyConfig
from tests.classifiers.conftest import ROSTER_CSV, STAFF_CSV


@pytest.fixture(scope="module")
def analyzer(tmp_path_factory: pytest.TempPathFactory) -> Analyzer:
    directory: Path = tmp_path_factory.mktemp("school")
    (directory / "roster.csv").write_text(ROSTER_CSV, encoding="utf-8")
    (directory / "staff.csv").write_text(STAFF_CSV, encoding="utf-8")
    analyzer = Analyzer(
        SchoolProfile(
            name="Brookfield Primary",
            aliases=("Brookfield",),
            official_phones=("0113 496 0999",),
            roster_path=directory / "roster.csv",
            staff_path=directory / "staff.csv",
        ),
        use_models=True,
    )
    analyzer.load()
    return analyzer


def _flagged(analyzer: Analyzer, text: str) -> set[Label]:
    return flagged_labels(analyzer.analyze(text), PolicyConfig())


def _spans(text: str, findings: list[Finding], labels: set[Label]) -> set[str | None]:
    return {
        text[f.start : f.end] if f.start is not None else None
        for f in findings
        if f.label in labels and f.score >= 0.5
    }


ABUSE = [
    ("The office staff are a bunch of useless wasters", "useless wasters"),
    ("Mrs Fairbrother is a gutless, two-faced coward", "gutless, two-faced coward"),
    ("Whoever wrote this letter is a brainless tit", None),
    ("this school is run by a bunch of f***ing clowns", "f***ing clowns"),
    ("I know what car the deputy drives and where he parks it", "I know what car the deputy drives"),
    ("You won't be grinning when I catch up with you after school", None),
    ("I'll be outside your house tonight, teacher", "I'll be outside your house"),
    ("Somebody should firebomb that office", "Somebody should firebomb that office"),
]


@pytest.mark.parametrize(("text", "span"), ABUSE)
def test_flags_abuse_and_threats_when_written_new_ways(
    analyzer: Analyzer, text: str, span: str | None
) -> None:
    findings = analyzer.analyze(text)
    assert span in _spans(text, findings, {Label.ABUSE, Label.THREAT}), findings


ABUSE_NEGATIVES = [
    "The year 2s absolutely smashed their assembly",
    "Our choir murdered that song in the best possible way",
    "The drama club killed it with Macbeth",
    "My son is dying to tell you about the trip",
    "Gutted we lost, but the team fought like tigers",
    "I strongly disagree with the new homework policy",
    "The communication about the trip has been poor this term",
    "My daughter was a wicked witch in the play and loved it",
    "The bake sale was daylight robbery but delicious",
]


@pytest.mark.parametrize("text", ABUSE_NEGATIVES)
def test_leaves_violent_idiom_and_plain_criticism_alone(analyzer: Analyzer, text: str) -> None:
    assert not _flagged(analyzer, text) & {Label.ABUSE, Label.THREAT}


SAFEGUARDING = [
    "My son keeps getting cornered in the toilets by older boys",
    "A man was filming the children through the railings at lunch",
    "My daughter has been saying she wants to die",
    "Her friend says her stepdad hits her when he's been drinking",
    "Someone on a gaming app keeps asking my son for pictures of himself",
    "My little boy was let out of school on his own and found wandering by the main road",
    "He has a peanut allergy and was given a cereal bar on the trip",
    "Please take every photo of my twins off the page, their father is not allowed to know where they are",
]


@pytest.mark.parametrize("text", SAFEGUARDING)
def test_routes_disclosures_to_the_dsl_when_worded_new_ways(analyzer: Analyzer, text: str) -> None:
    flagged = _flagged(analyzer, text)
    assert Label.SAFEGUARDING in flagged
    # A parent who discloses is owed a reply.
    assert Label.NEEDS_RESPONSE in flagged


SAFEGUARDING_NEGATIVES = [
    "Internet safety week starts on Monday",
    "The kids went wild for the magician",
    "Parents raise concerns over parking on the high street",
    "My son scraped his knee at football, the first aider was brilliant",
    "The children were buzzing after the disco",
]


@pytest.mark.parametrize("text", SAFEGUARDING_NEGATIVES)
def test_stays_quiet_on_safety_talk_and_excited_children(analyzer: Analyzer, text: str) -> None:
    assert Label.SAFEGUARDING not in _flagged(analyzer, text)


ALLEGATIONS = [
    (
        "The PTA treasurer has been helping herself to the raffle money",
        "The PTA treasurer has been helping herself to the raffle money",
    ),
    ("Mrs Fairbrother lied to the governors about the exclusions", "Mrs Fairbrother lied"),
    ("Mr Achterberg turns up to work smelling of booze", "Mr Achterberg turns up to work smelling of booze"),
]


@pytest.mark.parametrize(("text", "span"), ALLEGATIONS)
def test_flags_allegations_stated_as_fact(analyzer: Analyzer, text: str, span: str | None) -> None:
    assert span in _spans(text, analyzer.analyze(text), {Label.ALLEGATION})


ALLEGATION_NEGATIVES = [
    "Is it true Mrs Fairbrother is retiring?",
    "The PTA treasurer did a brilliant job this year",
    "Mr Achterberg would never lie to parents",
    "The head is rubbish at answering emails",
]


@pytest.mark.parametrize("text", ALLEGATION_NEGATIVES)
def test_ignores_questions_praise_and_opinion_when_checking_allegations(
    analyzer: Analyzer, text: str
) -> None:
    assert Label.ALLEGATION not in _flagged(analyzer, text)


NEEDS_RESPONSE = [
    "What time do the gates open for the fair?",
    "Could somebody send me the kit list please",
    "I've rung the office three times about the bus pass and nobody gets back to me",
    "I'm writing a story for the local paper, can the head comment on the closure?",
]
NEEDS_RESPONSE_NEGATIVES = [
    "Aren't the costumes adorable!",
    "Well done everyone, brilliant sports day",
    "How hard can it be to park properly?",
    "Thank you to the PTA for all your hard work",
]


@pytest.mark.parametrize("text", NEEDS_RESPONSE)
def test_starts_the_clock_when_the_school_is_asked_something(analyzer: Analyzer, text: str) -> None:
    assert Label.NEEDS_RESPONSE in _flagged(analyzer, text)


@pytest.mark.parametrize("text", NEEDS_RESPONSE_NEGATIVES)
def test_stays_quiet_when_nothing_is_asked(analyzer: Analyzer, text: str) -> None:
    assert Label.NEEDS_RESPONSE not in _flagged(analyzer, text)


def test_keeps_roster_matches_and_consent_when_models_run(analyzer: Analyzer) -> None:
    text = "Summer Pennyworth's dad is a total bellend"
    findings = analyzer.analyze(text)
    (pupil,) = [f for f in findings if f.label is Label.PUPIL_IDENTIFIED]
    assert text[pupil.start : pupil.end] == "Summer Pennyworth"
    assert pupil.attribute("name_consent") == "no"
    assert Label.ABUSE in {f.label for f in findings if f.score >= 0.5}


def test_batches_give_the_same_findings_as_single_texts(analyzer: Analyzer) -> None:
    texts = [t for t, _ in ABUSE[:3]] + SAFEGUARDING[:3] + NEEDS_RESPONSE[:2]
    batched = analyzer.analyze_many(texts)
    for text, findings in zip(texts, batched, strict=True):
        single = analyzer.analyze(text)
        assert [(f.label, f.start, f.end) for f in findings] == [(f.label, f.start, f.end) for f in single]
        for a, b in zip(findings, single, strict=True):
            assert a.score == pytest.approx(b.score, abs=1e-4)
