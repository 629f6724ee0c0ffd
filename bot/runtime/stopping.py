"""SIGTERM and SIGINT for long-running processes (the clock, Socket Mode): stop cleanly, always.

The main thread must never sleep in an untimed wait. CPython runs a Python signal handler only when
the main thread gets back to the interpreter loop, and a process-directed signal may be delivered to
any thread: when the scheduler's or the websocket's thread takes it, or it lands just before the
main thread enters ``sem_wait``, an untimed ``Event.wait()`` never returns and the handler never
runs (a lost wake-up: the process ignores SIGTERM until it is killed). A timed wait in a loop comes
back to the interpreter every ``POLL_SECONDS``, so a pending handler runs within that time.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

# Latency of a stop versus wake-ups of an idle process: a fraction of a second is unnoticeable to
# an operator or a platform's shutdown grace period, and costs nothing measurable.
POLL_SECONDS = 0.25
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


class StopRequest:
    """Whether (and by which signal) the process was asked to stop."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self.signal_name: str | None = None

    def request(self, signal_name: str) -> None:
        # The first signal names the stop; a second SIGTERM while shutting down changes nothing.
        if self.signal_name is None:
            self.signal_name = signal_name
        self._event.set()

    @property
    def requested(self) -> bool:
        return self._event.is_set()

    def wait(self) -> str:
        """Block until a stop is requested; returns the signal's name. See the module docstring."""
        while not self._event.wait(POLL_SECONDS):
            pass
        return self.signal_name or "a stop"


@contextmanager
def stop_on_signals() -> Iterator[StopRequest]:
    """Turn SIGTERM and SIGINT into a :class:`StopRequest` for the block, then restore the old ones.

    The handler only records the request: anything more (a scheduler's shutdown, closing a socket)
    could need a lock the interrupted code holds, and deadlock.
    """
    stop = StopRequest()

    def handle(signum: int, _frame: FrameType | None) -> None:
        stop.request(signal.Signals(signum).name)

    previous = {sig: signal.signal(sig, handle) for sig in STOP_SIGNALS}
    try:
        yield stop
    finally:
        for sig, old_handler in previous.items():
            signal.signal(sig, old_handler)
