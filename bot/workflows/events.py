"""Events API deduplication: each delivery is acted on once, however often Slack sends it.

Slack redelivers an event when it did not see a 200 within 3 s (``X-Slack-Retry-Num``), and with
several web processes the same delivery can reach two of them. A row keyed by ``event_id`` makes
the first claim win everywhere, because the database decides, not process memory.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import CursorResult
from sqlmodel import Session, col

from bot.store.models import ProcessedEvent

# Slack retries within minutes; a day of history is ample and keeps the table small.
EVENT_RETENTION = timedelta(hours=24)


def claim_event(*, session: Session, event_id: str, event_type: str, now: datetime) -> bool:
    """Record ``event_id`` as processed; True when this call is the first to claim it."""
    values = {"event_id": event_id, "event_type": event_type[:64], "received_at": now}
    dialect = session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    # ON CONFLICT DO NOTHING instead of catching IntegrityError: on PostgreSQL a failed INSERT
    # would poison the surrounding transaction.
    # RETURNING, not rowcount: an ORM-enabled INSERT on psycopg reports no reliable rowcount, and
    # a returned row is exactly "this call inserted it".
    statement = (
        insert(ProcessedEvent)
        .values(**values)
        .on_conflict_do_nothing()
        .returning(col(ProcessedEvent.event_id))
    )
    return session.execute(statement).first() is not None


def purge_processed_events(*, session: Session, now: datetime) -> int:
    """Forget deliveries older than the retention window; returns how many rows went."""
    cutoff = now - EVENT_RETENTION
    statement = delete(ProcessedEvent).where(col(ProcessedEvent.received_at) < cutoff)
    result: CursorResult[tuple[()]] = session.execute(statement)  # type: ignore[assignment]
    return result.rowcount
