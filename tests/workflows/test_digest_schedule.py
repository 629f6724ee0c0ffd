"""When digests fall due: 09:00 local on both sides of a DST change and once on the change day,
the skipped and the doubled hour, the grace after downtime, and nothing before a subscription."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.workflows.digests.schedule import (
    DAILY,
    WEEKLY,
    Slot,
    due_moment,
    due_slots,
    parse_local_time,
)

NEW_YORK = ZoneInfo("America/New_York")
BERLIN = ZoneInfo("Europe/Berlin")
GRACE = timedelta(hours=3)
LONG_AGO = datetime(2026, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Sub:
    local_time: str
    timezone: str
    weekly: bool = False
    active_since: datetime = LONG_AGO


def run_clock(sub: Sub, start: datetime, end: datetime) -> dict[tuple[date, str], datetime]:
    """A clock ticking every minute from ``start`` to ``end`` that claims each slot the first
    time it is due and to be sent (what the claim in the store does): when each went out."""
    sent: dict[tuple[date, str], datetime] = {}
    now = start
    while now <= end:
        for slot in due_slots(sub, now, GRACE):
            if slot.send:
                sent.setdefault((slot.local_date, slot.kind), now)
        now += timedelta(minutes=1)
    return sent


def local(moment: datetime, tz: ZoneInfo) -> tuple[date, time]:
    shown = moment.astimezone(tz)
    return shown.date(), shown.time()


@pytest.mark.parametrize(
    ("zone", "change_day"),
    [
        ("America/New_York", date(2026, 3, 8)),
        ("Europe/Berlin", date(2026, 3, 29)),
        ("Europe/Berlin", date(2026, 10, 25)),
        ("America/New_York", date(2026, 11, 1)),
    ],
)
def test_nine_oclock_goes_at_nine_local_on_both_sides_and_once_on_the_change_day(
    zone: str, change_day: date
) -> None:
    tz = ZoneInfo(zone)
    start = datetime.combine(change_day - timedelta(days=2), time(0), tzinfo=UTC)
    sent = run_clock(Sub("09:00", zone), start, start + timedelta(days=4))
    days = [change_day + timedelta(days=n) for n in (-1, 0, 1)]
    for day in days:
        assert local(sent[(day, DAILY)], tz) == (day, time(9, 0)), day
    # The UTC moment moved by the hour the clocks did: the local time did not.
    before, on, after = (sent[(day, DAILY)] for day in days)
    changed = timedelta(hours=23 if change_day.month < 7 else 25)
    assert (on - before, after - on) == (changed, timedelta(days=1))
    assert [key for key in sent if key[0] == change_day] == [(change_day, DAILY)]


def test_the_spring_forward_day_in_new_york_by_the_utc_moments() -> None:
    assert due_moment(date(2026, 3, 7), time(9), NEW_YORK) == datetime(2026, 3, 7, 14, tzinfo=UTC)
    assert due_moment(date(2026, 3, 8), time(9), NEW_YORK) == datetime(2026, 3, 8, 13, tzinfo=UTC)
    assert due_moment(date(2026, 3, 29), time(9), BERLIN) == datetime(2026, 3, 29, 7, tzinfo=UTC)
    assert due_moment(date(2026, 10, 25), time(9), BERLIN) == datetime(2026, 10, 25, 8, tzinfo=UTC)


def test_a_0230_subscription_goes_once_at_0330_on_the_spring_forward_day() -> None:
    # 02:30 does not exist on 2026-03-08 in New York: it goes out at 03:30 EDT (07:30 UTC).
    start = datetime(2026, 3, 7, 12, tzinfo=UTC)
    sent = run_clock(Sub("02:30", "America/New_York"), start, start + timedelta(days=2))
    assert sent[(date(2026, 3, 8), DAILY)] == datetime(2026, 3, 8, 7, 30, tzinfo=UTC)
    assert local(sent[(date(2026, 3, 8), DAILY)], NEW_YORK) == (date(2026, 3, 8), time(3, 30))
    # The days around it keep their 02:30.
    assert local(sent[(date(2026, 3, 9), DAILY)], NEW_YORK) == (date(2026, 3, 9), time(2, 30))
    # Berlin skips 02:00-03:00 on 2026-03-29 the same way.
    assert due_moment(date(2026, 3, 29), time(2, 30), BERLIN) == datetime(
        2026, 3, 29, 1, 30, tzinfo=UTC
    )


def test_a_0130_subscription_goes_once_at_the_first_0130_on_the_fall_back_day() -> None:
    start = datetime(2026, 10, 31, 12, tzinfo=UTC)
    sent = run_clock(Sub("01:30", "America/New_York"), start, start + timedelta(days=2))
    # 01:30 EDT (05:30 UTC) comes first; 01:30 EST (06:30 UTC) an hour later sends nothing more.
    assert sent[(date(2026, 11, 1), DAILY)] == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)
    assert [key for key in sent if key[0] == date(2026, 11, 1)] == [(date(2026, 11, 1), DAILY)]
    assert due_moment(date(2026, 10, 25), time(2, 30), BERLIN) == datetime(
        2026, 10, 25, 0, 30, tzinfo=UTC
    )


def test_after_downtime_within_the_grace_the_missed_digest_is_still_sent() -> None:
    sub = Sub("09:00", "Europe/Berlin")
    due = datetime(2026, 11, 30, 8, tzinfo=UTC)  # 09:00 CET
    yesterday = Slot(date(2026, 11, 29), DAILY, due - timedelta(days=1), send=False)
    assert due_slots(sub, due - timedelta(seconds=1), GRACE) == [yesterday]
    assert due_slots(sub, due + GRACE, GRACE) == [
        yesterday,
        Slot(date(2026, 11, 30), DAILY, due, send=True),
    ]


def test_after_downtime_past_the_grace_the_missed_digest_is_owed_as_a_skip() -> None:
    sub = Sub("09:00", "Europe/Berlin")
    due = datetime(2026, 11, 30, 8, tzinfo=UTC)
    late = due + GRACE + timedelta(seconds=1)
    assert due_slots(sub, late, GRACE)[-1] == Slot(date(2026, 11, 30), DAILY, due, send=False)
    # Next morning before 09:00: yesterday's is still looked at (a skip, if no run exists).
    morning = datetime(2026, 12, 1, 7, tzinfo=UTC)
    assert due_slots(sub, morning, GRACE) == [Slot(date(2026, 11, 30), DAILY, due, send=False)]


def test_a_subscription_made_after_todays_time_starts_tomorrow() -> None:
    made = datetime(2026, 11, 30, 9, 30, tzinfo=UTC)  # 10:30 in Berlin
    sub = Sub("09:00", "Europe/Berlin", active_since=made)
    sent = run_clock(sub, made, made + timedelta(days=1))
    assert list(sent) == [(date(2026, 12, 1), DAILY)]
    # Made a minute before its time, it goes today.
    early = Sub("09:00", "Europe/Berlin", active_since=datetime(2026, 11, 30, 7, 59, tzinfo=UTC))
    assert (date(2026, 11, 30), DAILY) in run_clock(early, made - timedelta(hours=2), made)


def test_weekly_goes_on_mondays_beside_the_daily() -> None:
    start = datetime(2026, 11, 28, tzinfo=UTC)  # a Saturday
    sent = run_clock(Sub("09:00", "Europe/Berlin", weekly=True), start, start + timedelta(days=10))
    weekly = [day for day, kind in sent if kind == WEEKLY]
    assert weekly == [date(2026, 11, 30), date(2026, 12, 7)]
    assert sent[(date(2026, 11, 30), WEEKLY)] == sent[(date(2026, 11, 30), DAILY)]
    assert len([key for key in sent if key[1] == DAILY]) == 10


@pytest.mark.parametrize("text", ["9:00", "09:00", "23:59", "00:00"])
def test_stored_times_parse(text: str) -> None:
    hours, minutes = text.split(":")
    assert parse_local_time(text) == time(int(hours), int(minutes))


@pytest.mark.parametrize("text", ["24:00", "9", "noon", "9am", "09:5", "-1:00"])
def test_other_times_do_not(text: str) -> None:
    with pytest.raises(ValueError, match=r"HH:MM|hour"):
        parse_local_time(text)
