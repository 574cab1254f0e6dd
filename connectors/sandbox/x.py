"""A stateful simulator of the X API v2: mentions, recent search, hiding replies, mute, replies, faults.

What it copies from the real API (``/work/shared/research/platform-apis.md`` §3 and §10):

* routes under ``/2/`` as tweepy calls them; OAuth 2.0 user tokens in ``Authorization: Bearer``, or OAuth 1.0a
  user context in ``Authorization: OAuth oauth_consumer_key=…, oauth_token=…, oauth_signature=…`` for registered
  consumer/access pairs, with the HMAC-SHA1 signature checked (the only method X accepts) and access tokens that
  begin with their account's id and a dash, as X's do and tweepy relies on;
* post ids are snowflakes (``(ms since 2010-11-04 01:42:54.657 UTC) << 22``), so ids sort by time as on X;
* ``GET /2/users/:id/mentions`` (``max_results`` 5–100, ``since_id``/``until_id``, ``start_time``/
  ``end_time``, ``pagination_token``; only the 800 newest mentions are reachable) and
  ``GET /2/tweets/search/recent`` (``max_results`` 10–100, ``next_token``, a 7-day window, queries of at most
  512 characters with ``OR``, grouping, quoted phrases, negation, ``@handle``, ``from:``, ``is:retweet``,
  ``is:reply``, ``conversation_id:``), newest first, with
  ``meta{result_count,newest_id,oldest_id,next_token}``;
* ``expansions`` (``author_id``, ``in_reply_to_user_id``, ``referenced_tweets.id``) filling ``includes.users``
  and ``includes.tweets``; ``tweet.fields``/``user.fields`` projection; ``id``, ``text`` and
  ``edit_history_tweet_ids`` on every post; posts over 280 characters carry ``note_tweet.text``;
* a missing post in a lookup is HTTP 200 with ``errors[]`` of type ``resource-not-found``, not a 404;
* ``PUT /2/tweets/:id/hidden`` only for replies in conversations the authenticated user started (else 403),
  idempotent; mute/unmute; block is 403 ``client-forbidden`` (Enterprise-only); ``POST /2/tweets`` replies;
* RFC 7807 problem bodies; ``x-rate-limit-limit/remaining/reset`` (epoch seconds) on every response, from real
  per-endpoint 15-minute windows; a 429 always carries ``x-rate-limit-reset``; ``usage_capped()`` sends the
  monthly-cap 429 (type ``usage-capped``).

Choices where X is undocumented or unverified, so tests do not over-fit:

* An OAuth 1.0a signature is accepted for the URL the client sent to the sandbox or for the same path on
  ``https://api.twitter.com`` or ``https://api.x.com``: tweepy signs for ``api.twitter.com`` before the
  connector's adapter rewrites the host. ``oauth_timestamp`` and ``oauth_nonce`` are not checked: tweepy stamps
  with the wall clock, the sandbox runs on a test clock.

* The 403 body for hiding a reply outside one's own conversation is a generic ``about:blank`` problem.
* Replies through the API are refused (403) unless the target post is the school's own, mentions the school or
  sits in one of the school's conversations, modelling X's 2024 rule against unsolicited API replies.
* ``respond_malformed`` spoils the next *successful* response: ``mode="invalid_json"`` sends an HTML error
  page, ``mode="missing_fields"`` drops ``drop`` (default ``id``) from every post in ``data``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from re import Match
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import parse_qsl, quote, unquote

from connectors.base import Clock, utc_now
from connectors.sandbox._simulator import Simulator, format_seconds
from connectors.sandbox.server import Request, Response, Router

if TYPE_CHECKING:
    from connectors.sandbox import Sandbox

#: X's snowflake epoch, in milliseconds since the Unix epoch.
SNOWFLAKE_EPOCH_MS = 1288834974657

WINDOW = timedelta(minutes=15)
SEARCH_WINDOW = timedelta(days=7)
MENTIONS_REACHABLE = 800
MAX_QUERY_LENGTH = 512
NOTE_TWEET_THRESHOLD = 280

#: Requests per 15-minute window per user, from the X API reference.
DEFAULT_LIMITS: Mapping[str, int] = {
    "mentions": 300,
    "search": 300,
    "lookup": 900,
    "hide": 50,
    "mute": 50,
    "blocking": 15,
    "create": 100,
    "me": 75,
}

PROBLEMS = "https://api.x.com/2/problems"

TWEET_FIELDS = frozenset(
    {
        "id",
        "text",
        "edit_history_tweet_ids",
        "created_at",
        "conversation_id",
        "in_reply_to_user_id",
        "author_id",
        "referenced_tweets",
        "entities",
        "lang",
        "note_tweet",
        "public_metrics",
        "reply_settings",
        "possibly_sensitive",
        "source",
    }
)
USER_FIELDS = frozenset({"id", "name", "username", "created_at", "description", "protected", "verified"})
EXPANSIONS = frozenset(
    {
        "author_id",
        "in_reply_to_user_id",
        "referenced_tweets.id",
        "referenced_tweets.id.author_id",
        "entities.mentions.username",
    }
)

AuthKind = Literal["bearer", "oauth1", "none"]

#: Where the connector's tweepy signs OAuth 1.0a requests, whatever host they are then sent to.
OAUTH1_SIGNED_HOSTS = ("https://api.twitter.com", "https://api.x.com")


def snowflake(when: datetime, sequence: int) -> str:
    """An X post id for a post created at ``when``: sortable by time, unique by ``sequence``."""
    ms = int(when.astimezone(UTC).timestamp() * 1000) - SNOWFLAKE_EPOCH_MS
    return str((ms << 22) | (sequence & 0x3FFFFF))


def snowflake_time(post_id: str) -> datetime:
    return datetime.fromtimestamp(((int(post_id) >> 22) + SNOWFLAKE_EPOCH_MS) / 1000, UTC)


def format_time(when: datetime) -> str:
    """X's timestamp format: RFC 3339 in UTC with milliseconds, e.g. ``2026-11-20T08:15:02.000Z``."""
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"


class XError(Exception):
    """Raised inside the simulator; becomes an RFC 7807 problem body."""

    def __init__(
        self,
        status: int,
        title: str,
        detail: str,
        *,
        type_: str = "about:blank",
        extra: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.title = title
        self.detail = detail
        self.type = type_
        self.extra = dict(extra or {})
        self.headers = dict(headers or {})

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"title": self.title, "detail": self.detail, "type": self.type, **self.extra}
        if self.type == "about:blank":
            body["status"] = self.status
        return body


def _invalid(parameter: str, value: str, message: str) -> XError:
    return XError(
        400,
        "Invalid Request",
        "One or more parameters to your request was invalid.",
        type_=f"{PROBLEMS}/invalid-request",
        extra={"errors": [{"parameters": {parameter: [value]}, "message": message}]},
    )


@dataclass(frozen=True, slots=True)
class XRecordedRequest:
    """A request as the simulator saw it, the credentials removed. ``body`` is the parsed JSON body, if any;
    ``auth`` is how the request authenticated: ``"bearer"``, ``"oauth1"`` or ``"none"``."""

    method: str
    path: str
    query: Mapping[str, str]
    body: Mapping[str, Any]
    has_token: bool
    auth: AuthKind = "none"


@dataclass(frozen=True, slots=True)
class TweetSnapshot:
    """A read-only copy of one post's state, for assertions."""

    id: str
    author_id: str
    text: str
    created_at: datetime
    conversation_id: str
    in_reply_to_tweet_id: str | None
    in_reply_to_user_id: str | None
    is_hidden: bool
    is_deleted: bool
    is_retweet: bool


@dataclass(slots=True)
class _User:
    id: str
    username: str
    name: str
    muting: set[str] = field(default_factory=set)


@dataclass(slots=True)
class _Tweet:
    id: str
    author_id: str
    text: str
    created_at: datetime
    conversation_id: str
    in_reply_to_tweet_id: str | None
    in_reply_to_user_id: str | None
    retweet_of: str | None
    mentioned_ids: tuple[str, ...]
    is_hidden: bool = False
    is_deleted: bool = False


@dataclass(slots=True)
class _Token:
    user_id: str
    expired: bool = False


@dataclass(slots=True)
class _OAuth1Token:
    """An OAuth 1.0a access token pair, issued to one app (``consumer_key``) to act as ``user_id``. X's never
    expire; ``expired`` models revocation (the account disconnected the app, or the keys were regenerated)."""

    user_id: str
    consumer_key: str
    secret: str
    expired: bool = False


@dataclass(frozen=True, slots=True)
class _Presented:
    """The credential a request carried: its kind, the known token it names (``None`` if unknown), and for
    OAuth 1.0a the ``Authorization`` header's ``oauth_*`` parameters, decoded."""

    kind: AuthKind
    token: _Token | _OAuth1Token | None
    oauth: Mapping[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class _Budget:
    limit: int
    remaining: int
    reset_at: datetime


# -- search queries ------------------------------------------------------------------------------------------

_TOKEN = re.compile(
    r'\s*(?:(?P<open>\()|(?P<close>\))|(?P<neg>-)?(?P<phrase>"[^"]*")|(?P<neg2>-)?(?P<word>[^\s()"]+))'
)

Predicate = Callable[["_Tweet", "XSandbox"], bool]


def _words(text: str) -> list[str]:
    return re.findall(r"[@#]?\w+", text.lower())


def _keyword(term: str) -> Predicate:
    wanted = term.lower()

    def match(tweet: _Tweet, sb: XSandbox) -> bool:
        words = _words(tweet.text)
        if wanted.startswith(("@", "#")):
            return wanted in words
        # A bare keyword matches a word, with or without a leading @ or #, as X's tokenizer does.
        return any(w.lstrip("@#") == wanted for w in words)

    return match


def _phrase(text: str) -> Predicate:
    wanted = [w.lstrip("@#") for w in _words(text)]

    def match(tweet: _Tweet, sb: XSandbox) -> bool:
        words = [w.lstrip("@#") for w in _words(tweet.text)]
        n = len(wanted)
        return n > 0 and any(words[i : i + n] == wanted for i in range(len(words) - n + 1))

    return match


def _operator(name: str, value: str) -> Predicate:
    lowered = value.lower()
    if name == "from":
        return lambda t, sb: sb._users[t.author_id].username.lower() == lowered.lstrip("@")
    if name == "to":
        return lambda t, sb: (
            t.in_reply_to_user_id is not None
            and sb._users[t.in_reply_to_user_id].username.lower() == lowered.lstrip("@")
        )
    if name == "conversation_id":
        return lambda t, sb: t.conversation_id == value
    if name == "is" and lowered == "retweet":
        return lambda t, sb: t.retweet_of is not None
    if name == "is" and lowered == "reply":
        return lambda t, sb: t.in_reply_to_tweet_id is not None
    raise _invalid(
        "query",
        f"{name}:{value}",
        f"There were errors processing your request: Reference to invalid operator '{name}:'",
    )


def parse_query(query: str) -> Predicate:
    """Compile an X search query (the subset described in the module docstring) into a predicate."""
    tokens: list[tuple[str, str, bool]] = []
    pos = 0
    while pos < len(query):
        match = _TOKEN.match(query, pos)
        if match is None or match.end() == pos:
            if query[pos:].strip() == "":
                break
            raise _invalid("query", query, "There were errors processing your request: unexpected character")
        pos = match.end()
        if match.group("open"):
            tokens.append(("(", "", False))
        elif match.group("close"):
            tokens.append((")", "", False))
        elif match.group("phrase"):
            tokens.append(("phrase", match.group("phrase")[1:-1], bool(match.group("neg"))))
        elif match.group("word"):
            tokens.append(("word", match.group("word"), bool(match.group("neg2"))))
    position = 0

    def peek() -> tuple[str, str, bool] | None:
        return tokens[position] if position < len(tokens) else None

    def parse_or() -> Predicate:
        nonlocal position
        parts = [parse_and()]
        while (tok := peek()) is not None and tok[0] == "word" and tok[1] == "OR" and not tok[2]:
            position += 1
            parts.append(parse_and())
        return parts[0] if len(parts) == 1 else (lambda t, sb: any(p(t, sb) for p in parts))

    def parse_and() -> Predicate:
        nonlocal position
        parts: list[Predicate] = []
        while (tok := peek()) is not None and tok[0] != ")" and not (tok[0] == "word" and tok[1] == "OR"):
            position += 1
            kind, value, negated = tok
            if kind == "(":
                inner = parse_or()
                closing = peek()
                if closing is None or closing[0] != ")":
                    raise _invalid("query", query, "There were errors processing your request: missing ')'")
                position += 1
                atom = inner
            elif kind == "phrase":
                atom = _phrase(value)
            elif ":" in value and not value.startswith(("@", "#")):
                name, _, operand = value.partition(":")
                atom = _operator(name.lower(), operand)
            else:
                atom = _keyword(value)
            parts.append(_negate(atom) if negated else atom)
        if not parts:
            raise _invalid("query", query, "There were errors processing your request: empty clause")
        return parts[0] if len(parts) == 1 else (lambda t, sb: all(p(t, sb) for p in parts))

    predicate = parse_or()
    if position != len(tokens):
        raise _invalid("query", query, "There were errors processing your request: unbalanced ')'")
    # X rejects queries made only of negations and operators that match everything.
    if all(
        negated for kind, value, negated in tokens if kind == "phrase" or (kind == "word" and value != "OR")
    ):
        raise _invalid(
            "query", query, "There were errors processing your request: the query needs a positive clause"
        )
    return predicate


def _negate(predicate: Predicate) -> Predicate:
    return lambda t, sb: not predicate(t, sb)


def _encode_token(anchor: str) -> str:
    return base64.b32encode(anchor.encode()).decode().rstrip("=").lower()


def _decode_token(parameter: str, token: str) -> str:
    try:
        anchor = base64.b32decode(token.upper() + "=" * (-len(token) % 8)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise _invalid(
            parameter, token, f"The `{parameter}` query parameter value [{token}] is not valid"
        ) from exc
    if not anchor.isdigit():
        raise _invalid(parameter, token, f"The `{parameter}` query parameter value [{token}] is not valid")
    return anchor


class XSandbox(Simulator[XRecordedRequest]):
    """The simulator's state and fault switches. Thread-safe: the HTTP handler shares the same lock."""

    def __init__(self, *, clock: Clock = utc_now) -> None:
        super().__init__(clock=clock)
        self._users: dict[str, _User] = {}
        self._tweets: dict[str, _Tweet] = {}
        self._tokens: dict[str, _Token] = {}
        self._consumers: dict[str, str] = {}
        self._oauth1_tokens: dict[str, _OAuth1Token] = {}
        self._limits: dict[str, int] = dict(DEFAULT_LIMITS)
        self._budgets: dict[tuple[str, str], _Budget] = {}
        self._sequence = 0
        self._rate_limits: list[float] = []
        self._usage_capped = 0

    def register(self, router: Router) -> None:
        router.add("x", r"^/2/(?P<rest>.+?)/?$", self.handle)

    # -- state -------------------------------------------------------------------------------------------

    def add_user(self, user_id: str, username: str, name: str, *, token: str | None = None) -> None:
        """Add an account; with ``token``, an OAuth 2.0 user access token that acts as it."""
        with self._lock:
            self._users[user_id] = _User(user_id, username, name)
            if token is not None:
                self._tokens[token] = _Token(user_id)

    def add_oauth1_credentials(
        self,
        user_id: str,
        *,
        consumer_key: str,
        consumer_secret: str,
        access_token: str,
        access_token_secret: str,
    ) -> None:
        """Register an app's consumer key and secret (if new) and an OAuth 1.0a access token pair through which
        that app acts as ``user_id``. The access token must begin with ``"{user_id}-"``, as X's do."""
        with self._lock:
            if user_id not in self._users:
                raise KeyError(f"no X user {user_id!r}")
            if not access_token.startswith(f"{user_id}-"):
                raise ValueError("an X access token begins with its account's user id and a dash")
            known = self._consumers.setdefault(consumer_key, consumer_secret)
            if known != consumer_secret:
                raise ValueError("this consumer key is already registered with another secret")
            self._oauth1_tokens[access_token] = _OAuth1Token(user_id, consumer_key, access_token_secret)

    def add_tweet(
        self,
        author_id: str,
        text: str,
        *,
        created_at: datetime | None = None,
        reply_to: str | None = None,
        retweet_of: str | None = None,
    ) -> str:
        """Post as ``author_id``. ``@username`` in the text mentions that user; a reply also mentions the
        author it replies to, as on X. Returns the new post's snowflake id."""
        with self._lock:
            return self._create(
                author_id, text, self._utc(created_at), reply_to=reply_to, retweet_of=retweet_of
            ).id

    def delete_tweet(self, tweet_id: str) -> None:
        with self._lock:
            self._tweets[tweet_id].is_deleted = True

    def tweet(self, tweet_id: str) -> TweetSnapshot:
        with self._lock:
            t = self._tweets[tweet_id]
            return TweetSnapshot(
                id=t.id,
                author_id=t.author_id,
                text=t.text,
                created_at=t.created_at,
                conversation_id=t.conversation_id,
                in_reply_to_tweet_id=t.in_reply_to_tweet_id,
                in_reply_to_user_id=t.in_reply_to_user_id,
                is_hidden=t.is_hidden,
                is_deleted=t.is_deleted,
                is_retweet=t.retweet_of is not None,
            )

    def replies_to(self, tweet_id: str) -> tuple[str, ...]:
        with self._lock:
            return tuple(t.id for t in self._tweets.values() if t.in_reply_to_tweet_id == tweet_id)

    def muted(self, user_id: str) -> set[str]:
        with self._lock:
            return set(self._users[user_id].muting)

    def set_limit(self, endpoint: str, limit: int) -> None:
        """Change the per-window request limit of one endpoint (``mentions``, ``search``, ``hide``, ...)."""
        if endpoint not in DEFAULT_LIMITS:
            raise ValueError(f"unknown X endpoint {endpoint!r}")
        with self._lock:
            self._limits[endpoint] = limit
            for key in [k for k in self._budgets if k[1] == endpoint]:
                del self._budgets[key]

    # -- fault switches ------------------------------------------------------------------------------------

    def rate_limit(self, times: int = 1, *, reset_in: float = 60.0) -> None:
        """The next ``times`` requests get 429 with ``x-rate-limit-remaining: 0`` and a reset ``reset_in``
        seconds from now (rounded up to whole epoch seconds, as X sends them). The endpoint's real budget is
        untouched; use :meth:`set_limit` to exhaust it for real."""
        with self._lock:
            self._rate_limits = [reset_in] * times

    def usage_capped(self, times: int = 1) -> None:
        """The next ``times`` requests get the monthly usage-cap 429 (type ``usage-capped``)."""
        with self._lock:
            self._usage_capped = times

    def expire_token(self, token: str | None = None) -> None:
        """Expire ``token`` (an OAuth 2.0 token or an OAuth 1.0a access token), or every token the sandbox knows
        when ``None``. Requests with it get 401 from then on."""
        with self._lock:
            tokens: dict[str, _Token | _OAuth1Token] = {**self._tokens, **self._oauth1_tokens}
            for name in [token] if token is not None else list(tokens):
                tokens[name].expired = True

    def revoke_token(self, token: str | None = None) -> None:
        """Revoke ``token`` (or all): what X does to OAuth 1.0a keys when the account disconnects the app or the
        developer regenerates them; they never expire by themselves. Same effect as :meth:`expire_token`."""
        self.expire_token(token)

    # -- HTTP ----------------------------------------------------------------------------------------------

    def handle(self, request: Request, match: Match[str]) -> Response:
        with self._lock:
            body = _json_body(request)
            presented = self._presented(request)
            self._requests.append(
                XRecordedRequest(
                    request.method,
                    request.path,
                    dict(request.query),
                    body,
                    presented.kind != "none",
                    presented.kind,
                )
            )
            parts = match.group("rest").split("/")
            endpoint = _endpoint(request.method, parts)
            token = presented.token
            budget = self._budget(token.user_id if token else "-", endpoint)
            try:
                status, payload = self._serve(request, parts, body, presented, budget)
            except XError as error:
                headers = {**_budget_headers(budget), **error.headers}
                return Response.json(
                    error.status, error.body(), {**headers, "Content-Type": "application/problem+json"}
                )
            return self._json_response(
                status,
                payload,
                _budget_headers(budget),
                error_page=b"<!DOCTYPE html><html><body><h1>Something went wrong.</h1></body></html>",
                drop_fields=_drop_fields,
            )

    def _serve(
        self,
        request: Request,
        parts: list[str],
        body: Mapping[str, Any],
        presented: _Presented,
        budget: _Budget,
    ) -> tuple[int, Any]:
        failed = self._take_failure(request.method)
        if failed is not None:
            raise self._failure(*failed, budget)
        if self._usage_capped:
            self._usage_capped -= 1
            raise XError(
                429,
                "UsageCapExceeded",
                "Usage cap exceeded: Monthly product cap",
                type_=f"{PROBLEMS}/usage-capped",
                extra={"period": "Monthly", "scope": "Product"},
                headers={"x-rate-limit-reset": str(int(budget.reset_at.timestamp()))},
            )
        if self._rate_limits:
            # A one-off 429 that leaves the real budget alone: a test's clock does not move while a client
            # waits.
            reset_in = self._rate_limits.pop(0)
            raise self._too_many(_Budget(budget.limit, 0, self._now() + timedelta(seconds=reset_in)))
        me = self._authenticate(request, presented)
        if budget.remaining <= 0:
            raise self._too_many(budget)
        budget.remaining -= 1
        method = request.method
        match parts:
            case ["users", "me"] if method == "GET":
                return 200, {
                    "data": self._render_user(
                        self._users[me.user_id], _fields(request, "user.fields", USER_FIELDS)
                    )
                }
            case ["users", user_id, "mentions"] if method == "GET":
                return 200, self._mentions(request, user_id)
            case ["tweets", "search", "recent"] if method == "GET":
                return 200, self._search(request)
            case ["tweets"] if method == "GET":
                ids = [i for i in request.query.get("ids", "").split(",") if i]
                if not ids or len(ids) > 100:
                    raise _invalid(
                        "ids", request.query.get("ids", ""), "The `ids` query parameter needs 1 to 100 ids"
                    )
                return 200, self._lookup(request, ids, single=False)
            case ["tweets"] if method == "POST":
                return 201, self._create_from_api(me.user_id, body)
            case ["tweets", tweet_id] if method == "GET":
                return 200, self._lookup(request, [tweet_id], single=True)
            case ["tweets", tweet_id] if method == "DELETE":
                return 200, self._delete(me.user_id, tweet_id)
            case ["tweets", tweet_id, "hidden"] if method == "PUT":
                return 200, self._hide(me.user_id, tweet_id, body)
            case ["users", user_id, "muting"] if method == "POST":
                return 200, self._mute(me.user_id, user_id, body)
            case ["users", user_id, "muting", target] if method == "DELETE":
                self._require_self(me.user_id, user_id)
                self._users[user_id].muting.discard(target)
                return 200, {"data": {"muting": False}}
            case ["users", user_id, "blocking"] if method == "GET":
                self._require_self(me.user_id, user_id)
                return 200, {"meta": {"result_count": 0}}
            case ["users", _, "blocking", *_] if method in {"POST", "DELETE"}:
                raise XError(
                    403,
                    "Client Forbidden",
                    "This endpoint is only available to Enterprise projects.",
                    type_=f"{PROBLEMS}/client-forbidden",
                    extra={"reason": "client-not-enrolled", "required_enrollment": "Enterprise"},
                )
        raise XError(
            404,
            "Not Found Error",
            f"No route for {method} {request.path}",
            type_=f"{PROBLEMS}/resource-not-found",
        )

    # -- auth and budgets ----------------------------------------------------------------------------------

    def _presented(self, request: Request) -> _Presented:
        oauth = _oauth1_params(request)
        if oauth is not None:
            return _Presented("oauth1", self._oauth1_tokens.get(oauth.get("oauth_token", "")), oauth)
        bearer = _bearer(request)
        if bearer is not None:
            return _Presented("bearer", self._tokens.get(bearer))
        return _Presented("none", None)

    def _authenticate(self, request: Request, presented: _Presented) -> _Token | _OAuth1Token:
        token = presented.token
        if token is None or token.expired:
            raise XError(401, "Unauthorized", "Unauthorized")
        if isinstance(token, _OAuth1Token) and not self._signed_by(request, presented.oauth, token):
            raise XError(401, "Unauthorized", "Unauthorized")
        return token

    def _signed_by(self, request: Request, oauth: Mapping[str, str], token: _OAuth1Token) -> bool:
        """Whether the request is signed with ``token``'s app and secrets (RFC 5849 §3.4.2, HMAC-SHA1)."""
        consumer_key = oauth.get("oauth_consumer_key", "")
        signature = oauth.get("oauth_signature", "")
        if consumer_key != token.consumer_key or consumer_key not in self._consumers or not signature:
            return False
        if oauth.get("oauth_signature_method") != "HMAC-SHA1":
            return False
        params = [
            *request.query.items(),
            *((k, v) for k, v in oauth.items() if k not in {"oauth_signature", "realm"}),
        ]
        if (request.header("content-type") or "").startswith("application/x-www-form-urlencoded"):
            # Form fields are signed too (RFC 5849 §3.4.1.3.1); X v2's JSON bodies are not.
            params.extend(parse_qsl(request.body.decode("utf-8"), keep_blank_values=True))
        urls = [host + request.path for host in (*OAUTH1_SIGNED_HOSTS, request.base_url.rstrip("/"))]
        consumer_secret = self._consumers[consumer_key]
        return any(
            hmac.compare_digest(
                signature, oauth1_signature(request.method, url, params, consumer_secret, token.secret)
            )
            for url in urls
        )

    def _require_self(self, acting: str, user_id: str) -> None:
        if acting != user_id:
            raise XError(
                403, "Forbidden", "You are not permitted to perform this action on behalf of another user."
            )

    def _budget(self, user_id: str, endpoint: str) -> _Budget:
        now = self._now()
        key = (user_id, endpoint)
        budget = self._budgets.get(key)
        if budget is None or budget.reset_at <= now:
            limit = self._limits[endpoint]
            # X's reset is whole epoch seconds; keep the simulator's own state in the same resolution.
            reset = (now + WINDOW).replace(microsecond=0)
            budget = self._budgets[key] = _Budget(limit, limit, reset)
        return budget

    def _too_many(self, budget: _Budget) -> XError:
        return XError(
            429,
            "Too Many Requests",
            "Too Many Requests",
            headers={
                "x-rate-limit-limit": str(budget.limit),
                "x-rate-limit-remaining": "0",
                "x-rate-limit-reset": str(_ceil_epoch(budget.reset_at)),
            },
        )

    def _failure(self, status: int, retry_after: float | None, budget: _Budget) -> XError:
        """What ``fail_next`` sends: a problem body; 429s carry x-rate-limit-reset."""
        headers = {"retry-after": format_seconds(retry_after)} if retry_after is not None else {}
        if status == 429:
            return XError(
                429,
                "Too Many Requests",
                "Too Many Requests",
                headers={
                    **headers,
                    "x-rate-limit-remaining": "0",
                    "x-rate-limit-reset": str(_ceil_epoch(self._now() + timedelta(seconds=retry_after or 1))),
                },
            )
        if status == 401:
            return XError(401, "Unauthorized", "Unauthorized", headers=headers)
        if status == 503:
            return XError(
                503,
                "Service Unavailable",
                "Service Unavailable",
                type_=f"{PROBLEMS}/service-unavailable",
                headers=headers,
            )
        if status >= 500:
            return XError(status, "Internal Server Error", "Internal error", headers=headers)
        return XError(status, "Error", f"HTTP {status}", headers=headers)

    # -- reads ---------------------------------------------------------------------------------------------

    def _mentions(self, request: Request, user_id: str) -> dict[str, Any]:
        if user_id not in self._users:
            raise _not_found_user(user_id)
        limit = _int_param(request, "max_results", 10, 5, 100)
        reachable = sorted(
            (
                t
                for t in self._tweets.values()
                if user_id in t.mentioned_ids and not t.is_deleted and t.retweet_of is None
            ),
            key=lambda t: int(t.id),
            reverse=True,
        )[:MENTIONS_REACHABLE]
        return self._timeline(request, reachable, limit, token_param="pagination_token")

    def _search(self, request: Request) -> dict[str, Any]:
        query = request.query.get("query")
        if not query:
            raise _invalid("query", "", "The `query` query parameter can not be empty")
        if len(query) > MAX_QUERY_LENGTH:
            raise _invalid(
                "query",
                query,
                f"The `query` query parameter value must be at most {MAX_QUERY_LENGTH} characters",
            )
        predicate = parse_query(query)
        limit = _int_param(request, "max_results", 10, 10, 100)
        now = self._now()
        oldest = now - SEARCH_WINDOW
        since_id = request.query.get("since_id")
        if since_id and since_id.isdigit() and snowflake_time(since_id) < oldest:
            raise _invalid(
                "since_id", since_id, "Invalid 'since_id': must be a post id created in the last 7 days"
            )
        start = request.query.get("start_time")
        if start and _parse_rfc3339("start_time", start) < oldest:
            raise _invalid("start_time", start, "Invalid 'start_time': must be a time within the last 7 days")
        found = sorted(
            (
                t
                for t in self._tweets.values()
                if not t.is_deleted and t.created_at >= oldest and predicate(t, self)
            ),
            key=lambda t: int(t.id),
            reverse=True,
        )
        return self._timeline(request, found, limit, token_param="next_token")

    def _timeline(
        self, request: Request, tweets: list[_Tweet], limit: int, *, token_param: str
    ) -> dict[str, Any]:
        q = request.query
        for name in ("since_id", "until_id"):
            if q.get(name) and not q[name].isdigit():
                raise _invalid(name, q[name], f"The `{name}` query parameter value [{q[name]}] is not valid")
        since_id = int(q["since_id"]) if q.get("since_id") else None
        until_id = int(q["until_id"]) if q.get("until_id") else None
        start = _parse_rfc3339("start_time", q["start_time"]) if q.get("start_time") else None
        end = _parse_rfc3339("end_time", q["end_time"]) if q.get("end_time") else None
        selected = [
            t
            for t in tweets
            if (since_id is None or int(t.id) > since_id)
            and (until_id is None or int(t.id) < until_id)
            and (start is None or t.created_at >= start)
            and (end is None or t.created_at <= end)
        ]
        if q.get(token_param):
            anchor = int(_decode_token(token_param, q[token_param]))
            selected = [t for t in selected if int(t.id) < anchor]
        chunk, more = selected[:limit], len(selected) > limit
        meta: dict[str, Any] = {"result_count": len(chunk)}
        payload: dict[str, Any] = {}
        if chunk:
            payload["data"] = [
                self._render_tweet(t, _fields(request, "tweet.fields", TWEET_FIELDS)) for t in chunk
            ]
            includes = self._includes(request, chunk)
            if includes:
                payload["includes"] = includes
            meta["newest_id"], meta["oldest_id"] = chunk[0].id, chunk[-1].id
            if more:
                meta["next_token"] = _encode_token(chunk[-1].id)
        payload["meta"] = meta
        return payload

    def _lookup(self, request: Request, ids: list[str], *, single: bool) -> dict[str, Any]:
        found = [self._tweets[i] for i in ids if i in self._tweets and not self._tweets[i].is_deleted]
        missing = [i for i in ids if i not in {t.id for t in found}]
        payload: dict[str, Any] = {}
        fields = _fields(request, "tweet.fields", TWEET_FIELDS)
        if found:
            rendered = [self._render_tweet(t, fields) for t in found]
            payload["data"] = rendered[0] if single else rendered
            includes = self._includes(request, found)
            if includes:
                payload["includes"] = includes
        if missing:
            # A missing post is not a 404: X answers 200 with a partial error per id.
            payload["errors"] = [
                {
                    "value": i,
                    "detail": f"Could not find tweet with id: [{i}].",
                    "title": "Not Found Error",
                    "resource_type": "tweet",
                    "parameter": "id" if single else "ids",
                    "resource_id": i,
                    "type": f"{PROBLEMS}/resource-not-found",
                }
                for i in missing
            ]
        return payload

    def _includes(self, request: Request, tweets: Iterable[_Tweet]) -> dict[str, Any]:
        expansions = {e for e in request.query.get("expansions", "").split(",") if e}
        unknown = expansions - EXPANSIONS
        if unknown:
            value = min(unknown)
            raise _invalid(
                "expansions",
                value,
                f"The `expansions` query parameter value [{value}] is not one of {sorted(EXPANSIONS)}",
            )
        tweets = list(tweets)
        referenced: list[_Tweet] = []
        if "referenced_tweets.id" in expansions:
            for t in tweets:
                for ref in (t.in_reply_to_tweet_id, t.retweet_of):
                    if ref and ref in self._tweets and not self._tweets[ref].is_deleted:
                        referenced.append(self._tweets[ref])
        user_ids: list[str] = []
        for t in tweets:
            if "author_id" in expansions:
                user_ids.append(t.author_id)
            if "in_reply_to_user_id" in expansions and t.in_reply_to_user_id:
                user_ids.append(t.in_reply_to_user_id)
            if "entities.mentions.username" in expansions:
                user_ids.extend(t.mentioned_ids)
        if "referenced_tweets.id.author_id" in expansions:
            user_ids.extend(r.author_id for r in referenced)
        includes: dict[str, Any] = {}
        user_fields = _fields(request, "user.fields", USER_FIELDS)
        users = [
            self._render_user(self._users[u], user_fields)
            for u in dict.fromkeys(user_ids)
            if u in self._users
        ]
        if users:
            includes["users"] = users
        if referenced:
            fields = _fields(request, "tweet.fields", TWEET_FIELDS)
            unique = {r.id: r for r in referenced}
            includes["tweets"] = [self._render_tweet(r, fields) for r in unique.values()]
        return includes

    # -- writes --------------------------------------------------------------------------------------------

    def _hide(self, acting: str, tweet_id: str, body: Mapping[str, Any]) -> dict[str, Any]:
        hidden = body.get("hidden")
        if not isinstance(hidden, bool):
            raise _invalid("hidden", str(hidden), "The `hidden` field must be a boolean")
        tweet = self._tweets.get(tweet_id)
        if tweet is None or tweet.is_deleted:
            raise XError(
                404,
                "Not Found Error",
                f"Could not find tweet with id: [{tweet_id}].",
                type_=f"{PROBLEMS}/resource-not-found",
            )
        root = self._tweets.get(tweet.conversation_id)
        if tweet.in_reply_to_tweet_id is None or root is None or root.author_id != acting:
            raise XError(
                403, "Forbidden", "You can only hide or unhide replies to conversations you authored."
            )
        tweet.is_hidden = hidden
        return {"data": {"hidden": hidden}}

    def _mute(self, acting: str, user_id: str, body: Mapping[str, Any]) -> dict[str, Any]:
        self._require_self(acting, user_id)
        target = body.get("target_user_id")
        if not isinstance(target, str) or not target.isdigit():
            raise _invalid("target_user_id", str(target), "The `target_user_id` field must be a user id")
        if target == acting:
            raise XError(
                400, "Invalid Request", "You cannot mute yourself.", type_=f"{PROBLEMS}/invalid-request"
            )
        self._users[acting].muting.add(target)
        return {"data": {"muting": True}}

    def _create_from_api(self, acting: str, body: Mapping[str, Any]) -> dict[str, Any]:
        text = body.get("text")
        if not isinstance(text, str) or not text.strip():
            raise _invalid("text", str(text), "The `text` field is required")
        reply = body.get("reply")
        reply_to: str | None = None
        if reply is not None:
            target_id = reply.get("in_reply_to_tweet_id") if isinstance(reply, dict) else None
            if not isinstance(target_id, str):
                raise _invalid(
                    "reply", json.dumps(reply), "The `reply.in_reply_to_tweet_id` field is required"
                )
            target = self._tweets.get(target_id)
            if target is None or target.is_deleted:
                raise XError(
                    403,
                    "Forbidden",
                    "You attempted to reply to a Tweet that is deleted or not visible to you.",
                )
            root = self._tweets.get(target.conversation_id)
            engaged = (
                target.author_id == acting
                or acting in target.mentioned_ids
                or (root is not None and root.author_id == acting)
            )
            if not engaged:
                raise XError(
                    403,
                    "Forbidden",
                    "Reply to this conversation is not allowed because you have not been mentioned or "
                    "otherwise engaged by the author of the post you are replying to.",
                )
            reply_to = target_id
        created = self._create(acting, text, self._utc(None), reply_to=reply_to, retweet_of=None)
        return {"data": {"id": created.id, "text": created.text, "edit_history_tweet_ids": [created.id]}}

    def _delete(self, acting: str, tweet_id: str) -> dict[str, Any]:
        tweet = self._tweets.get(tweet_id)
        if tweet is None or tweet.is_deleted:
            raise XError(
                404,
                "Not Found Error",
                f"Could not find tweet with id: [{tweet_id}].",
                type_=f"{PROBLEMS}/resource-not-found",
            )
        if tweet.author_id != acting:
            raise XError(403, "Forbidden", "You are not allowed to delete a Tweet you did not author.")
        tweet.is_deleted = True
        return {"data": {"deleted": True}}

    # -- helpers -------------------------------------------------------------------------------------------

    def _create(
        self, author_id: str, text: str, created_at: datetime, *, reply_to: str | None, retweet_of: str | None
    ) -> _Tweet:
        if author_id not in self._users:
            raise KeyError(f"no X user {author_id!r}")
        self._sequence += 1
        tweet_id = snowflake(created_at, self._sequence)
        parent = self._tweets[reply_to] if reply_to else None
        mentioned = [
            u.id
            for u in self._users.values()
            if re.search(rf"(?<!\w)@{re.escape(u.username)}(?!\w)", text, re.IGNORECASE)
        ]
        if parent is not None:
            mentioned.append(parent.author_id)
        tweet = _Tweet(
            id=tweet_id,
            author_id=author_id,
            text=text,
            created_at=created_at,
            conversation_id=parent.conversation_id if parent else tweet_id,
            in_reply_to_tweet_id=parent.id if parent else None,
            in_reply_to_user_id=parent.author_id if parent else None,
            retweet_of=retweet_of,
            mentioned_ids=tuple(dict.fromkeys(m for m in mentioned if m != author_id)),
        )
        self._tweets[tweet_id] = tweet
        return tweet

    def _render_tweet(self, tweet: _Tweet, fields: set[str]) -> dict[str, Any]:
        long = len(tweet.text) > NOTE_TWEET_THRESHOLD
        values: dict[str, Any] = {
            "id": tweet.id,
            # Long posts arrive truncated in ``text``; the full text is only in ``note_tweet``.
            "text": tweet.text[: NOTE_TWEET_THRESHOLD - 1] + "…" if long else tweet.text,
            "edit_history_tweet_ids": [tweet.id],
            "created_at": format_time(tweet.created_at),
            "conversation_id": tweet.conversation_id,
            "author_id": tweet.author_id,
            "lang": "en",
            "reply_settings": "everyone",
            "possibly_sensitive": False,
        }
        if tweet.in_reply_to_user_id:
            values["in_reply_to_user_id"] = tweet.in_reply_to_user_id
        references = (
            [{"type": "replied_to", "id": tweet.in_reply_to_tweet_id}] if tweet.in_reply_to_tweet_id else []
        )
        if tweet.retweet_of:
            references.append({"type": "retweeted", "id": tweet.retweet_of})
        if references:
            values["referenced_tweets"] = references
        if long:
            values["note_tweet"] = {"text": tweet.text}
        mentions = [
            {"start": m.start(), "end": m.end(), "username": m.group(1), "id": self._user_by_name(m.group(1))}
            for m in re.finditer(r"(?<!\w)@(\w{1,15})", tweet.text)
            if self._user_by_name(m.group(1))
        ]
        if mentions:
            values["entities"] = {"mentions": mentions}
        always = {"id", "text", "edit_history_tweet_ids"}
        return {k: v for k, v in values.items() if k in always or k in fields}

    def _render_user(self, user: _User, fields: set[str]) -> dict[str, Any]:
        values = {
            "id": user.id,
            "username": user.username,
            "name": user.name,
            "protected": False,
            "verified": False,
        }
        return {k: v for k, v in values.items() if k in {"id", "name", "username"} or k in fields}

    def _user_by_name(self, username: str) -> str | None:
        lowered = username.lower()
        return next((u.id for u in self._users.values() if u.username.lower() == lowered), None)

    def _now(self) -> datetime:
        return self.clock().astimezone(UTC)

    def _utc(self, when: datetime | None) -> datetime:
        when = when or self.clock()
        if when.tzinfo is None:
            raise ValueError("sandbox times must be timezone-aware")
        # X timestamps have millisecond precision; keep state identical to what clients can see.
        when = when.astimezone(UTC)
        return when.replace(microsecond=when.microsecond // 1000 * 1000)


def _endpoint(method: str, parts: list[str]) -> str:
    match parts:
        case ["users", "me"]:
            return "me"
        case ["users", _, "mentions"]:
            return "mentions"
        case ["tweets", "search", "recent"]:
            return "search"
        case ["tweets", _, "hidden"]:
            return "hide"
        case ["users", _, "muting", *_]:
            return "mute"
        case ["users", _, "blocking", *_]:
            return "blocking"
        case ["tweets"] if method == "POST":
            return "create"
        case ["tweets", _] if method == "DELETE":
            return "create"
    return "lookup"


def _not_found_user(user_id: str) -> XError:
    return XError(
        404,
        "Not Found Error",
        f"Could not find user with id: [{user_id}].",
        type_=f"{PROBLEMS}/resource-not-found",
    )


def _budget_headers(budget: _Budget) -> dict[str, str]:
    return {
        "x-rate-limit-limit": str(budget.limit),
        "x-rate-limit-remaining": str(max(0, budget.remaining)),
        "x-rate-limit-reset": str(_ceil_epoch(budget.reset_at)),
    }


def _ceil_epoch(when: datetime) -> int:
    stamp = when.timestamp()
    return int(stamp) if stamp.is_integer() else int(stamp) + 1


def _bearer(request: Request) -> str | None:
    scheme, _, value = (request.header("authorization") or "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def _oauth1_params(request: Request) -> dict[str, str] | None:
    """The ``oauth_*`` parameters of an ``Authorization: OAuth …`` header, decoded; ``None`` for other schemes."""
    scheme, _, rest = (request.header("authorization") or "").strip().partition(" ")
    if scheme.lower() != "oauth":
        return None
    return {unquote(k): unquote(v) for k, v in re.findall(r'([\w.~-]+)="([^"]*)"', rest)}


def _percent(value: str) -> str:
    # RFC 5849 §3.6: everything but the unreserved characters (which quote() never escapes) is escaped.
    return quote(value, safe="")


def oauth1_signature(
    method: str, url: str, params: Iterable[tuple[str, str]], consumer_secret: str, token_secret: str
) -> str:
    """The OAuth 1.0a HMAC-SHA1 signature of a request (RFC 5849 §3.4): ``url`` without its query, ``params``
    the query, form and ``oauth_*`` parameters except ``oauth_signature``."""
    pairs = sorted((_percent(k), _percent(v)) for k, v in params)
    normalized = "&".join(f"{k}={v}" for k, v in pairs)
    base = "&".join((method.upper(), _percent(url), _percent(normalized)))
    key = f"{_percent(consumer_secret)}&{_percent(token_secret)}"
    return base64.b64encode(hmac.new(key.encode(), base.encode(), hashlib.sha1).digest()).decode()


def _json_body(request: Request) -> dict[str, Any]:
    if not request.body:
        return {}
    try:
        payload = json.loads(request.body)
    except ValueError:
        return {}
    return payload if isinstance(payload, dict) else {}


def _fields(request: Request, name: str, allowed: frozenset[str]) -> set[str]:
    wanted = {f for f in request.query.get(name, "").split(",") if f}
    unknown = wanted - allowed
    if unknown:
        value = min(unknown)
        raise _invalid(
            name, value, f"The `{name}` query parameter value [{value}] is not one of {sorted(allowed)}"
        )
    return wanted


def _int_param(request: Request, name: str, default: int, low: int, high: int) -> int:
    raw = request.query.get(name)
    if raw is None:
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise _invalid(
            name, raw, f"The `{name}` query parameter value [{raw}] is not between {low} and {high}"
        )
    return int(raw)


def _parse_rfc3339(name: str, value: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise _invalid(
            name, value, f"The `{name}` query parameter value [{value}] is not a valid RFC 3339 time"
        ) from exc
    if parsed.tzinfo is None:
        raise _invalid(name, value, f"The `{name}` query parameter value [{value}] has no time zone")
    return parsed.astimezone(UTC)


def _drop_fields(payload: Any, drop: tuple[str, ...]) -> Any:
    if not isinstance(payload, dict) or "data" not in payload:
        return payload
    data = payload["data"]
    if isinstance(data, list):
        return {**payload, "data": [{k: v for k, v in d.items() if k not in drop} for d in data]}
    if isinstance(data, dict):
        return {**payload, "data": {k: v for k, v in data.items() if k not in drop}}
    return payload


# -- demo seed -----------------------------------------------------------------------------------------------

DEMO_USER_ID = "1580000000000000001"
DEMO_USERNAME = "BrookfieldVale"
DEMO_NAME = "Brookfield Vale Primary School"
DEMO_TOKEN = "sandbox-x-user-token-brookfield-vale"

# Made-up people; ids look like X user ids.
_DEMO_PEOPLE: Mapping[str, tuple[str, str]] = {
    "parent_complaint": ("1580000000000000101", "KerryW_Millbridge"),
    "abuser": ("1580000000000000102", "stevo_mb"),
    "proud_relative": ("1580000000000000103", "GrandadDennis58"),
    "reporter": ("1580000000000000104", "GazetteSophie"),
    "neighbour": ("1580000000000000105", "millbridge_jo"),
}
_DEMO_NAMES = {
    "parent_complaint": "Kerry Wainwright",
    "abuser": "Steve",
    "proud_relative": "Dennis Howarth",
    "reporter": "Sophie Okafor | Millbridge Gazette",
    "neighbour": "Jo",
}


@dataclass(frozen=True, slots=True)
class XDemoSeed:
    """What :func:`seed_demo_x` made; ``tweet_ids`` maps a stable key (``"abusive_reply"``) to a post id."""

    user_id: str
    username: str
    token: str
    root_tweet_id: str
    tweet_ids: Mapping[str, str]
    people: Mapping[str, str]

    @property
    def total(self) -> int:
        return len(self.tweet_ids)


def seed_demo_x(sb: Sandbox, *, now: datetime) -> XDemoSeed:
    """Create Brookfield Vale Primary School's X account in ``sb.x`` with a few realistic posts about it, all
    in the two days before ``now``: a complaint, an abusive reply in the school's own thread (hideable), a
    post that names a pupil, a press question, and a search-only mention that does not @ the school."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    x = sb.x
    x.add_user(DEMO_USER_ID, DEMO_USERNAME, DEMO_NAME, token=DEMO_TOKEN)
    for key, (user_id, username) in _DEMO_PEOPLE.items():
        x.add_user(user_id, username, _DEMO_NAMES[key])
    person = {key: user_id for key, (user_id, _) in _DEMO_PEOPLE.items()}
    ids: dict[str, str] = {}
    ids["school_post"] = x.add_tweet(
        DEMO_USER_ID,
        "Year 4 had a brilliant trip to Millbridge Museum today. Thank you to all the parent helpers! 🦕",
        created_at=now - timedelta(hours=30),
    )
    ids["abusive_reply"] = x.add_tweet(
        person["abuser"],
        "@BrookfieldVale pity you can't organise a car park as well as a museum trip. Useless, the lot of "
        "you, run by clowns",
        created_at=now - timedelta(hours=27),
        reply_to=ids["school_post"],
    )
    ids["complaint"] = x.add_tweet(
        person["parent_complaint"],
        "@BrookfieldVale third morning this week the side gate was still locked at 8:45 and we all stood in "
        "the rain. Not good enough.",
        created_at=now - timedelta(hours=20),
    )
    ids["pupil_named"] = x.add_tweet(
        person["proud_relative"],
        "So proud of our Grace Adeyemi in 5W at Brookfield Vale, county swimming gala gold! 🥇 "
        "@BrookfieldVale",
        created_at=now - timedelta(hours=9),
    )
    ids["press_question"] = x.add_tweet(
        person["reporter"],
        "Hi @BrookfieldVale, I'm writing about the consultation on merging with Hillcrest Juniors. Could "
        "your head teacher comment before 5pm? DMs are open.",
        created_at=now - timedelta(hours=4),
    )
    ids["search_only"] = x.add_tweet(
        person["neighbour"],
        "Does anyone know if BVPS is doing the Christmas fair on Friday this year?",
        created_at=now - timedelta(hours=2),
    )
    return XDemoSeed(
        user_id=DEMO_USER_ID,
        username=DEMO_USERNAME,
        token=DEMO_TOKEN,
        root_tweet_id=ids["school_post"],
        tweet_ids=MappingProxyType(ids),
        people=MappingProxyType(person),
    )
