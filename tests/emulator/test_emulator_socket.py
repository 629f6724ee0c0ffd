"""Socket Mode in the Slack emulator: apps.connections.open, the WebSocket, envelopes and acks.

Through slack_sdk's own built-in Socket Mode client (what bolt's SocketModeHandler runs), and
through a raw socket for the protocol details that client never exercises.
"""

from __future__ import annotations

import base64
import json
import os
import socket
import struct
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.socket_mode.builtin import SocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse

from slack_emulator.emulator import SlackEmulator
from slack_emulator.emulator_websocket import accept_key

TEXT, BINARY, CLOSE, PING, PONG = 0x1, 0x2, 0x8, 0x9, 0xA


@pytest.fixture
def emu() -> Iterator[SlackEmulator]:
    with SlackEmulator() as started:
        yield started


def _socket_url(emu: SlackEmulator) -> str:
    client = WebClient(base_url=emu.api_url, token=emu.bot_token)
    return str(client.apps_connections_open(app_token=emu.app_token)["url"])


def _error_of(emu: SlackEmulator, app_token: str) -> str:
    # No token of its own: an empty app_token then sends no Authorization header at all.
    client = WebClient(base_url=emu.api_url)
    with pytest.raises(SlackApiError) as raised:
        client.apps_connections_open(app_token=app_token)
    return str(raised.value.response["error"])


class RawWebSocket:
    """A bare RFC 6455 client: frames exactly as a test writes them."""

    def __init__(self, url: str, *, key: bytes | None = None) -> None:
        parts = urlsplit(url)
        self.sock = socket.create_connection((parts.hostname, parts.port or 80), timeout=5)
        self.key = base64.b64encode(key or os.urandom(16)).decode()
        request = (
            f"GET {parts.path}?{parts.query} HTTP/1.1\r\nHost: {parts.hostname}\r\n"
            "Upgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Key: {self.key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
        )
        self.sock.sendall(request.encode())
        self.reader = self.sock.makefile("rb")
        self.status = int(self.reader.readline().split()[1])
        self.headers: dict[str, str] = {}
        while (line := self.reader.readline().decode().strip()) != "":
            name, _, value = line.partition(":")
            self.headers[name.lower()] = value.strip()

    def send(self, opcode: int, payload: bytes, *, fin: bool = True, mask: bool = True) -> None:
        head = bytes([(0x80 if fin else 0) | opcode])
        length = len(payload)
        size = (
            bytes([length])
            if length < 126
            else struct.pack("!BH", 126, length)
            if length < 1 << 16
            else struct.pack("!BQ", 127, length)
        )
        if not mask:
            self.sock.sendall(head + size + payload)
            return
        key = os.urandom(4)
        masked = bytes(byte ^ key[i % 4] for i, byte in enumerate(payload))
        self.sock.sendall(head + bytes([size[0] | 0x80]) + size[1:] + key + masked)

    def receive(self) -> tuple[int, bytes]:
        first, second = self.reader.read(2)
        assert first & 0x80, "the emulator sends whole messages, never fragments"
        assert not second & 0x80, "servers must not mask"
        length = second & 0x7F
        if length == 126:
            (length,) = struct.unpack("!H", self.reader.read(2))
        elif length == 127:
            (length,) = struct.unpack("!Q", self.reader.read(8))
        return first & 0x0F, self.reader.read(length)

    def receive_json(self) -> dict[str, Any]:
        opcode, data = self.receive()
        assert opcode == TEXT
        decoded: dict[str, Any] = json.loads(data)
        return decoded

    def close(self) -> None:
        self.reader.close()
        self.sock.close()


@pytest.fixture
def raw(emu: SlackEmulator) -> Iterator[RawWebSocket]:
    connection = RawWebSocket(_socket_url(emu))
    assert connection.receive_json()["type"] == "hello"
    yield connection
    connection.close()


def _close_code(data: bytes) -> int:
    return int(struct.unpack("!H", data[:2])[0])


# apps.connections.open


def test_connections_open_answers_a_loopback_websocket_url(emu: SlackEmulator) -> None:
    url = _socket_url(emu)
    parts = urlsplit(url)
    assert (parts.scheme, parts.hostname, parts.path) == ("ws", "127.0.0.1", "/link/")
    assert parts.port != urlsplit(emu.base_url).port
    assert "ticket=" in parts.query
    assert "app_id=A0SOCIAL" in parts.query
    assert _socket_url(emu) != url  # every call issues a new ticket
    [call, _] = emu.calls_to("apps.connections.open")
    assert call.response == {"ok": True, "url": url}
    assert emu.violations == []


def test_connections_open_takes_only_the_app_token(emu: SlackEmulator) -> None:
    assert _error_of(emu, emu.bot_token) == "not_allowed_token_type"
    assert _error_of(emu, "xapp-1-someone-elses-token") == "invalid_auth"
    assert _error_of(emu, "xoxp-a-user-token") == "invalid_auth"
    assert _error_of(emu, "") == "not_authed"


def test_connections_open_wants_the_token_in_the_header(emu: SlackEmulator) -> None:
    # Slack refuses an app token sent as a POST parameter for this method.
    request = urllib.request.Request(  # noqa: S310 - the emulator on loopback
        f"{emu.api_url}apps.connections.open",
        data=f"token={emu.app_token}".encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - loopback
        assert json.load(response) == {"ok": False, "error": "invalid_auth"}


def test_the_app_token_calls_no_other_method(emu: SlackEmulator) -> None:
    client = WebClient(base_url=emu.api_url, token=emu.app_token)
    with pytest.raises(SlackApiError) as raised:
        client.chat_postMessage(channel="C0SOCIAL", text="hi")
    assert raised.value.response["error"] == "not_allowed_token_type"


def test_a_configured_app_token() -> None:
    with SlackEmulator(app_token="xapp-1-A0OTHER-42-configured") as emu:
        assert _error_of(emu, "xapp-1-emulator-app-token") == "invalid_auth"
        assert _socket_url(emu).startswith("ws://127.0.0.1:")


def test_socket_send_needs_a_connection(emu: SlackEmulator) -> None:
    assert emu.socket_connections == 0
    with pytest.raises(AssertionError, match="Socket Mode connection"):
        emu.socket_send("events_api", {}, timeout=0.1)


# With slack_sdk's built-in Socket Mode client


@pytest.fixture
def sdk_client(emu: SlackEmulator) -> Iterator[SocketModeClient]:
    client = SocketModeClient(
        app_token=emu.app_token,
        web_client=WebClient(base_url=emu.api_url, token=emu.bot_token),
        auto_reconnect_enabled=False,
    )
    yield client
    # Emulator first: slack_sdk's close() alone waits out its reader's 3 s receive timeout, while
    # a close frame from the server ends the reader at once.
    emu.stop()
    client.close()


def test_sdk_client_connects_and_gets_hello(
    emu: SlackEmulator, sdk_client: SocketModeClient
) -> None:
    messages: list[str] = []
    got_hello = threading.Event()

    def on_message(message: str) -> None:
        messages.append(message)
        got_hello.set()

    sdk_client.on_message_listeners.append(on_message)
    sdk_client.connect()
    emu.wait_for_socket_connection()
    assert got_hello.wait(5)
    hello = json.loads(messages[0])
    assert hello["type"] == "hello"
    assert hello["num_connections"] == 1
    assert hello["connection_info"] == {"app_id": "A0SOCIAL"}
    assert set(hello["debug_info"]) == {"host", "build_number", "approximate_connection_time"}
    assert sdk_client.is_connected()


def test_envelope_round_trip_with_the_sdk_client(
    emu: SlackEmulator, sdk_client: SocketModeClient
) -> None:
    received: list[SocketModeRequest] = []

    def answer(client: SocketModeClient, request: SocketModeRequest) -> None:
        received.append(request)
        payload = {"text": f"ok: {request.payload.get('text')}"}
        accepts = request.accepts_response_payload
        client.send_socket_mode_response(
            SocketModeResponse(request.envelope_id, payload if accepts else None)
        )

    sdk_client.socket_mode_request_listeners.append(answer)  # type: ignore[arg-type]
    sdk_client.connect()

    command_id = emu.socket_send("slash_commands", {"command": "/social", "text": "help"})
    assert emu.wait_for_socket_ack(command_id) == {
        "envelope_id": command_id,
        "payload": {"text": "ok: help"},
    }
    event = {"type": "event_callback", "event_id": "Ev0ONE", "event": {"type": "app_mention"}}
    event_id = emu.socket_send("events_api", event, retry_attempt=1, retry_reason="timeout")
    assert emu.wait_for_socket_ack(event_id) == {"envelope_id": event_id}

    command, redelivery = received
    assert (command.type, command.envelope_id, command.accepts_response_payload) == (
        "slash_commands",
        command_id,
        True,
    )
    assert command.payload == {"command": "/social", "text": "help"}
    assert (redelivery.type, redelivery.accepts_response_payload) == ("events_api", False)
    assert (redelivery.retry_attempt, redelivery.retry_reason) == (1, "timeout")
    assert redelivery.payload == event
    assert emu.socket_acks == [
        {"envelope_id": command_id, "payload": {"text": "ok: help"}},
        {"envelope_id": event_id},
    ]
    assert emu.violations == []


def test_a_large_envelope_reaches_the_sdk_client(
    emu: SlackEmulator, sdk_client: SocketModeClient
) -> None:
    # Over 64 KiB the frame length takes 8 bytes; slack_sdk's reader must still get it whole.
    sizes: list[int] = []

    def answer(client: SocketModeClient, request: SocketModeRequest) -> None:
        sizes.append(len(request.payload["text"]))
        client.send_socket_mode_response(SocketModeResponse(request.envelope_id))

    sdk_client.socket_mode_request_listeners.append(answer)  # type: ignore[arg-type]
    sdk_client.connect()
    envelope_id = emu.socket_send("slash_commands", {"text": "x" * 100_000})
    emu.wait_for_socket_ack(envelope_id)
    assert sizes == [100_000]


def test_stop_closes_the_connection_and_the_port(emu: SlackEmulator) -> None:
    url = _socket_url(emu)
    connection = RawWebSocket(url)
    assert connection.receive_json()["type"] == "hello"
    port = urlsplit(url).port
    emu.stop()
    opcode, data = connection.receive()
    assert (opcode, _close_code(data)) == (CLOSE, 1001)
    connection.close()
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port or 0), timeout=2).close()


# The protocol, frame by frame


def test_handshake_follows_rfc_6455(emu: SlackEmulator) -> None:
    key = bytes(range(16))
    connection = RawWebSocket(_socket_url(emu), key=key)
    assert connection.status == 101
    assert connection.headers["upgrade"].lower() == "websocket"
    assert connection.headers["sec-websocket-accept"] == accept_key(base64.b64encode(key).decode())
    # The RFC's own example: key "dGhlIHNhbXBsZSBub25jZQ==" is accepted as this.
    assert accept_key("dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
    connection.close()


def test_a_ticket_connects_once_and_unknown_tickets_not_at_all(emu: SlackEmulator) -> None:
    url = _socket_url(emu)
    first = RawWebSocket(url)
    assert first.status == 101
    again = RawWebSocket(url)
    assert again.status == 401
    forged = RawWebSocket(url.replace("ticket=", "ticket=forged"))
    assert forged.status == 401
    wrong_path = RawWebSocket(url.replace("/link/", "/other/"))
    assert wrong_path.status == 404
    for connection in (first, again, forged, wrong_path):
        connection.close()


def test_a_plain_http_get_is_not_upgraded(emu: SlackEmulator) -> None:
    url = _socket_url(emu).replace("ws://", "http://")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(url, timeout=5)  # noqa: S310 - loopback
    assert refused.value.code == 426


def test_pings_are_answered_with_the_same_payload(raw: RawWebSocket) -> None:
    raw.send(PING, b"session:1700000000.5")
    assert raw.receive() == (PONG, b"session:1700000000.5")


def test_a_fragmented_ack_is_reassembled(emu: SlackEmulator, raw: RawWebSocket) -> None:
    envelope_id = emu.socket_send("slash_commands", {"text": "help"})
    assert raw.receive_json()["envelope_id"] == envelope_id
    ack = json.dumps({"envelope_id": envelope_id, "payload": {"text": "done"}}).encode()
    raw.send(TEXT, ack[:10], fin=False)
    raw.send(PING, b"in between")  # control frames may come between fragments
    raw.send(0x0, ack[10:])
    assert raw.receive() == (PONG, b"in between")
    assert emu.wait_for_socket_ack(envelope_id)["payload"] == {"text": "done"}


def test_the_close_handshake_echoes_the_code(emu: SlackEmulator, raw: RawWebSocket) -> None:
    raw.send(CLOSE, struct.pack("!H", 1000) + b"bye")
    opcode, data = raw.receive()
    assert (opcode, _close_code(data)) == (CLOSE, 1000)
    assert raw.reader.read(1) == b""  # and the server hangs up
    deadline = time.monotonic() + 5
    while emu.socket_connections and time.monotonic() < deadline:
        time.sleep(0.01)
    assert emu.socket_connections == 0


@pytest.mark.parametrize(
    ("frames", "code"),
    [
        ([(TEXT, b"{}", True, False)], 1002),  # unmasked client frame
        ([(0x0, b"{}", True, True)], 1002),  # continuation without a start
        ([(PING, b"", False, True)], 1002),  # fragmented control frame
        ([(BINARY, b"{}", True, True)], 1003),  # Socket Mode speaks text
        ([(TEXT, b"\xff\xfe", True, True)], 1007),  # not UTF-8
    ],
)
def test_protocol_errors_close_the_connection(
    emu: SlackEmulator, raw: RawWebSocket, frames: list[tuple[int, bytes, bool, bool]], code: int
) -> None:
    for opcode, payload, fin, mask in frames:
        raw.send(opcode, payload, fin=fin, mask=mask)
    opcode, data = raw.receive()
    assert (opcode, _close_code(data)) == (CLOSE, code)


# Acks Slack would not take


def test_acks_slack_would_not_take_are_violations(emu: SlackEmulator, raw: RawWebSocket) -> None:
    event_id = emu.socket_send("events_api", {"type": "event_callback"})
    raw.receive_json()
    raw.send(TEXT, json.dumps({"envelope_id": event_id, "payload": {"text": "?"}}).encode())
    emu.wait_for_socket_ack(event_id)
    raw.send(TEXT, json.dumps({"envelope_id": event_id}).encode())
    raw.send(TEXT, json.dumps({"envelope_id": "never-sent"}).encode())
    raw.send(TEXT, b"not json")
    raw.send(PING, b"sync")  # answered after the messages above were handled
    assert raw.receive() == (PONG, b"sync")
    assert emu.violations == [
        f"socket mode: events_api envelope {event_id} acked with a payload it does not accept "
        "(Slack ignores it)",
        f"socket mode: envelope {event_id} acked twice",
        "socket mode: ack for an envelope Slack never sent: never-sent",
        "socket mode: the app sent a message that is not JSON: 'not json'",
    ]
    assert emu.socket_acks == [{"envelope_id": event_id, "payload": {"text": "?"}}]


def test_accepts_response_payload_follows_slack(emu: SlackEmulator, raw: RawWebSocket) -> None:
    cases = [
        ("slash_commands", {"command": "/social"}, True),
        ("interactive", {"type": "view_submission"}, True),
        ("interactive", {"type": "block_suggestion"}, True),
        ("interactive", {"type": "block_actions"}, False),
        ("interactive", {"type": "message_action"}, False),
        ("events_api", {"type": "event_callback"}, False),
    ]
    for envelope_type, payload, accepts in cases:
        emu.socket_send(envelope_type, payload)
        envelope = raw.receive_json()
        assert (envelope["type"], envelope["accepts_response_payload"]) == (envelope_type, accepts)
        assert envelope["payload"] == payload
    emu.socket_send("events_api", {}, accepts_response_payload=True)
    assert raw.receive_json()["accepts_response_payload"] is True
    with pytest.raises(ValueError, match="envelopes are"):
        emu.socket_send("hello", {})


def test_wait_for_an_ack_that_never_comes(emu: SlackEmulator, raw: RawWebSocket) -> None:
    envelope_id = emu.socket_send("slash_commands", {})
    with pytest.raises(AssertionError, match=f"ack of envelope {envelope_id}"):
        emu.wait_for_socket_ack(envelope_id, timeout=0.1)


def test_reset_forgets_acks_but_keeps_the_connection(emu: SlackEmulator, raw: RawWebSocket) -> None:
    envelope_id = emu.socket_send("slash_commands", {})
    raw.receive_json()
    raw.send(TEXT, json.dumps({"envelope_id": envelope_id}).encode())
    emu.wait_for_socket_ack(envelope_id)
    emu.reset()
    assert emu.socket_acks == []
    assert emu.socket_connections == 1
