"""`/social` through signed HTTP requests, as Slack sends them."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from bot.blocks.help import DISMISS_ACTION_ID
from tests.harness import RunningBot

SUBCOMMANDS_TODAY = ["help"]


def help_text(bot: RunningBot, text: str) -> str:
    response = bot.slack.slash_command(text)
    assert response.status == 200
    body = response.json()
    assert body["response_type"] == "ephemeral"
    return str(body["text"])


def test_help_lists_every_subcommand_from_its_docstring(bot: RunningBot) -> None:
    text = help_text(bot, "help")
    for name in SUBCOMMANDS_TODAY:
        assert f"/social {name}" in text
    assert "List every subcommand with what it does." in text
    # Help is the ack itself: no Web API call was needed.
    assert bot.emulator.calls_to("chat.postMessage") == []


@pytest.mark.parametrize("text", ["", "   ", "frobnicate", "FROBNICATE now please"])
def test_empty_or_unknown_subcommands_get_the_help(bot: RunningBot, text: str) -> None:
    answer = help_text(bot, text)
    assert "/social help" in answer
    if text.strip():
        assert "isn't a socialops command" in answer


@pytest.mark.parametrize(
    "hostile",
    ["<!channel> hi", "{{ 7*7 }}", "<@U0ADMIN>", "x" * 40_000, "💥" * 500, "\x00\x01", "`rm -rf`"],
)
def test_hostile_subcommands_are_answered_safely(bot: RunningBot, hostile: str) -> None:
    answer = help_text(bot, hostile)
    assert "<!channel>" not in answer
    assert "<@U0ADMIN>" not in answer
    assert "49" not in answer.split("Commands:")[0]
    assert len(answer) < 3000


def test_dismiss_button_deletes_the_ephemeral_help(bot: RunningBot) -> None:
    response = bot.slack.click(DISMISS_ACTION_ID, "dismiss")
    assert response.status == 200
    [call] = bot.emulator.wait_for("response_url")
    assert call.args.get("delete_original") is True
    assert bot.emulator.violations == []


def test_twenty_people_asking_at_once_all_get_the_help(bot: RunningBot) -> None:
    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(lambda _: help_text(bot, "help"), range(20)))
    assert all("List every subcommand" in answer for answer in answers)
