"""``TrackedExecutor``: bolt's listener thread pool, able to say when all its work is done."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")


class TrackedExecutor(ThreadPoolExecutor):
    """A thread pool that counts the work it has been given and not yet finished.

    The demo plays a scenario step by step: bolt acks a request, then runs the listener on this
    pool, and the listener's answers (a card redrawn, a war-room post) land later. Counting
    visible Slack calls cannot tell a step's last answer from a late one of the step before;
    waiting until the pool is idle can, because bolt submits the work before it sends the ack.
    """

    def __init__(self, max_workers: int = 10) -> None:
        super().__init__(max_workers=max_workers, thread_name_prefix="listener")
        self._busy = 0
        self._changed = threading.Condition()

    def submit(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> Future[T]:
        with self._changed:
            self._busy += 1
        try:
            future = super().submit(fn, *args, **kwargs)
        except BaseException:
            self._finished(None)
            raise
        future.add_done_callback(self._finished)
        return future

    def _finished(self, _future: Future[Any] | None) -> None:
        with self._changed:
            self._busy -= 1
            self._changed.notify_all()

    def wait_idle(self, timeout: float) -> bool:
        """Block until no submitted work is pending or running; False when ``timeout`` ran out."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while self._busy:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._changed.wait(left)
        return True
