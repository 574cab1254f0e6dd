"""Meta webhooks over real HTTP: handshake, signatures, duplicates, batches, state changes, IG envelopes."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.config import SecretStore, Settings, parse_config
from bot.models import Case, Item
from bot.pipeline import Pipeline
from bot.schools import build_connector, build_runtime, school_ids, sync_schools
from bot.webhooks import PATH, ConnectorMentionResolver, WebhookIngest, create_app
from connectors.base import ItemKind, PlatformState, Secret
from connectors.errors import MalformedResponseError
from connectors.sandbox import Sandbox
from connectors.sandbox.webhooks import (
    MetaWebhookEmitter,
    facebook_comment_change,
    instagram_comment_entry,
    page_delivery,
)
from connectors.webhooks import parse_delivery
from tests.bot.servers import ServerThread

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
PAGE_ID, IG_ID, TOKEN = "104800000000321", "17841400000000321", "page-token-webhooks"
IG_TOKEN = "ig-token-webhooks"
APP_SECRET, VERIFY_TOKEN = "test-app-secret-42", "test-verify-token-7"


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with Sandbox() as sb:
        sb.facebook.add_page(PAGE_ID, "Hazel Road Primary", TOKEN)
        sb.instagram.add_account(IG_ID, "hazelroadprimary", IG_TOKEN)
        yield sb


@pytest.fixture
def settings(sandbox: Sandbox) -> Settings:
    return parse_config({"schools": [{
        "slug": "hazel-road", "name": "Hazel Road Primary", "nation": "ENG",
        "accounts": [
            {"platform": "facebook", "external_id": PAGE_ID, "token_env": "HR_TOKEN", "api_base_url": sandbox.url},
            {"platform": "instagram", "external_id": IG_ID, "token_env": "HR_IG_TOKEN", "api_base_url": sandbox.url},
        ],
    }]})


@pytest.fixture
def polls() -> list[int]:
    return []


@pytest.fixture
def receiver(sessions: sessionmaker[Session], settings: Settings, polls: list[int]) -> Iterator[str]:
    refs = sync_schools(sessions, settings)
    school_id = school_ids(sessions)["hazel-road"]
    runtime = build_runtime(school_id, settings.schools[0], settings)
    secrets = SecretStore(environ={"HR_TOKEN": TOKEN, "HR_IG_TOKEN": IG_TOKEN}, dotenv_path=None)
    ingest = WebhookIngest(sessions, Pipeline(sessions, clock=lambda: NOW), {school_id: runtime}, polls.append,
                           ConnectorMentionResolver(refs, secrets))
    app = create_app(ingest, app_secret=Secret(APP_SECRET), verify_token=Secret(VERIFY_TOKEN), max_body_bytes=50_000)
    with ServerThread(app) as server:
        yield server.url + PATH


@pytest.fixture
def emitter() -> Iterator[MetaWebhookEmitter]:
    emitter = MetaWebhookEmitter(APP_SECRET)
    yield emitter
    emitter.close()


def _comments(sandbox: Sandbox, texts: list[str]) -> list[str]:
    post = sandbox.facebook.add_post(PAGE_ID, "Christmas fair", created_time=NOW - timedelta(hours=5))
    return [sandbox.facebook.add_comment(post, text, author_id=f"7{n}", author_name=f"Parent {n}",
                                         created_time=NOW - timedelta(minutes=30 - n))
            for n, text in enumerate(texts)]


def _delivery(sandbox: Sandbox, ids: list[str], verb: str = "add") -> dict:  # type: ignore[type-arg]
    return page_delivery(PAGE_ID, [facebook_comment_change(PAGE_ID, sandbox.facebook.comment(i), verb=verb) for i in ids],
                         when=NOW)


def count(sessions: sessionmaker[Session], model: type) -> int:
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_subscription_handshake_echoes_the_challenge_only_for_our_token(receiver: str) -> None:
    ok = httpx.get(receiver, params={"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "1158201444"})
    assert ok.status_code == 200 and ok.text == "1158201444"
    bad = httpx.get(receiver, params={"hub.mode": "subscribe", "hub.verify_token": "guess", "hub.challenge": "1"})
    assert bad.status_code == 403


def test_signed_delivery_enters_the_pipeline_and_opens_cases(
    receiver: str, sandbox: Sandbox, emitter: MetaWebhookEmitter, sessions: sessionmaker[Session]
) -> None:
    ids = _comments(sandbox, ["Lovely fair, thank you", "You lot are useless idiots"])
    response = emitter.deliver(receiver, _delivery(sandbox, ids))
    assert response.status_code == 200
    assert response.json()["new_items"] == 2
    with sessions() as session:
        item = session.scalars(select(Item).where(Item.external_id == ids[1])).one()
        assert item.created_at == sandbox.facebook.comment(ids[1]).created_time  # epoch seconds parsed
        assert item.case_id is not None and session.get(Case, item.case_id).category == "abuse"  # type: ignore[union-attr]


def test_bad_signature_is_refused_with_403_stores_nothing_and_logs_no_body(
    receiver: str, sandbox: Sandbox, emitter: MetaWebhookEmitter, sessions: sessionmaker[Session],
    caplog: pytest.LogCaptureFixture,
) -> None:
    ids = _comments(sandbox, ["a secret message about Lucinda"])
    caplog.set_level(logging.DEBUG)
    forged = emitter.deliver(receiver, _delivery(sandbox, ids), signature="sha256=" + "0" * 64)
    unsigned = emitter.deliver(receiver, _delivery(sandbox, ids), signature="")
    assert forged.status_code == unsigned.status_code == 403
    assert count(sessions, Item) == 0
    assert "Lucinda" not in caplog.text and "secret message" not in caplog.text


def test_body_altered_after_signing_is_refused(receiver: str, sandbox: Sandbox, emitter: MetaWebhookEmitter) -> None:
    ids = _comments(sandbox, ["fine"])
    body = json.dumps(_delivery(sandbox, ids)).encode()
    from connectors.webhooks import sign

    signature = sign(Secret(APP_SECRET), body)
    assert emitter.deliver(receiver, body.replace(b"fine", b"FINE"), signature=signature).status_code == 403
    # Re-serialising the same JSON differently also breaks it: the signature covers the raw bytes.
    respaced = json.dumps(json.loads(body), indent=1).encode()
    assert emitter.deliver(receiver, respaced, signature=signature).status_code == 403


def test_duplicate_deliveries_and_polling_store_each_comment_once(
    receiver: str, sandbox: Sandbox, emitter: MetaWebhookEmitter, sessions: sessionmaker[Session], settings: Settings
) -> None:
    ids = _comments(sandbox, ["What time does the fair open?", "Shut up you muppet"])
    delivery = _delivery(sandbox, ids)
    first = emitter.deliver(receiver, delivery).json()
    second = emitter.deliver(receiver, delivery).json()
    assert first["new_items"] == 2 and second["new_items"] == 0 and second["duplicates"] == 2
    # The poller then sees the same comments: nothing new either.
    school = settings.schools[0]
    connector = build_connector(school.accounts[0], school, SecretStore(environ={"HR_TOKEN": TOKEN}, dotenv_path=None))
    refs = sync_schools(sessions, settings)
    runtime = build_runtime(school_ids(sessions)["hazel-road"], school, settings)
    result = Pipeline(sessions, clock=lambda: NOW).poll(runtime, refs[0].account_id, connector)
    connector.close()
    assert result.new_items == 0
    assert count(sessions, Item) == 2 and count(sessions, Case) == 2


def test_batched_deliveries_are_all_stored(
    receiver: str, sandbox: Sandbox, emitter: MetaWebhookEmitter, sessions: sessionmaker[Session]
) -> None:
    ids = _comments(sandbox, [f"comment number {n}" for n in range(7)])
    responses = emitter.deliver_batches(receiver, _delivery(sandbox, ids), batch_size=3)
    assert [r.status_code for r in responses] == [200, 200, 200]
    assert count(sessions, Item) == 7


def test_hide_and_remove_events_update_stored_items(
    receiver: str, sandbox: Sandbox, emitter: MetaWebhookEmitter, sessions: sessionmaker[Session]
) -> None:
    ids = _comments(sandbox, ["first", "second"])
    emitter.deliver(receiver, _delivery(sandbox, ids))
    emitter.deliver(receiver, _delivery(sandbox, ids[:1], verb="hide"))
    emitter.deliver(receiver, _delivery(sandbox, ids[1:], verb="remove"))
    with sessions() as session:
        states = dict(session.execute(select(Item.external_id, Item.platform_state)).all())
    assert states == {ids[0]: "hidden", ids[1]: "deleted"}


def test_instagram_comments_in_both_envelopes_and_mentions_looked_up_by_id(
    receiver: str, emitter: MetaWebhookEmitter, sessions: sessionmaker[Session], sandbox: Sandbox, polls: list[int]
) -> None:
    media_id, comment_id = sandbox.instagram.add_mention(IG_ID, "@hazelroadprimary you are a disgrace",
                                                         username="someone_else", author_id="553",
                                                         timestamp=NOW - timedelta(minutes=3))
    entries = [
        instagram_comment_entry(IG_ID, "1790000000001", "Great photos!", when=NOW, username="parent_a",
                                user_id="551", media_id="1800000000009", envelope="changes"),
        instagram_comment_entry(IG_ID, "1790000000002", "Is there school tomorrow?", when=NOW, username="parent_b",
                                user_id="552", media_id="1800000000009", envelope="entry"),
        {"id": IG_ID, "time": int(NOW.timestamp()),
         "changes": [{"field": "mentions", "value": {"media_id": media_id, "comment_id": comment_id}}]},
    ]
    response = emitter.deliver(receiver, {"object": "instagram", "entry": entries})
    assert response.status_code == 200, response.text
    assert response.json()["new_items"] == 3 and response.json()["mention_failures"] == 0
    assert polls == []
    with sessions() as session:
        mention = session.scalars(select(Item).where(Item.external_id == comment_id)).one()
        assert mention.kind == "mention" and "disgrace" in (mention.text or "")
        top_level = session.scalars(select(Item).where(Item.external_id == "1790000000001")).one()
        assert top_level.parent_external_id == "1800000000009"  # as polling records it


def test_a_mention_that_cannot_be_looked_up_is_counted_not_fatal(
    receiver: str, emitter: MetaWebhookEmitter, sessions: sessionmaker[Session]
) -> None:
    entry = {"id": IG_ID, "time": int(NOW.timestamp()),
             "changes": [{"field": "mentions", "value": {"media_id": "404404", "comment_id": "404405"}}]}
    response = emitter.deliver(receiver, {"object": "instagram", "entry": [entry]})
    assert response.status_code == 200 and response.json()["mention_failures"] == 1
    assert count(sessions, Item) == 0


def test_signed_but_malformed_delivery_gets_400(receiver: str, emitter: MetaWebhookEmitter) -> None:
    assert emitter.deliver(receiver, b"{not json").status_code == 400
    assert emitter.deliver(receiver, {"object": "page"}).status_code == 400


def test_oversized_delivery_gets_413(receiver: str, emitter: MetaWebhookEmitter) -> None:
    assert emitter.deliver(receiver, b"x" * 60_000).status_code == 413


@pytest.mark.parametrize(
    ("payload", "problem"),
    [
        ({"object": "page", "entry": [{"id": "1", "changes": [{"field": "feed", "value": {"item": "comment", "verb": "add"}}]}]}, "comment_id"),
        ({"object": "page", "entry": [{"id": "1", "changes": [{"field": "feed", "value": {"item": "comment", "verb": "add", "comment_id": "1_2"}}]}]}, "time"),
        ({"object": "user", "entry": []}, "object"),
        ({"object": "page", "entry": ["x"]}, "entry"),
    ],
)
def test_parse_delivery_names_what_is_missing(payload: dict, problem: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(MalformedResponseError, match=problem):
        parse_delivery(json.dumps(payload).encode())


def test_parse_delivery_reads_mentions_replies_and_ignores_reactions() -> None:
    when = int(NOW.timestamp())
    payload = {"object": "page", "entry": [{"id": PAGE_ID, "time": when, "changes": [
        {"field": "mention", "value": {"item": "comment", "verb": "add", "post_id": "9_1", "comment_id": "1_5",
                                       "message": "@Hazel Road", "sender_id": "44", "sender_name": "A"}},
        {"field": "feed", "value": {"item": "comment", "verb": "add", "post_id": "9_1", "parent_id": "1_4",
                                    "comment_id": "1_6", "message": "reply", "created_time": when}},
        {"field": "feed", "value": {"item": "reaction", "verb": "add", "post_id": "9_1"}},
    ]}]}
    delivery = parse_delivery(json.dumps(payload).encode())
    kinds = {i.external_id: i.kind for i in delivery.items}
    assert kinds == {"1_5": ItemKind.MENTION, "1_6": ItemKind.REPLY}
    assert delivery.items[0].author.external_id == "44" and delivery.ignored == 1
    assert all(i.platform_state is PlatformState.VISIBLE for i in delivery.items)
