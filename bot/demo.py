"""``socialguard demo``: the whole pipeline against the built-in sandbox, on its own fresh database."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

from rich.console import Console
from sqlalchemy import Engine, func, inspect, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import selectinload

from bot import audit
from bot.config import SecretStore, Settings, parse_config
from bot.db import make_engine, normalise_url, safe_url, session_factory, upgrade
from bot.models import Case, Finding, Item, Meta, OutboxMessage
from bot.pipeline import Pipeline, PollResult
from bot.redact import excerpt, stored_findings
from bot.views import case_summary, print_cases
from bot.schools import build_connector, build_runtime, school_ids, sync_schools
from classifiers.base import Label
from connectors.sandbox import Sandbox, seed_demo
from connectors.sandbox.instagram import seed_demo_instagram
from connectors.sandbox.web import seed_demo_web
from connectors.sandbox.x import seed_demo_x
from connectors.sandbox.youtube import seed_demo_youtube

#: The demo's tokens live only in this process: each account names one of these, filled from the sandbox seed.
DEMO_TOKEN_ENVS = {
    "facebook": "SOCIALGUARD_DEMO_FACEBOOK_TOKEN",
    "instagram": "SOCIALGUARD_DEMO_INSTAGRAM_TOKEN",
    "youtube": "SOCIALGUARD_DEMO_YOUTUBE_TOKEN",
    "x": "SOCIALGUARD_DEMO_X_TOKEN",
}


class DemoError(Exception):
    """The demo cannot run (e.g. the database given is not a demo database)."""


@dataclass(frozen=True)
class DemoWorld:
    """The seeded sandbox accounts for the made-up school, and the tokens to reach them."""

    settings: Settings
    tokens: dict[str, str]
    counts: dict[str, int]


def demo_data() -> Path:
    """The made-up school's roster and staff list, shipped with the package."""
    return Path(str(resources.files("bot").joinpath("data/demo")))


def seed_world(sandbox: Sandbox, *, now: datetime) -> DemoWorld:
    """Seed every platform in the sandbox for Brookfield Vale and build the config that points at it."""
    fb = seed_demo(sandbox, now=now)
    ig = seed_demo_instagram(sandbox, now=now)
    yt = seed_demo_youtube(sandbox, now=now)
    x = seed_demo_x(sandbox, now=now)
    web = seed_demo_web(sandbox, now=now)
    data = demo_data()
    accounts = [
        {"platform": "facebook", "external_id": fb.page_id, "name": "Facebook Page",
         "token_env": DEMO_TOKEN_ENVS["facebook"], "api_base_url": sandbox.url},
        {"platform": "instagram", "external_id": ig.ig_user_id, "name": f"Instagram @{ig.username}",
         "token_env": DEMO_TOKEN_ENVS["instagram"], "api_base_url": sandbox.url},
        {"platform": "youtube", "external_id": yt.channel_id, "name": "YouTube channel",
         "token_env": DEMO_TOKEN_ENVS["youtube"], "api_base_url": f"{sandbox.url}/youtube/v3"},
        {"platform": "x", "external_id": x.user_id, "name": f"X @{x.username}", "handle": x.username,
         "token_env": DEMO_TOKEN_ENVS["x"], "api_base_url": sandbox.url},
        {"platform": "web", "external_id": web.feed_url, "name": web.feed_name},
    ]
    settings = parse_config(
        {
            "schools": [
                {
                    "slug": "brookfield-vale",
                    "name": "Brookfield Vale Primary School",
                    "aliases": ["Brookfield Vale", "BVPS"],
                    "town": "Millbridge",
                    "nation": "ENG",
                    "official_phone": ["01632 960123"],
                    "official_email": ["office@brookfieldvale.example.sch.uk"],
                    "roster": str(data / "roster.csv"),
                    "staff": str(data / "staff.csv"),
                    "accounts": accounts,
                }
            ]
        },
        source="<demo>",
    )
    tokens = {DEMO_TOKEN_ENVS["facebook"]: fb.page_token, DEMO_TOKEN_ENVS["instagram"]: ig.token,
              DEMO_TOKEN_ENVS["youtube"]: yt.token, DEMO_TOKEN_ENVS["x"]: x.token}
    counts = {"facebook": fb.total, "instagram": len(ig.comment_ids), "youtube": len(yt.comment_ids), "x": x.total,
              "web": web.total}
    return DemoWorld(settings, tokens, counts)


def _is_demo(engine: Engine) -> bool:
    """True when the database is empty, or is a database an earlier demo created."""
    inspector = inspect(engine)
    tables = inspector.get_table_names()
    if not tables:
        return True
    if Meta.__tablename__ not in tables:
        return False
    with session_factory(engine)() as session:
        flag = session.get(Meta, "demo")
        return flag is not None and flag.value == "true"


def fresh_demo_database(url: str) -> Engine:
    """Wipe and recreate the demo database, refusing to touch anything that is not a demo database."""
    url = normalise_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        path = Path(parsed.database)
        if path.exists():
            probe = make_engine(url)
            try:
                is_demo = _is_demo(probe)
            except Exception:
                is_demo = False
            finally:
                probe.dispose()
            if not is_demo:
                raise DemoError(f"{path} exists and is not a SocialGuard demo database; refusing to overwrite it. "
                                "Choose another --database.")
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        engine = make_engine(url)
    else:
        engine = make_engine(url)
        if not _is_demo(engine):
            raise DemoError(f"{safe_url(url)} already holds data that is not from a demo; refusing to wipe it. "
                            "Give the demo an empty database.")
        from alembic import command

        from bot.db import alembic_config, has_schema

        if has_schema(engine):
            command.downgrade(alembic_config(engine), "base")
    upgrade(engine)
    with session_factory(engine)() as session, session.begin():
        session.add(Meta(key="demo", value="true"))
    return engine


def run_demo(url: str, *, polls: int, console: Console) -> None:
    started = time.perf_counter()
    engine = fresh_demo_database(url)
    sessions = session_factory(engine)
    with Sandbox() as sandbox:
        world = seed_world(sandbox, now=datetime.now(UTC))
        school = world.settings.schools[0]
        console.print(f"[bold]SocialGuard demo[/]: {school.name} (a made-up school), with sandbox accounts on "
                      f"{', '.join(world.counts)} at {sandbox.url}")
        refs = sync_schools(sessions, world.settings)
        runtime = build_runtime(school_ids(sessions)[school.slug], school, world.settings)
        pipeline = Pipeline(sessions)
        secrets = SecretStore(environ=world.tokens, dotenv_path=None)
        for number in range(1, polls + 1):
            totals = PollResult(refs[0].account_id)
            per_platform: list[str] = []
            for ref in refs:
                connector = build_connector(ref.config, ref.school, secrets)
                try:
                    result = pipeline.poll(runtime, ref.account_id, connector)
                finally:
                    connector.close()
                totals.add(result)
                per_platform.append(f"{ref.config.platform.value} {result.new_items}")
            console.print(
                f"Poll {number}: fetched {totals.fetched} items, {totals.new_items} new, {totals.duplicates} already "
                f"stored, {totals.new_cases} cases opened  (new by platform: {', '.join(per_platform)})"
            )

    with sessions() as session:
        cases = session.scalars(
            select(Case).options(selectinload(Case.items).selectinload(Item.findings))
            .order_by(Case.severity.desc(), Case.id)
        ).all()
        rows = [case_summary(case, "brookfield-vale") for case in cases]
        excerpts = {case.id: _excerpt(case) for case in cases}
        items = session.scalar(select(func.count()).select_from(Item))
        alerts = session.scalar(select(func.count()).select_from(OutboxMessage))
        findings = session.scalar(select(func.count()).select_from(Finding))
        chain = audit.verify(session)
    print_cases(console, rows, title="Cases in the communications officer's log", excerpts=excerpts)
    by_category: dict[str, int] = {}
    for row in rows:
        by_category[row["category"]] = by_category.get(row["category"], 0) + 1
    console.print("By category: " + ", ".join(f"{k} {v}" for k, v in sorted(by_category.items())))
    console.print(
        f"Stored {items} items, {findings} findings, {len(rows)} cases; {alerts} alerts queued; audit chain "
        f"{'intact' if chain.ok else 'BROKEN'} ({chain.checked} events). Took {time.perf_counter() - started:.1f} s."
    )
    shown = safe_url(str(engine.url)).replace("+psycopg", "")
    console.print("\n[bold]Next[/]")
    console.print(f"  socialguard cases list --database {shown}")
    console.print(f"  socialguard cases list --json --database {shown}")
    console.print('  socialguard classify "Mr Smith has been stealing from the PTA" "what time is pick-up?"')
    console.print("  socialguard sandbox serve        # poke the simulated Graph API yourself")
    console.print("  socialguard init                 # write a config for your own school")
    engine.dispose()


def _excerpt(case: Case) -> str:
    if not case.items:
        return ""
    item = case.items[0]
    if case.category == Label.SAFEGUARDING.value:
        return "(safeguarding: visible to the DSL only)"
    return excerpt(item.text, stored_findings(item), limit=160)
