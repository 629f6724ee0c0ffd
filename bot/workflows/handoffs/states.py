"""A handoff's states and priorities, and the words people read for them."""

from __future__ import annotations

from enum import StrEnum


class HandoffState(StrEnum):
    OPEN = "open"  # waiting for someone on the team to claim it
    CLAIMED = "claimed"
    RESOLVED = "resolved"
    BOUNCED = "bounced"  # returned to the social team (wrong team, not a case)


# A live handoff is someone's work; a closed one only history (its buttons are gone).
LIVE_STATES = (HandoffState.OPEN, HandoffState.CLAIMED)
CLOSED_STATES = (HandoffState.RESOLVED, HandoffState.BOUNCED)

PRIORITIES = ("normal", "high", "urgent")
DEFAULT_PRIORITY = "normal"

SUBJECT = "handoff"  # the audit trail's subject_type


def label(state: str) -> str:
    return {
        "open": "Open",
        "claimed": "Claimed",
        "resolved": "Resolved",
        "bounced": "Bounced back",
    }.get(state, state)
