"""The digest's numbers: what happened in one window, and the state of the queues right now.

Every figure is counted from the store (drafts, the audit trail, handoffs, reply suggestions,
FAQ gaps) with queries on indexed time columns, so a digest costs the same on a store of a year
as on one of a day.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta


@dataclass(frozen=True)
class PendingDraft:
    """A draft waiting for approval: the digest's Approve buttons act on the oldest of these."""

    draft_id: int
    author_id: str
    text: str  # the draft's text as written (not escaped: the builder escapes)
    submitted_at: datetime


@dataclass(frozen=True)
class ApprovalFigures:
    submitted: int  # drafts submitted for approval in the window (resubmissions after an edit too)
    approved: int  # drafts that reached "approved" in the window
    rejected: int
    expired: int
    # Pending right now, by how long they have waited: under 4 h, 4 to 24 h, older.
    pending_under_4h: int
    pending_under_24h: int
    pending_older: int
    median_time_to_approve: timedelta | None  # submitted → approved, over the window's approvals
    oldest_pending: tuple[PendingDraft, ...]  # up to 3, oldest first

    @property
    def pending(self) -> int:
        return self.pending_under_4h + self.pending_under_24h + self.pending_older


@dataclass(frozen=True)
class HandoffFigures:
    opened: int  # handoffs started in the window
    claimed: int  # claimed in the window
    resolved: int  # resolved in the window
    bounced: int  # bounced back in the window
    sla_breaches: int  # claim deadlines (and resolve deadlines, when set) that passed unmet
    median_time_to_claim: timedelta | None  # started → claimed, over the window's claims
    open_by_team: dict[str, int]  # right now, open or claimed: {"support": 3, "sales": 1}


@dataclass(frozen=True)
class Count:
    """A named count for a top list: an FAQ entry's id, or a gap's example wording."""

    key: str
    label: str
    count: int
    gap_id: int | None = None  # an FAQ gap's id: the digest's "Add to FAQ" button


@dataclass(frozen=True)
class ReplyFigures:
    suggestions: int  # reply suggestions made in the window
    answered_from_faq: int  # of which an FAQ entry answered (the bot did not abstain)
    sent_for_approval: int  # of which a draft was made and sent for approval
    top_entries: tuple[Count, ...]  # up to 5 FAQ entries most used in the window
    top_gaps: tuple[Count, ...]  # up to 5 unanswered questions seen in the window, most first
    moods: dict[str, int]  # the customer messages handled (suggestions and handoffs) by mood

    @property
    def faq_share(self) -> float | None:
        return self.answered_from_faq / self.suggestions if self.suggestions else None

    @property
    def approval_share(self) -> float | None:
        return self.sent_for_approval / self.suggestions if self.suggestions else None


@dataclass(frozen=True)
class DigestFigures:
    """One digest's numbers: ``start`` to ``end`` is the window (24 hours, or 7 days weekly)."""

    start: datetime
    end: datetime
    approvals: ApprovalFigures
    scheduled_today: dict[str, int]  # posts scheduled for the local day of ``end``, by network
    handoffs: HandoffFigures
    replies: ReplyFigures
    crisis: str | None = None  # the crisis state, once crisis mode exists
    notes: tuple[str, ...] = field(default=())

    @property
    def is_quiet(self) -> bool:
        """Nothing happened and nothing waits: the digest says so in one line."""
        a, h, r = self.approvals, self.handoffs, self.replies
        return not (
            a.submitted
            or a.approved
            or a.rejected
            or a.expired
            or a.pending
            or any(self.scheduled_today.values())
            or h.opened
            or h.claimed
            or h.resolved
            or h.bounced
            or h.sla_breaches
            or any(h.open_by_team.values())
            or r.suggestions
        )
