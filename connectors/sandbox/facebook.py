"""A stateful simulator of the Facebook Graph API for Pages: posts, two-level comment threads, moderation, faults.

What it copies from the real API (sources in ``/work/shared/research/platform-apis.md`` §1 and §10):

* any ``/v<major>.<minor>/`` prefix; tokens from ``Authorization: Bearer`` or ``access_token``;
* user tokens read silently empty ``{"data": []}`` (New Pages Experience only answers Page tokens);
* the paging envelope (``paging.cursors.before/after``, ``paging.next`` absent on the last page; cursors are
  base64 of the anchor object's id) and ``+0000`` timestamps;
* ``filter=toplevel|stream``, ``order``, ``since``/``until``, ``limit`` (capped at 100), ``fields`` with nested
  ``from{id,name}``/``parent{id}``; asking for a field the node type lacks is error 100, as on Graph;
* hiding obeys ``can_hide`` (comments by the Page are never hideable); deleting a top-level comment deletes its
  replies; a reply to a reply is re-parented to the top-level comment;
* error bodies with ``code``/``error_subcode``/``type``/``fbtrace_id`` and ``X-App-Usage`` /
  ``X-Business-Use-Case-Usage`` headers on every response.

Choices where Graph is undocumented or unverified, so tests do not over-fit:

* A missing token is code 104 (what Graph sends), an unknown one 190, an expired one 190/463.
* ``rate_limit()`` sends no ``Retry-After`` unless asked (``retry_after=``): the real Graph does not send one and
  signals the wait only through ``estimated_time_to_regain_access`` (minutes).
* Refusing to hide or delete (``can_hide``/``can_remove`` false) is code 100 with a plain message.
* ``respond_malformed`` spoils the next *successful* response: ``mode="invalid_json"`` replaces the body with an
  HTML error page (what a proxy or captive portal sends), ``mode="missing_fields"`` drops ``fields`` (default
  ``id``) from every object in it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from re import Match
from typing import Any, Literal
from urllib.parse import urlencode

from connectors.base import Clock, utc_now
from connectors.sandbox._graph import (
    GRAPH_PATH,
    HTML_ERROR_PAGE,
    INVALID_TOKEN,
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
from connectors.sandbox._simulator import RecordedRequest, Simulator, format_seconds
from connectors.sandbox.server import Request, Response, Router

DEFAULT_LIMIT = 25
MAX_LIMIT = 100

_COMMENT_FIELDS = frozenset(
    {
        "id",
        "message",
        "from",
        "created_time",
        "is_hidden",
        "can_hide",
        "can_remove",
        "can_comment",
        "can_like",
        "can_reply_privately",
        "comment_count",
        "like_count",
        "parent",
        "permalink_url",
        "attachment",
        "message_tags",
        "object",
        "user_likes",
        "is_private",
        "admin_creator",
        "application",
    }
)
_POST_FIELDS = frozenset(
    {
        "id",
        "message",
        "created_time",
        "updated_time",
        "permalink_url",
        "is_hidden",
        "is_published",
        "status_type",
        "from",
        "story",
        "full_picture",
        "attachments",
    }
)
_PAGE_FIELDS = frozenset({"id", "name", "link", "category", "username", "fan_count"})
_PROFILE_FIELDS = frozenset({"id", "name"})

Fields = dict[str, "Fields | None"]


def _not_found(object_id: str) -> GraphError:
    return GraphError(
        100,
        f"Unsupported get request. Object with ID '{object_id}' does not exist, cannot be loaded due to missing "
        "permissions, or does not support this operation. Please read the Graph API documentation at "
        "https://developers.facebook.com/docs/graph-api",
        subcode=33,
        type_="GraphMethodException",
    )


@dataclass(frozen=True, slots=True)
class CommentSnapshot:
    """A read-only copy of one comment's state, for assertions."""

    id: str
    post_id: str
    parent_id: str | None
    message: str
    author_id: str | None
    author_name: str | None
    created_time: datetime
    is_hidden: bool
    is_deleted: bool
    can_hide: bool
    can_remove: bool
    by_page: bool
    replies: tuple[str, ...]


@dataclass(slots=True)
class _Page:
    id: str
    name: str
    token: str
    blocked: dict[str, str] = field(default_factory=dict)
    post_ids: list[str] = field(default_factory=list)
    calls: int = 0


@dataclass(slots=True)
class _Post:
    id: str
    page_id: str
    message: str
    created_time: datetime
    comment_ids: list[str] = field(default_factory=list)
    is_deleted: bool = False


@dataclass(slots=True)
class _Comment:
    id: str
    post_id: str
    parent_id: str | None
    message: str
    author_id: str | None
    author_name: str | None
    created_time: datetime
    can_hide: bool
    can_remove: bool
    by_page: bool
    is_hidden: bool = False
    is_deleted: bool = False
    reply_ids: list[str] = field(default_factory=list)


@dataclass(slots=True)
class _Token:
    kind: Literal["page", "user"]
    page_id: str | None
    expired: bool = False
    #: Why Graph refuses the token once ``expired``: code 190's ``error_subcode`` (see :data:`INVALID_TOKEN`).
    subcode: int = 463


def parse_fields(spec: str) -> Fields:
    """Parse a Graph ``fields`` value such as ``id,from{id,name},parent{id}``; the Pages simulator ignores
    modifiers like ``.limit(5)``."""
    return _without_modifiers(parse_field_spec(spec))


def _without_modifiers(fields: Mapping[str, FieldSpec]) -> Fields:
    return {name: None if f.sub is None else _without_modifiers(f.sub) for name, f in fields.items()}


def _parse_time_param(name: str, value: str) -> datetime:
    """Graph accepts unix seconds or anything ``strtotime`` understands; we take unix seconds or ISO 8601."""
    if value.strip().isdigit():
        return datetime.fromtimestamp(int(value), UTC)
    try:
        parsed = datetime.fromisoformat(value.replace("+0000", "+00:00"))
    except ValueError as exc:
        raise GraphError(
            100, f"(#100) The parameter {name} is not a valid time", type_="OAuthException"
        ) from exc
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _encode_cursor(object_id: str) -> str:
    return base64.b64encode(object_id.rsplit("_", 1)[-1].encode()).decode()


class FacebookSandbox(Simulator[RecordedRequest]):
    """The simulator's state and fault switches. Every method is thread-safe; the HTTP handler shares the lock."""

    def __init__(self, *, clock: Clock = utc_now, call_budget: int = 4800) -> None:
        super().__init__(clock=clock)
        self.call_budget = call_budget
        self._pages: dict[str, _Page] = {}
        self._posts: dict[str, _Post] = {}
        self._comments: dict[str, _Comment] = {}
        self._tokens: dict[str, _Token] = {}
        self._users: dict[str, str] = {}
        self._app_secret: str | None = None
        self._next_post = 122150000000000001
        self._next_comment = 1200000000000001
        self._next_trace = 0
        self._rate_limits: list[tuple[int, int, float | None]] = []

    def register(self, router: Router) -> None:
        router.add("facebook", GRAPH_PATH, self.handle)

    # -- state -------------------------------------------------------------------------------------------

    def add_page(self, page_id: str, name: str, page_token: str) -> None:
        with self._lock:
            self._pages[page_id] = _Page(page_id, name, page_token)
            self._tokens[page_token] = _Token("page", page_id)

    def add_user_token(self, token: str) -> None:
        with self._lock:
            self._tokens[token] = _Token("user", None)

    def add_post(self, page_id: str, message: str, *, created_time: datetime | None = None) -> str:
        with self._lock:
            page = self._pages[page_id]
            post_id = f"{page_id}_{self._next_post}"
            self._next_post += 1
            self._posts[post_id] = _Post(post_id, page_id, message, self._utc(created_time))
            page.post_ids.append(post_id)
            return post_id

    def add_comment(
        self,
        parent_id: str,
        message: str,
        *,
        author_id: str | None = None,
        author_name: str | None = None,
        created_time: datetime | None = None,
        can_hide: bool = True,
        can_remove: bool = True,
        by_page: bool = False,
    ) -> str:
        """Add a comment to a post, or a reply to a comment. ``by_page`` makes the Page the author (and, as on
        Facebook, such comments can never be hidden). Leave ``author_id`` out for a comment without ``from``."""
        with self._lock:
            return self._create_comment(
                parent_id,
                message,
                author_id=author_id,
                author_name=author_name,
                created_time=self._utc(created_time),
                can_hide=can_hide and not by_page,
                can_remove=can_remove,
                by_page=by_page,
            ).id

    def delete_post(self, post_id: str) -> None:
        """Delete a post (as the Page might, in the Facebook app): it and its comments disappear."""
        with self._lock:
            self._posts[post_id].is_deleted = True

    def comment(self, comment_id: str) -> CommentSnapshot:
        with self._lock:
            c = self._comments[comment_id]
            return CommentSnapshot(
                id=c.id,
                post_id=c.post_id,
                parent_id=c.parent_id,
                message=c.message,
                author_id=c.author_id,
                author_name=c.author_name,
                created_time=c.created_time,
                is_hidden=c.is_hidden,
                is_deleted=c.is_deleted,
                can_hide=c.can_hide,
                can_remove=c.can_remove,
                by_page=c.by_page,
                replies=tuple(c.reply_ids),
            )

    def comment_ids(self, post_id: str, *, include_deleted: bool = False) -> tuple[str, ...]:
        """Every comment and reply on a post, in creation order."""
        with self._lock:
            return tuple(
                cid
                for cid in self._posts[post_id].comment_ids
                if include_deleted or not self._comments[cid].is_deleted
            )

    def post_ids(self, page_id: str) -> tuple[str, ...]:
        with self._lock:
            return tuple(self._pages[page_id].post_ids)

    def blocked(self, page_id: str) -> set[str]:
        with self._lock:
            return set(self._pages[page_id].blocked)

    # -- fault switches ------------------------------------------------------------------------------------

    def rate_limit(
        self, code: int = 613, minutes: int = 1, times: int = 1, *, retry_after: float | None = None
    ) -> None:
        """The next ``times`` requests get the Graph throttling error ``code`` with usage headers at 100% and
        ``estimated_time_to_regain_access=minutes``. Graph sends no ``Retry-After``; pass ``retry_after`` to add
        one anyway (a proxy in front of Graph might)."""
        if code not in RATE_LIMIT_CODES:
            raise ValueError(f"not a Graph rate-limit code: {code}")
        with self._lock:
            self._rate_limits = [(code, minutes, retry_after)] * times

    def expire_token(self, token: str | None = None, *, subcode: int = 463) -> None:
        """Expire ``token``, or every token the sandbox knows when ``None``: Graph refuses it from then on with
        code 190 and ``subcode``: 463 expired, 460 the user changed their password, 492 the user lost their role
        on the Page, 458 the app was removed, 467 otherwise invalid."""
        if subcode not in INVALID_TOKEN:
            raise ValueError(f"not a token subcode the sandbox knows: {subcode}")
        with self._lock:
            targets = [token] if token is not None else list(self._tokens)
            for name in targets:
                self._tokens[name].expired = True
                self._tokens[name].subcode = subcode

    def require_appsecret_proof(self, app_secret: str | None) -> None:
        """Turn on the "Require App Secret" app setting: every call must carry a valid ``appsecret_proof``."""
        with self._lock:
            self._app_secret = app_secret

    # -- HTTP ----------------------------------------------------------------------------------------------

    def handle(self, request: Request, match: Match[str]) -> Response:
        with self._lock:
            token_value, auth = token_from(request)
            self._requests.append(record(request, auth))
            token = self._tokens.get(token_value or "")
            page = self._pages.get(token.page_id or "") if token else None
            if page is not None:
                page.calls += 1
            try:
                status, payload = self._serve(request, match.group("rest").split("/"), token_value, token)
            except GraphError as error:
                return self._error_response(error, page)
            return self._json_response(
                status,
                payload,
                self._usage_headers(page),
                error_page=HTML_ERROR_PAGE,
                drop_fields=_drop_fields,
            )

    def _serve(
        self, request: Request, parts: list[str], token_value: str | None, token: _Token | None
    ) -> tuple[int, Any]:
        failed = self._take_failure(request.method)
        if failed is not None:
            raise failure(*failed)
        if self._rate_limits:
            code, minutes, retry_after = self._rate_limits.pop(0)
            raise self._throttled(code, minutes, retry_after, token)
        page = self._check_token(request, token_value, token)
        object_id, edge = parts[0], (parts[1] if len(parts) > 1 else None)
        method = request.method
        if edge is None:
            if method == "GET":
                return 200, self._get_object(request, object_id, token)
            if method == "POST":
                return 200, self._update_comment(request, object_id, page)
            if method == "DELETE":
                return 200, self._delete_object(object_id, page)
        elif edge in {"published_posts", "feed", "posts"} and method == "GET":
            return 200, self._list_posts(request, object_id, page, token)
        elif edge == "comments" and method == "GET":
            return 200, self._list_comments(request, object_id, page, token)
        elif edge == "comments" and method == "POST":
            return 200, self._post_comment(request, object_id, page)
        elif edge == "blocked":
            return 200, self._blocked(request, object_id, page, token)
        raise GraphError(
            100, f"(#100) Unsupported {method} request on edge '{edge or ''}'", type_="GraphMethodException"
        )

    # -- auth ----------------------------------------------------------------------------------------------

    def _check_token(self, request: Request, token_value: str | None, token: _Token | None) -> _Page | None:
        token_value, token = check_token_state(token_value, token, self.clock())
        if self._app_secret is not None:
            proof = request.params.get("appsecret_proof")
            if not proof:
                raise GraphError(
                    100,
                    "API calls from the server require an appsecret_proof argument",
                    type_="GraphMethodException",
                )
            expected = hmac.new(self._app_secret.encode(), token_value.encode(), hashlib.sha256).hexdigest()
            if not hmac.compare_digest(proof, expected):
                raise GraphError(
                    100, "Invalid appsecret_proof provided in the API argument", type_="GraphMethodException"
                )
        return self._pages.get(token.page_id) if token.page_id else None

    def _require_page_token(self, page: _Page | None, owner_page_id: str) -> _Page:
        if page is None:
            # A user token cannot act as the Page (New Pages Experience).
            raise GraphError(
                200, "(#200) Requires pages_manage_engagement permission to manage the object", status=403
            )
        if page.id != owner_page_id:
            raise GraphError(200, "(#200) Permissions error", status=403)
        return page

    # -- reads ---------------------------------------------------------------------------------------------

    def _get_object(self, request: Request, object_id: str, token: _Token | None) -> Any:
        fields_spec = request.params.get("fields")
        if object_id in self._pages:
            return self._render_page(
                self._pages[object_id], self._fields(fields_spec, _PAGE_FIELDS, "Page", ("id", "name"))
            )
        if object_id in self._posts and not self._posts[object_id].is_deleted:
            return self._render_post(
                self._posts[object_id],
                self._fields(fields_spec, _POST_FIELDS, "Post", ("created_time", "message", "id")),
            )
        comment = self._comments.get(object_id)
        if comment is None or not self._is_live(comment) or token is None or token.kind != "page":
            raise _not_found(object_id)
        fields = self._fields(
            fields_spec, _COMMENT_FIELDS, "Comment", ("created_time", "from", "message", "id")
        )
        return self._render_comment(comment, fields)

    def _list_posts(self, request: Request, page_id: str, page: _Page | None, token: _Token | None) -> Any:
        if page_id not in self._pages:
            raise _not_found(page_id)
        fields = self._fields(
            request.params.get("fields"), _POST_FIELDS, "Post", ("created_time", "message", "id")
        )
        if token is not None and token.kind == "user":
            return {"data": []}
        self._require_page_token(page, page_id)
        since, until = self._time_window(request)
        posts = [
            p
            for p in (self._posts[pid] for pid in self._pages[page_id].post_ids)
            if not p.is_deleted
            and (since is None or p.created_time >= since)
            and (until is None or p.created_time <= until)
        ]
        posts.sort(key=lambda p: p.created_time, reverse=True)
        return self._paginate(
            request, [p.id for p in posts], lambda pid: self._render_post(self._posts[pid], fields)
        )

    def _list_comments(
        self, request: Request, object_id: str, page: _Page | None, token: _Token | None
    ) -> Any:
        fields = self._fields(
            request.params.get("fields"),
            _COMMENT_FIELDS,
            "Comment",
            ("created_time", "from", "message", "id"),
        )
        filter_ = request.params.get("filter", "toplevel")
        order = request.params.get("order", "chronological")
        if filter_ not in {"toplevel", "stream"}:
            raise GraphError(
                100, "(#100) param filter must be one of {toplevel, stream}", type_="OAuthException"
            )
        if order not in {"chronological", "reverse_chronological"}:
            raise GraphError(
                100,
                "(#100) param order must be one of {chronological, reverse_chronological}",
                type_="OAuthException",
            )
        if object_id in self._posts and not self._posts[object_id].is_deleted:
            post = self._posts[object_id]
            ids = [
                cid
                for cid in post.comment_ids
                if filter_ == "stream" or self._comments[cid].parent_id is None
            ]
        elif object_id in self._comments and self._is_live(self._comments[object_id]):
            post = self._posts[self._comments[object_id].post_id]
            ids = list(self._comments[object_id].reply_ids)
        else:
            raise _not_found(object_id)
        if token is not None and token.kind == "user":
            return {"data": []}
        self._require_page_token(page, post.page_id)
        since, until = self._time_window(request)
        candidates = [
            self._comments[cid]
            for cid in ids
            if (since is None or self._comments[cid].created_time >= since)
            and (until is None or self._comments[cid].created_time <= until)
        ]
        # Sorting is stable, so comments within the same second keep creation order, as on Graph.
        candidates.sort(key=lambda c: c.created_time, reverse=order == "reverse_chronological")
        envelope = self._paginate(
            request,
            [c.id for c in candidates],
            lambda cid: self._render_comment(self._comments[cid], fields),
            is_deleted=lambda cid: self._comments[cid].is_deleted,
        )
        if request.params.get("summary", "").lower() in {"true", "1", "total_count"}:
            envelope["summary"] = {
                "order": order,
                "total_count": sum(1 for c in candidates if not c.is_deleted),
                "can_comment": True,
            }
        return envelope

    def _time_window(self, request: Request) -> tuple[datetime | None, datetime | None]:
        since = request.params.get("since")
        until = request.params.get("until")
        return (
            _parse_time_param("since", since) if since else None,
            _parse_time_param("until", until) if until else None,
        )

    def _paginate(
        self,
        request: Request,
        ids: list[str],
        render: Callable[[str], dict[str, Any]],
        *,
        is_deleted: Callable[[str], bool] = lambda _id: False,
    ) -> dict[str, Any]:
        """Cursor paging. Deleted objects stay in ``ids`` only so that a cursor anchored on one still resolves;
        they are never rendered."""
        try:
            limit = int(request.params.get("limit", DEFAULT_LIMIT))
        except ValueError as exc:
            raise GraphError(100, "(#100) param limit must be a number", type_="OAuthException") from exc
        limit = max(1, min(limit, MAX_LIMIT))
        suffixes = [i.rsplit("_", 1)[-1] for i in ids]
        after, before = request.params.get("after"), request.params.get("before")
        if after:
            anchor = decode_cursor(after)
            if anchor not in suffixes:
                raise GraphError(100, "(#100) The after cursor is invalid", type_="OAuthException")
            visible = [i for i in ids[suffixes.index(anchor) + 1 :] if not is_deleted(i)]
            chunk = visible[:limit]
            has_previous, has_next = True, len(visible) > limit
        elif before:
            anchor = decode_cursor(before)
            if anchor not in suffixes:
                raise GraphError(100, "(#100) The before cursor is invalid", type_="OAuthException")
            visible = [i for i in ids[: suffixes.index(anchor)] if not is_deleted(i)]
            chunk = visible[-limit:]
            has_previous, has_next = len(visible) > limit, True
        else:
            visible = [i for i in ids if not is_deleted(i)]
            chunk = visible[:limit]
            has_previous, has_next = False, len(visible) > limit
        envelope: dict[str, Any] = {"data": [render(i) for i in chunk]}
        if not chunk:
            return envelope
        cursors = {"before": _encode_cursor(chunk[0]), "after": _encode_cursor(chunk[-1])}
        paging: dict[str, Any] = {"cursors": cursors}
        keep = {k: v for k, v in request.query.items() if k not in {"after", "before", "appsecret_proof"}}
        if "appsecret_proof" in request.params:
            keep["appsecret_proof"] = request.params["appsecret_proof"]
        link = f"{request.base_url}{request.path}?"
        if has_next:
            paging["next"] = link + urlencode({**keep, "limit": str(limit), "after": cursors["after"]})
        if has_previous:
            paging["previous"] = link + urlencode({**keep, "limit": str(limit), "before": cursors["before"]})
        envelope["paging"] = paging
        return envelope

    def _fields(self, spec: str | None, allowed: frozenset[str], node: str, default: Iterable[str]) -> Fields:
        if not spec:
            return {name: None for name in default}
        fields = parse_fields(spec)
        for name in fields:
            if name not in allowed:
                raise GraphError(
                    100,
                    f"(#100) Tried accessing nonexisting field ({name}) on node type ({node})",
                    type_="OAuthException",
                )
        return fields

    # -- rendering -----------------------------------------------------------------------------------------

    def _render_page(self, page: _Page, fields: Fields) -> dict[str, Any]:
        values: dict[str, Any] = {
            "id": page.id,
            "name": page.name,
            "link": f"https://www.facebook.com/{page.id}",
            "category": "School",
        }
        return {k: values[k] for k in fields if k in values}

    def _render_post(self, post: _Post, fields: Fields) -> dict[str, Any]:
        page = self._pages[post.page_id]
        values: dict[str, Any] = {
            "id": post.id,
            "message": post.message,
            "created_time": format_time(post.created_time),
            "updated_time": format_time(post.created_time),
            "permalink_url": f"https://www.facebook.com/{post.page_id}/posts/{post.id.split('_', 1)[1]}",
            "is_hidden": False,
            "is_published": True,
            "status_type": "mobile_status_update",
            "from": {"id": page.id, "name": page.name},
        }
        return {k: _project(values[k], fields[k]) for k in fields if k in values}

    def _render_comment(self, comment: _Comment, fields: Fields) -> dict[str, Any]:
        post = self._posts[comment.post_id]
        post_number = post.id.split("_", 1)[1]
        top_id = comment.parent_id or comment.id
        permalink = f"https://www.facebook.com/{post.page_id}/posts/{post_number}?comment_id={top_id.rsplit('_', 1)[-1]}"
        if comment.parent_id is not None:
            permalink += f"&reply_comment_id={comment.id.rsplit('_', 1)[-1]}"
        values: dict[str, Any] = {
            "id": comment.id,
            "message": comment.message,
            "created_time": format_time(comment.created_time),
            "is_hidden": comment.is_hidden,
            "can_hide": comment.can_hide,
            "can_remove": comment.can_remove,
            "can_comment": True,
            "can_like": True,
            "can_reply_privately": not comment.by_page and comment.author_id is not None,
            "comment_count": len([r for r in comment.reply_ids if not self._comments[r].is_deleted]),
            "like_count": 0,
            "user_likes": False,
            "is_private": False,
            "permalink_url": permalink,
            "object": {"id": post.id},
        }
        if comment.by_page:
            page = self._pages[post.page_id]
            values["from"] = {"id": page.id, "name": page.name}
        elif comment.author_id is not None:
            values["from"] = {"id": comment.author_id, "name": comment.author_name or ""}
        if comment.parent_id is not None:
            parent = self._comments[comment.parent_id]
            values["parent"] = {
                "id": parent.id,
                "message": parent.message,
                "created_time": format_time(parent.created_time),
            }
        # Graph omits fields that have no value (no ``from`` for some authors, no ``parent`` on top level).
        return {k: _project(values[k], fields[k]) for k in fields if k in values}

    # -- writes --------------------------------------------------------------------------------------------

    def _is_live(self, comment: _Comment) -> bool:
        return not comment.is_deleted and not self._posts[comment.post_id].is_deleted

    def _live_comment(self, comment_id: str) -> _Comment:
        comment = self._comments.get(comment_id)
        if comment is None or not self._is_live(comment):
            raise _not_found(comment_id)
        return comment

    def _update_comment(self, request: Request, comment_id: str, page: _Page | None) -> Any:
        comment = self._live_comment(comment_id)
        self._require_page_token(page, self._posts[comment.post_id].page_id)
        params = request.params
        if "is_hidden" in params:
            hide = bool_param("is_hidden", params["is_hidden"])
            if hide and not comment.can_hide:
                raise GraphError(100, "(#100) This comment cannot be hidden", type_="OAuthException")
            comment.is_hidden = hide
            return {"success": True}
        if "message" in params:
            # POST /{comment-id} with message *edits* the comment (the Comment reference); only the author can.
            if not comment.by_page:
                raise GraphError(
                    100, "(#100) Only the author of a comment can edit it", type_="OAuthException"
                )
            comment.message = params["message"]
            return {"success": True}
        raise GraphError(100, "(#100) No fields to update", type_="OAuthException")

    def _delete_object(self, comment_id: str, page: _Page | None) -> Any:
        post = self._posts.get(comment_id)
        if post is not None:
            if post.is_deleted:
                raise _not_found(comment_id)
            self._require_page_token(page, post.page_id)
            post.is_deleted = True
            return {"success": True}
        comment = self._live_comment(comment_id)
        self._require_page_token(page, self._posts[comment.post_id].page_id)
        if not comment.can_remove:
            raise GraphError(100, "(#100) This comment cannot be deleted by the Page", type_="OAuthException")
        comment.is_deleted = True
        for reply_id in comment.reply_ids:
            self._comments[reply_id].is_deleted = True
        return {"success": True}

    def _post_comment(self, request: Request, parent_id: str, page: _Page | None) -> Any:
        if parent_id in self._posts:
            if self._posts[parent_id].is_deleted:
                raise _not_found(parent_id)
            owner = self._posts[parent_id].page_id
        else:
            owner = self._posts[self._live_comment(parent_id).post_id].page_id
        acting = self._require_page_token(page, owner)
        message = request.params.get("message", "")
        if not message.strip():
            raise GraphError(100, "(#100) Missing message or attachment", type_="OAuthException")
        created = self._create_comment(
            parent_id,
            message,
            author_id=acting.id,
            author_name=acting.name,
            created_time=self._utc(None),
            can_hide=False,
            can_remove=True,
            by_page=True,
        )
        return {"id": created.id}

    def _blocked(self, request: Request, page_id: str, page: _Page | None, token: _Token | None) -> Any:
        if page_id not in self._pages:
            raise _not_found(page_id)
        if request.method == "GET" and token is not None and token.kind == "user":
            return {"data": []}
        target = self._require_page_token(page, page_id)
        if request.method == "GET":
            fields = self._fields(request.params.get("fields"), _PROFILE_FIELDS, "Profile", ("id", "name"))
            return self._paginate(
                request,
                list(target.blocked),
                lambda uid: {
                    k: v for k, v in {"id": uid, "name": target.blocked[uid]}.items() if k in fields
                },
            )
        users = _user_ids(request.params)
        if not users:
            raise GraphError(100, "(#100) One of user, uid, psid or asid is required", type_="OAuthException")
        if request.method == "POST":
            for uid in users:
                target.blocked[uid] = self._users.get(uid, "")
            return {uid: True for uid in users}
        if request.method == "DELETE":
            for uid in users:
                target.blocked.pop(uid, None)
            return {"success": True}
        raise GraphError(
            100,
            f"(#100) Unsupported {request.method} request on edge 'blocked'",
            type_="GraphMethodException",
        )

    # -- helpers -------------------------------------------------------------------------------------------

    def _create_comment(
        self,
        parent_id: str,
        message: str,
        *,
        author_id: str | None,
        author_name: str | None,
        created_time: datetime,
        can_hide: bool,
        can_remove: bool,
        by_page: bool,
    ) -> _Comment:
        if parent_id in self._posts:
            post, top = self._posts[parent_id], None
        elif parent_id in self._comments:
            parent = self._comments[parent_id]
            # Threads are two levels deep: a reply to a reply is attached to the top-level comment.
            top = self._comments[parent.parent_id] if parent.parent_id else parent
            post = self._posts[parent.post_id]
        else:
            raise KeyError(f"no post or comment {parent_id!r}")
        comment_id = f"{post.id.split('_', 1)[1]}_{self._next_comment}"
        self._next_comment += 1
        comment = _Comment(
            comment_id,
            post.id,
            top.id if top else None,
            message,
            author_id,
            author_name,
            created_time,
            can_hide,
            can_remove,
            by_page,
        )
        self._comments[comment_id] = comment
        post.comment_ids.append(comment_id)
        if top is not None:
            top.reply_ids.append(comment_id)
        if author_id is not None and not by_page:
            self._users[author_id] = author_name or ""
        return comment

    def _usage_headers(
        self, page: _Page | None, *, throttled_code: int | None = None, minutes: int = 0
    ) -> dict[str, str]:
        percent = min(100, (page.calls if page else 0) * 100 // max(1, self.call_budget))
        app_percent = 100 if throttled_code == 4 else percent
        buc_percent = 100 if throttled_code is not None else percent
        target = page or next(iter(self._pages.values()), None)
        return usage_headers(
            target.id if target else None, "pages", app=app_percent, buc=buc_percent, minutes=minutes
        )

    def _throttled(
        self, code: int, minutes: int, retry_after: float | None, token: _Token | None
    ) -> GraphError:
        page = self._pages.get(token.page_id or "") if token else None
        headers = self._usage_headers(page, throttled_code=code, minutes=minutes)
        if retry_after is not None:
            headers["Retry-After"] = format_seconds(retry_after)
        return GraphError(code, RATE_LIMIT_CODES[code], headers=headers)

    def _error_response(self, error: GraphError, page: _Page | None) -> Response:
        self._next_trace += 1
        return error_response(error, f"Sbx{self._next_trace:08X}", self._usage_headers(page))


def _project(value: Any, subfields: Fields | None) -> Any:
    if subfields is None or not isinstance(value, dict):
        return value
    return {k: value[k] for k in subfields if k in value}


def _drop_fields(payload: Any, drop: tuple[str, ...]) -> Any:
    if isinstance(payload, dict) and isinstance(payload.get("data"), list):
        return {**payload, "data": [_drop_fields(item, drop) for item in payload["data"]]}
    if isinstance(payload, dict):
        return {k: v for k, v in payload.items() if k not in drop}
    return payload


def _user_ids(params: Mapping[str, str]) -> list[str]:
    for key in ("user", "uid", "psid", "asid"):
        raw = params.get(key, "").strip()
        if not raw:
            continue
        if raw.startswith("["):
            try:
                values = json.loads(raw)
            except ValueError as exc:
                raise GraphError(
                    100, f"(#100) param {key} must be an array of ids", type_="OAuthException"
                ) from exc
            return [str(v) for v in values]
        return [part.strip() for part in raw.split(",") if part.strip()]
    return []
