"""A suggestion before it goes for approval, driven as Slack drives it: it says when it would not
fit its network, Edit opens a form inside the trigger window, the edit meets the draft checks, and
the reply draft goes out for the network the customer wrote on."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from sqlmodel import select

from bot.blocks.replies import EDIT_ACTION, EDIT_VIEW, SEND_ACTION
from bot.runtime.server import sync_faq_at_start
from bot.store.models import Draft, ReplySuggestion
from slack_emulator import payloads
from slack_emulator.emulator import SlackEmulator
from tests.commands.test_approvals import buttons, ephemeral_texts, wait_until
from tests.commands.test_replies import (
    BOT_MENTION,
    CHANNEL,
    TEAMMATE,
    all_text,
    click,
    mention,
    suggestion_message,
)
from tests.conftest import APPROVAL_SETTINGS, running_bot
from tests.harness import RunningBot

# A sign-off as long as the setting allows: with it, the complaint reply passes X's 280.
LONG_SIGN_OFF = "- Maria from the Northwind Outfitters customer care team, here for you every day"
COMPLAINT = "@dana_outdoors my parcel still hasn't turned up 😡"


@pytest.fixture
def long_bot(emulator: SlackEmulator, database_url: str) -> Iterator[RunningBot]:
    with running_bot(
        emulator,
        database_url,
        sign_off=LONG_SIGN_OFF,
        brand_name="Northwind Outfitters",
        **APPROVAL_SETTINGS,
    ) as running:
        sync_faq_at_start(running.services)
        yield running


def the_view(call_args: dict[str, Any]) -> dict[str, Any]:
    view = call_args["view"]
    return json.loads(view) if isinstance(view, str) else dict(view)


def open_edit(bot: RunningBot, message: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """Click Edit; the form the loading modal became (views.update)."""
    before = len(bot.emulator.calls)
    value = buttons(message)[EDIT_ACTION]
    response = bot.slack.click(
        EDIT_ACTION, value, user_id=TEAMMATE, message=message, channel_id=CHANNEL, **kwargs
    )
    assert response.status == 200
    wait_until(lambda: any(c.method == "views.update" for c in bot.emulator.calls[before:]))
    calls = [c for c in bot.emulator.calls[before:] if c.method != "response_url"]
    # The modal opened before anything else the click made the bot do, within the trigger window.
    assert calls[0].method == "views.open", [c.method for c in calls]
    assert "Loading" in json.dumps(the_view(calls[0].args))
    update = next(c for c in calls if c.method == "views.update")
    assert update.args["view_id"] == calls[0].response["view"]["id"]
    return the_view(update.args)


def submit(
    bot: RunningBot, form: dict[str, Any], text: str, network: str = "x"
) -> dict[str, Any] | None:
    values: dict[str, dict[str, dict[str, Any]]] = {
        "text": {"value": {"type": "plain_text_input", "value": text}},
        "network": {
            "value": {"type": "static_select", "selected_option": {"value": network}},
        },
    }
    response = bot.slack.view_submission(
        EDIT_VIEW, values, user_id=TEAMMATE, private_metadata=form["private_metadata"]
    )
    assert response.status == 200
    body = response.json() if response.body else None
    return body if isinstance(body, dict) else None


def test_a_complaint_too_long_for_x_says_so_and_is_edited_then_sent(long_bot: RunningBot) -> None:
    bot = long_bot
    mention(bot, f"{BOT_MENTION} draft a reply to: {COMPLAINT}")
    message = suggestion_message(bot)
    shown = all_text(message)
    # Before anyone clicks: the count, the limit, and the way out.
    assert "Not sendable as it is:* X: " in shown
    assert " of 280 characters" in shown
    assert "Use *Edit*" in shown
    assert "we're really sorry" in shown
    assert "the customer sounds upset" in shown
    assert "🙌" not in shown

    # Clicked anyway: refused, with the way out.
    click(bot, message, SEND_ACTION)
    wait_until(lambda: any("can't go for approval" in t for t in ephemeral_texts(bot)))
    refusal = next(t for t in ephemeral_texts(bot) if "can't go for approval" in t)
    assert "of 280 characters" in refusal
    assert "Use *Edit*" in refusal

    form = open_edit(bot, message)
    field = next(b for b in form["blocks"] if b["block_id"] == "text")
    with bot.services.sessions() as session:
        (row,) = session.exec(select(ReplySuggestion)).all()
    assert field["element"]["initial_value"] == row.text

    # Still too long: the same check as a reply draft, under the field, the modal stays open.
    refused = submit(bot, form, str(row.text) + " Thanks for your patience!")
    assert refused is not None
    assert refused["response_action"] == "errors"
    assert "of 280 characters" in refused["errors"]["text"]

    short = (
        "Hi dana_outdoors, we're really sorry. If tracking hasn't moved for 3 working days, "
        "DM us your order number and we'll chase the courier. - Team Northwind"
    )
    assert submit(bot, form, short) is None  # closed
    wait_until(lambda: "edited by" in all_text(suggestion_message(bot)))
    edited = suggestion_message(bot)
    assert "Not sendable" not in all_text(edited)
    assert "we'll chase the courier. - Team Northwind" in all_text(edited)

    click(bot, edited, SEND_ACTION)
    wait_until(lambda: len(bot.emulator.messages_in("C0APPROVALS")) == 1)
    with bot.services.sessions() as session:
        (draft,) = session.exec(select(Draft)).all()
    assert (draft.text, draft.networks, draft.state) == (short, "x", "pending")
    assert bot.emulator.violations == []


def test_the_edit_form_can_move_the_reply_to_another_network(long_bot: RunningBot) -> None:
    bot = long_bot
    mention(bot, f"{BOT_MENTION} draft a reply to: {COMPLAINT}")
    message = suggestion_message(bot)
    form = open_edit(bot, message)
    with bot.services.sessions() as session:
        (row,) = session.exec(select(ReplySuggestion)).all()
    assert submit(bot, form, str(row.text), network="instagram") is None
    wait_until(lambda: "for Instagram" in all_text(suggestion_message(bot)))
    assert "Not sendable" not in all_text(suggestion_message(bot))
    click(bot, suggestion_message(bot), SEND_ACTION)
    wait_until(lambda: len(bot.emulator.messages_in("C0APPROVALS")) == 1)
    with bot.services.sessions() as session:
        (draft,) = session.exec(select(Draft)).all()
    assert draft.networks == "instagram"


def test_a_sent_suggestion_cannot_be_edited(long_bot: RunningBot) -> None:
    bot = long_bot
    mention(bot, f"{BOT_MENTION} draft a reply to: on:instagram {COMPLAINT}")
    message = suggestion_message(bot)
    form = open_edit(bot, message)  # opened before it was sent
    click(bot, message, SEND_ACTION)
    wait_until(lambda: len(bot.emulator.messages_in("C0APPROVALS")) == 1)
    refused = submit(bot, form, "Hi dana, sorry! - Team Northwind")
    assert refused is not None
    assert "already sent for approval as draft #1" in refused["errors"]["text"]
    with bot.services.sessions() as session:
        (draft,) = session.exec(select(Draft)).all()
    assert draft.text != "Hi dana, sorry! - Team Northwind"
    # And a click on Edit of the sent one says so in the modal.
    form = open_edit(bot, message)
    assert "already sent for approval" in json.dumps(form)
    assert "submit" not in form


def test_the_network_the_customer_wrote_on_is_kept_to_the_draft(long_bot: RunningBot) -> None:
    bot = long_bot
    mention(bot, f"{BOT_MENTION} draft a reply to: on:instagram {COMPLAINT}")
    message = suggestion_message(bot)
    shown = all_text(message)
    assert "for Instagram" in shown
    assert "Not sendable" not in shown  # 2,200 on Instagram
    click(bot, message, SEND_ACTION)
    wait_until(lambda: len(bot.emulator.messages_in("C0APPROVALS")) == 1)
    with bot.services.sessions() as session:
        (draft,) = session.exec(select(Draft)).all()
        (row,) = session.exec(select(ReplySuggestion)).all()
    assert (draft.networks, row.network) == ("instagram", "instagram")
    assert "on:instagram" not in row.customer_text


def test_an_unknown_network_is_one_line(long_bot: RunningBot) -> None:
    bot = long_bot
    response = bot.slack.slash_command("reply on:myspace @dana where is my order?")
    assert response.status == 200
    assert "`on:myspace` is not a network I know" in response.body
    assert "on:instagram" in response.body
    assert bot.emulator.calls_to("response_url") == []


def test_a_private_suggestion_is_edited_through_its_response_url(long_bot: RunningBot) -> None:
    bot = long_bot
    bot.slack.slash_command(f"reply on:threads {COMPLAINT}")
    calls = bot.emulator.wait_for("response_url", 2)
    private = {"blocks": calls[1].args["blocks"], "text": calls[1].args["text"], "ts": "1.000"}
    assert "for Threads" in json.dumps(private)
    form = open_edit(
        bot,
        private,
        container={"type": "message", "message_ts": "1.000", "is_ephemeral": True},
    )
    assert submit(bot, form, "Hi dana_outdoors, so sorry - DM us? - Team Northwind") is None
    wait_until(lambda: "edited by" in json.dumps(bot.emulator.calls_to("response_url")[-1].args))
    redrawn = bot.emulator.calls_to("response_url")[-1].args
    assert redrawn["replace_original"] is True
    assert "so sorry - DM us?" in json.dumps(redrawn["blocks"])


def test_the_brands_own_handle_is_not_greeted(long_bot: RunningBot) -> None:
    bot = long_bot
    mention(bot, f"{BOT_MENTION} draft a reply to: @northwind hi, where is my order?")
    shown = all_text(suggestion_message(bot))
    assert "Hi northwind" not in shown
    assert "Hi there!" in shown


def test_a_damaged_edit_button_opens_nothing(long_bot: RunningBot) -> None:
    bot = long_bot
    response = bot.slack.click(EDIT_ACTION, "abc", user_id=TEAMMATE, channel_id=CHANNEL)
    assert response.status == 200
    wait_until(lambda: len(ephemeral_texts(bot)) == 1)
    assert bot.emulator.calls_to("views.open") == []


def test_a_shortcut_suggestion_uses_the_default_network(long_bot: RunningBot) -> None:
    bot = long_bot
    ts = bot.emulator.add_message(CHANNEL, text=COMPLAINT, user="U0CUSTOMER")
    message = payloads.message(text=COMPLAINT, user="U0CUSTOMER", ts=ts)
    bot.slack.message_shortcut("draft_reply", message, channel_id=CHANNEL, user_id=TEAMMATE)
    assert "for X" in all_text(suggestion_message(bot))


def test_a_mention_in_a_thread_can_say_the_network(long_bot: RunningBot) -> None:
    bot = long_bot
    parent = bot.emulator.add_message(CHANNEL, text=COMPLAINT, user="U0CUSTOMER")
    mention(bot, f"{BOT_MENTION} on:linkedin", thread_ts=parent)
    shown = all_text(suggestion_message(bot))
    assert "for LinkedIn" in shown
    assert "we're really sorry" in shown
    with bot.services.sessions() as session:
        (row,) = session.exec(select(ReplySuggestion)).all()
    assert (row.network, row.customer_handle) == ("linkedin", "@dana_outdoors")
