"""The war room's briefing, and the crisis's announcements in the approvals channel."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot.services import Services
from bot.slack.crisis_message import CrisisMessage
from bot.store.models import CrisisPost


def compose_briefing(
    services: Services, session: Session, post: CrisisPost, now: datetime
) -> CrisisMessage:
    raise NotImplementedError  # written on its helper's branch


def compose_announce(
    services: Services, session: Session, post: CrisisPost, now: datetime
) -> CrisisMessage:
    raise NotImplementedError  # written on its helper's branch


def compose_end(
    services: Services, session: Session, post: CrisisPost, now: datetime
) -> CrisisMessage:
    raise NotImplementedError  # written on its helper's branch
