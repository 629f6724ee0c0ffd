"""The modals a handoff's buttons open: Resolve (an optional note) and Bounce back (a reason).

``private_metadata`` carries the handoff and where the click came from (bot/slack/handoff_moves
.py ``Origin``), so the submission moves the right handoff and refreshes the right surface.
"""

from __future__ import annotations

import json
from typing import Any

from bot.blocks.handoffs import team_name
from bot.blocks.kit import context, input_block, modal, text_input
from bot.store.models import Handoff
from bot.workflows.handoffs.decide import MAX_NOTE_CHARS

RESOLVE_VIEW = "handoff_resolve_view"
BOUNCE_VIEW = "handoff_bounce_view"
NOTE_BLOCK = "note"
REASON_BLOCK = "reason"


def build_resolve_modal(handoff: Handoff, origin: dict[str, Any]) -> dict[str, Any]:
    note = text_input(max_length=MAX_NOTE_CHARS, multiline=True)
    return modal(
        callback_id=RESOLVE_VIEW,
        private_metadata=json.dumps({"handoff_id": handoff.id, "origin": origin}),
        title=f"Resolve #{handoff.id}",
        submit="Resolve",
        blocks=[
            input_block(
                NOTE_BLOCK,
                "How was it resolved?",
                note,
                optional=True,
                hint="The social team and the record see it. Optional.",
            )
        ],
    )


def build_bounce_modal(handoff: Handoff, origin: dict[str, Any]) -> dict[str, Any]:
    reason = text_input(max_length=MAX_NOTE_CHARS, multiline=True)
    return modal(
        callback_id=BOUNCE_VIEW,
        private_metadata=json.dumps({"handoff_id": handoff.id, "origin": origin}),
        title=f"Bounce back #{handoff.id}",
        submit="Bounce back",
        blocks=[
            input_block(REASON_BLOCK, "Why does it go back to the social team?", reason),
            context(f"It leaves {team_name(handoff.team)}; the message can be handed off again."),
        ],
    )
