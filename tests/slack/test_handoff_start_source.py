"""The handoff form's private_metadata: what was handed off survives the round trip within
Slack's 3,000 characters, and metadata that is not ours is refused, not misread."""

from __future__ import annotations

import json

import pytest

from bot.slack.handoff_start import METADATA_CHARS, Source
from bot.workflows.handoffs.routing import Route

ROUTED = Route("sales", "matched 'wholesale' (more than support: 'refund')")


def test_a_long_message_is_cut_to_fit_and_the_rest_survives() -> None:
    text = ('He said "wholesale" & <!channel> 😡 ' * 200).strip()
    source = Source(
        customer_text=text,
        customer_handle="@dana",
        network="instagram",
        channel="C0SOCIAL",
        ts="1700000000.000100",
        link="https://example.slack.com/archives/C0SOCIAL/p1700000000000100",
        suggestion_id=12,
        faq_id="corporate-orders",
        faq_team="sales",
        thread_channel="C0SOCIAL",
        thread_ts="1700000000.000100",
    )
    metadata = source.to_metadata(ROUTED)
    assert len(metadata) <= METADATA_CHARS
    read = Source.from_metadata(json.loads(metadata))
    assert read is not None
    back, routed = read
    assert routed == ROUTED
    assert text.startswith(back.customer_text)
    assert len(back.customer_text) > 1_000
    assert back == Source(**{**source.__dict__, "customer_text": back.customer_text})


@pytest.mark.parametrize(
    "meta",
    [
        {},
        {"route": "sales"},
        {"route": ["sales", "why"], "suggestion_id": "12"},
        {"route": ["sales", "why"], "channel": 5},
    ],
)
def test_metadata_that_is_not_ours_is_refused(meta: dict[str, object]) -> None:
    assert Source.from_metadata(meta) is None
