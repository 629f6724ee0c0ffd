"""The views bench.handoff_views times, each built the way its listener builds it."""

from __future__ import annotations

import re
from collections.abc import Callable

from sqlalchemy import text
from sqlmodel import Session

from bot.workflows.handoffs.queries import Scope, list_handoffs, page_statement

USER = "U0OWNER1"
PAGE = 20


def _list(scope: Scope) -> Callable[[Session], object]:
    def build(session: Session) -> object:
        return list_handoffs(session=session, scope=scope, user_id=USER, limit=PAGE)

    return build


VIEWS: dict[str, Callable[[Session], object]] = {
    f"/social handoffs {scope.value}": _list(scope) for scope in Scope
}


PLANS: dict[str, Scope] = {f"/social handoffs {scope.value}": scope for scope in Scope}


def explain(session: Session, name: str) -> str:
    """The index the database picks for a view's page query, read from its query plan."""
    scope = PLANS.get(name)
    if scope is None:
        return "—"
    dialect = session.get_bind().dialect
    sql = str(
        page_statement(scope, USER, PAGE).compile(
            dialect=dialect, compile_kwargs={"literal_binds": True}
        )
    )
    prefix = "EXPLAIN QUERY PLAN " if dialect.name == "sqlite" else "EXPLAIN "
    plan = " ".join(str(row[-1]) for row in session.execute(text(prefix + sql)))
    found = re.search(
        r"(?:USING (?:COVERING )?INDEX|Index (?:Only )?Scan(?: Backward)? using|Index Scan on) (\w+)",
        plan,
    )
    return found.group(1) if found else f"none ({plan[:60]})"
