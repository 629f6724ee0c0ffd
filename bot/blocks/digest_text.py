"""What the digest template sees: the figures as plain values, formatted for reading and escaped.

The template is team-edited text, so it gets no objects, only numbers, short strings and lists of
small mappings: durations already read "2h 15m", shares "40%", networks their display names.
Everything people wrote (FAQ labels, customers' questions) is escaped for Slack here, once, so a
template cannot forget it: ``<!channel>`` shows as text and pings nobody, and ``{{ 7*7 }}`` in a
question is data, never template source.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.core.mrkdwn import escape_mrkdwn
from bot.core.networks import display_name
from bot.workflows.digests.figures import (
    ApprovalFigures,
    Count,
    DigestFigures,
    HandoffFigures,
    PendingDraft,
    ReplyFigures,
)

KINDS: Mapping[str, tuple[str, str]] = {
    "daily": ("Daily digest", "the last 24 hours"),
    "weekly": ("Weekly digest", "the last 7 days"),
}
LABEL_CHARS = 80  # an FAQ label or a question in a sentence of the digest


def digest_context(figures: DigestFigures, *, kind: str, tz: ZoneInfo) -> dict[str, Any]:
    """The template's variables (the README lists them) for ``figures``."""
    title, period = KINDS.get(kind, KINDS["daily"])
    a, h, r = figures.approvals, figures.handoffs, figures.replies
    return {
        "kind": kind,
        "title": title,
        "period": period,
        "day": local_day(figures.end, tz),
        "quiet": figures.is_quiet,
        "approvals": {
            "submitted": a.submitted,
            "approved": a.approved,
            "rejected": a.rejected,
            "expired": a.expired,
            "pending": a.pending,
            "pending_under_4h": a.pending_under_4h,
            "pending_under_24h": a.pending_under_24h,
            "pending_older": a.pending_older,
            "median_to_approve": duration_text(a.median_time_to_approve),
        },
        "scheduled": [
            {"network": escape_mrkdwn(display_name(network)), "count": count}
            for network, count in sorted(figures.scheduled_today.items())
            if count
        ],
        "handoffs": {
            "opened": h.opened,
            "claimed": h.claimed,
            "resolved": h.resolved,
            "bounced": h.bounced,
            "sla_breaches": h.sla_breaches,
            "median_to_claim": duration_text(h.median_time_to_claim),
            "open": [
                {"team": escape_mrkdwn(team), "count": count}
                for team, count in sorted(h.open_by_team.items())
                if count
            ],
        },
        "replies": {
            "suggestions": r.suggestions,
            "answered_from_faq": r.answered_from_faq,
            "sent_for_approval": r.sent_for_approval,
            "faq_share": percent_text(r.faq_share),
            "approval_share": percent_text(r.approval_share),
            "top_entries": [_counted(item) for item in r.top_entries],
            "top_gaps": [_counted(item) for item in r.top_gaps],
            "moods": [
                {"mood": escape_mrkdwn(mood), "count": count}
                for mood, count in sorted(r.moods.items(), key=lambda kv: (-kv[1], kv[0]))
                if count
            ],
        },
        "crisis": escape_mrkdwn(figures.crisis) if figures.crisis else None,
    }


def local_day(at: datetime, tz: ZoneInfo) -> str:
    """``Mon 30 Nov``: the team's day, as the digest's title and the chart name it."""
    local = at.astimezone(tz)
    return f"{local:%a} {local.day} {local:%b}"


def duration_text(delta: timedelta | None) -> str | None:
    """``under 1m``, ``45m``, ``2h 15m``, ``3d 4h``: a duration read at a glance; None stays None."""
    if delta is None:
        return None
    minutes = max(int(delta.total_seconds() // 60), 0)
    if minutes == 0:
        return "under 1m"  # "0m" reads as nothing at all
    if minutes < 60:
        return f"{minutes}m"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours}h {minutes}m" if minutes else f"{hours}h"
    days, hours = divmod(hours, 24)
    return f"{days}d {hours}h" if hours else f"{days}d"


def percent_text(share: float | None) -> str | None:
    return None if share is None else f"{round(share * 100)}%"


def _counted(item: Count) -> dict[str, Any]:
    label = item.label if len(item.label) <= LABEL_CHARS else item.label[: LABEL_CHARS - 1] + "…"
    return {"label": escape_mrkdwn(label), "count": item.count}


def sample_figures(now: datetime) -> DigestFigures:
    """A busy day, for ``socialops check`` and the README: every variable has a value, and the
    lists are long enough to reach their "and N more"."""
    return DigestFigures(
        start=now - timedelta(hours=24),
        end=now,
        approvals=ApprovalFigures(
            submitted=12,
            approved=9,
            rejected=1,
            expired=1,
            pending_under_4h=2,
            pending_under_24h=1,
            pending_older=1,
            median_time_to_approve=timedelta(hours=2, minutes=15),
            oldest_pending=(
                PendingDraft(
                    1, "U0SAMPLE", "Our spring sale starts Monday!", now - timedelta(days=2)
                ),
            ),
        ),
        scheduled_today={"linkedin": 2, "x": 3},
        handoffs=HandoffFigures(
            opened=5,
            claimed=4,
            resolved=3,
            bounced=1,
            sla_breaches=1,
            median_time_to_claim=timedelta(minutes=25),
            open_by_team={"support": 2, "sales": 1},
        ),
        replies=ReplyFigures(
            suggestions=40,
            answered_from_faq=28,
            sent_for_approval=10,
            top_entries=tuple(
                Count(key, key.replace("-", " "), count)
                for key, count in (
                    ("order-tracking", 9),
                    ("returns", 6),
                    ("sizing", 4),
                    ("shipping-times", 2),
                )
            ),
            top_gaps=(
                Count("g1", "do you ship to <Iceland> & Greenland?", 4, gap_id=1),
                Count("g2", "{{ 7*7 }} gift cards?", 2, gap_id=2),
                Count("g3", "student discount", 2, gap_id=3),
                Count("g4", "<!channel> price match", 1, gap_id=4),
            ),
            moods={"neutral": 25, "upset": 9, "happy": 6},
        ),
    )


def quiet_sample_figures(now: datetime) -> DigestFigures:
    """A day with nothing to report, for ``socialops check``: the template's quiet branch."""
    return DigestFigures(
        start=now - timedelta(hours=24),
        end=now,
        approvals=ApprovalFigures(0, 0, 0, 0, 0, 0, 0, None, ()),
        scheduled_today={},
        handoffs=HandoffFigures(0, 0, 0, 0, 0, None, {}),
        replies=ReplyFigures(0, 0, 0, (), (), {}),
    )
