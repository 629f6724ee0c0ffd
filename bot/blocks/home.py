"""The App Home tab: what socialops does and how to start."""

from __future__ import annotations

from typing import Any

from bot.blocks.help import HelpEntry, help_lines
from bot.blocks.kit import divider, header, section


def build_home_view(entries: list[HelpEntry]) -> dict[str, Any]:
    """The Home tab view published on ``app_home_opened``."""
    return {
        "type": "home",
        "blocks": [
            header("socialops"),
            section(
                "Approvals, reply drafts, handoffs, digests and crisis mode for the "
                "social media team, right here in Slack."
            ),
            divider(),
            section(help_lines(entries)),
        ],
    }
