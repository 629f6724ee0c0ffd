"""Stopping on SIGTERM/SIGINT: the main thread's wait must see a signal, whichever thread took it."""

from __future__ import annotations

import os
import signal
import threading
import time

from bot.runtime.stopping import POLL_SECONDS, stop_on_signals


def test_a_signal_taken_by_another_thread_still_ends_the_wait() -> None:
    # The lost wake-up, made deterministic: the signal is delivered to a worker thread, so the
    # main thread is never interrupted; only a timed wait gets back to run the Python handler.
    rescued = threading.Event()
    with stop_on_signals() as stop:

        def signal_from_a_worker() -> None:
            time.sleep(0.1)
            signal.pthread_kill(threading.get_ident(), signal.SIGTERM)
            # An untimed wait would sleep forever; end it so a regression fails instead of hanging.
            if not stop_seen.wait(5):
                rescued.set()
                stop.request("rescue")

        stop_seen = threading.Event()
        worker = threading.Thread(target=signal_from_a_worker)
        started = time.monotonic()
        worker.start()
        received = stop.wait()
        stop_seen.set()
        worker.join(timeout=10)
    assert not rescued.is_set()
    assert received == "SIGTERM"
    assert time.monotonic() - started < 0.1 + POLL_SECONDS + 1


def test_the_first_signal_names_the_stop_and_old_handlers_come_back() -> None:
    before = signal.getsignal(signal.SIGINT)
    with stop_on_signals() as stop:
        assert not stop.requested
        os.kill(os.getpid(), signal.SIGINT)
        os.kill(os.getpid(), signal.SIGTERM)
        assert stop.wait() == "SIGINT"
    assert signal.getsignal(signal.SIGINT) is before
