"""The handoff SLA clock job against the emulator, with time moved by hand: reminder and
escalations once, where they belong, never after a claim or a resolve, never twice."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from slack_sdk import WebClient
from sqlmodel import select

from bot.runtime.scheduler import HANDOFF_SLA_JOB_ID, build_scheduler
from bot.services import Services
from bot.slack import handoff_timers
from bot.slack.approval_jobs import repair_cards_and_notices
from bot.slack.client import build_web_client
from bot.slack.handoff_timers import fire_handoff_timers
from bot.store.db import session_scope
from bot.store.models import Handoff, Notice
from bot.workflows.handoffs import create, decide, packets
from bot.workflows.handoffs.create import HandoffRequest
from slack_emulator.emulator import SlackEmulator
from tests.harness import bot_settings
from tests.migrated import migrate
from tests.slack.test_approval_jobs import run_concurrently

START = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
SUPPORT, ESCALATIONS = "C0SUPPORT", "C0ESCALATE"
SOCIAL, OWNER = "U0AUTHOR", "U0APPROVER"
HANDOFF_SETTINGS: dict[str, object] = {
    "support_channel": SUPPORT,
    "sales_channel": "C0SALES",
    "escalation_channel": ESCALATIONS,
    "handoff_sla_support": timedelta(hours=1),
}


def build(emulator: SlackEmulator, database_url: str, **overrides: object) -> Services:
    for channel, name in ((SUPPORT, "support"), (ESCALATIONS, "escalations"), ("C0SALES", "sales")):
        emulator.add_channel(channel, name=name)
    settings = bot_settings(emulator, database_url, **{**HANDOFF_SETTINGS, **overrides})
    services = Services.build(settings, clock=lambda: START)
    migrate(services.engine)
    return services


@pytest.fixture
def services(emulator: SlackEmulator, database_url: str) -> Iterator[Services]:
    built = build(emulator, database_url)
    yield built
    built.close()


def at(services: Services, delta: timedelta) -> Services:
    return replace(services, clock=lambda: START + delta)


def client_of(emulator: SlackEmulator) -> WebClient:
    return build_web_client(token=emulator.bot_token, base_url=emulator.api_url)


def start(
    services: Services, emulator: SlackEmulator, *, posted: bool = True, **changes: Any
) -> Handoff:
    """A support handoff started at START; its packet posted in the team channel unless not."""
    values: dict[str, Any] = {
        "team": "support",
        "route_reason": "asked for support",
        "requested_by": SOCIAL,
        "summary": "Mug arrived cracked <!channel> & wants a refund",
        "customer_text": "@dana my mug arrived cracked",
    }
    values.update(changes)
    with session_scope(services.sessions) as session:
        started = create.start_handoff(
            session=session,
            request=HandoffRequest(**values),
            sla=services.team_sla(values["team"]),
            now=START,
        )
        handoff_id = started.handoff.id
        assert handoff_id is not None
    if posted:
        packet = client_of(emulator).chat_postMessage(channel=SUPPORT, text="(the packet)")
        with session_scope(services.sessions) as session:
            packets.packet_posted(
                session=session, handoff_id=handoff_id, channel=SUPPORT, ts=packet["ts"], version=1
            )
    return load(services, handoff_id)


def load(services: Services, handoff_id: int | None) -> Handoff:
    with session_scope(services.sessions) as session:
        handoff = session.get(Handoff, handoff_id)
        assert handoff is not None
        session.expunge(handoff)
        return handoff


def number(handoff: Handoff) -> int:
    assert handoff.id is not None
    return handoff.id


def claim(services: Services, handoff: Handoff, after: timedelta) -> None:
    with session_scope(services.sessions) as session:
        outcome = decide.claim(
            session=session, handoff_id=number(handoff), actor_id=OWNER, now=START + after
        )
        assert outcome.refused is None


def fire(services: Services, emulator: SlackEmulator, delta: timedelta) -> int:
    return fire_handoff_timers(at(services, delta), client_of(emulator))


def replies(emulator: SlackEmulator, channel: str) -> list[dict[str, Any]]:
    """What the bot posted in ``channel`` besides the packets."""
    return [m for m in emulator.messages_in(channel) if m["text"] != "(the packet)"]


def test_the_reminder_comes_once_at_75_percent_in_the_packets_thread(
    services: Services, emulator: SlackEmulator
) -> None:
    handoff = start(services, emulator)
    assert fire(services, emulator, timedelta(minutes=44, seconds=59)) == 0
    assert replies(emulator, SUPPORT) == []
    assert fire(services, emulator, timedelta(minutes=45)) == 1
    assert fire(services, emulator, timedelta(minutes=46)) == 0
    [reminder] = replies(emulator, SUPPORT)
    assert reminder["thread_ts"] == handoff.packet_ts
    assert reminder["text"].startswith(
        f":hourglass_flowing_sand: Handoff #{handoff.id} to support is still unclaimed — "
        "15 min left to claim (due <!date^"
    )
    assert "<!channel>" not in reminder["text"]
    assert "<!here>" not in reminder["text"]
    assert replies(emulator, ESCALATIONS) == []
    assert emulator.violations == []


def test_the_breach_escalates_once_with_the_link_and_who_is_on_it(
    services: Services, emulator: SlackEmulator
) -> None:
    handoff = start(services, emulator, priority="urgent")
    assert fire(services, emulator, timedelta(minutes=45)) == 1  # the reminder
    assert fire(services, emulator, timedelta(minutes=59)) == 0
    assert fire(services, emulator, timedelta(hours=1)) == 1
    assert fire(services, emulator, timedelta(hours=3)) == 0
    [escalation] = replies(emulator, ESCALATIONS)
    text = escalation["text"]
    assert f"Handoff #{handoff.id} to support breached its time to claim" in text
    assert "Urgent priority" in text
    # The summary is the teammate's words: escaped, so its "<!channel>" pings nobody.
    assert "Mug arrived cracked &lt;!channel&gt; &amp; wants a refund" in text
    assert handoff.packet_ts is not None
    link = f"https://slack.com/archives/{SUPPORT}/p{handoff.packet_ts.replace('.', '')}"
    assert f"<{link}|Open the packet>" in text
    assert "Nobody has claimed it." in text
    assert len(replies(emulator, SUPPORT)) == 1  # the reminder only, no second word there
    assert emulator.violations == []


def test_a_clock_that_was_down_escalates_without_a_late_reminder(
    services: Services, emulator: SlackEmulator
) -> None:
    start(services, emulator)
    assert fire(services, emulator, timedelta(hours=2)) == 1
    assert replies(emulator, SUPPORT) == []
    assert len(replies(emulator, ESCALATIONS)) == 1


def test_nothing_fires_after_a_claim_or_a_resolve(
    services: Services, emulator: SlackEmulator
) -> None:
    claimed = start(services, emulator)
    resolved = start(services, emulator, source_channel="C0SOCIAL", source_ts="1.2")
    claim(services, claimed, timedelta(minutes=10))
    with session_scope(services.sessions) as session:
        done = decide.resolve(
            session=session,
            handoff_id=number(resolved),
            actor_id=OWNER,
            note=None,
            now=START + timedelta(minutes=10),
        )
        assert done.refused is None
    for minutes in (45, 60, 120, 60 * 24):
        assert fire(services, emulator, timedelta(minutes=minutes)) == 0
    assert replies(emulator, SUPPORT) == []
    assert replies(emulator, ESCALATIONS) == []


def test_a_claim_after_the_reminder_stops_the_escalation(
    services: Services, emulator: SlackEmulator
) -> None:
    handoff = start(services, emulator)
    assert fire(services, emulator, timedelta(minutes=50)) == 1
    claim(services, handoff, timedelta(minutes=55))
    assert fire(services, emulator, timedelta(hours=2)) == 0
    assert replies(emulator, ESCALATIONS) == []


def test_a_resolve_breach_escalates_and_dms_the_owner_once(
    emulator: SlackEmulator, database_url: str
) -> None:
    services = build(emulator, database_url, handoff_resolve_sla_support=timedelta(hours=8))
    try:
        handoff = start(services, emulator)
        claim(services, handoff, timedelta(minutes=5))
        assert fire(services, emulator, timedelta(hours=7, minutes=59)) == 0
        assert fire(services, emulator, timedelta(hours=8)) == 1
        assert fire(services, emulator, timedelta(hours=9)) == 0
    finally:
        services.close()
    [escalation] = replies(emulator, ESCALATIONS)
    assert f"Handoff #{handoff.id} to support breached its time to resolve" in escalation["text"]
    assert f"<@{OWNER}> is on it." in escalation["text"]
    [dm] = [c for c in emulator.calls_to("chat.postMessage") if c.args["channel"] == OWNER]
    assert "which you own, is past its time to resolve" in dm.args["text"]
    assert "Resolve it, or reassign it" in dm.args["text"]
    assert emulator.violations == []


def test_without_an_escalation_channel_the_breach_is_said_in_the_packets_thread(
    emulator: SlackEmulator, database_url: str
) -> None:
    services = build(emulator, database_url, escalation_channel=None)
    try:
        handoff = start(services, emulator)
        assert fire(services, emulator, timedelta(hours=1)) == 1
    finally:
        services.close()
    [breach] = replies(emulator, SUPPORT)
    assert breach["thread_ts"] == handoff.packet_ts
    assert "breached its time to claim" in breach["text"]
    assert replies(emulator, ESCALATIONS) == []


def test_a_packet_not_posted_yet_is_reminded_in_the_channel_and_said_so(
    services: Services, emulator: SlackEmulator
) -> None:
    start(services, emulator, posted=False)
    assert fire(services, emulator, timedelta(minutes=45)) == 1
    assert fire(services, emulator, timedelta(hours=1)) == 1
    [reminder] = replies(emulator, SUPPORT)
    assert reminder["thread_ts"] is None
    [escalation] = replies(emulator, ESCALATIONS)
    assert "The packet is not posted yet." in escalation["text"]


def test_two_clocks_at_once_fire_each_timer_once(
    services: Services, emulator: SlackEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    handoffs = [
        start(services, emulator, source_channel="C0SOCIAL", source_ts=f"1.{n}") for n in range(3)
    ]
    # Two clock processes (own engines) in one slot, each running the job eight times at once.
    clock_a = at(services, timedelta(minutes=45, seconds=10))
    clock_b = Services.build(
        services.settings, clock=lambda: START + timedelta(minutes=45, seconds=40)
    )
    try:
        schedulers = [
            build_scheduler(clock_a, client_of(emulator), owner="clock-a:1"),
            build_scheduler(clock_b, client_of(emulator), owner="clock-b:2"),
        ]
        with caplog.at_level(logging.INFO):
            run_concurrently(schedulers, HANDOFF_SLA_JOB_ID, per_clock=8)
    finally:
        clock_b.close()
    messages = [record.getMessage() for record in caplog.records]
    assert sum(m.startswith("handoff SLA: 3 timer(s) fired") for m in messages) == 1
    assert sum("is another clock's; skipped" in m for m in messages) == 15
    assert sorted(m["thread_ts"] for m in replies(emulator, SUPPORT)) == sorted(
        str(h.packet_ts) for h in handoffs
    )


def test_the_job_run_many_times_at_once_without_slot_claims_still_fires_once(
    services: Services, emulator: SlackEmulator
) -> None:
    # The run claims are the first guard; the conditional UPDATE on the timer is the second,
    # for a clock whose slot claim raced (or a job run by hand).
    start(services, emulator)
    other = Services.build(services.settings, clock=lambda: START + timedelta(hours=1))
    fired: list[int] = []
    barrier = threading.Barrier(12)

    def run(clock: Services) -> None:
        barrier.wait()
        fired.append(fire_handoff_timers(clock, client_of(emulator)))

    try:
        threads = [
            threading.Thread(
                target=run, args=(at(services, timedelta(hours=1)) if n % 2 else other,)
            )
            for n in range(12)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        other.close()
    assert sorted(fired) == [0] * 11 + [1]
    assert len(replies(emulator, ESCALATIONS)) == 1


def test_a_restart_fires_nothing_twice(services: Services, emulator: SlackEmulator) -> None:
    start(services, emulator)
    first = build_scheduler(at(services, timedelta(minutes=45)), client_of(emulator), owner="a:1")
    first.get_job(HANDOFF_SLA_JOB_ID).func(*first.get_job(HANDOFF_SLA_JOB_ID).args)
    # The process is gone; a new one (own engine, own scheduler) looks a slot later.
    restarted = Services.build(services.settings, clock=lambda: START + timedelta(minutes=50))
    try:
        second = build_scheduler(restarted, client_of(emulator), owner="b:2")
        job = second.get_job(HANDOFF_SLA_JOB_ID)
        job.func(*job.args)
        assert fire_handoff_timers(restarted, client_of(emulator)) == 0
    finally:
        restarted.close()
    assert len(replies(emulator, SUPPORT)) == 1


def test_a_reminder_slack_refused_is_delivered_by_the_repair_sweep_once(
    services: Services, emulator: SlackEmulator
) -> None:
    handoff = start(services, emulator)
    emulator.inject("chat.postMessage", status=200, error="internal_error")
    assert fire(services, emulator, timedelta(minutes=45)) == 1
    assert replies(emulator, SUPPORT) == []
    client = client_of(emulator)
    assert repair_cards_and_notices(at(services, timedelta(minutes=46)), client) == (0, 1)
    assert repair_cards_and_notices(at(services, timedelta(minutes=47)), client) == (0, 0)
    assert fire(services, emulator, timedelta(minutes=48)) == 0
    [reminder] = replies(emulator, SUPPORT)
    assert reminder["thread_ts"] == handoff.packet_ts
    assert "still unclaimed" in reminder["text"]


class Killed(BaseException):
    """The process dies here (kill -9): nothing after this line of the job runs."""


def test_a_clock_killed_between_firing_and_delivering_delivers_after_the_restart(
    services: Services, emulator: SlackEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    start(services, emulator)

    def die(*_args: object) -> int:
        raise Killed

    monkeypatch.setattr(handoff_timers, "deliver_notices", die)
    with pytest.raises(Killed):
        fire(services, emulator, timedelta(hours=1))
    monkeypatch.undo()
    assert replies(emulator, ESCALATIONS) == []
    restarted = Services.build(
        services.settings, clock=lambda: START + timedelta(hours=1, minutes=1)
    )
    try:
        assert fire_handoff_timers(restarted, client_of(emulator)) == 0  # fired before the kill
        assert repair_cards_and_notices(restarted, client_of(emulator)) == (0, 1)
        assert repair_cards_and_notices(restarted, client_of(emulator)) == (0, 0)
    finally:
        restarted.close()
    assert len(replies(emulator, ESCALATIONS)) == 1
    with session_scope(services.sessions) as session:
        [notice] = session.exec(select(Notice)).all()
        assert notice.delivered_at is not None
