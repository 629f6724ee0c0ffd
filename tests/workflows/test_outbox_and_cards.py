"""The notice outbox and the card versions, on the real store (SQLite or PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta

from bot.services import Services
from bot.store.db import session_scope
from bot.workflows import drafts, notices
from bot.workflows.notices import NOTICE_LEASE
from tests.workflows.test_drafts import AUTHOR, JONAS, LEGAL, NOW, POLICY, act, create, post


def queue(services: Services, text: str = "approved") -> int:
    with session_scope(services.sessions) as session:
        notice = notices.add_notice(session=session, recipient_id=AUTHOR, text=text, now=NOW)
        assert notice.id is not None
        return notice.id


def claim(services: Services, notice_id: int, at: timedelta = timedelta(0)) -> bool:
    with session_scope(services.sessions) as session:
        return notices.claim_notice(session=session, notice_id=notice_id, now=NOW + at) is not None


def due(services: Services, at: timedelta = timedelta(0)) -> list[int]:
    with session_scope(services.sessions) as session:
        return notices.undelivered_notices(session=session, now=NOW + at)


def test_one_sender_holds_a_notice_until_its_lease_runs_out(services: Services) -> None:
    notice_id = queue(services)
    assert due(services) == [notice_id]
    assert claim(services, notice_id)
    assert not claim(services, notice_id)  # another process, meanwhile: not its to send
    assert due(services) == []
    after_lease = NOTICE_LEASE + timedelta(seconds=1)
    assert due(services, after_lease) == [notice_id]  # the holder died: the sweep sends it
    assert claim(services, notice_id, after_lease)


def test_a_delivered_notice_is_never_claimed_again(services: Services) -> None:
    notice_id = queue(services)
    assert claim(services, notice_id)
    with session_scope(services.sessions) as session:
        notices.mark_delivered(session=session, notice_id=notice_id, now=NOW)
    assert not claim(services, notice_id, NOTICE_LEASE * 10)
    assert due(services, NOTICE_LEASE * 10) == []


def test_a_released_notice_is_due_at_once(services: Services) -> None:
    notice_id = queue(services)
    assert claim(services, notice_id)
    with session_scope(services.sessions) as session:
        notices.release_notice(session=session, notice_id=notice_id)
    assert due(services) == [notice_id]


def test_every_change_a_card_shows_puts_the_card_behind(services: Services) -> None:
    # A risky draft needs two approvals: the first changes only the card's progress line.
    draft_id = create(services, post("New pricing from Monday"))
    with session_scope(services.sessions) as session:
        posted = drafts.get_draft(session, draft_id)
        assert posted is not None
        drafts.attach_card(
            session=session, draft_id=draft_id, channel="C1", ts="1.0", version=posted.version
        )
        assert drafts.cards_behind(session=session) == []
    act(services, drafts.approve, draft_id=draft_id, actor_id=JONAS, policy=POLICY, now=NOW)
    with session_scope(services.sessions) as session:
        assert drafts.cards_behind(session=session) == [draft_id]
        draft = drafts.get_draft(session, draft_id)
        assert draft is not None
        assert draft.state == "pending"
        assert draft.version == posted.version + 1
        drafts.card_shown(session=session, draft_id=draft_id, version=draft.version)
        assert drafts.cards_behind(session=session) == []
    act(services, drafts.approve, draft_id=draft_id, actor_id=LEGAL, policy=POLICY, now=NOW)
    with session_scope(services.sessions) as session:
        assert drafts.cards_behind(session=session) == [draft_id]


def test_a_card_of_unknown_version_counts_as_behind(services: Services) -> None:
    draft_id = create(services)
    other = create(services)  # no card at all: nothing to redraw
    with session_scope(services.sessions) as session:
        drafts.attach_card(session=session, draft_id=draft_id, channel="C1", ts="1.0")
        assert drafts.cards_behind(session=session) == [draft_id]
        assert other not in drafts.cards_behind(session=session)
