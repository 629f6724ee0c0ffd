"""Event dedupe: the database decides, so a redelivery or a second process never acts twice."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from bot.services import Services
from bot.store.db import session_scope
from bot.workflows.events import EVENT_RETENTION, claim_event, purge_processed_events

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def claim(services: Services, event_id: str, now: datetime = NOW) -> bool:
    with session_scope(services.sessions) as session:
        return claim_event(session=session, event_id=event_id, event_type="app_mention", now=now)


def test_first_claim_wins_and_repeats_lose(services: Services) -> None:
    assert claim(services, "Ev001") is True
    assert claim(services, "Ev001") is False
    assert claim(services, "Ev002") is True


def test_concurrent_claims_of_one_event_have_one_winner(services: Services) -> None:
    results: list[bool] = []
    lock = threading.Lock()
    start = threading.Barrier(20)

    def worker() -> None:
        start.wait()
        won = claim(services, "EvRACE")
        with lock:
            results.append(won)

    threads = [threading.Thread(target=worker) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False] * 19 + [True]


def test_purge_forgets_only_events_past_retention(services: Services) -> None:
    claim(services, "EvOLD", now=NOW - EVENT_RETENTION - timedelta(minutes=1))
    claim(services, "EvNEW", now=NOW - timedelta(minutes=5))
    with session_scope(services.sessions) as session:
        assert purge_processed_events(session=session, now=NOW) == 1
    # The old id may be claimed again; the recent one is still remembered.
    assert claim(services, "EvOLD") is True
    assert claim(services, "EvNEW") is False
