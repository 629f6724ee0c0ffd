"""Splitting mrkdwn into sections: pieces join back to the text and never cut an escape or link."""

from __future__ import annotations

import re

import pytest

from bot.core.mrkdwn import escape_mrkdwn, split_mrkdwn

_BROKEN_ENTITY = re.compile(r"&(?!amp;|lt;|gt;)")


@pytest.mark.parametrize("size", [5, 6, 7, 13, 100, 2_900])
def test_pieces_join_back_and_never_cut_an_escape(size: int) -> None:
    escaped = escape_mrkdwn("a&b <c> && x " * 300)
    pieces = split_mrkdwn(escaped, size)
    assert "".join(pieces) == escaped
    assert all(0 < len(piece) <= size for piece in pieces)
    for piece in pieces:
        assert _BROKEN_ENTITY.search(piece) is None, piece


def test_a_link_or_mention_is_never_cut() -> None:
    text = ("word " * 7) + "<https://example.com/a|the shop> and <@U0ADMIN> " * 40
    for size in (35, 41, 64, 97):
        pieces = split_mrkdwn(text, size)
        assert "".join(pieces) == text
        for piece in pieces:
            assert piece.count("<") == piece.count(">"), (size, piece)


def test_a_link_longer_than_a_piece_is_cut_hard_rather_than_looping() -> None:
    text = "<https://example.com/" + "a" * 50 + ">"
    assert "".join(split_mrkdwn(text, 10)) == text


def test_words_stay_whole_when_a_space_is_near_the_cut() -> None:
    pieces = split_mrkdwn("alpha beta gamma delta", 12)
    assert pieces == ["alpha beta ", "gamma delta"]


def test_short_and_empty_text_is_one_piece() -> None:
    assert split_mrkdwn("", 10) == [""]
    assert split_mrkdwn("hi", 10) == ["hi"]
