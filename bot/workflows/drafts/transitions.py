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
from bot.store.rows import lock_row
from bot.workflows.audit import record_audit
from bot.workflows.drafts.states import DraftState

SUBJECT = "draft"  # the audit trail's subject_type for drafts


class ConcurrentChange(RuntimeError):
    """The conditional UPDATE found another version: a bug, since the row was locked."""


def lock(session: Session, draft_id: int) -> Draft | None:
    """Load the draft holding its row lock until commit, so decisions on it run one at a time."""
    return lock_row(session, Draft, draft_id)


def transition(
    session: Session, draft: Draft, to_state: DraftState, *, now: datetime, **values: object
) -> None:
    """Move the draft to ``to_state`` if nobody changed it since it was read; bumps the version.

    The WHERE on (id, state, version) is what makes the move happen once: a lost race matches no
    row and raises :class:`ConcurrentChange`, never overwrites what the winner wrote.
    """
    assert draft.id is not None
    moved = session.execute(
        update(Draft)
        .where(
            col(Draft.id) == draft.id,
            col(Draft.state) == draft.state,
            col(Draft.version) == draft.version,
        )
        .values(state=to_state, version=draft.version + 1, updated_at=now, **values)
        .returning(col(Draft.id))
    ).first()
    if moved is None:
        raise ConcurrentChange(f"draft {draft.id} changed while it was being decided")
    session.refresh(draft)


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
