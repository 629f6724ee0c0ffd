"""The bot's Web API client rides out Slack's bad moments: 429 with Retry-After, 5xx, slowness."""

from __future__ import annotations

import socket
import struct
import threading
import time
from urllib.error import URLError

import pytest

from bot.slack.client import build_web_client
from slack_emulator import payloads
from tests.harness import RunningBot


def test_a_reply_survives_a_rate_limit_and_a_server_error(bot: RunningBot) -> None:
    bot.emulator.inject("chat.postMessage", status=429, retry_after=1)
    bot.emulator.inject("chat.postMessage", status=500)
    started = time.monotonic()
    bot.slack.event(payloads.app_mention(text="<@UBOTSOCIAL> hello", user="U0AUTHOR"))
    deadline = time.monotonic() + 10
    while len(bot.emulator.calls_to("chat.postMessage")) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    calls = bot.emulator.calls_to("chat.postMessage")
    assert [call.status for call in calls] == [429, 500, 200]
    # Retry-After: 1 was honoured before the second attempt.
    assert calls[1].at - calls[0].at >= 1.0
    assert time.monotonic() - started < 10
    assert bot.emulator.calls_to("chat.postEphemeral") == []  # nobody was told of an error


def test_a_reset_connection_is_retried_twice_then_reported() -> None:
    # A listener that resets every connection it accepts: what a crashed proxy looks like.
    attempts = 0
    with socket.create_server(("127.0.0.1", 0)) as server:
        server.settimeout(5)

        def reset_all() -> None:
            nonlocal attempts
            for _ in range(3):
                connection, _address = server.accept()
                attempts += 1
                # SO_LINGER 0: close with RST instead of FIN, so the client sees a reset.
                connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                connection.close()

        resetter = threading.Thread(target=reset_all)
        resetter.start()
        port = server.getsockname()[1]
        client = build_web_client(token="xoxb-test", base_url=f"http://127.0.0.1:{port}/api/")
        with pytest.raises((URLError, ConnectionResetError)):
            client.auth_test()
        resetter.join(timeout=5)
    assert attempts == 3  # the first try and two retries
