"""What the Facebook and Instagram simulators share as Graph: errors, tokens, usage headers, params, recording."""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal, Protocol, TypeVar

from connectors.sandbox._simulator import RecordedRequest, format_seconds
from connectors.sandbox.server import Request, Response

#: Graph's timestamp format: ISO 8601 with a colon-less ``+0000`` offset.
TIME_FORMAT = "%Y-%m-%dT%H:%M:%S+0000"

GRAPH_PATH = r"^/v\d+\.\d+/(?P<rest>[^/]+(?:/[^/]+)?)/?$"

RATE_LIMIT_CODES: Mapping[int, str] = {
    4: "(#4) Application request limit reached",
    17: "(#17) User request limit reached",
    32: "(#32) Page request limit reached",
    341: "(#341) Application limit reached",
    613: "(#613) Calls to this api have exceeded the rate limit.",
    80001: "(#80001) There have been too many calls to this Page account. Wait a bit and try again.",
}

#: Graph's messages for a token refused with code 190, by ``error_subcode`` (463's carries the time it expired).
INVALID_TOKEN: Mapping[int, str] = {
    458: "Error validating access token: The user has not authorized application.",
    460: "Error validating access token: The session has been invalidated because the user changed their "
    "password or Facebook has changed the session for security reasons.",
    463: "Error validating access token: Session has expired.",
    467: "Error validating access token: The access token is invalid.",
    492: "Error validating access token: The user is not an admin, editor or moderator of the Page.",
}

#: What a proxy or captive portal sends instead of Graph's JSON (``respond_malformed(mode="invalid_json")``).
HTML_ERROR_PAGE = b"<!DOCTYPE html><html><body><h1>Sorry, something went wrong.</h1></body></html>"

_CREDENTIAL_PARAMS = frozenset({"access_token", "appsecret_proof"})

Auth = Literal["header", "query", "none"]


def format_time(when: datetime) -> str:
    return when.astimezone(UTC).strftime(TIME_FORMAT)


class GraphError(Exception):
    """Raised inside the simulator; becomes a Graph error body."""

    def __init__(
        self,
        code: int,
        message: str,
        *,
        status: int = 400,
        subcode: int | None = None,
        type_: str = "OAuthException",
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.subcode = subcode
        self.type = type_
        self.headers = dict(headers or {})


class Expiring(Protocol):
    """A simulator's token record, as far as :func:`check_token_state` reads it."""

    expired: bool
    #: Why Graph refuses the token once ``expired``: code 190's ``error_subcode`` (see :data:`INVALID_TOKEN`).
    subcode: int


TokenT = TypeVar("TokenT", bound=Expiring)


def token_from(request: Request) -> tuple[str | None, Auth]:
    """The token and where it came from: ``Authorization: Bearer`` (or ``OAuth``), else ``access_token``."""
    header = request.header("authorization") or ""
    scheme, _, value = header.partition(" ")
    if scheme.lower() in {"bearer", "oauth"} and value.strip():
        return value.strip(), "header"
    if request.params.get("access_token"):
        return request.params["access_token"], "query"
    return None, "none"


def record(request: Request, auth: Auth) -> RecordedRequest:
    """The request as tests may see it: the token and ``appsecret_proof`` left out, only their presence kept."""
    return RecordedRequest(
        method=request.method,
        path=request.path,
        query={k: v for k, v in request.query.items() if k not in _CREDENTIAL_PARAMS},
        form={k: v for k, v in request.form.items() if k not in _CREDENTIAL_PARAMS},
        auth=auth,
        has_appsecret_proof="appsecret_proof" in request.params,
    )


def check_token_state(token_value: str | None, token: TokenT | None, now: datetime) -> tuple[str, TokenT]:
    """Refuse a missing (104), unknown (190) or expired (190 with the token's subcode) token as Graph does;
    return the token that passed."""
    if token_value is None:
        raise GraphError(104, "An access token is required to request this resource.")
    if token is None:
        raise GraphError(190, "Invalid OAuth access token - Cannot parse access token")
    if token.expired:
        if token.subcode != 463:
            raise GraphError(190, INVALID_TOKEN[token.subcode], subcode=token.subcode)
        stamp = now.astimezone(UTC).strftime("%A, %d-%b-%y %H:%M:%S UTC")
        raise GraphError(190, f"Error validating access token: Session has expired on {stamp}.", subcode=463)
    return token_value, token


def failure(status: int, retry_after: float | None) -> GraphError:
    """What ``fail_next`` sends: code 1 ("unknown error") for 500, code 2 ("service temporarily unavailable")
    for other 5xx, code 4 for 429, code 1 otherwise."""
    if status == 429:
        code, message = 4, RATE_LIMIT_CODES[4]
    elif status >= 500 and status != 500:
        code, message = 2, "Service temporarily unavailable"
    else:
        code, message = 1, "An unknown error occurred"
    headers = {"Retry-After": format_seconds(retry_after)} if retry_after is not None else {}
    return GraphError(code, message, status=status, headers=headers)


def usage_headers(owner_id: str | None, kind: str, *, app: int, buc: int, minutes: int) -> dict[str, str]:
    """``X-App-Usage`` at ``app`` percent and ``X-Business-Use-Case-Usage`` for ``owner_id`` (of type ``kind``,
    ``pages`` or ``instagram``) at ``buc`` percent, with ``estimated_time_to_regain_access`` in minutes."""
    usage: dict[str, Any] = {}
    if owner_id is not None:
        usage[owner_id] = [
            {
                "type": kind,
                "call_count": buc,
                "total_cputime": buc // 2,
                "total_time": buc // 2,
                "estimated_time_to_regain_access": minutes,
            }
        ]
    return {
        "X-App-Usage": json.dumps({"call_count": app, "total_cputime": app // 2, "total_time": app // 2}),
        "X-Business-Use-Case-Usage": json.dumps(usage),
    }


def error_response(error: GraphError, fbtrace_id: str, headers: Mapping[str, str]) -> Response:
    """Graph's error body for ``error``, on ``headers`` (the usage headers) and the error's own headers."""
    body: dict[str, Any] = {
        "message": error.message,
        "type": error.type,
        "code": error.code,
        "fbtrace_id": fbtrace_id,
    }
    if error.subcode is not None:
        body["error_subcode"] = error.subcode
    if error.code == 190:
        body["error_user_title"] = "Session expired" if error.subcode == 463 else "Invalid token"
    return Response.json(error.status, {"error": body}, {**headers, **error.headers})


def decode_cursor(cursor: str) -> str:
    try:
        return base64.b64decode(cursor.encode(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise GraphError(100, "(#100) The after/before cursor is invalid") from exc


def bool_param(name: str, value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in {"true", "1"}:
        return True
    if lowered in {"false", "0"}:
        return False
    raise GraphError(100, f"(#100) Param {name} must be a boolean")


_MODIFIER = re.compile(r"(\w+)\(([^()]*)\)")


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One requested field: its modifiers (``limit(5)`` → ``{"limit": "5"}``) and nested fields, if any."""

    modifiers: Mapping[str, str] = field(default_factory=dict)
    sub: Mapping[str, FieldSpec] | None = None


def parse_field_spec(spec: str) -> dict[str, FieldSpec]:
    """Parse a Graph ``fields`` value such as ``id,comments.limit(50){id,replies{id}}``, keeping modifiers."""
    pos = 0

    def parse_list() -> dict[str, FieldSpec]:
        nonlocal pos
        out: dict[str, FieldSpec] = {}
        while pos < len(spec):
            start = pos
            depth = 0
            while pos < len(spec) and (depth or spec[pos] not in ",{}"):
                depth += {"(": 1, ")": -1}.get(spec[pos], 0)
                pos += 1
            name, _, rest = spec[start:pos].strip().partition(".")
            sub: dict[str, FieldSpec] | None = None
            if pos < len(spec) and spec[pos] == "{":
                pos += 1
                sub = parse_list()
            if name:
                out[name] = FieldSpec(dict(_MODIFIER.findall(rest)), sub)
            if pos < len(spec) and spec[pos] == ",":
                pos += 1
            elif pos < len(spec) and spec[pos] == "}":
                pos += 1
                return out
        return out

    return parse_list()
