"""The digest's numbers: what happened in one window, and the state of the queues right now.

Every figure is counted from the store (drafts, the audit trail, handoffs, reply suggestions,
FAQ gaps) with queries on indexed time columns, so a digest costs the same on a store of a year
as on one of a day. A drill's drafts and suggestions are left out (``windows.Drills``), and the
crisis line names real crises only: a rehearsal is no news.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, func, or_, select
from sqlmodel import Session, col

from bot.store.models import Crisis, Draft, FaqGap, FaqRecord, Handoff, ReplySuggestion
from bot.workflows.crisis.export import duration_text
from bot.workflows.crisis.kinds import CrisisKind
from bot.workflows.digests import windows
from bot.workflows.digests.history import day_bounds
from bot.workflows.digests.windows import Drills
from bot.workflows.drafts.states import PUBLISHABLE_STATES, DraftState
from bot.workflows.handoffs.states import LIVE_STATES

OLDEST_SHOWN = 3  # the digest's Approve buttons
TOP_SHOWN = 5  # FAQ entries and gaps in the top lists


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
    crisis: str | None = None  # real crises running or ended in the window (plain text)
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
            or self.crisis
        )


def build_figures(
    *, session: Session, start: datetime, end: datetime, now: datetime, tz: ZoneInfo
) -> DigestFigures:
    """The digest of ``[start, end)``, with the queues as they are at ``now``; "today" (the posts
    scheduled) is the local day of ``end`` in ``tz``."""
    drills = windows.read_drills(session)
    counts = windows.approval_counts(session=session, start=start, end=end, drills=drills)
    pending = _pending_by_age(session, now, drills)
    handoffs = windows.handoff_counts(session=session, start=start, end=end, now=now)
    replies = windows.reply_counts(session=session, start=start, end=end, drills=drills)
    return DigestFigures(
        start=start,
        end=end,
        approvals=ApprovalFigures(
            submitted=counts.submitted,
            approved=counts.approved,
            rejected=counts.rejected,
            expired=counts.expired,
            pending_under_4h=pending[0],
            pending_under_24h=pending[1],
            pending_older=pending[2],
            median_time_to_approve=counts.median_time_to_approve,
            oldest_pending=_oldest_pending(session, drills),
        ),
        scheduled_today=_scheduled_on_local_day(session, end, tz),
        handoffs=HandoffFigures(
            opened=handoffs.opened,
            claimed=handoffs.claimed,
            resolved=handoffs.resolved,
            bounced=handoffs.bounced,
            sla_breaches=handoffs.sla_breaches,
            median_time_to_claim=handoffs.median_time_to_claim,
            open_by_team=_open_by_team(session),
        ),
        replies=ReplyFigures(
            suggestions=replies.suggestions,
            answered_from_faq=replies.answered_from_faq,
            sent_for_approval=replies.sent_for_approval,
            top_entries=_top_entries(session, start, end, drills),
            top_gaps=_top_gaps(session, start, end),
            moods=windows.mood_counts(session=session, start=start, end=end, drills=drills),
        ),
        crisis=crisis_line(session=session, start=start, end=end, now=now, tz=tz),
    )


def _pending_by_age(session: Session, now: datetime, drills: Drills) -> tuple[int, int, int]:
    """Pending drafts now: waited under 4 h, 4 h up to 24 h, 24 h or more (the state index)."""
    since = func.coalesce(col(Draft.submitted_at), col(Draft.created_at))
    bucket = case(
        (since > now - timedelta(hours=4), 0),
        (since > now - timedelta(hours=24), 1),
        else_=2,
    )
    rows = session.execute(
        select(bucket, func.count())
        .where(col(Draft.state) == DraftState.PENDING, drills.draft_is_real())
        .group_by(bucket)
    ).all()
    counts = dict(rows)
    return counts.get(0, 0), counts.get(1, 0), counts.get(2, 0)


def _oldest_pending(session: Session, drills: Drills) -> tuple[PendingDraft, ...]:
    rows = session.execute(
        select(
            col(Draft.id),
            col(Draft.author_id),
            col(Draft.text),
            col(Draft.submitted_at),
            col(Draft.created_at),
        )
        .where(col(Draft.state) == DraftState.PENDING, drills.draft_is_real())
        .order_by(func.coalesce(col(Draft.submitted_at), col(Draft.created_at)), col(Draft.id))
        .limit(OLDEST_SHOWN)
    ).all()
    return tuple(
        PendingDraft(draft_id=id_, author_id=author, text=text, submitted_at=submitted or created)
        for id_, author, text, submitted, created in rows
    )


def _scheduled_on_local_day(session: Session, end: datetime, tz: ZoneInfo) -> dict[str, int]:
    """Approved or scheduled drafts due out on the local day of ``end``, counted per network."""
    first, following = day_bounds(end.astimezone(tz).date(), tz)
    # The state is checked here, not in SQL: a day's drafts are few, and a state condition
    # would lead the planner to the state index (every approved draft ever) instead of the time.
    rows = session.execute(
        select(col(Draft.networks), col(Draft.state)).where(
            col(Draft.scheduled_at) >= first, col(Draft.scheduled_at) < following
        )
    ).all()
    per_network: Counter[str] = Counter()
    for listed, state in rows:
        if state in PUBLISHABLE_STATES:
            per_network.update(name for name in listed.split(",") if name)
    return dict(sorted(per_network.items()))


def _open_by_team(session: Session) -> dict[str, int]:
    rows = session.execute(
        select(col(Handoff.team), func.count())
        .where(col(Handoff.state).in_(LIVE_STATES))
        .group_by(col(Handoff.team))
    ).all()
    return {team: n for team, n in sorted(rows)}


def _top_entries(
    session: Session, start: datetime, end: datetime, drills: Drills
) -> tuple[Count, ...]:
    """The FAQ entries that answered most suggestions of the window; ties by entry id."""
    uses = func.count().label("uses")
    rows = session.execute(
        select(col(ReplySuggestion.faq_id), uses)
        .where(
            col(ReplySuggestion.created_at) >= start,
            col(ReplySuggestion.created_at) < end,
            col(ReplySuggestion.faq_id).is_not(None),
            col(ReplySuggestion.text).is_not(None),
            drills.suggestion_is_real(),
        )
        .group_by(col(ReplySuggestion.faq_id))
        .order_by(uses.desc(), col(ReplySuggestion.faq_id))
        .limit(TOP_SHOWN)
    ).all()
    ids = [faq_id for faq_id, _ in rows]
    questions = (
        dict(
            session.execute(
                select(col(FaqRecord.id), col(FaqRecord.question)).where(col(FaqRecord.id).in_(ids))
            ).all()
        )
        if ids
        else {}
    )
    return tuple(
        Count(key=faq_id, label=questions.get(faq_id, faq_id), count=n) for faq_id, n in rows
    )


def _top_gaps(session: Session, start: datetime, end: datetime) -> tuple[Count, ...]:
    """Unanswered questions seen in the window, most asked first (then most recent, then id)."""
    gaps = session.execute(
        select(FaqGap)
        .where(col(FaqGap.last_seen_at) >= start, col(FaqGap.last_seen_at) < end)
        .order_by(col(FaqGap.count).desc(), col(FaqGap.last_seen_at).desc(), col(FaqGap.id))
        .limit(TOP_SHOWN)
    ).scalars()
    return tuple(
        Count(key=gap.key, label=gap.example, count=gap.count, gap_id=gap.id) for gap in gaps
    )


def crisis_line(
    *, session: Session, start: datetime, end: datetime, now: datetime, tz: ZoneInfo
) -> str | None:
    """Real crises running now or ended in the window, newest first, as plain text (the digest
    escapes it): ``running since Mon 30 Nov 08:30 (1h 30m): <reason>``, ``ended … after 6h:
    <summary>``. Drills are left out. The crisis table is a handful of rows."""
    rows = session.execute(
        select(Crisis)
        .where(
            col(Crisis.kind) == CrisisKind.CRISIS,
            or_(
                col(Crisis.ended_at).is_(None),
                and_(col(Crisis.ended_at) >= start, col(Crisis.ended_at) < end),
            ),
            col(Crisis.started_at) <= now,
        )
        .order_by(col(Crisis.started_at).desc(), col(Crisis.id).desc())
    ).scalars()
    parts: list[str] = []
    for crisis in rows:
        if crisis.ended_at is None:
            since = _local(crisis.started_at, tz)
            took = duration_text(now - crisis.started_at)
            parts.append(f"running since {since} ({took}): {_one_line(crisis.reason)}")
        else:
            took = duration_text(crisis.ended_at - crisis.started_at)
            said = crisis.summary or crisis.reason
            parts.append(f"ended {_local(crisis.ended_at, tz)} after {took}: {_one_line(said)}")
    return "; ".join(parts) or None


def _local(at: datetime, tz: ZoneInfo) -> str:
    local = at.astimezone(tz)
    return f"{local:%a} {local.day} {local:%b %H:%M}"


def _one_line(text: str) -> str:
    return " ".join(text.split())
