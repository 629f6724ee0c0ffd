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
from bot.knowledge.faq_store import all_entries
from bot.knowledge.matcher_protocol import Matcher, MatcherFactory
from bot.knowledge.matchers import offline_matcher
from bot.knowledge.templates import ResponseTemplate, load_templates
from bot.store.models import FaqRecord

Fingerprint = tuple[int, datetime | None]


@dataclass(frozen=True)
class Knowledge:
    entries: Mapping[str, FaqEntry]
    matcher: Matcher
    templates: Sequence[ResponseTemplate]


def knowledge_from_files(
    faq_dir: Path, responses_dir: Path, *, matcher: MatcherFactory = offline_matcher
) -> Knowledge:
    """Knowledge straight from the folders, for `socialops suggest` (no store needed)."""
    entries = load_faq_dir(faq_dir)
    return Knowledge(
        entries={entry.id: entry for entry in entries},
        matcher=matcher(entries),
        templates=tuple(load_templates(responses_dir)),
    )


class KnowledgeCache:
    """Per-process, thread-safe holder of the current :class:`Knowledge`."""

    def __init__(
        self,
        templates: Callable[[], Sequence[ResponseTemplate]],
        *,
        matcher: MatcherFactory = offline_matcher,
    ) -> None:
        self._load_templates = templates
        self._build_matcher = matcher
        self._templates: Sequence[ResponseTemplate] | None = None
        self._lock = threading.Lock()
        self._current: tuple[Fingerprint, Knowledge] | None = None

    @classmethod
    def from_folder(
        cls, folder: str, *, matcher: MatcherFactory = offline_matcher
    ) -> KnowledgeCache:
        return cls(lambda: load_templates(Path(folder)), matcher=matcher)

    def warm(self, session: Session) -> None:
        """Build the matcher and answer one question now, at start, not in a request.

        The semantic matcher loads its model (seconds) on its first build, and `/social faq
        search` matches before it acks: that must not be the first time. The offline matcher
        builds in milliseconds, so this costs it nothing. Templates are left to the first
        request, which reports a broken one to the person asking.
        """
        self._build_matcher(all_entries(session)).match("where is my order?")

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
                matcher=self._build_matcher(entries),
                templates=self._templates,
            )
            self._current = (fingerprint, knowledge)
            return knowledge


def faq_fingerprint(session: Session) -> Fingerprint:
    count, newest = session.exec(select(func.count(), func.max(col(FaqRecord.updated_at)))).one()
    return int(count), newest
