"""Block Kit for `/social faq`: search results, the list, the gaps and the add modal."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

from bot.blocks.kit import (
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
from bot.blocks.replies import ADD_TO_FAQ_ACTION, confidence_label
from bot.blocks.text import echo_user_text
from bot.knowledge.faq_files import HANDOFF_TEAMS, FaqEntry
from bot.store.models import FaqGap

FAQ_ADD_VIEW = "faq_add"
FAQ_ADD_TITLE = "Add to FAQ"
LIST_MAX = 40  # a message holds 50 blocks; the rest is pointed to `socialops faq export`
GAPS_MAX = 15
PLAIN_INPUT_MAX = 3_000


def _entry_line(entry: FaqEntry, *, answer_chars: int = 200) -> str:
    tags = f"  _{echo_user_text(', '.join(entry.tags), 100)}_" if entry.tags else ""
    return (
        f"*{echo_user_text(entry.question, 200)}*  `{entry.id}`{tags}\n"
        f"{echo_user_text(entry.answer, answer_chars)}"
    )


def build_search_results(
    query: str, results: Sequence[tuple[FaqEntry, float]], *, abstained: bool
) -> dict[str, Any]:
    shown = echo_user_text(query, 200)
    if not results:
        text = f"No FAQ entry matches “{shown}”. It's recorded as an FAQ gap."
        return text_message(text)
    heading = f"FAQ entries for “{shown}”"
    if abstained:
        heading += " (weak matches: none is confident enough to draft a reply from)"
    blocks: list[dict[str, Any]] = [section(f"*{heading}*")]
    for entry, confidence in results:
        blocks.append(section(_entry_line(entry, answer_chars=600)))
        blocks.append(context(f"confidence {confidence_label(confidence)}"))
    return message(heading, blocks)


def build_faq_list(entries: Sequence[FaqEntry], *, tag: str | None) -> dict[str, Any]:
    where = f" tagged `{echo_user_text(tag, 60)}`" if tag else ""
    if not entries:
        text = f"No FAQ entries{where}."
        return text_message(text)
    heading = f"*{len(entries)} FAQ entries{where}*"
    blocks: list[dict[str, Any]] = [section(heading)]
    lines = [f"• `{e.id}` {echo_user_text(e.question, 150)}" for e in entries[:LIST_MAX]]
    # Ten lines per section keeps each well under 3,000 characters.
    for start in range(0, len(lines), 10):
        blocks.append(section("\n".join(lines[start : start + 10])))
    if len(entries) > LIST_MAX:
        blocks.append(
            context(
                f"{len(entries) - LIST_MAX} more not shown: `socialops faq export DIR` writes "
                "them all."
            )
        )
    return message(f"{len(entries)} FAQ entries", blocks)


def build_gaps_message(gaps: Sequence[FaqGap], *, zone: ZoneInfo) -> dict[str, Any]:
    if not gaps:
        text = "No FAQ gaps recorded: every question so far had an answer."
        return text_message(text)
    blocks: list[dict[str, Any]] = [
        section("*Top FAQ gaps*: questions the FAQ could not answer, most asked first")
    ]
    for gap in gaps[:GAPS_MAX]:
        counts = "asked once" if gap.count == 1 else f"asked {gap.count} times"
        if gap.not_helpful:
            counts += f" ({gap.not_helpful} “not helpful”)"
        seen = f"{gap.last_seen_at.astimezone(zone):%Y-%m-%d %H:%M %Z}"
        blocks.append(
            section(
                f"{echo_user_text(gap.example, 300)}\n_{counts} · last seen {seen}_",
                accessory=button("Add to FAQ", ADD_TO_FAQ_ACTION, str(gap.id)),
            )
        )
    return message(f"{len(gaps)} FAQ gaps", blocks)


def build_faq_add_modal(*, question: str = "", gap_id: int | None = None) -> dict[str, Any]:
    """The form for a new FAQ entry; from a gap, the question starts as the customer's words."""
    blocks = [
        input_block("id", "Id (a slug like gift-wrapping)", text_input(max_length=128)),
        input_block("question", "Question", text_input(max_length=500, initial_value=question)),
        input_block("answer", "Answer", text_input(multiline=True, max_length=PLAIN_INPUT_MAX)),
        input_block(
            "variants",
            "Other ways people ask (one per line)",
            text_input(multiline=True, max_length=PLAIN_INPUT_MAX),
            optional=True,
        ),
        input_block("tags", "Tags (comma-separated)", text_input(max_length=300), optional=True),
        input_block(
            "handoff",
            "Hand off to",
            {
                "type": "static_select",
                "action_id": "value",
                "options": [option(team.capitalize(), team) for team in HANDOFF_TEAMS],
            },
            optional=True,
        ),
    ]
    return modal(
        callback_id=FAQ_ADD_VIEW,
        private_metadata=json.dumps({"gap_id": gap_id}),
        title=FAQ_ADD_TITLE,
        submit="Save",
        blocks=blocks,
    )


def build_faq_added(entry: FaqEntry, user_id: str) -> str:
    return (
        f":white_check_mark: <@{user_id}> added `{entry.id}` to the FAQ: "
        f"“{echo_user_text(entry.question, 200)}”. It answers from now on; "
        "`socialops faq export DIR` writes it to a file for the repository."
    )
