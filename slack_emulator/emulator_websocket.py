"""The emulator's WebSocket transport: a small RFC 6455 server on the standard library.

Socket Mode needs little of the protocol: the opening handshake, one text frame per JSON message,
ping/pong and the closing handshake. That subset is written out here, with the checks a real server
makes on what a client sends (masking, control-frame rules, fragments, UTF-8), instead of adding a
WebSocket dependency to a package whose ``slack_emulator`` also runs in ``socialops demo`` on the
runtime dependencies alone. No extensions (compression) and no subprotocols are offered.

Like ``emulator_http`` it knows nothing of Slack: a ``WebSocketApp`` decides which paths to accept
and what to do with each connection and message.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import logging
import socket
import struct
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import BinaryIO, Protocol, cast

log = logging.getLogger(__name__)

# RFC 6455 §1.3: the server proves it read the key by hashing it with this GUID.
HANDSHAKE_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
OPCODE_CONTINUATION, OPCODE_TEXT, OPCODE_BINARY = 0x0, 0x1, 0x2
OPCODE_CLOSE, OPCODE_PING, OPCODE_PONG = 0x8, 0x9, 0xA
# Close codes (RFC 6455 §7.4.1) this server sends.
CLOSE_NORMAL, CLOSE_GOING_AWAY, CLOSE_PROTOCOL_ERROR = 1000, 1001, 1002
CLOSE_UNSUPPORTED_DATA, CLOSE_INVALID_DATA, CLOSE_TOO_BIG = 1003, 1007, 1009
# Socket Mode messages are a few KB; a cap keeps a broken client from filling memory.
MAX_MESSAGE_BYTES = 4 * 1024 * 1024


class ProtocolError(Exception):
    """The client broke RFC 6455; the connection is closed with ``code``."""

    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason)
        self.code, self.reason = code, reason


def accept_key(key: str) -> str:
    """The ``Sec-WebSocket-Accept`` value for a client's ``Sec-WebSocket-Key``."""
    digest = hashlib.sha1((key + HANDSHAKE_GUID).encode("ascii")).digest()  # noqa: S324 - RFC 6455 mandates SHA-1 here
    return base64.b64encode(digest).decode("ascii")


def encode_frame(opcode: int, payload: bytes) -> bytes:
    """One final, unmasked frame (servers must not mask, RFC 6455 §5.1)."""
    head = bytes([0x80 | opcode])
    length = len(payload)
    if length < 126:
        head += bytes([length])
    elif length < 1 << 16:
        head += struct.pack("!BH", 126, length)
    else:
        head += struct.pack("!BQ", 127, length)
    return head + payload


def _unmask(data: bytes, mask: bytes) -> bytes:
    # XOR as one big integer: a per-byte Python loop is slow for large messages.
    if not data:
        return data
    key = (mask * (len(data) // 4 + 1))[: len(data)]
    return (int.from_bytes(data, "big") ^ int.from_bytes(key, "big")).to_bytes(len(data), "big")


class WebSocketPeer:
    """One open connection. Sends are locked so a test thread and the reading thread may both send;
    reading belongs to the connection's own thread (``receive``)."""

    def __init__(self, sock: socket.socket, rfile: BinaryIO, path: str) -> None:
        self.path = path
        self._sock, self._rfile = sock, rfile
        self._send_lock = threading.Lock()
        self._closing = False

    @property
    def open(self) -> bool:
        return not self._closing

    def send_text(self, text: str) -> None:
        """Send one message; raises OSError when the connection is gone."""
        self._send(OPCODE_TEXT, text.encode("utf-8"))

    def close(self, code: int = CLOSE_NORMAL, reason: str = "") -> None:
        """Send a close frame (once) and shut the socket down, which also ends ``receive``."""
        with self._send_lock:
            if self._closing:
                return
            self._closing = True
            frame = encode_frame(OPCODE_CLOSE, struct.pack("!H", code) + reason.encode()[:120])
            # OSError: the client is already gone; there is nobody left to tell.
            with contextlib.suppress(OSError):
                self._sock.sendall(frame)
        with contextlib.suppress(OSError):
            self._sock.shutdown(socket.SHUT_RDWR)

    def receive(self) -> str | None:
        """The next text message, answering pings on the way; None once the connection closed.

        Raises ProtocolError for a client that broke the protocol (the caller closes with its code).
        """
        parts: list[bytes] = []
        size, kind = 0, None
        while True:
            fin, opcode, data = self._read_frame()
            if opcode == OPCODE_PING:
                self._send(OPCODE_PONG, data)
                continue
            if opcode == OPCODE_PONG:
                continue
            if opcode == OPCODE_CLOSE:
                self._answer_close(data)
                return None
            if opcode == OPCODE_CONTINUATION and kind is None:
                raise ProtocolError(CLOSE_PROTOCOL_ERROR, "continuation frame outside a message")
            if opcode in (OPCODE_TEXT, OPCODE_BINARY):
                if kind is not None:
                    raise ProtocolError(CLOSE_PROTOCOL_ERROR, "new message inside a fragmented one")
                kind = opcode
            elif opcode != OPCODE_CONTINUATION:
                raise ProtocolError(CLOSE_PROTOCOL_ERROR, f"unknown opcode {opcode:#x}")
            size += len(data)
            if size > MAX_MESSAGE_BYTES:
                raise ProtocolError(CLOSE_TOO_BIG, "message too big")
            parts.append(data)
            if fin:
                break
        if kind == OPCODE_BINARY:
            raise ProtocolError(CLOSE_UNSUPPORTED_DATA, "Socket Mode messages are text frames")
        try:
            return b"".join(parts).decode("utf-8")
        except UnicodeDecodeError:
            raise ProtocolError(CLOSE_INVALID_DATA, "text frame is not UTF-8") from None

    def _send(self, opcode: int, payload: bytes) -> None:
        with self._send_lock:
            if self._closing:
                raise ConnectionError("the WebSocket is closing")
            self._sock.sendall(encode_frame(opcode, payload))

    def _read_exactly(self, count: int) -> bytes:
        data = self._rfile.read(count)
        if len(data) < count:
            raise EOFError("the client went away")
        return data

    def _read_frame(self) -> tuple[bool, int, bytes]:
        first, second = self._read_exactly(2)
        fin, opcode = bool(first & 0x80), first & 0x0F
        if first & 0x70:
            raise ProtocolError(CLOSE_PROTOCOL_ERROR, "reserved bits set; no extension was agreed")
        if not second & 0x80:
            raise ProtocolError(CLOSE_PROTOCOL_ERROR, "client frames must be masked")
        length = second & 0x7F
        if length == 126:
            (length,) = struct.unpack("!H", self._read_exactly(2))
        elif length == 127:
            (length,) = struct.unpack("!Q", self._read_exactly(8))
        if opcode >= OPCODE_CLOSE and (not fin or length > 125):
            raise ProtocolError(CLOSE_PROTOCOL_ERROR, "control frames are short and unfragmented")
        if length > MAX_MESSAGE_BYTES:
            raise ProtocolError(CLOSE_TOO_BIG, "frame too big")
        mask = self._read_exactly(4)
        return fin, opcode, _unmask(self._read_exactly(length), mask)

    def _answer_close(self, data: bytes) -> None:
        # Echo the client's status code (RFC 6455 §5.5.1), then hang up.
        if len(data) == 1:
            self.close(CLOSE_PROTOCOL_ERROR, "close payload of one byte")
        elif data:
            self.close(struct.unpack("!H", data[:2])[0])
        else:
            self.close()


class WebSocketApp(Protocol):
    """What the server asks about each connection. Calls come from the connection's thread."""

    def accept(self, path: str) -> HTTPStatus | None:
        """None to upgrade a request for ``path``, or the HTTP status that refuses it."""

    def opened(self, peer: WebSocketPeer) -> None:
        """The handshake is done; the app may send."""

    def received(self, peer: WebSocketPeer, text: str) -> None:
        """One text message from the client."""

    def closed(self, peer: WebSocketPeer) -> None:
        """The connection is over, however it ended."""


class LoopbackWebSocketServer(ThreadingHTTPServer):
    """A threaded server that upgrades GET requests to WebSockets for ``app``."""

    # Connection threads must not keep the process alive; stop() closes the connections itself.
    daemon_threads = True
    # Like the HTTP servers: socketserver's backlog of 5 drops a burst of connections.
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], app: WebSocketApp) -> None:
        super().__init__(address, _UpgradeHandler)
        self.app = app


class _UpgradeHandler(BaseHTTPRequestHandler):
    """Reads the opening handshake (http.server parses it), then serves the connection."""

    # The handshake is HTTP/1.1 (RFC 6455 §4.1); http.server defaults to 1.0.
    protocol_version = "HTTP/1.1"
    server_version = "SlackEmulator/1.0"

    def do_GET(self) -> None:
        refusal = self._check_handshake()
        app = cast(LoopbackWebSocketServer, self.server).app
        if refusal is None:
            refusal = app.accept(self.path)
        if refusal is not None:
            self.send_error(refusal)
            return
        self.send_response(HTTPStatus.SWITCHING_PROTOCOLS)
        self.send_header("Upgrade", "websocket")
        self.send_header("Connection", "Upgrade")
        self.send_header("Sec-WebSocket-Accept", accept_key(self.headers["Sec-WebSocket-Key"]))
        self.end_headers()
        self.close_connection = True  # after the WebSocket ends, not another HTTP request
        peer = WebSocketPeer(self.connection, cast(BinaryIO, self.rfile), self.path)
        try:
            app.opened(peer)
            while (text := peer.receive()) is not None:
                app.received(peer, text)
        except ProtocolError as broken:
            log.warning("WebSocket client broke the protocol: %s", broken.reason)
            peer.close(broken.code, broken.reason)
        except (OSError, EOFError):
            peer.close(CLOSE_GOING_AWAY)
        finally:
            app.closed(peer)

    def _check_handshake(self) -> HTTPStatus | None:
        """RFC 6455 §4.2.1: what a server must see before it upgrades."""
        connection = {v.strip().lower() for v in self.headers.get("Connection", "").split(",")}
        if self.headers.get("Upgrade", "").lower() != "websocket" or "upgrade" not in connection:
            return HTTPStatus.UPGRADE_REQUIRED
        if self.headers.get("Sec-WebSocket-Version") != "13":
            return HTTPStatus.UPGRADE_REQUIRED
        try:
            key = base64.b64decode(self.headers.get("Sec-WebSocket-Key", ""), validate=True)
        except binascii.Error:
            return HTTPStatus.BAD_REQUEST
        return None if len(key) == 16 else HTTPStatus.BAD_REQUEST

    def log_message(self, format: str, *args: object) -> None:
        # Keep handshakes out of stderr, as the HTTP side does.
        log.debug("emulator websocket: " + format, *args)
