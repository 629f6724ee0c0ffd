"""Approval cards in Slack: post, update in place, and tell the people concerned.

Shared by the listeners, the clock's jobs and the CSV import, so a card looks and behaves the same
whoever changed the draft. Every function here runs after the ack.
"""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks.approvals import build_approval_card, decision_notice, no_approvers_notice
from bot.blocks.text import escape_mrkdwn
from bot.core.slack_ids import is_user_group
from bot.services import Services
from bot.store.db import session_scope
from bot.store.models import Draft
from bot.workflows import drafts
from bot.workflows.drafts import Outcome

log = logging.getLogger(__name__)


def card_message(services: Services, draft: Draft) -> dict[str, object]:
    """The card for the draft as it is now: progress and check warnings read fresh."""
    with session_scope(services.sessions) as session:
        progress = drafts.progress_of(session, draft)
    settings = services.settings
    return build_approval_card(
        draft,
        progress,
        warnings=drafts.warnings_for(draft, services.check_policy),
        zone=settings.zone,
        approvers_configured=bool(settings.approvers),
    )


def post_card(client: WebClient, services: Services, draft: Draft) -> None:
    """Post the card in the approvals channel and remember where it is."""
    channel = services.settings.approvals_channel
    assert channel is not None, "checked before the draft was created"
    assert draft.id is not None
    answer = client.chat_postMessage(channel=channel, **card_message(services, draft))  # type: ignore[arg-type]
    ts = str(answer["ts"])
    with session_scope(services.sessions) as session:
        drafts.attach_card(session=session, draft_id=draft.id, channel=channel, ts=ts)
    draft.card_channel, draft.card_ts = channel, ts
    if not services.settings.approvers:
        tell_admins(client, services, no_approvers_notice())


def refresh_card(client: WebClient, services: Services, draft: Draft) -> None:
    """Redraw the card in place (chat.update) after any change."""
    if draft.card_channel is None or draft.card_ts is None:
        return
    client.chat_update(
        channel=draft.card_channel,
        ts=draft.card_ts,
        **card_message(services, draft),  # type: ignore[arg-type]
    )


def tell_author(client: WebClient, draft: Draft, text: str) -> None:
    """In the card's thread when there is a card, else by DM."""
    if draft.card_channel and draft.card_ts:
        client.chat_postMessage(channel=draft.card_channel, thread_ts=draft.card_ts, text=text)
    else:
        client.chat_postMessage(channel=draft.author_id, text=text)


def tell_admins(client: WebClient, services: Services, text: str) -> None:
    """DM each admin (user ids; a group id is skipped, Slack cannot DM a group)."""
    for admin in services.settings.admins:
        if is_user_group(admin):
            continue
        try:
            client.chat_postMessage(channel=admin, text=text)
        except SlackApiError as error:
            log.warning("could not DM admin %s: %s", admin, error.response.get("error"))


def after_change(
    client: WebClient,
    services: Services,
    outcome: Outcome,
    actor: str,
    action: str,
    note: str | None,
) -> None:
    """A decision went through: redraw the card, and tell the author unless they made it."""
    draft = outcome.draft
    if draft is None:
        return
    refresh_card(client, services, draft)
    if actor != draft.author_id:
        tell_author(client, draft, decision_notice(draft, actor, action, note))


def tell_privately(client: WebClient, outcome: Outcome, user: str, text: str) -> None:
    """An ephemeral note beside the card, or a DM when there is no card (after a modal closed,
    no response_url is left to answer through)."""
    draft = outcome.draft
    safe = escape_mrkdwn(text)
    if draft is not None and draft.card_channel:
        client.chat_postEphemeral(channel=draft.card_channel, user=user, text=safe)
    else:
        client.chat_postMessage(channel=user, text=safe)
