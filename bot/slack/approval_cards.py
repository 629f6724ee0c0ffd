"""Approval cards in Slack: post, update in place, and tell the people concerned.

Shared by the listeners, the clock's jobs and the CSV import, so a card looks and behaves the same
whoever changed the draft. Every function here runs after the ack.

A card is always drawn from a fresh read of its draft, and the version drawn is recorded
(``draft.card_version``). Two redraws of one card can reach Slack in either order (one process
slow, Slack slow to apply one update), so whoever redraws checks after its ``chat.update`` whether
the draft moved meanwhile and then draws again: the last update to land is always followed by a
check that sees the newest version. A card left behind anyway (a failed update, a process killed
mid-redraw) is behind its draft in the store, and the clock's sweep redraws it.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks.approvals import build_approval_card, no_approvers_notice
from bot.blocks.text import escape_mrkdwn
from bot.core.clock import clock_owner
from bot.core.slack_ids import is_user_group
from bot.services import Services
from bot.slack.approvers import crisis_approver_entries
from bot.slack.redraws import Drawing, redraw_until_current
from bot.store.db import session_scope
from bot.store.models import Draft
from bot.workflows import drafts
from bot.workflows.drafts import Outcome
from bot.workflows.job_runs import claim_run, release_run, slot_start

log = logging.getLogger(__name__)

# Notices to admins that would otherwise come with every card (an import of N rows, N DMs each).
NO_APPROVERS_NOTICE = "notice:no-approvers"
ADMIN_NOTICE_EVERY = timedelta(days=1)


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
        crisis_approvers=crisis_approver_entries(settings),
    )


def post_card(client: WebClient, services: Services, draft: Draft) -> bool:
    """Post the card in the approvals channel and remember where it is; False when another
    process holds the post (or the card exists), so nothing was posted here.

    The post is claimed first (bot/workflows/drafts/cards.py): the draft without a card is the
    record that the card is owed, and the clock retries it, so two posters must not both post.
    A post Slack refuses gives the claim back and raises: the clock's next run tries again.
    """
    channel = services.settings.approvals_channel
    assert channel is not None, "checked before the draft was created"
    assert draft.id is not None
    with session_scope(services.sessions) as session:
        if not drafts.claim_card_post(session=session, draft_id=draft.id, now=services.clock()):
            return False
    try:
        answer = client.chat_postMessage(channel=channel, **card_message(services, draft))  # type: ignore[arg-type]
    except BaseException:
        with session_scope(services.sessions) as session:
            drafts.release_card_post(session=session, draft_id=draft.id)
        raise
    ts = str(answer["ts"])
    with session_scope(services.sessions) as session:
        drafts.attach_card(
            session=session, draft_id=draft.id, channel=channel, ts=ts, version=draft.version
        )
    draft.card_channel, draft.card_ts, draft.card_version = channel, ts, draft.version
    # A decision that came while the card was being posted found no card to redraw.
    redraw_if_behind(client, services, draft.id)
    if not services.settings.approvers:
        tell_admins_once(client, services, NO_APPROVERS_NOTICE, no_approvers_notice())
    return True


def refresh_card(client: WebClient, services: Services, draft: Draft) -> None:
    """Redraw the card in place (chat.update) after any change: see :func:`redraw_card`."""
    if draft.id is not None:
        redraw_card(client, services, draft.id)


def redraw_card(client: WebClient, services: Services, draft_id: int) -> bool:
    """Draw the card from the draft as stored now; again while the draft moved during the update
    (bot/slack/redraws.py). True when the card was left showing the draft's current version."""

    def draw() -> Drawing | None:
        with session_scope(services.sessions) as session:
            draft = drafts.get_draft(session, draft_id)
        if draft is None or draft.card_channel is None or draft.card_ts is None:
            return None
        return Drawing(
            draft.card_channel, draft.card_ts, draft.version, card_message(services, draft)
        )

    def shown(version: int) -> int | None:
        with session_scope(services.sessions) as session:
            drafts.card_shown(session=session, draft_id=draft_id, version=version)
            now = drafts.get_draft(session, draft_id)
        return None if now is None else now.version

    return redraw_until_current(client, draw=draw, shown=shown, what=f"draft {draft_id}")


def redraw_if_behind(client: WebClient, services: Services, draft_id: int) -> None:
    """Repair a card that shows an older version than its draft (a click found it stale)."""
    with session_scope(services.sessions) as session:
        draft = drafts.get_draft(session, draft_id)
    if draft is not None and draft.card_ts is not None and draft.card_version != draft.version:
        redraw_card(client, services, draft_id)


def tell_admins(client: WebClient, services: Services, text: str) -> int:
    """DM each admin (user ids; a group id is skipped, Slack cannot DM a group); returns how
    many DMs went out."""
    told = 0
    for admin in services.settings.admins:
        if is_user_group(admin):
            continue
        try:
            client.chat_postMessage(channel=admin, text=text)
            told += 1
        except SlackApiError as error:
            log.warning("could not DM admin %s: %s", admin, error.response.get("error"))
    return told


def tell_admins_once(client: WebClient, services: Services, notice_id: str, text: str) -> None:
    """DM the admins ``text`` at most once per day, however many cards, imports, processes or
    restarts ask: the day's notice is claimed in the store first (a job-run claim). When no DM
    went out the claim is given back, so the next card tries again."""
    now = services.clock()
    day = slot_start(now, ADMIN_NOTICE_EVERY)
    with session_scope(services.sessions) as session:
        won = claim_run(session=session, job_id=notice_id, due_at=day, now=now, owner=clock_owner())
    if not won:
        return
    if tell_admins(client, services, text) == 0 and services.settings.admins:
        with session_scope(services.sessions) as session:
            release_run(session=session, job_id=notice_id, due_at=day)


def tell_privately(client: WebClient, outcome: Outcome, user: str, text: str) -> None:
    """An ephemeral note beside the card, or a DM when there is no card (after a modal closed,
    no response_url is left to answer through)."""
    draft = outcome.draft
    safe = escape_mrkdwn(text)
    if draft is not None and draft.card_channel:
        client.chat_postEphemeral(channel=draft.card_channel, user=user, text=safe)
    else:
        client.chat_postMessage(channel=user, text=safe)
