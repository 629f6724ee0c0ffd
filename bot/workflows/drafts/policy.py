"""Who may decide, and how far a draft's current text is from approved.

While the crisis (or drill) that stamped a draft (``Draft.crisis_id``) runs, the draft needs one
approval more than usual, and one of them from a crisis approver; when that crisis ends the
requirement lifts by itself, since it is read from the crisis row, never copied onto the draft.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session, col, select

from bot.store.models import Crisis, Draft, DraftApproval
from bot.workflows.crisis.queries import running


@dataclass(frozen=True)
class ApprovalPolicy:
    """Who may decide, as user ids (user groups already expanded by the caller)."""

    approvers: frozenset[str]
    risk_approvers: frozenset[str] = frozenset()
    required_approvals: int = 1
    # SOCIALOPS_CRISIS_APPROVERS (the admins when unset): the extra approval during a crisis.
    crisis_approvers: frozenset[str] = frozenset()

    def may_approve(self, user_id: str, draft: Draft, *, in_crisis: bool = False) -> bool:
        """``in_crisis``: the crisis that stamped the draft still runs, so a crisis approver (legal,
        PR) may approve it without being an ordinary approver."""
        return (
            user_id in self.approvers
            or (bool(draft.risky_topics) and user_id in self.risk_approvers)
            or (in_crisis and user_id in self.crisis_approvers)
        )

    @property
    def anyone_can_approve(self) -> bool:
        return bool(self.approvers)


@dataclass(frozen=True)
class Progress:
    """Approvals given to the current text, and what is still needed."""

    given: tuple[str, ...]  # approver ids, in the order they approved
    required: int
    risk_needed: bool  # a risky topic and no risk approver has approved yet
    # The kind ("crisis" | "drill") of the running crisis that stamped the draft, else None.
    crisis_kind: str | None = None
    crisis_needed: bool = False  # that crisis runs and no crisis approver has approved yet

    @property
    def complete(self) -> bool:
        return len(self.given) >= self.required and not self.risk_needed and not self.crisis_needed

    @property
    def in_crisis(self) -> bool:
        return self.crisis_kind is not None


def active_approvals(session: Session, draft: Draft) -> list[DraftApproval]:
    """Approvals of the draft's current text that no edit cancelled, oldest first."""
    statement = (
        select(DraftApproval)
        .where(
            DraftApproval.draft_id == draft.id,
            DraftApproval.text_hash == draft.text_hash,
            col(DraftApproval.cancelled_at).is_(None),
        )
        .order_by(col(DraftApproval.at), col(DraftApproval.id))
    )
    return list(session.exec(statement))


def stamping_crisis(session: Session, draft: Draft) -> Crisis | None:
    """The crisis or drill that stamped the draft, while it still runs; None otherwise."""
    if draft.crisis_id is None:
        return None
    crisis = running(session)
    return crisis if crisis is not None and crisis.id == draft.crisis_id else None


def progress_of(session: Session, draft: Draft) -> Progress:
    crisis = stamping_crisis(session, draft)
    return progress_from(
        draft, active_approvals(session, draft), crisis_kind=crisis.kind if crisis else None
    )


def progress_from(
    draft: Draft, approvals: Sequence[DraftApproval], *, crisis_kind: str | None = None
) -> Progress:
    """Progress from the draft's active approvals (of its current text), oldest first;
    ``crisis_kind`` set when the crisis that stamped the draft still runs."""
    risk_given = any(a.as_risk_approver for a in approvals)
    crisis_given = any(a.as_crisis_approver for a in approvals)
    return Progress(
        given=tuple(a.approver_id for a in approvals),
        required=draft.required_approvals + (1 if crisis_kind is not None else 0),
        risk_needed=bool(draft.risky_topics) and not risk_given,
        crisis_kind=crisis_kind,
        crisis_needed=crisis_kind is not None and not crisis_given,
    )
