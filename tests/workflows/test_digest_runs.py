"""The digest run claim: one run per (subscription, local date, kind) however many clocks try,
skips recorded once, leases held by one sender, and what each run still owes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlmodel import select

from bot.services import Services
from bot.store.db import session_scope
from bot.store.models import DigestRun, DigestSubscription
from bot.workflows.digests import runs
from bot.workflows.digests.schedule import DAILY, WEEKLY, Slot
from tests.concurrency import race

NOW = datetime(2026, 11, 30, 8, 0, 30, tzinfo=UTC)  # a Monday, 09:00:30 in Berlin
GRACE = timedelta(hours=3)
SLOT = Slot(date(2026, 11, 30), DAILY, datetime(2026, 11, 30, 8, tzinfo=UTC), send=True)


def subscribe(
    services: Services,
    *,
    weekly: bool = False,
    channel: str = "C0DIGEST",
    since: timedelta = timedelta(hours=1),
) -> int:
    """A Berlin 09:00 subscription made ``since`` before NOW (an hour: yesterday is not owed)."""
    with session_scope(services.sessions) as session:
        sub = DigestSubscription(
            channel_id=channel,
            local_time="09:00",
            timezone="Europe/Berlin",
            weekly=weekly,
            created_by="U0LEAD",
            created_at=NOW - timedelta(days=30),
            updated_at=NOW - timedelta(days=30),
            active_since=NOW - since,
        )
        session.add(sub)
        session.flush()
        assert sub.id is not None
        return sub.id


def load_sub(services: Services, sub_id: int) -> DigestSubscription:
    with session_scope(services.sessions) as session:
        sub = session.get(DigestSubscription, sub_id)
        assert sub is not None
        session.expunge(sub)
        return sub


def all_runs(services: Services) -> list[DigestRun]:
    with session_scope(services.sessions) as session:
        found = list(session.exec(select(DigestRun).order_by(DigestRun.id)).all())  # type: ignore[arg-type]
        for run in found:
            session.expunge(run)
        return found


def claim_due(
    services: Services, sub: DigestSubscription, now: datetime, owner: str
) -> runs.Claimed:
    with session_scope(services.sessions) as session:
        return runs.claim_due(session=session, subscription=sub, now=now, grace=GRACE, owner=owner)


def test_many_clocks_claiming_at_once_make_one_run_per_slot(services: Services) -> None:
    sub = load_sub(services, subscribe(services, weekly=True, since=timedelta(days=30)))
    # Each racer has its own session; on PostgreSQL the losers wait for the winner's commit.
    outcomes = race(12, lambda i: claim_due(services, sub, NOW, f"clock-{i}:1"))
    assert sorted(len(outcome.runs) for outcome in outcomes) == [0] * 11 + [2]
    # Yesterday's slot (Sunday 09:00) is past the grace: recorded as skipped, by one clock only.
    assert sum(len(outcome.skipped) for outcome in outcomes) == 1
    skipped, *made = all_runs(services)
    assert (skipped.local_date, skipped.skipped_reason) == (
        date(2026, 11, 29),
        runs.late_reason(GRACE),
    )
    assert sorted((run.local_date, run.kind) for run in made) == [
        (date(2026, 11, 30), DAILY),
        (date(2026, 11, 30), WEEKLY),
    ]
    assert all(run.skipped_reason is None and run.attempts == 0 for run in made)
    assert all(run.due_at == SLOT.due_at and run.channel_id == "C0DIGEST" for run in made)


def test_a_slot_past_the_grace_is_recorded_skipped_once(services: Services) -> None:
    # The clock was down from before yesterday's 09:00 until after today's grace ran out.
    sub = load_sub(services, subscribe(services, since=timedelta(days=30)))
    late = NOW + GRACE + timedelta(minutes=1)
    first = claim_due(services, sub, late, "a:1")
    again = claim_due(services, sub, late + timedelta(minutes=1), "b:2")
    assert [(s.local_date, s.kind) for _, s in first.skipped] == [
        (date(2026, 11, 29), DAILY),
        (date(2026, 11, 30), DAILY),
    ]
    assert first.runs == []
    assert again.runs == []
    assert again.skipped == []
    made = all_runs(services)
    assert [run.skipped_reason for run in made] == [runs.late_reason(GRACE)] * 2
    with session_scope(services.sessions) as session:
        assert runs.owed_runs(session=session, now=late) == []
        assert runs.take_lease(session=session, run_id=made[0].id or 0, now=late) is None


def test_a_lease_is_held_by_one_sender_and_counts_attempts(services: Services) -> None:
    sub = load_sub(services, subscribe(services))
    [run_id] = claim_due(services, sub, NOW, "a:1").runs

    def take(_: int) -> DigestRun | None:
        with session_scope(services.sessions) as session:
            return runs.take_lease(session=session, run_id=run_id, now=NOW)

    held = [run for run in race(8, take) if run is not None]
    assert len(held) == 1
    assert held[0].attempts == 1
    assert held[0].lease_until == NOW + runs.DIGEST_LEASE
    with session_scope(services.sessions) as session:
        assert runs.owed_runs(session=session, now=NOW) == []  # held
        later = NOW + runs.DIGEST_LEASE
        assert runs.owed_runs(session=session, now=later) == [run_id]  # the holder died
        again = runs.take_lease(session=session, run_id=run_id, now=later)
        assert again is not None
        assert again.attempts == 2
        runs.release(session=session, run_id=run_id, error="ratelimited")
        assert runs.owed_runs(session=session, now=later) == [run_id]  # tried again at once
    [run] = all_runs(services)
    assert run.last_error == "ratelimited"
    assert run.lease_until is None
    assert run.posted_at is None


def test_posted_then_the_chart_then_nothing_owed(services: Services) -> None:
    sub = load_sub(services, subscribe(services))
    [run_id] = claim_due(services, sub, NOW, "a:1").runs
    with session_scope(services.sessions) as session:
        assert runs.take_lease(session=session, run_id=run_id, now=NOW) is not None
        assert runs.take_chart_lease(session=session, run_id=run_id, now=NOW) is None  # not posted
        assert runs.mark_posted(
            session=session, run_id=run_id, now=NOW, message_ts="1.2", chart=True
        )
        assert not runs.mark_posted(
            session=session, run_id=run_id, now=NOW, message_ts="3.4", chart=True
        )
        assert runs.take_lease(session=session, run_id=run_id, now=NOW) is None  # posted
        assert runs.owed_runs(session=session, now=NOW) == [run_id]  # the chart
        for attempt in (1, 2):
            held = runs.take_chart_lease(session=session, run_id=run_id, now=NOW)
            assert held is not None
            assert held.chart_attempts == attempt
            assert runs.take_chart_lease(session=session, run_id=run_id, now=NOW) is None
            runs.chart_failed(session=session, run_id=run_id, error="upload failed")
        assert runs.take_chart_lease(session=session, run_id=run_id, now=NOW) is not None
        runs.chart_done(session=session, run_id=run_id, now=NOW)
        assert runs.owed_runs(session=session, now=NOW) == []
    [run] = all_runs(services)
    assert (run.message_ts, run.chart_attempts, run.chart_done_at) == ("1.2", 3, NOW)


def test_posted_without_a_chart_owes_nothing(services: Services) -> None:
    sub = load_sub(services, subscribe(services))
    [run_id] = claim_due(services, sub, NOW, "a:1").runs
    with session_scope(services.sessions) as session:
        runs.mark_posted(session=session, run_id=run_id, now=NOW, message_ts="1.2", chart=False)
        assert runs.owed_runs(session=session, now=NOW) == []


def test_a_skipped_run_is_owed_nothing_and_unsubscribed_channels_are_not_looked_at(
    services: Services,
) -> None:
    sub = load_sub(services, subscribe(services))
    gone = subscribe(services, channel="C0GONE")
    with session_scope(services.sessions) as session:
        row = session.get(DigestSubscription, gone)
        assert row is not None
        row.unsubscribed_at = NOW
        session.add(row)
    with session_scope(services.sessions) as session:
        assert [s.channel_id for s in runs.active_subscriptions(session=session)] == ["C0DIGEST"]
    [run_id] = claim_due(services, sub, NOW, "a:1").runs
    with session_scope(services.sessions) as session:
        assert runs.mark_skipped(session=session, run_id=run_id, reason="channel_not_found")
        assert runs.owed_runs(session=session, now=NOW) == []
        assert runs.take_lease(session=session, run_id=run_id, now=NOW) is None
