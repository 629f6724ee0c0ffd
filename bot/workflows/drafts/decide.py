"""What approvers do: approve, request changes, reject — and asking first whether they may."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot.store.models import Draft, DraftApproval
from bot.workflows import faq
from bot.workflows.drafts.outcome import NOT_FOUND, Outcome, Refusal
from bot.workflows.drafts.policy import ApprovalPolicy, progress_of, stamping_crisis
from bot.workflows.drafts.refusals import Act, Attempt, screen
from bot.workflows.drafts.states import DraftState
from bot.workflows.drafts.transitions import audit, lock, touch, transition

MAX_NOTE_CHARS = 3_000


def approve(
    *,
    session: Session,
    draft_id: int,
    actor_id: str,
    policy: ApprovalPolicy,
    now: datetime,
    seen_hash: str | None = None,
) -> Outcome:
    """Add ``actor_id``'s approval; the last one needed moves the draft to approved (or scheduled)."""
    draft = lock(session, draft_id)
    if draft is None:
        return NOT_FOUND
    attempt = Attempt(session, draft, actor_id, Act.APPROVE, "approve", now, policy, seen_hash)
    refused = screen(attempt)
    if refused is not None:
        return refused
    as_risk = bool(draft.risky_topics) and actor_id in policy.risk_approvers
    # Read under the draft's lock: a crisis ending now lifts the requirement after this commits
    # (its lift locks each draft), so it sees this approval and finishes what it completes.
    in_crisis = stamping_crisis(session, draft) is not None
    as_crisis = in_crisis and actor_id in policy.crisis_approvers
    session.add(
        DraftApproval(
            draft_id=draft_id,
            approver_id=actor_id,
            text_hash=draft.text_hash,
            as_risk_approver=as_risk,
            as_crisis_approver=as_crisis,
            at=now,
        )
    )
    session.flush()
    progress = progress_of(session, draft)
    if not progress.complete:
        touch(session, draft, now)
        audit(session, draft, now, actor_id, "approve", draft.state, draft.state)
        return Outcome(draft, progress, draft.state, draft.state)
    from_state = draft.state
    approve_fully(session, draft, actor_id, now)
    return Outcome(draft, progress, from_state, draft.state)


def approve_fully(
    session: Session, draft: Draft, actor_id: str, now: datetime, *, note: str | None = None
) -> None:
    """The last approval needed: approved, and scheduled straight away when it has a time."""
    from_state = draft.state
    transition(session, draft, DraftState.APPROVED, now=now)
    audit(session, draft, now, actor_id, "approve", from_state, DraftState.APPROVED, note=note)
    if draft.kind == "reply" and draft.id is not None:
        # Matching improves with use: the question this reply answered teaches its FAQ entry.
        faq.learn_from_approved_reply(session=session, draft_id=draft.id, now=now)
    if draft.scheduled_at is not None:
        transition(session, draft, DraftState.SCHEDULED, now=now)
        audit(session, draft, now, actor_id, "schedule", DraftState.APPROVED, DraftState.SCHEDULED)


def check_decision(
    *,
    session: Session,
    draft_id: int,
    actor_id: str,
    policy: ApprovalPolicy,
    now: datetime,
    action: str,
    seen_hash: str | None = None,
) -> Outcome | None:
    """Would ``actor_id`` be allowed to decide now? A refusal is audited and returned; None if so.

    Asked before a note modal opens, so nobody types a reason only to be told no.
    """
    draft = lock(session, draft_id)
    if draft is None:
        return NOT_FOUND
    return screen(Attempt(session, draft, actor_id, Act.DECIDE, action, now, policy, seen_hash))


def request_changes(
    *,
    session: Session,
    draft_id: int,
    actor_id: str,
    note: str,
    policy: ApprovalPolicy,
    now: datetime,
    seen_hash: str | None = None,
) -> Outcome:
    """An approver sends the draft back to its author with a note."""
    return _decide_with_note(
        session,
        draft_id,
        actor_id,
        note,
        policy,
        now,
        seen_hash,
        action="request_changes",
        to_state=DraftState.CHANGES_REQUESTED,
    )


def reject(
    *,
    session: Session,
    draft_id: int,
    actor_id: str,
    note: str,
    policy: ApprovalPolicy,
    now: datetime,
    seen_hash: str | None = None,
) -> Outcome:
    """An approver turns the draft down for good, with a reason."""
    return _decide_with_note(
        session,
        draft_id,
        actor_id,
        note,
        policy,
        now,
        seen_hash,
        action="reject",
        to_state=DraftState.REJECTED,
    )


def _decide_with_note(
    session: Session,
    draft_id: int,
    actor_id: str,
    note: str,
    policy: ApprovalPolicy,
    now: datetime,
    seen_hash: str | None,
    *,
    action: str,
    to_state: DraftState,
) -> Outcome:
    """Request changes or reject: the same rules, a note that must say something, one move."""
    draft = lock(session, draft_id)
    if draft is None:
        return NOT_FOUND
    refused = screen(Attempt(session, draft, actor_id, Act.DECIDE, action, now, policy, seen_hash))
    if refused is not None:
        return refused
    note = note.strip()
    if not note:
        # Not a rule of the table: a typing slip, so no audit entry and the modal stays open.
        return Outcome(draft, refused=Refusal.INVALID, detail="Please say why, in a few words.")
    note = note[:MAX_NOTE_CHARS]
    from_state = draft.state
    transition(session, draft, to_state, now=now, last_note=note)
    audit(session, draft, now, actor_id, action, from_state, to_state, note=note)
    return Outcome(draft, progress_of(session, draft), from_state, draft.state)
