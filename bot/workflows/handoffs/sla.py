"""SLA timers: when a handoff must be claimed (and, optionally, resolved), and the clock's part.

The times are columns set when the handoff starts. Each timer fires once: the clock moves it
with a conditional UPDATE (``… WHERE reminded_at IS NULL AND state = 'open'``) in the same
transaction as the notices it owes, so two clock processes, a retry or a restart fire it once,
and a claim or a resolve that commits first stops it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import update
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, select

from bot.store.models import Handoff
from bot.workflows.handoffs.states import LIVE_STATES, HandoffState

# The team hears about an unclaimed handoff when three quarters of its time to claim is gone.
REMIND_AT_FRACTION = 0.75


@dataclass(frozen=True)
class TeamSla:
    """A team's promise: claimed within ``claim``; resolved within ``resolve`` when set."""

    claim: timedelta
    resolve: timedelta | None = None


@dataclass(frozen=True)
class Timers:
    claim_due_at: datetime
    remind_at: datetime
    resolve_due_at: datetime | None


def timers_for(sla: TeamSla, start: datetime) -> Timers:
    return Timers(
        claim_due_at=start + sla.claim,
        remind_at=start + sla.claim * REMIND_AT_FRACTION,
        resolve_due_at=start + sla.resolve if sla.resolve is not None else None,
    )


class Timer(StrEnum):
    REMINDER = "reminder"  # 75% of the time to claim, still unclaimed
    CLAIM_BREACH = "claim_breach"  # the time to claim passed, still unclaimed
    RESOLVE_BREACH = "resolve_breach"  # the time to resolve passed, still not resolved


def _due(timer: Timer, now: datetime) -> tuple[ColumnElement[bool], ...]:
    """The WHERE clause of a timer that is due and has not fired: used to find it and to fire it."""
    if timer is Timer.REMINDER:
        return (
            col(Handoff.state) == HandoffState.OPEN,
            col(Handoff.reminded_at).is_(None),
            col(Handoff.remind_at) <= now,
            # Past the deadline the escalation says it all; a late reminder would be noise.
            col(Handoff.claim_due_at) > now,
        )
    if timer is Timer.CLAIM_BREACH:
        return (
            col(Handoff.state) == HandoffState.OPEN,
            col(Handoff.claim_escalated_at).is_(None),
            col(Handoff.claim_due_at) <= now,
        )
    return (
        col(Handoff.state).in_(LIVE_STATES),
        col(Handoff.resolve_escalated_at).is_(None),
        col(Handoff.resolve_due_at).is_not(None),
        col(Handoff.resolve_due_at) <= now,
    )


_FIRED_COLUMN = {
    Timer.REMINDER: "reminded_at",
    Timer.CLAIM_BREACH: "claim_escalated_at",
    Timer.RESOLVE_BREACH: "resolve_escalated_at",
}


def due_timers(*, session: Session, now: datetime, limit: int = 200) -> list[tuple[Timer, int]]:
    """The timers due now, oldest handoff first (usually none: three indexed lookups)."""
    due: list[tuple[Timer, int]] = []
    for timer in Timer:
        ids = session.exec(
            select(Handoff.id).where(*_due(timer, now)).order_by(col(Handoff.id)).limit(limit)
        ).all()
        due.extend((timer, handoff_id) for handoff_id in ids if handoff_id is not None)
    return due


def fire_timer(*, session: Session, timer: Timer, handoff_id: int, now: datetime) -> Handoff | None:
    """Mark ``timer`` fired on the handoff if it is still due; the handoff when this call fired it.

    The caller writes the notices the timer owes in the same transaction, so they exist exactly
    when the timer is marked fired.
    """
    fired = session.execute(
        update(Handoff)
        .where(col(Handoff.id) == handoff_id, *_due(timer, now))
        .values({_FIRED_COLUMN[timer]: now})
        .returning(col(Handoff.id))
    ).first()
    if fired is None:
        return None
    return session.exec(
        select(Handoff).where(Handoff.id == handoff_id).execution_options(populate_existing=True)
    ).one()
