"""Table locks for the few writes that replace a whole table's contents and must run one at a time
across processes (an FAQ sync while another web process starts and syncs the same files)."""

from __future__ import annotations

from sqlalchemy import false, inspect, text, update
from sqlmodel import Session, SQLModel


def lock_table(session: Session, table: type[SQLModel]) -> None:
    """Hold ``table`` against other writers until this transaction ends; readers carry on.

    PostgreSQL: SHARE ROW EXCLUSIVE conflicts with itself and with every write, not with reads.
    SQLite has one write lock per database; pysqlite begins the transaction at the first write,
    and a write statement takes the lock even when it matches no row, so a no-op UPDATE does it
    (other writers wait up to the busy timeout).
    """
    columns = inspect(table).local_table
    dialect = session.get_bind().dialect
    if dialect.name == "postgresql":
        quoted = dialect.identifier_preparer.format_table(columns)
        # The name is our own model's table, quoted by the dialect; LOCK has no SQL construct.
        session.execute(text(f"LOCK TABLE {quoted} IN SHARE ROW EXCLUSIVE MODE"))
    else:
        key = next(iter(columns.primary_key.columns))
        session.execute(update(columns).where(false()).values({key.name: key}))
