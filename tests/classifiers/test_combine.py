"""HeadDetector.combine: how a school head's score and its label's rule findings make the final findings."""

from __future__ import annotations

import pytest

from classifiers.base import Finding, Label
from classifiers.combine import HeadDetector
from tests.classifiers.conftest import constant_head


def _detector(mode: str, alone: float) -> HeadDetector:
    head = constant_head("safeguarding", threshold=0.3, info={"mode": mode, "alone": alone})
    return HeadDetector(Label.SAFEGUARDING, head, "possible safeguarding concern")


def _rule(score: float) -> Finding:
    return Finding(
        label=Label.SAFEGUARDING,
        score=score,
        start=0,
        end=4,
        explanation="bullying",
        detector_version="safeguarding_rules-1.0",
        attributes=(("kind", "bullying"),),
    )


def _flagged(findings: list[Finding]) -> list[tuple[int | None, float]]:
    return [(f.start, f.score) for f in findings if f.score >= 0.5]


@pytest.mark.parametrize(
    ("score", "rules", "expected"),
    [
        (0.6, [_rule(0.7)], [(0, 0.7)]),  # the model backs a rule: the rule's span is flagged
        (0.6, [], []),  # no rule and below the model's own cut-off: nothing
        (0.8, [], [(None, 0.8)]),  # confident enough alone: a whole-text finding
        (0.3, [_rule(0.7)], []),  # gate: a weak rule the model does not back drops below threshold
        (0.3, [_rule(0.9)], [(0, 0.9)]),  # a strong rule stands whatever the model says
    ],
)
def test_gate_mode_flags_by_the_two_cut_offs(
    score: float, rules: list[Finding], expected: list[tuple[int | None, float]]
) -> None:
    assert _flagged(_detector("gate", 0.75).combine(score, rules)) == expected


def test_or_mode_keeps_every_rule_hit_when_the_model_disagrees() -> None:
    assert _flagged(_detector("or", 0.5).combine(0.1, [_rule(0.7)])) == [(0, 0.7)]


def test_a_claim_the_rules_found_second_hand_stops_the_model_flagging_alone() -> None:
    hearsay = Finding(
        label=Label.SAFEGUARDING,
        score=0.45,
        start=0,
        end=4,
        explanation="claim passed on from someone else",
        detector_version="allegation_rules-1.0",
        attributes=(("kind", "theft"), ("framing", "reported")),
    )
    detector = _detector("gate", 0.75)
    assert _flagged(detector.combine(0.95, [hearsay])) == []
    assert _flagged(detector.combine(0.95, [])) == [(None, 0.95)]


def test_alone_is_never_below_the_backing_cut_off() -> None:
    assert _detector("gate", 0.2).alone == 0.5


def _candidate() -> Finding:
    return Finding(
        label=Label.ALLEGATION,
        score=0.25,
        start=4,
        end=14,
        explanation="possible claim of wrongdoing about a member of staff",
        detector_version="allegation_rules-1.0",
        attributes=(("target", "staff"), ("kind", "unstated"), ("framing", "candidate")),
    )


@pytest.mark.parametrize(
    ("score", "expected"),
    [
        (0.5, []),  # backs a rule hit, but a bare subject needs the model's "targeted" confidence
        (0.7, [(4, 0.5)]),  # at the targeted cut-off: the subject's span, at the policy's threshold
        (0.85, [(4, 0.75)]),
        (0.95, [(4, 0.92)]),  # also past "alone": the subject's span still beats a whole-text finding
    ],
)
def test_the_model_backs_a_candidate_subject_at_its_own_cut_off(
    score: float, expected: list[tuple[int | None, float]]
) -> None:
    head = constant_head("allegation", info={"mode": "or", "alone": 0.9, "targeted": 0.7})
    detector = HeadDetector(Label.ALLEGATION, head, "possible allegation")
    findings = detector.combine(score, [_candidate()])
    assert [(s, round(v, 2)) for s, v in _flagged(findings)] == expected
    assert not any(("framing", "candidate") in f.attributes for f in findings)  # never passed on as it is
    if findings:
        explanation = "possible claim of wrongdoing about a member of staff (trained model)"
        assert findings[0].explanation == explanation
        assert findings[0].attribute("target") == "staff"


def test_targeted_cut_off_lies_between_backing_and_alone() -> None:
    low = constant_head("allegation", info={"mode": "or", "alone": 0.8, "targeted": 0.2})
    high = constant_head("allegation", info={"mode": "or", "alone": 0.8, "targeted": 0.95})
    missing = constant_head("allegation", info={"mode": "or", "alone": 0.8})
    assert HeadDetector(Label.ALLEGATION, low, "x").targeted == 0.5
    assert HeadDetector(Label.ALLEGATION, high, "x").targeted == 0.8
    assert HeadDetector(Label.ALLEGATION, missing, "x").targeted == 0.8
