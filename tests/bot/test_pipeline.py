"""The poll pipeline end to end: real sandbox over HTTP, real detectors, real SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot import audit
from bot.config import SecretStore, Settings, parse_config
from bot.models import Account, Case, CursorState, Finding, Item, OutboxMessage
from bot.pipeline import Pipeline, SchoolRuntime
from bot.schools import AccountRef, build_connector, build_runtime, school_ids, sync_schools
from connectors.errors import AuthError
from connectors.sandbox import Sandbox

NOW = datetime(2026, 11, 18, 12, 0, tzinfo=UTC)  # a Wednesday
PAGE_ID = "555000000000001"
TOKEN = "test-page-token-oak-lane"
PUPIL = "Tamsin Featherstone"  # made up; on the test roster below


class FixedClock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with Sandbox() as sb:
        fb = sb.facebook
        fb.add_page(PAGE_ID, "Oak Lane Primary", TOKEN)
        post = fb.add_post(PAGE_ID, "Harvest festival photos!", created_time=NOW - timedelta(days=2))
        comments = [
            "Lovely photos, thank you!",
            f"Well done {PUPIL} in 5W, what a star",
            "You are a bunch of useless idiots",
            "What time does the harvest assembly start on Friday?",
            "My daughter says a man keeps messaging her asking for photos of herself",
            "Call me on 07911 123456 about the lost coat",
        ]
        for n, message in enumerate(comments):
            fb.add_comment(post, message, author_id=f"9{n}", author_name=f"Parent {n}",
                           created_time=NOW - timedelta(days=1, minutes=10 * n))
        fb.add_comment(post, "Any questions? What would you like to know? Ring the office.", by_page=True,
                       created_time=NOW - timedelta(hours=20))
        yield sb


@pytest.fixture
def settings(sandbox: Sandbox, tmp_path: Path) -> Settings:
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "Legal Forename,Legal Surname,Preferred Forename,Year,Reg Group,Name Consent,Photo Consent\n"
        "Tamsin,Featherstone,,Year 5,5W,No,Yes\nBarnaby,Quill,Barney,Year 2,2K,Yes,Yes\n",
        encoding="utf-8",
    )
    staff = tmp_path / "staff.csv"
    staff.write_text("Title,First Name,Last Name,Role\nMr,Desmond,Pemberton,Headteacher\n", encoding="utf-8")
    return parse_config({"schools": [{
        "slug": "oak-lane", "name": "Oak Lane Primary", "nation": "ENG",
        "official_phone": ["01632 960999"], "roster": str(roster), "staff": str(staff),
        "accounts": [{"platform": "facebook", "external_id": PAGE_ID, "token_env": "OAK_TOKEN",
                      "api_base_url": sandbox.url}],
    }]})


@pytest.fixture
def world(sessions: sessionmaker[Session], settings: Settings) -> tuple[SchoolRuntime, AccountRef]:
    refs = sync_schools(sessions, settings)
    runtime = build_runtime(school_ids(sessions)["oak-lane"], settings.schools[0], settings)
    return runtime, refs[0]


SECRETS = SecretStore(environ={"OAK_TOKEN": TOKEN}, dotenv_path=None)


def poll(pipeline: Pipeline, world: tuple[SchoolRuntime, AccountRef], secrets: SecretStore = SECRETS):  # type: ignore[no-untyped-def]
    runtime, ref = world
    connector = build_connector(ref.config, ref.school, secrets, clock=FixedClock(NOW), sleep=lambda s: None)
    try:
        return pipeline.poll(runtime, ref.account_id, connector)
    finally:
        connector.close()


def count(sessions: sessionmaker[Session], model: type) -> int:
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_poll_stores_items_and_opens_cases_when_run_once(sessions: sessionmaker[Session], world) -> None:  # type: ignore[no-untyped-def]
    result = poll(Pipeline(sessions, clock=FixedClock(NOW)), world)
    assert result.new_items == count(sessions, Item) >= 6
    with sessions() as session:
        categories = set(session.scalars(select(Case.category)))
        assert {"abuse", "pupil_identified", "safeguarding", "personal_details"} <= categories
        assert session.get(CursorState, world[1].account_id) is not None
        account = session.get(Account, world[1].account_id)
        assert account is not None and account.health == "ok" and account.last_success_at == NOW
        assert audit.verify(session).ok


def test_polling_again_creates_no_duplicates_when_nothing_changed(sessions: sessionmaker[Session], world) -> None:  # type: ignore[no-untyped-def]
    pipeline = Pipeline(sessions, clock=FixedClock(NOW))
    first = poll(pipeline, world)
    second = poll(pipeline, world)
    assert second.new_items == 0 and second.new_cases == 0
    assert count(sessions, Item) == first.new_items
    assert count(sessions, Case) == first.new_cases
    assert count(sessions, OutboxMessage) == first.new_cases


def test_crash_before_commit_loses_nothing_and_duplicates_nothing(sessions: sessionmaker[Session], world) -> None:  # type: ignore[no-untyped-def]
    def crash(session: Session) -> None:
        raise RuntimeError("power cut")

    with pytest.raises(RuntimeError, match="power cut"):
        poll(Pipeline(sessions, clock=FixedClock(NOW), before_commit=crash), world)
    assert count(sessions, Item) == count(sessions, Case) == count(sessions, CursorState) == 0

    pipeline = Pipeline(sessions, clock=FixedClock(NOW))
    recovered = poll(pipeline, world)
    assert recovered.new_items >= 6
    assert poll(pipeline, world).new_items == 0
    assert count(sessions, Item) == recovered.new_items
    assert count(sessions, Case) == recovered.new_cases


def test_new_comment_after_the_cursor_is_picked_up(sessions: sessionmaker[Session], world, sandbox: Sandbox) -> None:  # type: ignore[no-untyped-def]
    pipeline = Pipeline(sessions, clock=FixedClock(NOW))
    before = poll(pipeline, world).new_items
    posts = [r for r in sandbox.facebook.requests if "published_posts" in r.path]
    assert posts, "the connector should list the page's posts"
    post_id = sandbox.facebook.add_post(PAGE_ID, "Snow closure tomorrow", created_time=NOW - timedelta(hours=3))
    sandbox.facebook.add_comment(post_id, "Is the school open on Monday?", author_id="77", author_name="Parent X",
                                 created_time=NOW - timedelta(hours=1))
    after = poll(pipeline, world)
    assert after.new_items == 1
    assert count(sessions, Item) == before + 1


def test_reply_clock_starts_for_questions(sessions: sessionmaker[Session], world) -> None:  # type: ignore[no-untyped-def]
    poll(Pipeline(sessions, clock=FixedClock(NOW)), world)
    with sessions() as session:
        question = session.scalars(select(Item).where(Item.text.like("What time%"))).one()
        case = session.get(Case, question.case_id)
        assert case is not None and case.needs_response and case.sla_kind == "standard"
        # Received Tuesday 11:20 UTC (GMT) → due Wednesday 11:20.
        assert case.due_at == question.created_at + timedelta(days=1)


def test_alerts_never_carry_pupil_names_or_safeguarding_text(sessions: sessionmaker[Session], world) -> None:  # type: ignore[no-untyped-def]
    poll(Pipeline(sessions, clock=FixedClock(NOW)), world)
    with sessions() as session:
        payloads = [m.payload for m in session.scalars(select(OutboxMessage))]
        explanations = list(session.scalars(select(Finding.explanation)))
    dumped = json.dumps(payloads) + json.dumps(explanations)
    assert "Tamsin" not in dumped and "Featherstone" not in dumped
    assert "07911" not in dumped
    safeguarding = [p for p in payloads if p["category"] == "safeguarding"]
    assert safeguarding and all(p["excerpt"] is None and p["restricted"] for p in safeguarding)
    assert any("[pupil]" in (p["excerpt"] or "") for p in payloads)


def test_expired_token_marks_the_account_and_stores_nothing(sessions: sessionmaker[Session], world, sandbox: Sandbox) -> None:  # type: ignore[no-untyped-def]
    sandbox.facebook.expire_token(TOKEN)
    with pytest.raises(AuthError):
        poll(Pipeline(sessions, clock=FixedClock(NOW)), world)
    with sessions() as session:
        account = session.get(Account, world[1].account_id)
        assert account is not None and account.health == "auth_expired"
        assert TOKEN not in (account.last_error or "")
    assert count(sessions, Item) == 0


class ExplodingAnalyzer:
    """A detector set with a bug on one kind of input."""

    def __init__(self, inner) -> None:  # type: ignore[no-untyped-def]
        self._inner = inner

    def analyze(self, text: str):  # type: ignore[no-untyped-def]
        if "harvest assembly" in text:
            raise ZeroDivisionError("detector bug")
        return self._inner.analyze(text)

    def analyze_many(self, texts):  # type: ignore[no-untyped-def]
        return [self.analyze(text) for text in texts]


def test_detector_failure_opens_a_case_for_a_person_instead_of_losing_the_item(sessions: sessionmaker[Session], world) -> None:  # type: ignore[no-untyped-def]
    runtime, ref = world
    broken = replace(runtime, analyzer=ExplodingAnalyzer(runtime.analyzer))
    poll(Pipeline(sessions, clock=FixedClock(NOW)), (broken, ref))
    with sessions() as session:
        item = session.scalars(select(Item).where(Item.text.like("%harvest assembly%"))).one()
        case = session.get(Case, item.case_id)
        assert case is not None and case.category == "unclassified"
        # Its neighbours in the same batch were still classified normally.
        assert "abuse" in set(session.scalars(select(Case.category)))


def test_the_schools_own_comments_are_stored_but_open_no_case(sessions: sessionmaker[Session], world) -> None:  # type: ignore[no-untyped-def]
    poll(Pipeline(sessions, clock=FixedClock(NOW)), world)
    with sessions() as session:
        own = session.scalars(select(Item).where(Item.author_external_id == PAGE_ID)).one()
        assert own.case_id is None
