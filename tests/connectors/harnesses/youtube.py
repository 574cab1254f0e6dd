"""Contract-suite harness for the YouTube Data API sandbox."""

from __future__ import annotations

from datetime import timedelta
from typing import ClassVar, Literal

from connectors._http import HttpClient
from connectors.base import Action, Connector, Secret
from connectors.sandbox import ManualClock, Sandbox
from connectors.youtube import YouTubeConnector

CHANNEL_ID = "UCcontractprimary0000009"
TOKEN = "contract-token-yt"


class YouTubeHarness:
    platform: ClassVar[str] = "youtube"

    def __init__(self, sandbox: Sandbox, http: HttpClient, clock: ManualClock) -> None:
        self.yt = sandbox.youtube
        self.sandbox, self.http, self.clock = sandbox, http, clock
        self.yt.add_channel(CHANNEL_ID, "Contract Primary", TOKEN)
        self.video = self.yt.add_video(
            CHANNEL_ID, "Contract video", published_at=clock.now - timedelta(days=2)
        )
        self._n = 0

    def make_connector(self) -> Connector:
        return YouTubeConnector(
            channel_id=CHANNEL_ID,
            token=Secret(TOKEN),
            http=self.http,
            base_url=f"{self.sandbox.url}/youtube/v3",
            clock=self.clock,
            page_size=7,
        )

    def _next_time(self) -> timedelta:
        self._n += 1
        return timedelta(days=1) - timedelta(minutes=self._n)

    def seed(self, n: int) -> list[str]:
        return [self.add_item(f"seeded comment {i}") for i in range(n)]

    def add_item(self, text: str) -> str:
        return self.yt.add_thread(
            self.video,
            text,
            author_name="@aparent",
            author_channel_id=f"UCparent{self._n:016d}",
            published_at=self.clock.now - self._next_time(),
        )

    def target_for(self, action: Action) -> str:
        # BAN takes a comment id too: YouTube bans through setModerationStatus on one of the author's comments.
        comment = self.add_item(f"target for {action.value}")
        if action is Action.UNHIDE:
            self.make_connector().hide(comment)
        return comment

    def assert_applied(self, action: Action, target: str, result: str | None) -> None:
        state = self.yt.comment(target)
        if action is Action.HIDE:
            assert state.moderation_status == "heldForReview"
        elif action is Action.UNHIDE:
            assert state.moderation_status == "published"
        elif action is Action.DELETE:
            assert state.moderation_status == "rejected"
        elif action is Action.BAN:
            assert state.moderation_status == "rejected"
            assert state.author_channel_id in self.yt.banned(CHANNEL_ID)
        elif action is Action.REPLY:
            assert result is not None and result in state.replies

    def fail_next(self, n: int, status: int) -> None:
        self.yt.fail_next(n, status=status)

    def rate_limit(self) -> float:
        self.yt.rate_limit(times=1, retry_after=30)
        return 30.0

    def expire_token(self) -> None:
        self.yt.expire_token(TOKEN)

    def malformed(self, mode: Literal["invalid_json", "missing_fields"]) -> None:
        self.yt.respond_malformed(1, mode=mode)
