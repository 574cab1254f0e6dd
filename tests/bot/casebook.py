"""Builders for workflow tests: a school, an account, items, cases and users, written straight to the database.

Names and texts are made up. Passwords use a fast argon2 profile (still salted and verified).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from bot import audit
from bot.models import Account, Case, Item, School, User
from bot.users import add_user, hasher

NOW = datetime(2026, 11, 18, 12, 0, tzinfo=UTC)  # a Wednesday
PASSWORD = "correct horse battery staple"
FAST = hasher(fast=True)


class Clock:
    def __init__(self, now: datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **parts: float) -> datetime:
        self.now += timedelta(**parts)
        return self.now


def school(session: Session, slug: str = "oak-lane", *, page_id: str = "555000000000001") -> Account:
    row = School(slug=slug, name="Oak Lane Primary", nation="ENG")
    session.add(row)
    session.flush()
    account = Account(school_id=row.id, platform="facebook", external_id=page_id, name="Oak Lane on Facebook")
    session.add(account)
    session.flush()
    return account


_counter = iter(range(10_000, 99_999))


def item(session: Session, account: Account, *, text: str = "You are all useless", author: str = "91",
         author_name: str = "Parent One", external_id: str | None = None, parent: str | None = None,
         post: str = "555000000000001_1", created_at: datetime = NOW - timedelta(hours=1),
         platform: str | None = None, **extra: Any) -> Item:
    row = Item(school_id=account.school_id, account_id=account.id, platform=platform or account.platform,
               external_id=external_id or f"{post}_{next(_counter)}", kind="comment", parent_external_id=parent or post,
               post_external_id=post, author_external_id=author, author_name=author_name, text=text,
               permalink=f"https://www.facebook.com/{post}?comment_id={external_id or 'x'}", created_at=created_at,
               fetched_at=NOW, **extra)
    session.add(row)
    session.flush()
    return row


def case(session: Session, account: Account, items: list[Item], *, category: str = "abuse", severity: int = 2,
         route: str = "comms_officer", proposed_action: str = "hide", due_at: datetime | None = None,
         sla_kind: str | None = None, received_at: datetime | None = None) -> Case:
    row = Case(school_id=account.school_id, status="new", category=category, severity=severity, route=route,
               proposed_action=proposed_action, needs_response=due_at is not None, sla_kind=sla_kind,
               reasons=["Offensive remark."], opened_at=NOW, received_at=received_at or items[0].created_at,
               due_at=due_at)
    session.add(row)
    session.flush()
    for it in items:
        it.case_id = row.id
    session.flush()
    audit.record(session, actor="system", event_type="case.opened", case_id=row.id, school_id=row.school_id,
                 payload={"category": category}, now=NOW)
    return row


def user(session: Session, username: str, role: str, *, school_slug: str | None = None) -> User:
    return add_user(session, username=username, role=role, password=PASSWORD, actor="admin",
                    school_slug=school_slug, password_hasher=FAST)


def staff(session: Session) -> dict[str, User]:
    """One user per role, plus a second headteacher-level approver for two-person rules."""
    return {
        "comms": user(session, "cora", "comms_officer"),
        "head": user(session, "hugh", "headteacher"),
        "deputy": user(session, "dina", "headteacher"),
        "dsl": user(session, "dev", "dsl"),
        "chair": user(session, "carl", "chair_of_governors"),
        "viewer": user(session, "vic", "viewer"),
        "admin": user(session, "ada", "admin"),
    }
