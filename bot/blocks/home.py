"""The App Home tab: each teammate's start of the day. Lists with working buttons, then the help.

The view is made of :class:`HomeSection` s, each a titled list whose rows are a few blocks; the
drafts' two lists are built here (``draft_sections``), and more lists (handoffs) are passed in
beside them. ``build_home_view`` keeps the whole view within Slack's 100 blocks: rows that do
not fit are counted into their list's "and N more" line, which names the command that shows all.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.blocks.approval_lists import queue_row_text
from bot.blocks.approvals import (
    APPROVE_ACTION,
    EDIT_ACTION,
    PUBLISHED_ACTION,
    REJECT_ACTION,
    REQUEST_CHANGES_ACTION,
    STATE_LABELS,
    WITHDRAW_ACTION,
    age_text,
    card_buttons,
    networks_line,
)
from bot.blocks.crisis_banner import crisis_banner
from bot.blocks.handoff_buttons import handoff_actions
from bot.blocks.handoff_lists import row_text
from bot.blocks.help import HelpEntry
from bot.blocks.kit import Block, actions, context, divider, header, section
from bot.blocks.text import echo_user_text, escape_mrkdwn, truncate_mrkdwn
from bot.store.models import Draft, Handoff
from bot.workflows.handoffs.queries import HandoffPage
from bot.workflows.handoffs.states import label
from bot.workflows.home import HomeQueue

# Slack refuses a Home view over 100 blocks (https://docs.slack.dev/reference/surfaces/views).
HOME_MAX_BLOCKS = 100
# The card's buttons each list offers: an approver decides; an author edits, withdraws, publishes.
APPROVER_ACTIONS = frozenset({APPROVE_ACTION, REQUEST_CHANGES_ACTION, REJECT_ACTION})
AUTHOR_ACTIONS = frozenset({EDIT_ACTION, WITHDRAW_ACTION, PUBLISHED_ACTION})

Row = tuple[Block, ...]


@dataclass(frozen=True)
class HomeSection:
    """One list on the Home tab. ``more`` rows were left out already (the query's LIMIT);
    ``see_all`` is the command that lists them all; ``empty`` is said when there are no rows."""

    title: str
    rows: tuple[Row, ...]
    more: int = 0
    see_all: str = ""
    empty: str = ""


def draft_sections(queue: HomeQueue, *, now: datetime) -> list[HomeSection]:
    """ "Waiting for your approval" (for approvers only) and "Your drafts"."""
    sections: list[HomeSection] = []
    if queue.can_approve:
        waiting = queue.to_approve
        sections.append(
            HomeSection(
                title=f"Waiting for your approval ({waiting.total})",
                rows=tuple(
                    _row(
                        "home_approve",
                        d,
                        queue_row_text(d, queue.progress.get(d.id), now=now),
                        APPROVER_ACTIONS,
                    )
                    for d in waiting.rows
                ),
                more=waiting.more,
                see_all="/social queue",
                empty="Nothing is waiting for you.",
            )
        )
    mine = queue.mine
    sections.append(
        HomeSection(
            title=f"Your drafts ({mine.total})",
            rows=tuple(
                _row("home_mine", d, _my_draft_text(d, now=now), AUTHOR_ACTIONS) for d in mine.rows
            ),
            # No command lists one person's drafts yet; `/social audit <id>` shows any one.
            more=mine.more,
            empty="You have no drafts yet: `/social draft <text>` starts one.",
        )
    )
    return sections


def _row(prefix: str, draft: Draft, text: str, allowed: frozenset[str]) -> Row:
    buttons = [b for b in card_buttons(draft) if b["action_id"] in allowed]
    blocks: list[Block] = [section(truncate_mrkdwn(text, 2_900))]
    if buttons:
        blocks.append(actions(f"{prefix}_{draft.id}", buttons))
    return tuple(blocks)


def _my_draft_text(draft: Draft, *, now: datetime) -> str:
    state = STATE_LABELS.get(draft.state, escape_mrkdwn(draft.state))
    note = ""
    if draft.last_note and draft.state != "pending":
        note = f"\n_Note:_ {echo_user_text(draft.last_note, 200)}"
    return (
        f"*#{draft.id}* {draft.kind} · {networks_line(draft)} · {state} · "
        f"{age_text(now - draft.updated_at)} ago\n{echo_user_text(draft.text, 200)}{note}"
    )


def build_home_view(
    sections: Sequence[HomeSection],
    entries: Sequence[HelpEntry],
    *,
    notice: str | None = None,
    crisis_kind: str | None = None,
    crisis_approvers: Sequence[str] = (),
) -> dict[str, Any]:
    """The Home tab view published on ``app_home_opened`` and after each action taken from it.

    ``notice`` (already safe mrkdwn) is the outcome of the last action taken here, shown on top;
    ``crisis_kind`` (a crisis or drill runs) puts its banner under the title.
    """
    top: list[Block] = [header("socialops")]
    if crisis_kind is not None:
        top.append(crisis_banner(crisis_kind, crisis_approvers))
    if notice:
        top.append(section(truncate_mrkdwn(notice, 2_900)))
    bottom = [divider(), _help(entries)]
    # Each list needs its title, its "more"/empty line and a divider whatever happens.
    room = HOME_MAX_BLOCKS - len(top) - len(bottom) - 3 * len(sections)
    blocks = top
    for index, listed in enumerate(sections):
        if index:
            blocks.append(divider())
        blocks.append(section(f"*{escape_mrkdwn(listed.title)}*"))
        shown = 0
        for row in listed.rows:
            if len(row) > room:
                break
            blocks.extend(row)
            room -= len(row)
            shown += 1
        more = listed.more + len(listed.rows) - shown
        if more:
            see_all = f" — `{listed.see_all}`" if listed.see_all else ""
            blocks.append(context(f"and {more} more{see_all}"))
        elif not listed.rows and listed.empty:
            blocks.append(context(listed.empty))
    blocks.extend(bottom)
    return {"type": "home", "blocks": blocks}


def _help(entries: Sequence[HelpEntry]) -> Block:
    """The help, shorter than `/social help`: the commands' names; that command explains each."""
    names = " · ".join(f"`/social {escape_mrkdwn(e.name)}`" for e in entries)
    return section(
        truncate_mrkdwn(f"*Commands* (`/social help` explains each)\n{names}", 2_900),
    )


def handoff_sections(
    mine: HandoffPage, waiting: Mapping[str, HandoffPage], *, now: datetime
) -> list[HomeSection]:
    """ "Your handoffs" (claimed by you) and, for each team whose channel you are in, its
    handoffs waiting for a claim; rows and buttons as in `/social handoffs`."""
    sections = [
        HomeSection(
            title=f"Your handoffs ({mine.total})",
            rows=tuple(_handoff_row(h, now=now) for h in mine.rows),
            more=mine.more,
            see_all="/social handoffs mine",
            empty="Nothing handed to you.",
        )
    ]
    for team, page in waiting.items():
        sections.append(
            HomeSection(
                title=f"Waiting for {team} to claim ({page.total})",
                rows=tuple(_handoff_row(h, now=now) for h in page.rows),
                more=page.more,
                see_all=f"/social handoffs {team}",
                empty=f"No {team} handoff is waiting.",
            )
        )
    return sections


def _handoff_row(handoff: Handoff, *, now: datetime) -> Row:
    # The block id keeps the packet's "handoff:<id>" (Reassign reads the id from it) and says
    # where it is, so it is unique on the Home and never read as a list's row.
    return (
        section(row_text(handoff, now=now)),
        *handoff_actions(handoff, block_id=f"handoff:{handoff.id}:home"),
    )


def handoff_home_notice(handoff: Handoff) -> str:
    """The line on top of a Home refreshed after a handoff move made there."""
    owner = f" by <@{handoff.owner_id}>" if handoff.state == "claimed" and handoff.owner_id else ""
    return f"Handoff #{handoff.id}: {label(handoff.state).lower()}{owner}."
