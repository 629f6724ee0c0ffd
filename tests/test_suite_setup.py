"""The suite itself: a run meant for PostgreSQL must not pass when PostgreSQL is not there."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

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
