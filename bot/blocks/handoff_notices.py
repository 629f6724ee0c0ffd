"""What the SLA clock says about a handoff: the reminder, the escalation, the owner's DM.

Plain mrkdwn texts for the notice outbox (bot/workflows/notices.py). The reminder goes in the
packet's thread and mentions nobody: the team channel already watches it, and an @here every
time a handoff nears its deadline would teach people to mute the channel. The escalation is read
by someone who has not seen the packet, so it carries team, priority, summary and a link.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.core.mrkdwn import escape_mrkdwn
from bot.store.models import Handoff

# The escalation quotes the summary, not the case file: the link leads to the rest.
SUMMARY_CHARS = 300


def slack_time(at: datetime) -> str:
    """A time each reader sees in their own time zone (Slack's date token), UTC as the fallback."""
    fallback = f"{at:%Y-%m-%d %H:%M} UTC"
    return f"<!date^{int(at.timestamp())}^{{date_short_pretty}} at {{time}}|{fallback}>"


def time_left(delta: timedelta) -> str:
    """``15 min``, ``1 h``, ``2 h 30 min``: how long is left, rounded down to the minute."""
    minutes = max(int(delta.total_seconds() // 60), 0)
    if minutes < 60:
        return f"{minutes} min"
    hours, rest = divmod(minutes, 60)
    return f"{hours} h {rest} min" if rest else f"{hours} h"


def packet_link(handoff: Handoff) -> str | None:
    """The packet's permalink, built from where it was posted; None until it is posted."""
    if not (handoff.packet_channel and handoff.packet_ts):
        return None
    return (
        f"https://slack.com/archives/{handoff.packet_channel}/p{handoff.packet_ts.replace('.', '')}"
    )


def _summary(handoff: Handoff) -> str:
    text = " ".join((handoff.summary or handoff.customer_text).split())
    if len(text) > SUMMARY_CHARS:
        text = text[: SUMMARY_CHARS - 1].rstrip() + "…"
    return escape_mrkdwn(text)


def _where(handoff: Handoff) -> str:
    link = packet_link(handoff)
    return f"<{link}|Open the packet>" if link else "The packet is not posted yet."


def _who(handoff: Handoff) -> str:
    return f"<@{handoff.owner_id}> is on it." if handoff.owner_id else "Nobody has claimed it."


def reminder_text(handoff: Handoff, now: datetime) -> str:
    """In the packet's thread at 75% of the time to claim."""
    return (
        f":hourglass_flowing_sand: Handoff #{handoff.id} to {handoff.team} is still unclaimed — "
        f"{time_left(handoff.claim_due_at - now)} left to claim "
        f"(due {slack_time(handoff.claim_due_at)})."
    )


def claim_breach_text(handoff: Handoff) -> str:
    """Once, when the time to claim passed with nobody on it."""
    return (
        f":rotating_light: Handoff #{handoff.id} to {handoff.team} breached its time to claim "
        f"(due {slack_time(handoff.claim_due_at)}). {handoff.priority.capitalize()} priority: "
        f"{_summary(handoff)}\n{_where(handoff)} · {_who(handoff)}"
    )


def resolve_breach_text(handoff: Handoff) -> str:
    """Once, when the time to resolve passed and the handoff is still open or claimed."""
    due = handoff.resolve_due_at
    when = f" (due {slack_time(due)})" if due is not None else ""
    return (
        f":rotating_light: Handoff #{handoff.id} to {handoff.team} breached its time to resolve"
        f"{when}. {handoff.priority.capitalize()} priority: {_summary(handoff)}\n"
        f"{_where(handoff)} · {_who(handoff)}"
    )


def owner_resolve_breach_dm(handoff: Handoff) -> str:
    """To the owner, once, with the resolve breach: it is theirs to finish or to pass on."""
    due = handoff.resolve_due_at
    when = f" (due {slack_time(due)})" if due is not None else ""
    link = packet_link(handoff)
    where = f" <{link}|Open the packet>." if link else ""
    return (
        f":rotating_light: Handoff #{handoff.id} to {handoff.team}, which you own, is past its "
        f"time to resolve{when}: {_summary(handoff)}\n"
        f"Resolve it, or reassign it if someone else should finish it.{where}"
    )
