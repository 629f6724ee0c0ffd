"""Starting a handoff: one per Slack message, validated, timed, audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from bot.knowledge.faq_files import HANDOFF_TEAMS
from bot.store.models import Handoff
from bot.workflows.audit import record_audit
from bot.workflows.crisis.signals import record_handoff_signal
from bot.workflows.handoffs.sla import TeamSla, timers_for
from bot.workflows.handoffs.states import PRIORITIES, SUBJECT, HandoffState

# A summary is a few lines for the team, not the case file (the customer's message is kept whole).
MAX_SUMMARY_CHARS = 2000
MAX_CUSTOMER_CHARS = 4000


class HandoffInvalid(ValueError):
    """What was asked cannot be a handoff; the message says what to change."""


@dataclass(frozen=True)
class HandoffRequest:
    """Everything a handoff starts with; ``team`` and ``route_reason`` come from routing."""

    team: str
    route_reason: str
    requested_by: str
    summary: str
    customer_text: str
    priority: str = "normal"
    customer_handle: str | None = None
    network: str | None = None
    source_channel: str | None = None
    source_ts: str | None = None
    source_link: str | None = None
    suggestion_id: int | None = None
    faq_id: str | None = None
    mood: str = "neutral"
    mood_words: tuple[str, ...] = ()
    holding_suggestion_id: int | None = None

    @property
    def source_key(self) -> str | None:
        """The Slack message handed off, as the unique key that stops a second handoff of it."""
        if self.source_channel and self.source_ts:
            return f"{self.source_channel}:{self.source_ts}"
        return None


@dataclass(frozen=True)
class Started:
    handoff: Handoff
    existing: bool  # True: this message was already handed off, and this is that handoff


def validate(request: HandoffRequest) -> None:
    if request.team not in HANDOFF_TEAMS:
        raise HandoffInvalid(f"Hand off to {' or '.join(HANDOFF_TEAMS)}, not “{request.team}”.")
    if request.priority not in PRIORITIES:
        raise HandoffInvalid(f"Priority is one of {', '.join(PRIORITIES)}.")
    if not request.summary.strip() and not request.customer_text.strip():
        raise HandoffInvalid("Say what the team should pick up: a summary can't be empty.")
    if len(request.summary) > MAX_SUMMARY_CHARS:
        raise HandoffInvalid(
            f"Keep the summary under {MAX_SUMMARY_CHARS} characters "
            f"(it has {len(request.summary)}); the customer's message is attached whole."
        )


def live_handoff_for(session: Session, source_key: str) -> Handoff | None:
    return session.exec(select(Handoff).where(Handoff.source_key == source_key)).first()


def start_handoff(
    *, session: Session, request: HandoffRequest, sla: TeamSla, now: datetime
) -> Started:
    """Store a new open handoff, or return the one this message already has; either way the
    customer's message is counted once for the spike detector."""
    started = _start_handoff(session=session, request=request, sla=sla, now=now)
    record_handoff_signal(
        session=session,
        handoff=started.handoff,
        holding_suggestion_id=request.holding_suggestion_id,
        now=now,
    )
    return started


def _start_handoff(
    *, session: Session, request: HandoffRequest, sla: TeamSla, now: datetime
) -> Started:
    """Store a new open handoff, or return the one this message already has.

    Two teammates handing off the same message at once both reach the INSERT; the unique
    ``source_key`` lets one in, and the other reads the winner's row (a savepoint keeps the
    caller's transaction usable).
    """
    validate(request)
    key = request.source_key
    if key is not None and (earlier := live_handoff_for(session, key)) is not None:
        return Started(earlier, existing=True)
    timers = timers_for(sla, now)
    handoff = Handoff(
        team=request.team,
        state=HandoffState.OPEN,
        priority=request.priority,
        summary=request.summary.strip(),
        customer_text=request.customer_text.strip()[:MAX_CUSTOMER_CHARS],
        customer_handle=request.customer_handle,
        network=request.network,
        source_channel=request.source_channel,
        source_ts=request.source_ts,
        source_link=request.source_link,
        source_key=key,
        suggestion_id=request.suggestion_id,
        faq_id=request.faq_id,
        route_reason=request.route_reason[:256],
        mood=request.mood,
        mood_words=", ".join(request.mood_words)[:512] or None,
        holding_suggestion_id=request.holding_suggestion_id,
        requested_by=request.requested_by,
        claim_due_at=timers.claim_due_at,
        remind_at=timers.remind_at,
        resolve_due_at=timers.resolve_due_at,
        created_at=now,
        updated_at=now,
    )
    try:
        with session.begin_nested():
            session.add(handoff)
            session.flush()
    except IntegrityError:
        if key is None or (earlier := live_handoff_for(session, key)) is None:
            raise
        return Started(earlier, existing=True)
    record_audit(
        session=session,
        at=now,
        actor_id=request.requested_by,
        action="hand_off",
        subject_type=SUBJECT,
        subject_id=str(handoff.id),
        to_state=HandoffState.OPEN,
        note=f"to {request.team}: {request.route_reason}",
    )
    return Started(handoff, existing=False)
