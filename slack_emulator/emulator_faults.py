"""Injected faults: rate limits, server errors, error codes and slow answers, per method."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from slack_emulator.emulator_http import Reply, error_reply


@dataclass
class Fault:
    """What the next ``remaining`` calls to a method get."""

    status: int
    retry_after: int | None
    delay: float
    error: str | None
    remaining: int


class FaultPlan:
    """Faults waiting for their method, first injected first served. Thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queues: dict[str, list[Fault]] = {}

    def add(self, method: str, fault: Fault) -> None:
        """Queue a fault behind any already waiting for ``method``."""
        if fault.remaining < 1 or not 100 <= fault.status <= 599:
            raise ValueError("a fault needs times >= 1 and an HTTP status")
        with self._lock:
            self._queues.setdefault(method, []).append(fault)

    def waiting(self, method: str) -> int:
        """How many calls to ``method`` still have a fault waiting for them."""
        with self._lock:
            return sum(fault.remaining for fault in self._queues.get(method, []))

    def clear(self) -> None:
        """Drop every waiting fault."""
        with self._lock:
            self._queues.clear()

    def apply(self, method: str) -> Reply | None:
        """Consume the next fault for ``method``: sleep its delay, then return the answer it
        dictates, or None (no fault, or a slow but otherwise normal answer)."""
        with self._lock:
            queue = self._queues.get(method)
            if not queue:
                return None
            fault = queue[0]
            fault.remaining -= 1
            if fault.remaining == 0:
                queue.pop(0)
        if fault.delay > 0:
            time.sleep(fault.delay)  # in the request's own thread, outside every lock
        return _answer(fault)


def _answer(fault: Fault) -> Reply | None:
    if fault.status == 200:
        return None if fault.error is None else error_reply(fault.error)
    if fault.status == 429:
        reply = error_reply(fault.error or "ratelimited", status=429)
        if fault.retry_after is None:
            return reply
        return Reply(reply.status, reply.body, {"Retry-After": str(fault.retry_after)})
    default = "internal_error" if fault.status >= 500 else "request_failed"
    return error_reply(fault.error or default, status=fault.status)
