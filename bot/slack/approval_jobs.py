"""The clock's approval jobs: remind approvers of waiting drafts, expire the overdue ones, and
repair what a crash or a slow Slack left behind (cards behind their draft, undelivered notices).

They call the same workflows as the buttons and draw the same cards. With two clock processes,
each run is claimed first (bot/runtime/job_slots.py), so one of them acts per slot; the
conditional UPDATEs in the workflows are the second guard (a draft is reminded or expired once).
"""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks.approvals import expired_notice, reminder_text
from bot.services import Services
from bot.slack.approval_cards import redraw_card, refresh_card
from bot.slack.approvers import crisis_approver_entries
from bot.slack.notices import deliver_notices, deliver_undelivered
from bot.store.db import session_scope
from bot.store.models import Draft
from bot.workflows import drafts, notices

log = logging.getLogger(__name__)


def waiting_on(services: Services, draft: Draft) -> list[str]:
    """Who the reminder mentions: the configured approvers (ids or groups) not yet heard from,
    the risk approvers while a risk approval is missing, and the crisis approvers (the admins
    standing in) while a running crisis's extra approval is."""
    with session_scope(services.sessions) as session:
        progress = drafts.progress_of(session, draft)
    settings = services.settings
    people: list[str] = []
    if len(progress.given) < progress.required:
        people += [
            a for a in settings.approvers if a not in progress.given and a != draft.author_id
        ]
    if progress.risk_needed:
        people += [a for a in settings.risk_approvers if a not in people]
    if progress.crisis_needed:
        people += [
            a
            for a in crisis_approver_entries(settings)
            if a not in people and a not in progress.given and a != draft.author_id
        ]
    return people


def send_reminders(services: Services, client: WebClient) -> int:
    """Job: one reminder per interval in the card's thread of each draft still pending."""
    now = services.clock()
    with session_scope(services.sessions) as session:
        due = drafts.claim_reminders(
            session=session, now=now, remind_after=services.settings.approval_remind_after
        )
    for draft in due:
        if not (draft.card_channel and draft.card_ts):
            continue
        age = now - (draft.submitted_at or draft.created_at)
        try:
            client.chat_postMessage(
                channel=draft.card_channel,
                thread_ts=draft.card_ts,
                text=reminder_text(draft, waiting_on(services, draft), age),
            )
        except SlackApiError as error:
            log.warning("reminder for draft %s failed: %s", draft.id, error.response.get("error"))
    log.info("approval reminders: %d sent", len(due))
    return len(due)


def expire_drafts(services: Services, client: WebClient | None) -> int:
    """Job: pending drafts past their time become expired; card and author are told (the
    author's notice is queued with the expiry, so it is sent even if this run dies)."""
    notice_ids: list[int] = []
    with session_scope(services.sessions) as session:
        now = services.clock()
        expired = drafts.expire_overdue(
            session=session, now=now, expire_after=services.settings.approval_expire_after
        )
        for draft in expired:
            notice = notices.add_notice(
                session=session,
                recipient_id=draft.author_id,
                text=expired_notice(draft),
                now=now,
                draft_id=draft.id,
            )
            assert notice.id is not None
            notice_ids.append(notice.id)
    if client is not None:
        for draft in expired:
            try:
                refresh_card(client, services, draft)
            except SlackApiError as error:
                log.warning(
                    "card of expired draft %s not redrawn: %s",
                    draft.id,
                    error.response.get("error"),
                )
        deliver_notices(client, services, notice_ids)
    log.info("approval expiry: %d draft(s) expired", len(expired))
    return len(expired)


def repair_cards_and_notices(services: Services, client: WebClient) -> tuple[int, int]:
    """Job: redraw every card behind its draft, and deliver every notice still undelivered.

    What a click could not finish (killed after its commit, a chat.update that failed or landed
    out of order, a DM Slack refused) is finished here; (cards redrawn, notices sent).
    """
    with session_scope(services.sessions) as session:
        behind = drafts.cards_behind(session=session)
    redrawn = 0
    for draft_id in behind:
        try:
            redrawn += redraw_card(client, services, draft_id)
        except SlackApiError as error:
            log.warning("card of draft %s not redrawn: %s", draft_id, error.response.get("error"))
    sent = deliver_undelivered(client, services)
    log.info("repair: %d card(s) redrawn, %d notice(s) delivered", redrawn, sent)
    return redrawn, sent
