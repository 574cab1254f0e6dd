"""FacebookConnector against the Graph sandbox over real HTTP: paging, cursors, actions, errors and secrets."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from connectors.base import Connector, ItemKind, PlatformState, Secret
from connectors.errors import (
    ActionRefusedError,
    AuthError,
    ConnectorError,
    MalformedResponseError,
    NotFoundError,
    PermanentError,
    RateLimitedError,
    RetryableError,
)
from connectors.facebook import FacebookConnector, _parse_comment, _raise_for_status
from connectors.registry import CONNECTORS
from connectors.sandbox import FacebookSandbox, ManualClock
from tests.connectors.helpers import DrainFn, failure_texts, roundtrip

MakeConnector = Callable[..., FacebookConnector]


def add_comments(
    fb: FacebookSandbox, post_id: str, count: int, start: datetime, *, step_s: int = 1
) -> list[str]:
    return [
        fb.add_comment(
            post_id,
            f"comment number {i}",
            author_id=f"2600000{i:07d}",
            author_name=f"Parent {i}",
            created_time=start + timedelta(seconds=i * step_s),
        )
        for i in range(count)
    ]


# -- fetching ----------------------------------------------------------------------------------------------


def test_fetch_reads_every_comment_when_a_post_has_250_comments_and_pages_are_small(
    fb: FacebookSandbox, connector: FacebookConnector, drain: DrainFn, page_id: str, now: datetime
) -> None:
    post = fb.add_post(page_id, "Sports day", created_time=now - timedelta(days=2))
    ids = add_comments(fb, post, 250, now - timedelta(days=1))

    items, _, _ = drain(connector, None)

    assert [item.external_id for item in items] == ids
    comment_calls = [r for r in fb.requests if r.path.endswith(f"/{post}/comments")]
    assert len(comment_calls) == 25  # 250 comments, 10 per page, followed via paging.next to the end
    assert all(r.query["filter"] == "stream" and r.query["order"] == "chronological" for r in comment_calls)


def test_fetch_reads_one_post_per_call_when_the_page_has_several_posts(
    fb: FacebookSandbox, connector: FacebookConnector, page_id: str, now: datetime
) -> None:
    posts = [fb.add_post(page_id, f"post {n}", created_time=now - timedelta(days=3 - n)) for n in range(3)]
    for post in posts:
        add_comments(fb, post, 2, now - timedelta(hours=1))

    first = connector.fetch(None)
    second = connector.fetch(roundtrip(first.next_cursor))
    third = connector.fetch(roundtrip(second.next_cursor))

    assert [first.has_more, second.has_more, third.has_more] == [True, True, False]
    assert [{i.post_external_id for i in p.items} for p in (first, second, third)] == [{p} for p in posts]
    assert third.next_cursor["round"] is None
    assert sum(1 for r in fb.requests if r.path.endswith("/published_posts")) == 1


def test_fetch_picks_up_new_comments_without_gaps_when_resuming_from_a_saved_cursor(
    fb: FacebookSandbox,
    connector: FacebookConnector,
    drain: DrainFn,
    clock: ManualClock,
    page_id: str,
    now: datetime,
) -> None:
    post = fb.add_post(page_id, "Nativity", created_time=now - timedelta(days=1))
    old = add_comments(fb, post, 5, now - timedelta(hours=2), step_s=60)
    first, cursor, _ = drain(connector, None)

    clock.advance(minutes=30)
    new = add_comments(fb, post, 3, now + timedelta(minutes=1), step_s=60)
    reply = fb.add_comment(
        old[0],
        "a late reply",
        author_id="26000000000999",
        author_name="Parent",
        created_time=now + timedelta(minutes=10),
    )
    second, _, _ = drain(connector, roundtrip(cursor))

    assert [i.external_id for i in first] == old
    delivered = {i.external_id for i in first} | {i.external_id for i in second}
    assert delivered == set(old) | set(new) | {reply}
    # Only the item at the watermark is delivered again; older ones are not re-read into the batch.
    assert [i.external_id for i in second] == [old[-1], *new, reply]


def test_fetch_redelivers_the_same_items_without_error_when_a_cursor_is_used_twice(
    fb: FacebookSandbox, connector: FacebookConnector, page_id: str, now: datetime
) -> None:
    posts = [fb.add_post(page_id, f"post {n}", created_time=now - timedelta(days=2 - n)) for n in range(2)]
    for post in posts:
        add_comments(fb, post, 4, now - timedelta(hours=1))
    cursor = roundtrip(connector.fetch(None).next_cursor)

    once = connector.fetch(cursor)
    twice = connector.fetch(cursor)  # the bot crashed before saving: same cursor again

    assert [i.external_id for i in once.items] == [i.external_id for i in twice.items]
    assert len(once.items) == 4 and once.next_cursor == twice.next_cursor


def test_fetch_keeps_the_watermark_at_the_poll_start_when_a_comment_is_stamped_later(
    fb: FacebookSandbox,
    connector: FacebookConnector,
    drain: DrainFn,
    clock: ManualClock,
    page_id: str,
    now: datetime,
) -> None:
    post = fb.add_post(page_id, "Fair", created_time=now - timedelta(days=1))
    fb.add_comment(
        post,
        "before the poll",
        author_id="26000000000001",
        author_name="A",
        created_time=now - timedelta(minutes=5),
    )
    # Clock skew: Facebook's timestamp is later than our "now".
    late = fb.add_comment(
        post,
        "stamped in the future",
        author_id="26000000000002",
        author_name="B",
        created_time=now + timedelta(minutes=5),
    )

    items, cursor, _ = drain(connector, None)
    clock.advance(minutes=1)
    again, _, _ = drain(connector, roundtrip(cursor))

    assert late in {i.external_id for i in items}
    assert datetime.fromisoformat(cursor["watermarks"][post]) == now
    assert [i.external_id for i in again] == [late]


def test_fetch_continues_the_same_poll_when_restarted_from_a_mid_poll_cursor(
    fb: FacebookSandbox, make_connector: MakeConnector, clock: ManualClock, page_id: str, now: datetime
) -> None:
    posts = [fb.add_post(page_id, f"post {n}", created_time=now - timedelta(days=2 - n)) for n in range(2)]
    for post in posts:
        add_comments(fb, post, 3, now - timedelta(hours=1))
    first = make_connector().fetch(None)

    clock.advance(hours=6)  # the bot crashed and came back later with a fresh connector
    second = make_connector().fetch(roundtrip(first.next_cursor))

    assert first.has_more and not second.has_more
    assert {i.post_external_id for i in second.items} == {posts[1]}
    assert first.next_cursor["round"]["started_at"] == now.isoformat()
    assert datetime.fromisoformat(second.next_cursor["watermarks"][posts[1]]) <= now


def test_fetch_ignores_posts_when_they_are_older_than_the_lookback(
    fb: FacebookSandbox, make_connector: MakeConnector, drain: DrainFn, page_id: str, now: datetime
) -> None:
    old_post = fb.add_post(page_id, "Last term", created_time=now - timedelta(days=40))
    fb.add_comment(
        old_post,
        "on an old post",
        author_id="26000000000003",
        author_name="C",
        created_time=now - timedelta(hours=1),
    )
    new_post = fb.add_post(page_id, "This week", created_time=now - timedelta(days=1))
    fresh = fb.add_comment(
        new_post,
        "on a new post",
        author_id="26000000000004",
        author_name="D",
        created_time=now - timedelta(hours=1),
    )

    items, cursor, _ = drain(make_connector(lookback_days=30), None)

    assert [i.external_id for i in items] == [fresh]
    assert set(cursor["watermarks"]) == {new_post}


def test_fetch_parses_kinds_authors_and_state_when_comments_vary(
    fb: FacebookSandbox, connector: FacebookConnector, drain: DrainFn, page_id: str, now: datetime
) -> None:
    post = fb.add_post(page_id, "Trip", created_time=now - timedelta(days=1))
    t = now - timedelta(hours=3)
    top = fb.add_comment(post, "top", author_id="26000000000010", author_name="Parent A", created_time=t)
    reply = fb.add_comment(
        top,
        "reply",
        author_id="26000000000011",
        author_name="Parent B",
        created_time=t + timedelta(minutes=1),
    )
    nested = fb.add_comment(
        reply,
        "reply to reply",
        author_id="26000000000010",
        author_name="Parent A",
        created_time=t + timedelta(minutes=2),
    )
    anonymous = fb.add_comment(post, "no author", created_time=t + timedelta(minutes=3))
    by_page = fb.add_comment(post, "from the school", by_page=True, created_time=t + timedelta(minutes=4))
    connector.hide(top)

    items = {i.external_id: i for i in drain(connector, None)[0]}

    assert items[top].kind is ItemKind.COMMENT and items[top].parent_external_id == post
    assert items[top].platform_state is PlatformState.HIDDEN
    assert items[top].author.external_id == "26000000000010" and items[top].author.display_name == "Parent A"
    assert items[reply].kind is ItemKind.REPLY and items[reply].parent_external_id == top
    assert items[nested].kind is ItemKind.REPLY and items[nested].parent_external_id == top
    assert items[anonymous].author.external_id is None and items[anonymous].author.display_name is None
    assert items[by_page].can_hide is False and items[by_page].author.external_id == page_id
    assert all(i.post_external_id == post and i.account_external_id == page_id for i in items.values())
    assert (
        items[reply].created_at == (t + timedelta(minutes=1)) and items[reply].created_at.tzinfo is not None
    )
    assert "reply_comment_id=" in (items[reply].permalink or "")
    assert items[anonymous].can_delete is True and items[anonymous].can_reply is True


def test_fetch_returns_nothing_when_the_token_is_a_user_token(
    fb: FacebookSandbox, make_connector: MakeConnector, drain: DrainFn, page_id: str, now: datetime
) -> None:
    post = fb.add_post(page_id, "Hello", created_time=now - timedelta(days=1))
    add_comments(fb, post, 3, now - timedelta(hours=1))
    fb.add_user_token("user-token-not-a-page-token")

    items, _, _ = drain(make_connector(token=Secret("user-token-not-a-page-token")), None)

    assert items == []


def test_fetch_sends_the_token_only_in_the_authorization_header_when_reading(
    fb: FacebookSandbox, connector: FacebookConnector, drain: DrainFn, page_id: str, now: datetime
) -> None:
    post = fb.add_post(page_id, "Hello", created_time=now - timedelta(days=1))
    add_comments(fb, post, 25, now - timedelta(hours=1))

    drain(connector, None)

    assert fb.requests and all(r.auth == "header" for r in fb.requests)


def test_fetch_sends_appsecret_proof_on_every_page_when_an_app_secret_is_configured(
    fb: FacebookSandbox, make_connector: MakeConnector, drain: DrainFn, page_id: str, now: datetime
) -> None:
    fb.require_appsecret_proof("app-secret-3b1d")
    post = fb.add_post(page_id, "Hello", created_time=now - timedelta(days=1))
    ids = add_comments(fb, post, 35, now - timedelta(hours=1))

    items, _, _ = drain(make_connector(app_secret=Secret("app-secret-3b1d")), None)

    assert [i.external_id for i in items] == ids
    assert all(r.has_appsecret_proof for r in fb.requests)


def test_fetch_raises_permanent_error_when_the_app_requires_a_proof_and_none_is_sent(
    fb: FacebookSandbox, connector: FacebookConnector, sleeps: list[float]
) -> None:
    fb.require_appsecret_proof("app-secret-3b1d")

    with pytest.raises(PermanentError) as caught:
        connector.fetch(None)

    assert caught.value.code == 100 and sleeps == []


@pytest.mark.parametrize(
    "cursor",
    [
        {"no": "version"},
        {"v": 99, "watermarks": {}},
        {"v": "1", "watermarks": {}},
        {"v": 1, "watermarks": "not an object"},
        {"v": 1, "watermarks": {"1_2": "yesterday"}},
        {"v": 1, "watermarks": {"1_2": "2026-11-20T08:00:00"}},
        {"v": 1, "watermarks": {}, "round": {"started_at": "2026-11-20T08:00:00+00:00", "pending": [3]}},
    ],
)
def test_fetch_rejects_the_cursor_clearly_when_it_is_garbage(
    fb: FacebookSandbox, connector: FacebookConnector, cursor: dict[str, Any]
) -> None:
    with pytest.raises(PermanentError, match="cursor is not valid"):
        connector.fetch(cursor)
    assert fb.requests == ()


# -- errors on the wire ------------------------------------------------------------------------------------


@pytest.mark.parametrize("code", [4, 17, 32, 613, 80001])
def test_fetch_waits_at_least_the_hinted_time_then_succeeds_when_rate_limited(
    fb: FacebookSandbox,
    connector: FacebookConnector,
    sleeps: list[float],
    page_id: str,
    now: datetime,
    code: int,
) -> None:
    post = fb.add_post(page_id, "Hello", created_time=now - timedelta(days=1))
    add_comments(fb, post, 3, now - timedelta(hours=1))
    fb.rate_limit(code=code, minutes=2, times=1)

    page = connector.fetch(None)

    assert len(page.items) == 3
    assert len(sleeps) == 1 and sleeps[0] >= 120  # estimated_time_to_regain_access is in minutes


def test_fetch_honours_retry_after_then_succeeds_when_the_server_answers_429(
    fb: FacebookSandbox, connector: FacebookConnector, sleeps: list[float], page_id: str, now: datetime
) -> None:
    post = fb.add_post(page_id, "Hello", created_time=now - timedelta(days=1))
    add_comments(fb, post, 1, now - timedelta(hours=1))
    fb.fail_next(1, status=429, retry_after=7)

    page = connector.fetch(None)

    assert len(page.items) == 1
    assert len(sleeps) == 1 and sleeps[0] >= 7


def test_fetch_raises_rate_limited_without_sleeping_when_the_wait_exceeds_max_wait(
    fb: FacebookSandbox, connector: FacebookConnector, sleeps: list[float]
) -> None:
    fb.rate_limit(code=80001, minutes=30)

    with pytest.raises(RateLimitedError) as caught:
        connector.fetch(None)

    assert caught.value.retry_after == 1800 and caught.value.code == 80001
    assert sleeps == []


def test_fetch_retries_then_succeeds_when_the_server_fails_twice(
    fb: FacebookSandbox, connector: FacebookConnector, sleeps: list[float], page_id: str, now: datetime
) -> None:
    post = fb.add_post(page_id, "Hello", created_time=now - timedelta(days=1))
    add_comments(fb, post, 2, now - timedelta(hours=1))
    fb.fail_next(2, status=500)

    page = connector.fetch(None)

    assert len(page.items) == 2 and len(sleeps) == 2


def test_fetch_raises_retryable_after_max_attempts_when_the_server_keeps_failing(
    fb: FacebookSandbox, connector: FacebookConnector, sleeps: list[float]
) -> None:
    fb.fail_next(10, status=503)

    with pytest.raises(RetryableError) as caught:
        connector.fetch(None)

    assert not isinstance(caught.value, RateLimitedError)
    assert caught.value.code == 2
    assert len(fb.requests) == 4 and len(sleeps) == 3


def test_fetch_raises_auth_error_at_once_when_the_token_has_expired(
    fb: FacebookSandbox, connector: FacebookConnector, sleeps: list[float], page_token: str
) -> None:
    fb.expire_token(page_token)

    with pytest.raises(AuthError, match="expired") as caught:
        connector.fetch(None)

    assert caught.value.code == 190
    assert len(fb.requests) == 1 and sleeps == []


def test_fetch_raises_auth_error_when_the_token_is_unknown(
    fb: FacebookSandbox, make_connector: MakeConnector, sleeps: list[float]
) -> None:
    with pytest.raises(AuthError):
        make_connector(token=Secret("never-issued")).fetch(None)
    assert sleeps == []


def test_fetch_raises_malformed_when_the_body_is_not_json(
    fb: FacebookSandbox, connector: FacebookConnector, sleeps: list[float]
) -> None:
    fb.respond_malformed(mode="invalid_json")

    with pytest.raises(MalformedResponseError, match="not JSON"):
        connector.fetch(None)
    assert sleeps == []


@pytest.mark.parametrize("field", ["id", "created_time"])
def test_fetch_raises_malformed_naming_the_field_when_a_comment_lacks_it(
    fb: FacebookSandbox, connector: FacebookConnector, page_id: str, now: datetime, field: str
) -> None:
    post = fb.add_post(page_id, "Hello", created_time=now - timedelta(days=1))
    add_comments(fb, post, 2, now - timedelta(hours=1))
    # Start mid-poll so the first response is the comments list.
    cursor = {"v": 1, "watermarks": {}, "round": {"started_at": now.isoformat(), "pending": [post]}}
    fb.respond_malformed(mode="missing_fields", drop=(field,))

    with pytest.raises(MalformedResponseError, match=f"'{field}'") as caught:
        connector.fetch(cursor)

    assert caught.value.code == field


def test_secrets_never_appear_in_logs_errors_or_repr_when_requests_fail(
    fb: FacebookSandbox,
    make_connector: MakeConnector,
    caplog: pytest.LogCaptureFixture,
    page_id: str,
    page_token: str,
    now: datetime,
) -> None:
    caplog.set_level(logging.DEBUG)
    fb.require_appsecret_proof("app-secret-3b1d")
    connector = make_connector(app_secret=Secret("app-secret-3b1d"))
    post = fb.add_post(page_id, "Hello", created_time=now - timedelta(days=1))
    comment = fb.add_comment(
        post,
        "Private words from Parent Z",
        author_id="26000000000042",
        author_name="Parent Zed",
        created_time=now - timedelta(hours=1),
    )
    fb.fail_next(2, status=500)
    connector.fetch(None)
    fb.expire_token(page_token)

    texts = failure_texts(caplog, connector, (lambda: connector.fetch(None), lambda: connector.hide(comment)))
    for text in texts:
        assert page_token not in text
        assert "app-secret-3b1d" not in text
        assert "Private words" not in text and "Parent Zed" not in text
    assert "retrying" in caplog.text  # the retries were logged, just without secrets


# -- actions -------------------------------------------------------------------------------------------------


@pytest.fixture
def post_with_comment(fb: FacebookSandbox, page_id: str, now: datetime) -> tuple[str, str]:
    post = fb.add_post(page_id, "Hello", created_time=now - timedelta(days=1))
    comment = fb.add_comment(
        post,
        "a comment",
        author_id="26000000000050",
        author_name="Parent E",
        created_time=now - timedelta(hours=1),
    )
    return post, comment


def test_hide_hides_the_comment_in_the_sandbox_when_allowed(
    fb: FacebookSandbox, connector: FacebookConnector, post_with_comment: tuple[str, str]
) -> None:
    _, comment = post_with_comment

    connector.hide(comment)

    assert fb.comment(comment).is_hidden


def test_hide_succeeds_without_posting_when_the_comment_is_already_hidden(
    fb: FacebookSandbox, connector: FacebookConnector, post_with_comment: tuple[str, str]
) -> None:
    _, comment = post_with_comment
    connector.hide(comment)
    fb.clear_requests()

    connector.hide(comment)

    assert fb.comment(comment).is_hidden
    assert [r.method for r in fb.requests] == ["GET"]


def test_unhide_makes_the_comment_visible_when_it_was_hidden(
    fb: FacebookSandbox, connector: FacebookConnector, post_with_comment: tuple[str, str]
) -> None:
    _, comment = post_with_comment
    connector.hide(comment)

    connector.unhide(comment)

    assert not fb.comment(comment).is_hidden


def test_hide_raises_action_refused_with_a_clear_message_when_the_comment_is_by_the_page(
    fb: FacebookSandbox, connector: FacebookConnector, post_with_comment: tuple[str, str]
) -> None:
    post, _ = post_with_comment
    ours = fb.add_comment(post, "school reply", by_page=True)

    with pytest.raises(ActionRefusedError, match="Facebook does not allow hiding this comment") as caught:
        connector.hide(ours)

    assert "by the Page" in str(caught.value)
    assert not fb.comment(ours).is_hidden
    assert [r.method for r in fb.requests] == ["GET"]


def test_hide_raises_not_found_when_the_comment_does_not_exist(
    fb: FacebookSandbox, connector: FacebookConnector, post_with_comment: tuple[str, str]
) -> None:
    with pytest.raises(NotFoundError):
        connector.hide("122150000000000001_999")


def test_delete_removes_the_comment_and_its_replies_when_allowed(
    fb: FacebookSandbox,
    connector: FacebookConnector,
    drain: DrainFn,
    post_with_comment: tuple[str, str],
    now: datetime,
) -> None:
    _, comment = post_with_comment
    reply = fb.add_comment(
        comment,
        "a reply",
        author_id="26000000000051",
        author_name="Parent F",
        created_time=now - timedelta(minutes=30),
    )

    connector.delete(comment)

    assert fb.comment(comment).is_deleted and fb.comment(reply).is_deleted
    assert drain(connector, None)[0] == []


def test_delete_raises_not_found_when_the_comment_is_already_deleted(
    fb: FacebookSandbox, connector: FacebookConnector, post_with_comment: tuple[str, str]
) -> None:
    _, comment = post_with_comment
    connector.delete(comment)

    with pytest.raises(NotFoundError):
        connector.delete(comment)


def test_delete_raises_action_refused_when_facebook_says_it_cannot_be_removed(
    fb: FacebookSandbox, connector: FacebookConnector, post_with_comment: tuple[str, str], now: datetime
) -> None:
    post, _ = post_with_comment
    stuck = fb.add_comment(
        post,
        "stuck",
        author_id="26000000000052",
        author_name="G",
        created_time=now - timedelta(minutes=5),
        can_remove=False,
    )

    with pytest.raises(ActionRefusedError, match="does not allow the Page to delete"):
        connector.delete(stuck)
    assert not fb.comment(stuck).is_deleted


def test_reply_posts_as_the_page_and_returns_the_new_id_when_replying_to_a_comment(
    fb: FacebookSandbox, connector: FacebookConnector, post_with_comment: tuple[str, str]
) -> None:
    _, comment = post_with_comment

    new_id = connector.reply(comment, "Thank you, please contact the school office.")

    created = fb.comment(new_id)
    assert created.by_page and created.parent_id == comment
    assert created.message == "Thank you, please contact the school office."
    assert fb.comment(comment).replies == (new_id,)


def test_reply_is_not_retried_when_the_server_fails_after_it_may_have_posted(
    fb: FacebookSandbox, connector: FacebookConnector, post_with_comment: tuple[str, str], sleeps: list[float]
) -> None:
    _, comment = post_with_comment
    fb.fail_next(1, status=500)

    with pytest.raises(RetryableError):
        connector.reply(comment, "Thank you")

    # A 5xx could come after Facebook already posted: a retry risks two public replies from the school.
    assert sleeps == []
    assert fb.comment(comment).replies == ()


def test_reply_is_retried_when_the_platform_refused_it_with_a_rate_limit(
    fb: FacebookSandbox, connector: FacebookConnector, post_with_comment: tuple[str, str], sleeps: list[float]
) -> None:
    _, comment = post_with_comment
    fb.rate_limit(code=613, minutes=1, times=1)

    new_id = connector.reply(comment, "Thank you")

    assert len(sleeps) == 1 and sleeps[0] >= 60
    assert fb.comment(comment).replies == (new_id,)


def test_reply_lands_on_the_top_level_comment_when_replying_to_a_reply(
    fb: FacebookSandbox, connector: FacebookConnector, post_with_comment: tuple[str, str], now: datetime
) -> None:
    _, comment = post_with_comment
    reply = fb.add_comment(
        comment,
        "a reply",
        author_id="26000000000053",
        author_name="H",
        created_time=now - timedelta(minutes=5),
    )

    new_id = connector.reply(reply, "Thanks")

    assert fb.comment(new_id).parent_id == comment


def test_ban_blocks_the_author_from_the_page_when_banning(
    fb: FacebookSandbox, connector: FacebookConnector, post_with_comment: tuple[str, str], page_id: str
) -> None:
    connector.ban("26000000000050")

    assert fb.blocked(page_id) == {"26000000000050"}


def test_actions_raise_auth_error_when_using_a_user_token(
    fb: FacebookSandbox, make_connector: MakeConnector, post_with_comment: tuple[str, str]
) -> None:
    fb.add_user_token("user-token-not-a-page-token")
    connector = make_connector(token=Secret("user-token-not-a-page-token"))

    with pytest.raises(AuthError):
        connector.ban("26000000000050")


# -- the contract and the error table ------------------------------------------------------------------------


def test_registry_maps_facebook_to_the_connector_when_looked_up(connector: FacebookConnector) -> None:
    assert CONNECTORS["facebook"] is FacebookConnector
    assert isinstance(connector, Connector)
    assert connector.capabilities.as_dict() == {
        "hide": True,
        "unhide": True,
        "delete": True,
        "reply": True,
        "ban": True,
    }


def _graph_response(
    status: int,
    error: dict[str, Any] | None = None,
    *,
    headers: dict[str, str] | None = None,
    text: str | None = None,
) -> httpx.Response:
    request = httpx.Request("GET", "https://graph.facebook.com/v25.0/1_2/comments?access_token=SECRET-TOKEN")
    if text is not None:
        return httpx.Response(status, text=text, headers=headers, request=request)
    return httpx.Response(status, json={"error": error or {}}, headers=headers, request=request)


BUC_2_MINUTES = json.dumps(
    {"1": [{"type": "pages", "call_count": 100, "estimated_time_to_regain_access": 2}]}
)


@pytest.mark.parametrize(
    ("response", "expected", "retry_after"),
    [
        (
            _graph_response(400, {"code": 190, "error_subcode": 463, "type": "OAuthException"}),
            AuthError,
            None,
        ),
        (_graph_response(400, {"code": 190, "error_subcode": 492}), AuthError, None),
        (_graph_response(400, {"code": 104}), AuthError, None),
        (_graph_response(403, {"code": 10}), AuthError, None),
        (_graph_response(403, {"code": 200}), AuthError, None),
        (_graph_response(403, {"code": 299}), AuthError, None),
        (_graph_response(500, {"code": 190}), AuthError, None),  # the code wins over the HTTP status
        (_graph_response(400, {"code": 4}), RateLimitedError, None),
        (_graph_response(400, {"code": 17}, headers={"Retry-After": "30"}), RateLimitedError, 30.0),
        (
            _graph_response(400, {"code": 32}, headers={"X-Business-Use-Case-Usage": BUC_2_MINUTES}),
            RateLimitedError,
            120.0,
        ),
        (_graph_response(400, {"code": 613}), RateLimitedError, None),
        (_graph_response(400, {"code": 80001}), RateLimitedError, None),
        (_graph_response(400, {"code": 341}), RateLimitedError, None),
        (_graph_response(500, {"code": 1}), RetryableError, None),
        (_graph_response(503, {"code": 2}, headers={"Retry-After": "5"}), RetryableError, 5.0),
        (_graph_response(502, text="<html>Bad gateway</html>"), RetryableError, None),
        (
            _graph_response(429, text="slow down", headers={"Retry-After": "Fri, 20 Nov 2026 12:01:00 GMT"}),
            RateLimitedError,
            60.0,
        ),
        (_graph_response(400, {"code": 100, "error_subcode": 33}), NotFoundError, None),
        (_graph_response(400, {"code": 100}), PermanentError, None),
        (_graph_response(400, {"code": 368}), PermanentError, None),
        (_graph_response(400, {"code": 506}), PermanentError, None),
        (_graph_response(404, text="not found"), PermanentError, None),
    ],
)
def test_raise_for_status_sorts_graph_codes_when_a_request_fails(
    response: httpx.Response, expected: type[ConnectorError], retry_after: float | None, now: datetime
) -> None:
    with pytest.raises(expected) as caught:
        _raise_for_status(response, clock=lambda: now)

    assert type(caught.value) is expected
    assert "SECRET-TOKEN" not in str(caught.value)
    if isinstance(caught.value, RetryableError):
        assert caught.value.retry_after == retry_after


def test_raise_for_status_returns_quietly_when_the_response_succeeded(now: datetime) -> None:
    request = httpx.Request("GET", "https://graph.facebook.com/v25.0/1")
    _raise_for_status(httpx.Response(200, json={"id": "1"}, request=request), clock=lambda: now)


def test_fetch_parses_graph_times_as_utc_when_offsets_have_no_colon(
    fb: FacebookSandbox, connector: FacebookConnector, page_id: str
) -> None:
    created = datetime(2026, 11, 20, 8, 15, 2, tzinfo=UTC)
    post = fb.add_post(page_id, "Hello", created_time=created - timedelta(hours=1))
    fb.add_comment(post, "x", author_id="26000000000060", author_name="I", created_time=created)

    (item,) = connector.fetch(None).items

    assert item.created_at == created and item.created_at.utcoffset() == timedelta(0)


def test_fetch_skips_a_post_and_moves_on_when_it_was_deleted_during_the_poll(
    fb: FacebookSandbox, connector: FacebookConnector, drain: DrainFn, page_id: str, now: datetime
) -> None:
    posts = [fb.add_post(page_id, f"post {n}", created_time=now - timedelta(days=2 - n)) for n in range(2)]
    for post in posts:
        add_comments(fb, post, 2, now - timedelta(hours=1))
    first = connector.fetch(None)
    fb.delete_post(posts[1])

    rest, cursor, _ = drain(connector, roundtrip(first.next_cursor))

    assert first.has_more and rest == []
    assert set(cursor["watermarks"]) == {posts[0]} and cursor["round"] is None


# -- documented payloads (tests/connectors/payloads/facebook, shapes from Meta's docs) ----------------------------

PAYLOADS = Path(__file__).parent / "payloads" / "facebook"


def _payload(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((PAYLOADS / f"{name}.json").read_text(encoding="utf-8"))
    return loaded


def test_parse_comment_reads_the_documented_stream_shape_when_given_the_docs_example() -> None:
    post_id = "448242228374517_122131676912594941"
    top, reply, bare = (
        _parse_comment(raw, page_id="448242228374517", post_id=post_id)
        for raw in _payload("comments_stream")["data"]
    )

    assert (top.kind, top.parent_external_id) == (ItemKind.COMMENT, post_id)
    assert (reply.kind, reply.parent_external_id) == (ItemKind.REPLY, top.external_id)
    assert reply.created_at == datetime(2026, 11, 20, 8, 15, 2, tzinfo=UTC)
    assert bare.text == "" and bare.author.external_id is None and bare.platform_state is PlatformState.HIDDEN


@pytest.mark.parametrize(
    ("name", "status", "headers", "expected", "retry_after"),
    [
        ("error_expired_token", 400, {}, AuthError, None),
        (
            "error_page_rate_limit",
            400,
            {
                "X-Business-Use-Case-Usage": json.dumps(
                    {
                        "448242228374517": [
                            {"type": "pages", "call_count": 100, "estimated_time_to_regain_access": 5}
                        ]
                    }
                )
            },
            RateLimitedError,
            300.0,
        ),
    ],
)
def test_raise_for_status_sorts_documented_error_bodies_when_graph_refuses(
    name: str,
    status: int,
    headers: dict[str, str],
    expected: type[ConnectorError],
    retry_after: float | None,
    now: datetime,
) -> None:
    request = httpx.Request("GET", "https://graph.facebook.com/v25.0/448242228374517/published_posts")
    response = httpx.Response(status, json=_payload(name), headers=headers, request=request)

    with pytest.raises(expected) as caught:
        _raise_for_status(response, clock=lambda: now)

    assert "fbtrace_id" in str(caught.value)
    assert getattr(caught.value, "retry_after", None) == retry_after


# -- check_token -----------------------------------------------------------------------------------------------


def test_check_token_is_valid_when_the_page_answers_with_the_page_token(
    fb: FacebookSandbox, connector: FacebookConnector, page_id: str
) -> None:
    status = connector.check_token()

    assert status.valid and "Test Primary School" in status.detail and page_id in status.detail
    [request] = fb.requests
    assert request.path.endswith(f"/{page_id}") and request.query == {"fields": "id,name"}


@pytest.mark.parametrize(
    ("subcode", "meaning"),
    [
        (463, "the token has expired"),
        (460, "the password was changed"),
        (492, "no longer has a role on the Page"),
    ],
)
def test_check_token_reports_a_refused_page_token_as_invalid_with_the_subcodes_meaning(
    fb: FacebookSandbox,
    connector: FacebookConnector,
    page_token: str,
    sleeps: list[float],
    subcode: int,
    meaning: str,
) -> None:
    fb.expire_token(page_token, subcode=subcode)

    status = connector.check_token()

    assert not status.valid and meaning in status.detail
    assert f"subcode {subcode}" in status.detail and "reconnect the Page" in status.detail
    assert page_token not in status.detail and sleeps == []


def test_check_token_reports_an_unknown_token_as_invalid(make_connector: MakeConnector) -> None:
    status = make_connector(token=Secret("never-issued")).check_token()

    assert not status.valid and "code 190" in status.detail


def test_check_token_raises_when_graph_keeps_failing_because_that_says_nothing_about_the_token(
    fb: FacebookSandbox, connector: FacebookConnector, sleeps: list[float]
) -> None:
    fb.fail_next(10, status=503)

    with pytest.raises(RetryableError):
        connector.check_token()

    assert len(sleeps) == 3
