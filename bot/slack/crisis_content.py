"""What each owed crisis message says: one composer per kind, each drawn from a fresh read.

The clock (``crisis_delivery``) calls ``compose`` just before it posts or redraws a message, so
the text is never older than the store.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlmodel import Session

from bot.services import Services
from bot.slack import crisis_briefing, crisis_reports, spike_alerts
from bot.slack.crisis_message import CrisisMessage
from bot.store.models import CrisisPost
from bot.workflows.crisis.kinds import PostKind

Composer = Callable[[Services, Session, CrisisPost, datetime], CrisisMessage]


def compose(services: Services, session: Session, post: CrisisPost, now: datetime) -> CrisisMessage:
    """The message ``post`` owes, as it reads now."""
    composers: dict[str, Composer] = {
        PostKind.BRIEFING: crisis_briefing.compose_briefing,
        PostKind.ANNOUNCE: crisis_briefing.compose_announce,
        PostKind.END: crisis_briefing.compose_end,
        PostKind.UPDATE: crisis_reports.compose_status,
        PostKind.POSTMORTEM: crisis_reports.compose_postmortem,
        PostKind.ALERT: spike_alerts.compose_alert,
    }
    return composers[post.kind](services, session, post, now)
