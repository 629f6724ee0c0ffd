"""The war room's periodic status and the post-mortem at the end, composed from a fresh read.

A status covers the time since the previous status slot (or the start) up to its own slot, so
consecutive statuses never count a message twice, and a status posted late by a clock that was
down still says what happened in its own window. The post-mortem is the report of the crisis as
it ended.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from bot.blocks.crisis_reports import build_postmortem, build_status
from bot.services import Services
from bot.slack.crisis_message import CrisisMessage
from bot.store.models import Crisis, CrisisPost
from bot.workflows.crisis.kinds import PostKind
from bot.workflows.crisis.posts import post_key
from bot.workflows.crisis.report import postmortem, status_figures


def compose_status(
    services: Services, session: Session, post: CrisisPost, now: datetime
) -> CrisisMessage:
    crisis = _crisis(session, post)
    slots = _update_slots(session, crisis)
    until = _slot(post, crisis)
    if until is None or until > now:
        until = now
    earlier = [slot for slot in slots if slot < until]
    since = max(earlier) if earlier else crisis.started_at
    figures = status_figures(session, crisis, max(since, crisis.started_at), until)
    assert crisis.id is not None
    message = build_status(
        kind=crisis.kind, crisis_id=crisis.id, reason=crisis.reason, figures=figures
    )
    return CrisisMessage(text=message["text"], blocks=message["blocks"])


def compose_postmortem(
    services: Services, session: Session, post: CrisisPost, now: datetime
) -> CrisisMessage:
    message = build_postmortem(postmortem(session, _crisis(session, post), now))
    return CrisisMessage(text=message["text"], blocks=message["blocks"])


def _crisis(session: Session, post: CrisisPost) -> Crisis:
    crisis = session.get(Crisis, post.crisis_id) if post.crisis_id is not None else None
    if crisis is None:
        raise LookupError(f"crisis post {post.key} names no stored crisis")
    return crisis


def _slot(post: CrisisPost, crisis: Crisis) -> datetime | None:
    """The time a status update was owed for: the slot its key ends with."""
    prefix = post_key(PostKind.UPDATE, crisis_id=crisis.id) + ":"
    if not post.key.startswith(prefix):
        return None
    try:
        return datetime.fromisoformat(post.key[len(prefix) :])
    except ValueError:
        return None


def _update_slots(session: Session, crisis: Crisis) -> list[datetime]:
    posts = session.exec(
        select(CrisisPost).where(
            col(CrisisPost.crisis_id) == crisis.id, col(CrisisPost.kind) == PostKind.UPDATE
        )
    )
    return [slot for post in posts if (slot := _slot(post, crisis)) is not None]
