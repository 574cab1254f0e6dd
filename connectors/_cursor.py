"""The watermark cursor that polling connectors save: per-key newest time delivered, plus the poll in progress.

A poll ("round") may take several ``fetch`` calls, one key (a post, a media item, a moderation status) per call;
``round.pending`` lists the keys still to read and ``round.started_at`` is the signpost no watermark may pass.
Stored as ``{"v": N, "watermarks": {key: iso}, "round": {"started_at": iso, "pending": [...]} | null, ...}``;
connectors may add their own top-level keys and read them from :attr:`LoadedCursor.raw`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from connectors.base import Clock, Cursor, Item, Page
from connectors.errors import NotFoundError, PermanentError

#: Upgrades a stored cursor from version N to N+1.
Migration = Callable[[dict[str, Any]], dict[str, Any]]


@dataclass(frozen=True, slots=True)
class Round:
    """One poll, possibly spread over several ``fetch`` calls: the keys still to read, and when it began."""

    started_at: datetime
    pending: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class LoadedCursor:
    """``watermarks``: per key, the newest time delivered (never later than a poll's start). ``raw`` is the
    migrated JSON, for connector-specific keys."""

    watermarks: Mapping[str, datetime]
    round: Round | None = None
    raw: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RoundStep:
    """What one ``fetch`` call of a poll did: the key it read (``None`` when the poll listed none), the items
    found, and what to save: the updated watermarks and the rest of the poll (``None`` once it is over)."""

    key: str | None
    items: tuple[Item, ...]
    watermarks: dict[str, datetime]
    next_round: Round | None

    @property
    def left(self) -> int:
        return 0 if self.next_round is None else len(self.next_round.pending)

    def page(self, version: int, **extra: Any) -> Page:
        """The :class:`Page` to return, its cursor in the :func:`dump_cursor` format (``extra`` as there)."""
        return Page(
            items=self.items,
            next_cursor=dump_cursor(version, self.watermarks, self.next_round, **extra),
            has_more=self.next_round is not None,
        )


def step_round(
    state: LoadedCursor,
    *,
    clock: Clock,
    list_keys: Callable[[datetime], Sequence[str]],
    read: Callable[[str, datetime | None, datetime], Sequence[Item]],
    forget_unlisted: bool = True,
    on_gone: Callable[[str], None] | None = None,
) -> RoundStep:
    """Advance the poll in ``state`` by one key: start a round when none is in progress (``list_keys`` at the
    poll's start), then ``read(key, watermark, started_at)`` the first pending key and move its watermark.

    ``forget_unlisted`` drops the watermarks of keys a new round no longer lists (posts that fell out of the
    lookback window), so the cursor stays small. With ``on_gone``, a key whose read raises
    :class:`NotFoundError` (deleted since the round listed it) is told to ``on_gone`` and skipped with its
    watermark, since otherwise every later poll would ask for it again; without it the error propagates.
    """
    watermarks = dict(state.watermarks)
    round_ = state.round
    if round_ is None:
        started_at = clock().astimezone(UTC)
        keys = list_keys(started_at)
        if forget_unlisted:
            watermarks = {key: when for key, when in watermarks.items() if key in keys}
        round_ = Round(started_at, tuple(keys))
    if not round_.pending:
        return RoundStep(None, (), watermarks, None)
    key, *rest = round_.pending
    previous = watermarks.get(key)
    try:
        items = tuple(read(key, previous, round_.started_at))
    except NotFoundError:
        if on_gone is None:
            raise
        on_gone(key)
        items = ()
        watermarks.pop(key, None)
    if items:
        # The signpost: never past the poll's start, so an item stamped later is read again next poll.
        newest = min(max(item.created_at for item in items), round_.started_at)
        watermarks[key] = newest if previous is None else max(previous, newest)
    return RoundStep(key, items, watermarks, Round(round_.started_at, tuple(rest)) if rest else None)


def dump_cursor(
    version: int, watermarks: Mapping[str, datetime], round_: Round | None, **extra: Any
) -> dict[str, Any]:
    return {
        "v": version,
        "watermarks": {key: when.isoformat() for key, when in sorted(watermarks.items())},
        "round": None
        if round_ is None
        else {"started_at": round_.started_at.isoformat(), "pending": list(round_.pending)},
        **extra,
    }


def load_cursor(
    cursor: Cursor | None,
    *,
    platform: str,
    label: str,
    version: int,
    migrations: Mapping[int, Migration] | None = None,
) -> LoadedCursor:
    """Validate and migrate a saved cursor; ``None`` is a fresh start. Anything unreadable is a
    :class:`PermanentError` naming the platform (``label``) and telling a person how to recover."""
    if cursor is None:
        return LoadedCursor(watermarks={})
    if not isinstance(cursor, Mapping):
        raise bad_cursor(platform, label, "not a JSON object")
    raw = dict(cursor)
    found = raw.get("v")
    if not isinstance(found, int) or isinstance(found, bool) or found < 1:
        raise bad_cursor(platform, label, "missing or invalid version 'v'")
    if found > version:
        raise bad_cursor(
            platform, label, f"version {found} is newer than this SocialGuard understands ({version})"
        )
    while found < version:
        step = (migrations or {}).get(found)
        if step is None:
            raise bad_cursor(platform, label, f"version {found} can no longer be read")
        raw = step(raw)
        found += 1
    watermarks = raw.get("watermarks")
    if not isinstance(watermarks, Mapping):
        raise bad_cursor(platform, label, "'watermarks' must be an object")
    parsed = {
        str(key): cursor_time(when, "watermark", platform=platform, label=label)
        for key, when in watermarks.items()
    }
    round_raw = raw.get("round")
    if round_raw is None:
        return LoadedCursor(parsed, None, raw)
    if not isinstance(round_raw, Mapping):
        raise bad_cursor(platform, label, "'round' must be an object or null")
    pending = round_raw.get("pending")
    if not isinstance(pending, list) or not all(isinstance(p, str) and p for p in pending):
        raise bad_cursor(platform, label, "'round.pending' must be a list of ids")
    started_at = cursor_time(round_raw.get("started_at"), "round.started_at", platform=platform, label=label)
    return LoadedCursor(parsed, Round(started_at, tuple(pending)), raw)


def cursor_time(value: object, name: str, *, platform: str, label: str) -> datetime:
    if not isinstance(value, str):
        raise bad_cursor(platform, label, f"{name} must be an ISO 8601 string")
    try:
        when = datetime.fromisoformat(value)
    except ValueError as exc:
        raise bad_cursor(platform, label, f"{name} is not an ISO 8601 time") from exc
    if when.tzinfo is None:
        raise bad_cursor(platform, label, f"{name} has no timezone")
    return when.astimezone(UTC)


def bad_cursor(platform: str, label: str, reason: str) -> PermanentError:
    return PermanentError(
        f"the saved {label} cursor is not valid ({reason}); reset the account's cursor to re-read the last days "
        "of comments",
        platform=platform,
        code="bad_cursor",
    )
