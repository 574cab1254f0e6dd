"""``socialguard retention``: erase comment text and author details whose retention period has ended."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from bot.cli_common import ConfigOpt, DatabaseOpt, JsonOpt, console, open_engine, open_settings
from bot.config import RetentionConfig
from bot.db import session_factory
from bot.models import utcnow
from bot.retention import run_retention
from bot.sla import LONDON

retention_app = typer.Typer(help="Retention: erase personal data whose time is up.", no_args_is_help=True)


@retention_app.command("run")
def retention_run(
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only show what would be erased.")] = False,
    config: ConfigOpt = None,
    database: DatabaseOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Erase the comment text, author details, notes and reply texts of closed cases past their category's
    retention period, and of comments that opened no case. Case metadata and the audit log are kept."""
    settings = open_settings(config, required=False)
    policy = settings.retention if settings else RetentionConfig()
    sessions = session_factory(open_engine(database))
    with sessions() as session, session.begin():
        report = run_retention(session, policy, now=utcnow(), dry_run=dry_run)
    if as_json:
        typer.echo(json.dumps(report.as_dict(), indent=2))
        return
    verb = "Would erase" if dry_run else "Erased"
    if report.cases:
        table = Table("case", "category", "closed (UK time)", "expired", "comments", "notes",
                      title=f"{verb}: closed cases past retention")
        for c in report.cases:
            table.add_row(str(c.case_id), c.category, f"{c.resolved_at.astimezone(LONDON):%d %b %Y}",
                          f"{c.expired_at.astimezone(LONDON):%d %b %Y}", str(c.items), str(c.notes))
        console.print(table)
    console.print(f"{verb} {len(report.cases)} case(s) and {report.unflagged_items} comment(s) that opened no case"
                  + (". Nothing was changed." if dry_run else "; case metadata and the audit log are kept."))
