"""Load and validate ``socialguard.toml``; resolve secrets from the environment (or ``.env``), never the file.

A bad config raises :class:`ConfigError` whose message names the file, the key and the problem, e.g.::

    socialguard.toml: schools[0].nation: Input should be 'ENG', 'WLS', 'SCT' or 'NIR' (got 'UK')
"""

from __future__ import annotations

import enum
import os
import re
import tomllib
from collections.abc import Mapping
from datetime import date, time
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dotenv import dotenv_values
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from classifiers.base import Label
from classifiers.policy import PolicyConfig, Route
from connectors.base import Action, Secret

DEFAULT_CONFIG_PATH = Path("socialguard.toml")
ENV_CONFIG_PATH = "SOCIALGUARD_CONFIG"

#: Keys that look like a secret value. The file holds the *name* of an environment variable instead.
_SECRET_KEY = re.compile(r"(^|_)(token|secret|password|api_key|apikey|access_token|webhook_url)$", re.IGNORECASE)
_ENV_NAME = r"^[A-Z_][A-Z0-9_]*$"


class ConfigError(Exception):
    """The configuration file is missing, unreadable or invalid. The message is meant for a person."""


class Nation(enum.StrEnum):
    ENG = "ENG"
    WLS = "WLS"
    SCT = "SCT"
    NIR = "NIR"


class Platform(enum.StrEnum):
    FACEBOOK = "facebook"
    INSTAGRAM = "instagram"
    X = "x"
    YOUTUBE = "youtube"
    WEB = "web"


class Role(enum.StrEnum):
    """What a member of staff may see and approve. Safeguarding cases are visible only to ``dsl`` and ``admin``."""

    COMMS_OFFICER = "comms_officer"
    HEADTEACHER = "headteacher"
    DSL = "dsl"
    CHAIR_OF_GOVERNORS = "chair_of_governors"
    VIEWER = "viewer"
    ADMIN = "admin"


#: The category of a case whose automatic classification failed (see ``bot.pipeline.UNCLASSIFIED``).
UNCLASSIFIED_CATEGORY = "unclassified"
CASE_CATEGORIES = frozenset({label.value for label in Label} | {UNCLASSIFIED_CATEGORY})
#: The only roles that may see a safeguarding case, in every interface.
SAFEGUARDING_ROLES = frozenset({Role.DSL, Role.ADMIN})


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


EnvName = Annotated[str, Field(pattern=_ENV_NAME, description="name of an environment variable, not its value")]

#: An account's OAuth refresh-token settings (YouTube), which only work together.
_OAUTH_KEYS = ("oauth_client_id_env", "oauth_client_secret_env", "oauth_refresh_token_env")
#: An X account's OAuth 1.0a user-context keys (the app's consumer pair and the account's access pair), which only
#: work together.
_X_OAUTH1_KEYS = ("x_consumer_key_env", "x_consumer_secret_env", "x_access_token_env", "x_access_token_secret_env")


class AccountConfig(_Strict):
    """One social media account the school runs. Tokens are named by environment variable, never written here."""

    platform: Platform
    external_id: str = Field(min_length=1, description="Page id, IG user id, X user id, channel id or feed URL")
    name: str | None = None
    poll_interval_s: int = Field(default=300, ge=30, le=86_400)
    token_env: EnvName | None = None
    app_secret_env: EnvName | None = None
    api_base_url: str | None = Field(default=None, description="override the platform host (the sandbox uses this)")
    api_version: str = Field(default="v25.0", pattern=r"^v\d+\.\d+$")
    lookback_days: int = Field(default=30, ge=1, le=365)
    enabled: bool = True
    # X: the account's @handle, and whether to run recent search for the school's name and aliases.
    handle: str | None = Field(default=None, pattern=r"^@?[A-Za-z0-9_]{1,15}$")
    search: bool = True
    # Extra search terms besides the school's name and aliases (X recent search; web feed matching).
    search_terms: list[str] = Field(default_factory=list)
    # YouTube Data API daily quota for the Google Cloud project behind the token.
    daily_quota_units: int = Field(default=10_000, ge=100)
    # YouTube: Google access tokens last an hour, so a running bot holds the OAuth client and a refresh token and
    # fetches access tokens itself. All three or none; with them, token_env is not needed (and not used).
    oauth_client_id_env: EnvName | None = None
    oauth_client_secret_env: EnvName | None = None
    oauth_refresh_token_env: EnvName | None = None
    oauth_token_url: str | None = Field(default=None, description="override Google's token endpoint (the sandbox)")
    # YouTube: accounts whose credentials belong to one Google Cloud project share its daily quota, so they must
    # share one count. Default: one count per OAuth client (a client belongs to one project), else per token_env.
    quota_group: str | None = Field(default=None, min_length=1)
    # X: an OAuth 2.0 user token (token_env) expires about two hours after it is issued, so a running bot uses
    # OAuth 1.0a user context instead: the app's consumer key and secret and the school account's access token and
    # secret, which last until someone revokes them. All four or none; with them, token_env is not needed (and not
    # used).
    x_consumer_key_env: EnvName | None = None
    x_consumer_secret_env: EnvName | None = None
    x_access_token_env: EnvName | None = None
    x_access_token_secret_env: EnvName | None = None

    @model_validator(mode="after")
    def _x_oauth1_complete(self) -> AccountConfig:
        given = [key for key in _X_OAUTH1_KEYS if getattr(self, key)]
        if not given:
            return self
        if self.platform is not Platform.X:
            raise ValueError(f"{', '.join(given)}: OAuth 1.0a keys are only used for X accounts")
        missing = [key for key in _X_OAUTH1_KEYS if key not in given]
        if missing:
            raise ValueError(
                f"{', '.join(given)} set without {', '.join(missing)}: the X OAuth 1.0a keys "
                f"{', '.join(_X_OAUTH1_KEYS)} must be given together or not at all"
            )
        return self

    @model_validator(mode="after")
    def _oauth_complete(self) -> AccountConfig:
        given = [key for key in _OAUTH_KEYS if getattr(self, key)]
        if not given:
            if self.oauth_token_url:
                raise ValueError(f"oauth_token_url is set without the OAuth keys {', '.join(_OAUTH_KEYS)}")
            return self
        if self.platform is not Platform.YOUTUBE:
            raise ValueError(f"{', '.join(given)}: OAuth refresh tokens are only used for YouTube accounts")
        missing = [key for key in _OAUTH_KEYS if key not in given]
        if missing:
            raise ValueError(
                f"{', '.join(given)} set without {', '.join(missing)}: the OAuth keys "
                f"{', '.join(_OAUTH_KEYS)} must be given together or not at all"
            )
        return self

    @property
    def has_oauth(self) -> bool:
        return self.oauth_refresh_token_env is not None

    @property
    def has_x_oauth1(self) -> bool:
        return self.x_access_token_env is not None

    @property
    def label(self) -> str:
        return self.name or f"{self.platform.value}:{self.external_id}"


class Closure(_Strict):
    """Dates the school is closed although they are not bank holidays (term holidays, INSET days)."""

    start: date
    end: date
    reason: str = ""

    @model_validator(mode="after")
    def _ordered(self) -> Closure:
        if self.end < self.start:
            raise ValueError(f"end ({self.end}) is before start ({self.start})")
        return self


class SchoolConfig(_Strict):
    slug: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=64)
    name: str = Field(min_length=1)
    aliases: list[str] = Field(default_factory=list)
    town: str | None = None
    nation: Nation
    timezone: str = "Europe/London"
    official_phone: list[str] = Field(default_factory=list, description="numbers that may appear in comments")
    official_email: list[str] = Field(default_factory=list)
    roster: Path | None = Field(default=None, description="pupil roster CSV (SIMS, Arbor, Bromcom or SocialGuard layout)")
    staff: Path | None = None
    close_of_business: time = time(17, 0)
    closures: list[Closure] = Field(default_factory=list)
    routing: dict[Label, Route] = Field(default_factory=dict)
    accounts: list[AccountConfig] = Field(default_factory=list)
    complaints_url: str | None = Field(default=None, description="the complaints procedure, for reply templates")

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}") from None
        return value

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


class AlertsConfig(_Strict):
    slack_channel: str | None = None
    slack_token_env: EnvName | None = None
    teams_webhook_url_env: EnvName | None = None
    email_to: list[str] = Field(default_factory=list)
    email_from: str | None = None
    smtp_host: str = "localhost"
    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_password_env: EnvName | None = None
    digest_time: time = time(7, 30)


class WebhooksConfig(_Strict):
    """Real-time deliveries from Meta (Facebook Pages and Instagram). Both values are secrets: name env vars."""

    app_secret_env: EnvName | None = None
    verify_token_env: EnvName | None = None
    max_body_bytes: int = Field(default=5_000_000, ge=10_000)


def _check_categories(keys: Mapping[str, object]) -> None:
    unknown = sorted(set(keys) - CASE_CATEGORIES)
    if unknown:
        raise ValueError(f"unknown categor{'ies' if len(unknown) > 1 else 'y'} {', '.join(unknown)} "
                         f"(expected one of {', '.join(sorted(CASE_CATEGORIES))})")


class ActionRule(_Strict):
    """Who may approve one kind of action: ``approvers`` by default, ``by_category`` where a category differs."""

    approvers: list[Role] = Field(min_length=1)
    #: Safeguarding defaults to the DSL, so a rule that only names ``approvers`` stays valid.
    by_category: dict[str, list[Role]] = Field(default_factory=lambda: {Label.SAFEGUARDING.value: [Role.DSL]})
    two_person: bool = Field(default=False, description="two different people must approve")

    @model_validator(mode="after")
    def _sensible(self) -> ActionRule:
        _check_categories(self.by_category)
        for category, roles in {"(default)": self.approvers, **self.by_category}.items():
            if not roles:
                raise ValueError(f"{category}: name at least one role")
            if Role.VIEWER in roles:
                raise ValueError(f"{category}: viewer is read-only and cannot approve actions")
        # An approver must be able to see the case; only the DSL and admin can see safeguarding cases.
        safeguarding = self.by_category.get(Label.SAFEGUARDING.value, self.approvers)
        if not SAFEGUARDING_ROLES & set(safeguarding):
            raise ValueError("safeguarding cases are visible only to dsl and admin, so the roles for safeguarding "
                             'must include one of them (add by_category.safeguarding = ["dsl"])')
        return self

    def roles_for(self, category: str) -> frozenset[Role]:
        return frozenset(self.by_category.get(category, self.approvers))


class ApprovalsConfig(_Strict):
    """Who approves each action, per category. Nothing is hidden, deleted, posted or banned without it, except
    the optional automatic hide pending review (hide is reversible; delete is never automatic)."""

    hide: ActionRule = ActionRule(approvers=[Role.COMMS_OFFICER, Role.HEADTEACHER])
    unhide: ActionRule = ActionRule(approvers=[Role.COMMS_OFFICER, Role.HEADTEACHER])
    delete: ActionRule = ActionRule(approvers=[Role.HEADTEACHER])
    reply: ActionRule = ActionRule(approvers=[Role.COMMS_OFFICER, Role.HEADTEACHER])
    ban: ActionRule = ActionRule(approvers=[Role.HEADTEACHER])
    auto_hide: list[str] = Field(default_factory=list,
                                 description="categories hidden at once, pending a person's review")

    @field_validator("auto_hide")
    @classmethod
    def _known_categories(cls, value: list[str]) -> list[str]:
        _check_categories(dict.fromkeys(value))
        return value

    def rule(self, action: Action | str) -> ActionRule:
        rule: ActionRule = getattr(self, Action(action).value)
        return rule


class RetentionConfig(_Strict):
    """How long comment text and author details are kept after a case closes (days), per category. Case
    metadata and the audit log are kept."""

    default_days: int = Field(default=365, ge=1)
    #: Comments that opened no case are kept only long enough to give context to later ones.
    unflagged_days: int = Field(default=30, ge=1)
    categories: dict[str, Annotated[int, Field(ge=1)]] = Field(default_factory=dict)

    @field_validator("categories")
    @classmethod
    def _known_categories(cls, value: dict[str, int]) -> dict[str, int]:
        _check_categories(value)
        return value

    def days_for(self, category: str) -> int:
        return self.categories.get(category, self.default_days)


class SlaConfig(_Strict):
    """How the log shows response deadlines."""

    due_soon_minutes: int = Field(default=120, ge=1, description="an open case this close to its deadline is due_soon")
    safeguarding_minutes: int = Field(default=60, ge=5, le=1440, description="deadline for safeguarding cases, any day")


class RepliesConfig(_Strict):
    """Reply templates: a folder of ``<name>.txt`` files; the built-in set (config/templates) when unset."""

    templates_dir: Path | None = None


class Settings(BaseSettings):
    """The whole configuration. Values come from the TOML file; ``SOCIALGUARD_LOG_COMMENT_TEXT`` may override
    the logging flag from the environment."""

    model_config = SettingsConfigDict(extra="forbid", frozen=True, env_prefix="SOCIALGUARD_")

    schools: list[SchoolConfig] = Field(min_length=1)
    alerts: AlertsConfig = Field(default_factory=AlertsConfig)
    webhooks: WebhooksConfig = Field(default_factory=WebhooksConfig)
    approvals: ApprovalsConfig = Field(default_factory=ApprovalsConfig)
    retention: RetentionConfig = Field(default_factory=RetentionConfig)
    sla: SlaConfig = Field(default_factory=SlaConfig)
    replies: RepliesConfig = Field(default_factory=RepliesConfig)
    thresholds: dict[Label, Annotated[float, Field(ge=0.0, le=1.0)]] = Field(default_factory=dict)
    log_comment_text: bool = Field(default=False, description="log comment text (contains personal data)")

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # The TOML is parsed by load_config (for line-numbered syntax errors) and arrives as init kwargs.
        return (env_settings, init_settings)

    @model_validator(mode="after")
    def _unique(self) -> Settings:
        slugs = [s.slug for s in self.schools]
        if len(slugs) != len(set(slugs)):
            raise ValueError("school slugs must be unique")
        seen: set[tuple[str, str]] = set()
        for school in self.schools:
            for account in school.accounts:
                key = (account.platform.value, account.external_id)
                if key in seen:
                    raise ValueError(f"account {key[0]}:{key[1]} is listed twice")
                seen.add(key)
        return self

    def school(self, slug: str) -> SchoolConfig:
        for school in self.schools:
            if school.slug == slug:
                return school
        raise ConfigError(f"no school with slug {slug!r} (have: {', '.join(s.slug for s in self.schools)})")

    def policy_config(self, school: SchoolConfig) -> PolicyConfig:
        base = PolicyConfig()
        return PolicyConfig(
            thresholds={**base.thresholds, **self.thresholds},
            routing={**base.routing, **school.routing},
        )


def _find_secret_keys(data: Any, path: str = "") -> list[str]:
    found: list[str] = []
    if isinstance(data, Mapping):
        for key, value in data.items():
            here = f"{path}.{key}" if path else str(key)
            if _SECRET_KEY.search(str(key)):
                found.append(here)
            found.extend(_find_secret_keys(value, here))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found.extend(_find_secret_keys(value, f"{path}[{index}]"))
    return found


def _loc(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def format_validation_error(source: str, exc: ValidationError) -> str:
    lines = [f"{source}: invalid configuration ({exc.error_count()} problem{'s' if exc.error_count() > 1 else ''})"]
    for error in exc.errors(include_url=False):
        message = error["msg"]
        if error["type"] == "extra_forbidden":
            message = "unknown key (check the spelling against config/socialguard.example.toml)"
        elif error["type"] == "missing":
            message = "required key is missing"
        given = error.get("input")
        if error["type"] not in {"missing", "extra_forbidden"} and isinstance(given, str | int | float) and len(str(given)) < 60:
            message += f" (got {given!r})"
        lines.append(f"  {source}: {_loc(tuple(error['loc']))}: {message}")
    return "\n".join(lines)


def parse_config(data: Mapping[str, Any], *, source: str = "<config>", base_dir: Path | None = None) -> Settings:
    """Validate already-parsed TOML data. Relative roster/staff paths resolve against ``base_dir``."""
    secret_keys = _find_secret_keys(data)
    if secret_keys:
        raise ConfigError(
            f"{source}: {', '.join(secret_keys)}: secrets must not be written in the config file. Put the value in "
            "an environment variable (or .env) and write its name instead, e.g. token_env = \"SOCIALGUARD_FB_TOKEN\""
        )
    try:
        settings = Settings(**data)
    except ValidationError as exc:
        raise ConfigError(format_validation_error(source, exc)) from None
    if base_dir is not None:
        schools = [
            school.model_copy(
                update={
                    "roster": _resolve(school.roster, base_dir),
                    "staff": _resolve(school.staff, base_dir),
                }
            )
            for school in settings.schools
        ]
        settings = settings.model_copy(update={"schools": schools})
        if settings.replies.templates_dir is not None:
            replies = RepliesConfig(templates_dir=_resolve(settings.replies.templates_dir, base_dir))
            settings = settings.model_copy(update={"replies": replies})
    return settings


def _resolve(path: Path | None, base_dir: Path) -> Path | None:
    if path is None:
        return None
    path = path.expanduser()
    return path if path.is_absolute() else (base_dir / path).resolve()


def load_config(path: Path | str) -> Settings:
    """Read, parse and validate a TOML config file; raise :class:`ConfigError` with a readable message."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found (create one with `socialguard init`)") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read config file: {exc.strerror}") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: TOML syntax error: {exc}") from None
    return parse_config(data, source=str(path), base_dir=path.parent.resolve())


def default_config_path() -> Path | None:
    """``$SOCIALGUARD_CONFIG``, else ``./socialguard.toml`` if it exists, else ``None``."""
    env = os.environ.get(ENV_CONFIG_PATH)
    if env:
        return Path(env)
    return DEFAULT_CONFIG_PATH if DEFAULT_CONFIG_PATH.exists() else None


class SecretStore:
    """Looks up secrets by environment variable name: the process environment first, then a ``.env`` file."""

    def __init__(self, environ: Mapping[str, str] | None = None, dotenv_path: Path | None = Path(".env")) -> None:
        self._environ = dict(os.environ if environ is None else environ)
        self._dotenv: dict[str, str] = {}
        if dotenv_path is not None and dotenv_path.is_file():
            self._dotenv = {k: v for k, v in dotenv_values(dotenv_path).items() if v is not None}

    def get(self, name: str | None, *, purpose: str) -> Secret:
        if not name:
            raise ConfigError(f"{purpose}: no environment variable is configured for its credential")
        value = self._environ.get(name) or self._dotenv.get(name)
        if not value:
            raise ConfigError(f"{purpose}: environment variable {name} is not set (put the token there or in .env)")
        return Secret(value)

    def optional(self, name: str | None) -> Secret | None:
        if not name:
            return None
        value = self._environ.get(name) or self._dotenv.get(name)
        return Secret(value) if value else None
