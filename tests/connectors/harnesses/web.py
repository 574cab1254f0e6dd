"""Contract-suite harness for the web feed sandbox: a keyed local-news feed, some stories naming a school."""

from __future__ import annotations

from datetime import timedelta
from typing import ClassVar, Literal

from connectors._http import HttpClient
from connectors.base import Action, Connector, Secret
from connectors.sandbox import ManualClock, Sandbox
from connectors.web import WebMentionsConnector, external_id_for

FEED = "contract-news"
KEY = "contract-feed-key"


class WebHarness:
    platform: ClassVar[str] = "web"

    def __init__(self, sandbox: Sandbox, http: HttpClient, clock: ManualClock) -> None:
        self.web = sandbox.web
        self.sandbox, self.http, self.clock = sandbox, http, clock
        self.url = f"{sandbox.url}{self.web.add_feed(FEED, title='Contract Gazette', key=KEY)}"
        self._n = 0

    def make_connector(self) -> Connector:
        return WebMentionsConnector(
            feed_url=self.url,
            terms=("Contract Primary School", "Contract Primary"),
            http=self.http,
            token=Secret(KEY),
            clock=self.clock,
        )

    def seed(self, n: int) -> list[str]:
        return [self.add_item(f"seeded story {i}") for i in range(n)]

    def add_item(self, text: str) -> str:
        self._n += 1
        # Every other story is about somebody else: only the ones naming the school are items.
        self.web.add_entry(
            FEED,
            title=f"Council news {self._n}",
            summary_html="<p>Nothing about schools.</p>",
            published=self.clock.now - timedelta(days=1) + timedelta(minutes=self._n),
        )
        entry = self.web.add_entry(
            FEED,
            title=f"Contract Primary in the news: {text}",
            summary_html=f"<p>{text}</p>",
            published=self.clock.now - timedelta(days=1) + timedelta(minutes=self._n, seconds=30),
        )
        return external_id_for(self.url, entry)

    def target_for(self, action: Action) -> str:
        return self.add_item(f"target for {action.value}")

    def assert_applied(self, action: Action, target: str, result: str | None) -> None:
        raise AssertionError("web mentions support no actions")

    def fail_next(self, n: int, status: int) -> None:
        self.web.fail_next(n, status=status)

    def rate_limit(self) -> float:
        self.web.rate_limit(retry_after=30, times=1)
        return 30.0

    def expire_token(self) -> None:
        self.web.expire_token(KEY)

    def malformed(self, mode: Literal["invalid_json", "missing_fields"]) -> None:
        self.web.respond_malformed(1, mode=mode)
