"""``socialguard cases``: the moderation log, and the workflow on it (acknowledge, assign, request, approve,
reject, note, export). Every command but ``list`` acts as a named user (``--as``) and checks that user's role.

``--as`` attributes each change in the audit log and applies the role rules; it is not a login (whoever can run
the CLI can open the database). The web UI authenticates with the user's password.

Without ``--as``, ``cases list`` works only while the database has no users (a fresh install or the demo); once
users exist it refuses, so nobody reads the log, safeguarding cases included, without saying who they are.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.markup import escape
from rich.table import Table
from sqlalchemy import exists, select
from sqlalchemy.orm import Session, selectinload

from bot import approvals, exports, workflow
from bot.cli_common import ConfigOpt, DatabaseOpt, JsonOpt, console, err, fail, open_engine, open_settings
from bot.config import ApprovalsConfig, ConfigError, Settings
from bot.db import session_factory
from bot.models import ActionRequest, AuditEvent, Case, Item, School, User, utcnow
from bot.redact import redact_item
from bot.sla import LONDON
from bot.sla_report import SlaState, sla_figures, sla_state
from bot.templates import TemplateError, load_templates, render, values_for
from bot.users import UserError, can_view, get_user
from bot.views import case_summary, print_cases
from bot.workflow import WorkflowError
from connectors.base import Action

cases_app = typer.Typer(help="The moderation log: cases opened from flagged comments.", no_args_is_help=True)

AsOpt = Annotated[
    str | None,
    typer.Option("--as", envvar="SOCIALGUARD_USER", show_envvar=True,
                 help="Act as this user (see `socialguard users list`); their role decides what they may do."),
]
AsRequired = Annotated[
    str,
    typer.Option("--as", envvar="SOCIALGUARD_USER", show_envvar=True,
                 help="Act as this user (see `socialguard users list`); their role decides what they may do."),
]
CaseArg = Annotated[int, typer.Argument(help="The case number (see `socialguard cases list`).")]

T = TypeVar("T")


@contextmanager
def _session(database: str | None, *, write: bool) -> Iterator[Session]:
    sessions = session_factory(open_engine(database))
    with sessions() as session:
        if write:
            with session.begin():
                yield session
        else:
            yield session


def _guard(fn: Callable[[], T]) -> T:
    """Run one workflow step; turn the errors meant for a person into a clean message and exit code 2."""
    try:
        return fn()
    except (WorkflowError, UserError, TemplateError) as exc:
        raise fail(str(exc)) from None


def _acting(session: Session, username: str) -> User:
    return _guard(lambda: get_user(session, username))


def _case(session: Session, case_id: int, user: User) -> Case:
    return _guard(lambda: workflow.load_case(session, case_id, user))


def _rules(config: Path | None) -> tuple[Settings | None, ApprovalsConfig]:
    settings = open_settings(config, required=False)
    if settings is None:
        err.print("[yellow]No config found: using the built-in approval rules.[/]")
        return None, ApprovalsConfig()
    return settings, settings.approvals


# -- list / show -----------------------------------------------------------------------------------------------


@cases_app.command("list")
def cases_list(
    database: DatabaseOpt = None,
    status: Annotated[str | None, typer.Option(help="Only cases with this status (e.g. new).")] = None,
    as_user: AsOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """List cases, most serious first (only those the --as user may see)."""
    with _session(database, write=False) as session:
        viewer = _acting(session, as_user) if as_user else None
        if viewer is None and session.scalar(select(exists().where(User.id.is_not(None)))):
            raise fail("say who you are with --as USER (or SOCIALGUARD_USER): this database has users, and which "
                       "cases each may see depends on their role")
        query = (
            select(Case, School.slug)
            .join(School, School.id == Case.school_id)
            .options(selectinload(Case.items))
            .order_by(Case.severity.desc(), Case.due_at.is_(None), Case.due_at, Case.id)
        )
        if status:
            query = query.where(Case.status == status)
        rows = [case_summary(case, slug) for case, slug in session.execute(query)
                if viewer is None or can_view(viewer, case)]
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
        return
    print_cases(console, rows)


def _iso(when: datetime | None) -> str | None:
    return when.isoformat() if when else None


def _uk(when: datetime | None) -> str:
    return when.astimezone(LONDON).strftime("%a %d %b %Y %H:%M") if when else "-"


def _item_text(item: Item, *, unredacted: bool) -> str | None:
    return item.text if unredacted else redact_item(item)


def case_detail(session: Session, case: Case, viewer: User, *, unredacted: bool, now: datetime) -> dict[str, Any]:
    """Everything ``viewer`` may see about one case, as JSON-ready data."""
    slug = session.scalar(select(School.slug).where(School.id == case.school_id)) or ""
    state = sla_state(case, now)
    requests = session.scalars(select(ActionRequest).where(ActionRequest.case_id == case.id)
                               .options(selectinload(ActionRequest.approvals)).order_by(ActionRequest.id)).all()
    trail = session.scalars(select(AuditEvent).where(AuditEvent.case_id == case.id).order_by(AuditEvent.id)).all()
    return {
        **case_summary(case, slug),
        "sla_state": state.value if state else None,
        "received_at": _iso(case.received_at),
        "first_response_at": _iso(case.first_response_at),
        "resolved_at": _iso(case.resolved_at),
        "assignee": case.assignee,
        "resolution": case.resolution,
        "reasons": list(case.reasons),
        "erased_at": _iso(case.erased_at),
        "comments": [{
            "item_id": i.id, "platform": i.platform, "external_id": i.external_id, "kind": i.kind,
            "author": i.author_name, "created_at": _iso(i.created_at), "platform_state": i.platform_state,
            "permalink": i.permalink, "text": _item_text(i, unredacted=unredacted),
            "findings": [{"label": f.label, "score": f.score, "explanation": f.explanation} for f in i.findings],
            "can_do": {o.action.value: o.is_available for o in approvals.offers(i)},
            "cannot_do_because": {o.action.value: o.reason + (f" (offer {o.instead.value} instead)" if o.instead else "")
                                  for o in approvals.offers(i) if not o.is_available and o.reason},
        } for i in case.items],
        "actions": [{
            "request_id": r.id, "action": r.action, "item_id": r.item_id, "status": r.status,
            "requested_by": r.requested_by, "requested_at": _iso(r.requested_at),
            "approvals": [{"by": a.approver, "role": a.role, "at": _iso(a.approved_at)} for a in r.approvals],
            "executed_at": _iso(r.executed_at), "result": r.result, "reply_text": r.params.get("text"),
        } for r in requests],
        "notes": [{"author": n.author, "at": _iso(n.created_at), "text": n.body}
                  for n in workflow.notes(session, case.id)],
        "related": [{"case_id": other.id, "reason": reason, "category": other.category, "status": other.status}
                    for other, reason in workflow.related_cases(session, case.id) if can_view(viewer, other)],
        "history": [{"at": _iso(e.created_at), "by": e.actor, "event": e.event_type} for e in trail],
    }


@cases_app.command("show")
def cases_show(
    case_id: CaseArg,
    as_user: AsRequired,
    database: DatabaseOpt = None,
    unredacted: Annotated[bool, typer.Option("--unredacted", help="Show pupil names and personal details "
                                             "instead of [pupil] placeholders.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Show one case: comments, findings, deadline, actions and their results, notes, related cases, history."""
    with _session(database, write=False) as session:
        viewer = _acting(session, as_user)
        case = _case(session, case_id, viewer)
        detail = case_detail(session, case, viewer, unredacted=unredacted, now=utcnow())
    if as_json:
        typer.echo(json.dumps(detail, indent=2, ensure_ascii=False))
        return
    _print_detail(detail)


_STATE_STYLES = {SlaState.OVERDUE.value: "bold red", SlaState.DUE_SOON.value: "yellow", SlaState.MISSED.value: "red",
                 SlaState.MET.value: "green", SlaState.ON_TRACK.value: "green"}


def _print_detail(d: dict[str, Any]) -> None:
    console.rule(f"Case {d['id']}: {d['category']} ({d['severity']}), {d['status']}")
    due = datetime.fromisoformat(d["due_at"]) if d["due_at"] else None
    state = d["sla_state"]
    console.print(f"School {escape(d['school'])}; route {d['route']}; assignee {escape(d['assignee'] or '-')}; "
                  f"proposed {d['proposed_action']}")
    console.print(f"Received {_uk(datetime.fromisoformat(d['received_at']))}; reply due {_uk(due)}"
                  + (f" [{_STATE_STYLES.get(state, '')}]{state}[/]" if state else ""))
    for reason in d["reasons"]:
        console.print(f"  • {escape(str(reason))}")
    for c in d["comments"]:
        console.print(f"\n[bold]Comment {c['item_id']}[/] on {c['platform']} by {escape(c['author'] or 'unknown')} "
                      f"({c['platform_state']}) {escape(c['permalink'] or '')}")
        console.print(f"  {escape(c['text']) if c['text'] is not None else '(erased under the retention policy)'}")
        offered = [a for a, ok in c["can_do"].items() if ok]
        console.print(f"  can: {', '.join(offered) or 'nothing'}")
        for action, why in c["cannot_do_because"].items():
            console.print(f"  [dim]no {action}: {escape(why)}[/]")
    if d["actions"]:
        table = Table("request", "action", "comment", "status", "asked by", "approved by", "result", title="Actions")
        for a in d["actions"]:
            style = {"failed": "red", "succeeded": "green", "rejected": "dim"}.get(a["status"], "default")
            table.add_row(str(a["request_id"]), a["action"], str(a["item_id"]), f"[{style}]{a['status']}[/]",
                          escape(a["requested_by"]), escape(", ".join(x["by"] for x in a["approvals"]) or "-"),
                          escape(a["result"] or ""))
        console.print(table)
    for n in d["notes"]:
        console.print(f"[bold]Note[/] {escape(n['author'])} {_uk(datetime.fromisoformat(n['at']))}: "
                      f"{escape(n['text'] or '(erased under the retention policy)')}")
    for r in d["related"]:
        console.print(f"Related: case {r['case_id']} ({r['category']}, {r['status']}), {r['reason'].replace('_', ' ')}")


# -- workflow steps --------------------------------------------------------------------------------------------


@cases_app.command("ack")
def cases_ack(case_id: CaseArg, as_user: AsRequired, database: DatabaseOpt = None) -> None:
    """Acknowledge a new case. This counts as the first response for the deadline."""
    with _session(database, write=True) as session:
        user = _acting(session, as_user)
        case = _case(session, case_id, user)
        _guard(lambda: workflow.acknowledge(session, case, user, now=utcnow()))
    console.print(f"Case {case_id} acknowledged by {escape(as_user)}.")


@cases_app.command("assign")
def cases_assign(
    case_id: CaseArg,
    assignee: Annotated[str, typer.Argument(help="Username to assign the case to.")],
    as_user: AsRequired,
    database: DatabaseOpt = None,
) -> None:
    """Assign a case to someone allowed to see it."""
    with _session(database, write=True) as session:
        user = _acting(session, as_user)
        case = _case(session, case_id, user)
        _guard(lambda: workflow.assign(session, case, user, assignee, now=utcnow()))
    console.print(f"Case {case_id} assigned to {escape(assignee)}.")


@cases_app.command("note")
def cases_note(
    case_id: CaseArg,
    as_user: AsRequired,
    text: Annotated[str | None, typer.Argument(help="The note; omit it to read the note from standard input.")] = None,
    database: DatabaseOpt = None,
) -> None:
    """Add a note to a case (notes are erased with the comment text when the retention period ends)."""
    body = text if text is not None else sys.stdin.read()
    with _session(database, write=True) as session:
        user = _acting(session, as_user)
        case = _case(session, case_id, user)
        note = _guard(lambda: workflow.add_note(session, case, user, body, now=utcnow()))
        note_id = note.id
    console.print(f"Note {note_id} added to case {case_id}.")


ActionOpt = Annotated[Action | None, typer.Option("--action", help="hide, unhide, delete, reply or ban.")]
ItemOpt = Annotated[int | None, typer.Option("--item", help="Only this comment of the case (default: every "
                                                            "comment the action applies to).")]
TemplateOpt = Annotated[str | None, typer.Option("--template", help="Reply template name (config/templates).")]
SetOpt = Annotated[list[str] | None, typer.Option("--set", help="A template value, e.g. --set reason='it named a "
                                                               "pupil'. Repeat for several.")]


def _parse_sets(pairs: list[str] | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for pair in pairs or []:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise fail(f"--set {pair!r}: expected NAME=VALUE")
        out[key.strip()] = value
    return out


def _reply_params(session: Session, settings: Settings | None, case: Case, template: str | None,
                  sets: dict[str, str]) -> dict[str, Any]:
    if settings is None:
        raise fail("replies need the config (--config) for the school's name and contact details")
    templates = _guard(lambda: load_templates(settings.replies.templates_dir))
    if not template:
        raise fail(f"a reply needs --template (one of: {', '.join(sorted(templates))})")
    slug = session.scalar(select(School.slug).where(School.id == case.school_id)) or ""
    try:
        school = settings.school(slug)
    except ConfigError as exc:
        raise fail(str(exc)) from None
    values = _guard(lambda: values_for(school, category=case.category, due_at=case.due_at, overrides=sets))
    return {"template": template, "text": _guard(lambda: render(template, values, templates))}


def _target_items(case: Case, action: Action, item_id: int | None) -> list[Item]:
    if item_id is not None:
        chosen = [i for i in case.items if i.id == item_id]
        if not chosen:
            raise fail(f"comment {item_id} is not part of case {case.id}")
        return chosen
    if action in (Action.REPLY, Action.BAN):
        return case.items[:1]  # one reply under the first comment; ban its author
    usable = [i for i in case.items
              if next(o for o in approvals.offers(i) if o.action is action).is_available]
    return usable or case.items[:1]  # the first, so the refusal explains why


def _create_requests(session: Session, settings: Settings | None, case: Case, user: User, action: Action,
                     item_id: int | None, template: str | None, sets: dict[str, str]) -> list[ActionRequest]:
    params = _reply_params(session, settings, case, template, sets) if action is Action.REPLY else None
    now = utcnow()
    return [
        _guard(partial(approvals.request_action, session, case=case, item=item, action=action, user=user, now=now,
                       params=params))
        for item in _target_items(case, action, item_id)
    ]


@cases_app.command("request")
def cases_request(
    case_id: CaseArg,
    action: Annotated[Action, typer.Option("--action", help="hide, unhide, delete, reply or ban.")],
    as_user: AsRequired,
    item: ItemOpt = None,
    template: TemplateOpt = None,
    set_values: SetOpt = None,
    config: ConfigOpt = None,
    database: DatabaseOpt = None,
) -> None:
    """Ask for an action; someone the approval rules allow must approve it before it is carried out."""
    settings, _ = _rules(config)
    with _session(database, write=True) as session:
        user = _acting(session, as_user)
        case = _case(session, case_id, user)
        made = _create_requests(session, settings, case, user, action, item, template, _parse_sets(set_values))
        ids = [r.id for r in made]
    console.print(f"Requested {action.value} on case {case_id} (request {', '.join(map(str, ids))}); "
                  "waiting for approval.")


@cases_app.command("approve")
def cases_approve(
    case_id: CaseArg,
    as_user: AsRequired,
    action: ActionOpt = None,
    request_id: Annotated[int | None, typer.Option("--request", help="Approve this request only.")] = None,
    item: ItemOpt = None,
    template: TemplateOpt = None,
    set_values: SetOpt = None,
    config: ConfigOpt = None,
    database: DatabaseOpt = None,
) -> None:
    """Approve the pending request(s) on a case; with none pending, request the --action (default: the case's
    proposed action) and approve it in one step. Approved actions run with `socialguard actions run`."""
    settings, rules = _rules(config)
    with _session(database, write=True) as session:
        user = _acting(session, as_user)
        case = _case(session, case_id, user)
        pending = list(approvals.pending_for(session, case.id))
        if request_id is not None:
            pending = [r for r in pending if r.id == request_id]
            if not pending:
                raise fail(f"request {request_id} is not waiting for approval on case {case_id}")
        elif action is not None:
            pending = [r for r in pending if r.action == action.value]
        if not pending:
            if request_id is not None:
                raise fail(f"request {request_id} is not waiting for approval")
            chosen = action or _proposed(case)
            pending = _create_requests(session, settings, case, user, chosen, item, template,
                                       _parse_sets(set_values))
        elif len({r.action for r in pending}) > 1:
            raise fail("several different actions are waiting: "
                       + ", ".join(f"request {r.id} ({r.action})" for r in pending) + "; choose with --action or --request")
        now = utcnow()
        done = [_guard(partial(approvals.approve, session, request=r, user=user, rules=rules, now=now))
                for r in pending]
        lines = [f"request {r.id} ({r.action}): " + ("approved" if r.status == "approved" else
                                                      f"{len(r.approvals)} of 2 approvals; a second person must approve")
                 for r in done]
    for line in lines:
        console.print(line)


def _proposed(case: Case) -> Action:
    try:
        return Action(case.proposed_action)
    except ValueError:
        raise fail(f"case {case.id} proposes '{case.proposed_action}', not a platform action; choose one with "
                   "--action hide|unhide|delete|reply|ban") from None


@cases_app.command("reject")
def cases_reject(
    case_id: CaseArg,
    as_user: AsRequired,
    request_id: Annotated[int | None, typer.Option("--request", help="Reject this request only.")] = None,
    reason: Annotated[str | None, typer.Option(help="Why (kept as a note on the case).")] = None,
    config: ConfigOpt = None,
    database: DatabaseOpt = None,
) -> None:
    """Reject the pending request(s) on a case; with none pending, dismiss the case (no action needed)."""
    _, rules = _rules(config)
    with _session(database, write=True) as session:
        user = _acting(session, as_user)
        case = _case(session, case_id, user)
        now = utcnow()
        pending = [r for r in session.scalars(select(ActionRequest).where(
            ActionRequest.case_id == case.id, ActionRequest.status.in_(("requested", "approved")),
        ).order_by(ActionRequest.id)) if not approvals.is_auto(r)]
        if request_id is not None:
            pending = [r for r in pending if r.id == request_id]
            if not pending:
                raise fail(f"request {request_id} on case {case_id} is not waiting to be carried out")
        if not pending:
            _guard(lambda: workflow.dismiss(session, case, user, reason=reason, now=now))
            message = f"Case {case_id} dismissed."
        else:
            for r in pending:
                _guard(partial(approvals.reject, session, request=r, user=user, rules=rules, now=now))
            if reason:
                _guard(lambda: workflow.add_note(session, case, user, f"Rejected: {reason}", now=now))
            message = f"Rejected request {', '.join(str(r.id) for r in pending)} on case {case_id}."
    console.print(message)


# -- export ------------------------------------------------------------------------------------------------------


ExportFormat = Annotated[str, typer.Option(
    "--format", help="csv or html (the inappropriate content report form), safeguarding-csv (for the DSL, to "
                     "copy into CPOMS or MyConcern), or subject-access (JSON about one --author).")]


@cases_app.command("export")
def cases_export(
    as_user: AsRequired,
    fmt: ExportFormat = "csv",
    case_id: Annotated[int | None, typer.Option("--case", help="One case.")] = None,
    start: Annotated[datetime | None, typer.Option("--from", formats=["%Y-%m-%d"],
                                                   help="First day (UK time), YYYY-MM-DD.")] = None,
    end: Annotated[datetime | None, typer.Option("--to", formats=["%Y-%m-%d"],
                                                 help="Last day (UK time), inclusive.")] = None,
    author: Annotated[str | None, typer.Option(help="For subject-access: PLATFORM:AUTHOR_ID, e.g. "
                                                    "facebook:1234567890.")] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write here instead of to the "
                                                                        "terminal.")] = None,
    database: DatabaseOpt = None,
) -> None:
    """Export cases the --as user may see, as report forms, the DSL's safeguarding CSV, or a subject-access file."""
    if fmt not in ("csv", "html", "safeguarding-csv", "subject-access"):
        raise fail(f"--format {fmt!r}: choose csv, html, safeguarding-csv or subject-access")
    now = utcnow()
    with _session(database, write=False) as session:
        user = _acting(session, as_user)
        if fmt == "subject-access":
            platform, sep, author_id = (author or "").partition(":")
            if not sep or not platform or not author_id:
                raise fail("--author PLATFORM:AUTHOR_ID is required for a subject-access export")
            data = _guard(lambda: exports.subject_access(session, user, platform=platform,
                                                         author_external_id=author_id, now=now))
            content = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
        else:
            first: date | None = start.date() if start else None
            last: date | None = end.date() if end else first
            cases = _guard(lambda: exports.select_cases(session, user, case_id=case_id, start=first, end=last,
                                                        restricted_only=fmt == "safeguarding-csv"))
            if fmt == "safeguarding-csv":
                content = _guard(lambda: exports.safeguarding_csv(session, user, cases))
            else:
                forms = exports.report_forms(session, cases, now=now)
                content = (exports.report_csv(forms) if fmt == "csv"
                           else exports.report_html(forms, generated_by=user.username, now=now))
    if output is None:
        typer.echo(content, nl=False)
        return
    # utf-8-sig: Excel opens a CSV with a byte-order mark as UTF-8 instead of mangling names with accents.
    output.write_text(content, encoding="utf-8-sig" if fmt.endswith("csv") else "utf-8", newline="")
    err.print(f"Wrote {output}")


# -- sla report (registered under `socialguard sla report`) -------------------------------------------------------


def sla_report(
    database: DatabaseOpt = None,
    config: ConfigOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Response-deadline figures by category and month: median and p95 time to first response, and % met."""
    settings = open_settings(config, required=False)
    due_soon_minutes = settings.sla.due_soon_minutes if settings else 120
    with _session(database, write=False) as session:
        figures = sla_figures(session.scalars(select(Case)), utcnow(), due_soon=timedelta(minutes=due_soon_minutes))
    if as_json:
        typer.echo(json.dumps([f.as_dict() for f in figures], indent=2))
        return
    if not figures:
        console.print("No cases with a response deadline yet.")
        return
    table = Table("category", "month", "cases", "median", "p95", "met", "missed", "overdue", "% met",
                  title="Time to first response")
    for f in figures:
        table.add_row(f.category, f.month, str(f.cases), _duration(f.median_response_s), _duration(f.p95_response_s),
                      str(f.met), str(f.missed), str(f.overdue), "-" if f.pct_met is None else f"{f.pct_met:.1f}")
    console.print(table)


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    minutes = int(seconds // 60)
    return f"{minutes // 60}h {minutes % 60:02d}m"
