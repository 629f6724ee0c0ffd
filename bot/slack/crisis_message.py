"""A crisis message as composed: its text and its blocks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class CrisisMessage:
    text: str  # the notification and screen-reader text
    blocks: list[dict[str, Any]]
