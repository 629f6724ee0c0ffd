"""FAQ gaps: rewordings grouped, counted atomically, listed most-asked first."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from bot.services import Services
from bot.store.db import session_scope
from bot.workflows import faq_gaps

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def test_rewordings_of_one_question_are_one_gap(services: Services) -> None:
    with session_scope(services.sessions) as session:
        first = faq_gaps.record_gap(session=session, text="Do you ship to Iceland?", now=NOW)
        second = faq_gaps.record_gap(
            session=session, text="do you ship to ICELAND??? 🙏", now=NOW + timedelta(hours=1)
        )
    assert first is not None
    assert second is not None
    assert first.id == second.id
    assert second.count == 2
    assert second.example == "do you ship to ICELAND??? 🙏"  # the latest wording
    assert second.last_seen_at == NOW + timedelta(hours=1)


def test_not_helpful_clicks_are_counted_apart(services: Services) -> None:
    with session_scope(services.sessions) as session:
        faq_gaps.record_gap(session=session, text="gift wrap?", now=NOW)
        gap = faq_gaps.record_gap(session=session, text="Gift wrap?", now=NOW, not_helpful=True)
    assert gap is not None
    assert (gap.count, gap.not_helpful) == (2, 1)


def test_text_without_words_is_no_gap(services: Services) -> None:
    with session_scope(services.sessions) as session:
        assert faq_gaps.record_gap(session=session, text="🔥🔥🔥 !!!", now=NOW) is None
        assert faq_gaps.top_gaps(session) == []


def test_a_huge_message_is_cut_not_refused(services: Services) -> None:
    with session_scope(services.sessions) as session:
        gap = faq_gaps.record_gap(session=session, text="why " * 10_000, now=NOW)
    assert gap is not None
    assert len(gap.key) <= faq_gaps.KEY_CHARS
    assert len(gap.example) <= faq_gaps.EXAMPLE_CHARS


def test_top_gaps_most_asked_first_then_most_recent(services: Services) -> None:
    with session_scope(services.sessions) as session:
        for text, times, at in (("gift wrap", 1, 1), ("ship to iceland", 3, 0), ("pets", 1, 2)):
            for _ in range(times):
                faq_gaps.record_gap(session=session, text=text, now=NOW + timedelta(hours=at))
        ranked = [gap.key for gap in faq_gaps.top_gaps(session)]
    assert ranked == ["ship to iceland", "pets", "gift wrap"]


def test_concurrent_records_all_count(services: Services) -> None:
    def record(_: int) -> None:
        with session_scope(services.sessions) as session:
            faq_gaps.record_gap(session=session, text="Do you ship to Iceland?", now=NOW)

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(record, range(16)))
    with session_scope(services.sessions) as session:
        (gap,) = faq_gaps.top_gaps(session)
    assert gap.count == 16


def test_close_gap(services: Services) -> None:
    with session_scope(services.sessions) as session:
        gap = faq_gaps.record_gap(session=session, text="gift wrap", now=NOW)
        assert gap is not None
        assert gap.id is not None
        faq_gaps.close_gap(session, gap.id)
        assert faq_gaps.get_gap(session, gap.id) is None
