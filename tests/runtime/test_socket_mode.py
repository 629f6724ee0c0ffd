"""`socialops run` in Socket Mode, end to end: the real process, bolt's SocketModeHandler and the
emulator's WebSocket, as an operator would run it against Slack."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from slack_sdk import WebClient

from slack_emulator import payloads
from slack_emulator.emulator import SlackEmulator
from tests.runtime.process_stops import Attempt, assert_each_stopped, run_attempts

SIGNING_SECRET = "socket-mode-signing-secret-0123456789"
# Settings the process must not inherit from the developer's shell or CI.
SETTING_PREFIXES = ("SLACK_", "SOCIALOPS_", "DATABASE_URL")


def socket_mode_env(emulator: SlackEmulator, tmp_path: Path, **overrides: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(SETTING_PREFIXES)}
    env.update(
        SLACK_BOT_TOKEN=emulator.bot_token,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_APP_TOKEN=emulator.app_token,
        SLACK_API_URL=emulator.api_url,
        DATABASE_URL=f"sqlite:///{tmp_path / 'socket-mode.db'}",
    )
    env.update(overrides)
    return env


class BotProcess:
    """`python -m bot run` with its log in a file (a pipe nobody reads could fill and block it)."""

    def __init__(self, tmp_path: Path, env: dict[str, str]) -> None:
        self.log_path = tmp_path / "socialops.log"
        with self.log_path.open("w") as log_file:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bot", "run"],
                cwd=tmp_path,  # no stray .env
                env=env,
                stdout=log_file,
                stderr=subprocess.STDOUT,
            )

    @property
    def log(self) -> str:
        return self.log_path.read_text()

    def wait_connected(self, emulator: SlackEmulator, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while emulator.socket_connections == 0:
            if self.process.poll() is not None:
                raise AssertionError(f"socialops run exited early:\n{self.log}")
            if time.monotonic() > deadline:
                raise AssertionError(f"socialops run never connected:\n{self.log}")
            time.sleep(0.05)

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


@pytest.fixture
def emulator() -> Iterator[SlackEmulator]:
    with SlackEmulator() as started:
        yield started


def test_socialops_run_serves_slack_over_socket_mode(
    emulator: SlackEmulator, tmp_path: Path
) -> None:
    bot = BotProcess(tmp_path, socket_mode_env(emulator, tmp_path))
    try:
        bot.wait_connected(emulator)
        [connections_open] = emulator.calls_to("apps.connections.open")
        assert connections_open.response["ok"] is True

        # /social help: the answer travels back in the ack itself.
        command = payloads.slash_command(text="help", response_url=emulator.new_response_url())
        command_id = emulator.socket_send("slash_commands", command)
        ack = emulator.wait_for_socket_ack(command_id, timeout=10)
        assert ack["payload"]["response_type"] == "ephemeral"
        assert "List every subcommand" in json.dumps(ack["payload"])

        # A mention: acked empty at once, answered in its thread through the Web API.
        mention = payloads.event_callback(
            payloads.app_mention(text="<@UBOTSOCIAL> hi", user="U0AUTHOR")
        )
        event_envelope = emulator.socket_send("events_api", mention)
        assert emulator.wait_for_socket_ack(event_envelope, timeout=10) == {
            "envelope_id": event_envelope
        }
        [reply] = emulator.wait_for("chat.postMessage", timeout=10)
        assert reply.args["channel"] == mention["event"]["channel"]
        assert reply.args["thread_ts"] == mention["event"]["ts"]
        assert "U0AUTHOR" in reply.args["text"]

        # Slack redelivers the same event (same event_id) in a new envelope: acked, not repeated.
        retry_envelope = emulator.socket_send(
            "events_api", mention, retry_attempt=1, retry_reason="timeout"
        )
        assert emulator.wait_for_socket_ack(retry_envelope, timeout=10) == {
            "envelope_id": retry_envelope
        }
        # The dedupe middleware decides before the ack, so no reply can still be on its way.
        assert len(emulator.calls_to("chat.postMessage")) == 1
        assert emulator.violations == []

        started = time.monotonic()
        bot.process.send_signal(signal.SIGTERM)
        # slack_sdk's close() waits out its reader's 3 s receive timeout; allow for a slow machine.
        assert bot.process.wait(timeout=15) == 0, bot.log
        assert time.monotonic() - started < 10
    finally:
        bot.kill()
    log = bot.log
    assert "socket mode: connected" in log
    assert "received SIGTERM" in log
    assert "socket mode: stopped" in log
    assert "Traceback" not in log
    for secret in (emulator.bot_token, emulator.app_token, SIGNING_SECRET):
        assert secret not in log


def test_a_rejected_app_token_is_one_line(emulator: SlackEmulator, tmp_path: Path) -> None:
    wrong = "xapp-1-A0SOCIAL-4242-not-the-right-token"
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        cwd=tmp_path,
        env=socket_mode_env(emulator, tmp_path, SLACK_APP_TOKEN=wrong),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2, result.stderr
    [line] = [line for line in result.stderr.splitlines() if line.startswith("socialops:")]
    assert "apps.connections.open answered invalid_auth" in line
    assert "Traceback" not in result.stderr
    assert wrong not in result.stderr


# Twenty starts and stops of the Socket Mode worker: during start-up (imports, migrations, FAQ
# sync), while it connects, and right as the main thread goes to sleep once connected.
SOCKET_MODE_STOPS = [
    *(Attempt(delay=d) for d in (0.0, 0.5)),
    # Just after the FAQ sync: the signals are the worker's, it has not connected yet.
    *(Attempt(delay=d, after_line="faq:") for d in (0, 0.01)),
    *(Attempt(delay=d, after_line="socket mode: connecting") for d in (0, 0, 0.001, 0.005)),
    *(Attempt(delay=d, after_line="socket mode: connected") for d in (0, 0, 0, 0.001)),
    *(Attempt(delay=d, after_line="socket mode: connected") for d in (0.002, 0.005, 0.01)),
    *(Attempt(delay=d, after_line="socket mode: connected") for d in (0.03, 0.1, 0.3)),
    Attempt(delay=0.01, after_line="socket mode: connected", sig=signal.SIGINT),
    Attempt(delay=0.01, after_line="socket mode: connected"),
]


def test_socket_mode_stops_on_sigterm_even_right_after_starting(
    emulator: SlackEmulator, tmp_path: Path
) -> None:
    env = socket_mode_env(emulator, tmp_path)
    # Migrate and sync the FAQ once, so each start is quick and concurrent starts find it all in
    # place (two first-time FAQ syncs at once collide on faq_entry's key; not what this tests).
    for step in (["db", "upgrade"], ["faq", "sync"]):
        subprocess.run(
            [sys.executable, "-m", "bot", *step], cwd=tmp_path, env=env, check=True, timeout=60
        )
    # Socket Mode's close waits out slack_sdk's 3 s receive timeout: several at a time.
    results = run_attempts(["run"], env, tmp_path, SOCKET_MODE_STOPS, parallel=4)
    assert_each_stopped(
        results,
        stopped_line="socket mode: stopped",
        # The FAQ sync logs after the worker took over SIGTERM: from here on, a stop must be clean.
        handlers_installed_line="faq:",
    )
    connected = [r for r in results if "socket mode: connected" in r.log]
    assert len(connected) >= 12  # every attempt that waited for "connected"
    assert all(r.returncode == 0 for r in connected)
    assert any("received SIGINT" in r.log for r in connected)
    assert emulator.violations == []


def test_a_stop_right_after_connecting_closes_the_connection(
    emulator: SlackEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    # slack_sdk's receive loop starts on its own thread just after connect() and first marks its
    # session live again; a close() that came before that left the loop running and close()
    # joining it forever (1 in 60 stops on a loaded machine). Here the loop is held back until
    # close() has marked the session over, every time.
    from slack_bolt import App
    from slack_bolt.adapter.socket_mode import SocketModeHandler
    from slack_sdk.socket_mode.builtin.client import SocketModeClient

    from bot.runtime.server import close_socket_mode

    receive = SocketModeClient._run_current_session
    closed = threading.Event()

    def receive_after_close(self: SocketModeClient) -> None:
        closed.wait(5)
        receive(self)  # type: ignore[no-untyped-call]

    monkeypatch.setattr(SocketModeClient, "_run_current_session", receive_after_close)
    app = App(
        token=emulator.bot_token,
        signing_secret=SIGNING_SECRET,
        client=WebClient(token=emulator.bot_token, base_url=emulator.api_url),
        token_verification_enabled=False,
    )
    handler = SocketModeHandler(app, app_token=emulator.app_token)
    handler.client.web_client = WebClient(base_url=emulator.api_url)
    handler.connect()  # type: ignore[no-untyped-call]
    original_disconnect = handler.client.disconnect

    def disconnect_and_release() -> None:
        # close() has marked the session over; let the loop start now and mark it live again,
        # then disconnect: the order that lost the stop.
        closed.set()
        deadline = time.monotonic() + 5
        while handler.client.current_session_state.terminated and time.monotonic() < deadline:
            time.sleep(0.01)
        original_disconnect()

    monkeypatch.setattr(handler.client, "disconnect", disconnect_and_release)
    # On its own thread, so a regression fails here instead of hanging the suite.
    closing = threading.Thread(target=close_socket_mode, args=(handler,), daemon=True)
    closing.start()
    closing.join(timeout=20)
    assert not closing.is_alive(), "close() never returned"
    assert not handler.client.current_session_runner.is_alive()
