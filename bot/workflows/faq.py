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

from bot.knowledge.faq_files import FaqEntry
from bot.models import FaqRecord

SLACK_SOURCE = "slack"


@dataclass(frozen=True)
class SyncResult:
    added: int
    updated: int
    removed: int
    kept_from_slack: int


def sync_faq(*, session: Session, entries: Sequence[FaqEntry], now: datetime) -> SyncResult:
    """Make the store's file-sourced entries exactly ``entries`` (already validated)."""
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
        if to_entry(record) != entry or record.source != fresh.source:
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


def all_entries(session: Session, *, tag: str | None = None) -> list[FaqEntry]:
    statement = select(FaqRecord).order_by(col(FaqRecord.id))
    entries = [to_entry(record) for record in session.exec(statement)]
    if tag is not None:
        entries = [e for e in entries if tag.lower() in e.tags]
    return entries


def to_record(entry: FaqEntry, *, now: datetime, source: str | None = None) -> FaqRecord:
    return FaqRecord(
        id=entry.id,
        question=entry.question,
        answer=entry.answer,
        variants=json.dumps(list(entry.variants), ensure_ascii=False),
        tags=",".join(entry.tags),
        handoff=entry.handoff,
        owner=entry.owner,
        review_by=entry.review_by,
        source=source or entry.source or SLACK_SOURCE,
        updated_at=now,
    )


def to_entry(record: FaqRecord) -> FaqEntry:
    return FaqEntry(
        id=record.id,
        question=record.question,
        answer=record.answer,
        variants=tuple(json.loads(record.variants or "[]")),
        tags=tuple(t for t in record.tags.split(",") if t),
        handoff=record.handoff,
        owner=record.owner,
        review_by=record.review_by,
        source=record.source,
    )
