"""The case lifecycle: new → acknowledged → awaiting_approval → actioned | dismissed, with notes, assignment and
grouping of related items. Every change appends an audit event in the same transaction.

Audit payloads are hash-chained and can never be erased, so they carry ids, roles and statuses only: never
comment text, note text, author names or pupil names.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from bot import audit
from bot.models import ActionRequest, Case, CaseLink, CaseNote, Item, User
from bot.users import UserError, can_view, can_work_on, get_user

SYSTEM_ACTOR = "system"
#: Comments by one author this close together are one incident (a burst), not several.
DEFAULT_BURST = timedelta(hours=2)
MAX_NOTE_CHARS = 5000


class CaseStatus(enum.StrEnum):
    NEW = "new"
    ACKNOWLEDGED = "acknowledged"
    AWAITING_APPROVAL = "awaiting_approval"
    ACTIONED = "actioned"
    DISMISSED = "dismissed"


OPEN_STATUSES = frozenset({CaseStatus.NEW, CaseStatus.ACKNOWLEDGED, CaseStatus.AWAITING_APPROVAL})
#: Requests that may still change the platform: a case with one of these is not finished.
LIVE_REQUEST_STATUSES = ("requested", "approved", "executing")

_TRANSITIONS: dict[CaseStatus, frozenset[CaseStatus]] = {
    CaseStatus.NEW: frozenset({CaseStatus.ACKNOWLEDGED, CaseStatus.DISMISSED}),
    CaseStatus.ACKNOWLEDGED: frozenset({CaseStatus.AWAITING_APPROVAL, CaseStatus.DISMISSED}),
    # Back to acknowledged when every request was rejected or failed: a person decides again.
    CaseStatus.AWAITING_APPROVAL: frozenset({CaseStatus.ACKNOWLEDGED, CaseStatus.ACTIONED, CaseStatus.DISMISSED}),
    CaseStatus.ACTIONED: frozenset(),
    CaseStatus.DISMISSED: frozenset(),
}


class WorkflowError(Exception):
    """The change is not allowed in the case's current state. The message is meant for a person."""


class PermissionDeniedError(WorkflowError):
    """The user's role does not allow this."""


def load_case(session: Session, case_id: int, user: User) -> Case:
    """The case, if ``user`` may see it. A case they may not see reads as missing, so ids reveal nothing."""
    case = session.get(Case, case_id)
    if case is None or not can_view(user, case):
        raise WorkflowError(f"no case {case_id} that {user.username} can see")
    return case


def require_work(user: User, case: Case, doing: str) -> None:
    if not can_work_on(user, case):
        raise PermissionDeniedError(f"{user.username} ({user.role}) cannot {doing} case {case.id}")


def require_open(case: Case, doing: str) -> None:
    if case.status not in OPEN_STATUSES:
        raise WorkflowError(f"case {case.id} is {case.status}; it can no longer be {doing}")


def transition(session: Session, case: Case, to: CaseStatus, *, actor: str, now: datetime,
               payload: dict[str, object] | None = None) -> None:
    """Move ``case`` to ``to`` (refusing moves the lifecycle does not allow) and audit it."""
    current = CaseStatus(case.status)
    if to is current:
        return
    if to not in _TRANSITIONS[current]:
        raise WorkflowError(f"case {case.id} cannot go from {current} to {to}")
    case.status = to.value
    if to in (CaseStatus.ACTIONED, CaseStatus.DISMISSED):
        case.resolved_at = now
        mark_first_response(case, now)
    audit.record(session, actor=actor, event_type=f"case.{to.value}", case_id=case.id, school_id=case.school_id,
                 payload={"from": current.value, **(payload or {})}, now=now)


def mark_first_response(case: Case, now: datetime) -> None:
    """The SLA clock stops at the first response; an acknowledgement counts, as the policies say."""
    if case.first_response_at is None:
        case.first_response_at = now


def acknowledge(session: Session, case: Case, user: User, *, now: datetime) -> None:
    require_work(user, case, "acknowledge")
    if case.status != CaseStatus.NEW:
        raise WorkflowError(f"case {case.id} is already {case.status}")
    mark_first_response(case, now)
    transition(session, case, CaseStatus.ACKNOWLEDGED, actor=user.username, now=now)


def assign(session: Session, case: Case, user: User, assignee: str, *, now: datetime) -> None:
    require_work(user, case, "assign")
    require_open(case, "assigned")
    try:
        target = get_user(session, assignee)
    except UserError as exc:
        raise WorkflowError(str(exc)) from None
    if not can_work_on(target, case):
        # Assigning would show the case to someone who must not see it (e.g. safeguarding to a non-DSL).
        raise PermissionDeniedError(f"{assignee} ({target.role}) cannot work on case {case.id}")
    previous = case.assignee
    case.assignee = target.username
    audit.record(session, actor=user.username, event_type="case.assigned", case_id=case.id,
                 school_id=case.school_id, payload={"assignee": target.username, "previous": previous}, now=now)


def add_note(session: Session, case: Case, user: User, body: str, *, now: datetime) -> CaseNote:
    require_work(user, case, "add a note to")
    body = body.strip()
    if not body:
        raise WorkflowError("the note is empty")
    if len(body) > MAX_NOTE_CHARS:
        raise WorkflowError(f"notes are at most {MAX_NOTE_CHARS} characters (this one has {len(body)})")
    note = CaseNote(case_id=case.id, author=user.username, body=body, created_at=now)
    session.add(note)
    session.flush()
    audit.record(session, actor=user.username, event_type="case.note_added", case_id=case.id,
                 school_id=case.school_id, payload={"note_id": note.id, "chars": len(body)}, now=now)
    return note


def live_requests(session: Session, case_id: int, *, excluding: int | None = None) -> Sequence[ActionRequest]:
    query = select(ActionRequest).where(ActionRequest.case_id == case_id,
                                        ActionRequest.status.in_(LIVE_REQUEST_STATUSES))
    if excluding is not None:
        query = query.where(ActionRequest.id != excluding)
    return session.scalars(query.order_by(ActionRequest.id)).all()


def dismiss(session: Session, case: Case, user: User, *, reason: str | None, now: datetime) -> None:
    """Close a case with no (further) action: it was not a breach, or it was dealt with elsewhere."""
    require_work(user, case, "dismiss")
    require_open(case, "dismissed")
    pending = live_requests(session, case.id)
    if any(r.status == "executing" for r in pending):
        raise WorkflowError(f"case {case.id} has an action being carried out now; wait for it to finish")
    for request in pending:
        if request.params.get("auto_hide") is True:
            continue  # the hide already stands or will run; dismissing does not undo it (request unhide)
        request.status = "rejected"
        request.result = f"withdrawn: case dismissed by {user.username}"
        audit.record(session, actor=user.username, event_type="action.rejected", case_id=case.id,
                     school_id=case.school_id, payload={"request_id": request.id, "action": request.action,
                                                        "why": "case dismissed"}, now=now)
    if reason:
        add_note(session, case, user, f"Dismissed: {reason}", now=now)
    case.resolution = "dismissed"
    transition(session, case, CaseStatus.DISMISSED, actor=user.username, now=now)


# -- grouping ------------------------------------------------------------------------------------------------


class LinkReason(enum.StrEnum):
    SAME_THREAD = "same_thread"
    SAME_AUTHOR = "same_author"
    SAME_POST = "same_post"


_REASON_ORDER = (LinkReason.SAME_THREAD, LinkReason.SAME_AUTHOR, LinkReason.SAME_POST)


@dataclass(frozen=True, slots=True)
class Grouping:
    """Where a newly flagged item belongs: in an existing ``case``, or in a new case linked to ``related``."""

    case: Case | None
    reason: LinkReason | None
    related: tuple[tuple[int, LinkReason], ...] = ()


def find_group(session: Session, *, item_id: int, category: str, route: str, needs_response: bool,
               burst: timedelta = DEFAULT_BURST) -> Grouping:
    """Decide whether a flagged, already-stored item joins an open case or opens a new one.

    It joins an open case of the same category and route when it replies to an item in that case (same
    thread) or comes from the same author within ``burst`` (same burst). Anything else related (another
    category, a closed case, other people piling onto the same post) gets a new case linked to the old one.
    Same category *and* route means a safeguarding item never lands in a case that non-DSL staff can see.
    """
    item = session.get(Item, item_id)
    if item is None:
        raise ValueError(f"item {item_id} is not stored")
    window = (Item.created_at >= item.created_at - burst, Item.created_at <= item.created_at + burst)
    conditions = []
    if item.parent_external_id:
        conditions.append(Item.external_id == item.parent_external_id)
    if item.author_external_id:
        conditions.append((Item.author_external_id == item.author_external_id) & window[0] & window[1])
    if item.post_external_id:
        conditions.append((Item.post_external_id == item.post_external_id) & window[0] & window[1])
    if not conditions:
        return Grouping(None, None)
    rows = session.execute(
        select(Case, Item)
        .join(Item, Item.case_id == Case.id)
        .where(Item.school_id == item.school_id, Item.platform == item.platform, Item.id != item.id,
               Case.erased_at.is_(None), or_(*conditions))
        .order_by(Case.id.desc())
    ).all()
    reasons: dict[int, LinkReason] = {}
    cases: dict[int, Case] = {}
    for case, other in rows:
        if item.parent_external_id and other.external_id == item.parent_external_id:
            reason = LinkReason.SAME_THREAD
        elif item.author_external_id and other.author_external_id == item.author_external_id:
            reason = LinkReason.SAME_AUTHOR
        else:
            reason = LinkReason.SAME_POST
        cases[case.id] = case
        best = reasons.get(case.id)
        if best is None or _REASON_ORDER.index(reason) < _REASON_ORDER.index(best):
            reasons[case.id] = reason
    ordered = sorted(reasons, key=lambda cid: (_REASON_ORDER.index(reasons[cid]), -cid))
    for case_id in ordered:
        case, reason = cases[case_id], reasons[case_id]
        if (reason is not LinkReason.SAME_POST and case.status in OPEN_STATUSES and case.category == category
                and case.route == route and not (needs_response and case.first_response_at is not None)):
            return Grouping(case, reason)
    return Grouping(None, None, tuple((cid, reasons[cid]) for cid in ordered[:5]))


def attach_item(session: Session, case: Case, item_id: int, *, reason: LinkReason, severity: int,
                needs_response: bool, sla_kind: str | None, due_at: datetime | None, now: datetime,
                actor: str = SYSTEM_ACTOR) -> None:
    """Put a related item into an existing case; the case takes the higher severity and the earlier deadline."""
    item = session.get(Item, item_id)
    if item is None:
        raise ValueError(f"item {item_id} is not stored")
    item.case_id = case.id
    case.severity = max(case.severity, severity)
    if needs_response and not case.needs_response:
        case.needs_response = True
    if due_at is not None and case.first_response_at is None and (case.due_at is None or due_at < case.due_at):
        case.due_at, case.sla_kind = due_at, sla_kind
    audit.record(session, actor=actor, event_type="case.item_added", case_id=case.id, school_id=case.school_id,
                 payload={"item_id": item_id, "reason": reason.value, "platform": item.platform,
                          "external_id": item.external_id},
                 now=now)


@dataclass(frozen=True, slots=True)
class Placement:
    """The pipeline's answer: the existing case the item joined, or ``None`` and the cases to link a new one to."""

    case: Case | None
    related: tuple[tuple[int, LinkReason], ...] = ()


def place_item(session: Session, *, item_id: int, category: str, route: str, severity: int, needs_response: bool,
               sla_kind: str | None, due_at: datetime | None, now: datetime,
               burst: timedelta = DEFAULT_BURST) -> Placement:
    """The hook for ``Pipeline._open_case``: join the item to a related open case (see :func:`find_group`) and
    return it, or return the related cases a new case should be linked to with :func:`link_cases`."""
    grouping = find_group(session, item_id=item_id, category=category, route=route, needs_response=needs_response,
                          burst=burst)
    if grouping.case is not None and grouping.reason is not None:
        attach_item(session, grouping.case, item_id, reason=grouping.reason, severity=severity,
                    needs_response=needs_response, sla_kind=sla_kind, due_at=due_at, now=now)
        return Placement(grouping.case)
    return Placement(None, grouping.related)


def link_cases(session: Session, case: Case, related: Sequence[tuple[int, LinkReason]], *, now: datetime,
               actor: str = SYSTEM_ACTOR) -> None:
    """Record that ``case`` is related to earlier cases (both directions read through :func:`related_cases`)."""
    for related_id, reason in related:
        if related_id == case.id:
            continue
        session.add(CaseLink(case_id=case.id, related_case_id=related_id, reason=reason.value, created_at=now))
        audit.record(session, actor=actor, event_type="case.linked", case_id=case.id, school_id=case.school_id,
                     payload={"related_case_id": related_id, "reason": reason.value}, now=now)
    session.flush()


def related_cases(session: Session, case_id: int) -> list[tuple[Case, str]]:
    """Cases linked to ``case_id`` in either direction, with the reason. Callers filter by visibility."""
    links = session.execute(
        select(CaseLink.case_id, CaseLink.related_case_id, CaseLink.reason)
        .where(or_(CaseLink.case_id == case_id, CaseLink.related_case_id == case_id))
        .order_by(CaseLink.id)
    ).all()
    out: list[tuple[Case, str]] = []
    for source, target, reason in links:
        other = session.get(Case, target if source == case_id else source)
        if other is not None:
            out.append((other, reason))
    return out


def notes(session: Session, case_id: int) -> Sequence[CaseNote]:
    return session.scalars(select(CaseNote).where(CaseNote.case_id == case_id).order_by(CaseNote.id)).all()
