"""What a process knows to answer customers: the FAQ matcher and the response templates.

The FAQ lives in the store, where `faq sync`, `/social faq add` and learning from approved replies
change it, possibly in another process. Each process keeps one built matcher and rebuilds it when
the store's FAQ fingerprint (row count and newest change) moves, so a new entry answers at once
without a restart. Templates are files shipped with the deployment and load once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import func
from sqlmodel import Session, col, select

from bot.knowledge.faq_files import FaqEntry, load_faq_dir
from bot.knowledge.matching import FaqMatcher
from bot.knowledge.templates import ResponseTemplate, load_templates
from bot.models import FaqRecord
from bot.workflows.faq import all_entries

Fingerprint = tuple[int, datetime | None]


@dataclass(frozen=True)
class Knowledge:
    entries: Mapping[str, FaqEntry]
    matcher: FaqMatcher
    templates: Sequence[ResponseTemplate]


def knowledge_from_files(faq_dir: Path, responses_dir: Path) -> Knowledge:
    """Knowledge straight from the folders, for `socialops suggest` (no store needed)."""
    entries = load_faq_dir(faq_dir)
    return Knowledge(
        entries={entry.id: entry for entry in entries},
        matcher=FaqMatcher(entries),
        templates=tuple(load_templates(responses_dir)),
    )


class KnowledgeCache:
    """Per-process, thread-safe holder of the current :class:`Knowledge`."""

    def __init__(self, templates: Callable[[], Sequence[ResponseTemplate]]) -> None:
        self._load_templates = templates
        self._templates: Sequence[ResponseTemplate] | None = None
        self._lock = threading.Lock()
        self._current: tuple[Fingerprint, Knowledge] | None = None

    @classmethod
    def from_folder(cls, folder: str) -> KnowledgeCache:
        return cls(lambda: load_templates(Path(folder)))

    def get(self, session: Session) -> Knowledge:
        fingerprint = faq_fingerprint(session)
        current = self._current
        if current is not None and current[0] == fingerprint:
            return current[1]
        with self._lock:
            current = self._current
            if current is not None and current[0] == fingerprint:
                return current[1]
            if self._templates is None:
                # A broken template folder is reported by `socialops check`; here it raises
                # TemplateFileError, which the caller turns into a message for the user.
                self._templates = tuple(self._load_templates())
            entries = all_entries(session)
            knowledge = Knowledge(
                entries={entry.id: entry for entry in entries},
                matcher=FaqMatcher(entries),
                templates=self._templates,
            )
            self._current = (fingerprint, knowledge)
            return knowledge


def faq_fingerprint(session: Session) -> Fingerprint:
    count, newest = session.exec(select(func.count(), func.max(col(FaqRecord.updated_at)))).one()
    return int(count), newest
