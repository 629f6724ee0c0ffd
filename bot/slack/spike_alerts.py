"""A spike alert for the escalation channel, with examples and a Start crisis mode button."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot.services import Services
from bot.slack.crisis_message import CrisisMessage
from bot.store.models import CrisisPost


def compose_alert(
    services: Services, session: Session, post: CrisisPost, now: datetime
) -> CrisisMessage:
    raise NotImplementedError  # written on its helper's branch
