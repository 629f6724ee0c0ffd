"""What only a draft's author does: edit the text, withdraw it — and asking first whether they may."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col

from bot.store.models import Draft, DraftApproval
from bot.workflows.checks import CheckPolicy, CheckReport
from bot.workflows.drafts.checking import check_draft
from bot.workflows.drafts.create import required_approvals, running_crisis_id
from bot.workflows.drafts.inputs import DraftInput, DraftInvalid, split_list
from bot.workflows.drafts.outcome import NOT_FOUND, Outcome
from bot.workflows.drafts.policy import progress_of
from bot.workflows.drafts.publish_texts import content_hash, encode_network_texts
from bot.workflows.drafts.refusals import Act, Attempt, screen
from bot.workflows.drafts.states import DraftState
from bot.workflows.drafts.transitions import audit, lock, transition


def check_author_action(
    *, session: Session, draft_id: int, actor_id: str, now: datetime, action: str
) -> Outcome:
    """The draft, if ``actor_id`` is its author and it can still be edited; else a refusal."""
    # No row lock: this only asks before a modal opens; the edit itself locks and asks again.
    draft = session.get(Draft, draft_id)
    if draft is None:
        return NOT_FOUND
    refused = screen(Attempt(session, draft, actor_id, Act.CHANGE, action, now))
    if refused is not None:
        return refused
    return Outcome(draft, progress_of(session, draft), draft.state, draft.state)


def edit(
    *,
    session: Session,
    draft_id: int,
    actor_id: str,
    text: str,
    checks: CheckPolicy,
    now: datetime,
) -> Outcome:
    """The author changes the text: approvals given so far are cancelled and it is pending again.

    Raises :class:`DraftInvalid` when the new text fails a check; nothing changes then.
    """
    draft = lock(session, draft_id)
    if draft is None:
        return NOT_FOUND
    refused = screen(Attempt(session, draft, actor_id, Act.EDIT, "edit", now))
    if refused is not None:
        return refused
    candidate = DraftInput(
        kind=draft.kind,
        text=text,
        networks=split_list(draft.networks),
        author_id=draft.author_id,
        campaign=draft.campaign,
        customer_handle=draft.customer_handle,
        link=draft.link,
    )
    report = check_draft(candidate, policy=checks, now=now)
    if not report.ok:
        raise DraftInvalid(report.errors)
    # Compared on what goes out: re-tagging the same words publishes the same texts.
    new_hash = content_hash(report.texts)
    if new_hash == draft.text_hash:
        return Outcome(
            draft, progress_of(session, draft), draft.state, draft.state, findings=report.findings
        )
    from_state = draft.state
    _replace_text(session, draft, text, new_hash, report, now)
    audit(session, draft, now, actor_id, "edit", from_state, DraftState.PENDING)
    return Outcome(
        draft, progress_of(session, draft), from_state, draft.state, findings=report.findings
    )


def _replace_text(
    session: Session, draft: Draft, text: str, new_hash: str, report: CheckReport, now: datetime
) -> None:
    """The new text, pending again; its risk decides again how many approvals it needs, and a
    crisis running now stamps it (submitted again during a crisis: its extra approval too)."""
    # Approvals were given to the old text; they do not carry over to the new one.
    session.execute(
        update(DraftApproval)
        .where(
            col(DraftApproval.draft_id) == draft.id,
            col(DraftApproval.cancelled_at).is_(None),
        )
        .values(cancelled_at=now)
    )
    transition(
        session,
        draft,
        DraftState.PENDING,
        now=now,
        text=text,
        network_texts=encode_network_texts(text, report.texts),
        text_hash=new_hash,
        previous_text=draft.text,
        required_approvals=required_approvals(report),
        risky_topics=",".join(report.risky_topics) or None,
        crisis_id=running_crisis_id(session) or draft.crisis_id,
        # A draft already pending keeps its place in the queue (and its expiry clock).
        submitted_at=now if draft.state != DraftState.PENDING else draft.submitted_at,
        last_reminded_at=None,
    )


def withdraw(*, session: Session, draft_id: int, actor_id: str, now: datetime) -> Outcome:
    """The author takes the draft back; only the author may."""
    draft = lock(session, draft_id)
    if draft is None:
        return NOT_FOUND
    refused = screen(Attempt(session, draft, actor_id, Act.WITHDRAW, "withdraw", now))
    if refused is not None:
        return refused
    from_state = draft.state
    transition(session, draft, DraftState.WITHDRAWN, now=now)
    audit(session, draft, now, actor_id, "withdraw", from_state, DraftState.WITHDRAWN)
    return Outcome(draft, progress_of(session, draft), from_state, draft.state)
