"""Start a long-running `socialops` process and stop it with a signal at a chosen moment.

Used by the clock and Socket Mode stop tests: a process that sleeps in an untimed wait can miss a
signal that lands just before it goes to sleep (or on another thread), and then never stops.
Only many starts and stops at varying moments catch that, so attempts run a few at a time.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

# A stop that takes longer than this is a process that ignored the signal. Socket Mode's close
# waits out slack_sdk's 3 s receive timeout, and CPU-starved runs (CI, the load check) are slower.
STOP_TIMEOUT = 20.0
START_TIMEOUT = 30.0


@dataclass(frozen=True)
class Attempt:
    """When to send which signal: ``delay`` seconds after spawn, or after ``after_line`` shows."""

    delay: float
    after_line: str | None = None
    sig: signal.Signals = signal.SIGTERM


@dataclass(frozen=True)
class Stopped:
    attempt: Attempt
    returncode: int | None  # None: still running after STOP_TIMEOUT (then killed)
    log: str
    seconds_to_stop: float


def wait_for_line(log_path: Path, needle: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while needle not in log_path.read_text():
        if process.poll() is not None or time.monotonic() > deadline:
            raise AssertionError(f"never logged {needle!r}:\n{log_path.read_text()}")
        time.sleep(0.005)


def start_and_stop(
    args: list[str], env: dict[str, str], cwd: Path, log_path: Path, attempt: Attempt
) -> Stopped:
    # The log goes to a file: a pipe nobody reads while we wait could fill and block the process.
    with log_path.open("w") as log_file:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", *args],
            cwd=cwd,  # no stray .env
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    try:
        if attempt.after_line is not None:
            wait_for_line(log_path, attempt.after_line, process)
        time.sleep(attempt.delay)
        process.send_signal(attempt.sig)
        sent = time.monotonic()
        try:
            returncode: int | None = process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            returncode = None
        return Stopped(attempt, returncode, log_path.read_text(), time.monotonic() - sent)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)


def run_attempts(
    args: list[str],
    env: dict[str, str],
    tmp_path: Path,
    attempts: list[Attempt],
    parallel: int,
) -> list[Stopped]:
    """Every attempt in its own process, ``parallel`` at a time (also a little CPU pressure)."""

    def one(index: int) -> Stopped:
        log_path = tmp_path / f"attempt-{index}.log"
        return start_and_stop(args, env, tmp_path, log_path, attempts[index])

    with ThreadPoolExecutor(max_workers=parallel) as pool:
        return list(pool.map(one, range(len(attempts))))


def assert_each_stopped(
    results: list[Stopped], *, stopped_line: str, handlers_installed_line: str
) -> None:
    """Each process exited in time: cleanly (0, "stopped" logged), or, only when the signal came
    before our handlers were installed (interpreter start-up, imports), by the signal itself."""
    for result in results:
        where = f"{result.attempt}:\n{result.log}"
        assert result.returncode is not None, f"ignored the signal: {where}"
        assert "Traceback" not in result.log, where
        if result.returncode == 0:
            assert stopped_line in result.log, where
        else:
            assert result.returncode == -result.attempt.sig, where
            assert handlers_installed_line not in result.log, where
