"""What a digest says: the figures of its window, rendered by the team's template into Block Kit,
and the 7-day chart. Used by the clock (scheduled digests) and by ``/social digest now``.

The wording is the team's ``responses/digest/digest.md.j2`` when it has one. A team template that
fails to render (a typo in a variable: StrictUndefined) must not cost the lead the morning's
digest: the shipped sample renders instead and the error is logged (``socialops check`` reports
it before it ever gets this far).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from bot.blocks.digest_chart import draw_week_chart
from bot.blocks.digest_text import digest_context, quiet_sample_figures, sample_figures
from bot.blocks.digests import build_digest_message
from bot.content import SAMPLE_RESPONSES_DIR
from bot.knowledge.digest_template import (
    DIGEST_TEMPLATE,
    digest_template_path,
    load_digest_template,
    render_digest_text,
)
from bot.knowledge.templates import TemplateFileError
from bot.services import Services
from bot.store.db import session_scope
from bot.store.models import Draft
from bot.workflows.digests.figures import DigestFigures, build_figures
from bot.workflows.digests.history import daily_rows

log = logging.getLogger(__name__)

WINDOWS: Mapping[str, timedelta] = {"daily": timedelta(hours=24), "weekly": timedelta(days=7)}
CHART_DAYS = 7


@dataclass(frozen=True)
class DigestMessage:
    text: str  # the notification and fallback text
    blocks: list[dict[str, Any]]


def compose_digest(
    services: Services, *, kind: str, end: datetime, now: datetime, tz: ZoneInfo
) -> DigestMessage:
    """The digest message: ``kind`` "daily" covers the 24 hours before ``end``, "weekly" the 7
    days; the queues are as they are at ``now``; days and times are shown in ``tz``."""
    if kind not in WINDOWS:
        raise ValueError(f"unknown digest kind {kind!r}")
    with session_scope(services.sessions) as session:
        figures = build_figures(session=session, start=end - WINDOWS[kind], end=end, now=now, tz=tz)
        hashes = _card_hashes(session, (d.draft_id for d in figures.approvals.oldest_pending))
    text = _render(Path(services.settings.responses_dir), figures, kind=kind, tz=tz)
    message = build_digest_message(text, figures, seen_hashes=hashes, now=now)
    return DigestMessage(text=message["text"], blocks=message["blocks"])


def compose_chart(services: Services, *, last_day: date, tz: ZoneInfo) -> bytes:
    """The PNG of the 7 local days ending with ``last_day``: approvals, handoffs, suggestions."""
    first_day = last_day - timedelta(days=CHART_DAYS - 1)
    with session_scope(services.sessions) as session:
        rows = daily_rows(
            session=session,
            first_day=first_day,
            last_day=last_day,
            tz=tz,
            now=services.clock(),
        )
    return draw_week_chart(rows, title=chart_title(first_day, last_day, tz))


def chart_title(first_day: date, last_day: date, tz: ZoneInfo) -> str:
    def shown(day: date) -> str:
        return f"{day:%a} {day.day} {day:%b}"

    return f"Last 7 days: {shown(first_day)} to {shown(last_day)} ({tz.key})"


def check_digest_template(responses_dir: Path, *, now: datetime) -> tuple[str, list[str]]:
    """For ``socialops check``: which template a digest uses, and its problems (rendered with
    sample figures, on a busy day and on a quiet one)."""
    path = digest_template_path(responses_dir, SAMPLE_RESPONSES_DIR)
    busy = sample_figures(now)
    quiet = quiet_sample_figures(now)
    problems: list[str] = []
    try:
        template = load_digest_template(path)
        for figures, kind in ((busy, "daily"), (quiet, "daily"), (busy, "weekly")):
            render_digest_text(template, digest_context(figures, kind=kind, tz=ZoneInfo("UTC")))
    except TemplateFileError as error:
        problems.append(str(error))
    return str(path), list(dict.fromkeys(problems))


def _render(responses_dir: Path, figures: DigestFigures, *, kind: str, tz: ZoneInfo) -> str:
    context = digest_context(figures, kind=kind, tz=tz)
    path = digest_template_path(responses_dir, SAMPLE_RESPONSES_DIR)
    try:
        return render_digest_text(load_digest_template(path), context)
    except TemplateFileError as error:
        sample = SAMPLE_RESPONSES_DIR / DIGEST_TEMPLATE
        if path == sample:
            raise
        log.error("digest template %s: %s; the sample's wording is used instead", path, error)
        return render_digest_text(load_digest_template(sample), context)


def _card_hashes(session: Session, draft_ids: Iterable[int]) -> dict[int, str]:
    """Each draft's hash as its card's buttons carry it, for the digest's Approve buttons."""
    wanted = list(draft_ids)
    if not wanted:
        return {}
    rows = session.exec(select(Draft.id, Draft.text_hash).where(col(Draft.id).in_(wanted)))
    return {draft_id: text_hash[:12] for draft_id, text_hash in rows if draft_id is not None}
