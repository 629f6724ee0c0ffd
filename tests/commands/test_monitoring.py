"""Messages in monitored channels, delivered as Slack delivers them (signed Events API requests):
each person's message is one customer signal; bots, housekeeping and other channels are not.
A burst of upset ones is a spike the clock alerts on."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlmodel import col, select

from bot.slack.spike_checks import check_spikes
from bot.store.models import CrisisPost, CustomerSignal, ProcessedEvent
from slack_emulator import payloads
from slack_emulator.emulator import SlackEmulator
from tests.commands.test_approvals import wait_until
from tests.conftest import running_bot
from tests.harness import RunningBot

FEED = "C0FEED"
PRIVATE = "G0VIPFEED"


@pytest.fixture
def monitoring_bot(emulator: SlackEmulator, database_url: str) -> Iterator[RunningBot]:
    settings: dict[str, Any] = {
        "monitored_channels": [FEED, PRIVATE],
        "approvals_channel": "C0APPROVALS",
        "escalation_channel": "C0ESCALATE",
        "spike_min_messages": 5,
    }
    with running_bot(emulator, database_url, **settings) as running:
        yield running


def signals(bot: RunningBot) -> list[CustomerSignal]:
    with bot.services.sessions() as session:
        return list(session.exec(select(CustomerSignal).order_by(col(CustomerSignal.id))))


def claim_of(bot: RunningBot, event_id: str) -> ProcessedEvent | None:
    with bot.services.sessions() as session:
        return session.get(ProcessedEvent, event_id)


def finished(bot: RunningBot, event_id: str) -> bool:
    claim = claim_of(bot, event_id)
    return claim is not None and claim.finished_at is not None


def deliver(bot: RunningBot, event: dict[str, Any], event_id: str) -> None:
    assert bot.slack.event(event, event_id=event_id).status == 200


def test_a_customer_message_in_a_monitored_channel_is_counted_once(
    monitoring_bot: RunningBot,
) -> None:
    bot = monitoring_bot
    said = "my order is <https://shop.example/o/1|still not here> &amp; nobody answers"
    event = payloads.message(text=said, user="U0CUSTOMER", channel=FEED)
    deliver(bot, event, "Ev0FEED1")
    wait_until(lambda: finished(bot, "Ev0FEED1"))
    # Slack's retry of the same delivery, and the same message under another event id.
    bot.slack.event(event, event_id="Ev0FEED1", retry_num=1, retry_reason="http_timeout")
    deliver(bot, event, "Ev0FEED1B")
    wait_until(lambda: finished(bot, "Ev0FEED1B"))
    [signal] = signals(bot)
    assert signal.source_key == f"{FEED}:{event['ts']}"
    assert (signal.origin, signal.mood, signal.channel_id) == ("monitored", "upset", FEED)
    assert signal.excerpt == "my order is https://shop.example/o/1 & nobody answers"
    assert bot.emulator.violations == []


def test_private_channels_and_thread_replies_count(monitoring_bot: RunningBot) -> None:
    bot = monitoring_bot
    deliver(bot, payloads.message(text="love it", user="U0CUSTOMER", channel=PRIVATE), "Ev0P")
    reply = payloads.message(text="still broken", user="U0OTHER", channel=FEED, thread_ts="1.5")
    deliver(bot, reply, "Ev0T")
    wait_until(lambda: finished(bot, "Ev0P") and finished(bot, "Ev0T"))
    assert sorted((s.channel_id, s.mood) for s in signals(bot)) == [
        (FEED, "upset"),
        (PRIVATE, "happy"),
    ]


def test_bots_housekeeping_and_other_channels_are_not_counted_nor_claimed(
    monitoring_bot: RunningBot,
) -> None:
    bot = monitoring_bot
    ignored = {
        "Ev0BOT": payloads.message(text="broken!", user="U0ZAP", channel=FEED, bot_id="B0ZAP"),
        "Ev0EDIT": payloads.message(text="broken!", channel=FEED, subtype="message_changed"),
        "Ev0JOIN": payloads.message(text="joined", channel=FEED, subtype="channel_join"),
        "Ev0ELSEWHERE": payloads.message(text="broken!", user="U0CUSTOMER", channel="C0OTHER"),
    }
    for event_id, event in ignored.items():
        deliver(bot, event, event_id)
    deliver(bot, payloads.message(text="hello", user="U0CUSTOMER", channel=FEED), "Ev0REAL")
    wait_until(lambda: finished(bot, "Ev0REAL"))
    assert [s.excerpt for s in signals(bot)] == ["hello"]
    # Messages the bot does not act on cost no claim row: every channel it is in sends them.
    assert [event_id for event_id in ignored if claim_of(bot, event_id)] == []


def test_a_burst_of_upset_messages_is_one_spike_alert(monitoring_bot: RunningBot) -> None:
    bot = monitoring_bot
    for n in range(6):
        deliver(
            bot, payloads.message(text=f"refund now, this is a scam {n}", channel=FEED), f"Ev{n}"
        )
    wait_until(lambda: all(finished(bot, f"Ev{n}") for n in range(6)))
    assert check_spikes(bot.services).opened is not None
    assert check_spikes(bot.services).opened is None
    with bot.services.sessions() as session:
        [alert] = session.exec(select(CrisisPost)).all()
    assert (alert.kind, alert.channel_id) == ("alert", "C0ESCALATE")
