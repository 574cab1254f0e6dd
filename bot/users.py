"""Staff accounts and roles: who may see which cases, with argon2id-hashed passwords and an audited history."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import audit
from bot.config import SAFEGUARDING_ROLES, Role
from bot.models import Case, School, User, utcnow
from classifiers.base import Label
from classifiers.policy import Route

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
MIN_PASSWORD_LENGTH = 12

#: Who may see a case routed to the chair of governors (an allegation against the headteacher). Not the
#: headteacher, whom it concerns, and not read-only staff.
CHAIR_ROUTE_ROLES = frozenset({Role.CHAIR_OF_GOVERNORS, Role.COMMS_OFFICER, Role.ADMIN})


class UserError(Exception):
    """A user cannot be added, found or used as asked. The message is meant for the person at the keyboard."""


def hasher(*, fast: bool = False) -> PasswordHasher:
    """argon2id with the library's RFC 9106 defaults; ``fast`` is for tests only (it still salts and verifies)."""
    if fast:
        return PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    return PasswordHasher()


def add_user(
    session: Session,
    *,
    username: str,
    role: Role | str,
    password: str,
    actor: str,
    display_name: str | None = None,
    school_slug: str | None = None,
    password_hasher: PasswordHasher | None = None,
) -> User:
    """Create an active user in the caller's transaction and audit it (never the password)."""
    if not USERNAME.match(username):
        raise UserError("usernames are 2-64 characters: lower-case letters, digits, '.', '_' or '-', "
                        "starting with a letter or digit")
    try:
        role = Role(role)
    except ValueError:
        raise UserError(f"unknown role {role!r} (expected one of {', '.join(r.value for r in Role)})") from None
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"the password must be at least {MIN_PASSWORD_LENGTH} characters")
    if session.scalars(select(User.id).where(User.username == username)).first() is not None:
        raise UserError(f"there is already a user called {username!r}")
    school_id = None
    if school_slug is not None:
        school_id = session.scalars(select(School.id).where(School.slug == school_slug)).first()
        if school_id is None:
            raise UserError(f"no school {school_slug!r} in this database (run `socialguard poll --once` after "
                            "adding it to the config, so that it is created)")
    now = utcnow()
    user = User(username=username, display_name=display_name, role=role.value, school_id=school_id,
                password_hash=(password_hasher or hasher()).hash(password), is_active=True, created_at=now)
    session.add(user)
    session.flush()
    audit.record(session, actor=actor, event_type="user.added", school_id=school_id,
                 payload={"username": username, "role": role.value}, now=now)
    return user


def disable_user(session: Session, *, username: str, actor: str) -> User:
    """Stop a user from seeing or approving anything. Users are never deleted: the audit log names them."""
    user = get_user(session, username, active_only=False)
    if not user.is_active:
        raise UserError(f"{username} is already disabled")
    user.is_active = False
    user.disabled_at = utcnow()
    audit.record(session, actor=actor, event_type="user.disabled", school_id=user.school_id,
                 payload={"username": username}, now=user.disabled_at)
    return user


def get_user(session: Session, username: str, *, active_only: bool = True) -> User:
    user = session.scalars(select(User).where(User.username == username)).first()
    if user is None:
        raise UserError(f"no user called {username!r} (see `socialguard users list`)")
    if active_only and not user.is_active:
        raise UserError(f"user {username!r} is disabled")
    return user


def list_users(session: Session) -> Sequence[User]:
    return session.scalars(select(User).order_by(User.username)).all()


def authenticate(session: Session, username: str, password: str,
                 *, password_hasher: PasswordHasher | None = None) -> User:
    """Check a password (for the web UI); rehash on success when the parameters have been raised since."""
    ph = password_hasher or hasher()
    try:
        user = get_user(session, username)
    except UserError:
        # Same work and the same message for an unknown user as for a wrong password: no username probing.
        ph.hash(password)
        raise UserError("wrong username or password") from None
    try:
        ph.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        raise UserError("wrong username or password") from None
    if ph.check_needs_rehash(user.password_hash):
        user.password_hash = ph.hash(password)
    return user


@dataclass(frozen=True, slots=True)
class Viewer:
    """Who is looking, as much as visibility needs: a role and the school they belong to (``None``: all)."""

    username: str
    role: Role
    school_id: int | None

    @classmethod
    def of(cls, user: User) -> Viewer:
        return cls(user.username, Role(user.role), user.school_id)


def is_restricted(case: Case) -> bool:
    """Safeguarding cases (and anything routed to the DSL) are for the DSL's eyes only."""
    return case.category == Label.SAFEGUARDING.value or case.route == Route.DSL.value


def can_view(viewer: Viewer | User, case: Case) -> bool:
    """The single visibility rule every interface uses: CLI, exports, alerts' links and the web UI."""
    if isinstance(viewer, User):
        if not viewer.is_active:
            return False
        viewer = Viewer.of(viewer)
    if viewer.school_id is not None and viewer.school_id != case.school_id:
        return False
    if is_restricted(case):
        return viewer.role in SAFEGUARDING_ROLES
    if case.route == Route.CHAIR_OF_GOVERNORS.value:
        return viewer.role in CHAIR_ROUTE_ROLES
    return True


def can_work_on(viewer: Viewer | User, case: Case) -> bool:
    """Acknowledge, assign, note and request actions: anyone who can see the case, except read-only viewers."""
    role = Role(viewer.role)
    return can_view(viewer, case) and role is not Role.VIEWER
