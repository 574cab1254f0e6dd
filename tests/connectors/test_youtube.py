"""YouTubeConnector against the Data API sandbox over real HTTP: threads, replies, quota, moderation and errors."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot import schools
from bot.config import AccountConfig, Nation, Platform, SchoolConfig, SecretStore
from connectors._http import HttpClient
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
from connectors.registry import CONNECTORS
from connectors.sandbox import ManualClock, RecordedRequest, Sandbox, YouTubeSandbox
from connectors.sandbox.youtube import seed_demo_youtube
from connectors.youtube import (
    GoogleOAuthTokens,
    GoogleTokenCache,
    QuotaExhaustedError,
    QuotaLedger,
    YouTubeConnector,
    _parse_thread,
    _raise_for_status,
    _raise_for_token_status,
    quota_resets_at,
)
from tests.connectors.helpers import DrainFn, builder, failure_texts, roundtrip

CHANNEL_ID = "UCtestprimary00000000001"
TOKEN = "test-yt-token-4c7e10"
#: NOW is 04:00 Pacific (PST) on 20 November; Google's quota day ends at 08:00 UTC on the 21st.
RESET = datetime(2026, 11, 21, 8, 0, tzinfo=UTC)

MakeConnector = Callable[..., YouTubeConnector]


@pytest.fixture
def yt(sandbox: Sandbox) -> YouTubeSandbox:
    sandbox.youtube.add_channel(CHANNEL_ID, "Test Primary", TOKEN)
    return sandbox.youtube


@pytest.fixture
def make_yt(yt: YouTubeSandbox, sandbox: Sandbox, http: HttpClient, clock: ManualClock) -> MakeConnector:
    return builder(
        YouTubeConnector,
        channel_id=CHANNEL_ID,
        token=Secret(TOKEN),
        http=http,
        base_url=f"{sandbox.url}/youtube/v3",
        clock=clock,
        page_size=10,
    )


@pytest.fixture
def connector(make_yt: MakeConnector) -> YouTubeConnector:
    return make_yt()


@pytest.fixture
def video(yt: YouTubeSandbox, now: datetime) -> str:
    return yt.add_video(CHANNEL_ID, "Nativity", published_at=now - timedelta(days=2))


def add_threads(
    yt: YouTubeSandbox, video: str, count: int, start: datetime, *, step_s: int = 60
) -> list[str]:
    return [
        yt.add_thread(
            video,
            f"comment number {i}",
            author_name=f"@parent{i}",
            author_channel_id=f"UCparent{i:016d}",
            published_at=start + timedelta(seconds=i * step_s),
        )
        for i in range(count)
    ]


def add_replies(yt: YouTubeSandbox, parent: str, count: int, start: datetime) -> list[str]:
    return [
        yt.add_reply(
            parent,
            f"reply {i}",
            author_name="@replier",
            author_channel_id="UCreplier000000000000001",
            published_at=start + timedelta(minutes=i),
        )
        for i in range(count)
    ]


# -- fetching ----------------------------------------------------------------------------------------------


def test_fetch_reads_every_thread_and_reply_when_threads_span_pages_and_replies_overflow(
    yt: YouTubeSandbox, connector: YouTubeConnector, drain: DrainFn, video: str, now: datetime
) -> None:
    threads = add_threads(yt, video, 35, now - timedelta(hours=5))
    replies = add_replies(yt, threads[0], 8, now - timedelta(hours=1))

    items, _, _ = drain(connector, None)

    assert [i.external_id for i in items] == threads + replies
    listed = [r for r in yt.requests if r.path.endswith("/commentThreads")]
    assert len(listed) == 4 + 1  # 35 published threads at 10 a page, then one empty page of held ones
    assert all(
        r.query["allThreadsRelatedToChannelId"] == CHANNEL_ID
        and r.query["order"] == "time"
        and r.query["textFormat"] == "plainText"
        and r.query["part"] == "snippet,replies"
        for r in listed
    )
    assert [r.query["moderationStatus"] for r in listed] == ["published"] * 4 + ["heldForReview"]
    # The thread carried 5 of its 8 replies; comments.list fetched them all, once.
    assert [r.query.get("parentId") for r in yt.requests if r.path.endswith("/comments")] == [threads[0]]


def test_fetch_reads_one_moderation_status_per_call_and_marks_held_comments_hidden(
    yt: YouTubeSandbox, connector: YouTubeConnector, video: str, now: datetime
) -> None:
    shown = yt.add_thread(video, "fine", author_name="@a", published_at=now - timedelta(hours=2))
    held = yt.add_thread(
        video,
        "held by YouTube",
        author_name="@b",
        published_at=now - timedelta(hours=1),
        status="heldForReview",
    )

    first = connector.fetch(None)
    second = connector.fetch(roundtrip(first.next_cursor))

    assert (first.has_more, second.has_more) == (True, False)
    assert [i.external_id for i in first.items] == [shown] and [i.external_id for i in second.items] == [held]
    assert second.items[0].platform_state is PlatformState.HIDDEN
    assert first.next_cursor["round"]["pending"] == ["heldForReview"] and second.next_cursor["round"] is None


def test_fetch_picks_up_new_threads_and_replies_on_old_threads_when_resuming(
    yt: YouTubeSandbox,
    connector: YouTubeConnector,
    drain: DrainFn,
    clock: ManualClock,
    video: str,
    now: datetime,
) -> None:
    old = add_threads(yt, video, 5, now - timedelta(hours=2))
    first, cursor, _ = drain(connector, None)

    clock.advance(minutes=30)
    new = add_threads(yt, video, 3, now + timedelta(minutes=1))
    reply = yt.add_reply(old[0], "late", author_name="@late", published_at=now + timedelta(minutes=10))
    second, _, _ = drain(connector, roundtrip(cursor))

    assert [i.external_id for i in first] == old
    assert [i.external_id for i in second] == [old[-1], *new, reply]


def test_fetch_redelivers_the_same_items_without_error_when_a_cursor_is_used_twice(
    yt: YouTubeSandbox, connector: YouTubeConnector, video: str, now: datetime
) -> None:
    add_threads(yt, video, 4, now - timedelta(hours=1))
    cursor = roundtrip(connector.fetch(None).next_cursor)
    yt.add_thread(
        video, "held", author_name="@h", published_at=now - timedelta(minutes=5), status="heldForReview"
    )

    once = connector.fetch(cursor)
    twice = connector.fetch(cursor)

    assert [i.external_id for i in once.items] == [i.external_id for i in twice.items] and len(
        once.items
    ) == 1


def test_fetch_keeps_the_watermark_at_the_poll_start_when_a_comment_is_stamped_later(
    yt: YouTubeSandbox,
    connector: YouTubeConnector,
    drain: DrainFn,
    clock: ManualClock,
    video: str,
    now: datetime,
) -> None:
    yt.add_thread(video, "before", author_name="@a", published_at=now - timedelta(minutes=5))
    late = yt.add_thread(video, "future", author_name="@b", published_at=now + timedelta(minutes=5))

    items, cursor, _ = drain(connector, None)
    clock.advance(minutes=1)
    again, _, _ = drain(connector, roundtrip(cursor))

    assert late in {i.external_id for i in items}
    assert datetime.fromisoformat(cursor["watermarks"]["published"]) == now
    assert [i.external_id for i in again] == [late]


def test_fetch_stops_paging_and_ignores_threads_when_they_are_older_than_the_lookback(
    yt: YouTubeSandbox, make_yt: MakeConnector, drain: DrainFn, video: str, now: datetime
) -> None:
    add_threads(yt, video, 40, now - timedelta(days=90), step_s=3600)
    recent = add_threads(yt, video, 3, now - timedelta(hours=3))

    items, _, _ = drain(make_yt(lookback_days=30), None)

    assert [i.external_id for i in items] == recent
    published_pages = [r for r in yt.requests if r.query.get("moderationStatus") == "published"]
    # Newest first: the second page lies wholly before the window, so the last three pages are never read.
    assert len(published_pages) == 2


def test_fetch_parses_kinds_authors_permalinks_and_plain_text_when_comments_vary(
    yt: YouTubeSandbox, connector: YouTubeConnector, drain: DrainFn, video: str, now: datetime
) -> None:
    t = now - timedelta(hours=3)
    top = yt.add_thread(
        video,
        "Fish & chips <3",
        author_name="@parent-a",
        author_channel_id="UCparentaaaaaaaaaaaaaaa1",
        published_at=t,
    )
    reply = yt.add_reply(top, "reply", author_name="@parent-b", published_at=t + timedelta(minutes=1))
    nested = yt.add_reply(
        reply, "reply to reply", author_name="@parent-a", published_at=t + timedelta(minutes=2)
    )

    items = {i.external_id: i for i in drain(connector, None)[0]}

    assert items[top].kind is ItemKind.COMMENT and items[top].parent_external_id == video
    assert items[top].text == "Fish & chips <3"  # textFormat=plainText: no HTML entities
    assert (
        items[top].author.external_id == "UCparentaaaaaaaaaaaaaaa1"
        and items[top].author.display_name == "@parent-a"
    )
    assert items[top].permalink == f"https://www.youtube.com/watch?v={video}&lc={top}"
    assert items[reply].kind is ItemKind.REPLY and items[reply].parent_external_id == top
    assert items[nested].parent_external_id == top and nested.startswith(f"{top}.")
    assert items[reply].author.external_id is None and items[reply].can_reply is True
    assert all(i.post_external_id == video and i.account_external_id == CHANNEL_ID for i in items.values())


def test_fetch_sends_the_token_only_in_the_authorization_header_when_reading(
    yt: YouTubeSandbox, connector: YouTubeConnector, drain: DrainFn, video: str, now: datetime
) -> None:
    add_threads(yt, video, 25, now - timedelta(hours=1))

    drain(connector, None)

    assert yt.requests and all(r.auth == "header" for r in yt.requests)


@pytest.mark.parametrize(
    "cursor",
    [
        {"no": "version"},
        {"v": 2, "watermarks": {}},
        {"v": 1, "watermarks": {"published": "yesterday"}},
        {
            "v": 1,
            "watermarks": {},
            "round": {"started_at": "2026-11-20T08:00:00+00:00", "pending": ["rejected"]},
        },
        {"v": 1, "watermarks": {}, "quota": {"day": "Friday", "units": 3}},
        {"v": 1, "watermarks": {}, "quota": {"day": "2026-11-20", "units": "3"}},
    ],
)
def test_fetch_rejects_the_cursor_clearly_when_it_is_garbage(
    yt: YouTubeSandbox, connector: YouTubeConnector, cursor: dict[str, Any]
) -> None:
    with pytest.raises(PermanentError, match="saved YouTube cursor is not valid"):
        connector.fetch(cursor)
    assert yt.requests == ()


# -- quota -------------------------------------------------------------------------------------------------


def test_quota_counts_one_unit_per_list_and_fifty_per_write_like_youtube_does(
    yt: YouTubeSandbox, connector: YouTubeConnector, drain: DrainFn, video: str, now: datetime
) -> None:
    threads = add_threads(yt, video, 3, now - timedelta(hours=1))

    _, cursor, _ = drain(connector, None)
    connector.hide(threads[0])
    connector.reply(threads[1], "Thank you")

    assert connector.quota.used(now) == yt.quota_used == 2 + 50 + 50
    assert cursor["quota"] == {"day": "2026-11-20", "units": 2}


def test_actions_are_refused_before_sending_when_they_would_exceed_the_daily_quota(
    yt: YouTubeSandbox, make_yt: MakeConnector, video: str, now: datetime, sleeps: list[float]
) -> None:
    comment = yt.add_thread(video, "rude", author_name="@r", published_at=now - timedelta(hours=1))
    connector = make_yt(daily_quota_units=100)
    connector.quota.charge(60, now=now)

    with pytest.raises(QuotaExhaustedError) as caught:
        connector.hide(comment)

    assert str(caught.value) == (
        "youtube: YouTube daily quota would be exceeded: 60 of 100 units used and this call needs 50; "
        "resets at 2026-11-21 08:00 UTC (midnight Pacific time)"
    )
    assert (
        isinstance(caught.value, RateLimitedError)
        and caught.value.retry_after == (RESET - now).total_seconds()
    )
    assert yt.requests == () and sleeps == [] and yt.comment(comment).moderation_status == "published"
    connector.fetch(None)  # a 1-unit list still fits
    assert connector.quota.used(now) == 61


def test_quota_resets_at_midnight_pacific_when_the_clock_passes_it(
    yt: YouTubeSandbox, make_yt: MakeConnector, clock: ManualClock, video: str, now: datetime
) -> None:
    comment = yt.add_thread(video, "rude", author_name="@r", published_at=now - timedelta(hours=1))
    connector = make_yt(daily_quota_units=100)
    connector.quota.charge(100, now=now)

    clock.now = RESET - timedelta(seconds=1)
    with pytest.raises(QuotaExhaustedError):
        connector.hide(comment)
    clock.now = RESET
    connector.hide(comment)

    assert yt.comment(comment).moderation_status == "heldForReview" and connector.quota.used(RESET) == 50
    assert quota_resets_at(datetime(2026, 7, 1, 12, tzinfo=UTC)) == datetime(2026, 7, 2, 7, tzinfo=UTC)  # PDT


def test_quota_used_today_survives_a_restart_when_it_is_saved_in_the_cursor(
    yt: YouTubeSandbox, make_yt: MakeConnector, drain: DrainFn, video: str, now: datetime
) -> None:
    add_threads(yt, video, 2, now - timedelta(hours=1))
    saved = {"v": 1, "watermarks": {}, "round": None, "quota": {"day": "2026-11-20", "units": 99}}

    with pytest.raises(QuotaExhaustedError, match="100 of 100 units used"):
        drain(make_yt(daily_quota_units=100), saved)  # two statuses cost 2 units; only one was left
    yesterday = {**saved, "quota": {"day": "2026-11-19", "units": 99}}
    items, cursor, _ = drain(make_yt(daily_quota_units=100), yesterday)
    assert len(items) == 2 and cursor["quota"] == {"day": "2026-11-20", "units": 2}


def test_fetch_maps_youtubes_quota_exceeded_to_a_wait_until_the_reset_and_stops_sending(
    yt: YouTubeSandbox, connector: YouTubeConnector, video: str, now: datetime, sleeps: list[float]
) -> None:
    yt.quota_exceeded()

    with pytest.raises(QuotaExhaustedError, match="quota is used up") as caught:
        connector.fetch(None)

    assert caught.value.retry_after == (RESET - now).total_seconds() and caught.value.code == "quotaExceeded"
    assert sleeps == [] and len(yt.requests) == 1  # far beyond max_wait: no retry, no sleep
    with pytest.raises(QuotaExhaustedError, match="would be exceeded"):
        connector.fetch(None)
    assert len(yt.requests) == 1  # the ledger now refuses before sending


def test_ledger_is_shared_by_connectors_when_the_factory_passes_one(
    yt: YouTubeSandbox, make_yt: MakeConnector, video: str, now: datetime
) -> None:
    ledger = QuotaLedger(daily_units=120)
    comments = add_threads(yt, video, 3, now - timedelta(hours=1))

    make_yt(quota=ledger).hide(comments[0])
    make_yt(quota=ledger).hide(comments[1])
    with pytest.raises(QuotaExhaustedError):
        make_yt(quota=ledger).hide(comments[2])


# -- errors on the wire ------------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [429, 403])
def test_fetch_honours_retry_after_then_succeeds_when_rate_limited(
    yt: YouTubeSandbox,
    connector: YouTubeConnector,
    drain: DrainFn,
    sleeps: list[float],
    video: str,
    now: datetime,
    status: int,
) -> None:
    add_threads(yt, video, 2, now - timedelta(hours=1))
    yt.rate_limit(times=1, retry_after=20, status=status)

    items, _, _ = drain(connector, None)

    assert len(items) == 2 and len(sleeps) == 1 and sleeps[0] >= 20


def test_fetch_retries_then_raises_retryable_when_the_server_keeps_failing(
    yt: YouTubeSandbox, connector: YouTubeConnector, sleeps: list[float], video: str, now: datetime
) -> None:
    add_threads(yt, video, 2, now - timedelta(hours=1))
    yt.fail_next(2, status=503)
    assert len(connector.fetch(None).items) == 2 and len(sleeps) == 2

    yt.fail_next(10, status=500)
    with pytest.raises(RetryableError) as caught:
        connector.fetch(None)

    assert not isinstance(caught.value, RateLimitedError) and caught.value.code == "backendError"


def test_fetch_raises_auth_error_at_once_when_the_token_has_expired(
    yt: YouTubeSandbox, connector: YouTubeConnector, sleeps: list[float]
) -> None:
    yt.expire_token(TOKEN)

    with pytest.raises(AuthError, match="reconnect the channel") as caught:
        connector.fetch(None)

    assert caught.value.code == "authError" and len(yt.requests) == 1 and sleeps == []


def test_fetch_raises_auth_error_when_the_token_belongs_to_another_channel(
    yt: YouTubeSandbox, make_yt: MakeConnector, video: str
) -> None:
    yt.add_token("viewer-token", "UCsomeviewer000000000001")

    with pytest.raises(AuthError, match="channel owner's account"):
        # Anyone may list published comments; held ones only the owner.
        make_yt(token=Secret("viewer-token"), moderation_statuses=("heldForReview",)).fetch(None)


def test_hide_raises_action_refused_when_the_comment_is_on_someone_elses_video(
    yt: YouTubeSandbox, connector: YouTubeConnector, now: datetime
) -> None:
    yt.add_channel("UCotherschool00000000001", "Other", "other-token")
    theirs = yt.add_video("UCotherschool00000000001", "Theirs", published_at=now - timedelta(days=1))
    comment = yt.add_thread(theirs, "x", author_name="@x", published_at=now - timedelta(hours=1))

    with pytest.raises(ActionRefusedError, match="only the owner of the channel or video"):
        connector.hide(comment)


def test_fetch_raises_malformed_when_the_body_is_not_json(
    yt: YouTubeSandbox, connector: YouTubeConnector, sleeps: list[float]
) -> None:
    yt.respond_malformed(mode="invalid_json")

    with pytest.raises(MalformedResponseError, match="not JSON"):
        connector.fetch(None)
    assert sleeps == []


@pytest.mark.parametrize("field", ["id", "publishedAt", "snippet"])
def test_fetch_raises_malformed_naming_the_field_when_a_comment_lacks_it(
    yt: YouTubeSandbox, connector: YouTubeConnector, video: str, now: datetime, field: str
) -> None:
    add_threads(yt, video, 2, now - timedelta(hours=1))
    yt.respond_malformed(mode="missing_fields", drop=(field,))

    with pytest.raises(MalformedResponseError, match=f"'{field}'") as caught:
        connector.fetch(None)

    assert caught.value.code == field


def test_secrets_and_comment_text_never_appear_in_logs_errors_or_repr_when_requests_fail(
    yt: YouTubeSandbox,
    connector: YouTubeConnector,
    caplog: pytest.LogCaptureFixture,
    video: str,
    now: datetime,
) -> None:
    caplog.set_level(logging.DEBUG)
    comment = yt.add_thread(
        video, "Private words from Parent Z", author_name="@ParentZed", published_at=now - timedelta(hours=1)
    )
    yt.fail_next(2, status=500)
    connector.fetch(None)
    yt.expire_token(TOKEN)

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
        assert TOKEN not in text
        assert "Private words" not in text and "ParentZed" not in text and "Reply text" not in text
    assert "retrying" in caplog.text


# -- actions -------------------------------------------------------------------------------------------------


@pytest.fixture
def comment(yt: YouTubeSandbox, video: str, now: datetime) -> str:
    return yt.add_thread(
        video,
        "a comment",
        author_name="@parent-e",
        author_channel_id="UCparenteeeeeeeeeeeeeee1",
        published_at=now - timedelta(hours=1),
    )


def test_hide_holds_for_review_and_unhide_publishes_when_moderating(
    yt: YouTubeSandbox, connector: YouTubeConnector, comment: str
) -> None:
    connector.hide(comment)
    assert yt.comment(comment).moderation_status == "heldForReview"

    connector.unhide(comment)
    assert yt.comment(comment).moderation_status == "published"
    assert [(r.path.rsplit("/", 1)[-1], r.query["moderationStatus"]) for r in yt.requests] == [
        ("setModerationStatus", "heldForReview"),
        ("setModerationStatus", "published"),
    ]


def test_delete_rejects_the_comment_because_only_its_author_may_delete_it(
    yt: YouTubeSandbox, connector: YouTubeConnector, drain: DrainFn, comment: str, now: datetime
) -> None:
    reply = yt.add_reply(comment, "a reply", author_name="@f", published_at=now - timedelta(minutes=30))

    connector.delete(comment)

    assert yt.comment(comment).moderation_status == "rejected" and not yt.comment(comment).is_deleted
    assert reply not in {i.external_id for i in drain(connector, None)[0]}  # rejected hides the replies too
    assert "YouTube only lets the author delete" in connector.capabilities.notes["delete"]


def test_unhide_raises_action_refused_with_a_clear_message_when_the_comment_was_rejected(
    yt: YouTubeSandbox, connector: YouTubeConnector, comment: str
) -> None:
    connector.delete(comment)

    with pytest.raises(ActionRefusedError, match="cannot publish a rejected comment again") as caught:
        connector.unhide(comment)

    assert caught.value.code == "rejected" and yt.comment(comment).moderation_status == "rejected"


def test_ban_rejects_the_comment_and_bans_its_author_when_given_a_comment_id(
    yt: YouTubeSandbox, connector: YouTubeConnector, comment: str, video: str
) -> None:
    connector.ban(comment)

    assert yt.comment(comment).moderation_status == "rejected"
    assert yt.banned(CHANNEL_ID) == {"UCparenteeeeeeeeeeeeeee1"}
    assert yt.requests[-1].query == {"id": comment, "moderationStatus": "rejected", "banAuthor": "true"}
    later = yt.add_thread(
        video, "again", author_name="@parent-e", author_channel_id="UCparenteeeeeeeeeeeeeee1"
    )
    assert yt.comment(later).moderation_status == "rejected"  # YouTube rejects a banned author's new comments


def test_ban_raises_value_error_without_sending_when_given_a_channel_id(
    yt: YouTubeSandbox, connector: YouTubeConnector
) -> None:
    with pytest.raises(ValueError, match="not their channel id"):
        connector.ban("UCparenteeeeeeeeeeeeeee1")
    assert yt.requests == ()


def test_hide_raises_not_found_when_the_comment_does_not_exist(
    connector: YouTubeConnector, video: str
) -> None:
    with pytest.raises(NotFoundError):
        connector.hide("UgxNoSuchComment4AaABAg")


def test_reply_posts_under_the_top_level_comment_when_replying_to_a_reply(
    yt: YouTubeSandbox, connector: YouTubeConnector, comment: str, now: datetime
) -> None:
    reply = yt.add_reply(comment, "a reply", author_name="@f", published_at=now - timedelta(minutes=5))

    new_id = connector.reply(reply, "Thank you, please contact the school office.")

    created = yt.comment(new_id)
    assert created.parent_id == comment and created.author_channel_id == CHANNEL_ID
    assert created.text == "Thank you, please contact the school office."
    assert json.loads(yt.requests[-1].form["snippet"]) == {
        "parentId": comment,
        "textOriginal": "Thank you, please contact the school office.",
    }


def test_reply_is_not_retried_when_the_server_fails_after_it_may_have_posted(
    yt: YouTubeSandbox, connector: YouTubeConnector, comment: str, sleeps: list[float]
) -> None:
    yt.fail_next(1, status=500)

    with pytest.raises(RetryableError):
        connector.reply(comment, "Thanks")

    assert sleeps == [] and yt.comment(comment).replies == ()


# -- registry and the error table ------------------------------------------------------------------------------


def test_registry_maps_youtube_to_the_connector_with_its_capabilities(connector: YouTubeConnector) -> None:
    assert CONNECTORS["youtube"] is YouTubeConnector
    assert isinstance(connector, Connector)
    assert connector.capabilities.as_dict() == {
        "hide": True,
        "unhide": True,
        "delete": True,
        "reply": True,
        "ban": True,
    }
    assert "comment" in connector.capabilities.notes["ban"]


def test_check_token_tells_whether_the_token_owns_the_channel(
    yt: YouTubeSandbox, make_yt: MakeConnector
) -> None:
    yt.add_token("viewer-token", "UCsomeviewer000000000001")

    assert make_yt().check_token().valid
    assert not make_yt(token=Secret("viewer-token")).check_token().valid


def _google_response(
    method: str, status: int, reason: str | None, *, headers: dict[str, str] | None = None
) -> httpx.Response:
    request = httpx.Request(method, "https://www.googleapis.com/youtube/v3/comments?key=SECRET-KEY")
    body = {
        "error": {
            "code": status,
            "message": "m",
            "errors": [{"reason": reason, "domain": "d", "message": "m"}],
        }
    }
    return httpx.Response(status, json=body if reason else {}, headers=headers, request=request)


@pytest.mark.parametrize(
    ("response", "expected"),
    [
        (_google_response("GET", 403, "quotaExceeded"), QuotaExhaustedError),
        (_google_response("GET", 403, "rateLimitExceeded"), RateLimitedError),
        (_google_response("GET", 429, None, headers={"Retry-After": "9"}), RateLimitedError),
        (_google_response("GET", 401, "authError"), AuthError),
        (_google_response("POST", 403, "insufficientPermissions"), AuthError),
        (_google_response("GET", 403, "forbidden"), AuthError),
        (_google_response("POST", 403, "forbidden"), ActionRefusedError),
        (_google_response("POST", 404, "commentNotFound"), NotFoundError),
        (_google_response("GET", 500, "backendError"), RetryableError),
        (_google_response("GET", 503, None), RetryableError),
        (_google_response("POST", 400, "banWithoutReject"), PermanentError),
        (_google_response("POST", 400, "processingFailure"), PermanentError),
        (_google_response("GET", 403, "commentsDisabled"), PermanentError),
    ],
)
def test_raise_for_status_sorts_google_errors_when_a_request_fails(
    response: httpx.Response, expected: type[ConnectorError], now: datetime
) -> None:
    with pytest.raises(expected) as caught:
        _raise_for_status(response, clock=lambda: now)

    assert type(caught.value) is expected and "SECRET-KEY" not in str(caught.value)


PAYLOADS = Path(__file__).parent / "payloads" / "youtube"


def _payload(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((PAYLOADS / f"{name}.json").read_text(encoding="utf-8"))
    return loaded


def test_parse_thread_reads_the_documented_shape_when_given_the_docs_example() -> None:
    thread = _parse_thread(
        _payload("comment_threads")["items"][0], channel_id="UCexampleschool000000001", status="heldForReview"
    )

    assert thread.top.kind is ItemKind.COMMENT and thread.top.platform_state is PlatformState.HIDDEN
    assert thread.top.text == "Lovely singing &amp; well done all"  # the docs' example was asked for as html
    (reply,) = thread.replies
    assert reply.kind is ItemKind.REPLY and reply.parent_external_id == thread.top.external_id
    assert reply.post_external_id == "abc123XYZ_0"  # replies carry no videoId; the thread's is used
    assert reply.created_at == datetime(2026, 11, 20, 9, 1, 44, 512000, tzinfo=UTC)


@pytest.mark.parametrize(
    ("name", "method", "status", "expected"),
    [
        ("error_quota_exceeded", "GET", 403, QuotaExhaustedError),
        ("error_ban_without_reject", "POST", 400, PermanentError),
    ],
)
def test_raise_for_status_sorts_documented_error_bodies_when_youtube_refuses(
    name: str, method: str, status: int, expected: type[ConnectorError], now: datetime
) -> None:
    request = httpx.Request(method, "https://www.googleapis.com/youtube/v3/commentThreads")
    response = httpx.Response(status, json=_payload(name), request=request)

    with pytest.raises(expected) as caught:
        _raise_for_status(response, clock=lambda: now)

    assert type(caught.value) is expected and "reason" in str(caught.value)


# -- demo seed ---------------------------------------------------------------------------------------------------


def test_seed_demo_youtube_creates_comments_the_connector_reads_when_polled(
    sandbox: Sandbox, http: HttpClient, clock: ManualClock, drain: DrainFn, now: datetime
) -> None:
    seed = seed_demo_youtube(sandbox, now=now)
    connector = YouTubeConnector(
        channel_id=seed.channel_id,
        token=Secret(seed.token),
        http=http,
        base_url=f"{sandbox.url}/youtube/v3",
        clock=clock,
    )

    items, _, _ = drain(connector, None)

    assert {i.external_id for i in items} == set(seed.comment_ids.values())
    held = next(i for i in items if i.external_id == seed.comment_ids["held_spam"])
    assert held.platform_state is PlatformState.HIDDEN and all(i.created_at < now for i in items)


# -- OAuth refresh tokens ----------------------------------------------------------------------------------------

CLIENT_ID = "1234567890-sandbox.apps.googleusercontent.com"
CLIENT_SECRET = "GOCSPX-test-client-secret-91e2"
REFRESH_TOKEN = "1//test-refresh-token-7b3f"

MakeOAuth = Callable[..., GoogleOAuthTokens]


@pytest.fixture
def make_oauth(yt: YouTubeSandbox, sandbox: Sandbox, http: HttpClient, clock: ManualClock) -> MakeOAuth:
    yt.add_oauth_client(CLIENT_ID, CLIENT_SECRET)
    yt.add_refresh_token(REFRESH_TOKEN, CHANNEL_ID, client_id=CLIENT_ID)

    def make(**overrides: object) -> GoogleOAuthTokens:
        options: dict[str, object] = {
            "client_id": CLIENT_ID,
            "client_secret": Secret(CLIENT_SECRET),
            "refresh_token": Secret(REFRESH_TOKEN),
            "http": http,
            "token_url": f"{sandbox.url}/token",
            "clock": clock,
        }
        options.update(overrides)
        return GoogleOAuthTokens(**options)  # type: ignore[arg-type]

    return make


@pytest.fixture
def oauth_connector(make_yt: MakeConnector, make_oauth: MakeOAuth) -> YouTubeConnector:
    return make_yt(token=None, oauth=make_oauth())


def token_requests(yt: YouTubeSandbox) -> list[RecordedRequest]:
    return [r for r in yt.requests if r.path == "/token"]


def test_oauth_reuses_the_access_token_then_refreshes_it_when_it_nears_expiry(
    yt: YouTubeSandbox, oauth_connector: YouTubeConnector, clock: ManualClock, comment: str
) -> None:
    oauth_connector.hide(comment)
    clock.advance(minutes=56)  # Google's hour, less the 3m45s margin, is not yet up
    oauth_connector.unhide(comment)
    clock.advance(minutes=1)
    oauth_connector.hide(comment)
    clock.advance(hours=5)  # the sandbox refuses tokens older than an hour; a fresh one is fetched first
    oauth_connector.unhide(comment)

    grants = token_requests(yt)
    assert len(grants) == 3 and len(yt.issued_access_tokens) == 3
    assert all(
        g.method == "POST" and g.form == {"grant_type": "refresh_token", "client_id": CLIENT_ID}
        for g in grants
    )
    assert [r.path.rsplit("/", 1)[-1] for r in yt.requests] == [
        "token",
        "setModerationStatus",
        "setModerationStatus",
        "token",
        "setModerationStatus",
        "token",
        "setModerationStatus",
    ]
    assert yt.comment(comment).moderation_status == "published"


def test_oauth_refreshes_once_and_retries_when_youtube_refuses_the_token_before_its_expiry(
    yt: YouTubeSandbox, oauth_connector: YouTubeConnector, drain: DrainFn, video: str, now: datetime
) -> None:
    add_threads(yt, video, 3, now - timedelta(hours=1))
    oauth_connector.fetch(None)
    yt.expire_token(yt.issued_access_tokens[0])  # Google ended the session early

    items, _, _ = drain(oauth_connector, None)

    assert len(items) == 3 and len(token_requests(yt)) == 2
    # The refused request is not billed by Google, so it is not counted twice here either.
    assert oauth_connector.quota.used(now) == 3


def test_oauth_raises_auth_error_after_one_refresh_when_youtube_keeps_refusing(
    yt: YouTubeSandbox, oauth_connector: YouTubeConnector, sleeps: list[float]
) -> None:
    yt.fail_next(3, status=401)

    with pytest.raises(AuthError, match="reconnect the channel"):
        oauth_connector.fetch(None)

    assert [r.path.rsplit("/", 1)[-1] for r in yt.requests] == [
        "token",
        "commentThreads",
        "token",
        "commentThreads",
    ]
    assert sleeps == []


def test_oauth_does_not_refresh_when_youtube_answers_403(
    yt: YouTubeSandbox, make_yt: MakeConnector, make_oauth: MakeOAuth
) -> None:
    yt.add_refresh_token("1//viewer-refresh", "UCsomeviewer000000000001", client_id=CLIENT_ID)
    connector = make_yt(
        token=None,
        oauth=make_oauth(refresh_token=Secret("1//viewer-refresh")),
        moderation_statuses=("heldForReview",),
    )

    with pytest.raises(AuthError, match="channel owner's account"):
        connector.fetch(None)

    assert len(token_requests(yt)) == 1  # a new token cannot fix the wrong account


def test_oauth_raises_auth_error_asking_to_reconnect_when_the_refresh_token_is_revoked(
    yt: YouTubeSandbox, oauth_connector: YouTubeConnector, sleeps: list[float], comment: str
) -> None:
    oauth_connector.hide(comment)
    # The owner removed SocialGuard at myaccount.google.com/permissions.
    yt.revoke_refresh_token(REFRESH_TOKEN)

    with pytest.raises(AuthError, match="reconnect the channel") as caught:
        oauth_connector.unhide(comment)

    assert caught.value.code == "invalid_grant" and "revoked" in str(caught.value)
    assert sleeps == [] and yt.comment(comment).moderation_status == "heldForReview"


def test_oauth_raises_auth_error_naming_the_settings_when_the_client_secret_is_wrong(
    yt: YouTubeSandbox, make_yt: MakeConnector, make_oauth: MakeOAuth
) -> None:
    connector = make_yt(token=None, oauth=make_oauth(client_secret=Secret("GOCSPX-wrong")))

    with pytest.raises(AuthError, match="oauth_client_secret_env") as caught:
        connector.fetch(None)

    assert caught.value.code == "invalid_client" and len(yt.requests) == 1


def test_oauth_secrets_never_appear_in_logs_errors_or_repr_when_tokens_are_refreshed_and_revoked(
    yt: YouTubeSandbox,
    make_yt: MakeConnector,
    make_oauth: MakeOAuth,
    caplog: pytest.LogCaptureFixture,
    clock: ManualClock,
    comment: str,
) -> None:
    caplog.set_level(logging.DEBUG)
    cache = GoogleTokenCache()
    oauth = make_oauth(cache=cache)
    connector = make_yt(token=None, oauth=oauth)
    connector.hide(comment)
    clock.advance(hours=2)
    connector.unhide(comment)
    yt.expire_token(yt.issued_access_tokens[-1])
    connector.hide(comment)
    yt.revoke_refresh_token(REFRESH_TOKEN)
    errors: list[ConnectorError] = []
    for bad in (connector, make_yt(token=None, oauth=make_oauth(client_secret=Secret("GOCSPX-wrong-too")))):
        with pytest.raises(AuthError) as caught:
            bad.unhide(comment)
        errors.append(caught.value)

    secrets = [CLIENT_SECRET, REFRESH_TOKEN, "GOCSPX-wrong-too", *yt.issued_access_tokens]
    texts = [caplog.text, repr(connector), repr(oauth), repr(cache), *map(str, errors), *map(repr, errors)]
    assert len(yt.issued_access_tokens) == 3 and "fetched a new OAuth access token" in caplog.text
    for text in texts:
        for secret in secrets:
            assert secret not in text


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (
            400,
            {"error": "invalid_grant", "error_description": "Token has been expired or revoked."},
            AuthError,
        ),
        (401, {"error": "invalid_client", "error_description": "Unauthorized"}, AuthError),
        (401, {"error": "unauthorized_client", "error_description": "Unauthorized"}, AuthError),
        (
            400,
            {"error": "invalid_request", "error_description": "Missing required parameter"},
            PermanentError,
        ),
        (429, {"error": "rate_limit_exceeded"}, RateLimitedError),
        (503, None, RetryableError),
    ],
)
def test_raise_for_token_status_sorts_oauth_errors_when_a_refresh_fails(
    status: int, body: dict[str, str] | None, expected: type[ConnectorError], now: datetime
) -> None:
    request = httpx.Request("POST", "https://oauth2.googleapis.com/token")
    response = (
        httpx.Response(status, json=body, request=request)
        if body
        else httpx.Response(status, text="<html>Service Unavailable</html>", request=request)
    )

    with pytest.raises(expected) as caught:
        _raise_for_token_status(response, clock=lambda: now)

    assert type(caught.value) is expected and "Missing required" not in str(caught.value)


def test_connector_requires_exactly_one_of_a_static_token_and_oauth(
    make_yt: MakeConnector, make_oauth: MakeOAuth
) -> None:
    with pytest.raises(ValueError, match="required"):
        make_yt(token=None)
    with pytest.raises(ValueError, match="not both"):
        make_yt(oauth=make_oauth())


# -- the bot's factory: OAuth and shared quota ---------------------------------------------------------------------
# These build connectors from configuration through bot.schools, the one place that keeps the process-wide quota
# ledgers and token caches.


@pytest.fixture
def factory_state(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(schools, "_YOUTUBE_QUOTAS", {})
    monkeypatch.setattr(schools, "_YOUTUBE_TOKENS", {})


def _school(*accounts: AccountConfig) -> SchoolConfig:
    return SchoolConfig(slug="test-primary", name="Test Primary", nation=Nation.ENG, accounts=list(accounts))


def _build(
    account: AccountConfig, secrets: SecretStore, clock: ManualClock, sleeps: list[float]
) -> YouTubeConnector:
    connector = schools.build_connector(account, _school(account), secrets, clock=clock, sleep=sleeps.append)
    assert isinstance(connector, YouTubeConnector)
    return connector


def test_factory_shares_one_quota_count_between_channels_when_they_name_the_same_quota_group(
    factory_state: None, clock: ManualClock, sleeps: list[float]
) -> None:
    secrets = SecretStore(environ={"YT_A": "a", "YT_B": "b", "YT_C": "c"}, dotenv_path=None)

    def account(channel: str, env: str, group: str | None) -> AccountConfig:
        return AccountConfig(platform=Platform.YOUTUBE, external_id=channel, token_env=env, quota_group=group)

    a = _build(account("UCaaaaaaaaaaaaaaaaaaaaa1", "YT_A", "trust-project"), secrets, clock, sleeps)
    b = _build(account("UCbbbbbbbbbbbbbbbbbbbbb2", "YT_B", "trust-project"), secrets, clock, sleeps)
    c = _build(account("UCccccccccccccccccccccc3", "YT_C", None), secrets, clock, sleeps)
    a_again = _build(account("UCaaaaaaaaaaaaaaaaaaaaa1", "YT_A", "trust-project"), secrets, clock, sleeps)

    assert a.quota is b.quota is a_again.quota and c.quota is not a.quota
    a.quota.charge(40, now=clock.now)
    assert b.quota.used(clock.now) == 40 and c.quota.used(clock.now) == 0


def test_factory_builds_a_refreshing_connector_and_keeps_its_access_token_across_polls_when_oauth_is_configured(
    factory_state: None,
    yt: YouTubeSandbox,
    sandbox: Sandbox,
    clock: ManualClock,
    sleeps: list[float],
    video: str,
    now: datetime,
) -> None:
    yt.add_oauth_client(CLIENT_ID, CLIENT_SECRET)
    yt.add_refresh_token(REFRESH_TOKEN, CHANNEL_ID, client_id=CLIENT_ID)
    yt.add_refresh_token("1//second-channel", "UCsecondchannel000000001", client_id=CLIENT_ID)
    add_threads(yt, video, 2, now - timedelta(hours=1))
    secrets = SecretStore(
        environ={
            "YT_CLIENT_ID": CLIENT_ID,
            "YT_CLIENT_SECRET": CLIENT_SECRET,
            "YT_REFRESH": REFRESH_TOKEN,
            "YT_REFRESH_2": "1//second-channel",
        },
        dotenv_path=None,
    )

    def account(channel: str, refresh_env: str) -> AccountConfig:
        return AccountConfig(
            platform=Platform.YOUTUBE,
            external_id=channel,
            oauth_client_id_env="YT_CLIENT_ID",
            oauth_client_secret_env="YT_CLIENT_SECRET",
            oauth_refresh_token_env=refresh_env,
            oauth_token_url=f"{sandbox.url}/token",
            api_base_url=f"{sandbox.url}/youtube/v3",
        )

    polls = []
    for _ in range(3):
        connector = _build(account(CHANNEL_ID, "YT_REFRESH"), secrets, clock, sleeps)
        polls.append(connector.fetch(None))
        connector.close()
    other = _build(account("UCsecondchannel000000001", "YT_REFRESH_2"), secrets, clock, sleeps)

    assert [len(p.items) for p in polls] == [2, 2, 2]
    assert len(token_requests(yt)) == 1  # one access token served all three polls
    # Both channels' credentials come from one OAuth client, so from one Google Cloud project and one quota.
    assert other.quota is connector.quota and connector.quota.used(now) == 3


# -- check_token -----------------------------------------------------------------------------------------------


def test_check_token_costs_one_quota_unit_and_asks_for_the_callers_channel(
    yt: YouTubeSandbox, connector: YouTubeConnector, now: datetime
) -> None:
    status = connector.check_token()

    assert status.valid and CHANNEL_ID in status.detail
    assert connector.quota.used(now) == 1
    [request] = yt.requests
    assert request.path.endswith("/channels") and request.query == {"part": "id", "mine": "true"}


def test_check_token_reports_an_expired_static_token_as_invalid_without_raising(
    yt: YouTubeSandbox, connector: YouTubeConnector, sleeps: list[float]
) -> None:
    yt.expire_token(TOKEN)

    status = connector.check_token()

    assert not status.valid and "reconnect the channel" in status.detail and sleeps == []


def test_check_token_reports_a_revoked_refresh_token_as_invalid_with_the_reconnect_message(
    yt: YouTubeSandbox, oauth_connector: YouTubeConnector, now: datetime
) -> None:
    assert oauth_connector.check_token().valid
    yt.revoke_refresh_token(REFRESH_TOKEN)

    status = oauth_connector.check_token()

    assert not status.valid
    assert "refused the refresh token" in status.detail and "reconnect the channel" in status.detail
    assert REFRESH_TOKEN not in status.detail and CLIENT_SECRET not in status.detail


def test_check_token_reports_wrong_client_credentials_as_invalid(
    yt: YouTubeSandbox, make_yt: MakeConnector, make_oauth: MakeOAuth
) -> None:
    connector = make_yt(token=None, oauth=make_oauth(client_secret=Secret("GOCSPX-wrong")))

    status = connector.check_token()

    assert not status.valid and "oauth_client_secret_env" in status.detail
