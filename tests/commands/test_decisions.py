"""A decision acked is a decision kept, and the card always ends true (issue 10, item 10).

Driven as Slack drives the bot (signed clicks, the emulator's Web API), with Slack made slow or
failing at the moment that used to lose a decision, revert a card, or drop a notice.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlmodel import select

from bot.blocks.approvals import APPROVE_ACTION, STATE_LABELS
from bot.slack.client import build_web_client
from bot.store.models import DraftApproval, Notice
from slack_emulator.emulator import SlackEmulator
from tests.commands.test_approvals import (
    APPROVALS,
    AUTHOR,
    JONAS,
    PRIYA,
    buttons,
    click,
    draft_row,
    latest_card,
    published,
    quick_draft,
    submitted_draft,
    wait_until,
)
from tests.conftest import APPROVAL_SETTINGS, running_bot
from tests.harness import RunningBot


def submitted(bot: RunningBot) -> None:
    """A draft with its card posted and the card's place stored (a click may redraw it)."""
    submitted_draft(bot)
    wait_until(lambda: draft_row(bot).card_ts is not None)


def card_is_current(bot: RunningBot) -> bool:
    draft = draft_row(bot)
    return draft.card_version == draft.version


def card_state(bot: RunningBot) -> str:
    """The state label the card in the emulator shows now."""
    card = latest_card(bot)
    shown = [label for state, label in STATE_LABELS.items() if label in str(card["blocks"])]
    assert len(shown) == 1, shown
    return next(state for state, label in STATE_LABELS.items() if label == shown[0])


def thread_texts(bot: RunningBot) -> list[str]:
    card_ts = latest_card(bot)["ts"]
    return [
        str(m["text"])
        for m in bot.emulator.messages_in(APPROVALS)
        if m.get("thread_ts") == card_ts and m["ts"] != card_ts
    ]


def notices(bot: RunningBot) -> list[Notice]:
    with bot.services.sessions() as session:
        return list(session.exec(select(Notice)).all())


@pytest.fixture
def group_bot(emulator: SlackEmulator, database_url: str) -> Iterator[RunningBot]:
    """Approvers named by their user group, so deciding needs the group's members first."""
    settings = {**APPROVAL_SETTINGS, "approvers": ["S0APPROVERS"]}
    with running_bot(emulator, database_url, **settings) as running:
        yield running


def test_a_click_answered_200_is_already_stored(group_bot: RunningBot) -> None:
    # The group's members were fetched ten minutes ago (past the cache's five) and Slack is slow
    # to answer for them now (a 429 retried, say). The old code acked first and fetched and
    # decided after, so the 200 went out for a decision a crash in that second would lose.
    bot = group_bot
    submitted(bot)
    fetched = bot.services.clock() - timedelta(minutes=10)
    bot.services.groups.store("S0APPROVERS", frozenset({JONAS, PRIYA}), now=fetched)
    bot.emulator.inject("usergroups.users.list", status=200, delay=2.0)
    assert click(bot, APPROVE_ACTION, JONAS).status == 200
    assert draft_row(bot).state == "approved"  # at once: no wait, the 200 came after the commit
    with bot.services.sessions() as session:
        assert len(session.exec(select(DraftApproval)).all()) == 1
    # ...and the members were not fetched before the ack (that call would be answered by now),
    # but refreshed after it.
    assert bot.emulator.calls_to("usergroups.users.list") == []
    bot.emulator.wait_for("usergroups.users.list")


def test_a_card_update_that_lands_late_is_followed_by_a_redraw(approvals_bot: RunningBot) -> None:
    bot = approvals_bot
    submitted(bot)
    # Slack applies the approval's card update late, after the next decision's update landed.
    bot.emulator.inject("chat.update", status=200, delay=1.0)
    assert click(bot, APPROVE_ACTION, JONAS).status == 200
    assert "marked published" in published(bot, "1")
    bot.emulator.wait_for("chat.update", count=2, timeout=10)  # both landed, the slow one last
    wait_until(lambda: card_state(bot) == "published", timeout=10)
    wait_until(lambda: card_is_current(bot))
    assert bot.emulator.violations == []


def test_a_click_that_finds_the_decision_made_repairs_the_card(approvals_bot: RunningBot) -> None:
    bot = approvals_bot
    submitted(bot)
    bot.emulator.inject("chat.update", status=200, error="internal_error")
    stale = latest_card(bot)
    value = buttons(stale)[APPROVE_ACTION]
    bot.slack.click(APPROVE_ACTION, value, user_id=JONAS, message=stale, channel_id=APPROVALS)
    wait_until(lambda: draft_row(bot).state == "approved")
    bot.emulator.wait_for("chat.update")  # refused by Slack: the card still offers Approve
    assert card_state(bot) == "pending"
    # Priya sees Approve on that card and clicks it: "already approved", and the card is fixed.
    bot.slack.click(APPROVE_ACTION, value, user_id=PRIYA, message=stale, channel_id=APPROVALS)
    wait_until(lambda: card_state(bot) == "approved")
    wait_until(lambda: card_is_current(bot))


def test_the_authors_notice_is_queued_with_the_decision_and_sent_once(
    approvals_bot: RunningBot,
) -> None:
    bot = approvals_bot
    submitted(bot)
    click(bot, APPROVE_ACTION, JONAS)
    wait_until(lambda: any("approved your draft #1" in text for text in thread_texts(bot)))
    [notice] = notices(bot)
    assert notice.recipient_id == AUTHOR
    wait_until(lambda: notices(bot)[0].delivered_at is not None)
    assert len(thread_texts(bot)) == 1


def test_the_sweep_sends_a_refused_notice_and_redraws_a_card_left_behind(
    approvals_bot: RunningBot,
) -> None:
    from bot.slack.approval_jobs import repair_cards_and_notices

    bot = approvals_bot
    submitted(bot)
    # Slack refuses the card update and the notice: before, both were lost for good.
    bot.emulator.inject("chat.update", status=200, error="internal_error")
    bot.emulator.inject("chat.postMessage", status=200, error="internal_error")
    click(bot, APPROVE_ACTION, JONAS)
    bot.emulator.wait_for("chat.postMessage", count=2)  # the card, then the refused notice
    wait_until(lambda: notices(bot)[0].attempts == 1 and notices(bot)[0].lease_until is None)
    assert card_state(bot) == "pending"
    assert thread_texts(bot) == []

    client = build_web_client(token=bot.emulator.bot_token, base_url=bot.emulator.api_url)
    assert repair_cards_and_notices(bot.services, client) == (1, 1)
    assert card_state(bot) == "approved"
    assert [text for text in thread_texts(bot) if "approved your draft #1" in text] != []
    assert notices(bot)[0].delivered_at is not None
    assert repair_cards_and_notices(bot.services, client) == (0, 0)  # nothing left: sent once


def test_a_notice_held_by_a_dead_sender_is_resent_after_its_lease(
    approvals_bot: RunningBot,
) -> None:
    from bot.slack.approval_jobs import repair_cards_and_notices
    from bot.workflows.notices import NOTICE_LEASE, claim_notice

    bot = approvals_bot
    submitted(bot)
    bot.emulator.inject("chat.postMessage", status=200, error="internal_error")
    click(bot, APPROVE_ACTION, JONAS)
    wait_until(lambda: len(notices(bot)) == 1 and notices(bot)[0].attempts == 1)
    wait_until(lambda: notices(bot)[0].lease_until is None)
    # A process takes the lease, then dies before sending: nobody may send it while it is held.
    now = bot.services.clock()
    with bot.services.sessions() as session, session.begin():
        assert claim_notice(session=session, notice_id=1, now=now) is not None
    client = build_web_client(token=bot.emulator.bot_token, base_url=bot.emulator.api_url)
    assert repair_cards_and_notices(bot.services, client) == (0, 0)
    after_lease = replace(bot.services, clock=lambda: now + NOTICE_LEASE + timedelta(seconds=1))
    assert repair_cards_and_notices(after_lease, client) == (0, 1)
    assert [text for text in thread_texts(bot) if "approved your draft #1" in text] != []


def test_a_decision_made_while_the_card_is_posted_shows_on_it(approvals_bot: RunningBot) -> None:
    from bot.blocks.approvals import card_value

    bot = approvals_bot
    bot.emulator.inject("chat.postMessage", status=200, delay=1.0)  # the card is slow to post
    assert quick_draft(bot, "Our autumn range is here!").status == 200
    value = card_value(draft_row(bot))
    # Someone clicks before the card's place is stored (a second card view, a fast approver).
    assert bot.slack.click(APPROVE_ACTION, value, user_id=JONAS, channel_id=APPROVALS).status == 200
    assert draft_row(bot).state == "approved"
    wait_until(lambda: draft_row(bot).card_ts is not None)
    wait_until(lambda: card_state(bot) == "approved")
    wait_until(lambda: card_is_current(bot))
