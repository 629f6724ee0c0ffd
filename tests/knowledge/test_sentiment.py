"""The customer's mood from a small offline lexicon: complaints and sarcasm read as upset."""

from __future__ import annotations

import pytest

from bot.knowledge.sentiment import mood_of


@pytest.mark.parametrize(
    "text",
    [
        "great, another broken order 🙄",
        "Oh perfect. Again the wrong size.",
        "Fantastic, another delay",
        "my parcel still hasn't turned up 😡",
        "The zip broke after two days, really disappointed",
        "I'm not happy with this jacket",
        "this isn't good enough",
        "thanks for nothing",
        "You sent me the wrong item",
        "my order arrived damaged",
        "wtf is going on with my refund",
        "where is my order???",
        "Love the brand but the parcel is late",
        "really bad customer service",
        "I'm fed up of being ignored",
    ],
)
def test_complaints_and_sarcasm_read_as_upset(text: str) -> None:
    assert mood_of(text) == "upset"


@pytest.mark.parametrize(
    "text",
    [
        "I love my new boots, thank you!",
        "Great service 🙌",
        "Can I order another one in blue? 😍",
        "the jacket is perfect, thanks",
        "not bad at all, thank you!",
        "no worries, thanks for the quick reply",
    ],
)
def test_praise_reads_as_happy(text: str) -> None:
    assert mood_of(text) == "happy"


@pytest.mark.parametrize(
    "text",
    [
        "where is my order?",
        "do you ship to Canada",
        "Is the jacket available later this month?",
        "how do I return an item",
        "",
    ],
)
def test_plain_questions_read_as_neutral(text: str) -> None:
    assert mood_of(text) == "neutral"


def test_curly_apostrophes_count_like_straight_ones() -> None:
    assert mood_of("it still hasn\u2019t arrived") == "upset"
