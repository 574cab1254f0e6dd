"""InstagramConnector against the Instagram Graph sandbox over real HTTP: paging, cursors, mentions, actions, errors."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from connectors._http import HttpClient
from connectors.base import Connector, ItemKind, PlatformState, Secret
from connectors.errors import (
    ActionRefusedError,
    AuthError,
    MalformedResponseError,
    NotFoundError,
    PermanentError,
    RateLimitedError,
    RetryableError,
    UnsupportedActionError,
)
from connectors.facebook import FacebookConnector
from connectors.instagram import InstagramConnector, _parse_comment, _raise_for_status
from connectors.registry import CONNECTORS
from connectors.sandbox import InstagramSandbox, ManualClock, Sandbox
from connectors.sandbox._graph import parse_field_spec
from connectors.sandbox.instagram import seed_demo_instagram
from tests.connectors.helpers import DrainFn, builder, failure_texts, roundtrip

IG_USER_ID = "17841400000000777"
TOKEN = "test-ig-token-9d41c2"

MakeConnector = Callable[..., InstagramConnector]


@pytest.fixture
def ig(sandbox: Sandbox) -> InstagramSandbox:
    sandbox.instagram.add_account(IG_USER_ID, "test.primary", TOKEN)
    return sandbox.instagram


@pytest.fixture
def make_ig(ig: InstagramSandbox, sandbox: Sandbox, http: HttpClient, clock: ManualClock) -> MakeConnector:
    return builder(
        InstagramConnector,
        ig_user_id=IG_USER_ID,
        token=Secret(TOKEN),
        http=http,
        base_url=sandbox.url,
        clock=clock,
        page_size=10,
    )


@pytest.fixture
def connector(make_ig: MakeConnector) -> InstagramConnector:
    return make_ig()


@pytest.fixture
def media(ig: InstagramSandbox, now: datetime) -> str:
    return ig.add_media(IG_USER_ID, "Sports day", timestamp=now - timedelta(days=1))


def add_comments(
    ig: InstagramSandbox, parent: str, count: int, start: datetime, *, step_s: int = 60
) -> list[str]:
    return [
        ig.add_comment(
            parent,
            f"comment number {i}",
            author_id=f"178414{i:011d}",
            username=f"parent.{i}",
            timestamp=start + timedelta(seconds=i * step_s),
        )
        for i in range(count)
    ]


# -- fetching ----------------------------------------------------------------------------------------------


def test_fetch_reads_every_comment_and_reply_when_pages_hold_at_most_fifty(
    ig: InstagramSandbox, make_ig: MakeConnector, drain: DrainFn, media: str, now: datetime
) -> None:
    comments = add_comments(ig, media, 120, now - timedelta(hours=5))
    replies = add_comments(ig, comments[0], 30, now - timedelta(hours=1))

    items, _, _ = drain(make_ig(page_size=500), None)

    assert [
        i.external_id for i in items
    ] == comments + replies  # oldest first, although the edge is newest first
    first = next(r for r in ig.requests if r.path.endswith(f"/{media}"))
    assert "comments.limit(50)" in first.query["fields"]  # the platform maximum, however large page_size is
    comment_pages = [r for r in ig.requests if r.path.endswith(f"/{media}/comments")]
    assert len(comment_pages) == 2 and all(r.query["limit"] == "50" for r in comment_pages)
    # The thread's replies beyond the first nested page are followed through /{comment}/replies.
    assert sum(1 for r in ig.requests if r.path.endswith(f"/{comments[0]}/replies")) == 1


def test_fetch_reads_one_media_item_per_call_when_the_account_has_several_posts(
    ig: InstagramSandbox, connector: InstagramConnector, now: datetime
) -> None:
    posts = [ig.add_media(IG_USER_ID, f"post {n}", timestamp=now - timedelta(days=3 - n)) for n in range(3)]
    for post in posts:
        add_comments(ig, post, 2, now - timedelta(hours=1))

    first = connector.fetch(None)
    second = connector.fetch(roundtrip(first.next_cursor))
    third = connector.fetch(roundtrip(second.next_cursor))

    assert [first.has_more, second.has_more, third.has_more] == [True, True, False]
    assert [{i.post_external_id for i in p.items} for p in (first, second, third)] == [{p} for p in posts]
    assert third.next_cursor["round"] is None
    assert sum(1 for r in ig.requests if r.path.endswith("/media")) == 1


def test_fetch_picks_up_new_comments_and_replies_on_old_comments_when_resuming(
    ig: InstagramSandbox,
    connector: InstagramConnector,
    drain: DrainFn,
    clock: ManualClock,
    media: str,
    now: datetime,
) -> None:
    old = add_comments(ig, media, 5, now - timedelta(hours=2))
    first, cursor, _ = drain(connector, None)

    clock.advance(minutes=30)
    new = add_comments(ig, media, 3, now + timedelta(minutes=1))
    reply = ig.add_comment(
        old[0],
        "a late reply",
        author_id="17841400000000999",
        username="late",
        timestamp=now + timedelta(minutes=10),
    )
    second, _, _ = drain(connector, roundtrip(cursor))

    assert [i.external_id for i in first] == old
    assert [i.external_id for i in second] == [old[-1], *new, reply]  # only the watermark item again


def test_fetch_redelivers_the_same_items_without_error_when_a_cursor_is_used_twice(
    ig: InstagramSandbox, connector: InstagramConnector, now: datetime
) -> None:
    posts = [ig.add_media(IG_USER_ID, f"post {n}", timestamp=now - timedelta(days=2 - n)) for n in range(2)]
    for post in posts:
        add_comments(ig, post, 4, now - timedelta(hours=1))
    cursor = roundtrip(connector.fetch(None).next_cursor)

    once = connector.fetch(cursor)
    twice = connector.fetch(cursor)

    assert [i.external_id for i in once.items] == [i.external_id for i in twice.items]
    assert len(once.items) == 4 and once.next_cursor == twice.next_cursor


def test_fetch_keeps_the_watermark_at_the_poll_start_when_a_comment_is_stamped_later(
    ig: InstagramSandbox,
    connector: InstagramConnector,
    drain: DrainFn,
    clock: ManualClock,
    media: str,
    now: datetime,
) -> None:
    ig.add_comment(media, "before", author_id="1", username="a", timestamp=now - timedelta(minutes=5))
    late = ig.add_comment(media, "future", author_id="2", username="b", timestamp=now + timedelta(minutes=5))

    items, cursor, _ = drain(connector, None)
    clock.advance(minutes=1)
    again, _, _ = drain(connector, roundtrip(cursor))

    assert late in {i.external_id for i in items}
    assert datetime.fromisoformat(cursor["watermarks"][media]) == now
    assert [i.external_id for i in again] == [late]


def test_fetch_ignores_media_and_stops_listing_when_posts_are_older_than_the_lookback(
    ig: InstagramSandbox, make_ig: MakeConnector, drain: DrainFn, now: datetime
) -> None:
    for n in range(25):
        old = ig.add_media(IG_USER_ID, f"last term {n}", timestamp=now - timedelta(days=60 - n))
    ig.add_comment(old, "on an old post", author_id="3", username="c", timestamp=now - timedelta(hours=1))
    fresh_media = ig.add_media(IG_USER_ID, "this week", timestamp=now - timedelta(days=1))
    fresh = ig.add_comment(
        fresh_media, "new", author_id="4", username="d", timestamp=now - timedelta(hours=1)
    )

    items, cursor, _ = drain(make_ig(lookback_days=30, page_size=5), None)

    assert [i.external_id for i in items] == [fresh]
    assert set(cursor["watermarks"]) == {fresh_media}
    # Newest first: the second page is already all older than the window, so the other three are never read.
    assert sum(1 for r in ig.requests if r.path.endswith("/media")) == 2


def test_fetch_parses_kinds_authors_state_and_permissions_when_comments_vary(
    ig: InstagramSandbox, connector: InstagramConnector, drain: DrainFn, media: str, now: datetime
) -> None:
    t = now - timedelta(hours=3)
    top = ig.add_comment(media, "top", author_id="178414000000010", username="parent.a", timestamp=t)
    reply = ig.add_comment(
        top, "reply", author_id="178414000000011", username="parent.b", timestamp=t + timedelta(minutes=1)
    )
    nested = ig.add_comment(
        reply,
        "reply to reply",
        author_id="178414000000010",
        username="parent.a",
        timestamp=t + timedelta(minutes=2),
    )
    anonymous = ig.add_comment(media, "no username", timestamp=t + timedelta(minutes=3))
    ours = ig.add_comment(media, "from the school", by_owner=True, timestamp=t + timedelta(minutes=4))
    connector.hide(anonymous)

    items = {i.external_id: i for i in drain(connector, None)[0]}

    assert items[top].kind is ItemKind.COMMENT and items[top].parent_external_id == media
    assert items[top].author.external_id == "178414000000010" and items[top].author.display_name == "parent.a"
    assert items[top].can_reply is True and items[top].can_hide is None
    assert items[reply].kind is ItemKind.REPLY and items[reply].parent_external_id == top
    assert items[nested].kind is ItemKind.REPLY and items[nested].parent_external_id == top
    assert items[reply].can_reply is False  # Instagram takes replies to top-level comments only
    assert items[anonymous].platform_state is PlatformState.HIDDEN and items[anonymous].can_reply is False
    assert items[anonymous].author.external_id is None and items[anonymous].author.display_name is None
    assert items[ours].author.display_name == "test.primary"
    assert all(i.post_external_id == media and i.account_external_id == IG_USER_ID for i in items.values())
    assert all((i.permalink or "").startswith("https://www.instagram.com/p/") for i in items.values())
    assert items[reply].created_at == t + timedelta(minutes=1) and items[reply].created_at.tzinfo is not None


def test_fetch_skips_media_and_moves_on_when_it_was_deleted_during_the_poll(
    ig: InstagramSandbox, connector: InstagramConnector, drain: DrainFn, now: datetime
) -> None:
    posts = [ig.add_media(IG_USER_ID, f"post {n}", timestamp=now - timedelta(days=2 - n)) for n in range(2)]
    for post in posts:
        add_comments(ig, post, 2, now - timedelta(hours=1))
    first = connector.fetch(None)
    ig.delete_media(posts[1])

    rest, cursor, _ = drain(connector, roundtrip(first.next_cursor))

    assert first.has_more and rest == []
    assert set(cursor["watermarks"]) == {posts[0]} and cursor["round"] is None


def test_fetch_sends_the_token_only_in_the_authorization_header_when_reading(
    ig: InstagramSandbox, connector: InstagramConnector, drain: DrainFn, media: str, now: datetime
) -> None:
    add_comments(ig, media, 25, now - timedelta(hours=1))

    drain(connector, None)

    assert ig.requests and all(r.auth == "header" for r in ig.requests)


def test_fetch_sends_appsecret_proof_on_every_request_when_an_app_secret_is_configured(
    ig: InstagramSandbox, make_ig: MakeConnector, drain: DrainFn, media: str, now: datetime
) -> None:
    add_comments(ig, media, 25, now - timedelta(hours=1))

    drain(make_ig(app_secret=Secret("app-secret-77")), None)

    assert ig.requests and all(r.has_appsecret_proof for r in ig.requests)


@pytest.mark.parametrize(
    "cursor",
    [
        {"no": "version"},
        {"v": 2, "watermarks": {}},
        {"v": 1, "watermarks": []},
        {"v": 1, "watermarks": {"179": "yesterday"}},
        {"v": 1, "watermarks": {}, "round": {"started_at": "2026-11-20T08:00:00", "pending": []}},
    ],
)
def test_fetch_rejects_the_cursor_clearly_when_it_is_garbage(
    ig: InstagramSandbox, connector: InstagramConnector, cursor: dict[str, Any]
) -> None:
    with pytest.raises(PermanentError, match="saved Instagram cursor is not valid"):
        connector.fetch(cursor)
    assert ig.requests == ()


# -- errors on the wire ------------------------------------------------------------------------------------


@pytest.mark.parametrize("code", [4, 17, 32, 613, 80002])
def test_fetch_waits_at_least_the_hinted_time_then_succeeds_when_rate_limited(
    ig: InstagramSandbox,
    connector: InstagramConnector,
    sleeps: list[float],
    media: str,
    now: datetime,
    code: int,
) -> None:
    add_comments(ig, media, 3, now - timedelta(hours=1))
    ig.rate_limit(code=code, minutes=2, times=1)

    page = connector.fetch(None)

    assert len(page.items) == 3
    assert len(sleeps) == 1 and sleeps[0] >= 120  # estimated_time_to_regain_access is in minutes


def test_fetch_honours_retry_after_then_succeeds_when_the_server_answers_429(
    ig: InstagramSandbox,
    connector: InstagramConnector,
    drain: DrainFn,
    sleeps: list[float],
    media: str,
    now: datetime,
) -> None:
    add_comments(ig, media, 1, now - timedelta(hours=1))
    ig.fail_next(1, status=429, retry_after=7)

    items, _, _ = drain(connector, None)

    assert len(items) == 1 and len(sleeps) == 1 and sleeps[0] >= 7


def test_fetch_raises_rate_limited_without_sleeping_when_the_wait_exceeds_max_wait(
    ig: InstagramSandbox, connector: InstagramConnector, sleeps: list[float]
) -> None:
    ig.rate_limit(code=80002, minutes=30)

    with pytest.raises(RateLimitedError) as caught:
        connector.fetch(None)

    assert caught.value.retry_after == 1800 and caught.value.code == 80002 and sleeps == []


def test_fetch_retries_then_raises_retryable_when_the_server_keeps_failing(
    ig: InstagramSandbox, connector: InstagramConnector, sleeps: list[float], media: str, now: datetime
) -> None:
    add_comments(ig, media, 2, now - timedelta(hours=1))
    ig.fail_next(2, status=500)
    assert len(connector.fetch(None).items) == 2 and len(sleeps) == 2

    ig.fail_next(10, status=503)
    with pytest.raises(RetryableError) as caught:
        connector.fetch(None)

    assert not isinstance(caught.value, RateLimitedError) and caught.value.code == 2


def test_fetch_raises_auth_error_at_once_when_the_token_has_expired(
    ig: InstagramSandbox, connector: InstagramConnector, sleeps: list[float]
) -> None:
    ig.expire_token(TOKEN)

    with pytest.raises(AuthError, match="expired.*reconnect the Instagram account") as caught:
        connector.fetch(None)

    assert caught.value.code == 190 and len(ig.requests) == 1 and sleeps == []


def test_fetch_raises_malformed_when_the_body_is_not_json(
    ig: InstagramSandbox, connector: InstagramConnector, sleeps: list[float]
) -> None:
    ig.respond_malformed(mode="invalid_json")

    with pytest.raises(MalformedResponseError, match="not JSON"):
        connector.fetch(None)
    assert sleeps == []


@pytest.mark.parametrize("field", ["id", "timestamp"])
def test_fetch_raises_malformed_naming_the_field_when_a_comment_lacks_it(
    ig: InstagramSandbox, connector: InstagramConnector, media: str, now: datetime, field: str
) -> None:
    add_comments(ig, media, 2, now - timedelta(hours=1))
    cursor = {"v": 1, "watermarks": {}, "round": {"started_at": now.isoformat(), "pending": [media]}}
    ig.respond_malformed(mode="missing_fields", drop=(field,))

    with pytest.raises(MalformedResponseError, match=f"'{field}'") as caught:
        connector.fetch(cursor)

    assert caught.value.code == field


def test_secrets_and_comment_text_never_appear_in_logs_errors_or_repr_when_requests_fail(
    ig: InstagramSandbox,
    make_ig: MakeConnector,
    caplog: pytest.LogCaptureFixture,
    media: str,
    now: datetime,
) -> None:
    caplog.set_level(logging.DEBUG)
    connector = make_ig(app_secret=Secret("app-secret-77"))
    comment = ig.add_comment(
        media,
        "Private words from Parent Z",
        author_id="17841400000000042",
        username="parent.zed",
        timestamp=now - timedelta(hours=1),
    )
    ig.fail_next(2, status=500)
    connector.fetch(None)
    ig.expire_token(TOKEN)

    texts = failure_texts(
        caplog,
        connector,
        (
            lambda: connector.fetch(None),
            lambda: connector.hide(comment),
            lambda: connector.reply(comment, "Reply text"),
        ),
    )
    for text in texts:
        assert TOKEN not in text and "app-secret-77" not in text
        assert "Private words" not in text and "parent.zed" not in text and "Reply text" not in text
    assert "retrying" in caplog.text


# -- mentions --------------------------------------------------------------------------------------------------


def test_fetch_mention_returns_a_mention_item_when_someone_mentions_the_account_in_a_comment(
    ig: InstagramSandbox, connector: InstagramConnector, now: datetime
) -> None:
    media_id, comment_id = ig.add_mention(
        IG_USER_ID,
        "@test.primary look at this",
        username="someone.else",
        timestamp=now - timedelta(minutes=5),
    )
    assert comment_id is not None

    item = connector.fetch_mention(media_id, comment_id)

    assert (item.kind, item.external_id, item.post_external_id) == (ItemKind.MENTION, comment_id, media_id)
    assert item.text == "@test.primary look at this" and item.created_at == now - timedelta(minutes=5)
    assert (item.can_hide, item.can_delete, item.can_reply) == (False, False, False)
    assert "mentioned_comment.comment_id(" in ig.requests[-1].query["fields"]


def test_fetch_mention_returns_the_caption_when_someone_mentions_the_account_in_a_post(
    ig: InstagramSandbox, connector: InstagramConnector, now: datetime
) -> None:
    media_id, comment_id = ig.add_mention(
        IG_USER_ID, "Day out with @test.primary", username="x", in_caption=True
    )

    item = connector.fetch_mention(media_id)

    assert comment_id is None
    assert (item.kind, item.external_id, item.text) == (
        ItemKind.MENTION,
        media_id,
        "Day out with @test.primary",
    )


def test_fetch_mention_raises_permanent_error_when_comments_are_off_on_that_post(
    ig: InstagramSandbox, connector: InstagramConnector
) -> None:
    media_id, comment_id = ig.add_mention(IG_USER_ID, "@test.primary", username="x")
    ig.set_comments_enabled(media_id, False)

    with pytest.raises(PermanentError):
        connector.fetch_mention(media_id, comment_id)


def test_check_token_reports_valid_when_the_token_reaches_the_account(connector: InstagramConnector) -> None:
    status = connector.check_token()
    assert status.valid and IG_USER_ID in status.detail


# -- actions -------------------------------------------------------------------------------------------------


@pytest.fixture
def comment(ig: InstagramSandbox, media: str, now: datetime) -> str:
    return ig.add_comment(
        media,
        "a comment",
        author_id="17841400000000050",
        username="parent.e",
        timestamp=now - timedelta(hours=1),
    )


def test_hide_and_unhide_change_the_comment_in_the_sandbox_and_repeat_safely(
    ig: InstagramSandbox, connector: InstagramConnector, comment: str
) -> None:
    connector.hide(comment)
    connector.hide(comment)
    assert ig.comment(comment).is_hidden

    connector.unhide(comment)
    assert not ig.comment(comment).is_hidden
    assert [(r.method, r.form.get("hide")) for r in ig.requests] == [
        ("POST", "true"),
        ("POST", "true"),
        ("POST", "false"),
    ]


def test_delete_removes_the_comment_and_its_replies_then_raises_not_found_when_repeated(
    ig: InstagramSandbox, connector: InstagramConnector, drain: DrainFn, comment: str, now: datetime
) -> None:
    reply = ig.add_comment(
        comment, "a reply", author_id="9", username="f", timestamp=now - timedelta(minutes=30)
    )

    connector.delete(comment)

    assert ig.comment(comment).is_deleted and ig.comment(reply).is_deleted
    assert drain(connector, None)[0] == []
    with pytest.raises(NotFoundError):
        connector.delete(comment)


def test_reply_posts_as_the_account_with_the_text_in_the_body_when_the_comment_is_top_level(
    ig: InstagramSandbox, connector: InstagramConnector, comment: str
) -> None:
    new_id = connector.reply(comment, "Thank you, please contact the school office.")

    created = ig.comment(new_id)
    assert created.by_owner and created.parent_id == comment and ig.comment(comment).replies == (new_id,)
    assert created.text == "Thank you, please contact the school office."
    post = ig.requests[-1]
    assert post.path.endswith(f"/{comment}/replies") and "message" not in post.query  # never in a logged URL


def test_reply_raises_action_refused_without_posting_when_the_comment_is_a_reply(
    ig: InstagramSandbox, connector: InstagramConnector, comment: str, now: datetime
) -> None:
    reply = ig.add_comment(
        comment, "a reply", author_id="9", username="f", timestamp=now - timedelta(minutes=30)
    )

    with pytest.raises(ActionRefusedError, match=f"top-level comments; reply to comment {comment}"):
        connector.reply(reply, "Thanks")

    assert [r.method for r in ig.requests] == ["GET"] and ig.comment(comment).replies == (reply,)


def test_reply_raises_action_refused_without_posting_when_the_comment_is_hidden(
    ig: InstagramSandbox, connector: InstagramConnector, comment: str
) -> None:
    connector.hide(comment)

    with pytest.raises(ActionRefusedError, match="hidden comment") as caught:
        connector.reply(comment, "Thanks")

    assert caught.value.code == "hidden" and ig.comment(comment).replies == ()


def test_reply_is_not_retried_when_the_server_fails_after_it_may_have_posted(
    ig: InstagramSandbox, connector: InstagramConnector, comment: str, sleeps: list[float]
) -> None:
    ig.fail_next(1, status=500, method="POST")

    with pytest.raises(RetryableError):
        connector.reply(comment, "Thanks")

    # A 5xx could come after Instagram already posted: a retry risks two public replies from the school.
    assert sleeps == [] and ig.comment(comment).replies == ()
    assert [r.method for r in ig.requests] == ["GET", "POST"]


def test_reply_is_retried_when_instagram_refused_it_with_a_rate_limit(
    ig: InstagramSandbox, connector: InstagramConnector, comment: str, sleeps: list[float]
) -> None:
    ig.rate_limit(code=80002, minutes=1, times=1)

    new_id = connector.reply(comment, "Thank you")

    assert len(sleeps) == 1 and sleeps[0] >= 60 and ig.comment(comment).replies == (new_id,)


def test_ban_raises_unsupported_naming_the_platform_limit_without_any_request(
    ig: InstagramSandbox, connector: InstagramConnector
) -> None:
    with pytest.raises(UnsupportedActionError) as caught:
        connector.ban("17841400000000050")

    assert caught.value.action == "ban"
    assert "Instagram's API has no block or restrict; you can only disable comments on a post" in str(
        caught.value
    )
    assert ig.requests == ()


def test_actions_raise_permission_errors_when_the_comment_belongs_to_another_account(
    ig: InstagramSandbox, connector: InstagramConnector
) -> None:
    _, foreign = ig.add_mention(IG_USER_ID, "@test.primary", username="x")
    assert foreign is not None

    with pytest.raises(AuthError):  # Graph's code 10: no permission over someone else's media
        connector.hide(foreign)


# -- registry, routing, documented payloads -------------------------------------------------------------------------


def test_registry_maps_instagram_to_the_connector_with_its_capabilities(
    connector: InstagramConnector,
) -> None:
    assert CONNECTORS["instagram"] is InstagramConnector
    assert isinstance(connector, Connector)
    assert connector.capabilities.as_dict() == {
        "hide": True,
        "unhide": True,
        "delete": True,
        "reply": True,
        "ban": False,
    }


def test_facebook_and_instagram_share_the_graph_paths_without_stealing_each_others_requests(
    ig: InstagramSandbox, sandbox: Sandbox, http: HttpClient, clock: ManualClock, media: str, now: datetime
) -> None:
    sandbox.facebook.add_page("104800000000777", "Test Primary School", "fb-page-token")
    post = sandbox.facebook.add_post("104800000000777", "Hello", created_time=now - timedelta(days=1))
    fb_comment = sandbox.facebook.add_comment(
        post, "fb", author_id="26000000000001", author_name="A", created_time=now - timedelta(hours=1)
    )
    ig_comment = ig.add_comment(media, "ig", author_id="1", username="a", timestamp=now - timedelta(hours=1))
    facebook = FacebookConnector(
        page_id="104800000000777", token=Secret("fb-page-token"), http=http, base_url=sandbox.url, clock=clock
    )
    instagram = InstagramConnector(
        ig_user_id=IG_USER_ID, token=Secret(TOKEN), http=http, base_url=sandbox.url, clock=clock
    )

    assert [i.external_id for i in facebook.fetch(None).items] == [fb_comment]
    assert [i.external_id for i in instagram.fetch(None).items] == [ig_comment]
    with pytest.raises(NotFoundError):  # an unknown id with an Instagram token stays with Instagram
        instagram.hide("17850000099999999")
    assert all("/104800000000777" not in r.path for r in ig.requests)


def test_field_spec_parser_keeps_modifiers_and_nesting_when_given_graph_syntax() -> None:
    spec = parse_field_spec(
        "id,comments.limit(50){id,replies{id,text}},mentioned_comment.comment_id(178){text}"
    )

    assert spec["comments"].modifiers == {"limit": "50"}
    assert spec["comments"].sub is not None and set(spec["comments"].sub["replies"].sub or {}) == {
        "id",
        "text",
    }
    assert spec["mentioned_comment"].modifiers == {"comment_id": "178"}


PAYLOADS = Path(__file__).parent / "payloads" / "instagram"


def _payload(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((PAYLOADS / f"{name}.json").read_text(encoding="utf-8"))
    return loaded


def test_parse_comment_reads_the_documented_shape_when_given_the_docs_example() -> None:
    body = _payload("media_comments")
    top_raw, hidden_raw = body["comments"]["data"]
    top = _parse_comment(top_raw, account_id=IG_USER_ID, media_id=body["id"], permalink=body["permalink"])
    reply = _parse_comment(
        top_raw["replies"]["data"][0], account_id=IG_USER_ID, media_id=body["id"], permalink=None
    )
    hidden = _parse_comment(hidden_raw, account_id=IG_USER_ID, media_id=body["id"], permalink=None)

    assert (top.kind, top.parent_external_id, top.author.display_name) == (
        ItemKind.COMMENT,
        body["id"],
        "parent.b",
    )
    assert (reply.kind, reply.parent_external_id) == (ItemKind.REPLY, top.external_id)
    assert reply.created_at == datetime(2026, 11, 20, 8, 25, 2, tzinfo=UTC)
    assert (
        hidden.platform_state is PlatformState.HIDDEN
        and hidden.author.external_id is None
        and hidden.text == ""
    )


def test_raise_for_status_sorts_the_instagram_throttling_code_as_a_rate_limit_when_graph_refuses(
    now: datetime,
) -> None:
    request = httpx.Request("GET", f"https://graph.facebook.com/v25.0/{IG_USER_ID}/media?access_token=SECRET")
    usage = json.dumps(
        {IG_USER_ID: [{"type": "instagram", "call_count": 100, "estimated_time_to_regain_access": 4}]}
    )
    response = httpx.Response(
        400,
        json=_payload("error_account_rate_limit"),
        headers={"X-Business-Use-Case-Usage": usage},
        request=request,
    )

    with pytest.raises(RateLimitedError) as caught:
        _raise_for_status(response, clock=lambda: now)

    assert caught.value.retry_after == 240 and caught.value.platform == "instagram"
    assert "fbtrace_id" in str(caught.value) and "SECRET" not in str(caught.value)


# -- demo seed ---------------------------------------------------------------------------------------------------


def test_seed_demo_instagram_creates_comments_the_connector_reads_when_polled(
    sandbox: Sandbox, http: HttpClient, clock: ManualClock, drain: DrainFn, now: datetime
) -> None:
    seed = seed_demo_instagram(sandbox, now=now)
    connector = InstagramConnector(
        ig_user_id=seed.ig_user_id, token=Secret(seed.token), http=http, base_url=sandbox.url, clock=clock
    )

    items, _, _ = drain(connector, None)

    assert {i.external_id for i in items} == set(seed.comment_ids.values())
    assert all(i.created_at < now for i in items)
    mention = connector.fetch_mention(*seed.mention)
    assert mention.kind is ItemKind.MENTION and "@brookfieldvaleprimary" in mention.text


def test_check_token_reports_an_expired_token_as_invalid_without_raising(
    ig: InstagramSandbox, connector: InstagramConnector, sleeps: list[float]
) -> None:
    ig.expire_token(TOKEN)

    status = connector.check_token()

    assert not status.valid and "expired" in status.detail and "subcode 463" in status.detail
    assert TOKEN not in status.detail and sleeps == []


def test_check_token_reports_a_token_of_another_account_as_invalid(
    ig: InstagramSandbox, make_ig: MakeConnector
) -> None:
    ig.add_account("17841400000000999", "other.school", "other-ig-token")

    status = make_ig(token=Secret("other-ig-token")).check_token()

    assert not status.valid


def test_check_token_names_the_account_it_reaches_and_asks_only_for_id_and_username(
    ig: InstagramSandbox, connector: InstagramConnector
) -> None:
    status = connector.check_token()

    assert status.valid and "@test.primary" in status.detail
    [request] = ig.requests
    assert request.path.endswith(f"/{IG_USER_ID}") and request.query == {"fields": "id,username"}
