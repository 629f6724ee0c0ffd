"""Packets owed: a handoff without ``packet_ts`` is the durable record that its packet is owed.

The same pattern as approval cards (bot/workflows/drafts/cards.py): whoever posts the packet (the
listener that started the handoff, the clock's retry) first claims the post with a conditional
UPDATE that sets a short lease, so two processes never both post it; a post Slack refused gives
the lease back; a process that died mid-post leaves it to run out. A packet also records which
version of its handoff it shows, so one left behind by a failed redraw is found and redrawn.
A packet is owed while the handoff is live: one resolved before its packet went out needs none.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, update
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, select

from bot.store.models import Handoff
from bot.workflows.handoffs.states import LIVE_STATES

# Longer than one chat.postMessage with the client's retries; short enough that a packet a
# crashed process was posting goes out within minutes.
PACKET_CLAIM_LEASE = timedelta(minutes=5)


def _owed(now: datetime) -> tuple[ColumnElement[bool], ...]:
    return (
        col(Handoff.state).in_(LIVE_STATES),
        col(Handoff.packet_ts).is_(None),
        or_(
            col(Handoff.packet_claimed_until).is_(None),
            col(Handoff.packet_claimed_until) <= now,
        ),
    )


def claim_packet_post(
    *, session: Session, handoff_id: int, now: datetime, lease: timedelta = PACKET_CLAIM_LEASE
) -> bool:
    """Take the right to post the packet; False when it is posted, closed, or being posted.
    Commit before calling Slack."""
    claimed = session.execute(
        update(Handoff)
        .where(col(Handoff.id) == handoff_id, *_owed(now))
        .values(packet_claimed_until=now + lease)
        .returning(col(Handoff.id))
    ).first()
    return claimed is not None


def release_packet_post(*, session: Session, handoff_id: int) -> None:
    """Give the claim back after a post Slack refused, so the clock's next run tries again."""
    session.execute(
        update(Handoff)
        .where(col(Handoff.id) == handoff_id, col(Handoff.packet_ts).is_(None))
        .values(packet_claimed_until=None)
    )


def packet_posted(
    *, session: Session, handoff_id: int, channel: str, ts: str, version: int
) -> None:
    """Remember where the packet is and which version of the handoff it shows."""
    session.execute(
        update(Handoff)
        .where(col(Handoff.id) == handoff_id)
        .values(
            packet_channel=channel, packet_ts=ts, packet_version=version, packet_claimed_until=None
        )
    )


def packet_shown(*, session: Session, handoff_id: int, version: int) -> None:
    """Record that the packet now shows ``version`` (the last redraw that landed)."""
    session.execute(
        update(Handoff).where(col(Handoff.id) == handoff_id).values(packet_version=version)
    )


def handoffs_missing_packets(*, session: Session, now: datetime, limit: int = 100) -> list[int]:
    """Live handoffs whose packet was never posted and nobody is posting now, oldest first."""
    ids = session.exec(
        select(Handoff.id).where(*_owed(now)).order_by(col(Handoff.id)).limit(limit)
    ).all()
    return [handoff_id for handoff_id in ids if handoff_id is not None]


def packets_behind(*, session: Session, limit: int = 200) -> list[int]:
    """Handoffs whose posted packet shows an older version than the handoff, oldest first."""
    ids = session.exec(
        select(Handoff.id)
        .where(
            col(Handoff.packet_ts).is_not(None),
            or_(
                col(Handoff.packet_version).is_(None),
                col(Handoff.packet_version) < Handoff.version,
            ),
        )
        .order_by(col(Handoff.id))
        .limit(limit)
    ).all()
    return [handoff_id for handoff_id in ids if handoff_id is not None]
