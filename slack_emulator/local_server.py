"""Serve a WSGI app on loopback in a background thread (tests, demo, benchmarks).

Production traffic goes through gunicorn (``socialops serve``); this is the same WSGI app behind a
small threaded server so a test can start and stop the bot in milliseconds.
"""

from __future__ import annotations

import threading
from socketserver import ThreadingMixIn
from types import TracebackType
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server
from wsgiref.types import WSGIApplication as WSGIApp

# How often the serving loop checks for a stop (as the emulator's, slack_emulator/emulator.py).
POLL_INTERVAL = 0.05


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    # Tests restart servers quickly on fresh ports; don't let TIME_WAIT get in the way.
    allow_reuse_address = True
    # socketserver listens with a backlog of 5: twenty clients connecting at once on a busy
    # machine (the accept loop not yet scheduled) overflow it and the kernel resets the rest.
    request_queue_size = 128


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        """Keep test and demo output free of access logs."""


class LocalWSGIServer:
    """``with LocalWSGIServer(app) as server: server.url``"""

    def __init__(self, app: WSGIApp, *, host: str = "127.0.0.1", port: int = 0) -> None:
        self._server = make_server(
            host, port, app, server_class=_ThreadingWSGIServer, handler_class=_QuietHandler
        )
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            # stop() waits for the loop's next look at the shutdown flag: at socketserver's
            # default of 0.5 s that was half a second on every test that starts the bot.
            kwargs={"poll_interval": POLL_INTERVAL},
            name="socialops-local-wsgi",
            daemon=True,
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def events_url(self) -> str:
        return f"{self.url}/slack/events"

    def start(self) -> LocalWSGIServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> LocalWSGIServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
