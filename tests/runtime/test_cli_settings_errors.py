"""Settings and options an operator can get wrong: each is one line on stderr and exit 2."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from tests.runtime.test_cli import assert_one_line_error, free_port, socialops

SLACK = {"SLACK_BOT_TOKEN": "xoxb-1-2-cli", "SLACK_SIGNING_SECRET": "s" * 32}


@pytest.mark.parametrize(
    ("name", "value", "needle"),
    [
        # timedelta(days=999999999999) overflowed with a traceback.
        ("SOCIALOPS_APPROVAL_REMIND_AFTER", "999999999999d", "at most 365d"),
        ("SOCIALOPS_APPROVAL_EXPIRE_AFTER", "366d", "at most 365d"),
        # SQLAlchemy parses the port of a broken IPv6 host only when asked: int(':1').
        ("DATABASE_URL", "postgresql://[::1/db", "IPv6"),
        ("DATABASE_URL", "postgresql://u:pw-secret@db:99999/x", "port"),
        # An in-memory store loses every draft and decision without a word.
        ("DATABASE_URL", "sqlite:///", "in-memory"),
        ("DATABASE_URL", "sqlite:///:memory:", "in-memory"),
        ("DATABASE_URL", "sqlite:///file:x?mode=memory&uri=true", "in-memory"),
        # The same mistakes in the other URLs failed at their first request, with a traceback.
        ("SLACK_API_URL", "http://[::1/api/", "IPv6"),
        ("SLACK_API_URL", "http://127.0.0.1:99999/api/", "port"),
        ("OPENAI_BASE_URL", "http://[::1/v1", "IPv6"),
    ],
)
@pytest.mark.parametrize("command", [["check"], ["db", "upgrade"]])
def test_a_malformed_setting_is_one_line(
    tmp_path: Path, command: list[str], name: str, value: str, needle: str
) -> None:
    result = socialops(tmp_path, *command, **{name: value}, **SLACK)
    assert_one_line_error(result, f"{name} is malformed", needle)
    assert "pw-secret" not in result.stderr
    assert list(tmp_path.iterdir()) == []  # no database file left behind


@pytest.mark.parametrize("port", ["99999", "0", "-1"])
def test_serve_refuses_a_port_out_of_range_in_one_line(tmp_path: Path, port: str) -> None:
    result = socialops(tmp_path, "serve", "--port", port, **SLACK)
    assert_one_line_error(result, "--port", "65535")
    assert list(tmp_path.iterdir()) == []  # refused before the store was touched


def test_serve_with_slack_unreachable_is_one_line(tmp_path: Path) -> None:
    # Nothing listens on this port: auth.test fails with URLError, which was a traceback.
    closed = f"http://127.0.0.1:{free_port()}/api/"
    port = str(free_port())
    result = socialops(tmp_path, "serve", "--port", port, SLACK_API_URL=closed, **SLACK)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("socialops: Slack did not answer at http://127.0.0.1:")


def test_serve_on_a_port_in_use_is_one_line(tmp_path: Path) -> None:
    # gunicorn retried the bind five times and exited with ten log lines.
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = str(busy.getsockname()[1])
        result = socialops(tmp_path, "serve", "--host", "127.0.0.1", "--port", port, **SLACK)
    assert_one_line_error(result, f"cannot listen on 127.0.0.1:{port}", "in use")
    assert list(tmp_path.iterdir()) == []  # refused before the store was touched
