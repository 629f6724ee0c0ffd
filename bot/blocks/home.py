"""The App Home tab: what socialops does and how to start."""

from __future__ import annotations

from typing import Any

from bot.blocks.help import HelpEntry, help_lines


def build_home_view(entries: list[HelpEntry]) -> dict[str, Any]:
    """The Home tab view published on ``app_home_opened``."""
    return {
        "type": "home",
        "blocks": [
            {"type": "header", "text": {"type": "plain_text", "text": "socialops"}},
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": (
                        "Approvals, reply drafts, handoffs, digests and crisis mode for the "
                        "social media team, right here in Slack."
                    ),
                },
            },
            {"type": "divider"},
            {"type": "section", "text": {"type": "mrkdwn", "text": help_lines(entries)}},
        ],
    }
