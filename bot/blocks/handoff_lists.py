"""Block Kit for `/social handoffs`: one or two lists of handoffs, newest first, with their buttons.

Pure builders. Every row is a section (team, priority, state, owner, age, the summary escaped) and
the handoff's actions block from ``handoff_buttons``, so a Claim here is the packet's Claim. A
message holds at most 50 blocks: rows that do not fit are counted in "and N more" with the command
that shows the next, older ones.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.blocks.approvals import age_text
from bot.blocks.handoff_buttons import handoff_actions
from bot.blocks.kit import Block, context, section
from bot.blocks.text import echo_user_text
from bot.store.models import Handoff
from bot.workflows.handoffs.states import label

MESSAGE_BLOCKS = 50  # Slack's limit for a message
ROW_BLOCKS = 2  # a row's section and its buttons
SUMMARY_CHARS = 300  # enough to recognise the case; the packet has the whole of it
PRIORITY_MARK = {"urgent": ":rotating_light: urgent", "high": ":arrow_up: high"}


@dataclass(frozen=True)
class HandoffList:
    """One list to show: its title, the newest rows, how many match in all, and the command that
    shows the rows after the last one shown (given the id to page before)."""

    title: str
    rows: Sequence[Handoff]
    total: int
    empty: str
    next_command: str  # e.g. "/social handoffs open"; " before <id>" is added

    def more_after(self, shown: int) -> int:
        return max(self.total - shown, 0)


def row_text(handoff: Handoff, *, now: datetime) -> str:
    owner = f"<@{handoff.owner_id}>" if handoff.owner_id else "unclaimed"
    facts = [
        f"*#{handoff.id}* {handoff.team}",
        PRIORITY_MARK.get(handoff.priority, handoff.priority),
        label(handoff.state).lower(),
        owner,
        f"{age_text(now - handoff.created_at)} old",
    ]
    if handoff.customer_handle:
        facts.append(echo_user_text(handoff.customer_handle, 60))
    summary = echo_user_text(handoff.summary or handoff.customer_text, SUMMARY_CHARS)
    return " · ".join(facts) + f"\n{summary or '(no summary)'}"


def _rows_that_fit(lists: Sequence[HandoffList]) -> list[int]:
    """How many rows of each list fit in one message: the title and a possible "more" line of
    each list are counted first, then rows are dealt out in list order."""
    room = MESSAGE_BLOCKS - sum(2 for _ in lists)
    fits = []
    for each in lists:
        count = min(len(each.rows), max(room, 0) // ROW_BLOCKS)
        fits.append(count)
        room -= count * ROW_BLOCKS
    return fits


LIST_MARK = ":list:"


def list_block_id(handoff_id: int | None, list_key: str) -> str:
    """The row's actions block: ``handoff:<id>`` as everywhere (Reassign reads it), then which
    list this is, so a click here redraws this same list (``list_key_of``)."""
    return f"handoff:{handoff_id}{LIST_MARK}{list_key}"


def list_key_of(block_id: str | None) -> str | None:
    """The list a clicked row was in, or None for a control outside a list (the packet)."""
    if not block_id or not block_id.startswith("handoff:") or LIST_MARK not in block_id:
        return None
    return block_id.split(LIST_MARK, 1)[1]


def build_handoff_lists(
    lists: Sequence[HandoffList], *, now: datetime, list_key: str = ""
) -> dict[str, Any]:
    """The ephemeral answer to `/social handoffs …`: each list under its title, within 50 blocks.
    ``list_key`` (the command's arguments) goes into each row's block id, for the redraw."""
    blocks: list[Block] = []
    for each, fit in zip(lists, _rows_that_fit(lists), strict=True):
        shown = list(each.rows[:fit])
        if not each.total:
            blocks.append(section(f"*{each.title}*: {each.empty}"))
            continue
        blocks.append(section(f"*{each.title}* ({each.total}), newest first"))
        for handoff in shown:
            blocks.append(section(row_text(handoff, now=now)))
            blocks.extend(handoff_actions(handoff, block_id=list_block_id(handoff.id, list_key)))
        more = each.more_after(len(shown))
        if more and shown:
            blocks.append(
                context(f"… and {more} more: `{each.next_command} before {shown[-1].id}`")
            )
        elif more:
            blocks.append(context(f"… and {more} more: `{each.next_command}`"))
    summary = ", ".join(f"{each.title}: {each.total}" for each in lists)
    return {"response_type": "ephemeral", "text": f"Handoffs. {summary}", "blocks": blocks}


def build_unknown_scope(scope: str, scopes: Sequence[str]) -> str:
    named = ", ".join(f"`{s}`" for s in scopes)
    return (
        f"“{echo_user_text(scope, 40)}” isn't a list of handoffs; try {named}, "
        "or nothing for yours and the open ones."
    )
