"""The extra crisis approval driven as Slack drives it: a signed /social draft, signed clicks on
the approval card, every Web API call to the emulator.

The running crisis is a Crisis row with running_key="running", inserted here directly (the
lifecycle's /social crisis start writes it on another branch); ending it is that row's update
plus :func:`lift_crisis_approval`, as the lifecycle's end does.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from sqlalchemy import update
from sqlmodel import col, select

from bot.blocks.approvals import APPROVE_ACTION, PUBLISHED_ACTION
from bot.slack.approval_jobs import repair_cards_and_notices, waiting_on
from bot.slack.client import build_web_client
from bot.store.db import session_scope
from bot.store.models import AuditEntry, Crisis, DraftApproval
from bot.workflows.crisis.kinds import RUNNING, CrisisKind
from bot.workflows.drafts import lift_crisis_approval
from slack_emulator.emulator import SlackEmulator
from tests.commands.test_approvals import (
    JONAS,
    PRIYA,
    buttons,
    click_draft,
    draft_row,
    ephemeral_texts,
    latest_card,
    submitted_draft,
    wait_until,
)
from tests.conftest import APPROVAL_SETTINGS, running_bot
from tests.harness import RunningBot

LEGAL = "U0LEGAL"
LEGAL_GROUP = "S0LEGAL"
CRISIS_BANNER = ":rotating_light: CRISIS MODE — every draft needs one more approval from"


def start_crisis(bot: RunningBot, kind: CrisisKind = CrisisKind.CRISIS) -> int:
    now = bot.services.clock()
    with session_scope(bot.services.sessions) as session:
        crisis = Crisis(
            kind=kind,
            reason="Checkout outage",
            started_by=PRIYA,
            started_at=now,
            running_key=RUNNING,
            updated_at=now,
        )
        session.add(crisis)
        session.flush()
        assert crisis.id is not None
        return crisis.id


def card_text(bot: RunningBot) -> str:
    return json.dumps(latest_card(bot)["blocks"], ensure_ascii=False)


def updates(bot: RunningBot) -> int:
    return len(bot.emulator.calls_to("chat.update"))


@pytest.fixture
def crisis_bot(emulator: SlackEmulator, database_url: str) -> Iterator[RunningBot]:
    """Approvals as usual, and legal (a user group) as the crisis approvers."""
    emulator.add_user(LEGAL, name="lena")
    emulator.add_usergroup(LEGAL_GROUP, handle="legal", members=[LEGAL])
    settings = APPROVAL_SETTINGS | {"crisis_approvers": [LEGAL_GROUP]}
    with running_bot(emulator, database_url, **settings) as bot:
        yield bot


def test_an_approvers_yes_waits_for_a_crisis_approver_during_a_crisis(
    crisis_bot: RunningBot,
) -> None:
    bot = crisis_bot
    crisis_id = start_crisis(bot)
    submitted_draft(bot)
    assert draft_row(bot).crisis_id == crisis_id
    assert CRISIS_BANNER in card_text(bot)
    assert "<!subteam^S0LEGAL>" in card_text(bot)

    click_draft(bot, 1, JONAS)
    wait_until(lambda: updates(bot) >= 1 and "Approvals: 1 of 2" in card_text(bot))
    assert draft_row(bot).state == "pending"
    assert "one must come from <!subteam^S0LEGAL>" in card_text(bot)
    assert APPROVE_ACTION in buttons(latest_card(bot))
    # The reminder names who is still missing: the crisis approvers' group.
    assert waiting_on(bot.services, draft_row(bot)) == [LEGAL_GROUP]

    click_draft(bot, 1, LEGAL)
    wait_until(lambda: draft_row(bot).state == "approved")
    wait_until(lambda: PUBLISHED_ACTION in buttons(latest_card(bot)))
    assert APPROVE_ACTION not in buttons(latest_card(bot))
    with bot.services.sessions() as session:
        given = {(a.approver_id, a.as_crisis_approver) for a in session.exec(select(DraftApproval))}
    assert given == {(JONAS, False), (LEGAL, True)}
    assert bot.emulator.violations == []


def test_a_crisis_approver_is_no_approver_outside_a_crisis(crisis_bot: RunningBot) -> None:
    bot = crisis_bot
    submitted_draft(bot)
    assert CRISIS_BANNER not in card_text(bot)
    click_draft(bot, 1, LEGAL)
    wait_until(lambda: any("not authorized" in t for t in ephemeral_texts(bot)))
    assert draft_row(bot).state == "pending"
    click_draft(bot, 1, JONAS)
    wait_until(lambda: draft_row(bot).state == "approved")


def test_without_crisis_approvers_the_admins_stand_in(approvals_bot: RunningBot) -> None:
    bot = approvals_bot
    start_crisis(bot, CrisisKind.DRILL)
    submitted_draft(bot)
    assert ":performing_arts: DRILL" in card_text(bot)
    assert f"<@{PRIYA}>" in card_text(bot)
    click_draft(bot, 1, JONAS)
    wait_until(lambda: updates(bot) >= 1 and "Approvals: 1 of 2" in card_text(bot))
    assert draft_row(bot).state == "pending"
    click_draft(bot, 1, PRIYA)  # the admin, standing in as the crisis approver
    wait_until(lambda: draft_row(bot).state == "approved")


def test_the_end_lifts_the_requirement_and_the_sweep_redraws_the_card(
    crisis_bot: RunningBot, emulator: SlackEmulator
) -> None:
    bot = crisis_bot
    crisis_id = start_crisis(bot)
    submitted_draft(bot)
    click_draft(bot, 1, JONAS)
    wait_until(lambda: updates(bot) >= 1 and "Approvals: 1 of 2" in card_text(bot))
    now = bot.services.clock()
    with session_scope(bot.services.sessions) as session:
        session.execute(
            update(Crisis)
            .where(col(Crisis.id) == crisis_id)
            .values(running_key=None, ended_at=now, ended_by=PRIYA)
        )
        assert lift_crisis_approval(session, crisis_id, now) == [1]
    assert draft_row(bot).state == "approved"

    client = build_web_client(token=emulator.bot_token, base_url=emulator.api_url)
    redrawn, _ = repair_cards_and_notices(bot.services, client)
    assert redrawn == 1
    assert CRISIS_BANNER not in card_text(bot)
    assert PUBLISHED_ACTION in buttons(latest_card(bot))
    with bot.services.sessions() as session:
        notes = [e.note for e in session.exec(select(AuditEntry)) if e.to_state == "approved"]
    assert notes == ["The crisis ended, so its extra approval was no longer needed."]
