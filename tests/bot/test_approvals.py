"""Approval rules from config: who may approve what, the two-person delete, DSL-only safeguarding, the chair of
governors for allegations against the headteacher, automatic hide pending review, and platform capabilities."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot import audit
from bot.approvals import (
    AUTO_HIDE_ACTOR,
    approve,
    approver_roles,
    offers,
    queue_auto_hides,
    reject,
    request_action,
)
from bot.config import ApprovalsConfig, ConfigError, parse_config
from bot.models import ActionRequest, Approval, AuditEvent, Case
from bot.workflow import PermissionDeniedError, WorkflowError
from connectors.base import Action, Capabilities
from tests.bot import casebook as cb

NOW = cb.NOW
RULES = ApprovalsConfig()
TWO_PERSON = ApprovalsConfig.model_validate({"delete": {"approvers": ["headteacher"], "two_person": True}})

X_CAPABILITIES = Capabilities(hide=True, unhide=True, delete=False, reply=True, ban=False,
                              notes={"delete": "X has no API to delete other people's posts",
                                     "hide": "only replies to the school's own posts"})


def x_lookup(platform: str) -> Capabilities | None:
    return X_CAPABILITIES


def world(session: Session, **case_args: Any) -> tuple[Case, dict[str, Any]]:
    account = cb.school(session)
    item = cb.item(session, account)
    return cb.case(session, account, [item], **case_args), {**cb.staff(session), "item": item}


def test_comms_officer_may_approve_hide_but_not_delete(sessions: sessionmaker[Session]) -> None:
    with sessions() as session, session.begin():
        case, w = world(session)
        hide = request_action(session, case=case, item=w["item"], action="hide", user=w["comms"], now=NOW)
        assert case.status == "awaiting_approval" and case.first_response_at == NOW
        approve(session, request=hide, user=w["comms"], rules=RULES, now=NOW)
        assert hide.status == "approved" and hide.approved_by == "cora" and hide.approved_at == NOW

        delete = request_action(session, case=case, item=w["item"], action="delete", user=w["comms"], now=NOW)
        with pytest.raises(PermissionDeniedError, match="cora \\(comms_officer\\) may not approve delete on a "
                                                        "abuse case; who may: headteacher"):
            approve(session, request=delete, user=w["comms"], rules=RULES, now=NOW)
        approve(session, request=delete, user=w["head"], rules=RULES, now=NOW)
        assert delete.status == "approved"
        assert [(a.approver, a.role) for a in session.scalars(select(Approval).order_by(Approval.id))] == [
            ("cora", "comms_officer"), ("hugh", "headteacher")]


def test_two_person_delete_needs_two_different_approvers(sessions: sessionmaker[Session]) -> None:
    with sessions() as session, session.begin():
        case, w = world(session)
        delete = request_action(session, case=case, item=w["item"], action="delete", user=w["comms"], now=NOW)
        approve(session, request=delete, user=w["head"], rules=TWO_PERSON, now=NOW)
        assert delete.status == "requested", "one approval is not enough under the two-person rule"
        with pytest.raises(WorkflowError, match="hugh has already approved .* a second person must approve"):
            approve(session, request=delete, user=w["head"], rules=TWO_PERSON, now=NOW)
        approve(session, request=delete, user=w["deputy"], rules=TWO_PERSON, now=NOW)
        assert delete.status == "approved" and delete.approved_by == "dina"
        final = session.scalars(select(AuditEvent).where(AuditEvent.event_type == "action.approved")).one()
        assert final.payload["approvers"] == ["hugh", "dina"]
        assert audit.verify(session).ok


def test_safeguarding_actions_are_approved_by_the_dsl_only(sessions: sessionmaker[Session]) -> None:
    with sessions() as session, session.begin():
        case, w = world(session, category="safeguarding", route="dsl", severity=4)
        assert approver_roles(RULES, "hide", case) == {"dsl"}
        with pytest.raises(PermissionDeniedError, match="cannot request hide on case"):
            request_action(session, case=case, item=w["item"], action="hide", user=w["comms"], now=NOW)
        hide = request_action(session, case=case, item=w["item"], action="hide", user=w["dsl"], now=NOW)
        for who in ("comms", "head", "chair", "viewer"):
            with pytest.raises(PermissionDeniedError):
                approve(session, request=hide, user=w[who], rules=RULES, now=NOW)
        approve(session, request=hide, user=w["dsl"], rules=RULES, now=NOW)
        assert hide.status == "approved"


def test_an_allegation_against_the_headteacher_is_approved_by_the_chair(sessions: sessionmaker[Session]) -> None:
    with sessions() as session, session.begin():
        case, w = world(session, category="allegation", route="chair_of_governors", severity=3)
        assert approver_roles(RULES, "delete", case) == {"chair_of_governors"}
        delete = request_action(session, case=case, item=w["item"], action="delete", user=w["comms"], now=NOW)
        with pytest.raises(PermissionDeniedError):
            approve(session, request=delete, user=w["head"], rules=RULES, now=NOW)
        approve(session, request=delete, user=w["chair"], rules=RULES, now=NOW)
        assert delete.status == "approved"


def test_rejecting_sends_the_case_back_for_a_decision(sessions: sessionmaker[Session]) -> None:
    with sessions() as session, session.begin():
        case, w = world(session)
        delete = request_action(session, case=case, item=w["item"], action="delete", user=w["comms"], now=NOW)
        with pytest.raises(PermissionDeniedError):
            reject(session, request=delete, user=w["viewer"], rules=RULES, now=NOW)
        reject(session, request=delete, user=w["head"], rules=RULES, now=NOW)
        assert delete.status == "rejected" and case.status == "acknowledged"
        with pytest.raises(WorkflowError, match="is rejected, not waiting for approval"):
            approve(session, request=delete, user=w["head"], rules=RULES, now=NOW)


def test_the_same_action_cannot_be_requested_twice_while_pending(sessions: sessionmaker[Session]) -> None:
    with sessions() as session, session.begin():
        case, w = world(session)
        first = request_action(session, case=case, item=w["item"], action="hide", user=w["comms"], now=NOW)
        with pytest.raises(WorkflowError, match=f"already requested \\(request {first.id}\\)"):
            request_action(session, case=case, item=w["item"], action="hide", user=w["head"], now=NOW)
        with pytest.raises(WorkflowError, match="a reply needs text"):
            request_action(session, case=case, item=w["item"], action="reply", user=w["comms"], now=NOW)


def test_only_what_the_platform_allows_is_offered(sessions: sessionmaker[Session]) -> None:
    with sessions() as session, session.begin():
        case, w = world(session)
        on_x = {o.action: o for o in offers(w["item"], x_lookup)}
        assert not on_x[Action.DELETE].is_available and on_x[Action.DELETE].instead is Action.HIDE
        assert "no API to delete" in (on_x[Action.DELETE].reason or "")
        assert on_x[Action.HIDE].is_available and not on_x[Action.BAN].is_available
        with pytest.raises(WorkflowError, match="cannot delete on case .*X has no API.*you can hide it instead"):
            request_action(session, case=case, item=w["item"], action="delete", user=w["comms"], now=NOW,
                           lookup=x_lookup)
        # Facebook's own per-comment flag: a comment the Page may not hide can still be deleted.
        w["item"].can_hide = False
        on_facebook = {o.action: o for o in offers(w["item"])}
        assert not on_facebook[Action.HIDE].is_available and on_facebook[Action.HIDE].instead is Action.DELETE
        assert not on_facebook[Action.UNHIDE].is_available


def test_auto_hide_pending_review_hides_only_and_leaves_the_case_for_a_person(
        sessions: sessionmaker[Session]) -> None:
    rules = ApprovalsConfig.model_validate({"auto_hide": ["threat"]})
    with sessions() as session, session.begin():
        account = cb.school(session)
        threat = cb.case(session, account, [cb.item(session, account, author="1")], category="threat", severity=3)
        abuse = cb.case(session, account, [cb.item(session, account, author="2")], category="abuse")
        created = queue_auto_hides(session, rules, now=NOW)
        assert [(r.case_id, r.action, r.status, r.approved_by) for r in created] == [
            (threat.id, "hide", "approved", AUTO_HIDE_ACTOR)]
        assert threat.status == "new", "a person still reviews the case"
        assert queue_auto_hides(session, rules, now=NOW) == [], "never queued twice"
        assert session.scalars(select(ActionRequest).where(ActionRequest.case_id == abuse.id)).all() == []


def test_config_never_allows_automatic_delete_and_keeps_safeguarding_with_the_dsl() -> None:
    base: dict[str, Any] = {"schools": [{"slug": "a", "name": "A", "nation": "ENG"}]}
    with pytest.raises(ConfigError, match="approvals.auto_delete: unknown key"):
        parse_config({**base, "approvals": {"auto_delete": ["abuse"]}})
    with pytest.raises(ConfigError, match="approvals.delete: .*safeguarding cases are visible only to dsl and admin"):
        parse_config({**base, "approvals": {"delete": {"approvers": ["headteacher"],
                                                       "by_category": {"safeguarding": ["headteacher"]}}}})
    with pytest.raises(ConfigError, match="viewer is read-only"):
        parse_config({**base, "approvals": {"hide": {"approvers": ["viewer"]}}})
    settings = parse_config({**base, "approvals": {"hide": {"approvers": ["comms_officer"]}}})
    assert settings.approvals.hide.roles_for("safeguarding") == {"dsl"}
