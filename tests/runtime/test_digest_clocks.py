"""Real `socialops clock` processes on one store and the emulator: a due digest goes out once with
two clocks running, and a clock killed (`kill -9`) after claiming the digest but before its post
was recorded leaves it to the restarted clock, which posts it (or adopts the post that did land)
exactly once."""

from __future__ import annotations

import os
import signal
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete, update
from sqlmodel import col, select

from bot.runtime.scheduler import DIGEST_JOB_ID
from bot.services import Services
from bot.slack.digest_delivery import EVENT_TYPE
from bot.store.db import session_scope
from bot.store.models import DigestRun, DigestSubscription, JobRun
from slack_emulator.emulator import SlackEmulator
from tests.harness import bot_settings
from tests.migrated import migrate
from tests.runtime.test_handoff_sla_clocks import clock, wait_until

DIGESTS = "C0DIGEST"


def env_for(emulator: SlackEmulator, database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SOCIALOPS_", "SLACK_"))}
    env.update(
        DATABASE_URL=database_url,
        SLACK_BOT_TOKEN=emulator.bot_token,
        SLACK_API_URL=emulator.api_url,
        SOCIALOPS_MATCHER="offline",
    )
    return env


def build(emulator: SlackEmulator, database_url: str) -> Services:
    emulator.add_channel(DIGESTS, name="digests")
    services = Services.build(bot_settings(emulator, database_url))
    migrate(services.engine)
    return services


def subscribe_due_now(services: Services) -> None:
    """A UTC subscription whose time was a few minutes ago, made an hour ago: one digest owed."""
    now = datetime.now(UTC)
    with session_scope(services.sessions) as session:
        session.add(
            DigestSubscription(
                channel_id=DIGESTS,
                local_time=(now - timedelta(minutes=3)).strftime("%H:%M"),
                timezone="UTC",
                weekly=False,
                created_by="U0ADMIN",
                created_at=now - timedelta(hours=1),
                updated_at=now - timedelta(hours=1),
                active_since=now - timedelta(hours=1),
            )
        )


def digests(emulator: SlackEmulator) -> list[dict[str, Any]]:
    return [
        m
        for m in emulator.messages_in(DIGESTS)
        if (m.get("metadata") or {}).get("event_type") == EVENT_TYPE
    ]


def charts(emulator: SlackEmulator) -> list[dict[str, Any]]:
    return [m for m in emulator.messages_in(DIGESTS) if m.get("files")]


def the_run(services: Services) -> DigestRun | None:
    with session_scope(services.sessions) as session:
        run = session.exec(select(DigestRun)).first()
        if run is not None:
            session.expunge(run)
        return run


def ran_the_digest_job(log: str) -> bool:
    """The clock worked off the digests, or saw the slot claimed by the other clock."""
    return "digests: " in log or f"{DIGEST_JOB_ID}: the run due" in log


def test_two_clock_processes_post_the_due_digest_once(
    tmp_path: Path, emulator: SlackEmulator, database_url: str
) -> None:
    services = build(emulator, database_url)
    try:
        subscribe_due_now(services)
        env = env_for(emulator, database_url)
        logs = [tmp_path / "a.log", tmp_path / "b.log"]
        with clock(tmp_path, "a", env) as a, clock(tmp_path, "b", env) as b:
            # Each clock runs the job as it starts (the catch-up): one posts, the other skips
            # the slot or finds the digest taken.
            wait_until(
                lambda: all(ran_the_digest_job(log.read_text()) for log in logs),
                "both clocks to run the digest job",
                logs,
            )
            wait_until(lambda: len(charts(emulator)) >= 1, "the digest and its chart", logs)
            for process in (a, b):
                process.send_signal(signal.SIGTERM)
            assert a.wait(timeout=30) == 0
            assert b.wait(timeout=30) == 0
        [digest] = digests(emulator)
        [chart] = charts(emulator)
        assert chart["thread_ts"] == digest["ts"]
        run = the_run(services)
        assert run is not None
        assert (run.message_ts, run.attempts) == (digest["ts"], 1)
        assert run.chart_done_at is not None
    finally:
        services.close()


@pytest.mark.parametrize("landed", [False, True], ids=["post-lost", "post-landed"])
def test_a_clock_killed_between_claim_and_recorded_post_is_posted_once_after_restart(
    tmp_path: Path, emulator: SlackEmulator, database_url: str, landed: bool
) -> None:
    services = build(emulator, database_url)
    try:
        subscribe_due_now(services)
        env = env_for(emulator, database_url)
        # The post hangs in Slack: it then lands (the clock never hears) or fails.
        emulator.inject(
            "chat.postMessage", status=200, error=None if landed else "internal_error", delay=4
        )
        logs = [tmp_path / "first.log"]

        def posting() -> bool:
            # The hung call reached Slack: the lease alone is not enough, composing the digest
            # comes between the lease and the post, and a kill there is a different test.
            return emulator.faults_waiting("chat.postMessage") == 0

        with clock(tmp_path, "first", env) as first:
            wait_until(posting, "the clock to claim the digest and start posting", logs)
            first.send_signal(signal.SIGKILL)  # kill -9: no handler, no cleanup
            first.wait(timeout=30)
        if landed:
            wait_until(lambda: len(digests(emulator)) == 1, "the hung post to land", logs)
        else:
            wait_until(
                lambda: bool(emulator.calls_to("chat.postMessage")), "the hung post to end", logs
            )
            assert digests(emulator) == []
        run = the_run(services)
        assert run is not None
        assert (run.posted_at, run.attempts) == (None, 1)

        # Time passes: the dead clock's lease on the run and its claim on the job's slot run out
        # (moved by hand here instead of waiting the real minute each lasts).
        with session_scope(services.sessions) as session:
            session.execute(update(DigestRun).values(lease_until=datetime.now(UTC)))
            session.execute(delete(JobRun).where(col(JobRun.job_id) == DIGEST_JOB_ID))
        logs = [tmp_path / "second.log"]
        with clock(tmp_path, "second", env) as second:
            wait_until(lambda: len(charts(emulator)) == 1, "the restarted clock's digest", logs)
            second.send_signal(signal.SIGTERM)
            assert second.wait(timeout=30) == 0
        [digest] = digests(emulator)
        [chart] = charts(emulator)
        assert chart["thread_ts"] == digest["ts"]
        run = the_run(services)
        assert run is not None
        assert (run.message_ts, run.attempts) == (digest["ts"], 2)
        adopted = "was posted by an earlier attempt; adopted" in logs[0].read_text()
        assert adopted is landed
    finally:
        services.close()
