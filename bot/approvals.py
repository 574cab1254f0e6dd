"""Approval rules: who may request and approve each action on each case, the two-person delete, and the
automatic hide pending review. Nothing reaches a platform without an approval recorded here.

An approver must be able to see the case (safeguarding: DSL and admin only). On a case routed to the chair of
governors (an allegation against the headteacher), the headteacher's approvals pass to the chair.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot import audit
from bot.config import ApprovalsConfig, Role
from bot.models import ActionRequest, Approval, Case, Item, User
from bot.users import Viewer, can_view
from bot.workflow import (
    OPEN_STATUSES,
    SYSTEM_ACTOR,
    CaseStatus,
    PermissionDeniedError,
    WorkflowError,
    live_requests,
    mark_first_response,
    require_open,
    require_work,
    transition,
)
from classifiers.policy import Route
from connectors.base import Action, Capabilities
from connectors.registry import CONNECTORS

AUTO_HIDE_ACTOR = "system (auto-hide pending review)"

#: Looks up a platform's capabilities; the registry by default, a stand-in for platforms not yet built.
CapabilityLookup = Callable[[str], Capabilities | None]


def registry_capabilities(platform: str) -> Capabilities | None:
    connector = CONNECTORS.get(platform)
    return connector.capabilities if connector is not None else None


@dataclass(frozen=True, slots=True)
class Offer:
    """Whether ``action`` can be done on an item, and if not, why and what to do instead."""

    action: Action
    is_available: bool
    reason: str | None = None
    instead: Action | None = None


def offers(item: Item, lookup: CapabilityLookup = registry_capabilities) -> list[Offer]:
    """What a person can ask for on ``item``: only what the platform's API allows (X: no delete, so hide)."""
    caps = lookup(item.platform)
    out: list[Offer] = []
    for action in Action:
        if caps is None:
            out.append(Offer(action, False, f"this version of SocialGuard cannot act on {item.platform}"))
            continue
        if not caps.supports(action):
            instead = next((a for a in (Action.HIDE, Action.DELETE) if a is not action and caps.supports(a)), None)
            note = caps.notes.get(action.value, f"the {item.platform} API has no {action.value} for other "
                                                f"people's content")
            out.append(Offer(action, False, note, instead))
            continue
        out.append(_item_offer(item, action, caps))
    return out


def _item_offer(item: Item, action: Action, caps: Capabilities) -> Offer:
    gone = item.platform_state == "deleted"
    if gone and action is not Action.BAN:
        return Offer(action, False, "the comment has already been deleted")
    if action is Action.HIDE:
        if item.platform_state == "hidden":
            return Offer(action, False, "the comment is already hidden")
        if item.can_hide is False:
            instead = Action.DELETE if caps.delete and item.can_delete is not False else None
            return Offer(action, False, f"{item.platform} does not allow hiding this comment", instead)
    if action is Action.UNHIDE and item.platform_state != "hidden":
        return Offer(action, False, "the comment is not hidden")
    if action is Action.DELETE and item.can_delete is False:
        instead = Action.HIDE if caps.hide and item.can_hide is not False else None
        return Offer(action, False, f"{item.platform} does not allow the school to delete this comment", instead)
    if action is Action.REPLY and item.can_reply is False:
        return Offer(action, False, f"{item.platform} does not allow replies to this comment")
    if action is Action.BAN and not item.author_external_id:
        return Offer(action, False, "the author is unknown (or was erased under the retention policy)")
    return Offer(action, True)


def approver_roles(rules: ApprovalsConfig, action: Action | str, case: Case) -> frozenset[Role]:
    """The roles that may approve ``action`` on ``case``: the configured rule, adjusted for the route and
    narrowed to roles that can see the case."""
    roles = set(rules.rule(action).roles_for(case.category))
    if case.route == Route.CHAIR_OF_GOVERNORS.value and Role.HEADTEACHER in roles:
        # The case is about the headteacher; their authority over it passes to the chair of governors.
        roles.discard(Role.HEADTEACHER)
        roles.add(Role.CHAIR_OF_GOVERNORS)
    return frozenset(r for r in roles if can_view(Viewer("", r, None), case))


def approvals_needed(rules: ApprovalsConfig, action: Action | str) -> int:
    return 2 if rules.rule(action).two_person else 1


def can_approve(user: User, case: Case, action: Action | str, rules: ApprovalsConfig) -> bool:
    return user.is_active and can_view(user, case) and Role(user.role) in approver_roles(rules, action, case)


def is_auto(request: ActionRequest) -> bool:
    return request.params.get("auto_hide") is True


def request_action(
    session: Session,
    *,
    case: Case,
    item: Item,
    action: Action | str,
    user: User,
    now: datetime,
    params: Mapping[str, Any] | None = None,
    lookup: CapabilityLookup = registry_capabilities,
) -> ActionRequest:
    """Ask for an action on one item of a case. It waits for approval; the case moves to awaiting_approval."""
    action = Action(action)
    require_work(user, case, f"request {action.value} on")
    require_open(case, "actioned")
    if item.case_id != case.id:
        raise WorkflowError(f"item {item.id} is not part of case {case.id}")
    offer = next(o for o in offers(item, lookup) if o.action is action)
    if not offer.is_available:
        hint = f"; you can {offer.instead.value} it instead" if offer.instead else ""
        raise WorkflowError(f"cannot {action.value} on case {case.id}: {offer.reason}{hint}")
    params = dict(params or {})
    if action is Action.REPLY and not str(params.get("text", "")).strip():
        raise WorkflowError("a reply needs text: choose a template (--template)")
    existing = session.scalars(
        select(ActionRequest).where(ActionRequest.item_id == item.id, ActionRequest.action == action.value,
                                    ActionRequest.status.in_(("requested", "approved", "executing")))
    ).first()
    if existing is not None:
        raise WorkflowError(f"{action.value} on this comment is already {existing.status} (request {existing.id})")
    sequence = session.scalar(select(func.count()).select_from(ActionRequest).where(
        ActionRequest.item_id == item.id, ActionRequest.action == action.value)) or 0
    request = ActionRequest(
        case_id=case.id, item_id=item.id, action=action.value, params=params, status="requested",
        requested_by=user.username, requested_at=now,
        # Two people asking at the same moment collide on this UNIQUE key instead of making two requests.
        idempotency_key=f"item:{item.id}:{action.value}:{sequence + 1}",
    )
    session.add(request)
    session.flush()
    audit.record(session, actor=user.username, event_type="action.requested", case_id=case.id,
                 school_id=case.school_id,
                 payload={"request_id": request.id, "action": action.value, "item_id": item.id,
                          "template": params.get("template")}, now=now)
    if case.status == CaseStatus.NEW:
        # Asking for an action is a response to the case: it counts as the acknowledgement.
        mark_first_response(case, now)
        transition(session, case, CaseStatus.ACKNOWLEDGED, actor=user.username, now=now)
    transition(session, case, CaseStatus.AWAITING_APPROVAL, actor=user.username, now=now)
    return request


def approve(session: Session, *, request: ActionRequest, user: User, rules: ApprovalsConfig,
            now: datetime) -> ActionRequest:
    """Record ``user``'s approval; the request becomes ``approved`` once enough different people approved."""
    case = _case_of(session, request)
    if request.status != "requested":
        raise WorkflowError(f"request {request.id} is {request.status}, not waiting for approval")
    if not can_approve(user, case, request.action, rules):
        roles = ", ".join(sorted(r.value for r in approver_roles(rules, request.action, case))) or "nobody"
        raise PermissionDeniedError(
            f"{user.username} ({user.role}) may not approve {request.action} on a {case.category} case; "
            f"who may: {roles}")
    if any(a.approver == user.username for a in request.approvals):
        raise WorkflowError(f"{user.username} has already approved request {request.id}; a second person must "
                            "approve it")
    session.add(Approval(action_request_id=request.id, approver=user.username, role=user.role, approved_at=now))
    session.flush()
    session.refresh(request, ["approvals"])
    needed = approvals_needed(rules, request.action)
    approvers = [a.approver for a in request.approvals]
    audit.record(session, actor=user.username, event_type="action.approval_recorded", case_id=case.id,
                 school_id=case.school_id,
                 payload={"request_id": request.id, "action": request.action, "role": user.role,
                          "approvals": len(approvers), "needed": needed}, now=now)
    if len(approvers) >= needed:
        request.status = "approved"
        request.approved_by = user.username
        request.approved_at = now
        audit.record(session, actor=user.username, event_type="action.approved", case_id=case.id,
                     school_id=case.school_id,
                     payload={"request_id": request.id, "action": request.action, "approvers": approvers},
                     now=now)
    return request


def reject(session: Session, *, request: ActionRequest, user: User, rules: ApprovalsConfig,
           now: datetime) -> ActionRequest:
    """Turn a request down (an approver) or withdraw it (the person who asked). The case goes back to
    acknowledged when nothing else is pending, so someone decides again."""
    case = _case_of(session, request)
    if request.status not in ("requested", "approved"):
        raise WorkflowError(f"request {request.id} is {request.status}; only requests not yet carried out can "
                            "be rejected")
    if not (can_approve(user, case, request.action, rules)
            or (request.requested_by == user.username and can_view(user, case))):
        raise PermissionDeniedError(f"{user.username} ({user.role}) may not reject request {request.id}")
    request.status = "rejected"
    request.result = f"rejected by {user.username}"
    audit.record(session, actor=user.username, event_type="action.rejected", case_id=case.id,
                 school_id=case.school_id, payload={"request_id": request.id, "action": request.action}, now=now)
    settle_case(session, case, now=now, actor=user.username)
    return request


def settle_case(session: Session, case: Case, *, now: datetime, actor: str) -> None:
    """After a request finishes: close the case when a person's request succeeded and nothing is left pending;
    send it back for a decision when nothing succeeded. Automatic hides never close a case: a person reviews."""
    if case.status != CaseStatus.AWAITING_APPROVAL or live_requests(session, case.id):
        return
    done = session.scalars(select(ActionRequest).where(
        ActionRequest.case_id == case.id, ActionRequest.status == "succeeded")).all()
    manual = [r for r in done if not is_auto(r)]
    if manual:
        case.resolution = "; ".join(dict.fromkeys(f"{r.action}" for r in manual))[:200]
        transition(session, case, CaseStatus.ACTIONED, actor=actor, now=now)
    else:
        transition(session, case, CaseStatus.ACKNOWLEDGED, actor=actor, now=now)


def queue_auto_hides(session: Session, rules: ApprovalsConfig, *, now: datetime,
                     lookup: CapabilityLookup = registry_capabilities) -> list[ActionRequest]:
    """Hide, pending a person's review, the visible items of open cases in ``rules.auto_hide`` categories.
    Only hide: it is reversible. Delete is never automatic, whatever the config says."""
    if not rules.auto_hide:
        return []
    rows = session.execute(
        select(Case, Item).join(Item, Item.case_id == Case.id)
        .where(Case.category.in_(rules.auto_hide), Case.status.in_([s.value for s in OPEN_STATUSES]),
               Case.erased_at.is_(None), Item.platform_state == "visible")
        .order_by(Case.id, Item.id)
    ).all()
    created: list[ActionRequest] = []
    for case, item in rows:
        already = session.scalars(select(ActionRequest.id).where(
            ActionRequest.item_id == item.id, ActionRequest.action == Action.HIDE.value)).first()
        if already is not None:
            continue  # a person already asked (or decided against it); never second-guess them
        offer = next(o for o in offers(item, lookup) if o.action is Action.HIDE)
        if not offer.is_available:
            continue
        request = ActionRequest(
            case_id=case.id, item_id=item.id, action=Action.HIDE.value, params={"auto_hide": True},
            status="approved", requested_by=SYSTEM_ACTOR, requested_at=now, approved_by=AUTO_HIDE_ACTOR,
            approved_at=now, idempotency_key=f"auto-hide:item:{item.id}",
        )
        session.add(request)
        session.flush()
        audit.record(session, actor=SYSTEM_ACTOR, event_type="action.auto_approved", case_id=case.id,
                     school_id=case.school_id,
                     payload={"request_id": request.id, "action": "hide", "item_id": item.id,
                              "category": case.category, "why": "auto-hide pending review"}, now=now)
        created.append(request)
    return created


def pending_for(session: Session, case_id: int) -> Sequence[ActionRequest]:
    return session.scalars(select(ActionRequest).where(ActionRequest.case_id == case_id,
                                                       ActionRequest.status == "requested")
                           .order_by(ActionRequest.id)).all()


def _case_of(session: Session, request: ActionRequest) -> Case:
    case = session.get(Case, request.case_id)
    if case is None:
        raise WorkflowError(f"request {request.id} has no case")
    return case
