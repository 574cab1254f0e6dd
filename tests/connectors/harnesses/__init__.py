"""One harness per platform: how the shared contract suite drives that platform's sandbox and connector.

A new connector is not done until it has a harness here; ``test_contract.py`` has a meta-test for that.
"""

from __future__ import annotations

from typing import ClassVar, Literal, Protocol

from connectors._http import HttpClient
from connectors.base import Action, Connector
from connectors.sandbox import ManualClock, Sandbox


class Harness(Protocol):
    """Drives one platform's sandbox for the contract suite.

    Items are created strictly before ``clock.now`` and in chronological order. ``rate_limit`` returns the
    shortest wait, in seconds, that honouring the platform's signal implies.
    """

    platform: ClassVar[str]

    def __init__(self, sandbox: Sandbox, http: HttpClient, clock: ManualClock) -> None: ...

    def make_connector(self) -> Connector:
        """A connector for the harness's account, with small pages so paging is exercised."""
        ...

    def seed(self, n: int) -> list[str]:
        """Create ``n`` items the connector will fetch; return their external ids, oldest first."""
        ...

    def add_item(self, text: str) -> str:
        """Create one more fetchable item, newer than everything so far; return its external id."""
        ...

    def target_for(self, action: Action) -> str:
        """An id on which the (supported) action is allowed: an item id, or an author id for BAN."""
        ...

    def assert_applied(self, action: Action, target: str, result: str | None) -> None:
        """Assert the sandbox's state shows the action (``result`` is what the connector returned)."""
        ...

    def fail_next(self, n: int, status: int) -> None: ...

    def rate_limit(self) -> float: ...

    def expire_token(self) -> None: ...

    def malformed(self, mode: Literal["invalid_json", "missing_fields"]) -> None: ...


def _registry() -> dict[str, type[Harness]]:
    from tests.connectors.harnesses.facebook import FacebookHarness
    from tests.connectors.harnesses.instagram import InstagramHarness
    from tests.connectors.harnesses.web import WebHarness
    from tests.connectors.harnesses.x import XHarness
    from tests.connectors.harnesses.youtube import YouTubeHarness

    harnesses: list[type[Harness]] = [FacebookHarness, InstagramHarness, XHarness, YouTubeHarness, WebHarness]
    return {h.platform: h for h in harnesses}


HARNESSES: dict[str, type[Harness]] = _registry()
