"""A stateful simulator of the YouTube Data API v3 comment endpoints: threads, replies, moderation, quota, faults.

What it copies from the real API (sources in ``/work/shared/research/platform-apis.md`` §4 and §10;
https://developers.google.com/youtube/v3/docs):

* paths under ``/youtube/v3/``: ``commentThreads`` (list), ``comments`` (list, insert, delete),
  ``comments/setModerationStatus`` and ``channels`` (list, ``mine=true``);
* ``commentThreads.list`` with exactly one of ``allThreadsRelatedToChannelId``/``videoId``/``id``, one
  ``moderationStatus`` (``published`` by default; the others only for the channel owner; not with ``id``),
  ``order=time`` newest first, ``maxResults`` 1–100 (default 20), ``pageToken``/``nextPageToken``,
  ``textFormat=html|plainText``; a thread carries at most 5 replies, ``comments.list?parentId=`` all of them;
* ``setModerationStatus`` answers **204** with no body, takes up to 50 ids, allows ``banAuthor`` only with
  ``rejected`` (else ``400 banWithoutReject``); ``rejected`` hides the thread with its replies, cannot be undone,
  and a banned author's later comments are rejected as they arrive; only the owner of the video may moderate
  (``403 forbidden``);
* ``comments.delete`` works only for the comment's author (``403 forbidden`` for anyone else);
* ``textOriginal`` only for the comment's author, ``moderationStatus`` only for the channel owner;
* a daily quota (10,000 units; list 1, writes 50) charged for every request that gets past authentication,
  reset at midnight Pacific time by the simulator's clock, and ``403 quotaExceeded`` with Google's error body;
* Google's error envelope ``{"error": {"code", "message", "errors": [{"message", "domain", "reason"}],
  "status"}}`` and ``WWW-Authenticate`` on 401;
* the OAuth token endpoint (``POST /token``, standing in for ``https://oauth2.googleapis.com/token``) with
  ``grant_type=refresh_token``: ``{"access_token", "expires_in", "token_type": "Bearer", "scope"}``, access
  tokens that stop working when they expire by the simulator's clock, and RFC 6749 errors
  (``{"error", "error_description"}``): ``invalid_grant`` (400) for a revoked refresh token, ``invalid_client``
  (401) for a wrong client id or secret (https://developers.google.com/identity/protocols/oauth2/web-server#offline).

Choices where the API is undocumented or unverified, so tests do not over-fit:

* Publishing a rejected comment is ``400 operationNotSupported`` (the docs only say it cannot be done).
* ``rate_limit()`` answers 429 ``rateLimitExceeded`` without ``Retry-After`` unless asked.
* Replies in a thread are the first five by time; page tokens are anchored on the last comment served.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import html
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from re import Match
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal
from zoneinfo import ZoneInfo

from connectors.base import Clock, utc_now
from connectors.sandbox._simulator import RecordedRequest, Simulator, drop_fields_deep, format_seconds
from connectors.sandbox.server import Request, Response, Router

if TYPE_CHECKING:
    from connectors.sandbox import Sandbox

YOUTUBE_PATH = r"^/youtube/v3/(?P<rest>[A-Za-z]+(?:/[A-Za-z]+)?)/?$"
TOKEN_PATH = r"^/token/?$"

#: Google's access tokens last an hour; ``expires_in`` counts a second short of it.
ACCESS_TOKEN_LIFETIME = timedelta(hours=1)
OAUTH_SCOPE = "https://www.googleapis.com/auth/youtube.force-ssl"

DEFAULT_DAILY_QUOTA = 10_000
QUOTA_TIMEZONE = ZoneInfo("America/Los_Angeles")
COSTS: Mapping[tuple[str, str], int] = {
    ("GET", "commentThreads"): 1,
    ("GET", "comments"): 1,
    ("GET", "channels"): 1,
    ("POST", "comments"): 50,
    ("DELETE", "comments"): 50,
    ("POST", "comments/setModerationStatus"): 50,
}
MODERATION_STATUSES = frozenset({"published", "heldForReview", "likelySpam", "rejected"})
THREAD_REPLIES = 5

_STATUS_NAMES: Mapping[int, str] = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
}
_HEADERS = {
    "Vary": "Origin, X-Origin, Referer",
    "Server": "scaffolding on HTTPServer2",
    "Cache-Control": "private",
}


def format_time(when: datetime) -> str:
    """RFC 3339 in UTC with a ``Z``, as the Data API writes ``publishedAt``."""
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class GoogleError(Exception):
    """Raised inside the simulator; becomes Google's error body."""

    def __init__(
        self,
        status: int,
        reason: str,
        message: str,
        *,
        domain: str = "youtube.commentThread",
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.reason = reason
        self.message = message
        self.domain = domain
        self.headers = dict(headers or {})


def _bad(reason: str, message: str, *, domain: str = "youtube.parameter") -> GoogleError:
    return GoogleError(400, reason, message, domain=domain)


@dataclass(frozen=True, slots=True)
class YouTubeCommentSnapshot:
    """A read-only copy of one comment's state, for assertions."""

    id: str
    video_id: str
    parent_id: str | None
    text: str
    author_name: str
    author_channel_id: str | None
    published_at: datetime
    moderation_status: str
    is_deleted: bool
    replies: tuple[str, ...]


@dataclass(slots=True)
class _Channel:
    id: str
    title: str
    video_ids: list[str] = field(default_factory=list)
    banned: set[str] = field(default_factory=set)


@dataclass(slots=True)
class _Video:
    id: str
    channel_id: str
    title: str
    published_at: datetime


@dataclass(slots=True)
class _Comment:
    id: str
    video_id: str
    parent_id: str | None
    text: str
    author_name: str
    author_channel_id: str | None
    published_at: datetime
    status: str
    is_deleted: bool = False
    reply_ids: list[str] = field(default_factory=list)


@dataclass(slots=True)
class _Token:
    channel_id: str
    expired: bool = False
    #: Set for access tokens the token endpoint issued: they stop working at this time, by the sandbox clock.
    expires_at: datetime | None = None
    refresh_token: str | None = None


@dataclass(slots=True)
class _RefreshToken:
    channel_id: str
    client_id: str
    revoked: bool = False


class YouTubeSandbox(Simulator[RecordedRequest]):
    """The simulator's state and fault switches. Every method is thread-safe; the HTTP handler shares the lock."""

    def __init__(self, *, clock: Clock = utc_now, daily_quota: int = DEFAULT_DAILY_QUOTA) -> None:
        super().__init__(clock=clock)
        self.daily_quota = daily_quota
        self._channels: dict[str, _Channel] = {}
        self._videos: dict[str, _Video] = {}
        self._comments: dict[str, _Comment] = {}
        self._tokens: dict[str, _Token] = {}
        self._clients: dict[str, str] = {}
        self._refresh_tokens: dict[str, _RefreshToken] = {}
        self._next_access_token = 1
        self._quota_day: date | None = None
        self._quota_used = 0
        self._next_video = 1
        self._next_comment = 1
        self._rate_limits: list[tuple[int, float | None]] = []

    def register(self, router: Router) -> None:
        router.add("youtube", YOUTUBE_PATH, self.handle)
        router.add("youtube", TOKEN_PATH, self.handle_token)

    # -- state -------------------------------------------------------------------------------------------

    def add_channel(self, channel_id: str, title: str, token: str) -> None:
        """A channel and an OAuth access token of its owner."""
        with self._lock:
            self._channels[channel_id] = _Channel(channel_id, title)
            self._tokens[token] = _Token(channel_id)

    def add_token(self, token: str, channel_id: str) -> None:
        """Another OAuth token, for a channel that need not own anything (a viewer, a commenter)."""
        with self._lock:
            self._channels.setdefault(channel_id, _Channel(channel_id, channel_id))
            self._tokens[token] = _Token(channel_id)

    def add_oauth_client(self, client_id: str, client_secret: str) -> None:
        """An OAuth client (a Google Cloud project's "Web application" credentials) the token endpoint accepts."""
        with self._lock:
            self._clients[client_id] = client_secret

    def add_refresh_token(self, refresh_token: str, channel_id: str, *, client_id: str) -> None:
        """A refresh token the channel's owner granted ``client_id`` (the consent screen's result)."""
        with self._lock:
            if client_id not in self._clients:
                raise ValueError(f"unknown OAuth client {client_id!r}: add_oauth_client first")
            self._channels.setdefault(channel_id, _Channel(channel_id, channel_id))
            self._refresh_tokens[refresh_token] = _RefreshToken(channel_id, client_id)

    def add_video(
        self,
        channel_id: str,
        title: str,
        *,
        published_at: datetime | None = None,
        video_id: str | None = None,
    ) -> str:
        with self._lock:
            if video_id is None:
                video_id = f"SbxVid{self._next_video:05d}"
                self._next_video += 1
            self._videos[video_id] = _Video(video_id, channel_id, title, self._utc(published_at))
            self._channels[channel_id].video_ids.append(video_id)
            return video_id

    def add_thread(
        self,
        video_id: str,
        text: str,
        *,
        author_name: str,
        author_channel_id: str | None = None,
        published_at: datetime | None = None,
        status: str = "published",
    ) -> str:
        """A new top-level comment (a thread) on a video; returns its id. A banned author's comment arrives
        rejected, as YouTube does."""
        with self._lock:
            return self._create(
                video_id, None, text, author_name, author_channel_id, self._utc(published_at), status
            ).id

    def add_reply(
        self,
        parent_id: str,
        text: str,
        *,
        author_name: str,
        author_channel_id: str | None = None,
        published_at: datetime | None = None,
        status: str = "published",
    ) -> str:
        """A reply to a comment (a reply to a reply joins the top-level comment); returns its id."""
        with self._lock:
            parent = self._comments[parent_id]
            top = self._comments[parent.parent_id] if parent.parent_id else parent
            return self._create(
                top.video_id, top.id, text, author_name, author_channel_id, self._utc(published_at), status
            ).id

    def comment(self, comment_id: str) -> YouTubeCommentSnapshot:
        with self._lock:
            c = self._comments[comment_id]
            return YouTubeCommentSnapshot(
                id=c.id,
                video_id=c.video_id,
                parent_id=c.parent_id,
                text=c.text,
                author_name=c.author_name,
                author_channel_id=c.author_channel_id,
                published_at=c.published_at,
                moderation_status=c.status,
                is_deleted=c.is_deleted,
                replies=tuple(c.reply_ids),
            )

    def banned(self, channel_id: str) -> set[str]:
        """Author channel ids banned from the channel."""
        with self._lock:
            return set(self._channels[channel_id].banned)

    @property
    def quota_used(self) -> int:
        with self._lock:
            self._roll_quota()
            return self._quota_used

    @quota_used.setter
    def quota_used(self, units: int) -> None:
        with self._lock:
            self._roll_quota()
            self._quota_used = units

    # -- fault switches ------------------------------------------------------------------------------------

    def rate_limit(self, times: int = 1, *, retry_after: float | None = None, status: int = 429) -> None:
        """The next ``times`` requests are refused with ``rateLimitExceeded`` (429, or 403 as some YouTube
        endpoints send it)."""
        with self._lock:
            self._rate_limits = [(status, retry_after)] * times

    def quota_exceeded(self) -> None:
        """Spend the rest of today's quota: every request gets ``403 quotaExceeded`` until midnight Pacific."""
        with self._lock:
            self._roll_quota()
            self._quota_used = self.daily_quota

    def expire_token(self, token: str | None = None) -> None:
        """Expire ``token``, or every token the simulator knows when ``None``, before its time (as a revoked session
        does). Issued tokens also expire by themselves, an hour after issue."""
        with self._lock:
            for name in [token] if token is not None else list(self._tokens):
                self._tokens[name].expired = True

    def revoke_refresh_token(self, refresh_token: str) -> None:
        """The channel's owner removed SocialGuard's access (myaccount.google.com/permissions): the refresh
        token gets ``invalid_grant`` from now on, and the access tokens issued from it stop working too."""
        with self._lock:
            self._refresh_tokens[refresh_token].revoked = True
            for token in self._tokens.values():
                if token.refresh_token == refresh_token:
                    token.expired = True

    @property
    def issued_access_tokens(self) -> tuple[str, ...]:
        """Every access token the token endpoint has issued, oldest first."""
        with self._lock:
            return tuple(name for name, token in self._tokens.items() if token.refresh_token is not None)

    # -- HTTP ----------------------------------------------------------------------------------------------

    def handle(self, request: Request, match: Match[str]) -> Response:
        with self._lock:
            token_value, auth = _token_from(request)
            self._requests.append(
                RecordedRequest(
                    method=request.method,
                    path=request.path,
                    query={k: v for k, v in request.query.items() if k not in {"access_token", "key"}},
                    form=dict(request.form),
                    auth=auth,
                    has_appsecret_proof=False,
                )
            )
            try:
                status, payload = self._serve(request, match.group("rest"), token_value)
            except GoogleError as error:
                return self._error_response(error)
            if payload is None:
                return Response(status, b"", dict(_HEADERS))
            return self._json_response(
                status,
                payload,
                _HEADERS,
                error_page=b"<!DOCTYPE html><html><body><p>502. That's an error.</p></body></html>",
                error_type="text/html; charset=UTF-8",
                drop_fields=drop_fields_deep,
            )

    def _serve(self, request: Request, resource: str, token_value: str | None) -> tuple[int, Any]:
        failed = self._take_failure(request.method)
        if failed is not None:
            raise _failure(*failed)
        if self._rate_limits:
            status, retry_after = self._rate_limits.pop(0)
            headers = {"Retry-After": format_seconds(retry_after)} if retry_after is not None else {}
            raise GoogleError(
                status,
                "rateLimitExceeded",
                "The request cannot be completed because you have exceeded your rate limit.",
                domain="youtube.quota",
                headers=headers,
            )
        key = (request.method, resource)
        if key not in COSTS:
            raise GoogleError(404, "notFound", "Not Found", domain="global")
        channel = self._check_token(token_value)
        self._charge(COSTS[key])
        params = request.query
        if key == ("GET", "commentThreads"):
            return 200, self._list_threads(request, params, channel)
        if key == ("GET", "comments"):
            return 200, self._list_comments(request, params, channel)
        if key == ("GET", "channels"):
            return 200, self._list_channels(params, channel)
        if key == ("POST", "comments"):
            return 200, self._insert(request, channel)
        if key == ("DELETE", "comments"):
            self._delete(params, channel)
            return 204, None
        self._set_moderation_status(params, channel)
        return 204, None

    # -- OAuth token endpoint ------------------------------------------------------------------------------

    def handle_token(self, request: Request, match: Match[str]) -> Response:
        """``POST /token`` with ``grant_type=refresh_token``: a new access token, or an RFC 6749 error."""
        with self._lock:
            form = request.form
            self._requests.append(
                RecordedRequest(
                    method=request.method,
                    path=request.path,
                    query=dict(request.query),
                    # The client secret and refresh token are credentials: never kept, even in the sandbox.
                    form={k: v for k, v in form.items() if k not in {"client_secret", "refresh_token"}},
                    auth="none",
                    has_appsecret_proof=False,
                )
            )
            if request.method != "POST":
                return _oauth_error(405, "invalid_request", "The token endpoint only accepts POST.")
            if request.query.get("refresh_token") or request.query.get("client_secret"):
                # Google refuses credentials in the URL, where proxies and logs would keep them.
                return _oauth_error(400, "invalid_request", "Credentials must be sent in the request body.")
            grant_type = form.get("grant_type", "")
            if grant_type != "refresh_token":
                return _oauth_error(400, "unsupported_grant_type", f"Invalid grant_type: {grant_type}")
            for name in ("client_id", "client_secret", "refresh_token"):
                if not form.get(name):
                    return _oauth_error(400, "invalid_request", f"Missing required parameter: {name}")
            if self._clients.get(form["client_id"]) is None:
                return _oauth_error(401, "invalid_client", "The OAuth client was not found.")
            if self._clients[form["client_id"]] != form["client_secret"]:
                return _oauth_error(401, "invalid_client", "Unauthorized")
            grant = self._refresh_tokens.get(form["refresh_token"])
            if grant is None or grant.revoked:
                return _oauth_error(400, "invalid_grant", "Token has been expired or revoked.")
            if grant.client_id != form["client_id"]:
                return _oauth_error(401, "unauthorized_client", "Unauthorized")
            issued_at = self.clock().astimezone(UTC)
            access_token = f"ya29.sandbox-{self._next_access_token:06d}"
            self._next_access_token += 1
            self._tokens[access_token] = _Token(
                grant.channel_id,
                expires_at=issued_at + ACCESS_TOKEN_LIFETIME,
                refresh_token=form["refresh_token"],
            )
            payload = {
                "access_token": access_token,
                "expires_in": int(ACCESS_TOKEN_LIFETIME.total_seconds()) - 1,
                "scope": OAUTH_SCOPE,
                "token_type": "Bearer",
            }
            return Response.json(
                200, payload, {"Cache-Control": "no-cache, no-store, max-age=0, must-revalidate"}
            )

    # -- auth and quota ------------------------------------------------------------------------------------

    def _check_token(self, token_value: str | None) -> _Channel:
        if token_value is None:
            raise GoogleError(
                401,
                "required",
                "Request is missing required authentication credential. Expected OAuth 2 access token.",
                domain="global",
                headers={"WWW-Authenticate": 'Bearer realm="https://accounts.google.com/"'},
            )
        token = self._tokens.get(token_value)
        if (
            token is None
            or token.expired
            or (token.expires_at is not None and self.clock() >= token.expires_at)
        ):
            raise GoogleError(
                401,
                "authError",
                "Request had invalid authentication credentials. Expected OAuth 2 access token.",
                domain="global",
                headers={
                    "WWW-Authenticate": 'Bearer realm="https://accounts.google.com/", error="invalid_token"'
                },
            )
        return self._channels[token.channel_id]

    def _roll_quota(self) -> None:
        today = self.clock().astimezone(QUOTA_TIMEZONE).date()
        if self._quota_day != today:
            self._quota_day, self._quota_used = today, 0

    def _charge(self, units: int) -> None:
        self._roll_quota()
        if self._quota_used + units > self.daily_quota:
            raise GoogleError(
                403,
                "quotaExceeded",
                'The request cannot be completed because you have exceeded your <a href="/youtube/v3/getting-'
                'started#quota">quota</a>.',
                domain="youtube.quota",
            )
        self._quota_used += units

    def quota_resets_at(self) -> datetime:
        """The next midnight Pacific by the simulator's clock, in UTC."""
        local = self.clock().astimezone(QUOTA_TIMEZONE).date() + timedelta(days=1)
        return datetime.combine(local, time(0), tzinfo=QUOTA_TIMEZONE).astimezone(UTC)

    # -- reads ---------------------------------------------------------------------------------------------

    def _list_threads(self, request: Request, params: Mapping[str, str], viewer: _Channel) -> Any:
        parts = _parts(params, {"id", "snippet", "replies"})
        filters = [f for f in ("allThreadsRelatedToChannelId", "videoId", "id", "channelId") if params.get(f)]
        if len(filters) != 1:
            raise _bad(
                "incompatibleParameters" if filters else "missingRequiredParameter",
                "Specify exactly one of allThreadsRelatedToChannelId, videoId or id.",
            )
        status = params.get("moderationStatus", "published")
        if status not in {"published", "heldForReview", "likelySpam"}:
            raise _bad("invalidModerationStatus", "The moderationStatus parameter value is not valid.")
        if "id" in filters and "moderationStatus" in params:
            raise _bad("incompatibleParameters", "The id filter cannot be combined with moderationStatus.")
        order = params.get("order", "time")
        if order not in {"time", "relevance"}:
            raise _bad("invalidParameter", "The order parameter value is not valid.")
        if filters[0] in {"allThreadsRelatedToChannelId", "channelId"}:
            channel_id = params[filters[0]]
            if channel_id not in self._channels:
                raise GoogleError(404, "channelNotFound", "The channel could not be found.")
            owner = channel_id
            pool = [c for c in self._comments.values() if self._videos[c.video_id].channel_id == channel_id]
        elif filters[0] == "videoId":
            video = self._videos.get(params["videoId"])
            if video is None:
                raise GoogleError(404, "videoNotFound", "The video could not be found.")
            owner = video.channel_id
            pool = [c for c in self._comments.values() if c.video_id == video.id]
        else:
            wanted = set(params["id"].split(","))
            pool = [c for c in self._comments.values() if c.id in wanted]
            owner = viewer.id
        if status != "published" and owner != viewer.id:
            # Held and spam comments are the owner's business only.
            raise GoogleError(
                403, "forbidden", "The comment thread could not be retrieved: insufficient permissions."
            )
        ordered = sorted((c for c in pool if c.parent_id is None), key=lambda c: c.published_at, reverse=True)
        terms = params.get("searchTerms", "").lower()

        def visible(comment_id: str) -> bool:
            c = self._comments[comment_id]
            return not c.is_deleted and c.status == status and (not terms or terms in c.text.lower())

        fmt = params.get("textFormat", "html")
        envelope = self._paginate(
            "youtube#commentThreadListResponse",
            params,
            [c.id for c in ordered],
            visible,
            lambda cid: self._render_thread(self._comments[cid], parts, viewer, fmt),
        )
        return envelope

    def _list_comments(self, request: Request, params: Mapping[str, str], viewer: _Channel) -> Any:
        parts = _parts(params, {"id", "snippet"})
        fmt = params.get("textFormat", "html")
        if params.get("id") and params.get("parentId"):
            raise _bad("incompatibleParameters", "Specify either id or parentId.")
        if params.get("id"):
            ids = params["id"].split(",")
            found = [
                self._comments[i]
                for i in ids
                if i in self._comments and self._readable(self._comments[i], viewer)
            ]
            return {
                "kind": "youtube#commentListResponse",
                "etag": _etag([c.id for c in found]),
                "pageInfo": {"totalResults": len(found), "resultsPerPage": len(found)},
                "items": [self._render_comment(c, parts, viewer, fmt) for c in found],
            }
        parent_id = params.get("parentId")
        if not parent_id:
            raise _bad("missingRequiredParameter", "Specify either id or parentId.")
        parent = self._comments.get(parent_id)
        if parent is None or parent.is_deleted or parent.status == "rejected":
            raise GoogleError(
                404, "commentNotFound", "The comment could not be found.", domain="youtube.comment"
            )
        return self._paginate(
            "youtube#commentListResponse",
            params,
            list(parent.reply_ids),
            lambda cid: not self._comments[cid].is_deleted and self._comments[cid].status == "published",
            lambda cid: self._render_comment(self._comments[cid], parts, viewer, fmt),
        )

    def _list_channels(self, params: Mapping[str, str], viewer: _Channel) -> Any:
        _parts(params, {"id", "snippet"})
        if params.get("mine") == "true":
            channels = [viewer]
        elif params.get("id"):
            channels = [self._channels[i] for i in params["id"].split(",") if i in self._channels]
        else:
            raise _bad(
                "missingRequiredParameter", "No filter selected. Expected one of: mine, id, forHandle."
            )
        return {
            "kind": "youtube#channelListResponse",
            "etag": _etag([c.id for c in channels]),
            "pageInfo": {"totalResults": len(channels), "resultsPerPage": 5},
            "items": [{"kind": "youtube#channel", "etag": _etag([c.id]), "id": c.id} for c in channels],
        }

    def _readable(self, comment: _Comment, viewer: _Channel) -> bool:
        if comment.is_deleted or comment.status == "rejected":
            return False
        return comment.status == "published" or self._videos[comment.video_id].channel_id == viewer.id

    def _paginate(
        self,
        kind: str,
        params: Mapping[str, str],
        ordered: list[str],
        visible: Callable[[str], bool],
        render: Callable[[str], dict[str, Any]],
    ) -> dict[str, Any]:
        """Page tokens are anchored on the last comment served, and tied to the query that made them. Comments
        that stopped matching (moderated, deleted) stay in ``ordered`` so that an anchor always resolves."""
        try:
            limit = int(params.get("maxResults", "20"))
        except ValueError as exc:
            raise _bad("invalidParameter", "The maxResults parameter value is not a number.") from exc
        if not 1 <= limit <= 100:
            raise _bad("invalidParameter", "The maxResults parameter must be between 1 and 100.")
        signature = _signature(params)
        start = 0
        if params.get("pageToken"):
            anchor = _decode_token(params["pageToken"], signature)
            if anchor not in ordered:
                raise _bad("invalidPageToken", "The page token is not valid.")
            start = ordered.index(anchor) + 1
        rest = [cid for cid in ordered[start:] if visible(cid)]
        chunk = rest[:limit]
        envelope: dict[str, Any] = {"kind": kind, "etag": _etag(chunk)}
        if len(rest) > limit:
            envelope["nextPageToken"] = _encode_token(chunk[-1], signature)
        envelope["pageInfo"] = {"totalResults": len(rest) + start, "resultsPerPage": limit}
        envelope["items"] = [render(cid) for cid in chunk]
        return envelope

    # -- rendering -----------------------------------------------------------------------------------------

    def _render_thread(self, top: _Comment, parts: set[str], viewer: _Channel, fmt: str) -> dict[str, Any]:
        video = self._videos[top.video_id]
        replies = [
            r
            for r in top.reply_ids
            if not self._comments[r].is_deleted and self._comments[r].status == "published"
        ]
        out: dict[str, Any] = {
            "kind": "youtube#commentThread",
            "etag": _etag([top.id, *replies]),
            "id": top.id,
        }
        if "snippet" in parts:
            out["snippet"] = {
                "channelId": video.channel_id,
                "videoId": video.id,
                "topLevelComment": self._render_comment(top, {"id", "snippet"}, viewer, fmt),
                "canReply": True,
                "totalReplyCount": len(replies),
                "isPublic": True,
            }
        if "replies" in parts and replies:
            out["replies"] = {
                "comments": [
                    self._render_comment(self._comments[r], {"id", "snippet"}, viewer, fmt)
                    for r in replies[:THREAD_REPLIES]
                ]
            }
        return out

    def _render_comment(
        self, comment: _Comment, parts: set[str], viewer: _Channel, fmt: str
    ) -> dict[str, Any]:
        video = self._videos[comment.video_id]
        out: dict[str, Any] = {
            "kind": "youtube#comment",
            "etag": _etag([comment.id, comment.status]),
            "id": comment.id,
        }
        if "snippet" not in parts:
            return out
        snippet: dict[str, Any] = {
            "channelId": video.channel_id,
            "videoId": video.id,
            "textDisplay": comment.text
            if fmt == "plainText"
            else html.escape(comment.text).replace("\n", "<br>"),
            "authorDisplayName": comment.author_name,
            "authorProfileImageUrl": "https://yt3.ggpht.example/sandbox-avatar",
            "canRate": True,
            "viewerRating": "none",
            "likeCount": 0,
            "publishedAt": format_time(comment.published_at),
            "updatedAt": format_time(comment.published_at),
        }
        if comment.author_channel_id is not None:
            snippet["authorChannelUrl"] = f"http://www.youtube.com/channel/{comment.author_channel_id}"
            snippet["authorChannelId"] = {"value": comment.author_channel_id}
        if comment.parent_id is not None:
            snippet["parentId"] = comment.parent_id
        if comment.author_channel_id == viewer.id:
            snippet["textOriginal"] = comment.text
        if video.channel_id == viewer.id:
            snippet["moderationStatus"] = comment.status
        out["snippet"] = snippet
        return out

    # -- writes --------------------------------------------------------------------------------------------

    def _insert(self, request: Request, channel: _Channel) -> Any:
        part = request.query.get("part", "")
        if "snippet" not in part.split(","):
            raise _bad("missingRequiredParameter", "No value for the part parameter.")
        try:
            body = json.loads(request.body or b"{}")
        except ValueError as exc:
            raise _bad(
                "parseError", "This API does not support parsing form-encoded input.", domain="global"
            ) from exc
        snippet = body.get("snippet") if isinstance(body, dict) else None
        if not isinstance(snippet, dict):
            raise _bad("invalidCommentMetadata", "The request metadata is invalid.", domain="youtube.comment")
        text = snippet.get("textOriginal")
        if not isinstance(text, str) or not text.strip():
            raise _bad("commentTextRequired", "The comment must contain text.", domain="youtube.comment")
        parent = self._comments.get(str(snippet.get("parentId", "")))
        if parent is None or parent.is_deleted or parent.status == "rejected":
            raise GoogleError(
                404,
                "parentCommentNotFound",
                "The parent comment could not be found.",
                domain="youtube.comment",
            )
        if parent.parent_id is not None:
            raise _bad(
                "operationNotSupported",
                "Replies can only be posted to top-level comments.",
                domain="youtube.comment",
            )
        created = self._create(
            parent.video_id, parent.id, text, channel.title, channel.id, self._utc(None), "published"
        )
        return self._render_comment(created, {"id", "snippet"}, channel, "plainText")

    def _delete(self, params: Mapping[str, str], channel: _Channel) -> None:
        comment = self._comments.get(params.get("id", ""))
        if comment is None or comment.is_deleted:
            raise GoogleError(
                404, "commentNotFound", "The comment could not be found.", domain="youtube.comment"
            )
        if comment.author_channel_id != channel.id:
            # Only the author may delete; a channel owner rejects instead.
            raise GoogleError(
                403,
                "forbidden",
                "The comment could not be deleted: insufficient permissions.",
                domain="youtube.comment",
            )
        comment.is_deleted = True

    def _set_moderation_status(self, params: Mapping[str, str], channel: _Channel) -> None:
        ids = [i for i in params.get("id", "").split(",") if i]
        status = params.get("moderationStatus", "")
        if not ids or not status:
            raise _bad("missingRequiredParameter", "The id and moderationStatus parameters are required.")
        if len(ids) > 50:
            raise _bad("invalidParameter", "At most 50 comment ids may be moderated at once.")
        if status not in {"published", "heldForReview", "rejected"}:
            raise _bad(
                "invalidModerationStatus",
                "The moderationStatus parameter value is not valid.",
                domain="youtube.comment",
            )
        ban = params.get("banAuthor", "false").lower() == "true"
        if ban and status != "rejected":
            raise _bad(
                "banWithoutReject",
                "The banAuthor parameter can only be used with rejected.",
                domain="youtube.comment",
            )
        targets = []
        for comment_id in ids:
            comment = self._comments.get(comment_id)
            if comment is None or comment.is_deleted:
                raise GoogleError(
                    404, "commentNotFound", "The comment could not be found.", domain="youtube.comment"
                )
            if self._videos[comment.video_id].channel_id != channel.id:
                raise GoogleError(
                    403,
                    "forbidden",
                    "The moderation status could not be set: insufficient permissions.",
                    domain="youtube.comment",
                )
            if comment.status == "rejected" and status != "rejected":
                raise _bad(
                    "operationNotSupported",
                    "A rejected comment cannot be published or held again.",
                    domain="youtube.comment",
                )
            targets.append(comment)
        for comment in targets:
            comment.status = status
            if ban and comment.author_channel_id is not None:
                channel.banned.add(comment.author_channel_id)

    # -- helpers -------------------------------------------------------------------------------------------

    def _create(
        self,
        video_id: str,
        parent_id: str | None,
        text: str,
        author_name: str,
        author_channel_id: str | None,
        published_at: datetime,
        status: str,
    ) -> _Comment:
        if status not in MODERATION_STATUSES:
            raise ValueError(f"unknown moderation status {status!r}")
        video = self._videos[video_id]
        if author_channel_id is not None and author_channel_id in self._channels[video.channel_id].banned:
            status = "rejected"
        suffix = hashlib.sha1(f"sbx-{self._next_comment}".encode()).hexdigest()[:20]
        self._next_comment += 1
        comment_id = f"{parent_id}.Sbx{suffix}" if parent_id else f"Ugx{suffix}4AaABAg"
        comment = _Comment(
            comment_id, video_id, parent_id, text, author_name, author_channel_id, published_at, status
        )
        self._comments[comment_id] = comment
        if parent_id is not None:
            self._comments[parent_id].reply_ids.append(comment_id)
        return comment

    def _error_response(self, error: GoogleError) -> Response:
        body = {
            "error": {
                "code": error.status,
                "message": error.message,
                "errors": [{"message": error.message, "domain": error.domain, "reason": error.reason}],
                "status": _STATUS_NAMES.get(error.status, "UNKNOWN"),
            }
        }
        return Response.json(error.status, body, {**_HEADERS, **error.headers})


def _failure(status: int, retry_after: float | None) -> GoogleError:
    """What ``fail_next`` sends: Google's error body (``backendError`` for 5xx)."""
    headers = {"Retry-After": format_seconds(retry_after)} if retry_after is not None else {}
    if status == 429:
        return GoogleError(
            429, "rateLimitExceeded", "Rate limit exceeded.", domain="youtube.quota", headers=headers
        )
    if status >= 500:
        message = "The service is currently unavailable." if status == 503 else "Backend Error"
        return GoogleError(status, "backendError", message, domain="global", headers=headers)
    return GoogleError(status, "badRequest", "Bad Request", domain="global", headers=headers)


def _oauth_error(status: int, error: str, description: str) -> Response:
    """The token endpoint's error shape (RFC 6749 §5.2), not the Data API's envelope."""
    return Response.json(
        status, {"error": error, "error_description": description}, {"Cache-Control": "no-store"}
    )


def _parts(params: Mapping[str, str], allowed: set[str]) -> set[str]:
    raw = params.get("part", "")
    if not raw:
        raise _bad("missingRequiredParameter", "No value for the part parameter.")
    parts = {p.strip() for p in raw.split(",") if p.strip()}
    unknown = parts - allowed
    if unknown:
        raise _bad("unknownPart", f"{min(unknown)}")
    return parts


def _signature(params: Mapping[str, str]) -> str:
    relevant = sorted(
        (k, v) for k, v in params.items() if k not in {"pageToken", "maxResults", "access_token"}
    )
    return hashlib.sha1(json.dumps(relevant).encode()).hexdigest()[:10]


def _encode_token(anchor: str, signature: str) -> str:
    raw = json.dumps({"a": anchor, "q": signature}).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_token(token: str, signature: str) -> str:
    try:
        decoded = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise _bad("invalidPageToken", "The page token is not valid.") from exc
    if (
        not isinstance(decoded, dict)
        or decoded.get("q") != signature
        or not isinstance(decoded.get("a"), str)
    ):
        raise _bad("invalidPageToken", "The page token does not belong to this query.")
    return str(decoded["a"])


def _etag(ids: Sequence[str]) -> str:
    return hashlib.sha1("|".join(ids).encode()).hexdigest()[:27]


def _token_from(request: Request) -> tuple[str | None, Literal["header", "query", "none"]]:
    header = request.header("authorization") or ""
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip(), "header"
    if request.query.get("access_token"):
        return request.query["access_token"], "query"
    return None, "none"


# -- demo ----------------------------------------------------------------------------------------------------

DEMO_CHANNEL_ID = "UCbrookfieldvale00000000"
DEMO_CHANNEL_TITLE = "Brookfield Vale Primary School"
DEMO_TOKEN = "sandbox-youtube-token-brookfield-vale"


@dataclass(frozen=True, slots=True)
class YouTubeDemoSeed:
    """What :func:`seed_demo_youtube` created. ``comment_ids`` maps a stable key (``"insult_teachers"``) to the
    sandbox's comment id."""

    channel_id: str
    title: str
    token: str
    video_ids: tuple[str, ...]
    comment_ids: Mapping[str, str]


# (key, minutes after upload, author, text, reply_to, status); authors are made up. "Freddie Nolan in RF" is a
# pupil from config/demo/roster.csv (invented, like the rest of the demo school).
_DEMO_COMMENTS: tuple[tuple[str, int, str | None, str, str | None, str], ...] = (
    (
        "praise_stars",
        30,
        "@BevMarshall",
        "Absolutely beautiful, well done to all the little stars ⭐",
        None,
        "published",
    ),
    (
        "question_dvd",
        55,
        "@PaulNewbold",
        "Is there any way to buy a copy of the full performance for family abroad?",
        None,
        "published",
    ),
    (
        "insult_teachers",
        80,
        "@WayneP1976",
        "Worst nativity I've ever sat through. The teachers clearly couldn't be bothered. Pathetic.",
        None,
        "published",
    ),
    (
        "pupil_full_name",
        95,
        "@ChantelleR",
        "Freddie Nolan in RF was the best shepherd ever 😂🐑",
        None,
        "published",
    ),
    (
        "school_reply",
        120,
        None,
        "Thank you! We'll share details about copies in Friday's newsletter.",
        "question_dvd",
        "published",
    ),
    (
        "held_spam",
        140,
        "@QuickCashMums",
        "🔥 Make £500 a day from home, visit quick-cash-mums.example 🔥",
        None,
        "heldForReview",
    ),
)


def seed_demo_youtube(sb: Sandbox, *, now: datetime) -> YouTubeDemoSeed:
    """Create Brookfield Vale's YouTube channel in ``sb.youtube``: the nativity video with praise, a question,
    an insult, a named pupil, the school's reply and a comment YouTube held for review, all before ``now``."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    yt = sb.youtube
    yt.add_channel(DEMO_CHANNEL_ID, DEMO_CHANNEL_TITLE, DEMO_TOKEN)
    uploaded = now - timedelta(hours=28)
    video = yt.add_video(
        DEMO_CHANNEL_ID,
        "Nativity 2026: The Littlest Star (Reception and KS1)",
        published_at=uploaded,
        video_id="SbxNativity",
    )
    latest = now - timedelta(minutes=1)
    comment_ids: dict[str, str] = {}
    for n, (key, minutes, author, text, reply_to, status) in enumerate(_DEMO_COMMENTS):
        when = min(latest, uploaded + timedelta(minutes=minutes))
        name, channel = (
            (DEMO_CHANNEL_TITLE, DEMO_CHANNEL_ID) if author is None else (author, f"UCdemoparent{n + 1:012d}")
        )
        if reply_to:
            comment_ids[key] = yt.add_reply(
                comment_ids[reply_to],
                text,
                author_name=name,
                author_channel_id=channel,
                published_at=when,
                status=status,
            )
        else:
            comment_ids[key] = yt.add_thread(
                video, text, author_name=name, author_channel_id=channel, published_at=when, status=status
            )
    return YouTubeDemoSeed(
        channel_id=DEMO_CHANNEL_ID,
        title=DEMO_CHANNEL_TITLE,
        token=DEMO_TOKEN,
        video_ids=(video,),
        comment_ids=MappingProxyType(comment_ids),
    )
