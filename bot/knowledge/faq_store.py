"""The FAQ as the store holds it: rows to entries and back, and every entry in id order.

The knowledge layer reads the FAQ from here (the matcher is rebuilt from it), and the FAQ
workflows write through the same conversions, so a row always means one entry.
"""

from __future__ import annotations

import json
from datetime import datetime

from sqlmodel import Session, col, select

from bot.knowledge.faq_files import FaqEntry
from bot.store.models import FaqRecord

# An entry added in Slack, as opposed to one synced from a file (whose source is its file name).
SLACK_SOURCE = "slack"


def all_entries(session: Session, *, tag: str | None = None) -> list[FaqEntry]:
    statement = select(FaqRecord).order_by(col(FaqRecord.id))
    entries = [to_entry(record) for record in session.exec(statement)]
    if tag is not None:
        entries = [e for e in entries if tag.lower() in e.tags]
    return entries


def to_entry(record: FaqRecord, *, learned: bool = True) -> FaqEntry:
    """The entry as the bot uses it: with ``learned``, variants include what approvals taught."""
    variants = list(json.loads(record.variants or "[]"))
    if learned:
        variants += [v for v in json.loads(record.learned or "[]") if v not in variants]
    return FaqEntry(
        id=record.id,
        question=record.question,
        answer=record.answer,
        variants=tuple(variants),
        tags=tuple(t for t in record.tags.split(",") if t),
        handoff=record.handoff,
        owner=record.owner,
        review_by=record.review_by,
        source=record.source,
    )


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
