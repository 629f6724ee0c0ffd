"""The word diff behind a card's "What changed"."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.workflows.text_diff import MAX_CHANGED_WORDS, word_diff


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


def test_a_long_changed_middle_is_shown_replaced_whole() -> None:
    # Two 1,800-word posts of a few repeated words took difflib 45 s (the approval card waited).
    old, new = "a & " * 900 + "a", "b & " * 900 + "b"
    assert word_diff(old, new) == [("removed", old), ("added", new)]
    over = MAX_CHANGED_WORDS + 1
    assert word_diff("x " * over, "y") == [("removed", ("x " * over).strip()), ("added", "y")]


def test_a_long_post_with_one_word_changed_shows_that_word() -> None:
    # Beyond 2,000 words the whole text used to be shown as replaced.
    start, end = "we are here " * 1_000, " thanks for waiting" * 500
    runs = word_diff(f"{start}autumn{end}", f"{start}winter{end}")
    assert runs == [
        ("same", start.strip()),
        ("removed", "autumn"),
        ("added", "winter"),
        ("same", end.strip()),
    ]


@given(st.text(max_size=80), st.text(max_size=80))
def test_the_diff_rebuilds_both_texts(old: str, new: str) -> None:
    runs = word_diff(old, new)
    assert " ".join(w for kind, w in runs if kind != "added").split() == old.split()
    assert " ".join(w for kind, w in runs if kind != "removed").split() == new.split()


words = st.lists(st.sampled_from(["a", "b", "&", "x"]), max_size=40).map(" ".join)


@given(words, words, words, words)
def test_the_diff_rebuilds_both_texts_around_a_shared_start_and_end(
    start: str, end: str, old: str, new: str
) -> None:
    old, new = f"{start} {old} {end}", f"{start} {new} {end}"
    runs = word_diff(old, new)
    assert " ".join(w for kind, w in runs if kind != "added").split() == old.split()
    assert " ".join(w for kind, w in runs if kind != "removed").split() == new.split()
