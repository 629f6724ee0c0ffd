"""The crisis banner: one line at the top of everything crisis mode changes while it lasts
(approval cards of stamped drafts, reply suggestions, the App Home, ``/social queue``).

Pure: the kind of the running crisis ("crisis" | "drill") and who gives the extra approval
(configured entries: user ids or user-group ids) in; a Block Kit block or text out.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.blocks.kit import Block, section
from bot.core.slack_ids import is_user_group

DRILL = "drill"
# Slack's context element takes 3,000 characters; a long list of approvers is cut with a count.
MAX_NAMED = 10


def _mention(entry: str) -> str:
    return f"<!subteam^{entry}>" if is_user_group(entry) else f"<@{entry}>"


def crisis_approvers_text(crisis_approvers: Sequence[str]) -> str:
    if not crisis_approvers:
        return "a crisis approver (none configured)"
    named = ", ".join(_mention(e) for e in crisis_approvers[:MAX_NAMED])
    rest = len(crisis_approvers) - MAX_NAMED
    return named + (f" and {rest} more" if rest > 0 else "")


def crisis_banner_text(kind: str, crisis_approvers: Sequence[str]) -> str:
    """ ":rotating_light: CRISIS MODE — every draft needs one more approval from …" (DRILL too)."""
    mark = ":performing_arts: DRILL" if kind == DRILL else ":rotating_light: CRISIS MODE"
    return (
        f"{mark} — every draft needs one more approval from "
        f"{crisis_approvers_text(crisis_approvers)}"
    )


def crisis_banner(kind: str, crisis_approvers: Sequence[str], *, more: str = "") -> Block:
    """The banner as a section; ``more`` adds what it means where it is shown."""
    text = crisis_banner_text(kind, crisis_approvers)
    return section(f"*{text}*" + (f" · {more}" if more else ""))
