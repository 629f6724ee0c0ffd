"""Slack's mrkdwn escaping, for every layer that puts a person's words into a Slack message
or a template the bot renders."""

from __future__ import annotations

from datetime import datetime


def escape_mrkdwn(text: str) -> str:
    """Escape the three characters Slack treats as control sequences.

    ``<!channel>``, ``<@U123>`` and ``<https://…|label>`` only act when their angle brackets
    reach Slack unescaped, so a user's text echoed through here mentions and links nobody.
    """
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def split_mrkdwn(text: str, size: int) -> list[str]:
    """``text`` (already mrkdwn) in pieces of at most ``size`` characters, joined back unchanged.

    A cut never lands inside an escape (``&amp;`` halved shows as ``amp;`` in the next section)
    or inside a ``<…>`` link or mention (half a link is refused or shown raw). It falls at the
    last space or newline of a piece when there is one in its last fifth, so words stay whole.
    """
    if size < 1:
        raise ValueError("size must be positive")
    pieces: list[str] = []
    start = 0
    while len(text) - start > size:
        end = _safe_cut(text, start, start + size)
        pieces.append(text[start:end])
        start = end
    if start < len(text) or not pieces:
        pieces.append(text[start:])
    return pieces


def _safe_cut(text: str, start: int, end: int) -> int:
    """The cut at or before ``end`` (after ``start``) that splits no entity, link or word."""
    cut = _back_out(text, start, end)
    space = max(text.rfind(" ", start, cut), text.rfind("\n", start, cut))
    near_the_end = space != -1 and space + 1 > start + (cut - start) * 4 // 5
    if near_the_end and _back_out(text, start, space + 1) == space + 1:
        return space + 1
    return cut


def _back_out(text: str, start: int, end: int) -> int:
    """``end`` moved back to the start of an escape or ``<…>`` it would cut through; unmoved
    when that would leave nothing before it (a link longer than a whole piece is cut hard)."""
    amp = text.rfind("&", max(start, end - len(_LONGEST_ENTITY) + 1), end)
    if amp > start and any(
        text.startswith(entity, amp) and amp + len(entity) > end for entity in _ENTITIES
    ):
        end = amp
    bracket = text.rfind("<", start, end)
    if bracket > start and text.find(">", bracket, end) == -1:
        end = bracket
    return end


_ENTITIES = ("&amp;", "&lt;", "&gt;")
_LONGEST_ENTITY = "&amp;"


def slack_date(at: datetime) -> str:
    """A time each reader sees in their own time zone (Slack's date token), UTC as the fallback
    for clients that cannot render the token (notifications, old apps)."""
    fallback = f"{at:%Y-%m-%d %H:%M} UTC"
    return f"<!date^{int(at.timestamp())}^{{date_short_pretty}} at {{time}}|{fallback}>"
