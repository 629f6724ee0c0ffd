"""Block Kit for starting a handoff: the modal (team, priority, a note; prefilled by routing), the
holding reply shown in the thread, and what the person who handed off is told.

Pure builders. The customer's words, the note and routing's reason (it quotes the customer's
words) are escaped wherever they are shown.
"""

from __future__ import annotations

from typing import Any

from bot.blocks.handoffs import team_name
from bot.blocks.kit import Block, context, input_block, modal, option, section, text_input
from bot.blocks.text import echo_user_text, escape_mrkdwn, truncate
from bot.knowledge.faq_files import HANDOFF_TEAMS
from bot.store.models import Handoff
from bot.workflows.handoffs.create import MAX_SUMMARY_CHARS
from bot.workflows.handoffs.routing import Route
from bot.workflows.handoffs.states import DEFAULT_PRIORITY, PRIORITIES, label

START_VIEW = "handoff_start"
TEAM_BLOCK, PRIORITY_BLOCK, NOTE_BLOCK = "team", "priority", "note"
QUOTE_CHARS = 600
TITLE = "Hand off"


def _option_label(team: str, route: Route) -> str:
    if team == route.team:
        return f"{team_name(team)} (suggested: {route.reason})"
    return team_name(team)


def build_start_modal(*, customer_text: str, route: Route, metadata: str) -> dict[str, Any]:
    """The form, with routing's team chosen and listed first (the FAQ entry's ``handoff:`` when
    it has one: routing puts it before the model and the keywords) and its reason beside it."""
    teams = [route.team, *(t for t in HANDOFF_TEAMS if t != route.team)]
    team_options = [option(_option_label(team, route), team) for team in teams]
    priorities = [option(p.capitalize(), p) for p in PRIORITIES]
    quote = echo_user_text(" ".join(customer_text.split()), QUOTE_CHARS)
    blocks: list[Block] = [
        section("*The customer's message*\n" + (f"> {quote}" if quote else "> (no text)")),
        context(f"Routing suggests *{team_name(route.team)}*: {escape_mrkdwn(route.reason)}"),
        input_block(
            TEAM_BLOCK,
            "Team",
            {
                "type": "static_select",
                "action_id": "value",
                "options": team_options,
                "initial_option": team_options[0],
            },
        ),
        input_block(
            PRIORITY_BLOCK,
            "Priority",
            {
                "type": "static_select",
                "action_id": "value",
                "options": priorities,
                "initial_option": priorities[PRIORITIES.index(DEFAULT_PRIORITY)],
            },
        ),
        input_block(
            NOTE_BLOCK,
            "Note for the team",
            text_input(max_length=MAX_SUMMARY_CHARS, multiline=True),
            optional=True,
            hint="What they should know; the customer's message and its link go with it.",
        ),
    ]
    return modal(
        callback_id=START_VIEW,
        title=TITLE,
        submit="Hand off",
        blocks=blocks,
        private_metadata=metadata,
    )


def holding_heading(handoff: Handoff) -> Block:
    """Above the holding reply in the thread: whose case it now is, and what the reply is for."""
    return context(
        f":handshake: <@{handoff.requested_by}> handed this to *{team_name(handoff.team)}* "
        f"(handoff #{handoff.id}). While they take over, a holding reply for the customer:"
    )


def with_heading(heading: Block, shown: dict[str, Any]) -> dict[str, Any]:
    return {**shown, "blocks": [heading, *shown.get("blocks", [])]}


def _link(url: str | None, words: str) -> str:
    return f"<{url}|{words}>" if url else words


def started_text(
    handoff: Handoff,
    *,
    packet_link: str | None,
    channel: str | None,
    posted: bool = True,
    holding_in_thread: bool = True,
) -> str:
    where = f"<#{channel}>" if channel else "the team's channel"
    name = f"handoff #{handoff.id}"
    why = escape_mrkdwn(truncate(handoff.route_reason, 200))
    holding = "in the thread" if holding_in_thread else "here"
    if not posted:
        return (
            f"Handed off to *{team_name(handoff.team)}* as {name} ({why}): recorded, but Slack "
            f"did not take its packet yet; it is posted to {where} as soon as Slack does "
            "(retried every minute)."
        )
    return (
        f":white_check_mark: Handed off to *{team_name(handoff.team)}* as "
        f"{_link(packet_link, name)} in {where} ({why}). "
        f"A holding reply for the customer is {holding}, to send for approval."
    )


def already_text(handoff: Handoff, *, packet_link: str | None) -> str:
    """A second handoff of the same message: nothing new, a link to the first."""
    owner = f", claimed by <@{handoff.owner_id}>" if handoff.owner_id else ""
    return (
        f"This message was already handed off to *{team_name(handoff.team)}* by "
        f"<@{handoff.requested_by}> ({label(handoff.state).lower()}{owner}): "
        f"{_link(packet_link, f'handoff #{handoff.id}')}. Nothing new was started."
    )


def no_channel_text(team: str, setting: str) -> str:
    return f"{team_name(team)} has no channel for handoffs yet: set {setting} first."


def handoff_usage() -> str:
    return (
        "Say what to hand off: `/social handoff <summary>` (routing picks the team) or "
        "`/social handoff support|sales <summary>`. To hand off a message, use *Hand off* in "
        "its ⋯ menu or on a suggested reply."
    )
