"""``socialguard users``: staff accounts and their roles. Passwords come from a prompt or standard input, never
from the command line (where they would sit in shell history and the process list)."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table
from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from bot.cli_common import DatabaseOpt, JsonOpt, console, err, fail, open_engine
from bot.config import Role
from bot.db import session_factory
from bot.models import School, User
from bot.users import UserError, add_user, disable_user, get_user, list_users

users_app = typer.Typer(help="Staff who review cases, and their roles.", no_args_is_help=True)

AdminOpt = Annotated[
    str | None,
    typer.Option("--as", envvar="SOCIALGUARD_USER", show_envvar=True,
                 help="The admin making the change (not needed for the very first user)."),
]


def _actor(session: Session, as_user: str | None) -> str:
    """Who is changing users: an admin, or anyone at all while the database has no users yet (bootstrap)."""
    if not session.scalar(select(exists().where(User.id.is_not(None)))):
        return as_user or "cli (first user)"
    if not as_user:
        raise fail("say who you are with --as ADMIN: only an admin may change users")
    try:
        actor = get_user(session, as_user)
    except UserError as exc:
        raise fail(str(exc)) from None
    if actor.role != Role.ADMIN:
        raise fail(f"{as_user} ({actor.role}) may not change users; only an admin may")
    return actor.username


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    return password


@users_app.command("add")
def users_add(
    username: Annotated[str, typer.Argument(help="Login name: lower-case letters, digits, '.', '_' or '-'.")],
    role: Annotated[Role, typer.Option(help="comms_officer, headteacher, dsl, chair_of_governors, viewer or admin.")],
    school: Annotated[str | None, typer.Option(help="School slug; leave out for every school (a trust).")] = None,
    name: Annotated[str | None, typer.Option(help="Display name.")] = None,
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the password from the first "
                                                 "line of standard input instead of prompting.")] = False,
    as_user: AdminOpt = None,
    database: DatabaseOpt = None,
) -> None:
    """Add a user. The password is asked for (twice), or read from standard input with --password-stdin."""
    sessions = session_factory(open_engine(database))
    with sessions() as session, session.begin():
        actor = _actor(session, as_user)
        password = _read_password(password_stdin)
        try:
            add_user(session, username=username, role=role, password=password, actor=actor, display_name=name,
                     school_slug=school)
        except UserError as exc:
            raise fail(str(exc)) from None
    console.print(f"Added {escape(username)} ({role.value}" + (f", {escape(school)}" if school else "") + ").")


@users_app.command("list")
def users_list(database: DatabaseOpt = None, as_json: JsonOpt = False) -> None:
    """List users, their roles and whether they are active (never their password hashes)."""
    sessions = session_factory(open_engine(database))
    with sessions() as session:
        slugs = dict(session.execute(select(School.id, School.slug)).all())
        rows = [{"username": u.username, "name": u.display_name, "role": u.role,
                 "school": slugs.get(u.school_id) if u.school_id else None, "active": u.is_active,
                 "created_at": u.created_at.isoformat(),
                 "disabled_at": u.disabled_at.isoformat() if u.disabled_at else None}
                for u in list_users(session)]
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
        return
    if not rows:
        err.print("No users yet. Add the first with: socialguard users add USERNAME --role admin")
        return
    table = Table("username", "name", "role", "school", "active", title="Users")
    for r in rows:
        table.add_row(escape(str(r["username"])), escape(str(r["name"] or "")), str(r["role"]),
                      str(r["school"] or "all"), "yes" if r["active"] else "[red]disabled[/]")
    console.print(table)


@users_app.command("disable")
def users_disable(
    username: Annotated[str, typer.Argument(help="The user to disable.")],
    as_user: AdminOpt = None,
    database: DatabaseOpt = None,
) -> None:
    """Disable a user: they can no longer see or approve anything. Users are never deleted (the audit log
    names them)."""
    sessions = session_factory(open_engine(database))
    with sessions() as session, session.begin():
        actor = _actor(session, as_user)
        if actor == username:
            raise fail("you cannot disable yourself; ask another admin")
        try:
            disable_user(session, username=username, actor=actor)
        except UserError as exc:
            raise fail(str(exc)) from None
    console.print(f"Disabled {escape(username)}.")
