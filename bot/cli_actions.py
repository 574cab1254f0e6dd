"""``socialguard actions``: carry out approved moderation actions on the platforms."""

from __future__ import annotations

import json

import typer
from rich.markup import escape
from rich.table import Table

from bot.actions import ActionExecutor, settings_connectors
from bot.cli_common import ConfigOpt, DatabaseOpt, JsonOpt, console, open_engine, open_settings
from bot.config import SecretStore
from bot.db import session_factory

actions_app = typer.Typer(help="Approved hide, unhide, delete, reply and ban actions.", no_args_is_help=True)


@actions_app.command("run")
def actions_run(config: ConfigOpt = None, database: DatabaseOpt = None, as_json: JsonOpt = False) -> None:
    """Carry out every approved action once (and any automatic hides the config asks for). Safe to repeat: an
    action is never carried out twice."""
    settings = open_settings(config, required=True)
    assert settings is not None
    sessions = session_factory(open_engine(database))
    executor = ActionExecutor(sessions, settings_connectors(sessions, settings, SecretStore()),
                              rules=settings.approvals)
    outcomes = executor.run_pending()
    if as_json:
        typer.echo(json.dumps([{"request_id": o.request_id, "action": o.action, "status": o.status,
                                "result": o.result} for o in outcomes], indent=2))
    elif not outcomes:
        console.print("No approved actions waiting.")
    else:
        table = Table("request", "action", "status", "result", title="Actions")
        for o in outcomes:
            style = "green" if o.status == "succeeded" else "red"
            table.add_row(str(o.request_id), o.action, f"[{style}]{o.status}[/]", escape(o.result))
        console.print(table)
    if any(o.status == "failed" for o in outcomes):
        raise typer.Exit(1)
