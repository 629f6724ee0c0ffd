"""The spike detector on synthetic series of customer signals, on the real store.

A quiet week (5% upset) is the baseline; an hour of mostly upset messages is a spike once it
reaches the minimum volume. The detector runs every minute like the clock does.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from sqlmodel import col, select

from bot.services import Services
from bot.store.db import session_scope
from bot.store.models import AuditEntry, Crisis, CrisisPost, CustomerSignal, Spike
from bot.workflows.crisis.kinds import RUNNING, CrisisKind
from bot.workflows.crisis.spikes import (
    Detection,
    SpikePolicy,
    Volume,
    detect,
    qualifies,
    reason_for,
)
from tests.concurrency import race

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
POLICY = SpikePolicy(ratio=2.0, min_messages=10)
ESCALATION = "C0ESCALATE"
_keys = itertools.count()


def add(
    services: Services,
    *,
    at: datetime,
    upset: int = 0,
    calm: int = 0,
    drill: bool = False,
    spread: timedelta = timedelta(minutes=1),
    text: str = "my order is broken",
) -> None:
    """``upset`` then ``calm`` messages, one every ``spread`` back from ``at``."""
    moods = ["upset"] * upset + ["neutral"] * calm
    with session_scope(services.sessions) as session:
        for index, mood in enumerate(moods):
            session.add(
                CustomerSignal(
                    source_key=f"C0FEED:{next(_keys)}",
                    origin="monitored",
                    at=at - index * spread,
                    mood=mood,
                    channel_id="C0FEED",
                    excerpt=f"{text} #{index}" if mood == "upset" else "where is my order?",
                    drill=drill,
                )
            )


def quiet_week(services: Services, *, before: datetime = NOW - timedelta(hours=1)) -> None:
    """200 messages over the week before the last hour, 10 of them upset (5%)."""
    add(
        services, at=before - timedelta(minutes=5), upset=10, calm=190, spread=timedelta(minutes=50)
    )


def look(
    services: Services,
    at: datetime = NOW,
    channel: str | None = ESCALATION,
    policy: SpikePolicy = POLICY,
) -> Detection:
    with session_scope(services.sessions) as session:
        return detect(session, now=at, policy=policy, alert_channel=channel)


def spikes(services: Services) -> list[Spike]:
    with session_scope(services.sessions) as session:
        return list(session.exec(select(Spike).order_by(col(Spike.id))))


def alerts(services: Services) -> list[CrisisPost]:
    with session_scope(services.sessions) as session:
        return list(session.exec(select(CrisisPost).order_by(col(CrisisPost.id))))


def audited(services: Services) -> list[AuditEntry]:
    with session_scope(services.sessions) as session:
        statement = select(AuditEntry).where(AuditEntry.action == "spike_alert")
        return list(session.exec(statement))


def start_crisis(services: Services, kind: CrisisKind) -> None:
    with session_scope(services.sessions) as session:
        session.add(
            Crisis(
                kind=kind,
                reason="test",
                started_by="U0ADMIN",
                started_at=NOW - timedelta(hours=2),
                running_key=RUNNING,
                updated_at=NOW,
            )
        )


def every_minute(services: Services, minutes: int, start: datetime = NOW) -> list[Detection]:
    return [look(services, start + timedelta(minutes=m)) for m in range(minutes)]


# -- the rule ---------------------------------------------------------------------------------


def test_the_rule_needs_volume_a_ratio_and_more_than_the_baseline() -> None:
    quiet = Volume(messages=200, negative=10)  # with the prior 13/220, about 5.9%
    assert qualifies(Volume(10, 2), quiet, POLICY)  # 20% is at least twice 5.9%
    assert not qualifies(Volume(9, 9), quiet, POLICY)  # too few messages, however upset
    assert not qualifies(Volume(100, 10), quiet, POLICY)  # 10% is under twice 5.9%
    # An empty week is the prior's 15%: a new installation alerts on an hour 30% upset.
    assert qualifies(Volume(10, 3), Volume(0, 0), POLICY)
    assert not qualifies(Volume(10, 2), Volume(0, 0), POLICY)
    # A ratio of 1 still needs the hour to be worse than the week, not equal to it.
    grim = Volume(messages=100, negative=57)  # with the prior 60/120, exactly 50%
    assert not qualifies(Volume(10, 5), grim, SpikePolicy(ratio=1.0, min_messages=10))
    assert qualifies(Volume(10, 6), grim, SpikePolicy(ratio=1.0, min_messages=10))


# -- the detector on series -------------------------------------------------------------------


def test_no_alert_on_low_volume(services: Services) -> None:
    quiet_week(services)
    add(services, at=NOW, upset=9)  # every message upset, but only nine of them
    assert every_minute(services, 5)[-1].opened is None
    assert (spikes(services), alerts(services)) == ([], [])


def test_no_alert_when_the_hour_is_like_the_week(services: Services) -> None:
    add(services, at=NOW - timedelta(hours=2), upset=100, calm=100, spread=timedelta(minutes=30))
    add(services, at=NOW, upset=30, calm=20)  # 60% upset against a week of 50%
    assert look(services).opened is None
    assert spikes(services) == []


def test_exactly_one_alert_per_spike(services: Services) -> None:
    quiet_week(services)
    add(services, at=NOW, upset=8, calm=4)  # 12 messages, 67% upset
    found = look(services)
    assert found.opened is not None
    # It goes on: more upset messages, a look every minute for half an hour.
    for minute in range(1, 30):
        at = NOW + timedelta(minutes=minute)
        add(services, at=at, upset=1)
        assert look(services, at).opened is None
    [spike] = spikes(services)
    assert (spike.open_key, spike.messages, spike.negative) == ("open", 12, 8)
    assert (spike.baseline_messages, spike.baseline_negative) == (200, 10)
    [alert] = alerts(services)
    assert (alert.kind, alert.spike_id, alert.channel_id) == ("alert", spike.id, ESCALATION)
    assert alert.key == f"spike:{spike.id}:alert"
    [entry] = audited(services)
    assert (entry.subject_type, entry.subject_id, entry.actor_id) == (
        "spike",
        str(spike.id),
        "socialops",
    )
    assert entry.note == reason_for(spike) == "Negative spike: 8 of 12 messages in the last hour"


def test_the_alert_keeps_three_upset_examples_newest_first(services: Services) -> None:
    quiet_week(services)
    add(services, at=NOW, upset=6, calm=6, text="<!channel> {{ 7*7 }} refund now")
    look(services)
    [spike] = spikes(services)
    assert json.loads(spike.examples) == [
        "<!channel> {{ 7*7 }} refund now #0",
        "<!channel> {{ 7*7 }} refund now #1",
        "<!channel> {{ 7*7 }} refund now #2",
    ]


def test_drill_signals_never_alert(services: Services) -> None:
    quiet_week(services)
    add(services, at=NOW, upset=40, drill=True)
    add(services, at=NOW, upset=1, calm=8)  # the real hour: quiet, and under the minimum
    assert look(services).hour == Volume(9, 1)
    assert spikes(services) == []


def test_no_detection_while_a_crisis_runs(services: Services) -> None:
    quiet_week(services)
    add(services, at=NOW, upset=20)
    start_crisis(services, CrisisKind.CRISIS)
    assert look(services) == Detection(None, None)
    assert (spikes(services), alerts(services)) == ([], [])


def test_a_running_drill_does_not_hide_a_real_spike(services: Services) -> None:
    quiet_week(services)
    add(services, at=NOW, upset=20)
    start_crisis(services, CrisisKind.DRILL)
    assert look(services).opened is not None


def test_a_new_spike_after_the_first_ended_alerts_again(services: Services) -> None:
    quiet_week(services)
    add(services, at=NOW, upset=12)
    first = look(services).opened
    assert first is not None
    # An hour later the burst has aged out of the window: the spike is over.
    later = NOW + timedelta(hours=1, minutes=1)
    ended = look(services, later)
    assert (ended.opened, ended.closed) == (None, first.id)
    assert look(services, later).closed is None  # closed once
    # The next day another burst: a new spike, a new alert.
    next_day = NOW + timedelta(days=1)
    add(services, at=next_day, upset=15)
    second = look(services, next_day).opened
    assert second is not None
    assert second.id != first.id
    old, new = spikes(services)
    assert (old.open_key, old.ended_at) == (None, later)
    assert (new.open_key, new.ended_at, new.negative) == ("open", None, 15)
    assert [a.spike_id for a in alerts(services)] == [first.id, second.id]
    assert len(audited(services)) == 2


def test_a_new_installation_alerts_on_a_plainly_bad_hour(services: Services) -> None:
    # No history at all: 4 upset of 10 is a bad hour. The first rule, (upset + 1) / (all + 2),
    # made an empty week 50% and so needed every message of the hour upset.
    add(services, at=NOW, upset=4, calm=6)
    assert look(services).opened is not None


def test_an_hour_hovering_at_the_threshold_alerts_once(services: Services) -> None:
    quiet_week(services)  # about 5.9%: the threshold is 11.8%, the close below 8.9%
    add(services, at=NOW, upset=2, calm=10)  # 2 of 12, 16.7%: a spike
    assert look(services).opened is not None
    # Calm messages bring the hour to 10%: under the threshold, not calm enough to close.
    a_minute_later = NOW + timedelta(minutes=1)
    add(services, at=a_minute_later, calm=8)
    assert look(services, a_minute_later).closed is None
    # Upset again (4 of 22, 18%): the same spike, not a second alert.
    two_minutes_later = NOW + timedelta(minutes=2)
    add(services, at=two_minutes_later, upset=2)
    assert look(services, two_minutes_later).opened is None
    assert len(spikes(services)) == 1
    assert len(alerts(services)) == 1
    # Once the hour is plainly calm the spike ends.
    add(services, at=two_minutes_later + timedelta(seconds=30), calm=40)
    assert look(services, two_minutes_later + timedelta(minutes=1)).closed is not None


def test_the_baseline_is_the_week_before_the_hour(services: Services) -> None:
    # A grim week (50% upset) more than 7 days ago does not count; a quiet one inside does.
    add(services, at=NOW - timedelta(days=8, hours=1), upset=500, calm=500)
    quiet_week(services)
    add(services, at=NOW, upset=6, calm=6)
    found = look(services)
    assert found.baseline == Volume(200, 10)
    assert found.hour == Volume(12, 6)
    assert found.opened is not None


def test_the_settings_move_the_threshold(services: Services) -> None:
    quiet_week(services)
    add(services, at=NOW, upset=6, calm=6)  # 50% of 12
    assert look(services, policy=replace(POLICY, min_messages=13)).opened is None
    assert look(services, policy=replace(POLICY, ratio=9.0)).opened is None  # 53%
    assert look(services, policy=replace(POLICY, ratio=8.0)).opened is not None  # 47%


def test_no_alert_channel_still_opens_the_spike_once(services: Services) -> None:
    quiet_week(services)
    add(services, at=NOW, upset=12)
    assert look(services, channel=None).opened is not None
    assert look(services, NOW + timedelta(minutes=1), channel=None).opened is None
    assert len(spikes(services)) == 1
    assert alerts(services) == []


def test_two_clocks_looking_at_once_open_one_spike(services: Services) -> None:
    quiet_week(services)
    add(services, at=NOW, upset=12)
    found = race(6, lambda _: look(services))
    assert sum(f.opened is not None for f in found) == 1
    assert len(spikes(services)) == 1
    assert len(alerts(services)) == 1
    assert len(audited(services)) == 1
