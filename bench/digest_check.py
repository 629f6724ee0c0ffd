"""Do the digest's figures say what bench.digest_fill put in the store?

The fill counts its own events as it writes them (:class:`bench.digest_fill.Truth`); here they
are compared with ``build_figures`` over the whole year and with ``daily_rows`` over the 7 days
the bench times, so a fast answer is also shown to be the right one. Each disagreement is one
line naming the figure and both values.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bench.digest_fill import END, START, Truth
from bot.workflows.digests.figures import DigestFigures
from bot.workflows.digests.history import DayRow


def _median_matches(found: timedelta | None, waits: list[timedelta]) -> bool:
    """Either middle value (or their mean) of an even count is a fair median."""
    if not waits:
        return found is None
    ordered = sorted(waits)
    low, high = ordered[(len(ordered) - 1) // 2], ordered[len(ordered) // 2]
    return found is not None and low - timedelta(seconds=1) <= found <= high + timedelta(seconds=1)


def _in(items: list[tuple[datetime, timedelta]], start: datetime, end: datetime) -> list[timedelta]:
    return [wait for at, wait in items if start <= at < end]


def figures_mismatches(figures: DigestFigures, truth: Truth, tz: ZoneInfo) -> list[str]:
    """``figures`` built over [START, END) with now = END, against the fill's own counts."""
    a, h, r = figures.approvals, figures.handoffs, figures.replies
    now = END
    ages = [now - submitted for submitted in truth.pending_submitted]
    local_day = END.astimezone(tz).date()
    scheduled: Counter[str] = Counter()
    for at, networks in truth.scheduled:
        if at.astimezone(tz).date() == local_day:
            scheduled.update(networks.split(","))
    uses = Counter(faq_id for _, faq_id in truth.faq_uses)
    expected: dict[str, object] = {
        "approvals.submitted": truth.count("submitted", START, END),
        "approvals.approved": truth.count("approved", START, END),
        "approvals.rejected": truth.count("rejected", START, END),
        "approvals.expired": truth.count("expired", START, END),
        "approvals.pending_under_4h": sum(1 for age in ages if age < timedelta(hours=4)),
        "approvals.pending_under_24h": sum(
            1 for age in ages if timedelta(hours=4) <= age < timedelta(hours=24)
        ),
        "approvals.pending_older": sum(1 for age in ages if age >= timedelta(hours=24)),
        "scheduled_today": dict(scheduled),
        "handoffs.opened": truth.count("opened", START, END),
        "handoffs.claimed": truth.count("claimed", START, END),
        "handoffs.resolved": truth.count("resolved", START, END),
        "handoffs.bounced": truth.count("bounced", START, END),
        "handoffs.sla_breaches": truth.sla_breaches(START, END),
        "handoffs.open_by_team": dict(truth.open_by_team),
        "replies.suggestions": truth.count("suggestion", START, END),
        "replies.answered_from_faq": truth.count("answered_from_faq", START, END),
        "replies.sent_for_approval": truth.count("sent_for_approval", START, END),
        "replies.top_entries": sorted(uses.values(), reverse=True)[:5],
        "replies.top_gaps": truth.top_gap_counts(START, END),
        "replies.moods": truth.mood_mix(START, END),
    }
    found: dict[str, object] = {
        "approvals.submitted": a.submitted,
        "approvals.approved": a.approved,
        "approvals.rejected": a.rejected,
        "approvals.expired": a.expired,
        "approvals.pending_under_4h": a.pending_under_4h,
        "approvals.pending_under_24h": a.pending_under_24h,
        "approvals.pending_older": a.pending_older,
        "scheduled_today": {k: v for k, v in figures.scheduled_today.items() if v},
        "handoffs.opened": h.opened,
        "handoffs.claimed": h.claimed,
        "handoffs.resolved": h.resolved,
        "handoffs.bounced": h.bounced,
        "handoffs.sla_breaches": h.sla_breaches,
        "handoffs.open_by_team": {k: v for k, v in h.open_by_team.items() if v},
        "replies.suggestions": r.suggestions,
        "replies.answered_from_faq": r.answered_from_faq,
        "replies.sent_for_approval": r.sent_for_approval,
        "replies.top_entries": [c.count for c in r.top_entries],
        "replies.top_gaps": [c.count for c in r.top_gaps],
        "replies.moods": {k: v for k, v in r.moods.items() if v},
    }
    wrong = [
        f"{name}: the store says {found[name]}, the fill made {want}"
        for name, want in expected.items()
        if found[name] != want
    ]
    if not _median_matches(a.median_time_to_approve, _in(truth.approve_waits, START, END)):
        wrong.append(f"approvals.median_time_to_approve: the store says {a.median_time_to_approve}")
    if not _median_matches(h.median_time_to_claim, _in(truth.claim_waits, START, END)):
        wrong.append(f"handoffs.median_time_to_claim: the store says {h.median_time_to_claim}")
    return wrong


def day_bounds(day: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    first = datetime(day.year, day.month, day.day, tzinfo=tz)
    following = day + timedelta(days=1)
    return first, datetime(following.year, following.month, following.day, tzinfo=tz)


def history_mismatches(rows: list[DayRow], truth: Truth, tz: ZoneInfo) -> list[str]:
    """Each local day's row of ``daily_rows`` against the fill's counts for that day."""
    wrong = []
    for row in rows:
        start, end = day_bounds(row.day, tz)
        expected = {
            "submitted": truth.count("submitted", start, end),
            "approved": truth.count("approved", start, end),
            "rejected": truth.count("rejected", start, end),
            "expired": truth.count("expired", start, end),
            "handoffs_opened": truth.count("opened", start, end),
            "handoffs_claimed": truth.count("claimed", start, end),
            "handoffs_resolved": truth.count("resolved", start, end),
            "sla_breaches": truth.sla_breaches(start, end),
            "suggestions": truth.count("suggestion", start, end),
            "answered_from_faq": truth.count("answered_from_faq", start, end),
            "sent_for_approval": truth.count("sent_for_approval", start, end),
        }
        for name, want in expected.items():
            got = getattr(row, name)
            if got != want:
                wrong.append(f"{row.day} {name}: the store says {got}, the fill made {want}")
        if not _median_matches(row.median_time_to_approve, _in(truth.approve_waits, start, end)):
            wrong.append(
                f"{row.day} median_time_to_approve: the store says {row.median_time_to_approve}"
            )
        if not _median_matches(row.median_time_to_claim, _in(truth.claim_waits, start, end)):
            wrong.append(
                f"{row.day} median_time_to_claim: the store says {row.median_time_to_claim}"
            )
    return wrong
