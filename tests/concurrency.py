"""Run the same work in many threads released at once: how the tests make clicks race."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def race(count: int, work: Callable[[int], T]) -> list[T]:
    """``work(0)`` … ``work(count - 1)``, each in its own thread, all started by one barrier;
    their results in the order they finished."""
    start = threading.Barrier(count)
    results: list[T] = []
    lock = threading.Lock()

    def run(index: int) -> None:
        start.wait()
        outcome = work(index)
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results
