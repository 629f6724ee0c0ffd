"""The suggestion, abstention and FAQ builders: what they show, escaped and within Slack's limits."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.blocks.faq import (
    build_faq_add_modal,
    build_faq_list,
    build_gaps_message,
    build_search_results,
)
from bot.blocks.replies import (
    ANOTHER_ACTION,
    EDIT_ACTION,
    EDIT_VIEW,
    NOT_HELPFUL_ACTION,
    SEND_ACTION,
    USE_CANDIDATE_ACTION,
    OfferedEntry,
    build_abstention_message,
    build_candidates_message,
    build_reply_edit_modal,
    build_suggestion_message,
    confidence_label,
)
from bot.knowledge.faq_files import FaqEntry
from bot.store.models import FaqGap
from bot.workflows.replies import MODEL_FOUND_NONE
from slack_emulator.block_limits import check_message, check_view

HOSTILE = "<!channel> <@U0BOSS> {{ 7*7 }} & " + "🔥" * 20


def suggestion(**overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "suggestion_id": 7,
        "customer_text": "where is my order?",
        "text": "Hi there! Track it at https://example.com/track.",
        "faq_id": "order-tracking",
        "template_id": "default-friendly",
        "confidence": 0.82,
        "option": 0,
        "options": 3,
        "polished": False,
        "note": None,
        "network": "x",
    }
    fields.update(overrides)
    return build_suggestion_message(**fields)


def action_ids(message: dict[str, Any]) -> list[str]:
    return [
        element["action_id"]
        for block in message["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
    ]


def test_the_suggestion_cites_its_sources_and_offers_the_buttons() -> None:
    message = suggestion()
    shown = json.dumps(message, ensure_ascii=False)
    assert "FAQ `order-tracking` · template `default-friendly`" in shown
    assert "confidence 82% (high)" in shown
    assert "option 1 of 3" in shown
    assert action_ids(message) == [
        SEND_ACTION,
        EDIT_ACTION,
        ANOTHER_ACTION,
        "reply_hand_off",
        NOT_HELPFUL_ACTION,
    ]
    assert check_message(message) == []


def test_one_option_has_no_another_button_and_a_sent_one_no_send() -> None:
    assert ANOTHER_ACTION not in action_ids(suggestion(options=1))
    sent = suggestion(sent_draft_id=12)
    assert SEND_ACTION not in action_ids(sent)
    assert "reply draft #12" in json.dumps(sent)


def test_the_polish_note_is_shown() -> None:
    message = suggestion(polished=False, note="The model did not answer within 8 s.")
    assert "did not answer within 8 s" in json.dumps(message)
    assert "polished by the model" in json.dumps(suggestion(polished=True))


def test_an_entry_the_model_picked_says_so_beside_its_sources() -> None:
    picked = json.dumps(suggestion(chosen_by_model=True), ensure_ascii=False)
    assert "FAQ `order-tracking` · picked by the model · template `default-friendly`" in picked
    assert "picked by the model" not in json.dumps(suggestion())


@pytest.mark.parametrize("size", [1, 3_000, 40_000])
def test_hostile_and_huge_text_is_escaped_and_fits(size: int) -> None:
    text = (HOSTILE * (size // len(HOSTILE) + 1))[:size]
    message = suggestion(customer_text=text, text=text, note=text, fit_problem=text)
    shown = json.dumps(message)
    assert "<!channel>" not in shown
    assert "<@U0BOSS>" not in shown
    assert check_message(message) == []
    abstention = build_abstention_message(suggestion_id=1, customer_text=text, gap_id=3)
    assert "<!channel>" not in json.dumps(abstention)
    assert check_message(abstention) == []


def test_a_reply_that_does_not_fit_says_so_and_points_to_edit() -> None:
    problem = "X: 317 of 280 characters."
    message = suggestion(network="x", fit_problem=problem)
    shown = json.dumps(message, ensure_ascii=False)
    assert "for X" in shown
    assert "Not sendable as it is:* X: 317 of 280 characters" in shown
    assert "Use *Edit*" in shown
    styles = {
        element["action_id"]: element.get("style")
        for block in message["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
    }
    # The way out is the primary button, not the one that would be refused.
    assert (styles[EDIT_ACTION], styles[SEND_ACTION]) == ("primary", None)
    fits = json.dumps(suggestion(network="instagram"), ensure_ascii=False)
    assert "for Instagram" in fits
    assert "Not sendable" not in fits
    sent = json.dumps(suggestion(fit_problem=problem, sent_draft_id=3))
    assert "Not sendable" not in sent
    assert check_message(message) == []


@pytest.mark.parametrize("network", ["x", "instagram", "linkedin"])
def test_the_edit_modal_is_prefilled_and_valid(network: str) -> None:
    text = HOSTILE * 200
    view = build_reply_edit_modal(
        suggestion_id=7, text=text, network=network, response_url="https://hooks.example/1"
    )
    assert view["callback_id"] == EDIT_VIEW
    assert json.loads(view["private_metadata"])["suggestion_id"] == 7
    field, picker = view["blocks"]
    assert text.startswith(field["element"]["initial_value"])
    assert picker["element"]["initial_option"]["value"] == network
    assert check_view(view) == []


def test_an_abstention_offers_add_to_faq_only_for_a_recorded_gap() -> None:
    with_gap = build_abstention_message(suggestion_id=1, customer_text="pets?", gap_id=3)
    assert action_ids(with_gap) == ["faq_gap_add", "reply_hand_off"]
    without = build_abstention_message(suggestion_id=1, customer_text="🔥", gap_id=None)
    assert action_ids(without) == ["reply_hand_off"]


@pytest.mark.parametrize(
    ("confidence", "label"), [(0.95, "95% (high)"), (0.55, "55% (medium)"), (0.2, "20% (low)")]
)
def test_confidence_label(confidence: float, label: str) -> None:
    assert confidence_label(confidence) == label


ENTRIES = [
    FaqEntry(id=f"entry-{i}", question=f"Question {i} {HOSTILE}", answer=HOSTILE * 50, tags=("t",))
    for i in range(60)
]


def test_faq_list_is_capped_and_points_to_export() -> None:
    message = build_faq_list(ENTRIES, tag=None)
    assert "20 more not shown" in json.dumps(message)
    assert "<!channel>" not in json.dumps(message)
    assert check_message(message) == []
    assert "No FAQ entries tagged" in json.dumps(build_faq_list([], tag="<!here>"))


def test_search_results_fit_and_say_when_weak() -> None:
    results = [(entry, 0.3) for entry in ENTRIES[:5]]
    message = build_search_results(HOSTILE * 100, results, abstained=True)
    assert "weak matches" in json.dumps(message)
    assert "<!channel>" not in json.dumps(message)
    assert check_message(message) == []
    assert "recorded as an FAQ gap" in json.dumps(build_search_results("x", [], abstained=True))


def test_gaps_show_counts_and_time_in_the_team_zone() -> None:
    seen = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
    gaps = [
        FaqGap(
            id=i,
            key="k",
            example=HOSTILE * 100,
            count=i + 1,
            not_helpful=i % 2,
            first_seen_at=seen,
            last_seen_at=seen,
        )
        for i in range(20)
    ]
    message = build_gaps_message(gaps, zone=ZoneInfo("Europe/Berlin"))
    shown = json.dumps(message, ensure_ascii=False)
    assert "asked once" in shown
    assert "asked 2 times (1 “not helpful”)" in shown
    assert "2026-11-23 10:30 CET" in shown
    assert "<!channel>" not in shown
    assert check_message(message) == []


def test_add_modal_prefills_the_question_and_carries_the_gap() -> None:
    view = build_faq_add_modal(question="q" * 900, gap_id=4)
    assert json.loads(view["private_metadata"]) == {"gap_id": 4}
    question = next(b for b in view["blocks"] if b["block_id"] == "question")
    assert question["element"]["initial_value"] == "q" * 500
    assert check_view(view, expected_type="modal") == []


def accessory_buttons(message: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        (block["accessory"]["action_id"], block["accessory"]["value"])
        for block in message["blocks"]
        if block["type"] == "section" and "accessory" in block
    ]


def test_candidates_each_get_use_this_with_their_reason() -> None:
    offered = [
        OfferedEntry("returns-policy", "How do I return an item?", 0.52, "mentions “return”"),
        OfferedEntry("order-tracking", "Where is my order?", 0.41, "mentions “tracking”"),
    ]
    message = build_candidates_message(
        suggestion_id=9, customer_text="tracking for my return", candidates=offered
    )
    check_message(message)
    assert accessory_buttons(message) == [
        (USE_CANDIDATE_ACTION, "9:0"),
        (USE_CANDIDATE_ACTION, "9:1"),
    ]
    text = json.dumps(message, ensure_ascii=False)
    assert "How do I return an item?" in text
    assert "mentions “tracking”" in text
    assert "52% (medium)" in text
    assert action_ids(message) == ["reply_hand_off", NOT_HELPFUL_ACTION]
    assert SEND_ACTION not in action_ids(message)


def test_none_of_these_once_clicked_says_who_and_goes() -> None:
    offered = [OfferedEntry("a", "Q?", 0.4, "close in meaning to its question")]
    message = build_candidates_message(
        suggestion_id=9, customer_text="x", candidates=offered, not_helpful_by="U1"
    )
    assert action_ids(message) == ["reply_hand_off"]
    assert "<@U1> said none of these fits" in json.dumps(message)


def test_candidates_the_model_found_wanting_say_so() -> None:
    offered = [OfferedEntry("a", "Q?", 0.8, "mentions “return”")]
    message = build_candidates_message(
        suggestion_id=9, customer_text="x", candidates=offered, note=MODEL_FOUND_NONE
    )
    assert MODEL_FOUND_NONE in json.dumps(message, ensure_ascii=False)
    assert check_message(message) == []


def test_hostile_candidate_text_is_escaped_and_fits() -> None:
    offered = [OfferedEntry("a", HOSTILE * 40, 0.4, HOSTILE * 40) for _ in range(3)]
    message = build_candidates_message(
        suggestion_id=1, customer_text=HOSTILE * 200, candidates=offered
    )
    check_message(message)
    text = json.dumps(message)
    assert "<!channel>" not in text
    assert "<@U0BOSS>" not in text
