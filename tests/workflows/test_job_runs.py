"""Job-run claims: one run per job and slot, whichever clock process asks first."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from bot.services import Services
from bot.store.db import session_scope
from bot.store.models import JobRun
from bot.workflows.job_runs import JOB_RUN_RETENTION, claim_run, purge_job_runs, slot_start

NOW = datetime(2026, 11, 23, 9, 2, 30, tzinfo=UTC)
FIVE_MINUTES = timedelta(minutes=5)


def claim(
    services: Services, job_id: str, due_at: datetime, owner: str = "host-a:1", now: datetime = NOW
) -> bool:
    with session_scope(services.sessions) as session:
        return claim_run(session=session, job_id=job_id, due_at=due_at, now=now, owner=owner)


def test_slots_are_epoch_aligned_so_every_process_agrees() -> None:
    assert slot_start(NOW, FIVE_MINUTES) == datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    # Two clocks that started minutes apart look at different moments of the same slot.
    assert slot_start(NOW + timedelta(minutes=2, seconds=29), FIVE_MINUTES) == slot_start(
        NOW - timedelta(minutes=2, seconds=30), FIVE_MINUTES
    )
    assert slot_start(NOW, timedelta(hours=1)) == datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    assert slot_start(NOW, timedelta(days=1)) == datetime(2026, 11, 23, tzinfo=UTC)
    boundary = datetime(2026, 11, 23, 9, 5, tzinfo=UTC)
    assert slot_start(boundary, FIVE_MINUTES) == boundary
    with pytest.raises(ValueError, match="positive"):
        slot_start(NOW, timedelta(0))


def test_first_claim_wins_and_a_second_process_loses(services: Services) -> None:
    slot = slot_start(NOW, FIVE_MINUTES)
    assert claim(services, "approval-reminders", slot, owner="host-a:1") is True
    assert claim(services, "approval-reminders", slot, owner="host-b:2") is False
    with session_scope(services.sessions) as session:
        [run] = session.exec(select(JobRun)).all()
    assert (run.job_id, run.due_at, run.claimed_at, run.claimed_by) == (
        "approval-reminders",
        slot,
        NOW,
        "host-a:1",
    )


def test_another_slot_or_another_job_is_a_new_claim(services: Services) -> None:
    slot = slot_start(NOW, FIVE_MINUTES)
    assert claim(services, "approval-reminders", slot) is True
    assert claim(services, "approval-reminders", slot + FIVE_MINUTES) is True
    assert claim(services, "approval-expiry", slot) is True


def test_concurrent_claims_of_one_slot_have_one_winner(services: Services) -> None:
    results: list[bool] = []
    lock = threading.Lock()
    start = threading.Barrier(20)
    slot = slot_start(NOW, FIVE_MINUTES)

    def worker(index: int) -> None:
        start.wait()
        won = claim(services, "approval-expiry", slot, owner=f"host:{index}")
        with lock:
            results.append(won)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False] * 19 + [True]


def test_purge_forgets_only_claims_past_retention(services: Services) -> None:
    old = slot_start(NOW - JOB_RUN_RETENTION - FIVE_MINUTES, FIVE_MINUTES)
    recent = slot_start(NOW - timedelta(hours=1), FIVE_MINUTES)
    claim(services, "purge-processed-events", old)
    claim(services, "purge-processed-events", recent)
    with session_scope(services.sessions) as session:
        assert purge_job_runs(session=session, now=NOW) == 1
    assert claim(services, "purge-processed-events", recent) is False
    assert claim(services, "purge-processed-events", old) is True
