"""Instagram business or creator account connector: comments, replies and mentions through the Graph API.

It speaks the "Instagram API with Facebook Login for Business" route: host ``graph.facebook.com``, the IG user id
from ``GET /{page-id}?fields=instagram_business_account``, and a Page (or user) token with
``instagram_basic``, ``instagram_manage_comments`` and ``pages_read_engagement``. The "Instagram Login" route
serves the same paths on ``graph.instagram.com`` (set ``base_url``). Transport, errors and rate limits are
Graph's, shared with Facebook in :mod:`connectors._graph` (the error table is there).

Instagram quirks this module is built around (``/work/shared/research/platform-apis.md`` §2;
https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-media/comments):

* ``/{media}/comments`` returns top-level comments only, **at most 50 per page, newest first, with no time
  filter**; replies come through the ``replies`` field (or ``/{comment}/replies``). Every comment of every media
  item in the lookback window is therefore read on each poll and the watermark applied here.
* Comments from restricted users and on age-gated media are silently left out by the API.
* Replies are allowed to top-level comments only, never to hidden ones.
* There is **no block, ban or restrict endpoint**: the most an account can do is turn comments off on a post.
* Mentions cannot be listed: the ``mentions`` webhook gives ids only, and :meth:`InstagramConnector.fetch_mention`
  turns them into an :class:`~connectors.base.Item` through the ``mentioned_comment``/``mentioned_media`` field
  expansions on the IG user.
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
    Action,
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
    unsupported,
    utc_now,
)
from connectors.errors import (
    ActionRefusedError,
    AuthError,
    MalformedResponseError,
    PermanentError,
)

logger = logging.getLogger(__name__)

PLATFORM = "instagram"
CURSOR_VERSION = 1
GRAPH_PLATFORM = GraphPlatform(PLATFORM, "Instagram", "token", "Instagram account")

#: The comments edge's hard maximum per page.
MAX_COMMENTS_PER_PAGE = 50

MEDIA_FIELDS = "id,timestamp,permalink,comments_count"
REPLY_FIELDS = "id,text,timestamp,username,from{id,username},hidden,parent_id"
# ``username`` needs instagram_manage_comments (since 2024-08-27); without it the author is anonymous here.
COMMENT_FIELDS = f"id,text,timestamp,username,from{{id,username}},hidden,parent_id,replies{{{REPLY_FIELDS}}}"
# The mention nodes document only a few fields (no author, no permalink); asking for more is error 100.
MENTIONED_COMMENT_FIELDS = "id,text,timestamp,like_count,media"
MENTIONED_MEDIA_FIELDS = "id,caption,timestamp,media_type"


def _raise_for_status(response: httpx.Response, *, clock: Clock = utc_now) -> None:
    """Sort a Graph response into :mod:`connectors.errors` (table in :mod:`connectors._graph`)."""
    raise_for_graph_status(response, platform=GRAPH_PLATFORM, clock=clock)


def _parse_time(value: object, field: str) -> datetime:
    return parse_graph_time(value, field, platform=PLATFORM)


def _str(raw: Mapping[str, Any], key: str) -> str | None:
    value = raw.get(key)
    return value if isinstance(value, str) and value else None


def _author(raw: Mapping[str, Any]) -> Author:
    # ``from`` carries the commenter's Instagram-scoped id; ``username`` may come on its own or inside ``from``.
    sender = raw.get("from")
    sender = sender if isinstance(sender, Mapping) else {}
    return Author(
        external_id=_str(sender, "id"), display_name=_str(raw, "username") or _str(sender, "username")
    )


def _require_id(raw: object, what: str) -> Mapping[str, Any]:
    if not isinstance(raw, Mapping):
        raise MalformedResponseError(f"Graph {what} is not an object", platform=PLATFORM, code="data")
    if _str(raw, "id") is None:
        raise MalformedResponseError(f"Graph {what} has no 'id'", platform=PLATFORM, code="id")
    return raw


def _parse_comment(raw: object, *, account_id: str, media_id: str, permalink: str | None) -> Item:
    """One IG comment or reply as an :class:`Item`. Replies name their top-level comment in ``parent_id``."""
    comment = _require_id(raw, "comment")
    parent_id = _str(comment, "parent_id")
    is_hidden = comment.get("hidden") is True
    text = comment.get("text")
    return Item(
        platform=PLATFORM,
        account_external_id=account_id,
        external_id=comment["id"],
        kind=ItemKind.REPLY if parent_id else ItemKind.COMMENT,
        text=text if isinstance(text, str) else "",
        created_at=_parse_time(comment.get("timestamp"), "timestamp"),
        author=_author(comment),
        parent_external_id=parent_id or media_id,
        post_external_id=media_id,
        # IG comments have no permalink of their own; the media's is the nearest a person can open.
        permalink=permalink,
        platform_state=PlatformState.HIDDEN if is_hidden else PlatformState.VISIBLE,
        # The API documents who may reply (top-level, not hidden) but reports nothing per comment on hide/delete.
        can_reply=not parent_id and not is_hidden,
    )


class InstagramConnector:
    """One Instagram business or creator account, by IG user id (``17841…``)."""

    platform: ClassVar[str] = PLATFORM
    capabilities: ClassVar[Capabilities] = Capabilities(
        hide=True,
        unhide=True,
        delete=True,
        reply=True,
        ban=False,
        notes={
            "hide": "a hidden comment stays visible to its author and their followers",
            "delete": "only comments on the account's own media",
            "reply": "top-level comments only, and not hidden ones",
            "ban": "Instagram's API has no block or restrict; you can only disable comments on a post",
        },
    )

    def __init__(
        self,
        *,
        ig_user_id: str,
        token: Secret,
        http: HttpClient,
        base_url: str = "https://graph.facebook.com",
        api_version: str = "v25.0",
        app_secret: Secret | None = None,
        clock: Clock = utc_now,
        lookback_days: int = 30,
        page_size: int = MAX_COMMENTS_PER_PAGE,
    ) -> None:
        if not ig_user_id:
            raise ValueError("ig_user_id must not be empty")
        if lookback_days < 1:
            raise ValueError("lookback_days must be at least 1")
        self.ig_user_id = ig_user_id
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
        self.page_size = max(1, min(page_size, MAX_COMMENTS_PER_PAGE))

    def __repr__(self) -> str:
        return f"InstagramConnector(ig_user_id={self.ig_user_id!r}, base_url={self._root!r})"

    # -- fetch ---------------------------------------------------------------------------------------------

    def fetch(self, cursor: Cursor | None) -> Page:
        """Read one media item's new comments and replies per call (``has_more`` while media remain in the poll).

        The cursor (``{"v": 1, "watermarks": {media_id: iso}, "round": {"started_at", "pending": [media_id]}}``)
        keeps, per media item, the newest ``timestamp`` delivered, capped at the poll's start. Items at the
        watermark are delivered again (``>=``); the bot de-duplicates on the external id.
        """
        state = load_cursor(cursor, platform=PLATFORM, label="Instagram", version=CURSOR_VERSION)
        step = step_round(
            state,
            clock=self._clock,
            list_keys=self._recent_media,
            read=lambda media_id, watermark, _started_at: self._media_comments(media_id, watermark),
            on_gone=lambda media_id: logger.info(
                "instagram account %s: media %s is gone; skipping it", self.ig_user_id, media_id
            ),
        )
        if step.key is not None:
            logger.debug(
                "instagram account %s media %s: %d items, %d media left in this poll",
                self.ig_user_id,
                step.key,
                len(step.items),
                step.left,
            )
        return step.page(CURSOR_VERSION)

    def _recent_media(self, started_at: datetime) -> list[str]:
        """The account's media created within the lookback window, oldest first."""
        since = started_at - self.lookback
        found: list[tuple[datetime, str]] = []
        params = {"fields": MEDIA_FIELDS, "limit": str(self.page_size)}
        for data in self._graph.paged(f"{self.ig_user_id}/media", params):
            times: list[datetime] = []
            for raw in data:
                media = _require_id(raw, "media")
                created = _parse_time(media.get("timestamp"), "timestamp")
                times.append(created)
                if created >= since:
                    found.append((created, media["id"]))
            # The edge is newest first and has no ``since``; stop after a page entirely outside the window
            # (a whole page, not the first old item: pinned posts can come first out of date order).
            if times and max(times) < since:
                break
        found.sort()
        return list(dict.fromkeys(media_id for _, media_id in found))

    def _media_comments(self, media_id: str, watermark: datetime | None) -> list[Item]:
        # One request brings the media's permalink and the first page of comments (a field expansion of the
        # comments edge); later pages follow ``comments.paging.next``.
        body = self._graph.request(
            "GET",
            media_id,
            params={"fields": f"id,permalink,comments.limit({self.page_size}){{{COMMENT_FIELDS}}}"},
        )
        permalink = body.get("permalink") if isinstance(body.get("permalink"), str) else None
        comments = body.get("comments")
        items: list[Item] = []
        # Graph leaves an empty edge out of a field expansion altogether.
        if comments is None:
            return items
        if not isinstance(comments, Mapping):
            raise MalformedResponseError(
                "Graph 'comments' is not an edge", platform=PLATFORM, code="comments"
            )
        for data in self._graph.paged(f"{media_id}/comments", {}, first=comments):
            for raw in data:
                comment = _parse_comment(
                    raw, account_id=self.ig_user_id, media_id=media_id, permalink=permalink
                )
                if watermark is None or comment.created_at >= watermark:
                    items.append(comment)
                replies = raw.get("replies") if isinstance(raw, Mapping) else None
                # A reply arrives under an old comment at any time, so every comment's replies are checked.
                for reply in self._replies(comment.external_id, replies, permalink, media_id):
                    if watermark is None or reply.created_at >= watermark:
                        items.append(reply)
        # The edge is newest first; deliver oldest first, as the other connectors do.
        items.sort(key=lambda item: item.created_at)
        return items

    def _replies(self, comment_id: str, edge: object, permalink: str | None, media_id: str) -> Iterator[Item]:
        if edge is None:
            return
        if not isinstance(edge, Mapping):
            raise MalformedResponseError("Graph 'replies' is not an edge", platform=PLATFORM, code="replies")
        for data in self._graph.paged(f"{comment_id}/replies", {"fields": REPLY_FIELDS}, first=edge):
            for raw in data:
                yield _parse_comment(raw, account_id=self.ig_user_id, media_id=media_id, permalink=permalink)

    def fetch_mention(self, media_id: str, comment_id: str | None = None) -> Item:
        """The mention a ``mentions`` webhook announced, as an Item of kind MENTION: a comment on someone else's
        media that @mentions the account (``comment_id``), or a caption that does (``media_id`` alone).

        Hide, delete and reply do not apply: the comment is on media the account does not own. Raises
        :class:`PermanentError` when comments are off on that media (the API then refuses the lookup)."""
        if comment_id:
            spec = f"mentioned_comment.comment_id({comment_id}){{{MENTIONED_COMMENT_FIELDS}}}"
            body = self._graph.request("GET", self.ig_user_id, params={"fields": spec})
            raw = _require_id(body.get("mentioned_comment"), "mentioned_comment")
            # Narrowed through a local: mypy cannot narrow a repeated ``raw.get`` call.
            media_raw = raw.get("media")
            media: Mapping[str, Any] = media_raw if isinstance(media_raw, Mapping) else {}
            text = raw.get("text")
            return Item(
                platform=PLATFORM,
                account_external_id=self.ig_user_id,
                external_id=raw["id"],
                kind=ItemKind.MENTION,
                text=text if isinstance(text, str) else "",
                created_at=_parse_time(raw.get("timestamp"), "timestamp"),
                parent_external_id=_str(media, "id") or media_id,
                post_external_id=_str(media, "id") or media_id,
                can_hide=False,
                can_delete=False,
                can_reply=False,
            )
        spec = f"mentioned_media.media_id({media_id}){{{MENTIONED_MEDIA_FIELDS}}}"
        body = self._graph.request("GET", self.ig_user_id, params={"fields": spec})
        raw = _require_id(body.get("mentioned_media"), "mentioned_media")
        caption = raw.get("caption")
        return Item(
            platform=PLATFORM,
            account_external_id=self.ig_user_id,
            external_id=raw["id"],
            kind=ItemKind.MENTION,
            text=caption if isinstance(caption, str) else "",
            created_at=_parse_time(raw.get("timestamp"), "timestamp"),
            post_external_id=raw["id"],
            can_hide=False,
            can_delete=False,
            can_reply=False,
        )

    def check_token(self) -> TokenStatus:
        """Ask Graph for the account itself (``GET /{ig-user-id}?fields=id,username``): a cheap proof that the
        token still reaches it. A refused token is reported (Graph's code 190 subcode says why), not raised;
        network failures and server errors after retries still raise."""
        try:
            body = self._graph.request("GET", self.ig_user_id, params={"fields": "id,username"})
        except AuthError as exc:
            return TokenStatus(False, str(exc))
        if body.get("id") != self.ig_user_id:
            return TokenStatus(
                False, f"the token reaches a different Instagram account than {self.ig_user_id}"
            )
        username = body.get("username")
        who = (
            f"@{username} ({self.ig_user_id})" if isinstance(username, str) and username else self.ig_user_id
        )
        return TokenStatus(True, f"reaches Instagram account {who}")

    # -- actions -------------------------------------------------------------------------------------------

    def hide(self, external_id: str) -> None:
        """Hide a comment. Instagram treats hiding a hidden comment as success, so nothing is read first."""
        self._expect_success(self._graph.request("POST", external_id, data={"hide": "true"}), "hide")

    def unhide(self, external_id: str) -> None:
        self._expect_success(self._graph.request("POST", external_id, data={"hide": "false"}), "unhide")

    def delete(self, external_id: str) -> None:
        """Delete a comment on the account's media. Raises :class:`NotFoundError` when it is already gone."""
        self._expect_success(self._graph.request("DELETE", external_id), "delete")

    def reply(self, external_id: str, text: str) -> str:
        """Reply as the account to a top-level, visible comment; returns the new reply's id."""
        if not text.strip():
            raise ValueError("reply text must not be empty")
        state = self._graph.request("GET", external_id, params={"fields": "id,hidden,parent_id"})
        parent = state.get("parent_id")
        if isinstance(parent, str) and parent:
            raise ActionRefusedError(
                f"Instagram only takes replies to top-level comments; reply to comment {parent}, which this one "
                "answers",
                platform=PLATFORM,
                code="reply_to_reply",
            )
        if state.get("hidden") is True:
            raise ActionRefusedError(
                "Instagram does not allow replies to a hidden comment. Unhide it first, or leave it hidden.",
                platform=PLATFORM,
                code="hidden",
            )
        # The message goes in the form body, not the query the docs show: httpx logs URLs, and this is text.
        # A retried reply after a timeout could post twice; only retry what surely did not run.
        body = self._graph.request("POST", f"{external_id}/replies", data={"message": text}, idempotent=False)
        new_id = body.get("id")
        if not isinstance(new_id, str) or not new_id:
            raise MalformedResponseError("Graph reply response has no 'id'", platform=PLATFORM, code="id")
        return new_id

    def ban(self, author_external_id: str) -> None:
        raise unsupported(PLATFORM, Action.BAN, self.capabilities)

    def _expect_success(self, body: Mapping[str, Any], action: str) -> None:
        if body.get("success") is not True:
            raise PermanentError(f"Instagram did not confirm the {action}", platform=PLATFORM, code=action)

    def close(self) -> None:
        self._http.close()
