"""The clock's replay of Events API deliveries that were claimed and never finished.

Slack sends an event once when it got its 200 in time, and bolt acks an event before its listener
runs, so a worker killed mid-listener (or a listener that failed) would leave a mention unanswered
for good. The claim keeps the delivery's body (bot/workflows/events.py); this job hands every
event still owed an answer back to the bolt app, where the dedupe middleware claims it again like
a redelivery and the listener finishes it.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

from slack_bolt import App, BoltRequest

from bot.services import Services
from bot.store.db import session_scope
from bot.workflows.events import events_to_replay

log = logging.getLogger(__name__)

Dispatch = Callable[[str], None]


def replay_owed_events(services: Services, dispatch: Dispatch) -> int:
    """Job: dispatch every event still owed an answer; returns how many were replayed."""
    with session_scope(services.sessions) as session:
        bodies = events_to_replay(session=session, now=services.clock())
    for body in bodies:
        dispatch(body)
    if bodies:
        log.info("replayed %d unfinished event(s)", len(bodies))
    return len(bodies)


def bolt_dispatcher(app: App) -> Dispatch:
    """Replay a stored delivery through ``app``'s middleware and listeners."""

    def dispatch(body: str) -> None:
        # Its signature was checked when Slack first sent it; the body has been in our store
        # since. Bolt skips the signature check for Socket Mode requests, which carry none.
        response = app.dispatch(BoltRequest(body=json.loads(body), mode="socket_mode"))
        if response.status != 200:
            log.warning("replayed event answered %s: %s", response.status, response.body[:200])

    return dispatch
