"""The digest's windowed counts, one row per local day: the 7-day chart and ``socialops report``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.workflows.digests import windows


@dataclass(frozen=True)
class DayRow:
    """One local day's figures (midnight to midnight in the team's zone; 23 or 25 hours on a
    DST change day). The same definitions as the daily digest's window figures."""

    day: date
    submitted: int
    approved: int
    rejected: int
    expired: int
    median_time_to_approve: timedelta | None
    handoffs_opened: int
    handoffs_claimed: int
    handoffs_resolved: int
    sla_breaches: int
    median_time_to_claim: timedelta | None
    suggestions: int
    answered_from_faq: int
    sent_for_approval: int


def day_bounds(day: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """Local midnight of ``day`` to local midnight of the next day, in UTC (23 or 25 hours apart
    on a DST change day)."""
    first = datetime.combine(day, time(0), tzinfo=tz)
    following = datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz)
    return first.astimezone(UTC), following.astimezone(UTC)


def daily_rows(
    *,
    session: Session,
    first_day: date,
    last_day: date,
    tz: ZoneInfo,
    now: datetime | None = None,
) -> list[DayRow]:
    """One row per local day from ``first_day`` to ``last_day`` (both included), each counted
    like a daily digest's window. An SLA deadline counts as breached only once it has passed
    ``now`` (default: the current time), so today's row does not count deadlines still ahead."""
    moment = now or datetime.now(UTC)
    rows: list[DayRow] = []
    day = first_day
    drills = windows.read_drills(session)  # once, not once a day
    while day <= last_day:
        rows.append(_day_row(session, day, tz, moment, drills))
        day += timedelta(days=1)
    return rows


def _day_row(
    session: Session, day: date, tz: ZoneInfo, now: datetime, drills: windows.Drills
) -> DayRow:
    start, end = day_bounds(day, tz)
    approvals = windows.approval_counts(session=session, start=start, end=end, drills=drills)
    handoffs = windows.handoff_counts(session=session, start=start, end=end, now=now)
    replies = windows.reply_counts(session=session, start=start, end=end, drills=drills)
    return DayRow(
        day=day,
        submitted=approvals.submitted,
        approved=approvals.approved,
        rejected=approvals.rejected,
        expired=approvals.expired,
        median_time_to_approve=approvals.median_time_to_approve,
        handoffs_opened=handoffs.opened,
        handoffs_claimed=handoffs.claimed,
        handoffs_resolved=handoffs.resolved,
        sla_breaches=handoffs.sla_breaches,
        median_time_to_claim=handoffs.median_time_to_claim,
        suggestions=replies.suggestions,
        answered_from_faq=replies.answered_from_faq,
        sent_for_approval=replies.sent_for_approval,
    )
