"""Per-account poll health, in the manner of Home Assistant's update coordinator: alert on transitions only.

States: ``ok``, ``failing`` (transient errors), ``rate_limited``, ``auth_expired`` (a person must reconnect the
account; polling pauses), ``paused`` (switched off in the config). A run of failures raises one alert when it
starts and one when the account recovers, never one per failed poll.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot import audit
from bot.models import Account, OutboxMessage
from connectors.errors import AuthError, ConnectorError, RateLimitedError


class Health(enum.StrEnum):
    OK = "ok"
    FAILING = "failing"
    RATE_LIMITED = "rate_limited"
    AUTH_EXPIRED = "auth_expired"
    PAUSED = "paused"


#: What to tell a person when an outage of each kind starts.
_OUTAGE_MESSAGES: dict[Health, str] = {
    Health.FAILING: "polling is failing; SocialGuard keeps retrying",
    Health.RATE_LIMITED: "the platform is rate-limiting SocialGuard; polling resumes when it allows",
    Health.AUTH_EXPIRED: "the account's token has expired or been revoked: polling is paused until a person "
    "reconnects the account and puts the new token in its environment variable",
}
_RECOVERED = "polling has recovered"


def _message(previous: Health, current: Health) -> str | None:
    """The alert for a transition, or ``None`` when it continues an outage already reported."""
    if current is Health.OK:
        return _RECOVERED if previous not in (Health.OK, Health.PAUSED) else None
    if previous in (Health.OK, Health.PAUSED) or current is Health.AUTH_EXPIRED:
        # A dead token needs a person even in the middle of another outage.
        return _OUTAGE_MESSAGES.get(current)
    return None


def classify_error(error: ConnectorError | None) -> Health:
    if error is None:
        return Health.OK
    if isinstance(error, AuthError):
        return Health.AUTH_EXPIRED
    if isinstance(error, RateLimitedError):
        return Health.RATE_LIMITED
    return Health.FAILING


@dataclass(frozen=True, slots=True)
class Transition:
    account_id: int
    previous: Health
    current: Health
    message: str


def record(session: Session, account: Account, error: ConnectorError | None, *, now: datetime) -> Transition | None:
    """Update ``account``'s health after a poll; on a transition that matters, queue one alert and audit it."""
    previous = Health(account.health)
    current = classify_error(error)
    if error is None:
        account.last_success_at, account.last_error = now, None
    else:
        account.last_error = str(error)[:500]
    account.health = current.value
    if current is previous:
        return None
    message = _message(previous, current)
    if message is None:
        return None
    transition = Transition(account.id, previous, current, message)
    session.add(
        OutboxMessage(
            school_id=account.school_id,
            kind="account_health",
            payload={
                "account_id": account.id,
                "account": account.name or f"{account.platform}:{account.external_id}",
                "platform": account.platform,
                "from": previous.value,
                "to": current.value,
                "message": message,
                "error": None if error is None else type(error).__name__,
            },
            dedupe_key=f"health:{account.id}:{now.isoformat()}:{current.value}",
            created_at=now,
            available_at=now,
        )
    )
    audit.record(session, actor="system", event_type="account.health", school_id=account.school_id,
                 payload={"account_id": account.id, "from": previous.value, "to": current.value}, now=now)
    return transition
