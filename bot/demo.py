"""``socialguard demo``: the whole pipeline against the built-in sandbox, on its own fresh database."""

from __future__ import annotations

import time
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
from bot.redact import excerpt
from bot.views import case_summary, print_cases
from bot.schools import build_connector, build_runtime, school_ids, sync_schools
from classifiers.base import Finding as FoundFinding
from classifiers.base import Label
from connectors.sandbox import Sandbox, seed_demo

DEMO_TOKEN_ENV = "SOCIALGUARD_DEMO_FACEBOOK_TOKEN"


class DemoError(Exception):
    """The demo cannot run (e.g. the database given is not a demo database)."""


def demo_data() -> Path:
    """The made-up school's roster and staff list, shipped with the package."""
    return Path(str(resources.files("bot").joinpath("data/demo")))


def demo_settings(sandbox_url: str, page_id: str) -> Settings:
    data = demo_data()
    return parse_config(
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
                    "accounts": [
                        {
                            "platform": "facebook",
                            "external_id": page_id,
                            "name": "Brookfield Vale on Facebook (sandbox)",
                            "token_env": DEMO_TOKEN_ENV,
                            "api_base_url": sandbox_url,
                        }
                    ],
                }
            ]
        },
        source="<demo>",
    )


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
        seed = seed_demo(sandbox, now=datetime.now(UTC))
        settings = demo_settings(sandbox.url, seed.page_id)
        console.print(f"[bold]SocialGuard demo[/]: {settings.schools[0].name} (a made-up school) on a sandbox "
                      f"Facebook Page at {sandbox.url}")
        refs = sync_schools(sessions, settings)
        ids = school_ids(sessions)
        runtime = build_runtime(ids["brookfield-vale"], settings.schools[0], settings)
        pipeline = Pipeline(sessions)
        secrets = SecretStore(environ={DEMO_TOKEN_ENV: seed.page_token}, dotenv_path=None)
        for number in range(1, polls + 1):
            result = PollResult(refs[0].account_id)
            for ref in refs:
                connector = build_connector(ref.config, ref.school, secrets)
                try:
                    result.add(pipeline.poll(runtime, ref.account_id, connector))
                finally:
                    connector.close()
            console.print(
                f"Poll {number}: fetched {result.fetched} comments, {result.new_items} new, "
                f"{result.duplicates} already stored, {result.new_cases} cases opened"
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
    findings = [
        FoundFinding(label=Label(f.label), score=f.score, start=f.span_start, end=f.span_end,
                     explanation=f.explanation, detector_version=f.detector_version)
        for f in item.findings
        if f.label in {label.value for label in Label}
    ]
    return excerpt(item.text, findings, limit=160)
