"""Alembic environment: runs against the engine SocialGuard passes in (``config.attributes['engine']``)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

from bot.db import make_engine
from bot.models import Base

target_metadata = Base.metadata


def _run(engine: Engine) -> None:
    with engine.begin() as connection:
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
        context.run_migrations()


engine = context.config.attributes.get("engine")
if engine is None:
    url = context.config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("run migrations with `socialguard db upgrade` (or set sqlalchemy.url)")
    engine = make_engine(url)
_run(engine)
