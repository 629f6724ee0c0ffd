"""`/social crisis …` and the Resume buttons driven as Slack drives them: signed requests into the
bot, admins' user groups answered by the emulator, answers read where Slack shows them (the
ack's body, or the click's response_url), and the store checked after each."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import col, select

from bot.blocks.approvals import APPROVE_ACTION
from bot.store.db import session_scope
from bot.store.models import AuditEntry, Crisis, CrisisPost, CrisisRole, Draft
from bot.workflows import drafts
from bot.workflows.drafts import ApprovalPolicy, DraftInput, DraftState
from slack_emulator.emulator import SlackEmulator
from slack_emulator.signed_client import BotResponse
from tests.commands.test_approvals import click as approvals_click
from tests.commands.test_approvals import latest_card, quick_draft, wait_until
from tests.concurrency import race
from tests.conftest import APPROVAL_SETTINGS, running_bot
from tests.harness import RunningBot

ADMIN, JONAS, AUTHOR, LEGAL = "U0ADMIN", "U0APPROVER", "U0AUTHOR", "U0LEGAL"
ADMINS_GROUP = "S0ADMINS"
WAR_ROOM = "C0SOCIAL"


@pytest.fixture
def crisis_bot(emulator: SlackEmulator, database_url: str) -> Iterator[RunningBot]:
    """Admins as a user group (priya in it), approvals in #approvals, jonas approves."""
    emulator.add_usergroup(ADMINS_GROUP, handle="admins", members=[ADMIN])
    emulator.add_user(LEGAL, name="lena", real_name="Lena Legal")
    settings = {**APPROVAL_SETTINGS, "admins": [ADMINS_GROUP]}
    with running_bot(emulator, database_url, **settings) as running:
        yield running


# -- helpers -------------------------------------------------------------------------------------


def crisis(bot: RunningBot, text: str, user: str = ADMIN) -> BotResponse:
    response = bot.slack.slash_command(f"crisis {text}".strip(), user_id=user, channel_id=WAR_ROOM)
    assert response.status == 200, response.body
    return response


def answer(bot: RunningBot, text: str, user: str = ADMIN) -> str:
    """The ephemeral answer the ack carried."""
    body = crisis(bot, text, user).json()
    assert body is not None
    assert body.get("response_type") == "ephemeral", body
    return str(body["text"])


def click(bot: RunningBot, action_id: str, value: str, user: str = ADMIN) -> str:
    """A click on a crisis button; the ephemeral line it got under the message."""
    before = len(bot.emulator.calls_to("response_url"))
    response = bot.slack.click(action_id, value, user_id=user)
    assert response.status == 200, response.body
    call = bot.emulator.wait_for("response_url", count=before + 1)[before]
    assert call.args.get("response_type") == "ephemeral", call.args
    return str(call.args["text"])


def draft_in(bot: RunningBot, state: DraftState, text: str = "Our autumn range") -> int:
    """A post in ``state``, brought there through the drafts' workflow."""
    now = bot.services.clock()
    scheduled = now + timedelta(days=1) if state == DraftState.SCHEDULED else None
    draft = DraftInput(
        kind="post", text=text, networks=("x",), author_id=AUTHOR, scheduled_at=scheduled
    )
    with session_scope(bot.services.sessions) as session:
        row, _ = drafts.create_draft(
            session=session, draft=draft, checks=bot.services.check_policy, now=now
        )
        assert row.id is not None
        draft_id = row.id
    if state != DraftState.PENDING:
        with session_scope(bot.services.sessions) as session:
            outcome = drafts.approve(
                session=session,
                draft_id=draft_id,
                actor_id=JONAS,
                policy=ApprovalPolicy(approvers=frozenset({JONAS})),
                now=now,
            )
            assert outcome.refused is None
    return draft_id


def state_of(bot: RunningBot, draft_id: int) -> str:
    with bot.services.sessions() as session:
        draft = session.get(Draft, draft_id)
        assert draft is not None
        return draft.state


def rows(bot: RunningBot, model: Any) -> list[Any]:
    with bot.services.sessions() as session:
        return list(session.exec(select(model).order_by(col(model.id))))


def crisis_actions(bot: RunningBot) -> list[tuple[str, str, str | None]]:
    with bot.services.sessions() as session:
        entries = session.exec(
            select(AuditEntry)
            .where(AuditEntry.subject_type == "crisis")
            .order_by(col(AuditEntry.id))
        )
        return [(entry.action, entry.actor_id, entry.note) for entry in entries]


def assert_clean(bot: RunningBot) -> None:
    assert bot.emulator.violations == []


# -- start and drill -----------------------------------------------------------------------------


def test_an_admin_starts_a_crisis_that_pauses_posts_and_a_second_start_points_at_it(
    crisis_bot: RunningBot,
) -> None:
    approved = draft_in(crisis_bot, DraftState.APPROVED)
    scheduled = draft_in(crisis_bot, DraftState.SCHEDULED)

    text = answer(crisis_bot, "start Checkout is down for everyone")

    assert text.startswith(":rotating_light: Crisis mode is on: Checkout is down for everyone.")
    assert "Paused 2 posts that were approved or scheduled." in text
    assert [state_of(crisis_bot, d) for d in (approved, scheduled)] == ["paused", "paused"]
    [started] = rows(crisis_bot, Crisis)
    assert (started.kind, started.started_by, started.running_key) == ("crisis", ADMIN, "running")
    assert [(r.user_id, r.role) for r in rows(crisis_bot, CrisisRole)] == [(ADMIN, "lead")]
    # The briefing's channel is the war room, filled in once the room exists (deliver_soon may
    # already have made it after the ack): only the announcement's is fixed at the start.
    owed = rows(crisis_bot, CrisisPost)
    assert [p.kind for p in owed] == ["briefing", "announce"]
    assert owed[1].channel_id == "C0APPROVALS"
    # The admins were a user group: Slack was asked who is in it.
    assert crisis_bot.emulator.calls_to("usergroups.users.list")

    again = answer(crisis_bot, "start Something else")
    assert again.startswith("A crisis is already running since <!date^")
    assert re.search(
        r"— see (its war room, being set up now|<#C\w+>): Checkout is down for everyone", again
    ), again
    assert len(rows(crisis_bot, Crisis)) == 1
    assert_clean(crisis_bot)


def test_a_start_shows_what_people_wrote_literally(crisis_bot: RunningBot) -> None:
    text = answer(crisis_bot, "start <!channel> & {{ 7*7 }}")
    assert "&lt;!channel&gt; &amp; {{ 7*7 }}" in text
    assert "<!channel>" not in text
    assert rows(crisis_bot, Crisis)[0].reason == "<!channel> & {{ 7*7 }}"


def test_a_non_admin_start_is_denied_audited_and_changes_nothing(crisis_bot: RunningBot) -> None:
    approved = draft_in(crisis_bot, DraftState.APPROVED)

    text = answer(crisis_bot, "start Panic", user=JONAS)

    assert text == "Only admins can start a crisis; your attempt was recorded."
    assert rows(crisis_bot, Crisis) == []
    assert state_of(crisis_bot, approved) == "approved"
    assert crisis_actions(crisis_bot) == [("crisis_denied", JONAS, "start a crisis: Panic")]
    assert answer(crisis_bot, "drill Rehearse", user=JONAS) == (
        "Only admins can start a drill; your attempt was recorded."
    )


def test_a_start_without_a_reason_or_with_a_long_one_is_refused(crisis_bot: RunningBot) -> None:
    assert answer(crisis_bot, "start") == "Say why: `/social crisis start <reason>`."
    assert answer(crisis_bot, "drill  ") == (
        "Name the scenario: `/social crisis drill <scenario>`."
    )
    assert answer(crisis_bot, "start " + "x" * 501) == (
        "The reason is 501 characters; keep it to 500. Nothing was changed."
    )
    assert rows(crisis_bot, Crisis) == []


def test_a_drill_pauses_nothing_and_says_so(crisis_bot: RunningBot) -> None:
    approved = draft_in(crisis_bot, DraftState.APPROVED)

    text = answer(crisis_bot, "drill Rehearse a product recall")

    assert text.startswith(":performing_arts: DRILL started: Rehearse a product recall.")
    assert "Nothing is paused" in text
    assert state_of(crisis_bot, approved) == "approved"
    assert rows(crisis_bot, Crisis)[0].kind == "drill"
    again = answer(crisis_bot, "start A real one")
    assert again.startswith("A drill is already running since ")
    # A real crisis during a rehearsal is told the way out of the drill.
    assert again.endswith("End the drill first: `/social crisis end <summary>`.")


def test_an_unknown_verb_gets_the_usage(crisis_bot: RunningBot) -> None:
    text = answer(crisis_bot, "panic now")
    assert text.startswith("`panic` is not a crisis command. Use `/social crisis start <reason>`")


# -- status --------------------------------------------------------------------------------------


def test_status_before_during_and_after_a_crisis(crisis_bot: RunningBot) -> None:
    body = crisis(crisis_bot, "status").json()
    assert body["text"] == "No crisis is running."
    assert "none has run yet" in str(body["blocks"])

    paused = draft_in(crisis_bot, DraftState.APPROVED, "Big <sale> tomorrow")
    answer(crisis_bot, "start Checkout is down")
    answer(crisis_bot, f"role <@{LEGAL}|lena> legal")
    body = crisis(crisis_bot, "status", user=JONAS).json()
    shown = str(body["blocks"])
    assert body["text"] == "A crisis is running."
    assert "*Reason:* Checkout is down" in shown
    assert f"*Roles:* lead <@{ADMIN}>, legal <@{LEGAL}>" in shown
    assert f"#{paused} (approved) Big &lt;sale&gt; tomorrow" in shown

    answer(crisis_bot, "end Payments are back")
    body = crisis(crisis_bot, "status").json()
    shown = str(body["blocks"])
    assert body["text"] == "No crisis is running."
    assert "The last crisis: Checkout is down — ended " in shown
    assert ": Payments are back" in shown
    assert "Paused posts (1)" in shown
    assert_clean(crisis_bot)


# -- end -----------------------------------------------------------------------------------------


def test_end_closes_the_crisis_and_says_what_stays_paused(crisis_bot: RunningBot) -> None:
    assert answer(crisis_bot, "end Nothing to end") == "No crisis is running."
    approved = draft_in(crisis_bot, DraftState.APPROVED)
    answer(crisis_bot, "start Checkout is down")

    assert answer(crisis_bot, "end Over", user=JONAS) == (
        "Only admins can end a crisis; your attempt was recorded."
    )
    assert answer(crisis_bot, "end") == "Say how it ended: `/social crisis end <summary>`."
    text = answer(crisis_bot, "end Payments are back")

    assert text.startswith("Crisis mode is over after 0 min. The post-mortem goes to the war room.")
    assert "1 post stay paused until resumed" in text
    [ended] = rows(crisis_bot, Crisis)
    assert (ended.running_key, ended.ended_by, ended.summary) == (None, ADMIN, "Payments are back")
    assert state_of(crisis_bot, approved) == "paused"
    assert [p.kind for p in rows(crisis_bot, CrisisPost)] == [
        "briefing",
        "announce",
        "postmortem",
        "end",
    ]
    assert [action for action, _, _ in crisis_actions(crisis_bot)] == [
        "crisis_start",
        "crisis_denied",
        "crisis_end",
    ]
    assert answer(crisis_bot, "end Again") == "No crisis is running."


# -- roles ---------------------------------------------------------------------------------------


def test_roles_are_given_by_the_admin_or_the_lead_only(crisis_bot: RunningBot) -> None:
    assert answer(crisis_bot, f"role <@{LEGAL}> legal") == "No crisis is running."
    answer(crisis_bot, "start Checkout is down")

    assert answer(crisis_bot, f"role <@{LEGAL}|lena> legal") == (
        f"<@{LEGAL}> is now *legal* in this crisis; the briefing shows it."
    )
    assert answer(crisis_bot, f"role <@{JONAS}> pr", user=LEGAL) == (
        "Only admins and the crisis lead can give crisis roles; your attempt was recorded."
    )
    assert answer(crisis_bot, f"role <@{LEGAL}> lead") == (
        f"<@{LEGAL}> is now *lead* in this crisis (was legal); the briefing shows it."
    )
    assert answer(crisis_bot, f"role <@{JONAS}> pr", user=LEGAL).startswith(f"<@{JONAS}> is now")
    assert [(r.user_id, r.role) for r in rows(crisis_bot, CrisisRole)] == [
        (ADMIN, "lead"),
        (LEGAL, "lead"),
        (JONAS, "pr"),
    ]
    for bad in ("role legal", f"role <@{LEGAL}> boss", "role @lena legal", "role"):
        assert answer(crisis_bot, bad).startswith("Usage: `/social crisis role @user lead|legal|pr")
    assert_clean(crisis_bot)


# -- resuming ------------------------------------------------------------------------------------


def test_resume_all_from_the_command(crisis_bot: RunningBot) -> None:
    first = draft_in(crisis_bot, DraftState.APPROVED, "First")
    second = draft_in(crisis_bot, DraftState.SCHEDULED, "Second")
    answer(crisis_bot, "start Checkout is down")
    answer(crisis_bot, "end Fixed")

    assert answer(crisis_bot, "resume all", user=JONAS) == (
        "Only admins and the crisis lead can resume paused posts; your attempt was recorded."
    )
    assert answer(crisis_bot, "resume 12").startswith("Usage: `/social crisis resume all`.")
    assert answer(crisis_bot, "resume all") == (
        "Resumed 2 posts: each is back where it was before the pause."
    )
    assert [state_of(crisis_bot, d) for d in (first, second)] == ["approved", "scheduled"]
    assert answer(crisis_bot, "resume all") == "No paused posts were left to resume."


def test_the_resume_button_resumes_one_post_once(crisis_bot: RunningBot) -> None:
    kept = draft_in(crisis_bot, DraftState.APPROVED, "Kept")
    resumed = draft_in(crisis_bot, DraftState.SCHEDULED, "Resumed")
    answer(crisis_bot, "start Checkout is down")

    assert click(crisis_bot, "crisis_resume", str(resumed), user=JONAS) == (
        "Only admins and the crisis lead can resume paused posts; your attempt was recorded."
    )
    assert state_of(crisis_bot, resumed) == "paused"
    assert click(crisis_bot, "crisis_resume", str(resumed)) == (
        f"Resumed post #{resumed}: it is back where it was before the pause."
    )
    assert state_of(crisis_bot, resumed) == "scheduled"
    assert state_of(crisis_bot, kept) == "paused"
    assert click(crisis_bot, "crisis_resume", str(resumed)) == (
        "That post is not paused any more (it is scheduled)."
    )
    assert click(crisis_bot, "crisis_resume", "not-an-id") == (
        "That button is damaged or from an old card; nothing happened."
    )
    assert click(crisis_bot, "crisis_resume", "999999") == "That post or crisis no longer exists."
    assert_clean(crisis_bot)


def test_the_resume_all_button_resumes_what_its_crisis_paused(crisis_bot: RunningBot) -> None:
    ids = [draft_in(crisis_bot, DraftState.APPROVED, f"Post {i}") for i in range(3)]
    answer(crisis_bot, "start Checkout is down")
    answer(crisis_bot, "end Fixed")
    [ended] = rows(crisis_bot, Crisis)

    assert click(crisis_bot, "crisis_resume_all", str(ended.id)) == (
        "Resumed 3 posts: each is back where it was before the pause."
    )
    wait_until(lambda: all(state_of(crisis_bot, d) == "approved" for d in ids))
    with crisis_bot.services.sessions() as session:
        resumes = session.exec(
            select(AuditEntry).where(AuditEntry.action == "resume", AuditEntry.actor_id == ADMIN)
        ).all()
    assert sorted(int(entry.subject_id) for entry in resumes) == ids
    assert click(crisis_bot, "crisis_resume_all", str(ended.id)) == (
        "No paused posts were left to resume."
    )
    assert_clean(crisis_bot)


def test_with_no_admins_configured_the_start_says_why(
    emulator: SlackEmulator, database_url: str
) -> None:
    settings = {**APPROVAL_SETTINGS, "admins": []}
    with running_bot(emulator, database_url, **settings) as bot:
        assert answer(bot, "start Outage") == (
            "No admins are configured (SOCIALOPS_ADMINS), so nobody can start a crisis."
        )
        assert answer(bot, "end Over") == (
            "No admins are configured (SOCIALOPS_ADMINS), so nobody can end a crisis."
        )
        assert rows(bot, Crisis) == []


def test_a_stranger_is_denied_before_their_text_is_read(crisis_bot: RunningBot) -> None:
    assert answer(crisis_bot, "start", user=JONAS) == (
        "Only admins can start a crisis; your attempt was recorded."
    )
    assert [action for action, _, _ in crisis_actions(crisis_bot)] == ["crisis_denied"]


def test_ten_admins_clicking_start_at_once_make_one_crisis(crisis_bot: RunningBot) -> None:
    """Ten signed `/social crisis start` requests in flight together, as two admins and a few
    double clicks would send them: one starts it, the other nine are pointed at it."""
    approved = draft_in(crisis_bot, DraftState.APPROVED)

    texts = race(10, lambda i: answer(crisis_bot, f"start Outage {i}"))

    assert sum(text.startswith(":rotating_light: Crisis mode is on") for text in texts) == 1
    assert sum(text.startswith("A crisis is already running since") for text in texts) == 9
    assert len(rows(crisis_bot, Crisis)) == 1
    assert state_of(crisis_bot, approved) == "paused"
    assert [p.kind for p in rows(crisis_bot, CrisisPost)] == ["briefing", "announce"]
    assert_clean(crisis_bot)


def test_the_cards_of_paused_posts_are_redrawn_right_after_the_start(
    crisis_bot: RunningBot,
) -> None:
    # Found in the demo: the start paused the post, but its card went on saying "Approved"
    # until the clock's sweep, minutes later; a teammate could still read it as good to go.
    assert quick_draft(crisis_bot, "Our autumn range").status == 200
    wait_until(lambda: crisis_bot.emulator.calls_to("chat.postMessage"), timeout=30)
    assert approvals_click(crisis_bot, APPROVE_ACTION, JONAS).status == 200
    wait_until(lambda: "Approved" in json.dumps(latest_card(crisis_bot)), timeout=30)

    answer(crisis_bot, "start Checkout is down")

    def the_card() -> str:  # the first message in #approvals; the announcement comes after it
        return json.dumps(crisis_bot.emulator.messages_in("C0APPROVALS")[0])

    wait_until(lambda: "Paused for a crisis" in the_card(), timeout=30)
    assert_clean(crisis_bot)
