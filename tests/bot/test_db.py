"""The schema: migrations match the models, the UNIQUE key holds, and the audit chain is append-only."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot import audit
from bot.db import current_revision, head_revision
from bot.models import Account, AuditEvent, AuditTamperError, Base, Item, School


def test_migrations_create_exactly_the_models_schema(engine: Engine) -> None:
    assert current_revision(engine) == head_revision()
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == []


def _school_and_account(session: Session) -> Account:
    school = School(slug="oak-lane", name="Oak Lane Primary", nation="ENG")
    session.add(school)
    session.flush()
    account = Account(school_id=school.id, platform="facebook", external_id="123")
    session.add(account)
    session.flush()
    return account


def _item(account: Account, external_id: str) -> Item:
    return Item(school_id=account.school_id, account_id=account.id, platform="facebook", external_id=external_id,
                kind="comment", text="hello", created_at=datetime(2026, 11, 20, 8, 0, tzinfo=UTC))


def test_items_are_unique_per_platform_and_external_id(sessions: sessionmaker[Session]) -> None:
    with sessions() as session, session.begin():
        account = _school_and_account(session)
        session.add(_item(account, "1_2"))
    with pytest.raises(IntegrityError), sessions() as session, session.begin():
        session.add(_item(account, "1_2"))


def test_datetimes_come_back_timezone_aware_utc(sessions: sessionmaker[Session]) -> None:
    with sessions() as session, session.begin():
        account = _school_and_account(session)
        session.add(_item(account, "1_3"))
    with sessions() as session:
        item = session.query(Item).one()
        assert item.created_at == datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
        assert item.created_at.tzinfo is not None


def test_audit_chain_verifies_and_detects_an_edited_row(engine: Engine, sessions: sessionmaker[Session]) -> None:
    with sessions() as session, session.begin():
        for n in range(5):
            audit.record(session, actor="system", event_type="case.opened", payload={"n": n})
    with sessions() as session:
        assert audit.verify(session).ok
        assert audit.verify(session).checked == 5
    # Someone edits the table behind the application's back.
    with engine.begin() as connection:
        third = connection.execute(text("SELECT id FROM audit_events ORDER BY id LIMIT 1 OFFSET 2")).scalar_one()
        connection.execute(text("UPDATE audit_events SET actor = 'mallory' WHERE id = :id"), {"id": third})
    with sessions() as session:
        result = audit.verify(session)
    assert not result.ok
    assert result.broken_at == third
    assert result.checked == 2


def test_audit_events_cannot_be_updated_or_deleted_through_the_orm(sessions: sessionmaker[Session]) -> None:
    with sessions() as session, session.begin():
        audit.record(session, actor="system", event_type="x")
    with pytest.raises(AuditTamperError), sessions() as session, session.begin():
        event = session.query(AuditEvent).one()
        event.actor = "someone else"
    with pytest.raises(AuditTamperError), sessions() as session, session.begin():
        session.delete(session.query(AuditEvent).one())


def test_audit_chain_cannot_fork(sessions: sessionmaker[Session]) -> None:
    with sessions() as session, session.begin():
        first = audit.record(session, actor="system", event_type="x")
    with pytest.raises(IntegrityError), sessions() as session, session.begin():
        session.add(AuditEvent(actor="a", event_type="y", payload={}, prev_hash=first.prev_hash, hash="f" * 64))
