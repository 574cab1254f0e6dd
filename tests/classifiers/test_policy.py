"""assess(): findings to one decision, following the schools' social media policies."""

from __future__ import annotations

import pytest

from classifiers.base import Finding, Label
from classifiers.policy import Assessment, PolicyConfig, ProposedAction, Route, Severity, assess


def _finding(label: Label, score: float = 0.9, **attributes: str) -> Finding:
    return Finding(label, score, 0, 4, f"{label.value} explanation", "test-1", tuple(attributes.items()))


def _assess(*findings: Finding, config: PolicyConfig | None = None) -> Assessment:
    result = assess(findings, config or PolicyConfig())
    assert result is not None
    return result


def test_returns_none_when_nothing_crosses_a_threshold() -> None:
    assert assess([]) is None
    assert assess([_finding(Label.ABUSE, score=0.2)]) is None


def test_safeguarding_outranks_everything_when_present() -> None:
    result = _assess(
        _finding(Label.ABUSE),
        _finding(Label.THREAT, kind="arson"),
        _finding(Label.SAFEGUARDING, score=0.4),
        _finding(Label.NEEDS_RESPONSE),
    )
    assert (result.category, result.severity, result.proposed_action, result.route, result.sla_kind) == (
        Label.SAFEGUARDING,
        Severity.CRITICAL,
        ProposedAction.ESCALATE,
        Route.DSL,
        "safeguarding",
    )
    assert result.needs_response is True


@pytest.mark.parametrize(
    ("findings", "category", "severity", "action", "route", "sla"),
    [
        (
            [_finding(Label.THREAT, kind="intimidation")],
            Label.THREAT,
            Severity.HIGH,
            ProposedAction.HIDE,
            Route.HEADTEACHER,
            None,
        ),
        (
            [_finding(Label.THREAT, kind="life")],
            Label.THREAT,
            Severity.CRITICAL,
            ProposedAction.ESCALATE,
            Route.POLICE,
            None,
        ),
        (
            [_finding(Label.THREAT, kind="arson")],
            Label.THREAT,
            Severity.CRITICAL,
            ProposedAction.ESCALATE,
            Route.POLICE,
            None,
        ),
        (
            [_finding(Label.PUPIL_IDENTIFIED, name_consent="no")],
            Label.PUPIL_IDENTIFIED,
            Severity.HIGH,
            ProposedAction.HIDE,
            Route.COMMS_OFFICER,
            None,
        ),
        (
            [_finding(Label.PUPIL_IDENTIFIED, name_consent="yes")],
            Label.PUPIL_IDENTIFIED,
            Severity.MEDIUM,
            ProposedAction.HIDE,
            Route.COMMS_OFFICER,
            None,
        ),
        (
            [_finding(Label.PERSONAL_DETAILS)],
            Label.PERSONAL_DETAILS,
            Severity.HIGH,
            ProposedAction.HIDE,
            Route.COMMS_OFFICER,
            None,
        ),
        (
            [_finding(Label.ALLEGATION, target="staff")],
            Label.ALLEGATION,
            Severity.HIGH,
            ProposedAction.HIDE,
            Route.HEADTEACHER,
            "defamation",
        ),
        (
            [_finding(Label.ALLEGATION, target="headteacher")],
            Label.ALLEGATION,
            Severity.HIGH,
            ProposedAction.HIDE,
            Route.CHAIR_OF_GOVERNORS,
            "defamation",
        ),
        (
            [_finding(Label.ABUSE, kind="insult")],
            Label.ABUSE,
            Severity.MEDIUM,
            ProposedAction.HIDE,
            Route.COMMS_OFFICER,
            None,
        ),
        (
            [_finding(Label.ABUSE, kind="slur")],
            Label.ABUSE,
            Severity.HIGH,
            ProposedAction.HIDE,
            Route.COMMS_OFFICER,
            None,
        ),
        (
            [_finding(Label.STAFF_NAMED, role="teacher")],
            Label.STAFF_NAMED,
            Severity.LOW,
            ProposedAction.REVIEW,
            Route.COMMS_OFFICER,
            None,
        ),
        (
            [_finding(Label.NEEDS_RESPONSE)],
            Label.NEEDS_RESPONSE,
            Severity.LOW,
            ProposedAction.REPLY,
            Route.COMMS_OFFICER,
            "standard",
        ),
    ],
)
def test_applies_policy_rule_when_category_is_alone(
    findings: list[Finding],
    category: Label,
    severity: Severity,
    action: ProposedAction,
    route: Route,
    sla: str | None,
) -> None:
    result = _assess(*findings)
    assert (result.category, result.severity, result.proposed_action, result.route, result.sla_kind) == (
        category,
        severity,
        action,
        route,
        sla,
    )


def test_keeps_needs_response_when_a_more_serious_category_wins() -> None:
    result = _assess(_finding(Label.ABUSE), _finding(Label.NEEDS_RESPONSE))
    assert result.category is Label.ABUSE
    assert result.needs_response is True
    assert result.sla_kind == "standard"


def test_picks_most_serious_category_when_several_apply() -> None:
    result = _assess(
        _finding(Label.STAFF_NAMED), _finding(Label.ABUSE), _finding(Label.ALLEGATION, target="staff")
    )
    assert result.category is Label.ALLEGATION
    assert len(result.findings) == 3
    assert any(reason.startswith("Also:") for reason in result.reasons)


def test_routes_safeguarding_about_the_head_to_the_chair_when_allegation_targets_head() -> None:
    result = _assess(_finding(Label.SAFEGUARDING), _finding(Label.ALLEGATION, target="headteacher"))
    assert result.category is Label.SAFEGUARDING
    assert result.route is Route.CHAIR_OF_GOVERNORS


def test_uses_school_overrides_when_configured() -> None:
    config = PolicyConfig(thresholds={Label.ABUSE: 0.95}, routing={Label.ABUSE: Route.HEADTEACHER})
    assert assess([_finding(Label.ABUSE, score=0.9)], config) is None
    result = _assess(_finding(Label.ABUSE, score=0.99), config=config)
    assert result.route is Route.HEADTEACHER
    # Labels the school did not override keep their defaults.
    assert _assess(_finding(Label.SAFEGUARDING, score=0.4), config=config).route is Route.DSL


def test_reasons_are_sentences_without_matched_text() -> None:
    finding = Finding(
        Label.PUPIL_IDENTIFIED,
        0.95,
        0,
        5,
        "matches pupil on roster by full name (Year 3, no name consent)",
        "t",
        (("name_consent", "no"),),
    )
    result = _assess(finding)
    assert result.reasons[0] == "Identifies a pupil who has no name consent: hide it."
    assert all(reason.endswith(".") for reason in result.reasons)
