"""The digests clock job against the emulator, with time moved by hand: each digest posted once
at its local time, retried when Slack fails, adopted (not posted again) after a crash in the
post's window, its chart in its thread, and nothing twice when clocks race."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from slack_sdk import WebClient
from sqlmodel import col, select

from bot.runtime.scheduler import DIGEST_JOB_ID, build_scheduler
from bot.services import Services
from bot.slack.client import build_web_client
from bot.slack.digest_delivery import EVENT_TYPE, send_due_digests
from bot.store.db import session_scope
from bot.store.models import DigestRun, DigestSubscription, Notice
from bot.workflows.digests import runs
from slack_emulator.emulator import SlackEmulator
from tests.concurrency import race
from tests.harness import bot_settings
from tests.migrated import migrate
from tests.slack.test_approval_jobs import run_concurrently

# Monday 30 November 2026, 09:00 in Berlin.
START = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
DIGESTS = "C0DIGEST"
LEAD = "U0ADMIN"
PNG = b"\x89PNG\r\n\x1a\n"


def build(emulator: SlackEmulator, database_url: str, **overrides: object) -> Services:
    emulator.add_channel(DIGESTS, name="digests")
    settings = bot_settings(emulator, database_url, **overrides)
    services = Services.build(settings, clock=lambda: START)
    migrate(services.engine)
    return services


@pytest.fixture
def services(emulator: SlackEmulator, database_url: str) -> Iterator[Services]:
    built = build(emulator, database_url)
    yield built
    built.close()


def subscribe(
    services: Services,
    *,
    channel: str = DIGESTS,
    local_time: str = "09:00",
    timezone: str = "Europe/Berlin",
    weekly: bool = False,
    since: datetime = datetime(2026, 11, 30, tzinfo=UTC),
) -> int:
    """A subscription active from ``since`` (by default the night before: yesterday owes none)."""
    with session_scope(services.sessions) as session:
        row = DigestSubscription(
            channel_id=channel,
            local_time=local_time,
            timezone=timezone,
            weekly=weekly,
            created_by=LEAD,
            created_at=since,
            updated_at=since,
            active_since=since,
        )
        session.add(row)
        session.flush()
        assert row.id is not None
        return row.id


def at(services: Services, moment: datetime) -> Services:
    return replace(services, clock=lambda: moment)


def client_of(emulator: SlackEmulator) -> WebClient:
    return build_web_client(token=emulator.bot_token, base_url=emulator.api_url)


def tick(services: Services, emulator: SlackEmulator, moment: datetime) -> int:
    return send_due_digests(at(services, moment), client_of(emulator))


def digests(emulator: SlackEmulator, channel: str = DIGESTS) -> list[dict[str, Any]]:
    """The digests posted in ``channel`` (top-level messages carrying the digest metadata)."""
    return [
        m
        for m in emulator.messages_in(channel)
        if (m.get("metadata") or {}).get("event_type") == EVENT_TYPE
    ]


def charts(emulator: SlackEmulator, channel: str = DIGESTS) -> list[dict[str, Any]]:
    return [m for m in emulator.messages_in(channel) if m.get("files")]


def all_runs(services: Services) -> list[DigestRun]:
    with session_scope(services.sessions) as session:
        found = list(session.exec(select(DigestRun).order_by(col(DigestRun.id))).all())
        for run in found:
            session.expunge(run)
        return found


def test_a_digest_is_posted_once_at_its_time_with_the_chart_in_its_thread(
    services: Services, emulator: SlackEmulator
) -> None:
    subscribe(services)
    assert tick(services, emulator, START - timedelta(seconds=1)) == 0
    assert digests(emulator) == []
    assert tick(services, emulator, START + timedelta(seconds=5)) == 1
    for later in (timedelta(minutes=1), timedelta(hours=1), timedelta(hours=20)):
        assert tick(services, emulator, START + later) == 0
    [digest] = digests(emulator)
    [run] = all_runs(services)
    assert digest["metadata"]["event_payload"] == {"run_id": run.id}
    assert digest.get("thread_ts") in (None, digest["ts"])  # a thread parent, not a reply
    assert (run.message_ts, run.attempts, run.posted_at) == (
        digest["ts"],
        1,
        START + timedelta(seconds=5),
    )
    assert run.chart_done_at == START + timedelta(seconds=5)
    [chart] = charts(emulator)
    assert chart["thread_ts"] == digest["ts"]
    [file] = chart["files"]
    assert file["name"] == "digest-2026-11-30.png"
    uploaded = emulator.uploaded_file(file["id"])
    assert uploaded is not None
    assert uploaded.startswith(PNG)
    assert emulator.violations == []


def test_the_chart_is_off_with_the_setting(emulator: SlackEmulator, database_url: str) -> None:
    services = build(emulator, database_url, digest_chart=False)
    try:
        subscribe(services)
        assert tick(services, emulator, START) == 1
        assert tick(services, emulator, START + timedelta(minutes=1)) == 0
        [run] = all_runs(services)
    finally:
        services.close()
    assert len(digests(emulator)) == 1
    assert charts(emulator) == []
    assert emulator.calls_to("files.getUploadURLExternal") == []
    assert (run.chart_done_at, run.chart_attempts) == (START, 0)


def test_a_failed_chart_upload_leaves_the_text_and_is_retried_next_tick(
    services: Services, emulator: SlackEmulator
) -> None:
    subscribe(services)
    emulator.inject("files.completeUploadExternal", status=200, error="internal_error")
    assert tick(services, emulator, START) == 1
    [digest] = digests(emulator)
    assert charts(emulator) == []
    [run] = all_runs(services)
    assert (run.chart_attempts, run.chart_done_at) == (1, None)
    assert tick(services, emulator, START + timedelta(minutes=1)) == 0
    [chart] = charts(emulator)
    assert chart["thread_ts"] == digest["ts"]
    [run] = all_runs(services)
    assert (run.chart_attempts, run.chart_done_at) == (2, START + timedelta(minutes=1))
    assert len(digests(emulator)) == 1


def test_a_chart_that_keeps_failing_is_given_up_after_three_tries(
    services: Services, emulator: SlackEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    subscribe(services)
    emulator.inject("file_upload", status=500, times=100)
    with caplog.at_level(logging.WARNING):
        for minute in range(6):
            tick(services, emulator, START + timedelta(minutes=minute))
    emulator.clear_faults()
    assert len(digests(emulator)) == 1
    assert charts(emulator) == []
    [run] = all_runs(services)
    assert run.chart_attempts == runs.CHART_TRIES
    assert run.chart_done_at == START + timedelta(minutes=2)
    messages = [record.getMessage() for record in caplog.records]
    assert sum("chart given up after 3 tries" in m for m in messages) == 1


def test_a_failed_post_is_retried_next_tick_and_posted_once(
    services: Services, emulator: SlackEmulator
) -> None:
    subscribe(services)
    emulator.inject("chat.postMessage", status=200, error="internal_error")
    emulator.inject("chat.postMessage", status=429, retry_after=0, times=3)
    assert tick(services, emulator, START) == 0
    assert tick(services, emulator, START + timedelta(minutes=1)) == 0  # rate limited throughout
    [run] = all_runs(services)
    assert (run.posted_at, run.attempts, run.last_error) == (None, 2, "Slack said ratelimited")
    assert tick(services, emulator, START + timedelta(minutes=2)) == 1
    assert tick(services, emulator, START + timedelta(minutes=3)) == 0
    [digest] = digests(emulator)
    [run] = all_runs(services)
    assert (run.message_ts, run.attempts) == (digest["ts"], 3)
    # Each retry first looked for a post of its own that might have landed.
    assert len(emulator.calls_to("conversations.history")) == 2
    assert emulator.violations == []


class Killed(BaseException):
    """The process dies here (kill -9): nothing after this line of the job runs."""


def test_a_post_that_landed_before_a_crash_is_adopted_not_posted_again(
    services: Services, emulator: SlackEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    subscribe(services)

    def die(**_: object) -> bool:
        raise Killed

    monkeypatch.setattr(runs, "mark_posted", die)
    with pytest.raises(Killed):
        tick(services, emulator, START)
    monkeypatch.undo()
    [posted] = digests(emulator)
    [run] = all_runs(services)
    assert (run.posted_at, run.lease_until) == (None, START + runs.DIGEST_LEASE)
    # The lease holds the run for the dead process a while; then the next tick finds the post.
    assert tick(services, emulator, START + timedelta(seconds=30)) == 0
    assert tick(services, emulator, START + runs.DIGEST_LEASE) == 1
    assert tick(services, emulator, START + timedelta(minutes=5)) == 0
    assert [d["ts"] for d in digests(emulator)] == [posted["ts"]]
    [run] = all_runs(services)
    assert run.message_ts == posted["ts"]
    assert len(charts(emulator)) == 1


def test_two_clocks_on_the_same_tick_post_each_digest_once(
    services: Services, emulator: SlackEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    subscribe(services, weekly=True)  # Monday: the daily and the weekly
    other = Services.build(services.settings, clock=lambda: START + timedelta(seconds=40))
    try:
        schedulers = [
            build_scheduler(at(services, START + timedelta(seconds=2)), client_of(emulator)),
            build_scheduler(other, client_of(emulator), owner="clock-b:2"),
        ]
        with caplog.at_level(logging.INFO):
            run_concurrently(schedulers, DIGEST_JOB_ID, per_clock=4)
    finally:
        other.close()
    messages = [record.getMessage() for record in caplog.records]
    assert sum(m.startswith("digests: 2 claimed") for m in messages) == 1
    assert sum("is another clock's; skipped" in m for m in messages) == 7
    assert sorted(d["metadata"]["event_payload"]["run_id"] for d in digests(emulator)) == sorted(
        run.id or 0 for run in all_runs(services)
    )
    assert len(digests(emulator)) == 2
    assert len(charts(emulator)) == 2


def test_the_job_run_many_times_at_once_without_slot_claims_still_posts_once(
    services: Services, emulator: SlackEmulator
) -> None:
    # The slot claims are the first guard; the run claim and the lease are the second.
    subscribe(services)
    other = Services.build(services.settings, clock=lambda: START + timedelta(seconds=3))
    try:
        posted = race(10, lambda i: tick(other if i % 2 else services, emulator, START))
    finally:
        other.close()
    assert sorted(posted) == [0] * 9 + [1]
    assert len(digests(emulator)) == 1
    assert len(charts(emulator)) == 1


@pytest.mark.parametrize("error", ["channel_not_found", "not_in_channel", "is_archived"])
def test_a_channel_slack_refuses_for_good_skips_the_run_and_tells_the_subscriber(
    services: Services, emulator: SlackEmulator, error: str
) -> None:
    subscribe(services)
    emulator.inject("chat.postMessage", status=200, error=error)
    assert tick(services, emulator, START) == 0
    assert tick(services, emulator, START + timedelta(minutes=5)) == 0
    assert digests(emulator) == []
    [run] = all_runs(services)
    assert run.skipped_reason == f"Slack said {error}"
    [dm] = [c for c in emulator.calls_to("chat.postMessage") if c.args["channel"] == LEAD]
    assert f"I could not post the daily digest in <#{DIGESTS}>" in dm.args["text"]
    assert "/social digest unsubscribe" in dm.args["text"]
    with session_scope(services.sessions) as session:
        [notice] = session.exec(select(Notice)).all()
        assert notice.delivered_at is not None


def test_a_channel_the_bot_cannot_find_is_refused_by_slack_itself(
    services: Services, emulator: SlackEmulator
) -> None:
    subscribe(services, channel="C0NOWHERE")
    assert tick(services, emulator, START) == 0
    [run] = all_runs(services)
    assert run.skipped_reason == "Slack said channel_not_found"


def test_after_downtime_within_the_grace_the_digest_goes_once_on_the_first_tick(
    services: Services, emulator: SlackEmulator
) -> None:
    subscribe(services)
    back = START + timedelta(hours=2, minutes=59)
    assert tick(services, emulator, back) == 1
    assert tick(services, emulator, back + timedelta(minutes=1)) == 0
    assert len(digests(emulator)) == 1
    [run] = all_runs(services)
    assert run.due_at == START  # the digest covers the day to 09:00, not to the late send


def test_after_downtime_past_the_grace_the_digest_is_skipped_logged_and_recorded_once(
    services: Services, emulator: SlackEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    subscribe(services)
    back = START + timedelta(hours=3, minutes=1)
    with caplog.at_level(logging.WARNING):
        assert tick(services, emulator, back) == 0
        assert tick(services, emulator, back + timedelta(minutes=1)) == 0
    assert digests(emulator) == []
    [run] = all_runs(services)
    assert run.skipped_reason == runs.late_reason(timedelta(hours=3))
    skips = [r.getMessage() for r in caplog.records if "skipped: due" in r.getMessage()]
    assert skips == [
        f"digest daily for {DIGESTS} on 2026-11-30 skipped: due {START.isoformat()}, "
        "more than 3:00:00 ago"
    ]
    # The next day goes as usual.
    assert tick(services, emulator, START + timedelta(days=1)) == 1


def test_a_subscription_made_after_todays_time_starts_tomorrow(
    services: Services, emulator: SlackEmulator
) -> None:
    subscribe(services, since=START + timedelta(minutes=30))
    assert tick(services, emulator, START + timedelta(minutes=31)) == 0
    assert tick(services, emulator, START + timedelta(hours=2)) == 0
    assert tick(services, emulator, START + timedelta(days=1)) == 1
    [run] = all_runs(services)
    assert run.local_date == date(2026, 12, 1)


def run_every_quarter_hour(
    services: Services, emulator: SlackEmulator, first: datetime, last: datetime
) -> None:
    """The job as the clock runs it, at every 15-minute slot from ``first`` to ``last``."""
    moment = first
    while moment <= last:
        tick(services, emulator, moment)
        moment += timedelta(minutes=15)


def local_times(services: Services, channel: str, tz: ZoneInfo) -> dict[date, time]:
    """When each of ``channel``'s digests was posted, by local date, in local time."""
    shown: dict[date, time] = {}
    for run in all_runs(services):
        if run.channel_id == channel:
            assert run.skipped_reason is None
            assert run.posted_at is not None
            assert run.local_date not in shown
            shown[run.local_date] = run.posted_at.astimezone(tz).time()
            assert run.posted_at.astimezone(tz).date() == run.local_date
    return shown


def test_the_dst_days_through_the_job(emulator: SlackEmulator, database_url: str) -> None:
    services = build(emulator, database_url, digest_chart=False)
    new_york, berlin = ZoneInfo("America/New_York"), ZoneInfo("Europe/Berlin")
    for channel, name in (("C0NYC", "nyc"), ("C0EARLY", "early"), ("C0BERLIN", "berlin")):
        emulator.add_channel(channel, name=name)
    try:
        # The Saturday before New York's spring forward to the Monday after.
        first = datetime(2026, 3, 7, 4, tzinfo=UTC)
        subscribe(services, channel="C0NYC", timezone="America/New_York", since=first)
        subscribe(
            services,
            channel="C0EARLY",
            local_time="02:30",
            timezone="America/New_York",
            since=first,
        )
        run_every_quarter_hour(services, emulator, first, datetime(2026, 3, 9, 14, tzinfo=UTC))
        # Berlin: both of its 2026 changes, Saturday to Monday.
        for change in (date(2026, 3, 29), date(2026, 10, 25)):
            with session_scope(services.sessions) as session:
                for row in session.exec(select(DigestSubscription)).all():  # only the next one
                    row.unsubscribed_at = first
                    session.add(row)
            first = datetime.combine(change - timedelta(days=1), time(0), tzinfo=UTC)
            subscribe(services, channel=f"C0BERLIN{change.month}", since=first)
            emulator.add_channel(f"C0BERLIN{change.month}", name=f"berlin-{change.month}")
            run_every_quarter_hour(services, emulator, first, first + timedelta(days=2, hours=12))
        nine = time(9, 0)
        assert local_times(services, "C0NYC", new_york) == {
            date(2026, 3, 7): nine,
            date(2026, 3, 8): nine,
            date(2026, 3, 9): nine,
        }
        # 02:30 did not exist on the night of the 8th: 03:30 EDT, the same distance from midnight.
        assert local_times(services, "C0EARLY", new_york) == {
            date(2026, 3, 7): time(2, 30),
            date(2026, 3, 8): time(3, 30),
            date(2026, 3, 9): time(2, 30),
        }
        for month, change in ((3, date(2026, 3, 29)), (10, date(2026, 10, 25))):
            assert local_times(services, f"C0BERLIN{month}", berlin) == {
                change - timedelta(days=1): nine,
                change: nine,
                change + timedelta(days=1): nine,
            }
    finally:
        services.close()
    for channel in ("C0NYC", "C0EARLY", "C0BERLIN3", "C0BERLIN10"):
        assert len(digests(emulator, channel)) == 3
