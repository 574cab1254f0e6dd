"""What every platform simulator shares: its lock and clock, the requests it saw, and the one-shot fault queues."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, ClassVar, Generic, Literal, TypeVar

from connectors.base import Clock
from connectors.sandbox.server import Response

MalformedMode = Literal["invalid_json", "missing_fields"]

#: The record type a simulator keeps of each request (what its tests assert on).
RequestT = TypeVar("RequestT")


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    """A request as the simulator saw it, credentials removed. ``auth`` says where the token came from."""

    method: str
    path: str
    query: Mapping[str, str]
    form: Mapping[str, str]
    auth: Literal["header", "query", "none"]
    has_appsecret_proof: bool


class Simulator(Generic[RequestT]):
    """The simulator's lock, clock, request log and the fault switches every platform has. Every method is
    thread-safe; the HTTP handler shares the lock. How a fault looks on the wire is the platform's own."""

    #: What :meth:`fail_next` answers with when no ``status`` is given.
    fail_status: ClassVar[int] = 500

    def __init__(self, *, clock: Clock) -> None:
        self.clock = clock
        self._lock = threading.RLock()
        self._requests: list[RequestT] = []
        self._failures: list[tuple[int, float | None, str | None]] = []
        self._malformed: list[tuple[MalformedMode, tuple[str, ...]]] = []

    @property
    def requests(self) -> tuple[RequestT, ...]:
        with self._lock:
            return tuple(self._requests)

    def clear_requests(self) -> None:
        with self._lock:
            self._requests.clear()

    def fail_next(
        self,
        n: int = 1,
        status: int | None = None,
        *,
        retry_after: float | None = None,
        method: str | None = None,
    ) -> None:
        """The next ``n`` requests (only those with ``method``, when given: "fail the reply's POST, not the
        read before it") fail with ``status`` and the platform's error body, with ``Retry-After`` when
        ``retry_after`` is given."""
        with self._lock:
            self._failures = [(self.fail_status if status is None else status, retry_after, method)] * n

    def respond_malformed(
        self, times: int = 1, *, mode: MalformedMode = "invalid_json", drop: Sequence[str] = ("id",)
    ) -> None:
        """Spoil the next ``times`` successful responses: ``mode="invalid_json"`` sends an HTML error page (what
        a proxy or captive portal sends) instead, ``mode="missing_fields"`` leaves ``drop`` out of the body."""
        with self._lock:
            self._malformed = [(mode, tuple(drop))] * times

    def _take_failure(self, method: str) -> tuple[int, float | None] | None:
        """The failure queued for a request with ``method``, if any, taken off the queue."""
        if self._failures and self._failures[0][2] in (None, method):
            status, retry_after, _ = self._failures.pop(0)
            return status, retry_after
        return None

    def _take_malformed(self) -> tuple[MalformedMode, tuple[str, ...]] | None:
        """The spoiling queued by :meth:`respond_malformed`, if any, taken off the queue."""
        return self._malformed.pop(0) if self._malformed else None

    def _json_response(
        self,
        status: int,
        payload: Any,
        headers: Mapping[str, str],
        *,
        error_page: bytes,
        drop_fields: Callable[[Any, tuple[str, ...]], Any],
        error_type: str = "text/html; charset=utf-8",
    ) -> Response:
        """``payload`` as JSON, unless :meth:`respond_malformed` is pending and this is a success: then
        ``error_page`` instead, or the payload through ``drop_fields`` (each platform drops at its own depth)."""
        spoiled = self._take_malformed() if 200 <= status < 300 else None
        if spoiled is not None:
            mode, drop = spoiled
            if mode == "invalid_json":
                return Response(status, error_page, {**headers, "Content-Type": error_type})
            payload = drop_fields(payload, drop)
        return Response.json(status, payload, headers)

    def _utc(self, when: datetime | None) -> datetime:
        """``when`` (default now) in UTC; the platforms' timestamps have whole seconds, and state is kept
        identical to what clients can see."""
        when = when or self.clock()
        if when.tzinfo is None:
            raise ValueError("sandbox times must be timezone-aware")
        return when.astimezone(UTC).replace(microsecond=0)


def drop_fields_deep(payload: Any, drop: tuple[str, ...]) -> Any:
    """``payload`` with ``drop`` removed from every object in it, however deeply nested."""
    if isinstance(payload, list):
        return [drop_fields_deep(item, drop) for item in payload]
    if isinstance(payload, dict):
        return {k: drop_fields_deep(v, drop) for k, v in payload.items() if k not in drop}
    return payload


def format_seconds(seconds: float) -> str:
    """A ``Retry-After`` value: whole seconds without a decimal point."""
    return str(int(seconds)) if float(seconds).is_integer() else str(seconds)
