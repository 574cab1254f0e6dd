"""Turn the configuration into database rows, loaded detectors and live connectors, one school at a time."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.config import AccountConfig, ConfigError, Platform, SchoolConfig, SecretStore, Settings
from bot.models import Account, School
from bot.pipeline import SchoolRuntime
from bot.sla import WorkingCalendar
from classifiers.engine import Analyzer, SchoolProfile
from connectors._http import HttpClient
from connectors.base import Clock, Connector, Secret, Sleep, utc_now
from connectors.facebook import FacebookConnector
from connectors.instagram import InstagramConnector
from connectors.web import WebMentionsConnector
from connectors.x import XConnector, XOAuth1Credentials
from connectors.youtube import (
    DEFAULT_BASE_URL,
    DEFAULT_TOKEN_URL,
    GoogleOAuthTokens,
    GoogleTokenCache,
    QuotaLedger,
    YouTubeConnector,
)

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
        safeguarding_window=timedelta(minutes=settings.sla.safeguarding_minutes),
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


def _instagram(account: AccountConfig, school: SchoolConfig, secrets: SecretStore, http: HttpClient,
               clock: Clock) -> Connector:
    return InstagramConnector(
        ig_user_id=account.external_id,
        token=secrets.get(account.token_env, purpose=f"account {account.label}"),
        app_secret=secrets.optional(account.app_secret_env),
        http=http,
        base_url=account.api_base_url or "https://graph.facebook.com",
        api_version=account.api_version,
        clock=clock,
        lookback_days=account.lookback_days,
    )


#: One quota ledger per Google Cloud project for the life of the process: connectors are rebuilt for every poll,
#: but Google's daily quota is not (the cursor also carries the day's count across restarts). Keyed by
#: ``quota_group`` when set, else by the OAuth client (a client belongs to one project), else by token env.
_YOUTUBE_QUOTAS: dict[str, QuotaLedger] = {}
#: Access tokens last an hour; keep each refresh token's current one across polls, rather than asking Google for
#: a new one on every poll. Keyed by the credentials themselves, so a reconnected channel starts afresh.
_YOUTUBE_TOKENS: dict[tuple[str, Secret], GoogleTokenCache] = {}
_YOUTUBE_LOCK = threading.Lock()


def _youtube(account: AccountConfig, school: SchoolConfig, secrets: SecretStore, http: HttpClient,
             clock: Clock) -> Connector:
    purpose = f"account {account.label}"
    token: Secret | None = None
    oauth: GoogleOAuthTokens | None = None
    if account.has_oauth:
        client_id = secrets.get(account.oauth_client_id_env, purpose=purpose).get_secret_value()
        refresh_token = secrets.get(account.oauth_refresh_token_env, purpose=purpose)
        with _YOUTUBE_LOCK:
            cache = _YOUTUBE_TOKENS.setdefault((client_id, refresh_token), GoogleTokenCache())
        oauth = GoogleOAuthTokens(
            client_id=client_id,
            client_secret=secrets.get(account.oauth_client_secret_env, purpose=purpose),
            refresh_token=refresh_token,
            http=http,
            token_url=account.oauth_token_url or DEFAULT_TOKEN_URL,
            clock=clock,
            cache=cache,
        )
        quota_key = f"oauth-client:{client_id}"
    elif account.token_env:
        token = secrets.get(account.token_env, purpose=purpose)
        quota_key = f"token-env:{account.token_env}"
    else:
        raise ConfigError(
            f"{purpose}: a YouTube account needs token_env, or oauth_client_id_env, oauth_client_secret_env and "
            "oauth_refresh_token_env (a refresh token, for anything that runs longer than an hour)"
        )
    if account.quota_group:
        quota_key = f"group:{account.quota_group}"
    with _YOUTUBE_LOCK:
        ledger = _YOUTUBE_QUOTAS.setdefault(quota_key, QuotaLedger(account.daily_quota_units))
        ledger.daily_units = account.daily_quota_units
    return YouTubeConnector(
        channel_id=account.external_id,
        token=token,
        oauth=oauth,
        http=http,
        base_url=account.api_base_url or DEFAULT_BASE_URL,
        clock=clock,
        lookback_days=account.lookback_days,
        quota=ledger,
    )


def _x(account: AccountConfig, school: SchoolConfig, secrets: SecretStore, http: HttpClient,
       clock: Clock) -> Connector:
    purpose = f"account {account.label}"
    token: Secret | None = None
    oauth1: XOAuth1Credentials | None = None
    if account.has_x_oauth1:
        # Preferred over token_env when both are set: OAuth 1.0a keys do not expire, an OAuth 2.0 token does within
        # about two hours.
        oauth1 = XOAuth1Credentials(
            consumer_key=secrets.get(account.x_consumer_key_env, purpose=purpose),
            consumer_secret=secrets.get(account.x_consumer_secret_env, purpose=purpose),
            access_token=secrets.get(account.x_access_token_env, purpose=purpose),
            access_token_secret=secrets.get(account.x_access_token_secret_env, purpose=purpose),
        )
    elif account.token_env:
        token = secrets.get(account.token_env, purpose=purpose)
    else:
        raise ConfigError(
            f"{purpose}: an X account needs x_consumer_key_env, x_consumer_secret_env, x_access_token_env and "
            "x_access_token_secret_env (OAuth 1.0a keys, which do not expire), or token_env (an OAuth 2.0 user "
            "token, which expires about two hours after it is issued)"
        )
    return XConnector(
        user_id=account.external_id,
        token=token,
        oauth1=oauth1,
        http=http,
        base_url=account.api_base_url,
        handle=account.handle,
        # Recent search for the school's name is optional (it costs a post read per result); mentions always run.
        search_terms=(school.name, *school.aliases, *account.search_terms) if account.search else (),
        clock=clock,
        lookback_days=account.lookback_days,
    )


def _web(account: AccountConfig, school: SchoolConfig, secrets: SecretStore, http: HttpClient,
         clock: Clock) -> Connector:
    return WebMentionsConnector(
        feed_url=account.external_id,
        terms=(school.name, *school.aliases, *account.search_terms),
        http=http,
        # Most feeds are public; a key is only looked up when the account names one.
        token=secrets.get(account.token_env, purpose=f"account {account.label}") if account.token_env else None,
        clock=clock,
        lookback_days=account.lookback_days,
    )


FACTORIES: dict[Platform, ConnectorFactory] = {
    Platform.FACEBOOK: _facebook,
    Platform.INSTAGRAM: _instagram,
    Platform.YOUTUBE: _youtube,
    Platform.X: _x,
    Platform.WEB: _web,
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
