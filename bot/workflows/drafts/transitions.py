"""The only writes that move a draft: lock its row, move it on (state, version), audit the move.

Each decision locks the draft's row first, so decisions on one draft happen one after another in
every process; the move itself is a conditional UPDATE on (id, state, version), so it happens
once. Every action that changes a draft, or is refused on one, leaves an audit entry written
here, in the same transaction, so the record commits (or rolls back) with the change.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col

from bot.store.models import Draft
from bot.store.rows import ConcurrentChange, lock_row, move_row
from bot.workflows.audit import record_audit
from bot.workflows.drafts.states import DraftState

SUBJECT = "draft"  # the audit trail's subject_type for drafts

__all__ = ["SUBJECT", "ConcurrentChange", "audit", "lock", "touch", "transition"]


def lock(session: Session, draft_id: int) -> Draft | None:
    """Load the draft holding its row lock until commit, so decisions on it run one at a time."""
    return lock_row(session, Draft, draft_id)


def transition(
    session: Session, draft: Draft, to_state: DraftState, *, now: datetime, **values: object
) -> None:
    """Move the draft to ``to_state`` if nobody changed it since it was read; bumps the version
    (the conditional UPDATE on (id, state, version) in :func:`bot.store.rows.move_row`)."""
    move_row(session, draft, to_state, now=now, **values)


def touch(session: Session, draft: Draft, now: datetime) -> None:
    """Mark the draft as changed without a move (an approval that is not yet the last one).

    The version grows too: the card shows the approvals given, so it is behind until redrawn.
    """
    session.execute(
        update(Draft)
        .where(col(Draft.id) == draft.id)
        .values(updated_at=now, version=col(Draft.version) + 1)
    )
    session.refresh(draft)


def audit(
    session: Session,
    draft: Draft,
    now: datetime,
    actor_id: str,
    action: str,
    from_state: str | None,
    to_state: str | None,
    *,
    note: str | None = None,
) -> None:
    """One audit entry about ``draft``, bound to the text hash it had when the action happened."""
    record_audit(
        session=session,
        at=now,
        actor_id=actor_id,
        action=action,
        subject_type=SUBJECT,
        subject_id=str(draft.id),
        from_state=from_state,
        to_state=to_state,
        note=note,
        text_hash=draft.text_hash,
    )
