"""A stateful simulator of the Instagram Graph API for business accounts: media, comments, replies, mentions, faults.

What it copies from the real API (sources in ``/work/shared/research/platform-apis.md`` §2 and §10):

* the Graph ``/v<major>.<minor>/`` prefix on the same host as Facebook; Instagram ids own their requests, anything
  else is passed to the Facebook simulator (see :meth:`InstagramSandbox.register`);
* ``/{ig-user}/media`` newest first; ``/{media}/comments`` top-level only, **newest first, at most 50 per page**,
  no ``since``/``until``; replies in the ``replies`` field or ``/{comment}/replies``, oldest first;
* field expansion with modifiers: ``comments.limit(50){...}`` on a media node, ``replies{...}`` on a comment,
  ``mentioned_comment.comment_id(<id>){...}`` and ``mentioned_media.media_id(<id>){...}`` on the IG user; an
  empty edge is left out of the expansion, as on Graph;
* ``POST /{comment}`` with ``hide=true|false`` (idempotent), ``DELETE /{comment}`` (comments on the account's own
  media only; a top-level comment takes its replies with it), ``POST /{comment}/replies`` (a reply to a reply is
  attached to the top-level comment), ``POST /{media}`` with ``comment_enabled``, ``POST /{ig-user}/mentions``;
* Graph error bodies, ``+0000`` timestamps, base64 paging cursors and ``X-App-Usage`` /
  ``X-Business-Use-Case-Usage`` (type ``instagram``) headers.

Choices where Instagram is undocumented or unverified, so tests do not over-fit:

* Replying to a hidden comment is error 100 with a plain message; the docs only say it is not allowed.
* Looking up a mention of a comment on media with comments turned off is error 100 (the docs say "an error").
* Default page size is 25 (undocumented); ``limit`` above 50 is capped at 50.
* Throttling uses code 80002 (Instagram's Business Use Case code) unless another Graph code is asked for.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from re import Match
from types import MappingProxyType
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from connectors.base import Clock, utc_now
from connectors.sandbox._graph import (
    GRAPH_PATH,
    HTML_ERROR_PAGE,
    RATE_LIMIT_CODES,
    FieldSpec,
    GraphError,
    bool_param,
    check_token_state,
    decode_cursor,
    error_response,
    failure,
    format_time,
    parse_field_spec,
    record,
    token_from,
    usage_headers,
)
from connectors.sandbox._simulator import (
    RecordedRequest,
    Simulator,
    drop_fields_deep,
    format_seconds,
)
from connectors.sandbox.server import Handler, Request, Response, Router

if TYPE_CHECKING:
    from connectors.sandbox import Sandbox

DEFAULT_LIMIT = 25
MAX_COMMENTS_LIMIT = 50
MAX_MEDIA_LIMIT = 100

IG_RATE_LIMIT_CODES: Mapping[int, str] = {
    **RATE_LIMIT_CODES,
    80002: "(#80002) There have been too many calls to this Instagram account. Wait a bit and try again.",
}

_ACCOUNT_FIELDS = frozenset(
    {"id", "username", "name", "media_count", "followers_count", "mentioned_comment", "mentioned_media"}
)
_MEDIA_FIELDS = frozenset(
    {
        "id",
        "caption",
        "media_type",
        "media_product_type",
        "permalink",
        "timestamp",
        "comments_count",
        "like_count",
        "username",
        "is_comment_enabled",
        "owner",
        "comments",
    }
)
_COMMENT_FIELDS = frozenset(
    {
        "id",
        "text",
        "timestamp",
        "username",
        "from",
        "hidden",
        "like_count",
        "media",
        "parent_id",
        "replies",
        "user",
    }
)


@dataclass(frozen=True, slots=True)
class InstagramCommentSnapshot:
    """A read-only copy of one comment's state, for assertions."""

    id: str
    media_id: str
    parent_id: str | None
    text: str
    author_id: str | None
    username: str | None
    timestamp: datetime
    is_hidden: bool
    is_deleted: bool
    by_owner: bool
    replies: tuple[str, ...]


@dataclass(slots=True)
class _Account:
    id: str
    username: str
    media_ids: list[str] = field(default_factory=list)
    mentioned_comments: set[str] = field(default_factory=set)
    mentioned_media: set[str] = field(default_factory=set)
    calls: int = 0


@dataclass(slots=True)
class _Media:
    id: str
    owner_id: str
    owner_username: str
    caption: str
    timestamp: datetime
    media_type: str = "IMAGE"
    comment_enabled: bool = True
    comment_ids: list[str] = field(default_factory=list)
    is_deleted: bool = False


@dataclass(slots=True)
class _Comment:
    id: str
    media_id: str
    parent_id: str | None
    text: str
    author_id: str | None
    username: str | None
    timestamp: datetime
    by_owner: bool
    hidden: bool = False
    is_deleted: bool = False
    reply_ids: list[str] = field(default_factory=list)


@dataclass(slots=True)
class _Token:
    account_id: str
    expired: bool = False
    #: Instagram tokens are only ever refused as expired (code 190, subcode 463).
    subcode: int = 463


def _encode_cursor(object_id: str) -> str:
    return base64.b64encode(object_id.encode()).decode()


def _not_found(object_id: str) -> GraphError:
    return GraphError(
        100,
        f"Unsupported get request. Object with ID '{object_id}' does not exist, cannot be loaded due to missing "
        "permissions, or does not support this operation.",
        subcode=33,
        type_="GraphMethodException",
    )


class InstagramSandbox(Simulator[RecordedRequest]):
    """The simulator's state and fault switches. Every method is thread-safe; the HTTP handler shares the lock."""

    def __init__(self, *, clock: Clock = utc_now, call_budget: int = 4800) -> None:
        super().__init__(clock=clock)
        self.call_budget = call_budget
        self._accounts: dict[str, _Account] = {}
        self._media: dict[str, _Media] = {}
        self._comments: dict[str, _Comment] = {}
        self._tokens: dict[str, _Token] = {}
        self._next_media = 17900000000000001
        self._next_foreign_media = 18000000000000001
        self._next_comment = 17850000000000001
        self._next_trace = 0
        self._rate_limits: list[tuple[int, int, float | None]] = []
        self._fallback: Handler | None = None
        # The request being served (under the lock), so nested edges can link ``paging.next`` back to this host.
        self._current: Request | None = None

    def register(self, router: Router, *, fallback: Handler | None = None) -> None:
        """Serve the Graph path space. Instagram and Facebook share it (one host, one version prefix, numeric
        ids), so register this *before* Facebook and pass Facebook's handler as ``fallback``: a request goes to
        Instagram when its first path segment is an Instagram object or its token an Instagram token, and to
        ``fallback`` otherwise."""
        self._fallback = fallback
        router.add("instagram", GRAPH_PATH, self._route)

    def owns(self, request: Request, object_id: str) -> bool:
        with self._lock:
            token, _ = token_from(request)
            return (
                object_id in self._accounts
                or object_id in self._media
                or object_id in self._comments
                or (token is not None and token in self._tokens)
            )

    def _route(self, request: Request, match: Match[str]) -> Response:
        if self._fallback is not None and not self.owns(request, match.group("rest").split("/")[0]):
            return self._fallback(request, match)
        return self.handle(request, match)

    # -- state -------------------------------------------------------------------------------------------

    def add_account(self, ig_user_id: str, username: str, token: str) -> None:
        """An Instagram business account and a token that may act for it (a Page token, on the Facebook-Login
        route)."""
        with self._lock:
            self._accounts[ig_user_id] = _Account(ig_user_id, username)
            self._tokens[token] = _Token(ig_user_id)

    def add_media(
        self, ig_user_id: str, caption: str, *, timestamp: datetime | None = None, media_type: str = "IMAGE"
    ) -> str:
        with self._lock:
            account = self._accounts[ig_user_id]
            media_id = str(self._next_media)
            self._next_media += 1
            self._media[media_id] = _Media(
                media_id, account.id, account.username, caption, self._utc(timestamp), media_type
            )
            account.media_ids.append(media_id)
            return media_id

    def add_comment(
        self,
        parent_id: str,
        text: str,
        *,
        author_id: str | None = None,
        username: str | None = None,
        timestamp: datetime | None = None,
        by_owner: bool = False,
    ) -> str:
        """Add a comment to a media item, or a reply to a comment (a reply to a reply joins the top-level
        comment). ``by_owner`` makes the account itself the author."""
        with self._lock:
            return self._create_comment(
                parent_id,
                text,
                author_id=author_id,
                username=username,
                timestamp=self._utc(timestamp),
                by_owner=by_owner,
            ).id

    def add_mention(
        self,
        ig_user_id: str,
        text: str,
        *,
        username: str,
        author_id: str | None = None,
        timestamp: datetime | None = None,
        in_caption: bool = False,
    ) -> tuple[str, str | None]:
        """Someone else @mentions the account: in a comment on their own media (returns ``(media_id,
        comment_id)``) or in a caption (``in_caption``; returns ``(media_id, None)``). These ids are what the
        ``mentions`` webhook carries."""
        with self._lock:
            account = self._accounts[ig_user_id]
            media_id = str(self._next_foreign_media)
            self._next_foreign_media += 1
            when = self._utc(timestamp)
            caption = text if in_caption else "A photo from a local family's day out"
            self._media[media_id] = _Media(media_id, author_id or "0", username, caption, when)
            if in_caption:
                account.mentioned_media.add(media_id)
                return media_id, None
            comment = self._create_comment(
                media_id, text, author_id=author_id, username=username, timestamp=when, by_owner=False
            )
            account.mentioned_comments.add(comment.id)
            return media_id, comment.id

    def delete_media(self, media_id: str) -> None:
        """The account deletes a post in the Instagram app: it and its comments disappear."""
        with self._lock:
            self._media[media_id].is_deleted = True

    def set_comments_enabled(self, media_id: str, enabled: bool) -> None:
        with self._lock:
            self._media[media_id].comment_enabled = enabled

    def comment(self, comment_id: str) -> InstagramCommentSnapshot:
        with self._lock:
            c = self._comments[comment_id]
            return InstagramCommentSnapshot(
                id=c.id,
                media_id=c.media_id,
                parent_id=c.parent_id,
                text=c.text,
                author_id=c.author_id,
                username=c.username,
                timestamp=c.timestamp,
                is_hidden=c.hidden,
                is_deleted=c.is_deleted,
                by_owner=c.by_owner,
                replies=tuple(c.reply_ids),
            )

    def media_ids(self, ig_user_id: str) -> tuple[str, ...]:
        with self._lock:
            return tuple(self._accounts[ig_user_id].media_ids)

    def comments_enabled(self, media_id: str) -> bool:
        with self._lock:
            return self._media[media_id].comment_enabled

    # -- fault switches ------------------------------------------------------------------------------------

    def rate_limit(
        self, code: int = 80002, minutes: int = 1, times: int = 1, *, retry_after: float | None = None
    ) -> None:
        """The next ``times`` requests get the throttling error ``code`` with usage headers at 100% and
        ``estimated_time_to_regain_access=minutes``; no ``Retry-After`` unless asked, as on Graph."""
        if code not in IG_RATE_LIMIT_CODES:
            raise ValueError(f"not a Graph rate-limit code: {code}")
        with self._lock:
            self._rate_limits = [(code, minutes, retry_after)] * times

    def expire_token(self, token: str | None = None) -> None:
        """Expire ``token``, or every token the simulator knows when ``None``."""
        with self._lock:
            for name in [token] if token is not None else list(self._tokens):
                self._tokens[name].expired = True

    # -- HTTP ----------------------------------------------------------------------------------------------

    def handle(self, request: Request, match: Match[str]) -> Response:
        with self._lock:
            token_value, auth = token_from(request)
            self._requests.append(record(request, auth))
            self._current = request
            token = self._tokens.get(token_value or "")
            account = self._accounts.get(token.account_id) if token else None
            if account is not None:
                account.calls += 1
            try:
                status, payload = self._serve(request, match.group("rest").split("/"), token_value, token)
            except GraphError as error:
                return self._error_response(error, account)
            return self._json_response(
                status,
                payload,
                self._usage_headers(account),
                error_page=HTML_ERROR_PAGE,
                drop_fields=drop_fields_deep,
            )

    def _serve(
        self, request: Request, parts: list[str], token_value: str | None, token: _Token | None
    ) -> tuple[int, Any]:
        failed = self._take_failure(request.method)
        if failed is not None:
            raise failure(*failed)
        if self._rate_limits:
            code, minutes, retry_after = self._rate_limits.pop(0)
            account = self._accounts.get(token.account_id) if token else None
            headers = self._usage_headers(account, throttled=True, minutes=minutes)
            if retry_after is not None:
                headers["Retry-After"] = format_seconds(retry_after)
            raise GraphError(code, IG_RATE_LIMIT_CODES[code], headers=headers)
        account = self._check_token(token_value, token)
        object_id, edge = parts[0], (parts[1] if len(parts) > 1 else None)
        method = request.method
        if edge is None:
            if method == "GET":
                return 200, self._get_object(request, object_id, account)
            if method == "POST":
                return 200, self._update_object(request, object_id, account)
            if method == "DELETE":
                return 200, self._delete_comment(object_id, account)
        elif edge == "media" and method == "GET":
            return 200, self._list_media(request, object_id, account)
        elif edge == "comments" and method == "GET":
            media = self._live_media(object_id)
            self._require_owner(account, media.owner_id)
            fields = self._comment_fields(request.params.get("fields"))
            return 200, self._comments_edge(request, media, fields, request.params)
        elif edge == "comments" and method == "POST":
            return 200, self._post_top_level(request, object_id, account)
        elif edge == "replies" and method == "GET":
            comment = self._live_comment(object_id)
            self._require_owner(account, self._media[comment.media_id].owner_id)
            fields = self._comment_fields(request.params.get("fields"))
            return 200, self._replies_edge(request, comment, fields, request.params)
        elif edge == "replies" and method == "POST":
            return 200, self._post_reply(request, object_id, account)
        elif edge == "mentions" and method == "POST":
            return 200, self._reply_to_mention(request, object_id, account)
        raise GraphError(
            100, f"(#100) Unsupported {method} request on edge '{edge or ''}'", type_="GraphMethodException"
        )

    # -- auth ----------------------------------------------------------------------------------------------

    def _check_token(self, token_value: str | None, token: _Token | None) -> _Account:
        _, token = check_token_state(token_value, token, self.clock())
        return self._accounts[token.account_id]

    def _require_owner(self, account: _Account, owner_id: str) -> None:
        if account.id != owner_id:
            raise GraphError(10, "(#10) Application does not have permission for this action", status=403)

    # -- reads ---------------------------------------------------------------------------------------------

    def _get_object(self, request: Request, object_id: str, account: _Account) -> Any:
        spec = request.params.get("fields")
        if object_id in self._accounts:
            if object_id != account.id:
                raise GraphError(10, "(#10) Application does not have permission for this action", status=403)
            fields = self._fields(spec, _ACCOUNT_FIELDS, "IGUser", ("id",))
            return self._render_account(self._accounts[object_id], fields)
        if object_id in self._media:
            media = self._live_media(object_id)
            self._require_owner(account, media.owner_id)
            return self._render_media(media, self._fields(spec, _MEDIA_FIELDS, "IGMedia", ("id",)))
        comment = self._live_comment(object_id)
        self._require_owner(account, self._media[comment.media_id].owner_id)
        return self._render_comment(comment, self._comment_fields(spec))

    def _list_media(self, request: Request, account_id: str, account: _Account) -> Any:
        if account_id not in self._accounts:
            raise _not_found(account_id)
        self._require_owner(account, account_id)
        fields = self._fields(request.params.get("fields"), _MEDIA_FIELDS, "IGMedia", ("id",))
        media = [self._media[m] for m in self._accounts[account_id].media_ids]
        media.sort(key=lambda m: m.timestamp, reverse=True)
        return self._paginate(
            request.params,
            [m.id for m in media],
            lambda mid: self._render_media(self._media[mid], fields),
            is_gone=lambda mid: self._media[mid].is_deleted,
            max_limit=MAX_MEDIA_LIMIT,
            base=f"{request.base_url}{request.path}",
            keep=request.query,
        )

    def _comments_edge(
        self,
        request: Request | None,
        media: _Media,
        fields: Mapping[str, FieldSpec],
        params: Mapping[str, str],
    ) -> dict[str, Any]:
        # Newest first (v3.2+); sorting is stable, so comments in the same second keep reverse creation order.
        top = [self._comments[c] for c in media.comment_ids if self._comments[c].parent_id is None]
        top.reverse()
        top.sort(key=lambda c: c.timestamp, reverse=True)
        base, keep = self._edge_link(request, media.id, "comments", params)
        return self._paginate(
            params,
            [c.id for c in top],
            lambda cid: self._render_comment(self._comments[cid], fields),
            is_gone=lambda cid: self._comments[cid].is_deleted,
            max_limit=MAX_COMMENTS_LIMIT,
            base=base,
            keep=keep,
        )

    def _replies_edge(
        self,
        request: Request | None,
        comment: _Comment,
        fields: Mapping[str, FieldSpec],
        params: Mapping[str, str],
    ) -> dict[str, Any]:
        base, keep = self._edge_link(request, comment.id, "replies", params)
        return self._paginate(
            params,
            list(comment.reply_ids),
            lambda cid: self._render_comment(self._comments[cid], fields),
            is_gone=lambda cid: self._comments[cid].is_deleted,
            max_limit=MAX_COMMENTS_LIMIT,
            base=base,
            keep=keep,
        )

    def _edge_link(
        self, request: Request | None, object_id: str, edge: str, params: Mapping[str, str]
    ) -> tuple[str, Mapping[str, str]]:
        """Where ``paging.next`` points. For an edge inside a field expansion, Graph links to the edge itself,
        carrying the nested field list."""
        if request is not None and request.path.endswith(f"/{edge}"):
            return f"{request.base_url}{request.path}", request.query
        current = request or self._current
        if current is None:
            raise RuntimeError("nested edges are rendered only while serving a request")
        version = current.path.split("/")[1]
        return f"{current.base_url}/{version}/{object_id}/{edge}", dict(params)

    def _paginate(
        self,
        params: Mapping[str, str],
        ids: list[str],
        render: Callable[[str], dict[str, Any]],
        *,
        is_gone: Callable[[str], bool],
        max_limit: int,
        base: str,
        keep: Mapping[str, str],
    ) -> dict[str, Any]:
        """Cursor paging anchored on object ids. Deleted objects stay in ``ids`` so that a cursor anchored on one
        still resolves; they are never rendered."""
        try:
            limit = int(params.get("limit", DEFAULT_LIMIT))
        except ValueError as exc:
            raise GraphError(100, "(#100) param limit must be a number") from exc
        limit = max(1, min(limit, max_limit))
        after, before = params.get("after"), params.get("before")
        if after:
            anchor = decode_cursor(after)
            if anchor not in ids:
                raise GraphError(100, "(#100) The after cursor is invalid")
            visible = [i for i in ids[ids.index(anchor) + 1 :] if not is_gone(i)]
            chunk, has_previous, has_next = visible[:limit], True, len(visible) > limit
        elif before:
            anchor = decode_cursor(before)
            if anchor not in ids:
                raise GraphError(100, "(#100) The before cursor is invalid")
            visible = [i for i in ids[: ids.index(anchor)] if not is_gone(i)]
            chunk, has_previous, has_next = visible[-limit:], len(visible) > limit, True
        else:
            visible = [i for i in ids if not is_gone(i)]
            chunk, has_previous, has_next = visible[:limit], False, len(visible) > limit
        envelope: dict[str, Any] = {"data": [render(i) for i in chunk]}
        if not chunk:
            return envelope
        cursors = {"before": _encode_cursor(chunk[0]), "after": _encode_cursor(chunk[-1])}
        paging: dict[str, Any] = {"cursors": cursors}
        query = {k: v for k, v in keep.items() if k not in {"after", "before", "access_token"}}
        if has_next:
            paging["next"] = f"{base}?" + urlencode({**query, "limit": str(limit), "after": cursors["after"]})
        if has_previous:
            paging["previous"] = f"{base}?" + urlencode(
                {**query, "limit": str(limit), "before": cursors["before"]}
            )
        envelope["paging"] = paging
        return envelope

    def _fields(
        self, spec: str | None, allowed: frozenset[str], node: str, default: Iterable[str]
    ) -> dict[str, FieldSpec]:
        if not spec:
            return {name: FieldSpec() for name in default}
        fields = parse_field_spec(spec)
        for name in fields:
            if name not in allowed:
                raise GraphError(
                    100, f"(#100) Tried accessing nonexisting field ({name}) on node type ({node})"
                )
        return fields

    def _comment_fields(self, spec: str | None) -> dict[str, FieldSpec]:
        return self._fields(spec, _COMMENT_FIELDS, "IGComment", ("id", "text", "timestamp"))

    # -- rendering -----------------------------------------------------------------------------------------

    def _render_account(self, account: _Account, fields: Mapping[str, FieldSpec]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, spec in fields.items():
            if name == "id":
                out["id"] = account.id
            elif name == "username":
                out["username"] = account.username
            elif name == "name":
                out["name"] = account.username
            elif name == "media_count":
                out["media_count"] = sum(1 for m in account.media_ids if not self._media[m].is_deleted)
            elif name == "followers_count":
                out["followers_count"] = 0
            elif name == "mentioned_comment":
                out[name] = self._mentioned_comment(account, spec)
            elif name == "mentioned_media":
                out[name] = self._mentioned_media(account, spec)
        out.setdefault("id", account.id)
        return out

    def _mentioned_comment(self, account: _Account, spec: FieldSpec) -> dict[str, Any]:
        comment_id = spec.modifiers.get("comment_id")
        if not comment_id:
            raise GraphError(100, "(#100) mentioned_comment requires comment_id")
        comment = self._comments.get(comment_id)
        if comment is None or comment.is_deleted or comment_id not in account.mentioned_comments:
            raise _not_found(comment_id)
        if not self._media[comment.media_id].comment_enabled:
            raise GraphError(100, "(#100) Comments are disabled for this media")
        allowed = frozenset({"id", "text", "timestamp", "like_count", "media"})
        fields = self._nested(spec, allowed, "IGComment", ("id",))
        values: dict[str, Any] = {
            "id": comment.id,
            "text": comment.text,
            "timestamp": format_time(comment.timestamp),
            "like_count": 0,
            "media": {"id": comment.media_id},
        }
        return {k: values[k] for k in fields}

    def _mentioned_media(self, account: _Account, spec: FieldSpec) -> dict[str, Any]:
        media_id = spec.modifiers.get("media_id")
        if not media_id:
            raise GraphError(100, "(#100) mentioned_media requires media_id")
        media = self._media.get(media_id)
        if media is None or media.is_deleted or media_id not in account.mentioned_media:
            raise _not_found(media_id)
        allowed = frozenset({"id", "caption", "timestamp", "media_type", "like_count", "comments_count"})
        fields = self._nested(spec, allowed, "IGMedia", ("id",))
        values: dict[str, Any] = {
            "id": media.id,
            "caption": media.caption,
            "timestamp": format_time(media.timestamp),
            "media_type": media.media_type,
            "like_count": 0,
            "comments_count": self._count_comments(media),
        }
        return {k: values[k] for k in fields}

    def _nested(
        self, spec: FieldSpec, allowed: frozenset[str], node: str, default: Iterable[str]
    ) -> Mapping[str, FieldSpec]:
        fields = spec.sub if spec.sub is not None else {name: FieldSpec() for name in default}
        for name in fields:
            if name not in allowed:
                raise GraphError(
                    100, f"(#100) Tried accessing nonexisting field ({name}) on node type ({node})"
                )
        return fields

    def _count_comments(self, media: _Media) -> int:
        return sum(1 for c in media.comment_ids if not self._comments[c].is_deleted)

    def _render_media(self, media: _Media, fields: Mapping[str, FieldSpec]) -> dict[str, Any]:
        values: dict[str, Any] = {
            "id": media.id,
            "caption": media.caption,
            "media_type": media.media_type,
            "media_product_type": "FEED",
            "permalink": f"https://www.instagram.com/p/Sbx{media.id[-8:]}/",
            "timestamp": format_time(media.timestamp),
            "comments_count": self._count_comments(media),
            "like_count": 0,
            "username": media.owner_username,
            "is_comment_enabled": media.comment_enabled,
            "owner": {"id": media.owner_id},
        }
        out: dict[str, Any] = {}
        for name, spec in fields.items():
            if name == "comments":
                sub = self._nested(spec, _COMMENT_FIELDS, "IGComment", ("id", "text", "timestamp"))
                edge = self._comments_edge(None, media, sub, {"fields": _unparse(sub), **spec.modifiers})
                # Graph leaves an empty edge out of a field expansion.
                if edge["data"]:
                    out["comments"] = edge
            elif name in values:
                out[name] = values[name]
        return out

    def _render_comment(self, comment: _Comment, fields: Mapping[str, FieldSpec]) -> dict[str, Any]:
        media = self._media[comment.media_id]
        values: dict[str, Any] = {
            "id": comment.id,
            "text": comment.text,
            "timestamp": format_time(comment.timestamp),
            "hidden": comment.hidden,
            "like_count": 0,
            "media": {"id": media.id, "media_product_type": "FEED"},
        }
        if comment.by_owner:
            values["username"] = media.owner_username
            values["from"] = {"id": media.owner_id, "username": media.owner_username}
        elif comment.username is not None:
            values["username"] = comment.username
            if comment.author_id is not None:
                values["from"] = {"id": comment.author_id, "username": comment.username}
        if comment.parent_id is not None:
            values["parent_id"] = comment.parent_id
        out: dict[str, Any] = {}
        for name, spec in fields.items():
            if name == "replies":
                if comment.parent_id is not None:
                    continue
                sub = self._nested(
                    spec, _COMMENT_FIELDS - {"replies"}, "IGComment", ("id", "text", "timestamp")
                )
                edge = self._replies_edge(None, comment, sub, {"fields": _unparse(sub), **spec.modifiers})
                if edge["data"]:
                    out["replies"] = edge
            elif name in values:
                value = values[name]
                out[name] = (
                    {k: value[k] for k in spec.sub if k in value}
                    if spec.sub and isinstance(value, dict)
                    else value
                )
        return out

    # -- writes --------------------------------------------------------------------------------------------

    def _live_media(self, media_id: str) -> _Media:
        media = self._media.get(media_id)
        if media is None or media.is_deleted:
            raise _not_found(media_id)
        return media

    def _live_comment(self, comment_id: str) -> _Comment:
        comment = self._comments.get(comment_id)
        if comment is None or comment.is_deleted or self._media[comment.media_id].is_deleted:
            raise _not_found(comment_id)
        return comment

    def _update_object(self, request: Request, object_id: str, account: _Account) -> Any:
        params = request.params
        if object_id in self._media:
            media = self._live_media(object_id)
            self._require_owner(account, media.owner_id)
            if "comment_enabled" not in params:
                raise GraphError(100, "(#100) No fields to update")
            media.comment_enabled = bool_param("comment_enabled", params["comment_enabled"])
            return {"success": True}
        comment = self._live_comment(object_id)
        self._require_owner(account, self._media[comment.media_id].owner_id)
        if "hide" not in params:
            raise GraphError(100, "(#100) The parameter hide is required")
        # Idempotent: hiding a hidden comment succeeds.
        comment.hidden = bool_param("hide", params["hide"])
        return {"success": True}

    def _delete_comment(self, comment_id: str, account: _Account) -> Any:
        comment = self._live_comment(comment_id)
        self._require_owner(account, self._media[comment.media_id].owner_id)
        comment.is_deleted = True
        for reply_id in comment.reply_ids:
            self._comments[reply_id].is_deleted = True
        return {"success": True}

    def _post_top_level(self, request: Request, media_id: str, account: _Account) -> Any:
        media = self._live_media(media_id)
        self._require_owner(account, media.owner_id)
        if not media.comment_enabled:
            raise GraphError(100, "(#100) Comments are disabled for this media")
        message = self._message(request)
        created = self._create_comment(
            media.id, message, author_id=None, username=None, timestamp=self._utc(None), by_owner=True
        )
        return {"id": created.id}

    def _post_reply(self, request: Request, comment_id: str, account: _Account) -> Any:
        comment = self._live_comment(comment_id)
        media = self._media[comment.media_id]
        self._require_owner(account, media.owner_id)
        if comment.hidden:
            raise GraphError(100, "(#100) Cannot reply to a hidden comment")
        if not media.comment_enabled:
            raise GraphError(100, "(#100) Comments are disabled for this media")
        message = self._message(request)
        created = self._create_comment(
            comment.id, message, author_id=None, username=None, timestamp=self._utc(None), by_owner=True
        )
        return {"id": created.id}

    def _reply_to_mention(self, request: Request, ig_user_id: str, account: _Account) -> Any:
        if ig_user_id != account.id:
            raise GraphError(10, "(#10) Application does not have permission for this action", status=403)
        media_id = request.params.get("media_id", "")
        comment_id = request.params.get("comment_id")
        if comment_id:
            if comment_id not in account.mentioned_comments:
                raise _not_found(comment_id)
            target = self._live_comment(comment_id).id
        else:
            if media_id not in account.mentioned_media:
                raise _not_found(media_id)
            target = self._live_media(media_id).id
        message = self._message(request)
        created = self._create_comment(
            target,
            message,
            author_id=account.id,
            username=account.username,
            timestamp=self._utc(None),
            by_owner=False,
        )
        return {"id": created.id}

    def _message(self, request: Request) -> str:
        message = request.params.get("message", "")
        if not message.strip():
            raise GraphError(100, "(#100) The parameter message is required")
        return message

    # -- helpers -------------------------------------------------------------------------------------------

    def _create_comment(
        self,
        parent_id: str,
        text: str,
        *,
        author_id: str | None,
        username: str | None,
        timestamp: datetime,
        by_owner: bool,
    ) -> _Comment:
        if parent_id in self._media:
            media, top = self._media[parent_id], None
        elif parent_id in self._comments:
            parent = self._comments[parent_id]
            # Two levels only: a reply to a reply is attached to the top-level comment.
            top = self._comments[parent.parent_id] if parent.parent_id else parent
            media = self._media[parent.media_id]
        else:
            raise KeyError(f"no media or comment {parent_id!r}")
        comment_id = str(self._next_comment)
        self._next_comment += 1
        comment = _Comment(
            comment_id, media.id, top.id if top else None, text, author_id, username, timestamp, by_owner
        )
        self._comments[comment_id] = comment
        media.comment_ids.append(comment_id)
        if top is not None:
            top.reply_ids.append(comment_id)
        return comment

    def _usage_headers(
        self, account: _Account | None, *, throttled: bool = False, minutes: int = 0
    ) -> dict[str, str]:
        percent = (
            100
            if throttled
            else min(100, (account.calls if account else 0) * 100 // max(1, self.call_budget))
        )
        target = account or next(iter(self._accounts.values()), None)
        return usage_headers(
            target.id if target else None, "instagram", app=percent, buc=percent, minutes=minutes
        )

    def _error_response(self, error: GraphError, account: _Account | None) -> Response:
        self._next_trace += 1
        return error_response(error, f"SbxIg{self._next_trace:07X}", self._usage_headers(account))


def _unparse(fields: Mapping[str, FieldSpec]) -> str:
    """Write a field list back out, for the ``fields`` parameter of a nested edge's ``paging.next``."""
    parts = []
    for name, spec in fields.items():
        mods = "".join(f".{k}({v})" for k, v in spec.modifiers.items())
        parts.append(f"{name}{mods}" + (f"{{{_unparse(spec.sub)}}}" if spec.sub is not None else ""))
    return ",".join(parts)


# -- demo ----------------------------------------------------------------------------------------------------

DEMO_IG_USER_ID = "17841400000000001"
DEMO_IG_USERNAME = "brookfieldvaleprimary"
DEMO_IG_TOKEN = "sandbox-instagram-token-brookfield-vale"


@dataclass(frozen=True, slots=True)
class InstagramDemoSeed:
    """What :func:`seed_demo_instagram` created. ``comment_ids`` maps a stable key (``"insult_office"``) to the
    sandbox's id; ``mention`` is the ``(media_id, comment_id)`` a ``mentions`` webhook would carry."""

    ig_user_id: str
    username: str
    token: str
    media_ids: tuple[str, ...]
    comment_ids: Mapping[str, str]
    mention: tuple[str, str | None]


# (key, minutes after the post, username, text, reply_to); usernames are made up. "Isla McAllister in 2C" is a
# pupil from config/demo/roster.csv (invented, like the rest of the demo school).
_DEMO_MEDIA: tuple[tuple[int, str, tuple[tuple[str, int, str | None, str, str | None], ...]], ...] = (
    (
        30,
        "🐑 Year 2 had a brilliant trip to Millbridge Farm today! Photos only of children with photo consent.",
        (
            (
                "praise_trip",
                25,
                "sarah.b.mum",
                "Looks like they had the best day 😍 thank you to all the staff who went",
                None,
            ),
            (
                "pupil_full_name",
                40,
                "jo_thornton82",
                "Isla McAllister in 2C fed the lambs!! She hasn't stopped talking about it 🐑",
                None,
            ),
            (
                "school_thanks",
                70,
                None,
                "Thank you! The children were a credit to the school 💚",
                "praise_trip",
            ),
        ),
    ),
    (
        8,
        "🎭 Tickets for the Key Stage 2 Christmas performance go on sale on ParentPay on Monday at 9am.",
        (
            (
                "question_tickets",
                15,
                "mark.ellison",
                "Is it two tickets per family again? Grandparents would love to come",
                None,
            ),
            (
                "insult_office",
                35,
                "steve_m_1979",
                "Typical of this school, the office can't even sort a ticket system. Useless clowns 🙄",
                None,
            ),
            (
                "reply_tickets",
                50,
                "gemma.sharpe",
                "It was two last year but they released more after a week",
                "question_tickets",
            ),
        ),
    ),
)


def seed_demo_instagram(sb: Sandbox, *, now: datetime) -> InstagramDemoSeed:
    """Create Brookfield Vale's Instagram account in ``sb.instagram``: two posts, praise, a question, an insult,
    a named pupil, and one @mention on another account's post, all timed before ``now``."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    ig = sb.instagram
    ig.add_account(DEMO_IG_USER_ID, DEMO_IG_USERNAME, DEMO_IG_TOKEN)
    latest = now - timedelta(minutes=1)
    media_ids: list[str] = []
    comment_ids: dict[str, str] = {}
    for hours_ago, caption, comments in _DEMO_MEDIA:
        posted_at = now - timedelta(hours=hours_ago)
        media_id = ig.add_media(DEMO_IG_USER_ID, caption, timestamp=posted_at)
        media_ids.append(media_id)
        for n, (key, minutes, username, text, reply_to) in enumerate(comments):
            comment_ids[key] = ig.add_comment(
                comment_ids[reply_to] if reply_to else media_id,
                text,
                author_id=None if username is None else f"1784140{n + 1:010d}",
                username=username,
                timestamp=min(latest, posted_at + timedelta(minutes=minutes)),
                by_owner=username is None,
            )
    mention = ig.add_mention(
        DEMO_IG_USER_ID,
        "Proud mum moment at the @brookfieldvaleprimary farm trip 🐣",
        username="kerry_w_family",
        author_id="17841409999000001",
        timestamp=now - timedelta(hours=20),
    )
    return InstagramDemoSeed(
        ig_user_id=DEMO_IG_USER_ID,
        username=DEMO_IG_USERNAME,
        token=DEMO_IG_TOKEN,
        media_ids=tuple(media_ids),
        comment_ids=MappingProxyType(comment_ids),
        mention=mention,
    )
