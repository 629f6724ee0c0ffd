"""The App Home driven the way Slack drives it: a signed ``app_home_opened`` event, then clicks and
modal submissions from the Home view; every views.publish goes to the emulator, which checks it
against Slack's limits (100 blocks)."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from bot.blocks.approvals import (
    APPROVE_ACTION,
    EDIT_ACTION,
    EDIT_VIEW,
    NOTE_VIEW,
    REJECT_ACTION,
    WITHDRAW_ACTION,
)
from bot.store.db import session_scope
from bot.workflows import drafts
from bot.workflows.checks import CheckPolicy
from slack_emulator import payloads
from slack_emulator.signed_client import BotResponse
from tests.commands.test_approvals import (
    AUTHOR,
    JONAS,
    PRIYA,
    draft_row,
    note_values,
    shown_modal,
    submitted_draft,
    wait_until,
)
from tests.harness import RunningBot


def open_home(bot: RunningBot, user: str) -> dict[str, Any]:
    """Open the Home tab as ``user``; the view the bot published for it."""
    before = len(published_for(bot, user))
    assert bot.slack.event(payloads.app_home_opened(user=user)).status == 200
    return latest_home(bot, user, count=before + 1)


def published_for(bot: RunningBot, user: str) -> list[dict[str, Any]]:
    calls = bot.emulator.calls_to("views.publish")
    return [c.args["view"] for c in calls if c.args["user_id"] == user and c.response["ok"]]


def latest_home(bot: RunningBot, user: str, *, count: int) -> dict[str, Any]:
    """The ``count``-th Home published for ``user``, as the emulator holds it."""
    wait_until(lambda: len(published_for(bot, user)) >= count)
    view = bot.emulator.home_view(user)
    assert view is not None
    return view


def text_of(view: dict[str, Any]) -> str:
    return json.dumps(view["blocks"], ensure_ascii=False)


def home_button(view: dict[str, Any], action_id: str, draft_id: int) -> tuple[str, str]:
    """(block id, value) of a row's button in the Home view."""
    for block in view["blocks"]:
        if block["type"] == "actions" and block["block_id"].endswith(f"_{draft_id}"):
            for element in block["elements"]:
                if element["action_id"] == action_id:
                    return block["block_id"], element["value"]
    raise AssertionError(f"no {action_id} button for draft #{draft_id} in the Home")


def click_in_home(
    bot: RunningBot, view: dict[str, Any], action_id: str, draft_id: int, user: str
) -> BotResponse:
    block_id, value = home_button(view, action_id, draft_id)
    return bot.slack.click(action_id, value, block_id=block_id, user_id=user, view=view)


def test_opening_the_home_shows_what_waits_for_me_and_my_drafts(approvals_bot: RunningBot) -> None:
    bot = approvals_bot
    submitted_draft(bot, "Our autumn range is here!")
    approver = text_of(open_home(bot, JONAS))
    assert "Waiting for your approval (1)" in approver
    assert "Our autumn range is here!" in approver
    assert "/social help" in approver
    author = open_home(bot, AUTHOR)
    assert "Waiting for your approval" not in text_of(author)  # the author is no approver
    assert "Your drafts (1)" in text_of(author)
    assert ":hourglass_flowing_sand: Waiting for approval" in text_of(author)
    home_button(author, WITHDRAW_ACTION, 1)
    assert bot.emulator.violations == []


def test_approve_in_the_home_decides_and_refreshes_it(approvals_bot: RunningBot) -> None:
    bot = approvals_bot
    submitted_draft(bot)
    home = open_home(bot, JONAS)
    assert click_in_home(bot, home, APPROVE_ACTION, 1, JONAS).status == 200
    after = latest_home(bot, JONAS, count=2)
    assert draft_row(bot).state == "approved"
    assert "Waiting for your approval (0)" in text_of(after)
    assert "Nothing is waiting for you." in text_of(after)
    assert after["blocks"][1]["text"]["text"] == "Draft #1: :white_check_mark: Approved"
    bot.emulator.wait_for("chat.update")  # the card in the channel shows it too
    # A click in a view has no response_url: nothing was sent to one.
    assert bot.emulator.calls_to("response_url") == []
    assert ":white_check_mark: Approved" in text_of(open_home(bot, AUTHOR))
    assert bot.emulator.violations == []


def test_a_refused_click_in_the_home_is_said_on_top_of_it(approvals_bot: RunningBot) -> None:
    bot = approvals_bot
    submitted_draft(bot)
    home = open_home(bot, JONAS)
    click_in_home(bot, home, APPROVE_ACTION, 1, JONAS)
    latest_home(bot, JONAS, count=2)
    # The same, old Home clicked again (a second device, say): refused, and told there.
    assert click_in_home(bot, home, APPROVE_ACTION, 1, JONAS).status == 200
    again = latest_home(bot, JONAS, count=3)
    notice = again["blocks"][1]["text"]["text"]
    assert notice.startswith(":warning:")
    assert "approved" in notice
    assert draft_row(bot).state == "approved"
    assert bot.emulator.calls_to("response_url") == []


def test_reject_from_the_home_opens_the_note_and_its_submission_refreshes_the_home(
    approvals_bot: RunningBot,
) -> None:
    bot = approvals_bot
    submitted_draft(bot)
    home = open_home(bot, JONAS)
    assert click_in_home(bot, home, REJECT_ACTION, 1, JONAS).status == 200
    modal = shown_modal(bot)
    assert modal["callback_id"] == NOTE_VIEW
    done = bot.slack.view_submission(
        NOTE_VIEW,
        note_values("Off-brand"),
        user_id=JONAS,
        private_metadata=modal["private_metadata"],
    )
    assert done.status == 200
    after = latest_home(bot, JONAS, count=2)
    assert draft_row(bot).state == "rejected"
    assert "Waiting for your approval (0)" in text_of(after)
    assert after["blocks"][1]["text"]["text"] == "Draft #1: :no_entry: Rejected"
    # A modal opened from the channel's card does not touch anyone's Home.
    assert len(published_for(bot, PRIYA)) == 0


def test_withdraw_from_my_home(approvals_bot: RunningBot) -> None:
    bot = approvals_bot
    submitted_draft(bot)
    home = open_home(bot, AUTHOR)
    assert click_in_home(bot, home, WITHDRAW_ACTION, 1, AUTHOR).status == 200
    after = latest_home(bot, AUTHOR, count=2)
    assert draft_row(bot).state == "withdrawn"
    assert ":leftwards_arrow_with_hook: Withdrawn" in text_of(after)


def test_an_edit_from_my_home_refreshes_it_with_the_new_text(approvals_bot: RunningBot) -> None:
    bot = approvals_bot
    submitted_draft(bot, "Our autumn range is here")
    home = open_home(bot, AUTHOR)
    assert click_in_home(bot, home, EDIT_ACTION, 1, AUTHOR).status == 200
    modal = shown_modal(bot)
    assert modal["callback_id"] == EDIT_VIEW
    done = bot.slack.view_submission(
        EDIT_VIEW,
        {"text": {"value": {"type": "plain_text_input", "value": "Our winter range is here"}}},
        user_id=AUTHOR,
        private_metadata=modal["private_metadata"],
    )
    assert done.status == 200
    after = latest_home(bot, AUTHOR, count=2)
    assert "Our winter range is here" in text_of(after)
    assert draft_row(bot).text == "Our winter range is here"


def test_many_drafts_keep_the_home_within_slacks_limits(approvals_bot: RunningBot) -> None:
    bot = approvals_bot
    checks = CheckPolicy(banned_words=(), brand_domains=("example.com",))
    now = bot.services.clock()
    with session_scope(bot.services.sessions) as session:
        for i in range(130):
            author = JONAS if i % 2 else AUTHOR
            draft = drafts.DraftInput(
                kind="post", text=f"Autumn post {i}", networks=("x",), author_id=author
            )
            drafts.create_draft(
                session=session, draft=draft, checks=checks, now=now + timedelta(seconds=i)
            )
    home = open_home(bot, JONAS)
    text = text_of(home)
    assert len(home["blocks"]) <= 100
    assert "Waiting for your approval (65)" in text
    assert "and 45 more — `/social queue`" in text
    assert "Your drafts (65)" in text
    assert "and 50 more" in text
    assert bot.emulator.violations == []
