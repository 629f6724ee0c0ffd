"""What `/social digest subscribe|unsubscribe|list|weekly` answers: confirmations, the list of
subscribed channels, and one short line for each thing that can be wrong."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from bot.blocks.kit import context, section
from bot.blocks.text import echo_user_text
from bot.store.models import DigestSubscription
from bot.workflows.digests.subscriptions import (
    BadTime,
    NotSubscribed,
    RepeatedArgument,
    SubscriptionError,
    UnknownChannel,
    UnknownZone,
    UnreadableWord,
)

USAGE = (
    "`/social digest subscribe [#channel] [HH:MM] [timezone]`, `/social digest unsubscribe "
    "[#channel]`, `/social digest list`, `/social digest now`, `/social digest weekly on|off`"
)
TIME_FORMAT = "HH:MM, 24-hour, like `09:00` or `17:30`"
ZONE_EXAMPLE = "an IANA time zone like `Europe/Berlin` or `America/New_York`"
# How much of a mistyped word is echoed back: enough to recognise it.
ECHO_CHARS = 40
# Rows the list shows (each a line of about 80 characters) before "and N more"; sections hold
# 3,000 characters, so the lines go into sections of at most SECTION_CHARS.
LIST_ROWS = 40
SECTION_CHARS = 2_900
_CHANNEL_ID = re.compile(r"[CG][A-Z0-9]{2,30}")


def channel_ref(channel_id: str) -> str:
    """``<#C123>`` (Slack shows the channel's name, linked) for a channel id; anything else
    (a DM's id) escaped as it is."""
    if _CHANNEL_ID.fullmatch(channel_id):
        return f"<#{channel_id}>"
    return echo_user_text(channel_id, ECHO_CHARS)


def _when(moment: datetime) -> str:
    """``Tue 1 Dec at 09:00 CET``: the local day and time of a due moment."""
    return f"{moment:%a} {moment.day} {moment:%b} at {moment:%H:%M} {moment.tzname() or ''}".strip()


def _code(text: str) -> str:
    """A person's word in a code span: escaped, cut short, and without a backtick to end it."""
    return "`" + echo_user_text(text, ECHO_CHARS).replace("`", "'") + "`"


# -- confirmations --------------------------------------------------------------------------------


def subscribed_text(subscription: DigestSubscription, *, next_due: datetime, created: bool) -> str:
    """``created``: a new subscription (or one brought back), rather than a new time for one."""
    lead = "Subscribed" if created else "Updated"
    weekly = " plus a weekly summary on Mondays" if subscription.weekly else ""
    return (
        f"{lead}: {channel_ref(subscription.channel_id)} gets the daily digest at "
        f"{subscription.local_time} ({echo_user_text(subscription.timezone, 64)}){weekly}; "
        f"the next one {_when(next_due)}."
    )


def unsubscribed_text(channel_id: str) -> str:
    return f"Unsubscribed: {channel_ref(channel_id)} gets no more digests."


def weekly_text(subscription: DigestSubscription) -> str:
    where = channel_ref(subscription.channel_id)
    if subscription.weekly:
        return (
            f"Weekly on: {where} also gets a summary of the past week on Mondays at "
            f"{subscription.local_time} ({echo_user_text(subscription.timezone, 64)})."
        )
    return f"Weekly off: {where} gets the daily digest only."


# -- the list -------------------------------------------------------------------------------------


def _row(subscription: DigestSubscription) -> str:
    weekly = " · weekly on Mondays" if subscription.weekly else ""
    return (
        f"• {channel_ref(subscription.channel_id)} at {subscription.local_time} "
        f"{echo_user_text(subscription.timezone, 64)}{weekly}"
    )


def build_subscription_list(subscriptions: Sequence[DigestSubscription]) -> dict[str, Any]:
    """The ephemeral list of every subscribed channel: channel, time, zone, weekly."""
    if not subscriptions:
        text = "No channel gets a digest yet; `/social digest subscribe` in one starts it."
        return {"response_type": "ephemeral", "text": text, "blocks": [section(text)]}
    title = f"*Daily digests* ({len(subscriptions)} channel{'s' if len(subscriptions) > 1 else ''})"
    lines = [_row(s) for s in subscriptions[:LIST_ROWS]]
    blocks = [section(title)] + [section(chunk) for chunk in _chunks(lines)]
    hidden = len(subscriptions) - LIST_ROWS
    if hidden > 0:
        blocks.append(context(f"and {hidden} more"))
    text = "\n".join([title, *lines] + ([f"and {hidden} more"] if hidden > 0 else []))
    return {"response_type": "ephemeral", "text": text, "blocks": blocks}


def _chunks(lines: Sequence[str]) -> list[str]:
    chunks: list[str] = []
    current: list[str] = []
    for line in lines:
        if current and len("\n".join([*current, line])) > SECTION_CHARS:
            chunks.append("\n".join(current))
            current = []
        current.append(line)
    if current:
        chunks.append("\n".join(current))
    return chunks


# -- errors: one short line each ------------------------------------------------------------------


def usage_text(verb: str = "") -> str:
    if verb:
        return f"{_code(verb)} isn't a digest command; try {USAGE}."
    return f"Digests: {USAGE}."


def weekly_usage_text() -> str:
    return "Say `/social digest weekly on` or `/social digest weekly off` in the channel (or add its `#channel`)."


def error_text(error: SubscriptionError) -> str:
    """What the person reads for an argument or a channel the command cannot use."""
    if isinstance(error, BadTime):
        return f"{_code(error.value)} isn't a time I can use: give {TIME_FORMAT}."
    if isinstance(error, UnknownZone):
        shown = _code(error.value) if error.value.strip() else "That"
        return f"{shown} isn't a time zone I know: give {ZONE_EXAMPLE}."
    if isinstance(error, UnknownChannel):
        # The name passed the channel-name rules (letters, digits, - and _): shown as typed.
        return f"I can't find #{error.value} — check the name, or invite me there first."
    if isinstance(error, RepeatedArgument):
        return f"Give one {error.value} only: {USAGE}."
    if isinstance(error, NotSubscribed):
        return (
            f"{channel_ref(error.value)} has no digest subscription; "
            "`/social digest subscribe` there starts one."
        )
    if isinstance(error, UnreadableWord):
        return f"I can't read {_code(error.value)}: {USAGE}."
    return f"That didn't work: {USAGE}."


def not_in_channel_text(channel_id: str) -> str:
    return (
        f"I'm not in {channel_ref(channel_id)}, so I couldn't post its digest: invite me with "
        f"`/invite @socialops` in {channel_ref(channel_id)} first."
    )


def cannot_post_text(kind: str, channel_id: str, why: str) -> str:
    """The clock's DM to the subscriber when Slack will never take a digest's post."""
    return (
        f":warning: I could not post the {kind} digest in {channel_ref(channel_id)}: {why}. "
        f"Invite me there (`/invite @socialops`), or stop it with "
        f"`/social digest unsubscribe {channel_ref(channel_id)}`."
    )


def not_a_channel_text() -> str:
    return "Digests go to a channel: run this in one, or name it with `#channel`."


def channel_lookup_failed_text(name: str, error: str) -> str:
    return (
        f"Slack didn't let me look up #{name} ({echo_user_text(error, 40)}); try again in a moment."
    )


def channel_check_failed_text(channel_id: str, error: str) -> str:
    return (
        f"Slack didn't let me check {channel_ref(channel_id)} ({echo_user_text(error, 40)}); "
        "try again in a moment."
    )
