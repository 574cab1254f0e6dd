"""Facebook Page connector: reads post comments and replies through the Graph API and moderates them.

Why httpx (through :class:`connectors._http.HttpClient`) and not ``facebook-sdk`` 3.1.0: that library only
accepts Graph versions 2.8–3.1 (all retired; its version regex even rejects a two-digit major such as ``25.0``),
cannot send ``appsecret_proof``, discards the response headers that carry Graph's rate-limit hints
(``X-Business-Use-Case-Usage``), and runs on ``requests``, so it could not share the project's one retry/backoff
policy. Graph is plain JSON over HTTPS; a dozen lines of httpx do what we need
(``/work/shared/research/platform-apis.md`` §5).

The token travels only in the ``Authorization: Bearer`` header, never in a URL: httpx logs request URLs at INFO.
``appsecret_proof`` (an HMAC of the token, useless without it) does go in the query, where Graph expects it.

Errors, sorted by :func:`_raise_for_status` on Graph's ``code``/``error_subcode`` (not the HTTP status)::

    190 (any subcode), 102, 104, 10, 200-299   AuthError          a person must reconnect the Page
    4, 17, 32, 341, 613, 80001                 RateLimitedError   wait: Retry-After, else BUC estimated_time
    1, 2, or HTTP 5xx without a code           RetryableError
    100 with subcode 33                        NotFoundError      the object is gone
    368, other 100, anything else              PermanentError
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar, TypedDict
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx

from connectors._http import HttpClient, parse_retry_after, redact_url
from connectors.base import (
    Author,
    Capabilities,
    Clock,
    Cursor,
    Item,
    ItemKind,
    Page,
    PlatformState,
    Secret,
    utc_now,
)
from connectors.errors import (
    ActionRefusedError,
    AuthError,
    MalformedResponseError,
    NotFoundError,
    PermanentError,
    RateLimitedError,
    RetryableError,
)

logger = logging.getLogger(__name__)

PLATFORM = "facebook"
CURSOR_VERSION = 1

#: Graph's timestamp format: ISO 8601 with a colon-less ``+0000`` offset.
GRAPH_TIME_FORMAT = "%Y-%m-%dT%H:%M:%S%z"

COMMENT_FIELDS = (
    "id,message,from{id,name},created_time,is_hidden,can_hide,can_remove,can_comment,permalink_url,parent{id}"
)
POST_FIELDS = "id,created_time"

_AUTH_CODES = frozenset({10, 102, 104, 190})
_RATE_LIMIT_CODES = frozenset({4, 17, 32, 341, 613, 80001})
_TRANSIENT_CODES = frozenset({1, 2})

_AUTH_SUBCODES: Mapping[int, str] = {
    458: "the app is not installed for this user",
    459: "the user's account is checkpointed",
    460: "the password was changed",
    463: "the token has expired",
    464: "the user is unconfirmed",
    467: "the token is invalid",
    492: "the token's user no longer has a role on the Page (a new token from the same user will not help)",
}


class _GraphError(TypedDict, total=False):
    message: str
    type: str
    code: int
    error_subcode: int
    fbtrace_id: str


def _raise_for_status(response: httpx.Response, *, clock: Clock = utc_now) -> None:
    """Sort a Graph response into :mod:`connectors.errors`; return quietly for 2xx.

    Messages carry the code, subcode, type and ``fbtrace_id`` (what Meta support asks for) but never Graph's own
    message, which can quote the object being acted on.
    """
    if response.is_success:
        return
    error = _graph_error(response)
    code = error.get("code")
    subcode = error.get("error_subcode")
    where = f"{response.request.method} {redact_url(response.request.url).split('?')[0]}"
    detail = ", ".join(
        f"{name} {value}"
        for name, value in (
            ("HTTP", response.status_code),
            ("code", code),
            ("subcode", subcode),
            ("type", error.get("type")),
            ("fbtrace_id", error.get("fbtrace_id")),
        )
        if value is not None
    )
    if code is None:
        if response.status_code == 429:
            raise RateLimitedError(
                f"rate limited on {where} ({detail})",
                platform=PLATFORM,
                retry_after=_retry_after(response, clock),
                code=429,
            )
        if response.status_code >= 500:
            raise RetryableError(
                f"server error on {where} ({detail})",
                platform=PLATFORM,
                retry_after=_retry_after(response, clock),
                code=response.status_code,
            )
        if response.status_code in (401, 403):
            raise AuthError(
                f"not authorised on {where} ({detail})", platform=PLATFORM, code=response.status_code
            )
        raise PermanentError(
            f"request refused on {where} ({detail})", platform=PLATFORM, code=response.status_code
        )
    if code in _AUTH_CODES or 200 <= code <= 299:
        reason = _AUTH_SUBCODES.get(subcode or 0, "the token is invalid, expired or lacks a permission")
        raise AuthError(
            f"Facebook rejected the Page token: {reason}; reconnect the Page ({detail})",
            platform=PLATFORM,
            code=code,
        )
    if code in _RATE_LIMIT_CODES:
        raise RateLimitedError(
            f"Facebook rate limit reached on {where} ({detail})",
            platform=PLATFORM,
            retry_after=_retry_after(response, clock),
            code=code,
        )
    if code in _TRANSIENT_CODES:
        raise RetryableError(
            f"Facebook transient error on {where} ({detail})",
            platform=PLATFORM,
            retry_after=_retry_after(response, clock),
            code=code,
        )
    if code == 100 and subcode == 33:
        raise NotFoundError(
            f"the object does not exist or cannot be loaded: {where} ({detail})", platform=PLATFORM, code=code
        )
    if code == 368:
        raise PermanentError(
            f"Facebook has temporarily blocked this Page from this action for policy reasons ({detail})",
            platform=PLATFORM,
            code=code,
        )
    if response.status_code >= 500:
        raise RetryableError(
            f"server error on {where} ({detail})",
            platform=PLATFORM,
            retry_after=_retry_after(response, clock),
            code=code,
        )
    raise PermanentError(f"Facebook refused {where} ({detail})", platform=PLATFORM, code=code)


def _graph_error(response: httpx.Response) -> _GraphError:
    try:
        body = response.json()
    except ValueError:
        return {}
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return {}
    out: _GraphError = {}
    code, subcode = error.get("code"), error.get("error_subcode")
    # Be lenient about the JSON type of the codes (int or digit string); ignore anything else.
    if isinstance(code, (int, str)) and not isinstance(code, bool) and str(code).isdigit():
        out["code"] = int(code)
    if isinstance(subcode, (int, str)) and not isinstance(subcode, bool) and str(subcode).isdigit():
        out["error_subcode"] = int(subcode)
    if isinstance(error.get("type"), str):
        out["type"] = error["type"]
    if isinstance(error.get("fbtrace_id"), str):
        out["fbtrace_id"] = error["fbtrace_id"]
    return out


def _retry_after(response: httpx.Response, clock: Clock) -> float | None:
    """The longest wait the server hinted at: ``Retry-After`` (seconds or HTTP-date) or the Business Use Case
    header's ``estimated_time_to_regain_access``, which Graph gives in *minutes* and is its only hint."""
    hints: list[float] = []
    header = parse_retry_after(response.headers.get("Retry-After"), now=clock())
    if header is not None:
        hints.append(header)
    for name in ("X-Business-Use-Case-Usage", "X-Ad-Account-Usage"):
        raw = response.headers.get(name)
        if not raw:
            continue
        try:
            usage = json.loads(raw)
        except ValueError:
            continue
        entries: list[Any] = []
        if isinstance(usage, dict):
            for value in usage.values():
                entries.extend(value if isinstance(value, list) else [value])
        for entry in entries:
            minutes = entry.get("estimated_time_to_regain_access") if isinstance(entry, dict) else None
            if isinstance(minutes, (int, float)) and not isinstance(minutes, bool) and minutes > 0:
                hints.append(float(minutes) * 60)
    return max(hints) if hints else None


# -- cursor ----------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Round:
    """One poll, possibly spread over several ``fetch`` calls: the posts still to read, and when it began."""

    started_at: datetime
    pending: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _CursorState:
    """``watermarks``: per post, the newest ``created_time`` delivered (never later than a poll's start)."""

    watermarks: Mapping[str, datetime]
    round: _Round | None = None

    def dump(self) -> dict[str, Any]:
        return {
            "v": CURSOR_VERSION,
            "watermarks": {post: when.isoformat() for post, when in sorted(self.watermarks.items())},
            "round": None
            if self.round is None
            else {
                "started_at": self.round.started_at.isoformat(),
                "pending": list(self.round.pending),
            },
        }


#: Upgrades from version N to N+1, applied in order on load. Version 1 is the first; a v2 adds ``{1: _v1_to_v2}``.
_MIGRATIONS: Mapping[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}


def _load_cursor(cursor: Cursor | None) -> _CursorState:
    if cursor is None:
        return _CursorState(watermarks={})
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
    watermarks = raw.get("watermarks")
    if not isinstance(watermarks, Mapping):
        raise _bad_cursor("'watermarks' must be an object")
    parsed = {str(post): _cursor_time(when, "watermark") for post, when in watermarks.items()}
    round_raw = raw.get("round")
    if round_raw is None:
        return _CursorState(parsed)
    if not isinstance(round_raw, Mapping):
        raise _bad_cursor("'round' must be an object or null")
    pending = round_raw.get("pending")
    if not isinstance(pending, list) or not all(isinstance(p, str) and p for p in pending):
        raise _bad_cursor("'round.pending' must be a list of post ids")
    return _CursorState(
        parsed, _Round(_cursor_time(round_raw.get("started_at"), "round.started_at"), tuple(pending))
    )


def _cursor_time(value: object, name: str) -> datetime:
    if not isinstance(value, str):
        raise _bad_cursor(f"{name} must be an ISO 8601 string")
    try:
        when = datetime.fromisoformat(value)
    except ValueError as exc:
        raise _bad_cursor(f"{name} is not an ISO 8601 time") from exc
    if when.tzinfo is None:
        raise _bad_cursor(f"{name} has no timezone")
    return when.astimezone(UTC)


def _bad_cursor(reason: str) -> PermanentError:
    return PermanentError(
        f"the saved Facebook cursor is not valid ({reason}); reset the account's cursor to "
        "re-read the last days of comments",
        platform=PLATFORM,
        code="bad_cursor",
    )


# -- parsing ---------------------------------------------------------------------------------------------


def _parse_time(value: object, field: str) -> datetime:
    if not isinstance(value, str):
        raise MalformedResponseError(f"Graph object has no usable '{field}'", platform=PLATFORM, code=field)
    try:
        return datetime.strptime(value, GRAPH_TIME_FORMAT).astimezone(UTC)
    except ValueError as exc:
        raise MalformedResponseError(
            f"Graph object has an unparseable '{field}'", platform=PLATFORM, code=field
        ) from exc


def _optional_bool(raw: Mapping[str, Any], key: str) -> bool | None:
    value = raw.get(key)
    return value if isinstance(value, bool) else None


def _parse_comment(raw: object, *, page_id: str, post_id: str) -> Item:
    """Turn one Graph comment into an :class:`Item`; a missing ``id`` or ``created_time`` is malformed."""
    if not isinstance(raw, Mapping):
        raise MalformedResponseError("Graph 'data' holds a non-object entry", platform=PLATFORM, code="data")
    comment: Mapping[str, Any] = raw
    external_id = comment.get("id")
    if not isinstance(external_id, str) or not external_id:
        raise MalformedResponseError("Graph comment has no 'id'", platform=PLATFORM, code="id")
    created_at = _parse_time(comment.get("created_time"), "created_time")
    # ``from`` is absent for some authors (privacy settings, deleted accounts): an anonymous author, not an error.
    author_raw = comment.get("from")
    author = Author()
    if isinstance(author_raw, Mapping):
        author_id, author_name = author_raw.get("id"), author_raw.get("name")
        author = Author(
            external_id=author_id if isinstance(author_id, str) and author_id else None,
            display_name=author_name if isinstance(author_name, str) and author_name else None,
        )
    parent = comment.get("parent")
    parent_id = parent.get("id") if isinstance(parent, Mapping) else None
    # With filter=stream a reply names its top-level comment in ``parent``; top-level comments have none (or,
    # on some surfaces, the post itself).
    is_reply = isinstance(parent_id, str) and bool(parent_id) and parent_id != post_id
    message = comment.get("message")
    permalink = comment.get("permalink_url")
    return Item(
        platform=PLATFORM,
        account_external_id=page_id,
        external_id=external_id,
        kind=ItemKind.REPLY if is_reply else ItemKind.COMMENT,
        # Sticker- or photo-only comments have no ``message``.
        text=message if isinstance(message, str) else "",
        created_at=created_at,
        author=author,
        parent_external_id=parent_id if is_reply else post_id,
        post_external_id=post_id,
        permalink=permalink if isinstance(permalink, str) else None,
        platform_state=PlatformState.HIDDEN if comment.get("is_hidden") is True else PlatformState.VISIBLE,
        can_hide=_optional_bool(comment, "can_hide"),
        can_delete=_optional_bool(comment, "can_remove"),
        can_reply=_optional_bool(comment, "can_comment"),
    )


def _json_object(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError as exc:
        raise MalformedResponseError(
            f"Graph answered {response.request.method} {redact_url(response.request.url).split('?')[0]} with a "
            f"body that is not JSON (Content-Type {response.headers.get('Content-Type', 'missing')})",
            platform=PLATFORM,
            code="json",
        ) from exc
    if not isinstance(body, dict):
        raise MalformedResponseError(
            "Graph answered with JSON that is not an object", platform=PLATFORM, code="json"
        )
    return body


# -- connector -------------------------------------------------------------------------------------------


class FacebookConnector:
    """One Facebook Page. Needs a Page token whose user has the MODERATE task, with ``pages_read_engagement``,
    ``pages_read_user_content`` and ``pages_manage_engagement``."""

    platform: ClassVar[str] = PLATFORM
    capabilities: ClassVar[Capabilities] = Capabilities(
        hide=True,
        unhide=True,
        delete=True,
        reply=True,
        ban=True,
        notes={
            "hide": "not for comments by the Page or its admins; hidden comments stay visible to their author "
            "and their friends",
            "ban": "blocks the person from the Page; they can no longer comment or message it",
        },
    )

    def __init__(
        self,
        *,
        page_id: str,
        token: Secret,
        http: HttpClient,
        base_url: str = "https://graph.facebook.com",
        api_version: str = "v25.0",
        app_secret: Secret | None = None,
        clock: Clock = utc_now,
        lookback_days: int = 30,
        page_size: int = 100,
    ) -> None:
        if not page_id:
            raise ValueError("page_id must not be empty")
        if lookback_days < 1:
            raise ValueError("lookback_days must be at least 1")
        self.page_id = page_id
        self._token = token
        self._http = http
        self._root = f"{base_url.rstrip('/')}/{api_version.strip('/')}"
        self._origin = urlsplit(base_url)[:2]
        self._proof = (
            hmac.new(
                app_secret.get_secret_value().encode(), token.get_secret_value().encode(), hashlib.sha256
            ).hexdigest()
            if app_secret
            else None
        )
        self._clock = clock
        self.lookback = timedelta(days=lookback_days)
        self.page_size = max(1, min(page_size, 100))

    def __repr__(self) -> str:
        return f"FacebookConnector(page_id={self.page_id!r}, base_url={self._root!r})"

    # -- transport ---------------------------------------------------------------------------------------

    def _request(
        self,
        method: str,
        path_or_url: str,
        *,
        params: Mapping[str, str] | None = None,
        data: Mapping[str, str] | None = None,
        idempotent: bool = True,
    ) -> dict[str, Any]:
        url = path_or_url if "://" in path_or_url else f"{self._root}/{path_or_url.lstrip('/')}"
        parts = urlsplit(url)
        # httpx replaces (not merges) a URL's query when given ``params``, and ``paging.next`` URLs carry their
        # own query, so the query is assembled here.
        query = parse_qsl(parts.query, keep_blank_values=True) + list((params or {}).items())
        if self._proof is not None and not any(key == "appsecret_proof" for key, _ in query):
            query.append(("appsecret_proof", self._proof))
        response = self._http.request(
            method,
            urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), "")),
            data=data,
            headers={"Authorization": f"Bearer {self._token.get_secret_value()}"},
            raise_for_status=self._raise_for_status,
            idempotent=idempotent,
        )
        return _json_object(response)

    def _raise_for_status(self, response: httpx.Response) -> None:
        _raise_for_status(response, clock=self._http.clock)

    def _paged(self, path: str, params: Mapping[str, str]) -> Iterator[list[object]]:
        """Yield each page's ``data``, following ``paging.next`` until Graph leaves it out. Never stops on a
        short page: privacy filtering can drop rows from any page."""
        body = self._request("GET", path, params=params)
        while True:
            data = body.get("data")
            if not isinstance(data, list):
                raise MalformedResponseError(
                    "Graph list response has no 'data' array", platform=PLATFORM, code="data"
                )
            yield data
            paging = body.get("paging")
            next_url = paging.get("next") if isinstance(paging, Mapping) else None
            if not next_url:
                return
            body = self._request("GET", self._checked_next(next_url))

    def _checked_next(self, next_url: object) -> str:
        # ``next`` is followed with the token attached, so it must point back at the Graph host we were given.
        if not isinstance(next_url, str) or urlsplit(next_url)[:2] != self._origin:
            raise MalformedResponseError(
                "Graph 'paging.next' points outside the Graph API host", platform=PLATFORM, code="paging.next"
            )
        parts = urlsplit(next_url)
        # Graph echoes access_token into ``next`` when it was sent in the query; ours travels in the header.
        query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "access_token"]
        return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))

    # -- fetch ---------------------------------------------------------------------------------------------

    def fetch(self, cursor: Cursor | None) -> Page:
        """Read one post's new comments and replies per call (``has_more`` while posts remain in this poll).

        Each post keeps a watermark: the newest ``created_time`` delivered, capped at the poll's start. Items at
        the watermark are delivered again (``>=``); the bot de-duplicates on the external id. Graph's own paging
        cursors are never saved: they die when their anchor comment is deleted.
        """
        state = _load_cursor(cursor)
        watermarks = dict(state.watermarks)
        round_ = state.round
        if round_ is None:
            started_at = self._clock().astimezone(UTC)
            posts = self._recent_posts(started_at)
            # Forget posts that fell out of the lookback window, so the cursor stays small.
            watermarks = {post: when for post, when in watermarks.items() if post in posts}
            round_ = _Round(started_at, tuple(posts))
        if not round_.pending:
            return Page(items=(), next_cursor=_CursorState(watermarks).dump(), has_more=False)
        post_id, *rest = round_.pending
        previous = watermarks.get(post_id)
        try:
            items = self._post_comments(post_id, previous)
        except NotFoundError:
            # The post was deleted since the poll listed it; skipping it is the only way forward, otherwise the
            # saved cursor would ask for it again on every poll.
            logger.info("facebook page %s: post %s is gone; skipping it", self.page_id, post_id)
            items = []
            watermarks.pop(post_id, None)
        if items:
            # The signpost: never past the poll's start, so a comment stamped later is read again next poll.
            newest = min(max(item.created_at for item in items), round_.started_at)
            watermarks[post_id] = newest if previous is None else max(previous, newest)
        next_round = _Round(round_.started_at, tuple(rest)) if rest else None
        logger.debug(
            "facebook page %s post %s: %d items, %d posts left in this poll",
            self.page_id,
            post_id,
            len(items),
            len(rest),
        )
        return Page(
            items=tuple(items), next_cursor=_CursorState(watermarks, next_round).dump(), has_more=bool(rest)
        )

    def _recent_posts(self, started_at: datetime) -> list[str]:
        """The Page's published posts created within the lookback window, oldest first."""
        since = started_at - self.lookback
        found: list[tuple[datetime, str]] = []
        params = {"fields": POST_FIELDS, "limit": str(self.page_size), "since": str(int(since.timestamp()))}
        for data in self._paged(f"{self.page_id}/published_posts", params):
            for raw in data:
                if not isinstance(raw, Mapping) or not isinstance(raw.get("id"), str) or not raw["id"]:
                    raise MalformedResponseError("Graph post has no 'id'", platform=PLATFORM, code="id")
                created = _parse_time(raw.get("created_time"), "created_time")
                # ``since`` is a hint; the window is enforced here too.
                if created >= since:
                    found.append((created, raw["id"]))
        found.sort()
        return list(dict.fromkeys(post_id for _, post_id in found))

    def _post_comments(self, post_id: str, watermark: datetime | None) -> list[Item]:
        # Graph's ``since`` on the comments edge is undocumented in its boundary semantics, so every comment is
        # read and the watermark applied here.
        params = {
            "filter": "stream",
            "order": "chronological",
            "fields": COMMENT_FIELDS,
            "limit": str(self.page_size),
        }
        items: list[Item] = []
        for data in self._paged(f"{post_id}/comments", params):
            for raw in data:
                item = _parse_comment(raw, page_id=self.page_id, post_id=post_id)
                if watermark is None or item.created_at >= watermark:
                    items.append(item)
        return items

    # -- actions -------------------------------------------------------------------------------------------

    def _comment_flags(self, external_id: str, fields: str) -> Mapping[str, Any]:
        return self._request("GET", external_id, params={"fields": fields})

    def hide(self, external_id: str) -> None:
        """Hide a comment. Already hidden counts as done."""
        flags = self._comment_flags(external_id, "id,is_hidden,can_hide")
        if flags.get("is_hidden") is True:
            return
        # Graph reports can_hide per comment; only an explicit false is a refusal.
        if flags.get("can_hide") is False:
            raise ActionRefusedError(
                "Facebook does not allow hiding this comment (comments by the Page or its admins, and some "
                "comments on visitor posts, cannot be hidden). Delete it instead, or reply.",
                platform=PLATFORM,
                code="can_hide",
            )
        self._expect_success(self._request("POST", external_id, data={"is_hidden": "true"}), "hide")

    def unhide(self, external_id: str) -> None:
        """Make a hidden comment visible again. Already visible counts as done."""
        flags = self._comment_flags(external_id, "id,is_hidden")
        if flags.get("is_hidden") is not True:
            return
        self._expect_success(self._request("POST", external_id, data={"is_hidden": "false"}), "unhide")

    def delete(self, external_id: str) -> None:
        """Delete a comment (and, on Facebook, its replies). Raises :class:`NotFoundError` when it is already
        gone; the bot decides whether that means done."""
        flags = self._comment_flags(external_id, "id,can_remove")
        if flags.get("can_remove") is False:
            raise ActionRefusedError(
                "Facebook does not allow the Page to delete this comment. Hide it instead, or report it to "
                "Facebook.",
                platform=PLATFORM,
                code="can_remove",
            )
        self._expect_success(self._request("DELETE", external_id), "delete")

    def reply(self, external_id: str, text: str) -> str:
        """Reply as the Page; returns the new comment's id. A reply to a reply lands on the top-level comment."""
        if not text.strip():
            raise ValueError("reply text must not be empty")
        # The ``/comments`` edge, never ``POST /{comment-id}`` with a message: that *edits* the comment.
        # A retried reply after a timeout could post twice; only retry what surely did not run.
        body = self._request("POST", f"{external_id}/comments", data={"message": text}, idempotent=False)
        new_id = body.get("id")
        if not isinstance(new_id, str) or not new_id:
            raise MalformedResponseError("Graph reply response has no 'id'", platform=PLATFORM, code="id")
        return new_id

    def ban(self, author_external_id: str) -> None:
        """Block a person (by page-scoped id) from the Page."""
        body = self._request("POST", f"{self.page_id}/blocked", data={"user": author_external_id})
        # The answer maps each blocked id to true ({"<id>": true}); Graph may echo a different id form.
        if not body or not all(value is True for value in body.values()):
            raise ActionRefusedError(
                "Facebook did not block this person from the Page (they may already have "
                "left, or be a Page admin).",
                platform=PLATFORM,
                code="blocked",
            )

    def _expect_success(self, body: Mapping[str, Any], action: str) -> None:
        if body.get("success") is not True:
            raise PermanentError(f"Facebook did not confirm the {action}", platform=PLATFORM, code=action)

    def close(self) -> None:
        self._http.close()
