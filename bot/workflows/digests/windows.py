"""The windowed counts a digest and a day of the history share: what happened in ``[start, end)``.

Every query is a range on an indexed time column (the audit's (action, at), the handoff's
created/claimed/closed/claim-due/resolve-due times, the suggestion's created_at) and aggregates in
SQL, so its cost follows the window's rows, not the store's. Medians read only the window's rows
(and, for the time to approve, the trails of the drafts approved in it, by subject id).

A drill is a rehearsal: the drafts it stamped and the suggestions made while it ran (their
``crisis_id`` names a drill) are left out of every count, so practising never shows as work done.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, case, exists, func, or_, select, true
from sqlalchemy.orm import Mapped
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col

from bot.knowledge.sentiment import read_mood
from bot.store.models import AuditEntry, Crisis, Draft, Handoff, ReplySuggestion
from bot.workflows.crisis.kinds import CrisisKind
from bot.workflows.drafts.states import DraftState
from bot.workflows.drafts.transitions import SUBJECT as DRAFT_SUBJECT
from bot.workflows.handoffs.states import HandoffState

# The audit actions that put a draft in front of approvers, or decide it (bot/workflows/drafts/).
SUBMIT_ACTIONS = ("submit", "edit")
DECISION_ACTIONS = ("approve", "reject", "expire")
DRILL = CrisisKind.DRILL.value
_CHUNK = 500  # ids per IN list: well within SQLite's and PostgreSQL's limits on parameters


@dataclass(frozen=True)
class ApprovalCounts:
    submitted: int
    approved: int
    rejected: int
    expired: int
    median_time_to_approve: timedelta | None


@dataclass(frozen=True)
class HandoffCounts:
    opened: int
    claimed: int
    resolved: int
    bounced: int
    sla_breaches: int
    median_time_to_claim: timedelta | None


@dataclass(frozen=True)
class ReplyCounts:
    suggestions: int
    answered_from_faq: int
    sent_for_approval: int


@dataclass(frozen=True)
class Drills:
    """What the drills left behind: their crisis ids, and the drafts they stamped (as audit
    subject ids). Read once per digest (or per report), and small: drills are rehearsals."""

    crisis_ids: tuple[int, ...]
    draft_subjects: tuple[str, ...]

    def draft_is_real(self) -> ColumnElement[bool]:
        """A condition on ``Draft``: not stamped by a drill."""
        return _not_in(col(Draft.crisis_id), self.crisis_ids)

    def suggestion_is_real(self) -> ColumnElement[bool]:
        return _not_in(col(ReplySuggestion.crisis_id), self.crisis_ids)

    def subject_is_real(self) -> ColumnElement[bool]:
        """A condition on ``AuditEntry``: not about a draft a drill stamped."""
        if not self.draft_subjects:
            return true()
        return col(AuditEntry.subject_id).not_in(self.draft_subjects)


def read_drills(session: Session) -> Drills:
    ids = tuple(session.execute(select(col(Crisis.id)).where(col(Crisis.kind) == DRILL)).scalars())
    if not ids:
        return Drills(crisis_ids=(), draft_subjects=())
    drafts = session.execute(select(col(Draft.id)).where(col(Draft.crisis_id).in_(ids))).scalars()
    return Drills(crisis_ids=ids, draft_subjects=tuple(str(draft_id) for draft_id in drafts))


def _not_in(column: Mapped[int | None], ids: tuple[int, ...]) -> ColumnElement[bool]:
    if not ids:
        return true()
    return or_(column.is_(None), column.not_in(ids))


def median(values: list[timedelta]) -> timedelta | None:
    """The middle value; with an even count the mean of the two middle ones; None for none."""
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def _in(
    column: Mapped[datetime] | Mapped[datetime | None], start: datetime, end: datetime
) -> ColumnElement[bool]:
    return and_(column >= start, column < end)


def _enters_pending(action: str, from_state: str | None, to_state: str | None) -> bool:
    """An audit entry that put a draft in front of approvers: a submit, or an edit that made it
    pending again (an edit of a draft already pending keeps its place, so is no new submission)."""
    return (
        action in SUBMIT_ACTIONS
        and to_state == DraftState.PENDING
        and from_state != DraftState.PENDING
    )


def approval_counts(
    *, session: Session, start: datetime, end: datetime, drills: Drills | None = None
) -> ApprovalCounts:
    """Drafts submitted, approved, rejected and expired in the window, from the audit trail."""
    drills = drills if drills is not None else read_drills(session)
    rows = session.execute(
        select(
            col(AuditEntry.action),
            col(AuditEntry.from_state),
            col(AuditEntry.to_state),
            func.count(),
        )
        .where(
            col(AuditEntry.action).in_(SUBMIT_ACTIONS + DECISION_ACTIONS),
            _in(col(AuditEntry.at), start, end),
            col(AuditEntry.subject_type) == DRAFT_SUBJECT,
            drills.subject_is_real(),
        )
        .group_by(col(AuditEntry.action), col(AuditEntry.from_state), col(AuditEntry.to_state))
    ).all()
    counts: Counter[str] = Counter()
    for action, from_state, to_state, n in rows:
        if _enters_pending(action, from_state, to_state):
            counts["submitted"] += n
        elif action == "approve" and to_state == DraftState.APPROVED:
            # A partial approval leaves the draft pending; only the last one needed approves it.
            if from_state != DraftState.APPROVED:
                counts["approved"] += n
        elif action == "reject" and to_state == DraftState.REJECTED:
            counts["rejected"] += n
        elif action == "expire" and to_state == DraftState.EXPIRED:
            counts["expired"] += n
    return ApprovalCounts(
        submitted=counts["submitted"],
        approved=counts["approved"],
        rejected=counts["rejected"],
        expired=counts["expired"],
        median_time_to_approve=median(_approval_waits(session, start, end, drills)),
    )


def _approval_waits(
    session: Session, start: datetime, end: datetime, drills: Drills
) -> list[timedelta]:
    """Submitted → approved for each approval in the window.

    The submission is the draft's last entry into pending before the approval, read from the
    trails of the window's approved drafts only (by the indexed subject id), so a draft approved,
    edited and approved again is measured from its resubmission. The draft's ``submitted_at``
    stands in when the trail has no submission before the approval.
    """
    approvals = session.execute(
        select(col(AuditEntry.subject_id), col(AuditEntry.at)).where(
            col(AuditEntry.action) == "approve",
            _in(col(AuditEntry.at), start, end),
            col(AuditEntry.subject_type) == DRAFT_SUBJECT,
            col(AuditEntry.to_state) == DraftState.APPROVED,
            drills.subject_is_real(),
            or_(
                col(AuditEntry.from_state).is_(None),
                col(AuditEntry.from_state) != DraftState.APPROVED,
            ),
        )
    ).all()
    subjects = sorted({subject for subject, _ in approvals})
    entered: dict[str, list[datetime]] = defaultdict(list)
    for chunk in _chunks(subjects):
        for subject, when, action, from_state in session.execute(
            select(
                col(AuditEntry.subject_id),
                col(AuditEntry.at),
                col(AuditEntry.action),
                col(AuditEntry.from_state),
            ).where(
                col(AuditEntry.subject_type) == DRAFT_SUBJECT,
                col(AuditEntry.subject_id).in_(chunk),
                col(AuditEntry.to_state) == DraftState.PENDING,
            )
        ).all():
            if _enters_pending(action, from_state, DraftState.PENDING):
                entered[subject].append(when)
    since: dict[tuple[str, datetime], datetime | None] = {}
    for subject, approved_at in approvals:
        before = [when for when in entered[subject] if when <= approved_at]
        since[(subject, approved_at)] = max(before) if before else None
    untracked = sorted({s for (s, _), when in since.items() if when is None and s.isdigit()})
    submitted: dict[str, datetime] = {}
    for chunk in _chunks(untracked):
        for draft_id, submitted_at in session.execute(
            select(col(Draft.id), col(Draft.submitted_at)).where(
                col(Draft.id).in_([int(subject) for subject in chunk])
            )
        ).all():
            if submitted_at is not None:
                submitted[str(draft_id)] = submitted_at
    waits: list[timedelta] = []
    for subject, approved_at in approvals:
        began = since[(subject, approved_at)] or submitted.get(subject)
        if began is not None and began <= approved_at:
            waits.append(approved_at - began)
    return waits


def _chunks(values: list[str]) -> list[list[str]]:
    return [values[at : at + _CHUNK] for at in range(0, len(values), _CHUNK)]


def handoff_counts(
    *, session: Session, start: datetime, end: datetime, now: datetime
) -> HandoffCounts:
    """Handoffs opened, claimed, resolved and bounced in the window, and the deadlines missed."""
    opened = session.execute(
        select(func.count()).select_from(Handoff).where(_in(col(Handoff.created_at), start, end))
    ).scalar_one()
    claims = session.execute(
        select(col(Handoff.created_at), col(Handoff.claimed_at)).where(
            _in(col(Handoff.claimed_at), start, end)
        )
    ).all()
    closed: dict[str, int] = dict(
        session.execute(
            select(col(Handoff.state), func.count())
            .where(_in(col(Handoff.closed_at), start, end))
            .group_by(col(Handoff.state))
        ).all()
    )
    return HandoffCounts(
        opened=opened,
        claimed=len(claims),
        resolved=closed.get(HandoffState.RESOLVED, 0),
        bounced=closed.get(HandoffState.BOUNCED, 0),
        sla_breaches=sla_breaches(session=session, start=start, end=end, now=now),
        median_time_to_claim=median([claimed_at - created_at for created_at, claimed_at in claims]),
    )


def sla_breaches(*, session: Session, start: datetime, end: datetime, now: datetime) -> int:
    """Deadlines that fell in the window (and have passed by ``now``) unmet.

    A claim deadline is met by a claim or a close at or before it; a resolve deadline (when the
    team has one) by a close at or before it. A deadline still ahead is no breach yet.
    """
    until = min(end, now + timedelta(microseconds=1))  # deadlines at or before now
    claim_due = col(Handoff.claim_due_at)
    claim = session.execute(
        select(func.count())
        .select_from(Handoff)
        .where(
            claim_due >= start,
            claim_due < until,
            or_(col(Handoff.claimed_at).is_(None), col(Handoff.claimed_at) > claim_due),
            or_(col(Handoff.closed_at).is_(None), col(Handoff.closed_at) > claim_due),
        )
    ).scalar_one()
    resolve_due = col(Handoff.resolve_due_at)
    resolve = session.execute(
        select(func.count())
        .select_from(Handoff)
        .where(
            resolve_due >= start,
            resolve_due < until,
            or_(col(Handoff.closed_at).is_(None), col(Handoff.closed_at) > resolve_due),
        )
    ).scalar_one()
    return int(claim) + int(resolve)


def reply_counts(
    *, session: Session, start: datetime, end: datetime, drills: Drills | None = None
) -> ReplyCounts:
    """Suggestions made in the window; of which answered from the FAQ, and sent for approval."""
    drills = drills if drills is not None else read_drills(session)
    answered = and_(
        col(ReplySuggestion.faq_id).is_not(None), col(ReplySuggestion.text).is_not(None)
    )
    made, from_faq, sent = session.execute(
        select(
            func.count(),
            func.coalesce(func.sum(case((answered, 1), else_=0)), 0),
            func.count(col(ReplySuggestion.draft_id)),
        ).where(_in(col(ReplySuggestion.created_at), start, end), drills.suggestion_is_real())
    ).one()
    return ReplyCounts(suggestions=made, answered_from_faq=int(from_faq), sent_for_approval=sent)


def mood_counts(
    *, session: Session, start: datetime, end: datetime, drills: Drills | None = None
) -> dict[str, int]:
    """The customer messages handled in the window by mood: suggestions, and handoffs opened.

    A handoff whose message is already counted as a suggestion of the window (the one it was
    made from, or its holding reply) is not counted twice. Suggestions older than the mood
    column are read again from their text.
    """
    drills = drills if drills is not None else read_drills(session)
    moods: Counter[str] = Counter()
    in_window = _in(col(ReplySuggestion.created_at), start, end)
    real = drills.suggestion_is_real()
    for mood, n in session.execute(
        select(col(ReplySuggestion.mood), func.count())
        .where(in_window, real, col(ReplySuggestion.mood).is_not(None))
        .group_by(col(ReplySuggestion.mood))
    ).all():
        moods[mood] += n
    for text in session.execute(
        select(col(ReplySuggestion.customer_text)).where(
            in_window, real, col(ReplySuggestion.mood).is_(None)
        )
    ).scalars():
        moods[read_mood(text).mood] += 1
    counted = exists().where(
        or_(
            col(ReplySuggestion.id) == col(Handoff.suggestion_id),
            col(ReplySuggestion.id) == col(Handoff.holding_suggestion_id),
        ),
        in_window,
    )
    for mood, n in session.execute(
        select(col(Handoff.mood), func.count())
        .where(_in(col(Handoff.created_at), start, end), ~counted)
        .group_by(col(Handoff.mood))
    ).all():
        moods[mood] += n
    return dict(moods)
