"""`/social handoffs` driven as Slack drives it: the lists, their paging, an unknown scope, help."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from bot.store.db import session_scope
from bot.workflows.handoffs import create, decide
from bot.workflows.handoffs.create import HandoffRequest
from bot.workflows.handoffs.sla import TeamSla
from tests.harness import RunningBot

ANA, BEN = "U0ANA", "U0BEN"


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
    return [b["block_id"] for b in message.get("blocks", []) if b["type"] == "actions"]


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
