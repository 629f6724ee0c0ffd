"""Claims: a row whose unique key says "this one is taken", inserted by whoever comes first.

Used for Events API deliveries (``ProcessedEvent``) and the clock's job runs (``JobRun``): several
processes may try the same key at once, and the database, not process memory, picks the winner.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import inspect
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, SQLModel


def insert_first(
    *,
    session: Session,
    table: type[SQLModel],
    values: Mapping[str, object],
) -> bool:
    """INSERT ``values`` unless a row with the same unique key exists; True when this call did.

    ON CONFLICT DO NOTHING instead of catching IntegrityError: on PostgreSQL a failed INSERT would
    poison the surrounding transaction. RETURNING, not rowcount: an ORM-enabled INSERT on psycopg
    reports no reliable rowcount, and a returned row is exactly "this call inserted it". Both
    SQLite (3.35+) and PostgreSQL speak this dialect of INSERT.
    """
    dialect = session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    key = inspect(table).primary_key
    statement = insert(table).values(**values).on_conflict_do_nothing().returning(*key)
    return session.execute(statement).first() is not None


def insert_unless_taken(
    *,
    session: Session,
    table: type[SQLModel],
    values: Mapping[str, object],
) -> object | None:
    """INSERT ``values`` unless a row already holds one of its unique keys; the new row's primary
    key when this call inserted it, else None.

    Like :func:`insert_first`, for a table whose primary key the database assigns (a draft with
    a unique import key): on PostgreSQL a racing INSERT waits for the first to commit, then does
    nothing, so the loser learns it lost without poisoning its transaction.
    """
    dialect = session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    key = inspect(table).primary_key
    statement = insert(table).values(**values).on_conflict_do_nothing().returning(*key)
    row = session.execute(statement).first()
    return None if row is None else row[0]
