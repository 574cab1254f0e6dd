"""The action executor against the Facebook sandbox over real HTTP: approved actions run once, a crash between
the platform call and the commit never makes them run twice, transient failures are retried, and failures stay
visible with the platform's reason."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot import audit
from bot.actions import ActionExecutor, settings_connectors
from bot.approvals import approve, request_action
from bot.config import ApprovalsConfig, SecretStore, Settings, parse_config
from bot.models import Account, ActionRequest, Case, Item, OutboxMessage
from bot.schools import sync_schools
from connectors.sandbox import Sandbox
from tests.bot import casebook as cb
from tests.bot.casebook import NOW

PAGE_ID = "555000000000001"
TOKEN = "test-page-token-oak-lane"
SECRETS = SecretStore(environ={"OAK_TOKEN": TOKEN}, dotenv_path=None)
RULES = ApprovalsConfig()


class PowerCut(RuntimeError):
    """The process dies after the platform acted and before the result was committed."""


@dataclass
class World:
    sandbox: Sandbox
    sessions: sessionmaker[Session]
    settings: Settings
    clock: cb.Clock
    sleeps: list[float]
    post_id: str
    comment_id: str
    case_id: int
    item_id: int

    def executor(self, **kwargs: Any) -> ActionExecutor:
        connectors = settings_connectors(self.sessions, self.settings, SECRETS, clock=self.clock,
                                         sleep=self.sleeps.append)
        return ActionExecutor(self.sessions, connectors, clock=self.clock, sleep=self.sleeps.append, **kwargs)

    def request(self, action: str, *, approver: str = "hugh", **params: Any) -> int:
        with self.sessions() as session, session.begin():
            case = session.get(Case, self.case_id)
            item = session.get(Item, self.item_id)
            assert case is not None and item is not None
            users = {u: _user(session, u) for u in ("cora", approver)}
            request = request_action(session, case=case, item=item, action=action, user=users["cora"],
                                     now=self.clock(), params=params or None)
            approve(session, request=request, user=users[approver], rules=RULES, now=self.clock())
            return request.id

    def writes(self, method: str, **form: str) -> int:
        return sum(1 for r in self.sandbox.facebook.requests
                   if r.method == method and all(r.form.get(k) == v for k, v in form.items()))

    def request_row(self, request_id: int) -> ActionRequest:
        with self.sessions() as session:
            row = session.get(ActionRequest, request_id)
            assert row is not None
            return row

    def case(self) -> Case:
        with self.sessions() as session:
            row = session.get(Case, self.case_id)
            assert row is not None
            return row


def _user(session: Session, username: str):  # type: ignore[no-untyped-def]
    from bot.users import get_user

    return get_user(session, username)


@pytest.fixture
def world(sessions: sessionmaker[Session]) -> Iterator[World]:
    with Sandbox() as sandbox:
        fb = sandbox.facebook
        fb.add_page(PAGE_ID, "Oak Lane Primary", TOKEN)
        post_id = fb.add_post(PAGE_ID, "Sports day photos", created_time=cb.NOW - timedelta(days=1))
        comment_id = fb.add_comment(post_id, "You are all useless", author_id="91", author_name="Parent One",
                                    created_time=cb.NOW - timedelta(hours=2))
        settings = parse_config({"schools": [{
            "slug": "oak-lane", "name": "Oak Lane Primary", "nation": "ENG",
            "accounts": [{"platform": "facebook", "external_id": PAGE_ID, "token_env": "OAK_TOKEN",
                          "api_base_url": sandbox.url}],
        }]})
        sync_schools(sessions, settings)
        with sessions() as session, session.begin():
            account = session.scalars(select(Account)).one()
            item = cb.item(session, account, external_id=comment_id, post=post_id, author="91")
            case = cb.case(session, account, [item])
            for username, role in (("cora", "comms_officer"), ("hugh", "headteacher"), ("dev", "dsl")):
                cb.user(session, username, role)
            ids = (case.id, item.id)
        fb.clear_requests()
        yield World(sandbox, sessions, settings, cb.Clock(), [], post_id, comment_id, *ids)


def test_an_approved_hide_is_carried_out_and_closes_the_case(world: World) -> None:
    request_id = world.request("hide")
    outcomes = world.executor().run_pending()
    assert [(o.request_id, o.status) for o in outcomes] == [(request_id, "succeeded")]
    assert world.sandbox.facebook.comment(world.comment_id).is_hidden
    row = world.request_row(request_id)
    assert row.status == "succeeded" and row.result == "hidden on facebook" and row.executed_at == world.clock()
    case = world.case()
    assert case.status == "actioned" and case.resolution == "hide" and case.resolved_at == world.clock()
    assert world.executor().run_pending() == [], "nothing left to do"
    with world.sessions() as session:
        assert session.get(Item, world.item_id).platform_state == "hidden"  # type: ignore[union-attr]
        assert audit.verify(session).ok


def test_a_crash_after_hiding_never_hides_twice(world: World) -> None:
    def power_cut(session: Session) -> None:
        raise PowerCut("after the platform call, before the commit")

    request_id = world.request("hide")
    with pytest.raises(PowerCut):
        world.executor(before_commit=power_cut).run_pending()
    assert world.writes("POST", is_hidden="true") == 1
    assert world.request_row(request_id).status == "executing"
    # Inside the lease another executor leaves it alone: the first one might still be working.
    assert world.executor().run_pending() == []
    world.clock.advance(minutes=11)
    outcomes = world.executor().run_pending()
    assert [o.status for o in outcomes] == ["succeeded"]
    assert world.writes("POST", is_hidden="true") == 1, "the retry saw it was already hidden"
    row = world.request_row(request_id)
    assert row.status == "succeeded" and row.attempts == 2
    assert world.sandbox.facebook.comment(world.comment_id).is_hidden


def test_a_crash_after_deleting_never_deletes_twice(world: World) -> None:
    def power_cut(session: Session) -> None:
        raise PowerCut()

    request_id = world.request("delete")
    with pytest.raises(PowerCut):
        world.executor(before_commit=power_cut).run_pending()
    assert world.sandbox.facebook.comment(world.comment_id).is_deleted
    world.clock.advance(minutes=11)
    assert [o.status for o in world.executor().run_pending()] == ["succeeded"]
    assert world.writes("DELETE") == 1
    row = world.request_row(request_id)
    assert row.status == "succeeded" and row.result == "already gone from facebook"
    assert world.case().status == "actioned"


def test_a_crash_after_replying_never_posts_the_reply_again(world: World) -> None:
    def power_cut(session: Session) -> None:
        raise PowerCut()

    request_id = world.request("reply", approver="cora", template="removed_comment",
                               text="We have removed a comment because it was offensive.")
    with pytest.raises(PowerCut):
        world.executor(before_commit=power_cut).run_pending()
    world.clock.advance(minutes=11)
    outcomes = world.executor().run_pending()
    assert [o.status for o in outcomes] == ["failed"]
    assert world.writes("POST", message="We have removed a comment because it was offensive.") == 1
    row = world.request_row(request_id)
    assert "cannot tell whether it was posted" in (row.result or "")
    assert world.case().status == "acknowledged", "back to a person to check"


def test_an_interrupted_reply_counts_as_done_once_a_poll_has_stored_it(world: World) -> None:
    text = "Please contact the school office on 01632 960999."
    request_id = world.request("reply", approver="cora", text=text)
    with world.sessions() as session, session.begin():
        row = session.get(ActionRequest, request_id)
        assert row is not None
        row.status, row.started_at, row.attempts = "executing", world.clock() - timedelta(hours=1), 1
        account = session.scalars(select(Account)).one()
        cb.item(session, account, text=text, author=PAGE_ID, parent=world.comment_id, post=world.post_id,
                external_id="555_reply_1")
    outcomes = world.executor().run_pending()
    assert [o.status for o in outcomes] == ["succeeded"]
    assert world.writes("POST") == 0
    assert world.request_row(request_id).result_external_id == "555_reply_1"


def test_a_reply_is_posted_once_with_the_new_comment_id(world: World) -> None:
    request_id = world.request("reply", approver="cora", text="Thank you, we will reply by Thursday.")
    assert [o.status for o in world.executor().run_pending()] == ["succeeded"]
    row = world.request_row(request_id)
    snapshot = world.sandbox.facebook.comment(row.result_external_id or "")
    assert snapshot.by_page and snapshot.message == "Thank you, we will reply by Thursday."


def test_transient_failures_are_retried_with_backoff(world: World) -> None:
    request_id = world.request("hide")
    # The HTTP layer retries each request 4 times; the fifth failure reaches the executor, which waits and retries.
    world.sandbox.facebook.fail_next(5, status=503)
    assert [o.status for o in world.executor().run_pending()] == ["succeeded"]
    assert 2.0 in world.sleeps, "the executor's own back-off, through the injected sleep"
    assert world.request_row(request_id).status == "succeeded"


def test_a_platform_that_stays_down_fails_visibly_with_its_reason(world: World) -> None:
    request_id = world.request("hide")
    world.sandbox.facebook.fail_next(100, status=503)
    outcomes = world.executor(max_attempts=3).run_pending()
    assert [o.status for o in outcomes] == ["failed"]
    row = world.request_row(request_id)
    assert row.result is not None and row.result.startswith("gave up after 3 attempts") and "HTTP 503" in row.result
    assert [s for s in world.sleeps if s in (2.0, 4.0)] == [2.0, 4.0]
    assert world.case().status == "acknowledged"
    with world.sessions() as session:
        alert = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "action_failed")).one()
        assert alert.payload["reason"] == row.result and alert.payload["action"] == "hide"


def test_a_refusal_and_an_expired_token_are_not_retried(world: World) -> None:
    refused = world.sandbox.facebook.add_comment(world.post_id, "another", author_id="92", can_hide=False,
                                                 created_time=cb.NOW - timedelta(hours=1))
    with world.sessions() as session, session.begin():
        session.get(Item, world.item_id).external_id = refused  # type: ignore[union-attr]
    request_id = world.request("hide")
    world.executor().run_pending()
    row = world.request_row(request_id)
    assert row.status == "failed" and "does not allow hiding this comment" in (row.result or "")
    assert world.sleeps == []

    world.sandbox.facebook.expire_token(TOKEN)
    second = world.request("delete")
    world.executor().run_pending()
    assert "Reconnect the account" in (world.request_row(second).result or "")
    assert TOKEN not in (world.request_row(second).result or "")


def test_auto_hide_runs_without_a_person_but_leaves_the_case_open(world: World) -> None:
    with world.sessions() as session, session.begin():
        session.get(Case, world.case_id).category = "threat"  # type: ignore[union-attr]
    rules = ApprovalsConfig.model_validate({"auto_hide": ["threat"]})
    outcomes = world.executor(rules=rules).run_pending()
    assert [(o.action, o.status) for o in outcomes] == [("hide", "succeeded")]
    assert world.sandbox.facebook.comment(world.comment_id).is_hidden
    case = world.case()
    assert case.status == "new" and case.resolution == "hidden automatically, pending review"
    assert world.writes("DELETE") == 0


def test_a_youtube_ban_goes_through_the_offending_comment(sessions: sessionmaker[Session]) -> None:
    """YouTube has no ban by channel: the executor passes the comment, which is rejected and its author banned."""
    from connectors.sandbox.youtube import seed_demo_youtube

    with Sandbox() as sb:
        seed = seed_demo_youtube(sb, now=NOW)
        comment_id = next(iter(seed.comment_ids.values()))
        author = sb.youtube.comment(comment_id).author_channel_id
        settings = parse_config({"schools": [{"slug": "oak-lane", "name": "Oak Lane Primary", "nation": "ENG",
                                              "accounts": [{"platform": "youtube", "external_id": seed.channel_id,
                                                            "token_env": "YT_TOKEN",
                                                            "api_base_url": f"{sb.url}/youtube/v3"}]}]})
        with sessions() as session, session.begin():
            account = cb.school(session)
            account.platform, account.external_id = "youtube", seed.channel_id
            row = cb.item(session, account, external_id=comment_id, author=author or "unknown")
            case = cb.case(session, account, [row])
            session.add(ActionRequest(case_id=case.id, item_id=row.id, action="ban", status="approved",
                                      requested_by="cora", approved_by="hugh", approved_at=NOW,
                                      idempotency_key="yt-ban-1"))
        connectors = settings_connectors(sessions, settings, SecretStore(environ={"YT_TOKEN": seed.token},
                                                                         dotenv_path=None), sleep=lambda s: None)
        [outcome] = ActionExecutor(sessions, connectors, sleep=lambda s: None).run_pending()
        assert outcome.status == "succeeded", outcome.result
        assert sb.youtube.comment(comment_id).moderation_status == "rejected"
        assert author in sb.youtube.banned(seed.channel_id)
