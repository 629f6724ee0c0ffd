"""Redrawing a message that shows a stored row (an approval card, a handoff packet) until it
shows the row's newest version.

Two redraws of one message can reach Slack in either order (one process slow, Slack slow to
apply one update), so whoever redraws checks after its ``chat.update`` whether the row moved
meanwhile and then draws again: the last update to land is always followed by a check that
sees the newest version. A message left behind anyway (a failed update, a process killed
mid-redraw) is behind its row in the store, and the clock's sweep redraws it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient

log = logging.getLogger(__name__)

# Redraws in a row for one message before leaving it to the sweep: each is needed only when the
# row changed again during the previous chat.update, which a burst of clicks does a few times.
MAX_REDRAWS = 5


@dataclass(frozen=True)
class Drawing:
    """A message drawn from a fresh read: where it is, the version it shows, what it says."""

    channel: str
    ts: str
    version: int
    message: dict[str, Any]


def redraw_until_current(
    client: WebClient,
    *,
    draw: Callable[[], Drawing | None],
    shown: Callable[[int], int | None],
    what: str,
) -> bool:
    """``draw`` reads the row and draws it (None: no message to redraw); ``shown`` records the
    version drawn and returns the row's version now (None: the row is gone).

    True when the message was left showing the row's current version.
    """
    for _ in range(MAX_REDRAWS):
        drawing = draw()
        if drawing is None:
            return False
        client.chat_update(channel=drawing.channel, ts=drawing.ts, **drawing.message)
        now = shown(drawing.version)
        if now is None or now == drawing.version:
            return True
        log.info(
            "%s moved to v%s while its message drew v%s; redrawing", what, now, drawing.version
        )
    return False
