"""Real `socialops clock` processes on one store and the emulator: the SLA escalation goes out
once with two clocks running, and a clock killed (`kill -9`) after firing a timer but before
its post landed leaves the post to the sweep after the restart: sent once, never lost."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlmodel import select

from bot.services import Services
from bot.slack.approval_jobs import repair_cards_and_notices
from bot.slack.client import build_web_client
from bot.store.db import session_scope
from bot.store.models import Handoff, Notice
from bot.workflows.handoffs import create, packets
from bot.workflows.handoffs.create import HandoffRequest
from bot.workflows.notices import NOTICE_LEASE
from slack_emulator.emulator import SlackEmulator
from tests.harness import bot_settings
from tests.migrated import migrate

SUPPORT, ESCALATIONS = "C0SUPPORT", "C0ESCALATE"
TIMEOUT = 60.0  # interpreters starting on a busy 2-core box


def wait_until(condition: Callable[[], bool], what: str, logs: list[Path]) -> None:
    deadline = time.monotonic() + TIMEOUT
    while not condition():
        if time.monotonic() > deadline:
            shown = "\n".join(f"--- {log.name}\n{log.read_text()}" for log in logs)
            raise AssertionError(f"timed out waiting for {what}\n{shown}")
        time.sleep(0.05)


@contextmanager
def clock(tmp_path: Path, name: str, env: dict[str, str]) -> Iterator[subprocess.Popen[bytes]]:
    log = tmp_path / f"{name}.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "clock"],
            cwd=tmp_path,  # no stray .env
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=30)


def env_for(emulator: SlackEmulator, database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SOCIALOPS_", "SLACK_"))}
    env.update(
        DATABASE_URL=database_url,
        SLACK_BOT_TOKEN=emulator.bot_token,
        SLACK_API_URL=emulator.api_url,
        SOCIALOPS_SUPPORT_CHANNEL=SUPPORT,
        SOCIALOPS_ESCALATION_CHANNEL=ESCALATIONS,
        SOCIALOPS_MATCHER="offline",
    )
    return env


def overdue_handoffs(services: Services, emulator: SlackEmulator, count: int) -> list[int]:
    """Handoffs started two hours ago with a one-hour time to claim: each owes an escalation."""
    for channel, name in ((SUPPORT, "support"), (ESCALATIONS, "escalations")):
        emulator.add_channel(channel, name=name)
    client = build_web_client(token=emulator.bot_token, base_url=emulator.api_url)
    started = datetime.now(UTC) - timedelta(hours=2)
    ids: list[int] = []
    for n in range(count):
        with session_scope(services.sessions) as session:
            handoff = create.start_handoff(
                session=session,
                request=HandoffRequest(
                    team="support",
                    route_reason="asked for support",
                    requested_by="U0AUTHOR",
                    summary=f"Cracked mug {n}",
                    customer_text="my mug arrived cracked",
                    source_channel="C0SOCIAL",
                    source_ts=f"1700000000.{n:06d}",
                ),
                sla=services.team_sla("support"),
                now=started,
            ).handoff
            assert handoff.id is not None
            ids.append(handoff.id)
        packet = client.chat_postMessage(channel=SUPPORT, text=f"(packet {n})")
        with session_scope(services.sessions) as session:
            packets.packet_posted(
                session=session, handoff_id=ids[-1], channel=SUPPORT, ts=packet["ts"], version=1
            )
    return ids


def ran_the_sla_job(log: str) -> bool:
    """The clock fired the timers, or saw the slot claimed by the other clock."""
    return "handoff SLA:" in log or "handoff-sla: the run due" in log


def escalations(emulator: SlackEmulator) -> list[str]:
    return [m["text"] for m in emulator.messages_in(ESCALATIONS)]


def build(emulator: SlackEmulator, database_url: str) -> Services:
    settings = bot_settings(
        emulator, database_url, support_channel=SUPPORT, escalation_channel=ESCALATIONS
    )
    services = Services.build(settings)
    migrate(services.engine)
    return services


def test_two_clock_processes_escalate_each_breach_once(
    tmp_path: Path, emulator: SlackEmulator, database_url: str
) -> None:
    services = build(emulator, database_url)
    try:
        ids = overdue_handoffs(services, emulator, 3)
        env = env_for(emulator, database_url)
        logs = [tmp_path / "a.log", tmp_path / "b.log"]
        with clock(tmp_path, "a", env) as a, clock(tmp_path, "b", env) as b:
            # Each clock runs the job as it starts: one fires the timers, the other skips the
            # slot or (a slot later) finds nothing due.
            wait_until(
                lambda: all(ran_the_sla_job(log.read_text()) for log in logs),
                "both clocks to run the SLA job",
                logs,
            )
            wait_until(lambda: len(escalations(emulator)) >= 3, "the escalations", logs)
            for process in (a, b):
                process.send_signal(signal.SIGTERM)
            assert a.wait(timeout=30) == 0
            assert b.wait(timeout=30) == 0
        texts = escalations(emulator)
        for handoff_id in ids:
            [_one] = [t for t in texts if f"Handoff #{handoff_id} to support breached" in t]
        assert len(texts) == 3
        with session_scope(services.sessions) as session:
            fired = session.exec(select(Handoff.claim_escalated_at)).all()
            outbox = session.exec(select(Notice)).all()
        assert all(at is not None for at in fired)
        assert len(outbox) == 3
        assert all(notice.delivered_at is not None for notice in outbox)
    finally:
        services.close()


def test_a_clock_killed_after_firing_and_before_its_post_landed_posts_once_after_restart(
    tmp_path: Path, emulator: SlackEmulator, database_url: str
) -> None:
    services = build(emulator, database_url)
    try:
        [handoff_id] = overdue_handoffs(services, emulator, 1)
        env = env_for(emulator, database_url)
        # The escalation's post hangs in Slack, then fails: the clock dies while it waits.
        emulator.inject("chat.postMessage", status=200, error="internal_error", delay=5)
        logs = [tmp_path / "first.log"]

        def sending() -> bool:
            # The hung post reached Slack (its notice is leased before that, so the lease alone
            # could let the kill land before the post started).
            return emulator.faults_waiting("chat.postMessage") == 0

        with clock(tmp_path, "first", env) as first:
            wait_until(sending, "the clock to fire the timer and start posting", logs)
            first.send_signal(signal.SIGKILL)  # kill -9: no handler, no cleanup
            first.wait(timeout=30)
        assert escalations(emulator) == []
        with session_scope(services.sessions) as session:
            handoff = session.get(Handoff, handoff_id)
            assert handoff is not None
            assert handoff.claim_escalated_at is not None  # fired, with its notice, before the kill

        # The restarted clock fires nothing again; the notice the dead one held waits out its
        # lease, then the sweep sends it.
        logs = [tmp_path / "second.log"]
        with clock(tmp_path, "second", env) as second:
            wait_until(
                lambda: "handoff SLA: 0 timer(s) fired" in logs[0].read_text(),
                "the restarted clock's SLA run",
                logs,
            )
            second.send_signal(signal.SIGTERM)
            assert second.wait(timeout=30) == 0
        emulator.clear_faults()
        client = build_web_client(token=emulator.bot_token, base_url=emulator.api_url)
        later = datetime.now(UTC) + NOTICE_LEASE + timedelta(seconds=1)
        assert repair_cards_and_notices(replace(services, clock=lambda: later), client) == (0, 1)
        assert repair_cards_and_notices(replace(services, clock=lambda: later), client) == (0, 0)
        [text] = escalations(emulator)
        assert f"Handoff #{handoff_id} to support breached its time to claim" in text
    finally:
        services.close()
