"""The SLA clock's texts: what each says, and that a teammate's words in them ping nobody."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.blocks.handoff_notices import (
    SUMMARY_CHARS,
    claim_breach_text,
    owner_resolve_breach_dm,
    packet_link,
    reminder_text,
    resolve_breach_text,
    time_left,
)
from bot.store.models import Handoff

DUE = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)


def handoff(**changes: Any) -> Handoff:
    values: dict[str, Any] = {
        "id": 7,
        "team": "sales",
        "state": "open",
        "priority": "high",
        "summary": "Wants 500 mugs <@U0BOSS> <!here>",
        "customer_text": "bulk order?",
        "route_reason": "matched 'bulk'",
        "mood": "neutral",
        "requested_by": "U0SOCIAL",
        "packet_channel": "C0SALES",
        "packet_ts": "1700000000.000100",
        "claim_due_at": DUE,
        "remind_at": DUE - timedelta(hours=1),
        "resolve_due_at": DUE + timedelta(days=1),
        "created_at": DUE - timedelta(hours=4),
        "updated_at": DUE - timedelta(hours=4),
    }
    values.update(changes)
    return Handoff(**values)


@pytest.mark.parametrize(
    ("left", "shown"),
    [
        (timedelta(minutes=15), "15 min"),
        (timedelta(minutes=14, seconds=59), "14 min"),
        (timedelta(hours=1), "1 h"),
        (timedelta(hours=2, minutes=30), "2 h 30 min"),
        (timedelta(seconds=-5), "0 min"),
    ],
)
def test_time_left_is_rounded_down_to_the_minute(left: timedelta, shown: str) -> None:
    assert time_left(left) == shown


def test_the_packet_link_is_built_from_where_it_was_posted() -> None:
    assert packet_link(handoff()) == "https://slack.com/archives/C0SALES/p1700000000000100"
    assert packet_link(handoff(packet_ts=None)) is None


def test_the_reminder_says_how_long_is_left_and_mentions_nobody() -> None:
    text = reminder_text(handoff(), DUE - timedelta(hours=1))
    assert text.startswith(
        ":hourglass_flowing_sand: Handoff #7 to sales is still unclaimed — 1 h left to claim "
        f"(due <!date^{int(DUE.timestamp())}^"
    )
    assert "2026-11-30 10:00 UTC>)." in text
    assert "<@" not in text
    assert "<!here" not in text
    assert "<!channel" not in text


def test_the_claim_breach_has_team_priority_summary_link_and_nobody_on_it() -> None:
    text = claim_breach_text(handoff())
    assert "Handoff #7 to sales breached its time to claim" in text
    assert "High priority: Wants 500 mugs &lt;@U0BOSS&gt; &lt;!here&gt;" in text
    assert "<https://slack.com/archives/C0SALES/p1700000000000100|Open the packet>" in text
    assert "Nobody has claimed it." in text
    unposted = claim_breach_text(handoff(packet_channel=None, packet_ts=None))
    assert "The packet is not posted yet." in unposted


def test_the_resolve_breach_names_the_owner_and_their_dm_says_what_to_do() -> None:
    owned = handoff(state="claimed", owner_id="U0ANA")
    assert "breached its time to resolve" in resolve_breach_text(owned)
    assert "<@U0ANA> is on it." in resolve_breach_text(owned)
    dm = owner_resolve_breach_dm(owned)
    assert "Handoff #7 to sales, which you own, is past its time to resolve" in dm
    assert "Resolve it, or reassign it" in dm
    assert "&lt;!here&gt;" in dm


def test_a_long_summary_is_cut_before_escaping() -> None:
    text = claim_breach_text(handoff(summary="&" * (SUMMARY_CHARS * 2)))
    quoted = text.split("High priority: ")[1].split("\n")[0]
    assert quoted == "&amp;" * (SUMMARY_CHARS - 1) + "…"
