"""Event listeners whose delivery's claim ends where their work really ends.

``create_app``'s dedupe middleware claims each Events API delivery before the ack and leaves the
claim in the context. Bolt acks an event at once and runs its listener afterwards on a worker
thread, so neither the middleware nor the ack knows whether the work succeeded. ``on_event``
wraps the listener itself: when it returns, the event is marked finished (a redelivery is a
no-op); when it raises, the claim is released (Slack's retry acts on it). A worker that dies
mid-listener leaves the claim to run out, and the next redelivery takes it over.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from bot.commands.context import services_of
from bot.services import Services
from bot.store.db import session_scope
from bot.workflows.events import finish_event, release_event

log = logging.getLogger(__name__)

EVENT_CLAIM_KEY = "socialops_event_claim"

EventHandler = Callable[[dict[str, Any], WebClient, BoltContext], None]


@dataclass(frozen=True)
class EventClaim:
    """This delivery's hold on its event (``claimed_by`` is unique to the delivery)."""

    event_id: str
    claimed_by: str


def on_event(app: App, event_type: str | re.Pattern[str], handler: EventHandler) -> None:
    """Register ``handler(event, client, context)`` for ``event_type``; its delivery is finished
    when it returns and released when it raises (the error still reaches the error handler)."""

    # Bolt fills a listener's parameters by name, so these names are Slack's, not ours.
    def listener(event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        claim = context.get(EVENT_CLAIM_KEY)
        if not isinstance(claim, EventClaim):
            handler(event, client, context)  # not a deduplicated delivery (e.g. a test app)
            return
        services = services_of(context)
        try:
            handler(event, client, context)
        except BaseException:
            _release(services, claim)
            raise
        _finish(services, claim)

    app.event(event_type)(listener)


def _finish(services: Services, claim: EventClaim) -> None:
    try:
        with session_scope(services.sessions) as session:
            finish_event(session=session, event_id=claim.event_id, now=services.clock())
    except Exception:
        # The work is done and was seen; only a redelivery after the lease could repeat it.
        log.exception("event %s: done, but not marked finished", claim.event_id)


def _release(services: Services, claim: EventClaim) -> None:
    try:
        with session_scope(services.sessions) as session:
            released = release_event(
                session=session, event_id=claim.event_id, claimed_by=claim.claimed_by
            )
    except Exception:
        # The lease runs out by itself; a redelivery after that acts.
        log.exception("event %s: failed, and its claim could not be released", claim.event_id)
        return
    log.info(
        "event %s: failed; %s",
        claim.event_id,
        "claim released for Slack's retry" if released else "its claim had passed to another",
    )
