"""YouTube channel connector: comment threads and replies through the Data API v3, moderated within the daily quota.

Why httpx and not ``google-api-python-client``: the discovery client runs on ``httplib2``, retries on its own
terms and raises its own ``HttpError``; the five calls below are plain JSON over HTTPS, and through
:class:`connectors._http.HttpClient` they share the project's one retry policy. The OAuth access token travels
only in the ``Authorization: Bearer`` header.

Google's access tokens last an hour, so a long-running bot holds a refresh token instead and lets
:class:`GoogleOAuthTokens` exchange it for access tokens as they run out
(https://developers.google.com/identity/protocols/oauth2/web-server#offline). A static ``token`` still works,
for a one-off check with a token pasted from the OAuth Playground.

YouTube quirks this module is built around (``/work/shared/research/platform-apis.md`` §4;
https://developers.google.com/youtube/v3/docs):

* ``commentThreads.list?allThreadsRelatedToChannelId=`` takes **one** ``moderationStatus`` per call, and the
  default (``published``) hides exactly what a school most needs to see: comments YouTube held for review. Each
  poll reads every status in :attr:`YouTubeConnector.moderation_statuses`, one per ``fetch`` call.
* A thread carries only some of its replies; ``comments.list?parentId=`` returns the rest.
* **Only a comment's author can delete it.** "Delete" here sets ``rejected``, which also hides its replies and
  can never be undone: a rejected comment cannot be published again.
* ``banAuthor`` exists only on ``setModerationStatus`` and only with ``rejected``, so :meth:`YouTubeConnector.ban`
  takes the id of one of the author's comments, not their channel id.
* Every call costs quota units (list 1, moderation and insert 50) from a daily budget per Google Cloud project
  (10,000 by default) that resets at midnight Pacific time. :class:`QuotaLedger` counts them and refuses a call
  *before* it is sent when it would overrun; the API's own ``403 quotaExceeded`` is sorted the same way.

Errors, sorted by :func:`_raise_for_status` on Google's ``errors[0].reason`` and the HTTP status::

    quotaExceeded (403)                              QuotaExhaustedError  retry_after: until midnight Pacific
    429, rateLimitExceeded, userRateLimitExceeded    RateLimitedError     Retry-After when given
    401; 403 insufficientPermissions/authError       AuthError            a person must reconnect the channel
    403 forbidden on a read                          AuthError            the token is not the channel owner's
    403 forbidden on a write                         ActionRefusedError   not the owner of that comment's video
    404 (commentNotFound, channelNotFound, ...)      NotFoundError
    5xx                                              RetryableError
    400 banWithoutReject, processingFailure, other   PermanentError

The token endpoint answers in RFC 6749's shape instead (``{"error": "invalid_grant"}``), sorted by
:func:`_raise_for_token_status`::

    invalid_grant (400)                              AuthError            refresh token revoked: reconnect
    invalid_client, unauthorized_client (401)        AuthError            client id or secret is wrong
    429 / 5xx                                        RateLimitedError / RetryableError
    other 4xx                                        PermanentError
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, ClassVar, TypedDict
from zoneinfo import ZoneInfo

import httpx

from connectors._cursor import bad_cursor, load_cursor, step_round
from connectors._http import HttpClient, json_object, parse_retry_after, redact_url
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
    TokenStatus,
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

PLATFORM = "youtube"
CURSOR_VERSION = 1
DEFAULT_BASE_URL = "https://www.googleapis.com/youtube/v3"
DEFAULT_TOKEN_URL = "https://oauth2.googleapis.com/token"
DEFAULT_DAILY_QUOTA = 10_000

#: Google's quota day runs midnight to midnight in Pacific time (PST/PDT, so 07:00 or 08:00 UTC).
QUOTA_TIMEZONE = ZoneInfo("America/Los_Angeles")

#: Stop using an access token this long before Google says it expires, so it cannot die between our check and
#: Google's, whatever the request's duration or the clocks' skew. google-auth uses the same margin
#: (``REFRESH_THRESHOLD`` in ``google/auth/_helpers.py``).
TOKEN_REFRESH_MARGIN = timedelta(minutes=3, seconds=45)
#: RFC 6749 §5.1 only recommends ``expires_in``. Google always sends it; if it ever did not, assume the documented
#: hour, and the refresh-on-401 in :meth:`YouTubeConnector._call` catches a token that dies sooner.
DEFAULT_TOKEN_LIFETIME = timedelta(hours=1)

#: Units per call (https://developers.google.com/youtube/v3/determine_quota_cost).
LIST_COST = 1
WRITE_COST = 50

#: What ``commentThreads.list`` can filter on; ``rejected`` comments cannot be listed at all.
LISTABLE_STATUSES = ("published", "heldForReview", "likelySpam")
DEFAULT_STATUSES = ("published", "heldForReview")

_STATE_BY_STATUS: Mapping[str, PlatformState] = {
    "published": PlatformState.VISIBLE,
    "heldForReview": PlatformState.HIDDEN,
    "likelySpam": PlatformState.HIDDEN,
    "rejected": PlatformState.DELETED,
}
_RATE_LIMIT_REASONS = frozenset({"rateLimitExceeded", "userRateLimitExceeded"})
_AUTH_REASONS = frozenset({"authError", "insufficientPermissions", "required", "invalidCredentials"})
# A channel id is "UC" and 22 more characters; comment ids look nothing like it ("Ugx...", "Ugw...").
_CHANNEL_ID = re.compile(r"^UC[0-9A-Za-z_-]{22}$")


# -- quota -------------------------------------------------------------------------------------------------


def quota_day(when: datetime) -> date:
    """The quota day ``when`` falls in: its date in Pacific time."""
    return when.astimezone(QUOTA_TIMEZONE).date()


def quota_resets_at(when: datetime) -> datetime:
    """The next midnight Pacific after ``when``, in UTC."""
    next_day = quota_day(when) + timedelta(days=1)
    return datetime.combine(next_day, time(0), tzinfo=QUOTA_TIMEZONE).astimezone(UTC)


class QuotaExhaustedError(RateLimitedError):
    """The day's YouTube quota is (or would be) spent; ``retry_after`` runs to the reset at midnight Pacific.
    ``used``/``limit`` are our own count, or ``None`` when it was YouTube that said so."""

    def __init__(
        self, message: str, *, used: int | None, limit: int | None, resets_at: datetime, now: datetime
    ) -> None:
        super().__init__(
            message,
            platform=PLATFORM,
            code="quotaExceeded",
            retry_after=max(0.0, (resets_at - now).total_seconds()),
        )
        self.used = used
        self.limit = limit
        self.resets_at = resets_at


class QuotaLedger:
    """Units spent today against one Google Cloud project's daily quota. Thread-safe. Share one ledger between
    every connector that draws on the same project, and keep it for the life of the process: connectors are
    rebuilt for each poll, the quota is not."""

    def __init__(self, daily_units: int = DEFAULT_DAILY_QUOTA) -> None:
        if daily_units < 1:
            raise ValueError("daily_units must be positive")
        self.daily_units = daily_units
        self._lock = threading.Lock()
        self._day: date | None = None
        self._used = 0

    def _roll(self, now: datetime) -> None:
        today = quota_day(now)
        if self._day != today:
            self._day, self._used = today, 0

    def used(self, now: datetime) -> int:
        with self._lock:
            self._roll(now)
            return self._used

    def reserve(self, units: int, *, now: datetime) -> None:
        """Count ``units`` for a call about to be sent, or raise :class:`QuotaExhaustedError` and count nothing."""
        with self._lock:
            self._roll(now)
            if self._used + units > self.daily_units:
                resets_at = quota_resets_at(now)
                raise QuotaExhaustedError(
                    f"YouTube daily quota would be exceeded: {self._used} of {self.daily_units} units used and "
                    f"this call needs {units}; resets at {resets_at:%Y-%m-%d %H:%M} UTC (midnight Pacific time)",
                    used=self._used,
                    limit=self.daily_units,
                    resets_at=resets_at,
                    now=now,
                )
            self._used += units

    def charge(self, units: int, *, now: datetime) -> None:
        """Count units already spent (a retried request is billed again), without refusing."""
        with self._lock:
            self._roll(now)
            self._used += units

    def exhaust(self, *, now: datetime) -> None:
        """YouTube said ``quotaExceeded``: believe it until the reset, whatever our count says."""
        with self._lock:
            self._roll(now)
            self._used = max(self._used, self.daily_units)

    def restore(self, day: date, units: int, *, now: datetime) -> None:
        """Take a count saved earlier (in the cursor) into account, if it is for today."""
        with self._lock:
            self._roll(now)
            if day == self._day:
                self._used = max(self._used, units)

    def snapshot(self, *, now: datetime) -> dict[str, Any]:
        with self._lock:
            self._roll(now)
            return {"day": str(self._day), "units": self._used}


# -- OAuth access tokens ---------------------------------------------------------------------------------


class GoogleTokenCache:
    """The access token last issued for one refresh token, and when to stop using it.

    Keep one per refresh token for the life of the process, as with :class:`QuotaLedger`: connectors (and the
    :class:`GoogleOAuthTokens` inside them) are rebuilt for every poll, and a token refresh per poll would be a
    wasted round trip to Google. The lock is held across a refresh, so providers sharing a cache refresh once,
    not once each."""

    __slots__ = ("_lock", "_refresh_at", "_token")

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._token: Secret | None = None
        self._refresh_at: datetime | None = None

    def get(self, now: datetime, refresh: Callable[[], tuple[Secret, timedelta]]) -> Secret:
        """The cached token while ``now`` is before its refresh time; otherwise ``refresh()``'s, cached."""
        with self._lock:
            if self._token is not None and self._refresh_at is not None and now < self._refresh_at:
                return self._token
            token, lifetime = refresh()
            # ``now`` was read before the request, so the token's lifetime is counted from no later than Google
            # started it.
            self._token, self._refresh_at = token, now + max(lifetime - TOKEN_REFRESH_MARGIN, timedelta(0))
            return token

    def forget(self, rejected: Secret) -> None:
        """Drop ``rejected`` if it is still the cached token; another thread may already have replaced it."""
        with self._lock:
            if self._token == rejected:
                self._token = self._refresh_at = None

    def __repr__(self) -> str:
        return f"GoogleTokenCache(has_token={self._token is not None}, refresh_at={self._refresh_at!r})"


class GoogleOAuthTokens:
    """Access tokens for one channel, from a refresh token: fetched on first use, reused until
    :data:`TOKEN_REFRESH_MARGIN` before they expire, and fetched again when YouTube refuses one early."""

    def __init__(
        self,
        *,
        client_id: str,
        client_secret: Secret,
        refresh_token: Secret,
        http: HttpClient,
        token_url: str = DEFAULT_TOKEN_URL,
        clock: Clock = utc_now,
        cache: GoogleTokenCache | None = None,
    ) -> None:
        if not client_id or not client_secret or not refresh_token:
            raise ValueError("client_id, client_secret and refresh_token must not be empty")
        self._client_id = client_id
        self._client_secret = client_secret
        self._refresh_token = refresh_token
        self._http = http
        self._token_url = token_url
        self._clock = clock
        self._cache = cache or GoogleTokenCache()

    def __repr__(self) -> str:
        return f"GoogleOAuthTokens(token_url={self._token_url!r})"

    def access_token(self) -> Secret:
        """A current access token: the cached one while it has time left, else a fresh one from Google.

        Raises :class:`AuthError` when Google refuses the refresh token or the client credentials."""
        return self._cache.get(self._clock(), self._refresh)

    def invalidate(self, rejected: Secret) -> None:
        """YouTube refused ``rejected`` before its time: the next :meth:`access_token` asks Google again."""
        self._cache.forget(rejected)

    def _refresh(self) -> tuple[Secret, timedelta]:
        # Credentials go in the form body, never the URL (which httpx logs at INFO). Google does not rotate
        # refresh tokens on this grant, so retrying a failed exchange is safe.
        response = self._http.request(
            "POST",
            self._token_url,
            data={
                "grant_type": "refresh_token",
                "client_id": self._client_id,
                "client_secret": self._client_secret.get_secret_value(),
                "refresh_token": self._refresh_token.get_secret_value(),
            },
            raise_for_status=lambda r: _raise_for_token_status(r, clock=self._http.clock),
        )
        body = _json_object(response)
        access_token = body.get("access_token")
        if not isinstance(access_token, str) or not access_token:
            raise MalformedResponseError(
                "Google's token endpoint answered without an 'access_token'",
                platform=PLATFORM,
                code="access_token",
            )
        token_type = body.get("token_type")
        if not isinstance(token_type, str) or token_type.lower() != "bearer":
            raise MalformedResponseError(
                "Google's token endpoint issued a token that is not a Bearer token",
                platform=PLATFORM,
                code="token_type",
            )
        expires_in = body.get("expires_in")
        lifetime = DEFAULT_TOKEN_LIFETIME
        if isinstance(expires_in, int | float) and not isinstance(expires_in, bool) and expires_in > 0:
            lifetime = timedelta(seconds=expires_in)
        logger.info("youtube: fetched a new OAuth access token, valid for %ds", lifetime.total_seconds())
        return Secret(access_token), lifetime


def _raise_for_token_status(response: httpx.Response, *, clock: Clock = utc_now) -> None:
    """Sort a token endpoint response (the second table in the module docstring). Messages carry the HTTP status
    and the RFC 6749 ``error`` code, never ``error_description`` or anything from the request."""
    if response.is_success:
        return
    status = response.status_code
    try:
        body = response.json()
    except ValueError:
        body = None
    error = body.get("error") if isinstance(body, dict) else None
    code: int | str = error if isinstance(error, str) and error else status
    detail = f"HTTP {status}" + (f", error {code}" if isinstance(code, str) else "")
    if code == "invalid_grant":
        raise AuthError(
            "Google refused the refresh token: the channel's owner revoked SocialGuard's access, or the token "
            "expired (unused for six months, or issued while the OAuth app was in 'Testing' status, which limits "
            f"it to 7 days); reconnect the channel to issue a new one ({detail})",
            platform=PLATFORM,
            code=code,
        )
    if code in {"invalid_client", "unauthorized_client"}:
        raise AuthError(
            "Google does not accept the OAuth client id and secret for this refresh token: check the "
            f"oauth_client_id_env and oauth_client_secret_env settings, or reconnect the channel ({detail})",
            platform=PLATFORM,
            code=code,
        )
    if status == 429:
        raise RateLimitedError(
            f"Google's token endpoint asked us to slow down ({detail})",
            platform=PLATFORM,
            retry_after=parse_retry_after(response.headers.get("Retry-After"), now=clock()),
            code=code,
        )
    if status >= 500:
        raise RetryableError(
            f"Google's token endpoint failed ({detail})",
            platform=PLATFORM,
            retry_after=parse_retry_after(response.headers.get("Retry-After"), now=clock()),
            code=code,
        )
    raise PermanentError(
        f"Google's token endpoint refused the refresh ({detail})", platform=PLATFORM, code=code
    )


# -- errors ------------------------------------------------------------------------------------------------


class _GoogleError(TypedDict, total=False):
    code: int
    status: str
    reason: str
    domain: str


def _google_error(response: httpx.Response) -> _GoogleError:
    """``{"error": {"code", "status", "errors": [{"reason", "domain", ...}]}}``, the parts we can use."""
    try:
        body = response.json()
    except ValueError:
        return {}
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return {}
    out: _GoogleError = {}
    if isinstance(error.get("code"), int) and not isinstance(error.get("code"), bool):
        out["code"] = error["code"]
    if isinstance(error.get("status"), str):
        out["status"] = error["status"]
    details = error.get("errors")
    first = details[0] if isinstance(details, list) and details and isinstance(details[0], dict) else {}
    if isinstance(first.get("reason"), str):
        out["reason"] = first["reason"]
    if isinstance(first.get("domain"), str):
        out["domain"] = first["domain"]
    return out


def _raise_for_status(response: httpx.Response, *, clock: Clock = utc_now) -> None:
    """Sort a Data API response into :mod:`connectors.errors` (the table in the module docstring); return quietly
    for 2xx. Messages carry the status, reason and domain, never Google's message."""
    if response.is_success:
        return
    error = _google_error(response)
    status = response.status_code
    reason = error.get("reason")
    method = response.request.method
    where = f"{method} {redact_url(response.request.url).split('?')[0]}"
    detail = ", ".join(
        f"{name} {value}"
        for name, value in (("HTTP", status), ("reason", reason), ("domain", error.get("domain")))
        if value is not None
    )
    code: int | str = reason or status
    if reason == "quotaExceeded":
        now = clock()
        resets_at = quota_resets_at(now)
        raise QuotaExhaustedError(
            f"YouTube says the project's daily quota is used up ({detail}); resets at {resets_at:%Y-%m-%d %H:%M} "
            "UTC (midnight Pacific time)",
            used=None,
            limit=None,
            resets_at=resets_at,
            now=now,
        )
    if status == 429 or reason in _RATE_LIMIT_REASONS:
        raise RateLimitedError(
            f"YouTube rate limit reached on {where} ({detail})",
            platform=PLATFORM,
            retry_after=parse_retry_after(response.headers.get("Retry-After"), now=clock()),
            code=code,
        )
    if status == 401 or reason in _AUTH_REASONS:
        explanation = (
            "the token lacks the youtube.force-ssl scope"
            if reason == "insufficientPermissions"
            else "the token is invalid, expired or revoked"
        )
        raise AuthError(
            f"YouTube rejected the OAuth token: {explanation}; reconnect the channel ({detail})",
            platform=PLATFORM,
            code=code,
        )
    if status == 403 and reason == "forbidden":
        # Held-for-review comments are listed only to the channel's owner, and only the owner of a video may
        # moderate its comments: on a read that means the wrong account is connected, on a write that this one
        # comment is out of reach.
        if method == "GET":
            raise AuthError(
                f"YouTube refused to list this channel's comments to this token: connect the channel owner's "
                f"account ({detail})",
                platform=PLATFORM,
                code=code,
            )
        raise ActionRefusedError(
            f"YouTube does not let this channel moderate that comment (only the owner of the channel or video "
            f"can) ({detail})",
            platform=PLATFORM,
            code=code,
        )
    if status == 404:
        raise NotFoundError(f"YouTube has no such object: {where} ({detail})", platform=PLATFORM, code=code)
    if status >= 500:
        raise RetryableError(
            f"YouTube server error on {where} ({detail})",
            platform=PLATFORM,
            retry_after=parse_retry_after(response.headers.get("Retry-After"), now=clock()),
            code=code,
        )
    if reason == "banWithoutReject":
        raise PermanentError(
            f"YouTube bans an author only while rejecting one of their comments ({detail})",
            platform=PLATFORM,
            code=code,
        )
    raise PermanentError(f"YouTube refused {where} ({detail})", platform=PLATFORM, code=code)


# -- parsing -----------------------------------------------------------------------------------------------


def _json_object(response: httpx.Response) -> dict[str, Any]:
    return json_object(response, platform=PLATFORM, service="YouTube")


def _malformed(what: str, field: str) -> MalformedResponseError:
    return MalformedResponseError(f"YouTube {what} has no usable '{field}'", platform=PLATFORM, code=field)


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _parse_time(value: object, field: str) -> datetime:
    if not isinstance(value, str):
        raise _malformed("comment", field)
    try:
        # RFC 3339 with a "Z" (sometimes with fractions of a second); fromisoformat reads both since 3.11.
        when = datetime.fromisoformat(value)
    except ValueError as exc:
        raise _malformed("comment", field) from exc
    if when.tzinfo is None:
        raise _malformed("comment", field)
    return when.astimezone(UTC)


def _items(body: Mapping[str, Any], what: str) -> list[object]:
    items = body.get("items")
    if not isinstance(items, list):
        raise _malformed(what, "items")
    return items


def _parse_comment(
    raw: object, *, channel_id: str, video_id: str | None, default_status: str, can_reply: bool | None
) -> Item:
    """One ``youtube#comment`` as an :class:`Item`. ``video_id`` comes from the thread: replies may lack it."""
    comment = _mapping(raw)
    external_id = comment.get("id")
    if not isinstance(external_id, str) or not external_id:
        raise _malformed("comment", "id")
    snippet = _mapping(comment.get("snippet"))
    if not snippet:
        raise _malformed("comment", "snippet")
    parent_id = snippet.get("parentId") if isinstance(snippet.get("parentId"), str) else None
    video = snippet.get("videoId") if isinstance(snippet.get("videoId"), str) else video_id
    # textDisplay (asked for as plainText) is what viewers see; textOriginal is promised only to the author.
    text = snippet.get("textDisplay")
    if not isinstance(text, str):
        original = snippet.get("textOriginal")
        text = original if isinstance(original, str) else ""
    author_channel = _mapping(snippet.get("authorChannelId")).get("value")
    author_name = snippet.get("authorDisplayName")
    status = snippet.get("moderationStatus")
    status = status if isinstance(status, str) else default_status
    return Item(
        platform=PLATFORM,
        account_external_id=channel_id,
        external_id=external_id,
        kind=ItemKind.REPLY if parent_id else ItemKind.COMMENT,
        text=text,
        created_at=_parse_time(snippet.get("publishedAt"), "publishedAt"),
        author=Author(
            external_id=author_channel if isinstance(author_channel, str) and author_channel else None,
            display_name=author_name if isinstance(author_name, str) and author_name else None,
        ),
        parent_external_id=parent_id or video,
        post_external_id=video,
        permalink=f"https://www.youtube.com/watch?v={video}&lc={external_id}" if video else None,
        platform_state=_STATE_BY_STATUS.get(status, PlatformState.VISIBLE),
        can_reply=can_reply,
    )


@dataclass(frozen=True, slots=True)
class _Thread:
    top: Item
    replies: tuple[Item, ...]
    total_replies: int


def _parse_thread(raw: object, *, channel_id: str, status: str) -> _Thread:
    thread = _mapping(raw)
    if not isinstance(thread.get("id"), str) or not thread["id"]:
        raise _malformed("comment thread", "id")
    snippet = _mapping(thread.get("snippet"))
    if not snippet:
        raise _malformed("comment thread", "snippet")
    video_id = snippet.get("videoId") if isinstance(snippet.get("videoId"), str) else None
    can_reply = snippet.get("canReply") if isinstance(snippet.get("canReply"), bool) else None
    top = _parse_comment(
        snippet.get("topLevelComment"),
        channel_id=channel_id,
        video_id=video_id,
        default_status=status,
        can_reply=can_reply,
    )
    replies_raw = _mapping(thread.get("replies")).get("comments")
    replies = tuple(
        _parse_comment(
            r, channel_id=channel_id, video_id=video_id, default_status="published", can_reply=can_reply
        )
        for r in (replies_raw if isinstance(replies_raw, list) else [])
    )
    total = snippet.get("totalReplyCount")
    return _Thread(
        top, replies, total if isinstance(total, int) and not isinstance(total, bool) else len(replies)
    )


# -- connector ---------------------------------------------------------------------------------------------


class YouTubeConnector:
    """One YouTube channel, by channel id (``UC…``). Needs OAuth access of the channel's owner with the
    ``https://www.googleapis.com/auth/youtube.force-ssl`` scope: ``oauth`` (a refresh token, for anything that
    runs longer than an hour) or a static access ``token``."""

    platform: ClassVar[str] = PLATFORM
    capabilities: ClassVar[Capabilities] = Capabilities(
        hide=True,
        unhide=True,
        delete=True,
        reply=True,
        ban=True,
        notes={
            "hide": "holds the comment for review: hidden from viewers until someone publishes it in YouTube Studio",
            "unhide": "publishes a held comment; a rejected (deleted or banned) comment can never be published again",
            "delete": "YouTube only lets the author delete; SocialGuard rejects the comment instead, which also "
            "hides its replies and cannot be undone",
            "ban": "takes the id of one of the author's comments, not a channel id: YouTube rejects that comment "
            "and hides the author's future comments on the channel",
        },
        ban_by_comment=True,
    )

    def __init__(
        self,
        *,
        channel_id: str,
        token: Secret | None = None,
        oauth: GoogleOAuthTokens | None = None,
        http: HttpClient,
        base_url: str = DEFAULT_BASE_URL,
        clock: Clock = utc_now,
        lookback_days: int = 30,
        page_size: int = 100,
        daily_quota_units: int = DEFAULT_DAILY_QUOTA,
        quota: QuotaLedger | None = None,
        moderation_statuses: Sequence[str] = DEFAULT_STATUSES,
    ) -> None:
        if not channel_id:
            raise ValueError("channel_id must not be empty")
        if token is not None and oauth is not None:
            raise ValueError("give either a static token or oauth, not both")
        static = token
        if oauth is not None:
            self._access_token: Callable[[], Secret] = oauth.access_token
        elif static is not None:
            self._access_token = lambda: static
        else:
            raise ValueError("a token or oauth is required")
        if lookback_days < 1:
            raise ValueError("lookback_days must be at least 1")
        unknown = [s for s in moderation_statuses if s not in LISTABLE_STATUSES]
        if unknown or not moderation_statuses:
            raise ValueError(f"moderation_statuses must be some of {', '.join(LISTABLE_STATUSES)}")
        self.channel_id = channel_id
        self._oauth = oauth
        self._http = http
        self._root = base_url.rstrip("/")
        self._clock = clock
        self.lookback = timedelta(days=lookback_days)
        self.page_size = max(1, min(page_size, 100))
        self.quota = quota or QuotaLedger(daily_quota_units)
        self.moderation_statuses = tuple(dict.fromkeys(moderation_statuses))

    def __repr__(self) -> str:
        return f"YouTubeConnector(channel_id={self.channel_id!r}, base_url={self._root!r})"

    # -- transport ---------------------------------------------------------------------------------------

    def _call(
        self,
        method: str,
        resource: str,
        *,
        cost: int,
        params: Mapping[str, str],
        json: Any = None,
        idempotent: bool = True,
    ) -> httpx.Response:
        """Send one Data API call after reserving its quota units; a retried attempt is billed (and counted)
        again, as Google does. With ``oauth``, a 401 gets one fresh access token and one more try."""
        # The token first: a refresh that fails has spent no Data API quota, so none is counted.
        token = self._access_token()
        self.quota.reserve(cost, now=self._clock())
        statuses: list[int] = []
        try:
            return self._send(method, resource, token, cost, params, json, idempotent, statuses)
        except AuthError:
            # Only a 401 says the access token itself is dead, and Google can end one before its expiry (a
            # revoked session, a security event on the account). A 403 (wrong scope or account) is not cured by
            # a new token.
            if self._oauth is None or not statuses or statuses[-1] != 401:
                raise
        logger.info(
            "youtube channel %s: access token refused (HTTP 401); fetching a new one", self.channel_id
        )
        self._oauth.invalidate(token)
        # Google does not bill a request it refused as unauthenticated, so the units reserved above pay for this
        # one; a second 401 is final.
        return self._send(method, resource, self._access_token(), cost, params, json, idempotent, [])

    def _send(
        self,
        method: str,
        resource: str,
        token: Secret,
        cost: int,
        params: Mapping[str, str],
        json: Any,
        idempotent: bool,
        statuses: list[int],
    ) -> httpx.Response:
        """One request under the retry policy; ``statuses`` collects each attempt's HTTP status."""

        def check(response: httpx.Response) -> None:
            statuses.append(response.status_code)
            if len(statuses) > 1:
                self.quota.charge(cost, now=self._clock())
            try:
                _raise_for_status(response, clock=self._http.clock)
            except QuotaExhaustedError:
                self.quota.exhaust(now=self._clock())
                raise

        return self._http.request(
            method,
            f"{self._root}/{resource}",
            params=params,
            json=json,
            headers={"Authorization": f"Bearer {token.get_secret_value()}"},
            raise_for_status=check,
            idempotent=idempotent,
        )

    def _list(self, resource: str, params: Mapping[str, str]) -> Iterator[Mapping[str, Any]]:
        """Yield each page of a list call, following ``nextPageToken``."""
        page_token: str | None = None
        while True:
            query = dict(params) if page_token is None else {**params, "pageToken": page_token}
            body = _json_object(self._call("GET", resource, cost=LIST_COST, params=query))
            yield body
            token = body.get("nextPageToken")
            if not isinstance(token, str) or not token:
                return
            page_token = token

    # -- fetch ---------------------------------------------------------------------------------------------

    def fetch(self, cursor: Cursor | None) -> Page:
        """Read one moderation status's new comments and replies per call (``has_more`` while statuses remain).

        The cursor is ``{"v": 1, "watermarks": {status: iso}, "round": {"started_at", "pending": [status]},
        "quota": {"day": "YYYY-MM-DD", "units": n}}``. Each status keeps a watermark on ``publishedAt``, never
        past the poll's start; items at the watermark are delivered again (``>=``). ``quota`` carries today's
        count across restarts.
        """
        state = load_cursor(cursor, platform=PLATFORM, label="YouTube", version=CURSOR_VERSION)
        self._restore_quota(state.raw.get("quota"))
        # The statuses of a new round come from the constructor, already checked; only a saved round can hold
        # one this version does not know.
        if state.round is not None and any(status not in LISTABLE_STATUSES for status in state.round.pending):
            raise bad_cursor(PLATFORM, "YouTube", "'round.pending' holds an unknown moderation status")
        step = step_round(
            state,
            clock=self._clock,
            list_keys=lambda _started_at: self.moderation_statuses,
            read=self._threads,
            # The keys are the configured statuses, a handful at most: one dropped from the configuration keeps
            # its watermark for when it comes back.
            forget_unlisted=False,
        )
        if step.key is not None:
            logger.debug(
                "youtube channel %s status %s: %d items, quota %s",
                self.channel_id,
                step.key,
                len(step.items),
                self.quota.snapshot(now=self._clock()),
            )
        return step.page(CURSOR_VERSION, quota=self.quota.snapshot(now=self._clock()))

    def _restore_quota(self, saved: object) -> None:
        if saved is None:
            return
        saved_map = _mapping(saved)
        day, units = saved_map.get("day"), saved_map.get("units")
        if not isinstance(day, str) or not isinstance(units, int) or isinstance(units, bool):
            raise bad_cursor(PLATFORM, "YouTube", "'quota' must be {day, units}")
        try:
            parsed = date.fromisoformat(day)
        except ValueError as exc:
            raise bad_cursor(PLATFORM, "YouTube", "'quota.day' is not a date") from exc
        self.quota.restore(parsed, units, now=self._clock())

    def _threads(self, status: str, watermark: datetime | None, started_at: datetime) -> list[Item]:
        since = started_at - self.lookback
        floor = since if watermark is None else max(watermark, since)
        params = {
            "part": "snippet,replies",
            "allThreadsRelatedToChannelId": self.channel_id,
            "moderationStatus": status,
            "order": "time",
            "maxResults": str(self.page_size),
            "textFormat": "plainText",
        }
        items: list[Item] = []
        for body in self._list("commentThreads", params):
            threads = [
                _parse_thread(raw, channel_id=self.channel_id, status=status) for raw in _items(body, "list")
            ]
            for thread in threads:
                replies: Sequence[Item] = thread.replies
                if thread.total_replies > len(thread.replies):
                    replies = list(self._all_replies(thread.top))
                items.extend(item for item in (thread.top, *replies) if item.created_at >= floor)
            # order=time is newest first, and the window bounds the cost: stop after a page that is entirely
            # older than the lookback (replies to older threads are out of scope, as posts are on Facebook).
            if threads and max(t.top.created_at for t in threads) < since:
                break
        items.sort(key=lambda item: item.created_at)
        return list({item.external_id: item for item in items}.values())

    def _all_replies(self, top: Item) -> Iterator[Item]:
        params = {
            "part": "snippet",
            "parentId": top.external_id,
            "maxResults": "100",
            "textFormat": "plainText",
        }
        for body in self._list("comments", params):
            for raw in _items(body, "list"):
                yield _parse_comment(
                    raw,
                    channel_id=self.channel_id,
                    video_id=top.post_external_id,
                    default_status="published",
                    can_reply=top.can_reply,
                )

    def check_token(self) -> TokenStatus:
        """Ask which channel the token belongs to (``channels.list?part=id&mine=true``, 1 quota unit).

        A refused token, or with ``oauth`` a refresh Google refuses (revoked access, an expired refresh token,
        wrong client credentials), is reported with what to do, not raised. Quota, network and server errors
        still raise: they say nothing about the token."""
        try:
            body = _json_object(
                self._call("GET", "channels", cost=LIST_COST, params={"part": "id", "mine": "true"})
            )
        except AuthError as exc:
            return TokenStatus(False, str(exc))
        mine = {item.get("id") for item in _items(body, "channel list") if isinstance(item, Mapping)}
        if self.channel_id not in mine:
            return TokenStatus(False, f"the token belongs to a different channel than {self.channel_id}")
        return TokenStatus(
            True, f"owns channel {self.channel_id}; quota {self.quota.used(self._clock())} units used today"
        )

    # -- actions -------------------------------------------------------------------------------------------

    def _set_status(self, comment_id: str, status: str, *, ban: bool = False) -> None:
        params = {"id": comment_id, "moderationStatus": status}
        if ban:
            params["banAuthor"] = "true"
        response = self._call("POST", "comments/setModerationStatus", cost=WRITE_COST, params=params)
        if response.status_code != 204:
            raise PermanentError(
                f"YouTube answered setModerationStatus with HTTP {response.status_code}, not 204",
                platform=PLATFORM,
                code="setModerationStatus",
            )

    def hide(self, external_id: str) -> None:
        """Hold the comment for review (50 units). Holding a held comment again is harmless."""
        self._set_status(external_id, "heldForReview")

    def unhide(self, external_id: str) -> None:
        """Publish a held comment (50 units). Raises :class:`ActionRefusedError` for a rejected one."""
        try:
            self._set_status(external_id, "published")
        except PermanentError as exc:
            if exc.code in {"operationNotSupported", "invalidModerationStatus"}:
                raise ActionRefusedError(
                    "YouTube cannot publish a rejected comment again. SocialGuard's delete and ban reject "
                    "comments, and that cannot be undone; the author can post it again.",
                    platform=PLATFORM,
                    code="rejected",
                ) from exc
            raise

    def delete(self, external_id: str) -> None:
        """Reject the comment (50 units): YouTube only lets the author delete. This also hides its replies and
        cannot be undone."""
        self._set_status(external_id, "rejected")

    def ban(self, author_external_id: str) -> None:
        """Reject one of the author's comments and ban its author from the channel (50 units).

        The argument is a **comment id**, not the author's channel id: YouTube has no ban by channel, only
        ``banAuthor=true`` on ``setModerationStatus``, which must reject a comment at the same time."""
        if _CHANNEL_ID.match(author_external_id):
            raise ValueError(
                "YouTube bans through a comment: pass the id of one of the author's comments, not their channel id"
            )
        self._set_status(author_external_id, "rejected", ban=True)

    def reply(self, external_id: str, text: str) -> str:
        """Reply as the channel (``comments.insert``, 50 units); returns the new comment's id."""
        if not text.strip():
            raise ValueError("reply text must not be empty")
        # Only top-level comments take replies. A reply's id is its parent's id, a dot and a suffix, so a reply
        # to a reply goes under the top-level comment, as YouTube's own "Reply" button does.
        parent_id = external_id.split(".", 1)[0]
        # A retried insert after a timeout could post twice; only retry what surely did not run.
        response = self._call(
            "POST",
            "comments",
            cost=WRITE_COST,
            params={"part": "snippet"},
            json={"snippet": {"parentId": parent_id, "textOriginal": text}},
            idempotent=False,
        )
        new_id = _json_object(response).get("id")
        if not isinstance(new_id, str) or not new_id:
            raise _malformed("reply response", "id")
        return new_id

    def close(self) -> None:
        self._http.close()
