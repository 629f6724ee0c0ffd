"""Socket Mode for the Slack emulator: the WebSocket that ``apps.connections.open`` hands out.

In Socket Mode the app connects out to Slack and Slack pushes events, slash commands and
interactions down that WebSocket as envelopes; the app acknowledges each one on the same socket
within 3 seconds, optionally with a response payload (a slash command's answer, a view submission's
errors). This module plays Slack's end, after https://docs.slack.dev/apis/events-api/using-socket-mode:

* ``issue_url()`` backs ``apps.connections.open``: a single-use ticket on a loopback port,
  ``ws://127.0.0.1:PORT/link/?ticket=...&app_id=...``. The server starts with the first ticket, so
  emulators that never see Socket Mode bind no second port.
* On connect Slack's ``hello``; then ``send()`` pushes an envelope and ``wait_for_ack()`` returns
  the app's answer. Acks Slack would not take (unknown or repeated envelope ids, a payload where
  none is accepted, later than 3 s) are reported as violations.
"""

from __future__ import annotations

import json
import logging
import secrets
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs, urlsplit

from slack_emulator.emulator_websocket import (
    CLOSE_GOING_AWAY,
    LoopbackWebSocketServer,
    WebSocketPeer,
)

log = logging.getLogger(__name__)

# Not a secret: the app-level token the emulator accepts unless told otherwise.
EMULATOR_APP_TOKEN = "xapp-1-emulator-app-token"  # noqa: S105
ENVELOPE_TYPES = frozenset({"events_api", "slash_commands", "interactive"})
# Interactions whose ack may carry a response (view errors, options); Slack ignores the others'.
RESPONDING_INTERACTIONS = frozenset({"view_submission", "block_suggestion"})
# Slack waits this long for an ack before it shows an error (commands) or retries (events).
ACK_DEADLINE_SECONDS = 3.0
POLL_INTERVAL = 0.05


def connections_open_error(
    header_token: str | None, body_token: str | None, *, app_token: str, bot_token: str
) -> str | None:
    """The error ``apps.connections.open`` answers for these tokens, or None when it succeeds.

    It takes only an app-level token, and only from the Authorization header (Slack's method
    reference: a token sent as a POST parameter is an error).
    """
    if not header_token:
        return "invalid_auth" if body_token else "not_authed"
    if header_token == app_token:
        return None
    if header_token == bot_token:
        return "not_allowed_token_type"
    return "invalid_auth"


def default_accepts_response_payload(envelope_type: str, payload: dict[str, Any]) -> bool:
    """What Slack sets: commands and some interactions may be answered in the ack, events not."""
    if envelope_type == "slash_commands":
        return True
    return envelope_type == "interactive" and payload.get("type") in RESPONDING_INTERACTIONS


@dataclass(frozen=True)
class _Sent:
    type: str
    accepts_response_payload: bool
    at: float  # time.monotonic() when pushed


class SocketModeHub:
    """Slack's side of Socket Mode connections. ``on_violation`` gets lines for people."""

    def __init__(
        self, *, host: str, app_id: str, on_violation: Callable[[Iterable[str]], None]
    ) -> None:
        self.host, self.app_id = host, app_id
        self._on_violation = on_violation
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._server: LoopbackWebSocketServer | None = None
        self._thread: threading.Thread | None = None
        self._tickets: set[str] = set()
        self._peers: list[WebSocketPeer] = []
        self._sent: dict[str, _Sent] = {}
        self._acks: dict[str, dict[str, Any]] = {}

    # Lifecycle

    def issue_url(self) -> str:
        """A fresh single-use WebSocket URL, starting the server on first use."""
        ticket = secrets.token_urlsafe(16)
        with self._lock:
            if self._server is None:
                self._start()
            assert self._server is not None
            port = self._server.server_address[1]
            self._tickets.add(ticket)
        return f"ws://{self.host}:{port}/link/?ticket={ticket}&app_id={self.app_id}"

    def _start(self) -> None:
        self._server = LoopbackWebSocketServer((self.host, 0), self)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": POLL_INTERVAL},
            name=f"slack-emulator-socket-{self._server.server_address[1]}",
            daemon=True,
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop accepting, close every connection (going away) and release the port."""
        with self._lock:
            server, thread, peers = self._server, self._thread, list(self._peers)
            self._server = self._thread = None
            self._tickets.clear()
        if server is not None:
            server.shutdown()
            server.server_close()
        for peer in peers:
            peer.close(CLOSE_GOING_AWAY, "emulator stopped")
        if thread is not None:
            thread.join(timeout=5)

    def reset(self) -> None:
        """Forget envelopes and acks; connections stay open."""
        with self._lock:
            self._sent.clear()
            self._acks.clear()

    # What tests do

    def connection_count(self) -> int:
        with self._lock:
            return len(self._peers)

    def wait_for_connection(self, count: int = 1, timeout: float = 5.0) -> None:
        """Block until ``count`` connections are open (hello sent)."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while len(self._peers) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(
                        f"waited {timeout:.1f}s for {count} Socket Mode connection(s), "
                        f"got {len(self._peers)}"
                    )
                self._changed.wait(remaining)

    def send(
        self,
        envelope_type: str,
        payload: dict[str, Any],
        *,
        accepts_response_payload: bool | None = None,
        retry_attempt: int | None = None,
        retry_reason: str | None = None,
        timeout: float = 5.0,
    ) -> str:
        """Push one envelope down the newest connection (waiting for one); return its id."""
        if envelope_type not in ENVELOPE_TYPES:
            raise ValueError(
                f"Socket Mode envelopes are {sorted(ENVELOPE_TYPES)}, not {envelope_type!r}"
            )
        if accepts_response_payload is None:
            accepts_response_payload = default_accepts_response_payload(envelope_type, payload)
        envelope_id = str(uuid.uuid4())  # Slack's envelope ids are UUIDs too
        envelope: dict[str, Any] = {
            "envelope_id": envelope_id,
            "type": envelope_type,
            "payload": payload,
            "accepts_response_payload": accepts_response_payload,
        }
        if envelope_type == "events_api":
            # Slack numbers every delivery of an event; redeliveries say why.
            envelope["retry_attempt"] = retry_attempt or 0
            envelope["retry_reason"] = retry_reason or ""
        self.wait_for_connection(timeout=timeout)
        with self._lock:
            peer = self._peers[-1]
            self._sent[envelope_id] = _Sent(
                envelope_type, accepts_response_payload, time.monotonic()
            )
        peer.send_text(json.dumps(envelope))
        return envelope_id

    def wait_for_ack(self, envelope_id: str, timeout: float = 5.0) -> dict[str, Any]:
        """The app's ack of one envelope, as it sent it (``envelope_id``, maybe ``payload``)."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while envelope_id not in self._acks:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(
                        f"waited {timeout:.1f}s for the ack of envelope {envelope_id}; "
                        f"acked so far: {list(self._acks) or 'none'}"
                    )
                self._changed.wait(remaining)
            return dict(self._acks[envelope_id])

    def acks(self) -> list[dict[str, Any]]:
        """Every ack so far, in the order received."""
        with self._lock:
            return [dict(ack) for ack in self._acks.values()]

    # WebSocketApp: called from connection threads

    def accept(self, path: str) -> HTTPStatus | None:
        parts = urlsplit(path)
        if parts.path.rstrip("/") != "/link":
            return HTTPStatus.NOT_FOUND
        ticket = parse_qs(parts.query).get("ticket", [""])[0]
        with self._lock:
            if ticket not in self._tickets:
                return HTTPStatus.UNAUTHORIZED
            self._tickets.discard(ticket)  # a URL from apps.connections.open connects once
        return None

    def opened(self, peer: WebSocketPeer) -> None:
        with self._lock:
            stopped = self._server is None
            count = len(self._peers) + 1
        if stopped:  # the handshake raced stop()
            peer.close(CLOSE_GOING_AWAY, "emulator stopped")
            return
        hello = {
            "type": "hello",
            "num_connections": count,
            "debug_info": {
                "host": "applink-emulator",
                "build_number": 1,
                "approximate_connection_time": 18060,
            },
            "connection_info": {"app_id": self.app_id},
        }
        peer.send_text(json.dumps(hello))
        # Listed only after hello: Slack's first message on a connection is always hello.
        with self._changed:
            self._peers.append(peer)
            self._changed.notify_all()
        log.debug("socket mode: connection opened (%d open)", count)

    def received(self, peer: WebSocketPeer, text: str) -> None:
        problems = self._record_ack(text)
        if problems:
            self._on_violation(f"socket mode: {problem}" for problem in problems)

    def closed(self, peer: WebSocketPeer) -> None:
        with self._changed:
            if peer in self._peers:
                self._peers.remove(peer)
            self._changed.notify_all()
        log.debug("socket mode: connection closed")

    def _record_ack(self, text: str) -> list[str]:
        try:
            ack = json.loads(text)
        except json.JSONDecodeError:
            return [f"the app sent a message that is not JSON: {text[:80]!r}"]
        envelope_id = ack.get("envelope_id") if isinstance(ack, dict) else None
        if not isinstance(envelope_id, str):
            return [f"the app sent a message without an envelope_id: {text[:80]!r}"]
        now = time.monotonic()
        with self._changed:
            sent = self._sent.get(envelope_id)
            repeated = envelope_id in self._acks
            if sent is not None and not repeated:
                self._acks[envelope_id] = ack
                self._changed.notify_all()
        if sent is None:
            return [f"ack for an envelope Slack never sent: {envelope_id}"]
        if repeated:
            return [f"envelope {envelope_id} acked twice"]
        problems: list[str] = []
        if "payload" in ack and not sent.accepts_response_payload:
            problems.append(
                f"{sent.type} envelope {envelope_id} acked with a payload it does not accept "
                "(Slack ignores it)"
            )
        if now - sent.at > ACK_DEADLINE_SECONDS:
            problems.append(
                f"{sent.type} envelope {envelope_id} acked after {now - sent.at:.1f}s; "
                f"Slack waits {ACK_DEADLINE_SECONDS:.0f}s"
            )
        return problems
