"""Block Kit for `/social faq`: search results, the list, the gaps and the add modal."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

from bot.blocks.replies import ADD_TO_FAQ_ACTION, confidence_label
from bot.blocks.text import echo_user_text
from bot.knowledge.faq_files import HANDOFF_TEAMS, FaqEntry
from bot.store.models import FaqGap

FAQ_ADD_VIEW = "faq_add"
LIST_MAX = 40  # a message holds 50 blocks; the rest is pointed to `socialops faq export`
GAPS_MAX = 15
PLAIN_INPUT_MAX = 3_000


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def _context(text: str) -> dict[str, Any]:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text}]}


def _plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text}


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
        return {"text": text, "blocks": [_section(text)]}
    heading = f"FAQ entries for “{shown}”"
    if abstained:
        heading += " (weak matches: none is confident enough to draft a reply from)"
    blocks: list[dict[str, Any]] = [_section(f"*{heading}*")]
    for entry, confidence in results:
        blocks.append(_section(_entry_line(entry, answer_chars=600)))
        blocks.append(_context(f"confidence {confidence_label(confidence)}"))
    return {"text": heading, "blocks": blocks}


def build_faq_list(entries: Sequence[FaqEntry], *, tag: str | None) -> dict[str, Any]:
    where = f" tagged `{echo_user_text(tag, 60)}`" if tag else ""
    if not entries:
        text = f"No FAQ entries{where}."
        return {"text": text, "blocks": [_section(text)]}
    heading = f"*{len(entries)} FAQ entries{where}*"
    blocks: list[dict[str, Any]] = [_section(heading)]
    lines = [f"• `{e.id}` {echo_user_text(e.question, 150)}" for e in entries[:LIST_MAX]]
    # Ten lines per section keeps each well under 3,000 characters.
    for start in range(0, len(lines), 10):
        blocks.append(_section("\n".join(lines[start : start + 10])))
    if len(entries) > LIST_MAX:
        blocks.append(
            _context(
                f"{len(entries) - LIST_MAX} more not shown: `socialops faq export DIR` writes "
                "them all."
            )
        )
    return {"text": f"{len(entries)} FAQ entries", "blocks": blocks}


def build_gaps_message(gaps: Sequence[FaqGap], *, zone: ZoneInfo) -> dict[str, Any]:
    if not gaps:
        text = "No FAQ gaps recorded: every question so far had an answer."
        return {"text": text, "blocks": [_section(text)]}
    blocks: list[dict[str, Any]] = [
        _section("*Top FAQ gaps*: questions the FAQ could not answer, most asked first")
    ]
    for gap in gaps[:GAPS_MAX]:
        counts = "asked once" if gap.count == 1 else f"asked {gap.count} times"
        if gap.not_helpful:
            counts += f" ({gap.not_helpful} “not helpful”)"
        blocks.append(
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": f"{echo_user_text(gap.example, 300)}\n_{counts} · last seen "
                    f"{gap.last_seen_at.astimezone(zone):%Y-%m-%d %H:%M %Z}_",
                },
                "accessory": {
                    "type": "button",
                    "text": _plain("Add to FAQ"),
                    "action_id": ADD_TO_FAQ_ACTION,
                    "value": str(gap.id),
                },
            }
        )
    return {"text": f"{len(gaps)} FAQ gaps", "blocks": blocks}


def build_faq_add_modal(*, question: str = "", gap_id: int | None = None) -> dict[str, Any]:
    """The form for a new FAQ entry; from a gap, the question starts as the customer's words."""
    question_input: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": "value",
        "max_length": 500,
    }
    if question:
        question_input["initial_value"] = question[:500]
    blocks = [
        _input("id", "Id (a slug like gift-wrapping)", _text_input(max_length=128)),
        _input("question", "Question", question_input),
        _input("answer", "Answer", _text_input(multiline=True, max_length=PLAIN_INPUT_MAX)),
        _input(
            "variants",
            "Other ways people ask (one per line)",
            _text_input(multiline=True, max_length=PLAIN_INPUT_MAX),
            optional=True,
        ),
        _input("tags", "Tags (comma-separated)", _text_input(max_length=300), optional=True),
        _input(
            "handoff",
            "Hand off to",
            {
                "type": "static_select",
                "action_id": "value",
                "options": [
                    {"text": _plain(team.capitalize()), "value": team} for team in HANDOFF_TEAMS
                ],
            },
            optional=True,
        ),
    ]
    return {
        "type": "modal",
        "callback_id": FAQ_ADD_VIEW,
        "private_metadata": json.dumps({"gap_id": gap_id}),
        "title": _plain("Add to FAQ"),
        "submit": _plain("Save"),
        "close": _plain("Cancel"),
        "blocks": blocks,
    }


def _text_input(*, multiline: bool = False, max_length: int) -> dict[str, Any]:
    return {
        "type": "plain_text_input",
        "action_id": "value",
        "multiline": multiline,
        "max_length": max_length,
    }


def _input(
    block_id: str, label: str, element: dict[str, Any], *, optional: bool = False
) -> dict[str, Any]:
    return {
        "type": "input",
        "block_id": block_id,
        "label": _plain(label),
        "element": element,
        "optional": optional,
    }


def build_faq_added(entry: FaqEntry, user_id: str) -> str:
    return (
        f":white_check_mark: <@{user_id}> added `{entry.id}` to the FAQ: "
        f"“{echo_user_text(entry.question, 200)}”. It answers from now on; "
        "`socialops faq export DIR` writes it to a file for the repository."
    )
