"""Notices from the outbox reach the place they name: a channel, a thread in it, or a DM."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from bot.services import Services
from bot.slack.client import build_web_client
from bot.slack.notices import deliver_undelivered
from bot.store.db import session_scope
from bot.workflows import notices
from slack_emulator.emulator import SlackEmulator
from tests.harness import bot_settings
from tests.migrated import migrate

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


@pytest.fixture
def services(emulator: SlackEmulator, database_url: str) -> Iterator[Services]:
    built = Services.build(bot_settings(emulator, database_url), clock=lambda: NOW)
    migrate(built.engine)
    yield built
    built.close()


def test_a_notice_for_a_thread_goes_to_that_thread_and_a_plain_one_is_a_dm(
    services: Services, emulator: SlackEmulator
) -> None:
    with session_scope(services.sessions) as session:
        notices.add_notice(
            session=session,
            recipient_id="U0AUTHOR",
            text="claimed by <@U0BEN>",
            now=NOW,
            channel="C0SOCIAL",
            thread_ts="1700000000.000100",
        )
        notices.add_notice(session=session, recipient_id="U0AUTHOR", text="just you", now=NOW)
    client = build_web_client(token=emulator.bot_token, base_url=emulator.api_url)
    assert deliver_undelivered(client, services) == 2
    posts = [call.args for call in emulator.calls_to("chat.postMessage")]
    assert {"channel": "C0SOCIAL", "thread_ts": "1700000000.000100"}.items() <= posts[0].items()
    assert posts[1]["channel"] == "U0AUTHOR"
    assert "thread_ts" not in posts[1]
    assert deliver_undelivered(client, services) == 0
