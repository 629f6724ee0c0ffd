"""What every action returns: the draft as it is now, and the transition made or the refusal."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from bot.store.models import Draft
from bot.workflows.checks import Finding
from bot.workflows.drafts.policy import Progress


class Refusal(StrEnum):
    """Why an action did nothing; the listener turns each into a short message."""

    NOT_FOUND = "not_found"
    NOT_AUTHORIZED = "not_authorized"
    NO_APPROVERS = "no_approvers"
    # A running crisis's extra approval, and nobody configured to give it.
    NO_CRISIS_APPROVERS = "no_crisis_approvers"
    SELF_APPROVAL = "self_approval"
    NOT_AUTHOR = "not_author"
    WRONG_STATE = "wrong_state"
    STALE = "stale"
    ALREADY_APPROVED = "already_approved"
    INVALID = "invalid"


@dataclass(frozen=True)
class Outcome:
    """What an action did: the draft as it is now, and the transition or the refusal."""

    draft: Draft | None
    progress: Progress | None = None
    from_state: str | None = None
    to_state: str | None = None
    refused: Refusal | None = None
    detail: str = ""  # for a refusal: one plain sentence; escaped by whoever shows it
    findings: tuple[Finding, ...] = field(default=())

    @property
    def changed(self) -> bool:
        return self.refused is None and self.from_state != self.to_state


NOT_FOUND = Outcome(None, refused=Refusal.NOT_FOUND, detail="There is no such draft.")
