"""Who may decide, and how far a draft's current text is from approved."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session, col, select

from bot.store.models import Draft, DraftApproval


@dataclass(frozen=True)
class ApprovalPolicy:
    """Who may decide, as user ids (user groups already expanded by the caller)."""

    approvers: frozenset[str]
    risk_approvers: frozenset[str] = frozenset()
    required_approvals: int = 1

    def may_approve(self, user_id: str, draft: Draft) -> bool:
        return user_id in self.approvers or (
            bool(draft.risky_topics) and user_id in self.risk_approvers
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

    @property
    def complete(self) -> bool:
        return len(self.given) >= self.required and not self.risk_needed


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


def progress_of(session: Session, draft: Draft) -> Progress:
    return progress_from(draft, active_approvals(session, draft))


def progress_from(draft: Draft, approvals: Sequence[DraftApproval]) -> Progress:
    """Progress from the draft's active approvals (of its current text), oldest first."""
    risk_given = any(a.as_risk_approver for a in approvals)
    return Progress(
        given=tuple(a.approver_id for a in approvals),
        required=draft.required_approvals,
        risk_needed=bool(draft.risky_topics) and not risk_given,
    )
