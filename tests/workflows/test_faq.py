"""FAQ sync and Slack-added entries in the store."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

from bot.knowledge.faq_files import FaqEntry
from bot.knowledge.faq_store import all_entries
from bot.services import Services
from bot.store.db import session_scope
from bot.workflows import faq

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def entry(entry_id: str, answer: str = "An answer.", **changes: object) -> FaqEntry:
    values: dict[str, object] = {
        "id": entry_id,
        "question": f"About {entry_id}?",
        "answer": answer,
        "source": "faq/a.yml",
    }
    values.update(changes)
    return FaqEntry(**values)  # type: ignore[arg-type]


def sync(services: Services, *entries: FaqEntry) -> faq.SyncResult:
    with session_scope(services.sessions) as session:
        return faq.sync_faq(session=session, entries=entries, now=NOW)


def stored(services: Services, tag: str | None = None) -> list[FaqEntry]:
    with session_scope(services.sessions) as session:
        return all_entries(session, tag=tag)


def test_sync_adds_updates_and_removes(services: Services) -> None:
    assert sync(services, entry("a"), entry("b")) == faq.SyncResult(2, 0, 0, 0)
    assert sync(services, entry("a"), entry("b")) == faq.SyncResult(0, 0, 0, 0)
    assert sync(services, entry("a", "New answer."), entry("c")) == faq.SyncResult(1, 1, 1, 0)
    assert [(e.id, e.answer) for e in stored(services)] == [
        ("a", "New answer."),
        ("c", "An answer."),
    ]


def test_entries_added_in_slack_survive_a_sync(services: Services) -> None:
    with session_scope(services.sessions) as session:
        assert faq.add_from_slack(session=session, entry=entry("from-slack"), now=NOW)
        assert not faq.add_from_slack(session=session, entry=entry("from-slack"), now=NOW)
    result = sync(services, entry("a"))
    assert result.kept_from_slack == 1
    assert [e.id for e in stored(services)] == ["a", "from-slack"]
    assert stored(services)[1].source == "slack"


def test_list_by_tag(services: Services) -> None:
    sync(services, entry("a", tags=("orders",)), entry("b", tags=("returns", "orders")), entry("c"))
    assert [e.id for e in stored(services, tag="ORDERS")] == ["a", "b"]


def test_a_round_trip_keeps_every_field(services: Services) -> None:
    original = entry(
        "a",
        variants=("where is it", "{{ 7*7 }}"),
        tags=("orders",),
        handoff="support",
        owner="care",
        review_by=NOW.date(),
    )
    sync(services, original)
    assert stored(services) == [original]


def test_two_processes_syncing_a_fresh_store_at_once_both_succeed(services: Services) -> None:
    # Two web processes start together on a new database: both syncs find no rows and insert
    # the same ids. The second used to fail on faq_entry's key and that process did not start.
    entries = [entry(f"entry-{n}") for n in range(30)]
    ready = threading.Barrier(4)
    failures: list[BaseException] = []

    def start_up() -> None:
        try:
            ready.wait()
            sync(services, *entries)
        except BaseException as error:
            failures.append(error)

    threads = [threading.Thread(target=start_up) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []
    assert [e.id for e in stored(services)] == sorted(e.id for e in entries)
