"""Users and roles: argon2 hashes, audited changes, and the one visibility rule every interface uses."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot import audit
from bot.models import AuditEvent, User
from bot.users import UserError, add_user, authenticate, can_view, can_work_on, disable_user, list_users
from tests.bot import casebook as cb


def test_password_is_stored_as_an_argon2id_hash_and_never_audited(sessions: sessionmaker[Session]) -> None:
    with sessions() as session, session.begin():
        cb.user(session, "cora", "comms_officer")
    with sessions() as session:
        stored = session.scalars(select(User)).one()
        assert stored.password_hash.startswith("$argon2id$")
        assert cb.PASSWORD not in stored.password_hash
        payloads = [e.payload for e in session.scalars(select(AuditEvent))]
        assert payloads == [{"username": "cora", "role": "comms_officer"}]
        assert audit.verify(session).ok


def test_authenticate_accepts_the_right_password_and_refuses_others_alike(sessions: sessionmaker[Session]) -> None:
    with sessions() as session, session.begin():
        cb.user(session, "cora", "comms_officer")
    with sessions() as session:
        assert authenticate(session, "cora", cb.PASSWORD, password_hasher=cb.FAST).username == "cora"
        with pytest.raises(UserError, match="wrong username or password"):
            authenticate(session, "cora", "not the password at all", password_hasher=cb.FAST)
        with pytest.raises(UserError, match="wrong username or password"):
            authenticate(session, "nobody", cb.PASSWORD, password_hasher=cb.FAST)


@pytest.mark.parametrize(
    ("username", "role", "password", "message"),
    [
        ("Cora Smith", "comms_officer", cb.PASSWORD, "usernames are"),
        ("cora", "caretaker", cb.PASSWORD, "unknown role 'caretaker'"),
        ("cora", "dsl", "short", "at least 12 characters"),
    ],
)
def test_add_user_refuses_bad_input_with_a_clear_message(sessions: sessionmaker[Session], username: str, role: str,
                                                         password: str, message: str) -> None:
    with pytest.raises(UserError, match=message), sessions() as session, session.begin():
        add_user(session, username=username, role=role, password=password, actor="admin", password_hasher=cb.FAST)


def test_duplicate_and_unknown_school_are_refused(sessions: sessionmaker[Session]) -> None:
    with sessions() as session, session.begin():
        cb.user(session, "cora", "comms_officer")
    with pytest.raises(UserError, match="already a user called 'cora'"), sessions() as session, session.begin():
        cb.user(session, "cora", "dsl")
    with pytest.raises(UserError, match="no school 'elm-park'"), sessions() as session, session.begin():
        cb.user(session, "dev", "dsl", school_slug="elm-park")


def test_disabled_user_sees_nothing_and_cannot_log_in(sessions: sessionmaker[Session]) -> None:
    with sessions() as session, session.begin():
        account = cb.school(session)
        case = cb.case(session, account, [cb.item(session, account)])
        cora = cb.user(session, "cora", "comms_officer")
        assert can_view(cora, case)
        disable_user(session, username="cora", actor="ada")
        assert not can_view(cora, case)
        with pytest.raises(UserError, match="already disabled"):
            disable_user(session, username="cora", actor="ada")
    with sessions() as session:
        with pytest.raises(UserError, match="wrong username or password"):
            authenticate(session, "cora", cb.PASSWORD, password_hasher=cb.FAST)
        assert [u.is_active for u in list_users(session)] == [False]


@pytest.mark.parametrize(
    ("category", "route", "who_can_view"),
    [
        ("abuse", "comms_officer", {"comms", "head", "deputy", "dsl", "chair", "viewer", "admin"}),
        ("safeguarding", "dsl", {"dsl", "admin"}),
        # A safeguarding concern about the headteacher is still for the DSL's eyes only.
        ("safeguarding", "chair_of_governors", {"dsl", "admin"}),
        # An allegation against the headteacher: not the headteacher.
        ("allegation", "chair_of_governors", {"chair", "comms", "admin"}),
    ],
)
def test_visibility_by_role(sessions: sessionmaker[Session], category: str, route: str,
                            who_can_view: set[str]) -> None:
    with sessions() as session, session.begin():
        account = cb.school(session)
        case = cb.case(session, account, [cb.item(session, account)], category=category, route=route)
        staff = cb.staff(session)
        assert {name for name, u in staff.items() if can_view(u, case)} == who_can_view
        assert not can_work_on(staff["viewer"], case)


def test_a_user_of_one_school_cannot_see_another_schools_cases(sessions: sessionmaker[Session]) -> None:
    with sessions() as session, session.begin():
        oak = cb.school(session, "oak-lane")
        elm = cb.school(session, "elm-park", page_id="777")
        oak_case = cb.case(session, oak, [cb.item(session, oak)])
        elm_case = cb.case(session, elm, [cb.item(session, elm, post="777_1")])
        cora = cb.user(session, "cora", "comms_officer", school_slug="oak-lane")
        trust = cb.user(session, "tess", "admin")
        assert can_view(cora, oak_case) and not can_view(cora, elm_case)
        assert can_view(trust, oak_case) and can_view(trust, elm_case)
