"""Block Kit for a handoff: the context packet in the team channel, and the notices its moves owe.

Pure builders: a Handoff in, dicts and strings out. Everything a person typed (the customer's
message, the summary, a note, a reason, the customer's handle) goes through ``echo_user_text``,
so ``<!channel>`` notifies nobody and ``{{ 7*7 }}`` stays those characters; each section is cut
to Slack's 3,000 characters after escaping, and the packet has a fixed, small number of blocks.
"""

from __future__ import annotations

from typing import Any

from bot.blocks.handoff_buttons import handoff_actions
from bot.blocks.kit import Block, context, header, message, section
from bot.blocks.text import echo_user_text, escape_mrkdwn, truncate
from bot.core.mrkdwn import slack_date
from bot.core.networks import display_name
from bot.store.models import Handoff
from bot.workflows.handoffs.states import HandoffState, label

# Slack refuses a section over 3,000 characters; the label in front of user text takes the rest.
SECTION_CHARS = 2_900
# A line of metadata (handle, FAQ id, routing reason): short by nature, cut so it stays a line.
SHORT_CHARS = 300
# The notification text of the packet (Slack shows it in notifications and screen readers).
FALLBACK_CHARS = 300

TEAM_NAMES = {"support": "Support", "sales": "Sales"}
PRIORITY_LABELS = {
    "normal": "Normal",
    "high": ":large_orange_diamond: High",
    "urgent": ":red_circle: Urgent",
}
MOOD_LABELS = {
    "upset": ":disappointed: upset",
    "happy": ":slightly_smiling_face: happy",
    "neutral": ":neutral_face: neutral",
}
STATE_ICONS = {
    HandoffState.OPEN: ":inbox_tray:",
    HandoffState.CLAIMED: ":raising_hand:",
    HandoffState.RESOLVED: ":white_check_mark:",
    HandoffState.BOUNCED: ":leftwards_arrow_with_hook:",
}


def team_name(team: str) -> str:
    return TEAM_NAMES.get(team, team)


def build_packet(handoff: Handoff) -> dict[str, Any]:
    """The packet as the handoff is now: who, what, why this team, where it stands, buttons."""
    title = f"Handoff #{handoff.id} to {team_name(handoff.team)}"
    blocks: list[Block] = [header(title)]
    blocks.append(section(_customer_line(handoff)))
    if handoff.customer_text.strip():
        blocks.append(section(_quoted("Customer's message", handoff.customer_text)))
    if handoff.source_link:
        blocks.append(context(_source_line(handoff.source_link)))
    blocks.append(section(_quoted(f"Handed off by <@{handoff.requested_by}>", handoff.summary)))
    blocks.append(section(_facts(handoff)))
    blocks.append(section(_state_line(handoff)))
    blocks.extend(handoff_actions(handoff))
    summary = echo_user_text(handoff.summary or handoff.customer_text, FALLBACK_CHARS)
    return message(f"{title} ({label(handoff.state).lower()}): {summary}", blocks)


def _customer_line(handoff: Handoff) -> str:
    who = echo_user_text(handoff.customer_handle or "a customer", SHORT_CHARS)
    network = display_name(handoff.network) if handoff.network else None
    where = f" on {escape_mrkdwn(truncate(network, 40))}" if network else ""
    return (
        f"*Customer:* {who}{where}   *Priority:* "
        f"{PRIORITY_LABELS.get(handoff.priority, escape_mrkdwn(handoff.priority))}"
    )


def _quoted(heading: str, text: str) -> str:
    """``heading`` then the person's words as a quote, escaped and cut to fit one section."""
    body = echo_user_text(text.strip(), SECTION_CHARS - len(heading) - 4) or "_(nothing)_"
    quoted = "\n".join(f">{line}" for line in body.splitlines() or [""])
    return f"*{heading}:*\n{quoted}"


def _source_line(link: str) -> str:
    """A link to where the conversation was discussed; a value that is not a plain https URL
    (or that would break out of Slack's ``<url|label>``) is shown as text, not linked."""
    if link.startswith("https://") and not any(c in link for c in "<>| \n") and len(link) < 2000:
        return f":link: <{link}|Where it was discussed>"
    return f":link: Where it was discussed: {echo_user_text(link, SHORT_CHARS)}"


def _facts(handoff: Handoff) -> str:
    mood = MOOD_LABELS.get(handoff.mood, escape_mrkdwn(handoff.mood))
    if handoff.mood_words:
        mood += f" (decided by: {echo_user_text(handoff.mood_words, SHORT_CHARS)})"
    lines = [f"*Mood:* {mood}"]
    if handoff.faq_id:
        lines.append(f"*FAQ entry:* `{echo_user_text(handoff.faq_id, SHORT_CHARS)}`")
    lines.append(f"*Why {team_name(handoff.team)}:* {echo_user_text(handoff.route_reason, 300)}")
    return "\n".join(lines)


def _state_line(handoff: Handoff) -> str:
    icon = STATE_ICONS.get(HandoffState(handoff.state), "")
    state = f"{icon} *{label(handoff.state)}*"
    if handoff.state == HandoffState.OPEN:
        return f"{state}: waiting for a claim. Claim by {slack_date(handoff.claim_due_at)}."
    if handoff.state == HandoffState.CLAIMED:
        line = f"{state} by <@{handoff.owner_id}>"
        if handoff.resolve_due_at is not None:
            line += f". Resolve by {slack_date(handoff.resolve_due_at)}."
        return line
    when = f" {slack_date(handoff.closed_at)}" if handoff.closed_at else ""
    line = f"{state} by <@{handoff.closed_by}>{when}"
    if handoff.close_note:
        heading = "Note" if handoff.state == HandoffState.RESOLVED else "Reason"
        budget = SECTION_CHARS - len(line) - 20
        line += f"\n*{heading}:* {echo_user_text(handoff.close_note, budget)}"
    return line


# -- notices: what a move tells the people concerned ------------------------------------------


def _subject(handoff: Handoff) -> str:
    return f"handoff #{handoff.id} to {team_name(handoff.team)}"


def claimed_notice(handoff: Handoff, actor: str) -> str:
    """To the requester: someone on the team has it now."""
    return f"<@{handoff.requested_by}>: <@{actor}> claimed {_subject(handoff)}."


def reassigned_notice(handoff: Handoff, actor: str, previous: str | None) -> str:
    """To the requester: the case changed hands."""
    before = f" from <@{previous}>" if previous else ""
    return (
        f"<@{handoff.requested_by}>: <@{actor}> reassigned {_subject(handoff)}{before} "
        f"to <@{handoff.owner_id}>."
    )


def new_owner_notice(handoff: Handoff, actor: str) -> str:
    """To the new owner, by DM: it is theirs now, and where to find it."""
    return f"<@{actor}> assigned {_subject(handoff)} to you. The packet is in the team channel."


def resolved_notice(handoff: Handoff, actor: str) -> str:
    """To the requester: done, with the note if there is one."""
    text = f"<@{handoff.requested_by}>: <@{actor}> resolved {_subject(handoff)}."
    if handoff.close_note:
        text += f"\n>{echo_user_text(handoff.close_note, SECTION_CHARS)}"
    return text


def bounced_notice(handoff: Handoff, actor: str) -> str:
    """To the requester: it is the social team's again, and why."""
    reason = echo_user_text(handoff.close_note or "", SECTION_CHARS)
    return (
        f"<@{handoff.requested_by}>: <@{actor}> bounced {_subject(handoff)} back to the social "
        f"team: {reason}\nThe message can be handed off again."
    )
