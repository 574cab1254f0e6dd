"""A stateful simulator of web feeds (local news RSS, Google Alerts-style Atom, forum feeds) with faults.

What it copies from real feed servers:

* RSS 2.0 (``<item>`` with ``guid``, ``link``, ``pubDate`` in RFC 822) and Atom 1.0 (``<entry>`` with ``id``,
  ``link``, ``published``/``updated`` in RFC 3339) at ``/feeds/<name>.xml``, newest entry first, HTML in
  ``description``/``summary`` escaped as text, as most CMSs write it;
* conditional GET: a strong ``ETag`` over the body and ``Last-Modified`` (the last change); ``If-None-Match``
  wins over ``If-Modified-Since``; both answer ``304 Not Modified`` with no body;
* feeds behind a key (``Authorization: Bearer`` or ``?key=``) answer 401 without it and 403 with a wrong or
  expired one;
* entries can carry raw date strings (``published_raw``) so tests can feed in the odd dates real feeds
  contain.

Fault switches, named as on the other simulators: ``fail_next`` (5xx with an HTML error page, as a CDN sends),
``rate_limit`` (429 with ``Retry-After``), ``respond_malformed`` (``mode="invalid_json"`` serves a CMS error
page as ``text/html``; ``mode="missing_fields"`` leaves out every entry's id and link, whatever ``drop`` says)
and ``expire_token``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from re import Match
from types import MappingProxyType
from typing import TYPE_CHECKING, Literal
from xml.sax.saxutils import escape, quoteattr

from connectors.base import Clock, utc_now
from connectors.sandbox._simulator import Simulator
from connectors.sandbox.server import Request, Response, Router

if TYPE_CHECKING:
    from connectors.sandbox import Sandbox

FeedKind = Literal["rss", "atom"]

CONTENT_TYPES: dict[FeedKind, str] = {
    "rss": "application/rss+xml; charset=utf-8",
    "atom": "application/atom+xml; charset=utf-8",
}


@dataclass(frozen=True, slots=True)
class FeedRequest:
    """A request as the simulator saw it, the key removed."""

    path: str
    if_none_match: str | None
    if_modified_since: str | None
    has_key: bool
    status: int


@dataclass(frozen=True, slots=True)
class EntrySnapshot:
    guid: str | None
    link: str | None
    title: str
    published: datetime | None


@dataclass(slots=True)
class _Entry:
    guid: str | None
    link: str | None
    title: str
    summary_html: str
    published: datetime | None
    published_raw: str | None
    updated: datetime | None
    author: str | None


@dataclass(slots=True)
class _Feed:
    name: str
    title: str
    kind: FeedKind
    link: str
    key: str | None
    modified_at: datetime
    entries: list[_Entry] = field(default_factory=list)
    key_expired: bool = False
    raw: tuple[bytes, str] | None = None


class WebSandbox(Simulator[FeedRequest]):
    """Feeds and their fault switches. Every method is thread-safe; the HTTP handler shares the lock."""

    # What a CDN in front of a feed sends when the origin is down.
    fail_status = 503

    def __init__(self, *, clock: Clock = utc_now) -> None:
        super().__init__(clock=clock)
        self._feeds: dict[str, _Feed] = {}
        self._rate_limits: list[float] = []
        self._redirects: dict[str, tuple[str, int]] = {}
        self._counter = 0

    def register(self, router: Router) -> None:
        router.add("web", r"^/feeds/(?P<name>[A-Za-z0-9_-]+)\.xml$", self.handle)

    # -- state -------------------------------------------------------------------------------------------

    def add_feed(
        self,
        name: str,
        *,
        title: str,
        kind: FeedKind = "rss",
        link: str = "https://news.example/",
        key: str | None = None,
    ) -> str:
        """Create a feed; returns its path (``/feeds/<name>.xml``), to join to the sandbox's URL."""
        if not re.fullmatch(r"[A-Za-z0-9_-]+", name):
            raise ValueError(f"feed names are letters, digits, '-' and '_': {name!r}")
        with self._lock:
            self._feeds[name] = _Feed(name, title, kind, link, key, self._now())
            return feed_path(name)

    def add_raw_feed(self, name: str, body: bytes, content_type: str) -> str:
        """Serve ``body`` verbatim (a documented sample, or something that is not a feed at all) with
        conditional GET still working; returns the path."""
        path = self.add_feed(name, title=name)
        with self._lock:
            self._feeds[name].raw = (body, content_type)
        return path

    def add_entry(
        self,
        feed: str,
        *,
        title: str,
        summary_html: str = "",
        link: str | None = None,
        guid: str | None = None,
        published: datetime | None = None,
        published_raw: str | None = None,
        updated: datetime | None = None,
        author: str | None = None,
    ) -> str:
        """Add an entry. Without ``guid`` and ``link``, a made-up article URL serves as both.
        ``published_raw`` is written into the feed as given, instead of ``published``. Returns the entry's id
        (guid, else link)."""
        with self._lock:
            target = self._feeds[feed]
            self._counter += 1
            if guid is None and link is None:
                link = f"{target.link.rstrip('/')}/articles/{self._counter:05d}"
                guid = link
            target.entries.append(
                _Entry(guid, link, title, summary_html, _utc(published), published_raw, _utc(updated), author)
            )
            target.modified_at = self._now()
            return guid or link or ""

    def redirect(self, name: str, location: str, *, status: int = 301) -> str:
        """Answer requests for feed ``name`` with a redirect to ``location`` (a path or a full URL), as a site
        that moved its feed does; returns the old path."""
        with self._lock:
            self._redirects[name] = (location, status)
            return feed_path(name)

    def entries(self, feed: str) -> tuple[EntrySnapshot, ...]:
        with self._lock:
            return tuple(
                EntrySnapshot(e.guid, e.link, e.title, e.published) for e in self._feeds[feed].entries
            )

    # -- fault switches ------------------------------------------------------------------------------------

    def rate_limit(self, retry_after: float = 30.0, times: int = 1) -> None:
        with self._lock:
            self._rate_limits = [retry_after] * times

    def expire_token(self, token: str | None = None) -> None:
        """Revoke the feed key ``token``, or every feed's key when ``None``."""
        with self._lock:
            for feed in self._feeds.values():
                if feed.key is not None and (token is None or feed.key == token):
                    feed.key_expired = True

    # -- HTTP ----------------------------------------------------------------------------------------------

    def handle(self, request: Request, match: Match[str]) -> Response:
        with self._lock:
            response = self._serve(request, match.group("name"))
            self._requests.append(
                FeedRequest(
                    path=request.path,
                    if_none_match=request.header("if-none-match"),
                    if_modified_since=request.header("if-modified-since"),
                    has_key=_key(request) is not None,
                    status=response.status,
                )
            )
            return response

    def _serve(self, request: Request, name: str) -> Response:
        if request.method not in {"GET", "HEAD"}:
            return Response(405, b"Method Not Allowed", {"Allow": "GET, HEAD", "Content-Type": "text/plain"})
        failed = self._take_failure(request.method)
        if failed is not None:
            status, retry_after = failed
            headers = {"Content-Type": "text/html; charset=utf-8"}
            if retry_after is not None:
                headers["Retry-After"] = str(int(retry_after))
            return Response(status, b"<html><body><h1>Service Unavailable</h1></body></html>", headers)
        if self._rate_limits:
            wait = self._rate_limits.pop(0)
            return Response(
                429, b"Too Many Requests", {"Retry-After": str(int(wait)), "Content-Type": "text/plain"}
            )
        if name in self._redirects:
            location, status = self._redirects[name]
            return Response(status, b"", {"Location": location})
        feed = self._feeds.get(name)
        if feed is None:
            return Response(
                404, b"<html><body>Not Found</body></html>", {"Content-Type": "text/html; charset=utf-8"}
            )
        if feed.key is not None:
            given = _key(request)
            if given is None:
                return Response(
                    401,
                    b"Unauthorized",
                    {"WWW-Authenticate": 'Bearer realm="feeds"', "Content-Type": "text/plain"},
                )
            if given != feed.key or feed.key_expired:
                return Response(403, b"Forbidden", {"Content-Type": "text/plain"})
        spoiled = self._take_malformed()
        if spoiled is not None:
            # ``drop`` names JSON fields; a feed is spoilt one way only, by leaving out its entries' ids and links.
            mode, _ = spoiled
            if mode == "invalid_json":
                # What a CMS or captive portal sends instead of the feed: HTML, with a 200.
                page = b"<!DOCTYPE html><html><head><title>Error</title></head><body>Database error</body>"
                return Response(200, page, {"Content-Type": "text/html; charset=utf-8"})
            body = self._render(feed, with_ids=False)
        elif feed.raw is not None:
            body = feed.raw[0]
        else:
            body = self._render(feed, with_ids=True)
        etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
        modified = feed.modified_at.replace(microsecond=0)
        headers = {
            "Content-Type": feed.raw[1] if feed.raw is not None else CONTENT_TYPES[feed.kind],
            "ETag": etag,
            "Last-Modified": _rfc822(modified),
            "Cache-Control": "max-age=300",
        }
        if _not_modified(request, etag, modified):
            return Response(304, b"", {k: v for k, v in headers.items() if k != "Content-Type"})
        return Response(200, body, headers)

    # -- rendering -----------------------------------------------------------------------------------------

    def _render(self, feed: _Feed, *, with_ids: bool) -> bytes:
        entries = sorted(feed.entries, key=lambda e: e.published or feed.modified_at, reverse=True)
        if feed.kind == "rss":
            return _rss(feed, entries, with_ids=with_ids).encode("utf-8")
        return _atom(feed, entries, with_ids=with_ids).encode("utf-8")

    def _now(self) -> datetime:
        return self.clock().astimezone(UTC)


def feed_path(name: str) -> str:
    return f"/feeds/{name}.xml"


def _rss(feed: _Feed, entries: list[_Entry], *, with_ids: bool) -> str:
    items = []
    for e in entries:
        parts = [f"<title>{escape(e.title)}</title>"]
        if with_ids and e.link:
            parts.append(f"<link>{escape(e.link)}</link>")
        if with_ids and e.guid:
            is_link = "true" if e.guid == e.link else "false"
            parts.append(f"<guid isPermaLink={quoteattr(is_link)}>{escape(e.guid)}</guid>")
        if e.published_raw is not None:
            parts.append(f"<pubDate>{escape(e.published_raw)}</pubDate>")
        elif e.published is not None:
            parts.append(f"<pubDate>{_rfc822(e.published)}</pubDate>")
        if e.author:
            parts.append(f"<dc:creator>{escape(e.author)}</dc:creator>")
        if e.summary_html:
            parts.append(f"<description>{escape(e.summary_html)}</description>")
        items.append("<item>" + "".join(parts) + "</item>")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>'
        f"<title>{escape(feed.title)}</title><link>{escape(feed.link)}</link>"
        f"<description>{escape(feed.title)}</description>"
        f"<lastBuildDate>{_rfc822(feed.modified_at)}</lastBuildDate>" + "".join(items) + "</channel></rss>\n"
    )


def _atom(feed: _Feed, entries: list[_Entry], *, with_ids: bool) -> str:
    out = []
    for e in entries:
        parts = [f'<title type="html">{escape(e.title)}</title>']
        if with_ids and e.guid:
            parts.append(f"<id>{escape(e.guid)}</id>")
        if with_ids and e.link:
            parts.append(f"<link href={quoteattr(e.link)}/>")
        if e.published_raw is not None:
            parts.append(f"<published>{escape(e.published_raw)}</published>")
        elif e.published is not None:
            parts.append(f"<published>{_rfc3339(e.published)}</published>")
        updated = e.updated or e.published
        if updated is not None and e.published_raw is None:
            parts.append(f"<updated>{_rfc3339(updated)}</updated>")
        if e.author:
            parts.append(f"<author><name>{escape(e.author)}</name></author>")
        if e.summary_html:
            parts.append(f'<content type="html">{escape(e.summary_html)}</content>')
        out.append("<entry>" + "".join(parts) + "</entry>")
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<feed xmlns="http://www.w3.org/2005/Atom">'
        f"<id>tag:sandbox.example,2026:{escape(feed.name)}</id><title>{escape(feed.title)}</title>"
        f"<link href={quoteattr(feed.link)}/><updated>{_rfc3339(feed.modified_at)}</updated>"
        + "".join(out)
        + "</feed>\n"
    )


def _rfc822(when: datetime) -> str:
    return format_datetime(when.astimezone(UTC).replace(microsecond=0), usegmt=True)


def _rfc3339(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _utc(when: datetime | None) -> datetime | None:
    if when is None:
        return None
    if when.tzinfo is None:
        raise ValueError("sandbox times must be timezone-aware")
    return when.astimezone(UTC).replace(microsecond=0)


def _key(request: Request) -> str | None:
    scheme, _, value = (request.header("authorization") or "").partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return request.query.get("key") or None


def _not_modified(request: Request, etag: str, modified: datetime) -> bool:
    if_none_match = request.header("if-none-match")
    if if_none_match is not None:
        # RFC 9110: If-None-Match takes precedence; weak comparison, and "*" matches any current entity.
        candidates = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return "*" in candidates or etag in candidates
    since = request.header("if-modified-since")
    if since is None:
        return False
    try:
        when = parsedate_to_datetime(since)
    except (TypeError, ValueError):
        return False
    return when.tzinfo is not None and modified <= when


# -- demo seed -----------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class WebDemoSeed:
    """What :func:`seed_demo_web` created: the local news feed's URL and the ids of its entries by key."""

    feed_url: str
    feed_name: str
    entry_ids: Mapping[str, str]
    matching: tuple[str, ...]

    @property
    def total(self) -> int:
        return len(self.entry_ids)


_GAZETTE = "https://millbridge-gazette.example"

_DEMO_ENTRIES: tuple[tuple[str, int, str, str, bool], ...] = (
    (
        "trees",
        30,
        "Brookfield Vale pupils plant 200 trees at Millbridge Park",
        (
            "<p>Children from <b>Brookfield Vale</b> Primary School spent Tuesday morning planting saplings "
            "with the council's parks team.</p>"
        ),
        True,
    ),
    (
        "parking",
        20,
        "Parents raise concerns over school-run parking on Station Road",
        (
            "<p>Residents say cars outside BVPS block driveways every morning. The school says it has "
            "written to families &amp; asked them to use the Leisure Centre car park.</p>"
        ),
        True,
    ),
    (
        "academy",
        14,
        "Brookfield Academy opens new sports hall",
        (
            "<p>The secondary school on Brookfield Road, which is unrelated to any Millbridge primary, "
            "opened its £2m hall on Friday.</p>"
        ),
        False,
    ),
    (
        "gritting",
        9,
        "Council confirms winter gritting routes for Millbridge",
        "<p>Priority routes include the roads around the town's schools and the hospital.</p>",
        False,
    ),
    (
        "ofsted",
        3,
        "Ofsted praises reading at Brookfield Vale Primary School",
        (
            "<p>Inspectors said pupils &ldquo;read widely and often&rdquo; and that behaviour was calm and "
            "orderly.</p>"
        ),
        True,
    ),
)


def seed_demo_web(sb: Sandbox, *, now: datetime) -> WebDemoSeed:
    """Create the Millbridge Gazette's RSS feed in ``sb`` (made up): three stories about Brookfield Vale
    Primary School, one about a different Brookfield, and one about neither, all published in the days before
    ``now``."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    web = sb.web
    name = "millbridge-gazette"
    path = web.add_feed(name, title="Millbridge Gazette: Local news", kind="rss", link=_GAZETTE)
    entry_ids: dict[str, str] = {}
    for key, hours_ago, title, summary, _ in _DEMO_ENTRIES:
        slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
        entry_ids[key] = web.add_entry(
            name,
            title=title,
            summary_html=summary,
            link=f"{_GAZETTE}/news/{slug}",
            guid=f"{_GAZETTE}/?p={1000 + len(entry_ids)}",
            published=now - timedelta(hours=hours_ago),
            author="Gazette reporter",
        )
    return WebDemoSeed(
        feed_url=f"{sb.url}{path}",
        feed_name=name,
        entry_ids=MappingProxyType(entry_ids),
        matching=tuple(key for key, *_, matches in _DEMO_ENTRIES if matches),
    )
