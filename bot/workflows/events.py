"""Events API deduplication: each delivery is acted on once, however often Slack sends it.

Slack redelivers an event when it did not see a 200 within 3 s (``X-Slack-Retry-Num``), and with
several web processes the same delivery can reach two of them. A row keyed by ``event_id`` makes
the first claim win everywhere, because the database decides, not process memory.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.engine import CursorResult
from sqlmodel import Session, col

from bot.store.claims import insert_first
from bot.store.models import ProcessedEvent

# Slack retries within minutes; a day of history is ample and keeps the table small.
EVENT_RETENTION = timedelta(hours=24)


def claim_event(*, session: Session, event_id: str, event_type: str, now: datetime) -> bool:
    """Record ``event_id`` as processed; True when this call is the first to claim it."""
    return insert_first(
        session=session,
        table=ProcessedEvent,
        values={"event_id": event_id, "event_type": event_type[:64], "received_at": now},
    )


def purge_processed_events(*, session: Session, now: datetime) -> int:
    """Forget deliveries older than the retention window; returns how many rows went."""
    cutoff = now - EVENT_RETENTION
    statement = delete(ProcessedEvent).where(col(ProcessedEvent.received_at) < cutoff)
    result: CursorResult[tuple[()]] = session.execute(statement)  # type: ignore[assignment]
    return result.rowcount
