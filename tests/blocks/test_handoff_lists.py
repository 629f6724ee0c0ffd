"""The `/social handoffs` builder: Slack's 50 blocks, "and N more" with the next command, the
summary shown as the words people wrote, and the packet's buttons on every live row."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.blocks.handoff_buttons import BOUNCE_ACTION, CLAIM_ACTION, RESOLVE_ACTION
from bot.blocks.handoff_lists import (
    MESSAGE_BLOCKS,
    HandoffList,
    build_handoff_lists,
    build_unknown_scope,
)
from bot.store.models import Handoff

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def handoff(handoff_id: int, **changes: object) -> Handoff:
    values: dict[str, Any] = {
        "id": handoff_id,
        "team": "support",
        "state": "open",
        "priority": "normal",
        "summary": f"Case {handoff_id}",
        "customer_text": "my mug is cracked",
        "route_reason": "matched 'cracked'",
        "mood": "neutral",
        "requested_by": "U0SOCIAL",
        "claim_due_at": NOW,
        "remind_at": NOW,
        "created_at": NOW - timedelta(hours=3),
        "updated_at": NOW,
    }
    values.update(changes)
    return Handoff(**values)


def listing(title: str, count: int, total: int, first_id: int = 1000) -> HandoffList:
    rows = [handoff(first_id - n) for n in range(count)]
    return HandoffList(
        title=title, rows=rows, total=total, empty="none.", next_command="/social handoffs open"
    )


def texts(message: dict[str, Any]) -> str:
    return json.dumps(message["blocks"], ensure_ascii=False)


def test_a_long_list_stops_at_fifty_blocks_and_says_how_many_more() -> None:
    message = build_handoff_lists([listing("Waiting for a claim", 40, 300)], now=NOW)
    blocks = message["blocks"]
    assert len(blocks) <= MESSAGE_BLOCKS
    shown = [b for b in blocks if b["type"] == "actions"]
    last = blocks[-1]
    assert last["type"] == "context"
    more = 300 - len(shown)
    oldest_shown = 1000 - len(shown) + 1
    assert f"and {more} more" in last["elements"][0]["text"]
    assert f"/social handoffs open before {oldest_shown}" in last["elements"][0]["text"]


def test_two_lists_share_the_fifty_blocks_and_each_says_what_is_left() -> None:
    message = build_handoff_lists(
        [listing("Claimed by you", 30, 30, 500), listing("Waiting for a claim", 30, 45)], now=NOW
    )
    blocks = message["blocks"]
    assert len(blocks) <= MESSAGE_BLOCKS
    body = texts(message)
    assert "*Claimed by you* (30)" in body
    assert "*Waiting for a claim* (45)" in body
    mores = [b["elements"][0]["text"] for b in blocks if b["type"] == "context"]
    assert len(mores) == 2
    assert all("more" in text for text in mores)


def test_a_list_that_fits_has_no_more_line() -> None:
    message = build_handoff_lists([listing("Waiting for a claim", 3, 3)], now=NOW)
    assert [b["type"] for b in message["blocks"]] == ["section"] + ["section", "actions"] * 3
    assert "more" not in texts(message)


def test_what_the_customer_and_teammate_wrote_stays_literal() -> None:
    hostile = handoff(7, summary="<!channel> refund & <@U0BOSS> <https://evil.example|click>")
    message = build_handoff_lists(
        [HandoffList("Open", [hostile], 1, "none.", "/social handoffs open")], now=NOW
    )
    row = message["blocks"][1]["text"]["text"]
    assert "&lt;!channel&gt; refund &amp; &lt;@U0BOSS&gt; &lt;https://evil.example|click&gt;" in row
    assert "<!channel>" not in texts(message)


def test_each_row_says_team_priority_state_owner_and_age_with_its_buttons() -> None:
    waiting = handoff(9, team="sales", priority="urgent", customer_handle="@bulkbuyer")
    mine = handoff(8, state="claimed", owner_id="U0ANA", priority="high")
    message = build_handoff_lists(
        [HandoffList("Mixed", [waiting, mine], 2, "none.", "/social handoffs open")], now=NOW
    )
    _, open_row, open_buttons, claimed_row, claimed_buttons = message["blocks"]
    assert open_row["text"]["text"].startswith(
        "*#9* sales · :rotating_light: urgent · open · unclaimed · 3h old · @bulkbuyer"
    )
    assert claimed_row["text"]["text"].startswith(
        "*#8* support · :arrow_up: high · claimed · <@U0ANA>"
    )
    open_ids = {e["action_id"]: e.get("value") for e in open_buttons["elements"]}
    claimed_ids = {e["action_id"] for e in claimed_buttons["elements"]}
    assert open_ids[CLAIM_ACTION] == "9"
    assert CLAIM_ACTION not in claimed_ids
    assert {RESOLVE_ACTION, BOUNCE_ACTION} <= claimed_ids
    # Block ids carry the handoff (the Reassign select has no value of its own) and are unique.
    assert open_buttons["block_id"] != claimed_buttons["block_id"]


def test_an_empty_list_says_so() -> None:
    message = build_handoff_lists(
        [HandoffList("Claimed by you", [], 0, "none yet.", "/social handoffs mine")], now=NOW
    )
    assert message["blocks"] == [
        {"type": "section", "text": {"type": "mrkdwn", "text": "*Claimed by you*: none yet."}}
    ]


def test_an_unknown_scope_names_the_valid_ones_escaped() -> None:
    text = build_unknown_scope("<!here>", ("mine", "open", "support", "sales"))
    assert "&lt;!here&gt;" in text
    assert "`mine`, `open`, `support`, `sales`" in text
