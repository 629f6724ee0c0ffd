"""Several questions in one message: split into sentences, each matched alone."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.knowledge.question_parts import answer_parts, split_questions
from tests.knowledge.test_matching import MATCHER


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        (
            "Where is my order? Also can I return the boots?",
            ["Where is my order?", "Also can I return the boots?"],
        ),
        (
            "my card got declined\nand when are stores open",
            ["my card got declined", "and when are stores open"],
        ),
        (
            "card declined at checkout also need opening hours",
            ["card declined at checkout", "need opening hours"],
        ),
        # Greetings and thanks are no questions of their own; one question is not several.
        ("Hi team! Thanks so much. Where is my order?", []),
        ("", []),
    ],
)
def test_split_questions(text: str, parts: list[str]) -> None:
    assert split_questions(text) == parts


def test_a_rant_of_many_sentences_is_one_message() -> None:
    rant = " ".join(f"Sentence number {i} about things." for i in range(12))
    assert split_questions(rant) == []


def test_two_questions_two_entries_are_answered_part_by_part() -> None:
    found = answer_parts(
        MATCHER, "Where is my order? And why was my card declined? Who is your CEO?"
    )
    assert found is not None
    assert found.entry_ids == ("order-tracking", "payment-declined")
    assert [p.text for p in found.unanswered] == ["Who is your CEO?"]


@pytest.mark.parametrize(
    "text",
    ["Where is my order? I need the tracking number.", "where is my order?? its been 2 weeks"],
)
def test_two_sentences_about_one_entry_are_one_question(text: str) -> None:
    assert answer_parts(MATCHER, text) is None


@given(st.text(max_size=300))
def test_never_raises(text: str) -> None:
    answer_parts(MATCHER, text)
