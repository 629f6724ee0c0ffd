"""Imported rows are stored once by their key, and a card owed is posted by one process only."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import select

from bot.services import Services
from bot.store.db import session_scope
from bot.store.models import Draft
from bot.workflows import drafts
from bot.workflows.checks import CheckPolicy
from bot.workflows.drafts import DraftInput
from bot.workflows.drafts.create import create_imported_draft
from bot.workflows.drafts.csv_import import ParsedImport, parse_import, store_import
from bot.workflows.drafts.import_keys import import_key

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
ZONE = ZoneInfo("Europe/Berlin")
CHECKS = CheckPolicy()
HEADER = "text,networks,scheduled_at,campaign,author\n"
ROW = "Autumn  is here,x;linkedin,2099-11-24 09:30,autumn,U0AUTHOR\n"


def parse(content: str) -> ParsedImport:
    return parse_import(content, zone=ZONE, checks=CHECKS, now=NOW)


def keys_of(content: str) -> list[str]:
    parsed = parse(content)
    assert parsed.problems == []
    return list(parsed.keys.values())


def test_a_rows_key_survives_a_re_export_and_changes_with_its_content() -> None:
    [key] = keys_of(HEADER + ROW)
    # Windows line endings, other spacing and network order, the same time with an offset.
    reexported = "Autumn is here , linkedin;x ,2099-11-24T08:30+00:00, autumn ,U0AUTHOR\r\n"
    assert keys_of(HEADER.replace("\n", "\r\n") + reexported) == [key]
    assert keys_of(HEADER + ROW.replace("autumn,", "winter,")) != [key]
    assert keys_of(HEADER + ROW.replace("Autumn", "Spring")) != [key]
    assert len(key) == 64


def test_an_explicit_key_wins_over_the_content_and_is_unique_in_the_file() -> None:
    keyed = "key,text,networks,author\nk-1,Autumn,x,U0AUTHOR\n"
    assert keys_of(keyed) == keys_of(keyed.replace("Autumn", "Winter"))
    twice = parse(keyed + "k-1,Winter,x,U0AUTHOR\n")
    assert [str(p) for p in twice.problems] == ["line 3: the same key as line 2"]


def store(services: Services, content: str) -> tuple[int, int]:
    with session_scope(services.sessions) as session:
        stored = store_import(session=session, parsed=parse(content), checks=CHECKS, now=NOW)
        return len(stored.created), len(stored.already_imported)


def test_storing_the_same_rows_again_skips_them(services: Services) -> None:
    assert store(services, HEADER + ROW) == (1, 0)
    assert store(services, HEADER + ROW + "Winter,x,,,U0AUTHOR\n") == (1, 1)
    with session_scope(services.sessions) as session:
        assert len(list(session.exec(select(Draft)))) == 2


def test_the_unique_key_decides_when_two_imports_race(services: Services) -> None:
    # Both imports read "not imported yet" before either stored the row: the second INSERT finds
    # the key taken in the database and stores nothing, instead of failing or doubling.
    draft = DraftInput(kind="post", text="Autumn", networks=("x",), author_id="U0AUTHOR")
    key = import_key(draft, None)
    with session_scope(services.sessions) as session:
        first = create_imported_draft(
            session=session, draft=draft, import_key=key, checks=CHECKS, now=NOW
        )
    with session_scope(services.sessions) as session:
        second = create_imported_draft(
            session=session, draft=draft, import_key=key, checks=CHECKS, now=NOW
        )
    assert first is not None
    assert first.state == "pending"
    assert second is None
    with session_scope(services.sessions) as session:
        assert [d.id for d in session.exec(select(Draft))] == [first.id]


def new_pending(services: Services, text: str = "Autumn") -> int:
    with session_scope(services.sessions) as session:
        row, _ = drafts.create_draft(
            session=session,
            draft=DraftInput(kind="post", text=text, networks=("x",), author_id="U0AUTHOR"),
            checks=CHECKS,
            now=NOW,
        )
        assert row.id is not None
        return row.id


def claim(services: Services, draft_id: int, at: datetime = NOW) -> bool:
    with session_scope(services.sessions) as session:
        return drafts.claim_card_post(session=session, draft_id=draft_id, now=at)


def owed(services: Services, at: datetime = NOW) -> list[int | None]:
    with session_scope(services.sessions) as session:
        return [d.id for d in drafts.drafts_missing_cards(session=session, now=at, limit=10)]


def test_a_card_post_is_claimed_by_one_process_until_its_lease_runs_out(
    services: Services,
) -> None:
    draft_id = new_pending(services)
    assert owed(services) == [draft_id]
    assert claim(services, draft_id) is True
    assert claim(services, draft_id) is False  # the other clock, the same moment
    assert owed(services) == []
    after_lease = NOW + drafts.CARD_CLAIM_LEASE
    assert owed(services, after_lease) == [draft_id]  # the poster died: the clock takes over
    assert claim(services, draft_id, after_lease) is True


def test_a_refused_post_is_given_back_and_a_posted_card_is_never_claimed_again(
    services: Services,
) -> None:
    refused, posted = new_pending(services), new_pending(services, "Winter")
    assert claim(services, refused)
    assert claim(services, posted)
    with session_scope(services.sessions) as session:
        drafts.release_card_post(session=session, draft_id=refused)
        drafts.attach_card(session=session, draft_id=posted, channel="C0APPROVALS", ts="1.0")
        drafts.release_card_post(session=session, draft_id=posted)
    assert owed(services) == [refused]
    assert claim(services, posted, NOW + timedelta(days=1)) is False


def test_a_draft_without_a_card_is_not_reminded_yet(services: Services) -> None:
    draft_id = new_pending(services)
    later = NOW + timedelta(hours=5)
    with session_scope(services.sessions) as session:
        due = drafts.claim_reminders(session=session, now=later, remind_after=timedelta(hours=4))
    assert due == []
    with session_scope(services.sessions) as session:
        drafts.attach_card(session=session, draft_id=draft_id, channel="C0APPROVALS", ts="1.0")
        due = drafts.claim_reminders(session=session, now=later, remind_after=timedelta(hours=4))
    assert [d.id for d in due] == [draft_id]


def test_two_imports_of_one_file_at_once_store_each_row_once(services: Services) -> None:
    content = HEADER + "".join(f"Post number {n},x,,,U0AUTHOR\n" for n in range(10))
    start = threading.Barrier(2)
    created: list[int] = []

    def run_import() -> None:
        start.wait()
        created.append(store(services, content)[0])

    imports = [threading.Thread(target=run_import) for _ in range(2)]
    for thread in imports:
        thread.start()
    for thread in imports:
        thread.join(timeout=30)
    assert sum(created) == 10
    with session_scope(services.sessions) as session:
        assert len(list(session.exec(select(Draft)))) == 10
