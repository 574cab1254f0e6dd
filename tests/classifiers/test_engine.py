"""Analyzer: every detector over one comment, robust to huge and odd input, with spans into the original."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from classifiers.base import Label
from classifiers.engine import Analyzer, SchoolProfile
from classifiers.identity import RosterError
from classifiers.policy import Route, assess
from classifiers.text import MAX_ANALYSED_CHARS


@pytest.fixture
def profile(roster_path: Path, staff_path: Path) -> SchoolProfile:
    return SchoolProfile(
        name="Brookfield Primary",
        aliases=("Brookfield", "BPS"),
        town="Marshton",
        official_phones=("0113 496 0999",),
        official_emails=("office@brookfield.example.sch.uk",),
        roster_path=roster_path,
        staff_path=staff_path,
    )


@pytest.fixture
def analyzer(profile: SchoolProfile) -> Analyzer:
    analyzer = Analyzer(profile)
    analyzer.load()
    return analyzer


def test_runs_every_detector_when_comment_mixes_problems(analyzer: Analyzer) -> None:
    text = (
        "Summer Pennyworth's dad is a tosser, ring him on 07700 900123. "
        "Mrs Fairbrother stole from the PTA fund."
    )
    labels = {f.label for f in analyzer.analyze(text)}
    assert {
        Label.PUPIL_IDENTIFIED,
        Label.ABUSE,
        Label.PERSONAL_DETAILS,
        Label.STAFF_NAMED,
        Label.ALLEGATION,
    } <= labels
    result = assess(analyzer.analyze(text))
    assert result is not None
    assert result.category is Label.ALLEGATION
    assert result.route is Route.CHAIR_OF_GOVERNORS


def test_records_detector_versions_when_loaded(analyzer: Analyzer) -> None:
    versions = analyzer.detector_versions
    assert set(versions) == {
        "abuse_rules",
        "safeguarding_rules",
        "allegation_rules",
        "personal_details",
        "needs_response_rules",
        "pupil_names",
        "staff_names",
        "unlisted_children",
        "abuse_model",
        "safeguarding_model",
        "allegation_model",
        "needs_response_model",
        "encoder",
    }
    assert all(version for version in versions.values())


def test_skips_name_detectors_when_no_roster_or_staff_list() -> None:
    analyzer = Analyzer(SchoolProfile(name="Brookfield Primary"))
    analyzer.load()
    assert "pupil_names" not in analyzer.detector_versions
    assert analyzer.analyze("you muppet")[0].label is Label.ABUSE


def test_raises_roster_error_when_roster_is_broken(tmp_path: Path) -> None:
    bad = tmp_path / "roster.csv"
    bad.write_text("Forename,Surname\nOttilie\n", encoding="utf-8")
    with pytest.raises(RosterError, match="line 2"):
        Analyzer(SchoolProfile(name="x", roster_path=bad)).load()


def test_loads_profile_when_given_the_example_toml_shape(tmp_path: Path, roster_path: Path) -> None:
    toml = tmp_path / "school.toml"
    toml.write_text(
        'name = "Brookfield Primary"\naliases = ["Brookfield"]\ntown = "Marshton"\n'
        'official_phone = ["0113 496 0999"]\nofficial_email = ["office@brookfield.example.sch.uk"]\n'
        f'roster = "{roster_path.name}"\n',
        encoding="utf-8",
    )
    profile = SchoolProfile.from_toml(toml)
    assert profile.official_phones == ("0113 496 0999",)
    assert profile.roster_path == roster_path
    assert profile.staff_path is None


ODD_INPUTS = [
    "",
    " ",
    "\u200f\u202eRTL override: you muppet\u202c",
    "Summer\u200d Pennyworth 👩‍👧 was brilliant 🎉🎉",
    "e\u0301\u0301\u0301\u0301" * 500,
    "\U0001f600" * 5000,
    "ｙｏｕ　ａｒｅ　ａ　ｔｗａｔ",
    "\x00\x01\x02 control chars \x7f",
    "\ud800 lone surrogate",
    "مرحبا بالجميع في المدرسة",
    "ﷺ ﷽ ǅ ﬀ ﬁ ß ẞ İ ı",
]


@pytest.mark.parametrize("text", ODD_INPUTS)
def test_keeps_spans_valid_when_input_is_odd_unicode(analyzer: Analyzer, text: str) -> None:
    for finding in analyzer.analyze(text):
        if finding.start is None:  # a trained head's reading of the whole text: no span to check
            assert finding.end is None
            continue
        assert finding.end is not None
        assert 0 <= finding.start <= finding.end <= len(text)


def test_finds_names_through_joiners_and_fullwidth_when_obfuscated(analyzer: Analyzer) -> None:
    text = "Summer\u200d Pennyworth 👩‍👧 was brilliant"
    (pupil,) = [f for f in analyzer.analyze(text) if f.label is Label.PUPIL_IDENTIFIED]
    assert text[pupil.start : pupil.end] == "Summer\u200d Pennyworth"
    text = "ｙｏｕ　ａｒｅ　ａ　ｔｗａｔ"
    (abuse,) = [f for f in analyzer.analyze(text) if f.label is Label.ABUSE]
    assert text[abuse.start : abuse.end] == "ｔｗａｔ"


def test_caps_work_when_input_is_huge(analyzer: Analyzer) -> None:
    filler = "Summer Pennyworth asked what time is the disco? Mr Achterberg said 07700 900123. "
    text = filler * (1_000_000 // len(filler) + 1)
    started = time.perf_counter()
    findings = analyzer.analyze(text)
    elapsed = time.perf_counter() - started
    assert findings
    assert all(f.end is not None and f.end <= MAX_ANALYSED_CHARS for f in findings)
    assert elapsed < 5.0


@pytest.mark.parametrize(
    "text",
    [
        "a" * 1_000_000,
        "! " * 500_000,
        "Mr " * 300_000,
        ("my son " * 2000) + "?",
        "1" * 1_000_000,
        "x@" * 500_000,
    ],
)
def test_stays_fast_when_input_is_pathological(analyzer: Analyzer, text: str) -> None:
    started = time.perf_counter()
    analyzer.analyze(text)
    assert time.perf_counter() - started < 5.0


def test_never_leaks_pupil_names_when_explaining(analyzer: Analyzer, pupil_name_words: list[str]) -> None:
    texts = [
        "Summer Pennyworth was brilliant",
        "my daughter Zainab is so upset, the girls won't let her play",
        "Amber K 5R got star of the week",
        "Tobais Wrenfield came first",
        "Siobhán Delacroix's mum is a liar",
    ]
    for text in texts:
        findings = analyzer.analyze(text)
        assert findings
        result = assess(findings)
        shown = " ".join(
            [f.explanation + " " + repr(f.attributes) for f in findings]
            + list(result.reasons if result else [])
        ).lower()
        for word in pupil_name_words:
            assert f" {word} " not in f" {shown.replace('(', ' ').replace(')', ' ')} ", (word, text)
    assert "pennyworth" not in repr(analyzer.detectors).lower()


def test_never_reports_a_rule_candidate_when_no_model_reads_it(profile: SchoolProfile) -> None:
    # "Mr X seen at the bookies" names a subject but no wrongdoing word: only the trained head may read it.
    analyzer = Analyzer(profile, use_models=False)
    analyzer.load()
    text = "Saw Mrs Fairbrother coming out of the bookies at eleven on a Tuesday"
    (findings,) = analyzer.analyze_many([text])
    assert [f.label for f in findings if f.label is Label.ALLEGATION] == []


HARM_CLAIMS = [
    # Stated or second-hand, a claim that an adult harmed a child or targets children reaches the DSL.
    (
        "Mr Kowalczyk made my son sit in a cupboard as a punishment, disgusting",
        "Mr Kowalczyk made my son sit in a cupboard",
    ),
    (
        "word is mr kowalczyk has been messaging year 6 girls on insta. why is he still there??",
        "mr kowalczyk has been messaging year 6 girls on insta",
    ),
    ("Ms Rowntree is a predator", "Ms Rowntree is a predator"),
]


@pytest.mark.parametrize(("text", "span"), HARM_CLAIMS)
def test_routes_a_claim_of_harm_to_a_child_to_the_dsl_when_the_rules_read_it(
    profile: SchoolProfile, text: str, span: str
) -> None:
    analyzer = Analyzer(profile, use_models=False)
    analyzer.load()
    findings = analyzer.analyze(text)
    concerns = [f for f in findings if f.attribute("kind") == "harm_claim"]
    assert [(f.label, text[f.start : f.end]) for f in concerns if f.start is not None] == [
        (Label.SAFEGUARDING, span)
    ]
    assert any(f.label is Label.NEEDS_RESPONSE and f.score >= 0.5 for f in findings)


def test_leaves_an_affair_between_adults_to_the_defamation_log_when_no_child_is_involved(
    profile: SchoolProfile,
) -> None:
    analyzer = Analyzer(profile, use_models=False)
    analyzer.load()
    findings = analyzer.analyze("Miss Baker is having an affair with the caretaker")
    assert Label.ALLEGATION in {f.label for f in findings}
    assert Label.SAFEGUARDING not in {f.label for f in findings}


def test_sends_a_second_hand_claim_about_the_head_harming_a_child_to_the_chair_when_assessed(
    profile: SchoolProfile,
) -> None:
    # The allegation itself is hearsay (below the policy threshold); the concern it raises is not.
    analyzer = Analyzer(profile, use_models=False)
    analyzer.load()
    result = assess(analyzer.analyze("apparently Mrs Fairbrother slapped a boy in year 2"))
    assert result is not None
    assert result.category is Label.SAFEGUARDING
    assert result.route is Route.CHAIR_OF_GOVERNORS
