"""The crisis clock against the emulator, with time moved by hand: the war room made (or reused,
or the escalation channel when Slack refuses), people invited, each owed message posted once
with its metadata, retried after a failure, adopted after a crash in the post's window, redrawn
when its version grows, given up (admins told once) when Slack never will, status updates owed
once per slot, and nothing twice when two clocks race, on both databases. Real `socialops clock`
processes, one killed with `kill -9` mid-post, at the end."""

from __future__ import annotations

import logging
import os
import signal
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from slack_sdk import WebClient
from sqlalchemy import delete, update
from sqlmodel import col, select

from bot.runtime.scheduler import CRISIS_JOB_ID, build_scheduler
from bot.services import Services
from bot.slack import crisis_briefing, crisis_reports
from bot.slack.client import build_web_client
from bot.slack.crisis_delivery import EVENT_TYPE, deliver_soon, room_name, run_crisis_clock
from bot.slack.crisis_message import CrisisMessage
from bot.store.db import session_scope
from bot.store.models import Crisis, CrisisPost, CrisisRole, Draft, JobRun
from bot.workflows.crisis import delivery
from bot.workflows.crisis.kinds import RUNNING, CrisisKind, PostKind
from bot.workflows.crisis.posts import owe_post, redraw_post
from bot.workflows.drafts.states import DraftState
from slack_emulator.emulator import SlackEmulator
from tests.concurrency import race
from tests.harness import bot_settings
from tests.migrated import migrate
from tests.runtime.test_handoff_sla_clocks import clock, wait_until
from tests.slack.test_approval_jobs import run_concurrently

START = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
ADMIN, APPROVER, AUTHOR = "U0ADMIN", "U0APPROVER", "U0AUTHOR"
SUPPORT, SALES = "U0SUPPORT", "U0SALES"
APPROVALS, ESCALATIONS = "C0APPROVALS", "C0ESCALATE"
BOT = "UBOTSOCIAL"
SETTINGS: dict[str, object] = {
    "admins": [ADMIN],
    "approvers": ["S0APPROVERS"],
    "crisis_approvers": [SUPPORT],
    "approvals_channel": APPROVALS,
    "escalation_channel": ESCALATIONS,
}


def build(emulator: SlackEmulator, database_url: str, **overrides: object) -> Services:
    settings = bot_settings(emulator, database_url, **{**SETTINGS, **overrides})
    services = Services.build(settings, clock=lambda: START)
    migrate(services.engine)
    return services


@pytest.fixture
def services(emulator: SlackEmulator, database_url: str) -> Iterator[Services]:
    built = build(emulator, database_url)
    yield built
    built.close()


def at(services: Services, moment: datetime) -> Services:
    return replace(services, clock=lambda: moment)


def client_of(emulator: SlackEmulator) -> WebClient:
    return build_web_client(token=emulator.bot_token, base_url=emulator.api_url)


def tick(services: Services, emulator: SlackEmulator, moment: datetime = START) -> int:
    return run_crisis_clock(at(services, moment), client_of(emulator))


def open_crisis(
    services: Services,
    *,
    kind: CrisisKind = CrisisKind.CRISIS,
    reason: str = "Checkout is down <!channel>",
    started_at: datetime = START,
    paused: int = 0,
) -> int:
    """A crisis as the start leaves it: running, its lead, its briefing and announcement owed
    (the lifecycle's start is another module's; this is the state it commits)."""
    with session_scope(services.sessions) as session:
        crisis = Crisis(
            kind=str(kind),
            reason=reason,
            started_by=ADMIN,
            started_at=started_at,
            running_key=RUNNING,
            next_update_at=started_at + services.settings.crisis_update_every,
            updated_at=started_at,
        )
        session.add(crisis)
        session.flush()
        assert crisis.id is not None
        session.add(
            CrisisRole(
                crisis_id=crisis.id,
                user_id=ADMIN,
                role="lead",
                assigned_by=ADMIN,
                assigned_at=started_at,
            )
        )
        for number in range(paused):
            session.add(
                Draft(
                    kind="post",
                    state=DraftState.PAUSED,
                    text=f"Big sale tomorrow #{number} & more",
                    text_hash=f"h{number}",
                    networks="x",
                    author_id=AUTHOR,
                    created_at=started_at,
                    updated_at=started_at,
                    paused_by=crisis.id,
                    paused_from="approved",
                )
            )
        owe_post(session=session, kind=PostKind.BRIEFING, now=started_at, crisis_id=crisis.id)
        owe_post(
            session=session,
            kind=PostKind.ANNOUNCE,
            now=started_at,
            crisis_id=crisis.id,
            channel_id=APPROVALS,
        )
        return crisis.id


def the_crisis(services: Services, crisis_id: int) -> Crisis:
    with session_scope(services.sessions) as session:
        crisis = session.get(Crisis, crisis_id)
        assert crisis is not None
        session.expunge(crisis)
        return crisis


def all_posts(services: Services) -> list[CrisisPost]:
    with session_scope(services.sessions) as session:
        found = list(session.exec(select(CrisisPost).order_by(col(CrisisPost.id))).all())
        for post in found:
            session.expunge(post)
        return found


def posted(emulator: SlackEmulator, channel: str) -> list[dict[str, Any]]:
    """The crisis messages in ``channel`` (carrying the crisis metadata)."""
    return [
        m
        for m in emulator.messages_in(channel)
        if (m.get("metadata") or {}).get("event_type") == EVENT_TYPE
    ]


def created_rooms(emulator: SlackEmulator) -> list[str]:
    return [
        str(call.response["channel"]["id"])
        for call in emulator.calls_to("conversations.create")
        if call.response.get("ok")
    ]


def members(emulator: SlackEmulator, channel: str) -> set[str]:
    client = client_of(emulator)
    return set(client.conversations_members(channel=channel)["members"])


def dms_to(emulator: SlackEmulator, user: str) -> list[str]:
    return [
        str(call.args.get("text"))
        for call in emulator.calls_to("chat.postMessage")
        if call.args.get("channel") == user
    ]


# -- war rooms and invites ------------------------------------------------------------------------


def test_a_crisis_gets_its_war_room_its_people_and_its_messages_once(
    services: Services, emulator: SlackEmulator
) -> None:
    crisis_id = open_crisis(services, paused=2)
    with session_scope(services.sessions) as session:
        session.add(
            CrisisRole(
                crisis_id=crisis_id,
                user_id=SALES,
                role="legal",
                assigned_by=ADMIN,
                assigned_at=START,
            )
        )
    assert tick(services, emulator) == 2
    for later in (timedelta(minutes=1), timedelta(minutes=5)):
        assert tick(services, emulator, START + later) == 0
    [room] = created_rooms(emulator)
    assert (
        emulator.calls_to("conversations.create")[0].args["name"]
        == f"crisis-2026-11-30-{crisis_id}"
    )
    crisis = the_crisis(services, crisis_id)
    assert (crisis.war_room_channel, crisis.war_room_fallback, crisis.invited_at) == (
        room,
        False,
        START,
    )
    # Admins, approvers (the group expanded), crisis approvers and role holders.
    assert members(emulator, room) == {BOT, ADMIN, APPROVER, SUPPORT, SALES}
    [invite] = emulator.calls_to("conversations.invite")
    assert sorted(str(invite.args["users"]).split(",")) == sorted([APPROVER, ADMIN, SUPPORT, SALES])
    [briefing] = posted(emulator, room)
    [announce] = posted(emulator, APPROVALS)
    briefing_post, announce_post = all_posts(services)
    assert briefing["metadata"]["event_payload"] == {"post_id": briefing_post.id}
    assert (briefing_post.message_ts, briefing_post.channel_id, briefing_post.attempts) == (
        briefing["ts"],
        room,
        1,
    )
    assert (briefing_post.drawn_version, briefing_post.version) == (1, 1)
    assert announce_post.message_ts == announce["ts"]
    shown = str(briefing["blocks"])
    # What the team wrote shows literally, never pings.
    assert "Checkout is down &lt;!channel&gt;" in shown
    assert "<!channel>" not in shown
    assert f"legal: <@{SALES}>" in shown
    assert "crisis-holding" in shown  # the sample crisis template as a holding statement
    assert shown.count("'action_id': 'crisis_resume'") == 2
    assert "crisis_resume_all" in shown
    assert f"<#{room}>" in str(announce["blocks"])
    assert emulator.violations == []


def test_a_workspace_that_refuses_new_channels_uses_the_escalation_channel_and_says_so(
    services: Services, emulator: SlackEmulator
) -> None:
    emulator.refuse("conversations.create", "restricted_action")
    crisis_id = open_crisis(services)
    assert tick(services, emulator) == 2
    crisis = the_crisis(services, crisis_id)
    assert (crisis.war_room_channel, crisis.war_room_fallback) == (ESCALATIONS, True)
    assert "restricted_action" in (crisis.room_note or "")
    assert emulator.calls_to("conversations.invite") == []  # the team's own channel
    [briefing] = posted(emulator, ESCALATIONS)
    assert f"&lt;#{ESCALATIONS}&gt;" not in str(briefing["blocks"])
    assert f"so <#{ESCALATIONS}> is this crisis's war room" in str(briefing["blocks"])
    assert tick(services, emulator, START + timedelta(minutes=1)) == 0
    assert len(emulator.calls_to("conversations.create")) == 1
    assert emulator.violations == []


def test_without_an_escalation_channel_the_approvals_channel_is_the_war_room(
    emulator: SlackEmulator, database_url: str
) -> None:
    services = build(emulator, database_url, escalation_channel=None)
    try:
        emulator.refuse("conversations.create", "missing_scope")
        crisis_id = open_crisis(services)
        assert tick(services, emulator) == 2
        assert the_crisis(services, crisis_id).war_room_channel == APPROVALS
        assert len(posted(emulator, APPROVALS)) == 2  # briefing and announcement
    finally:
        services.close()


def test_a_war_room_name_already_taken_is_reused_unarchived_and_joined(
    services: Services, emulator: SlackEmulator
) -> None:
    crisis_id = open_crisis(services, kind=CrisisKind.DRILL)
    name = f"drill-2026-11-30-{crisis_id}"
    emulator.add_channel("C0OLDROOM", name=name, members=[ADMIN], is_archived=True)
    assert tick(services, emulator) == 2
    crisis = the_crisis(services, crisis_id)
    assert (crisis.war_room_channel, crisis.war_room_fallback) == ("C0OLDROOM", False)
    assert [c.args["channel"] for c in emulator.calls_to("conversations.unarchive")] == [
        "C0OLDROOM"
    ]
    assert [c.args["channel"] for c in emulator.calls_to("conversations.join")] == ["C0OLDROOM"]
    assert members(emulator, "C0OLDROOM") == {BOT, ADMIN, APPROVER, SUPPORT}
    [briefing] = posted(emulator, "C0OLDROOM")
    assert "DRILL" in briefing["text"]
    assert emulator.violations == []


def test_a_failed_create_is_retried_next_tick_and_makes_one_room(
    services: Services, emulator: SlackEmulator
) -> None:
    emulator.inject("conversations.create", status=200, error="internal_error")
    crisis_id = open_crisis(services)
    assert tick(services, emulator) == 1  # the announcement goes; the briefing waits for a room
    assert the_crisis(services, crisis_id).war_room_channel is None
    [announce] = posted(emulator, APPROVALS)
    assert "The war room is being set up." in str(announce["blocks"])
    # The room is made: the briefing goes in, and the announcement is redrawn to link it.
    assert tick(services, emulator, START + timedelta(minutes=1)) == 2
    assert tick(services, emulator, START + timedelta(minutes=2)) == 0
    [room] = created_rooms(emulator)
    assert the_crisis(services, crisis_id).room_attempts == 2
    assert len(posted(emulator, room)) == 1
    [announce] = posted(emulator, APPROVALS)
    assert f"War room: <#{room}>." in str(announce["blocks"])
    assert [(p.version, p.drawn_version) for p in all_posts(services)] == [(1, 1), (2, 2)]


# -- posts ----------------------------------------------------------------------------------------


def test_a_failed_post_is_retried_next_tick_and_posted_once(
    services: Services, emulator: SlackEmulator
) -> None:
    crisis_id = open_crisis(services)
    emulator.inject("chat.postMessage", status=200, error="internal_error", times=2)
    assert tick(services, emulator) == 0
    posts = all_posts(services)
    assert [(p.posted_at, p.attempts, p.last_error) for p in posts] == [
        (None, 1, "Slack said internal_error")
    ] * 2
    assert tick(services, emulator, START + timedelta(minutes=1)) == 2
    assert tick(services, emulator, START + timedelta(minutes=2)) == 0
    room = the_crisis(services, crisis_id).war_room_channel
    assert room is not None
    assert len(posted(emulator, room)) == 1
    assert len(posted(emulator, APPROVALS)) == 1
    # Each retry first looked for a post of its own that might have landed.
    assert len(emulator.calls_to("conversations.history")) == 2
    assert [p.attempts for p in all_posts(services)] == [2, 2]


class Killed(BaseException):
    """The process dies here (kill -9): nothing after this line of the job runs."""


def test_a_post_that_landed_before_a_crash_is_adopted_not_posted_again(
    services: Services, emulator: SlackEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    crisis_id = open_crisis(services)

    def die(**_: object) -> bool:
        raise Killed

    monkeypatch.setattr(delivery, "mark_posted", die)
    with pytest.raises(Killed):
        tick(services, emulator)
    monkeypatch.undo()
    room = the_crisis(services, crisis_id).war_room_channel
    assert room is not None
    [landed] = posted(emulator, room)
    held = [p for p in all_posts(services) if p.lease_until is not None]
    assert [(p.posted_at, p.lease_until) for p in held] == [(None, START + delivery.POST_LEASE)]
    # The lease holds the post for the dead process a while; then the next tick finds it.
    assert tick(services, emulator, START + timedelta(seconds=30)) == 1  # the other post
    assert tick(services, emulator, START + delivery.POST_LEASE) == 1
    # Adopted; what the dead attempt drew is unknown, so it is redrawn once from a fresh read.
    assert tick(services, emulator, START + timedelta(minutes=5)) == 1
    assert tick(services, emulator, START + timedelta(minutes=6)) == 0
    [post] = [p for p in all_posts(services) if p.id == held[0].id]
    assert post.message_ts == landed["ts"]
    assert post.attempts == 2
    assert len(emulator.calls_to("chat.postMessage")) == 2
    assert [c.args["ts"] for c in emulator.calls_to("chat.update")] == [landed["ts"]]


def test_a_changed_crisis_redraws_its_briefing(services: Services, emulator: SlackEmulator) -> None:
    crisis_id = open_crisis(services)
    assert tick(services, emulator) == 2
    assert emulator.calls_to("chat.update") == []
    with session_scope(services.sessions) as session:
        session.add(
            CrisisRole(
                crisis_id=crisis_id,
                user_id=SALES,
                role="pr",
                assigned_by=ADMIN,
                assigned_at=START,
            )
        )
        redraw_post(session, kind=PostKind.BRIEFING, crisis_id=crisis_id)
    assert tick(services, emulator, START + timedelta(minutes=1)) == 1
    assert tick(services, emulator, START + timedelta(minutes=2)) == 0
    room = the_crisis(services, crisis_id).war_room_channel
    assert room is not None
    [briefing] = posted(emulator, room)
    [redraw] = emulator.calls_to("chat.update")
    assert redraw.args["ts"] == briefing["ts"]
    assert f"pr: <@{SALES}>" in str(briefing["blocks"])
    assert briefing["metadata"]["event_payload"]["post_id"] == all_posts(services)[0].id
    assert [(p.version, p.drawn_version) for p in all_posts(services)] == [(2, 2), (1, 1)]
    assert emulator.violations == []


@pytest.mark.parametrize("error", ["channel_not_found", "is_archived"])
def test_a_channel_slack_refuses_for_good_gives_the_post_up_and_tells_the_admins_once(
    emulator: SlackEmulator, database_url: str, error: str
) -> None:
    if error == "is_archived":
        emulator.add_channel("C0GONE", name="old-approvals", is_archived=True)
    services = build(emulator, database_url, approvals_channel="C0GONE")
    try:
        open_crisis(services)
        with session_scope(services.sessions) as session:
            session.execute(
                update(CrisisPost)
                .values(channel_id="C0GONE")
                .where(col(CrisisPost.kind) == PostKind.ANNOUNCE)
            )
        assert tick(services, emulator) == 1  # the briefing, in the war room
        for minute in range(1, 4):
            assert tick(services, emulator, START + timedelta(minutes=minute)) == 0
        briefing, announce = all_posts(services)
    finally:
        services.close()
    assert (briefing.given_up_at, briefing.posted_at) == (None, START)
    assert (announce.given_up_at, announce.last_error) == (START, f"Slack said {error}")
    [text] = dms_to(emulator, ADMIN)  # once, never again
    assert "I could not post the crisis announce message in <#C0GONE>" in text
    assert emulator.violations == []


def test_a_composer_that_fails_holds_up_only_its_own_post(
    services: Services, emulator: SlackEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    open_crisis(services)

    def broken(*_: object) -> CrisisMessage:
        raise NotImplementedError

    monkeypatch.setattr(crisis_briefing, "compose_announce", broken)
    assert tick(services, emulator) == 1
    briefing, announce = all_posts(services)
    assert briefing.posted_at == START
    assert (announce.posted_at, announce.last_error) == (
        None,
        "composing failed: NotImplementedError()",
    )
    monkeypatch.undo()
    assert tick(services, emulator, START + timedelta(minutes=1)) == 1
    assert len(posted(emulator, APPROVALS)) == 1


# -- status updates -------------------------------------------------------------------------------


def fake_status(
    services: Services, session: object, post: CrisisPost, now: datetime
) -> CrisisMessage:
    text = f"Status at {post.key}"
    return CrisisMessage(text, [{"type": "section", "text": {"type": "mrkdwn", "text": text}}])


def test_a_status_update_is_owed_once_per_slot_and_posted_in_the_war_room(
    services: Services, emulator: SlackEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(crisis_reports, "compose_status", fake_status)
    crisis_id = open_crisis(services)
    every = services.settings.crisis_update_every
    assert tick(services, emulator) == 2
    assert tick(services, emulator, START + every - timedelta(seconds=1)) == 0
    assert tick(services, emulator, START + every) == 1
    assert tick(services, emulator, START + every + timedelta(minutes=1)) == 0
    # The clock was down for two slots: one catch-up status, and the next one in the future.
    late = START + 4 * every + timedelta(minutes=3)
    assert tick(services, emulator, late) == 1
    assert the_crisis(services, crisis_id).next_update_at == START + 5 * every
    updates = [p for p in all_posts(services) if p.kind == PostKind.UPDATE]
    assert [p.key for p in updates] == [
        f"crisis:{crisis_id}:update:{(START + every).isoformat()}",
        f"crisis:{crisis_id}:update:{(START + 2 * every).isoformat()}",
    ]
    room = the_crisis(services, crisis_id).war_room_channel
    assert room is not None
    assert [m["text"] for m in posted(emulator, room)][1:] == [
        f"Status at {p.key}" for p in updates
    ]


def test_an_ended_crisis_owes_no_more_status_updates(
    services: Services, emulator: SlackEmulator
) -> None:
    crisis_id = open_crisis(services)
    with session_scope(services.sessions) as session:
        session.execute(update(Crisis).values(running_key=None, ended_at=START))
    tick(services, emulator, START + timedelta(days=1))
    assert [p.kind for p in all_posts(services)] == [PostKind.BRIEFING, PostKind.ANNOUNCE]
    assert the_crisis(services, crisis_id).war_room_channel is not None  # the post-mortem's room


# -- races ----------------------------------------------------------------------------------------


def test_two_clocks_on_the_same_tick_make_one_room_and_post_each_message_once(
    services: Services, emulator: SlackEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    crisis_id = open_crisis(services)
    other = Services.build(services.settings, clock=lambda: START + timedelta(seconds=40))
    try:
        schedulers = [
            build_scheduler(at(services, START + timedelta(seconds=2)), client_of(emulator)),
            build_scheduler(other, client_of(emulator), owner="clock-b:2"),
        ]
        with caplog.at_level(logging.INFO):
            run_concurrently(schedulers, CRISIS_JOB_ID, per_clock=4)
    finally:
        other.close()
    messages = [record.getMessage() for record in caplog.records]
    assert sum("is another clock's; skipped" in m for m in messages) == 7
    [room] = created_rooms(emulator)
    assert the_crisis(services, crisis_id).war_room_channel == room
    assert len(posted(emulator, room)) == 1
    assert len(posted(emulator, APPROVALS)) == 1


def test_deliveries_racing_without_slot_claims_still_make_one_room_and_one_of_each(
    services: Services, emulator: SlackEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    # deliver_soon from many listeners and two clocks at once: the leases are the only guard.
    monkeypatch.setattr(crisis_reports, "compose_status", fake_status)
    crisis_id = open_crisis(services)
    moment = START + services.settings.crisis_update_every
    other = Services.build(services.settings, clock=lambda: moment)
    try:
        sent = race(
            10,
            lambda i: run_crisis_clock(
                other if i % 2 else at(services, moment), client_of(emulator)
            ),
        )
    finally:
        other.close()
    # Three posts, plus a redraw of the announcement when one racer posted it before another
    # made the room (it is redrawn to link the room): which happens first is the race's choice.
    assert sum(sent) == 3 + len(emulator.calls_to("chat.update"))
    [room] = created_rooms(emulator)
    assert len(emulator.calls_to("conversations.invite")) == 1
    assert [m["text"].split(" ")[0] for m in posted(emulator, room)].count("Status") == 1
    assert len(posted(emulator, room)) == 2
    assert len(posted(emulator, APPROVALS)) == 1
    assert len([p for p in all_posts(services) if p.kind == PostKind.UPDATE]) == 1
    assert the_crisis(services, crisis_id).room_attempts == 1


def test_deliver_soon_never_raises_and_leaves_the_rest_to_the_clock(
    services: Services, emulator: SlackEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    open_crisis(services)

    def store_down(*_: object, **__: object) -> list[int]:
        raise RuntimeError("the store went away")

    monkeypatch.setattr(delivery, "rooms_owed", store_down)
    deliver_soon(services, client_of(emulator))  # logged, not raised
    monkeypatch.undo()
    deliver_soon(services, client_of(emulator))
    assert len(all_posts(services)) == 2
    assert all(p.posted_at == START for p in all_posts(services))


def test_room_names_follow_slacks_rules() -> None:
    crisis = Crisis(
        id=42,
        kind="drill",
        reason="x",
        started_by=ADMIN,
        started_at=datetime(2026, 1, 2, 23, 59, tzinfo=UTC),
        updated_at=START,
    )
    assert room_name(crisis) == "drill-2026-01-02-42"


# -- real clock processes -------------------------------------------------------------------------


def clock_env(emulator: SlackEmulator, database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SOCIALOPS_", "SLACK_"))}
    env.update(
        DATABASE_URL=database_url,
        SLACK_BOT_TOKEN=emulator.bot_token,
        SLACK_API_URL=emulator.api_url,
        SOCIALOPS_MATCHER="offline",
        SOCIALOPS_ADMINS=ADMIN,
        SOCIALOPS_APPROVERS=APPROVER,
        SOCIALOPS_APPROVALS_CHANNEL=APPROVALS,
        SOCIALOPS_ESCALATION_CHANNEL=ESCALATIONS,
    )
    return env


def test_a_clock_killed_mid_post_leaves_one_briefing_after_another_clock_takes_over(
    tmp_path: Path, emulator: SlackEmulator, database_url: str
) -> None:
    services = build(emulator, database_url)
    try:
        crisis_id = open_crisis(services, started_at=datetime.now(UTC))
        with session_scope(services.sessions) as session:  # only the briefing is owed
            session.execute(delete(CrisisPost).where(col(CrisisPost.kind) == PostKind.ANNOUNCE))
        env = clock_env(emulator, database_url)
        # The briefing's post hangs in Slack, then lands: the clock never hears of it.
        emulator.inject("chat.postMessage", status=200, delay=4)
        logs = [tmp_path / "first.log", tmp_path / "second.log"]

        def posting() -> bool:
            return emulator.faults_waiting("chat.postMessage") == 0

        with clock(tmp_path, "first", env) as first:
            wait_until(posting, "the first clock to post the briefing", logs[:1])
            first.send_signal(signal.SIGKILL)  # kill -9: no handler, no cleanup
            first.wait(timeout=30)
        room = the_crisis(services, crisis_id).war_room_channel
        assert room is not None
        wait_until(lambda: len(posted(emulator, room)) == 1, "the hung post to land", logs[:1])
        [post] = all_posts(services)
        assert (post.posted_at, post.attempts) == (None, 1)
        # Time passes: the dead clock's lease and its slot claim run out (moved by hand instead
        # of waiting the real minute each lasts). A second clock process takes over.
        with session_scope(services.sessions) as session:
            session.execute(update(CrisisPost).values(lease_until=datetime.now(UTC)))
            session.execute(delete(JobRun).where(col(JobRun.job_id) == CRISIS_JOB_ID))
        with clock(tmp_path, "second", env) as second:
            wait_until(
                lambda: all_posts(services)[0].posted_at is not None,
                "the second clock to adopt the briefing",
                logs,
            )
            second.send_signal(signal.SIGTERM)
            assert second.wait(timeout=30) == 0
        [briefing] = posted(emulator, room)
        [post] = all_posts(services)
        assert (post.message_ts, post.attempts) == (briefing["ts"], 2)
        assert "was posted by an earlier attempt; adopted" in logs[1].read_text()
        assert len(created_rooms(emulator)) == 1
    finally:
        services.close()


def test_someone_given_a_role_later_is_invited_on_the_next_tick(
    services: Services, emulator: SlackEmulator
) -> None:
    crisis_id = open_crisis(services)
    assert tick(services, emulator) == 2
    assert tick(services, emulator, START + timedelta(minutes=1)) == 0
    room = the_crisis(services, crisis_id).war_room_channel
    assert room is not None
    assert SALES not in members(emulator, room)
    with session_scope(services.sessions) as session:
        session.add(
            CrisisRole(
                crisis_id=crisis_id,
                user_id=SALES,
                role="support",
                assigned_by=ADMIN,
                assigned_at=START + timedelta(minutes=2),
            )
        )
    tick(services, emulator, START + timedelta(minutes=3))
    tick(services, emulator, START + timedelta(minutes=4))
    assert SALES in members(emulator, room)
    invites = emulator.calls_to("conversations.invite")
    assert [str(call.args["users"]) for call in invites][1:] == [SALES]
    assert the_crisis(services, crisis_id).invited_at == START + timedelta(minutes=3)


def test_without_a_crisis_template_the_briefing_warns_and_the_admins_hear_once(
    emulator: SlackEmulator, database_url: str, tmp_path: Path
) -> None:
    source = Path(crisis_briefing.__file__).parent.parent / "content" / "responses"
    (tmp_path / "default-friendly.md.j2").write_text(
        (source / "default-friendly.md.j2").read_text(encoding="utf-8"), encoding="utf-8"
    )
    services = build(emulator, database_url, responses_dir=str(tmp_path))
    try:
        crisis_id = open_crisis(services)
        assert tick(services, emulator) == 2
        with session_scope(services.sessions) as session:
            redraw_post(session, kind=PostKind.BRIEFING, crisis_id=crisis_id)
        assert tick(services, emulator, START + timedelta(minutes=1)) == 1  # the redraw
        room = the_crisis(services, crisis_id).war_room_channel
    finally:
        services.close()
    assert room is not None
    [briefing] = posted(emulator, room)
    assert "No response template is marked `crisis: true`" in str(briefing["blocks"])
    [text] = dms_to(emulator, ADMIN)
    assert f"Crisis #{crisis_id} has no holding statement" in text


def test_with_a_crisis_template_nobody_is_warned(
    services: Services, emulator: SlackEmulator
) -> None:
    open_crisis(services)
    assert tick(services, emulator) == 2
    assert dms_to(emulator, ADMIN) == []


def test_a_fallback_room_the_bot_is_not_in_is_joined_before_posting(
    emulator: SlackEmulator, database_url: str
) -> None:
    services = build(emulator, database_url, escalation_channel="C0LOUNGE")
    try:
        emulator.refuse("conversations.create")
        # Slack refuses a post in a channel the bot is not in (chat:write without .public).
        emulator.inject("chat.postMessage", status=200, error="not_in_channel")
        crisis_id = open_crisis(services)
        assert tick(services, emulator) == 2
        assert the_crisis(services, crisis_id).war_room_channel == "C0LOUNGE"
    finally:
        services.close()
    assert [c.args["channel"] for c in emulator.calls_to("conversations.join")] == ["C0LOUNGE"]
    assert len(posted(emulator, "C0LOUNGE")) == 1
    assert BOT in members(emulator, "C0LOUNGE")


def test_a_post_still_refused_after_joining_is_given_up(
    services: Services, emulator: SlackEmulator
) -> None:
    open_crisis(services)
    emulator.inject("chat.postMessage", status=200, error="not_in_channel", times=2)
    tick(services, emulator)
    briefing, _ = all_posts(services)
    assert (briefing.given_up_at, briefing.last_error) == (START, "Slack said not_in_channel")
    assert len(emulator.calls_to("conversations.join")) == 1
