"""Recording that an approved post went out."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot.workflows.drafts.outcome import NOT_FOUND, Outcome
from bot.workflows.drafts.policy import ApprovalPolicy, progress_of
from bot.workflows.drafts.refusals import Act, Attempt, screen
from bot.workflows.drafts.states import DraftState
from bot.workflows.drafts.transitions import audit, lock, transition


def mark_published(
    *, session: Session, draft_id: int, actor_id: str, policy: ApprovalPolicy, now: datetime
) -> Outcome:
    """Record that an approved post went out; the author or an approver may say so."""
    draft = lock(session, draft_id)
    if draft is None:
        return NOT_FOUND
    refused = screen(Attempt(session, draft, actor_id, Act.PUBLISH, "publish", now, policy))
    if refused is not None:
        return refused
    from_state = draft.state
    transition(session, draft, DraftState.PUBLISHED, now=now, published_at=now)
    audit(session, draft, now, actor_id, "publish", from_state, DraftState.PUBLISHED)
    return Outcome(draft, progress_of(session, draft), from_state, draft.state)
