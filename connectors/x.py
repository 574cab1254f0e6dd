"""X (Twitter) connector: the school account's mentions and a recent search for its name, through tweepy.

tweepy 4.x ``Client`` makes the calls, with three things changed around it (``/work/shared/research/
platform-apis.md`` §3.3):

* **Waiting.** ``wait_on_rate_limit`` stays off: tweepy would ``time.sleep`` itself, and with no
  ``x-rate-limit-reset`` header it retries at once, without bound. Every call instead runs inside
  :meth:`connectors._http.HttpClient.call`, so the project's one retry policy does the waiting, and tweepy's
  exceptions are sorted into :mod:`connectors.errors` by :func:`_raise_for_status`.
* **Transport.** tweepy hard-codes ``https://api.twitter.com`` and sends no timeout (a stalled connection
  would hang a poll forever). A ``requests`` adapter mounted on ``client.session`` adds a timeout and, when a
  base URL is configured (the sandbox), rewrites the host.
* **Logging.** tweepy logs the request headers, bearer token included, at DEBUG on ``tweepy.client``, and
  requests_oauthlib/oauthlib log the signed ``Authorization: OAuth`` header (consumer key, access token,
  signature) at DEBUG; those loggers are capped at INFO when this module is imported.

Credentials, one of (``platform-apis.md`` §3.3, "user_auth"):

* **OAuth 1.0a user context** (:class:`XOAuth1Credentials`): the developer app's consumer key and secret and the
  school account's access token and secret. They do not expire; they stop working only when someone revokes
  the app's access or regenerates them. tweepy signs each request itself (HMAC-SHA1, ``user_auth=True``). This
  is what a long-running bot should use.
* **OAuth 2.0 user access token** (``token``; scopes ``tweet.read users.read tweet.write tweet.moderate.write
  mute.write``), passed as ``bearer_token`` and used with ``user_auth=False``. It **expires about two hours
  after it is issued**, so on its own it suits a one-off check, not a bot that runs all day.

Errors, sorted by :func:`_raise_for_status` on the HTTP status and the RFC 7807 ``type``::

    401                                       AuthError           a person must reconnect the account
    403 client-forbidden / unsupported-auth   AuthError           the app or token lacks the endpoint
    403 on a moderation action, otherwise     ActionRefusedError  X refuses it for this post
    403 on a read                             AuthError
    429 rate-limit-exceeded                   RateLimitedError    wait until x-rate-limit-reset
    429 usage-capped                          RateLimitedError    the monthly cap: at least an hour
    404, or 200 with resource-not-found only  NotFoundError
    5xx, network failures                     RetryableError
    other 4xx                                 PermanentError
"""

from __future__ import annotations

import functools
import hashlib
import logging
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar, Literal

import requests
import tweepy  # type: ignore[import-untyped, unused-ignore]
from requests.adapters import HTTPAdapter

from connectors._http import HttpClient, json_object, parse_retry_after
from connectors.base import (
    Action,
    Author,
    Capabilities,
    Clock,
    Cursor,
    Item,
    ItemKind,
    Page,
    Secret,
    TokenStatus,
    unsupported,
    utc_now,
)
from connectors.errors import (
    ActionRefusedError,
    AuthError,
    MalformedResponseError,
    NotFoundError,
    PermanentError,
    RateLimitedError,
    RetryableError,
)

logger = logging.getLogger(__name__)


class _BelowInfo(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.INFO


# tweepy logs "Headers: {'Authorization': 'Bearer …'}" at DEBUG; requests_oauthlib logs the signed
# "Authorization: OAuth oauth_consumer_key=…, oauth_token=…, oauth_signature=…" header and oauthlib the signature
# base string and signature. The filter holds if someone lowers a level later. A logger's filter only sees records
# logged on that very logger, so each one that logs is named, not its package.
_CREDENTIAL_LOGGERS = (
    "tweepy.client",
    "requests_oauthlib.oauth1_auth",
    "oauthlib.oauth1.rfc5849",
    "oauthlib.oauth1.rfc5849.signature",
)
for _name in _CREDENTIAL_LOGGERS:
    _logger = logging.getLogger(_name)
    if _logger.level < logging.INFO:
        _logger.setLevel(logging.INFO)
    _logger.addFilter(_BelowInfo())

PLATFORM = "x"
CURSOR_VERSION = 1

#: Where tweepy sends every request; not configurable in tweepy itself.
TWEEPY_HOST = "https://api.twitter.com"

TWEET_FIELDS = (
    "created_at",
    "conversation_id",
    "in_reply_to_user_id",
    "author_id",
    "referenced_tweets",
    "note_tweet",
)
EXPANSIONS = ("author_id", "in_reply_to_user_id", "referenced_tweets.id")
USER_FIELDS = ("username", "name")

MAX_QUERY_LENGTH = 512
#: Recent search covers seven days; a ``start_time`` or ``since_id`` older than that is a 400.
SEARCH_WINDOW = timedelta(days=7) - timedelta(minutes=5)
#: A poll interrupted longer ago than this starts over: its paging token may have expired.
ROUND_TTL = timedelta(hours=1)
#: The monthly usage cap resets with the billing cycle, not the 15-minute window: wait at least this long.
USAGE_CAP_RETRY_S = 3600.0
#: X's snowflake epoch (2010-11-04T01:42:54.657Z), in milliseconds.
_SNOWFLAKE_EPOCH_MS = 1288834974657

HIDE_REFUSED = (
    "X only lets an account hide replies in conversations it started, and this post is not a reply to one of "
    "the school's posts. Report it on X, or mute the author."
)

Stream = Literal["mentions", "search"]


@dataclass(frozen=True, slots=True)
class XOAuth1Credentials:
    """OAuth 1.0a user-context keys: the developer app's consumer pair and the school account's access pair (an X
    access token starts with the numeric id of the account it acts as). They do not expire. ``repr`` shows none of
    them (:class:`Secret`)."""

    consumer_key: Secret
    consumer_secret: Secret
    access_token: Secret
    access_token_secret: Secret

    def __post_init__(self) -> None:
        if not all((self.consumer_key, self.consumer_secret, self.access_token, self.access_token_secret)):
            raise ValueError("the X consumer key and secret and access token and secret must not be empty")


# -- transport -----------------------------------------------------------------------------------------------


class _Transport(HTTPAdapter):
    """Gives each tweepy request a timeout (tweepy sets none); for the sandbox, sends it to ``base_url``."""

    def __init__(self, *, timeout_s: float, base_url: str | None) -> None:
        super().__init__()
        self._timeout_s = timeout_s
        self._base_url = base_url.rstrip("/") if base_url else None

    def send(  # type: ignore[override]
        self, request: requests.PreparedRequest, **kwargs: Any
    ) -> requests.Response:
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self._timeout_s
        if self._base_url is not None and request.url and request.url.startswith(TWEEPY_HOST + "/"):
            request.url = self._base_url + request.url[len(TWEEPY_HOST) :]
        return super().send(request, **kwargs)


# -- errors --------------------------------------------------------------------------------------------------


def _problem(response: requests.Response) -> tuple[str | None, str | None]:
    """The RFC 7807 ``type`` suffix (``usage-capped``) and ``title`` of an error body, if it has them."""
    try:
        body = response.json()
    except ValueError:
        return None, None
    if not isinstance(body, dict):
        return None, None
    type_, title = body.get("type"), body.get("title")
    short = type_.rsplit("/problems/", 1)[-1] if isinstance(type_, str) and "/problems/" in type_ else None
    return short, title if isinstance(title, str) else None


def _reset_wait(response: requests.Response, clock: Clock) -> float | None:
    """Seconds until ``x-rate-limit-reset`` (epoch seconds), or ``Retry-After``, whichever is longer."""
    now = clock()
    hints: list[float] = []
    reset = response.headers.get("x-rate-limit-reset")
    if reset and reset.strip().isdigit():
        hints.append(max(0.0, int(reset) - now.timestamp()))
    retry_after = parse_retry_after(response.headers.get("Retry-After"), now=now)
    if retry_after is not None:
        hints.append(retry_after)
    return max(hints) if hints else None


def _raise_for_status(
    response: requests.Response,
    *,
    what: str,
    clock: Clock = utc_now,
    refusal: str | None = None,
    oauth1: bool = False,
) -> None:
    """Sort an X response into :mod:`connectors.errors`; return quietly for 2xx.

    ``refusal`` is the message for a 403 on a moderation action (X refuses it for this post); without it a 403
    means the token or app lacks access. Messages carry the status, problem type and title, never X's
    ``detail``, which can quote the post. ``oauth1`` says which credentials were refused, for the 401 message.
    """
    status = response.status_code
    if 200 <= status < 300:
        return
    type_, title = _problem(response)
    detail = ", ".join(
        f"{k} {v}" for k, v in (("HTTP", status), ("type", type_), ("title", title)) if v is not None
    )
    if status == 401:
        if oauth1:
            reason = (
                "X rejected the account's OAuth 1.0a keys (access revoked by the account, keys regenerated in "
                "the developer console, or a consumer key and access token that do not belong together); "
                "generate a new access token and secret and reconnect the X account"
            )
        else:
            reason = (
                "X rejected the account's OAuth 2.0 access token (these expire about two hours after they are "
                "issued; or it was revoked or lacks a scope); reconnect the X account, and configure OAuth "
                "1.0a keys, which do not expire"
            )
        raise AuthError(f"{reason} ({detail})", platform=PLATFORM, code=401)
    if status == 403:
        if refusal is not None and type_ not in {"client-forbidden", "unsupported-authentication"}:
            raise ActionRefusedError(f"{refusal} ({detail})", platform=PLATFORM, code=403)
        raise AuthError(
            f"X refused {what}: the app or token has no access to it (check the app's access level and the "
            f"token's scopes, then reconnect) ({detail})",
            platform=PLATFORM,
            code=type_ or 403,
        )
    if status == 429:
        wait = _reset_wait(response, clock)
        if type_ == "usage-capped":
            raise RateLimitedError(
                f"X's monthly usage cap for this app is used up; reading resumes when the billing cycle "
                f"resets or the cap is raised in the developer console ({detail})",
                platform=PLATFORM,
                retry_after=max(wait or 0.0, USAGE_CAP_RETRY_S),
                code="usage-capped",
            )
        raise RateLimitedError(
            f"X rate limit reached on {what} ({detail})", platform=PLATFORM, retry_after=wait, code=429
        )
    if status == 404:
        raise NotFoundError(f"X has no such object: {what} ({detail})", platform=PLATFORM, code=404)
    if status >= 500:
        raise RetryableError(
            f"X server error on {what} ({detail})",
            platform=PLATFORM,
            retry_after=parse_retry_after(response.headers.get("Retry-After"), now=clock()),
            code=status,
        )
    raise PermanentError(f"X refused {what} ({detail})", platform=PLATFORM, code=type_ or status)


# -- search query --------------------------------------------------------------------------------------------


def _normalise_term(term: str) -> str:
    # X has no escape inside a quoted phrase, so quotes cannot be searched for; curly apostrophes match.
    return " ".join(term.replace('"', " ").replace("\u2019", "'").split())


def _contains_phrase(longer: str, shorter: str) -> bool:
    big, small = longer.lower().split(), shorter.lower().split()
    return len(small) < len(big) and any(
        big[i : i + len(small)] == small for i in range(len(big) - len(small) + 1)
    )


def _atom(term: str) -> str:
    if re.fullmatch(r"\w+", term) and term.upper() not in {"OR", "AND"}:
        return term
    return f'"{term}"'


def build_search_query(terms: Sequence[str], handle: str | None = None) -> str:
    """The recent-search query for a school: its name, aliases and extra terms, plus ``@handle``, excluding
    retweets and the school's own posts, e.g. ``("Brookfield Vale" OR BVPS OR @bvps) -from:bvps -is:retweet``.

    A term that contains another term is dropped (X's phrase match already finds it). When the query would
    exceed X's 512 characters, the last terms are left out (the name and aliases come first). Returns ``""``
    when there is nothing to search for.
    """
    cleaned: list[str] = []
    for term in terms:
        normal = _normalise_term(term)
        if normal and normal.lower() not in {c.lower() for c in cleaned}:
            cleaned.append(normal)
    # A term stands in for the terms containing it, at the earliest place of any of them (the name first).
    kept: list[str] = []
    for term in cleaned:
        shortest = min(
            (o for o in cleaned if o == term or _contains_phrase(term, o)), key=lambda o: len(o.split())
        )
        if shortest not in kept:
            kept.append(shortest)
    atoms = [_atom(t) for t in kept]
    name = handle.lstrip("@") if handle else None
    suffix = (f" -from:{name}" if name else "") + " -is:retweet"
    while atoms or name:
        clause = [*atoms, f"@{name}"] if name else list(atoms)
        query = (f"({' OR '.join(clause)})" if len(clause) > 1 else clause[0]) + suffix
        if len(query) <= MAX_QUERY_LENGTH:
            if len(atoms) < len(kept):
                logger.warning(
                    "x search query: %d of %d terms left out to fit 512 characters",
                    len(kept) - len(atoms),
                    len(kept),
                )
            return query
        if not atoms:
            break
        atoms.pop()
    return ""


# -- cursor --------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Round:
    """One poll in progress: the stream being read, its paging token, and the newest id the pass has seen."""

    started_at: datetime
    stream: Stream
    pagination_token: str | None = None
    newest_id: str | None = None


@dataclass(frozen=True, slots=True)
class _CursorState:
    """``*_since_id``: the newest post id of the last *completed* pass over each stream. ``search_query_hash``
    ties the search id to the query it came from; a changed query reads the lookback window again."""

    mentions_since_id: str | None = None
    search_since_id: str | None = None
    search_query_hash: str | None = None
    round: _Round | None = None

    def dump(self) -> dict[str, Any]:
        return {
            "v": CURSOR_VERSION,
            "mentions_since_id": self.mentions_since_id,
            "search_since_id": self.search_since_id,
            "search_query_hash": self.search_query_hash,
            "round": None
            if self.round is None
            else {
                "started_at": self.round.started_at.isoformat(),
                "stream": self.round.stream,
                "pagination_token": self.round.pagination_token,
                "newest_id": self.round.newest_id,
            },
        }


#: Upgrades from version N to N+1, applied in order on load; version 1 is the first.
_MIGRATIONS: Mapping[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}


def _bad_cursor(reason: str) -> PermanentError:
    return PermanentError(
        f"the saved X cursor is not valid ({reason}); reset the account's cursor to re-read recent mentions",
        platform=PLATFORM,
        code="bad_cursor",
    )


def _optional_id(raw: Mapping[str, Any], key: str) -> str | None:
    value = raw.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.isdigit():
        raise _bad_cursor(f"'{key}' must be a post id or null")
    return value


def _load_cursor(cursor: Cursor | None) -> _CursorState:
    if cursor is None:
        return _CursorState()
    if not isinstance(cursor, Mapping):
        raise _bad_cursor("not a JSON object")
    raw = dict(cursor)
    version = raw.get("v")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise _bad_cursor("missing or invalid version 'v'")
    if version > CURSOR_VERSION:
        raise _bad_cursor(f"version {version} is newer than this SocialGuard understands ({CURSOR_VERSION})")
    while version < CURSOR_VERSION:
        raw = _MIGRATIONS[version](raw)
        version += 1
    query_hash = raw.get("search_query_hash")
    if query_hash is not None and not isinstance(query_hash, str):
        raise _bad_cursor("'search_query_hash' must be a string or null")
    state = _CursorState(
        _optional_id(raw, "mentions_since_id"), _optional_id(raw, "search_since_id"), query_hash
    )
    round_raw = raw.get("round")
    if round_raw is None:
        return state
    if not isinstance(round_raw, Mapping):
        raise _bad_cursor("'round' must be an object or null")
    stream = round_raw.get("stream")
    if stream not in ("mentions", "search"):
        raise _bad_cursor("'round.stream' must be 'mentions' or 'search'")
    token = round_raw.get("pagination_token")
    if token is not None and (not isinstance(token, str) or not token):
        raise _bad_cursor("'round.pagination_token' must be a string or null")
    started = round_raw.get("started_at")
    try:
        started_at = datetime.fromisoformat(started) if isinstance(started, str) else None
    except ValueError:
        started_at = None
    if started_at is None or started_at.tzinfo is None:
        raise _bad_cursor("'round.started_at' must be an ISO 8601 time with a time zone")
    return replace(
        state, round=_Round(started_at.astimezone(UTC), stream, token, _optional_id(round_raw, "newest_id"))
    )


def _newer(a: str | None, b: str | None) -> str | None:
    """The later of two post ids (X ids are snowflakes: numerically ordered by creation time)."""
    if a is None or b is None:
        return a or b
    return a if int(a) >= int(b) else b


def _id_time(post_id: str) -> datetime:
    return datetime.fromtimestamp(((int(post_id) >> 22) + _SNOWFLAKE_EPOCH_MS) / 1000, UTC)


# -- parsing -------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _User:
    id: str
    username: str | None
    name: str | None


@dataclass(frozen=True, slots=True)
class _Tweet:
    id: str
    text: str
    created_at: datetime | None
    author_id: str | None
    conversation_id: str | None
    replied_to: str | None


@dataclass(frozen=True, slots=True)
class _Timeline:
    tweets: tuple[_Tweet, ...]
    users: Mapping[str, _User]
    referenced: Mapping[str, _Tweet]
    newest_id: str | None
    next_token: str | None


def _malformed(what: str, field: str) -> MalformedResponseError:
    return MalformedResponseError(
        f"X answered {what} with a post that has no usable '{field}'", platform=PLATFORM, code=field
    )


def _parse_tweet(raw: object, what: str, *, need_time: bool) -> _Tweet:
    if not isinstance(raw, Mapping):
        raise MalformedResponseError(
            f"X answered {what} with a non-object post", platform=PLATFORM, code="data"
        )
    tweet_id = raw.get("id")
    if not isinstance(tweet_id, str) or not tweet_id.isdigit():
        raise _malformed(what, "id")
    # Posts over 280 characters arrive truncated in ``text``; the whole text is in ``note_tweet``.
    note = raw.get("note_tweet")
    text = (
        note.get("text")
        if isinstance(note, Mapping) and isinstance(note.get("text"), str)
        else raw.get("text")
    )
    if not isinstance(text, str):
        raise _malformed(what, "text")
    created_raw = raw.get("created_at")
    created_at: datetime | None = None
    if isinstance(created_raw, str):
        try:
            created_at = datetime.fromisoformat(created_raw)
        except ValueError:
            created_at = None
    if created_at is not None and created_at.tzinfo is None:
        created_at = None
    if created_at is None and need_time:
        raise _malformed(what, "created_at")
    replied_to = None
    references = raw.get("referenced_tweets")
    if isinstance(references, list):
        replied_to = next(
            (
                r["id"]
                for r in references
                if isinstance(r, Mapping) and r.get("type") == "replied_to" and isinstance(r.get("id"), str)
            ),
            None,
        )
    author = raw.get("author_id")
    conversation = raw.get("conversation_id")
    return _Tweet(
        id=tweet_id,
        text=text,
        created_at=created_at.astimezone(UTC) if created_at else None,
        author_id=author if isinstance(author, str) and author else None,
        conversation_id=conversation if isinstance(conversation, str) and conversation else None,
        replied_to=replied_to,
    )


def _parse_includes(body: Mapping[str, Any], what: str) -> tuple[dict[str, _User], dict[str, _Tweet]]:
    includes = body.get("includes")
    users: dict[str, _User] = {}
    referenced: dict[str, _Tweet] = {}
    if not isinstance(includes, Mapping):
        return users, referenced
    for raw in includes.get("users") or ():
        if isinstance(raw, Mapping) and isinstance(raw.get("id"), str):
            username, name = raw.get("username"), raw.get("name")
            users[raw["id"]] = _User(
                raw["id"],
                username if isinstance(username, str) else None,
                name if isinstance(name, str) else None,
            )
    for raw in includes.get("tweets") or ():
        # Referenced posts are context only: a broken one must not sink the page.
        try:
            tweet = _parse_tweet(raw, what, need_time=False)
        except MalformedResponseError:
            continue
        referenced[tweet.id] = tweet
    return users, referenced


def _parse_timeline(body: Mapping[str, Any], what: str) -> _Timeline:
    data = body.get("data", [])
    meta = body.get("meta")
    if not isinstance(data, list) or not isinstance(meta, Mapping):
        raise MalformedResponseError(
            f"X answered {what} without a 'data' list and 'meta'", platform=PLATFORM, code="data"
        )
    tweets = tuple(_parse_tweet(raw, what, need_time=True) for raw in data)
    users, referenced = _parse_includes(body, what)
    newest = meta.get("newest_id")
    next_token = meta.get("next_token")
    newest_id = newest if isinstance(newest, str) and newest.isdigit() else None
    for tweet in tweets:
        newest_id = _newer(newest_id, tweet.id)
    return _Timeline(
        tweets,
        users,
        referenced,
        newest_id,
        next_token if isinstance(next_token, str) and next_token else None,
    )


def _only_not_found(body: Mapping[str, Any]) -> bool:
    errors = body.get("errors")
    return (
        isinstance(errors, list)
        and bool(errors)
        and all(
            isinstance(e, Mapping) and str(e.get("type", "")).endswith("/resource-not-found") for e in errors
        )
    )


# -- connector -----------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Budget:
    remaining: int
    reset_at: datetime


class XConnector:
    """One school X account: its mentions timeline and, when ``search_terms`` are given, a recent search for
    the school's name and aliases. Each ``fetch`` reads one page of one stream."""

    platform: ClassVar[str] = PLATFORM
    capabilities: ClassVar[Capabilities] = Capabilities(
        hide=True,
        unhide=True,
        delete=False,
        reply=True,
        ban=True,
        notes={
            "hide": "only replies in conversations the school's account started; hidden replies stay "
            "reachable through 'View hidden replies'",
            "unhide": "only replies in conversations the school's account started",
            "delete": "X only lets an account delete its own posts; hide the reply or report it on X",
            "reply": "posts publicly as the school; X refuses API replies to people who have not mentioned "
            "or engaged with the school",
            "ban": "mutes the author for the school's account (X's block API is Enterprise-only)",
        },
    )

    def __init__(
        self,
        *,
        user_id: str,
        token: Secret | None = None,
        oauth1: XOAuth1Credentials | None = None,
        http: HttpClient,
        base_url: str | None = None,
        handle: str | None = None,
        search_terms: Sequence[str] = (),
        clock: Clock = utc_now,
        lookback_days: int = 7,
        page_size: int = 100,
        timeout_s: float = 30.0,
    ) -> None:
        if not user_id.isdigit():
            raise ValueError("user_id must be the account's numeric X user id")
        if lookback_days < 1:
            raise ValueError("lookback_days must be at least 1")
        if (token is None) == (oauth1 is None):
            raise ValueError(
                "give either an OAuth 2.0 token or OAuth 1.0a credentials (oauth1), not both or neither"
            )
        self.user_id = user_id
        self.handle = handle.lstrip("@") if handle else None
        self._http = http
        self._clock = clock
        self._base_url = base_url
        self.lookback = timedelta(days=lookback_days)
        self.page_size = max(10, min(page_size, 100))
        self.query = build_search_query(search_terms, self.handle) if search_terms else ""
        self._query_hash = hashlib.sha256(self.query.encode()).hexdigest()[:16] if self.query else None
        # Every tweepy call passes ``user_auth``: True signs the request with the OAuth 1.0a keys, False sends the
        # OAuth 2.0 token as a bearer token.
        self._user_auth = oauth1 is not None
        if oauth1 is not None:
            self._client = tweepy.Client(
                consumer_key=oauth1.consumer_key.get_secret_value(),
                consumer_secret=oauth1.consumer_secret.get_secret_value(),
                access_token=oauth1.access_token.get_secret_value(),
                access_token_secret=oauth1.access_token_secret.get_secret_value(),
                return_type=requests.Response,
                wait_on_rate_limit=False,
            )
        else:
            assert token is not None
            self._client = tweepy.Client(
                bearer_token=token.get_secret_value(), return_type=requests.Response, wait_on_rate_limit=False
            )
        if base_url is not None:
            # The environment's proxies and .netrc are chosen for api.twitter.com, not for the rewritten host.
            self._client.session.trust_env = False
        self._client.session.mount(TWEEPY_HOST + "/", _Transport(timeout_s=timeout_s, base_url=base_url))
        self._budgets: dict[str, _Budget] = {}
        self._root_authors: dict[str, str | None] = {}

    def __repr__(self) -> str:
        auth = "oauth1" if self._user_auth else "oauth2-token"
        return (
            f"XConnector(user_id={self.user_id!r}, handle={self.handle!r}, auth={auth!r}, "
            f"base_url={self._base_url!r})"
        )

    # -- transport ---------------------------------------------------------------------------------------

    def _call(
        self,
        endpoint: str,
        what: str,
        fn: Callable[[], object],
        *,
        idempotent: bool = True,
        refusal: str | None = None,
    ) -> dict[str, Any]:
        """Run one tweepy call under the project's retry policy and return its JSON body."""

        def attempt() -> requests.Response:
            self._respect_budget(endpoint, what)
            # tweepy's user-id lookup (behind ``mute``) swaps ``return_type`` to dict and does not put it back
            # when the request raises; set it before every call.
            self._client.return_type = requests.Response
            try:
                result = fn()
            except tweepy.HTTPException as exc:
                # A 429 already tells the retry policy how long to wait; its remaining=0 is not noted again.
                _raise_for_status(
                    exc.response, what=what, clock=self._clock, refusal=refusal, oauth1=self._user_auth
                )
                raise PermanentError(f"X refused {what}", platform=PLATFORM) from exc
            except requests.exceptions.JSONDecodeError as exc:
                raise MalformedResponseError(
                    f"X answered {what} with a body that is not JSON", platform=PLATFORM, code="json"
                ) from exc
            except (KeyError, TypeError) as exc:
                # tweepy's own parsing of GET /2/users/me (behind ``mute``) hit an unexpected shape.
                raise MalformedResponseError(
                    f"X answered {what} with an unexpected shape", platform=PLATFORM, code="json"
                ) from exc
            except requests.RequestException as exc:
                raise RetryableError(
                    f"network error ({type(exc).__name__}) on {what}", platform=PLATFORM
                ) from exc
            if not isinstance(result, requests.Response):
                raise MalformedResponseError(
                    f"X answered {what} with an unexpected shape", platform=PLATFORM, code="json"
                )
            self._note_budget(endpoint, result)
            return result

        return json_object(
            self._http.call(attempt, what=what, idempotent=idempotent), platform=PLATFORM, service="X", what=what
        )

    def _note_budget(self, endpoint: str, response: requests.Response) -> None:
        remaining, reset = (
            response.headers.get("x-rate-limit-remaining"),
            response.headers.get("x-rate-limit-reset"),
        )
        if remaining and remaining.isdigit() and reset and reset.isdigit():
            self._budgets[endpoint] = _Budget(int(remaining), datetime.fromtimestamp(int(reset), UTC))

    def _respect_budget(self, endpoint: str, what: str) -> None:
        """Wait out an endpoint whose window X said was used up, rather than spend a request on a certain 429.
        The note is dropped once used, so after the wait the request goes out whatever the clock says."""
        budget = self._budgets.get(endpoint)
        if budget is None or budget.remaining > 0:
            return
        wait = (budget.reset_at - self._clock()).total_seconds()
        del self._budgets[endpoint]
        if wait > 0:
            raise RateLimitedError(
                f"X rate limit for {what} is used up until {budget.reset_at.isoformat()} "
                "(x-rate-limit-remaining 0)",
                platform=PLATFORM,
                retry_after=wait,
                code="x-rate-limit-remaining",
            )

    # -- fetch ---------------------------------------------------------------------------------------------

    def fetch(self, cursor: Cursor | None) -> Page:
        """Read one page of the mentions timeline, then (each poll) of the recent search, newest first.

        A stream's newest id is saved as its ``since_id`` only when its pass has reached the end: X pages
        from newest to oldest, so saving it earlier would skip the older pages after a crash. Paging tokens
        live only in the round of the poll in progress.
        """
        state = _load_cursor(cursor)
        now = self._clock().astimezone(UTC)
        round_ = state.round
        if round_ is not None and now - round_.started_at > ROUND_TTL:
            logger.info("x account %s: the interrupted poll is stale; starting a new one", self.user_id)
            round_ = None
        if round_ is None:
            round_ = _Round(now, "mentions")
        if round_.stream == "search" and not self.query:
            return Page(items=(), next_cursor=replace(state, round=None).dump(), has_more=False)
        if round_.stream == "mentions":
            timeline = self._mentions_page(state, round_, now)
        else:
            timeline = self._search_page(state, round_, now)
        items = self._items(timeline, mentioned=round_.stream == "mentions")
        newest = _newer(round_.newest_id, timeline.newest_id)
        logger.debug(
            "x account %s %s: %d items, more: %s",
            self.user_id,
            round_.stream,
            len(items),
            bool(timeline.next_token),
        )
        if timeline.next_token:
            next_round = replace(round_, pagination_token=timeline.next_token, newest_id=newest)
            return Page(
                items=tuple(items), next_cursor=replace(state, round=next_round).dump(), has_more=True
            )
        if round_.stream == "mentions":
            state = replace(state, mentions_since_id=_newer(state.mentions_since_id, newest))
            if self.query:
                return Page(
                    items=tuple(items),
                    next_cursor=replace(state, round=_Round(round_.started_at, "search")).dump(),
                    has_more=True,
                )
            return Page(items=tuple(items), next_cursor=replace(state, round=None).dump(), has_more=False)
        previous = state.search_since_id if state.search_query_hash == self._query_hash else None
        state = replace(
            state, search_since_id=_newer(previous, newest), search_query_hash=self._query_hash, round=None
        )
        return Page(items=tuple(items), next_cursor=state.dump(), has_more=False)

    def _mentions_page(self, state: _CursorState, round_: _Round, now: datetime) -> _Timeline:
        since_id = state.mentions_since_id
        what = f"GET /2/users/{self.user_id}/mentions"
        body = self._call(
            "mentions",
            what,
            lambda: self._client.get_users_mentions(
                self.user_id,
                since_id=since_id,
                # Only the first poll is bounded by time; afterwards ``since_id`` is the boundary.
                start_time=None if since_id else now - self.lookback,
                pagination_token=round_.pagination_token,
                max_results=self.page_size,
                expansions=list(EXPANSIONS),
                tweet_fields=list(TWEET_FIELDS),
                user_fields=list(USER_FIELDS),
                user_auth=self._user_auth,
            ),
        )
        return _parse_timeline(body, what)

    def _search_page(self, state: _CursorState, round_: _Round, now: datetime) -> _Timeline:
        oldest = now - min(self.lookback, SEARCH_WINDOW)
        since_id = state.search_since_id if state.search_query_hash == self._query_hash else None
        # After a week without a completed poll the saved id is older than recent search allows (a 400).
        if since_id is not None and _id_time(since_id) < now - SEARCH_WINDOW:
            since_id = None
        what = "GET /2/tweets/search/recent"
        body = self._call(
            "search",
            what,
            lambda: self._client.search_recent_tweets(
                self.query,
                since_id=since_id,
                start_time=None if since_id else oldest,
                next_token=round_.pagination_token,
                max_results=self.page_size,
                expansions=list(EXPANSIONS),
                tweet_fields=list(TWEET_FIELDS),
                user_fields=list(USER_FIELDS),
                user_auth=self._user_auth,
            ),
        )
        return _parse_timeline(body, what)

    def _items(self, timeline: _Timeline, *, mentioned: bool) -> list[Item]:
        known = {t.id: t.author_id for t in (*timeline.tweets, *timeline.referenced.values())}
        self._root_authors.update({k: v for k, v in known.items() if v})
        roots = {
            t.conversation_id for t in timeline.tweets if t.conversation_id and t.conversation_id != t.id
        }
        self._learn_root_authors(roots - set(self._root_authors))
        return [self._item(tweet, timeline.users, mentioned=mentioned) for tweet in timeline.tweets]

    def _learn_root_authors(self, conversation_ids: Iterable[str]) -> None:
        """Look up who started the conversations on this page (one batched request), to tell replies in the
        school's own threads, which it may hide, from the rest."""
        ids = sorted(conversation_ids)
        for start in range(0, len(ids), 100):
            chunk = ids[start : start + 100]
            what = "GET /2/tweets"
            body = self._call(
                "lookup",
                what,
                functools.partial(
                    self._client.get_tweets, chunk, tweet_fields=["author_id"], user_auth=self._user_auth
                ),
            )
            data = body.get("data") or []
            for raw in data if isinstance(data, list) else []:
                try:
                    root = _parse_tweet(raw, what, need_time=False)
                except MalformedResponseError:
                    continue
                self._root_authors[root.id] = root.author_id
            for missing in set(chunk) - set(self._root_authors):
                # Deleted or protected: nobody can say whose conversation it was.
                self._root_authors[missing] = None

    def _item(self, tweet: _Tweet, users: Mapping[str, _User], *, mentioned: bool) -> Item:
        assert tweet.created_at is not None
        conversation = tweet.conversation_id or tweet.id
        is_reply = tweet.replied_to is not None or conversation != tweet.id
        root_author = self._root_authors.get(conversation) if is_reply else None
        in_our_thread = is_reply and root_author == self.user_id
        user = users.get(tweet.author_id or "")
        display = None
        if user is not None and user.name and user.username:
            display = f"{user.name} (@{user.username})"
        elif user is not None:
            display = user.name or (f"@{user.username}" if user.username else None)
        username = user.username if user is not None else None
        # X hides only replies in the account's own conversations; when the conversation's first post is gone
        # nobody can say, so the item carries no answer.
        can_hide: bool | None = False
        if is_reply:
            can_hide = None if root_author is None else in_our_thread and tweet.author_id != self.user_id
        return Item(
            platform=PLATFORM,
            account_external_id=self.user_id,
            external_id=tweet.id,
            kind=ItemKind.REPLY if in_our_thread else ItemKind.MENTION,
            text=tweet.text,
            created_at=tweet.created_at,
            author=Author(external_id=tweet.author_id, display_name=display),
            parent_external_id=tweet.replied_to,
            post_external_id=conversation,
            permalink=f"https://x.com/{username}/status/{tweet.id}"
            if username
            else f"https://x.com/i/web/status/{tweet.id}",
            can_hide=can_hide,
            can_delete=False,
            # X takes API replies only to people who mentioned or engaged with the account; a search hit
            # that does not @ the school may be refused.
            can_reply=True if mentioned or in_our_thread else None,
        )

    # -- token check -----------------------------------------------------------------------------------------

    def check_token(self) -> TokenStatus:
        """Ask X who the credentials act as (``GET /2/users/me``): valid when that is the configured account.

        A refusal is reported, not raised; network failures and 5xx after retries still raise. X does not say
        when an OAuth 2.0 token expires, so a valid one carries the two-hour warning instead."""
        what = "GET /2/users/me"
        try:
            body = self._call(
                "me", what, lambda: self._client.get_me(user_fields=["username"], user_auth=self._user_auth)
            )
        except AuthError as exc:
            return TokenStatus(False, str(exc))
        data = body.get("data")
        me_id = data.get("id") if isinstance(data, Mapping) else None
        if not isinstance(me_id, str) or not me_id:
            raise MalformedResponseError(
                f"X answered {what} without the user's 'id'", platform=PLATFORM, code="id"
            )
        username = data.get("username") if isinstance(data, Mapping) else None
        who = f"@{username} ({me_id})" if isinstance(username, str) and username else me_id
        if me_id != self.user_id:
            return TokenStatus(
                False,
                f"the X credentials act as {who}, not the configured account {self.user_id}; connect the "
                "school's own account",
            )
        if self._user_auth:
            return TokenStatus(True, f"OAuth 1.0a keys act as {who}; they do not expire")
        return TokenStatus(
            True,
            f"OAuth 2.0 token acts as {who}; it expires about two hours after it was issued, so configure OAuth "
            "1.0a keys for a bot that keeps running",
        )

    # -- actions ---------------------------------------------------------------------------------------------

    def _lookup(self, tweet_id: str) -> tuple[_Tweet, dict[str, _Tweet]]:
        what = f"GET /2/tweets/{tweet_id}"
        body = self._call(
            "lookup",
            what,
            lambda: self._client.get_tweet(
                tweet_id,
                tweet_fields=["author_id", "conversation_id", "referenced_tweets"],
                expansions=["referenced_tweets.id"],
                user_auth=self._user_auth,
            ),
        )
        if "data" not in body and _only_not_found(body):
            raise NotFoundError(
                f"X has no post {tweet_id} (deleted, or not visible to the school)",
                platform=PLATFORM,
                code="resource-not-found",
            )
        tweet = _parse_tweet(body.get("data"), what, need_time=False)
        return tweet, _parse_includes(body, what)[1]

    def _check_own_conversation(self, tweet_id: str) -> None:
        tweet, referenced = self._lookup(tweet_id)
        conversation = tweet.conversation_id
        if conversation is None or conversation == tweet.id:
            raise ActionRefusedError(HIDE_REFUSED, platform=PLATFORM, code="not-a-reply")
        if conversation in referenced:
            root_author = referenced[conversation].author_id
        elif conversation in self._root_authors:
            root_author = self._root_authors[conversation]
        else:
            try:
                root, _ = self._lookup(conversation)
            except NotFoundError:
                # The first post is gone; X alone can say whether hiding still works, so let it decide.
                return
            root_author = root.author_id
        if root_author is not None and root_author != self.user_id:
            raise ActionRefusedError(HIDE_REFUSED, platform=PLATFORM, code="not-own-conversation")

    def _set_hidden(self, tweet_id: str, hidden: bool) -> None:
        self._check_own_conversation(tweet_id)
        action = "hide" if hidden else "unhide"
        call = self._client.hide_reply if hidden else self._client.unhide_reply
        body = self._call(
            "hide",
            f"PUT /2/tweets/{tweet_id}/hidden",
            lambda: call(tweet_id, user_auth=self._user_auth),
            refusal=HIDE_REFUSED,
        )
        data = body.get("data")
        if not isinstance(data, Mapping) or data.get("hidden") is not hidden:
            raise PermanentError(f"X did not confirm the {action}", platform=PLATFORM, code=action)

    def hide(self, external_id: str) -> None:
        """Hide a reply in one of the school's conversations (already hidden counts as done, as on X)."""
        self._set_hidden(external_id, True)

    def unhide(self, external_id: str) -> None:
        self._set_hidden(external_id, False)

    def delete(self, external_id: str) -> None:
        raise unsupported(PLATFORM, Action.DELETE, self.capabilities)

    def reply(self, external_id: str, text: str) -> str:
        """Reply as the school; returns the new post's id. Never retried after an ambiguous failure: a second
        attempt could publish the school's reply twice."""
        if not text.strip():
            raise ValueError("reply text must not be empty")
        body = self._call(
            "create",
            "POST /2/tweets",
            lambda: self._client.create_tweet(
                text=text, in_reply_to_tweet_id=external_id, user_auth=self._user_auth
            ),
            idempotent=False,
            refusal="X refused the reply (it only accepts API replies to people who mentioned or engaged "
            "with the school, and the author may have limited who can reply)",
        )
        data = body.get("data")
        new_id = data.get("id") if isinstance(data, Mapping) else None
        if not isinstance(new_id, str) or not new_id:
            raise MalformedResponseError("X reply response has no 'id'", platform=PLATFORM, code="id")
        return new_id

    def ban(self, author_external_id: str) -> None:
        """Mute the author for the school's account (X offers block only to Enterprise projects)."""
        if author_external_id == self.user_id:
            raise ActionRefusedError(
                "the school's account cannot mute itself", platform=PLATFORM, code="self"
            )
        body = self._call(
            "mute",
            f"POST /2/users/{self.user_id}/muting",
            # With OAuth 1.0a tweepy takes the school's id from the access token ("<user id>-…"); with OAuth 2.0
            # it asks GET /2/users/me first.
            lambda: self._client.mute(author_external_id, user_auth=self._user_auth),
            refusal="X refused to mute this account",
        )
        data = body.get("data")
        if not isinstance(data, Mapping) or data.get("muting") is not True:
            raise PermanentError("X did not confirm the mute", platform=PLATFORM, code="mute")

    def close(self) -> None:
        self._client.session.close()
        self._http.close()
