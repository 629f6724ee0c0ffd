"""compose_digest and compose_chart against a hand-built store (SQLite, or PostgreSQL with
DATABASE_URL): the real figures, rendered by the template, in Block Kit Slack accepts."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from bot.blocks.digests import DIGEST_APPROVE_ACTION, DIGEST_OPEN_QUEUE_ACTION
from bot.blocks.replies import ADD_TO_FAQ_ACTION
from bot.services import Services
from bot.settings import load_settings
from bot.slack.digest_content import DigestMessage, compose_chart, compose_digest
from bot.store.db import session_scope
from bot.store.models import Draft
from slack_emulator.block_limits import check_message
from tests.blocks.test_digest_chart import png_size
from tests.migrated import migrate
from tests.workflows.test_digest_figures import (
    NOW,
    add,
    draft,
    entry,
    gap,
    handoff,
    suggestion,
)

BERLIN = ZoneInfo("Europe/Berlin")
NASTY = "Hi <!channel> {{ 7*7 }} & more"


def compose(services: Services, kind: str = "daily", tz: ZoneInfo = BERLIN) -> DigestMessage:
    return compose_digest(services, kind=kind, end=NOW, now=NOW, tz=tz)


def shown(message: DigestMessage) -> str:
    return json.dumps(message.blocks, ensure_ascii=False)


def button_values(message: DigestMessage, action_id: str) -> list[str]:
    return [
        element["value"]
        for block in message.blocks
        for element in [block.get("accessory") or {}, *block.get("elements", [])]
        if element.get("action_id") == action_id
    ]


def busy_store(services: Services) -> None:
    add(
        services,
        draft(submitted_at=NOW - timedelta(hours=30), text=NASTY),
        draft(submitted_at=NOW - timedelta(hours=10)),
        draft(submitted_at=NOW - timedelta(hours=2)),
        draft(submitted_at=NOW - timedelta(hours=1)),
        draft(state="approved", submitted_at=NOW - timedelta(hours=5)),
    )
    add(
        services,
        entry(NOW - timedelta(hours=5), "submit", "draft", "pending", subject_id="5"),
        entry(NOW - timedelta(hours=3), "approve", "pending", "approved", subject_id="5"),
        # Three days ago: in the week, not the day.
        entry(NOW - timedelta(days=3), "approve", "pending", "approved", subject_id="9"),
        handoff(NOW - timedelta(hours=4)),
        suggestion(NOW - timedelta(hours=6)),
        suggestion(NOW - timedelta(hours=7), mood="upset"),
        gap("do you ship to <mars>", 4, NOW - timedelta(hours=1)),
    )


def test_a_busy_day_from_the_store(services: Services) -> None:
    busy_store(services)
    message = compose(services)
    assert check_message({"text": message.text, "blocks": message.blocks}) == []
    text = shown(message)
    assert message.blocks[0]["text"]["text"] == "Daily digest · Mon 30 Nov"
    assert "1 submitted, 1 approved, 0 rejected, 0 expired" in text
    assert "Median time to approve: 2h" in text
    assert "Waiting now: *4* (2 under 4h, 1 under 24h, 1 older)" in text
    assert "*Handoffs*: 1 opened" in text
    assert "Open now: support 1." in text
    assert "*Replies*: 2 suggested" in text
    assert "“Do you ship to &lt;mars&gt;?” (4)" in text
    # The three oldest pending drafts, each with the hash its card's buttons carry.
    with session_scope(services.sessions) as session:
        hashes = {d.id: d.text_hash[:12] for d in session.exec(select(Draft))}
    assert button_values(message, DIGEST_APPROVE_ACTION) == [f"{i}:{hashes[i]}" for i in (1, 2, 3)]
    assert "… and 1 more waiting." in text
    assert len(button_values(message, ADD_TO_FAQ_ACTION)) == 1
    assert button_values(message, DIGEST_OPEN_QUEUE_ACTION) == ["queue"]
    # The draft's text is shown as written, never acted on.
    assert "<!channel>" not in text
    assert "&lt;!channel&gt; {{ 7*7 }} &amp; more" in text
    assert message.text.startswith("Daily digest · Mon 30 Nov: *Approvals*")


def test_the_weekly_digest_covers_seven_days(services: Services) -> None:
    busy_store(services)
    weekly = shown(compose(services, "weekly"))
    assert "Weekly digest · Mon 30 Nov" in weekly
    assert "*Approvals* in the last 7 days: 1 submitted, 2 approved" in weekly


def test_an_empty_store_is_a_quiet_day_in_one_line(services: Services) -> None:
    message = compose(services)
    assert [b["type"] for b in message.blocks] == ["section"]
    assert message.text == (
        "*Daily digest · Mon 30 Nov*: nothing to report for the last 24 hours; nothing is waiting."
    )


def test_an_unknown_kind_is_refused(services: Services) -> None:
    with pytest.raises(ValueError, match="monthly"):
        compose(services, "monthly")


@pytest.fixture
def team_services(database_url: str, tmp_path: Path) -> Iterator[Services]:
    (tmp_path / "digest").mkdir()
    settings = load_settings(_env_file=None, database_url=database_url, responses_dir=str(tmp_path))
    built = Services.build(settings)
    migrate(built.engine)
    yield built
    built.close()


def test_the_teams_template_is_used(team_services: Services, tmp_path: Path) -> None:
    (tmp_path / "digest" / "digest.md.j2").write_text(
        "# Morning, team ({{ day }})\n\n{{ approvals.pending }} waiting.\n", encoding="utf-8"
    )
    busy_store(team_services)
    message = compose(team_services)
    assert message.blocks[0]["text"]["text"] == "Morning, team (Mon 30 Nov)"
    assert message.blocks[1]["text"]["text"] == "4 waiting."


def test_a_broken_team_template_falls_back_to_the_sample_and_is_logged(
    team_services: Services, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "digest" / "digest.md.j2").write_text("{{ approvals.aproved }}\n", "utf-8")
    busy_store(team_services)
    with caplog.at_level(logging.ERROR, logger="bot.slack.digest_content"):
        message = compose(team_services)
    assert message.blocks[0]["text"]["text"] == "Daily digest · Mon 30 Nov"
    assert any("aproved" in r.getMessage() for r in caplog.records)


def test_the_chart_of_the_store(services: Services) -> None:
    busy_store(services)
    chart = compose_chart(services, last_day=NOW.astimezone(BERLIN).date(), tz=BERLIN)
    assert png_size(chart) == (900, 450)


def test_the_chart_over_a_dst_change(services: Services) -> None:
    # Europe/Berlin falls back on Sunday 2026-10-25.
    change = datetime(2026, 10, 25, 12, 0, tzinfo=UTC)
    add(services, handoff(change), suggestion(change - timedelta(days=2)))
    chart = compose_chart(services, last_day=change.astimezone(BERLIN).date(), tz=BERLIN)
    assert png_size(chart) == (900, 450)
