"""The append-only, hash-chained audit log: every change to a case leaves an event that cannot be rewritten."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from bot.models import AuditEvent, utcnow

GENESIS = "0" * 64
#: Any constant works; it names the PostgreSQL advisory lock that serialises writers of the chain.
_PG_LOCK_KEY = 0x5347_4155  # "SGAU"


def _digest(prev_hash: str, actor: str, event_type: str, case_id: int | None, school_id: int | None,
            created_at: datetime, payload: dict[str, Any]) -> str:
    body = json.dumps(
        {
            "prev": prev_hash,
            "actor": actor,
            "type": event_type,
            "case": case_id,
            "school": school_id,
            "at": created_at.isoformat(timespec="microseconds"),
            "payload": payload,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=True,
        default=str,
    )
    return hashlib.sha256(body.encode("ascii")).hexdigest()


def record(session: Session, *, actor: str, event_type: str, case_id: int | None = None,
           school_id: int | None = None, payload: dict[str, Any] | None = None,
           now: datetime | None = None) -> AuditEvent:
    """Append one event in the caller's transaction."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
    session.flush()
    last = session.scalars(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)).first()
    prev_hash = last or GENESIS
    created_at = (now or utcnow()).astimezone(UTC)
    payload = payload or {}
    event = AuditEvent(
        actor=actor, event_type=event_type, case_id=case_id, school_id=school_id, payload=payload,
        created_at=created_at, prev_hash=prev_hash,
        hash=_digest(prev_hash, actor, event_type, case_id, school_id, created_at, payload),
    )
    session.add(event)
    session.flush()
    return event


@dataclass(frozen=True, slots=True)
class VerifyResult:
    ok: bool
    checked: int
    broken_at: int | None = None
    reason: str | None = None


def verify(session: Session) -> VerifyResult:
    """Walk the chain in id order; report the first event whose link or content does not check out."""
    prev_hash = GENESIS
    checked = 0
    for event in session.scalars(select(AuditEvent).order_by(AuditEvent.id)).yield_per(500):
        if event.prev_hash != prev_hash:
            return VerifyResult(False, checked, event.id, "previous-hash link does not match the event before it")
        expected = _digest(event.prev_hash, event.actor, event.event_type, event.case_id, event.school_id,
                           event.created_at, event.payload)
        if expected != event.hash:
            return VerifyResult(False, checked, event.id, "content does not match its hash (edited after writing)")
        prev_hash = event.hash
        checked += 1
    return VerifyResult(True, checked)
