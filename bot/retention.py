"""Retention (UK GDPR storage limitation): once a closed case's period for its category has passed, erase the
comment text and author details of its items, its notes and its reply texts; keep the case's metadata and the
audit log. Comments that opened no case are erased after ``unflagged_days``. Open cases are never erased.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot import audit
from bot.config import RetentionConfig
from bot.models import ActionRequest, Case, CaseNote, Item, OutboxMessage
from bot.workflow import OPEN_STATUSES

RETENTION_ACTOR = "retention"


@dataclass(frozen=True, slots=True)
class ExpiredCase:
    case_id: int
    category: str
    resolved_at: datetime
    expired_at: datetime
    items: int
    notes: int


@dataclass
class RetentionReport:
    dry_run: bool
    cases: list[ExpiredCase] = field(default_factory=list)
    unflagged_items: int = 0

    def as_dict(self) -> dict[str, object]:
        return {
            "dry_run": self.dry_run,
            "cases": [{"case_id": c.case_id, "category": c.category, "resolved_at": c.resolved_at.isoformat(),
                       "expired_at": c.expired_at.isoformat(), "items": c.items, "notes": c.notes}
                      for c in self.cases],
            "unflagged_items": self.unflagged_items,
        }


def expired_cases(session: Session, config: RetentionConfig, now: datetime) -> list[ExpiredCase]:
    rows = session.scalars(
        select(Case).where(Case.erased_at.is_(None), Case.resolved_at.is_not(None),
                           Case.status.not_in([s.value for s in OPEN_STATUSES]))
        .order_by(Case.resolved_at, Case.id)
    ).all()
    found: list[ExpiredCase] = []
    for case in rows:
        assert case.resolved_at is not None
        expires = case.resolved_at + timedelta(days=config.days_for(case.category))
        if expires > now:
            continue
        items = len(session.scalars(select(Item.id).where(Item.case_id == case.id)).all())
        notes = len(session.scalars(select(CaseNote.id).where(CaseNote.case_id == case.id,
                                                              CaseNote.erased_at.is_(None))).all())
        found.append(ExpiredCase(case.id, case.category, case.resolved_at, expires, items, notes))
    return found


def _unflagged(session: Session, config: RetentionConfig, now: datetime) -> Sequence[int]:
    cutoff = now - timedelta(days=config.unflagged_days)
    return session.scalars(
        select(Item.id).where(Item.case_id.is_(None), Item.erased_at.is_(None), Item.fetched_at <= cutoff)
    ).all()


def run_retention(session: Session, config: RetentionConfig, *, now: datetime, dry_run: bool) -> RetentionReport:
    """Find (and unless ``dry_run``, erase) everything past its retention period, in the caller's transaction."""
    report = RetentionReport(dry_run=dry_run, cases=expired_cases(session, config, now))
    unflagged = _unflagged(session, config, now)
    report.unflagged_items = len(unflagged)
    if dry_run:
        return report
    for expired in report.cases:
        _erase_case(session, expired, now)
    for start in range(0, len(unflagged), 500):
        session.execute(update(Item).where(Item.id.in_(unflagged[start:start + 500]))
                        .values(text=None, author_name=None, author_external_id=None, erased_at=now))
    if unflagged:
        audit.record(session, actor=RETENTION_ACTOR, event_type="retention.unflagged_erased",
                     payload={"items": len(unflagged)}, now=now)
    return report


def _erase_case(session: Session, expired: ExpiredCase, now: datetime) -> None:
    case = session.get(Case, expired.case_id)
    if case is None:
        return
    session.execute(update(Item).where(Item.case_id == case.id)
                    .values(text=None, author_name=None, author_external_id=None, erased_at=now))
    session.execute(update(CaseNote).where(CaseNote.case_id == case.id, CaseNote.erased_at.is_(None))
                    .values(body=None, erased_at=now))
    for request in session.scalars(select(ActionRequest).where(ActionRequest.case_id == case.id)):
        if "text" in request.params:
            # The school's own reply is public, but it may name the person it answered.
            request.params = {**request.params, "text": None, "erased": True}
    for message in session.scalars(select(OutboxMessage).where(OutboxMessage.case_id == case.id)):
        if message.payload.get("excerpt"):
            message.payload = {**message.payload, "excerpt": None}
    case.erased_at = now
    audit.record(session, actor=RETENTION_ACTOR, event_type="retention.case_erased", case_id=case.id,
                 school_id=case.school_id,
                 payload={"category": case.category, "items": expired.items, "notes": expired.notes}, now=now)
