"""Handoff packets in the team channel: start a handoff and post its packet, redraw it after a
move, and the clock's job that posts the packets still owed and redraws the ones behind.

A live handoff without ``packet_ts`` is the durable record that its packet is owed
(bot/workflows/handoffs/packets.py). Whoever posts it (the listener that started the handoff,
the clock's retry) claims the post first, so two posters never both post; a post Slack refuses
gives the claim back and the clock's next run tries again. Every function here runs after the
ack.
"""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.blocks.handoffs import build_packet
from bot.services import Services
from bot.slack.card_posting import slack_problem
from bot.slack.redraws import Drawing, redraw_until_current
from bot.store.db import session_scope
from bot.workflows.handoffs import packets
from bot.workflows.handoffs.create import HandoffInvalid, HandoffRequest, Started, start_handoff
from bot.workflows.handoffs.create import validate as validate_request
from bot.workflows.handoffs.queries import get_handoff

log = logging.getLogger(__name__)

# Packets one clock run posts at most (Slack allows about one message a second per channel).
PACKETS_PER_RUN = 100

CHANNEL_SETTINGS = {"support": "SOCIALOPS_SUPPORT_CHANNEL", "sales": "SOCIALOPS_SALES_CHANNEL"}


class NoTeamChannel(HandoffInvalid):
    """The team has no channel configured: nowhere to post its packet."""


def start_and_post(client: WebClient, services: Services, request: HandoffRequest) -> Started:
    """Store the handoff (or find the one this message already has) and post its packet.

    Raises HandoffInvalid (NoTeamChannel among them) before anything is stored. A packet Slack
    refuses leaves the handoff recorded and owed a packet: the clock posts it.
    """
    started = start(services, request)
    if not started.existing and started.handoff.id is not None:
        post_packet(client, services, started.handoff.id)
    return started


def start(services: Services, request: HandoffRequest) -> Started:
    """:func:`start_and_post` without the post (no Slack call: a listener may run it before its
    ack, so the 200 means the handoff is stored, and post after)."""
    validate_request(request)
    if services.team_channel(request.team) is None:
        setting = CHANNEL_SETTINGS[request.team]
        raise NoTeamChannel(
            f"The {request.team} team has no channel yet: set {setting} to hand off to it."
        )
    with session_scope(services.sessions) as session:
        return start_handoff(
            session=session,
            request=request,
            sla=services.team_sla(request.team),
            now=services.clock(),
        )


def post_packet(client: WebClient, services: Services, handoff_id: int) -> bool:
    """Post the packet in its team's channel; False when it was not posted by this call (Slack
    refused it: the claim is given back for the clock's retry; or it is posted, closed, being
    posted elsewhere, or the team has no channel)."""
    try:
        return _post_packet(client, services, handoff_id)
    except SlackApiError as error:
        log.warning("packet of handoff %s not posted yet: %s", handoff_id, slack_problem(error))
        return False


def _post_packet(client: WebClient, services: Services, handoff_id: int) -> bool:
    """:func:`post_packet` that raises what Slack said (after giving the claim back)."""
    with session_scope(services.sessions) as session:
        handoff = get_handoff(session, handoff_id)
        channel = services.team_channel(handoff.team) if handoff is not None else None
        if handoff is None or channel is None:
            return False
        if not packets.claim_packet_post(
            session=session, handoff_id=handoff_id, now=services.clock()
        ):
            return False
    try:
        answer = client.chat_postMessage(channel=channel, **build_packet(handoff))
    except BaseException:
        with session_scope(services.sessions) as session:
            packets.release_packet_post(session=session, handoff_id=handoff_id)
        raise
    with session_scope(services.sessions) as session:
        packets.packet_posted(
            session=session,
            handoff_id=handoff_id,
            channel=str(answer["channel"]),
            ts=str(answer["ts"]),
            version=handoff.version,
        )
    # A move made while the packet was being posted found no packet to redraw.
    redraw_if_behind(client, services, handoff_id)
    return True


def redraw_packet(client: WebClient, services: Services, handoff_id: int) -> bool:
    """Draw the packet from the handoff as stored now (chat.update), again while it moved
    meanwhile; True when the packet was left showing the current version."""

    def draw() -> Drawing | None:
        with session_scope(services.sessions) as session:
            handoff = get_handoff(session, handoff_id)
        if handoff is None or handoff.packet_channel is None or handoff.packet_ts is None:
            return None
        return Drawing(
            handoff.packet_channel, handoff.packet_ts, handoff.version, build_packet(handoff)
        )

    def shown(version: int) -> int | None:
        with session_scope(services.sessions) as session:
            packets.packet_shown(session=session, handoff_id=handoff_id, version=version)
            now = get_handoff(session, handoff_id)
        return None if now is None else now.version

    return redraw_until_current(client, draw=draw, shown=shown, what=f"handoff {handoff_id}")


def redraw_if_behind(client: WebClient, services: Services, handoff_id: int) -> None:
    with session_scope(services.sessions) as session:
        handoff = get_handoff(session, handoff_id)
    if handoff is not None and handoff.packet_ts and handoff.packet_version != handoff.version:
        redraw_packet(client, services, handoff_id)


def repair_handoff_packets(services: Services, client: WebClient) -> int:
    """Job: post every packet still owed (Slack refused it, a crash before the post), and redraw
    the packets behind their handoff; returns how many packets were posted.

    Posting stops at Slack's first refusal, like the approval cards' retry: the next would most
    likely be refused too, and hammering a rate-limited Slack only lengthens the wait.
    """
    now = services.clock()
    with session_scope(services.sessions) as session:
        owed = packets.handoffs_missing_packets(session=session, now=now, limit=PACKETS_PER_RUN)
        behind = packets.packets_behind(session=session, limit=PACKETS_PER_RUN)
    posted = 0
    for handoff_id in owed:
        try:
            posted += _post_packet(client, services, handoff_id)
        except (SlackClientError, OSError) as error:
            log.warning(
                "handoff packets: %d posted, the rest wait for the next run: %s",
                posted,
                slack_problem(error),
            )
            break
    for handoff_id in behind:
        try:
            redraw_packet(client, services, handoff_id)
        except (SlackClientError, OSError) as error:
            log.warning("packet of handoff %s not redrawn: %s", handoff_id, slack_problem(error))
            break
    if posted:
        log.info("handoff packets: %d posted by the retry", posted)
    return posted
