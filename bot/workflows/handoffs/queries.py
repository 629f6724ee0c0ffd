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


def _where(scope: Scope, user_id: str) -> tuple[ColumnElement[bool], ...]:
    if scope is Scope.MINE:
        return (col(Handoff.owner_id) == user_id, col(Handoff.state) == HandoffState.CLAIMED)
    if scope is Scope.OPEN:
        return (col(Handoff.state) == HandoffState.OPEN,)
    assert scope.value in HANDOFF_TEAMS
    return (col(Handoff.team) == scope.value, col(Handoff.state).in_(LIVE_STATES))


def _page_where(scope: Scope, user_id: str, before: int | None) -> tuple[ColumnElement[bool], ...]:
    where = _where(scope, user_id)
    return where if before is None else (*where, col(Handoff.id) < before)


def page_statement(
    scope: Scope, user_id: str, limit: int, before: int | None = None
) -> SelectOfScalar[Handoff]:
    """The newest ``limit`` handoffs of a list (the benchmark reads its query plan too)."""
    return _newest(_page_where(scope, user_id, before), limit)


def _newest(where: tuple[ColumnElement[bool], ...], limit: int) -> SelectOfScalar[Handoff]:
    return select(Handoff).where(*where).order_by(col(Handoff.id).desc()).limit(limit)


def list_handoffs(
    *, session: Session, scope: Scope, user_id: str, limit: int, before: int | None = None
) -> HandoffPage:
    """The newest ``limit`` of ``scope``; ``before`` (a handoff id) pages on to older ones, and
    ``total`` then counts only those, so "and N more" stays true on every page. The same index
    serves it: ``id < before`` is a range on its last column."""
    return _page(session, _page_where(scope, user_id, before), limit)


def get_handoff(session: Session, handoff_id: int) -> Handoff | None:
    return session.get(Handoff, handoff_id)


def waiting_for_team(*, session: Session, team: str, limit: int) -> HandoffPage:
    """A team's handoffs nobody has claimed yet, newest first (the App Home): served by
    ``(team, state, id)``."""
    where = (col(Handoff.team) == team, col(Handoff.state) == HandoffState.OPEN)
    return _page(session, where, limit)


def _page(session: Session, where: tuple[ColumnElement[bool], ...], limit: int) -> HandoffPage:
    """The newest ``limit`` rows matching ``where``; one COUNT only when there may be more."""
    rows = list(session.exec(_newest(where, limit)))
    if len(rows) < limit:
        return HandoffPage(rows, len(rows))
    total = session.exec(select(func.count()).select_from(Handoff).where(*where)).one()
    return HandoffPage(rows, int(total))
