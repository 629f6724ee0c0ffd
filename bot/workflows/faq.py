"""The FAQ in the store: sync from files, add from Slack, list, search by words, export.

A sync replaces every file-sourced entry in one transaction, so a failed sync changes nothing;
entries added in Slack (``source == "slack"``) survive syncs until someone exports them to a file.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete
from sqlmodel import Session, col, select

from bot.knowledge.faq_files import HANDOFF_TEAMS, SLUG, FaqEntry
from bot.knowledge.faq_store import SLACK_SOURCE, to_entry, to_record
from bot.store.locks import lock_table
from bot.store.models import FaqRecord, ReplySuggestion

MAX_LEARNED = 50
MAX_LEARNED_CHARS = 500


@dataclass(frozen=True)
class SyncResult:
    added: int
    updated: int
    removed: int
    kept_from_slack: int


def sync_faq(*, session: Session, entries: Sequence[FaqEntry], now: datetime) -> SyncResult:
    """Make the store's file-sourced entries exactly ``entries`` (already validated).

    Every web process syncs at start: the table lock makes concurrent syncs run one after the
    other, so the second reads what the first wrote instead of inserting the same ids again.
    """
    lock_table(session, FaqRecord)
    existing = {record.id: record for record in session.exec(select(FaqRecord))}
    from_slack = {i for i, r in existing.items() if r.source == SLACK_SOURCE}
    incoming = {entry.id for entry in entries}
    stale = [i for i, r in existing.items() if r.source != SLACK_SOURCE and i not in incoming]
    if stale:
        session.execute(delete(FaqRecord).where(col(FaqRecord.id).in_(stale)))
    added = updated = 0
    for entry in entries:
        record = existing.get(entry.id)
        if record is None:
            session.add(to_record(entry, now=now))
            added += 1
            continue
        fresh = to_record(entry, now=now)
        if to_entry(record, learned=False) != entry or record.source != fresh.source:
            for name in (
                "question",
                "answer",
                "variants",
                "tags",
                "handoff",
                "owner",
                "review_by",
                "source",
            ):
                setattr(record, name, getattr(fresh, name))
            record.updated_at = now
            updated += 1
    session.flush()
    return SyncResult(added, updated, len(stale), len(from_slack - incoming))


def add_from_slack(*, session: Session, entry: FaqEntry, now: datetime) -> bool:
    """Save an entry made in Slack; False when the id is taken."""
    if session.get(FaqRecord, entry.id) is not None:
        return False
    session.add(to_record(entry, now=now, source=SLACK_SOURCE))
    session.flush()
    return True


def learn_variant(*, session: Session, entry_id: str, text: str, now: datetime) -> bool:
    """Remember ``text`` as another way of asking entry ``entry_id``; False if known or gone."""
    record = session.get(FaqRecord, entry_id)
    text = " ".join(text.split())[:MAX_LEARNED_CHARS]
    if record is None or not text:
        return False
    known = {v.casefold() for v in to_entry(record).variants} | {record.question.casefold()}
    if text.casefold() in known:
        return False
    learned = json.loads(record.learned or "[]")
    # The newest teach most; a cap keeps one busy entry from drowning the others in BM25.
    record.learned = json.dumps([*learned, text][-MAX_LEARNED:], ensure_ascii=False)
    record.updated_at = now
    session.add(record)
    session.flush()
    return True


def learn_from_approved_reply(*, session: Session, draft_id: int, now: datetime) -> bool:
    """The customer message of an approved suggested reply becomes a variant of its entry; a
    several-question message teaches each question to the entry that answered it."""
    statement = select(ReplySuggestion).where(col(ReplySuggestion.draft_id) == draft_id)
    suggestion = session.exec(statement).first()
    if suggestion is None or suggestion.faq_id is None:
        return False
    if suggestion.parts:
        taught = [
            learn_variant(session=session, entry_id=entry_id, text=text, now=now)
            for text, entry_id in json.loads(suggestion.parts)
            if entry_id is not None
        ]
        return any(taught)
    return learn_variant(
        session=session, entry_id=suggestion.faq_id, text=suggestion.customer_text, now=now
    )


class FaqFormError(ValueError):
    """A field of the "Add to FAQ" form that cannot be saved, with what to fix."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def entry_from_form(
    *,
    entry_id: str,
    question: str,
    answer: str,
    variants: str = "",
    tags: str = "",
    handoff: str | None = None,
) -> FaqEntry:
    """Validate the form's fields into an entry, by the same rules as an FAQ file."""
    entry_id = entry_id.strip().lower()
    if not SLUG.match(entry_id) or len(entry_id) > 128:
        raise FaqFormError("id", "Use a slug: lower-case words joined by hyphens, like gift-wrap.")
    if not question.strip():
        raise FaqFormError("question", "The question is required.")
    if not answer.strip():
        raise FaqFormError("answer", "The answer is required.")
    if handoff is not None and handoff not in HANDOFF_TEAMS:
        raise FaqFormError("handoff", "Hand off to support or sales, or leave it empty.")
    return FaqEntry(
        id=entry_id,
        question=" ".join(question.split()),
        answer=answer.strip(),
        variants=tuple(line.strip() for line in variants.splitlines() if line.strip()),
        tags=tuple(tag.strip().lower() for tag in tags.split(",") if tag.strip()),
        handoff=handoff,
        source=SLACK_SOURCE,
    )
