"""WebMentionsConnector against the feed sandbox over real HTTP: matching, conditional GET, dates, errors."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from connectors._http import HttpClient
from connectors.base import Action, Connector, ItemKind, Secret
from connectors.errors import (
    AuthError,
    ConnectorError,
    MalformedResponseError,
    PermanentError,
    RateLimitedError,
    RetryableError,
    UnsupportedActionError,
)
from connectors.registry import CONNECTORS
from connectors.sandbox import ManualClock, Sandbox, WebSandbox, seed_demo_web
from connectors.web import WebMentionsConnector, compile_terms, external_id_for, strip_html, unwrap_redirect
from tests.connectors.helpers import builder, roundtrip

TERMS = ("Brookfield Vale Primary School", "Brookfield Vale", "BVPS")
FEED = "gazette"
KEY = "feed-key-29ac41"
PAYLOADS = Path(__file__).parent / "payloads" / "web"

MakeWeb = Callable[..., WebMentionsConnector]


@pytest.fixture
def web(sandbox: Sandbox) -> WebSandbox:
    sandbox.web.add_feed(FEED, title="Millbridge Gazette")
    return sandbox.web


@pytest.fixture
def feed_url(web: WebSandbox, sandbox: Sandbox) -> str:
    return f"{sandbox.url}/feeds/{FEED}.xml"


@pytest.fixture
def make_web(feed_url: str, http: HttpClient, clock: ManualClock) -> MakeWeb:
    return builder(WebMentionsConnector, feed_url=feed_url, terms=TERMS, http=http, clock=clock)


@pytest.fixture
def wc(make_web: MakeWeb) -> WebMentionsConnector:
    return make_web()


# -- matching ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Brookfield Vale pupils plant trees", True),
        ("BROOKFIELD VALE wins award", True),
        ("brookfield   vale\nprimary", True),
        ("Brookfield-Vale parents", True),
        ("Parking outside BVPS again.", True),
        ("(BVPS) fair on Friday", True),
        ("Brookfield Vale’s new hall", True),
        ("Ｂｒｏｏｋｆｉｅｌｄ Vale", True),  # full-width letters fold under NFKC
        ("Brookfield Vale\u00a0Primary School", True),
        # Hard negatives: a different Brookfield, the alias inside another word, half the name.
        ("Brookfield Academy opens a sports hall", False),
        ("Roadworks on Brookfield Road", False),
        ("Brookfield Valley walking trail reopens", False),
        ("BVPSX results are in", False),
        ("the xbvps project", False),
        ("bvps2026 conference", False),
        ("Vale of Brookfield", False),
        ("BrookfieldVale", False),
    ],
)
def test_matches_names_the_school_only_as_whole_words_when_checking_text(
    wc: WebMentionsConnector, text: str, expected: bool
) -> None:
    assert wc.matches(text) is expected


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("<p>Pupils at <b>Brookfield</b> <b>Vale</b> did well</p>", "Pupils at Brookfield Vale did well"),
        ("<b>Brook</b>field", "Brookfield"),  # inline tags join, as a browser shows them
        ("one<br>two<p>three</p>", "one two three"),
        ("Fish &amp; chips &#8211; &ldquo;great&rdquo;", "Fish & chips – “great”"),
        ("<script>var name = 'Brookfield Vale';</script>Hello<style>p{}</style>", "Hello"),
        ("plain text", "plain text"),
    ],
)
def test_strip_html_returns_plain_text_when_given_feed_html(html: str, text: str) -> None:
    assert strip_html(html) == text


def test_compile_terms_returns_none_when_no_term_has_words() -> None:
    assert compile_terms(["", "   "]) is None
    with pytest.raises(ValueError):
        WebMentionsConnector(feed_url="https://news.example/feed", terms=[" "], http=HttpClient())


# -- fetching ------------------------------------------------------------------------------------------------


def test_fetch_returns_only_entries_that_name_the_school_when_the_feed_mixes_stories(
    web: WebSandbox, wc: WebMentionsConnector, feed_url: str, now: datetime
) -> None:
    about = web.add_entry(
        FEED,
        title="Brookfield Vale pupils plant 200 trees",
        summary_html="<p>A great <b>day</b></p>",
        link="https://news.example/trees",
        guid="https://news.example/?p=1",
        published=now - timedelta(hours=5),
        author="Gazette reporter",
    )
    alias = web.add_entry(
        FEED,
        title="Parking row",
        summary_html="<p>Cars outside BVPS block drives</p>",
        published=now - timedelta(hours=4),
    )
    web.add_entry(
        FEED,
        title="Brookfield Academy opens hall",
        summary_html="<p>Brookfield Road</p>",
        published=now - timedelta(hours=3),
    )
    web.add_entry(FEED, title="Gritting routes confirmed", published=now - timedelta(hours=2))

    page = wc.fetch(None)

    items = {i.external_id: i for i in page.items}
    assert set(items) == {external_id_for(feed_url, about), external_id_for(feed_url, alias)}
    trees = items[external_id_for(feed_url, about)]
    assert trees.kind is ItemKind.MENTION and trees.platform == "web"
    assert trees.text == "Brookfield Vale pupils plant 200 trees\n\nA great day"
    assert trees.permalink == "https://news.example/trees"
    assert trees.author.display_name == "Gazette reporter" and trees.author.external_id is None
    assert trees.created_at == now - timedelta(hours=5)
    assert (trees.can_hide, trees.can_delete, trees.can_reply) == (False, False, False)
    assert not page.has_more and page.next_cursor["etag"] and page.next_cursor["last_modified"]


def test_fetch_reads_atom_feeds_when_the_feed_is_atom(
    web: WebSandbox, make_web: MakeWeb, sandbox: Sandbox, now: datetime
) -> None:
    path = web.add_feed("alerts", title="Alerts", kind="atom")
    entry = web.add_entry(
        "alerts",
        title="Brookfield Vale in the news",
        summary_html="<p>story</p>",
        guid="tag:alerts.example,2026:1",
        link="https://news.example/a",
        published=now - timedelta(days=1),
    )

    (item,) = make_web(feed_url=f"{sandbox.url}{path}").fetch(None).items

    assert item.external_id == external_id_for(f"{sandbox.url}{path}", entry)
    assert item.created_at == now - timedelta(days=1) and item.permalink == "https://news.example/a"


def test_fetch_gets_304_and_no_items_when_the_feed_has_not_changed(
    web: WebSandbox, wc: WebMentionsConnector, now: datetime
) -> None:
    web.add_entry(FEED, title="Brookfield Vale story", published=now - timedelta(hours=1))
    first = wc.fetch(None)

    second = wc.fetch(roundtrip(first.next_cursor))

    assert len(first.items) == 1 and second.items == ()
    assert second.next_cursor == first.next_cursor
    assert [r.status for r in web.requests] == [200, 304]
    assert web.requests[1].if_none_match == first.next_cursor["etag"]
    assert web.requests[1].if_modified_since == first.next_cursor["last_modified"]


def test_fetch_returns_the_new_entry_when_the_feed_changed_since_the_cursor(
    web: WebSandbox, wc: WebMentionsConnector, clock: ManualClock, feed_url: str, now: datetime
) -> None:
    web.add_entry(FEED, title="Brookfield Vale story", published=now - timedelta(hours=1))
    cursor = wc.fetch(None).next_cursor
    clock.advance(minutes=30)
    new = web.add_entry(FEED, title="More on BVPS", published=now + timedelta(minutes=20))

    page = wc.fetch(roundtrip(cursor))

    assert external_id_for(feed_url, new) in {i.external_id for i in page.items}
    assert page.next_cursor["etag"] != cursor["etag"]


def test_fetch_uses_if_modified_since_when_the_server_gave_no_etag(
    web: WebSandbox, wc: WebMentionsConnector, now: datetime
) -> None:
    web.add_entry(FEED, title="Brookfield Vale story", published=now - timedelta(hours=1))
    modified = wc.fetch(None).next_cursor["last_modified"]

    page = wc.fetch({"v": 1, "etag": None, "last_modified": modified})

    assert page.items == () and web.requests[-1].status == 304 and web.requests[-1].if_none_match is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Wed, 18 Nov 2026 09:30:00 +0100", datetime(2026, 11, 18, 8, 30, tzinfo=UTC)),
        ("Wed, 18 Nov 2026 09:30:00 GMT", datetime(2026, 11, 18, 9, 30, tzinfo=UTC)),
        (
            "Wed, 18 Nov 2026 09:30:00 BST",
            datetime(2026, 11, 18, 8, 30, tzinfo=UTC),
        ),  # feedparser reads BST as UTC
        ("2026-11-19", datetime(2026, 11, 19, tzinfo=UTC)),
        ("2026-11-19T08:00:00", datetime(2026, 11, 19, 8, tzinfo=UTC)),
        ("Thu, 31 Feb 2026 10:00:00 GMT", None),  # no such day: first seen
        ("yesterday", None),
        ("Thu, 01 Jan 1970 00:00:00 GMT", None),  # an epoch-zero bug, not a 56-year-old article
        ("Fri, 01 Jan 2027 00:00:00 GMT", None),  # weeks in the future
    ],
)
def test_fetch_reads_odd_dates_as_utc_or_first_seen_when_feeds_write_them_badly(
    web: WebSandbox, wc: WebMentionsConnector, now: datetime, raw: str, expected: datetime | None
) -> None:
    web.add_entry(FEED, title="Brookfield Vale story", published_raw=raw)

    (item,) = wc.fetch(None).items

    assert item.created_at == (expected or now) and item.created_at.tzinfo is not None


def test_fetch_skips_entries_older_than_the_lookback_when_dated_and_keeps_undated_ones(
    web: WebSandbox, make_web: MakeWeb, feed_url: str, now: datetime
) -> None:
    web.add_entry(FEED, title="Brookfield Vale archive story", published=now - timedelta(days=40))
    recent = web.add_entry(FEED, title="Brookfield Vale this week", published=now - timedelta(days=2))
    undated = web.add_entry(FEED, title="Brookfield Vale forum thread")

    items = make_web(lookback_days=30).fetch(None).items

    assert {i.external_id for i in items} == {
        external_id_for(feed_url, recent),
        external_id_for(feed_url, undated),
    }


def test_fetch_delivers_an_entry_once_when_the_feed_repeats_it(
    web: WebSandbox, wc: WebMentionsConnector, now: datetime
) -> None:
    for _ in range(2):
        web.add_entry(
            FEED,
            title="Brookfield Vale story",
            guid="same-guid",
            link="https://news.example/s",
            published=now - timedelta(hours=1),
        )

    assert len(wc.fetch(None).items) == 1


def test_external_ids_are_stable_unique_per_feed_and_fit_the_column_when_entry_ids_are_long() -> None:
    a = external_id_for("https://a.example/feed", "guid-1")
    b = external_id_for("https://b.example/feed", "guid-1")
    long = external_id_for("https://a.example/feed", "https://news.example/" + "x" * 400)

    assert a != b and a == external_id_for("https://a.example/feed", "guid-1")
    assert a.endswith(":guid-1") and len(long) <= 255 and ":sha256:" in long


def test_unwrap_redirect_returns_the_article_when_given_a_google_alerts_link() -> None:
    link = "https://www.google.com/url?rct=j&sa=t&url=https://news.example/a%3Fb%3D1&ct=ga&usg=AOvVaw0"
    assert unwrap_redirect(link) == "https://news.example/a?b=1"
    assert unwrap_redirect("https://news.example/plain") == "https://news.example/plain"


# -- documented payloads -------------------------------------------------------------------------------------


def test_fetch_reads_a_google_alerts_feed_when_served_verbatim(
    web: WebSandbox, make_web: MakeWeb, sandbox: Sandbox, clock: ManualClock
) -> None:
    path = web.add_raw_feed(
        "alert", (PAYLOADS / "google_alerts.atom").read_bytes(), "application/atom+xml; charset=utf-8"
    )

    (item,) = make_web(feed_url=f"{sandbox.url}{path}", terms=("Example Vale",)).fetch(None).items

    assert item.external_id.endswith(":tag:google.com,2013:googlealerts/feed:12345678901234567890")
    assert item.text.startswith(
        "Example Vale pupils raise £1,200 for the food bank\n\nChildren at Example Vale Primary"
    )
    assert item.permalink == "https://news.example/2026/11/example-vale-food-bank"
    assert item.created_at == datetime(2026, 11, 19, 16, 12, 45, tzinfo=UTC)
    assert item.author.display_name is None


def test_fetch_reads_a_wordpress_style_rss_feed_when_served_verbatim(
    web: WebSandbox, make_web: MakeWeb, sandbox: Sandbox
) -> None:
    path = web.add_raw_feed(
        "wp", (PAYLOADS / "local_news.rss").read_bytes(), "application/rss+xml; charset=UTF-8"
    )

    (item,) = (
        make_web(
            feed_url=f"{sandbox.url}{path}", terms=("Example Vale Primary School", "Example Vale Primary")
        )
        .fetch(None)
        .items
    )

    assert item.external_id.endswith(":https://news.example/?p=48213")
    assert "Example Vale Primary’s new building" in item.text
    assert (
        "Parents packed the hall at Example Vale Primary School on Thursday evening." in item.text
    )  # content:encoded
    assert "track()" not in item.text
    assert item.author.display_name == "Sam Reporter"


# -- malformed -----------------------------------------------------------------------------------------------


def test_fetch_raises_malformed_when_the_server_sends_an_html_page_instead_of_the_feed(
    web: WebSandbox, wc: WebMentionsConnector, sleeps: list[float]
) -> None:
    web.respond_malformed(mode="invalid_json")

    with pytest.raises(MalformedResponseError, match="not a readable RSS or Atom feed") as caught:
        wc.fetch(None)

    assert "text/html" in str(caught.value) and sleeps == []


def test_fetch_raises_malformed_when_an_entry_naming_the_school_has_no_id_or_link(
    web: WebSandbox, wc: WebMentionsConnector, now: datetime
) -> None:
    web.add_entry(FEED, title="Brookfield Vale story", published=now - timedelta(hours=1))
    web.respond_malformed(mode="missing_fields")

    with pytest.raises(MalformedResponseError, match="neither an id/guid nor a link"):
        wc.fetch(None)


def test_fetch_ignores_entries_without_ids_when_they_do_not_name_the_school(
    web: WebSandbox, wc: WebMentionsConnector, now: datetime
) -> None:
    web.add_entry(FEED, title="Council news", published=now - timedelta(hours=1))
    web.respond_malformed(mode="missing_fields")

    assert wc.fetch(None).items == ()


def test_fetch_keeps_the_readable_entries_when_the_xml_is_broken_after_them(
    web: WebSandbox, make_web: MakeWeb, sandbox: Sandbox
) -> None:
    body = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title>'
        b'<item><title>Brookfield Vale story</title><guid isPermaLink="false">g-1</guid></item>'
        b"<item><title>Cut off"
    )
    path = web.add_raw_feed("broken", body, "application/rss+xml")

    items = make_web(feed_url=f"{sandbox.url}{path}").fetch(None).items

    assert [i.external_id.split(":", 1)[1] for i in items] == ["g-1"]


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b'<?xml version="1.0"?><rss version="2.0"><channel><title>Cut off befo', "application/rss+xml"),
        (b"", "application/rss+xml"),
        (b'{"error": "rate limited"}', "application/json"),
    ],
)
def test_fetch_raises_malformed_when_nothing_could_be_read(
    web: WebSandbox, make_web: MakeWeb, sandbox: Sandbox, body: bytes, content_type: str
) -> None:
    path = web.add_raw_feed("bad", body, content_type)

    with pytest.raises(MalformedResponseError):
        make_web(feed_url=f"{sandbox.url}{path}").fetch(None)


def test_fetch_returns_nothing_without_error_when_the_feed_is_empty(
    web: WebSandbox, wc: WebMentionsConnector
) -> None:
    page = wc.fetch(None)

    assert page.items == () and page.next_cursor["etag"]


def test_fetch_never_reads_a_local_file_when_the_body_is_a_file_name(
    web: WebSandbox, make_web: MakeWeb, sandbox: Sandbox, tmp_path: Path
) -> None:
    planted = tmp_path / "planted.xml"
    planted.write_bytes(
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title>'
        b"<item><title>Brookfield Vale planted story</title><guid>p-1</guid></item></channel></rss>"
    )
    # feedparser.parse(bytes) would open() this path; the connector must hand it the body as a stream.
    path = web.add_raw_feed("path", str(planted).encode(), "application/rss+xml")

    with pytest.raises(MalformedResponseError):
        make_web(feed_url=f"{sandbox.url}{path}").fetch(None)


@pytest.mark.parametrize(
    "cursor",
    [{"no": "version"}, {"v": 2}, {"v": 1, "etag": 5}, {"v": 1, "last_modified": ["x"]}, {"v": "1"}],
)
def test_fetch_rejects_the_cursor_clearly_when_it_is_garbage(
    web: WebSandbox, wc: WebMentionsConnector, cursor: dict[str, object]
) -> None:
    with pytest.raises(PermanentError, match="cursor is not valid"):
        wc.fetch(cursor)
    assert web.requests == ()


# -- errors on the wire --------------------------------------------------------------------------------------


def test_fetch_honours_retry_after_then_succeeds_when_the_server_answers_429(
    web: WebSandbox, wc: WebMentionsConnector, sleeps: list[float], now: datetime
) -> None:
    web.add_entry(FEED, title="Brookfield Vale story", published=now - timedelta(hours=1))
    web.rate_limit(retry_after=45)

    page = wc.fetch(None)

    assert len(page.items) == 1 and len(sleeps) == 1 and sleeps[0] >= 45


def test_fetch_raises_rate_limited_without_sleeping_when_the_wait_exceeds_max_wait(
    web: WebSandbox, wc: WebMentionsConnector, sleeps: list[float]
) -> None:
    web.rate_limit(retry_after=3600)

    with pytest.raises(RateLimitedError) as caught:
        wc.fetch(None)

    assert caught.value.retry_after == 3600 and sleeps == []


def test_fetch_retries_then_raises_when_the_server_keeps_failing(
    web: WebSandbox, wc: WebMentionsConnector, sleeps: list[float], now: datetime
) -> None:
    web.add_entry(FEED, title="Brookfield Vale story", published=now - timedelta(hours=1))
    web.fail_next(2, status=502)
    assert len(wc.fetch(None).items) == 1 and len(sleeps) == 2

    web.fail_next(10, status=503, retry_after=2)
    with pytest.raises(RetryableError) as caught:
        wc.fetch(None)
    assert caught.value.code == 503 and caught.value.retry_after == 2


@pytest.mark.parametrize("token", [None, "wrong-key"])
def test_fetch_raises_auth_error_without_retrying_when_the_feed_needs_a_key(
    web: WebSandbox, make_web: MakeWeb, sandbox: Sandbox, sleeps: list[float], token: str | None
) -> None:
    path = web.add_feed("private", title="Forum", key=KEY)

    with pytest.raises(AuthError, match="check the feed's key"):
        make_web(feed_url=f"{sandbox.url}{path}", token=Secret(token) if token else None).fetch(None)

    assert sleeps == []


def test_fetch_raises_auth_error_when_the_key_was_revoked(
    web: WebSandbox, make_web: MakeWeb, sandbox: Sandbox, now: datetime
) -> None:
    path = web.add_feed("private", title="Forum", key=KEY)
    web.add_entry("private", title="BVPS thread", published=now - timedelta(hours=1))
    connector = make_web(feed_url=f"{sandbox.url}{path}", token=Secret(KEY))
    assert len(connector.fetch(None).items) == 1

    web.expire_token(KEY)

    with pytest.raises(AuthError):
        connector.fetch(None)


def test_fetch_raises_permanent_error_when_the_feed_is_not_there(make_web: MakeWeb, sandbox: Sandbox) -> None:
    with pytest.raises(PermanentError, match="check the feed URL") as caught:
        make_web(feed_url=f"{sandbox.url}/feeds/nope.xml").fetch(None)
    assert caught.value.code == 404


def test_fetch_follows_a_moved_feed_and_warns_when_it_moved_permanently(
    web: WebSandbox, make_web: MakeWeb, sandbox: Sandbox, caplog: pytest.LogCaptureFixture, now: datetime
) -> None:
    web.add_entry(FEED, title="Brookfield Vale story", published=now - timedelta(hours=1))
    old = web.redirect("old-gazette", f"/feeds/{FEED}.xml")

    items = make_web(feed_url=f"{sandbox.url}{old}").fetch(None).items

    assert len(items) == 1 and "moved permanently" in caplog.text


def test_fetch_does_not_send_the_key_when_a_redirect_points_to_another_host(
    web: WebSandbox, make_web: MakeWeb, sandbox: Sandbox, now: datetime
) -> None:
    web.add_entry(FEED, title="Brookfield Vale story", published=now - timedelta(hours=1))
    other_host = sandbox.url.replace("127.0.0.1", "localhost")
    old = web.redirect("keyed", f"{other_host}/feeds/{FEED}.xml", status=302)

    items = make_web(feed_url=f"{sandbox.url}{old}", token=Secret(KEY)).fetch(None).items

    assert len(items) == 1
    assert [r.has_key for r in web.requests] == [True, False]


# -- actions, secrets, registry ------------------------------------------------------------------------------


@pytest.mark.parametrize("action", list(Action))
def test_every_action_raises_unsupported_when_the_source_is_a_web_feed(
    web: WebSandbox, wc: WebMentionsConnector, action: Action
) -> None:
    with pytest.raises(UnsupportedActionError) as caught:
        if action is Action.REPLY:
            wc.reply("any", "text")
        else:
            getattr(wc, action.value)("any")

    assert caught.value.reason == "web mentions are read-only; contact the site owner"
    assert web.requests == ()


def test_secrets_never_appear_in_logs_errors_or_repr_when_requests_fail(
    web: WebSandbox, make_web: MakeWeb, sandbox: Sandbox, caplog: pytest.LogCaptureFixture, now: datetime
) -> None:
    caplog.set_level(logging.DEBUG)
    path = web.add_feed("private", title="Forum", key=KEY)
    web.add_entry(
        "private",
        title="BVPS: Private words from Parent Zed",
        published=now - timedelta(hours=1),
        author="Parent Zed",
    )
    url_key = "url-key-77d1"
    connector = make_web(feed_url=f"{sandbox.url}{path}?key={url_key}", token=Secret(KEY))
    web.fail_next(2, status=500)
    connector.fetch(None)
    web.expire_token(KEY)

    with pytest.raises(ConnectorError) as caught:
        connector.fetch(None)

    for text in (caplog.text, repr(connector), str(caught.value), repr(caught.value)):
        assert KEY not in text
        assert "Private words" not in text and "Parent Zed" not in text
    # A key inside the feed URL stays out of our logs and errors; httpx's own INFO line logs the full URL,
    # which is why keys belong in token_env.
    ours = [r.getMessage() for r in caplog.records if r.name.startswith("connectors")]
    assert ours and all(url_key not in line for line in ours)
    assert url_key not in repr(connector) and url_key not in str(caught.value)
    assert "retrying" in caplog.text


def test_registry_maps_web_to_a_read_only_connector_when_looked_up(wc: WebMentionsConnector) -> None:
    assert CONNECTORS["web"] is WebMentionsConnector
    assert isinstance(wc, Connector)
    assert wc.capabilities.as_dict() == {action.value: False for action in Action}


def test_factory_builds_a_web_connector_from_the_account_config(
    web: WebSandbox, feed_url: str, clock: ManualClock, now: datetime
) -> None:
    from bot.config import SecretStore, parse_config
    from bot.schools import build_connector

    web.add_entry(FEED, title="Millbridge Tigers under-9s win cup", published=now - timedelta(hours=1))
    settings = parse_config(
        {
            "schools": [
                {
                    "slug": "brookfield-vale",
                    "name": "Brookfield Vale Primary School",
                    "aliases": ["BVPS"],
                    "nation": "ENG",
                    "accounts": [
                        {"platform": "web", "external_id": feed_url, "search_terms": ["Millbridge Tigers"]}
                    ],
                }
            ]
        }
    )
    school = settings.schools[0]

    connector = build_connector(school.accounts[0], school, SecretStore({}, dotenv_path=None), clock=clock)

    assert isinstance(connector, WebMentionsConnector)
    assert len(connector.fetch(None).items) == 1  # matched on the account's extra search term


def test_seed_demo_web_creates_a_local_news_feed_with_some_stories_about_the_school(
    sandbox: Sandbox, http: HttpClient, clock: ManualClock, now: datetime
) -> None:
    seed = seed_demo_web(sandbox, now=now)
    connector = WebMentionsConnector(feed_url=seed.feed_url, terms=TERMS, http=http, clock=clock)

    items = connector.fetch(None).items

    assert {i.external_id for i in items} == {
        external_id_for(seed.feed_url, seed.entry_ids[k]) for k in seed.matching
    }
    assert len(seed.matching) == 3 and seed.total == 5
