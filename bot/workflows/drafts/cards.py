"""Which version of its draft each approval card shows, so a card left behind is found.

Every change to a draft that a card shows bumps ``draft.version``; whoever redraws a card records
the version it drew (``card_shown``). A card whose recorded version is behind its draft's (a
redraw that failed, landed out of order, or died with its process) is found by ``cards_behind``.
"""

from __future__ import annotations

from sqlalchemy import or_, update
from sqlmodel import Session, col, select

from bot.store.models import Draft


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
