"""Text helpers for everything the bot echoes back to Slack."""

from __future__ import annotations

from bot.core.mrkdwn import escape_mrkdwn as escape_mrkdwn  # builders reach it from here
from bot.core.mrkdwn import split_mrkdwn


def truncate(text: str, limit: int, *, marker: str = "…") -> str:
    """Cut ``text`` to at most ``limit`` characters, marking the cut."""
    if len(text) <= limit:
        return text
    return text[: max(limit - len(marker), 0)] + marker


def truncate_mrkdwn(text: str, limit: int, *, marker: str = "…") -> str:
    """Like :func:`truncate`, for text already escaped: the cut never halves an ``&amp;``
    (which would show as ``&am…``) or a ``<…>`` link."""
    if len(text) <= limit:
        return text
    return split_mrkdwn(text, max(limit - len(marker), 1))[0] + marker


_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


def echo_user_text(text: str, limit: int, *, marker: str = "…") -> str:
    """User text made safe to show: escaped, and at most ``limit`` characters *after* escaping.

    Escaping grows text (``&`` becomes five characters), so the cut is made on the escaped
    length and never splits an entity: 3,000 ampersands still fit a section.
    """
    escaped = escape_mrkdwn(text)
    if len(escaped) <= limit:
        return escaped
    budget = max(limit - len(marker), 0)
    pieces: list[str] = []
    size = 0
    for character in text:
        piece = _ENTITIES.get(character, character)
        if size + len(piece) > budget:
            break
        pieces.append(piece)
        size += len(piece)
    return "".join(pieces) + marker
