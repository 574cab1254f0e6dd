"""Turn the configuration into database rows, loaded detectors and live connectors, one school at a time."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.config import AccountConfig, ConfigError, Platform, SchoolConfig, SecretStore, Settings
from bot.models import Account, School
from bot.pipeline import SchoolRuntime
from bot.sla import WorkingCalendar
from classifiers.engine import Analyzer, SchoolProfile
from connectors._http import HttpClient
from connectors.base import Clock, Connector, Sleep, utc_now
from connectors.facebook import FacebookConnector

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class AccountRef:
    account_id: int
    school: SchoolConfig
    config: AccountConfig

    @property
    def school_slug(self) -> str:
        return self.school.slug


def sync_schools(sessions: sessionmaker[Session], settings: Settings) -> list[AccountRef]:
    """Insert or update the configured schools and accounts; return the enabled accounts to poll."""
    refs: list[AccountRef] = []
    with sessions() as session, session.begin():
        for school_cfg in settings.schools:
            school = session.scalars(select(School).where(School.slug == school_cfg.slug)).first()
            if school is None:
                school = School(slug=school_cfg.slug, name=school_cfg.name, nation=school_cfg.nation.value,
                                timezone=school_cfg.timezone)
                session.add(school)
                session.flush()
            else:
                school.name, school.nation, school.timezone = school_cfg.name, school_cfg.nation.value, school_cfg.timezone
            for account_cfg in school_cfg.accounts:
                account = session.scalars(
                    select(Account).where(
                        Account.platform == account_cfg.platform.value,
                        Account.external_id == account_cfg.external_id,
                    )
                ).first()
                if account is None:
                    account = Account(school_id=school.id, platform=account_cfg.platform.value,
                                      external_id=account_cfg.external_id, name=account_cfg.label)
                    session.add(account)
                    session.flush()
                elif account.school_id != school.id:
                    raise ConfigError(
                        f"account {account_cfg.label} already belongs to another school in this database"
                    )
                account.name, account.enabled = account_cfg.label, account_cfg.enabled
                if account_cfg.enabled:
                    refs.append(AccountRef(account.id, school_cfg, account_cfg))
    return refs


def school_ids(sessions: sessionmaker[Session]) -> dict[str, int]:
    with sessions() as session:
        return dict(session.execute(select(School.slug, School.id)).all())


def build_runtime(school_id: int, school: SchoolConfig, settings: Settings) -> SchoolRuntime:
    """Load the school's roster, staff list and detectors (once per process)."""
    analyzer = Analyzer(
        SchoolProfile(
            name=school.name,
            aliases=tuple(school.aliases),
            town=school.town,
            official_phones=tuple(school.official_phone),
            official_emails=tuple(school.official_email),
            roster_path=school.roster,
            staff_path=school.staff,
        )
    )
    analyzer.load()
    calendar = WorkingCalendar(
        nation=school.nation.value,
        closures=tuple((c.start, c.end) for c in school.closures),
        zone=school.zone,
        close_of_business=school.close_of_business,
    )
    return SchoolRuntime(school_id=school_id, slug=school.slug, analyzer=analyzer,
                         policy=settings.policy_config(school), calendar=calendar)


#: Builds one platform's connector from its account config, the school it belongs to, secrets and an HTTP client.
ConnectorFactory = Callable[[AccountConfig, SchoolConfig, SecretStore, HttpClient, Clock], Connector]


def _facebook(account: AccountConfig, school: SchoolConfig, secrets: SecretStore, http: HttpClient,
              clock: Clock) -> Connector:
    return FacebookConnector(
        page_id=account.external_id,
        token=secrets.get(account.token_env, purpose=f"account {account.label}"),
        app_secret=secrets.optional(account.app_secret_env),
        http=http,
        base_url=account.api_base_url or "https://graph.facebook.com",
        api_version=account.api_version,
        clock=clock,
        lookback_days=account.lookback_days,
    )


FACTORIES: dict[Platform, ConnectorFactory] = {
    Platform.FACEBOOK: _facebook,
}


def build_connector(
    account: AccountConfig,
    school: SchoolConfig,
    secrets: SecretStore,
    *,
    clock: Clock = utc_now,
    sleep: Sleep = time.sleep,
) -> Connector:
    factory = FACTORIES.get(account.platform)
    if factory is None:
        raise ConfigError(
            f"account {account.label}: no {account.platform.value} connector in this version of SocialGuard "
            f"(available: {', '.join(p.value for p in FACTORIES)})"
        )
    return factory(account, school, secrets, HttpClient(sleep=sleep, clock=clock), clock)
