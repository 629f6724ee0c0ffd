"""Requests no feature claims still get a 200 and, where a person is waiting, a word."""

from __future__ import annotations

import time

from slack_emulator import payloads
from tests.harness import RunningBot


def test_an_event_nobody_handles_is_acknowledged_so_slack_stops_retrying(bot: RunningBot) -> None:
    event = payloads.reaction_added(reaction="eyes", item_ts="1700000000.000100")
    response = bot.slack.event(event)
    assert response.status == 200
    time.sleep(0.2)
    assert bot.emulator.calls_to("chat.postMessage") == []


def test_a_button_from_an_older_version_says_it_does_nothing(bot: RunningBot) -> None:
    response = bot.slack.click("socialops_retired_button", "42")
    assert response.status == 200
    [call] = bot.emulator.wait_for("response_url")
    assert "isn't used by this version" in call.args["text"]
    assert call.args["response_type"] == "ephemeral"
    assert call.args["replace_original"] is False
    assert bot.emulator.violations == []


def test_an_unknown_modal_submission_or_close_is_acknowledged(bot: RunningBot) -> None:
    submitted = bot.slack.view_submission("socialops_retired_modal", {})
    assert submitted.status == 200
    assert submitted.body == ""
    assert bot.slack.view_closed("socialops_retired_modal").status == 200
