"""When a subscription's digest falls due, in UTC, across DST changes, and which are still owed.

A digest is due on local date D at the subscription's local time in its IANA zone. Two local
times need a rule: a time the clocks skip (spring forward, 02:30) goes out at the same distance
from midnight as the day began, so 02:30 EST-reckoned is 03:30 EDT; a time that happens twice
(fall back, 01:30) goes out at its first occurrence. Both are zoneinfo's ``fold=0`` reading
followed by a round trip through UTC, so every clock process computes the same moment.

Pure: no store, no Slack. The claim that makes each slot go out once is ``runs``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

DAILY = "daily"
WEEKLY = "weekly"
MONDAY = 0


class Subscribed(Protocol):
    """What the schedule reads of a subscription (bot.store.models.DigestSubscription)."""

    @property
    def local_time(self) -> str: ...
    @property
    def timezone(self) -> str: ...
    @property
    def weekly(self) -> bool: ...
    @property
    def active_since(self) -> datetime: ...


@dataclass(frozen=True)
class Slot:
    """One digest a subscription owes: its local date, kind and UTC due moment.

    ``send`` is False for a slot that fell due longer than the grace ago: it is recorded as
    skipped, never sent (a digest hours late would only confuse the morning's reading).
    """

    local_date: date
    kind: str
    due_at: datetime
    send: bool


def parse_local_time(text: str) -> time:
    """ "HH:MM" (24-hour, as stored) as a time; ValueError otherwise."""
    hours, sep, minutes = text.partition(":")
    if not sep or not hours.isdigit() or len(minutes) != 2 or not minutes.isdigit():
        raise ValueError(f"not an HH:MM time: {text!r}")
    return time(int(hours), int(minutes))


def due_moment(local_date: date, local_time: time, tz: ZoneInfo) -> datetime:
    """The UTC moment of ``local_time`` on ``local_date`` in ``tz`` (the DST rule above)."""
    local = datetime.combine(local_date, local_time).replace(tzinfo=tz, fold=0)
    return local.astimezone(UTC)


def due_slots(subscription: Subscribed, now: datetime, grace: timedelta) -> list[Slot]:
    """The slots of today's and yesterday's local dates that are due by ``now``, oldest first.

    Daily every day; weekly too on Mondays when the subscription asks for it. A slot before
    ``active_since`` is not owed (a subscription made at 10:00 for 09:00 starts tomorrow). Only
    two local dates are looked at: a grace longer than a day does not reach further back.
    """
    tz = ZoneInfo(subscription.timezone)
    at = parse_local_time(subscription.local_time)
    today = now.astimezone(tz).date()
    slots: list[Slot] = []
    for local_date in (today - timedelta(days=1), today):
        kinds = [DAILY]
        if subscription.weekly and local_date.weekday() == MONDAY:
            kinds.append(WEEKLY)
        due_at = due_moment(local_date, at, tz)
        if due_at > now or due_at < subscription.active_since:
            continue
        slots.extend(Slot(local_date, kind, due_at, due_at >= now - grace) for kind in kinds)
    return slots
