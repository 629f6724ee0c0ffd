"""The clock's approval jobs against the emulator, with time moved by hand."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from apscheduler.schedulers.background import BackgroundScheduler

from bot.runtime.job_slots import SlotTrigger
from bot.runtime.scheduler import (
    CARDS_JOB_ID,
    CRISIS_JOB_ID,
    DIGEST_JOB_ID,
    EXPIRE_JOB_ID,
    HANDOFF_SLA_JOB_ID,
    PACKETS_JOB_ID,
    PURGE_EVENTS_JOB_ID,
    REMIND_JOB_ID,
    REPAIR_JOB_ID,
    REPLAY_JOB_ID,
    SPIKE_JOB_ID,
    build_scheduler,
)
from bot.services import Services
from bot.slack.approval_cards import post_card
from bot.slack.approval_jobs import expire_drafts, send_reminders
from bot.slack.client import build_web_client
from bot.store.db import session_scope
from bot.workflows import drafts
from bot.workflows.drafts import DraftInput
from slack_emulator.emulator import SlackEmulator
from tests.conftest import APPROVAL_SETTINGS
from tests.harness import bot_settings
from tests.migrated import migrate

START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture
def services_at(emulator: SlackEmulator, database_url: str) -> Iterator[Services]:
    settings = bot_settings(emulator, database_url, **APPROVAL_SETTINGS)
    built = Services.build(settings, clock=lambda: START)
    migrate(built.engine)
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
        CARDS_JOB_ID,
        REPAIR_JOB_ID,
        HANDOFF_SLA_JOB_ID,
        PACKETS_JOB_ID,
        DIGEST_JOB_ID,
        CRISIS_JOB_ID,
        SPIKE_JOB_ID,
    }
    without_slack = build_scheduler(services_at)
    assert {
        REMIND_JOB_ID,
        CARDS_JOB_ID,
        REPAIR_JOB_ID,
        HANDOFF_SLA_JOB_ID,
        PACKETS_JOB_ID,
        DIGEST_JOB_ID,
        CRISIS_JOB_ID,
    }.isdisjoint(job.id for job in without_slack.get_jobs())
    # The spike detector needs no Slack: the alert it owes waits for a clock that has a client.
    assert SPIKE_JOB_ID in {job.id for job in without_slack.get_jobs()}
    # The event replay runs where the clock has a bolt app to replay through.
    replaying = build_scheduler(services_at, client_of(emulator), replay=lambda body: None)
    assert REPLAY_JOB_ID in {job.id for job in replaying.get_jobs()}


def test_a_run_that_starts_late_still_runs(services_at: Services, emulator: SlackEmulator) -> None:
    # On a busy machine the scheduler's thread can wake seconds after a slot began; APScheduler's
    # default grace of 1 s would drop that run silently. The slot is claimed when the run starts.
    scheduler = build_scheduler(services_at, client_of(emulator))
    scheduler.start(paused=True)
    try:
        assert {job.misfire_grace_time for job in scheduler.get_jobs()} == {None}
    finally:
        scheduler.shutdown(wait=False)


def test_slots_trigger_fires_at_once_then_on_the_slot_boundaries() -> None:
    trigger = SlotTrigger(timedelta(minutes=5))
    started = datetime(2026, 11, 23, 9, 2, 30, tzinfo=UTC)
    assert trigger.get_next_fire_time(None, started) == started
    after_start = trigger.get_next_fire_time(started, started)
    assert after_start == datetime(2026, 11, 23, 9, 5, tzinfo=UTC)
    assert trigger.get_next_fire_time(after_start, after_start) == datetime(
        2026, 11, 23, 9, 10, tzinfo=UTC
    )


def run_concurrently(schedulers: list[BackgroundScheduler], job_id: str, per_clock: int) -> None:
    """Each clock runs the job ``per_clock`` times at once, as overlapping fires would."""
    jobs = [scheduler.get_job(job_id) for scheduler in schedulers]
    start = threading.Barrier(len(jobs) * per_clock)
    failures: list[BaseException] = []

    def fire(job: object) -> None:
        start.wait()
        try:
            job.func(*job.args)  # type: ignore[attr-defined]
        except BaseException as error:  # reported below, not lost in the thread
            failures.append(error)

    threads = [threading.Thread(target=fire, args=(job,)) for job in jobs for _ in range(per_clock)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []


def test_two_clocks_remind_and_expire_once_per_slot(
    services_at: Services, emulator: SlackEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    waiting = submit(services_at, emulator)
    overdue = submit(services_at, emulator, scheduled_at=START + timedelta(hours=1), text="Soon")
    # Two clock processes (own engines), started apart, look at different moments of one slot.
    slot = datetime(2026, 11, 23, 13, 0, tzinfo=UTC)
    clock_a = later(services_at, slot - START + timedelta(minutes=1))
    clock_b = Services.build(services_at.settings, clock=lambda: slot + timedelta(minutes=4))
    try:
        schedulers = [
            build_scheduler(clock_a, client_of(emulator), owner="clock-a:1"),
            build_scheduler(clock_b, client_of(emulator), owner="clock-b:2"),
        ]
        cards = len(emulator.calls_to("chat.postMessage"))
        with caplog.at_level(logging.INFO):
            run_concurrently(schedulers, EXPIRE_JOB_ID, per_clock=8)
            run_concurrently(schedulers, REMIND_JOB_ID, per_clock=8)
    finally:
        clock_b.close()
    messages = [record.getMessage() for record in caplog.records]
    # Each job acted exactly once; the 15 other runs of the slot saw the claim and skipped.
    assert sum(m.startswith("approval expiry:") for m in messages) == 1
    assert sum(m.startswith("approval reminders:") for m in messages) == 1
    assert sum("is another clock's; skipped" in m for m in messages) == 30
    with session_scope(services_at.sessions) as session:
        states = {
            d.id: d.state for d in (drafts.get_draft(session, i) for i in (waiting, overdue)) if d
        }
    assert states == {waiting: "pending", overdue: "expired"}
    # After the cards, in their threads: the expired draft's author is told, the waiting draft's
    # approver reminded, once each.
    [told, reminder] = emulator.calls_to("chat.postMessage")[cards:]
    assert "expired without a decision" in told.args["text"]
    assert reminder.args["text"].startswith(":bell: <@U0APPROVER>")
    assert len(emulator.calls_to("chat.update")) == 1  # the overdue draft's card, once
    assert emulator.violations == []
