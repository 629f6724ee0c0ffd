"""`/social handoffs` driven as Slack drives it: the lists, their paging, an unknown scope, help."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from bot.blocks.handoff_buttons import CLAIM_ACTION, REASSIGN_ACTION
from bot.slack.client import build_web_client
from bot.slack.handoff_packets import post_packet
from bot.store.db import session_scope
from bot.store.models import Handoff
from bot.workflows.handoffs import create, decide
from bot.workflows.handoffs.create import HandoffRequest
from bot.workflows.handoffs.sla import TeamSla
from slack_emulator.emulator import SlackEmulator
from slack_emulator.payloads import new_ts
from tests.commands.test_approvals import wait_until
from tests.conftest import running_bot
from tests.harness import RunningBot

ANA, BEN = "U0ANA", "U0BEN"
SUPPORT = "C0SUPPORT"


def start(bot: RunningBot, n: int, **changes: Any) -> int:
    values: dict[str, Any] = {
        "team": "support",
        "route_reason": "matched 'refund'",
        "requested_by": BEN,
        "summary": f"case {n}",
        "customer_text": f"customer message {n}",
        "source_channel": "C0SOCIAL",
        "source_ts": f"1700000000.{n:06d}",
    }
    values.update(changes)
    with session_scope(bot.services.sessions) as session:
        started = create.start_handoff(
            session=session,
            request=HandoffRequest(**values),
            sla=TeamSla(claim=timedelta(hours=1)),
            now=bot.services.clock(),
        )
        assert started.handoff.id is not None
        return started.handoff.id


def claim(bot: RunningBot, handoff_id: int, user: str) -> None:
    with session_scope(bot.services.sessions) as session:
        outcome = decide.claim(
            session=session, handoff_id=handoff_id, actor_id=user, now=bot.services.clock()
        )
    assert outcome.refused is None


def listed(bot: RunningBot, text: str, user: str = ANA, count: int = 1) -> dict[str, Any]:
    assert bot.slack.slash_command(text, user_id=user).status == 200
    return dict(bot.emulator.wait_for("response_url", count=count)[count - 1].args)


def row_ids(message: dict[str, Any]) -> list[str]:
    """The rows' handoffs, as ``handoff:<id>`` (the block id's start, as everywhere)."""
    return [
        b["block_id"].split(":list:")[0]
        for b in message.get("blocks", [])
        if b["type"] == "actions"
    ]


def test_without_a_scope_it_shows_mine_then_the_unclaimed_ones(bot: RunningBot) -> None:
    first, second, third = start(bot, 1), start(bot, 2, team="sales"), start(bot, 3)
    claim(bot, first, ANA)
    claim(bot, third, BEN)
    message = listed(bot, "handoffs")
    assert message["response_type"] == "ephemeral"
    body = json.dumps(message["blocks"])
    assert body.index("Claimed by you") < body.index("Waiting for a claim")
    assert row_ids(message) == [f"handoff:{first}", f"handoff:{second}"]
    assert bot.emulator.violations == []


def test_a_team_list_is_newest_first_and_pages_on_with_before(bot: RunningBot) -> None:
    ids = [start(bot, n) for n in range(25)]
    start(bot, 99, team="sales")
    message = listed(bot, "handoffs support")
    assert row_ids(message) == [f"handoff:{i}" for i in reversed(ids[-20:])]
    more = message["blocks"][-1]["elements"][0]["text"]
    assert f"and 5 more: `/social handoffs support before {ids[5]}`" in more
    older = listed(bot, f"handoffs support before {ids[5]}", count=2)
    assert row_ids(older) == [f"handoff:{i}" for i in reversed(ids[:5])]
    assert "more" not in json.dumps(older["blocks"])
    assert len(message["blocks"]) <= 50
    assert bot.emulator.violations == []


def test_an_unknown_scope_names_the_valid_ones(bot: RunningBot) -> None:
    response = bot.slack.slash_command("handoffs everything", user_id=ANA)
    assert response.status == 200
    answer = response.json()
    assert answer["response_type"] == "ephemeral"
    assert "`mine`, `open`, `support`, `sales`" in answer["text"]
    assert bot.emulator.calls_to("response_url") == []


def test_help_lists_handoffs(bot: RunningBot) -> None:
    answer = bot.slack.slash_command("help", user_id=ANA).json()
    assert "/social handoffs [mine|open|support|sales]" in json.dumps(answer)


def test_claim_in_a_list_claims_it_and_redraws_that_list(
    emulator: SlackEmulator, database_url: str
) -> None:
    emulator.add_channel(SUPPORT, name="support")
    with running_bot(emulator, database_url, support_channel=SUPPORT) as bot:
        first, second = start(bot, 1), start(bot, 2)
        client = build_web_client(token=emulator.bot_token, base_url=emulator.api_url)
        for handoff_id in (first, second):
            assert post_packet(client, bot.services, handoff_id)
        message = listed(bot, "handoffs open")
        row = next(
            b
            for b in message["blocks"]
            if b["type"] == "actions" and b["block_id"].startswith(f"handoff:{first}:")
        )
        claim_button = next(e for e in row["elements"] if e["action_id"] == CLAIM_ACTION)
        response = bot.slack.click(
            CLAIM_ACTION,
            claim_button["value"],
            block_id=row["block_id"],
            user_id=ANA,
            container={
                "type": "message",
                "is_ephemeral": True,
                "channel_id": "C0SOCIAL",
                "message_ts": "1700000001.000100",
            },
            response_url=bot.emulator.new_response_url(),
        )
        assert response.status == 200
        with session_scope(bot.services.sessions) as session:
            claimed = session.get(Handoff, first)
            assert claimed is not None
            assert (claimed.state, claimed.owner_id) == ("claimed", ANA)
        # The list is drawn again, as it is now: only the other one still waits for a claim.
        redrawn = dict(bot.emulator.wait_for("response_url", count=2)[1].args)
        assert redrawn["replace_original"] is True
        assert row_ids(redrawn) == [f"handoff:{second}"]
        # And the packet shows its owner.
        wait_until(
            lambda: any(
                c.args.get("channel") == SUPPORT for c in bot.emulator.calls_to("chat.update")
            )
        )
        assert bot.emulator.violations == []


def test_reassign_in_a_list_reads_the_handoff_from_the_rows_block_id(bot: RunningBot) -> None:
    handoff_id = start(bot, 1)
    message = listed(bot, "handoffs support")
    (row,) = [b for b in message["blocks"] if b["type"] == "actions"]
    action = {
        "type": "users_select",
        "action_id": REASSIGN_ACTION,
        "block_id": row["block_id"],
        "selected_user": BEN,
        "action_ts": new_ts(),
    }
    response = bot.slack.block_actions(
        actions=[action],
        user_id=ANA,
        container={"type": "message", "is_ephemeral": True, "channel_id": "C0SOCIAL"},
        response_url=bot.emulator.new_response_url(),
    )
    assert response.status == 200
    with session_scope(bot.services.sessions) as session:
        moved = session.get(Handoff, handoff_id)
        assert moved is not None
        assert (moved.state, moved.owner_id) == ("claimed", BEN)
