"""The ``socialguard`` command line."""

from __future__ import annotations

import json
import logging
import threading
import sys
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from bot import audit as audit_log
from bot.cli_accounts import accounts_app
from bot.cli_actions import actions_app
from bot.cli_cases import cases_app, sla_report
from bot.cli_classifiers import register as register_classifier_commands
from bot.cli_retention import retention_app
from bot.cli_users import users_app
from bot.cli_common import ConfigOpt, DatabaseOpt, JsonOpt, console, err, fail, open_engine, open_settings
from bot.config import ConfigError, SecretStore
from bot.db import safe_url, session_factory
from bot.sla import SlaKind, WorkingCalendar
from classifiers.base import Finding

app = typer.Typer(
    name="socialguard",
    help="SocialGuard keeps a school's social media accounts safe: it finds abuse, pupil names, personal "
    "details, allegations and safeguarding disclosures, and puts them in front of a person.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="Database schema (Alembic migrations).", no_args_is_help=True)
sandbox_app = typer.Typer(help="The built-in platform sandbox used by the demo and the tests.", no_args_is_help=True)
sla_app = typer.Typer(help="Response deadlines on the UK school calendar.", no_args_is_help=True)
audit_app = typer.Typer(help="The append-only, hash-chained audit log.", no_args_is_help=True)
app.add_typer(cases_app, name="cases")
app.add_typer(accounts_app, name="accounts")
app.add_typer(users_app, name="users")
app.add_typer(actions_app, name="actions")
app.add_typer(retention_app, name="retention")
app.add_typer(db_app, name="db")
app.add_typer(sandbox_app, name="sandbox")
app.add_typer(sla_app, name="sla")
app.add_typer(audit_app, name="audit")
sla_app.command("report")(sla_report)
register_classifier_commands(app)

@app.callback()
def main(verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log progress to stderr.")] = False) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    # httpx logs every request URL at INFO; ours carry no tokens, but keep third-party request logs quiet.
    for noisy in ("httpx", "httpcore", "tweepy", "urllib3", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


# -- init ------------------------------------------------------------------------------------------------------


@app.command()
def init(
    path: Annotated[Path, typer.Argument(help="Where to write the config.")] = Path("socialguard.toml"),
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Write a starter config (a copy of config/socialguard.example.toml) to edit for your school."""
    if path.exists() and not force:
        raise fail(f"{path} already exists (use --force to overwrite)")
    example = resources.files("bot").joinpath("data/socialguard.example.toml")
    path.write_text(example.read_text(encoding="utf-8"), encoding="utf-8")
    console.print(f"Wrote [bold]{path}[/]. Next:")
    console.print("  1. Edit the school's name, nation, roster and staff files, and accounts.")
    console.print("  2. Put each account's token in the environment variable named by its token_env (or in .env).")
    console.print(f"  3. Check it: [bold]socialguard poll --once --config {path}[/]")


# -- demo ------------------------------------------------------------------------------------------------------


@app.command()
def demo(
    database: Annotated[
        str | None,
        typer.Option("--database", "-d", help="Demo database URL [default: sqlite:///socialguard-demo.db]. "
                     "It is wiped first, so it must be empty or an earlier demo database."),
    ] = None,
    polls: Annotated[int, typer.Option(min=1, max=10, help="How many poll cycles to run.")] = 2,
) -> None:
    """Run the whole pipeline against the built-in platform sandbox, on a fresh demo database."""
    from bot.demo import DemoError, run_demo

    try:
        run_demo(database or "sqlite:///socialguard-demo.db", polls=polls, console=console)
    except DemoError as exc:
        raise fail(str(exc)) from None


# -- poll ------------------------------------------------------------------------------------------------------


@app.command()
def poll(
    once: Annotated[bool, typer.Option("--once", help="Poll every account once and exit (otherwise keep polling "
                                       "on each account's interval until interrupted).")] = False,
    config: ConfigOpt = None,
    database: DatabaseOpt = None,
) -> None:
    """Fetch new comments from every configured account, classify them and open cases."""
    from bot.pipeline import Pipeline
    from bot.scheduler import run_forever
    from bot.schools import build_connector, build_runtime, school_ids, sync_schools
    from connectors.errors import ConnectorError

    settings = open_settings(config, required=True)
    assert settings is not None
    sessions = session_factory(open_engine(database))
    try:
        refs = sync_schools(sessions, settings)
        ids = school_ids(sessions)
        runtimes = {s.slug: build_runtime(ids[s.slug], s, settings) for s in settings.schools}
    except ConfigError as exc:
        raise fail(str(exc)) from None
    if not refs:
        raise fail("no enabled accounts in the config")
    pipeline = Pipeline(sessions, log_comment_text=settings.log_comment_text)
    secrets = SecretStore()
    if not once:
        run_forever(pipeline, refs, runtimes, secrets, console=console)
        return
    table = Table("account", "fetched", "new", "cases", "result", title="Poll")
    failures = 0
    for ref in refs:
        try:
            connector = build_connector(ref.config, ref.school, secrets)
        except ConfigError as exc:
            failures += 1
            table.add_row(escape(ref.config.label), "-", "-", "-", f"[red]{escape(str(exc))}[/]")
            continue
        try:
            result = pipeline.poll(runtimes[ref.school_slug], ref.account_id, connector)
        except ConnectorError as exc:
            failures += 1
            table.add_row(escape(ref.config.label), "-", "-", "-", f"[red]{type(exc).__name__}: {escape(str(exc))}[/]")
        else:
            table.add_row(escape(ref.config.label), str(result.fetched), str(result.new_items), str(result.new_cases),
                          "[green]ok[/]")
        finally:
            connector.close()
    console.print(table)
    if failures:
        raise typer.Exit(1)


@app.command()
def run(
    config: ConfigOpt = None,
    database: DatabaseOpt = None,
    host: Annotated[str, typer.Option(help="Address for the webhook endpoint.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port for the webhook endpoint.")] = 8080,
) -> None:
    """Poll every account, carry out approved actions and receive Meta webhooks, until interrupted."""
    import uvicorn
    from apscheduler.schedulers.background import BackgroundScheduler

    from bot.actions import ActionExecutor, settings_connectors
    from bot.pipeline import Pipeline
    from bot.scheduler import build_scheduler, poll_now
    from bot.schools import build_runtime, school_ids, sync_schools
    from bot.webhooks import PATH, ConnectorMentionResolver, WebhookIngest, create_app

    settings = open_settings(config, required=True)
    assert settings is not None
    sessions = session_factory(open_engine(database))
    secrets = SecretStore()
    try:
        refs = sync_schools(sessions, settings)
        ids = school_ids(sessions)
        runtimes = {s.slug: build_runtime(ids[s.slug], s, settings) for s in settings.schools}
        app_secret = secrets.optional(settings.webhooks.app_secret_env)
        verify_token = secrets.optional(settings.webhooks.verify_token_env)
    except ConfigError as exc:
        raise fail(str(exc)) from None
    pipeline = Pipeline(sessions, log_comment_text=settings.log_comment_text)
    executor = ActionExecutor(sessions, settings_connectors(sessions, settings, secrets), rules=settings.approvals)
    scheduler = build_scheduler(pipeline, refs, runtimes, secrets, BackgroundScheduler(timezone="UTC"),
                                executor=executor)
    scheduler.start()
    console.print(f"Polling {len(refs)} account(s); carrying out approved actions every minute.")
    try:
        if app_secret is None or verify_token is None:
            console.print("Webhooks are off (set [webhooks] app_secret_env and verify_token_env to turn them on). "
                          "Press Ctrl-C to stop.")
            threading.Event().wait()  # the scheduler works in its own threads until Ctrl-C
        else:
            ingest = WebhookIngest(sessions, pipeline, {ids[s]: r for s, r in runtimes.items()},
                                   lambda account_id: poll_now(scheduler, account_id),
                                   ConnectorMentionResolver(refs, secrets))
            app_ = create_app(ingest, app_secret=app_secret, verify_token=verify_token,
                              max_body_bytes=settings.webhooks.max_body_bytes)
            console.print(f"Receiving Meta webhooks at http://{host}:{port}{PATH}. Press Ctrl-C to stop.")
            uvicorn.run(app_, host=host, port=port, log_level="warning")
    except KeyboardInterrupt:
        console.print("Interrupted.")
    finally:
        scheduler.shutdown(wait=False)
        console.print("Stopped.")


# -- classify --------------------------------------------------------------------------------------------------


def finding_json(f: Finding, text: str) -> dict[str, Any]:
    return {
        "label": f.label.value,
        "score": round(f.score, 4),
        "start": f.start,
        "end": f.end,
        "span": text[f.start : f.end] if f.start is not None else None,
        "explanation": f.explanation,
        "detector_version": f.detector_version,
    }


@app.command()
def classify(
    texts: Annotated[list[str], typer.Argument(help="One or more comments to check.")],
    config: ConfigOpt = None,
    school: Annotated[str | None, typer.Option(help="School slug (when the config lists several).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Run the detectors on TEXT and show findings with spans and explanations."""
    from classifiers.engine import Analyzer, SchoolProfile
    from classifiers.policy import PolicyConfig, assess

    settings = open_settings(config, required=False)
    if settings is None:
        profile = SchoolProfile(name="", aliases=(), town=None, official_phones=(), official_emails=(),
                                roster_path=None, staff_path=None)
        policy = PolicyConfig()
        if not as_json:
            err.print("[yellow]No config: pupil and staff names are not checked (no roster). "
                      "Pass --config to use your school's roster.[/]")
    else:
        try:
            school_cfg = settings.school(school) if school else settings.schools[0]
        except ConfigError as exc:
            raise fail(str(exc)) from None
        profile = SchoolProfile(
            name=school_cfg.name, aliases=tuple(school_cfg.aliases), town=school_cfg.town,
            official_phones=tuple(school_cfg.official_phone), official_emails=tuple(school_cfg.official_email),
            roster_path=school_cfg.roster, staff_path=school_cfg.staff,
        )
        policy = settings.policy_config(school_cfg)
    analyzer = Analyzer(profile)
    try:
        analyzer.load()
    except Exception as exc:  # a broken roster or staff file: say which, without its contents
        raise fail(str(exc)) from None
    results: list[dict[str, Any]] = []
    for text in texts:
        findings = analyzer.analyze(text)
        decision = assess(findings, policy)
        results.append({
            "text": text,
            "findings": [finding_json(f, text) for f in findings],
            "assessment": None if decision is None else {
                "category": decision.category.value,
                "severity": decision.severity.name.lower(),
                "proposed_action": decision.proposed_action.value,
                "route": decision.route.value,
                "needs_response": decision.needs_response,
                "sla_kind": decision.sla_kind,
                "reasons": list(decision.reasons),
            },
        })
    if as_json:
        typer.echo(json.dumps(results, indent=2, ensure_ascii=False))
        return
    for result in results:
        console.rule(escape(result["text"][:100]), style="dim")
        if not result["findings"]:
            console.print("  nothing found")
            continue
        table = Table("label", "score", "span", "explanation", box=None, pad_edge=False)
        for f in result["findings"]:
            table.add_row(f["label"], f"{f['score']:.2f}", escape(repr(f["span"])) if f["span"] else "(whole text)",
                          escape(f["explanation"]))
        console.print(table)
        a = result["assessment"]
        if a:
            console.print(f"  → [bold]{a['category']}[/], {a['severity']}; propose {a['proposed_action']}; "
                          f"route to {a['route']}" + ("; needs a reply" if a["needs_response"] else ""))


# -- db --------------------------------------------------------------------------------------------------------


@db_app.command("upgrade")
def db_upgrade(database: DatabaseOpt = None) -> None:
    """Create the schema or migrate it to the latest revision."""
    from bot.db import current_revision

    engine = open_engine(database)
    console.print(f"{safe_url(str(engine.url))} is at revision {current_revision(engine)}")


# -- sandbox ---------------------------------------------------------------------------------------------------


@sandbox_app.command("serve")
def sandbox_serve(
    port: Annotated[int, typer.Option(help="Port on 127.0.0.1 (0 picks a free one).")] = 0,
) -> None:
    """Serve the seeded sandbox (Facebook Graph simulator) on loopback until interrupted."""
    from connectors.sandbox import serve

    serve(host="127.0.0.1", port=port)


# -- sla -------------------------------------------------------------------------------------------------------


@sla_app.command("due")
def sla_due(
    received: Annotated[str, typer.Option(help="When the comment arrived, ISO 8601 with offset.")],
    nation: Annotated[str, typer.Option(help="ENG, WLS, SCT or NIR.")] = "ENG",
    kind: Annotated[SlaKind, typer.Option(help="standard, safeguarding or defamation.")] = SlaKind.STANDARD,
    as_json: JsonOpt = False,
) -> None:
    """When is a response due?"""
    try:
        received_at = datetime.fromisoformat(received)
    except ValueError:
        raise fail(f"--received: not an ISO 8601 date-time: {received!r}") from None
    if received_at.tzinfo is None:
        raise fail("--received needs a UTC offset, e.g. 2026-12-24T16:00:00+00:00")
    try:
        calendar = WorkingCalendar(nation=nation.upper())
    except ValueError as exc:
        raise fail(str(exc)) from None
    due = calendar.due_at(received_at, kind).astimezone(calendar.zone)
    if as_json:
        typer.echo(json.dumps({"due_at": due.isoformat()}))
    else:
        console.print(f"due {due:%A %d %B %Y at %H:%M} UK time ({due.isoformat()})")


# -- audit -----------------------------------------------------------------------------------------------------


@audit_app.command("verify")
def audit_verify(database: DatabaseOpt = None) -> None:
    """Check every link of the audit hash chain; report the first broken one."""
    sessions = session_factory(open_engine(database))
    with sessions() as session:
        result = audit_log.verify(session)
    if result.ok:
        console.print(f"OK: {result.checked} audit events, chain intact")
        return
    err.print(f"[bold red]BROKEN[/] at audit event {result.broken_at}: {result.reason} "
              f"({result.checked} events before it verified)")
    raise typer.Exit(1)

