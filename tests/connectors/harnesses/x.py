"""Contract-suite harness for the X API v2 sandbox."""

from __future__ import annotations

from datetime import timedelta
from typing import ClassVar, Literal

from connectors._http import HttpClient
from connectors.base import Action, Connector, Secret
from connectors.sandbox import ManualClock, Sandbox
from connectors.x import XConnector

SCHOOL_ID = "1580000000000000900"
HANDLE = "ContractPrimary"
TOKEN = "contract-x-user-token"
PARENT_ID = "1580000000000000901"


class XHarness:
    platform: ClassVar[str] = "x"

    def __init__(self, sandbox: Sandbox, http: HttpClient, clock: ManualClock) -> None:
        self.x = sandbox.x
        self.sandbox, self.http, self.clock = sandbox, http, clock
        self.x.add_user(SCHOOL_ID, HANDLE, "Contract Primary", token=TOKEN)
        self.x.add_user(PARENT_ID, "contract_parent", "Parent")
        self.root = self.x.add_tweet(
            SCHOOL_ID, "Welcome back after half term!", created_at=clock.now - timedelta(days=2)
        )
        self._n = 0

    def make_connector(self) -> Connector:
        return XConnector(
            user_id=SCHOOL_ID,
            token=Secret(TOKEN),
            http=self.http,
            base_url=self.sandbox.url,
            handle=HANDLE,
            search_terms=("Contract Primary",),
            clock=self.clock,
            page_size=10,
        )

    def _next_time(self) -> timedelta:
        self._n += 1
        return timedelta(days=1) - timedelta(minutes=self._n)

    def seed(self, n: int) -> list[str]:
        return [self.add_item(f"seeded mention {i}") for i in range(n)]

    def add_item(self, text: str) -> str:
        return self.x.add_tweet(PARENT_ID, f"@{HANDLE} {text}", created_at=self.clock.now - self._next_time())

    def target_for(self, action: Action) -> str:
        if action is Action.BAN:
            return PARENT_ID
        if action in (Action.HIDE, Action.UNHIDE):
            reply = self.x.add_tweet(
                PARENT_ID,
                f"a reply to {action.value}",
                reply_to=self.root,
                created_at=self.clock.now - self._next_time(),
            )
            if action is Action.UNHIDE:
                self.make_connector().hide(reply)
            return reply
        return self.add_item(f"target for {action.value}")

    def assert_applied(self, action: Action, target: str, result: str | None) -> None:
        if action is Action.BAN:
            assert target in self.x.muted(SCHOOL_ID)
        elif action is Action.HIDE:
            assert self.x.tweet(target).is_hidden
        elif action is Action.UNHIDE:
            assert not self.x.tweet(target).is_hidden
        elif action is Action.REPLY:
            assert result is not None and self.x.tweet(result).in_reply_to_tweet_id == target

    def fail_next(self, n: int, status: int) -> None:
        self.x.fail_next(n, status=status)

    def rate_limit(self) -> float:
        self.x.rate_limit(times=1, reset_in=60)
        return 60.0

    def expire_token(self) -> None:
        self.x.expire_token(TOKEN)

    def malformed(self, mode: Literal["invalid_json", "missing_fields"]) -> None:
        self.x.respond_malformed(1, mode=mode)
