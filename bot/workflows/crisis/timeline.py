"""A crisis's timeline: the audit trail read back for the crisis's span.

Every crisis event is an audit entry (start, roles, denials, end on the crisis; the spike alert
on its spike; pauses, resumes, approvals and publishes on drafts; handoffs on theirs), so the
timeline needs no table of its own: it is the entries of those subjects from the start to the
end (or now), plus the crisis's own entries outside that span (a denied start before it began).
The query is a range on the indexed ``at`` column, so its cost follows the crisis, not the store.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, or_
from sqlmodel import Session, col, select

from bot.store.models import AuditEntry, Crisis

CRISIS_SUBJECT = "crisis"
SPIKE_SUBJECT = "spike"
# The subjects a crisis is made of; a digest subscription changed meanwhile is not part of it.
SUBJECTS = (CRISIS_SUBJECT, SPIKE_SUBJECT, "draft", "handoff")

# How each action reads in a sentence after the actor's name.
_WORDS: dict[tuple[str, str], str] = {
    (CRISIS_SUBJECT, "crisis_start"): "started crisis mode",
    (CRISIS_SUBJECT, "crisis_drill_start"): "started a drill",
    (CRISIS_SUBJECT, "crisis_role"): "assigned a role",
    (CRISIS_SUBJECT, "crisis_denied"): "was denied",
    (CRISIS_SUBJECT, "crisis_end"): "ended it",
    (SPIKE_SUBJECT, "spike_alert"): "raised a spike alert",
    ("draft", "create"): "created draft",
    ("draft", "submit"): "submitted draft",
    ("draft", "edit"): "edited draft",
    ("draft", "approve"): "approved draft",
    ("draft", "reject"): "rejected draft",
    ("draft", "request_changes"): "asked for changes to draft",
    ("draft", "schedule"): "scheduled draft",
    ("draft", "publish"): "published draft",
    ("draft", "withdraw"): "withdrew draft",
    ("draft", "expire"): "expired draft",
    ("draft", "pause"): "paused draft",
    ("draft", "resume"): "resumed draft",
    ("handoff", "hand_off"): "handed off",
    ("handoff", "claim"): "claimed handoff",
    ("handoff", "resolve"): "resolved handoff",
    ("handoff", "bounce"): "bounced handoff",
}


@dataclass(frozen=True)
class TimelineEvent:
    """One entry of the timeline; ``note`` and ids are as stored (the renderer escapes them)."""

    at: datetime
    actor_id: str
    action: str
    subject_type: str
    subject_id: str
    from_state: str | None
    to_state: str | None
    note: str | None

    @property
    def words(self) -> str:
        """``approved draft #12``, ``handed off #3``, ``started crisis mode``."""
        said = _WORDS.get((self.subject_type, self.action), self.action.replace("_", " "))
        if self.subject_type in (CRISIS_SUBJECT, SPIKE_SUBJECT):
            return said
        if said.endswith(self.subject_type):
            return f"{said} #{self.subject_id}"
        return f"{said} ({self.subject_type} #{self.subject_id})"


def span_end(crisis: Crisis, now: datetime) -> datetime:
    """Where the crisis's span ends: its end, or now while it runs."""
    return crisis.ended_at if crisis.ended_at is not None else now


def timeline(session: Session, crisis: Crisis, now: datetime) -> list[TimelineEvent]:
    """The crisis's events, oldest first (ties in the order they were recorded)."""
    own = and_(
        col(AuditEntry.subject_type) == CRISIS_SUBJECT,
        col(AuditEntry.subject_id) == str(crisis.id),
    )
    during = and_(
        col(AuditEntry.at) >= crisis.started_at,
        col(AuditEntry.at) <= span_end(crisis, now),
        col(AuditEntry.subject_type).in_(SUBJECTS),
        # Another crisis's entries (a start denied while this one ran) belong to that one.
        or_(
            col(AuditEntry.subject_type) != CRISIS_SUBJECT,
            col(AuditEntry.subject_id) == str(crisis.id),
        ),
    )
    conditions = [own, during]
    if crisis.spike_id is not None:
        # The alert the crisis was started from came before it.
        conditions.append(
            and_(
                col(AuditEntry.subject_type) == SPIKE_SUBJECT,
                col(AuditEntry.subject_id) == str(crisis.spike_id),
            )
        )
    rows = session.exec(
        select(AuditEntry).where(or_(*conditions)).order_by(col(AuditEntry.at), col(AuditEntry.id))
    )
    return [
        TimelineEvent(
            at=row.at,
            actor_id=row.actor_id,
            action=row.action,
            subject_type=row.subject_type,
            subject_id=row.subject_id,
            from_state=row.from_state,
            to_state=row.to_state,
            note=row.note,
        )
        for row in rows
    ]
