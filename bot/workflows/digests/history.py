"""The digest's windowed counts, one row per local day: the 7-day chart and ``socialops report``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta


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
