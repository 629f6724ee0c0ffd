"""The buttons on a handoff, wherever it is shown (the packet, `/social handoffs`, the App Home).

One definition, so a Claim in a list and a Claim on the packet are the same action with the
same value (the handoff id) and the same listener.
"""

from __future__ import annotations

from bot.blocks.kit import Block, actions, button, plain_text
from bot.store.models import Handoff
from bot.workflows.handoffs.states import HandoffState

CLAIM_ACTION = "handoff_claim"
REASSIGN_ACTION = "handoff_reassign"  # a users_select: the new owner is the selected user
RESOLVE_ACTION = "handoff_resolve"  # opens a modal for an optional note
BOUNCE_ACTION = "handoff_bounce"  # opens a modal for the required reason
HANDOFF_ACTIONS = (CLAIM_ACTION, REASSIGN_ACTION, RESOLVE_ACTION, BOUNCE_ACTION)


def handoff_actions(handoff: Handoff, *, block_id: str | None = None) -> list[Block]:
    """An actions block for a live handoff; none for a closed one (nothing left to do)."""
    if handoff.state not in (HandoffState.OPEN, HandoffState.CLAIMED):
        return []
    value = str(handoff.id)
    elements: list[Block] = []
    if handoff.state == HandoffState.OPEN:
        elements.append(button("Claim", CLAIM_ACTION, value, style="primary"))
    elements.append(
        {
            "type": "users_select",
            "action_id": REASSIGN_ACTION,
            "placeholder": plain_text("Reassign…"),
        }
    )
    elements.append(button("Resolve", RESOLVE_ACTION, value))
    elements.append(button("Bounce back", BOUNCE_ACTION, value))
    return [actions(block_id or f"handoff:{handoff.id}", elements)]
