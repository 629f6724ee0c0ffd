"""The clock's SLA job for handoffs: remind at 75% of the time to claim, escalate on a breach.

Each timer is marked fired (bot/workflows/handoffs/sla.py) in the same transaction as the
notices it owes, so the notices exist exactly when the timer fired: two clocks, a retry or a
restart never write them twice, and a claim or a resolve that commits first stops them. Sending
comes after the commit; a send that fails, or a process that dies before it, leaves the notice
undelivered for the repair sweep (bot/slack/approval_jobs.repair_cards_and_notices).
"""

from __future__ import annotations

import logging
from datetime import datetime

from slack_sdk import WebClient
from sqlmodel import Session

from bot.blocks.handoff_notices import (
    claim_breach_text,
    owner_resolve_breach_dm,
    reminder_text,
    resolve_breach_text,
)
from bot.services import Services
from bot.slack.notices import deliver_notices
from bot.store.db import session_scope
from bot.store.models import Handoff
from bot.workflows import notices
from bot.workflows.handoffs import sla
from bot.workflows.handoffs.sla import Timer

log = logging.getLogger(__name__)


def fire_handoff_timers(services: Services, client: WebClient) -> int:
    """Job: fire every SLA timer that is due, each with its notices; how many fired."""
    now = services.clock()
    with session_scope(services.sessions) as session:
        due = sla.due_timers(session=session, now=now)
    fired = 0
    owed: list[int] = []
    for timer, handoff_id in due:
        with session_scope(services.sessions) as session:
            handoff = sla.fire_timer(session=session, timer=timer, handoff_id=handoff_id, now=now)
            if handoff is None:
                continue  # another clock, or a claim or resolve, got there first
            owed += _queue_notices(services, session, timer, handoff, now)
        fired += 1
    sent = deliver_notices(client, services, owed)
    log.info("handoff SLA: %d timer(s) fired, %d notice(s) sent", fired, sent)
    return fired


def _queue_notices(
    services: Services, session: Session, timer: Timer, handoff: Handoff, now: datetime
) -> list[int]:
    """The notices ``timer`` owes, written in the caller's transaction; their ids."""
    # The packet's thread when it is posted, else the team channel (a packet Slack refused so far).
    team_channel = handoff.packet_channel or services.team_channel(handoff.team)
    thread = handoff.packet_ts if handoff.packet_channel else None
    escalation = services.settings.escalation_channel
    queued: list[tuple[str, str, str | None, str | None]] = []  # recipient, text, channel, thread
    if timer is Timer.REMINDER:
        if team_channel is not None:
            queued.append((team_channel, reminder_text(handoff, now), team_channel, thread))
    else:
        text = (
            claim_breach_text(handoff)
            if timer is Timer.CLAIM_BREACH
            else resolve_breach_text(handoff)
        )
        if escalation is not None:
            queued.append((escalation, text, escalation, None))
        elif team_channel is not None:
            # No escalation channel: the breach is said where the team already looks.
            queued.append((team_channel, text, team_channel, thread))
        else:
            # Neither is configured any more: the teammate who handed it off hears of it.
            queued.append((handoff.requested_by, text, None, None))
        if timer is Timer.RESOLVE_BREACH and handoff.owner_id:
            queued.append((handoff.owner_id, owner_resolve_breach_dm(handoff), None, None))
    ids: list[int] = []
    for recipient, text, channel, thread_ts in queued:
        notice = notices.add_notice(
            session=session,
            recipient_id=recipient,
            text=text,
            now=now,
            channel=channel,
            thread_ts=thread_ts,
            handoff_id=handoff.id,
        )
        assert notice.id is not None
        ids.append(notice.id)
    return ids
