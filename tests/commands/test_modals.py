"""Every modal the bot opens opens inside Slack's 3-second trigger window, whatever it must look
up first: the emulator refuses a trigger id older than 3 s or used twice, as Slack does."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest

from bot.blocks.approvals import (
    APPROVE_ACTION,
    CREATE_VIEW,
    EDIT_ACTION,
    EDIT_VIEW,
    NOTE_VIEW,
    REJECT_ACTION,
    REQUEST_CHANGES_ACTION,
)
from bot.blocks.faq import FAQ_ADD_VIEW
from bot.blocks.modals import LOADING_TEXT
from bot.blocks.replies import ADD_TO_FAQ_ACTION
from bot.store.db import session_scope
from bot.workflows import faq_gaps
from slack_emulator.emulator import RecordedCall, SlackEmulator
from slack_emulator.signed_client import BotResponse
from tests.commands.test_approvals import (
    APPROVALS,
    AUTHOR,
    JONAS,
    buttons,
    draft_row,
    latest_card,
    note_values,
    submitted_draft,
)
from tests.conftest import APPROVAL_SETTINGS, running_bot
from tests.harness import RunningBot

GROUP_LOOKUP = "usergroups.users.list"
# Slack's 429 asks to wait this long; the bot's client waits it out (plus up to 1 s of jitter)
# before it retries, which alone outlasts the 3 s a trigger id lives.
RETRY_AFTER = 3
# Long enough for the retried lookup and the update behind it.
AFTER_RETRY = RETRY_AFTER + 6.0


@pytest.fixture
def group_bot(emulator: SlackEmulator, database_url: str) -> Iterator[RunningBot]:
    """Approvals decided by a user group (S0APPROVERS: jonas and priya), so a click on a
    decision button needs Slack's usergroups.users.list before it knows who may decide."""
    settings = {**APPROVAL_SETTINGS, "approvers": ["S0APPROVERS"]}
    with running_bot(emulator, database_url, **settings) as running:
        yield running


def click_card(bot: RunningBot, action_id: str, user: str) -> BotResponse:
    card = latest_card(bot)
    # Every card button carries the same "draft:hash" value; Edit is not on a pending card,
    # but its author may click it on a card drawn after a change request just the same.
    value = buttons(card).get(action_id) or buttons(card)[APPROVE_ACTION]
    return bot.slack.click(action_id, value, user_id=user, message=card, channel_id=APPROVALS)


def shown_modal(bot: RunningBot, opened: RecordedCall) -> dict[str, object]:
    """The modal as the person sees it now (after any views.update)."""
    assert opened.status == 200, opened.response
    assert opened.response["ok"], opened.response
    view = bot.emulator.view(opened.response["view"]["id"])
    assert view is not None
    return view


def wait_for_callback(bot: RunningBot, opened: RecordedCall, callback_id: str) -> None:
    """Until the opened modal shows the form ``callback_id`` (filled by a views.update)."""
    bot.emulator.wait_for("views.update", timeout=AFTER_RETRY)
    assert shown_modal(bot, opened)["callback_id"] == callback_id


@pytest.mark.parametrize(
    ("action_id", "decision"),
    [(REQUEST_CHANGES_ACTION, "changes_requested"), (REJECT_ACTION, "rejected")],
)
def test_a_rate_limited_group_lookup_no_longer_makes_the_note_modal_miss_its_trigger(
    group_bot: RunningBot, action_id: str, decision: str
) -> None:
    bot = group_bot
    submitted_draft(bot)
    bot.emulator.inject(GROUP_LOOKUP, status=429, retry_after=RETRY_AFTER)
    assert click_card(bot, action_id, JONAS).status == 200
    [opened] = bot.emulator.wait_for("views.open", timeout=AFTER_RETRY)
    # Before the fix views.open came after the retried lookup, 3-4 s after the click, and
    # Slack (the emulator) answered expired_trigger_id.
    assert opened.response.get("error") is None, opened.response
    [refused, retried] = bot.emulator.wait_for(GROUP_LOOKUP, count=2, timeout=AFTER_RETRY)
    assert (refused.status, retried.status) == (429, 200)
    assert opened.at < refused.at  # the modal was open before anything was looked up
    [update] = bot.emulator.wait_for("views.update", timeout=AFTER_RETRY)
    assert update.args["view_id"] == opened.response["view"]["id"]
    assert update.args["hash"] == opened.response["view"]["hash"]
    view = shown_modal(bot, opened)
    assert view["callback_id"] == NOTE_VIEW

    bot.slack.view_submission(
        NOTE_VIEW,
        note_values("Not this week"),
        user_id=JONAS,
        private_metadata=str(view["private_metadata"]),
    )
    bot.emulator.wait_for("chat.update")
    assert draft_row(bot).state == decision
    assert bot.emulator.violations == []


def test_a_refusal_replaces_the_loading_modal_and_opens_no_form(group_bot: RunningBot) -> None:
    bot = group_bot
    submitted_draft(bot)
    click_card(bot, REJECT_ACTION, AUTHOR)  # the author may not decide on their own draft
    [opened] = bot.emulator.wait_for("views.open")
    assert LOADING_TEXT in str(opened.args["view"]["blocks"])
    bot.emulator.wait_for("views.update")
    view = shown_modal(bot, opened)
    assert view["callback_id"] == ""
    assert "someone else" in str(view["blocks"])
    assert draft_row(bot).state == "pending"
    assert bot.emulator.violations == []


def _draft_command(bot: RunningBot) -> None:
    bot.slack.slash_command("draft", user_id=AUTHOR)


def _faq_add_command(bot: RunningBot) -> None:
    bot.slack.slash_command("faq add", user_id=AUTHOR)


def _request_changes(bot: RunningBot) -> None:
    submitted_draft(bot)
    click_card(bot, REQUEST_CHANGES_ACTION, JONAS)


def _reject(bot: RunningBot) -> None:
    submitted_draft(bot)
    click_card(bot, REJECT_ACTION, JONAS)


def _edit(bot: RunningBot) -> None:
    submitted_draft(bot)
    click_card(bot, EDIT_ACTION, AUTHOR)


def _add_to_faq(bot: RunningBot) -> None:
    with session_scope(bot.services.sessions) as session:
        gap = faq_gaps.record_gap(
            session=session, text="do you sponsor runners?", now=datetime.now(UTC)
        )
        assert gap is not None
        gap_id = gap.id
    bot.slack.click(ADD_TO_FAQ_ACTION, str(gap_id), user_id=AUTHOR)


OPENERS: dict[str, tuple[Callable[[RunningBot], None], str]] = {
    "/social draft": (_draft_command, CREATE_VIEW),
    "/social faq add": (_faq_add_command, FAQ_ADD_VIEW),
    "Request changes": (_request_changes, NOTE_VIEW),
    "Reject": (_reject, NOTE_VIEW),
    "Edit": (_edit, EDIT_VIEW),
    "Add to FAQ": (_add_to_faq, FAQ_ADD_VIEW),
}


@pytest.mark.parametrize("opener", list(OPENERS))
def test_every_modal_opens_in_the_trigger_window_while_slack_rate_limits(
    group_bot: RunningBot, opener: str
) -> None:
    bot = group_bot
    act, callback_id = OPENERS[opener]
    # Whatever the control looks up before its form is ready meets a 429 first.
    bot.emulator.inject(GROUP_LOOKUP, status=429, retry_after=RETRY_AFTER)
    act(bot)
    [opened] = bot.emulator.wait_for("views.open", timeout=AFTER_RETRY)
    assert opened.response.get("error") is None, opened.response
    if opened.args["view"].get("callback_id") != callback_id:  # a loading modal, filled later
        wait_for_callback(bot, opened, callback_id)
    assert shown_modal(bot, opened)["callback_id"] == callback_id
    assert bot.emulator.violations == []
