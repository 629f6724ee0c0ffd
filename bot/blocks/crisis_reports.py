"""Block Kit for the war room's periodic status and the post-mortem posted at the end.

Everything people wrote (the reason, the summary, drafts, handoff summaries) is escaped. Slack
refuses a message over 50 blocks or a section over 3,000 characters, so each list is capped and
ends in "… and N more"; the full report is one command away (``socialops crisis export``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.blocks.kit import Block, context, divider, header, section
from bot.blocks.text import echo_user_text, truncate, truncate_mrkdwn
from bot.core.mrkdwn import slack_date
from bot.workflows.crisis.export import duration_text, percent, title
from bot.workflows.crisis.report import DraftLine, Postmortem, StatusFigures

SECTION_CHARS = 3000  # Slack's limit for a section's text
HEADER_CHARS = 150  # Slack's limit for a header's text
REASON_CHARS = 500  # the reason and the summary are at most 500 characters when given
LINE_CHARS = 150  # a draft's or a handoff's text in a list
LISTED = 10  # lines per list before "… and N more"
HOURS_LISTED = 24  # a day of hourly rows; a longer crisis has the export


def build_status(
    *, kind: str, crisis_id: int, reason: str, figures: StatusFigures
) -> dict[str, Any]:
    """The periodic status: what came in since the last one, and the handoffs open now."""
    drill = kind == "drill"
    label = "DRILL status" if drill else "Crisis status"
    icon = ":performing_arts:" if drill else ":rotating_light:"
    numbers = (
        f"*{figures.messages}* new customer message{'' if figures.messages == 1 else 's'}"
        f" ({percent(figures.negative_share)} negative) · *{figures.replies_sent}* "
        f"repl{'y' if figures.replies_sent == 1 else 'ies'} sent · *{figures.handoffs_open}* "
        f"handoff{'' if figures.handoffs_open == 1 else 's'} open now"
    )
    blocks: list[Block] = [
        header(f"{icon} {label} · {kind} #{crisis_id}"),
        section(f"Since {slack_date(figures.since)}: {numbers}"),
        context(f"*Reason:* {echo_user_text(reason, REASON_CHARS)}"),
    ]
    text = (
        f"{label}: {figures.messages} new messages, {percent(figures.negative_share)} negative, "
        f"{figures.replies_sent} replies sent, {figures.handoffs_open} handoffs open"
    )
    return {"text": text, "blocks": blocks}


def build_postmortem(report: Postmortem) -> dict[str, Any]:
    """The post-mortem: duration, volume and sentiment per hour, first response, what was
    published and what is still open."""
    blocks: list[Block] = [
        header(truncate(title(report), HEADER_CHARS)),
        section(_overview(report)),
        section(
            f"*Customer messages:* {report.messages} ({percent(report.negative_share)} negative)"
            f" · *Time to first response:* {duration_text(report.time_to_first_response)}"
        ),
        section(_hours(report)),
        divider(),
        section(_list("Published", report.published, empty="Nothing was published.")),
        *_still_open(report),
        context(
            f"Full report with the timeline ({len(report.timeline)} events): "
            f"`socialops crisis export {report.crisis_id} --format md`"
        ),
    ]
    if report.is_drill:
        blocks.insert(
            1, context(":performing_arts: DRILL: a rehearsal; nothing was paused or counted.")
        )
    text = (
        f"{title(report)}: {duration_text(report.duration)}, {report.messages} customer messages, "
        f"first response {duration_text(report.time_to_first_response)}"
    )
    return {"text": text, "blocks": blocks}


def _overview(report: Postmortem) -> str:
    ended = (
        f"*Ended:* {slack_date(report.ended_at)} by {_person(report.ended_by)}"
        if report.ended_at is not None
        else "*Still running*"
    )
    roles = ", ".join(f"{_person(r.user_id)} ({r.role})" for r in report.roles) or "—"
    summary = echo_user_text(report.summary, REASON_CHARS) if report.summary else "—"
    return truncate_mrkdwn(
        "\n".join(
            [
                f"*Reason:* {echo_user_text(report.reason, REASON_CHARS)}",
                f"*Started:* {slack_date(report.started_at)} by {_person(report.started_by)}"
                f" · {ended} · *Duration:* {duration_text(report.duration)}",
                f"*Summary:* {summary}",
                f"*Roles:* {roles}",
            ]
        ),
        SECTION_CHARS,
    )


def _hours(report: Postmortem) -> str:
    """One row per clock hour (UTC): a day's worth, then "… and N more"."""
    days = {hour.start.date() for hour in report.hours}
    shape = "%m-%d %H:00" if len(days) > 1 else "%H:00"
    rows = [
        f"{hour.start:{shape}}  {hour.messages:>5} msgs  {percent(hour.negative_share):>4} negative"
        for hour in report.hours[:HOURS_LISTED]
    ]
    more = len(report.hours) - len(rows)
    lines = "\n".join(rows) or "no hours"
    tail = f"\n… and {more} more hours" if more > 0 else ""
    return f"*Volume and sentiment per hour (UTC)*\n```{lines}```{tail}"


def _list(label: str, lines: Sequence[DraftLine], *, empty: str) -> str:
    if not lines:
        return f"*{label}:* {empty}"
    shown = [
        f"• #{line.draft_id} {line.kind}"
        + (f", {slack_date(line.at)}" if line.at is not None else "")
        + f": {echo_user_text(' '.join(line.text.split()), LINE_CHARS)}"
        for line in lines[:LISTED]
    ]
    return truncate_mrkdwn(_capped(f"*{label}* ({len(lines)})", shown, len(lines)), SECTION_CHARS)


def _still_open(report: Postmortem) -> list[Block]:
    """Pending drafts, paused posts and open handoffs, a section each (each within the limit)."""
    handoffs = report.handoffs_open
    if handoffs:
        shown = [
            f"• #{h.handoff_id} {h.team}, {h.state}: "
            f"{echo_user_text(' '.join(h.summary.split()), LINE_CHARS)}"
            for h in handoffs[:LISTED]
        ]
        open_handoffs = _capped(f"*Open handoffs* ({len(handoffs)})", shown, len(handoffs))
    else:
        open_handoffs = "*Open handoffs:* none"
    return [
        section("*Still open*\n" + _list("Pending drafts", report.pending, empty="none")),
        section(_list("Paused posts", report.paused, empty="none")),
        section(truncate_mrkdwn(open_handoffs, SECTION_CHARS)),
    ]


def _capped(title_line: str, shown: list[str], total: int) -> str:
    more = total - len(shown)
    tail = [f"… and {more} more"] if more > 0 else []
    return "\n".join([title_line, *shown, *tail])


def _person(user_id: str | None) -> str:
    """A user id as a mention; anything else (the bot's own name) as escaped text."""
    if user_id and user_id[:1] in ("U", "W") and user_id.isalnum():
        return f"<@{user_id}>"
    return echo_user_text(user_id or "?", 40)
