"""An HTTP proxy between the action server and the backend that stops at one request.

The action server's ``TCN_BACKEND_URL`` points here; every request is passed on to
the real backend unchanged, except the first one matching an armed :class:`Hold`:

* ``before``: the request is held and never passed on (it did not reach the backend);
* ``during``: the request is sent to the backend and the test is told at once, before
  the backend answers (the test kills the backend while it works on it);
* ``after``: the backend's answer is held (the effect is done, the caller does not know).

In each case the test is told (``reached``), does its damage (SIGKILL), then
``release()``s; the caller then gets a 502, or nothing if it was killed.
"""

from __future__ import annotations

import http.client
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Optional
from urllib.parse import urlsplit

HOP_HEADERS = {"connection", "keep-alive", "transfer-encoding", "host", "content-length"}


@dataclass
class Hold:
    method: str
    path: re.Pattern[str]
    when: str  # before, during, after
    reached: threading.Event = field(default_factory=threading.Event)
    released: threading.Event = field(default_factory=threading.Event)
    backend_status: Optional[int] = None  # what the backend answered (after), if anything

    def release(self) -> None:
        self.released.set()


class FaultProxy:
    def __init__(self, backend_url: str) -> None:
        target = urlsplit(backend_url)
        self.backend_host = target.hostname or "127.0.0.1"
        self.backend_port = target.port or 80
        self.hold: Optional[Hold] = None
        self.seen: list[str] = []
        self._lock = threading.Lock()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                return

            def _any(self) -> None:
                proxy.handle(self)

            do_GET = do_POST = do_PATCH = do_DELETE = do_PUT = _any

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = int(self.server.server_address[1])
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> FaultProxy:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.hold is not None:
            self.hold.release()
        self.server.shutdown()
        self.server.server_close()

    def arm(self, method: str, path: str, when: str) -> Hold:
        assert when in ("before", "during", "after")
        hold = Hold(method, re.compile(path), when)
        with self._lock:
            self.hold = hold
        return hold

    def _take(self, method: str, path: str) -> Optional[Hold]:
        with self._lock:
            hold = self.hold
            if hold and hold.method == method and hold.path.search(path):
                self.hold = None
                return hold
        return None

    def handle(self, request: BaseHTTPRequestHandler) -> None:
        length = int(request.headers.get("Content-Length") or 0)
        body = request.rfile.read(length) if length else b""
        method, path = request.command, request.path
        self.seen.append(f"{method} {path}")
        hold = self._take(method, path)
        if hold is not None and hold.when == "before":
            hold.reached.set()
            hold.released.wait(120)
            self._reply(request, 502, b'{"error": {"code": "proxy_dropped"}}')
            return
        headers = {k: v for k, v in request.headers.items() if k.lower() not in HOP_HEADERS}
        connection = http.client.HTTPConnection(self.backend_host, self.backend_port, timeout=60)
        try:
            connection.request(method, path, body=body, headers=headers)
            if hold is not None and hold.when == "during":
                hold.reached.set()
                hold.released.wait(120)
            answer = connection.getresponse()
            status, content = answer.status, answer.read()
            content_type = answer.getheader("Content-Type") or "application/json"
        except OSError:
            if hold is not None:
                hold.reached.set()
            self._reply(request, 502, b'{"error": {"code": "backend_unreachable"}}')
            return
        finally:
            connection.close()
        if hold is not None and hold.when == "after":
            hold.backend_status = status
            hold.reached.set()
            hold.released.wait(120)
            self._reply(request, 502, b'{"error": {"code": "proxy_dropped"}}')
            return
        self._reply(request, status, content, content_type)

    @staticmethod
    def _reply(
        request: BaseHTTPRequestHandler,
        status: int,
        content: bytes,
        content_type: str = "application/json",
    ) -> None:
        try:
            request.send_response(status)
            request.send_header("Content-Type", content_type)
            request.send_header("Content-Length", str(len(content)))
            request.end_headers()
            request.wfile.write(content)
        except OSError:
            pass  # the caller was killed meanwhile
