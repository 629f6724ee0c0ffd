"""A handoff move in two steps: commit it with its notices (before the ack), then tell Slack.

``commit_move`` runs one move of bot/workflows/handoffs/decide.py and, in the same transaction,
writes what it owes people to the notice outbox: the requester is told in the thread of the
message handed off (by DM when there was none), and a new owner by DM. The click's 200 then
means the move and its notices are stored. ``after_move`` redraws the packet from a fresh read,
delivers the notices, and refreshes the surface the click came from (a list, the App Home).
Same pattern as bot/slack/decisions.py for drafts.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlmodel import Session

from bot.blocks.handoffs import (
    bounced_notice,
    claimed_notice,
    new_owner_notice,
    reassigned_notice,
    resolved_notice,
)
from bot.services import Services
from bot.slack.handoff_packets import redraw_if_behind, redraw_packet
from bot.slack.notices import deliver_notices
from bot.store.db import session_scope
from bot.store.models import Handoff
from bot.workflows import notices
from bot.workflows.handoffs.decide import Act, HandoffOutcome

log = logging.getLogger(__name__)


class MoveWork(Protocol):
    """A move of bot/workflows/handoffs/decide.py with its arguments bound."""

    def __call__(self, *, session: Session, now: datetime) -> HandoffOutcome: ...


@dataclass(frozen=True)
class Origin:
    """Where a handoff's control was used: the packet or a list (a message), or a view (the App
    Home). Carried through a modal's private_metadata so its submission knows it too."""

    user_id: str
    channel: str | None = None
    message_ts: str | None = None
    view_id: str | None = None
    view_type: str | None = None  # "home" for the App Home
    # A click in an ephemeral message (a `/social handoffs` list) can only redraw it through its
    # response_url; the clicked block's id says which list it was (bot/blocks/handoff_lists.py).
    response_url: str | None = None
    block_id: str | None = None

    @classmethod
    def of_click(cls, body: dict[str, Any]) -> Origin:
        container = body.get("container") or {}
        view = body.get("view") or {}
        return cls(
            user_id=str((body.get("user") or {}).get("id") or ""),
            channel=container.get("channel_id") or (body.get("channel") or {}).get("id"),
            message_ts=container.get("message_ts"),
            view_id=view.get("id"),
            view_type=view.get("type"),
            response_url=body.get("response_url") or None,
            block_id=((body.get("actions") or [{}])[0]).get("block_id") or None,
        )

    def as_metadata(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v is not None}

    @classmethod
    def of_metadata(cls, meta: object, user_id: str) -> Origin:
        data = meta if isinstance(meta, dict) else {}
        known = {
            k: str(data[k])
            for k in ("channel", "message_ts", "view_id", "view_type", "response_url", "block_id")
            if k in data
        }
        return cls(user_id=user_id, **known)


# The seam for the surfaces other than the packet (a `/social handoffs` list, the App Home): each
# is called after every move with the handoff and where the click came from, and redraws itself
# if the click came from it. Registered by the module that draws that surface.
SurfaceRefresh = Callable[[WebClient, Services, Handoff, Origin], None]


@dataclass
class Surfaces:
    refreshers: list[SurfaceRefresh] = field(default_factory=list)

    def add(self, refresh: SurfaceRefresh) -> None:
        if refresh not in self.refreshers:
            self.refreshers.append(refresh)


@dataclass(frozen=True)
class Move:
    """What was committed: the outcome, the notices written with it (to deliver next)."""

    outcome: HandoffOutcome
    notice_ids: tuple[int, ...] = ()


def commit_move(services: Services, work: MoveWork, *, act: Act, actor: str) -> Move:
    """Run ``work`` and queue the notices it owes in one transaction."""
    with session_scope(services.sessions) as session:
        now = services.clock()
        outcome = work(session=session, now=now)
        handoff = outcome.handoff
        if not outcome.ok or handoff is None:
            return Move(outcome)
        ids = [
            _add(session, handoff, recipient, text, now, direct=direct)
            for recipient, text, direct in _owed(handoff, outcome, act, actor)
        ]
        return Move(outcome, tuple(ids))


def _owed(
    handoff: Handoff, outcome: HandoffOutcome, act: Act, actor: str
) -> list[tuple[str, str, bool]]:
    """(recipient, text, by DM) for each notice a move owes."""
    requester = handoff.requested_by
    owed: list[tuple[str, str, bool]] = []
    if act is Act.CLAIM:
        owed.append((requester, claimed_notice(handoff, actor), False))
    elif act is Act.REASSIGN:
        owed.append((requester, reassigned_notice(handoff, actor, outcome.previous_owner), False))
        if handoff.owner_id and handoff.owner_id != actor:
            owed.append((handoff.owner_id, new_owner_notice(handoff, actor), True))
    elif act is Act.RESOLVE:
        owed.append((requester, resolved_notice(handoff, actor), False))
    else:
        owed.append((requester, bounced_notice(handoff, actor), False))
    return owed


def _add(
    session: Session, handoff: Handoff, recipient: str, text: str, now: datetime, *, direct: bool
) -> int:
    """A notice in the original message's thread, or a DM (asked for, or no message)."""
    in_thread = not direct and handoff.source_channel and handoff.source_ts
    notice = notices.add_notice(
        session=session,
        recipient_id=recipient,
        text=text,
        now=now,
        channel=handoff.source_channel if in_thread else None,
        thread_ts=handoff.source_ts if in_thread else None,
        handoff_id=handoff.id,
    )
    assert notice.id is not None
    return notice.id


def after_move(
    client: WebClient,
    services: Services,
    move: Move,
    origin: Origin,
    surfaces: Surfaces | None = None,
) -> None:
    """After the ack: the packet shows the handoff as stored, the notices go out, and the
    surface the click came from is redrawn. A refusal repairs a packet found behind."""
    handoff = move.outcome.handoff
    if handoff is None or handoff.id is None:
        return
    try:
        if move.outcome.ok:
            redraw_packet(client, services, handoff.id)
        else:
            redraw_if_behind(client, services, handoff.id)
    except SlackApiError as error:
        # The packet stays behind its handoff in the store: the clock's job redraws it.
        log.warning("packet of handoff %s not redrawn: %s", handoff.id, error.response.get("error"))
    deliver_notices(client, services, move.notice_ids)
    for refresh in surfaces.refreshers if surfaces is not None else ():
        try:
            refresh(client, services, handoff, origin)
        except SlackApiError as error:
            log.warning("surface not refreshed after handoff %s: %s", handoff.id, error)
