"""Block Kit for suggested replies: the placeholder, the suggestion with its buttons, abstentions.

Pure builders. The customer's words and the draft are escaped (``<!channel>`` notifies nobody) and
cut so a section never passes Slack's 3,000 characters.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.blocks.crisis_banner import crisis_banner
from bot.blocks.kit import (
    actions,
    button,
    context,
    input_block,
    message,
    modal,
    option,
    section,
    text_input,
    text_message,
)
from bot.blocks.text import echo_user_text
from bot.core.networks import NETWORKS, display_name

SEND_ACTION = "reply_send"
ANOTHER_ACTION = "reply_another"
HAND_OFF_ACTION = "reply_hand_off"
NOT_HELPFUL_ACTION = "reply_not_helpful"
EDIT_ACTION = "reply_edit"
EDIT_VIEW = "reply_edit_view"
# Every network's limit is below it, so a reply that fits somewhere fits the form.
EDIT_INPUT_MAX = 3_000
ADD_TO_FAQ_ACTION = "faq_gap_add"
USE_CANDIDATE_ACTION = "reply_use_candidate"

QUOTE_CHARS = 600  # enough of the customer's message to recognise it
# What crisis mode means for a suggestion, after the banner.
CRISIS_SUGGESTION_MEANS = "replies use pre-approved crisis templates only, with no model polish"
DRAFT_CHARS = 2_800


def _quote(customer_text: str) -> str:
    lines = echo_user_text(" ".join(customer_text.split()), QUOTE_CHARS)
    return f"> {lines}" if lines else "> (empty message)"


def build_drafting_placeholder() -> dict[str, Any]:
    text = ":hourglass_flowing_sand: Drafting a reply from the FAQ…"
    return text_message(text)


def confidence_label(confidence: float) -> str:
    level = "high" if confidence >= 0.7 else "medium" if confidence >= 0.5 else "low"
    return f"{round(confidence * 100)}% ({level})"


def build_suggestion_message(
    *,
    suggestion_id: int,
    customer_text: str,
    text: str,
    faq_id: str | None,
    template_id: str | None,
    confidence: float,
    option: int,
    options: int,
    polished: bool,
    note: str | None,
    network: str,
    mood: str | None = None,
    fit_problem: str | None = None,
    edited_by: str | None = None,
    sent_draft_id: int | None = None,
    not_helpful_by: str | None = None,
    crisis_kind: str | None = None,
    crisis_approvers: Sequence[str] = (),
    chosen_by_model: bool = False,
) -> dict[str, Any]:
    """The suggested reply with its sources (citations), confidence and buttons.

    ``chosen_by_model``: the model, not the matcher, chose the FAQ entry; said beside it.

    ``crisis_kind``: made while a crisis or drill ran, so it carries the crisis banner.

    ``fit_problem`` is why Send for approval would refuse the text as it is (too long for the
    network): it is said here, before anyone clicks, with Edit as the way out.
    """
    # A handoff's holding reply may answer no FAQ entry: its template is its only source.
    sources = [f"FAQ `{faq_id}`"] if faq_id else []
    if faq_id and chosen_by_model:
        sources.append("picked by the model")
    if template_id:
        sources.append(f"template `{template_id}`")
    facts = [f"for {display_name(network)}", *sources]
    if faq_id:
        facts.append(f"confidence {confidence_label(confidence)}")
    if options > 1:
        facts.append(f"option {option + 1} of {options}")
    if edited_by:
        facts.append(f"edited by <@{edited_by}>")
    else:
        facts.append("polished by the model" if polished else "template text")
    if mood == "upset" and not edited_by:
        facts.append("the customer sounds upset")
    blocks: list[dict[str, Any]] = _banner(crisis_kind, crisis_approvers)
    blocks += [
        section("*Suggested reply to:*\n" + _quote(customer_text)),
        section(echo_user_text(text, DRAFT_CHARS)),
        context(" · ".join(facts)),
    ]
    if fit_problem and sent_draft_id is None:
        blocks.append(
            section(
                ":warning: *Not sendable as it is:* "
                + echo_user_text(fit_problem, 500)
                + " Use *Edit* to shorten it (or pick another network)."
            )
        )
    if note:
        blocks.append(context(":information_source: " + echo_user_text(note, 500)))
    if not_helpful_by:
        blocks.append(
            context(f"Marked not helpful by <@{not_helpful_by}>; it is counted as an FAQ gap.")
        )
    value = str(suggestion_id)
    if sent_draft_id is not None:
        blocks.append(
            context(f":white_check_mark: Sent for approval as reply draft #{sent_draft_id}.")
        )
        buttons = [button("Hand off", HAND_OFF_ACTION, value)]
    else:
        buttons = [
            button(
                "Send for approval", SEND_ACTION, value, style=None if fit_problem else "primary"
            ),
            button("Edit", EDIT_ACTION, value, style="primary" if fit_problem else None),
        ]
        if options > 1:
            buttons.append(button("Another option", ANOTHER_ACTION, value))
        buttons.append(button("Hand off", HAND_OFF_ACTION, value))
        if not_helpful_by is None:
            buttons.append(button("Not helpful", NOT_HELPFUL_ACTION, value))
    blocks.append(actions("reply_actions", buttons))
    return message(f"Suggested reply (FAQ {faq_id})" if faq_id else "Suggested reply", blocks)


def build_reply_edit_modal(
    *, suggestion_id: int, text: str, network: str, response_url: str | None = None
) -> dict[str, Any]:
    """The suggestion's text to change before it goes for approval, and where it goes."""
    options = [option(n.display_name, n.id) for n in NETWORKS.values()]
    select: dict[str, Any] = {
        "type": "static_select",
        "action_id": "value",
        "options": options,
        "initial_option": next(o for o in options if o["value"] == network),
    }
    limit = NETWORKS[network].limit
    blocks = [
        input_block(
            "text",
            "Reply",
            text_input(max_length=EDIT_INPUT_MAX, multiline=True, initial_value=text),
            hint=f"{display_name(network)} takes {limit:,} characters; links count as the "
            "network counts them.",
        ),
        input_block("network", "Network", select),
    ]
    return modal(
        callback_id=EDIT_VIEW,
        private_metadata=json.dumps({"suggestion_id": suggestion_id, "response_url": response_url}),
        title="Edit reply",
        submit="Save",
        blocks=blocks,
    )


def _banner(crisis_kind: str | None, crisis_approvers: Sequence[str]) -> list[dict[str, Any]]:
    if crisis_kind is None:
        return []
    return [crisis_banner(crisis_kind, crisis_approvers, more=CRISIS_SUGGESTION_MEANS)]


def build_abstention_message(
    *,
    suggestion_id: int,
    customer_text: str,
    gap_id: int | None,
    note: str | None = None,
    crisis_kind: str | None = None,
    crisis_approvers: Sequence[str] = (),
) -> dict[str, Any]:
    """No FAQ entry answers this well enough, so the bot says so instead of guessing; in crisis
    mode ``note`` says why nothing is suggested (no crisis template fits)."""
    if crisis_kind is not None:
        return message(
            "No crisis template for this message",
            [
                *_banner(crisis_kind, crisis_approvers),
                section("*Suggested reply to:*\n" + _quote(customer_text)),
                section(":mag: " + echo_user_text(note or "No crisis template fits.", 500)),
                actions("reply_actions", [button("Hand off", HAND_OFF_ACTION, str(suggestion_id))]),
            ],
        )
    text = (
        ":mag: The FAQ has no answer for this that I'm confident about, so I haven't guessed. "
        + (
            "It's recorded as an FAQ gap (`/social faq gaps`)."
            if gap_id is not None
            else "There were no words to match (only emoji or symbols?)."
        )
    )
    buttons = [button("Hand off", HAND_OFF_ACTION, str(suggestion_id))]
    if gap_id is not None:
        buttons.insert(0, button("Add to FAQ", ADD_TO_FAQ_ACTION, str(gap_id), style="primary"))
    return message(
        "No FAQ answer for this message",
        [
            section("*Suggested reply to:*\n" + _quote(customer_text)),
            section(text),
            actions("reply_actions", buttons),
        ],
    )


@dataclass(frozen=True)
class OfferedEntry:
    """An FAQ entry offered as a candidate: what it answers and why it was offered."""

    faq_id: str
    question: str
    confidence: float
    reason: str


def candidate_value(suggestion_id: int, index: int) -> str:
    return f"{suggestion_id}:{index}"


def build_candidates_message(
    *,
    suggestion_id: int,
    customer_text: str,
    candidates: Sequence[OfferedEntry],
    not_helpful_by: str | None = None,
    note: str | None = None,
) -> dict[str, Any]:
    """No entry is clearly right but some are close: each with *Use this*, which drafts the reply
    from it, and the reason it was offered; *None of these* records an FAQ gap. ``note`` says
    why there is no answer when it is not the matcher's doubt (the model found none)."""
    blocks = [
        section("*Suggested reply to:*\n" + _quote(customer_text)),
        section(
            ":thinking_face: No FAQ entry is clearly right, so I haven't drafted a reply. "
            "These came close; pick one to draft from it:"
        ),
    ]
    for index, entry in enumerate(candidates):
        blocks.append(
            section(
                f"*{echo_user_text(entry.question, 300)}*\n"
                f"FAQ `{entry.faq_id}` · {confidence_label(entry.confidence)} · "
                f"{echo_user_text(entry.reason, 200)}",
                accessory=button(
                    "Use this", USE_CANDIDATE_ACTION, candidate_value(suggestion_id, index)
                ),
            )
        )
    if note:
        blocks.append(context(":information_source: " + echo_user_text(note, 500)))
    value = str(suggestion_id)
    buttons = [button("Hand off", HAND_OFF_ACTION, value)]
    if not_helpful_by is None:
        buttons.append(button("None of these", NOT_HELPFUL_ACTION, value))
    else:
        blocks.append(
            context(f"<@{not_helpful_by}> said none of these fits; it is counted as an FAQ gap.")
        )
    blocks.append(actions("reply_actions", buttons))
    return message("FAQ entries that may answer this message", blocks)


def build_reply_usage() -> str:
    return (
        "Tell me what to reply to: `/social reply <customer message>`, "
        "`@socialops draft a reply to: <message>`, a mention in the message's thread, "
        "or the *Draft reply* shortcut on the message. Add `on:instagram` (or x, linkedin, "
        "facebook, tiktok, threads) to say where the customer wrote."
    )
