"""Contract-suite harness for the Instagram Graph sandbox."""

from __future__ import annotations

from datetime import timedelta
from typing import ClassVar, Literal

from connectors._http import HttpClient
from connectors.base import Action, Connector, Secret
from connectors.instagram import InstagramConnector
from connectors.sandbox import ManualClock, Sandbox

IG_USER_ID = "17841400000000900"
TOKEN = "contract-token-ig"


class InstagramHarness:
    platform: ClassVar[str] = "instagram"

    def __init__(self, sandbox: Sandbox, http: HttpClient, clock: ManualClock) -> None:
        self.ig = sandbox.instagram
        self.sandbox, self.http, self.clock = sandbox, http, clock
        self.ig.add_account(IG_USER_ID, "contract.primary", TOKEN)
        self.media = self.ig.add_media(IG_USER_ID, "Contract post", timestamp=clock.now - timedelta(days=2))
        self._n = 0

    def make_connector(self) -> Connector:
        return InstagramConnector(
            ig_user_id=IG_USER_ID,
            token=Secret(TOKEN),
            http=self.http,
            base_url=self.sandbox.url,
            clock=self.clock,
            page_size=7,
        )

    def _next_time(self) -> timedelta:
        self._n += 1
        return timedelta(days=1) - timedelta(minutes=self._n)

    def seed(self, n: int) -> list[str]:
        return [self.add_item(f"seeded comment {i}") for i in range(n)]

    def add_item(self, text: str) -> str:
        return self.ig.add_comment(
            self.media,
            text,
            author_id=f"178414{self._n:011d}",
            username="a.parent",
            timestamp=self.clock.now - self._next_time(),
        )

    def target_for(self, action: Action) -> str:
        comment = self.add_item(f"target for {action.value}")
        if action is Action.UNHIDE:
            self.make_connector().hide(comment)
        return comment

    def assert_applied(self, action: Action, target: str, result: str | None) -> None:
        state = self.ig.comment(target)
        if action is Action.HIDE:
            assert state.is_hidden
        elif action is Action.UNHIDE:
            assert not state.is_hidden
        elif action is Action.DELETE:
            assert state.is_deleted
        elif action is Action.REPLY:
            assert result is not None and result in state.replies and self.ig.comment(result).by_owner

    def fail_next(self, n: int, status: int) -> None:
        self.ig.fail_next(n, status=status)

    def rate_limit(self) -> float:
        self.ig.rate_limit(code=80002, minutes=1, times=1)
        return 60.0

    def expire_token(self) -> None:
        self.ig.expire_token(TOKEN)

    def malformed(self, mode: Literal["invalid_json", "missing_fields"]) -> None:
        self.ig.respond_malformed(1, mode=mode)
