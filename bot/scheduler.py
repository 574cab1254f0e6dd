"""Continuous polling with APScheduler 3.x: one job per account, never overlapping, backlog coalesced.

This is the only module that imports APScheduler. Jobs live in memory and are rebuilt from the config at
start, so nothing is pickled. Run exactly one scheduler per database.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.interval import IntervalTrigger
from rich.console import Console

from bot.actions import ActionExecutor
from bot.config import ConfigError, SecretStore
from bot.pipeline import Pipeline, SchoolRuntime
from bot.schools import AccountRef, build_connector
from connectors.errors import AuthError, ConnectorError

logger = logging.getLogger(__name__)


def poll_job(scheduler: BaseScheduler, pipeline: Pipeline, ref: AccountRef, runtime: SchoolRuntime,
             secrets: SecretStore) -> None:
    """Poll one account. The scheduler's top-level boundary: errors are logged, never raised into APScheduler."""
    try:
        connector = build_connector(ref.config, ref.school, secrets)
    except ConfigError as exc:
        logger.error("%s: cannot start polling: %s", ref.config.label, exc)
        scheduler.pause_job(job_id(ref))
        return
    try:
        result = pipeline.poll(runtime, ref.account_id, connector)
        logger.info("%s: %d new items, %d new cases", ref.config.label, result.new_items, result.new_cases)
    except AuthError as exc:
        # Retrying a dead token only burns rate limit: pause until a person reconnects the account.
        logger.error("%s: %s. Polling paused: reconnect the account, then restart SocialGuard.", ref.config.label, exc)
        scheduler.pause_job(job_id(ref))
    except ConnectorError as exc:
        logger.warning("%s: poll failed, will retry next interval: %s", ref.config.label, exc)
    finally:
        connector.close()


def job_id(ref: AccountRef) -> str:
    return f"poll:{ref.account_id}"


def run_actions(executor: ActionExecutor) -> None:
    """Carry out approved moderation actions. A top-level boundary: failures stay visible on their cases."""
    for outcome in executor.run_pending():
        if outcome.status != "succeeded":
            logger.warning("action request %s (%s) %s", outcome.request_id, outcome.action, outcome.status)


def build_scheduler(pipeline: Pipeline, refs: Sequence[AccountRef], runtimes: Mapping[str, SchoolRuntime],
                    secrets: SecretStore, scheduler: BaseScheduler | None = None, *,
                    executor: ActionExecutor | None = None, actions_interval_s: int = 60) -> BaseScheduler:
    scheduler = scheduler or BlockingScheduler(timezone="UTC")
    if executor is not None:
        scheduler.add_job(run_actions, trigger=IntervalTrigger(seconds=actions_interval_s), args=(executor,),
                          id="actions", name="approved actions", max_instances=1, coalesce=True,
                          misfire_grace_time=actions_interval_s, replace_existing=True,
                          next_run_time=datetime.now(UTC))
    for ref in refs:
        interval = ref.config.poll_interval_s
        scheduler.add_job(
            poll_job,
            trigger=IntervalTrigger(seconds=interval, jitter=max(1, interval // 10)),
            args=(scheduler, pipeline, ref, runtimes[ref.school_slug], secrets),
            id=job_id(ref),
            name=ref.config.label,
            max_instances=1,
            coalesce=True,
            misfire_grace_time=interval,
            replace_existing=True,
            next_run_time=datetime.now(UTC),
        )
    return scheduler


def poll_now(scheduler: BaseScheduler, account_id: int) -> None:
    """Bring an account's next poll forward to now (a webhook said something arrived that needs fetching)."""
    job = scheduler.get_job(f"poll:{account_id}")
    if job is not None and job.next_run_time is not None:
        job.modify(next_run_time=datetime.now(UTC))


def run_forever(pipeline: Pipeline, refs: Sequence[AccountRef], runtimes: Mapping[str, SchoolRuntime],
                secrets: SecretStore, *, console: Console) -> None:
    scheduler = build_scheduler(pipeline, refs, runtimes, secrets)
    console.print(f"Polling {len(refs)} account(s); press Ctrl-C to stop.")
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        console.print("Stopped.")
