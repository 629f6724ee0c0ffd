"""The handoff packet and its notices: what the team reads, safe and within Slack's limits."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.blocks.handoff_buttons import (
    BOUNCE_ACTION,
    CLAIM_ACTION,
    REASSIGN_ACTION,
    RESOLVE_ACTION,
)
from bot.blocks.handoff_modals import build_bounce_modal, build_resolve_modal
from bot.blocks.handoffs import (
    bounced_notice,
    build_packet,
    claimed_notice,
    reassigned_notice,
    resolved_notice,
)
from bot.store.models import Handoff
from slack_emulator.block_limits import check_message, check_view

START = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
HOSTILE = "Hi <!channel> {{ 7*7 }} & <@U0BOSS> <https://evil.example|click> *bold*"


def handoff(**changes: Any) -> Handoff:
    values: dict[str, Any] = {
        "id": 7,
        "team": "support",
        "state": "open",
        "version": 1,
        "priority": "urgent",
        "summary": "Refund for a broken mug",
        "customer_text": "My mug arrived broken and nobody answers!",
        "customer_handle": "@mug_fan",
        "network": "x",
        "source_channel": "C0SOCIAL",
        "source_ts": "1700000000.000100",
        "source_link": "https://example.slack.com/archives/C0SOCIAL/p1700000000000100",
        "faq_id": "orders-broken-item",
        "route_reason": "matched 'broken'",
        "mood": "upset",
        "mood_words": "broken, nobody answers",
        "requested_by": "U0MARIA",
        "claim_due_at": START + timedelta(hours=1),
        "remind_at": START + timedelta(minutes=45),
        "created_at": START,
        "updated_at": START,
    }
    values.update(changes)
    return Handoff(**values)


def rendered(message: dict[str, Any]) -> str:
    return json.dumps(message["blocks"], ensure_ascii=False)


def action_ids(message: dict[str, Any]) -> list[str]:
    return [
        element["action_id"]
        for block in message["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
    ]


def test_the_packet_has_everything_the_team_needs() -> None:
    packet = build_packet(handoff())
    text = rendered(packet)
    for expected in (
        "Handoff #7 to Support",
        "@mug_fan",
        " on X",
        "My mug arrived broken and nobody answers!",
        "<https://example.slack.com/archives/C0SOCIAL/p1700000000000100|",
        "<@U0MARIA>",
        "Refund for a broken mug",
        "Urgent",
        "upset",
        "broken, nobody answers",
        "orders-broken-item",
        "matched 'broken'",
        "Open",
        f"<!date^{int((START + timedelta(hours=1)).timestamp())}^",
    ):
        assert expected in text, expected
    assert check_message(packet) == []


def test_hostile_text_shows_literally_everywhere_a_person_typed() -> None:
    packet = build_packet(
        handoff(
            customer_text=HOSTILE,
            summary=HOSTILE,
            customer_handle=HOSTILE,
            faq_id=HOSTILE,
            route_reason=HOSTILE,
            mood_words=HOSTILE,
            source_link="javascript:alert(1)|<!here>",
            state="resolved",
            owner_id="U0JONAS",
            closed_by="U0JONAS",
            closed_at=START,
            close_note=HOSTILE,
        )
    )
    text = rendered(packet) + packet["text"]
    assert "<!channel>" not in text
    assert "<!here>" not in text
    assert "<@U0BOSS>" not in text
    assert "<https://evil.example" not in text
    assert "&lt;!channel&gt;" in text
    assert "{{ 7*7 }}" in text
    assert "49" not in text
    assert "<javascript" not in text
    assert check_message(packet) == []


def test_long_text_stays_within_slack_limits() -> None:
    huge = "&<" * 4000  # escaping makes each character 4 or 5
    packet = build_packet(
        handoff(
            customer_text=huge,
            summary=huge,
            route_reason="x" * 256,
            mood_words="y" * 512,
            customer_handle="z" * 128,
            state="bounced",
            closed_by="U0JONAS",
            closed_at=START,
            close_note=huge,
        )
    )
    assert check_message(packet) == []
    assert len(packet["blocks"]) <= 50
    for block in packet["blocks"]:
        if block["type"] == "section":
            assert len(block["text"]["text"]) <= 3000
    assert "&am…" not in rendered(packet)


@pytest.mark.parametrize(
    ("state", "owner", "expected"),
    [
        ("open", None, [CLAIM_ACTION, REASSIGN_ACTION, RESOLVE_ACTION, BOUNCE_ACTION]),
        ("claimed", "U0JONAS", [REASSIGN_ACTION, RESOLVE_ACTION, BOUNCE_ACTION]),
        ("resolved", "U0JONAS", []),
        ("bounced", None, []),
    ],
)
def test_buttons_follow_the_state(state: str, owner: str | None, expected: list[str]) -> None:
    closed = (
        {"closed_by": "U0JONAS", "closed_at": START} if state in ("resolved", "bounced") else {}
    )
    packet = build_packet(handoff(state=state, owner_id=owner, **closed))
    assert action_ids(packet) == expected
    assert check_message(packet) == []


def test_the_packet_says_who_owns_it_and_who_closed_it() -> None:
    claimed = rendered(build_packet(handoff(state="claimed", owner_id="U0JONAS")))
    assert "Claimed* by <@U0JONAS>" in claimed
    resolved = rendered(
        build_packet(
            handoff(state="resolved", closed_by="U0JONAS", closed_at=START, close_note="Refunded")
        )
    )
    assert "Resolved* by <@U0JONAS>" in resolved
    assert "Refunded" in resolved


def test_notices_name_the_requester_and_escape_the_note() -> None:
    claimed = handoff(state="claimed", owner_id="U0JONAS")
    assert claimed_notice(claimed, "U0JONAS").startswith("<@U0MARIA>: <@U0JONAS> claimed")
    moved = reassigned_notice(claimed, "U0PRIYA", "U0LENA")
    assert "from <@U0LENA> to <@U0JONAS>" in moved
    done = resolved_notice(handoff(state="resolved", close_note=HOSTILE), "U0JONAS")
    assert "<!channel>" not in done
    assert "&lt;!channel&gt;" in done
    back = bounced_notice(handoff(state="bounced", close_note="Not a support case"), "U0JONAS")
    assert "Not a support case" in back
    assert "back to the social team" in back


def test_the_modals_are_valid_views() -> None:
    for build in (build_resolve_modal, build_bounce_modal):
        view = build(handoff(), {"channel": "C0SUPPORT"})
        assert check_view(view, expected_type="modal") == []
        assert json.loads(view["private_metadata"])["handoff_id"] == 7
