"""SQLAlchemy 2.0 models: schools own accounts, items, cases and everything that follows from them.

All datetimes are stored as UTC and returned timezone-aware. ``items`` are unique on (platform, external_id),
which is what makes at-least-once delivery effectively-once. ``audit_events`` is append-only and hash-chained.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    event,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Stores naive UTC; returns aware UTC. Refuses naive input so local times never sneak in."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


JSONType = JSON().with_variant(JSONB(), "postgresql")


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSONType, list[Any]: JSONType}


class School(Base):
    __tablename__ = "schools"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    nation: Mapped[str] = mapped_column(String(3))
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/London")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    accounts: Mapped[list[Account]] = relationship(back_populates="school")


class Account(Base):
    __tablename__ = "accounts"
    __table_args__ = (UniqueConstraint("platform", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    platform: Mapped[str] = mapped_column(String(20))
    external_id: Mapped[str] = mapped_column(String(255))
    name: Mapped[str | None] = mapped_column(String(200))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    #: ok | failing | rate_limited | auth_expired | paused
    health: Mapped[str] = mapped_column(String(20), default="ok")
    last_success_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    school: Mapped[School] = relationship(back_populates="accounts")


class CursorState(Base):
    """The connector's cursor for one account, saved in the same transaction as the items it produced."""

    __tablename__ = "cursors"

    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    value: Mapped[dict[str, Any]]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class Item(Base):
    __tablename__ = "items"
    __table_args__ = (
        UniqueConstraint("platform", "external_id"),
        Index("ix_items_school_id_created_at", "school_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"))
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    platform: Mapped[str] = mapped_column(String(20))
    external_id: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(20))
    parent_external_id: Mapped[str | None] = mapped_column(String(255))
    post_external_id: Mapped[str | None] = mapped_column(String(255))
    author_external_id: Mapped[str | None] = mapped_column(String(255))
    author_name: Mapped[str | None] = mapped_column(String(255))
    #: ``None`` once retention has erased it; the case and audit trail remain.
    text: Mapped[str | None] = mapped_column(Text)
    permalink: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    fetched_at: Mapped[datetime] = mapped_column(default=utcnow)
    platform_state: Mapped[str] = mapped_column(String(20), default="visible")
    can_hide: Mapped[bool | None]
    can_delete: Mapped[bool | None]
    can_reply: Mapped[bool | None]
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    #: When retention erased the text and author details; the row stays so the case keeps its shape.
    erased_at: Mapped[datetime | None]

    findings: Mapped[list[Finding]] = relationship(back_populates="item", order_by="Finding.id")


class Finding(Base):
    __tablename__ = "findings"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"), index=True)
    label: Mapped[str] = mapped_column(String(40))
    score: Mapped[float] = mapped_column(Float)
    span_start: Mapped[int | None]
    span_end: Mapped[int | None]
    explanation: Mapped[str] = mapped_column(Text)
    detector_version: Mapped[str] = mapped_column(String(80))
    attributes: Mapped[dict[str, Any]] = mapped_column(default=dict)

    item: Mapped[Item] = relationship(back_populates="findings")


class Case(Base):
    """An entry in the communications officer's log: one or more related items and what to do about them."""

    __tablename__ = "cases"
    __table_args__ = (Index("ix_cases_school_id_status", "school_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"))
    #: new | acknowledged | awaiting_approval | actioned | dismissed
    status: Mapped[str] = mapped_column(String(20), default="new")
    category: Mapped[str] = mapped_column(String(40))
    severity: Mapped[int] = mapped_column(Integer)
    route: Mapped[str] = mapped_column(String(40))
    proposed_action: Mapped[str] = mapped_column(String(20))
    needs_response: Mapped[bool] = mapped_column(Boolean, default=False)
    sla_kind: Mapped[str | None] = mapped_column(String(20))
    reasons: Mapped[list[Any]] = mapped_column(default=list)
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    received_at: Mapped[datetime]
    due_at: Mapped[datetime | None] = mapped_column(index=True)
    first_response_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    assignee: Mapped[str | None] = mapped_column(String(100))
    #: A short, content-free outcome for the log ("hidden on facebook", "dismissed"); never comment text.
    resolution: Mapped[str | None] = mapped_column(String(200))
    #: When retention erased the personal data of this case's items and notes.
    erased_at: Mapped[datetime | None]

    items: Mapped[list[Item]] = relationship(order_by="Item.created_at")


class ActionRequest(Base):
    """A moderation action a person asked for; executed only once approved, at most once."""

    __tablename__ = "action_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    action: Mapped[str] = mapped_column(String(20))
    params: Mapped[dict[str, Any]] = mapped_column(default=dict)
    #: requested | approved | rejected | executing | succeeded | failed
    status: Mapped[str] = mapped_column(String(20), default="requested")
    requested_by: Mapped[str] = mapped_column(String(100))
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    approved_by: Mapped[str | None] = mapped_column(String(100))
    approved_at: Mapped[datetime | None]
    executed_at: Mapped[datetime | None]
    result: Mapped[str | None] = mapped_column(Text)
    idempotency_key: Mapped[str] = mapped_column(String(100), unique=True)
    #: How many times the executor claimed it; a claim older than the executor's lease means it crashed.
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    started_at: Mapped[datetime | None]
    #: What the platform gave back, e.g. the id of the school's reply.
    result_external_id: Mapped[str | None] = mapped_column(String(255))

    approvals: Mapped[list[Approval]] = relationship(order_by="Approval.id")


class Approval(Base):
    """One person's approval of an action request. A two-person rule needs two rows from different people."""

    __tablename__ = "approvals"
    __table_args__ = (UniqueConstraint("action_request_id", "approver"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    action_request_id: Mapped[int] = mapped_column(ForeignKey("action_requests.id"), index=True)
    approver: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(30))
    approved_at: Mapped[datetime] = mapped_column(default=utcnow)


class CaseNote(Base):
    """A free-text note a person added to a case. Retention erases the body (it may quote the comment)."""

    __tablename__ = "case_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    author: Mapped[str] = mapped_column(String(100))
    body: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    erased_at: Mapped[datetime | None]


class CaseLink(Base):
    """Two cases about related items (same author, same thread, same post) that were not merged into one."""

    __tablename__ = "case_links"
    __table_args__ = (UniqueConstraint("case_id", "related_case_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    related_case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    #: same_author | same_thread | same_post
    reason: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class User(Base):
    """A member of staff who reviews cases. ``school_id`` ``None`` means every school in this database (a trust)."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str | None] = mapped_column(String(200))
    #: comms_officer | headteacher | dsl | chair_of_governors | viewer | admin
    role: Mapped[str] = mapped_column(String(30))
    school_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id"))
    #: argon2id, in the PHC string format (parameters and salt included).
    password_hash: Mapped[str] = mapped_column(Text)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    disabled_at: Mapped[datetime | None]


class AuditEvent(Base):
    """Append-only, hash-chained record of everything that happened. Never updated or deleted."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    actor: Mapped[str] = mapped_column(String(100))
    event_type: Mapped[str] = mapped_column(String(60))
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: UNIQUE: two writers racing for the same predecessor cannot both commit, so the chain never forks.
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class OutboxMessage(Base):
    """An alert waiting to be sent. Written in the pipeline's transaction, so an alert is never lost."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    kind: Mapped[str] = mapped_column(String(40))
    payload: Mapped[dict[str, Any]]
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    available_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    sent_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)


class Meta(Base):
    """Small key/value facts about the database itself (e.g. that it is a demo database)."""

    __tablename__ = "socialguard_meta"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class AuditTamperError(RuntimeError):
    """Raised when code tries to update or delete an audit event."""


@event.listens_for(Session, "before_flush")
def _audit_is_append_only(session: Session, flush_context: object, instances: object) -> None:
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AuditEvent) and (obj in session.deleted or session.is_modified(obj)):
            raise AuditTamperError("audit events are append-only")
