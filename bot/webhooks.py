"""The HTTP endpoint Meta delivers Facebook and Instagram webhooks to; events enter the same pipeline as polls.

Bad signatures get 403 and nothing of the body is logged. Duplicates are expected: the UNIQUE key on items
makes a repeated delivery (or one that races a poll) store nothing twice.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.config import SecretStore
from bot.models import Account
from bot.pipeline import Pipeline, SchoolRuntime
from bot.schools import AccountRef, build_connector
from connectors.base import Item, PlatformState, Secret
from connectors.errors import ConnectorError, MalformedResponseError, PermanentError
from connectors.instagram import InstagramConnector
from connectors.webhooks import SIGNATURE_HEADER, Delivery, MentionLookup, handshake, parse_delivery, verify_signature

logger = logging.getLogger(__name__)

PATH = "/webhooks/meta"


@dataclass(frozen=True)
class WebhookResult:
    new_items: int
    duplicates: int
    state_changes: int
    poll_requests: int
    unknown_accounts: int
    mention_failures: int = 0


#: Looks up an Instagram mention by id through the account's connector, returning it as an Item.
MentionResolver = Callable[[int, MentionLookup], Item]


class WebhookIngest:
    """Routes a parsed delivery to the right school's pipeline, account by account."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        pipeline: Pipeline,
        runtimes: Mapping[int, SchoolRuntime],
        request_poll: Callable[[int], None],
        resolve_mention: MentionResolver,
    ) -> None:
        self._sessions = sessions
        self._pipeline = pipeline
        self._runtimes = runtimes
        self._request_poll = request_poll
        self._resolve_mention = resolve_mention

    def _accounts(self) -> dict[tuple[str, str], tuple[int, int]]:
        with self._sessions() as session:
            rows = session.execute(select(Account.platform, Account.external_id, Account.id, Account.school_id))
            return {(platform, external): (account_id, school_id) for platform, external, account_id, school_id in rows}

    def __call__(self, delivery: Delivery) -> WebhookResult:
        accounts = self._accounts()
        grouped: dict[tuple[str, str], list[Item]] = defaultdict(list)
        for item in delivery.items:
            grouped[(item.platform, item.account_external_id)].append(item)
        mention_failures = 0
        for mention in delivery.mentions:
            known = accounts.get((mention.platform, mention.account_external_id))
            if known is None:
                continue
            try:
                item = self._resolve_mention(known[0], mention)
            except ConnectorError as exc:
                # Meta retries a delivery only on a non-200; the lookup failing is ours to report, not theirs.
                mention_failures += 1
                logger.error("could not look up an Instagram mention for account %s: %s", known[0], exc)
                continue
            grouped[(item.platform, item.account_external_id)].append(item)
        new = duplicates = unknown = 0
        for key, items in grouped.items():
            if key not in accounts:
                unknown += 1
                logger.warning("webhook for an account SocialGuard does not know: %s %s", *key)
                continue
            account_id, school_id = accounts[key]
            result = self._pipeline.ingest(self._runtimes[school_id], account_id, items)
            new, duplicates = new + result.new_items, duplicates + result.duplicates
        states: dict[str, dict[str, PlatformState]] = defaultdict(dict)
        for change in delivery.state_changes:
            states[change.platform][change.external_id] = change.state
        changed = sum(self._pipeline.apply_states(platform, by_id) for platform, by_id in states.items())
        for poll in delivery.poll_requests:
            known = accounts.get((poll.platform, poll.account_external_id))
            if known is not None:
                self._request_poll(known[0])
        return WebhookResult(new, duplicates, changed, len(delivery.poll_requests), unknown, mention_failures)


def create_app(
    ingest: Callable[[Delivery], WebhookResult],
    *,
    app_secret: Secret,
    verify_token: Secret,
    max_body_bytes: int = 5_000_000,
) -> FastAPI:
    app = FastAPI(title="SocialGuard webhooks", docs_url=None, redoc_url=None, openapi_url=None)

    @app.get(PATH)
    def verify(request: Request) -> Response:
        challenge = handshake(dict(request.query_params), verify_token)
        if challenge is None:
            logger.warning("refused a webhook subscription check with a wrong verify token")
            return PlainTextResponse("forbidden", status_code=403)
        return PlainTextResponse(challenge)

    @app.post(PATH)
    async def receive(request: Request) -> Response:
        declared = request.headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > max_body_bytes:
            return JSONResponse({"error": "body too large"}, status_code=413)
        body = await request.body()
        if len(body) > max_body_bytes:
            return JSONResponse({"error": "body too large"}, status_code=413)
        if not verify_signature(app_secret, body, request.headers.get(SIGNATURE_HEADER)):
            # Never log the body: it is unauthenticated and may carry personal data.
            logger.warning("rejected a webhook delivery with a missing or invalid signature (%d bytes)", len(body))
            return JSONResponse({"error": "invalid signature"}, status_code=403)
        try:
            delivery = parse_delivery(body)
        except MalformedResponseError as exc:
            logger.error("signed webhook delivery could not be parsed: %s", exc)
            return JSONResponse({"error": "malformed delivery"}, status_code=400)
        result = await run_in_threadpool(ingest, delivery)
        return JSONResponse(
            {"new_items": result.new_items, "duplicates": result.duplicates, "state_changes": result.state_changes,
             "poll_requests": result.poll_requests, "unknown_accounts": result.unknown_accounts,
             "mention_failures": result.mention_failures}
        )

    return app


class ConnectorMentionResolver:
    """Resolves mentions with a fresh connector for the account, built from the config."""

    def __init__(self, refs: Sequence[AccountRef], secrets: SecretStore) -> None:
        self._refs = {ref.account_id: ref for ref in refs}
        self._secrets = secrets

    def __call__(self, account_id: int, mention: MentionLookup) -> Item:
        ref = self._refs.get(account_id)
        if ref is None:
            raise PermanentError(f"account {account_id} is not enabled in the config", platform=mention.platform)
        connector = build_connector(ref.config, ref.school, self._secrets)
        try:
            if not isinstance(connector, InstagramConnector):
                raise PermanentError("only Instagram sends mentions by id", platform=mention.platform)
            return connector.fetch_mention(mention.media_id, mention.comment_id)
        finally:
            connector.close()
