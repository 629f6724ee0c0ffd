"""An injectable clock, so SLAs, reminders and retention are testable without sleeping."""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)


def clock_owner() -> str:
    """Who claims a run or a lease: host and pid, enough for an operator to find the process."""
    return f"{socket.gethostname()}:{os.getpid()}"
