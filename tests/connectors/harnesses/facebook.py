"""Contract-suite harness for the Facebook Graph sandbox."""

from __future__ import annotations

from datetime import timedelta
from typing import ClassVar, Literal

from connectors._http import HttpClient
from connectors.base import Action, Connector, Secret
from connectors.facebook import FacebookConnector
from connectors.sandbox import ManualClock, Sandbox

PAGE_ID = "104800000000900"
TOKEN = "contract-page-token-fb"


class FacebookHarness:
    platform: ClassVar[str] = "facebook"

    def __init__(self, sandbox: Sandbox, http: HttpClient, clock: ManualClock) -> None:
        self.fb = sandbox.facebook
        self.sandbox, self.http, self.clock = sandbox, http, clock
        self.fb.add_page(PAGE_ID, "Contract Primary", TOKEN)
        self.post = self.fb.add_post(PAGE_ID, "Contract post", created_time=clock.now - timedelta(days=2))
        self._n = 0

    def make_connector(self) -> Connector:
        return FacebookConnector(page_id=PAGE_ID, token=Secret(TOKEN), http=self.http, base_url=self.sandbox.url,
                                 clock=self.clock, page_size=7)

    def _next_time(self) -> timedelta:
        self._n += 1
        return timedelta(days=1) - timedelta(minutes=self._n)

    def seed(self, n: int) -> list[str]:
        return [self.add_item(f"seeded comment {i}") for i in range(n)]

    def add_item(self, text: str) -> str:
        return self.fb.add_comment(self.post, text, author_id=f"2600000000{self._n:04d}", author_name="Parent",
                                   created_time=self.clock.now - self._next_time())

    def target_for(self, action: Action) -> str:
        if action is Action.BAN:
            return "26000000009999"
        comment = self.add_item(f"target for {action.value}")
        if action is Action.UNHIDE:
            self.make_connector().hide(comment)
        return comment

    def assert_applied(self, action: Action, target: str, result: str | None) -> None:
        if action is Action.BAN:
            assert target in self.fb.blocked(PAGE_ID)
            return
        state = self.fb.comment(target)
        if action is Action.HIDE:
            assert state.is_hidden
        elif action is Action.UNHIDE:
            assert not state.is_hidden
        elif action is Action.DELETE:
            assert state.is_deleted
        elif action is Action.REPLY:
            assert result is not None and result in state.replies

    def fail_next(self, n: int, status: int) -> None:
        self.fb.fail_next(n, status=status)

    def rate_limit(self) -> float:
        self.fb.rate_limit(code=613, minutes=1, times=1)
        return 60.0

    def expire_token(self) -> None:
        self.fb.expire_token(TOKEN)

    def malformed(self, mode: Literal["invalid_json", "missing_fields"]) -> None:
        self.fb.respond_malformed(1, mode=mode)
