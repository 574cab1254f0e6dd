"""XConnector (tweepy) against the X API sandbox over real HTTP: paging, cursors, search, actions, errors."""

from __future__ import annotations

import json
import logging
import random
import socket
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
import requests

from connectors._http import HttpClient, RetryPolicy
from connectors.base import Connector, ItemKind, Secret
from connectors.errors import (
    ActionRefusedError,
    AuthError,
    ConnectorError,
    MalformedResponseError,
    NotFoundError,
    PermanentError,
    RateLimitedError,
    RetryableError,
    UnsupportedActionError,
)
from connectors.registry import CONNECTORS
from connectors.sandbox import ManualClock, Sandbox, XSandbox, seed_demo_x
from connectors.sandbox.x import snowflake_time
from connectors.x import (
    XConnector,
    XOAuth1Credentials,
    _parse_timeline,
    _raise_for_status,
    build_search_query,
)
from tests.connectors.helpers import DrainFn, builder, failure_texts, roundtrip

SCHOOL = "1580000000000000500"
HANDLE = "TestPrimary"
TOKEN = "test-x-token-8c1d77e2"
PARENT_A = "1580000000000000501"
PARENT_B = "1580000000000000502"
OTHER = "1580000000000000509"

MakeX = Callable[..., XConnector]


@pytest.fixture
def xs(sandbox: Sandbox) -> XSandbox:
    x = sandbox.x
    x.add_user(SCHOOL, HANDLE, "Test Primary School", token=TOKEN)
    x.add_user(PARENT_A, "parent_a", "Parent A")
    x.add_user(PARENT_B, "parent_b", "Parent B")
    x.add_user(OTHER, "OtherPlace", "Another Organisation", token="other-org-token")
    return x


@pytest.fixture
def make_x(xs: XSandbox, sandbox: Sandbox, http: HttpClient, clock: ManualClock) -> MakeX:
    return builder(
        XConnector,
        user_id=SCHOOL,
        token=Secret(TOKEN),
        http=http,
        base_url=sandbox.url,
        handle=HANDLE,
        clock=clock,
        page_size=10,
    )


@pytest.fixture
def xc(make_x: MakeX) -> Iterator[XConnector]:
    connector = make_x()
    yield connector
    connector._client.session.close()


def mentions(
    xs: XSandbox, count: int, start: datetime, *, step_s: int = 60, author: str = PARENT_A
) -> list[str]:
    """``count`` posts mentioning the school, oldest first."""
    return [
        xs.add_tweet(
            author, f"@{HANDLE} message number {i}", created_at=start + timedelta(seconds=i * step_s)
        )
        for i in range(count)
    ]


def paths(xs: XSandbox, suffix: str) -> list[dict[str, str]]:
    return [dict(r.query) for r in xs.requests if r.path.endswith(suffix)]


# -- fetching: mentions --------------------------------------------------------------------------------------


def test_fetch_reads_every_mention_when_they_span_several_pages(
    xs: XSandbox, xc: XConnector, drain: DrainFn, now: datetime
) -> None:
    ids = mentions(xs, 35, now - timedelta(days=1))

    items, cursor, calls = drain(xc, None)

    assert sorted(i.external_id for i in items) == sorted(ids)
    assert [i.external_id for i in items] == sorted(ids, key=int, reverse=True)  # X pages newest first
    sent = paths(xs, "/mentions")
    assert len(sent) == calls == 4
    assert "pagination_token" not in sent[0] and all("pagination_token" in q for q in sent[1:])
    assert all(q["max_results"] == "10" for q in sent)
    assert set(sent[0]["expansions"].split(",")) == {
        "author_id",
        "in_reply_to_user_id",
        "referenced_tweets.id",
    }
    assert {"created_at", "conversation_id", "in_reply_to_user_id", "author_id", "referenced_tweets"} <= set(
        sent[0]["tweet.fields"].split(",")
    )
    assert sent[0]["user.fields"] == "username,name"
    assert cursor["mentions_since_id"] == max(ids, key=int) and cursor["round"] is None


def test_fetch_saves_the_newest_id_only_when_the_pass_has_reached_the_end(
    xs: XSandbox, xc: XConnector, now: datetime
) -> None:
    ids = mentions(xs, 25, now - timedelta(days=1))

    first = xc.fetch(None)
    second = xc.fetch(roundtrip(first.next_cursor))
    third = xc.fetch(roundtrip(second.next_cursor))

    assert [first.has_more, second.has_more, third.has_more] == [True, True, False]
    # Mid-pass, the newest id waits in the round: saving it as since_id would skip the older pages after a
    # crash.
    assert first.next_cursor["mentions_since_id"] is None
    assert first.next_cursor["round"]["newest_id"] == max(ids, key=int)
    assert first.next_cursor["round"]["pagination_token"]
    assert third.next_cursor["mentions_since_id"] == max(ids, key=int)


def test_fetch_reads_only_new_mentions_when_resuming_from_a_saved_cursor(
    xs: XSandbox, xc: XConnector, drain: DrainFn, clock: ManualClock, now: datetime
) -> None:
    old = mentions(xs, 12, now - timedelta(hours=5))
    first, cursor, _ = drain(xc, None)
    clock.advance(minutes=10)
    new = mentions(xs, 3, now + timedelta(minutes=1), author=PARENT_B)

    second, _, _ = drain(xc, roundtrip(cursor))

    assert {i.external_id for i in first} == set(old)
    assert {i.external_id for i in second} == set(new)
    assert paths(xs, "/mentions")[-1]["since_id"] == max(old, key=int)
    assert "start_time" not in paths(xs, "/mentions")[-1]


def test_fetch_continues_the_same_poll_when_restarted_from_a_mid_poll_cursor(
    xs: XSandbox, make_x: MakeX, drain: DrainFn, clock: ManualClock, now: datetime
) -> None:
    ids = mentions(xs, 22, now - timedelta(hours=3))
    first = make_x().fetch(None)

    clock.advance(minutes=20)  # the bot crashed and came back with a fresh connector
    rest, cursor, _ = drain(make_x(), roundtrip(first.next_cursor))

    assert {i.external_id for i in first.items} | {i.external_id for i in rest} == set(ids)
    assert not {i.external_id for i in first.items} & {i.external_id for i in rest}
    assert cursor["mentions_since_id"] == max(ids, key=int)


def test_fetch_starts_the_poll_over_when_the_interrupted_round_is_stale(
    xs: XSandbox, make_x: MakeX, drain: DrainFn, clock: ManualClock, now: datetime
) -> None:
    ids = mentions(xs, 22, now - timedelta(hours=3))
    first = make_x().fetch(None)

    clock.advance(hours=3)  # the saved paging token may have expired by now
    xs.clear_requests()
    rest, _, _ = drain(make_x(), roundtrip(first.next_cursor))

    assert "pagination_token" not in paths(xs, "/mentions")[0]
    assert {i.external_id for i in rest} == set(ids)


def test_fetch_bounds_the_first_poll_by_the_lookback_when_there_is_no_cursor(
    xs: XSandbox, make_x: MakeX, drain: DrainFn, now: datetime
) -> None:
    mentions(xs, 2, now - timedelta(days=10))
    recent = mentions(xs, 2, now - timedelta(days=1))

    items, _, _ = drain(make_x(lookback_days=3), None)

    assert {i.external_id for i in items} == set(recent)
    assert paths(xs, "/mentions")[0]["start_time"] == "2026-11-17T12:00:00Z"


def test_fetch_redelivers_the_same_items_when_a_cursor_is_used_twice(
    xs: XSandbox, xc: XConnector, drain: DrainFn, now: datetime
) -> None:
    mentions(xs, 15, now - timedelta(hours=2))
    cursor = roundtrip(xc.fetch(None).next_cursor)

    once = xc.fetch(cursor)
    twice = xc.fetch(cursor)

    assert [i.external_id for i in once.items] == [i.external_id for i in twice.items]
    assert once.next_cursor == twice.next_cursor


# -- fetching: search ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("terms", "handle", "expected"),
    [
        (
            ["Brookfield Vale Primary School", "Brookfield Vale", "BVPS"],
            "@bvps",
            '("Brookfield Vale" OR BVPS OR @bvps) -from:bvps -is:retweet',
        ),
        (
            ["Brookfield Vale", "brookfield vale", "  Brookfield   Vale "],
            None,
            '"Brookfield Vale" -is:retweet',
        ),
        (['St Mary’s "C of E"', "OR"], None, '("St Mary\'s C of E" OR "OR") -is:retweet'),
        ([], "bvps", "@bvps -from:bvps -is:retweet"),
        ([], None, ""),
    ],
)
def test_build_search_query_makes_a_grouped_query_when_given_the_schools_terms(
    terms: list[str], handle: str | None, expected: str
) -> None:
    assert build_search_query(terms, handle) == expected


def test_build_search_query_leaves_out_the_last_terms_when_the_query_would_pass_512_characters(
    caplog: pytest.LogCaptureFixture,
) -> None:
    terms = ["Brookfield Vale", "BVPS", *(f"extra term number {n:03d} for the school" for n in range(30))]

    query = build_search_query(terms, "bvps")

    assert len(query) <= 512
    assert query.startswith('("Brookfield Vale" OR BVPS OR "extra term number 000')
    assert "@bvps" in query and "extra term number 029" not in query
    assert "left out" in caplog.text


def test_fetch_searches_for_the_school_after_the_mentions_when_search_terms_are_configured(
    xs: XSandbox, make_x: MakeX, drain: DrainFn, now: datetime
) -> None:
    mentioned = mentions(xs, 2, now - timedelta(hours=4))
    named = xs.add_tweet(PARENT_B, "Is Test Primary open on Friday?", created_at=now - timedelta(hours=3))
    alias = xs.add_tweet(PARENT_B, "TPS parents: the fair is on!", created_at=now - timedelta(hours=2))
    other_word = xs.add_tweet(PARENT_B, "TPSX reports are out", created_at=now - timedelta(hours=2))
    own = xs.add_tweet(
        SCHOOL, "Test Primary is closed for INSET on Monday", created_at=now - timedelta(hours=1)
    )
    retweet = xs.add_tweet(
        PARENT_A, "RT Test Primary is closed", retweet_of=own, created_at=now - timedelta(minutes=30)
    )
    connector = make_x(search_terms=("Test Primary School", "Test Primary", "TPS"))

    first = connector.fetch(None)
    second = connector.fetch(roundtrip(first.next_cursor))

    assert first.has_more and not second.has_more
    assert {i.external_id for i in first.items} == set(mentioned)
    found = {i.external_id for i in second.items}
    assert {named, alias} <= found and not {other_word, own, retweet} & found
    assert all(i.can_reply is True for i in first.items)
    assert {i.can_reply for i in second.items if i.external_id in {named, alias}} == {None}
    (search,) = paths(xs, "/search/recent")
    assert search["query"] == '("Test Primary" OR TPS OR @TestPrimary) -from:TestPrimary -is:retweet'
    assert (
        search["start_time"] == "2026-11-13T12:05:00Z"
    )  # seven days minus a margin, not the 30-day lookback
    assert second.next_cursor["search_since_id"] == max(found, key=int)


def test_fetch_pages_search_with_next_token_when_results_exceed_a_page(
    xs: XSandbox, make_x: MakeX, drain: DrainFn, now: datetime
) -> None:
    named = [
        xs.add_tweet(PARENT_B, f"Test Primary story {n}", created_at=now - timedelta(hours=5, minutes=-n))
        for n in range(23)
    ]

    items, cursor, _ = drain(make_x(search_terms=("Test Primary",)), None)

    assert set(named) <= {i.external_id for i in items}
    sent = paths(xs, "/search/recent")
    assert len(sent) == 3 and all("next_token" in q for q in sent[1:])
    assert cursor["search_since_id"] == max(named, key=int)


def test_fetch_drops_a_search_since_id_when_it_is_older_than_recent_search_allows(
    xs: XSandbox, make_x: MakeX, drain: DrainFn, now: datetime
) -> None:
    connector = make_x(search_terms=("Test Primary",))
    stale = xs.add_tweet(PARENT_B, "Test Primary from long ago", created_at=now - timedelta(days=9))
    cursor = {
        "v": 1,
        "mentions_since_id": None,
        "search_since_id": stale,
        "search_query_hash": connector._query_hash,
        "round": None,
    }
    fresh = xs.add_tweet(PARENT_B, "Test Primary today", created_at=now - timedelta(hours=1))

    items, _, _ = drain(connector, cursor)

    (search,) = paths(xs, "/search/recent")
    assert "since_id" not in search and "start_time" in search
    assert fresh in {i.external_id for i in items}
    assert snowflake_time(stale) < now - timedelta(days=7)


def test_fetch_reads_the_search_window_again_when_the_query_has_changed(
    xs: XSandbox, make_x: MakeX, drain: DrainFn, now: datetime
) -> None:
    xs.add_tweet(PARENT_B, "Test Primary news", created_at=now - timedelta(hours=3))
    _, cursor, _ = drain(make_x(search_terms=("Test Primary",)), None)
    alias_post = xs.add_tweet(PARENT_B, "TPS news from yesterday", created_at=now - timedelta(hours=2))
    xs.clear_requests()

    items, _, _ = drain(make_x(search_terms=("Test Primary", "TPS")), roundtrip(cursor))

    (search,) = paths(xs, "/search/recent")
    assert "since_id" not in search
    assert alias_post in {i.external_id for i in items}


# -- items ---------------------------------------------------------------------------------------------------


def test_fetch_marks_replies_in_the_schools_own_threads_as_hideable_and_the_rest_as_mentions(
    xs: XSandbox, xc: XConnector, drain: DrainFn, now: datetime
) -> None:
    t = now - timedelta(hours=6)
    root = xs.add_tweet(SCHOOL, "Sports day is on Friday", created_at=t)
    direct = xs.add_tweet(PARENT_A, "Brilliant, thanks!", reply_to=root, created_at=t + timedelta(minutes=1))
    nested = xs.add_tweet(
        PARENT_B, f"@{HANDLE} what a waste of time", reply_to=direct, created_at=t + timedelta(minutes=2)
    )
    theirs = xs.add_tweet(OTHER, "Our news", created_at=t + timedelta(minutes=3))
    elsewhere = xs.add_tweet(
        PARENT_A, f"@{HANDLE} is this true?", reply_to=theirs, created_at=t + timedelta(minutes=4)
    )
    plain = xs.add_tweet(PARENT_B, f"@{HANDLE} hello", created_at=t + timedelta(minutes=5))

    items = {i.external_id: i for i in drain(xc, None)[0]}

    assert set(items) == {direct, nested, elsewhere, plain}
    assert items[direct].kind is ItemKind.REPLY and items[direct].can_hide is True
    assert items[direct].parent_external_id == root and items[direct].post_external_id == root
    assert items[nested].kind is ItemKind.REPLY and items[nested].can_hide is True
    assert items[elsewhere].kind is ItemKind.MENTION and items[elsewhere].can_hide is False
    assert items[plain].kind is ItemKind.MENTION and items[plain].can_hide is False
    assert items[plain].author.external_id == PARENT_B
    assert items[plain].author.display_name == "Parent B (@parent_b)"
    assert items[plain].permalink == f"https://x.com/parent_b/status/{plain}"
    assert items[plain].created_at == t + timedelta(minutes=5) and items[plain].created_at.tzinfo is not None
    assert all(i.account_external_id == SCHOOL and i.can_delete is False for i in items.values())
    # Every conversation's first post came with the page (includes.tweets): no extra lookups.
    assert not [r for r in xs.requests if r.path == "/2/tweets"]


def test_fetch_looks_up_who_started_the_conversations_when_the_page_does_not_include_them(
    xs: XSandbox, xc: XConnector, drain: DrainFn, now: datetime
) -> None:
    long_ago = now - timedelta(days=40)  # before the lookback: the page never carries these posts
    ours = xs.add_tweet(SCHOOL, "Term dates", created_at=long_ago)
    theirs = xs.add_tweet(OTHER, "Our news", created_at=long_ago)
    mid_ours = xs.add_tweet(PARENT_A, "Thanks", reply_to=ours, created_at=long_ago + timedelta(minutes=1))
    mid_theirs = xs.add_tweet(PARENT_A, "Hmm", reply_to=theirs, created_at=long_ago + timedelta(minutes=1))
    in_ours = xs.add_tweet(
        PARENT_B, f"@{HANDLE} nonsense", reply_to=mid_ours, created_at=now - timedelta(hours=1)
    )
    in_theirs = xs.add_tweet(
        PARENT_B, f"@{HANDLE} nonsense", reply_to=mid_theirs, created_at=now - timedelta(hours=1)
    )

    items = {i.external_id: i for i in drain(xc, None)[0]}

    assert items[in_ours].kind is ItemKind.REPLY and items[in_ours].can_hide is True
    assert items[in_theirs].kind is ItemKind.MENTION and items[in_theirs].can_hide is False
    (lookup,) = [r for r in xs.requests if r.path == "/2/tweets"]
    assert (
        set(lookup.query["ids"].split(",")) == {ours, theirs} and lookup.query["tweet.fields"] == "author_id"
    )


def test_fetch_uses_the_full_text_when_a_post_is_longer_than_280_characters(
    xs: XSandbox, xc: XConnector, now: datetime
) -> None:
    long_text = f"@{HANDLE} " + "the car park is dangerous at pick-up time and nobody listens " * 8 + "END"
    xs.add_tweet(PARENT_A, long_text, created_at=now - timedelta(hours=1))

    (item,) = xc.fetch(None).items

    assert item.text == long_text and item.text.endswith("END")


def test_parse_timeline_reads_the_documented_shape_when_given_the_docs_example() -> None:
    body = json.loads(
        (Path(__file__).parent / "payloads" / "x" / "mentions_page.json").read_text(encoding="utf-8")
    )

    timeline = _parse_timeline(body, "GET /2/users/1/mentions")

    assert [t.id for t in timeline.tweets] == ["1861412367153619015", "1861398001234567170"]
    assert timeline.tweets[0].created_at == datetime(2026, 11, 20, 8, 15, 2, tzinfo=UTC)
    assert timeline.tweets[1].replied_to == "1861390000000000001"
    assert timeline.referenced["1861390000000000001"].author_id == "1580000000000000300"
    assert timeline.users["1580000000000000302"].username == "parent_two_example"
    assert timeline.next_token == "7140dibdnow9c7btw3w29grvxfcgvpb9n9coehpk7xz5i"


@pytest.mark.parametrize(
    "cursor",
    [
        {"no": "version"},
        {"v": 2},
        {"v": True},
        {"v": 1, "mentions_since_id": 123},
        {"v": 1, "mentions_since_id": "abc"},
        {"v": 1, "round": {"stream": "likes", "started_at": "2026-11-20T08:00:00+00:00"}},
        {"v": 1, "round": {"stream": "search", "started_at": "2026-11-20T08:00:00"}},
        {"v": 1, "round": "mentions"},
    ],
)
def test_fetch_rejects_the_cursor_clearly_when_it_is_garbage(
    xs: XSandbox, xc: XConnector, cursor: dict[str, Any]
) -> None:
    with pytest.raises(PermanentError, match="cursor is not valid"):
        xc.fetch(cursor)
    assert xs.requests == ()


# -- errors on the wire --------------------------------------------------------------------------------------


def test_fetch_waits_until_x_rate_limit_reset_then_succeeds_when_rate_limited(
    xs: XSandbox, xc: XConnector, sleeps: list[float], now: datetime
) -> None:
    mentions(xs, 3, now - timedelta(hours=1))
    xs.rate_limit(times=1, reset_in=90)

    page = xc.fetch(None)

    assert len(page.items) == 3
    assert (
        len(sleeps) == 1 and 90 <= sleeps[0] < 100
    )  # x-rate-limit-reset is epoch seconds, read with our clock


def test_fetch_raises_rate_limited_without_sleeping_when_the_reset_is_beyond_max_wait(
    xs: XSandbox, xc: XConnector, sleeps: list[float]
) -> None:
    xs.rate_limit(times=1, reset_in=1800)

    with pytest.raises(RateLimitedError) as caught:
        xc.fetch(None)

    assert caught.value.retry_after == 1800 and caught.value.code == 429
    assert sleeps == []


def test_fetch_waits_for_the_window_instead_of_spending_a_request_when_remaining_is_zero(
    xs: XSandbox, make_x: MakeX, clock: ManualClock, now: datetime
) -> None:
    ids = mentions(xs, 25, now - timedelta(hours=3))
    xs.set_limit("mentions", 2)
    waited: list[float] = []

    def sleep(seconds: float) -> None:  # time passes while the client waits, as it would for real
        waited.append(seconds)
        clock.advance(seconds=seconds)

    http = HttpClient(sleep=sleep, clock=clock, rng=random.Random(3), policy=RetryPolicy(max_wait_s=1000))
    connector = make_x(http=http)

    first = connector.fetch(None)
    second = connector.fetch(first.next_cursor)
    third = connector.fetch(second.next_cursor)

    assert {i.external_id for p in (first, second, third) for i in p.items} == set(ids)
    assert len(waited) == 1 and 900 <= waited[0] < 1000  # until the 15-minute window resets
    assert len(paths(xs, "/mentions")) == 3  # no request was wasted on a certain 429


def test_fetch_raises_usage_capped_without_retrying_when_the_monthly_cap_is_reached(
    xs: XSandbox, xc: XConnector, sleeps: list[float]
) -> None:
    xs.usage_capped()

    with pytest.raises(RateLimitedError, match="monthly usage cap") as caught:
        xc.fetch(None)

    assert caught.value.code == "usage-capped" and (caught.value.retry_after or 0) >= 3600
    assert sleeps == [] and len(xs.requests) == 1


def test_fetch_retries_then_succeeds_when_the_server_fails_twice(
    xs: XSandbox, xc: XConnector, sleeps: list[float], now: datetime
) -> None:
    mentions(xs, 2, now - timedelta(hours=1))
    xs.fail_next(2, status=503, retry_after=4)

    page = xc.fetch(None)

    assert len(page.items) == 2 and len(sleeps) == 2 and all(s >= 4 for s in sleeps)


def test_fetch_raises_retryable_after_max_attempts_when_the_server_keeps_failing(
    xs: XSandbox, xc: XConnector, sleeps: list[float]
) -> None:
    xs.fail_next(10, status=500)

    with pytest.raises(RetryableError) as caught:
        xc.fetch(None)

    assert not isinstance(caught.value, RateLimitedError) and caught.value.code == 500
    assert len(xs.requests) == 4 and len(sleeps) == 3


def test_fetch_retries_then_succeeds_when_the_connection_drops(
    xs: XSandbox, xc: XConnector, sandbox: Sandbox, sleeps: list[float], now: datetime
) -> None:
    mentions(xs, 1, now - timedelta(hours=1))
    sandbox.drop_next(1)

    page = xc.fetch(None)

    assert len(page.items) == 1 and len(sleeps) == 1


def test_fetch_raises_retryable_when_nothing_listens(make_x: MakeX, sleeps: list[float]) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    connector = make_x(base_url=f"http://127.0.0.1:{port}")  # free a moment ago, nothing listens now

    with pytest.raises(RetryableError, match="network error"):
        connector.fetch(None)

    assert len(sleeps) == 3


def test_fetch_raises_auth_error_at_once_when_the_token_has_expired(
    xs: XSandbox, xc: XConnector, sleeps: list[float]
) -> None:
    xs.expire_token(TOKEN)

    with pytest.raises(AuthError, match="reconnect the X account") as caught:
        xc.fetch(None)

    assert caught.value.code == 401 and len(xs.requests) == 1 and sleeps == []


def test_fetch_raises_auth_error_when_the_token_is_unknown(make_x: MakeX, sleeps: list[float]) -> None:
    with pytest.raises(AuthError):
        make_x(token=Secret("never-issued")).fetch(None)
    assert sleeps == []


def test_fetch_raises_malformed_when_the_body_is_not_json(
    xs: XSandbox, xc: XConnector, sleeps: list[float]
) -> None:
    xs.respond_malformed(mode="invalid_json")

    with pytest.raises(MalformedResponseError, match="not JSON"):
        xc.fetch(None)
    assert sleeps == []


@pytest.mark.parametrize("field", ["id", "text", "created_at"])
def test_fetch_raises_malformed_naming_the_field_when_a_post_lacks_it(
    xs: XSandbox, xc: XConnector, now: datetime, field: str
) -> None:
    mentions(xs, 2, now - timedelta(hours=1))
    xs.respond_malformed(mode="missing_fields", drop=(field,))

    with pytest.raises(MalformedResponseError, match=f"'{field}'") as caught:
        xc.fetch(None)

    assert caught.value.code == field


def _x_response(
    status: int, body: Any = None, *, headers: dict[str, str] | None = None, text: str | None = None
) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response._content = (text if text is not None else json.dumps(body)).encode()
    response.headers.update({"Content-Type": "application/problem+json", **(headers or {})})
    response.url = "https://api.twitter.com/2/users/1/mentions"
    return response


def _payload(name: str) -> Any:
    return json.loads((Path(__file__).parent / "payloads" / "x" / f"{name}.json").read_text(encoding="utf-8"))


RESET_IN_2_MINUTES = str(int(datetime(2026, 11, 20, 12, 2, tzinfo=UTC).timestamp()))


@pytest.mark.parametrize(
    ("response", "refusal", "expected", "retry_after"),
    [
        (
            _x_response(401, {"title": "Unauthorized", "type": "about:blank", "status": 401}),
            None,
            AuthError,
            None,
        ),
        (_x_response(403, _payload("error_client_forbidden")), None, AuthError, None),
        (_x_response(403, _payload("error_client_forbidden")), "refused", AuthError, None),
        (
            _x_response(403, {"title": "Forbidden", "type": "about:blank"}),
            "refused",
            ActionRefusedError,
            None,
        ),
        (_x_response(403, {"title": "Forbidden", "type": "about:blank"}), None, AuthError, None),
        (
            _x_response(
                429, _payload("error_rate_limited"), headers={"x-rate-limit-reset": RESET_IN_2_MINUTES}
            ),
            None,
            RateLimitedError,
            120.0,
        ),
        (
            _x_response(429, _payload("error_rate_limited"), headers={"Retry-After": "30"}),
            None,
            RateLimitedError,
            30.0,
        ),
        (
            _x_response(
                429, _payload("error_usage_capped"), headers={"x-rate-limit-reset": RESET_IN_2_MINUTES}
            ),
            None,
            RateLimitedError,
            3600.0,
        ),
        (
            _x_response(
                404, {"title": "Not Found Error", "type": "https://api.x.com/2/problems/resource-not-found"}
            ),
            None,
            NotFoundError,
            None,
        ),
        (
            _x_response(503, text="<html>upstream</html>", headers={"Retry-After": "5"}),
            None,
            RetryableError,
            5.0,
        ),
        (_x_response(500, {"title": "Internal Server Error"}), None, RetryableError, None),
        (
            _x_response(
                400, {"title": "Invalid Request", "type": "https://api.x.com/2/problems/invalid-request"}
            ),
            None,
            PermanentError,
            None,
        ),
    ],
)
def test_raise_for_status_sorts_x_problems_when_a_request_fails(
    response: requests.Response,
    refusal: str | None,
    expected: type[ConnectorError],
    retry_after: float | None,
    now: datetime,
) -> None:
    with pytest.raises(expected) as caught:
        _raise_for_status(response, what="GET /2/users/1/mentions", clock=lambda: now, refusal=refusal)

    assert type(caught.value) is expected
    assert "When authenticating" not in str(caught.value)  # X's free-text detail never reaches our messages
    if isinstance(caught.value, RetryableError):
        assert caught.value.retry_after == retry_after


# -- secrets -------------------------------------------------------------------------------------------------


def test_secrets_never_appear_in_logs_errors_or_repr_when_requests_fail(
    xs: XSandbox, xc: XConnector, caplog: pytest.LogCaptureFixture, now: datetime
) -> None:
    caplog.set_level(logging.DEBUG)  # the root at DEBUG, as a developer debugging a poll would set it
    reply = xs.add_tweet(
        PARENT_A, f"@{HANDLE} Private words from Parent Zed", created_at=now - timedelta(hours=1)
    )
    xs.fail_next(2, status=500)
    xc.fetch(None)
    xs.expire_token(TOKEN)

    texts = failure_texts(
        caplog, xc, (lambda: xc.fetch(None), lambda: xc.hide(reply), lambda: xc.reply(reply, "Thanks"))
    )
    for text in texts:
        assert TOKEN not in text
        assert "Private words" not in text and "Parent Zed" not in text
    assert "retrying" in caplog.text  # the retries were logged, just without secrets
    assert not [r for r in caplog.records if r.name == "tweepy.client" and r.levelno < logging.INFO]


def test_tweepy_debug_lines_stay_out_when_someone_lowers_its_logger_to_debug(
    xs: XSandbox, xc: XConnector, caplog: pytest.LogCaptureFixture, now: datetime
) -> None:
    caplog.set_level(logging.DEBUG, logger="tweepy.client")
    mentions(xs, 1, now - timedelta(hours=1))

    xc.fetch(None)

    assert TOKEN not in caplog.text and "Making API request" not in caplog.text


# -- actions -------------------------------------------------------------------------------------------------


@pytest.fixture
def thread(xs: XSandbox, now: datetime) -> tuple[str, str]:
    """The school's post and a parent's reply to it."""
    root = xs.add_tweet(SCHOOL, "Nativity tickets are on sale", created_at=now - timedelta(hours=5))
    reply = xs.add_tweet(
        PARENT_A, "Only two per family?? Ridiculous", reply_to=root, created_at=now - timedelta(hours=4)
    )
    return root, reply


def test_hide_hides_the_reply_when_it_is_in_the_schools_conversation(
    xs: XSandbox, xc: XConnector, thread: tuple[str, str]
) -> None:
    _, reply = thread

    xc.hide(reply)
    xc.hide(reply)  # already hidden: X answers success again

    assert xs.tweet(reply).is_hidden
    assert [r.method for r in xs.requests if r.path.endswith("/hidden")] == ["PUT", "PUT"]


def test_hide_finds_the_conversation_owner_when_the_reply_is_deep_in_the_schools_thread(
    xs: XSandbox, xc: XConnector, thread: tuple[str, str], now: datetime
) -> None:
    _, reply = thread
    deeper = xs.add_tweet(PARENT_B, "Agreed, shambles", reply_to=reply, created_at=now - timedelta(hours=3))

    xc.hide(deeper)

    assert xs.tweet(deeper).is_hidden


def test_unhide_makes_the_reply_visible_when_it_was_hidden(
    xs: XSandbox, xc: XConnector, thread: tuple[str, str]
) -> None:
    _, reply = thread
    xc.hide(reply)

    xc.unhide(reply)

    assert not xs.tweet(reply).is_hidden


@pytest.mark.parametrize("where", ["a plain mention", "a reply in someone else's conversation"])
def test_hide_raises_action_refused_without_asking_x_when_the_post_is_not_in_the_schools_conversation(
    xs: XSandbox, xc: XConnector, now: datetime, where: str
) -> None:
    if where == "a plain mention":
        target = xs.add_tweet(PARENT_A, f"@{HANDLE} rubbish school", created_at=now - timedelta(hours=1))
    else:
        theirs = xs.add_tweet(OTHER, "Our announcement", created_at=now - timedelta(hours=2))
        target = xs.add_tweet(
            PARENT_A, f"@{HANDLE} rubbish school", reply_to=theirs, created_at=now - timedelta(hours=1)
        )

    with pytest.raises(
        ActionRefusedError, match="only lets an account hide replies in conversations it started"
    ) as caught:
        xc.hide(target)

    assert "mute" in str(caught.value)
    assert not xs.tweet(target).is_hidden
    assert not [r for r in xs.requests if r.method == "PUT"]


def test_hide_raises_action_refused_when_x_refuses_a_reply_whose_conversation_start_is_gone(
    xs: XSandbox, xc: XConnector, now: datetime
) -> None:
    theirs = xs.add_tweet(OTHER, "Our announcement", created_at=now - timedelta(hours=2))
    target = xs.add_tweet(PARENT_A, "rubbish", reply_to=theirs, created_at=now - timedelta(hours=1))
    xs.delete_tweet(theirs)

    with pytest.raises(ActionRefusedError) as caught:
        xc.hide(target)

    assert caught.value.code == 403  # our check could not tell, so X decided (and said no)


def test_hide_raises_not_found_when_the_post_is_deleted(
    xs: XSandbox, xc: XConnector, thread: tuple[str, str]
) -> None:
    _, reply = thread
    xs.delete_tweet(reply)

    with pytest.raises(NotFoundError):
        xc.hide(reply)


def test_delete_raises_unsupported_with_what_to_do_instead_when_called(
    xs: XSandbox, xc: XConnector, thread: tuple[str, str]
) -> None:
    _, reply = thread

    with pytest.raises(UnsupportedActionError) as caught:
        xc.delete(reply)

    assert caught.value.action == "delete"
    assert (
        caught.value.reason == "X only lets an account delete its own posts; hide the reply or report it on X"
    )
    assert xs.requests == ()


def test_ban_mutes_the_author_when_banning(xs: XSandbox, xc: XConnector) -> None:
    xc.ban(PARENT_A)
    xc.ban(PARENT_A)

    assert xs.muted(SCHOOL) == {PARENT_A}
    assert not [r for r in xs.requests if "blocking" in r.path]


def test_ban_raises_action_refused_when_asked_to_mute_the_school_itself(xc: XConnector) -> None:
    with pytest.raises(ActionRefusedError):
        xc.ban(SCHOOL)


def test_reply_posts_as_the_school_and_returns_the_new_id_when_replying_to_a_mention(
    xs: XSandbox, xc: XConnector, now: datetime
) -> None:
    mention = xs.add_tweet(PARENT_A, f"@{HANDLE} when is the fair?", created_at=now - timedelta(hours=1))

    new_id = xc.reply(mention, "Friday at 2pm, see you there!")

    created = xs.tweet(new_id)
    assert created.author_id == SCHOOL and created.in_reply_to_tweet_id == mention
    assert created.text == "Friday at 2pm, see you there!"


def test_reply_is_not_retried_when_the_server_fails_after_it_may_have_posted(
    xs: XSandbox, xc: XConnector, sleeps: list[float], now: datetime
) -> None:
    mention = xs.add_tweet(PARENT_A, f"@{HANDLE} when is the fair?", created_at=now - timedelta(hours=1))
    xs.fail_next(1, status=503)

    with pytest.raises(RetryableError):
        xc.reply(mention, "Friday")

    assert sleeps == [] and xs.replies_to(mention) == ()


def test_reply_is_retried_when_x_refused_it_with_a_rate_limit(
    xs: XSandbox, xc: XConnector, sleeps: list[float], now: datetime
) -> None:
    mention = xs.add_tweet(PARENT_A, f"@{HANDLE} when is the fair?", created_at=now - timedelta(hours=1))
    xs.rate_limit(times=1, reset_in=20)

    new_id = xc.reply(mention, "Friday")

    assert len(sleeps) == 1 and sleeps[0] >= 20 and xs.replies_to(mention) == (new_id,)


def test_reply_raises_action_refused_when_the_author_never_engaged_with_the_school(
    xs: XSandbox, xc: XConnector, now: datetime
) -> None:
    stranger = xs.add_tweet(
        PARENT_B, "Test Primary parents are the worst", created_at=now - timedelta(hours=1)
    )

    with pytest.raises(ActionRefusedError, match="mentioned or engaged"):
        xc.reply(stranger, "Please contact the office")


# -- registry, factory and demo ------------------------------------------------------------------------------


def test_registry_maps_x_to_the_connector_with_its_capabilities(xc: XConnector) -> None:
    assert CONNECTORS["x"] is XConnector
    assert isinstance(xc, Connector)
    assert xc.capabilities.as_dict() == {
        "hide": True,
        "unhide": True,
        "delete": False,
        "reply": True,
        "ban": True,
    }
    assert "conversations the school's account started" in xc.capabilities.notes["hide"]
    assert "mute" in xc.capabilities.notes["ban"] and "Enterprise" in xc.capabilities.notes["ban"]


def test_factory_builds_an_x_connector_from_the_account_config(
    sandbox: Sandbox, xs: XSandbox, clock: ManualClock
) -> None:
    from bot.config import SecretStore, parse_config
    from bot.schools import build_connector

    settings = parse_config(
        {
            "schools": [
                {
                    "slug": "test-primary",
                    "name": "Test Primary School",
                    "aliases": ["TPS"],
                    "nation": "ENG",
                    "accounts": [
                        {
                            "platform": "x",
                            "external_id": SCHOOL,
                            "token_env": "X_TOKEN",
                            "handle": "@TestPrimary",
                            "api_base_url": sandbox.url,
                            "search_terms": ["Test Primary"],
                        }
                    ],
                }
            ]
        }
    )
    school = settings.schools[0]
    connector = build_connector(
        school.accounts[0], school, SecretStore({"X_TOKEN": TOKEN}, dotenv_path=None), clock=clock
    )

    assert isinstance(connector, XConnector)
    assert connector.query == '("Test Primary" OR TPS OR @TestPrimary) -from:TestPrimary -is:retweet'
    assert connector.fetch(None).has_more  # mentions first, then the search


def test_seed_demo_x_creates_the_brookfield_vale_account_with_realistic_mentions(
    sandbox: Sandbox, http: HttpClient, clock: ManualClock, drain: DrainFn, now: datetime
) -> None:
    seed = seed_demo_x(sandbox, now=now)
    connector = XConnector(
        user_id=seed.user_id,
        token=Secret(seed.token),
        http=http,
        base_url=sandbox.url,
        handle=seed.username,
        search_terms=("Brookfield Vale Primary School", "Brookfield Vale", "BVPS"),
        clock=clock,
    )

    items = {i.external_id: i for i in drain(connector, None)[0]}

    keys = {"abusive_reply", "complaint", "pupil_named", "press_question", "search_only"}
    assert {seed.tweet_ids[k] for k in keys} <= set(items)
    assert items[seed.tweet_ids["abusive_reply"]].kind is ItemKind.REPLY
    assert items[seed.tweet_ids["abusive_reply"]].can_hide is True
    assert items[seed.tweet_ids["complaint"]].can_hide is False
    connector.hide(seed.tweet_ids["abusive_reply"])
    assert sandbox.x.tweet(seed.tweet_ids["abusive_reply"]).is_hidden


# -- the sandbox itself, on the wire -------------------------------------------------------------------------


@pytest.fixture
def api(xs: XSandbox, sandbox: Sandbox) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=sandbox.url, headers={"Authorization": f"Bearer {TOKEN}"}) as client:
        yield client


def test_sandbox_sends_rate_limit_headers_when_answering_successes_and_errors(
    xs: XSandbox, api: httpx.Client, clock: ManualClock
) -> None:
    ok = api.get(f"/2/users/{SCHOOL}/mentions")
    bad = api.get(f"/2/users/{SCHOOL}/mentions", params={"max_results": "3"})
    xs.rate_limit(times=1, reset_in=5)
    limited = api.get(f"/2/users/{SCHOOL}/mentions")

    for response in (ok, bad, limited):
        assert {"x-rate-limit-limit", "x-rate-limit-remaining", "x-rate-limit-reset"} <= set(response.headers)
    assert ok.json() == {"meta": {"result_count": 0}}
    assert ok.headers["x-rate-limit-limit"] == "300" and ok.headers["x-rate-limit-remaining"] == "299"
    assert bad.status_code == 400 and bad.json()["type"].endswith("/invalid-request")
    assert limited.status_code == 429 and limited.headers["x-rate-limit-remaining"] == "0"
    assert int(limited.headers["x-rate-limit-reset"]) == int(clock.now.timestamp()) + 5
    assert limited.headers["content-type"] == "application/problem+json"


def test_sandbox_answers_a_missing_post_with_200_and_a_partial_error_when_looked_up(
    xs: XSandbox, api: httpx.Client
) -> None:
    response = api.get("/2/tweets/1861412367153619999")

    body = response.json()
    assert response.status_code == 200 and "data" not in body
    (error,) = body["errors"]
    assert set(error) == set(_payload("lookup_not_found")["errors"][0])  # the documented shape
    assert error["type"].endswith("/resource-not-found") and error["resource_id"] == "1861412367153619999"


def test_sandbox_refuses_blocking_as_enterprise_only_when_asked_to_block(
    xs: XSandbox, api: httpx.Client
) -> None:
    response = api.post(f"/2/users/{SCHOOL}/blocking", json={"target_user_id": PARENT_A})

    assert response.status_code == 403
    assert response.json()["type"].endswith("/client-forbidden")


def test_sandbox_validates_search_queries_when_they_are_too_long_or_unbalanced(
    xs: XSandbox, api: httpx.Client
) -> None:
    too_long = api.get("/2/tweets/search/recent", params={"query": "a" * 513})
    unbalanced = api.get("/2/tweets/search/recent", params={"query": "(a OR b"})
    only_negative = api.get("/2/tweets/search/recent", params={"query": "-is:retweet"})

    assert [r.status_code for r in (too_long, unbalanced, only_negative)] == [400, 400, 400]


def test_sandbox_renders_every_post_with_edit_history_when_listing(
    xs: XSandbox, api: httpx.Client, now: datetime
) -> None:
    mentions(xs, 3, now - timedelta(hours=1))

    body = api.get(
        f"/2/users/{SCHOOL}/mentions", params={"tweet.fields": "created_at", "max_results": "5"}
    ).json()

    assert all(
        t["edit_history_tweet_ids"] == [t["id"]] and t["created_at"].endswith("Z") for t in body["data"]
    )
    assert body["meta"]["newest_id"] == body["data"][0]["id"] and body["meta"]["result_count"] == 3
    assert "includes" not in body  # no expansions asked for


def test_sandbox_hides_only_replies_in_the_callers_own_conversation_when_asked(
    xs: XSandbox, api: httpx.Client, sandbox: Sandbox, thread: tuple[str, str]
) -> None:
    root, reply = thread

    as_school = api.put(f"/2/tweets/{reply}/hidden", json={"hidden": True})
    on_root = api.put(f"/2/tweets/{root}/hidden", json={"hidden": True})
    with httpx.Client(base_url=sandbox.url, headers={"Authorization": "Bearer other-org-token"}) as other:
        as_other = other.put(f"/2/tweets/{reply}/hidden", json={"hidden": False})

    assert as_school.status_code == 200 and as_school.json() == {"data": {"hidden": True}}
    assert on_root.status_code == 403 and as_other.status_code == 403
    assert xs.tweet(reply).is_hidden


# -- OAuth 1.0a user context -----------------------------------------------------------------------------------

CONSUMER_KEY = "test-consumer-key-4b1e"
CONSUMER_SECRET = "test-consumer-secret/+=&9a"  # characters that must be percent-encoded in the signing key
ACCESS_TOKEN = f"{SCHOOL}-test-access-token-77d0"
ACCESS_SECRET = "test-access-secret ~!c3"
OAUTH1_SECRETS = (CONSUMER_KEY, CONSUMER_SECRET, ACCESS_TOKEN, ACCESS_SECRET)


def oauth1_keys(**overrides: str) -> XOAuth1Credentials:
    values = {
        "consumer_key": CONSUMER_KEY,
        "consumer_secret": CONSUMER_SECRET,
        "access_token": ACCESS_TOKEN,
        "access_token_secret": ACCESS_SECRET,
        **overrides,
    }
    return XOAuth1Credentials(**{name: Secret(value) for name, value in values.items()})


@pytest.fixture
def xs1(xs: XSandbox) -> XSandbox:
    """The sandbox with the school's OAuth 1.0a keys registered as well as its OAuth 2.0 token."""
    xs.add_oauth1_credentials(
        SCHOOL,
        consumer_key=CONSUMER_KEY,
        consumer_secret=CONSUMER_SECRET,
        access_token=ACCESS_TOKEN,
        access_token_secret=ACCESS_SECRET,
    )
    return xs


@pytest.fixture
def xo(xs1: XSandbox, make_x: MakeX) -> Iterator[XConnector]:
    connector = make_x(token=None, oauth1=oauth1_keys(), search_terms=("Test Primary",))
    yield connector
    connector.close()


def test_fetch_signs_every_request_with_oauth1_when_given_the_keys(
    xs1: XSandbox, xo: XConnector, drain: DrainFn, now: datetime
) -> None:
    ids = mentions(xs1, 12, now - timedelta(hours=3))
    searched = xs1.add_tweet(PARENT_B, "Test Primary fair on Friday?", created_at=now - timedelta(hours=1))

    items, _, _ = drain(xo, None)

    assert {i.external_id for i in items} == {*ids, searched}
    assert xs1.requests and {r.auth for r in xs1.requests} == {"oauth1"}


def test_actions_work_with_oauth1_and_mute_needs_no_users_me_lookup(
    xs1: XSandbox, xo: XConnector, thread: tuple[str, str]
) -> None:
    _, reply = thread

    xo.hide(reply)
    new_id = xo.reply(reply, "Thank you, we will be in touch.")
    xo.ban(PARENT_A)

    assert xs1.tweet(reply).is_hidden and xs1.tweet(new_id).author_id == SCHOOL
    assert xs1.muted(SCHOOL) == {PARENT_A}
    # tweepy reads the school's id from the access token ("<user id>-…"), so no user read is spent on it.
    assert not [r for r in xs1.requests if r.path == "/2/users/me"]
    assert {r.auth for r in xs1.requests} == {"oauth1"}


@pytest.mark.parametrize(
    "wrong",
    [
        {"consumer_secret": "not-the-consumer-secret"},
        {"access_token_secret": "not-the-access-secret"},
        {"consumer_key": "unregistered-consumer-key"},
        {"access_token": f"{SCHOOL}-never-issued"},
    ],
)
def test_fetch_raises_auth_error_naming_the_oauth1_keys_when_one_is_wrong(
    xs1: XSandbox, make_x: MakeX, sleeps: list[float], wrong: dict[str, str]
) -> None:
    connector = make_x(token=None, oauth1=oauth1_keys(**wrong))

    with pytest.raises(AuthError, match="OAuth 1.0a keys") as caught:
        connector.fetch(None)

    assert caught.value.code == 401 and sleeps == []
    assert "reconnect the X account" in str(caught.value)


def test_fetch_raises_auth_error_at_once_when_the_oauth1_keys_are_revoked(
    xs1: XSandbox, xo: XConnector, sleeps: list[float]
) -> None:
    xo.fetch(None)
    xs1.revoke_token(ACCESS_TOKEN)

    with pytest.raises(AuthError, match="OAuth 1.0a keys"):
        xo.fetch(None)

    assert sleeps == []


def test_oauth1_secrets_never_appear_in_logs_errors_or_repr_even_at_debug(
    xs1: XSandbox, xo: XConnector, caplog: pytest.LogCaptureFixture, now: datetime
) -> None:
    caplog.set_level(logging.DEBUG)
    # Someone debugging the signing lowers these loggers too; the filters must still hold.
    for name in (
        "requests_oauthlib.oauth1_auth",
        "oauthlib.oauth1.rfc5849",
        "oauthlib.oauth1.rfc5849.signature",
    ):
        caplog.set_level(logging.DEBUG, logger=name)
    mentions(xs1, 1, now - timedelta(hours=1))
    xs1.fail_next(1, status=500)
    xo.fetch(None)
    xs1.revoke_token(ACCESS_TOKEN)
    with pytest.raises(AuthError) as caught:
        xo.fetch(None)
    status = xo.check_token()

    texts = [caplog.text, repr(xo), str(xo), repr(oauth1_keys()), str(caught.value), repr(caught.value)]
    texts.append(status.detail)
    for text in texts:
        for secret in OAUTH1_SECRETS:
            assert secret not in text
        assert "oauth_signature" not in text
    assert "retrying" in caplog.text  # logging still works, just without credentials


def test_connector_needs_exactly_one_kind_of_credentials(make_x: MakeX) -> None:
    with pytest.raises(ValueError, match="not both or neither"):
        make_x(oauth1=oauth1_keys())
    with pytest.raises(ValueError, match="not both or neither"):
        make_x(token=None)
    with pytest.raises(ValueError, match="must not be empty"):
        oauth1_keys(access_token_secret="")


def test_sandbox_checks_the_oauth1_signature_on_the_wire(xs1: XSandbox, sandbox: Sandbox) -> None:
    from connectors.sandbox.x import oauth1_signature

    path = f"/2/users/{SCHOOL}/mentions"
    query = {"max_results": "5", "tweet.fields": "created_at,author_id"}
    oauth = {
        "oauth_consumer_key": CONSUMER_KEY,
        "oauth_token": ACCESS_TOKEN,
        "oauth_signature_method": "HMAC-SHA1",
        "oauth_timestamp": "1790000000",
        "oauth_nonce": "abc123",
        "oauth_version": "1.0",
    }
    params = [*query.items(), *oauth.items()]
    good = oauth1_signature("GET", sandbox.url + path, params, CONSUMER_SECRET, ACCESS_SECRET)

    def header(signature: str | None, **changes: str) -> str:
        fields = {**oauth, **changes}
        if signature is not None:
            fields["oauth_signature"] = signature
        return "OAuth " + ", ".join(f'{k}="{quote(v, safe="")}"' for k, v in fields.items())

    with httpx.Client(base_url=sandbox.url) as raw:
        signed = raw.get(path, params=query, headers={"Authorization": header(good)})
        unsigned = raw.get(path, params=query, headers={"Authorization": header(None)})
        tampered = raw.get(
            path, params={**query, "max_results": "6"}, headers={"Authorization": header(good)}
        )
        stranger = raw.get(
            path, params=query, headers={"Authorization": header(good, oauth_consumer_key="x")}
        )
        bearer = raw.get(path, params=query, headers={"Authorization": f"Bearer {ACCESS_TOKEN}"})

    assert signed.status_code == 200, signed.text
    assert [r.status_code for r in (unsigned, tampered, stranger, bearer)] == [401, 401, 401, 401]


def test_sandbox_refuses_an_access_token_that_does_not_begin_with_its_user_id(xs: XSandbox) -> None:
    with pytest.raises(ValueError, match="begins with its account's user id"):
        xs.add_oauth1_credentials(
            SCHOOL, consumer_key="ck", consumer_secret="cs", access_token="no-prefix", access_token_secret="s"
        )


def factory_settings(sandbox: Sandbox, **account: object) -> Any:
    from bot.config import parse_config

    return parse_config(
        {
            "schools": [
                {
                    "slug": "test-primary",
                    "name": "Test Primary School",
                    "nation": "ENG",
                    "accounts": [
                        {"platform": "x", "external_id": SCHOOL, "api_base_url": sandbox.url, **account}
                    ],
                }
            ]
        }
    )


OAUTH1_ENV = {
    "x_consumer_key_env": "X_CK",
    "x_consumer_secret_env": "X_CS",
    "x_access_token_env": "X_AT",
    "x_access_token_secret_env": "X_ATS",
}
OAUTH1_VALUES = {"X_CK": CONSUMER_KEY, "X_CS": CONSUMER_SECRET, "X_AT": ACCESS_TOKEN, "X_ATS": ACCESS_SECRET}


def test_factory_builds_with_oauth1_keys_and_prefers_them_to_token_env(
    sandbox: Sandbox, xs1: XSandbox, clock: ManualClock
) -> None:
    from bot.config import SecretStore
    from bot.schools import build_connector

    settings = factory_settings(sandbox, token_env="X_TOKEN", search=False, **OAUTH1_ENV)
    school = settings.schools[0]
    secrets = SecretStore({**OAUTH1_VALUES, "X_TOKEN": TOKEN}, dotenv_path=None)
    connector = build_connector(school.accounts[0], school, secrets, clock=clock)

    assert isinstance(connector, XConnector) and "auth='oauth1'" in repr(connector)
    assert connector.check_token().valid
    assert {r.auth for r in xs1.requests} == {"oauth1"}


def test_factory_names_both_ways_to_authenticate_when_an_x_account_has_neither(sandbox: Sandbox) -> None:
    from bot.config import ConfigError, SecretStore
    from bot.schools import build_connector

    settings = factory_settings(sandbox)
    school = settings.schools[0]

    with pytest.raises(ConfigError, match="x_access_token_secret_env .*or token_env"):
        build_connector(school.accounts[0], school, SecretStore({}, dotenv_path=None))


# -- check_token -----------------------------------------------------------------------------------------------


def test_check_token_is_valid_and_warns_of_the_two_hour_expiry_with_an_oauth2_token(
    xs: XSandbox, xc: XConnector
) -> None:
    status = xc.check_token()

    assert status.valid and f"@{HANDLE}" in status.detail
    assert "two hours" in status.detail and "OAuth 1.0a" in status.detail
    assert [r.path for r in xs.requests] == ["/2/users/me"]


def test_check_token_is_valid_and_says_oauth1_keys_do_not_expire(xo: XConnector) -> None:
    status = xo.check_token()

    assert status.valid and "do not expire" in status.detail and SCHOOL in status.detail


def test_check_token_reports_an_expired_token_as_invalid_without_raising(
    xs: XSandbox, xc: XConnector, sleeps: list[float]
) -> None:
    xs.expire_token(TOKEN)

    status = xc.check_token()

    assert not status.valid and "reconnect the X account" in status.detail and sleeps == []


def test_check_token_reports_credentials_of_another_account_as_invalid(make_x: MakeX) -> None:
    status = make_x(token=Secret("other-org-token")).check_token()

    assert not status.valid
    assert "@OtherPlace" in status.detail and SCHOOL in status.detail


def test_check_token_raises_when_x_keeps_failing_because_that_says_nothing_about_the_token(
    xs: XSandbox, xc: XConnector, sleeps: list[float]
) -> None:
    xs.fail_next(10, status=503)

    with pytest.raises(RetryableError):
        xc.check_token()

    assert len(sleeps) == 3
