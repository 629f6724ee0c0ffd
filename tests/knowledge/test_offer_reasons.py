"""Why a candidate was offered: the customer's words the entry shares, or closeness in meaning."""

from __future__ import annotations

from bot.knowledge.faq_files import FaqEntry
from bot.knowledge.offer_reasons import why_offered

ENTRY = FaqEntry(
    "payment-declined",
    "Why was my payment declined?",
    "Check your card details or try another card.",
    ("card declined",),
    ("payments",),
)


def test_the_shared_words_are_named_as_the_customer_wrote_them() -> None:
    assert why_offered(ENTRY, "My CARDS keep getting declined!!") == "mentions “cards”, “declined”"


def test_at_most_three_words_each_once() -> None:
    reason = why_offered(ENTRY, "card card payment declined details payments")
    assert reason == "mentions “card”, “payment”, “declined”"


def test_no_shared_word_means_it_was_found_by_meaning() -> None:
    assert why_offered(ENTRY, "the till beeped twice and said no") == (
        "close in meaning to its question"
    )


def test_stop_words_and_markup_are_not_reasons() -> None:
    assert why_offered(ENTRY, "<!channel> why was my {{ 7*7 }}") == (
        "close in meaning to its question"
    )
