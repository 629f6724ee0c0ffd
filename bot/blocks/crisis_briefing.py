"""Block Kit for crisis mode's own messages: the war room's briefing, the announcement in the
approvals channel, and the end.

Pure: each builder takes plain data read by ``bot/slack/crisis_briefing.py`` and returns
``(text, blocks)``. What people wrote (the reason, the summary, a paused post's text) is escaped
here; the holding statements come from the team's templates already rendered and are escaped
too, so a ``<!channel>`` in one shows literally. Lists are capped (Slack's 50 blocks, 3000
characters a section) with "… and N more".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.blocks.kit import Block, actions, button, confirm_dialog, context, divider, header, section
from bot.blocks.text import echo_user_text, truncate_mrkdwn
from bot.core.mrkdwn import slack_date

RESUME_ACTION = "crisis_resume"
RESUME_ALL_ACTION = "crisis_resume_all"
# Rows of paused posts (a section with a Resume button each) and holding statements shown; the
# rest is one "… and N more" line. With the fixed blocks this stays well under Slack's 50.
MAX_PAUSED_ROWS = 20
MAX_STATEMENTS = 5
# A section's text may be 3000 characters; a reason or summary is at most 500 when stored.
SECTION_CHARS = 2900
EXCERPT_CHARS = 200
ROLE_ORDER = ("lead", "legal", "pr", "support")


@dataclass(frozen=True)
class CrisisFacts:
    """What every crisis message says about the crisis itself."""

    id: int
    drill: bool
    reason: str
    started_by: str
    started_at: datetime
    # Who gives the extra approval, as Slack mentions; empty: the admins act as crisis approvers.
    crisis_approvers: Sequence[str]
    admins: Sequence[str]
    ended_at: datetime | None = None
    ended_by: str | None = None
    summary: str | None = None


@dataclass(frozen=True)
class PausedPost:
    draft_id: int
    text: str
    paused_from: str  # "approved" | "scheduled"
    scheduled_at: datetime | None


@dataclass(frozen=True)
class HoldingStatement:
    template_id: str
    text: str  # rendered with a neutral context; one that failed is empty and says why in error
    error: str | None = None


@dataclass(frozen=True)
class Briefing:
    facts: CrisisFacts
    roles: Sequence[tuple[str, str]]  # (user id, role)
    statements: Sequence[HoldingStatement]
    paused: Sequence[PausedPost]
    room_note: str | None


def mode_label(drill: bool) -> str:
    return ":performing_arts: DRILL" if drill else ":rotating_light: CRISIS MODE"


def mention(entry: str) -> str:
    """A user id or a user-group id as Slack shows it."""
    return f"<!subteam^{entry}>" if entry.startswith("S") else f"<@{entry}>"


def approvers_line(facts: CrisisFacts) -> str:
    """Who the extra approval must come from."""
    if facts.crisis_approvers:
        who = ", ".join(mention(entry) for entry in facts.crisis_approvers)
        return f"Every draft needs one more approval, from a crisis approver: {who}."
    admins = ", ".join(mention(entry) for entry in facts.admins) or "nobody (no admins set)"
    return (
        "Every draft needs one more approval. SOCIALOPS_CRISIS_APPROVERS is not set, "
        f"so the admins act as crisis approvers: {admins}."
    )


def _title(facts: CrisisFacts, what: str) -> str:
    return f"{'DRILL' if facts.drill else 'Crisis'} #{facts.id}: {what}"


def _reason(facts: CrisisFacts) -> str:
    label = "Scenario" if facts.drill else "Reason"
    return f"*{label}:* {echo_user_text(facts.reason, SECTION_CHARS)}"


def _started(facts: CrisisFacts) -> str:
    return f"Started by {mention(facts.started_by)} {slack_date(facts.started_at)}."


def _roles_line(roles: Sequence[tuple[str, str]]) -> str:
    by_role: dict[str, list[str]] = {}
    for user, role in roles:
        by_role.setdefault(role, []).append(mention(user))
    if not by_role:
        return "*Roles:* none yet."
    ordered = sorted(by_role, key=lambda r: ROLE_ORDER.index(r) if r in ROLE_ORDER else 99)
    parts = [f"{role}: {', '.join(by_role[role])}" for role in ordered]
    listed = truncate_mrkdwn("*Roles:* " + " · ".join(parts), SECTION_CHARS - 100)
    return f"{listed}\nAssign more with `/social crisis role @person legal|pr|support|lead`."


def _statement_blocks(statements: Sequence[HoldingStatement]) -> list[Block]:
    if not statements:
        return [
            section(
                ":warning: *No holding statement.* No response template is marked "
                "`crisis: true`, so no reply will be suggested while this lasts. Add one to the "
                "responses folder (front matter `crisis: true`)."
            )
        ]
    blocks = [section("*Holding statements* (pre-approved; suggestions use only these):")]
    for statement in statements[:MAX_STATEMENTS]:
        if statement.error is not None:
            body = f"_could not be rendered: {echo_user_text(statement.error, 500)}_"
        else:
            body = echo_user_text(statement.text, SECTION_CHARS - 100)
        blocks.append(
            section(f"`{statement.template_id}`\n>{body.replace(chr(10), chr(10) + '>')}")
        )
    if len(statements) > MAX_STATEMENTS:
        blocks.append(context(f"… and {len(statements) - MAX_STATEMENTS} more"))
    return blocks


def _paused_row(post: PausedPost) -> Block:
    when = f", was due {slack_date(post.scheduled_at)}" if post.scheduled_at else ""
    text = (
        f"*#{post.draft_id}* ({post.paused_from}{when})\n{echo_user_text(post.text, EXCERPT_CHARS)}"
    )
    return section(text, accessory=button("Resume", RESUME_ACTION, str(post.draft_id)))


def resume_all_button(crisis_id: int, count: int) -> Block:
    return button(
        f"Resume all {count} paused posts",
        RESUME_ALL_ACTION,
        str(crisis_id),
        style="primary",
        confirm=confirm_dialog(
            title="Resume all?",
            text=f"{count} paused posts go back to approved or scheduled.",
            confirm="Resume all",
        ),
    )


def _paused_blocks(crisis_id: int, paused: Sequence[PausedPost], drill: bool) -> list[Block]:
    if drill:
        return [context("A drill pauses nothing: approved and scheduled posts go out as usual.")]
    if not paused:
        return [section("*Paused posts:* none (nothing was approved or scheduled).")]
    blocks = [section(f"*Paused posts ({len(paused)}):* they stay paused until resumed.")]
    blocks.extend(_paused_row(post) for post in paused[:MAX_PAUSED_ROWS])
    if len(paused) > MAX_PAUSED_ROWS:
        blocks.append(context(f"… and {len(paused) - MAX_PAUSED_ROWS} more"))
    blocks.append(actions("crisis_paused", [resume_all_button(crisis_id, len(paused))]))
    return blocks


def build_briefing(briefing: Briefing) -> tuple[str, list[Block]]:
    """The war room's briefing: what happened, who does what, what to say, what waits."""
    facts = briefing.facts
    title = _title(facts, "briefing")
    blocks: list[Block] = [
        header(f"{'DRILL — ' if facts.drill else ''}Crisis #{facts.id} briefing"),
        context(f"{mode_label(facts.drill)} · {_started(facts)}"),
        section(_reason(facts)),
    ]
    if facts.ended_at is not None:
        blocks.append(section(f":white_check_mark: *Ended* {slack_date(facts.ended_at)}."))
    if briefing.room_note:
        # The bot's own words (it links the fallback channel), not a person's: not escaped.
        blocks.append(section(f":information_source: {briefing.room_note}"))
    blocks.append(section(_roles_line(briefing.roles)))
    blocks.append(section(approvers_line(facts)))
    blocks.append(divider())
    blocks.extend(_statement_blocks(briefing.statements))
    blocks.append(divider())
    blocks.extend(_paused_blocks(facts.id, briefing.paused, facts.drill))
    return f"{title} — {echo_user_text(facts.reason, EXCERPT_CHARS)}", blocks


def build_announce(
    facts: CrisisFacts, *, war_room: str | None, paused: int
) -> tuple[str, list[Block]]:
    """The approvals channel hears that crisis mode (or a drill) is on and what changes."""
    what = "a drill is running" if facts.drill else "crisis mode is on"
    room = f"War room: <#{war_room}>." if war_room else "The war room is being set up."
    if facts.drill:
        paused_line = "Nothing is paused: this is a rehearsal."
    elif paused:
        paused_line = f"{paused} approved or scheduled posts are paused until resumed."
    else:
        paused_line = "No approved or scheduled post needed pausing."
    blocks: list[Block] = [
        section(f"{mode_label(facts.drill)} — *{_title(facts, what)}*"),
        section(_reason(facts)),
        context(f"{_started(facts)} {room}"),
        section(f"{approvers_line(facts)}\n{paused_line}"),
    ]
    return f"{_title(facts, what)}", blocks


def build_end(facts: CrisisFacts, *, war_room: str | None, paused: int) -> tuple[str, list[Block]]:
    """The approvals channel hears it is over, and can resume what it paused."""
    what = "the drill is over" if facts.drill else "crisis mode is over"
    ended = (
        f"Ended by {mention(facts.ended_by)} {slack_date(facts.ended_at)}."
        if facts.ended_by and facts.ended_at
        else "Ended."
    )
    summary = echo_user_text(facts.summary or "", SECTION_CHARS) or "_no summary_"
    blocks: list[Block] = [
        section(f":white_check_mark: *{_title(facts, what)}*"),
        section(f"*Summary:* {summary}"),
        context(
            f"{ended} The extra approval no longer applies."
            + (f" Post-mortem in <#{war_room}>." if war_room else "")
        ),
    ]
    if paused:
        blocks.append(section(f"{paused} posts are still paused."))
        blocks.append(actions("crisis_end", [resume_all_button(facts.id, paused)]))
    elif not facts.drill:
        blocks.append(context("No post is paused."))
    return _title(facts, what), blocks
