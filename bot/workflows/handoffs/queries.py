"""The lists people read: ``/social handoffs …`` and the App Home, newest first, one page.

Each list is served by an index that matches its WHERE and its ORDER BY (migration 0012), so a
page costs the same with a hundred handoffs or a million: ``(owner_id, state, id)`` for "mine",
``(team, state, id)`` for a team's, ``(state, id)`` for all open ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import func
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from bot.knowledge.faq_files import HANDOFF_TEAMS
from bot.store.models import Handoff
from bot.workflows.handoffs.states import LIVE_STATES, HandoffState


class Scope(StrEnum):
    MINE = "mine"  # claimed by me
    OPEN = "open"  # waiting for a claim, any team
    SUPPORT = "support"  # support's live ones (open and claimed)
    SALES = "sales"


SCOPES = tuple(scope.value for scope in Scope)


@dataclass(frozen=True)
class HandoffPage:
    rows: list[Handoff]
    total: int  # how many match, of which ``rows`` are the newest

    @property
    def more(self) -> int:
        return max(self.total - len(self.rows), 0)


Where = tuple[ColumnElement[bool], ...]


def _parts(scope: Scope, user_id: str) -> list[Where]:
    """The list as one or more WHEREs of equalities an index serves in id order: a team's live
    handoffs are its open ones and its claimed ones, each a range of ``(team, state, id)``.

    (One ``state IN (…) ORDER BY id DESC`` query cannot walk that index in id order, and SQLite
    then scans the whole table for a team with few live handoffs.)
    """
    if scope is Scope.MINE:
        return [(col(Handoff.owner_id) == user_id, col(Handoff.state) == HandoffState.CLAIMED)]
    if scope is Scope.OPEN:
        return [(col(Handoff.state) == HandoffState.OPEN,)]
    assert scope.value in HANDOFF_TEAMS
    return [
        (col(Handoff.team) == scope.value, col(Handoff.state) == state) for state in LIVE_STATES
    ]


def list_handoffs(
    *, session: Session, scope: Scope, user_id: str, limit: int, before: int | None = None
) -> HandoffPage:
    """The newest ``limit`` of ``scope``; ``before`` (a handoff id) pages on to older ones, and
    ``total`` then counts only those, so "and N more" stays true on every page. The same index
    serves it: ``id < before`` is a range on its last column."""
    parts = _parts(scope, user_id)
    if before is not None:
        parts = [(*where, col(Handoff.id) < before) for where in parts]
    return _page(session, parts, limit)


def waiting_for_team(*, session: Session, team: str, limit: int) -> HandoffPage:
    """A team's handoffs nobody has claimed yet, newest first (the App Home): served by
    ``(team, state, id)``."""
    return _page(
        session, [(col(Handoff.team) == team, col(Handoff.state) == HandoffState.OPEN)], limit
    )


def newest(where: Where, limit: int) -> SelectOfScalar[Handoff]:
    """The newest ``limit`` handoffs matching ``where`` (the benchmark reads its plan too)."""
    return select(Handoff).where(*where).order_by(col(Handoff.id).desc()).limit(limit)


def _page(session: Session, parts: list[Where], limit: int) -> HandoffPage:
    """The newest ``limit`` rows over all ``parts`` (each read newest first, then merged), and
    how many match in all: a COUNT only for a part that may hold more than it returned."""
    rows: list[Handoff] = []
    total = 0
    for where in parts:
        found = list(session.exec(newest(where, limit)))
        rows.extend(found)
        if len(found) < limit:
            total += len(found)
        else:
            total += int(
                session.exec(select(func.count()).select_from(Handoff).where(*where)).one()
            )
    rows.sort(key=lambda handoff: handoff.id or 0, reverse=True)
    return HandoffPage(rows[:limit], total)


def get_handoff(session: Session, handoff_id: int) -> Handoff | None:
    return session.get(Handoff, handoff_id)
