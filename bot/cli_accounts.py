"""``socialguard accounts``: what each platform allows, and whether each configured account is healthy."""

from __future__ import annotations

import json
from typing import Any

import typer
from rich.markup import escape
from rich.table import Table
from sqlalchemy import select

from bot.cli_common import ConfigOpt, DatabaseOpt, JsonOpt, console, fail, open_engine, open_settings
from bot.config import ConfigError, SecretStore
from bot.db import session_factory
from bot.models import Account
from bot.schools import build_connector
from connectors.base import ChecksToken
from connectors.errors import AuthError, ConnectorError
from connectors.registry import CONNECTORS

accounts_app = typer.Typer(help="Connected social media accounts: capabilities and health.", no_args_is_help=True)


@accounts_app.command("capabilities")
def capabilities(as_json: JsonOpt = False) -> None:
    """Which moderation actions each platform's API allows on other people's comments."""
    table = {name: cls.capabilities.as_dict() for name, cls in sorted(CONNECTORS.items())}
    if as_json:
        typer.echo(json.dumps(table, indent=2))
        return
    view = Table("platform", "hide", "unhide", "delete", "reply", "ban", "limits", title="What each platform allows")
    for name, cls in sorted(CONNECTORS.items()):
        marks = ["[green]yes[/]" if table[name][a] else "[red]no[/]" for a in ("hide", "unhide", "delete", "reply", "ban")]
        view.add_row(name, *marks, escape("; ".join(f"{k}: {v}" for k, v in cls.capabilities.notes.items())))
    console.print(view)


@accounts_app.command("check")
def check(
    config: ConfigOpt = None,
    database: DatabaseOpt = None,
    live: bool = typer.Option(True, "--live/--no-live", help="Ask each platform whether the token works."),
    as_json: JsonOpt = False,
) -> None:
    """Each account's poll health, last success, and (with --live) whether its token is valid."""
    settings = open_settings(config, required=True)
    assert settings is not None
    sessions = session_factory(open_engine(database))
    with sessions() as session:
        stored = {(a.platform, a.external_id): a for a in session.scalars(select(Account))}
        session.expunge_all()
    secrets = SecretStore()
    rows: list[dict[str, Any]] = []
    for school in settings.schools:
        for account in school.accounts:
            row = stored.get((account.platform.value, account.external_id))
            entry: dict[str, Any] = {
                "school": school.slug,
                "account": account.label,
                "platform": account.platform.value,
                "enabled": account.enabled,
                "health": ("paused" if not account.enabled else row.health) if row else "never polled",
                "last_success_at": row.last_success_at.isoformat() if row and row.last_success_at else None,
                "last_error": row.last_error if row else None,
                "token": None,
            }
            if live and account.enabled:
                entry["token"] = _token_status(account, school, secrets)
            rows.append(entry)
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
        return
    if not rows:
        raise fail("no accounts in the config")
    table = Table("school", "account", "health", "last success", "token", "last error", title="Accounts")
    colours = {"ok": "green", "failing": "yellow", "rate_limited": "yellow", "auth_expired": "red", "paused": "dim"}
    for r in rows:
        table.add_row(r["school"], escape(r["account"]), f"[{colours.get(r['health'], '')}]{r['health']}[/]",
                      r["last_success_at"] or "-", escape(r["token"] or "-"), escape(r["last_error"] or ""))
    console.print(table)


def _token_status(account, school, secrets: SecretStore) -> str:  # type: ignore[no-untyped-def]
    try:
        connector = build_connector(account, school, secrets)
    except ConfigError as exc:
        return f"missing: {exc}"
    try:
        if not isinstance(connector, ChecksToken):
            return "not checkable on this platform (see health)"
        status = connector.check_token()
        expiry = f", expires {status.expires_at:%d %b %Y}" if status.expires_at else ""
        return ("valid" if status.valid else "INVALID") + f": {status.detail}{expiry}"
    except AuthError as exc:
        return f"INVALID: {exc}"
    except ConnectorError as exc:
        return f"could not check: {exc}"
    finally:
        connector.close()
