"""The emulator's HTTP transport: a threaded loopback server, request decoding, replies.

It knows nothing of Slack's methods; every request goes to one ``Answer`` callable.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, cast
from urllib.parse import parse_qsl

log = logging.getLogger(__name__)

# Arguments that carry JSON inside a form field, and Slack's error when that JSON is broken.
JSON_ARGUMENTS: Mapping[str, str] = {
    "blocks": "invalid_blocks_format",
    "attachments": "invalid_attachments",
    "view": "invalid_arguments",
    "metadata": "invalid_metadata_format",
    "files": "invalid_arguments",
}


@dataclass(frozen=True)
class Reply:
    """An HTTP answer: JSON ``body``, or ``text`` when set (Slack's upload host answers text)."""

    status: int
    body: dict[str, Any]
    headers: Mapping[str, str] | None = None
    text: str | None = None


# (path with query, headers with lower-case names, body) -> reply
Answer = Callable[[str, Mapping[str, str], bytes], Reply]


def error_reply(error: str, *messages: str, status: int = 200) -> Reply:
    """Slack's error answer, ``{"ok": false, "error": ...}``, with detail messages if any."""
    body: dict[str, Any] = {"ok": False, "error": error}
    if messages:
        body["response_metadata"] = {"messages": list(messages)}
    return Reply(status, body)


def decode_arguments(
    query: str, content_type: str, body: bytes
) -> tuple[dict[str, Any], str | None]:
    """Arguments from the query string and a form or JSON body, JSON-in-form fields decoded.

    Returns the arguments and, for a body that cannot be read, the Slack error code to answer.
    """
    args: dict[str, Any] = dict(parse_qsl(query, keep_blank_values=True))
    media_type = content_type.split(";")[0].strip().lower()
    text = body.decode("utf-8", errors="replace")
    if media_type == "application/json" and body:
        try:
            decoded = json.loads(text)
        except json.JSONDecodeError:
            return args, "invalid_json"
        if not isinstance(decoded, dict):
            return args, "json_not_object"
        args.update(decoded)
    elif body:
        args.update(parse_qsl(text, keep_blank_values=True))
    error: str | None = None
    for name, code in JSON_ARGUMENTS.items():
        value = args.get(name)
        if isinstance(value, str) and value.strip():
            try:
                args[name] = json.loads(value)
            except json.JSONDecodeError:
                error = error or code
    return args, error


class LoopbackServer(ThreadingHTTPServer):
    """A threaded HTTP server whose every request is answered by ``answer``."""

    # Request threads must not keep the process alive or make shutdown wait for a slow answer.
    daemon_threads = True
    # The default listen backlog of 5 drops bursts of connections (benchmarks, concurrent tests),
    # and a dropped SYN is retried only after a second.
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], answer: Answer) -> None:
        super().__init__(address, _RequestHandler)
        self.answer = answer


class _RequestHandler(BaseHTTPRequestHandler):
    """Reads one request (GET or POST), asks the server's ``answer``, writes the reply."""

    server_version = "SlackEmulator/1.0"

    def do_POST(self) -> None:
        self._serve()

    def do_GET(self) -> None:
        self._serve()

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        # Lower-cased names: urllib sends "Content-type", other clients "Content-Type".
        headers = {key.lower(): value for key, value in self.headers.items()}
        try:
            reply = cast(LoopbackServer, self.server).answer(self.path, headers, body)
        except Exception:
            # A bug in the emulator, not a Slack answer: say so loudly, and still answer (500)
            # so the client fails fast instead of waiting on a dropped connection.
            log.exception("the Slack emulator failed on %s", self.path)
            reply = error_reply("emulator_failure", status=500)
        if reply.text is not None:
            payload, content_type = reply.text.encode("utf-8"), "text/plain; charset=utf-8"
        else:
            payload = json.dumps(reply.body).encode("utf-8")
            content_type = "application/json; charset=utf-8"
        self.send_response(reply.status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        for name, value in (reply.headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:
        # http.server writes every request to stderr; keep it in the debug log instead.
        log.debug("emulator request: " + format, *args)
