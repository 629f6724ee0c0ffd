"""Help builders: every subcommand listed, user text echoed safely, within Block Kit limits."""

from __future__ import annotations

from bot.blocks.help import DISMISS_ACTION_ID, HelpEntry, build_help_message
from bot.blocks.text import echo_user_text, escape_mrkdwn, truncate

ENTRIES = [
    HelpEntry(name="help", usage="/social help", summary="List every subcommand."),
    HelpEntry(name="queue", usage="/social queue", summary="Show pending drafts."),
]


def test_help_lists_every_entry_with_usage_and_summary() -> None:
    message = build_help_message(ENTRIES)
    assert message["response_type"] == "ephemeral"
    body = message["blocks"][1]["text"]["text"]
    assert "`/social help` — List every subcommand." in body
    assert "`/social queue` — Show pending drafts." in body
    assert message["blocks"][-1]["elements"][0]["action_id"] == DISMISS_ACTION_ID


def test_unknown_subcommand_is_named_escaped_and_cut() -> None:
    message = build_help_message(ENTRIES, unknown="<!channel>" + "x" * 500)
    intro = message["blocks"][0]["text"]["text"]
    assert "&lt;!channel&gt;" in intro
    assert "<!channel>" not in message["text"]
    assert len(intro) < 120


def test_empty_subcommand_gets_a_prompt() -> None:
    intro = build_help_message(ENTRIES, unknown="")["blocks"][0]["text"]["text"]
    assert intro.startswith("Tell me what to do")


def test_escape_and_truncate() -> None:
    assert escape_mrkdwn("a & <b> > c") == "a &amp; &lt;b&gt; &gt; c"
    assert truncate("abcdef", 4) == "abc…"
    assert truncate("abc", 4) == "abc"
    # The limit holds after escaping, and an entity is never split in half.
    assert echo_user_text("<<<<", 9) == "&lt;&lt;…"
    assert echo_user_text("<<<<", 8) == "&lt;…"
    assert echo_user_text("<<<<", 16) == "&lt;&lt;&lt;&lt;"
    assert len(echo_user_text("&" * 3_000, 2_900)) <= 2_900
