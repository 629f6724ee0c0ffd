"""The App Home's handoff lists, driven the way Slack drives them: opened by a signed event, a
Claim clicked in the Home view, the Home published again with the handoff in its new place."""

from __future__ import annotations

from typing import Any

from bot.blocks.handoff_buttons import CLAIM_ACTION
from bot.slack.handoff_packets import start_and_post
from bot.workflows.handoffs.create import HandoffRequest
from tests.commands.test_handoffs import (
    JONAS,
    MARIA,
    SOCIAL,
    client_of,
    handed_off,
    row,
)
from tests.commands.test_handoffs import handoff_bot as handoff_bot_fixture
from tests.commands.test_home import latest_home, open_home, published_for, text_of
from tests.harness import RunningBot

handoff_bot = handoff_bot_fixture  # the same signed bot with a support channel


def home_claim(view: dict[str, Any], handoff_id: int) -> tuple[str, str]:
    """(block id, value) of a handoff's Claim button in the Home view."""
    for block in view["blocks"]:
        if block["type"] == "actions" and block["block_id"] == f"handoff:{handoff_id}:home":
            for element in block["elements"]:
                if element.get("action_id") == CLAIM_ACTION:
                    return block["block_id"], element["value"]
    raise AssertionError(f"no Claim for handoff #{handoff_id} in the Home")


def test_the_team_sees_what_waits_for_a_claim_and_claims_it_from_the_home(
    handoff_bot: RunningBot,
) -> None:
    bot = handoff_bot
    handed_off(bot)
    view = open_home(bot, JONAS)  # JONAS is in the support channel
    assert "Waiting for support to claim (1)" in text_of(view)
    assert "Your handoffs (0)" in text_of(view)
    block_id, value = home_claim(view, 1)
    before = len(published_for(bot, JONAS))
    response = bot.slack.click(CLAIM_ACTION, value, block_id=block_id, user_id=JONAS, view=view)
    assert response.status == 200
    assert row(bot).owner_id == JONAS
    refreshed = latest_home(bot, JONAS, count=before + 1)
    shown = text_of(refreshed)
    assert "Handoff #1: claimed by <@U0APPROVER>." in shown
    assert "Your handoffs (1)" in shown
    assert "Waiting for support to claim (0)" in shown


def test_someone_outside_the_team_channel_sees_only_their_own_handoffs(
    handoff_bot: RunningBot,
) -> None:
    bot = handoff_bot
    handed_off(bot)
    shown = text_of(open_home(bot, MARIA))  # social team, not in #support
    assert "Your handoffs (0)" in shown
    assert "Waiting for support" not in shown


def test_many_open_handoffs_keep_the_home_within_slacks_limits(handoff_bot: RunningBot) -> None:
    bot = handoff_bot
    client = client_of(bot.emulator)
    for number in range(60):
        source_ts = bot.emulator.add_message(SOCIAL, text=f"broken {number}", user=MARIA)
        request = HandoffRequest(
            team="support",
            route_reason="asked for support",
            requested_by=MARIA,
            summary=f"Broken thing {number}",
            customer_text=f"broken {number}",
            source_channel=SOCIAL,
            source_ts=source_ts,
        )
        start_and_post(client, bot.services, request)
    view = open_home(bot, JONAS)
    assert len(view["blocks"]) <= 100
    shown = text_of(view)
    assert "Waiting for support to claim (60)" in shown
    assert "and 50 more — `/social handoffs support`" in shown
