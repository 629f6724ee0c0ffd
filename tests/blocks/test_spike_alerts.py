"""The spike alert's blocks: figures, at most three escaped examples, the Start button."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from bot.blocks.spike_alerts import (
    START_FROM_SPIKE_ACTION,
    SpikeAlert,
    build_spike_alert,
    headline,
)

AT = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def alert(**changes: object) -> SpikeAlert:
    values: dict[str, object] = {
        "spike_id": 4,
        "detected_at": AT,
        "messages": 20,
        "negative": 15,
        "baseline_messages": 400,
        "baseline_negative": 20,
    }
    values.update(changes)
    return SpikeAlert(**values)  # type: ignore[arg-type]


def examples_of(blocks: list[dict[str, object]]) -> list[str]:
    for block in blocks:
        text = json.dumps(block)
        if "Examples" in text:
            return str(block["text"]["text"]).splitlines()[1:]  # type: ignore[index]
    return []


def test_the_figures_against_the_week() -> None:
    blocks = build_spike_alert(alert())
    shown = json.dumps(blocks)
    assert "*15 of 20* customer messages in the last hour were upset (*75%*)" in shown
    assert "against 5% over the previous 7 days (20 of 400)" in shown
    assert headline(alert()) == (
        "Negative spike: 15 of 20 customer messages in the last hour were upset (75%)"
    )


def test_at_most_three_examples_each_on_one_escaped_quoted_line() -> None:
    many = [f"line one\nline <@U0BOSS> two {n}" for n in range(5)] + ["   "]
    lines = examples_of(build_spike_alert(alert(examples=many)))
    assert lines == [f">line one line &lt;@U0BOSS&gt; two {n}" for n in range(3)]


def test_no_examples_no_examples_section() -> None:
    assert examples_of(build_spike_alert(alert(examples=["", " "]))) == []


def test_the_button_carries_the_spike_and_asks_first() -> None:
    [actions] = [b for b in build_spike_alert(alert()) if b["type"] == "actions"]
    [start] = actions["elements"]
    assert (start["action_id"], start["value"]) == (START_FROM_SPIKE_ACTION, "4")
    assert start["confirm"]["title"]["text"] == "Start crisis mode?"


def test_a_started_crisis_replaces_the_button() -> None:
    blocks = build_spike_alert(alert(crisis_id=9))
    assert not [b for b in blocks if b["type"] == "actions"]
    assert "Crisis mode #9 was started from this alert." in json.dumps(blocks)
