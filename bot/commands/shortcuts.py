"""Message shortcuts declared in manifest.yml.

"Draft reply" and "Hand off" arrive with the reply-suggestion and handoff capabilities; until then
a click gets an honest answer instead of Slack's generic "something went wrong".
"""

from __future__ import annotations

from slack_bolt import Ack, App, Respond

from bot.blocks.errors import not_available_text

SHORTCUTS = {"draft_reply": "Draft reply", "hand_off": "Hand off"}


def register(app: App, *, skip: frozenset[str] = frozenset()) -> None:
    """Answer the manifest's shortcuts that no feature module has claimed (``skip``)."""
    for callback_id, label in SHORTCUTS.items():
        if callback_id in skip:
            continue

        def explain(ack: Ack, respond: Respond, label: str = label) -> None:
            ack()
            respond(text=not_available_text(label), response_type="ephemeral")

        app.shortcut(callback_id)(explain)
