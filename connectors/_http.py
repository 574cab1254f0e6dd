"""The only place that waits: HTTP requests with retries, exponential backoff, jitter and ``Retry-After``.

Connectors pass a ``raise_for_status`` function that sorts a response into the error tree of
:mod:`connectors.errors`. Transport failures become :class:`RetryableError`. Only ``RetryableError`` is
retried; everything else propagates at once. A server that asks us to wait longer than
``RetryPolicy.max_wait_s`` is not waited for here: the error is raised so the scheduler can come back later.
:meth:`HttpClient.call` applies the same policy to a vendor SDK's call (tweepy brings its own ``requests``).

A request that is not idempotent (posting a reply) is retried only when it certainly did not run: the
connection was never made, or the platform refused it with a rate limit. After a timeout or a 5xx the reply
may already be public, and sending it twice would put two replies from the school under a parent's comment.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any, Self, TypeVar
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx

from connectors.base import Clock, Sleep, utc_now
from connectors.errors import MalformedResponseError, RateLimitedError, RetryableError

logger = logging.getLogger(__name__)

#: Query parameters that carry credentials on some platforms; never logged.
SENSITIVE_PARAMS = frozenset({"access_token", "appsecret_proof", "key", "sig", "client_secret", "token"})

T = TypeVar("T")

USER_AGENT = "SocialGuard/0.1 (+https://github.com/socialguard/socialguard)"


def redact_url(url: str | httpx.URL) -> str:
    """Return ``url`` with credential-bearing query parameters masked, for logs and error messages."""
    parts = urlsplit(str(url))
    query = [(k, "***" if k.lower() in SENSITIVE_PARAMS else v) for k, v in parse_qsl(parts.query, keep_blank_values=True)]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query, safe="*"), ""))


def json_object(response: Any, *, platform: str, service: str, what: str | None = None) -> dict[str, Any]:
    """The response body as a JSON object, or a :class:`MalformedResponseError` that says what came instead.

    ``response`` is an httpx or a requests response (X is reached through tweepy, which uses requests).
    ``what`` names the request in the message; by default its method and path, never its query, which may
    carry a token.
    """
    if what is None:
        what = f"{response.request.method} {redact_url(response.request.url).split('?')[0]}"
    try:
        body = response.json()
    except ValueError as exc:  # json's and requests' decode errors are both ValueErrors
        raise MalformedResponseError(
            f"{service} answered {what} with a body that is not JSON "
            f"(Content-Type {response.headers.get('Content-Type', 'missing')})",
            platform=platform,
            code="json",
        ) from exc
    if not isinstance(body, dict):
        raise MalformedResponseError(
            f"{service} answered {what} with JSON that is not an object", platform=platform, code="json"
        )
    return body


class RedactingFilter(logging.Filter):
    """Masks credentials in URLs that httpx itself logs ("HTTP Request: GET <url> ...") at INFO level.

    Connectors send tokens in headers, but a URL a person configures (a feed with ``?key=``) may carry one.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                redact_url(arg) if isinstance(arg, httpx.URL) or (isinstance(arg, str) and "://" in arg) else arg
                for arg in record.args
            )
        return True


_httpx_logger = logging.getLogger("httpx")
if not any(isinstance(f, RedactingFilter) for f in _httpx_logger.filters):
    _httpx_logger.addFilter(RedactingFilter())


def parse_retry_after(value: str | None, *, now: datetime) -> float | None:
    """Parse a ``Retry-After`` header: delta-seconds or an HTTP-date. Returns seconds, or ``None``."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, (when - now).total_seconds())


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """``max_attempts`` counts the first try. Backoff is ``base * 2**(n-1)`` capped at ``max_delay_s``,
    scaled by a random factor in [0.5, 1.0) (equal jitter). A server's ``retry_after`` is honoured as a floor."""

    max_attempts: int = 4
    base_delay_s: float = 1.0
    max_delay_s: float = 60.0
    max_wait_s: float = 300.0

    def delay(self, attempt: int, retry_after: float | None, rng: random.Random) -> float:
        backoff = min(self.max_delay_s, self.base_delay_s * 2.0 ** (attempt - 1))
        jittered = backoff * (0.5 + rng.random() / 2)
        if retry_after is not None:
            return max(retry_after, 0.0) + jittered * 0.1
        return jittered


class HttpClient:
    """A thin wrapper over :class:`httpx.Client` that retries :class:`RetryableError` with backoff."""

    def __init__(
        self,
        *,
        client: httpx.Client | None = None,
        policy: RetryPolicy | None = None,
        sleep: Sleep = time.sleep,
        clock: Clock = utc_now,
        rng: random.Random | None = None,
        timeout_s: float = 30.0,
    ) -> None:
        self._owns_client = client is None
        self._client = client or httpx.Client(timeout=timeout_s, headers={"User-Agent": USER_AGENT})
        self.policy = policy or RetryPolicy()
        self._sleep = sleep
        self.clock = clock
        self._rng = rng or random.Random()

    def request(
        self,
        method: str,
        url: str,
        *,
        raise_for_status: Callable[[httpx.Response], None],
        params: Mapping[str, Any] | None = None,
        data: Mapping[str, Any] | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
        idempotent: bool = True,
    ) -> httpx.Response:
        """Send the request, retrying transient failures; return the response ``raise_for_status`` accepted.

        With ``idempotent=False`` only failures that prove the request did not take effect are retried.
        """
        attempt = 0
        while True:
            attempt += 1
            try:
                response = self._client.request(method, url, params=params, data=data, json=json, headers=headers)
            except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
                error: RetryableError = RetryableError(f"cannot connect ({type(exc).__name__}): {method} {redact_url(url)}")
                error.__cause__ = exc
                surely_not_applied = True
            except httpx.TimeoutException as exc:
                error = RetryableError(f"timed out: {method} {redact_url(url)}")
                error.__cause__ = exc
                surely_not_applied = False
            except httpx.TransportError as exc:
                error = RetryableError(f"network error ({type(exc).__name__}): {method} {redact_url(url)}")
                error.__cause__ = exc
                surely_not_applied = False
            else:
                try:
                    raise_for_status(response)
                    return response
                except RetryableError as exc:
                    error = exc
                    surely_not_applied = isinstance(exc, RateLimitedError)
            self._wait_or_raise(
                error,
                attempt=attempt,
                may_retry=idempotent or surely_not_applied,
                what=f"{method} {redact_url(url).split('?')[0]}",
            )

    def call(self, fn: Callable[[], T], *, what: str, idempotent: bool = True) -> T:
        """Run ``fn`` under the same retry policy, for vendor SDKs with their own transport (tweepy's
        ``requests`` session). ``fn`` must raise :mod:`connectors.errors` types; ``what`` names the call in logs
        and must not hold credentials.

        ``fn`` cannot say whether a failed attempt reached the platform, so with ``idempotent=False`` only a
        :class:`RateLimitedError` (refused before anything happened) is retried.
        """
        attempt = 0
        while True:
            attempt += 1
            try:
                return fn()
            except RetryableError as exc:
                self._wait_or_raise(
                    exc, attempt=attempt, may_retry=idempotent or isinstance(exc, RateLimitedError), what=what
                )

    def _wait_or_raise(self, error: RetryableError, *, attempt: int, may_retry: bool, what: str) -> None:
        """Sleep before the next attempt, or raise ``error`` when attempts, permission or patience run out."""
        if attempt >= self.policy.max_attempts or not may_retry:
            raise error
        wait = self.policy.delay(attempt, error.retry_after, self._rng)
        if wait > self.policy.max_wait_s:
            raise error
        logger.warning(
            "retrying %s in %.1fs (attempt %d/%d): %s", what, wait, attempt + 1, self.policy.max_attempts, error
        )
        self._sleep(wait)

    def close(self) -> None:
        if self._owns_client:
            self._client.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
