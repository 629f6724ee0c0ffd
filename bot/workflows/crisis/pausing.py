"""Pausing and resuming posts: approved or scheduled drafts held while a crisis runs.

Each draft moves through the drafts' own locked transition (bot/workflows/drafts/transitions.py),
so marking it published at the same moment either happens first (and the post is not paused)
or waits for the pause and is refused; every move is audited on the draft (``pause`` / ``resume``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlmodel import Session, col, select

from bot.store.models import Crisis, Draft
from bot.workflows.drafts import transitions
from bot.workflows.drafts.states import PUBLISHABLE_STATES, DraftState


def pause_all(session: Session, crisis: Crisis, *, now: datetime) -> tuple[int, ...]:
    """Pause every approved or scheduled post; the ids paused, oldest first."""
    candidates = session.exec(
        select(Draft.id)
        .where(col(Draft.state).in_([str(state) for state in PUBLISHABLE_STATES]))
        .order_by(col(Draft.id))
    ).all()
    paused: list[int] = []
    for draft_id in candidates:
        assert draft_id is not None
        draft = transitions.lock(session, draft_id)
        # Published (or edited back to pending) between the read and the lock: not ours to pause.
        if draft is None or draft.state not in PUBLISHABLE_STATES:
            continue
        from_state = draft.state
        transitions.transition(
            session, draft, DraftState.PAUSED, now=now, paused_by=crisis.id, paused_from=from_state
        )
        transitions.audit(
            session,
            draft,
            now,
            crisis.started_by,
            "pause",
            from_state,
            DraftState.PAUSED,
            note=f"crisis {crisis.id}",
        )
        paused.append(draft_id)
    return tuple(paused)


def resume_locked(session: Session, draft: Draft, *, actor_id: str, now: datetime) -> int | None:
    """Move a locked, paused draft back to the state it was paused from (its approvals and
    scheduled time untouched); the crisis that paused it."""
    crisis_id = draft.paused_by
    to_state = DraftState(draft.paused_from or DraftState.APPROVED)
    transitions.transition(session, draft, to_state, now=now, paused_by=None, paused_from=None)
    transitions.audit(
        session,
        draft,
        now,
        actor_id,
        "resume",
        DraftState.PAUSED,
        to_state,
        note=f"crisis {crisis_id}" if crisis_id is not None else None,
    )
    return crisis_id


def paused_drafts(session: Session, crisis_ids: Iterable[int] | None = None) -> list[Draft]:
    """The posts still paused (by these crises, or by any), oldest first."""
    statement = select(Draft).where(col(Draft.state) == DraftState.PAUSED)
    if crisis_ids is not None:
        statement = statement.where(col(Draft.paused_by).in_(list(crisis_ids)))
    return list(session.exec(statement.order_by(col(Draft.id))))
