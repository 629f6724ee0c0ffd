"""Row locks for decisions: one decision at a time on one row, in every process."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol, TypeVar

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


class ConcurrentChange(RuntimeError):
    """A conditional move found another version: a bug, since the row was locked first."""


class Versioned(Protocol):
    id: int | None
    state: str
    version: int


def move_row(
    session: Session, row: Versioned, to_state: str, *, now: datetime, **values: object
) -> None:
    """Move ``row`` to ``to_state`` if nobody changed it since it was read; bumps the version.

    The WHERE on (id, state, version) is what makes a move happen once: a lost race matches no
    row and raises :class:`ConcurrentChange`, never overwrites what the winner wrote.
    """
    model = type(row)
    table = inspect(model).local_table
    moved = session.execute(
        update(table)
        .where(
            table.c.id == row.id,
            table.c.state == row.state,
            table.c.version == row.version,
        )
        .values(state=to_state, version=row.version + 1, updated_at=now, **values)
        .returning(table.c.id)
    ).first()
    if moved is None:
        raise ConcurrentChange(f"{table.name} {row.id} changed while it was being decided")
    session.refresh(row)
