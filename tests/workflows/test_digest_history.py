"""The per-day history (chart and ``socialops report``): local days midnight to midnight, 23 or
25 hours long on DST change days, counted like a daily digest's window."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.services import Services
from bot.store.db import session_scope
from bot.workflows.digests.figures import build_figures
from bot.workflows.digests.history import DayRow, daily_rows, day_bounds
from tests.workflows.test_digest_figures import add, entry, handoff, suggestion

NEW_YORK = ZoneInfo("America/New_York")
BERLIN = ZoneInfo("Europe/Berlin")
TINY = timedelta(microseconds=1)
HOUR = timedelta(hours=1)
LATER = datetime(2027, 1, 1, tzinfo=UTC)  # "now" for the history: every deadline has passed


def rows(
    services: Services, first: date, last: date, tz: ZoneInfo, *, now: datetime = LATER
) -> list[DayRow]:
    with session_scope(services.sessions) as session:
        return daily_rows(session=session, first_day=first, last_day=last, tz=tz, now=now)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def test_change_days_are_23_and_25_hours_long() -> None:
    start, end = day_bounds(date(2026, 3, 8), NEW_YORK)
    assert (start, end) == (utc(2026, 3, 8, 5), utc(2026, 3, 9, 4))
    assert end - start == timedelta(hours=23)
    start, end = day_bounds(date(2026, 10, 25), BERLIN)
    assert (start, end) == (utc(2026, 10, 24, 22), utc(2026, 10, 25, 23))
    assert end - start == timedelta(hours=25)
    assert day_bounds(date(2026, 3, 9), NEW_YORK) == (utc(2026, 3, 9, 4), utc(2026, 3, 10, 4))


def _one_of_each(at: datetime, subject: str) -> list[object]:
    """An approval (submitted an hour before), two handoffs opened (one claimed at once, one
    whose claim deadline passes unmet at once), and a suggestion answered from the FAQ, at ``at``."""
    return [
        entry(at - HOUR, "submit", "draft", "pending", subject_id=subject),
        entry(at, "approve", "pending", "approved", subject_id=subject),
        handoff(at, state="claimed", claimed_at=at, claim_due_at=at + HOUR),
        handoff(at, claim_due_at=at),
        suggestion(at, faq_id="shipping", text="Monday"),
    ]


def test_spring_forward_day_in_new_york_counts_its_23_hours(services: Services) -> None:
    add(
        services,
        # 7 March, 23:59:59 EST: the day before.
        *_one_of_each(utc(2026, 3, 8, 5) - TINY, "1"),
        # 8 March 00:00 EST: the change day's first moment.
        *_one_of_each(utc(2026, 3, 8, 5), "2"),
        # 8 March 23:59:59 EDT: still the change day (24 h after its start would be 9 March).
        *_one_of_each(utc(2026, 3, 9, 4) - TINY, "3"),
        # 9 March 00:00 EDT: the next day, an hour earlier in UTC than a 24-hour day would say.
        *_one_of_each(utc(2026, 3, 9, 4), "4"),
        *_one_of_each(utc(2026, 3, 9, 4, 30), "5"),
    )
    days = rows(services, date(2026, 3, 7), date(2026, 3, 9), NEW_YORK)
    assert [d.day for d in days] == [date(2026, 3, 7), date(2026, 3, 8), date(2026, 3, 9)]
    for counted, expected in zip(days, (1, 2, 2), strict=True):
        assert counted.approved == expected
        assert counted.handoffs_claimed == expected
        assert counted.handoffs_opened == 2 * expected
        assert counted.sla_breaches == expected
        assert counted.suggestions == expected
        assert counted.answered_from_faq == expected
        assert counted.median_time_to_approve == HOUR
        assert counted.median_time_to_claim == timedelta(0)
    # Submissions an hour before each approval: the one for 8 March 00:00 EST falls on the 7th,
    # those for 9 March 00:00 and 00:30 EDT on the 8th.
    assert [d.submitted for d in days] == [2, 3, 0]


def test_fall_back_day_in_berlin_counts_its_25_hours(services: Services) -> None:
    add(
        services,
        # 24 October, 23:59:59 CEST.
        *_one_of_each(utc(2026, 10, 24, 22) - TINY, "1"),
        # 25 October, 00:00 CEST.
        *_one_of_each(utc(2026, 10, 24, 22), "2"),
        # 25 October, 02:30 twice: CEST, then CET an hour later.
        *_one_of_each(utc(2026, 10, 25, 0, 30), "3"),
        *_one_of_each(utc(2026, 10, 25, 1, 30), "4"),
        # 25 October, 23:30 CET: the change day's 25th hour.
        *_one_of_each(utc(2026, 10, 25, 22, 30), "5"),
        # 26 October, 00:00 CET.
        *_one_of_each(utc(2026, 10, 25, 23), "6"),
    )
    days = rows(services, date(2026, 10, 24), date(2026, 10, 26), BERLIN)
    assert [d.approved for d in days] == [1, 4, 1]
    assert [d.handoffs_opened for d in days] == [2, 8, 2]
    assert [d.sla_breaches for d in days] == [1, 4, 1]
    assert [d.suggestions for d in days] == [1, 4, 1]
    assert [d.sent_for_approval for d in days] == [0, 0, 0]


def test_a_day_row_is_the_daily_digest_of_that_day(services: Services) -> None:
    """The same definitions: each row equals build_figures over that local day's window."""
    t = utc(2026, 10, 25, 12)
    add(
        services,
        *_one_of_each(t, "1"),
        entry(t, "reject", "pending", "rejected", subject_id="7"),
        entry(t, "expire", "pending", "expired", subject_id="8"),
        handoff(t, state="resolved", claimed_at=t + HOUR, closed_at=t + 2 * HOUR),
        handoff(t - 3 * HOUR, claim_due_at=t),  # never claimed: a breach on the 25th
        suggestion(t, text=None),
    )
    first, last = date(2026, 10, 24), date(2026, 10, 26)
    for row in rows(services, first, last, BERLIN):
        start, end = day_bounds(row.day, BERLIN)
        with session_scope(services.sessions) as session:
            digest = build_figures(session=session, start=start, end=end, now=LATER, tz=BERLIN)
        a, h, r = digest.approvals, digest.handoffs, digest.replies
        assert (row.submitted, row.approved, row.rejected, row.expired) == (
            a.submitted,
            a.approved,
            a.rejected,
            a.expired,
        )
        assert row.median_time_to_approve == a.median_time_to_approve
        assert (
            row.handoffs_opened,
            row.handoffs_claimed,
            row.handoffs_resolved,
            row.sla_breaches,
        ) == (h.opened, h.claimed, h.resolved, h.sla_breaches)
        assert row.median_time_to_claim == h.median_time_to_claim
        assert (row.suggestions, row.answered_from_faq, row.sent_for_approval) == (
            r.suggestions,
            r.answered_from_faq,
            r.sent_for_approval,
        )
    day = rows(services, date(2026, 10, 25), date(2026, 10, 25), BERLIN)[0]
    assert (day.submitted, day.approved, day.rejected, day.expired) == (1, 1, 1, 1)
    assert (day.handoffs_opened, day.handoffs_claimed, day.handoffs_resolved) == (4, 2, 1)
    assert day.sla_breaches == 2
    assert (day.suggestions, day.answered_from_faq) == (2, 1)


def test_todays_row_counts_no_deadline_still_ahead(services: Services) -> None:
    now = utc(2026, 10, 25, 12)
    add(
        services,
        handoff(now - 2 * HOUR, claim_due_at=now - HOUR),  # passed unclaimed: a breach
        handoff(now - 2 * HOUR, claim_due_at=now + HOUR),  # later today: not yet
    )
    (today,) = rows(services, date(2026, 10, 25), date(2026, 10, 25), BERLIN, now=now)
    assert today.sla_breaches == 1
    (later,) = rows(services, date(2026, 10, 25), date(2026, 10, 25), BERLIN)
    assert later.sla_breaches == 2


def test_an_empty_range_and_an_empty_store(services: Services) -> None:
    assert rows(services, date(2026, 3, 9), date(2026, 3, 8), NEW_YORK) == []
    (empty,) = rows(services, date(2026, 3, 8), date(2026, 3, 8), NEW_YORK)
    assert empty == DayRow(
        day=date(2026, 3, 8),
        submitted=0,
        approved=0,
        rejected=0,
        expired=0,
        median_time_to_approve=None,
        handoffs_opened=0,
        handoffs_claimed=0,
        handoffs_resolved=0,
        sla_breaches=0,
        median_time_to_claim=None,
        suggestions=0,
        answered_from_faq=0,
        sent_for_approval=0,
    )
