"""Facebook Page connector: reads post comments and replies through the Graph API and moderates them.

Why httpx (through :class:`connectors._http.HttpClient`) and not ``facebook-sdk`` 3.1.0: that library only
accepts Graph versions 2.8–3.1 (all retired; its version regex even rejects a two-digit major such as ``25.0``),
cannot send ``appsecret_proof``, discards the response headers that carry Graph's rate-limit hints
(``X-Business-Use-Case-Usage``), and runs on ``requests``, so it could not share the project's one retry/backoff
policy. Graph is plain JSON over HTTPS; a dozen lines of httpx do what we need
(``/work/shared/research/platform-apis.md`` §5).

The token travels only in the ``Authorization: Bearer`` header, never in a URL: httpx logs request URLs at INFO.
``appsecret_proof`` (an HMAC of the token, useless without it) does go in the query, where Graph expects it.

Errors, sorted by :func:`connectors._graph.raise_for_graph_status` (shared with Instagram) on Graph's
``code``/``error_subcode``, not the HTTP status::

    190 (any subcode), 102, 104, 10, 200-299   AuthError          a person must reconnect the Page
    4, 17, 32, 341, 613, 80001, 80002          RateLimitedError   wait: Retry-After, else BUC estimated_time
    1, 2, or HTTP 5xx without a code           RetryableError
    100 with subcode 33                        NotFoundError      the object is gone
    368, other 100, anything else              PermanentError
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from datetime import datetime, timedelta
from typing import Any, ClassVar

import httpx

from connectors._cursor import load_cursor, step_round
from connectors._graph import (
    GraphPlatform,
    GraphTransport,
    appsecret_proof,
    parse_graph_time,
    raise_for_graph_status,
)
from connectors._http import HttpClient
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
    PermanentError,
)

logger = logging.getLogger(__name__)

PLATFORM = "facebook"
#: Saved cursors are ``{"v": 1, "watermarks": {post_id: iso}, "round": {"started_at", "pending": [post_id]} | null}``
#: (:mod:`connectors._cursor`). Changing the shape means version 2 and a migration passed to ``load_cursor``, so
#: cursors already in schools' databases keep loading.
CURSOR_VERSION = 1

COMMENT_FIELDS = (
    "id,message,from{id,name},created_time,is_hidden,can_hide,can_remove,can_comment,permalink_url,parent{id}"
)
POST_FIELDS = "id,created_time"

#: How Facebook names itself in the errors :func:`connectors._graph.raise_for_graph_status` builds.
GRAPH_PLATFORM = GraphPlatform(PLATFORM, "Facebook", "Page token", "Page")


def _raise_for_status(response: httpx.Response, *, clock: Clock = utc_now) -> None:
    """Sort a Graph response into :mod:`connectors.errors` (the table in the module docstring)."""
    raise_for_graph_status(response, platform=GRAPH_PLATFORM, clock=clock)


# -- parsing ---------------------------------------------------------------------------------------------


def _parse_time(value: object, field: str) -> datetime:
    return parse_graph_time(value, field, platform=PLATFORM)


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
        self._http = http
        self._root = f"{base_url.rstrip('/')}/{api_version.strip('/')}"
        self._graph = GraphTransport(
            platform=GRAPH_PLATFORM,
            token=token,
            http=http,
            root=self._root,
            proof=appsecret_proof(app_secret, token) if app_secret else None,
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
        return self._graph.request(method, path_or_url, params=params, data=data, idempotent=idempotent)

    def _paged(self, path: str, params: Mapping[str, str]) -> Iterator[list[object]]:
        return self._graph.paged(path, params)

    # -- fetch ---------------------------------------------------------------------------------------------

    def fetch(self, cursor: Cursor | None) -> Page:
        """Read one post's new comments and replies per call (``has_more`` while posts remain in this poll).

        Each post keeps a watermark: the newest ``created_time`` delivered, capped at the poll's start. Items at
        the watermark are delivered again (``>=``); the bot de-duplicates on the external id. Graph's own paging
        cursors are never saved: they die when their anchor comment is deleted.
        """
        state = load_cursor(cursor, platform=PLATFORM, label="Facebook", version=CURSOR_VERSION)
        step = step_round(
            state,
            clock=self._clock,
            list_keys=self._recent_posts,
            read=lambda post_id, watermark, _started_at: self._post_comments(post_id, watermark),
            on_gone=lambda post_id: logger.info(
                "facebook page %s: post %s is gone; skipping it", self.page_id, post_id
            ),
        )
        if step.key is not None:
            logger.debug(
                "facebook page %s post %s: %d items, %d posts left in this poll",
                self.page_id,
                step.key,
                len(step.items),
                step.left,
            )
        return step.page(CURSOR_VERSION)

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

    # -- token check ---------------------------------------------------------------------------------------

    def check_token(self) -> TokenStatus:
        """Ask Graph for the Page with the Page token (``GET /{page-id}?fields=id,name``): valid when the Page
        answers. A refused token is reported, not raised; the message carries the code 190 subcode's meaning
        (463 expired, 460 password changed, 492 no role on the Page). Network failures and server errors after
        retries still raise: they say nothing about the token."""
        try:
            body = self._request("GET", self.page_id, params={"fields": "id,name"})
        except AuthError as exc:
            return TokenStatus(False, str(exc))
        if body.get("id") != self.page_id:
            return TokenStatus(False, f"Graph answered with a different object than Page {self.page_id}")
        name = body.get("name")
        who = f"{name} ({self.page_id})" if isinstance(name, str) and name else self.page_id
        return TokenStatus(True, f"reaches Facebook Page {who}")

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
