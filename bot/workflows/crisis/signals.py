"""Customer signals: one row per customer message the bot handled, with its mood, for the spike
detector (``spikes``) and the crisis reports.

A message is counted once however it reaches the bot: its ``source_key`` is the Slack message
(``"C123:1700000000.0001"``) when there is one, so a message asked about as a reply request and
then handed off is one signal; otherwise the suggestion or handoff that carried it. Recording is
an INSERT that does nothing when the key is taken, so a redelivered event, two workers or a retry
count it once.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlmodel import Session, col

from bot.knowledge.sentiment import read_mood
from bot.store.claims import insert_first
from bot.store.models import CustomerSignal, Handoff, ReplySuggestion
from bot.workflows.crisis.kinds import CrisisKind
from bot.workflows.crisis.queries import running

EXCERPT_CHARS = 200  # what an alert shows of a message; the message itself is kept elsewhere


class Origin:
    SUGGESTION = "suggestion"
    HANDOFF = "handoff"
    MONITORED = "monitored"


def slack_key(channel_id: str, ts: str) -> str:
    return f"{channel_id}:{ts}"


def record_signal(
    *,
    session: Session,
    source_key: str,
    origin: str,
    text: str,
    at: datetime,
    channel_id: str | None = None,
) -> bool:
    """Count one customer message; True when this call counted it (False: counted already).

    A message in the war room of a running drill is rehearsal traffic (``drill``): kept for the
    drill's report, never counted towards a spike.
    """
    drill = running(session)
    return insert_first(
        session=session,
        table=CustomerSignal,
        values={
            "source_key": source_key[:96],
            "origin": origin,
            "at": at,
            "mood": read_mood(text).mood,
            "channel_id": channel_id,
            "excerpt": text.strip()[:EXCERPT_CHARS],
            "drill": bool(
                drill is not None
                and drill.kind == CrisisKind.DRILL
                and channel_id is not None
                and drill.war_room_channel == channel_id
            ),
        },
    )


def record_suggestion_signal(*, session: Session, row: ReplySuggestion, now: datetime) -> bool:
    """Count the customer message a reply suggestion answers (``row`` is flushed: it has an id).

    Keyed by the Slack message when the suggestion names one in its channel, so the same message
    handed off later is not counted again.
    """
    if row.channel_id and row.source_ts:
        key = slack_key(row.channel_id, row.source_ts)
    else:
        key = f"suggestion:{row.id}"
    return record_signal(
        session=session,
        source_key=key,
        origin=Origin.SUGGESTION,
        text=row.customer_text,
        at=now,
        channel_id=row.channel_id,
    )


def record_handoff_signal(
    *, session: Session, handoff: Handoff, holding_suggestion_id: int | None, now: datetime
) -> bool:
    """Count the customer message a handoff carries (the new one, or the one it found).

    Keyed by the Slack message, else by the suggestion it was handed off from, else by the
    handoff. The holding reply stored with it (``holding_suggestion_id``) answers the same
    message, so the signal that reply counted is taken back: one message, one signal, also
    when a racing handoff of the same message won and the holding reply is thrown away.
    """
    if holding_suggestion_id is not None:
        session.execute(
            delete(CustomerSignal).where(
                col(CustomerSignal.source_key) == f"suggestion:{holding_suggestion_id}"
            )
        )
    if handoff.source_key:
        key = handoff.source_key
    elif handoff.suggestion_id is not None:
        key = f"suggestion:{handoff.suggestion_id}"
    else:
        key = f"handoff:{handoff.id}"
    return record_signal(
        session=session,
        source_key=key,
        origin=Origin.HANDOFF,
        text=handoff.customer_text or handoff.summary,
        at=now,
        channel_id=handoff.source_channel,
    )
