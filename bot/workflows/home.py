"""What a teammate's App Home lists: the drafts waiting for their approval and their own drafts.

Each list is a :class:`Page`: the first ``limit`` rows (indexed columns, LIMIT) and one COUNT
for the total, so a store with 100,000 drafts costs the same as one with ten. The Home tab
shows at most 100 blocks, so a longer list ends with "and N more" (``Page.more``).

Handoff lists (issue 11) join :class:`HomeQueue` the same way: a ``Page`` per list.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from sqlalchemy import and_, exists, func, not_, or_
from sqlmodel import Session, col, select

from bot.store.models import Crisis, Draft, DraftApproval
from bot.workflows.crisis.queries import running
from bot.workflows.drafts.policy import ApprovalPolicy, Progress, progress_from
from bot.workflows.drafts.states import DraftState

T = TypeVar("T")

# How many rows each list reads: with two blocks a row, both lists fit one Home view (100 blocks)
# and leave room for the headings, the help and the handoffs.
APPROVALS_LIMIT = 20
MY_DRAFTS_LIMIT = 15


@dataclass(frozen=True)
class Page(Generic[T]):
    """The first rows of a list, and how many rows the whole list has."""

    rows: tuple[T, ...] = ()
    total: int = 0

    @property
    def more(self) -> int:
        return max(self.total - len(self.rows), 0)


@dataclass(frozen=True)
class HomeQueue:
    """One teammate's lists. ``can_approve`` says whether "Waiting for your approval" applies to
    them at all (an approver or a risk approver, or a crisis approver while a crisis runs);
    ``crisis_kind`` is the running crisis's or drill's, for the Home's banner."""

    user_id: str
    can_approve: bool
    crisis_kind: str | None = None
    to_approve: Page[Draft] = field(default_factory=Page)
    progress: Mapping[int | None, Progress] = field(default_factory=dict)
    mine: Page[Draft] = field(default_factory=Page)


def home_queue(
    session: Session,
    *,
    user_id: str,
    policy: ApprovalPolicy,
    approvals_limit: int = APPROVALS_LIMIT,
    mine_limit: int = MY_DRAFTS_LIMIT,
) -> HomeQueue:
    crisis = running(session)
    can_approve = (
        user_id in policy.approvers
        or user_id in policy.risk_approvers
        or (crisis is not None and user_id in policy.crisis_approvers)
    )
    waiting = waiting_for(
        session, user_id=user_id, policy=policy, limit=approvals_limit, crisis=crisis
    )
    return HomeQueue(
        user_id=user_id,
        can_approve=can_approve,
        crisis_kind=crisis.kind if crisis is not None else None,
        to_approve=waiting,
        progress=progress_of_many(session, waiting.rows, crisis=crisis),
        mine=drafts_by(session, author_id=user_id, limit=mine_limit),
    )


def waiting_for(
    session: Session,
    *,
    user_id: str,
    policy: ApprovalPolicy,
    limit: int,
    crisis: Crisis | None = None,
) -> Page[Draft]:
    """Pending drafts ``user_id`` may approve and has not approved yet (in their current text),
    oldest first, as ``/social queue`` orders them. An author never decides on their own draft,
    and a risk approver who is not an approver decides only on drafts with risky topics
    (``ApprovalPolicy.may_approve``); a crisis approver who is not one decides only on drafts the
    running ``crisis`` stamped."""
    crisis_id = crisis.id if crisis is not None else None
    as_crisis = crisis_id is not None and user_id in policy.crisis_approvers
    if user_id not in policy.approvers and user_id not in policy.risk_approvers and not as_crisis:
        return Page()
    already = exists().where(
        col(DraftApproval.draft_id) == col(Draft.id),
        col(DraftApproval.approver_id) == user_id,
        col(DraftApproval.text_hash) == col(Draft.text_hash),
        col(DraftApproval.cancelled_at).is_(None),
    )
    conditions: list[Any] = [
        Draft.state == DraftState.PENDING,  # draft.state is indexed
        Draft.author_id != user_id,
        not_(already),
    ]
    if user_id not in policy.approvers:
        allowed: list[Any] = []
        if user_id in policy.risk_approvers:
            allowed.append(
                and_(col(Draft.risky_topics).is_not(None), col(Draft.risky_topics) != "")
            )
        if as_crisis:
            allowed.append(col(Draft.crisis_id) == crisis_id)
        conditions.append(or_(*allowed))
    rows = session.exec(
        select(Draft)
        .where(*conditions)
        .order_by(col(Draft.submitted_at), col(Draft.id))
        .limit(limit)
    ).all()
    total = session.exec(select(func.count()).select_from(Draft).where(*conditions)).one()
    return Page(tuple(rows), int(total))


def drafts_by(session: Session, *, author_id: str, limit: int) -> Page[Draft]:
    """The author's drafts in every state, newest first (draft.author_id is indexed; the id
    orders them as they were created)."""
    mine = Draft.author_id == author_id
    rows = session.exec(select(Draft).where(mine).order_by(col(Draft.id).desc()).limit(limit)).all()
    total = session.exec(select(func.count()).select_from(Draft).where(mine)).one()
    return Page(tuple(rows), int(total))


def progress_of_many(
    session: Session, drafts: tuple[Draft, ...], *, crisis: Crisis | None = None
) -> dict[int | None, Progress]:
    """``progress_of`` for a page of drafts in one query instead of one each; ``crisis`` is the
    one running (read once by the caller), whose stamped drafts need its extra approval."""
    ids = [d.id for d in drafts if d.id is not None]
    if not ids:
        return {}
    approvals = session.exec(
        select(DraftApproval)
        .where(col(DraftApproval.draft_id).in_(ids), col(DraftApproval.cancelled_at).is_(None))
        .order_by(col(DraftApproval.at), col(DraftApproval.id))
    ).all()
    progress: dict[int | None, Progress] = {}
    for draft in drafts:
        current = [
            a for a in approvals if a.draft_id == draft.id and a.text_hash == draft.text_hash
        ]
        stamped = crisis is not None and draft.crisis_id == crisis.id
        progress[draft.id] = progress_from(
            draft, current, crisis_kind=crisis.kind if stamped and crisis else None
        )
    return progress
