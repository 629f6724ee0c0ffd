"""Text helpers for everything the bot echoes back to Slack."""

from __future__ import annotations


def escape_mrkdwn(text: str) -> str:
    """Escape the three characters Slack treats as control sequences.

    ``<!channel>``, ``<@U123>`` and ``<https://…|label>`` only act when their angle brackets
    reach Slack unescaped, so a user's text echoed through here mentions and links nobody.
    """
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def truncate(text: str, limit: int, *, marker: str = "…") -> str:
    """Cut ``text`` to at most ``limit`` characters, marking the cut."""
    if len(text) <= limit:
        return text
    return text[: max(limit - len(marker), 0)] + marker


def echo_user_text(text: str, limit: int) -> str:
    """User text made safe to show: escaped, then cut so the escapes never split mid-entity."""
    return escape_mrkdwn(truncate(text, limit))
