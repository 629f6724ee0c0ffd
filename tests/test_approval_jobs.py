"""The clock's approval jobs against the emulator, with time moved by hand."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.runtime.scheduler import EXPIRE_JOB_ID, PURGE_EVENTS_JOB_ID, REMIND_JOB_ID, build_scheduler
from bot.services import Services
from bot.slack.approval_cards import post_card
from bot.slack.approval_jobs import expire_drafts, send_reminders
from bot.slack.client import build_web_client
from bot.store.db import session_scope, upgrade_database
from bot.workflows import drafts
from bot.workflows.drafts import DraftInput
from slack_emulator.emulator import SlackEmulator
from tests.conftest import APPROVAL_SETTINGS
from tests.harness import bot_settings

START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture
def services_at(emulator: SlackEmulator, database_url: str) -> Iterator[Services]:
    settings = bot_settings(emulator, database_url, **APPROVAL_SETTINGS)
    built = Services.build(settings, clock=lambda: START)
    upgrade_database(built.engine)
    yield built
    built.close()


def later(services: Services, delta: timedelta) -> Services:
    return replace(services, clock=lambda: START + delta)


def submit(services: Services, emulator: SlackEmulator, **changes: object) -> int:
    values: dict[str, Any] = {
        "kind": "post",
        "text": "Autumn is here",
        "networks": ("x",),
        "author_id": "U0AUTHOR",
    }
    values.update(changes)
    with session_scope(services.sessions) as session:
        draft, _ = drafts.create_draft(
            session=session,
            draft=DraftInput(**values),
            checks=services.check_policy,
            now=START,
        )
    post_card(client_of(emulator), services, draft)
    assert draft.id is not None
    return draft.id


def client_of(emulator: SlackEmulator):  # type: ignore[no-untyped-def]
    return build_web_client(token=emulator.bot_token, base_url=emulator.api_url)


def test_reminders_come_once_per_interval_in_the_cards_thread(
    services_at: Services, emulator: SlackEmulator
) -> None:
    submit(services_at, emulator)
    client = client_of(emulator)
    assert send_reminders(later(services_at, timedelta(hours=3)), client) == 0
    assert send_reminders(later(services_at, timedelta(hours=4)), client) == 1
    assert send_reminders(later(services_at, timedelta(hours=5)), client) == 0
    [card, reminder] = emulator.calls_to("chat.postMessage")
    assert reminder.args["thread_ts"] == card.response["ts"]
    assert "<@U0APPROVER>" in reminder.args["text"]
    assert emulator.violations == []


def test_overdue_drafts_expire_and_the_author_is_told(
    services_at: Services, emulator: SlackEmulator
) -> None:
    submit(services_at, emulator)
    soon = submit(services_at, emulator, scheduled_at=START + timedelta(hours=1), text="Soon")
    assert expire_drafts(later(services_at, timedelta(hours=2)), client_of(emulator)) == 1
    with session_scope(services_at.sessions) as session:
        expired = drafts.get_draft(session, soon)
        assert expired is not None
        assert expired.state == "expired"
    [update] = emulator.calls_to("chat.update")
    assert "Approve" not in str(update.args.get("blocks"))
    assert expire_drafts(later(services_at, timedelta(hours=72)), client_of(emulator)) == 1
    assert emulator.violations == []


def test_jobs_have_stable_ids(services_at: Services, emulator: SlackEmulator) -> None:
    with_slack = build_scheduler(services_at, client_of(emulator))
    assert {job.id for job in with_slack.get_jobs()} == {
        PURGE_EVENTS_JOB_ID,
        EXPIRE_JOB_ID,
        REMIND_JOB_ID,
    }
    without_slack = build_scheduler(services_at)
    assert REMIND_JOB_ID not in {job.id for job in without_slack.get_jobs()}
