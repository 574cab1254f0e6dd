"""A local, stateful simulator of the social platforms' APIs over real HTTP, for the demo and the tests.

    from connectors.sandbox import Sandbox, seed_demo

    with Sandbox() as sb:                     # binds 127.0.0.1 on a free port
        seed = seed_demo(sb, now=datetime.now(UTC))
        FacebookConnector(base_url=sb.url, page_id=seed.page_id, token=Secret(seed.page_token), ...)

Each platform simulator registers its routes with the server's router; the real connectors talk to it
unchanged, pointed at ``sb.url`` instead of the platform's host.
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Self

from connectors.base import Clock, utc_now
from connectors.sandbox._simulator import RecordedRequest
from connectors.sandbox.facebook import CommentSnapshot, FacebookSandbox
from connectors.sandbox.instagram import InstagramCommentSnapshot, InstagramSandbox
from connectors.sandbox.seed import DemoSeed, seed_demo
from connectors.sandbox.server import Router, SandboxServer
from connectors.sandbox.web import WebDemoSeed, WebSandbox, seed_demo_web
from connectors.sandbox.x import TweetSnapshot, XDemoSeed, XSandbox, seed_demo_x
from connectors.sandbox.youtube import YouTubeCommentSnapshot, YouTubeSandbox

__all__ = [
    "CommentSnapshot",
    "DemoSeed",
    "FacebookSandbox",
    "InstagramCommentSnapshot",
    "InstagramSandbox",
    "ManualClock",
    "RecordedRequest",
    "Sandbox",
    "TweetSnapshot",
    "WebDemoSeed",
    "WebSandbox",
    "XDemoSeed",
    "XSandbox",
    "YouTubeCommentSnapshot",
    "YouTubeSandbox",
    "seed_demo",
    "seed_demo_web",
    "seed_demo_x",
    "serve",
]

logger = logging.getLogger(__name__)


class ManualClock:
    """A :data:`~connectors.base.Clock` that only moves when told to, shared by the sandbox and the code under
    test so that "now" agrees on both sides of the wire."""

    def __init__(self, now: datetime) -> None:
        if now.tzinfo is None:
            raise ValueError("ManualClock needs a timezone-aware time")
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta | None = None, **parts: float) -> datetime:
        self.now += delta if delta is not None else timedelta(**parts)
        return self.now


class Sandbox:
    """All platform simulators behind one loopback HTTP server. Start it (or use it as a context manager),
    then point connectors at :attr:`url`."""

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0, clock: Clock = utc_now) -> None:
        self.router = Router()
        self.facebook = FacebookSandbox(clock=clock)
        # Instagram shares Graph's paths with Facebook: it routes first and passes on ids and tokens it does not own.
        self.instagram = InstagramSandbox(clock=clock)
        self.instagram.register(self.router, fallback=self.facebook.handle)
        self.facebook.register(self.router)
        self.youtube = YouTubeSandbox(clock=clock)
        self.youtube.register(self.router)
        self.x = XSandbox(clock=clock)
        self.x.register(self.router)
        self.web = WebSandbox(clock=clock)
        self.web.register(self.router)
        self._server = SandboxServer(self.router, host=host, port=port)

    @property
    def url(self) -> str:
        """Base URL, e.g. ``http://127.0.0.1:43117``; the Graph API lives under ``{url}/v25.0/``."""
        return self._server.url

    @property
    def is_running(self) -> bool:
        return self._server.is_running

    def drop_next(self, n: int = 1) -> None:
        """Hang up on the next ``n`` connections without answering (a transport error for the client)."""
        self._server.drop_next(n)

    def start(self) -> Self:
        self._server.start()
        return self

    def stop(self) -> None:
        self._server.stop()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _write_stdout(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def serve(
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    now: datetime | None = None,
    echo: Callable[[str], None] = _write_stdout,
    stop: threading.Event | None = None,
) -> None:
    """Seed the demo school and serve until interrupted (or until ``stop`` is set), telling ``echo`` the URL and
    the demo Page token so people can poke at it with curl."""
    stop = stop or threading.Event()
    with Sandbox(host=host, port=port) as sb:
        seed = seed_demo(sb, now=now or utc_now())
        echo(f"SocialGuard sandbox listening on {sb.url}")
        echo(f"Facebook Page: {seed.page_name} (id {seed.page_id})")
        echo(f"Page token (sandbox only): {seed.page_token}")
        echo(
            f"Try: curl -H 'Authorization: Bearer {seed.page_token}' "
            f"'{sb.url}/v25.0/{seed.page_id}/published_posts?fields=id,message,created_time'"
        )
        try:
            while not stop.wait(0.5):
                continue
        except KeyboardInterrupt:
            logger.info("sandbox interrupted; shutting down")
