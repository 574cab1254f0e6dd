"""Turns a comment's findings into one decision: category, severity, proposed action, route and SLA kind.

The rules follow the school social media policies: concerns about a pupil go to the DSL; about staff to the
headteacher; about the headteacher to the chair of governors; illegal threats to the police. Names of pupils,
staff and families, personal details, defamatory and abusive remarks are removed; queries and complaints are
answered within the working-day SLA.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from classifiers.base import Finding, Label


class Severity(enum.IntEnum):
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4


class ProposedAction(enum.StrEnum):
    REVIEW = "review"
    REPLY = "reply"
    HIDE = "hide"
    DELETE = "delete"
    ESCALATE = "escalate"


class Route(enum.StrEnum):
    COMMS_OFFICER = "comms_officer"
    HEADTEACHER = "headteacher"
    DSL = "dsl"
    CHAIR_OF_GOVERNORS = "chair_of_governors"
    POLICE = "police"


# Safeguarding has the lowest bar: a missed disclosure costs far more than a dismissed false alarm.
DEFAULT_THRESHOLDS: Mapping[Label, float] = MappingProxyType(
    {
        Label.SAFEGUARDING: 0.35,
        Label.THREAT: 0.5,
        Label.ALLEGATION: 0.5,
        Label.PUPIL_IDENTIFIED: 0.5,
        Label.PERSONAL_DETAILS: 0.5,
        Label.ABUSE: 0.5,
        Label.STAFF_NAMED: 0.5,
        Label.SPAM: 0.5,
        Label.NEEDS_RESPONSE: 0.5,
    }
)

# A bare pupil name is a removal job for the communications officer; only a concern about the pupil (which
# arrives as SAFEGUARDING) goes to the DSL.
DEFAULT_ROUTING: Mapping[Label, Route] = MappingProxyType(
    {
        Label.SAFEGUARDING: Route.DSL,
        Label.THREAT: Route.HEADTEACHER,
        Label.ALLEGATION: Route.HEADTEACHER,
        Label.PUPIL_IDENTIFIED: Route.COMMS_OFFICER,
        Label.PERSONAL_DETAILS: Route.COMMS_OFFICER,
        Label.ABUSE: Route.COMMS_OFFICER,
        Label.STAFF_NAMED: Route.COMMS_OFFICER,
        Label.SPAM: Route.COMMS_OFFICER,
        Label.NEEDS_RESPONSE: Route.COMMS_OFFICER,
    }
)

# Tie-break between categories of equal severity: the order in which a person must see them.
_PRIORITY = (
    Label.SAFEGUARDING,
    Label.THREAT,
    Label.ALLEGATION,
    Label.PUPIL_IDENTIFIED,
    Label.PERSONAL_DETAILS,
    Label.ABUSE,
    Label.STAFF_NAMED,
    Label.SPAM,
    Label.NEEDS_RESPONSE,
)
# Threat kinds that are a risk to life or property: the headteacher contacts the police.
_POLICE_THREATS = frozenset({"life", "arson"})


@dataclass(frozen=True)
class PolicyConfig:
    """Per-school knobs. ``thresholds`` and ``routing`` are merged over the defaults, so a school can override
    one label without restating the rest."""

    thresholds: Mapping[Label, float] = field(default_factory=lambda: DEFAULT_THRESHOLDS)
    routing: Mapping[Label, Route] = field(default_factory=lambda: DEFAULT_ROUTING)
    headteacher_allegation_route: Route = Route.CHAIR_OF_GOVERNORS

    def threshold(self, label: Label) -> float:
        return self.thresholds.get(label, DEFAULT_THRESHOLDS[label])

    def route(self, label: Label) -> Route:
        return self.routing.get(label, DEFAULT_ROUTING[label])


@dataclass(frozen=True)
class Assessment:
    """The decision for one comment. ``reasons`` are sentences for the reviewer; they never contain names."""

    category: Label
    severity: Severity
    proposed_action: ProposedAction
    route: Route
    needs_response: bool
    sla_kind: str | None  # "standard" | "safeguarding" | "defamation" | None
    findings: tuple[Finding, ...]
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class _Decision:
    severity: Severity
    action: ProposedAction
    route: Route
    reason: str


def assess(findings: Iterable[Finding], config: PolicyConfig = PolicyConfig()) -> Assessment | None:
    """Decide what to do with a comment. ``None`` when no finding crosses its label's threshold."""
    kept = tuple(f for f in findings if f.score >= config.threshold(f.label))
    if not kept:
        return None
    by_label: dict[Label, list[Finding]] = {}
    for finding in kept:
        by_label.setdefault(finding.label, []).append(finding)

    decisions = {label: _decide(label, items, config) for label, items in by_label.items()}
    category = max(decisions, key=lambda label: (decisions[label].severity, -_PRIORITY.index(label)))
    decision = decisions[category]
    route = decision.route

    reasons = [decision.reason]
    concerned = [*by_label.get(Label.ALLEGATION, []), *by_label.get(Label.SAFEGUARDING, [])]
    if category is Label.SAFEGUARDING and _targets_headteacher(concerned):
        # A concern about the headteacher must not be routed to someone who reports to them.
        route = config.headteacher_allegation_route
        reasons.append("The concern involves the headteacher, so it goes to the chair of governors.")
    for label in sorted(decisions, key=lambda lab: (-decisions[lab].severity, _PRIORITY.index(lab))):
        if label is not category:
            reasons.append(f"Also: {decisions[label].reason[0].lower()}{decisions[label].reason[1:]}")
    explanations = sorted({f.explanation for f in kept})
    reasons.append("Detected: " + "; ".join(explanations) + ".")

    needs_response = Label.NEEDS_RESPONSE in by_label
    if category is Label.SAFEGUARDING:
        sla_kind: str | None = "safeguarding"
    elif category is Label.ALLEGATION:
        sla_kind = "defamation"
    elif needs_response:
        sla_kind = "standard"
    else:
        sla_kind = None

    return Assessment(
        category=category,
        severity=decision.severity,
        proposed_action=decision.action,
        route=route,
        needs_response=needs_response,
        sla_kind=sla_kind,
        findings=kept,
        reasons=tuple(reasons),
    )


def _decide(label: Label, findings: list[Finding], config: PolicyConfig) -> _Decision:
    route = config.route(label)
    if label is Label.SAFEGUARDING:
        return _Decision(
            Severity.CRITICAL,
            ProposedAction.ESCALATE,
            route,
            "Safeguarding concern about a child: the DSL must see this at once.",
        )
    if label is Label.THREAT:
        if any(f.attribute("kind") in _POLICE_THREATS for f in findings):
            return _Decision(
                Severity.CRITICAL,
                ProposedAction.ESCALATE,
                Route.POLICE,
                "Threat to life or of arson: the headteacher should contact the police.",
            )
        return _Decision(
            Severity.HIGH, ProposedAction.HIDE, route, "Threat of harm: hide it and tell the headteacher."
        )
    if label is Label.ALLEGATION:
        if _targets_headteacher(findings):
            return _Decision(
                Severity.HIGH,
                ProposedAction.HIDE,
                config.headteacher_allegation_route,
                "Allegation of wrongdoing against the headteacher: hide it and refer it to the chair of "
                "governors.",
            )
        return _Decision(
            Severity.HIGH,
            ProposedAction.HIDE,
            route,
            "Allegation of wrongdoing stated as fact (possible defamation): hide it and refer it to the "
            "headteacher.",
        )
    if label is Label.PUPIL_IDENTIFIED:
        if any(f.attribute("name_consent") != "yes" for f in findings):
            return _Decision(
                Severity.HIGH,
                ProposedAction.HIDE,
                route,
                "Identifies a pupil who has no name consent: hide it.",
            )
        return _Decision(
            Severity.MEDIUM,
            ProposedAction.HIDE,
            route,
            "Identifies a pupil by name; the policy removes pupils' names from public comments.",
        )
    if label is Label.PERSONAL_DETAILS:
        return _Decision(
            Severity.HIGH, ProposedAction.HIDE, route, "Contains personal contact details: hide it."
        )
    if label is Label.ABUSE:
        hateful = any(f.attribute("kind") in ("slur", "hate") for f in findings)
        return _Decision(
            Severity.HIGH if hateful else Severity.MEDIUM,
            ProposedAction.HIDE,
            route,
            "Discriminatory abuse: hide it and log it."
            if hateful
            else "Offensive, insulting or abusive remark: hide it.",
        )
    if label is Label.STAFF_NAMED:
        return _Decision(
            Severity.LOW,
            ProposedAction.REVIEW,
            route,
            "Names a member of staff: the policy allows removal, so a person should decide.",
        )
    if label is Label.SPAM:
        return _Decision(Severity.LOW, ProposedAction.HIDE, route, "Spam: hide it.")
    return _Decision(
        Severity.LOW,
        ProposedAction.REPLY,
        route,
        "Question, request or complaint: reply within the working-day deadline.",
    )


def _targets_headteacher(findings: Iterable[Finding]) -> bool:
    # A safeguarding concern read from a claim about someone carries that claim's target.
    return any(
        f.label in (Label.ALLEGATION, Label.SAFEGUARDING) and f.attribute("target") == "headteacher"
        for f in findings
    )
