"""Exports: the policy's "Inappropriate content report form" (CSV and printable HTML), the DSL's safeguarding CSV
for manual entry into CPOMS or MyConcern, and a subject-access JSON of everything held about one author.

Every export is made for a named user and contains only cases that user can see. CSV cells that a spreadsheet
would run as a formula are neutralised, because comment text is written by the public.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta
from importlib import resources
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot.config import SAFEGUARDING_ROLES, Role
from bot.models import ActionRequest, AuditEvent, Case, CaseNote, Item, School, User
from bot.redact import redact_item
from bot.sla import LONDON
from bot.sla_report import sla_state
from bot.users import can_view, is_restricted
from bot.workflow import PermissionDeniedError, WorkflowError

CATEGORY_NAMES: dict[str, str] = {
    "abuse": "Offensive or abusive comment",
    "threat": "Threat",
    "pupil_identified": "Pupil named or identified",
    "staff_named": "Member of staff named",
    "personal_details": "Personal details shared",
    "allegation": "Allegation of wrongdoing (possible defamation)",
    "safeguarding": "Safeguarding concern",
    "needs_response": "Query or complaint needing a reply",
    "spam": "Spam",
    "unclassified": "Not classified automatically (read it)",
}
ERASED = "(erased under the retention policy)"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """A CSV cell that Excel and LibreOffice show as text, never run as a formula (CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _local(when: datetime | None, fmt: str = "%d/%m/%Y %H:%M") -> str:
    return when.astimezone(LONDON).strftime(fmt) if when else ""


def category_name(category: str) -> str:
    return CATEGORY_NAMES.get(category, category)


# -- selecting cases ---------------------------------------------------------------------------------------


def local_day_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """UTC bounds of UK-time days ``start`` to ``end`` inclusive."""
    if end < start:
        raise WorkflowError(f"the end date {end} is before the start date {start}")
    return (datetime.combine(start, time(0), LONDON), datetime.combine(end + timedelta(days=1), time(0), LONDON))


def select_cases(session: Session, user: User, *, case_id: int | None = None, start: date | None = None,
                 end: date | None = None, restricted_only: bool = False) -> list[Case]:
    """One case (by id) or the cases received in a date range, that ``user`` can see, oldest first."""
    query = select(Case).options(selectinload(Case.items).selectinload(Item.findings)).order_by(Case.received_at,
                                                                                                Case.id)
    if case_id is not None:
        query = query.where(Case.id == case_id)
    elif start is not None and end is not None:
        low, high = local_day_bounds(start, end)
        query = query.where(Case.received_at >= low, Case.received_at < high)
    else:
        raise WorkflowError("choose a case (--case) or a date range (--from and --to)")
    cases = [c for c in session.scalars(query) if can_view(user, c)]
    if restricted_only:
        cases = [c for c in cases if is_restricted(c)]
    if case_id is not None and not cases:
        raise WorkflowError(f"no case {case_id} that {user.username} can see")
    return cases


def _redacted_text(item: Item) -> str:
    text = redact_item(item)
    return ERASED if text is None else text


def _first_actor(session: Session, case_id: int, event_types: Sequence[str]) -> tuple[str, datetime] | None:
    row = session.execute(
        select(AuditEvent.actor, AuditEvent.created_at)
        .where(AuditEvent.case_id == case_id, AuditEvent.event_type.in_(event_types),
               AuditEvent.actor.not_in(("system", "executor", "retention")))
        .order_by(AuditEvent.id).limit(1)
    ).first()
    return (row[0], row[1]) if row else None


def _requests(session: Session, case_id: int) -> Sequence[ActionRequest]:
    return session.scalars(select(ActionRequest).where(ActionRequest.case_id == case_id)
                           .options(selectinload(ActionRequest.approvals)).order_by(ActionRequest.id)).all()


def _action_summary(requests: Sequence[ActionRequest], case: Case) -> tuple[str, str, str]:
    """(action taken, officer names, officer date) for the form's second part."""
    lines: list[str] = []
    officers: list[str] = []
    last: datetime | None = None
    for r in requests:
        if r.status not in ("succeeded", "failed"):
            continue
        who = ", ".join(a.approver for a in r.approvals) or (r.approved_by or "")
        verb = f"{r.action}: {r.result or r.status}"
        lines.append(f"{verb} ({_local(r.executed_at)}; approved by {who})" if who else f"{verb} ({_local(r.executed_at)})")
        officers.extend(a.approver for a in r.approvals)
        last = r.executed_at or last
    if case.status == "dismissed":
        lines.append(f"Dismissed with no further action ({_local(case.resolved_at)})")
    if not lines:
        lines.append("No action yet" if case.status in ("new", "acknowledged", "awaiting_approval") else "None")
    return "\n".join(lines), ", ".join(dict.fromkeys(officers)), _local(case.resolved_at or last)


# -- report form ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReportForm:
    """The fields of the policy's "Inappropriate content report form", filled from one case."""

    case_id: int
    school: str
    status: str
    sla_state: str
    restricted: bool
    submitted_by: str
    individual: str
    date: str
    urls: tuple[str, ...]
    nature: str
    content: str
    action_taken: str
    officer: str
    officer_date: str

    CSV_COLUMNS = (
        ("SocialGuard case", "case_id"), ("School", "school"), ("Status", "status"),
        ("Response deadline", "sla_state"),
        ("Staff name (submitting report)", "submitted_by"),
        ("Name of individual posting the content (if known)", "individual"), ("Date", "date"),
        ("Full URL(s)", "urls"), ("Nature of inappropriate content", "nature"), ("Content (redacted)", "content"),
        ("Action taken", "action_taken"), ("Staff name (online safety officer)", "officer"),
        ("Date (online safety officer)", "officer_date"), ("Signature", None),
    )


def report_forms(session: Session, cases: Iterable[Case], *, now: datetime) -> list[ReportForm]:
    slugs = dict(session.execute(select(School.id, School.name)).all())
    forms: list[ReportForm] = []
    for case in cases:
        submitted = _first_actor(session, case.id, ("case.acknowledged", "action.requested", "case.note_added"))
        authors = [i.author_name or ("(erased)" if i.erased_at else "unknown") for i in case.items]
        action_taken, officer, officer_date = _action_summary(_requests(session, case.id), case)
        state = sla_state(case, now)
        forms.append(ReportForm(
            case_id=case.id,
            school=slugs.get(case.school_id, ""),
            status=case.status,
            sla_state=state.value if state else "",
            restricted=is_restricted(case),
            submitted_by=(f"{submitted[0]} (flagged by SocialGuard automatic monitoring)" if submitted
                          else "SocialGuard automatic monitoring"),
            individual="; ".join(dict.fromkeys(authors)) or "unknown",
            date=_local(case.received_at),
            urls=tuple(i.permalink for i in case.items if i.permalink),
            nature=f"{category_name(case.category)} (severity {case.severity})\n" + "\n".join(str(r) for r in case.reasons),
            content="\n---\n".join(_redacted_text(i) for i in case.items) or "(no content stored)",
            action_taken=action_taken,
            officer=officer,
            officer_date=officer_date,
        ))
    return forms


def report_csv(forms: Sequence[ReportForm]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([title for title, _ in ReportForm.CSV_COLUMNS])
    for form in forms:
        values = asdict(form)
        writer.writerow([
            safe_cell("\n".join(values[key]) if key == "urls" else values[key]) if key else ""
            for _, key in ReportForm.CSV_COLUMNS
        ])
    return out.getvalue()


def _jinja() -> Environment:
    folder = str(resources.files("bot").joinpath("data/templates"))
    return Environment(loader=FileSystemLoader(folder), autoescape=select_autoescape(["html", "j2"]),
                       trim_blocks=False, keep_trailing_newline=True)


def report_html(forms: Sequence[ReportForm], *, generated_by: str, now: datetime) -> str:
    template = _jinja().get_template("report_form.html.j2")
    return template.render(forms=forms, generated_by=generated_by, generated_at=_local(now))


# -- safeguarding CSV ----------------------------------------------------------------------------------------

#: Column names follow the fields CPOMS and MyConcern ask for when a concern is logged by hand.
SAFEGUARDING_COLUMNS = (
    "Date of concern", "Time of concern", "Concern category", "Concern summary", "Concern details",
    "Source / location", "Link", "Posted by (as shown on the platform)", "Platform account id", "Reported by",
    "Date and time DSL alerted", "Action taken", "Status", "Assigned to", "SocialGuard case",
)


def safeguarding_csv(session: Session, user: User, cases: Iterable[Case]) -> str:
    """Full, unredacted safeguarding cases for the DSL to copy into CPOMS or MyConcern. DSL and admin only."""
    if Role(user.role) not in SAFEGUARDING_ROLES:
        raise PermissionDeniedError(f"{user.username} ({user.role}) cannot export safeguarding cases: DSL or "
                                    "admin only")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(SAFEGUARDING_COLUMNS)
    for case in cases:
        if not is_restricted(case):
            continue
        action_taken, _, _ = _action_summary(_requests(session, case.id), case)
        rows: list[Item | None] = list(case.items) or [None]
        for item in rows:
            writer.writerow([safe_cell(v) for v in (
                _local(case.received_at, "%d/%m/%Y"), _local(case.received_at, "%H:%M"),
                "Safeguarding - online (social media)",
                str(case.reasons[0]) if case.reasons else category_name(case.category),
                (item.text if item.text is not None else ERASED) if item else "",
                f"{item.platform} {item.kind} on the school's account" if item else "",
                item.permalink if item else "",
                (item.author_name or ("(erased)" if item.erased_at else "unknown")) if item else "",
                (item.author_external_id or "") if item else "",
                "SocialGuard automatic monitoring", _local(case.opened_at), action_taken, case.status,
                case.assignee or "", case.id,
            )])
    return out.getvalue()


# -- subject access ------------------------------------------------------------------------------------------


def subject_access(session: Session, user: User, *, platform: str, author_external_id: str,
                   now: datetime) -> dict[str, Any]:
    """Everything held about one author (by their platform id): their comments with findings, the cases they
    are in, the actions on their comments, and the notes on those cases (for review before disclosure)."""
    if Role(user.role) is Role.VIEWER:
        raise PermissionDeniedError(f"{user.username} (viewer) cannot run a subject-access export")
    items = session.scalars(
        select(Item).options(selectinload(Item.findings))
        .where(Item.platform == platform, Item.author_external_id == author_external_id).order_by(Item.created_at)
    ).all()
    case_ids = sorted({i.case_id for i in items if i.case_id is not None})
    cases = session.scalars(select(Case).where(Case.id.in_(case_ids)).order_by(Case.id)).all() if case_ids else []
    hidden = [c.id for c in cases if not can_view(user, c)]
    if hidden:
        raise PermissionDeniedError(
            f"this person is connected to {len(hidden)} case(s) that {user.username} cannot see, so the export "
            "would be incomplete; ask the DSL or an admin to run it")
    item_ids = [i.id for i in items]
    requests = session.scalars(select(ActionRequest).where(ActionRequest.item_id.in_(item_ids))
                               .order_by(ActionRequest.id)).all() if item_ids else []
    notes = session.scalars(select(CaseNote).where(CaseNote.case_id.in_(case_ids))
                            .order_by(CaseNote.id)).all() if case_ids else []
    return {
        "generated_at": now.isoformat(),
        "generated_by": user.username,
        "subject": {"platform": platform, "author_external_id": author_external_id,
                    "names_seen": sorted({i.author_name for i in items if i.author_name})},
        "notice": ("Review before disclosure: case reasons and staff notes may contain other people's personal "
                   "data, and safeguarding records may be exempt. Comments erased under the retention policy "
                   "are listed without their text."),
        "comments": [{
            "external_id": i.external_id, "kind": i.kind, "text": i.text, "created_at": i.created_at.isoformat(),
            "permalink": i.permalink, "platform_state": i.platform_state, "case_id": i.case_id,
            "erased_at": i.erased_at.isoformat() if i.erased_at else None,
            "findings": [{"label": f.label, "explanation": f.explanation} for f in i.findings],
        } for i in items],
        "cases": [{
            "id": c.id, "category": c.category, "status": c.status, "opened_at": c.opened_at.isoformat(),
            "resolved_at": c.resolved_at.isoformat() if c.resolved_at else None, "resolution": c.resolution,
            "reasons": list(c.reasons),
        } for c in cases],
        "actions": [{
            "case_id": r.case_id, "action": r.action, "status": r.status, "requested_at": r.requested_at.isoformat(),
            "executed_at": r.executed_at.isoformat() if r.executed_at else None, "result": r.result,
            "reply_text": r.params.get("text"),
        } for r in requests],
        "notes": [{"case_id": n.case_id, "created_at": n.created_at.isoformat(), "text": n.body} for n in notes],
    }
