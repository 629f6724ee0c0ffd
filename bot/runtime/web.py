"""The WSGI application gunicorn serves: ``POST /slack/events`` for Slack, ``GET /healthz`` for probes."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler

from bot import __version__
from bot.services import Services
from bot.store.db import database_answers

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIEnvironment

WSGIApp = Callable[["WSGIEnvironment", "StartResponse"], Iterable[bytes]]

SLACK_EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
# Slack's largest payloads (a full modal state) are a few hundred KiB; anything far beyond is hostile.
MAX_BODY_BYTES = 1024 * 1024
# A refused body up to this size is read and thrown away so the client, still sending, gets the 413
# instead of a broken pipe; beyond it, the connection is simply closed.
MAX_DISCARDED_BYTES = 8 * MAX_BODY_BYTES
DISCARD_CHUNK_BYTES = 64 * 1024


def create_wsgi_app(app: App, services: Services) -> WSGIApp:
    """Route health checks ourselves and everything else through bolt's WSGI adapter."""
    slack_handler = SlackRequestHandler(app, path=SLACK_EVENTS_PATH)

    def application(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        if path == HEALTH_PATH and method in ("GET", "HEAD"):
            return _health(services, start_response)
        declared = _declared_length(environ)
        if declared > MAX_BODY_BYTES:
            if declared <= MAX_DISCARDED_BYTES:
                _discard_body(environ, declared)
            return _plain(start_response, "413 Content Too Large", "request body too large")
        if not _timestamp_is_numeric(environ):
            # slack_sdk's verifier does int(timestamp) and a ValueError became a 500 (which Slack
            # retries); a timestamp that is not a number can only be a request Slack did not sign.
            return _plain(start_response, "401 Unauthorized", "invalid request")
        return slack_handler(environ, start_response)

    return application


def _declared_length(environ: WSGIEnvironment) -> int:
    try:
        return int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _timestamp_is_numeric(environ: WSGIEnvironment) -> bool:
    """True when X-Slack-Request-Timestamp is absent (bolt refuses that itself) or ASCII digits."""
    value = environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP")
    if value is None:
        return True
    cleaned = str(value).strip()
    return cleaned.isascii() and cleaned.isdigit()


def _discard_body(environ: WSGIEnvironment, length: int) -> None:
    stream = environ["wsgi.input"]
    remaining = length
    while remaining > 0:
        chunk = stream.read(min(DISCARD_CHUNK_BYTES, remaining))
        if not chunk:
            return
        remaining -= len(chunk)


def _health(services: Services, start_response: StartResponse) -> Iterable[bytes]:
    ok = database_answers(services.engine)
    body = json.dumps(
        {
            "ok": ok,
            "database": "ok" if ok else "unreachable",
            "backend": services.engine.dialect.name,
            "version": __version__,
        }
    ).encode()
    status = "200 OK" if ok else "503 Service Unavailable"
    start_response(
        status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
    )
    return [body]


def _plain(start_response: StartResponse, status: str, text: str) -> Iterable[bytes]:
    body = text.encode()
    start_response(status, [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
