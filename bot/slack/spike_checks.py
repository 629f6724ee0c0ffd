"""The ``spike_check`` clock job: look for a spike of upset customers once a minute.

The look itself is one transaction in the domain (bot/workflows/crisis/spikes.py); an alert it
owes is an outbox row the crisis clock posts, nudged here so it goes out at once.
"""

from __future__ import annotations

import logging

from slack_sdk import WebClient

from bot.services import Services
from bot.settings import Settings
from bot.slack.crisis_delivery import deliver_soon
from bot.store.db import session_scope
from bot.workflows.crisis.spikes import Detection, SpikePolicy, detect, reason_for

log = logging.getLogger(__name__)


def spike_policy(settings: Settings) -> SpikePolicy:
    return SpikePolicy(ratio=settings.spike_ratio, min_messages=settings.spike_min_messages)


def alert_channel(settings: Settings) -> str | None:
    """Where spike alerts go: the escalation channel, else the approvals channel."""
    return settings.escalation_channel or settings.approvals_channel


def check_spikes(services: Services, client: WebClient | None = None) -> Detection:
    """Job: open or close the spike; an opened one's alert is delivered right away."""
    settings = services.settings
    channel = alert_channel(settings)
    with session_scope(services.sessions) as session:
        found = detect(
            session, now=services.clock(), policy=spike_policy(settings), alert_channel=channel
        )
    if found.closed is not None:
        log.info("spike %s ended", found.closed)
    if found.opened is None:
        return found
    if channel is None:
        log.warning(
            "spike %s detected (%s) but not alerted: set SOCIALOPS_ESCALATION_CHANNEL",
            found.opened.id,
            reason_for(found.opened),
        )
        return found
    log.warning("spike %s detected: %s", found.opened.id, reason_for(found.opened))
    if client is not None:
        deliver_soon(services, client)
    return found
