"""Deliver the outbox's notices (bot/workflows/notices.py): at least once, one sender at a time.

Right after a decision's ack the listener delivers the notices it wrote; the clock's sweep
delivers whatever is left (a send that failed, a process that died before or during it).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.services import Services
from bot.store.db import session_scope
from bot.workflows import drafts, notices

log = logging.getLogger(__name__)


def deliver_notice(client: WebClient, services: Services, notice_id: int) -> bool:
    """Send one notice if nobody holds or has sent it; True when this call delivered it.

    Where the notice says (a channel, a thread in it); else in the card's thread when its draft
    has a card (read now: the card may have come later); else by DM to the recipient.
    """
    with session_scope(services.sessions) as session:
        notice = notices.claim_notice(session=session, notice_id=notice_id, now=services.clock())
        draft = (
            drafts.get_draft(session, notice.draft_id)
            if notice is not None and notice.draft_id is not None
            else None
        )
    if notice is None:
        return False
    try:
        if notice.channel:
            client.chat_postMessage(
                channel=notice.channel, thread_ts=notice.thread_ts, text=notice.text
            )
        elif draft is not None and draft.card_channel and draft.card_ts:
            client.chat_postMessage(
                channel=draft.card_channel, thread_ts=draft.card_ts, text=notice.text
            )
        else:
            client.chat_postMessage(channel=notice.recipient_id, text=notice.text)
    except SlackApiError as error:
        log.warning("notice %s not delivered: %s", notice_id, error.response.get("error"))
        with session_scope(services.sessions) as session:
            notices.release_notice(session=session, notice_id=notice_id)
        return False
    # A crash here sends the notice again once the lease runs out: twice rather than never.
    with session_scope(services.sessions) as session:
        notices.mark_delivered(session=session, notice_id=notice_id, now=services.clock())
    return True


def deliver_notices(client: WebClient, services: Services, notice_ids: Iterable[int]) -> int:
    """Deliver each of ``notice_ids``; how many this call sent."""
    return sum(deliver_notice(client, services, notice_id) for notice_id in notice_ids)


def deliver_undelivered(client: WebClient, services: Services) -> int:
    """Every notice due a (re)send, oldest first; how many were sent."""
    with session_scope(services.sessions) as session:
        due = notices.undelivered_notices(session=session, now=services.clock())
    return deliver_notices(client, services, due)
