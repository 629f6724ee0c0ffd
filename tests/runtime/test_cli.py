"""The command line as an operator meets it: one line and an exit code for known mistakes."""

from __future__ import annotations

import hashlib
import hmac
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from bot.settings import Settings
from slack_emulator.emulator import SlackEmulator
from slack_emulator.signed_client import SignedSlackClient
from tests.harness import SIGNING_SECRET
from tests.runtime.process_stops import Attempt, assert_each_stopped, run_attempts

SECRET_TOKEN = "xoxb-4242-4242-cli-secret-token"


def clean_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not _is_setting(k)}
    env["DATABASE_URL"] = extra.pop("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    env.update(extra)
    return env


def _is_setting(name: str) -> bool:
    aliases = {str(f.validation_alias.choices[0]) for f in Settings.model_fields.values()}  # type: ignore[union-attr]
    return name in aliases


def socialops(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        cwd=tmp_path,  # no stray .env
        env=clean_env(tmp_path, **env),
        timeout=60,
    )


def assert_one_line_error(result: subprocess.CompletedProcess[str], *needles: str) -> None:
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    for needle in needles:
        assert needle in lines[0]


def test_serve_without_credentials_names_them_and_points_to_the_demo(tmp_path: Path) -> None:
    result = socialops(tmp_path, "serve")
    assert_one_line_error(result, "SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "socialops demo")


def test_run_without_credentials_does_the_same(tmp_path: Path) -> None:
    assert_one_line_error(socialops(tmp_path, "run"), "SLACK_BOT_TOKEN", "socialops demo")


def test_socket_mode_with_a_malformed_app_token(tmp_path: Path) -> None:
    result = socialops(
        tmp_path,
        "run",
        SLACK_BOT_TOKEN=SECRET_TOKEN,
        SLACK_SIGNING_SECRET="s" * 32,
        SLACK_APP_TOKEN="xoxb-not-an-app-token-secret",
    )
    assert_one_line_error(result, "SLACK_APP_TOKEN", "xapp-")
    assert "xoxb-not-an-app-token-secret" not in result.stderr


def test_malformed_port_is_one_line(tmp_path: Path) -> None:
    assert_one_line_error(socialops(tmp_path, "check", PORT="http"), "PORT is malformed")


def test_a_rejected_token_is_one_line_and_not_echoed(tmp_path: Path) -> None:
    with SlackEmulator() as emulator:
        result = socialops(
            tmp_path,
            "serve",
            "--port",
            str(free_port()),
            SLACK_BOT_TOKEN=SECRET_TOKEN,
            SLACK_SIGNING_SECRET=SIGNING_SECRET,
            SLACK_API_URL=emulator.api_url,
        )
    # serve logs its start-up (migrations) before asking Slack; the verdict is the last line.
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith("socialops: Slack rejected the start-up")
    assert "invalid_auth" in last_line
    assert SECRET_TOKEN not in result.stderr + result.stdout


def test_db_upgrade_and_check(tmp_path: Path) -> None:
    upgraded = socialops(tmp_path, "db", "upgrade")
    assert upgraded.returncode == 0, upgraded.stderr
    assert "up to date" in upgraded.stdout
    (tmp_path / "faq").mkdir()
    (tmp_path / "faq" / "a.yml").write_text("id: a\nquestion: Q?\nanswer: A.\n", encoding="utf-8")
    (tmp_path / "responses").mkdir()
    checked = socialops(tmp_path, "check", SOCIALOPS_MATCHER="offline")
    assert checked.returncode == 0, checked.stderr
    assert "database: ok" in checked.stdout
    assert "faq: ok (1 entries" in checked.stdout
    assert "responses: ok" in checked.stdout
    assert "matching: offline" in checked.stdout
    assert "reply polish: off" in checked.stdout
    assert "faq self-test: no variants to hold out" in checked.stdout
    polished = socialops(tmp_path, "check", OPENAI_BASE_URL="http://127.0.0.1:9/v1")
    assert "reply polish: gpt-4o-mini at http://127.0.0.1:9/v1, 8 s" in polished.stdout


def test_check_reports_a_broken_template_with_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "faq").mkdir()
    (tmp_path / "responses").mkdir()
    (tmp_path / "responses" / "a.md.j2").write_text(
        '---\nid: a\nserves: ["*"]\n---\nHello,\nHi {{ nme }}\n', encoding="utf-8"
    )
    socialops(tmp_path, "db", "upgrade")
    checked = socialops(tmp_path, "check")
    assert checked.returncode == 2
    assert "a.md.j2:6:" in checked.stderr
    assert "nme" in checked.stderr


def test_an_unreachable_database_is_one_line(tmp_path: Path) -> None:
    result = socialops(
        tmp_path, "db", "upgrade", DATABASE_URL="postgresql+psycopg://u:pw-secret@127.0.0.1:1/x"
    )
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "pw-secret" not in result.stderr


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_healthy(url: str, process: subprocess.Popen[str], timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"server exited early: {process.communicate()[1]}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=1) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("server never became healthy")


def test_serve_answers_slack_through_gunicorn(tmp_path: Path, database_url: str) -> None:
    port = free_port()
    home = tmp_path / "home"
    home.mkdir()
    with SlackEmulator() as emulator:
        env = clean_env(
            tmp_path,
            SLACK_BOT_TOKEN=emulator.bot_token,
            SLACK_SIGNING_SECRET=SIGNING_SECRET,
            SLACK_API_URL=emulator.api_url,
            DATABASE_URL=database_url,
            HOME=str(home),
        )
        env.pop("XDG_RUNTIME_DIR", None)
        if database_url.startswith("postgresql"):
            subprocess.run(
                [sys.executable, "-m", "bot", "db", "upgrade"],
                env=env,
                check=True,
                cwd=tmp_path,
                capture_output=True,
            )
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "bot",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--workers",
                "1",
                "--threads",
                "2",
            ],
            env=env,
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            url = f"http://127.0.0.1:{port}"
            wait_until_healthy(url, process)
            slack = SignedSlackClient(
                f"{url}/slack/events",
                SIGNING_SECRET,
                response_url_factory=emulator.new_response_url,
            )
            response = slack.slash_command("help")
            assert response.status == 200
            assert "/social help" in response.json()["text"]
            bad = slack.send_raw(
                b"command=%2Fsocial", {"Content-Type": "application/x-www-form-urlencoded"}
            )
            assert bad.status == 401
            # Signed, but over a timestamp that is not a number: 401, not a 500 Slack retries.
            body = b"command=%2Fsocial&text=help"
            base = b"v0:soon:" + body
            digest = hmac.new(SIGNING_SECRET.encode(), base, hashlib.sha256).hexdigest()
            odd = slack.send_raw(
                body,
                {
                    "Content-Type": "application/x-www-form-urlencoded",
                    "X-Slack-Request-Timestamp": "soon",
                    "X-Slack-Signature": f"v0={digest}",
                },
            )
            assert odd.status == 401
            # gunicorn's control socket defaults to one path per user ($HOME/.gunicorn): a second
            # `socialops serve` on the host took over the first's. socialops turns it off.
            assert not (home / ".gunicorn").exists()
        finally:
            process.send_signal(signal.SIGTERM)
            _out, err = process.communicate(timeout=20)
    assert process.returncode == 0, err
    assert emulator.bot_token not in err


def test_clock_starts_logs_and_stops_on_sigterm(tmp_path: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "clock"],
        env=clean_env(tmp_path),
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    seen = ""
    deadline = time.monotonic() + 20
    while "purged" not in seen and time.monotonic() < deadline:
        seen += process.stderr.readline()
    process.send_signal(signal.SIGTERM)
    _out, rest = process.communicate(timeout=10)
    log = seen + rest
    assert process.returncode == 0, log
    assert "clock: started with jobs: purge-processed-events" in log
    assert "received SIGTERM" in log
    assert "clock: stopped" in log


@pytest.mark.parametrize(
    "entry", [["-m", "bot"], ["-c", "from bot.runtime.cli import main; main()"]]
)
def test_help_lists_the_commands(tmp_path: Path, entry: list[str]) -> None:
    result = subprocess.run(
        [sys.executable, *entry, "--help"],
        capture_output=True,
        text=True,
        env=clean_env(tmp_path),
        timeout=30,
    )
    assert result.returncode == 0
    for command in ("serve", "run", "clock", "db", "check", "demo"):
        assert command in result.stdout


# Twenty starts and stops: some signals land during interpreter start-up or the migrations, most
# around the moment the main thread goes to sleep (where a lost wake-up used to hang the clock).
CLOCK_STOPS = [
    *(Attempt(delay=d) for d in (0.0, 0.2, 0.4, 0.6)),
    # Just after the clock took over the signals, while it migrates and builds the scheduler.
    *(Attempt(delay=d, after_line="SLACK_BOT_TOKEN is not set") for d in (0, 0, 0.01)),
    *(Attempt(delay=d, after_line="clock: started") for d in (0, 0, 0, 0.001, 0.002, 0.005)),
    *(Attempt(delay=d, after_line="clock: started") for d in (0.01, 0.02, 0.05, 0.1, 0.2, 0.3)),
    Attempt(delay=0.01, after_line="clock: started", sig=signal.SIGINT),
]


def test_clock_stops_on_sigterm_even_right_after_starting(tmp_path: Path) -> None:
    # SIGTERM while the first jobs are being handed to the executor used to deadlock now and
    # then (shutdown() inside the signal handler waited for a lock the interrupted code held), and
    # a signal taken by a scheduler thread was never seen by a main thread in an untimed wait.
    env = clean_env(tmp_path)
    socialops(tmp_path, "db", "upgrade")  # once, so each start is quick
    results = run_attempts(["clock"], env, tmp_path, CLOCK_STOPS, parallel=3)
    assert_each_stopped(
        results,
        stopped_line="clock: stopped",
        # Printed just after the clock took over SIGTERM: from here on, a stop must be clean.
        handlers_installed_line="SLACK_BOT_TOKEN is not set",
    )
    clean = [r for r in results if r.returncode == 0 and "clock: started" in r.log]
    assert len(clean) >= 13  # every attempt that waited for "started"
    assert any("received SIGINT" in r.log for r in clean)
    # No bound on how fast each stop is: a hang (the lost wake-up) is a process still running
    # after STOP_TIMEOUT, which assert_each_stopped fails on. A 5 s bound here failed on a loaded
    # machine (5.5 s, three clocks starting at once beside a busy suite) with nothing wrong.
