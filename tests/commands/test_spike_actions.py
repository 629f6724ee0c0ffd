"""The spike alert's Start crisis mode button, clicked as Slack sends it: an admin starts crisis
mode with the spike's figures as the reason; anyone else is denied, audited and told; a second
click points at the running crisis."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from slack_sdk import WebClient
from sqlmodel import col, select

from bot.blocks.spike_alerts import START_FROM_SPIKE_ACTION
from bot.commands.kit import DAMAGED_BUTTON
from bot.slack.crisis_content import compose
from bot.slack.spike_checks import check_spikes
from bot.store.db import session_scope
from bot.store.models import AuditEntry, Crisis, CrisisPost, CustomerSignal, Spike
from bot.workflows.crisis import lifecycle
from slack_emulator.emulator import SlackEmulator
from tests.commands.test_approvals import ephemeral_texts, wait_until
from tests.concurrency import race
from tests.conftest import APPROVAL_SETTINGS, running_bot
from tests.harness import RunningBot

ESCALATION = "C0ESCALATE"
ADMIN, STRANGER = "U0ADMIN", "U0STRANGER"
REASON = "Negative spike: 12 of 12 messages in the last hour"


@pytest.fixture
def spike_bot(emulator: SlackEmulator, database_url: str) -> Iterator[RunningBot]:
    settings: dict[str, Any] = {**APPROVAL_SETTINGS, "escalation_channel": ESCALATION}
    with running_bot(emulator, database_url, **settings) as running:
        yield running


def alert_posted(bot: RunningBot) -> dict[str, Any]:
    """A spike of 12 upset messages (an empty week before), found by the clock's job, its alert posted in the
    escalation channel as the crisis clock posts it."""
    now = bot.services.clock()
    with session_scope(bot.services.sessions) as session:
        for n in range(12):
            session.add(
                CustomerSignal(
                    source_key=f"C0FEED:{n}",
                    origin="monitored",
                    at=now - timedelta(minutes=n),
                    mood="upset",
                    channel_id="C0FEED",
                    excerpt=f"<!channel> broken again {n}",
                )
            )
    assert check_spikes(bot.services).opened is not None
    with session_scope(bot.services.sessions) as session:
        [post] = session.exec(select(CrisisPost)).all()
        message = compose(bot.services, session, post, now)
    client = WebClient(token=bot.emulator.bot_token, base_url=bot.emulator.api_url)
    posted = client.chat_postMessage(channel=ESCALATION, text=message.text, blocks=message.blocks)
    return dict(posted["message"])


def start_value(message: dict[str, Any]) -> str:
    [value] = [
        element["value"]
        for block in message["blocks"]
        for element in block.get("elements", [])
        if element.get("action_id") == START_FROM_SPIKE_ACTION
    ]
    return str(value)


def click(bot: RunningBot, message: dict[str, Any], user: str, value: str | None = None) -> None:
    sent = value if value is not None else start_value(message)
    answer = bot.slack.click(
        START_FROM_SPIKE_ACTION, sent, user_id=user, message=message, channel_id=ESCALATION
    )
    assert answer.status == 200


def crises(bot: RunningBot) -> list[Crisis]:
    with bot.services.sessions() as session:
        return list(session.exec(select(Crisis).order_by(col(Crisis.id))))


def audit(bot: RunningBot, action: str) -> list[AuditEntry]:
    with bot.services.sessions() as session:
        return list(session.exec(select(AuditEntry).where(AuditEntry.action == action)))


def told(bot: RunningBot, count: int = 1) -> list[str]:
    wait_until(lambda: len(ephemeral_texts(bot)) >= count)
    return ephemeral_texts(bot)


def test_an_admin_starts_crisis_mode_from_the_alert(spike_bot: RunningBot) -> None:
    bot = spike_bot
    alert = alert_posted(bot)
    click(bot, alert, ADMIN)
    [answer] = told(bot)
    assert answer.startswith(f":rotating_light: Crisis mode is on: {REASON}.")
    [crisis] = crises(bot)
    with bot.services.sessions() as session:
        [spike] = session.exec(select(Spike)).all()
        owed = {p.kind: p for p in session.exec(select(CrisisPost))}
    assert (crisis.kind, crisis.reason, crisis.started_by) == ("crisis", REASON, ADMIN)
    assert (crisis.spike_id, spike.crisis_id) == (spike.id, crisis.id)
    assert [e.subject_id for e in audit(bot, "crisis_start")] == [str(crisis.id)]
    # The briefing and the announcement are owed; the alert is due a redraw without its button.
    assert {"briefing", "announce", "alert"} <= set(owed)
    assert owed["alert"].version == 2
    with session_scope(bot.services.sessions) as session:
        redrawn = compose(bot.services, session, owed["alert"], bot.services.clock())
    assert START_FROM_SPIKE_ACTION not in json.dumps(redrawn.blocks)
    assert f"Crisis mode #{crisis.id} was started from this alert" in json.dumps(redrawn.blocks)
    assert bot.emulator.violations == []


def test_anyone_else_is_denied_audited_and_told(spike_bot: RunningBot) -> None:
    bot = spike_bot
    click(bot, alert_posted(bot), STRANGER)
    assert told(bot) == ["Only admins can start a crisis; your attempt was recorded."]
    assert crises(bot) == []
    [denied] = audit(bot, "crisis_denied")
    assert (denied.actor_id, denied.note) == (STRANGER, f"start a crisis: {REASON}")
    replies = bot.emulator.calls_to("response_url")
    assert all(c.args.get("response_type") == "ephemeral" for c in replies)


def test_a_second_click_points_at_the_running_crisis(spike_bot: RunningBot) -> None:
    bot = spike_bot
    alert = alert_posted(bot)
    click(bot, alert, ADMIN)
    told(bot)
    click(bot, alert, ADMIN)
    second = told(bot, 2)[1]
    assert second.startswith("A crisis is already running since <!date^")
    assert second.endswith(REASON)
    assert len(crises(bot)) == 1


def test_racing_clicks_start_one_crisis(spike_bot: RunningBot) -> None:
    bot = spike_bot
    alert = alert_posted(bot)
    race(6, lambda _: click(bot, alert, ADMIN))
    texts = told(bot, 6)
    assert sum("Crisis mode is on" in t for t in texts) == 1
    assert sum("already running" in t for t in texts) == 5
    assert len(crises(bot)) == 1


def test_a_damaged_or_unknown_spike_starts_nothing(spike_bot: RunningBot) -> None:
    bot = spike_bot
    alert = alert_posted(bot)
    click(bot, alert, ADMIN, value="4'; drop")
    click(bot, alert, ADMIN, value="999")
    assert told(bot, 2) == [
        DAMAGED_BUTTON,
        "That spike is no longer in the store; nothing was started.",
    ]
    assert crises(bot) == []


def test_an_old_alert_does_not_restart_the_crisis_it_started(spike_bot: RunningBot) -> None:
    bot = spike_bot
    alert = alert_posted(bot)
    click(bot, alert, ADMIN)
    told(bot)
    with session_scope(bot.services.sessions) as session:
        ended = lifecycle.end(
            session=session,
            actor_id=ADMIN,
            summary="Resolved",
            now=datetime.now(UTC),
            admins={ADMIN},
        )
    assert ended.refused is None
    click(bot, alert, ADMIN)  # the button as drawn before the crisis started
    [crisis] = crises(bot)
    assert told(bot, 2)[1] == (
        f"Crisis mode #{crisis.id} was started from this alert and has ended; "
        "use `/social crisis start <reason>` to start another."
    )
