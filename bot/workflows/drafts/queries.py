"""Reading drafts: one by id, the queue waiting for approvers, and the posting plan."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from bot.store.models import Draft
from bot.workflows.drafts.states import PUBLISHABLE_STATES, DraftState


def get_draft(session: Session, draft_id: int) -> Draft | None:
    return session.get(Draft, draft_id)


def pending_drafts(session: Session) -> list[Draft]:
    """Drafts waiting for a decision, oldest first."""
    statement = (
        select(Draft)
        .where(Draft.state == DraftState.PENDING)
        .order_by(col(Draft.submitted_at), col(Draft.id))
    )
    return list(session.exec(statement))


def planned_posts(session: Session, *, start: datetime, end: datetime) -> list[Draft]:
    """Approved and scheduled drafts with a time in [start, end), soonest first."""
    statement = (
        select(Draft)
        .where(
            col(Draft.state).in_(sorted(PUBLISHABLE_STATES)),
            col(Draft.scheduled_at) >= start,
            col(Draft.scheduled_at) < end,
        )
        .order_by(col(Draft.scheduled_at), col(Draft.id))
    )
    return list(session.exec(statement))
