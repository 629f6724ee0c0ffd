"""The loopback WSGI server that tests, the demo and the benchmarks serve the bot on."""

from __future__ import annotations

import socket
from collections.abc import Iterable
from contextlib import ExitStack
from typing import Any

from slack_emulator.local_server import LocalWSGIServer

BURST = 40


def hello(_environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "2")])
    return [b"ok"]


def test_a_burst_of_connections_waits_in_the_backlog_instead_of_being_dropped() -> None:
    # On a busy machine the accept loop may not run for a while; connections arriving meanwhile
    # queue in the listen backlog. socketserver's default of 5 dropped the rest, and clients saw
    # timeouts and connection resets. Here nothing accepts until every client has connected.
    server = LocalWSGIServer(hello)
    host, port = server.url.removeprefix("http://").split(":")
    with ExitStack() as stack:
        clients = []
        for _ in range(BURST):
            client = stack.enter_context(socket.socket())
            client.settimeout(2)
            client.connect((host, int(port)))
            clients.append(client)
        with server:
            for client in clients:
                client.sendall(b"GET / HTTP/1.0\r\nHost: test\r\n\r\n")
            answers = [client.recv(1024) for client in clients]
    assert all(answer.startswith(b"HTTP/1.0 200") for answer in answers)
