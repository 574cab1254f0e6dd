"""The action executor: carries out approved hide, unhide, delete, reply and ban requests through the connectors,
at most once.

Each request moves ``approved → executing → succeeded | failed``. The claim (``executing``) commits before the
platform is called and the result commits after, so a crash in between leaves the request ``executing``.
After ``lease`` it is claimed again, and the retry never acts twice:

- hide, unhide: the connector checks the current state first ("already hidden" is success, no second write);
- delete: the comment is gone, so the connector's ``NotFoundError`` means done;
- ban: blocking someone already blocked changes nothing on the platform;
- reply is the one action that is not idempotent, so an interrupted reply is never sent again. It counts as
  done only if the school's reply has since been stored by a poll; otherwise it fails and says to check.

``RetryableError`` is retried with exponential back-off through the injected ``sleep`` (the connector's HTTP
layer has already retried the single request; this covers a platform that stays down a little longer). A
failure is recorded on the request with the platform's reason, shown on the case, and alerted.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Protocol, cast

from sqlalchemy import CursorResult, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from bot import audit
from bot.approvals import CapabilityLookup, is_auto, queue_auto_hides, registry_capabilities, settle_case
from bot.config import ApprovalsConfig, ConfigError, SecretStore, Settings
from bot.models import Account, ActionRequest, Case, Item, OutboxMessage
from bot.schools import build_connector
from bot.workflow import SYSTEM_ACTOR, mark_first_response
from connectors.base import Action, Clock, Connector, PlatformState, Sleep, utc_now
from connectors.errors import (
    AuthError,
    ConnectorError,
    NotFoundError,
    RateLimitedError,
    RetryableError,
)

logger = logging.getLogger(__name__)

EXECUTOR_ACTOR = "executor"


class ConnectorSource(Protocol):
    """Gives the live connector for a stored account (built from the config and secrets)."""

    def __call__(self, account_id: int) -> Connector: ...


def settings_connectors(sessions: sessionmaker[Session], settings: Settings, secrets: SecretStore, *,
                        clock: Clock = utc_now, sleep: Sleep = time.sleep) -> ConnectorSource:
    """Connectors through :func:`bot.schools.build_connector`, matched to stored accounts by platform and id."""
    by_key = {(account.platform.value, account.external_id): (school, account)
              for school in settings.schools for account in school.accounts}

    def connector_for(account_id: int) -> Connector:
        with sessions() as session:
            account = session.get(Account, account_id)
            if account is None:
                raise ConfigError(f"account {account_id} is not in the database")
            key = (account.platform, account.external_id)
        if key not in by_key:
            raise ConfigError(f"account {key[0]}:{key[1]} is no longer in the config, so SocialGuard has no "
                              "credentials to act on it")
        school, account_cfg = by_key[key]
        return build_connector(account_cfg, school, secrets, clock=clock, sleep=sleep)

    return connector_for


@dataclass(frozen=True, slots=True)
class Outcome:
    request_id: int
    action: str
    status: str  # succeeded | failed
    result: str


@dataclass(frozen=True, slots=True)
class _Claim:
    request_id: int
    case_id: int
    action: Action
    attempt: int
    was_interrupted: bool
    account_id: int
    platform: str
    external_id: str
    parent_external_id: str | None
    author_external_id: str | None
    text: str | None


@dataclass(frozen=True, slots=True)
class _Done:
    ok: bool
    result: str
    state: PlatformState | None = None
    external_id: str | None = None


class ActionExecutor:
    """Runs approved requests. Safe to run from several processes: a request is claimed by one at a time."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        connectors: ConnectorSource,
        *,
        rules: ApprovalsConfig | None = None,
        clock: Clock = utc_now,
        sleep: Sleep = time.sleep,
        max_attempts: int = 4,
        base_delay_s: float = 2.0,
        max_delay_s: float = 60.0,
        lease: timedelta = timedelta(minutes=10),
        lookup: CapabilityLookup = registry_capabilities,
        before_commit: Callable[[Session], None] | None = None,
    ) -> None:
        if max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        self._sessions = sessions
        self._connectors = connectors
        self._rules = rules
        self._clock = clock
        self._sleep = sleep
        self._max_attempts = max_attempts
        self._base_delay_s = base_delay_s
        self._max_delay_s = max_delay_s
        self._lease = lease
        self._lookup = lookup
        # A seam for crash-injection tests: runs inside the result transaction, after the platform call.
        self._before_commit = before_commit

    def run_pending(self) -> list[Outcome]:
        """Queue automatic hides (if configured), then execute every approved request and every request whose
        executor died more than ``lease`` ago."""
        if self._rules is not None:
            with self._sessions() as session, session.begin():
                queue_auto_hides(session, self._rules, now=self._clock(), lookup=self._lookup)
        stale_before = self._clock() - self._lease
        with self._sessions() as session:
            ids = list(session.scalars(
                select(ActionRequest.id)
                .where(or_(ActionRequest.status == "approved",
                           (ActionRequest.status == "executing") & (ActionRequest.started_at < stale_before)))
                .order_by(ActionRequest.id)
            ))
        outcomes: list[Outcome] = []
        with self._connector_cache() as connector_for:
            for request_id in ids:
                outcome = self._execute(request_id, connector_for)
                if outcome is not None:
                    outcomes.append(outcome)
        return outcomes

    def execute(self, request_id: int) -> Outcome | None:
        """Execute one request if it is approved (or its executor died); ``None`` if there was nothing to do."""
        with self._connector_cache() as connector_for:
            return self._execute(request_id, connector_for)

    @contextmanager
    def _connector_cache(self) -> Iterator[Callable[[int], Connector]]:
        cache: dict[int, Connector] = {}

        def connector_for(account_id: int) -> Connector:
            if account_id not in cache:
                cache[account_id] = self._connectors(account_id)
            return cache[account_id]

        try:
            yield connector_for
        finally:
            for connector in cache.values():
                connector.close()

    def _execute(self, request_id: int, connector_for: Callable[[int], Connector]) -> Outcome | None:
        claim = self._claim(request_id)
        if claim is None:
            return None
        if claim.was_interrupted and claim.action is Action.REPLY:
            done = self._reconcile_reply(claim)
        else:
            try:
                connector = connector_for(claim.account_id)
            except ConfigError as exc:
                done = _Done(False, str(exc))
            else:
                done = self._perform(connector, claim)
        self._finish(claim, done)
        return Outcome(claim.request_id, claim.action.value, "succeeded" if done.ok else "failed", done.result)

    # -- claim ---------------------------------------------------------------------------------------------

    def _claim(self, request_id: int) -> _Claim | None:
        now = self._clock()
        with self._sessions() as session, session.begin():
            request = session.get(ActionRequest, request_id)
            if request is None:
                return None
            was_interrupted = request.status == "executing"
            # The conditional UPDATE is the lock: of two executors racing for a request, one changes the row.
            claimed = cast(CursorResult[Any], session.execute(
                update(ActionRequest)
                .where(ActionRequest.id == request_id,
                       or_(ActionRequest.status == "approved",
                           (ActionRequest.status == "executing")
                           & (ActionRequest.started_at < now - self._lease)))
                .values(status="executing", started_at=now, attempts=ActionRequest.attempts + 1)
                .execution_options(synchronize_session=False)
            )).rowcount
            if claimed != 1:
                return None
            session.refresh(request)
            item = session.get(Item, request.item_id)
            case = session.get(Case, request.case_id)
            if item is None or case is None:
                raise RuntimeError(f"action request {request_id} points at a missing item or case")
            audit.record(session, actor=EXECUTOR_ACTOR, event_type="action.executing", case_id=case.id,
                         school_id=case.school_id,
                         payload={"request_id": request.id, "action": request.action, "attempt": request.attempts,
                                  "resumed_after_interruption": was_interrupted}, now=now)
            text = request.params.get("text")
            return _Claim(
                request_id=request.id, case_id=case.id, action=Action(request.action), attempt=request.attempts,
                was_interrupted=was_interrupted, account_id=item.account_id,
                platform=item.platform, external_id=item.external_id, parent_external_id=item.parent_external_id,
                author_external_id=item.author_external_id, text=text if isinstance(text, str) else None,
            )

    # -- platform ------------------------------------------------------------------------------------------

    def _perform(self, connector: Connector, claim: _Claim) -> _Done:
        caps = connector.capabilities
        if not caps.supports(claim.action):
            note = caps.notes.get(claim.action.value, "the platform's API does not offer it")
            return _Done(False, f"{claim.platform} cannot {claim.action.value}: {note}")
        attempt = 0
        while True:
            attempt += 1
            try:
                return self._call(connector, claim)
            except NotFoundError as exc:
                if claim.action in (Action.DELETE, Action.HIDE):
                    # Gone is what delete wanted, and a deleted comment is not visible either.
                    return _Done(True, f"already gone from {claim.platform}", PlatformState.DELETED)
                return _Done(False, f"the comment no longer exists on {claim.platform} ({exc})",
                             PlatformState.DELETED if claim.action is Action.UNHIDE else None)
            except RetryableError as exc:
                if claim.action is Action.REPLY and not isinstance(exc, RateLimitedError):
                    # After a timeout or 5xx the reply may already be public; sending again could post it twice.
                    return _Done(False, f"the platform failed while posting the reply; it may or may not have "
                                        f"been posted. Check the comment on {claim.platform} before asking again "
                                        f"({exc})")
                if attempt >= self._max_attempts:
                    return _Done(False, f"gave up after {attempt} attempts: {exc}")
                delay = min(self._max_delay_s, self._base_delay_s * 2 ** (attempt - 1))
                if exc.retry_after is not None:
                    delay = max(delay, exc.retry_after)
                logger.info("request %s: %s failed (attempt %d); retrying in %.0f s", claim.request_id,
                            claim.action.value, attempt, delay)
                self._sleep(delay)
            except AuthError as exc:
                return _Done(False, f"{exc}. Reconnect the account, then ask for the action again")
            except ConnectorError as exc:
                return _Done(False, str(exc))

    def _call(self, connector: Connector, claim: _Claim) -> _Done:
        action, target = claim.action, claim.external_id
        if action is Action.HIDE:
            connector.hide(target)
            return _Done(True, f"hidden on {claim.platform}", PlatformState.HIDDEN)
        if action is Action.UNHIDE:
            connector.unhide(target)
            return _Done(True, f"visible again on {claim.platform}", PlatformState.VISIBLE)
        if action is Action.DELETE:
            connector.delete(target)
            return _Done(True, f"deleted from {claim.platform}", PlatformState.DELETED)
        if action is Action.REPLY:
            if not claim.text:
                return _Done(False, "the reply has no text (erased under the retention policy?)")
            reply_id = connector.reply(target, claim.text)
            return _Done(True, f"replied on {claim.platform}", external_id=reply_id)
        if connector.capabilities.ban_by_comment:
            # YouTube bans through the offending comment itself (rejecting it at the same time).
            connector.ban(target)
            return _Done(True, f"comment rejected and author banned on {claim.platform}", PlatformState.DELETED)
        if not claim.author_external_id:
            return _Done(False, "the author is unknown (or was erased under the retention policy)")
        connector.ban(claim.author_external_id)
        return _Done(True, f"author blocked on {claim.platform}")

    def _reconcile_reply(self, claim: _Claim) -> _Done:
        """An interrupted reply: done if a poll has since stored the school's reply, otherwise never resent."""
        with self._sessions() as session:
            account = session.get(Account, claim.account_id)
            posted = None
            if account is not None and claim.text:
                posted = session.scalars(
                    select(Item.external_id).where(
                        Item.account_id == claim.account_id, Item.author_external_id == account.external_id,
                        Item.parent_external_id.in_([x for x in (claim.external_id, claim.parent_external_id) if x]),
                        Item.text == claim.text)
                ).first()
        if posted is not None:
            return _Done(True, f"replied on {claim.platform} (confirmed after an interruption)",
                         external_id=posted)
        return _Done(False, "SocialGuard stopped while posting this reply and cannot tell whether it was posted; "
                            f"check the comment on {claim.platform}, and ask for the reply again only if it is "
                            "missing")

    # -- result --------------------------------------------------------------------------------------------

    def _finish(self, claim: _Claim, done: _Done) -> None:
        now = self._clock()
        with self._sessions() as session, session.begin():
            request = session.get(ActionRequest, claim.request_id)
            case = session.get(Case, claim.case_id)
            if request is None or case is None:
                return
            if request.status != "executing" or request.attempts != claim.attempt:
                # Another executor reclaimed it after our lease ran out; its result stands.
                logger.warning("request %s was reclaimed by another executor; dropping this result",
                               claim.request_id)
                return
            request.status = "succeeded" if done.ok else "failed"
            request.executed_at = now
            request.result = done.result
            request.result_external_id = done.external_id
            if done.state is not None:
                session.execute(update(Item).where(Item.id == request.item_id)
                                .values(platform_state=done.state.value))
            audit.record(session, actor=EXECUTOR_ACTOR, event_type=f"action.{request.status}", case_id=case.id,
                         school_id=case.school_id,
                         payload={"request_id": request.id, "action": request.action, "result": done.result,
                                  "attempt": request.attempts}, now=now)
            if done.ok:
                mark_first_response(case, now)
                if is_auto(request) and case.resolution is None:
                    case.resolution = "hidden automatically, pending review"
            else:
                session.add(OutboxMessage(
                    school_id=case.school_id, case_id=case.id, kind="action_failed",
                    payload={"case_id": case.id, "request_id": request.id, "action": request.action,
                             "platform": claim.platform, "reason": done.result,
                             "restricted": case.category == "safeguarding"},
                    dedupe_key=f"action:{request.id}:failed:{request.attempts}", created_at=now, available_at=now,
                ))
            settle_case(session, case, now=now, actor=SYSTEM_ACTOR)
            if self._before_commit is not None:
                self._before_commit(session)
