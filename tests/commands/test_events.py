"""Events API: mentions, the App Home, redeliveries and the bot's own messages."""

from __future__ import annotations

import json
import threading
import time
from datetime import timedelta

from sqlmodel import select

from bot.runtime.app import create_app
from bot.runtime.event_replay import bolt_dispatcher, replay_owed_events
from bot.store.db import session_scope
from bot.store.models import ProcessedEvent
from bot.workflows.events import EVENT_LEASE, claim_event
from slack_emulator import payloads
from slack_emulator.emulator import RecordedCall
from slack_emulator.signed_client import BotResponse
from tests.commands.test_approvals import wait_until
from tests.harness import RunningBot


def answers(bot: RunningBot) -> list[RecordedCall]:
    """The bot's answers that reached the channel (a refused call shows nothing)."""
    return [c for c in bot.emulator.calls_to("chat.postMessage") if c.response.get("ok")]


def finished(bot: RunningBot, event_id: str) -> bool:
    with bot.services.sessions() as session:
        row = session.get(ProcessedEvent, event_id)
        return row is not None and row.finished_at is not None


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


def test_a_listener_that_failed_is_run_again_by_slacks_retry_and_answers_once(
    bot: RunningBot,
) -> None:
    event = payloads.app_mention(text="<@UBOTSOCIAL> hello", user="U0AUTHOR")
    # The first delivery's answer fails: the listener raises after its claim was taken.
    bot.emulator.inject("chat.postMessage", status=200, error="fatal_error")
    assert bot.slack.event(event, event_id="Ev0FAILONCE").status == 200
    bot.emulator.wait_for("chat.postEphemeral")  # "Something went wrong (ref …)": it is over
    assert answers(bot) == []
    # Slack retries (its X-Slack-Retry-Num header): before, the claim dropped it for good.
    retry = bot.slack.event(event, event_id="Ev0FAILONCE", retry_num=1, retry_reason="http_error")
    assert retry.status == 200
    wait_until(lambda: len(answers(bot)) == 1)
    wait_until(lambda: finished(bot, "Ev0FAILONCE"))
    again = bot.slack.event(event, event_id="Ev0FAILONCE", retry_num=2, retry_reason="http_error")
    assert again.status == 200
    time.sleep(0.3)  # a second answer, if any, would arrive by now
    assert len(answers(bot)) == 1


def test_a_finished_event_redelivered_later_is_not_acted_on(bot: RunningBot) -> None:
    event = payloads.app_mention(text="<@UBOTSOCIAL> hello")
    bot.slack.event(event, event_id="Ev0DONE")
    bot.emulator.wait_for("chat.postMessage")
    wait_until(lambda: finished(bot, "Ev0DONE"))
    # Finishing gave up the lease; the finished mark alone makes the redelivery a no-op.
    bot.slack.event(event, event_id="Ev0DONE", retry_num=3, retry_reason="http_timeout")
    time.sleep(0.3)
    assert len(bot.emulator.calls_to("chat.postMessage")) == 1


def test_a_claim_whose_worker_died_is_taken_over_by_the_next_retry(bot: RunningBot) -> None:
    # A worker claimed the delivery (as the middleware does) and died before its listener ran.
    with session_scope(bot.services.sessions) as session:
        assert claim_event(
            session=session,
            event_id="Ev0ORPHAN",
            event_type="app_mention",
            now=bot.services.clock() - EVENT_LEASE - timedelta(seconds=1),
            claimed_by="dead-host:4242:0",
        )
    event = payloads.app_mention(text="<@UBOTSOCIAL> hello")
    bot.slack.event(event, event_id="Ev0ORPHAN", retry_num=1, retry_reason="http_timeout")
    wait_until(lambda: len(answers(bot)) == 1)
    wait_until(lambda: finished(bot, "Ev0ORPHAN"))


def test_a_retry_while_the_first_delivery_is_still_at_work_is_dropped(bot: RunningBot) -> None:
    event = payloads.app_mention(text="<@UBOTSOCIAL> hello")
    bot.emulator.inject("chat.postMessage", status=200, delay=1.0)  # the first is slow to answer
    bot.slack.event(event, event_id="Ev0SLOW")
    retry = bot.slack.event(event, event_id="Ev0SLOW", retry_num=1, retry_reason="http_timeout")
    assert retry.status == 200
    wait_until(lambda: finished(bot, "Ev0SLOW"))
    time.sleep(0.3)
    assert len(bot.emulator.calls_to("chat.postMessage")) == 1


def test_concurrent_deliveries_of_one_event_act_once(bot: RunningBot) -> None:
    event = payloads.app_mention(text="<@UBOTSOCIAL> hello")
    start = threading.Barrier(6)
    responses: list[BotResponse] = []
    lock = threading.Lock()

    def deliver(n: int) -> None:
        start.wait()
        response = bot.slack.event(
            event, event_id="Ev0RACE", retry_num=n or None, retry_reason="http_timeout"
        )
        with lock:
            responses.append(response)

    threads = [threading.Thread(target=deliver, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [r.status for r in responses] == [200] * 6
    wait_until(lambda: finished(bot, "Ev0RACE"))
    time.sleep(0.3)
    assert len(bot.emulator.calls_to("chat.postMessage")) == 1


def replay(bot: RunningBot) -> int:
    """One run of the clock's event-replay job, through a bolt app of its own (as the clock has)."""
    app = create_app(bot.services.settings, bot.services, verify_token=False)
    return replay_owed_events(bot.services, bolt_dispatcher(app))


def test_a_mention_whose_listener_failed_is_answered_by_the_clock_without_a_slack_retry(
    bot: RunningBot,
) -> None:
    # Slack got its 200 (bolt acks an event before its listener runs), so it never resends this
    # one: before the replay, a failure here left the mention unanswered for good.
    event = payloads.app_mention(text="<@UBOTSOCIAL> hello", user="U0AUTHOR")
    bot.emulator.inject("chat.postMessage", status=200, error="fatal_error")
    assert bot.slack.event(event, event_id="Ev0NORETRY").status == 200
    bot.emulator.wait_for("chat.postEphemeral")
    assert answers(bot) == []
    assert replay(bot) == 1
    wait_until(lambda: finished(bot, "Ev0NORETRY"))
    assert len(answers(bot)) == 1
    assert replay(bot) == 0  # finished: nothing more is owed


def test_a_mention_whose_worker_died_after_the_ack_is_answered_by_the_clock(
    bot: RunningBot,
) -> None:
    # The worker stored its claim with the delivery (as the middleware does), acked, and died.
    envelope = payloads.event_callback(
        payloads.app_mention(text="<@UBOTSOCIAL> hello"), event_id="Ev0DIED"
    )
    with session_scope(bot.services.sessions) as session:
        assert claim_event(
            session=session,
            event_id="Ev0DIED",
            event_type="app_mention",
            now=bot.services.clock(),
            claimed_by="dead-host:4242:0",
            body=json.dumps(envelope),
        )
    assert replay(bot) == 0  # its lease still runs: the worker may be at it
    with session_scope(bot.services.sessions) as session:
        row = session.get(ProcessedEvent, "Ev0DIED")
        assert row is not None
        row.claimed_until = bot.services.clock() - timedelta(seconds=1)  # the lease ran out
    assert replay(bot) == 1
    wait_until(lambda: finished(bot, "Ev0DIED"))
    assert len(answers(bot)) == 1


def test_each_delivery_is_kept_with_its_claim(bot: RunningBot) -> None:
    event = payloads.app_mention(text="<@UBOTSOCIAL> hello")
    bot.slack.event(event, event_id="Ev0KEPT")
    wait_until(lambda: finished(bot, "Ev0KEPT"))
    with bot.services.sessions() as session:
        row = session.get(ProcessedEvent, "Ev0KEPT")
        assert row is not None
        assert row.body is not None
        assert json.loads(row.body)["event"]["text"] == "<@UBOTSOCIAL> hello"
