"""What `/social crisis …` and the Resume buttons answer the person who acted (ephemeral): the
confirmations, the status, and one short line for every refusal.

Everything people wrote (a reason, a summary, a post's text) is escaped: ``<!channel>`` shows
as typed and pings nobody.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from bot.blocks.kit import context, header, message, section
from bot.blocks.text import echo_user_text
from bot.core.mrkdwn import slack_date
from bot.store.models import Crisis, Draft
from bot.workflows.crisis.kinds import CrisisKind, Role
from bot.workflows.crisis.outcomes import (
    MAX_TEXT_CHARS,
    CrisisRefusal,
    CrisisStatus,
    EndOutcome,
    ResumeOutcome,
    RoleOutcome,
    StartOutcome,
)

# The buttons the briefing and the end message carry (fixed: the builders on other branches use
# the same ids).
RESUME_ACTION = "crisis_resume"  # value: the draft id
RESUME_ALL_ACTION = "crisis_resume_all"  # value: the crisis id

USAGE = (
    "`/social crisis start <reason>`, `/social crisis drill <scenario>`, `/social crisis status`, "
    "`/social crisis end <summary>`, `/social crisis role @user lead|legal|pr|support`, "
    "`/social crisis resume all`"
)
ROLE_WORDS = "|".join(str(role) for role in Role)
PAUSED_ROWS = 10  # the status lists this many paused posts, then "… and N more"
EXCERPT_CHARS = 80
ECHO_CHARS = 40

# What each verb is called in a refusal, and how to give the text it needs.
_ASK = {
    "start": ("start a crisis", "Say why: `/social crisis start <reason>`.", "reason"),
    "drill": ("start a drill", "Name the scenario: `/social crisis drill <scenario>`.", "scenario"),
    "end": ("end a crisis", "Say how it ended: `/social crisis end <summary>`.", "summary"),
}


def usage_text(word: str = "") -> str:
    said = (
        f"`{echo_user_text(word, ECHO_CHARS).replace('`', chr(39))}` is not a crisis command. "
        if word
        else ""
    )
    return f"{said}Use {USAGE}."


def role_usage_text() -> str:
    return f"Usage: `/social crisis role @user {ROLE_WORDS}` (mention the person with @)."


def resume_usage_text() -> str:
    return (
        "Usage: `/social crisis resume all`. To resume one post, use its Resume button in the "
        "war room's briefing."
    )


def _kind(crisis: Crisis) -> str:
    return "drill" if crisis.kind == CrisisKind.DRILL else "crisis"


def _room(crisis: Crisis) -> str:
    if crisis.war_room_channel:
        return f"<#{crisis.war_room_channel}>"
    return "its war room, being set up now"


def duration_text(span: timedelta) -> str:
    """``2 h 5 min``, ``45 min``, ``3 d 4 h``: how long a crisis lasted, to the minute."""
    minutes = max(int(span.total_seconds() // 60), 0)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes} min"
    return f"{minutes} min"


def _posts(count: int) -> str:
    return f"{count} post" + ("" if count == 1 else "s")


# -- refusals ------------------------------------------------------------------------------------


def refusal_text(
    refused: CrisisRefusal, *, verb: str, length: int = 0, state: str | None = None
) -> str:
    """One line for each refusal; ``verb`` is start, drill, end, role, resume or resume_all."""
    doing, ask, noun = _ASK.get(verb, ("do that", USAGE, "text"))
    if refused == CrisisRefusal.NO_ADMINS:
        return f"No admins are configured (SOCIALOPS_ADMINS), so nobody can {doing}."
    if refused == CrisisRefusal.NOT_ADMIN:
        return f"Only admins can {doing}; your attempt was recorded."
    if refused == CrisisRefusal.NOT_LEAD:
        action = "give crisis roles" if verb == "role" else "resume paused posts"
        return f"Only admins and the crisis lead can {action}; your attempt was recorded."
    if refused == CrisisRefusal.NONE_RUNNING:
        return "No crisis is running."
    if refused == CrisisRefusal.EMPTY:
        return ask
    if refused == CrisisRefusal.TOO_LONG:
        return (
            f"The {noun} is {length} characters; keep it to {MAX_TEXT_CHARS}. Nothing was changed."
        )
    if refused == CrisisRefusal.NOT_PAUSED:
        return f"That post is not paused any more (it is {(state or 'gone').replace('_', ' ')})."
    return "That post or crisis no longer exists."


# -- confirmations -------------------------------------------------------------------------------


def already_running_text(crisis: Crisis) -> str:
    """A second start: the running one, where to find it."""
    drill = crisis.kind == CrisisKind.DRILL
    running = (
        f"{'A drill' if drill else 'A crisis'} is already running since "
        f"{slack_date(crisis.started_at)} — see {_room(crisis)}: "
        f"{echo_user_text(crisis.reason, MAX_TEXT_CHARS)}"
    )
    # A real crisis during a rehearsal: say how to get out of the drill, not just that it runs.
    return f"{running}\nEnd the drill first: `/social crisis end <summary>`." if drill else running


def started_text(outcome: StartOutcome) -> str:
    crisis = outcome.crisis
    assert crisis is not None
    reason = echo_user_text(crisis.reason, MAX_TEXT_CHARS)
    stamped = (
        f" {outcome.stamped} draft{'' if outcome.stamped == 1 else 's'} waiting for approval "
        "now need one more approval from a crisis approver."
        if outcome.stamped
        else ""
    )
    if crisis.kind == CrisisKind.DRILL:
        return (
            f":performing_arts: DRILL started: {reason}. Nothing is paused and nothing counts in "
            f"the digest.{stamped} You lead it; the war room and its briefing follow."
        )
    paused = (
        f" Paused {_posts(len(outcome.paused))} that were approved or scheduled."
        if outcome.paused
        else " No approved or scheduled post needed pausing."
    )
    return (
        f":rotating_light: Crisis mode is on: {reason}.{paused}{stamped} You lead it; the war room "
        "and its briefing follow, and the approvals channel is told."
    )


def ended_text(outcome: EndOutcome) -> str:
    crisis = outcome.crisis
    assert crisis is not None
    assert crisis.ended_at is not None
    what = "The drill" if crisis.kind == CrisisKind.DRILL else "Crisis mode"
    lasted = duration_text(crisis.ended_at - crisis.started_at)
    text = f"{what} is over after {lasted}. The post-mortem goes to the war room."
    if outcome.still_paused:
        text += (
            f" {_posts(outcome.still_paused)} stay paused until resumed: "
            "`/social crisis resume all`, or the button in the approvals channel."
        )
    return text


def role_text(outcome: RoleOutcome) -> str:
    was = (
        f" (was {outcome.previous})"
        if outcome.previous and outcome.previous != outcome.role
        else ""
    )
    return (
        f"<@{outcome.user_id}> is now *{outcome.role}* in this crisis{was}; the briefing shows it."
    )


def resumed_text(outcome: ResumeOutcome) -> str:
    if not outcome.resumed:
        return "No paused posts were left to resume."
    if len(outcome.resumed) == 1:
        return f"Resumed post #{outcome.resumed[0]}: it is back where it was before the pause."
    return f"Resumed {_posts(len(outcome.resumed))}: each is back where it was before the pause."


# -- status --------------------------------------------------------------------------------------


def status_message(shown: CrisisStatus, *, now: datetime) -> dict[str, Any]:
    """`/social crisis status`: the running crisis (or the last one) and the paused posts."""
    crisis = shown.crisis
    fallback = "No crisis is running."
    if crisis is None:
        blocks = [section("No crisis is running, and none has run yet.")]
    elif shown.running:
        blocks = _running_blocks(crisis, shown, now=now)
        fallback = f"A {_kind(crisis)} is running."
    else:
        blocks = [section(fallback), context(_last_line(crisis))]
    blocks.extend(_paused_blocks(shown.paused))
    return {"response_type": "ephemeral", **message(fallback, blocks)}


def _running_blocks(crisis: Crisis, shown: CrisisStatus, *, now: datetime) -> list[dict[str, Any]]:
    drill = crisis.kind == CrisisKind.DRILL
    title = ":performing_arts: DRILL running" if drill else ":rotating_light: Crisis mode is on"
    lines = [
        f"*{'Scenario' if drill else 'Reason'}:* {echo_user_text(crisis.reason, MAX_TEXT_CHARS)}",
        f"*Started* {slack_date(crisis.started_at)} by <@{crisis.started_by}> "
        f"({duration_text(now - crisis.started_at)} ago)",
        f"*War room:* {_room(crisis)}",
    ]
    if crisis.war_room_fallback and crisis.room_note:
        lines.append(f"_{echo_user_text(crisis.room_note, 300)}_")
    roles = ", ".join(f"{role} <@{user}>" for user, role in shown.roles) or "none"
    lines.append(f"*Roles:* {roles}")
    lines.append(f"*Drafts waiting for the extra approval:* {shown.waiting}")
    if crisis.next_update_at is not None and not drill:
        lines.append(f"*Next status update:* {slack_date(crisis.next_update_at)}")
    return [header(title), section("\n".join(lines))]


def _last_line(crisis: Crisis) -> str:
    what = "drill" if crisis.kind == CrisisKind.DRILL else "crisis"
    ended = (
        f"ended {slack_date(crisis.ended_at)} by <@{crisis.ended_by}>"
        if crisis.ended_at is not None
        else "ended"
    )
    summary = echo_user_text(crisis.summary or "", 300)
    return f"The last {what}: {echo_user_text(crisis.reason, 300)} — {ended}" + (
        f": {summary}" if summary else "."
    )


def _paused_blocks(paused: tuple[Draft, ...]) -> list[dict[str, Any]]:
    if not paused:
        return []
    rows = [
        f"• #{draft.id} ({(draft.paused_from or 'approved').replace('_', ' ')}) "
        f"{echo_user_text(' '.join(draft.text.split()), EXCERPT_CHARS)}"
        for draft in paused[:PAUSED_ROWS]
    ]
    more = len(paused) - PAUSED_ROWS
    if more > 0:
        rows.append(f"… and {more} more")
    return [
        section(f"*Paused posts ({len(paused)}):*\n" + "\n".join(rows)),
        context("Resume them with `/social crisis resume all`, or one by one from the briefing."),
    ]
