"""The clock's retry of cards that are owed, against the emulator: each card is posted once."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from bot.services import Services
from bot.slack.card_posting import post_cards, post_missing_cards
from bot.slack.client import build_web_client
from bot.store.db import session_scope
from bot.store.models import Draft
from bot.workflows import drafts
from bot.workflows.drafts import DraftInput
from slack_emulator.emulator import SlackEmulator
from tests.conftest import APPROVAL_SETTINGS
from tests.harness import RunningBot, bot_settings
from tests.migrated import migrate


@pytest.fixture
def services_with_slack(emulator: SlackEmulator, database_url: str) -> Iterator[Services]:
    built = Services.build(bot_settings(emulator, database_url, **APPROVAL_SETTINGS))
    migrate(built.engine)
    yield built
    built.close()


def pending(services: Services, count: int) -> list[Draft]:
    made = []
    with session_scope(services.sessions) as session:
        for number in range(count):
            draft, _ = drafts.create_draft(
                session=session,
                draft=DraftInput(
                    kind="post", text=f"Post {number}", networks=("x",), author_id="U0AUTHOR"
                ),
                checks=services.check_policy,
                now=services.clock(),
            )
            made.append(draft)
    return made


def client_of(emulator: SlackEmulator):  # type: ignore[no-untyped-def]
    return build_web_client(token=emulator.bot_token, base_url=emulator.api_url)


def cards_posted(emulator: SlackEmulator) -> list[str]:
    return [
        str(call.args["text"])
        for call in emulator.calls_to("chat.postMessage")
        if call.args["channel"] == "C0APPROVALS" and call.response.get("ok")
    ]


def test_two_clocks_retrying_at_once_post_each_card_once(
    services_with_slack: Services, emulator: SlackEmulator
) -> None:
    pending(services_with_slack, 4)
    # Slow answers keep both clocks inside their runs at the same time.
    emulator.inject("chat.postMessage", status=200, delay=0.2, times=8)
    start = threading.Barrier(2)
    counts: list[int] = []

    def clock() -> None:
        start.wait()
        counts.append(post_missing_cards(services_with_slack, client_of(emulator)))

    clocks = [threading.Thread(target=clock) for _ in range(2)]
    for thread in clocks:
        thread.start()
    for thread in clocks:
        thread.join(timeout=30)
    assert sum(counts) == 4
    assert len(cards_posted(emulator)) == 4
    assert post_missing_cards(services_with_slack, client_of(emulator)) == 0
    assert emulator.violations == []


def test_a_refusal_stops_the_run_and_the_next_run_posts_the_rest(
    services_with_slack: Services, emulator: SlackEmulator
) -> None:
    owed = pending(services_with_slack, 3)
    emulator.inject("chat.postMessage", status=200)
    emulator.inject("chat.postMessage", status=200, error="channel_not_found")
    result = post_cards(client_of(emulator), services_with_slack, owed)
    assert (result.posted, result.waiting, result.problem) == (1, 2, "Slack said channel_not_found")
    # One refusal stops the run: the third card was not tried against a failing Slack.
    assert len(emulator.calls_to("chat.postMessage")) == 2
    assert post_missing_cards(services_with_slack, client_of(emulator)) == 2
    assert len(cards_posted(emulator)) == 3


def test_a_card_slack_refused_after_a_quick_draft_is_posted_by_the_clock(
    approvals_bot: RunningBot,
) -> None:
    bot = approvals_bot
    bot.emulator.inject("chat.postMessage", status=200, error="channel_not_found")
    response = bot.slack.slash_command("draft Autumn is here", user_id="U0AUTHOR")
    assert "Draft #1 is waiting for approval" in response.json()["text"]
    # The card waits for the clock, and the person is told so after the ack.
    [told] = bot.emulator.wait_for("response_url")
    assert "Slack did not take its card" in told.args["text"]
    assert cards_posted(bot.emulator) == []
    assert post_missing_cards(bot.services, client_of(bot.emulator)) == 1
    [card] = bot.emulator.messages_in("C0APPROVALS")
    with session_scope(bot.services.sessions) as session:
        draft = drafts.get_draft(session, 1)
        assert draft is not None
        assert draft.card_ts == card["ts"]
    assert post_missing_cards(bot.services, client_of(bot.emulator)) == 0
    assert bot.emulator.violations == []
