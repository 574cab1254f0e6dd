"""Fixtures for connector tests: a running sandbox on port 0, a fixed clock, and an HttpClient that never sleeps."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest

from connectors._http import HttpClient, RetryPolicy
from connectors.base import Connector, Cursor, Item, Secret
from connectors.facebook import FacebookConnector
from connectors.sandbox import FacebookSandbox, ManualClock, Sandbox
from tests.connectors.helpers import DrainFn, builder

NOW = datetime(2026, 11, 20, 12, 0, 0, tzinfo=UTC)


@pytest.fixture
def now() -> datetime:
    return NOW


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(NOW)


@pytest.fixture
def sandbox(clock: ManualClock) -> Iterator[Sandbox]:
    with Sandbox(clock=clock) as sb:
        yield sb


@pytest.fixture
def page_id() -> str:
    return "104800000000777"


@pytest.fixture
def page_token() -> str:
    return "test-page-token-5f2c9a7e"


@pytest.fixture
def fb(sandbox: Sandbox, page_id: str, page_token: str) -> FacebookSandbox:
    sandbox.facebook.add_page(page_id, "Test Primary School", page_token)
    return sandbox.facebook


@pytest.fixture
def sleeps() -> list[float]:
    """Every delay the HttpClient asked for, in order; nothing actually sleeps."""
    return []


@pytest.fixture
def http(sleeps: list[float], clock: ManualClock) -> Iterator[HttpClient]:
    client = HttpClient(
        sleep=sleeps.append,
        clock=clock,
        rng=random.Random(1234),
        timeout_s=5.0,
        policy=RetryPolicy(max_attempts=4, base_delay_s=1.0, max_delay_s=60.0, max_wait_s=300.0),
    )
    yield client
    client.close()


@pytest.fixture
def make_connector(
    fb: FacebookSandbox, sandbox: Sandbox, http: HttpClient, clock: ManualClock, page_id: str, page_token: str
) -> Callable[..., FacebookConnector]:
    return builder(
        FacebookConnector,
        page_id=page_id,
        token=Secret(page_token),
        http=http,
        base_url=sandbox.url,
        clock=clock,
        page_size=10,
    )


@pytest.fixture
def connector(make_connector: Callable[..., FacebookConnector]) -> FacebookConnector:
    return make_connector()


@pytest.fixture
def drain() -> DrainFn:
    """Call ``fetch`` until ``has_more`` is false, as the bot does; return items, the last cursor, and calls."""

    def run(connector: Connector, cursor: Cursor | None) -> tuple[list[Item], Cursor, int]:
        items: list[Item] = []
        calls = 0
        while True:
            result = connector.fetch(cursor)
            calls += 1
            items.extend(result.items)
            cursor = result.next_cursor
            if not result.has_more:
                return items, cursor, calls
            assert calls < 1000, "fetch never finished"

    return run
