"""What the Graph API connectors (Facebook Pages, Instagram business accounts) share: error sorting and transport.

Both platforms answer from ``graph.facebook.com`` with the same error body, the same rate-limit headers, the same
``+0000`` timestamps and the same ``paging.next`` envelope, so one sorter and one transport serve both; only the
words in the messages differ (:class:`GraphPlatform`).

Errors, sorted by :func:`raise_for_graph_status` on Graph's ``code``/``error_subcode`` (not the HTTP status)::

    190 (any subcode), 102, 104, 10, 200-299   AuthError          a person must reconnect the account
    4, 17, 32, 341, 613, 80001, 80002          RateLimitedError   wait: Retry-After, else BUC estimated_time
    1, 2, or HTTP 5xx without a code           RetryableError
    100 with subcode 33                        NotFoundError      the object is gone
    368, other 100, anything else              PermanentError
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypedDict
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx

from connectors._http import HttpClient, json_object, parse_retry_after, redact_url
from connectors.base import Clock, Secret, utc_now
from connectors.errors import (
    AuthError,
    MalformedResponseError,
    NotFoundError,
    PermanentError,
    RateLimitedError,
    RetryableError,
)

#: Graph's timestamp format: ISO 8601 with a colon-less ``+0000`` offset.
GRAPH_TIME_FORMAT = "%Y-%m-%dT%H:%M:%S%z"

_AUTH_CODES = frozenset({10, 102, 104, 190})
# Business Use Case throttling has one code per product: 80001 for Pages, 80002 for Instagram.
_RATE_LIMIT_CODES = frozenset({4, 17, 32, 341, 613, 80001, 80002})
_TRANSIENT_CODES = frozenset({1, 2})

_AUTH_SUBCODES: Mapping[int, str] = {
    458: "the app is not installed for this user",
    459: "the user's account is checkpointed",
    460: "the password was changed",
    463: "the token has expired",
    464: "the user is unconfirmed",
    467: "the token is invalid",
    492: "the token's user no longer has a role on the Page (a new token from the same user will not help)",
}


@dataclass(frozen=True, slots=True)
class GraphPlatform:
    """How one Graph platform names itself in errors, e.g. ``("facebook", "Facebook", "Page token", "Page")``."""

    name: str
    label: str
    token_noun: str
    owner_noun: str


class _GraphError(TypedDict, total=False):
    message: str
    type: str
    code: int
    error_subcode: int
    fbtrace_id: str


def raise_for_graph_status(
    response: httpx.Response, *, platform: GraphPlatform, clock: Clock = utc_now
) -> None:
    """Sort a Graph response into :mod:`connectors.errors`; return quietly for 2xx.

    Messages carry the code, subcode, type and ``fbtrace_id`` (what Meta support asks for) but never Graph's own
    message, which can quote the object being acted on.
    """
    if response.is_success:
        return
    name, label = platform.name, platform.label
    error = graph_error(response)
    code = error.get("code")
    subcode = error.get("error_subcode")
    where = f"{response.request.method} {redact_url(response.request.url).split('?')[0]}"
    detail = ", ".join(
        f"{key} {value}"
        for key, value in (
            ("HTTP", response.status_code),
            ("code", code),
            ("subcode", subcode),
            ("type", error.get("type")),
            ("fbtrace_id", error.get("fbtrace_id")),
        )
        if value is not None
    )
    if code is None:
        if response.status_code == 429:
            raise RateLimitedError(
                f"rate limited on {where} ({detail})",
                platform=name,
                retry_after=graph_retry_after(response, clock),
                code=429,
            )
        if response.status_code >= 500:
            raise RetryableError(
                f"server error on {where} ({detail})",
                platform=name,
                retry_after=graph_retry_after(response, clock),
                code=response.status_code,
            )
        if response.status_code in (401, 403):
            raise AuthError(f"not authorised on {where} ({detail})", platform=name, code=response.status_code)
        raise PermanentError(
            f"request refused on {where} ({detail})", platform=name, code=response.status_code
        )
    if code in _AUTH_CODES or 200 <= code <= 299:
        reason = _AUTH_SUBCODES.get(subcode or 0, "the token is invalid, expired or lacks a permission")
        raise AuthError(
            f"{label} rejected the {platform.token_noun}: {reason}; reconnect the {platform.owner_noun} ({detail})",
            platform=name,
            code=code,
        )
    if code in _RATE_LIMIT_CODES:
        raise RateLimitedError(
            f"{label} rate limit reached on {where} ({detail})",
            platform=name,
            retry_after=graph_retry_after(response, clock),
            code=code,
        )
    if code in _TRANSIENT_CODES:
        raise RetryableError(
            f"{label} transient error on {where} ({detail})",
            platform=name,
            retry_after=graph_retry_after(response, clock),
            code=code,
        )
    if code == 100 and subcode == 33:
        raise NotFoundError(
            f"the object does not exist or cannot be loaded: {where} ({detail})", platform=name, code=code
        )
    if code == 368:
        raise PermanentError(
            f"{label} has temporarily blocked this {platform.owner_noun} from this action for policy reasons "
            f"({detail})",
            platform=name,
            code=code,
        )
    if response.status_code >= 500:
        raise RetryableError(
            f"server error on {where} ({detail})",
            platform=name,
            retry_after=graph_retry_after(response, clock),
            code=code,
        )
    raise PermanentError(f"{label} refused {where} ({detail})", platform=name, code=code)


def graph_error(response: httpx.Response) -> _GraphError:
    """The usable parts of a Graph error body; empty when there is none."""
    try:
        body = response.json()
    except ValueError:
        return {}
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return {}
    out: _GraphError = {}
    code, subcode = error.get("code"), error.get("error_subcode")
    # Be lenient about the JSON type of the codes (int or digit string); ignore anything else.
    if isinstance(code, (int, str)) and not isinstance(code, bool) and str(code).isdigit():
        out["code"] = int(code)
    if isinstance(subcode, (int, str)) and not isinstance(subcode, bool) and str(subcode).isdigit():
        out["error_subcode"] = int(subcode)
    if isinstance(error.get("type"), str):
        out["type"] = error["type"]
    if isinstance(error.get("fbtrace_id"), str):
        out["fbtrace_id"] = error["fbtrace_id"]
    return out


def graph_retry_after(response: httpx.Response, clock: Clock) -> float | None:
    """The longest wait the server hinted at: ``Retry-After`` (seconds or HTTP-date) or the Business Use Case
    header's ``estimated_time_to_regain_access``, which Graph gives in *minutes* and is its only hint."""
    hints: list[float] = []
    header = parse_retry_after(response.headers.get("Retry-After"), now=clock())
    if header is not None:
        hints.append(header)
    for header_name in ("X-Business-Use-Case-Usage", "X-Ad-Account-Usage"):
        raw = response.headers.get(header_name)
        if not raw:
            continue
        try:
            usage = json.loads(raw)
        except ValueError:
            continue
        entries: list[Any] = []
        if isinstance(usage, dict):
            for value in usage.values():
                entries.extend(value if isinstance(value, list) else [value])
        for entry in entries:
            minutes = entry.get("estimated_time_to_regain_access") if isinstance(entry, dict) else None
            if isinstance(minutes, (int, float)) and not isinstance(minutes, bool) and minutes > 0:
                hints.append(float(minutes) * 60)
    return max(hints) if hints else None


def parse_graph_time(value: object, field: str, *, platform: str) -> datetime:
    """Parse a Graph ``+0000`` timestamp into UTC; anything else is a :class:`MalformedResponseError`."""
    if not isinstance(value, str):
        raise MalformedResponseError(f"Graph object has no usable '{field}'", platform=platform, code=field)
    try:
        return datetime.strptime(value, GRAPH_TIME_FORMAT).astimezone(UTC)
    except ValueError as exc:
        raise MalformedResponseError(
            f"Graph object has an unparseable '{field}'", platform=platform, code=field
        ) from exc


def appsecret_proof(app_secret: Secret, token: Secret) -> str:
    """Graph's ``appsecret_proof``: an HMAC-SHA256 of the token keyed by the app secret, useless without both."""
    return hmac.new(
        app_secret.get_secret_value().encode(), token.get_secret_value().encode(), hashlib.sha256
    ).hexdigest()


class GraphTransport:
    """Sends Graph requests for one token: ``Authorization: Bearer`` (never the URL, which httpx logs at INFO),
    ``appsecret_proof`` in the query when configured, and ``paging.next`` followed only back to the same host."""

    def __init__(
        self,
        *,
        platform: GraphPlatform,
        token: Secret,
        http: HttpClient,
        root: str,
        proof: str | None,
    ) -> None:
        self.platform = platform
        self._token = token
        self._http = http
        self._root = root.rstrip("/")
        self._origin = urlsplit(root)[:2]
        self._proof = proof

    @property
    def clock(self) -> Clock:
        return self._http.clock

    def request(
        self,
        method: str,
        path_or_url: str,
        *,
        params: Mapping[str, str] | None = None,
        data: Mapping[str, str] | None = None,
        idempotent: bool = True,
    ) -> dict[str, Any]:
        url = path_or_url if "://" in path_or_url else f"{self._root}/{path_or_url.lstrip('/')}"
        parts = urlsplit(url)
        # httpx replaces (not merges) a URL's query when given ``params``, and ``paging.next`` URLs carry their
        # own query, so the query is assembled here.
        query = parse_qsl(parts.query, keep_blank_values=True) + list((params or {}).items())
        if self._proof is not None and not any(key == "appsecret_proof" for key, _ in query):
            query.append(("appsecret_proof", self._proof))
        response = self._http.request(
            method,
            urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), "")),
            data=data,
            headers={"Authorization": f"Bearer {self._token.get_secret_value()}"},
            raise_for_status=self.raise_for_status,
            idempotent=idempotent,
        )
        return json_object(response, platform=self.platform.name, service="Graph")

    def raise_for_status(self, response: httpx.Response) -> None:
        raise_for_graph_status(response, platform=self.platform, clock=self._http.clock)

    def paged(
        self, path: str, params: Mapping[str, str], *, first: Mapping[str, Any] | None = None
    ) -> Iterator[list[object]]:
        """Yield each page's ``data``, following ``paging.next`` until Graph leaves it out. Never stops on a short
        page: privacy filtering can drop rows from any page. ``first`` is an envelope already in hand (a nested
        edge from a field expansion), read before anything is requested."""
        body: Mapping[str, Any] = first if first is not None else self.request("GET", path, params=params)
        while True:
            data = body.get("data")
            if not isinstance(data, list):
                raise MalformedResponseError(
                    "Graph list response has no 'data' array", platform=self.platform.name, code="data"
                )
            yield data
            paging = body.get("paging")
            next_url = paging.get("next") if isinstance(paging, Mapping) else None
            if not next_url:
                return
            body = self.request("GET", self.checked_next(next_url))

    def checked_next(self, next_url: object) -> str:
        # ``next`` is followed with the token attached, so it must point back at the Graph host we were given.
        if not isinstance(next_url, str) or urlsplit(next_url)[:2] != self._origin:
            raise MalformedResponseError(
                "Graph 'paging.next' points outside the Graph API host",
                platform=self.platform.name,
                code="paging.next",
            )
        parts = urlsplit(next_url)
        # Graph echoes access_token into ``next`` when it was sent in the query; ours travels in the header.
        query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "access_token"]
        return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))
