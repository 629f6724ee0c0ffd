"""Message shortcuts declared in manifest.yml.

"Draft reply" (bot/commands/replies.py) and "Hand off" (bot/commands/handoff_start.py) are
claimed by their features; a shortcut the manifest declares before its feature exists gets an
honest answer here instead of Slack's generic "something went wrong".
"""

from __future__ import annotations

from collections.abc import Callable

from slack_bolt import Ack, App, Respond

from bot.blocks.errors import not_available_text

SHORTCUTS = {"draft_reply": "Draft reply", "hand_off": "Hand off"}


def register(app: App, *, skip: frozenset[str] = frozenset()) -> None:
    """Answer the manifest's shortcuts that no feature module has claimed (``skip``)."""
    for callback_id, label in SHORTCUTS.items():
        if callback_id in skip:
            continue
        app.shortcut(callback_id)(_explainer(label))


def _explainer(label: str) -> Callable[[Ack, Respond], None]:
    # A closure, not a default argument: bolt fills every listener parameter by name.
    def explain(ack: Ack, respond: Respond) -> None:
        ack()
        respond(text=not_available_text(label), response_type="ephemeral")

    return explain
