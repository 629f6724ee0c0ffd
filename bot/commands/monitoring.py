"""Messages in SOCIALOPS_MONITORED_CHANNELS, read through the Events API (``message.channels``
and ``message.groups``): each customer message is one signal for the spike detector.

Only what a person wrote counts: the bot's own messages (bolt drops them), other apps' (a
``bot_id``) and housekeeping subtypes (edits, deletions, joins, topic changes) are skipped. A
reply also sent to the channel (``thread_broadcast``) and a message with a file are still a
person's words, so they count.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from bot.commands.context import services_of
from bot.commands.events import on_event
from bot.store.db import session_scope
from bot.workflows.crisis.signals import Origin, record_signal, slack_key
from bot.workflows.reply_requests import plain_from_slack

log = logging.getLogger(__name__)

# Subtypes that are still a person's message; every other subtype is housekeeping.
PERSON_SUBTYPES = frozenset({"thread_broadcast", "file_share"})


def register(app: App) -> None:
    on_event(app, "message", _message)


def is_monitored_message(body: dict[str, Any], monitored: Sequence[str]) -> bool:
    """Whether an Events API delivery is a message the spike detector counts.

    The dedupe middleware asks this too: a message anywhere else (every channel the bot is in
    sends them) is not worth a claim row in the store.
    """
    event = body.get("event")
    if body.get("type") != "event_callback" or not isinstance(event, dict):
        return False
    return event.get("type") == "message" and counts(event, monitored)


def counts(event: dict[str, Any], monitored: Sequence[str]) -> bool:
    subtype = event.get("subtype")
    return (
        event.get("channel") in monitored
        and (subtype is None or subtype in PERSON_SUBTYPES)
        and not event.get("bot_id")
        and isinstance(event.get("user"), str)
        and isinstance(event.get("ts"), str)
    )


def _message(event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    services = services_of(context)
    if not counts(event, services.settings.monitored_channels):
        return
    channel, ts = str(event["channel"]), str(event["ts"])
    text = plain_from_slack(str(event.get("text") or ""))
    with session_scope(services.sessions) as session:
        counted = record_signal(
            session=session,
            source_key=slack_key(channel, ts),
            origin=Origin.MONITORED,
            text=text,
            at=services.clock(),
            channel_id=channel,
        )
    if not counted:
        log.info("message %s in %s was counted already", ts, channel)
