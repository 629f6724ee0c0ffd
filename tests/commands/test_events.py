"""Events API: mentions, the App Home, redeliveries and the bot's own messages."""

from __future__ import annotations

import time

from sqlmodel import select

from bot.store.models import ProcessedEvent
from slack_emulator import payloads
from tests.harness import RunningBot


def test_a_mention_is_answered_in_its_thread(bot: RunningBot) -> None:
    event = payloads.app_mention(text="<@UBOTSOCIAL> hello", user="U0AUTHOR", channel="C0SOCIAL")
    response = bot.slack.event(event)
    assert response.status == 200
    [call] = bot.emulator.wait_for("chat.postMessage")
    assert call.args["channel"] == "C0SOCIAL"
    assert call.args["thread_ts"] == event["ts"]
    assert "<@U0AUTHOR>" in call.args["text"]
    assert bot.emulator.violations == []


def test_a_mention_inside_a_thread_answers_in_that_thread(bot: RunningBot) -> None:
    parent = bot.emulator.add_message(payloads.CHANNEL_ID, text="hello!", user="U0CUSTOMER")
    event = payloads.app_mention(text="<@UBOTSOCIAL> hi", thread_ts=parent)
    bot.slack.event(event)
    [call] = bot.emulator.wait_for("chat.postMessage")
    assert call.args["thread_ts"] == parent


def test_a_redelivered_event_acts_once(bot: RunningBot) -> None:
    event = payloads.app_mention(text="<@UBOTSOCIAL> hello")
    first = bot.slack.event(event, event_id="Ev0DUPLICATE")
    retries = [
        bot.slack.event(event, event_id="Ev0DUPLICATE", retry_num=n, retry_reason="http_timeout")
        for n in (1, 2, 3)
    ]
    assert first.status == 200
    assert [r.status for r in retries] == [200, 200, 200]
    bot.emulator.wait_for("chat.postMessage")
    time.sleep(0.3)  # a second answer, if any, would arrive by now
    assert len(bot.emulator.calls_to("chat.postMessage")) == 1
    with bot.services.sessions() as session:
        rows = session.exec(select(ProcessedEvent)).all()
    assert [row.event_id for row in rows] == ["Ev0DUPLICATE"]


def test_the_bots_own_messages_are_ignored(bot: RunningBot) -> None:
    own = payloads.message(text="I said this", user="UBOTSOCIAL", bot_id="BBOTSOCIAL")
    assert bot.slack.event(own).status == 200
    mention_by_bot = payloads.app_mention(text="<@UBOTSOCIAL> echo", user="UBOTSOCIAL")
    assert bot.slack.event(mention_by_bot).status == 200
    time.sleep(0.3)
    assert bot.emulator.calls_to("chat.postMessage") == []


def test_app_home_opened_publishes_the_home_tab(bot: RunningBot) -> None:
    bot.slack.event(payloads.app_home_opened(user="U0AUTHOR"))
    [call] = bot.emulator.wait_for("views.publish")
    assert call.args["user_id"] == "U0AUTHOR"
    assert call.args["view"]["type"] == "home"
    assert "/social help" in str(call.args["view"])
    assert bot.emulator.violations == []


def test_url_verification_echoes_the_challenge(bot: RunningBot) -> None:
    response = bot.slack.url_verification("challenge-token-123")
    assert response.status == 200
    assert "challenge-token-123" in response.body
