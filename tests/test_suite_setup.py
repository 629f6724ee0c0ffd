"""The suite itself: a run meant for PostgreSQL must not pass when PostgreSQL is not there, and a
test's bot is done with its store before the store goes."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

from slack_emulator import payloads
from slack_emulator.emulator import SlackEmulator
from tests.conftest import running_bot

ROOT = Path(__file__).resolve().parent.parent


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_a_postgresql_run_with_no_server_fails_in_one_line() -> None:
    url = f"postgresql+psycopg://tester:pw-secret@127.0.0.1:{closed_port()}/socialops_test"
    env = {**os.environ, "DATABASE_URL": url}
    # The README's command on a store test; it used to exit 0 with every such test skipped.
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "tests/store/test_db.py", "-q", "-p", "no:cacheprovider"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
    )
    assert result.returncode != 0, result.stdout
    said = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(said) == 1, result.stderr
    assert "DATABASE_URL names PostgreSQL at postgresql+psycopg://tester:***@127.0.0.1:" in said[0]
    assert "did not answer" in said[0]
    assert "pw-secret" not in result.stdout + result.stderr
    assert "passed" not in result.stdout
    assert "skipped" not in result.stdout


def test_a_test_bot_finishes_its_work_after_the_ack_before_it_stops(
    emulator: SlackEmulator, database_url: str
) -> None:
    # The store is dropped after the bot stops: a listener still answering then deadlocked the
    # PostgreSQL schema's DROP in teardown. Its slow answer must land before running_bot returns.
    emulator.inject("chat.postMessage", status=200, delay=0.5)
    with running_bot(emulator, database_url) as bot:
        event = payloads.app_mention(text="<@UBOTSOCIAL> hello", user="U0AUTHOR")
        assert bot.slack.event(event).status == 200
    assert emulator.calls_to("chat.postMessage"), "the greeting was still on its way"
