"""``socialguard cases``: the moderation log."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from bot.cli_common import DatabaseOpt, JsonOpt, console, open_engine
from bot.db import session_factory
from bot.models import Case, School
from bot.views import case_summary, print_cases

cases_app = typer.Typer(help="The moderation log: cases opened from flagged comments.", no_args_is_help=True)


@cases_app.command("list")
def cases_list(
    database: DatabaseOpt = None,
    status: Annotated[str | None, typer.Option(help="Only cases with this status (e.g. new).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """List cases, most serious first."""
    sessions = session_factory(open_engine(database))
    with sessions() as session:
        query = (
            select(Case, School.slug)
            .join(School, School.id == Case.school_id)
            .options(selectinload(Case.items))
            .order_by(Case.severity.desc(), Case.due_at.is_(None), Case.due_at, Case.id)
        )
        if status:
            query = query.where(Case.status == status)
        rows = [case_summary(case, slug) for case, slug in session.execute(query)]
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
        return
    print_cases(console, rows)
