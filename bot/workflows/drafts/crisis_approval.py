"""Lifting a crisis's extra approval once that crisis ends.

A draft stamped with ``crisis_id`` needs one more approval, from a crisis approver, only while
that crisis runs. When it ends, the drafts still waiting get a new version so their approval
cards are redrawn (by the existing card sweep) without the crisis requirement.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col

from bot.store.models import Draft
from bot.workflows.drafts.states import DraftState

# Where a draft still waits for approvals: its card shows what it needs.
WAITING_STATES = (DraftState.PENDING, DraftState.DRAFT, DraftState.CHANGES_REQUESTED)


def lift_crisis_approval(session: Session, crisis_id: int, now: datetime) -> int:
    """Bump the version of the drafts stamped by ``crisis_id`` that still wait; how many.

    One UPDATE of ``version + 1`` in SQL, so a decision on one of them at the same moment
    still moves on its own (state, version) and one of the two redraws the card.
    """
    result = session.execute(
        update(Draft)
        .where(
            col(Draft.crisis_id) == crisis_id,
            col(Draft.state).in_([str(state) for state in WAITING_STATES]),
        )
        .values(version=col(Draft.version) + 1, updated_at=now)
        .returning(col(Draft.id))
    )
    return len(result.all())
