"""The Graph sandbox itself, spoken to with plain httpx: envelope, errors, headers, state, faults and the demo seed."""

from __future__ import annotations

import csv
import json
import re
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import phonenumbers
import pytest

from connectors.sandbox import FacebookSandbox, Sandbox, seed_demo, serve
from connectors.sandbox.facebook import parse_fields
from connectors.sandbox.seed import OFFICIAL_EMAIL, OFFICIAL_PHONE, PAGE_ID, PAGE_TOKEN, USER_TOKEN

DEMO_CONFIG = Path(__file__).resolve().parents[2] / "config" / "demo"


@pytest.fixture
def graph(sandbox: Sandbox, page_token: str) -> Iterator[httpx.Client]:
    with httpx.Client(
        base_url=f"{sandbox.url}/v25.0", headers={"Authorization": f"Bearer {page_token}"}
    ) as c:
        yield c


@pytest.fixture
def post(fb: FacebookSandbox, page_id: str, now: datetime) -> str:
    return fb.add_post(page_id, "Hello", created_time=now - timedelta(days=1))


def _error(response: httpx.Response) -> dict[str, Any]:
    error: dict[str, Any] = response.json()["error"]
    return error


def test_listing_follows_the_graph_envelope_when_paging_through_comments(
    fb: FacebookSandbox, graph: httpx.Client, post: str, now: datetime
) -> None:
    ids = [
        fb.add_comment(
            post,
            f"c{i}",
            author_id=f"26{i:012d}",
            author_name="P",
            created_time=now - timedelta(minutes=10 - i),
        )
        for i in range(5)
    ]

    first = graph.get(f"/{post}/comments", params={"limit": 2}).json()
    second = httpx.get(first["paging"]["next"], headers=graph.headers).json()
    last = httpx.get(second["paging"]["next"], headers=graph.headers).json()

    assert [c["id"] for c in first["data"] + second["data"] + last["data"]] == ids
    assert set(first["paging"]) == {"cursors", "next"}
    assert set(second["paging"]) == {"cursors", "next", "previous"}
    assert "next" not in last["paging"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0000", first["data"][0]["created_time"])
    assert set(first["data"][0]) == {"created_time", "from", "message", "id"}  # Graph's default fields


def test_comments_filter_order_since_and_summary_when_requested(
    fb: FacebookSandbox, graph: httpx.Client, post: str, now: datetime
) -> None:
    t = now - timedelta(hours=1)
    top = fb.add_comment(post, "top", author_id="26000000000001", author_name="A", created_time=t)
    reply = fb.add_comment(
        top, "reply", author_id="26000000000002", author_name="B", created_time=t + timedelta(minutes=1)
    )
    later = fb.add_comment(
        post, "later", author_id="26000000000003", author_name="C", created_time=t + timedelta(minutes=2)
    )

    def ids(**params: Any) -> list[str]:
        return [c["id"] for c in graph.get(f"/{post}/comments", params=params).json()["data"]]

    assert ids() == [top, later]
    assert ids(filter="stream") == [top, reply, later]
    assert ids(filter="stream", order="reverse_chronological") == [later, reply, top]
    assert ids(filter="stream", since=int((t + timedelta(minutes=1)).timestamp())) == [reply, later]
    assert ids(filter="stream", since=(t + timedelta(minutes=2)).isoformat()) == [later]
    assert [c["id"] for c in graph.get(f"/{top}/comments").json()["data"]] == [reply]
    summary = graph.get(f"/{post}/comments", params={"filter": "stream", "summary": "true"}).json()["summary"]
    assert summary["total_count"] == 3 and summary["order"] == "chronological"


def test_fields_render_nested_objects_and_omit_missing_ones_when_selected(
    fb: FacebookSandbox, graph: httpx.Client, post: str, now: datetime
) -> None:
    top = fb.add_comment(post, "top", created_time=now - timedelta(minutes=2))  # no author: no ``from``
    reply = fb.add_comment(
        top, "reply", author_id="26000000000002", author_name="B", created_time=now - timedelta(minutes=1)
    )
    fields = "id,from{id},parent{id},can_hide,is_hidden"

    data = graph.get(f"/{post}/comments", params={"filter": "stream", "fields": fields}).json()["data"]

    assert data[0] == {"id": top, "can_hide": True, "is_hidden": False}
    assert data[1] == {
        "id": reply,
        "from": {"id": "26000000000002"},
        "parent": {"id": top},
        "can_hide": True,
        "is_hidden": False,
    }


def test_unknown_field_is_error_100_when_requested(graph: httpx.Client, post: str) -> None:
    response = graph.get(f"/{post}/comments", params={"fields": "id,mesage"})

    assert response.status_code == 400
    assert _error(response)["code"] == 100 and "mesage" in _error(response)["message"]


@pytest.mark.parametrize("version", ["v19.0", "v25.0", "v26.0"])
def test_any_graph_version_prefix_is_served_when_used(
    fb: FacebookSandbox, sandbox: Sandbox, page_id: str, page_token: str, version: str
) -> None:
    response = httpx.get(f"{sandbox.url}/{version}/{page_id}", params={"access_token": page_token})

    assert response.json() == {"id": page_id, "name": "Test Primary School"}
    assert fb.requests[-1].auth == "query" and "access_token" not in fb.requests[-1].query


def test_tokens_are_checked_when_missing_unknown_expired_or_user_tokens(
    fb: FacebookSandbox, sandbox: Sandbox, post: str, page_token: str, now: datetime
) -> None:
    fb.add_comment(post, "x", author_id="26000000000001", author_name="A", created_time=now)
    fb.add_user_token("a-user-token")
    url = f"{sandbox.url}/v25.0/{post}/comments"

    missing = httpx.get(url)
    unknown = httpx.get(url, headers={"Authorization": "Bearer nope"})
    user = httpx.get(url, headers={"Authorization": "Bearer a-user-token"})
    fb.expire_token(page_token)
    expired = httpx.get(url, headers={"Authorization": f"Bearer {page_token}"})

    assert _error(missing)["code"] == 104
    assert _error(unknown)["code"] == 190 and "error_subcode" not in _error(unknown)
    assert user.status_code == 200 and user.json() == {"data": []}
    assert (_error(expired)["code"], _error(expired)["error_subcode"]) == (190, 463)
    assert _error(expired)["type"] == "OAuthException" and _error(expired)["fbtrace_id"]


def test_every_response_carries_usage_headers_when_successful_or_not(
    graph: httpx.Client, post: str, page_id: str
) -> None:
    for response in (graph.get(f"/{post}/comments"), graph.get("/999_999/comments")):
        assert json.loads(response.headers["X-App-Usage"]).keys() == {
            "call_count",
            "total_cputime",
            "total_time",
        }
        buc = json.loads(response.headers["X-Business-Use-Case-Usage"])
        assert buc[page_id][0]["type"] == "pages"


def test_rate_limit_sends_graph_codes_and_usage_at_100_when_switched_on(
    fb: FacebookSandbox, graph: httpx.Client, post: str, page_id: str
) -> None:
    fb.rate_limit(code=80001, minutes=7, times=2)

    first, second, third = (graph.get(f"/{post}/comments") for _ in range(3))

    assert _error(first)["code"] == 80001 and _error(second)["code"] == 80001 and third.status_code == 200
    usage = json.loads(first.headers["X-Business-Use-Case-Usage"])[page_id][0]
    assert usage["call_count"] == 100 and usage["estimated_time_to_regain_access"] == 7
    assert "Retry-After" not in first.headers  # as on Graph; opt in with retry_after=


def test_fail_next_sends_graph_error_bodies_when_switched_on(
    fb: FacebookSandbox, graph: httpx.Client, post: str
) -> None:
    fb.fail_next(1, status=500)
    unknown = graph.get(f"/{post}/comments")
    fb.fail_next(1, status=503, retry_after=9)
    unavailable = graph.get(f"/{post}/comments")

    assert (unknown.status_code, _error(unknown)["code"]) == (500, 1)
    assert (unavailable.status_code, _error(unavailable)["code"]) == (503, 2)
    assert unavailable.headers["Retry-After"] == "9"


def test_respond_malformed_spoils_the_next_successful_response_when_switched_on(
    fb: FacebookSandbox, graph: httpx.Client, post: str, now: datetime
) -> None:
    fb.add_comment(post, "x", author_id="26000000000001", author_name="A", created_time=now)
    fb.respond_malformed(mode="invalid_json")
    html = graph.get(f"/{post}/comments")
    fb.respond_malformed(mode="missing_fields", drop=("id", "created_time"))
    stripped = graph.get(f"/{post}/comments")

    assert html.status_code == 200 and html.headers["Content-Type"].startswith("text/html")
    with pytest.raises(ValueError):
        html.json()
    assert stripped.json()["data"] == [{"from": {"id": "26000000000001", "name": "A"}, "message": "x"}]


def test_moderation_writes_change_state_when_the_page_token_acts(
    fb: FacebookSandbox, graph: httpx.Client, post: str, page_id: str, now: datetime
) -> None:
    top = fb.add_comment(post, "top", author_id="26000000000001", author_name="A", created_time=now)
    reply = fb.add_comment(top, "reply", author_id="26000000000002", author_name="B", created_time=now)

    assert graph.post(f"/{top}", data={"is_hidden": "true"}).json() == {"success": True}
    assert graph.get(f"/{top}", params={"fields": "is_hidden"}).json() == {"is_hidden": True}
    new = graph.post(f"/{reply}/comments", data={"message": "Thanks"}).json()["id"]
    assert fb.comment(new).parent_id == top and fb.comment(new).by_page and not fb.comment(new).can_hide
    assert graph.delete(f"/{top}").json() == {"success": True}
    again = graph.delete(f"/{top}")
    assert (_error(again)["code"], _error(again)["error_subcode"]) == (100, 33)
    assert graph.get(f"/{post}/comments", params={"filter": "stream"}).json() == {"data": []}
    assert fb.comment(reply).is_deleted


def test_hiding_is_refused_when_the_comment_is_by_the_page(
    fb: FacebookSandbox, graph: httpx.Client, post: str
) -> None:
    ours = fb.add_comment(post, "from the school", by_page=True)

    response = graph.post(f"/{ours}", params={"is_hidden": "true"})

    assert response.status_code == 400 and _error(response)["code"] == 100
    assert not fb.comment(ours).is_hidden


def test_blocked_edge_blocks_lists_and_unblocks_when_called(
    fb: FacebookSandbox, graph: httpx.Client, post: str, page_id: str, now: datetime
) -> None:
    fb.add_comment(post, "x", author_id="26000000000009", author_name="Parent Nine", created_time=now)

    assert graph.post(f"/{page_id}/blocked", data={"user": "26000000000009"}).json() == {
        "26000000000009": True
    }
    assert graph.get(f"/{page_id}/blocked").json()["data"] == [
        {"id": "26000000000009", "name": "Parent Nine"}
    ]
    assert graph.delete(f"/{page_id}/blocked", params={"user": "26000000000009"}).json() == {"success": True}
    assert fb.blocked(page_id) == set()


def test_bad_cursor_is_error_100_when_paging(graph: httpx.Client, post: str) -> None:
    response = graph.get(f"/{post}/comments", params={"after": "!!not-base64!!"})

    assert _error(response)["code"] == 100


def test_parse_fields_handles_nesting_and_modifiers_when_given_a_graph_field_list() -> None:
    assert parse_fields("id,from{id,name},comments.limit(5){id,parent{id}},message") == {
        "id": None,
        "from": {"id": None, "name": None},
        "comments": {"id": None, "parent": {"id": None}},
        "message": None,
    }


def test_sandbox_binds_a_free_port_and_stops_cleanly_when_used_as_a_context_manager() -> None:
    with Sandbox() as a, Sandbox() as b:
        assert a.url != b.url and a.url.startswith("http://127.0.0.1:")
    assert not a.is_running
    with pytest.raises(RuntimeError):
        _ = a.url


# -- the demo seed -------------------------------------------------------------------------------------------


@pytest.fixture
def demo(sandbox: Sandbox, now: datetime) -> Iterator[tuple[Sandbox, Any]]:
    yield sandbox, seed_demo(sandbox, now=now)


def _all_comments(sb: Sandbox, seed: Any) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    with httpx.Client(
        base_url=f"{sb.url}/v25.0", headers={"Authorization": f"Bearer {seed.page_token}"}
    ) as c:
        for post_id in seed.post_ids:
            body = c.get(
                f"/{post_id}/comments",
                params={
                    "filter": "stream",
                    "limit": 100,
                    "fields": "id,message,from{id,name},created_time,can_hide,parent{id}",
                },
            ).json()
            out.extend(body["data"])
    return out


def test_seed_demo_creates_the_brookfield_vale_page_when_called(
    demo: tuple[Sandbox, Any], now: datetime
) -> None:
    sb, seed = demo
    comments = _all_comments(sb, seed)

    assert (
        (seed.page_id, seed.page_token)
        == (PAGE_ID, PAGE_TOKEN)
        == ("104800000000001", "sandbox-page-token-brookfield-vale")
    )
    assert seed.page_name == "Brookfield Vale Primary School" and 5 <= seed.posts <= 6
    assert len(comments) == seed.total and 28 <= seed.total <= 40 and seed.replies >= 5
    assert all(datetime.strptime(c["created_time"], "%Y-%m-%dT%H:%M:%S%z") < now for c in comments)
    assert any("from" not in c for c in comments)
    assert any(c["from"]["id"] == seed.page_id and c["can_hide"] is False for c in comments if "from" in c)
    assert any(not c.isascii() and len(c) > 300 for c in (x["message"] for x in comments))
    texts = " ".join(c["message"] for c in comments)
    assert OFFICIAL_PHONE in texts and OFFICIAL_EMAIL in texts


def test_seed_demo_includes_a_valid_uk_mobile_and_an_email_when_seeded(demo: tuple[Sandbox, Any]) -> None:
    sb, seed = demo
    texts = [c["message"] for c in _all_comments(sb, seed)]

    mobiles = [
        m.number
        for t in texts
        for m in phonenumbers.PhoneNumberMatcher(t, "GB")
        if phonenumbers.number_type(m.number) == phonenumbers.PhoneNumberType.MOBILE
    ]
    assert mobiles and all(phonenumbers.is_valid_number(n) for n in mobiles)
    assert any(re.search(r"[\w.]+@(?!brookfieldvale)[\w.]+\.\w+", t) for t in texts)


def test_seed_demo_user_token_reads_nothing_when_used(demo: tuple[Sandbox, Any]) -> None:
    sb, seed = demo
    response = httpx.get(
        f"{sb.url}/v25.0/{seed.post_ids[0]}/comments", headers={"Authorization": f"Bearer {USER_TOKEN}"}
    )
    assert response.json() == {"data": []}


def test_demo_csvs_have_the_expected_headers_and_name_people_in_comments_when_read(
    demo: tuple[Sandbox, Any],
) -> None:
    sb, seed = demo
    with (DEMO_CONFIG / "roster.csv").open(newline="", encoding="utf-8") as f:
        roster_reader = csv.DictReader(f)
        roster = list(roster_reader)
    with (DEMO_CONFIG / "staff.csv").open(newline="", encoding="utf-8") as f:
        staff_reader = csv.DictReader(f)
        staff = list(staff_reader)
    texts = " ".join(c["message"] for c in _all_comments(sb, seed))

    assert roster_reader.fieldnames == [
        "Legal Forename",
        "Legal Surname",
        "Preferred Forename",
        "Year",
        "Reg Group",
        "Name Consent",
        "Photo Consent",
    ]
    assert staff_reader.fieldnames == ["Title", "First Name", "Last Name", "Role"]
    assert 18 <= len(roster) <= 25
    assert {"Rose", "Holly", "Grace", "Max"} <= {
        p["Preferred Forename"] or p["Legal Forename"] for p in roster
    }
    assert any(f"{p['Legal Forename']} {p['Legal Surname']}" in texts for p in roster)
    assert {"Headteacher", "Deputy Headteacher and DSL", "Office Manager"} <= {s["Role"] for s in staff}
    named_staff = [s for s in staff if f"{s['Title']} {s['Last Name']}" in texts.replace("\u00a0", " ")]
    assert len(named_staff) >= 3


def test_serve_seeds_and_answers_until_stopped_when_run_standalone(now: datetime) -> None:
    lines: list[str] = []
    ready = threading.Event()
    stop = threading.Event()

    def echo(line: str) -> None:
        lines.append(line)
        if line.startswith("Page token"):
            ready.set()

    worker = threading.Thread(target=serve, kwargs={"now": now, "echo": echo, "stop": stop}, daemon=True)
    worker.start()
    try:
        assert ready.wait(10)
        url = re.search(r"http://127\.0\.0\.1:\d+", lines[0])
        assert url is not None and PAGE_TOKEN in lines[2]
        response = httpx.get(
            f"{url.group(0)}/v25.0/{PAGE_ID}", headers={"Authorization": f"Bearer {PAGE_TOKEN}"}
        )
        assert response.json()["name"] == "Brookfield Vale Primary School"
    finally:
        stop.set()
        worker.join(10)
    assert not worker.is_alive()


def test_deleting_a_post_removes_it_and_its_comments_when_the_page_deletes_it(
    fb: FacebookSandbox, graph: httpx.Client, post: str, page_id: str, now: datetime
) -> None:
    comment = fb.add_comment(post, "x", author_id="26000000000001", author_name="A", created_time=now)

    assert graph.delete(f"/{post}").json() == {"success": True}

    assert graph.get(f"/{page_id}/published_posts").json() == {"data": []}
    assert _error(graph.get(f"/{post}/comments"))["error_subcode"] == 33
    assert _error(graph.get(f"/{comment}"))["error_subcode"] == 33


def test_stopping_closes_keep_alive_connections_when_a_client_still_holds_one(
    sandbox: Sandbox, fb: FacebookSandbox, page_id: str, page_token: str
) -> None:
    with httpx.Client(headers={"Authorization": f"Bearer {page_token}"}) as client:
        url = f"{sandbox.url}/v25.0/{page_id}"
        assert client.get(url).status_code == 200

        sandbox.stop()

        with pytest.raises(httpx.TransportError):
            client.get(url)
