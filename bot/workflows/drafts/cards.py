"""Cards owed: a pending draft with no card is the durable record that its card must be posted.

Whoever posts a card (the listener that made the draft, the CSV import, the clock's retry) first
claims the post with a conditional UPDATE that sets a short lease; only the winner calls Slack, so
two processes never both post the same card. A post that fails releases its lease at once; a
process that dies mid-post leaves the lease to run out, and the clock posts the card after it.

The card also records which version of its draft it shows: every change a card shows bumps
``draft.version``, whoever redraws a card records the version it drew (``card_shown``), and a card
whose recorded version is behind (a redraw that failed, landed out of order, or died with its
process) is found by ``cards_behind``.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, update
from sqlmodel import Session, col, select

from bot.store.models import Draft
from bot.workflows.drafts.states import DraftState

# Longer than one chat.postMessage with the client's retries (3 tries of 10 s plus Retry-After
# waits), short enough that a card a crashed process was posting is retried within minutes.
CARD_CLAIM_LEASE = timedelta(minutes=5)


def _owed(now: datetime) -> tuple[object, ...]:
    """The conditions under which a draft's card may be claimed for posting at ``now``."""
    return (
        col(Draft.state) == DraftState.PENDING,
        col(Draft.card_ts).is_(None),
        or_(col(Draft.card_claimed_until).is_(None), col(Draft.card_claimed_until) <= now),
    )


def claim_card_post(
    *, session: Session, draft_id: int, now: datetime, lease: timedelta = CARD_CLAIM_LEASE
) -> bool:
    """Take the right to post the draft's card; False when it has a card, is no longer pending,
    or another process holds an unexpired claim. Commit before calling Slack."""
    claimed = session.execute(
        update(Draft)
        .where(col(Draft.id) == draft_id, *_owed(now))  # type: ignore[arg-type]
        .values(card_claimed_until=now + lease)
        .returning(col(Draft.id))
    ).first()
    return claimed is not None


def release_card_post(*, session: Session, draft_id: int) -> None:
    """Give the claim back after a post Slack refused, so the clock's next run may try again."""
    session.execute(
        update(Draft)
        .where(col(Draft.id) == draft_id, col(Draft.card_ts).is_(None))
        .values(card_claimed_until=None)
    )


def drafts_missing_cards(*, session: Session, now: datetime, limit: int) -> list[Draft]:
    """Pending drafts whose card was never posted and that nobody is posting now, oldest first."""
    statement = (
        select(Draft)
        .where(*_owed(now))  # type: ignore[arg-type]
        .order_by(col(Draft.id))
        .limit(limit)
    )
    return list(session.exec(statement))


def card_shown(*, session: Session, draft_id: int, version: int) -> None:
    """Record that the card now shows ``version`` of the draft (the last redraw that landed)."""
    session.execute(update(Draft).where(col(Draft.id) == draft_id).values(card_version=version))


def cards_behind(*, session: Session, limit: int = 200) -> list[int]:
    """Ids of drafts whose card shows an older version than the draft has, oldest first."""
    return [
        draft_id
        for draft_id in session.exec(
            select(Draft.id)
            .where(
                col(Draft.card_ts).is_not(None),
                or_(col(Draft.card_version).is_(None), col(Draft.card_version) < Draft.version),
            )
            .order_by(col(Draft.id))
            .limit(limit)
        ).all()
        if draft_id is not None
    ]
