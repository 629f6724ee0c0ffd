"""The spike alert: the hour's figures against the week's, a few of the messages, and a button
that starts crisis mode (admins only; the listener checks)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.blocks.kit import Block, actions, button, confirm_dialog, context, header, section
from bot.blocks.text import echo_user_text
from bot.core.mrkdwn import slack_date

START_FROM_SPIKE_ACTION = "crisis_start_from_spike"  # value: the spike's id
MAX_EXAMPLES = 3
# An excerpt is at most 200 characters as stored; escaping may triple it, still far from 3,000.
EXAMPLE_CHARS = 700


@dataclass(frozen=True)
class SpikeAlert:
    """What the alert shows; ``examples`` are customers' words, escaped here."""

    spike_id: int
    detected_at: datetime
    messages: int
    negative: int
    baseline_messages: int
    baseline_negative: int
    examples: Sequence[str] = ()
    ended_at: datetime | None = None
    crisis_id: int | None = None  # the crisis started from this alert


def percent(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else "0%"


def headline(alert: SpikeAlert) -> str:
    """The notification text (and the first line): the figures, no customer words."""
    return (
        f"Negative spike: {alert.negative} of {alert.messages} customer messages in the last "
        f"hour were upset ({percent(alert.negative, alert.messages)})"
    )


def build_spike_alert(alert: SpikeAlert) -> list[Block]:
    baseline = (
        f"{percent(alert.baseline_negative, alert.baseline_messages)} over the previous 7 days "
        f"({alert.baseline_negative} of {alert.baseline_messages})"
        if alert.baseline_messages
        else "no customer messages over the previous 7 days"
    )
    blocks: list[Block] = [
        header(":chart_with_upwards_trend: Negative spike"),
        section(
            f"*{alert.negative} of {alert.messages}* customer messages in the last hour were "
            f"upset (*{percent(alert.negative, alert.messages)}*), against {baseline}.\n"
            f"Detected {slack_date(alert.detected_at)}."
        ),
    ]
    shown = [e for e in alert.examples if e.strip()][:MAX_EXAMPLES]
    if shown:
        quotes = "\n".join(f">{_one_line(e)}" for e in shown)
        blocks.append(section(f"*Examples:*\n{quotes}"))
    ended = f" The spike ended {slack_date(alert.ended_at)}." if alert.ended_at else ""
    if alert.crisis_id is not None:
        started = f":rotating_light: Crisis mode #{alert.crisis_id} was started from this alert."
        blocks.append(context(started + ended))
        return blocks
    blocks.append(actions(f"spike_{alert.spike_id}", [_start_button(alert.spike_id)]))
    blocks.append(context("Only admins can start crisis mode." + ended))
    return blocks


def _start_button(spike_id: int) -> Block:
    return button(
        "Start crisis mode",
        START_FROM_SPIKE_ACTION,
        str(spike_id),
        style="danger",
        confirm=confirm_dialog(
            title="Start crisis mode?",
            text=(
                "This opens a war room, pauses every approved and scheduled post, and makes "
                "every draft need one more approval."
            ),
            confirm="Start crisis mode",
        ),
    )


def _one_line(excerpt: str) -> str:
    """An excerpt escaped, on one quoted line (a newline would end the quote)."""
    return echo_user_text(" ".join(excerpt.split()), EXAMPLE_CHARS)
