"""Events API deliveries acted on exactly once in effect, however often Slack sends them.

Slack redelivers an event when it did not see a 200 within 3 s (``X-Slack-Retry-Num``), and with
several web processes the same delivery can reach two of them. A row keyed by ``event_id`` makes
the database, not process memory, decide who acts:

- **claim** (before the ack): the first delivery inserts the row and holds it for a lease
  (``claimed_by``, ``claimed_until``). A redelivery while that lease is live is dropped: the
  holder is still at work.
- **finish** (when the listener returned): ``finished_at`` is set; every later redelivery is a
  no-op.
- **release** (when the listener raised): the lease is given up, so Slack's retry acts.
- A lease that runs out unfinished (the worker died) is taken over by the next redelivery.
- **replay**: Slack sends an event once when it got its 200 in time, so a worker that dies after
  the ack (or a listener that fails) would leave the event unanswered for good. The claim keeps
  the delivery's body, and the clock replays every unfinished event nobody holds
  (``events_to_replay``), up to ``MAX_ATTEMPTS`` tries in all and within ``REPLAY_WINDOW``.

Each step is one conditional statement, so two deliveries racing for one event have one winner
on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, or_, update
from sqlalchemy.engine import CursorResult
from sqlmodel import Session, col, select

from bot.store.claims import insert_first
from bot.store.models import ProcessedEvent

# Slack retries within minutes; a day of history is ample and keeps the table small.
EVENT_RETENTION = timedelta(hours=24)
# How long one delivery may work before a redelivery may take it over: longer than a listener
# takes (a model call is at most two 8 s tries), shorter than Slack's later retries (1 and
# 5 minutes after the first), so a delivery whose worker died is taken over by one of them.
EVENT_LEASE = timedelta(seconds=45)
# Tries in all (Slack's deliveries and the clock's replays) before an event that keeps failing is
# left alone: a listener bug must not answer "something went wrong" every minute.
MAX_ATTEMPTS = 3
# An answer later than this would puzzle the person more than help them.
REPLAY_WINDOW = timedelta(hours=1)


def claim_event(
    *,
    session: Session,
    event_id: str,
    event_type: str,
    now: datetime,
    claimed_by: str,
    body: str | None = None,
    lease: timedelta = EVENT_LEASE,
) -> bool:
    """Claim ``event_id`` for ``claimed_by`` until ``now + lease``; True when this delivery
    should act: it is the first, or the last claim was released or ran out unfinished."""
    until = now + lease
    if insert_first(
        session=session,
        table=ProcessedEvent,
        values={
            "event_id": event_id,
            "event_type": event_type[:64],
            "received_at": now,
            "claimed_by": claimed_by,
            "claimed_until": until,
            "body": body,
            "attempts": 1,
        },
    ):
        return True
    # Not the first: take the row over only if nobody finished it and nobody holds it now.
    # One UPDATE with the condition in its WHERE: of two deliveries that race here, the second
    # finds the lease the first just took (PostgreSQL re-reads the row after the first commits).
    statement = (
        update(ProcessedEvent)
        .where(
            col(ProcessedEvent.event_id) == event_id,
            col(ProcessedEvent.finished_at).is_(None),
            or_(
                col(ProcessedEvent.claimed_until).is_(None),
                col(ProcessedEvent.claimed_until) <= now,
            ),
        )
        .values(
            claimed_by=claimed_by,
            claimed_until=until,
            attempts=col(ProcessedEvent.attempts) + 1,
        )
        .returning(col(ProcessedEvent.event_id))
    )
    return session.execute(statement).first() is not None


def finish_event(*, session: Session, event_id: str, now: datetime) -> None:
    """The work is done: every later delivery of ``event_id`` is a no-op."""
    session.execute(
        update(ProcessedEvent)
        .where(col(ProcessedEvent.event_id) == event_id, col(ProcessedEvent.finished_at).is_(None))
        .values(finished_at=now, claimed_by=None, claimed_until=None)
    )


def release_event(*, session: Session, event_id: str, claimed_by: str) -> bool:
    """Give up ``claimed_by``'s claim on an unfinished event so a redelivery acts; False when
    the claim was no longer this delivery's (it ran out and another took it over)."""
    statement = (
        update(ProcessedEvent)
        .where(
            col(ProcessedEvent.event_id) == event_id,
            col(ProcessedEvent.claimed_by) == claimed_by,
            col(ProcessedEvent.finished_at).is_(None),
        )
        .values(claimed_by=None, claimed_until=None)
        .returning(col(ProcessedEvent.event_id))
    )
    return session.execute(statement).first() is not None


def events_to_replay(*, session: Session, now: datetime, limit: int = 50) -> list[str]:
    """Bodies of the events still owed an answer: unfinished, held by nobody (released, or
    their lease ran out), tried fewer than MAX_ATTEMPTS times and received within
    REPLAY_WINDOW; oldest first. Replaying one claims it again, like a redelivery."""
    statement = (
        select(ProcessedEvent.body)
        .where(
            col(ProcessedEvent.finished_at).is_(None),
            col(ProcessedEvent.body).is_not(None),
            or_(
                col(ProcessedEvent.claimed_until).is_(None),
                col(ProcessedEvent.claimed_until) <= now,
            ),
            col(ProcessedEvent.attempts) < MAX_ATTEMPTS,
            col(ProcessedEvent.received_at) >= now - REPLAY_WINDOW,
        )
        .order_by(col(ProcessedEvent.received_at))
        .limit(limit)
    )
    return [body for body in session.exec(statement) if body is not None]


def purge_processed_events(*, session: Session, now: datetime) -> int:
    """Forget deliveries older than the retention window; returns how many rows went."""
    cutoff = now - EVENT_RETENTION
    statement = delete(ProcessedEvent).where(col(ProcessedEvent.received_at) < cutoff)
    result: CursorResult[tuple[()]] = session.execute(statement)  # type: ignore[assignment]
    return result.rowcount
