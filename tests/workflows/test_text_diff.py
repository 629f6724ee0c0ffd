"""The word diff behind a card's "What changed"."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.workflows.text_diff import MAX_WORDS, word_diff


def test_a_changed_word() -> None:
    assert word_diff("Our autumn range is here", "Our winter range is here") == [
        ("same", "Our"),
        ("removed", "autumn"),
        ("added", "winter"),
        ("same", "range is here"),
    ]


def test_identical_and_empty_texts() -> None:
    assert word_diff("a b", "a b") == [("same", "a b")]
    assert word_diff("", "new") == [("added", "new")]


def test_huge_texts_are_compared_wholesale() -> None:
    old, new = "a " * (MAX_WORDS + 1), "b " * (MAX_WORDS + 1)
    assert word_diff(old, new) == [("removed", old), ("added", new)]


@given(st.text(max_size=80), st.text(max_size=80))
def test_the_diff_rebuilds_both_texts(old: str, new: str) -> None:
    runs = word_diff(old, new)
    assert " ".join(w for kind, w in runs if kind != "added").split() == old.split()
    assert " ".join(w for kind, w in runs if kind != "removed").split() == new.split()
