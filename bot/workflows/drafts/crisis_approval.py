"""The end of a crisis lifts its extra approval from the drafts it stamped.

The requirement itself is read from the crisis row (:func:`.policy.stamping_crisis`), so it is
gone the moment the crisis stops running; what is left to do here, in the END step's
transaction, is what the drafts show and where they stand: every still-open draft of that crisis
gets a version bump (its approval card is behind, so the card redraw shows the ordinary
requirement again), and a pending draft whose ordinary approvals are all in moves on to approved,
as the approval that completed it would have done — nobody has to click again.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from bot.store.models import Crisis, Draft
from bot.workflows.drafts.clock import CLOCK_ACTOR
from bot.workflows.drafts.decide import approve_fully
from bot.workflows.drafts.policy import active_approvals, progress_from
from bot.workflows.drafts.states import DraftState
from bot.workflows.drafts.transitions import lock, touch

# Where a draft still waits for (or will wait for) approvals; approved and later never needed it.
# The lifecycle's start stamps the drafts in these states, and its status counts them.
WAITING_STATES = (DraftState.PENDING, DraftState.DRAFT, DraftState.CHANGES_REQUESTED)
LIFTED_NOTE = "The crisis ended, so its extra approval was no longer needed."


def lift_crisis_approval(session: Session, crisis_id: int, now: datetime) -> list[int]:
    """Lift crisis ``crisis_id``'s extra approval; the ids of the drafts approved by the lift.

    Call it in the transaction that ends the crisis. Each draft is locked first, so an approval
    racing with the end either commits before (and is seen here) or reads the crisis as ended.
    """
    crisis = session.get(Crisis, crisis_id)
    actor = (crisis.ended_by if crisis is not None else None) or CLOCK_ACTOR
    statement = (
        select(Draft.id)
        .where(Draft.crisis_id == crisis_id, col(Draft.state).in_(WAITING_STATES))
        .order_by(col(Draft.id))
    )
    approved: list[int] = []
    for draft_id in list(session.exec(statement)):
        assert draft_id is not None
        draft = lock(session, draft_id)
        # Read again under the lock: a decision may have moved it since the ids were taken.
        if draft is None or draft.state not in WAITING_STATES or draft.crisis_id != crisis_id:
            continue
        # The crisis is over whatever its row says yet in this transaction: no extra approval.
        progress = progress_from(draft, active_approvals(session, draft), crisis_kind=None)
        if draft.state == DraftState.PENDING and progress.complete:
            approve_fully(session, draft, actor, now, note=LIFTED_NOTE)
            approved.append(draft_id)
        else:
            touch(session, draft, now)
    return approved
