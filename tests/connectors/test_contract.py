"""One contract, every connector: each registered platform runs these tests against its own sandbox.

Tests that store items run through the real pipeline on SQLite and PostgreSQL.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.config import parse_config
from bot.models import Account, CursorState, Item, School
from bot.pipeline import Pipeline, SchoolRuntime
from bot.schools import build_runtime
from connectors._http import HttpClient, RetryPolicy
from connectors.base import Action, Connector, Cursor
from connectors.base import Item as FetchedItem
from connectors.errors import AuthError, PermanentError, RetryableError, UnsupportedActionError
from connectors.registry import CONNECTORS
from connectors.sandbox import ManualClock, Sandbox
from tests.connectors.harnesses import HARNESSES, Harness

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
PLATFORMS = sorted(CONNECTORS)


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture(params=PLATFORMS)
def harness(request: pytest.FixtureRequest, sleeps: list[float]) -> Iterator[Harness]:
    clock = ManualClock(NOW)
    http = HttpClient(sleep=sleeps.append, clock=clock, rng=random.Random(7),
                      policy=RetryPolicy(max_attempts=3, base_delay_s=1.0, max_delay_s=30.0, max_wait_s=900.0))
    with Sandbox(clock=clock) as sandbox:
        yield HARNESSES[request.param](sandbox, http, clock)
    http.close()


def drain(connector: Connector, cursor: Cursor | None) -> tuple[list[FetchedItem], Cursor]:
    items: list[FetchedItem] = []
    for _ in range(1000):
        page = connector.fetch(cursor)
        items.extend(page.items)
        cursor = page.next_cursor
        if not page.has_more:
            return items, cursor
    raise AssertionError("fetch never reported the end")


def test_every_registered_connector_has_a_harness_and_a_sandbox() -> None:
    sandbox = Sandbox()
    for platform, connector_cls in CONNECTORS.items():
        assert platform in HARNESSES, f"{platform} is registered without a contract-suite harness"
        assert connector_cls.platform == platform
        assert getattr(sandbox, platform, None) is not None, f"{platform} has no simulator in the sandbox"


def test_fetch_pages_to_the_end(harness: Harness) -> None:
    seeded = harness.seed(23)
    items, cursor = drain(harness.make_connector(), None)
    assert set(seeded) <= {i.external_id for i in items}
    assert isinstance(cursor.get("v"), int)
    assert all(i.platform == harness.platform and i.created_at.tzinfo is not None for i in items)


def test_fetch_resumes_from_a_saved_cursor_without_gaps(harness: Harness) -> None:
    seeded = harness.seed(9)
    first, cursor = drain(harness.make_connector(), None)
    later = harness.add_item("a new comment after the first poll")
    second, _ = drain(harness.make_connector(), dict(cursor))
    assert later in {i.external_id for i in second}
    assert set(seeded) | {later} <= {i.external_id for i in first + second}


def test_fetch_tolerates_the_same_cursor_twice(harness: Harness) -> None:
    harness.seed(5)
    _, cursor = drain(harness.make_connector(), None)
    harness.add_item("one more")
    once, _ = drain(harness.make_connector(), cursor)
    twice, _ = drain(harness.make_connector(), cursor)
    assert {i.external_id for i in once} == {i.external_id for i in twice}


def test_supported_actions_show_in_the_sandbox_and_the_rest_raise(harness: Harness) -> None:
    connector = harness.make_connector()
    for action in Action:
        if connector.capabilities.supports(action):
            target = harness.target_for(action)
            result = connector.reply(target, "Thank you") if action is Action.REPLY else getattr(connector, action.value)(target)
            harness.assert_applied(action, target, result)
        else:
            with pytest.raises(UnsupportedActionError) as info:
                if action is Action.REPLY:
                    connector.reply("any-id", "text")
                else:
                    getattr(connector, action.value)("any-id")
            assert info.value.action == action.value and info.value.reason


def test_rate_limit_is_honoured_then_fetch_succeeds(harness: Harness, sleeps: list[float]) -> None:
    seeded = harness.seed(3)
    minimum = harness.rate_limit()
    items, _ = drain(harness.make_connector(), None)
    assert set(seeded) <= {i.external_id for i in items}
    assert sleeps and sleeps[0] >= minimum


def test_server_errors_are_retried_then_raised(harness: Harness, sleeps: list[float]) -> None:
    harness.seed(2)
    harness.fail_next(1, 503)
    drain(harness.make_connector(), None)
    assert len(sleeps) == 1
    harness.fail_next(10, 500)
    with pytest.raises(RetryableError):
        drain(harness.make_connector(), None)


def test_expired_token_raises_auth_error_without_retrying(harness: Harness, sleeps: list[float]) -> None:
    harness.seed(1)
    harness.expire_token()
    with pytest.raises(AuthError):
        drain(harness.make_connector(), None)
    assert sleeps == []


# -- through the pipeline, on SQLite and PostgreSQL --------------------------------------------------------------


@pytest.fixture
def runtime_and_account(sessions: sessionmaker[Session], harness: Harness) -> tuple[SchoolRuntime, int]:
    settings = parse_config({"schools": [{"slug": "contract", "name": "Contract Primary", "nation": "ENG"}]})
    with sessions() as session, session.begin():
        school = School(slug="contract", name="Contract Primary", nation="ENG")
        session.add(school)
        session.flush()
        account = Account(school_id=school.id, platform=harness.platform, external_id="contract-account")
        session.add(account)
        session.flush()
        ids = school.id, account.id
    return build_runtime(ids[0], settings.schools[0], settings), ids[1]


def _counts(sessions: sessionmaker[Session]) -> tuple[int, dict[str, object] | None]:
    with sessions() as session:
        cursor = session.scalars(select(CursorState)).first()
        return session.scalar(select(func.count()).select_from(Item)) or 0, (dict(cursor.value) if cursor else None)


def test_pipeline_stores_each_item_once_across_repeated_polls(
    harness: Harness, sessions: sessionmaker[Session], runtime_and_account: tuple[SchoolRuntime, int]
) -> None:
    runtime, account_id = runtime_and_account
    seeded = harness.seed(12)
    pipeline = Pipeline(sessions, clock=lambda: NOW)
    pipeline.poll(runtime, account_id, harness.make_connector())
    harness.add_item("arrives between polls")
    pipeline.poll(runtime, account_id, harness.make_connector())
    pipeline.poll(runtime, account_id, harness.make_connector())
    with sessions() as session:
        stored = list(session.scalars(select(Item.external_id)))
    assert len(stored) == len(set(stored))
    assert set(seeded) <= set(stored) and len(stored) >= len(seeded) + 1


@pytest.mark.parametrize("mode", ["invalid_json", "missing_fields"])
def test_malformed_response_raises_clearly_and_loses_nothing_stored(
    harness: Harness, sessions: sessionmaker[Session], runtime_and_account: tuple[SchoolRuntime, int], mode: str
) -> None:
    runtime, account_id = runtime_and_account
    harness.seed(4)
    pipeline = Pipeline(sessions, clock=lambda: NOW)
    pipeline.poll(runtime, account_id, harness.make_connector())
    before = _counts(sessions)
    harness.add_item("new but the response will be broken")
    harness.malformed(mode)  # type: ignore[arg-type]
    with pytest.raises(PermanentError) as info:
        pipeline.poll(runtime, account_id, harness.make_connector())
    assert harness.platform in str(info.value)
    assert _counts(sessions) == before
    with sessions() as session:
        account = session.get(Account, account_id)
        assert account is not None and account.health == "failing"
    # The next healthy poll picks up what the broken one could not.
    pipeline.poll(runtime, account_id, harness.make_connector())
    assert _counts(sessions)[0] == before[0] + 1
