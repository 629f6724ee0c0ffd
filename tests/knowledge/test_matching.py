"""The offline FAQ matcher on a small FAQ: paraphrases, typos, abstention, hostile input."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.knowledge.faq_files import FaqEntry
from bot.knowledge.matching import FaqMatcher

ENTRIES = [
    FaqEntry(
        "order-tracking",
        "Where is my order?",
        "Track it with your order number.",
        ("tracking number", "track my package"),
    ),
    FaqEntry(
        "returns-policy",
        "How do I return an item?",
        "You can return within 30 days.",
        ("return policy", "can I return"),
    ),
    FaqEntry(
        "payment-declined",
        "Why was my payment declined?",
        "Check your card details.",
        ("card declined",),
    ),
    FaqEntry(
        "store-hours", "When are your stores open?", "Our stores open 10-18.", ("opening hours",)
    ),
]
MATCHER = FaqMatcher(ENTRIES)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("card keeps bouncing at checkout", "payment-declined"),  # no shared word
        ("wher is my oder", "order-tracking"),  # typos
        ("can i send it back", "returns-policy"),  # a phrase with a stop word inside
        ("is the shop in berlin open on sunday", "store-hours"),
    ],
)
def test_paraphrases_and_typos_find_the_entry(text: str, expected: str) -> None:
    assert MATCHER.match(text).matches[0].entry_id == expected


@pytest.mark.parametrize(
    "text",
    ["", "😍😍😍", "what's your CEO's name", "test", "{{ 7*7 }}", "<!channel>", "x" * 40_000],
)
def test_off_topic_and_hostile_messages_are_abstained_on(text: str) -> None:
    assert MATCHER.match(text).abstained


@given(st.text(max_size=200))
def test_matching_never_raises(text: str) -> None:
    MATCHER.match(text)


def test_a_big_faq_reads_only_the_best_postings_but_scores_exactly() -> None:
    from bot.knowledge import matching

    base = [
        FaqEntry(id=f"entry-{i}", question=f"Where is my order number {i}?", answer="Track it.")
        for i in range(matching.POSTINGS_READ * 3)
    ]
    special = FaqEntry(id="gift-wrap", question="Do you gift wrap parcels?", answer="Yes.")
    matcher = FaqMatcher([*base, special])
    result = matcher.match("can you gift wrap my order?")
    assert result.matches[0].entry_id == "gift-wrap"
    # The scores shown are the exact BM25 scores, not the shortlist's partial sums.
    query = matcher.analyzer.terms("can you gift wrap my order?")
    assert result.matches[0].score == round(matcher._score("gift-wrap", query), 3)


def test_close_entries_are_offered_as_candidates_instead_of_an_answer() -> None:
    # Both entries explain the message in part; neither well enough to answer alone.
    result = MATCHER.match("tracking for my return")
    assert result.abstained
    assert [m.entry_id for m in result.candidates] == ["returns-policy", "order-tracking"]


@pytest.mark.parametrize(
    "text", ["great job guys love it", "card issue at the shop", "<!channel> {{ 7*7 }}", ""]
)
def test_nothing_close_is_silence_with_no_candidates(text: str) -> None:
    result = MATCHER.match(text)
    assert result.abstained
    assert result.candidates == ()


def test_an_answer_comes_with_no_candidates() -> None:
    result = MATCHER.match("card declined at your berlin store")
    assert not result.abstained
    assert result.candidates == ()
