"""connectors._http: Retry-After parsing, backoff with jitter, retry limits and URL redaction, over real HTTP."""

from __future__ import annotations

import logging
import random
import socket
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta

import httpx
import pytest

from connectors._http import HttpClient, RetryPolicy, json_object, parse_retry_after, redact_url
from connectors.errors import AuthError, MalformedResponseError, RateLimitedError, RetryableError
from connectors.sandbox import FacebookSandbox, ManualClock, Sandbox


def _raise_for_status_at(now: datetime) -> Callable[[httpx.Response], None]:
    """A minimal sorter: 5xx/429 are retryable with the server's hint, other 4xx are auth failures."""

    def raise_for_status(response: httpx.Response) -> None:
        if response.status_code >= 500 or response.status_code == 429:
            raise RetryableError(
                f"HTTP {response.status_code}",
                retry_after=parse_retry_after(response.headers.get("Retry-After"), now=now),
            )
        if response.status_code >= 400:
            raise AuthError(f"HTTP {response.status_code}")

    return raise_for_status


@pytest.fixture
def client(sleeps: list[float], clock: ManualClock) -> Iterator[HttpClient]:
    http = HttpClient(
        sleep=sleeps.append,
        clock=clock,
        rng=random.Random(99),
        timeout_s=5.0,
        policy=RetryPolicy(max_attempts=3, base_delay_s=1.0, max_delay_s=8.0, max_wait_s=60.0),
    )
    yield http
    http.close()


@pytest.fixture
def page_url(fb: FacebookSandbox, sandbox: Sandbox, page_id: str) -> str:
    return f"{sandbox.url}/v25.0/{page_id}?fields=id,name"


@pytest.fixture
def auth(page_token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {page_token}"}


# -- Retry-After ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("120", 120.0),
        ("  3.5 ", 3.5),
        ("0", 0.0),
        ("-5", 0.0),
        ("Fri, 20 Nov 2026 12:00:30 GMT", 30.0),
        ("Fri, 20 Nov 2026 11:59:00 GMT", 0.0),
        ("soon", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_retry_after_reads_seconds_and_http_dates_when_given_a_header(
    value: str | None, expected: float | None, now: datetime
) -> None:
    assert parse_retry_after(value, now=now) == expected


# -- backoff -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("attempt", [1, 2, 3, 4, 5, 8, 12])
def test_delay_stays_within_equal_jitter_bounds_when_no_hint_is_given(attempt: int) -> None:
    policy = RetryPolicy(base_delay_s=1.0, max_delay_s=60.0)
    rng = random.Random(attempt)
    backoff = min(60.0, 2.0 ** (attempt - 1))

    delays = [policy.delay(attempt, None, rng) for _ in range(2000)]

    assert all(backoff * 0.5 <= d < backoff for d in delays)
    assert max(delays) - min(delays) > backoff * 0.4  # it really is jittered


def test_delay_uses_the_server_hint_as_a_floor_when_retry_after_is_given() -> None:
    policy = RetryPolicy(base_delay_s=1.0, max_delay_s=60.0)
    rng = random.Random(5)

    delays = [policy.delay(3, 42.0, rng) for _ in range(500)]

    assert all(42.0 <= d <= 42.0 + 0.1 * 4.0 for d in delays)


# -- HttpClient over the wire ----------------------------------------------------------------------------------


def test_request_returns_the_response_when_the_server_answers(
    client: HttpClient, page_url: str, auth: dict[str, str], now: datetime, sleeps: list[float]
) -> None:
    response = client.request("GET", page_url, headers=auth, raise_for_status=_raise_for_status_at(now))

    assert response.json()["name"] == "Test Primary School" and sleeps == []


def test_request_honours_retry_after_then_succeeds_when_the_server_is_unavailable(
    fb: FacebookSandbox,
    client: HttpClient,
    page_url: str,
    auth: dict[str, str],
    now: datetime,
    sleeps: list[float],
) -> None:
    fb.fail_next(1, status=503, retry_after=12)

    response = client.request("GET", page_url, headers=auth, raise_for_status=_raise_for_status_at(now))

    assert response.status_code == 200
    assert len(sleeps) == 1 and sleeps[0] >= 12


def test_request_raises_without_waiting_when_the_hint_exceeds_max_wait(
    fb: FacebookSandbox,
    client: HttpClient,
    page_url: str,
    auth: dict[str, str],
    now: datetime,
    sleeps: list[float],
) -> None:
    fb.fail_next(1, status=503, retry_after=3600)

    with pytest.raises(RetryableError) as caught:
        client.request("GET", page_url, headers=auth, raise_for_status=_raise_for_status_at(now))

    assert caught.value.retry_after == 3600 and sleeps == []


def test_request_raises_the_last_error_when_max_attempts_are_used_up(
    fb: FacebookSandbox,
    client: HttpClient,
    page_url: str,
    auth: dict[str, str],
    now: datetime,
    sleeps: list[float],
) -> None:
    fb.fail_next(5, status=500)

    with pytest.raises(RetryableError, match="HTTP 500"):
        client.request("GET", page_url, headers=auth, raise_for_status=_raise_for_status_at(now))

    assert len(fb.requests) == 3 and len(sleeps) == 2
    assert all(d <= 8.0 for d in sleeps)


def test_request_does_not_retry_when_the_error_is_not_retryable(
    fb: FacebookSandbox,
    client: HttpClient,
    sandbox: Sandbox,
    page_id: str,
    now: datetime,
    sleeps: list[float],
) -> None:
    with pytest.raises(AuthError):
        client.request("GET", f"{sandbox.url}/v25.0/{page_id}", raise_for_status=_raise_for_status_at(now))

    assert len(fb.requests) == 1 and sleeps == []


def test_request_retries_then_succeeds_when_the_connection_drops(
    sandbox: Sandbox,
    client: HttpClient,
    page_url: str,
    auth: dict[str, str],
    now: datetime,
    sleeps: list[float],
) -> None:
    sandbox.drop_next(1)

    response = client.request("GET", page_url, headers=auth, raise_for_status=_raise_for_status_at(now))

    assert response.status_code == 200 and len(sleeps) == 1


def test_non_idempotent_request_is_not_retried_when_the_connection_drops_mid_request(
    sandbox: Sandbox,
    client: HttpClient,
    page_url: str,
    auth: dict[str, str],
    now: datetime,
    sleeps: list[float],
) -> None:
    sandbox.drop_next(1)

    with pytest.raises(RetryableError, match="network error"):
        client.request("POST", page_url, headers=auth, raise_for_status=_raise_for_status_at(now), idempotent=False)

    assert sleeps == []


def test_non_idempotent_request_is_retried_when_the_connection_was_never_made(
    client: HttpClient, now: datetime, sleeps: list[float]
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    with pytest.raises(RetryableError, match="cannot connect"):
        client.request("POST", f"http://127.0.0.1:{port}/x", raise_for_status=_raise_for_status_at(now),
                       idempotent=False)

    assert len(sleeps) == 2


def test_request_raises_retryable_with_the_transport_cause_when_nothing_listens(
    client: HttpClient, now: datetime, sleeps: list[float]
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # The port was free a moment ago and nothing listens on it now: connection refused.

    with pytest.raises(RetryableError, match="cannot connect") as caught:
        client.request(
            "GET",
            f"http://127.0.0.1:{port}/v25.0/1?access_token=abc123",
            raise_for_status=_raise_for_status_at(now),
        )

    assert isinstance(caught.value.__cause__, httpx.TransportError)
    assert "abc123" not in str(caught.value)
    assert len(sleeps) == 2


def test_retry_log_lines_hide_credentials_when_the_url_carries_a_token(
    fb: FacebookSandbox,
    client: HttpClient,
    page_url: str,
    page_token: str,
    now: datetime,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="connectors._http")
    fb.fail_next(1, status=500)

    client.request("GET", f"{page_url}&access_token={page_token}", raise_for_status=_raise_for_status_at(now))

    ours = [r.getMessage() for r in caplog.records if r.name == "connectors._http"]
    assert ours and all(page_token not in line for line in ours)


# -- HttpClient.call, for vendor SDKs with their own transport -----------------------------------------------


class _Flaky:
    """A callable that raises each of ``errors`` in turn, then returns ``"done"``; it counts its calls."""

    def __init__(self, errors: list[Exception]) -> None:
        self.errors = errors
        self.calls = 0

    def __call__(self) -> str:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return "done"


def test_call_retries_with_the_hint_as_a_floor_then_returns_when_the_callable_recovers(
    client: HttpClient, sleeps: list[float]
) -> None:
    fn = _Flaky([RetryableError("flaky", retry_after=9), RetryableError("flaky")])

    assert client.call(fn, what="GET /2/users/1/mentions") == "done"

    assert len(sleeps) == 2 and sleeps[0] >= 9


def test_call_raises_at_once_when_the_error_is_not_retryable(client: HttpClient, sleeps: list[float]) -> None:
    fn = _Flaky([AuthError("expired")])

    with pytest.raises(AuthError):
        client.call(fn, what="GET /2/users/me")

    assert sleeps == [] and fn.calls == 1


def test_call_raises_the_last_error_when_max_attempts_are_used_up(
    client: HttpClient, sleeps: list[float]
) -> None:
    fn = _Flaky([RetryableError(f"failure {n}") for n in range(5)])

    with pytest.raises(RetryableError, match="failure 2"):
        client.call(fn, what="GET /2/tweets/search/recent")

    assert len(sleeps) == 2


def test_non_idempotent_call_is_retried_only_when_rate_limited(
    client: HttpClient, sleeps: list[float], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="connectors._http")
    limited = _Flaky([RateLimitedError("slow down", retry_after=3)])
    assert client.call(limited, what="POST /2/tweets", idempotent=False) == "done"
    assert len(sleeps) == 1 and "retrying POST /2/tweets" in caplog.text

    maybe_applied = _Flaky([RetryableError("server error after the post may have gone out")])
    with pytest.raises(RetryableError):
        client.call(maybe_applied, what="POST /2/tweets", idempotent=False)
    assert len(sleeps) == 1


# -- redaction -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "https://graph.facebook.com/v25.0/1/comments?access_token=EAAB&limit=25",
            "https://graph.facebook.com/v25.0/1/comments?access_token=***&limit=25",
        ),
        (
            "https://graph.facebook.com/v25.0/1?appsecret_proof=abc&fields=id",
            "https://graph.facebook.com/v25.0/1?appsecret_proof=***&fields=id",
        ),
        (
            "https://www.googleapis.com/youtube/v3/commentThreads?KEY=AIza&part=snippet",
            "https://www.googleapis.com/youtube/v3/commentThreads?KEY=***&part=snippet",
        ),
        ("https://example.com/hook?sig=xyz#fragment", "https://example.com/hook?sig=***"),
        ("https://example.com/path", "https://example.com/path"),
    ],
)
def test_redact_url_masks_credential_parameters_when_present(url: str, expected: str) -> None:
    assert redact_url(url) == expected


def test_redact_url_accepts_httpx_urls_when_given_one() -> None:
    assert redact_url(httpx.URL("https://h/p", params={"token": "t0k"})) == "https://h/p?token=***"


def test_manual_clock_moves_only_when_advanced(clock: ManualClock, now: datetime) -> None:
    assert clock() == now
    assert clock.advance(minutes=5) == now + timedelta(minutes=5)
    assert clock.advance(timedelta(seconds=1)) == now + timedelta(minutes=5, seconds=1)


def test_httpx_own_request_log_line_masks_credentials_in_the_url(
    sandbox: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="httpx")
    with httpx.Client() as raw:
        raw.get(f"{sandbox.url}/feeds/nothing.xml?key=feed-secret-123&page=2")
    lines = [r.getMessage() for r in caplog.records if r.name == "httpx"]
    assert lines and all("feed-secret-123" not in line for line in lines)
    assert any("key=***" in line and "page=2" in line for line in lines)


@pytest.mark.parametrize(
    ("body", "content_type", "message"),
    [
        (b"<html>Service Unavailable</html>", "text/html", "with a body that is not JSON (Content-Type text/html)"),
        (b"[1, 2]", "application/json", "with JSON that is not an object"),
        (b'"ok"', "application/json", "with JSON that is not an object"),
    ],
)
def test_json_object_names_the_request_but_never_its_token(body: bytes, content_type: str, message: str) -> None:
    request = httpx.Request("GET", "https://graph.example/v19.0/123/comments?access_token=SECRET&limit=5")
    response = httpx.Response(200, content=body, headers={"Content-Type": content_type}, request=request)
    with pytest.raises(MalformedResponseError) as info:
        json_object(response, platform="facebook", service="Graph")
    text = str(info.value)
    assert text.startswith("facebook: Graph answered GET https://graph.example/v19.0/123/comments ") and message in text
    assert "SECRET" not in text and info.value.code == "json"


def test_json_object_returns_the_object_and_takes_a_description() -> None:
    request = httpx.Request("POST", "https://api.example/2/tweets")
    response = httpx.Response(200, json={"data": {"id": "1"}}, request=request)
    assert json_object(response, platform="x", service="X", what="POST /2/tweets") == {"data": {"id": "1"}}
    broken = httpx.Response(200, content=b"{", request=request)
    with pytest.raises(MalformedResponseError, match=r"^x: X answered posting a reply with a body that is not JSON"):
        json_object(broken, platform="x", service="X", what="posting a reply")
