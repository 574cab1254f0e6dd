"""Web mentions connector: entries in RSS/Atom feeds (alerts, local news, forums) that name the school.

One account is one feed URL. The feed is fetched with httpx through :class:`connectors._http.HttpClient`
(conditional GET: the ``ETag`` and ``Last-Modified`` of the last response travel in the cursor) and parsed
with feedparser. An entry is an item when its title, summary or content names the school, or one of its
aliases or extra search terms, as whole words, ignoring case, after HTML is stripped.

feedparser quirks handled here:

* ``feedparser.parse`` given a string or bytes first tries to ``open()`` it as a *local file name* (and given
  a URL, fetches it with urllib, bypassing our retries and timeouts). The body is always handed over as a
  stream.
* It is lenient: broken XML still yields whatever entries it could read (``bozo``). An answer with no entries
  is only an empty feed when it parsed as a feed; an HTML error page or unparseable XML is
  :class:`MalformedResponseError`.
* Dates it cannot read come back as ``None``, and it reads the UK's "BST" suffix as UTC; both are handled in
  :func:`_entry_time`.

Web mentions are read-only: the school cannot hide, delete or reply to a newspaper article through its feed.

A feed key belongs in the account's ``token_env`` (sent as ``Authorization: Bearer``, and never to another
host after a redirect), not in the feed URL: httpx logs request URLs at INFO, and the URL is stored as the
account id.

Errors, sorted by :func:`_raise_for_status` on the HTTP status::

    304                       not an error: nothing changed since the cursor's ETag / Last-Modified
    401, 403                  AuthError          the feed needs a (new) key
    408, 429, 5xx, network    RetryableError     429/503 honour Retry-After
    404, 410, other 4xx       PermanentError     check the feed URL
"""

from __future__ import annotations

import hashlib
import html
import io
import logging
import re
import time
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from typing import Any, ClassVar
from urllib.parse import parse_qs, urljoin, urlsplit

import feedparser  # type: ignore[import-untyped]
import httpx

from connectors._http import HttpClient, parse_retry_after, redact_url
from connectors.base import (
    Action,
    Author,
    Capabilities,
    Clock,
    Cursor,
    Item,
    ItemKind,
    Page,
    Secret,
    unsupported,
    utc_now,
)
from connectors.errors import (
    AuthError,
    MalformedResponseError,
    PermanentError,
    RateLimitedError,
    RetryableError,
)

logger = logging.getLogger(__name__)

PLATFORM = "web"
CURSOR_VERSION = 1

READ_ONLY = "web mentions are read-only; contact the site owner"
MAX_REDIRECTS = 5
#: httpx's ``is_redirect`` is true for every 3xx, 304 included; these are the ones with a ``Location`` to
#: follow.
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
#: ``items.external_id`` is 255 characters; longer entry ids are hashed.
MAX_EXTERNAL_ID = 255
#: Dates before this, or more than a day ahead, are a feed's bug (1970 epochs, swapped fields): use first-
#: seen.
EARLIEST_PLAUSIBLE = datetime(2000, 1, 1, tzinfo=UTC)
MAX_AUTHOR_LENGTH = 200

_BLOCK_TAGS = frozenset(
    {
        "p",
        "br",
        "div",
        "li",
        "ul",
        "ol",
        "tr",
        "td",
        "th",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "hr",
    }
)


# -- text ----------------------------------------------------------------------------------------------------


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style"}:
            self._skip += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style"} and self._skip:
            self._skip -= 1
        elif tag in _BLOCK_TAGS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def strip_html(value: str) -> str:
    """Plain text from an HTML fragment: tags dropped (inline ones without adding space, so Google Alerts'
    ``<b>Brook</b>field`` stays one word), entities decoded, whitespace collapsed."""
    extractor = _TextExtractor()
    extractor.feed(value)
    extractor.close()
    return " ".join(html.unescape("".join(extractor.parts)).split())


def _normalise(text: str) -> str:
    # NFKC folds full-width letters and no-break spaces; curly apostrophes match straight ones.
    return unicodedata.normalize("NFKC", text).replace("\u2019", "'").replace("\u2018", "'")


def compile_terms(terms: Sequence[str]) -> re.Pattern[str] | None:
    """One case-insensitive pattern matching any term as whole words (``BVPS`` does not match ``BVPSX``)."""
    alternatives = []
    for term in terms:
        words = _normalise(term).split()
        if words:
            # Words may be split by any whitespace or a hyphen ("Brookfield-Vale"), but not run together.
            alternatives.append(r"[\s-]+".join(re.escape(w) for w in words))
    if not alternatives:
        return None
    alternatives.sort(key=len, reverse=True)
    return re.compile(rf"(?<!\w)(?:{'|'.join(alternatives)})(?!\w)", re.IGNORECASE)


def unwrap_redirect(link: str) -> str:
    """The article behind a Google Alerts link (``https://www.google.com/url?...&url=<article>``)."""
    parts = urlsplit(link)
    if parts.netloc.endswith("google.com") and parts.path == "/url":
        target = parse_qs(parts.query).get("url") or parse_qs(parts.query).get("q")
        if target and target[0].startswith(("http://", "https://")):
            return target[0]
    return link


def feed_key(feed_url: str) -> str:
    """A short, stable prefix for ids from one feed: entry ids are only unique within their feed."""
    return hashlib.sha256(feed_url.encode()).hexdigest()[:12]


def external_id_for(feed_url: str, entry_id: str) -> str:
    """The item id for an entry: the feed's key and the entry's id (guid, else link); hashed when too long."""
    candidate = f"{feed_key(feed_url)}:{entry_id}"
    if len(candidate) <= MAX_EXTERNAL_ID:
        return candidate
    return f"{feed_key(feed_url)}:sha256:{hashlib.sha256(entry_id.encode()).hexdigest()}"


# -- errors --------------------------------------------------------------------------------------------------


def _raise_for_status(response: httpx.Response, *, clock: Clock = utc_now) -> None:
    """Sort a feed server's answer into :mod:`connectors.errors`; return quietly for 2xx and 304."""
    status = response.status_code
    if response.is_success or status == 304 or status in REDIRECT_STATUSES:
        return
    where = f"GET {redact_url(response.request.url).split('?')[0]}"
    retry_after = parse_retry_after(response.headers.get("Retry-After"), now=clock())
    if status == 429:
        raise RateLimitedError(
            f"the feed server asked us to slow down: {where} (HTTP 429)",
            platform=PLATFORM,
            retry_after=retry_after,
            code=429,
        )
    if status in (408, 425) or status >= 500:
        raise RetryableError(
            f"the feed server failed: {where} (HTTP {status})",
            platform=PLATFORM,
            retry_after=retry_after,
            code=status,
        )
    if status in (401, 403):
        raise AuthError(
            f"the feed refused access: {where} (HTTP {status}); check the feed's key or its URL",
            platform=PLATFORM,
            code=status,
        )
    if status in (404, 410):
        raise PermanentError(
            f"the feed is not there: {where} (HTTP {status}); check the feed URL",
            platform=PLATFORM,
            code=status,
        )
    raise PermanentError(
        f"the feed server refused the request: {where} (HTTP {status})", platform=PLATFORM, code=status
    )


# -- cursor --------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _CursorState:
    """The validators of the last feed body read, for a conditional GET."""

    etag: str | None = None
    last_modified: str | None = None

    def dump(self) -> dict[str, Any]:
        return {"v": CURSOR_VERSION, "etag": self.etag, "last_modified": self.last_modified}


_MIGRATIONS: Mapping[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}


def _bad_cursor(reason: str) -> PermanentError:
    return PermanentError(
        f"the saved web feed cursor is not valid ({reason}); reset the account's cursor to re-read the feed",
        platform=PLATFORM,
        code="bad_cursor",
    )


def _load_cursor(cursor: Cursor | None) -> _CursorState:
    if cursor is None:
        return _CursorState()
    if not isinstance(cursor, Mapping):
        raise _bad_cursor("not a JSON object")
    raw = dict(cursor)
    version = raw.get("v")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise _bad_cursor("missing or invalid version 'v'")
    if version > CURSOR_VERSION:
        raise _bad_cursor(f"version {version} is newer than this SocialGuard understands ({CURSOR_VERSION})")
    while version < CURSOR_VERSION:
        raw = _MIGRATIONS[version](raw)
        version += 1
    etag, modified = raw.get("etag"), raw.get("last_modified")
    if etag is not None and not isinstance(etag, str):
        raise _bad_cursor("'etag' must be a string or null")
    if modified is not None and not isinstance(modified, str):
        raise _bad_cursor("'last_modified' must be a string or null")
    return _CursorState(etag or None, modified or None)


# -- parsing -------------------------------------------------------------------------------------------------


def _struct_time(value: object) -> datetime | None:
    """feedparser's parsed dates are ``time.struct_time`` in UTC."""
    if not isinstance(value, time.struct_time):
        return None
    try:
        return datetime(
            value.tm_year, value.tm_mon, value.tm_mday, value.tm_hour, value.tm_min, value.tm_sec, tzinfo=UTC
        )
    except ValueError:
        return None


def _entry_time(entry: dict[str, Any], now: datetime) -> datetime | None:
    """When the entry was published (else updated), in UTC; ``None`` if the feed gives no believable date."""
    for key in ("published", "updated"):
        # ``dict.get``: feedparser's own ``get`` maps a missing ``updated`` to ``published`` with a
        # deprecation warning.
        when = _struct_time(dict.get(entry, f"{key}_parsed"))
        if when is None:
            continue
        raw = dict.get(entry, key)
        # feedparser reads the UK's "BST" (UTC+1) as UTC.
        if isinstance(raw, str) and raw.strip().upper().endswith(" BST"):
            when -= timedelta(hours=1)
        if EARLIEST_PLAUSIBLE <= when <= now + timedelta(days=1):
            return when
    return None


def _entry_text(entry: dict[str, Any]) -> tuple[str, str]:
    """The entry's title and body as plain text; the body is the fuller of ``content`` and ``summary``."""
    title = strip_html(str(entry.get("title") or ""))
    bodies = [str(entry.get("summary") or "")]
    for content in entry.get("content") or ():
        if isinstance(content, Mapping) and isinstance(content.get("value"), str):
            bodies.append(content["value"])
    body = max((strip_html(b) for b in bodies), key=len)
    return title, body


# -- connector -----------------------------------------------------------------------------------------------


class WebMentionsConnector:
    """One RSS or Atom feed, filtered to entries that name the school. Each ``fetch`` reads the whole feed."""

    platform: ClassVar[str] = PLATFORM
    capabilities: ClassVar[Capabilities] = Capabilities(
        hide=False,
        unhide=False,
        delete=False,
        reply=False,
        ban=False,
        notes={action.value: READ_ONLY for action in Action},
    )

    def __init__(
        self,
        *,
        feed_url: str,
        terms: Sequence[str],
        http: HttpClient,
        token: Secret | None = None,
        clock: Clock = utc_now,
        lookback_days: int = 30,
    ) -> None:
        if urlsplit(feed_url).scheme not in {"http", "https"}:
            raise ValueError("feed_url must be an http(s) URL")
        if lookback_days < 1:
            raise ValueError("lookback_days must be at least 1")
        pattern = compile_terms(terms)
        if pattern is None:
            raise ValueError("terms must name the school (its name or an alias)")
        self.feed_url = feed_url
        self._pattern = pattern
        self._http = http
        self._token = token
        self._clock = clock
        self.lookback = timedelta(days=lookback_days)
        self._key = feed_key(feed_url)

    def __repr__(self) -> str:
        return f"WebMentionsConnector(feed_url={redact_url(self.feed_url)!r})"

    def matches(self, text: str) -> bool:
        return self._pattern.search(_normalise(text)) is not None

    # -- fetch ---------------------------------------------------------------------------------------------

    def fetch(self, cursor: Cursor | None) -> Page:
        """Read the feed (or learn from a 304 that nothing changed); return the entries that name the school.

        Entries are delivered again on every changed feed; the bot de-duplicates on the external id.
        """
        state = _load_cursor(cursor)
        now = self._clock().astimezone(UTC)
        response = self._get(state)
        if response.status_code == 304:
            return Page(items=(), next_cursor=state.dump(), has_more=False)
        parsed = self._parse(response)
        items = self._items(parsed.entries, now)
        next_state = _CursorState(response.headers.get("ETag"), response.headers.get("Last-Modified"))
        logger.debug(
            "web feed %s: %d entries, %d name the school", self._key, len(parsed.entries), len(items)
        )
        return Page(items=tuple(items), next_cursor=next_state.dump(), has_more=False)

    def _get(self, state: _CursorState) -> httpx.Response:
        url = self.feed_url
        origin = urlsplit(url)[:2]
        for _ in range(MAX_REDIRECTS + 1):
            headers = {
                "Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.8, "
                "*/*;q=0.1"
            }
            if state.etag:
                headers["If-None-Match"] = state.etag
            if state.last_modified:
                headers["If-Modified-Since"] = state.last_modified
            # The key goes only to the host it was issued for, never to where a redirect points.
            if self._token is not None and urlsplit(url)[:2] == origin:
                headers["Authorization"] = f"Bearer {self._token.get_secret_value()}"
            response = self._http.request(
                "GET", url, headers=headers, raise_for_status=self._raise_for_status
            )
            if response.status_code not in REDIRECT_STATUSES:
                return response
            location = response.headers.get("Location")
            if not location:
                raise PermanentError(
                    "the feed server redirected without a Location",
                    platform=PLATFORM,
                    code=response.status_code,
                )
            if response.status_code in (301, 308):
                logger.warning("web feed %s has moved permanently; update the account's feed URL", self._key)
            url = urljoin(url, location)
        raise PermanentError(
            f"the feed redirected more than {MAX_REDIRECTS} times", platform=PLATFORM, code="redirects"
        )

    def _raise_for_status(self, response: httpx.Response) -> None:
        _raise_for_status(response, clock=self._http.clock)

    def _parse(self, response: httpx.Response) -> Any:
        content_type = response.headers.get("Content-Type", "missing")
        # A stream, never bytes: feedparser would first try to open bytes as a local file name.
        parsed = feedparser.parse(
            io.BytesIO(response.content),
            response_headers={"content-type": content_type, "content-location": str(response.url)},
        )
        problem = parsed.get("bozo_exception")
        benign = isinstance(problem, feedparser.CharacterEncodingOverride)
        if not parsed.entries and (not parsed.get("version") or (parsed.get("bozo") and not benign)):
            raise MalformedResponseError(
                f"the feed at {redact_url(self.feed_url).split('?')[0]} is not a readable RSS or Atom feed "
                f"(Content-Type {content_type}; {type(problem).__name__ if problem else 'no feed element'})",
                platform=PLATFORM,
                code="feed",
            )
        if parsed.get("bozo") and not benign:
            logger.info(
                "web feed %s has errors (%s); using the entries that could be read",
                self._key,
                type(problem).__name__,
            )
        return parsed

    def _items(self, entries: Sequence[dict[str, Any]], now: datetime) -> list[Item]:
        since = now - self.lookback
        items: list[Item] = []
        seen: set[str] = set()
        for entry in entries:
            title, body = _entry_text(entry)
            if not (self.matches(title) or self.matches(body)):
                continue
            created_at = _entry_time(entry, now)
            if created_at is not None and created_at < since:
                continue
            link = entry.get("link") if isinstance(entry.get("link"), str) and entry.get("link") else None
            entry_id = (
                entry.get("id") if isinstance(entry.get("id"), str) and entry.get("id", "").strip() else link
            )
            if not entry_id:
                # Without an id or a link the entry cannot be told apart from the next one, nor opened.
                raise MalformedResponseError(
                    f"an entry naming the school in the feed at {redact_url(self.feed_url).split('?')[0]} "
                    "has neither an id/guid nor a link",
                    platform=PLATFORM,
                    code="id",
                )
            external_id = external_id_for(self.feed_url, entry_id.strip())
            if external_id in seen:
                continue
            seen.add(external_id)
            author = entry.get("author")
            items.append(
                Item(
                    platform=PLATFORM,
                    account_external_id=redact_url(self.feed_url),
                    external_id=external_id,
                    kind=ItemKind.MENTION,
                    text=f"{title}\n\n{body}" if title and body else title or body,
                    # No believable date: first seen is the best we know (the bot keeps the first stored
                    # copy).
                    created_at=created_at or now,
                    author=Author(
                        display_name=strip_html(author)[:MAX_AUTHOR_LENGTH]
                        if isinstance(author, str) and author.strip()
                        else None
                    ),
                    permalink=unwrap_redirect(link) if link else None,
                    can_hide=False,
                    can_delete=False,
                    can_reply=False,
                )
            )
        return items

    # -- actions -------------------------------------------------------------------------------------------

    def hide(self, external_id: str) -> None:
        raise unsupported(PLATFORM, Action.HIDE, self.capabilities)

    def unhide(self, external_id: str) -> None:
        raise unsupported(PLATFORM, Action.UNHIDE, self.capabilities)

    def delete(self, external_id: str) -> None:
        raise unsupported(PLATFORM, Action.DELETE, self.capabilities)

    def reply(self, external_id: str, text: str) -> str:
        raise unsupported(PLATFORM, Action.REPLY, self.capabilities)

    def ban(self, author_external_id: str) -> None:
        raise unsupported(PLATFORM, Action.BAN, self.capabilities)

    def close(self) -> None:
        self._http.close()
