"""Meta webhooks (Facebook Page ``feed``/``mention``, Instagram ``comments``/``mentions``): verify and parse.

Meta signs the raw request body with the app secret (``X-Hub-Signature-256: sha256=<hex>``). The signature is
checked over the bytes exactly as received, never over re-serialised JSON. Deliveries can be batched (up to
1,000 changes), repeated, and out of order; ``created_time`` in ``feed`` values is epoch seconds, unlike the
ISO strings of Graph reads. See https://developers.facebook.com/docs/graph-api/webhooks/getting-started.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from connectors.base import Author, Item, ItemKind, PlatformState, Secret
from connectors.errors import MalformedResponseError

SIGNATURE_HEADER = "X-Hub-Signature-256"


def sign(app_secret: Secret, body: bytes) -> str:
    """The header value Meta would send for ``body``."""
    digest = hmac.new(app_secret.get_secret_value().encode(), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def verify_signature(app_secret: Secret, body: bytes, header: str | None) -> bool:
    """True only when ``header`` is a valid SHA-256 signature of the raw ``body``."""
    if not header or not header.startswith("sha256="):
        return False
    return hmac.compare_digest(sign(app_secret, body), header.strip())


def handshake(params: Mapping[str, str], verify_token: Secret) -> str | None:
    """Answer Meta's subscription check: the challenge to echo back, or ``None`` to refuse."""
    if params.get("hub.mode") != "subscribe":
        return None
    offered = params.get("hub.verify_token", "")
    if not hmac.compare_digest(offered.encode(), verify_token.get_secret_value().encode()):
        return None
    challenge = params.get("hub.challenge")
    return challenge if challenge else None


@dataclass(frozen=True, slots=True)
class StateChange:
    """A comment was hidden, unhidden or removed on the platform."""

    platform: str
    account_external_id: str
    external_id: str
    state: PlatformState


@dataclass(frozen=True, slots=True)
class PollRequest:
    """Meta told us something happened but not what (an Instagram mention carries only ids): poll the account."""

    platform: str
    account_external_id: str


@dataclass(frozen=True, slots=True)
class MentionLookup:
    """An Instagram ``mentions`` event: only ids arrive, and no listing endpoint would find the mention later,
    so it must be looked up by id (``mentioned_comment`` / ``mentioned_media``) when the event arrives."""

    platform: str
    account_external_id: str
    media_id: str
    comment_id: str | None


@dataclass(frozen=True, slots=True)
class Delivery:
    items: tuple[Item, ...]
    state_changes: tuple[StateChange, ...]
    poll_requests: tuple[PollRequest, ...]
    ignored: int
    mentions: tuple[MentionLookup, ...] = ()


def _str(value: Any, field: str) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str) or not value:
        raise MalformedResponseError(f"webhook change has no usable {field!r}", platform="meta", code=field)
    return value


def _when(value: Any, fallback: Any) -> datetime:
    for candidate in (value, fallback):
        if isinstance(candidate, int | float) and not isinstance(candidate, bool):
            return datetime.fromtimestamp(candidate, UTC)
        if isinstance(candidate, str) and candidate:
            try:
                return datetime.strptime(candidate, "%Y-%m-%dT%H:%M:%S%z").astimezone(UTC)
            except ValueError:
                continue
    raise MalformedResponseError("webhook change has no usable time", platform="meta", code="created_time")


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


_HIDE_VERBS = {"hide": PlatformState.HIDDEN, "unhide": PlatformState.VISIBLE, "remove": PlatformState.DELETED}


def _facebook_change(page_id: str, entry_time: Any, field: str, value: Mapping[str, Any]) -> Item | StateChange | None:
    if value.get("item") != "comment":
        return None  # reactions, shares, the Page's own posts: nothing to moderate
    comment_id = _str(value.get("comment_id"), "comment_id")
    verb = value.get("verb")
    if verb in _HIDE_VERBS:
        return StateChange("facebook", page_id, comment_id, _HIDE_VERBS[verb])
    if verb not in ("add", "edited"):
        return None
    sender = _mapping(value.get("from"))
    author = Author(
        external_id=str(sender.get("id") or value.get("sender_id") or "") or None,
        display_name=sender.get("name") or value.get("sender_name"),
    )
    post_id = value.get("post_id")
    parent_id = value.get("parent_id")
    is_reply = isinstance(parent_id, str) and parent_id != post_id
    return Item(
        platform="facebook",
        account_external_id=page_id,
        external_id=comment_id,
        kind=ItemKind.MENTION if field == "mention" else (ItemKind.REPLY if is_reply else ItemKind.COMMENT),
        text=str(value.get("message") or ""),
        created_at=_when(value.get("created_time"), entry_time),
        author=author,
        parent_external_id=parent_id if isinstance(parent_id, str) else None,
        post_external_id=post_id if isinstance(post_id, str) else None,
        platform_state=PlatformState.HIDDEN if value.get("is_hidden") else PlatformState.VISIBLE,
    )


def _instagram_change(
    ig_id: str, entry_time: Any, field: str, value: Mapping[str, Any]
) -> Item | PollRequest | MentionLookup | None:
    if field == "mentions":
        comment_id = value.get("comment_id")
        return MentionLookup("instagram", ig_id, _str(value.get("media_id"), "media_id"),
                             str(comment_id) if comment_id else None)
    if field == "comments" and not value.get("text"):
        return PollRequest("instagram", ig_id)  # ids only, on the account's own media: the next poll reads it
    if field not in ("comments", "live_comments"):
        return None
    comment_id = _str(value.get("id") or value.get("comment_id"), "id")
    sender = _mapping(value.get("from"))
    media = _mapping(value.get("media"))
    parent_id = value.get("parent_id")
    return Item(
        platform="instagram",
        account_external_id=ig_id,
        external_id=comment_id,
        kind=ItemKind.REPLY if isinstance(parent_id, str) and parent_id else ItemKind.COMMENT,
        text=str(value.get("text")),
        created_at=_when(value.get("timestamp") or value.get("created_time"), entry_time),
        author=Author(external_id=str(sender.get("id") or "") or None, display_name=sender.get("username")),
        # Polling records a top-level comment's parent as its media; do the same so both paths agree.
        parent_external_id=parent_id if isinstance(parent_id, str) and parent_id else (str(media["id"]) if media.get("id") else None),
        post_external_id=str(media["id"]) if media.get("id") else None,
    )


def parse_delivery(body: bytes) -> Delivery:
    """Parse one (already signature-checked) delivery into items, state changes and poll requests."""
    try:
        payload = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise MalformedResponseError("webhook body is not JSON", platform="meta", code="json") from exc
    if not isinstance(payload, Mapping) or not isinstance(payload.get("entry"), list):
        raise MalformedResponseError("webhook body has no 'entry' list", platform="meta", code="entry")
    kind = payload.get("object")
    if kind not in ("page", "instagram"):
        raise MalformedResponseError(f"webhook object {kind!r} is not page or instagram", platform="meta",
                                     code="object")
    items: list[Item] = []
    states: list[StateChange] = []
    polls: list[PollRequest] = []
    mentions: list[MentionLookup] = []
    ignored = 0
    for entry in payload["entry"]:
        if not isinstance(entry, Mapping):
            raise MalformedResponseError("webhook entry is not an object", platform="meta", code="entry")
        account_id = _str(entry.get("id"), "entry.id")
        # Facebook-Login deliveries nest changes; Instagram-Login ones put field/value on the entry itself.
        changes = entry.get("changes")
        if not isinstance(changes, list):
            changes = [{"field": entry.get("field"), "value": entry.get("value")}] if "field" in entry else []
        for change in changes:
            value = change.get("value") if isinstance(change, Mapping) else None
            if not isinstance(value, Mapping):
                raise MalformedResponseError("webhook change has no 'value' object", platform="meta", code="value")
            field = str(change.get("field"))
            parsed: Item | StateChange | PollRequest | MentionLookup | None
            if kind == "page":
                parsed = _facebook_change(account_id, entry.get("time"), field, value) if field in ("feed", "mention") else None
            else:
                parsed = _instagram_change(account_id, entry.get("time"), field, value)
            if isinstance(parsed, Item):
                items.append(parsed)
            elif isinstance(parsed, StateChange):
                states.append(parsed)
            elif isinstance(parsed, PollRequest):
                if parsed not in polls:
                    polls.append(parsed)
            elif isinstance(parsed, MentionLookup):
                if parsed not in mentions:
                    mentions.append(parsed)
            else:
                ignored += 1
    return Delivery(tuple(items), tuple(states), tuple(polls), ignored, tuple(mentions))
