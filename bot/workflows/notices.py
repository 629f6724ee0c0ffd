"""The outbox of notices to people: written with the decision, sent at least once.

A decision and the notice it owes (the author's "approved") commit in one transaction, so the
notice exists exactly when the decision does. Sending comes after the ack: a sender first takes a
lease on the row (a conditional UPDATE, so two processes never hold it together), sends, then
marks it delivered. A sender that dies in between leaves the lease to run out, and the clock's
sweep sends the notice again: at least once, never lost.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, update
from sqlmodel import Session, col, select

from bot.store.models import Notice

# Long enough for one send with the client's retries after a 429; short enough that a notice a
# dead process held goes out on the next sweep or the one after.
NOTICE_LEASE = timedelta(seconds=60)


def add_notice(
    *,
    session: Session,
    recipient_id: str,
    text: str,
    now: datetime,
    draft_id: int | None = None,
    channel: str | None = None,
    thread_ts: str | None = None,
    handoff_id: int | None = None,
) -> Notice:
    """Queue a notice in the caller's transaction; its id is set on return.

    ``channel`` (and ``thread_ts``) send it there, mentioning ``recipient_id`` as the text says;
    without them it is a DM to ``recipient_id`` (or goes in the draft card's thread).
    """
    notice = Notice(
        draft_id=draft_id,
        recipient_id=recipient_id,
        text=text,
        created_at=now,
        channel=channel,
        thread_ts=thread_ts,
        handoff_id=handoff_id,
    )
    session.add(notice)
    session.flush()
    return notice


def claim_notice(
    *, session: Session, notice_id: int, now: datetime, lease: timedelta = NOTICE_LEASE
) -> Notice | None:
    """Take the lease on one undelivered notice nobody holds; None if delivered or held."""
    claimed = session.execute(
        update(Notice)
        .where(
            col(Notice.id) == notice_id,
            col(Notice.delivered_at).is_(None),
            or_(col(Notice.lease_until).is_(None), col(Notice.lease_until) <= now),
        )
        .values(lease_until=now + lease, attempts=col(Notice.attempts) + 1)
        .returning(col(Notice.id))
    ).first()
    if claimed is None:
        return None
    return session.exec(
        select(Notice).where(Notice.id == notice_id).execution_options(populate_existing=True)
    ).one()


def mark_delivered(*, session: Session, notice_id: int, now: datetime) -> None:
    session.execute(
        update(Notice)
        .where(col(Notice.id) == notice_id, col(Notice.delivered_at).is_(None))
        .values(delivered_at=now, lease_until=None)
    )


def release_notice(*, session: Session, notice_id: int) -> None:
    """A send that failed: let the next sweep try at once rather than after the lease."""
    session.execute(
        update(Notice)
        .where(col(Notice.id) == notice_id, col(Notice.delivered_at).is_(None))
        .values(lease_until=None)
    )


def undelivered_notices(*, session: Session, now: datetime, limit: int = 200) -> list[int]:
    """Ids of notices due a (re)send: undelivered and not held, oldest first."""
    due = session.exec(
        select(Notice.id)
        .where(
            col(Notice.delivered_at).is_(None),
            or_(col(Notice.lease_until).is_(None), col(Notice.lease_until) <= now),
        )
        .order_by(col(Notice.id))
        .limit(limit)
    ).all()
    return [notice_id for notice_id in due if notice_id is not None]
