"""Account health alerts only on transitions, as a person would want: one alert per outage and per recovery."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot import health
from bot.health import Health
from bot.models import Account, AuditEvent, OutboxMessage, School
from connectors.errors import AuthError, ConnectorError, RateLimitedError, RetryableError

T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


@pytest.fixture
def account_id(sessions: sessionmaker[Session]) -> int:
    with sessions() as session, session.begin():
        school = School(slug="s", name="S", nation="ENG")
        session.add(school)
        session.flush()
        account = Account(school_id=school.id, platform="facebook", external_id="1", name="S on Facebook")
        session.add(account)
        session.flush()
        return account.id


def run(sessions: sessionmaker[Session], account_id: int, outcomes: list[ConnectorError | None]) -> list[dict]:  # type: ignore[type-arg]
    for n, error in enumerate(outcomes):
        with sessions() as session, session.begin():
            account = session.get(Account, account_id)
            assert account is not None
            health.record(session, account, error, now=T0 + timedelta(minutes=5 * n))
    with sessions() as session:
        return [m.payload for m in session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))]


def test_a_run_of_failures_alerts_once_and_recovery_alerts_once(sessions: sessionmaker[Session], account_id: int) -> None:
    fail = RetryableError("503", platform="facebook")
    alerts = run(sessions, account_id, [None, fail, fail, fail, None, None])
    assert [(a["from"], a["to"]) for a in alerts] == [("ok", "failing"), ("failing", "ok")]
    with sessions() as session:
        account = session.get(Account, account_id)
        assert account is not None and account.health == "ok" and account.last_success_at == T0 + timedelta(minutes=25)
        assert len(list(session.scalars(select(AuditEvent)))) == 2


def test_an_expired_token_alerts_even_during_another_outage(sessions: sessionmaker[Session], account_id: int) -> None:
    alerts = run(sessions, account_id, [RateLimitedError("613", retry_after=60), RetryableError("500"),
                                        AuthError("190", platform="facebook")])
    assert [a["to"] for a in alerts] == ["rate_limited", "auth_expired"]
    assert "reconnect" in alerts[-1]["message"]


def test_steady_health_never_alerts(sessions: sessionmaker[Session], account_id: int) -> None:
    assert run(sessions, account_id, [None] * 5) == []


@pytest.mark.parametrize(
    ("error", "state"),
    [(None, Health.OK), (RetryableError("x"), Health.FAILING), (RateLimitedError("x"), Health.RATE_LIMITED),
     (AuthError("x"), Health.AUTH_EXPIRED)],
)
def test_errors_map_to_states(error: ConnectorError | None, state: Health) -> None:
    assert health.classify_error(error) is state
