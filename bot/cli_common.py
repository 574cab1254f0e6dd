"""Pieces every CLI module shares: consoles, common options, config and database opening, errors."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from sqlalchemy import Engine

from bot.config import ConfigError, Settings, default_config_path, load_config
from bot.db import DatabaseError, database_url, ensure_schema, make_engine, safe_url

console = Console()
err = Console(stderr=True)

DatabaseOpt = Annotated[
    str | None,
    typer.Option("--database", "-d", envvar="SOCIALGUARD_DATABASE_URL", show_envvar=True,
                 help="Database URL [default: sqlite:///socialguard.db]. PostgreSQL: postgresql://user@host/db"),
]
ConfigOpt = Annotated[
    Path | None,
    typer.Option("--config", "-c", envvar="SOCIALGUARD_CONFIG", show_envvar=True,
                 help="Config file [default: ./socialguard.toml]."),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def fail(message: str, code: int = 2) -> typer.Exit:
    err.print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)
    return typer.Exit(code)


def open_settings(config: Path | None, *, required: bool) -> Settings | None:
    path = config or default_config_path()
    if path is None:
        if required:
            raise fail("no config file: pass --config, set SOCIALGUARD_CONFIG, or create one with `socialguard init`")
        return None
    try:
        return load_config(path)
    except ConfigError as exc:
        raise fail(str(exc)) from None


def open_engine(database: str | None) -> Engine:
    url = database_url(database)
    try:
        engine = make_engine(url)
        ensure_schema(engine)
    except DatabaseError as exc:
        raise fail(str(exc)) from None
    except Exception as exc:  # driver errors: unreachable server, permissions, locked file
        raise fail(f"cannot open database {safe_url(url)}: {type(exc).__name__}: {str(exc).splitlines()[0]}") from None
    return engine
