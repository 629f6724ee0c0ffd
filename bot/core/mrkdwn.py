"""Slack's mrkdwn escaping, for every layer that puts a person's words into a Slack message
or a template the bot renders."""

from __future__ import annotations


def escape_mrkdwn(text: str) -> str:
    """Escape the three characters Slack treats as control sequences.

    ``<!channel>``, ``<@U123>`` and ``<https://…|label>`` only act when their angle brackets
    reach Slack unescaped, so a user's text echoed through here mentions and links nobody.
    """
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
