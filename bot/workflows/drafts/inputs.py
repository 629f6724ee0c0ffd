"""What an author hands in, and the two small encodings a stored draft uses."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.workflows.checks import Finding


@dataclass(frozen=True)
class DraftInput:
    """What an author asks for; ``networks`` and ``tags`` as given, validated by :func:`create_draft`."""

    kind: str
    text: str
    networks: tuple[str, ...]
    author_id: str
    campaign: str | None = None
    tags: tuple[str, ...] = ()
    scheduled_at: datetime | None = None
    link: str | None = None
    customer_handle: str | None = None


class DraftInvalid(Exception):
    """The draft cannot be stored: the errors say why (shown to the author, nothing saved)."""

    def __init__(self, errors: Sequence[Finding]) -> None:
        super().__init__("; ".join(f.message for f in errors))
        self.errors = tuple(errors)


def text_hash(text: str) -> str:
    """Approvals are bound to this: an edit changes it, which cancels the approvals given."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def split_list(value: str | None) -> tuple[str, ...]:
    """Networks and tags are stored comma-joined; this reads them back."""
    return tuple(part for part in (value or "").split(",") if part)
