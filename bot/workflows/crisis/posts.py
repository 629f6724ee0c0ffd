"""Owing a message: a ``CrisisPost`` row inserted in the transaction of the decision that owes it.

The clock (bot/slack/crisis_delivery.py) posts what is owed, composing it from a fresh read, so
a crash between the decision and the post loses nothing and posts nothing twice.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col

from bot.store.claims import insert_first
from bot.store.models import CrisisPost
from bot.workflows.crisis.kinds import PostKind


def post_key(
    kind: PostKind, *, crisis_id: int | None = None, spike_id: int | None = None, slot: str = ""
) -> str:
    """The claim key: one briefing per crisis, one update per slot, one alert per spike."""
    owner = f"crisis:{crisis_id}" if crisis_id is not None else f"spike:{spike_id}"
    return f"{owner}:{kind}" + (f":{slot}" if slot else "")


def owe_post(
    *,
    session: Session,
    kind: PostKind,
    now: datetime,
    crisis_id: int | None = None,
    spike_id: int | None = None,
    channel_id: str | None = None,
    slot: str = "",
    due_at: datetime | None = None,
) -> bool:
    """Owe one message unless the same one is already owed; True when this call owed it.

    ``channel_id`` None means the crisis's war room, resolved when it is posted (the room may
    not exist yet when the decision is made).
    """
    return insert_first(
        session=session,
        table=CrisisPost,
        values={
            "key": post_key(kind, crisis_id=crisis_id, spike_id=spike_id, slot=slot),
            "kind": str(kind),
            "crisis_id": crisis_id,
            "spike_id": spike_id,
            "channel_id": channel_id,
            "due_at": due_at or now,
            "created_at": now,
            "attempts": 0,
            "version": 1,
        },
    )


def redraw_post(session: Session, *, kind: PostKind, crisis_id: int) -> None:
    """Ask for a posted message (the briefing) to be drawn again from a fresh read.

    An UPDATE of ``version + 1``, not read-modify-write: two changes at once both count.
    """
    key = post_key(kind, crisis_id=crisis_id)
    session.execute(
        update(CrisisPost).where(col(CrisisPost.key) == key).values(version=CrisisPost.version + 1)
    )
