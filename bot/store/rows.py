"""Row locks for decisions: one decision at a time on one row, in every process."""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy import inspect, update
from sqlmodel import Session, SQLModel, select

Row = TypeVar("Row", bound=SQLModel)


def lock_row(session: Session, model: type[Row], row_id: int) -> Row | None:
    """Load the row holding its lock until commit, so decisions on it run one after another.

    PostgreSQL: SELECT … FOR UPDATE. SQLite ignores FOR UPDATE, so a no-op UPDATE takes the
    database's write lock first (pysqlite begins the transaction at the first write).
    """
    key = next(iter(inspect(model).primary_key))
    if session.get_bind().dialect.name == "sqlite":
        session.execute(update(model).where(key == row_id).values({key.name: key}))
    statement = select(model).where(key == row_id).with_for_update()
    return session.exec(statement.execution_options(populate_existing=True)).first()
