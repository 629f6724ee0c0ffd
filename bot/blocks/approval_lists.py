"""Block Kit for the lists of drafts: the approval queue (with "Approve selected"), the result of
a bulk approval, the calendar of planned posts and a draft's audit trail. Pure builders, like the
card's in approvals.py, whose pieces they share."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.blocks.approvals import (
    SECTION_CHARS,
    age_text,
    card_value,
    ephemeral_message,
    networks_line,
    text_sections,
)
from bot.blocks.crisis_banner import crisis_banner
from bot.blocks.kit import (
    actions,
    button,
    context,
    header,
    option,
    section,
    text_message,
)
from bot.blocks.text import echo_user_text, truncate, truncate_mrkdwn
from bot.store.models import AuditEntry, Draft
from bot.workflows.drafts import Progress

QUEUE_SELECT_ACTION = "queue_select"
QUEUE_APPROVE_ACTION = "queue_approve_selected"
QUEUE_MAX_DRAFTS = 20
CHECKBOX_OPTIONS = 10


# -- queue, calendar, audit -----------------------------------------------------------------------


def build_queue_message(
    drafts: Sequence[Draft],
    progress: Mapping[int | None, Progress],
    *,
    can_approve: bool,
    now: datetime,
    zone: ZoneInfo,
    crisis_kind: str | None = None,
    crisis_approvers: Sequence[str] = (),
) -> dict[str, Any]:
    """The waiting drafts; ``crisis_kind`` (a crisis or drill runs) puts its banner on top."""
    banner = [crisis_banner(crisis_kind, crisis_approvers)] if crisis_kind else []
    if not drafts:
        empty = ephemeral_message("Nothing is waiting for approval.")
        if banner:
            empty["blocks"] = [*banner, section(empty["text"])]
        return empty
    shown = drafts[:QUEUE_MAX_DRAFTS]
    blocks: list[dict[str, Any]] = [
        *banner,
        section(f"*{len(drafts)} draft(s) waiting for approval*, oldest first"),
    ]
    blocks.extend(section(queue_row_text(d, progress.get(d.id), now=now)) for d in shown)
    if len(drafts) > len(shown):
        blocks.append(context(f"… and {len(drafts) - len(shown)} more."))
    if can_approve:
        for index in range(0, len(shown), CHECKBOX_OPTIONS):
            chunk = shown[index : index + CHECKBOX_OPTIONS]
            options = [option(f"#{d.id} {truncate(d.text, 60)}", card_value(d)) for d in chunk]
            checkboxes = {
                "type": "checkboxes",
                "action_id": QUEUE_SELECT_ACTION,
                "options": options,
            }
            blocks.append(actions(f"queue_select_{index // CHECKBOX_OPTIONS}", [checkboxes]))
        approve = button("Approve selected", QUEUE_APPROVE_ACTION, "approve", style="primary")
        blocks.append(actions("queue_approve", [approve]))
    return {
        "response_type": "ephemeral",
        "text": f"{len(drafts)} draft(s) waiting for approval",
        "blocks": blocks,
    }


def queue_row_text(draft: Draft, given: Progress | None, *, now: datetime) -> str:
    """One waiting draft as the queue and the App Home show it: who, where, how long, how far."""
    waited = age_text(now - (draft.submitted_at or draft.created_at))
    count = f"{len(given.given)} of {given.required}" if given else "?"
    if given is not None and given.crisis_needed:
        count += " (one from a crisis approver)"
    return (
        f"*#{draft.id}* {draft.kind} by <@{draft.author_id}> · {networks_line(draft)} · "
        f"waiting {waited} · approvals {count}\n{echo_user_text(draft.text, 200)}"
    )


def build_bulk_result(lines: Sequence[str]) -> dict[str, Any]:
    text = truncate_mrkdwn("\n".join(lines), SECTION_CHARS) or "Nothing was selected."
    return {"response_type": "ephemeral", **text_message(text)}


def build_calendar_message(
    posts: Sequence[Draft], *, start: date, days: int, zone: ZoneInfo, label: str
) -> dict[str, Any]:
    blocks: list[dict[str, Any]] = [header(label)]
    by_day: dict[date, list[str]] = {}
    for post in posts:
        if post.scheduled_at is None:
            continue
        local = post.scheduled_at.astimezone(zone)
        line = (
            f"`{local:%H:%M}` {networks_line(post)} · {post.state.replace('_', ' ')} · "
            f"#{post.id} {echo_user_text(post.text, 80)}"
        )
        by_day.setdefault(local.date(), []).append(line)
    for offset in range(days):
        day = start + timedelta(days=offset)
        if day in by_day:
            text = f"*{day:%A %d %b}*\n" + "\n".join(by_day[day])
            blocks.append(section(truncate_mrkdwn(text, SECTION_CHARS)))
    if len(blocks) == 1:
        blocks.append(section("Nothing is scheduled this week."))
    return {"response_type": "ephemeral", "text": label, "blocks": blocks[:50]}


AUDIT_TEXT_SECTIONS = 30


def build_audit_message(
    draft_id: int, entries: Sequence[AuditEntry], *, zone: ZoneInfo, draft: Draft | None = None
) -> dict[str, Any]:
    """The trail, then the draft's whole text as each network publishes it: a text too long for
    its card (a Facebook post may be 63,206 characters) is read here."""
    lines = []
    for entry in entries:
        moved = f" {entry.from_state or '—'} → {entry.to_state or '—'}" if entry.to_state else ""
        note = f": {echo_user_text(entry.note, 200)}" if entry.note else ""
        digest = f" `{entry.text_hash[:8]}`" if entry.text_hash else ""
        lines.append(
            f"{entry.at.astimezone(zone):%d %b %H:%M} <@{entry.actor_id}> *{entry.action}*"
            f"{moved}{digest}{note}"
        )
    blocks = [section(f"*Audit trail of draft #{draft_id}*")]
    chunk: list[str] = []
    for line in lines:
        if sum(len(x) + 1 for x in chunk) + len(line) > SECTION_CHARS:
            blocks.append(section("\n".join(chunk)))
            chunk = []
        chunk.append(line)
    if chunk:
        blocks.append(section("\n".join(chunk)))
    text: list[dict[str, Any]] = []
    if draft is not None:
        # Up to 30 sections (~87,000 characters: more than the longest post any network takes).
        text = [
            section("*The text, as each network publishes it*"),
            *text_sections(
                draft,
                max_sections=AUDIT_TEXT_SECTIONS,
                more=lambda rest: f"… {rest:,} more characters than one Slack message holds.",
            ),
        ]
    room = 50 - len(text)  # Slack's 50 blocks: the text first, the trail gets the rest
    if len(blocks) > room:
        blocks = [
            *blocks[: room - 1],
            context("… older entries are in `socialops audit export`."),
        ]
    blocks.extend(text)
    return {
        "response_type": "ephemeral",
        "text": f"Audit trail of draft #{draft_id}",
        "blocks": blocks,
    }
