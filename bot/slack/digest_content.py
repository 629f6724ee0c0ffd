"""What a digest says: the figures of its window, rendered by the team's template into Block Kit,
and the 7-day chart. Used by the clock (scheduled digests) and by ``/social digest now``.

Interface shared by the digest work; the bodies are written by the rendering work.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.services import Services


@dataclass(frozen=True)
class DigestMessage:
    text: str  # the notification and fallback text
    blocks: list[dict[str, Any]]


def compose_digest(
    services: Services, *, kind: str, end: datetime, now: datetime, tz: ZoneInfo
) -> DigestMessage:
    """The digest message: ``kind`` "daily" covers the 24 hours before ``end``, "weekly" the 7
    days; the queues are as they are at ``now``; days and times are shown in ``tz``."""
    # A plain stand-in until the rendering work's body lands (it replaces this at merge): the
    # clock's delivery is tested against it, not its wording.
    span = timedelta(days=7) if kind == "weekly" else timedelta(days=1)
    start = (end - span).astimezone(tz)
    text = (
        f"{kind.capitalize()} digest: {start:%a %d %b %H:%M} to {end.astimezone(tz):%a %d %b %H:%M}"
    )
    return DigestMessage(text, [{"type": "section", "text": {"type": "mrkdwn", "text": text}}])


def compose_chart(services: Services, *, last_day: date, tz: ZoneInfo) -> bytes:
    """The PNG of the 7 local days ending with ``last_day``: approvals, handoffs, suggestions."""
    # A plain stand-in until the rendering work's body lands (it replaces this at merge).
    import io

    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    figure = Figure(figsize=(4, 2))
    figure.suptitle(f"7 days to {last_day:%a %d %b} ({tz.key})")
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
