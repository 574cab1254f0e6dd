"""Emits Meta webhook deliveries the way Meta does: signed raw bodies, batches, repeats, both IG envelopes."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Literal

import httpx

from connectors.base import Secret
from connectors.sandbox.facebook import CommentSnapshot
from connectors.webhooks import SIGNATURE_HEADER, sign


def facebook_comment_change(page_id: str, comment: CommentSnapshot, *, verb: str = "add") -> dict[str, Any]:
    """A ``feed`` change for one sandbox comment; ``created_time`` is epoch seconds, as in real deliveries."""
    value: dict[str, Any] = {
        "item": "comment",
        "verb": verb,
        "comment_id": comment.id,
        "post_id": comment.post_id,
        "parent_id": comment.parent_id or comment.post_id,
        "message": comment.message,
        "created_time": int(comment.created_time.timestamp()),
        "post": {"id": comment.post_id, "status_type": "mobile_status_update", "is_published": True},
    }
    if comment.author_id:
        value["from"] = {"id": comment.author_id, "name": comment.author_name}
    if verb in ("hide", "unhide"):
        value["is_hidden"] = verb == "hide"
    return {"field": "feed", "value": value}


def instagram_comment_entry(
    ig_id: str,
    comment_id: str,
    text: str,
    *,
    when: datetime,
    username: str,
    user_id: str,
    media_id: str,
    envelope: Literal["changes", "entry"] = "changes",
) -> dict[str, Any]:
    """One Instagram entry, in the Facebook-Login (``changes``) or Instagram-Login (field on the entry) form."""
    value = {"from": {"id": user_id, "username": username}, "text": text,
             "media": {"id": media_id, "media_product_type": "FEED"}}
    if envelope == "changes":
        return {"id": ig_id, "time": int(when.timestamp()),
                "changes": [{"field": "comments", "value": {**value, "comment_id": comment_id}}]}
    return {"id": ig_id, "time": int(when.timestamp()), "field": "comments", "value": {**value, "id": comment_id}}


def page_delivery(page_id: str, changes: Sequence[dict[str, Any]], *, when: datetime) -> dict[str, Any]:
    return {"object": "page", "entry": [{"id": page_id, "time": int(when.timestamp()), "changes": list(changes)}]}


class MetaWebhookEmitter:
    """POSTs deliveries to a receiver, signing the exact bytes sent."""

    def __init__(self, app_secret: str, *, client: httpx.Client | None = None) -> None:
        self._secret = Secret(app_secret)
        self._client = client or httpx.Client(timeout=10.0)

    def deliver(self, url: str, payload: dict[str, Any] | bytes, *, signature: str | None = None) -> httpx.Response:
        body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        headers = {"Content-Type": "application/json",
                   SIGNATURE_HEADER: signature if signature is not None else sign(self._secret, body)}
        return self._client.post(url, content=body, headers=headers)

    def deliver_batches(self, url: str, payload: dict[str, Any], *, batch_size: int) -> list[httpx.Response]:
        """Split one delivery's entries' changes into several deliveries of at most ``batch_size`` changes."""
        responses = []
        for entry in payload["entry"]:
            changes = entry.get("changes", [])
            for start in range(0, max(len(changes), 1), batch_size):
                part = {**payload, "entry": [{**entry, "changes": changes[start : start + batch_size]}]}
                responses.append(self.deliver(url, part))
        return responses

    def close(self) -> None:
        self._client.close()
