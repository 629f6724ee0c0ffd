"""A post-mortem written out: Markdown for people, JSON for tools. Pure: figures in, text out.

Times are UTC in ISO 8601 (JSON) or ``YYYY-MM-DD HH:MM UTC`` (Markdown). What people wrote (the
reason, the summary, drafts, handoff summaries, notes) is Markdown-escaped in the Markdown so a
``|`` cannot break a table nor a ``#`` make a heading; JSON carries it as it was written.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from typing import Any, Literal

from bot.workflows.crisis.report import DraftLine, Postmortem

Format = Literal["md", "json"]
FORMATS: tuple[Format, ...] = ("md", "json")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+\-.!|~])")


def render_postmortem(report: Postmortem, fmt: Format) -> str:
    return to_json(report) if fmt == "json" else to_markdown(report)


def title(report: Postmortem) -> str:
    """``Post-mortem: crisis #7`` or ``DRILL post-mortem: drill #8``."""
    prefix = "DRILL post-mortem" if report.is_drill else "Post-mortem"
    return f"{prefix}: {report.kind} #{report.crisis_id}"


def duration_text(delta: timedelta | None) -> str:
    """``45m``, ``2h 15m``, ``3d 4h``; ``under 1m`` for less; ``—`` for none."""
    if delta is None:
        return "—"
    minutes = max(int(delta.total_seconds() // 60), 0)
    if minutes == 0:
        return "under 1m"
    hours, minutes = divmod(minutes, 60)
    if not hours:
        return f"{minutes}m"
    days, hours = divmod(hours, 24)
    if days:
        return f"{days}d {hours}h" if hours else f"{days}d"
    return f"{hours}h {minutes}m" if minutes else f"{hours}h"


def percent(share: float | None) -> str:
    return "—" if share is None else f"{round(share * 100)}%"


def to_json(report: Postmortem) -> str:
    data: dict[str, Any] = {
        "id": report.crisis_id,
        "kind": report.kind,
        "drill": report.is_drill,
        "reason": report.reason,
        "summary": report.summary,
        "started_by": report.started_by,
        "started_at": _iso(report.started_at),
        "ended_by": report.ended_by,
        "ended_at": _iso(report.ended_at),
        "running": report.ended_at is None,
        "made_at": _iso(report.made_at),
        "duration_minutes": int(report.duration.total_seconds() // 60),
        "roles": [{"user_id": r.user_id, "role": r.role} for r in report.roles],
        "messages": report.messages,
        "negative": report.negative,
        "negative_share": _share(report.negative_share),
        "hours": [
            {
                "start": _iso(hour.start),
                "messages": hour.messages,
                "negative": hour.negative,
                "negative_share": _share(hour.negative_share),
            }
            for hour in report.hours
        ],
        "time_to_first_response_minutes": (
            None
            if report.time_to_first_response is None
            else round(report.time_to_first_response.total_seconds() / 60, 1)
        ),
        "published": [_draft(line) for line in report.published],
        "still_open": {
            "pending_drafts": [_draft(line) for line in report.pending],
            "paused_posts": [_draft(line) for line in report.paused],
            "handoffs": [
                {
                    "id": h.handoff_id,
                    "team": h.team,
                    "state": h.state,
                    "summary": h.summary,
                    "created_at": _iso(h.created_at),
                }
                for h in report.handoffs_open
            ],
        },
        "timeline": [
            {
                "at": _iso(event.at),
                "actor_id": event.actor_id,
                "action": event.action,
                "subject_type": event.subject_type,
                "subject_id": event.subject_id,
                "from_state": event.from_state,
                "to_state": event.to_state,
                "note": event.note,
            }
            for event in report.timeline
        ],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def to_markdown(report: Postmortem) -> str:
    lines = [f"# {title(report)}", ""]
    if report.is_drill:
        lines += [
            "> DRILL: a rehearsal. Nothing was paused and nothing is counted in the digest.",
            "",
        ]
    lines += [
        f"- **Reason:** {md(report.reason)}",
        f"- **Started:** {_when(report.started_at)} by {md(report.started_by)}",
        (
            f"- **Ended:** {_when(report.ended_at)} by {md(report.ended_by or '?')}"
            if report.ended_at is not None
            else f"- **Ended:** still running at {_when(report.until)}"
        ),
        f"- **Duration:** {duration_text(report.duration)}",
        f"- **Summary:** {md(report.summary) if report.summary else '—'}",
        "- **Roles:** " + (", ".join(f"{md(r.user_id)} ({r.role})" for r in report.roles) or "—"),
        f"- **Customer messages:** {report.messages}, {percent(report.negative_share)} negative",
        f"- **Time to first response:** {duration_text(report.time_to_first_response)}",
        "",
        "## Volume and sentiment per hour",
        "",
        "| Hour (UTC) | Messages | Negative | Negative share |",
        "|---|---:|---:|---:|",
    ]
    lines += [
        f"| {hour.start:%Y-%m-%d %H:00} | {hour.messages} | {hour.negative} "
        f"| {percent(hour.negative_share)} |"
        for hour in report.hours
    ]
    lines += ["", "## Published", "", *_draft_list(report.published, "Nothing was published.")]
    lines += ["", f"## Still open at {_when(report.made_at)}", "", "### Pending drafts", ""]
    lines += _draft_list(report.pending, "None.")
    lines += ["", "### Paused posts", "", *_draft_list(report.paused, "None.")]
    lines += ["", "### Open handoffs", ""]
    lines += [
        f"- #{h.handoff_id} {h.team}, {h.state} since {_when(h.created_at)}: {md(_line(h.summary))}"
        for h in report.handoffs_open
    ] or ["None."]
    lines += ["", "## Timeline", ""]
    lines += [
        f"- {_when(event.at)} {md(event.actor_id)} {event.words}"
        + (f": {md(_line(event.note))}" if event.note else "")
        for event in report.timeline
    ] or ["Nothing recorded."]
    return "\n".join(lines) + "\n"


def md(text: str) -> str:
    """Text shown as written: Markdown's control characters escaped, one line."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", _line(text))


def _line(text: str) -> str:
    return " ".join(text.split())


def _draft_list(lines: tuple[DraftLine, ...], empty: str) -> list[str]:
    return [
        f"- #{line.draft_id} {line.kind} ({line.networks or 'no network'})"
        + (f", {_when(line.at)}" if line.at is not None else "")
        + f": {md(line.text)}"
        for line in lines
    ] or [empty]


def _draft(line: DraftLine) -> dict[str, Any]:
    return {
        "id": line.draft_id,
        "kind": line.kind,
        "state": line.state,
        "networks": [name for name in line.networks.split(",") if name],
        "text": line.text,
        "at": _iso(line.at),
    }


def _when(at: datetime | None) -> str:
    return "—" if at is None else f"{at:%Y-%m-%d %H:%M} UTC"


def _iso(at: datetime | None) -> str | None:
    return None if at is None else at.isoformat()


def _share(share: float | None) -> float | None:
    return None if share is None else round(share, 4)
