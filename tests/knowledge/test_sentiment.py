"""The customer's mood from a small offline lexicon: complaints and sarcasm read as upset."""

from __future__ import annotations

import pytest

from bot.knowledge.sentiment import Mood, MoodReading, mood_of, read_mood


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


@pytest.mark.parametrize(
    ("text", "mood", "words"),
    [
        # The customer's own words and case, in the order they wrote them.
        ("great, another broken order 🙄", "upset", ("great, another", "broken", "🙄")),
        ("The zip BROKE, really Disappointed", "upset", ("BROKE", "Disappointed")),
        ("I'm not happy with this jacket", "upset", ("not happy",)),
        ("this isn't good enough", "upset", ("isn't good",)),
        ("where is my order???", "upset", ("???",)),
        ("it still hasn\u2019t arrived", "upset", ("hasn\u2019t",)),
        # Overlapping phrases read as one stretch of text.
        ("Still not working 😡", "upset", ("Still not working", "😡")),
        ("still no reply after a week", "upset", ("still no reply",)),
        # A repeat is named once; praise beside a problem is not evidence for "upset".
        ("broken, broken, BROKEN. Love the brand though", "upset", ("broken",)),
        ("Love the brand but the parcel is late", "upset", ("late",)),
        ("I love my new boots, thank you!", "happy", ("love", "thank")),
        ("Great service 🙌", "happy", ("Great", "🙌")),
        # "not bad" and "no worries" say there is no problem: only the praise decides.
        ("not bad at all, thanks!", "happy", ("thanks",)),
        ("no worries, wonderful", "happy", ("wonderful",)),
        ("where is my order?", "neutral", ()),
        ("", "neutral", ()),
        # A character that grows when lowered does not shift the words found after it.
        ("İstanbul: the parcel is LATE", "upset", ("LATE",)),
    ],
)
def test_read_mood_names_the_words_that_decided_it(
    text: str, mood: Mood, words: tuple[str, ...]
) -> None:
    assert read_mood(text) == MoodReading(mood, words)


@pytest.mark.parametrize(
    "text",
    ["great, another broken order 🙄", "thanks!", "do you ship to Canada", "not bad 😍"],
)
def test_mood_of_is_read_mood(text: str) -> None:
    assert mood_of(text) == read_mood(text).mood
