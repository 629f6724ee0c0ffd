"""The ``spike_check`` clock job with the deployment's settings, and the alert it owes as Slack
would show it (posted to the emulator, which checks the Block Kit)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from slack_sdk import WebClient
from sqlalchemy import update
from sqlmodel import col, select

from bot.blocks.spike_alerts import START_FROM_SPIKE_ACTION
from bot.services import Services
from bot.slack.client import build_web_client
from bot.slack.crisis_content import compose
from bot.slack.spike_checks import check_spikes
from bot.store.db import session_scope
from bot.store.models import CrisisPost, CustomerSignal, Spike
from slack_emulator.emulator import SlackEmulator
from tests.harness import bot_settings
from tests.migrated import migrate

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
SHOUTY = "<!channel> my order is broken {{ 7*7 }} & nobody answers <https://evil.example|here>"


@contextmanager
def services_with(
    emulator: SlackEmulator, database_url: str, **settings: object
) -> Iterator[Services]:
    built = Services.build(bot_settings(emulator, database_url, **settings), clock=lambda: NOW)
    migrate(built.engine)
    yield built
    built.close()


@pytest.fixture
def escalating(emulator: SlackEmulator, database_url: str) -> Iterator[Services]:
    with services_with(
        emulator,
        database_url,
        approvals_channel="C0APPROVALS",
        escalation_channel="C0ESCALATE",
        spike_min_messages=4,
        spike_ratio=3.0,
    ) as services:
        calm_week(services)
        yield services


def burst(services: Services, upset: int, calm: int = 0, text: str = SHOUTY) -> None:
    with session_scope(services.sessions) as session:
        for index in range(upset + calm):
            session.add(
                CustomerSignal(
                    source_key=f"C0FEED:{index}.{upset}",
                    origin="monitored",
                    at=NOW - timedelta(minutes=index),
                    mood="upset" if index < upset else "happy",
                    channel_id="C0FEED",
                    excerpt=f"{text} {index}" if index < upset else "love it",
                )
            )


def calm_week(services: Services) -> None:
    """100 happy messages over the week before the last hour: the baseline share is 1/102."""
    with session_scope(services.sessions) as session:
        for index in range(100):
            at = NOW - timedelta(hours=2) - index * timedelta(minutes=90)
            session.add(
                CustomerSignal(
                    source_key=f"C0FEED:week.{index}",
                    origin="monitored",
                    at=at,
                    mood="happy",
                    channel_id="C0FEED",
                    excerpt="love it",
                )
            )


def owed(services: Services) -> list[CrisisPost]:
    with session_scope(services.sessions) as session:
        return list(session.exec(select(CrisisPost).order_by(col(CrisisPost.id))))


def drawn(services: Services, post: CrisisPost) -> tuple[str, list[dict[str, Any]]]:
    with session_scope(services.sessions) as session:
        message = compose(services, session, post, NOW)
    return message.text, message.blocks


def client_of(emulator: SlackEmulator) -> WebClient:
    return build_web_client(token=emulator.bot_token, base_url=emulator.api_url)


def test_the_job_reads_its_thresholds_and_alerts_the_escalation_channel(
    escalating: Services,
) -> None:
    burst(escalating, upset=3)
    assert check_spikes(escalating).opened is None  # 3 messages: under SOCIALOPS_SPIKE_MIN…
    burst(escalating, upset=4)
    found = check_spikes(escalating)
    assert found.opened is not None
    [post] = owed(escalating)
    assert (post.kind, post.channel_id, post.spike_id) == ("alert", "C0ESCALATE", found.opened.id)


def test_without_an_escalation_channel_the_approvals_channel_is_alerted(
    emulator: SlackEmulator, database_url: str
) -> None:
    with services_with(emulator, database_url, approvals_channel="C0APPROVALS") as services:
        burst(services, upset=12)
        assert check_spikes(services).opened is not None
        [post] = owed(services)
        assert post.channel_id == "C0APPROVALS"


def test_with_no_channel_at_all_the_spike_is_kept_and_nothing_owed(
    emulator: SlackEmulator, database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    with services_with(emulator, database_url) as services:
        burst(services, upset=12)
        assert check_spikes(services).opened is not None
        assert owed(services) == []
        assert "set SOCIALOPS_ESCALATION_CHANNEL" in caplog.text


def test_the_alert_shows_figures_escaped_examples_and_the_start_button(
    escalating: Services, emulator: SlackEmulator
) -> None:
    burst(escalating, upset=5, calm=3)
    spike = check_spikes(escalating).opened
    assert spike is not None
    [post] = owed(escalating)
    text, blocks = drawn(escalating, post)
    assert text == "Negative spike: 5 of 8 customer messages in the last hour were upset (62%)"
    shown = json.dumps(blocks)
    assert "*5 of 8*" in shown
    assert "against 0% over the previous 7 days (0 of 100)" in shown
    # Three examples, the newest first, escaped: no ping, no link, the template text as typed.
    examples = next(b for b in blocks if "Examples" in b.get("text", {}).get("text", ""))
    lines = examples["text"]["text"].splitlines()[1:]
    assert len(lines) == 3
    assert lines[0] == (
        ">&lt;!channel&gt; my order is broken {{ 7*7 }} &amp; nobody answers "
        "&lt;https://evil.example|here&gt; 0"
    )
    assert "<!channel>" not in shown
    [actions] = [b for b in blocks if b["type"] == "actions"]
    [start] = actions["elements"]
    assert (start["action_id"], start["value"]) == (START_FROM_SPIKE_ACTION, str(spike.id))
    assert start["style"] == "danger"
    assert "confirm" in start
    # What Slack would say of it: posted as the crisis clock posts it.
    client_of(emulator).chat_postMessage(channel="C0ESCALATE", text=text, blocks=blocks)
    assert emulator.violations == []


def test_an_ended_spike_and_a_started_crisis_redraw_the_alert(escalating: Services) -> None:
    burst(escalating, upset=5)
    spike = check_spikes(escalating).opened
    assert spike is not None
    [post] = owed(escalating)
    # The hour passes with nothing new: the spike ends, and its alert is due a redraw.
    assert check_spikes(replace(escalating, clock=lambda: NOW + timedelta(hours=2))).closed
    [post] = owed(escalating)
    assert post.version == 2
    _, blocks = drawn(escalating, post)
    assert "The spike ended" in json.dumps(blocks)
    assert any(b["type"] == "actions" for b in blocks)
    with session_scope(escalating.sessions) as session:
        session.execute(update(Spike).where(col(Spike.id) == spike.id).values(crisis_id=7))
    _, blocks = drawn(escalating, post)
    assert not any(b["type"] == "actions" for b in blocks)
    assert "Crisis mode #7 was started from this alert" in json.dumps(blocks)
