"""What time does to drafts: expiry of the overdue, and reminders claimed once per interval."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select

from bot.store.models import Draft
from bot.workflows.drafts.queries import pending_drafts
from bot.workflows.drafts.states import DraftState
from bot.workflows.drafts.transitions import audit, lock, transition

CLOCK_ACTOR = "socialops"  # the audit's actor for what the clock does on its own


def expire_overdue(*, session: Session, now: datetime, expire_after: timedelta) -> list[Draft]:
    """Pending drafts whose time passed (scheduled time, or waiting too long) become expired.

    Never approved or rejected by default: an expired draft tells its author to start again.
    """
    statement = select(Draft.id).where(Draft.state == DraftState.PENDING)
    expired: list[Draft] = []
    for draft_id in list(session.exec(statement)):
        assert draft_id is not None
        draft = lock(session, draft_id)
        # Read again under the lock: a decision may have landed since the id list was taken.
        if draft is None or draft.state != DraftState.PENDING:
            continue
        reason = _overdue_reason(draft, now, expire_after)
        if reason is None:
            continue
        transition(session, draft, DraftState.EXPIRED, now=now, last_note=f"Expired: {reason}.")
        audit(
            session,
            draft,
            now,
            CLOCK_ACTOR,
            "expire",
            DraftState.PENDING,
            DraftState.EXPIRED,
            note=reason,
        )
        expired.append(draft)
    return expired


def _overdue_reason(draft: Draft, now: datetime, expire_after: timedelta) -> str | None:
    """Why a pending draft is overdue, as the audit note says it; None while it is not."""
    waited_too_long = draft.submitted_at is not None and now - draft.submitted_at >= expire_after
    time_passed = draft.scheduled_at is not None and draft.scheduled_at <= now
    if time_passed:
        return "its scheduled time passed"
    if waited_too_long:
        return f"it waited longer than {expire_after}"
    return None


def claim_reminders(*, session: Session, now: datetime, remind_after: timedelta) -> list[Draft]:
    """Pending drafts due a reminder (one per interval), marked as reminded in the same step.

    The conditional UPDATE on ``last_reminded_at`` means two clock processes never both remind.
    A draft whose card is not posted yet is not due: the reminder goes in the card's thread, and
    claiming it now would use up the interval without a reminder anyone sees.
    """
    due: list[Draft] = []
    for draft in pending_drafts(session):
        if draft.card_ts is None:
            continue
        last = draft.last_reminded_at or draft.submitted_at
        if last is None or now - last < remind_after:
            continue
        claimed = session.execute(
            update(Draft)
            .where(
                col(Draft.id) == draft.id,
                col(Draft.state) == DraftState.PENDING,
                col(Draft.version) == draft.version,
            )
            .values(last_reminded_at=now)
            .returning(col(Draft.id))
        ).first()
        if claimed is not None:
            draft.last_reminded_at = now
            due.append(draft)
    return due
