"""Event claims: the database decides, so a redelivery or a second process never acts twice, and
a delivery whose work did not finish is acted on by the next one."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from bot.services import Services
from bot.store.db import session_scope
from bot.store.models import ProcessedEvent
from bot.workflows.events import (
    EVENT_LEASE,
    EVENT_RETENTION,
    MAX_ATTEMPTS,
    REPLAY_WINDOW,
    claim_event,
    events_to_replay,
    finish_event,
    purge_processed_events,
    release_event,
)

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def claim(services: Services, event_id: str, by: str = "w1", now: datetime = NOW) -> bool:
    with session_scope(services.sessions) as session:
        return claim_event(
            session=session, event_id=event_id, event_type="app_mention", now=now, claimed_by=by
        )


def finish(services: Services, event_id: str, now: datetime = NOW) -> None:
    with session_scope(services.sessions) as session:
        finish_event(session=session, event_id=event_id, now=now)


def release(services: Services, event_id: str, by: str) -> bool:
    with session_scope(services.sessions) as session:
        return release_event(session=session, event_id=event_id, claimed_by=by)


def row(services: Services, event_id: str) -> ProcessedEvent:
    with services.sessions() as session:
        found = session.get(ProcessedEvent, event_id)
        assert found is not None
        return found


def test_a_redelivery_during_a_live_claim_is_dropped(services: Services) -> None:
    assert claim(services, "Ev001") is True
    assert claim(services, "Ev001", by="w2", now=NOW + EVENT_LEASE - timedelta(seconds=1)) is False
    assert claim(services, "Ev002", by="w2") is True
    held = row(services, "Ev001")
    assert (held.claimed_by, held.claimed_until, held.finished_at) == (
        "w1",
        NOW + EVENT_LEASE,
        None,
    )


def test_a_finished_event_is_never_acted_on_again(services: Services) -> None:
    assert claim(services, "Ev001") is True
    finish(services, "Ev001", now=NOW + timedelta(seconds=2))
    assert row(services, "Ev001").finished_at == NOW + timedelta(seconds=2)
    for later in (timedelta(seconds=3), EVENT_LEASE * 10):
        assert claim(services, "Ev001", by="w2", now=NOW + later) is False
    assert release(services, "Ev001", "w1") is False  # finished stays finished


def test_a_released_claim_is_taken_by_the_retry(services: Services) -> None:
    assert claim(services, "Ev001") is True
    assert release(services, "Ev001", "w1") is True
    assert claim(services, "Ev001", by="w2", now=NOW + timedelta(seconds=1)) is True
    assert row(services, "Ev001").claimed_by == "w2"


def test_an_expired_claim_is_taken_over_and_its_old_holder_cannot_release_it(
    services: Services,
) -> None:
    assert claim(services, "Ev001") is True  # w1 claims, then dies without a word
    assert claim(services, "Ev001", by="w2", now=NOW + EVENT_LEASE) is True
    assert release(services, "Ev001", "w1") is False  # a late failure of w1 frees nothing
    assert claim(services, "Ev001", by="w3", now=NOW + EVENT_LEASE) is False
    assert row(services, "Ev001").claimed_by == "w2"


def test_concurrent_claims_of_one_event_have_one_winner(services: Services) -> None:
    results: list[bool] = []
    lock = threading.Lock()
    start = threading.Barrier(20)

    def worker(n: int) -> None:
        start.wait()
        won = claim(services, "EvRACE", by=f"w{n}")
        with lock:
            results.append(won)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False] * 19 + [True]


def test_concurrent_takeovers_of_an_expired_claim_have_one_winner(services: Services) -> None:
    assert claim(services, "EvRACE") is True
    later = NOW + EVENT_LEASE + timedelta(seconds=1)
    results: list[bool] = []
    lock = threading.Lock()
    start = threading.Barrier(10)

    def worker(n: int) -> None:
        start.wait()
        won = claim(services, "EvRACE", by=f"w{n}", now=later)
        with lock:
            results.append(won)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False] * 9 + [True]


def test_purge_forgets_only_events_past_retention(services: Services) -> None:
    claim(services, "EvOLD", now=NOW - EVENT_RETENTION - timedelta(minutes=1))
    claim(services, "EvNEW", now=NOW - timedelta(minutes=5))
    finish(services, "EvNEW", now=NOW - timedelta(minutes=5))
    with session_scope(services.sessions) as session:
        assert purge_processed_events(session=session, now=NOW) == 1
    # The old id may be claimed again; the recent one is still remembered.
    assert claim(services, "EvOLD") is True
    assert claim(services, "EvNEW") is False


def claim_with_body(services: Services, event_id: str, by: str, now: datetime) -> bool:
    with session_scope(services.sessions) as session:
        return claim_event(
            session=session,
            event_id=event_id,
            event_type="app_mention",
            now=now,
            claimed_by=by,
            body=f'{{"event_id": "{event_id}"}}',
        )


def owed(services: Services, now: datetime) -> list[str]:
    with session_scope(services.sessions) as session:
        return events_to_replay(session=session, now=now)


def test_an_event_nobody_finished_is_owed_a_replay_once_its_lease_is_over(
    services: Services,
) -> None:
    assert claim_with_body(services, "EvDIED", "w1", NOW)
    assert claim_with_body(services, "EvDONE", "w1", NOW)
    assert claim_with_body(services, "EvFAILED", "w1", NOW)
    finish(services, "EvDONE")
    assert release(services, "EvFAILED", "w1")
    # While the lease runs, the worker may still be at it: only the released one is owed.
    assert owed(services, NOW + timedelta(seconds=1)) == ['{"event_id": "EvFAILED"}']
    later = NOW + EVENT_LEASE
    assert sorted(owed(services, later)) == ['{"event_id": "EvDIED"}', '{"event_id": "EvFAILED"}']
    # A replay claims it like a redelivery and counts as a try.
    assert claim_with_body(services, "EvDIED", "clock", later)
    assert row(services, "EvDIED").attempts == 2
    assert owed(services, later) == ['{"event_id": "EvFAILED"}']


def test_an_event_that_keeps_failing_or_is_old_is_left_alone(services: Services) -> None:
    assert claim_with_body(services, "EvBUG", "w1", NOW)
    for attempt in range(2, MAX_ATTEMPTS + 1):
        assert release(services, "EvBUG", f"w{attempt - 1}")
        assert claim_with_body(services, "EvBUG", f"w{attempt}", NOW)
    assert release(services, "EvBUG", f"w{MAX_ATTEMPTS}")
    assert owed(services, NOW) == []  # tried MAX_ATTEMPTS times: a bug, not a crash
    assert claim_with_body(services, "EvOLD", "w1", NOW)
    assert release(services, "EvOLD", "w1")
    assert owed(services, NOW + REPLAY_WINDOW + timedelta(seconds=1)) == []
    # A claim without a body (a row from before bodies were kept) has nothing to replay.
    assert claim(services, "EvBARE")
    assert release(services, "EvBARE", "w1")
    assert "EvBARE" not in str(owed(services, NOW))
