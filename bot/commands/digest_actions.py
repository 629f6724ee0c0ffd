"""The digest's buttons: Open queue, Approve on the oldest pending drafts. (Add to FAQ is the
FAQ gap button itself, ``faq_gap_add``, handled in ``bot.commands.faq``.)

Approve goes through the card's own decision (``approvals.decide_approve``: the approver policy,
the stale-text check, the audit, the author's notice) and, once acked, redraws the *card* in the
approvals channel. The digest message is left as it is: it is a report of the morning, and
redrawing it as a card would replace the report. The clicker reads the result ephemerally.
"""

from __future__ import annotations

from slack_bolt import App

from bot.blocks.approvals import parse_card_value
from bot.blocks.digests import DIGEST_APPROVE_ACTION, DIGEST_OPEN_QUEUE_ACTION
from bot.blocks.text import escape_mrkdwn
from bot.commands import kit
from bot.commands.approvals import CardTarget, decide_approve, queue_message
from bot.commands.kit import ButtonCall
from bot.slack.decisions import Decision, after_decision


def register(app: App) -> None:
    kit.button(app, DIGEST_OPEN_QUEUE_ACTION, parse=kit.any_value, handler=_open_queue)
    kit.deciding_button(
        app,
        DIGEST_APPROVE_ACTION,
        parse=kit.required(parse_card_value),
        decide=decide_approve,
        after=_after_approve,
    )


def _open_queue(call: ButtonCall[str]) -> None:
    """The queue, as `/social queue` shows it, below the digest for the clicker only."""
    call.respond(**queue_message(call.services, call.client, call.user_id), replace_original=False)


def _after_approve(call: ButtonCall[CardTarget], decision: Decision) -> None:
    call.tell(approve_result(call.value[0], decision))
    after_decision(call.client, call.services, decision)


def approve_result(draft_id: int, decision: Decision) -> str:
    """One line for the clicker: approved, approved but still waiting for another approver, or
    the usual refusal."""
    outcome = decision.outcome
    if outcome.refused is not None:
        return f"Draft #{draft_id} is not approved: {escape_mrkdwn(outcome.detail)}"
    if outcome.to_state == "approved" or outcome.to_state == "scheduled":
        return f"Draft #{draft_id} is approved; its card is updated."
    state = (outcome.to_state or "pending").replace("_", " ")
    return f"Your approval of draft #{draft_id} is recorded; it is still {state}."
