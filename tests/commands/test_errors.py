"""When a listener fails, the person gets a short message with a reference; the log gets the stack."""

from __future__ import annotations

import logging
import re

import pytest

from slack_emulator import payloads
from tests.harness import RunningBot


def test_a_failing_listener_tells_the_user_with_a_reference(
    bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    # Slack refuses the bot's reply: the listener raises SlackApiError after its work began.
    bot.emulator.inject("chat.postMessage", status=200, error="channel_not_found")
    event = payloads.app_mention(text="<@UBOTSOCIAL> hello", user="U0AUTHOR", channel="C0SOCIAL")
    with caplog.at_level(logging.ERROR):
        bot.slack.event(event)
        [call] = bot.emulator.wait_for("chat.postEphemeral")
    assert call.args["user"] == "U0AUTHOR"
    assert call.args["channel"] == "C0SOCIAL"
    match = re.search(r"ref ([0-9A-F]{6})", call.args["text"])
    assert match is not None
    logged = [r for r in caplog.records if match.group(1) in r.getMessage()]
    assert logged, "the reference must be in the log"
    assert logged[0].exc_info is not None
    assert bot.emulator.violations == []
