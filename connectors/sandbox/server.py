"""The sandbox's HTTP plumbing: a loopback ``ThreadingHTTPServer`` that routes requests to platform simulators.

Platform modules (``facebook.py`` today; Instagram, X and YouTube later) register a :class:`Route` — a path
pattern, optionally a ``Host`` — and receive a parsed :class:`Request`; they return a :class:`Response`. The
server knows nothing about any platform, so a simulator is one module plus one ``router.add`` call.
"""

from __future__ import annotations

import json
import logging
import re
import socket
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Request:
    """One HTTP request as a simulator sees it. ``params`` merges the query string and a form or JSON body
    (the body wins), which is how the Graph API reads parameters on POST."""

    method: str
    path: str
    query: Mapping[str, str]
    form: Mapping[str, str]
    headers: Mapping[str, str]
    body: bytes
    base_url: str

    @property
    def params(self) -> dict[str, str]:
        return {**self.query, **self.form}

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


@dataclass(frozen=True, slots=True)
class Response:
    status: int
    body: bytes = b""
    headers: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, status: int, payload: Any, headers: Mapping[str, str] | None = None) -> Response:
        return cls(
            status,
            json.dumps(payload, ensure_ascii=False).encode("utf-8"),
            {"Content-Type": "application/json; charset=UTF-8", **(headers or {})},
        )


Handler = Callable[[Request, re.Match[str]], Response]


@dataclass(frozen=True, slots=True)
class Route:
    """Send requests whose path matches ``pattern`` (and whose ``Host`` is ``host``, when set) to ``handler``."""

    platform: str
    pattern: re.Pattern[str]
    handler: Handler
    host: str | None = None

    def match(self, request: Request) -> re.Match[str] | None:
        if self.host is not None and (request.header("host") or "").split(":")[0] != self.host:
            return None
        return self.pattern.match(request.path)


class Router:
    """An ordered list of routes; the first match wins."""

    def __init__(self) -> None:
        self._routes: list[Route] = []

    def add(self, platform: str, pattern: str, handler: Handler, *, host: str | None = None) -> None:
        self._routes.append(Route(platform, re.compile(pattern), handler, host))

    def dispatch(self, request: Request) -> Response:
        for route in self._routes:
            match = route.match(request)
            if match is not None:
                return route.handler(request, match)
        return Response.json(
            404, {"error": {"message": f"no sandbox route for {request.method} {request.path}"}}
        )


def _parse_body(content_type: str, body: bytes) -> dict[str, str]:
    if not body:
        return {}
    if content_type.startswith("application/x-www-form-urlencoded"):
        return dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
    if content_type.startswith("application/json"):
        try:
            payload = json.loads(body)
        except ValueError:
            return {}
        if isinstance(payload, dict):
            # Graph accepts JSON bodies; scalars arrive as strings either way, like form fields.
            return {k: v if isinstance(v, str) else json.dumps(v) for k, v in payload.items()}
    return {}


class SandboxServer:
    """A loopback HTTP server in a daemon thread, bound to an ephemeral port, dispatching through a
    :class:`Router`. ``drop_next(n)`` closes the next ``n`` connections without answering, to exercise the
    client's handling of transport errors."""

    def __init__(self, router: Router, *, host: str = "127.0.0.1", port: int = 0) -> None:
        self.router = router
        self._host = host
        self._port = port
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._drop = 0
        self._connections: set[socket.socket] = set()

    @property
    def url(self) -> str:
        if self._httpd is None:
            raise RuntimeError("the sandbox server is not running; call start() first")
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def is_running(self) -> bool:
        return self._httpd is not None

    def drop_next(self, n: int = 1) -> None:
        with self._lock:
            self._drop = n

    def _take_drop(self) -> bool:
        with self._lock:
            if self._drop > 0:
                self._drop -= 1
                return True
            return False

    def _track(self, connection: socket.socket, *, is_open: bool) -> None:
        with self._lock:
            if is_open:
                self._connections.add(connection)
            else:
                self._connections.discard(connection)

    def start(self) -> None:
        if self._httpd is not None:
            return
        httpd = ThreadingHTTPServer((self._host, self._port), _make_handler(self))
        # Keep-alive connections from a client that is never closed must not stop shutdown.
        httpd.daemon_threads = True
        httpd.block_on_close = False
        self._httpd = httpd
        self._thread = threading.Thread(
            target=httpd.serve_forever,
            kwargs={"poll_interval": 0.01},
            name="socialguard-sandbox",
            daemon=True,
        )
        self._thread.start()
        logger.debug("sandbox listening on %s", self.url)

    def stop(self) -> None:
        httpd, thread = self._httpd, self._thread
        if httpd is None:
            return
        httpd.shutdown()
        httpd.server_close()
        # Keep-alive connections outlive serve_forever; close them so a stopped sandbox answers nothing.
        with self._lock:
            connections, self._connections = self._connections, set()
        for connection in connections:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                continue
        if thread is not None:
            thread.join(timeout=5)
        self._httpd = None
        self._thread = None


def _make_handler(server: SandboxServer) -> type[BaseHTTPRequestHandler]:
    class _Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body go out in two writes; with Nagle on, keep-alive clients wait ~40 ms per response.
        disable_nagle_algorithm = True
        server_version = "SocialGuardSandbox/1.0"

        def setup(self) -> None:
            super().setup()
            server._track(self.connection, is_open=True)

        def finish(self) -> None:
            server._track(self.connection, is_open=False)
            super().finish()

        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            if server._take_drop():
                # Hang up without a status line: the client sees RemoteProtocolError, a transport failure.
                self.close_connection = True
                return
            parts = urlsplit(self.path)
            request = Request(
                method=self.command,
                path=parts.path,
                query=dict(parse_qsl(parts.query, keep_blank_values=True)),
                form=_parse_body(self.headers.get("Content-Type") or "", body),
                headers={k.lower(): v for k, v in self.headers.items()},
                body=body,
                base_url=f"http://{self.headers['Host']}" if self.headers.get("Host") else server.url,
            )
            try:
                response = server.router.dispatch(request)
            except Exception:
                # A simulator bug must surface as a 500 the test can see, not a hung connection.
                logger.exception("sandbox handler failed for %s %s", request.method, request.path)
                response = Response.json(500, {"error": {"message": "sandbox internal error", "code": 1}})
            self.send_response(response.status)
            for name, value in response.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(response.body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(response.body)

        do_GET = do_POST = do_DELETE = do_PUT = do_PATCH = do_HEAD = _handle

        def log_message(self, format: str, *args: Any) -> None:
            # The default writes to stderr, with the query string (which may hold access_token): log the
            # method and path only.
            logger.debug("sandbox %s %s", self.command, urlsplit(self.path).path)

    return _Handler
