"""Reading crises: the one running now (at most one, by its unique running key)."""

from __future__ import annotations

from sqlmodel import Session, select

from bot.store.models import Crisis
from bot.workflows.crisis.kinds import RUNNING, CrisisKind


def running(session: Session) -> Crisis | None:
    """The crisis or drill running now, if any."""
    return session.exec(select(Crisis).where(Crisis.running_key == RUNNING)).first()


def running_crisis(session: Session) -> Crisis | None:
    """The real crisis running now; a drill is not one (nothing is paused or counted for it)."""
    crisis = running(session)
    return crisis if crisis is not None and crisis.kind == CrisisKind.CRISIS else None
