"""FAQ gaps: the questions the FAQ could not answer, counted so the team fills the biggest first.

An abstention and a "Not helpful" click both land here, keyed by the message's normalised words
so "Do you ship to Iceland?" and "do u ship to iceland??" are one gap with a count of two.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from bot.knowledge.text_normal import MAX_INPUT_CHARS, words
from bot.store.models import FaqGap

KEY_CHARS = 500
EXAMPLE_CHARS = 1_000  # enough to start an FAQ entry from; a 40k-character rant is cut


def gap_key(text: str) -> str:
    """The normalised form that groups rewordings of one question; empty for emoji-only text."""
    return " ".join(words(text[:MAX_INPUT_CHARS]))[:KEY_CHARS].strip()


def record_gap(
    *, session: Session, text: str, now: datetime, not_helpful: bool = False
) -> FaqGap | None:
    """Count one more occurrence of this question; None when there are no words to count."""
    key = gap_key(text)
    if not key:
        return None
    example = text.strip()[:EXAMPLE_CHARS]
    values = {
        "key": key,
        "example": example,
        "count": 1,
        "not_helpful": int(not_helpful),
        "first_seen_at": now,
        "last_seen_at": now,
    }
    dialect = session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    # One statement, so two processes recording the same gap at once both count.
    statement = (
        insert(FaqGap)
        .values(**values)
        .on_conflict_do_update(
            index_elements=[col(FaqGap.key)],
            set_={
                "count": col(FaqGap.count) + 1,
                "not_helpful": col(FaqGap.not_helpful) + int(not_helpful),
                "example": example,
                "last_seen_at": now,
            },
        )
        .returning(col(FaqGap.id))
    )
    gap_id = session.execute(statement).scalar_one()
    # The row may already be in the session from an earlier call: read the database's count.
    return session.get(FaqGap, gap_id, populate_existing=True)


def top_gaps(session: Session, *, limit: int = 10) -> list[FaqGap]:
    """The most frequent gaps first; among equals, the most recent."""
    statement = (
        select(FaqGap)
        .order_by(col(FaqGap.count).desc(), col(FaqGap.last_seen_at).desc(), col(FaqGap.id))
        .limit(limit)
    )
    return list(session.exec(statement))


def get_gap(session: Session, gap_id: int) -> FaqGap | None:
    return session.get(FaqGap, gap_id)


def close_gap(session: Session, gap_id: int) -> None:
    """Forget a gap once an FAQ entry answers it."""
    session.execute(delete(FaqGap).where(col(FaqGap.id) == gap_id))
