"""The connector contract: what every platform module returns and offers.

A connector turns one platform account into a stream of :class:`Item` values (``fetch``) and carries out
moderation actions a person has approved. Connectors never touch the database, send alerts or import ``bot``;
the bot owns cursors and state.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, ClassVar, Protocol, runtime_checkable

from connectors.errors import UnsupportedActionError

#: A cursor is opaque JSON owned by the bot, always ``{"v": <int>, ...}``; ``None`` means "start from scratch".
Cursor = Mapping[str, Any]

#: Returns the current time, timezone-aware UTC. Injected so tests never sleep or depend on the wall clock.
Clock = Callable[[], datetime]

#: Blocks for the given number of seconds. Injected; only ``connectors._http`` ever calls it.
Sleep = Callable[[float], None]


def utc_now() -> datetime:
    return datetime.now(UTC)


class ItemKind(enum.StrEnum):
    POST = "post"
    COMMENT = "comment"
    REPLY = "reply"
    MENTION = "mention"


class PlatformState(enum.StrEnum):
    VISIBLE = "visible"
    HIDDEN = "hidden"
    DELETED = "deleted"


class Action(enum.StrEnum):
    HIDE = "hide"
    UNHIDE = "unhide"
    DELETE = "delete"
    REPLY = "reply"
    BAN = "ban"


class Secret:
    """A credential whose ``repr`` and ``str`` never show the value."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def get_secret_value(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('**********')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    def __bool__(self) -> bool:
        return bool(self._value)


@dataclass(frozen=True, slots=True)
class Author:
    external_id: str | None = None
    display_name: str | None = None


@dataclass(frozen=True, slots=True)
class Item:
    """One comment, reply, mention or post, parsed at the connector boundary.

    ``external_id`` is the platform's id; ``created_at`` is timezone-aware UTC. ``can_hide``/``can_delete``/
    ``can_reply`` carry per-object permissions where the platform reports them (Facebook ``can_hide``,
    ``can_remove``, ``can_comment``); ``None`` means the platform did not say.
    """

    platform: str
    account_external_id: str
    external_id: str
    kind: ItemKind
    text: str
    created_at: datetime
    author: Author = field(default_factory=Author)
    parent_external_id: str | None = None
    post_external_id: str | None = None
    permalink: str | None = None
    platform_state: PlatformState = PlatformState.VISIBLE
    can_hide: bool | None = None
    can_delete: bool | None = None
    can_reply: bool | None = None

    def __post_init__(self) -> None:
        if self.created_at.tzinfo is None:
            raise ValueError("Item.created_at must be timezone-aware")
        if not self.external_id:
            raise ValueError("Item.external_id must not be empty")


@dataclass(frozen=True, slots=True)
class Page:
    """One batch from ``fetch``. Save ``next_cursor`` in the same transaction as ``items``; call again while
    ``has_more``."""

    items: tuple[Item, ...]
    next_cursor: Cursor
    has_more: bool = False


@dataclass(frozen=True, slots=True)
class Capabilities:
    """Which moderation actions the platform's API allows on other people's content.

    ``notes`` explains limits a person should know, e.g. ``{"hide": "only replies to the school's own posts"}``.
    ``ban_by_comment`` says what ``ban`` takes: the author's id (most platforms), or the id of one of their
    comments where the platform bans only through a comment (YouTube's ``banAuthor`` on a rejection).
    """

    hide: bool
    unhide: bool
    delete: bool
    reply: bool
    ban: bool
    notes: Mapping[str, str] = field(default_factory=dict)
    ban_by_comment: bool = False

    def supports(self, action: Action | str) -> bool:
        return bool(getattr(self, Action(action).value))

    def as_dict(self) -> dict[str, bool]:
        return {action.value: self.supports(action) for action in Action}


@runtime_checkable
class Connector(Protocol):
    """One platform account. Implementations take all dependencies as keyword-only constructor arguments."""

    platform: ClassVar[str]
    capabilities: ClassVar[Capabilities]

    def fetch(self, cursor: Cursor | None) -> Page:
        """Return the next batch of items after ``cursor`` (at-least-once; the bot de-duplicates)."""
        ...

    def hide(self, external_id: str) -> None: ...

    def unhide(self, external_id: str) -> None: ...

    def delete(self, external_id: str) -> None: ...

    def reply(self, external_id: str, text: str) -> str:
        """Reply to the item; return the new reply's external id."""
        ...

    def ban(self, author_external_id: str) -> None:
        """Ban an author: pass their id, or one of their comment ids when ``capabilities.ban_by_comment``."""
        ...

    def close(self) -> None: ...


@dataclass(frozen=True, slots=True)
class TokenStatus:
    """What the platform says about a credential: ``valid``, a human ``detail``, and expiry if it tells us."""

    valid: bool
    detail: str
    expires_at: datetime | None = None


@runtime_checkable
class ChecksToken(Protocol):
    """Connectors whose platform can tell us whether the token works, without fetching comments."""

    def check_token(self) -> TokenStatus: ...


def unsupported(platform: str, action: Action | str, capabilities: Capabilities) -> UnsupportedActionError:
    """Build the error for an action the platform does not offer, using the capability note as the reason."""
    name = Action(action).value
    reason = capabilities.notes.get(name, f"the {platform} API has no {name} for other people's content")
    return UnsupportedActionError(platform, name, reason)
