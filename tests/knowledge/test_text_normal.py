"""Normalising social-media text into comparable terms."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.knowledge.text_normal import content_terms, stem, words


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("@NorthwindOutfit my parcel hasn't turned up 😡😡", ["parcel", "not", "turn"]),
        ("Returns?? #returns https://x.co/abc", ["return", "return"]),
        ("Can I CANCEL my order", ["cancel", "order"]),
        ("Wrong colour sent", ["wrong", "color", "sent"]),
        ("😡🙏✨", []),
        ("", []),
    ],
)
def test_content_terms(text: str, expected: list[str]) -> None:
    assert content_terms(text) == expected


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("returns", "return"),
        ("returned", "return"),
        ("returning", "return"),
        ("deliveries", "delivery"),
        ("shipped", "ship"),
        ("shipping", "ship"),
        ("bag", "bag"),
        ("quickly", "quick"),
        # "-ly" that is not an adverb ending: "apply" must not meet "app", nor "family" "fami".
        ("apply", "apply"),
        ("reply", "reply"),
        ("supply", "supply"),
        ("family", "family"),
    ],
)
def test_stem(word: str, expected: str) -> None:
    assert stem(word) == expected


def test_cant_and_wont_open_to_their_verbs() -> None:
    assert words("can't pay, won't go through") == [
        "can",
        "not",
        "pay",
        "will",
        "not",
        "go",
        "through",
    ]


def test_huge_and_hostile_input() -> None:
    assert len(words("{{ 7*7 }} <!channel> " + "word " * 100_000)) < 1_000


@given(st.text(max_size=300))
def test_never_raises(text: str) -> None:
    content_terms(text)
