"""Block Kit for approvals: the card, its modals and the notices about a draft (the queue, the
calendar and the audit trail are in approval_lists.py).

Pure builders: plain data in, dicts out. Every piece of user text goes through escape_mrkdwn, so
``<!channel>`` in a draft notifies nobody, and long text is split or cut with a note so Slack
never refuses a message.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

from bot.blocks.crisis_banner import crisis_approvers_text, crisis_banner
from bot.blocks.kit import (
    actions,
    button,
    confirm_dialog,
    context,
    header,
    input_block,
    modal,
    option,
    plain_text,
    section,
    text_input,
    text_message,
)
from bot.blocks.text import echo_user_text, escape_mrkdwn, truncate, truncate_mrkdwn
from bot.core.mrkdwn import split_mrkdwn
from bot.core.networks import NETWORKS, display_name
from bot.core.slack_ids import is_user_group
from bot.store.models import Draft
from bot.workflows.checks import Finding
from bot.workflows.drafts import FINAL_STATES, DraftState, Progress, publish_texts, split_list
from bot.workflows.text_diff import word_diff

APPROVE_ACTION = "draft_approve"
REQUEST_CHANGES_ACTION = "draft_request_changes"
REJECT_ACTION = "draft_reject"
EDIT_ACTION = "draft_edit"
WITHDRAW_ACTION = "draft_withdraw"
PUBLISHED_ACTION = "draft_mark_published"
CREATE_VIEW = "draft_create"
NOTE_VIEW = "draft_note"
EDIT_VIEW = "draft_edit_view"

# Slack refuses a section over 3,000 characters; escaping can grow text, so cut with margin.
SECTION_CHARS = 2_900
MAX_TEXT_SECTIONS = 8
PLAIN_INPUT_MAX = 3_000

STATE_LABELS: Mapping[str, str] = {
    DraftState.DRAFT: ":pencil2: Draft",
    DraftState.PENDING: ":hourglass_flowing_sand: Waiting for approval",
    DraftState.APPROVED: ":white_check_mark: Approved",
    DraftState.CHANGES_REQUESTED: ":memo: Changes requested",
    DraftState.REJECTED: ":no_entry: Rejected",
    DraftState.WITHDRAWN: ":leftwards_arrow_with_hook: Withdrawn",
    DraftState.EXPIRED: ":alarm_clock: Expired",
    DraftState.SCHEDULED: ":calendar: Approved and scheduled",
    DraftState.PUBLISHED: ":rocket: Published",
    DraftState.PAUSED: ":double_vertical_bar: Paused for a crisis",
}


def card_value(draft: Draft) -> str:
    """A button's value: the draft and the text it showed, so a click on old text is caught."""
    return f"{draft.id}:{draft.text_hash[:12]}"


def parse_card_value(value: str) -> tuple[int, str] | None:
    draft_id, _, seen = value.partition(":")
    if not draft_id.isdigit() or len(draft_id) > 10 or len(seen) != 12:
        return None
    if any(c not in "0123456789abcdef" for c in seen):
        return None
    return int(draft_id), seen


# -- the card -------------------------------------------------------------------------------------


def build_approval_card(
    draft: Draft,
    progress: Progress,
    *,
    warnings: Sequence[Finding] = (),
    zone: ZoneInfo,
    approvers_configured: bool = True,
    crisis_approvers: Sequence[str] = (),
) -> dict[str, Any]:
    """The card; ``crisis_approvers`` (as configured) are named while the crisis that stamped
    the draft runs (``progress.crisis_kind``), in its banner and its approvals line."""
    title = _title(draft)
    facts = [
        f"*{STATE_LABELS.get(draft.state, draft.state)}* · by <@{draft.author_id}>",
        f"*Networks:* {networks_line(draft)} · *When:* {_when(draft.scheduled_at, zone)}",
    ]
    if draft.campaign:
        facts.append(f"*Campaign:* {echo_user_text(draft.campaign, 128)}")
    if draft.link:
        facts.append(f"*Link:* {echo_user_text(draft.link, 300)}")
    blocks: list[dict[str, Any]] = [header(title)]
    if progress.crisis_kind is not None and draft.state not in FINAL_STATES:
        blocks.append(crisis_banner(progress.crisis_kind, crisis_approvers))
    blocks += [section("\n".join(facts)), *_text_sections(draft)]
    if draft.previous_text is not None:
        blocks.append(section("*What changed:*\n" + render_diff(draft.previous_text, draft.text)))
    if warnings:
        lines = "\n".join(f":warning: {escape_mrkdwn(w.message)}" for w in warnings[:10])
        blocks.append(section(truncate_mrkdwn(lines, SECTION_CHARS)))
    blocks.append(context(_progress_line(draft, progress, crisis_approvers)))
    if draft.last_note and draft.state in (
        DraftState.CHANGES_REQUESTED,
        DraftState.REJECTED,
        DraftState.EXPIRED,
    ):
        blocks.append(section(f"*Note:* {echo_user_text(draft.last_note, 2_000)}"))
    if not approvers_configured and draft.state == DraftState.PENDING:
        blocks.append(context(":warning: " + no_approvers_notice()))
    buttons = card_buttons(draft)
    if buttons:
        blocks.append(actions("draft_actions", buttons))
    fallback = f"{title}: {STATE_LABELS.get(draft.state, draft.state)}"
    return {"text": fallback, "blocks": blocks}


def _title(draft: Draft) -> str:
    if draft.kind == "reply":
        customer = f" to {draft.customer_handle}" if draft.customer_handle else ""
        return truncate(f"Reply draft #{draft.id}{customer}", 150)
    return f"Post draft #{draft.id}"


def networks_line(draft: Draft) -> str:
    return ", ".join(display_name(n) for n in split_list(draft.networks)) or "none"


def _when(moment: datetime | None, zone: ZoneInfo) -> str:
    if moment is None:
        return "not scheduled"
    return moment.astimezone(zone).strftime("%a %d %b %Y, %H:%M %Z")


def _text_sections(draft: Draft) -> list[dict[str, Any]]:
    return text_sections(
        draft,
        max_sections=MAX_TEXT_SECTIONS,
        more=lambda rest: (
            f"… {rest:,} more characters; the full text is in `/social audit {draft.id}`."
        ),
    )


def text_sections(
    draft: Draft, *, max_sections: int, more: Callable[[int], str]
) -> list[dict[str, Any]]:
    """What goes out, as the approver must see it: each network's text, UTM tags included.

    Networks that publish the same text share one group; with one group the text stands alone,
    with several each is labelled with its networks. ``max_sections`` are shared out between
    groups so a message stays within Slack's block limits (``more(characters left)`` says what
    was cut), and a cut never splits an escape or a link.
    """
    groups = _publish_groups(draft)
    labelled = len(groups) > 1
    allowance = max(1, max_sections // len(groups))
    sections: list[dict[str, Any]] = []
    for networks, text in groups:
        label = f"*{', '.join(display_name(n) for n in networks)}:*\n" if labelled else ""
        chunks = split_mrkdwn(escape_mrkdwn(text), SECTION_CHARS - len(label))
        shown = chunks[:allowance]
        sections.append(section(label + shown[0]))
        sections.extend(section(chunk) for chunk in shown[1:])
        if len(chunks) > allowance:
            sections.append(context(more(sum(len(c) for c in chunks[allowance:]))))
    return sections


def _publish_groups(draft: Draft) -> list[tuple[list[str], str]]:
    """(networks, text) for each distinct text the draft publishes, in network order."""
    groups: dict[str, list[str]] = {}
    for network, text in publish_texts(draft).items():
        groups.setdefault(text, []).append(network)
    return [(networks, text) for text, networks in groups.items()] or [([], draft.text)]


def _progress_line(draft: Draft, progress: Progress, crisis_approvers: Sequence[str] = ()) -> str:
    given = ", ".join(f"<@{user}>" for user in progress.given) or "none yet"
    line = f"Approvals: {len(progress.given)} of {progress.required} ({given})"
    if progress.risk_needed:
        topics = ", ".join(split_list(draft.risky_topics))
        line += f" · a risk approver must approve (topics: {escape_mrkdwn(topics)})"
    if progress.crisis_needed:
        line += f" · crisis mode: one must come from {crisis_approvers_text(crisis_approvers)}"
    return line


def card_buttons(draft: Draft) -> list[dict[str, Any]]:
    """The buttons a draft's card offers in its state (the App Home picks from the same ones)."""
    if draft.state in FINAL_STATES:
        return []
    value = card_value(draft)
    if draft.state == DraftState.PENDING:
        reject_confirm = confirm_dialog(
            title="Reject this draft?",
            text="You'll be asked for a reason; the author is told.",
            confirm="Reject",
        )
        return [
            button("Approve", APPROVE_ACTION, value, style="primary"),
            button("Request changes", REQUEST_CHANGES_ACTION, value),
            button("Reject", REJECT_ACTION, value, style="danger", confirm=reject_confirm),
            button("Edit", EDIT_ACTION, value),
            button("Withdraw", WITHDRAW_ACTION, value),
        ]
    if draft.state in (DraftState.APPROVED, DraftState.SCHEDULED):
        return [
            button("Mark published", PUBLISHED_ACTION, value, style="primary"),
            button("Edit", EDIT_ACTION, value),
            button("Withdraw", WITHDRAW_ACTION, value),
        ]
    return [button("Edit", EDIT_ACTION, value), button("Withdraw", WITHDRAW_ACTION, value)]


def render_diff(old: str, new: str) -> str:
    """Removed words struck through, added words bold; escaped and cut to fit a section."""
    parts = []
    for kind, words in word_diff(old, new):
        text = escape_mrkdwn(words)
        if kind == "removed":
            parts.append(f"~{text}~")
        elif kind == "added":
            parts.append(f"*{text}*")
        else:
            parts.append(text)
    return truncate_mrkdwn(" ".join(parts), SECTION_CHARS - 20) or " "


# -- modals ---------------------------------------------------------------------------------------


def build_draft_modal(
    *, default_network: str, zone_name: str, private_metadata: str = "", initial_text: str = ""
) -> dict[str, Any]:
    options = [option(n.display_name, n.id) for n in NETWORKS.values()]
    initial = [o for o in options if o["value"] == default_network]
    networks: dict[str, Any] = {
        "type": "multi_static_select",
        "action_id": "value",
        "options": options,
        "placeholder": plain_text("Where it goes"),
    }
    if initial:
        networks["initial_options"] = initial
    text = text_input(max_length=PLAIN_INPUT_MAX, multiline=True, initial_value=initial_text)
    hint = f"Shown in your Slack time zone; the team's is {zone_name}."
    return modal(
        callback_id=CREATE_VIEW,
        private_metadata=private_metadata,
        title="New draft",
        submit="Submit",
        blocks=[
            input_block("networks", "Networks", networks),
            input_block("text", "Text", text),
            input_block(
                "scheduled_at",
                "Scheduled time",
                {"type": "datetimepicker", "action_id": "value"},
                optional=True,
                hint=hint,
            ),
            input_block("campaign", "Campaign", text_input(max_length=128), optional=True),
        ],
    )


# The note modal's title per decision; its loading stand-in opens with the same one.
NOTE_TITLES = {"reject": "Reject draft", "request_changes": "Request changes"}


def build_note_modal(
    *,
    draft_id: int,
    decision: Literal["request_changes", "reject"],
    seen_hash: str,
    from_home: bool = False,
) -> dict[str, Any]:
    """``from_home``: opened from the App Home, which is refreshed once the note is sent."""
    title = NOTE_TITLES[decision]
    label = "Why is it rejected?" if decision == "reject" else "What should change?"
    metadata: dict[str, Any] = {"draft_id": draft_id, "decision": decision, "seen_hash": seen_hash}
    if from_home:
        metadata["home"] = True
    note = text_input(max_length=PLAIN_INPUT_MAX, multiline=True)
    return modal(
        callback_id=NOTE_VIEW,
        private_metadata=json.dumps(metadata),
        title=title,
        submit="Send",
        blocks=[input_block("note", label, note)],
    )


def build_edit_modal(draft: Draft, *, from_home: bool = False) -> dict[str, Any]:
    text = text_input(max_length=PLAIN_INPUT_MAX, multiline=True, initial_value=draft.text)
    blocks: list[dict[str, Any]] = [input_block("text", "Text", text)]
    if len(draft.text) > PLAIN_INPUT_MAX:
        blocks.append(
            context("This text is longer than Slack's form allows; only the start is shown.")
        )
    if draft.network_texts is not None:
        blocks.append(
            context(
                "These are your words; links to the brand's sites are tagged per network "
                "(UTM) again when you save, as the card shows."
            )
        )
    blocks.append(context("Saving a change cancels the approvals given so far."))
    return modal(
        callback_id=EDIT_VIEW,
        private_metadata=json.dumps(
            {"draft_id": draft.id, **({"home": True} if from_home else {})}
        ),
        title=f"Edit draft #{draft.id}",
        submit="Save",
        blocks=blocks,
    )


# -- notices --------------------------------------------------------------------------------------

_DECISION_WORDS = {
    "approve": "approved your draft",
    "request_changes": "requested changes to your draft",
    "reject": "rejected your draft",
    "publish": "marked your draft published",
    "edit": "edited the draft",
    "withdraw": "withdrew the draft",
}


def decision_notice(draft: Draft, actor_id: str, action: str, note: str | None) -> str:
    words = _DECISION_WORDS.get(action, action)
    text = f"<@{draft.author_id}>, <@{actor_id}> {words} #{draft.id}."
    if draft.state in (DraftState.APPROVED, DraftState.SCHEDULED) and action == "approve":
        text += " It is ready to go out."
    elif action == "approve":
        text += " More approvals are needed."
    if note:
        text += f"\n> {echo_user_text(note, 1_000)}"
    return text


def reminder_text(draft: Draft, waiting_on: Sequence[str], age: timedelta) -> str:
    people = " ".join(_mention(p) for p in waiting_on) or "the approvers"
    return f":bell: {people}: draft #{draft.id} has waited {age_text(age)} for approval."


def expired_notice(draft: Draft) -> str:
    return (
        f"<@{draft.author_id}>, draft #{draft.id} expired without a decision "
        f"({escape_mrkdwn(draft.last_note or 'its time passed')}). Draft it again if it should still go out."
    )


def no_approvers_notice() -> str:
    return (
        "No approvers are configured, so nobody can approve drafts. An admin should set "
        "SOCIALOPS_APPROVERS to user ids (U…) or user-group ids (S…)."
    )


# -- small pieces ---------------------------------------------------------------------------------


def _mention(entry: str) -> str:
    return f"<!subteam^{entry}>" if is_user_group(entry) else f"<@{entry}>"


def age_text(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    if minutes < 60:
        return f"{max(minutes, 0)}m"
    if minutes < 48 * 60:
        return f"{minutes // 60}h"
    return f"{minutes // (24 * 60)}d"


def ephemeral_message(text: str) -> dict[str, Any]:
    return {"response_type": "ephemeral", **text_message(text)}
