"""A draft's states, and which states each kind of action may start from."""

from __future__ import annotations

from enum import StrEnum


class DraftState(StrEnum):
    DRAFT = "draft"
    PENDING = "pending"
    APPROVED = "approved"
    CHANGES_REQUESTED = "changes_requested"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"
    SCHEDULED = "scheduled"
    PUBLISHED = "published"
    # Approved or scheduled, held by a crisis until resumed (back to ``draft.paused_from``).
    PAUSED = "paused"


# Nothing leaves these: the card stops offering buttons and the clock stops looking.
FINAL_STATES = frozenset(
    {DraftState.REJECTED, DraftState.WITHDRAWN, DraftState.EXPIRED, DraftState.PUBLISHED}
)
# Approvers decide only while a draft waits for them; anything else is a click on an old card.
DECIDABLE_STATES = frozenset({DraftState.PENDING})
EDITABLE_STATES = frozenset(
    {
        DraftState.DRAFT,
        DraftState.PENDING,
        DraftState.CHANGES_REQUESTED,
        DraftState.APPROVED,
        DraftState.SCHEDULED,
    }
)
WITHDRAWABLE_STATES = frozenset(
    {
        DraftState.DRAFT,
        DraftState.PENDING,
        DraftState.CHANGES_REQUESTED,
        DraftState.APPROVED,
        DraftState.SCHEDULED,
    }
)
PUBLISHABLE_STATES = frozenset({DraftState.APPROVED, DraftState.SCHEDULED})


def label(state: str) -> str:
    """A state as a person reads it in a sentence: ``changes_requested`` → ``changes requested``."""
    return state.replace("_", " ")
