"""The war room's periodic status and the post-mortem at the end."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot.services import Services
from bot.slack.crisis_message import CrisisMessage
from bot.store.models import CrisisPost


def compose_status(
    services: Services, session: Session, post: CrisisPost, now: datetime
) -> CrisisMessage:
    raise NotImplementedError  # written on its helper's branch


def compose_postmortem(
    services: Services, session: Session, post: CrisisPost, now: datetime
) -> CrisisMessage:
    raise NotImplementedError  # written on its helper's branch
