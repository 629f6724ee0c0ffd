"""Block Kit for `/social help` and the unknown-subcommand answer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.blocks.kit import actions, button, section
from bot.blocks.text import echo_user_text


@dataclass(frozen=True)
class HelpEntry:
    name: str
    usage: str
    summary: str


DISMISS_ACTION_ID = "socialops_dismiss"

# Longest piece of an unknown subcommand we echo back; the rest is noise to the reader.
UNKNOWN_ECHO_LIMIT = 40


def help_lines(entries: list[HelpEntry]) -> str:
    """One mrkdwn line per subcommand: ``• `/social help` — List every subcommand``."""
    return "\n".join(f"• `{entry.usage}` — {entry.summary}" for entry in entries)


def build_help_message(entries: list[HelpEntry], *, unknown: str | None = None) -> dict[str, Any]:
    """The ephemeral help message; with ``unknown``, it opens by saying what was not understood."""
    if unknown is None:
        intro = "*socialops* brings the social media team's daily work into Slack. Commands:"
    elif unknown == "":
        intro = "Tell me what to do: `/social <command>`. Commands:"
    else:
        shown = echo_user_text(unknown, UNKNOWN_ECHO_LIMIT).replace("`", "'")
        intro = f"`{shown}` isn't a socialops command. Commands:"
    body = help_lines(entries)
    return {
        "response_type": "ephemeral",
        "text": f"{intro}\n{body}",
        "blocks": [
            section(intro),
            section(body),
            build_dismiss_actions(),
        ],
    }


def build_dismiss_actions() -> dict[str, Any]:
    """A "Dismiss" button that removes the ephemeral message it sits on."""
    return actions("socialops_dismiss", [button("Dismiss", DISMISS_ACTION_ID, "dismiss")])
