"""A reply, FAQ or draft decision answered 200 is already stored (issue 10, items 5 and 10).

Slack sends a click or a submission once. A listener that acks first and commits after loses
the decision when its process dies in between, while the person saw it work. Here another
writer holds the table the decision goes to for a moment: a listener that commits before its
ack answers only once it has, so the store read the moment the 200 arrives (the table still held)
has the decision; one that acks first answers at once and the read finds nothing. And a decision
the store refuses gets no 200 at all, so Slack shows the person that it did not work.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlmodel import select

from bot.blocks.approvals import CREATE_VIEW
from bot.blocks.faq import FAQ_ADD_VIEW
from bot.blocks.replies import EDIT_VIEW, NOT_HELPFUL_ACTION, SEND_ACTION
from bot.runtime.server import sync_faq_at_start
from bot.store.models import Draft, FaqRecord, ReplySuggestion
from slack_emulator.emulator import SlackEmulator
from slack_emulator.signed_client import BotResponse
from tests.commands.store_faults import table_gone, table_held
from tests.commands.test_approvals import (
    APPROVALS,
    buttons,
    ephemeral_texts,
    modal_values,
    wait_until,
)
from tests.commands.test_replies import (
    BOT_MENTION,
    CHANNEL,
    TEAMMATE,
    mention,
    suggestion_message,
)
from tests.conftest import APPROVAL_SETTINGS, running_bot
from tests.harness import RunningBot


@pytest.fixture
def replies_bot(emulator: SlackEmulator, database_url: str) -> Iterator[RunningBot]:
    with running_bot(emulator, database_url, **APPROVAL_SETTINGS) as running:
        sync_faq_at_start(running.services)
        yield running


def suggested(bot: RunningBot) -> dict[str, Any]:
    """A suggestion with a customer handle (so it may be sent), as shown in the channel."""
    mention(bot, f"{BOT_MENTION} draft a reply to: @dana where is my order?")
    return suggestion_message(bot)


def click(bot: RunningBot, message: dict[str, Any], action_id: str) -> BotResponse:
    value = buttons(message)[action_id]
    return bot.slack.click(action_id, value, user_id=TEAMMATE, message=message, channel_id=CHANNEL)


def the_suggestion(bot: RunningBot) -> ReplySuggestion:
    with bot.services.sessions() as session:
        (row,) = session.exec(select(ReplySuggestion)).all()
    return row


def drafts_stored(bot: RunningBot) -> list[Draft]:
    with bot.services.sessions() as session:
        return list(session.exec(select(Draft)).all())


# -- the suggestion's buttons ---------------------------------------------------------------------


def test_send_for_approval_is_stored_when_its_200_comes(replies_bot: RunningBot) -> None:
    bot = replies_bot
    message = suggested(bot)
    with table_held(bot, "reply_suggestion"):
        answer = click(bot, message, SEND_ACTION)
        stored, sent_at = drafts_stored(bot), the_suggestion(bot).sent_at
    assert answer.status == 200
    assert [(d.kind, d.state) for d in stored] == [("reply", "pending")]
    assert sent_at is not None
    # The card and the redrawn suggestion come after the ack.
    wait_until(lambda: len(bot.emulator.messages_in(APPROVALS)) == 1)
    wait_until(lambda: "Sent for approval as reply draft #1" in json.dumps(suggestion_message(bot)))


def test_not_helpful_is_stored_when_its_200_comes(replies_bot: RunningBot) -> None:
    bot = replies_bot
    message = suggested(bot)
    with table_held(bot, "reply_suggestion"):
        answer = click(bot, message, NOT_HELPFUL_ACTION)
        marked_by = the_suggestion(bot).not_helpful_by
    assert answer.status == 200
    assert marked_by == TEAMMATE
    wait_until(lambda: "Marked not helpful" in json.dumps(suggestion_message(bot)))


def test_a_reply_card_slack_refuses_is_left_to_the_clock_and_said(replies_bot: RunningBot) -> None:
    # The draft is stored before the ack, so a card Slack refuses after it is owed, not lost:
    # the clock posts it, and the teammate is told so instead of "something went wrong".
    bot = replies_bot
    message = suggested(bot)
    bot.emulator.inject("chat.postMessage", status=200, error="channel_not_found")
    assert click(bot, message, SEND_ACTION).status == 200
    wait_until(lambda: any("did not take its card" in t for t in ephemeral_texts(bot)))
    [draft] = drafts_stored(bot)
    assert (draft.state, draft.card_ts) == ("pending", None)
    wait_until(lambda: "Sent for approval as reply draft #1" in json.dumps(suggestion_message(bot)))


def test_a_send_the_store_refuses_gets_no_200(replies_bot: RunningBot) -> None:
    bot = replies_bot
    message = suggested(bot)
    table_gone(bot, "draft")
    assert click(bot, message, SEND_ACTION).status == 500
    assert the_suggestion(bot).sent_at is None  # the claim went back with the draft
    assert bot.emulator.messages_in(APPROVALS) == []


def test_a_not_helpful_the_store_refuses_gets_no_200(replies_bot: RunningBot) -> None:
    bot = replies_bot
    message = suggested(bot)
    table_gone(bot, "faq_gap")
    assert click(bot, message, NOT_HELPFUL_ACTION).status == 500
    assert the_suggestion(bot).not_helpful_by is None


# -- the modals -----------------------------------------------------------------------------------

EDITED = "Hi dana, sorry for the wait! DM us your order number and we'll check. - Team"


def submit_edit(bot: RunningBot) -> BotResponse:
    values: dict[str, dict[str, dict[str, Any]]] = {
        "text": {"value": {"type": "plain_text_input", "value": EDITED}},
        "network": {"value": {"type": "static_select", "selected_option": {"value": "x"}}},
    }
    # The test's one suggestion, by id: the store may be out of reach already.
    meta = json.dumps({"suggestion_id": 1, "response_url": None})
    return bot.slack.view_submission(EDIT_VIEW, values, user_id=TEAMMATE, private_metadata=meta)


def submit_faq_entry(bot: RunningBot) -> BotResponse:
    values: dict[str, dict[str, dict[str, Any]]] = {
        "id": {"value": {"type": "plain_text_input", "value": "sponsorship"}},
        "question": {"value": {"type": "plain_text_input", "value": "Do you sponsor athletes?"}},
        "answer": {"value": {"type": "plain_text_input", "value": "A few trail runners a year."}},
    }
    return bot.slack.view_submission(FAQ_ADD_VIEW, values, user_id=TEAMMATE)


def submit_draft(bot: RunningBot) -> BotResponse:
    values = modal_values("Winter sale preview", ["x"], None)
    return bot.slack.view_submission(CREATE_VIEW, values, user_id=TEAMMATE)


def edit_stored(bot: RunningBot) -> bool:
    row = the_suggestion(bot)
    return (row.text, row.edited_by) == (EDITED, TEAMMATE)


def faq_entry_stored(bot: RunningBot) -> bool:
    with bot.services.sessions() as session:
        return session.get(FaqRecord, "sponsorship") is not None


def draft_stored(bot: RunningBot) -> bool:
    return [d.text for d in drafts_stored(bot)] == ["Winter sale preview"]


Submit = Callable[[RunningBot], BotResponse]
Stored = Callable[[RunningBot], bool]
# Each modal that decides: how it is submitted, the table its decision writes, how to see it.
MODALS: dict[str, tuple[Submit, str, Stored]] = {
    "edit a suggestion": (submit_edit, "reply_suggestion", edit_stored),
    "add an FAQ entry": (submit_faq_entry, "faq_entry", faq_entry_stored),
    "draft a post": (submit_draft, "draft", draft_stored),
}


@pytest.mark.parametrize("modal", MODALS)
def test_a_submission_is_stored_when_the_modal_closes(replies_bot: RunningBot, modal: str) -> None:
    bot = replies_bot
    submit, table, stored = MODALS[modal]
    suggested(bot)
    with table_held(bot, table):
        answer = submit(bot)
        kept = stored(bot)
    assert (answer.status, answer.body) == (200, "")  # closed, no field errors
    assert kept


@pytest.mark.parametrize("modal", MODALS)
def test_a_submission_the_store_refuses_gets_no_200(replies_bot: RunningBot, modal: str) -> None:
    bot = replies_bot
    submit, table, _stored = MODALS[modal]
    suggested(bot)
    before = len(bot.emulator.calls)
    table_gone(bot, table)
    assert submit(bot).status == 500
    # Nothing was said to have worked: no redraw, no card, no "added" or "waiting" message.
    after = bot.emulator.calls[before:]
    assert [c.method for c in after if c.method == "chat.update"] == []
    assert bot.emulator.messages_in(APPROVALS) == []
    said = [str(c.args.get("text")) for c in after if c.method == "chat.postMessage"]
    assert not any("waiting for approval" in text or "added" in text for text in said)
