"""What the bot says when someone mentions it."""

from __future__ import annotations

from typing import Any

from bot.blocks.kit import text_message


def build_mention_reply(*, user_id: str) -> dict[str, Any]:
    """A thread reply that greets the person who mentioned the bot and points to the commands."""
    text = (
        f"Hi <@{user_id}>! I'm socialops. "
        "Type `/social help` to see what I can do for the social media team."
    )
    return text_message(text)
