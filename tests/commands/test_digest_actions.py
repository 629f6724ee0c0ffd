"""The digest's buttons, driven as Slack drives them (signed HTTP into the bot, Web API calls to
the emulator): Open queue, Approve by an approver and by someone who is not one, Add to FAQ.

The digest is built from hand-made figures that name real drafts and a real FAQ gap in the
store, and posted to a channel; the clicks carry what that message's buttons carry."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from slack_sdk import WebClient
from sqlmodel import select

from bot.blocks.digest_text import sample_figures
from bot.blocks.digests import (
    DIGEST_APPROVE_ACTION,
    DIGEST_OPEN_QUEUE_ACTION,
    build_digest_message,
)
from bot.blocks.replies import ADD_TO_FAQ_ACTION
from bot.store.models import AuditEntry, Draft
from bot.workflows import faq_gaps
from bot.workflows.digests.figures import (
    ApprovalFigures,
    Count,
    DigestFigures,
    PendingDraft,
    ReplyFigures,
)
from slack_emulator.signed_client import BotResponse
from tests.commands.test_approvals import (
    AUTHOR,
    JONAS,
    STRANGER,
    draft_row,
    ephemeral_texts,
    shown_modal,
    submitted_draft,
    wait_until,
)
from tests.harness import RunningBot

DIGEST_CHANNEL = "C0SOCIAL"
QUESTION = "do you ship <!channel> to {{ 7*7 }} islands?"


def post_digest(bot: RunningBot) -> dict[str, Any]:
    """A digest naming the store's pending drafts and its top gap, posted as the clock would."""
    now = datetime.now(UTC)
    with bot.services.sessions() as session:
        waiting = list(session.exec(select(Draft).where(Draft.state == "pending")))
        gap = faq_gaps.record_gap(session=session, text=QUESTION, now=now)
        session.commit()
        assert gap is not None
        assert gap.id is not None
        pending = tuple(
            PendingDraft(d.id or 0, d.author_id, d.text, d.submitted_at or now) for d in waiting
        )
        hashes = {d.id or 0: d.text_hash[:12] for d in waiting}
        gap_count = Count(str(gap.id), QUESTION, 3, gap_id=gap.id)
    base = sample_figures(now)
    figures = DigestFigures(
        start=now - timedelta(hours=24),
        end=now,
        approvals=ApprovalFigures(
            submitted=len(pending),
            approved=0,
            rejected=0,
            expired=0,
            pending_under_4h=len(pending),
            pending_under_24h=0,
            pending_older=0,
            median_time_to_approve=None,
            oldest_pending=pending,
        ),
        scheduled_today={},
        handoffs=base.handoffs,
        replies=ReplyFigures(
            suggestions=3,
            answered_from_faq=0,
            sent_for_approval=0,
            top_entries=(),
            top_gaps=(gap_count,),
            moods={},
        ),
    )
    message = build_digest_message("# Daily digest\n\nHello", figures, seen_hashes=hashes, now=now)
    client = WebClient(token=bot.emulator.bot_token, base_url=bot.emulator.api_url)
    posted = client.chat_postMessage(channel=DIGEST_CHANNEL, **message)
    assert posted["ok"]
    return dict(posted["message"])


def button_value(message: dict[str, Any], action_id: str, index: int = 0) -> str:
    found = [
        element["value"]
        for block in message["blocks"]
        for element in [block.get("accessory", {}), *block.get("elements", [])]
        if isinstance(element, dict) and element.get("action_id") == action_id
    ]
    return str(found[index])


def click(
    bot: RunningBot, message: dict[str, Any], action_id: str, user: str, index: int = 0
) -> BotResponse:
    value = button_value(message, action_id, index)
    return bot.slack.click(
        action_id, value, user_id=user, message=message, channel_id=DIGEST_CHANNEL
    )


def test_open_queue_shows_the_queue_only_to_the_clicker(approvals_bot: RunningBot) -> None:
    bot = approvals_bot
    submitted_draft(bot, "First")
    submitted_draft(bot, "Second")
    digest = post_digest(bot)
    assert click(bot, digest, DIGEST_OPEN_QUEUE_ACTION, JONAS).status == 200
    [queue] = bot.emulator.wait_for("response_url")
    assert queue.args["response_type"] == "ephemeral"
    assert queue.args["replace_original"] is False
    assert queue.args["text"] == "2 draft(s) waiting for approval"
    assert "Approve selected" in json.dumps(queue.args["blocks"])  # Jonas approves
    assert bot.emulator.violations == []


def test_an_approver_approves_from_the_digest_and_the_card_is_redrawn(
    approvals_bot: RunningBot,
) -> None:
    bot = approvals_bot
    submitted_draft(bot, "Our autumn range is here!")
    digest = post_digest(bot)
    updates_before = len(bot.emulator.calls_to("chat.update"))
    assert click(bot, digest, DIGEST_APPROVE_ACTION, JONAS).status == 200
    wait_until(lambda: any("is approved" in t for t in ephemeral_texts(bot)))
    assert draft_row(bot).state == "approved"
    # The clicker is told first; the card is redrawn just after.
    wait_until(lambda: len(bot.emulator.calls_to("chat.update")) > updates_before)
    [update] = bot.emulator.calls_to("chat.update")[updates_before:]
    # The card in the approvals channel, not the digest.
    assert update.args["channel"] == "C0APPROVALS"
    assert update.args["ts"] == draft_row(bot).card_ts
    assert update.args["ts"] != digest["ts"]
    replies = bot.emulator.calls_to("response_url")
    assert all(c.args.get("replace_original") is False for c in replies)
    [digest_now] = [m for m in bot.emulator.messages_in(DIGEST_CHANNEL) if m["ts"] == digest["ts"]]
    assert digest_now["blocks"] == digest["blocks"]
    assert bot.emulator.violations == []


def test_someone_who_may_not_approve_gets_the_usual_refusal(approvals_bot: RunningBot) -> None:
    bot = approvals_bot
    submitted_draft(bot)
    digest = post_digest(bot)
    click(bot, digest, DIGEST_APPROVE_ACTION, STRANGER)
    wait_until(lambda: any("not authorized" in t for t in ephemeral_texts(bot)))
    assert draft_row(bot).state == "pending"
    with bot.services.sessions() as session:
        actions = [e.action for e in session.exec(select(AuditEntry))]
    assert "denied_approve" in actions
    # And the author may not approve their own draft from a digest either.
    click(bot, digest, DIGEST_APPROVE_ACTION, AUTHOR)
    wait_until(lambda: any("someone else" in t for t in ephemeral_texts(bot)))
    assert draft_row(bot).state == "pending"


def test_approve_on_text_edited_since_the_digest_is_refused_as_stale(
    approvals_bot: RunningBot,
) -> None:
    bot = approvals_bot
    submitted_draft(bot, "Original words")
    digest = post_digest(bot)
    draft_id, _, seen = button_value(digest, DIGEST_APPROVE_ACTION).partition(":")
    forged = f"{draft_id}:{'f' * 12}"  # a hash of text the draft no longer has
    assert seen != "f" * 12
    bot.slack.click(
        DIGEST_APPROVE_ACTION, forged, user_id=JONAS, message=digest, channel_id=DIGEST_CHANNEL
    )
    wait_until(lambda: any("is not approved" in t for t in ephemeral_texts(bot)))
    assert draft_row(bot).state == "pending"


def test_a_damaged_approve_value_changes_nothing(approvals_bot: RunningBot) -> None:
    bot = approvals_bot
    submitted_draft(bot)
    digest = post_digest(bot)
    bot.slack.click(
        DIGEST_APPROVE_ACTION, "1:<!channel>", user_id=JONAS, message=digest,
        channel_id=DIGEST_CHANNEL,
    )  # fmt: skip
    wait_until(lambda: any("damaged" in t for t in ephemeral_texts(bot)))
    assert draft_row(bot).state == "pending"


def test_add_to_faq_opens_the_faq_modal_with_the_question(approvals_bot: RunningBot) -> None:
    bot = approvals_bot
    digest = post_digest(bot)
    shown = json.dumps(digest["blocks"], ensure_ascii=False)
    assert "<!channel>" not in shown
    assert "&lt;!channel&gt;" in shown
    assert "{{ 7*7 }}" in shown
    assert click(bot, digest, ADD_TO_FAQ_ACTION, JONAS).status == 200
    view = shown_modal(bot)
    question = next(b for b in view["blocks"] if b["block_id"] == "question")
    assert question["element"]["initial_value"] == QUESTION
    assert bot.emulator.violations == []
