"""The FAQ's self-test: held-out variants finding their entry, and entries too alike to tell apart."""

from __future__ import annotations

from bot.knowledge import faq_self_test
from bot.knowledge.faq_files import FaqEntry
from bot.knowledge.faq_self_test import describe, self_test
from bot.knowledge.matchers import offline_matcher

DISTINCT = [
    FaqEntry(
        "order-tracking",
        "Where is my order?",
        "Track it with your order number.",
        ("track my order", "order status"),
    ),
    FaqEntry(
        "payment-declined",
        "Why was my payment declined?",
        "Check your card details.",
        ("card payment declined",),
    ),
    FaqEntry("store-hours", "When are your stores open?", "10-18.", ("store opening hours",)),
]


def test_variants_that_share_words_with_their_entry_find_it() -> None:
    result = self_test(DISTINCT, offline_matcher)
    assert (result.held_out, result.found_first) == (4, 4)
    assert result.score == 1.0
    assert result.alike == ()
    assert describe(result) == [
        "self-test: 4 of 4 variants, asked with themselves held out, find their own entry "
        "first (100%)"
    ]


def test_variants_in_other_words_score_low_and_say_what_helps() -> None:
    entries = [
        FaqEntry("order-tracking", "Where is my order?", "Use the link.", ("eta pls",)),
        FaqEntry("payment-declined", "Why was my payment declined?", "Check it.", ("halp plz?",)),
        DISTINCT[2],
    ]
    result = self_test(entries, offline_matcher)
    assert (result.held_out, result.found_first) == (3, 1)
    assert "add variants in customers' own words" in describe(result)[0]


def test_entries_too_alike_are_named_once() -> None:
    entries = [
        *DISTINCT,
        FaqEntry("cancel-plan", "How do I cancel my membership?", "In the app, any time."),
        FaqEntry("end-plan", "How can I cancel the membership?", "Write to us."),
    ]
    result = self_test(entries, offline_matcher)
    assert result.alike == (("cancel-plan", "end-plan"),)
    assert "too alike to tell apart: cancel-plan and end-plan" in "\n".join(describe(result))


def test_no_variants_is_said_not_scored() -> None:
    entries = [FaqEntry("a", "Q?", "A."), FaqEntry("b", "Other thing?", "B.")]
    result = self_test(entries, offline_matcher)
    assert result.score is None
    assert describe(result)[0].startswith("self-test: no variants to hold out")


def test_a_big_faq_holds_out_a_capped_spread_of_variants(monkeypatch: object) -> None:
    entries = [
        FaqEntry(f"e{i}", f"Question number {i} about topic{i}?", "A.", (f"topic{i} help",))
        for i in range(30)
    ]
    monkeypatch.setattr(faq_self_test, "MAX_HELD_OUT", 7)  # type: ignore[attr-defined]
    result = self_test(entries, offline_matcher)
    assert result.held_out <= 7
    assert result.found_first == result.held_out
