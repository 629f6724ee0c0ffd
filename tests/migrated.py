"""``migrate``: the store's migrations for a test, without running Alembic once per test.

Alembic takes about 0.3 s to bring an empty store to the newest schema, and most tests start from
one. The suite runs the real migrations once per database kind and reuses their result:

* SQLite: one file is migrated, and its pages are copied into each new store with SQLite's
  backup API (a millisecond);
* PostgreSQL: the statements Alembic sent while migrating a scratch schema are recorded and sent
  again, in one transaction, to each test's empty schema (its own search_path puts them there).

A store that already has tables gets ``upgrade_database`` itself, and ``tests/store`` runs the
migrations for real on both databases.
"""

from __future__ import annotations

import atexit
import secrets
import shutil
import sqlite3
import tempfile
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.engine import Engine

from bot.store.db import create_db_engine, upgrade_database

# (statement, parameters, executemany) as the driver received them.
Recorded = tuple[str, Any, bool]


def migrate(engine: Engine) -> None:
    """Bring ``engine``'s store to the newest schema, as ``upgrade_database`` does."""
    if inspect(engine).get_table_names():
        upgrade_database(engine)  # a store already started: the real thing
    elif engine.dialect.name == "sqlite":
        _copy_migrated_sqlite(engine)
    else:
        _replay(engine, _recorded_postgres_migration(_admin_url(engine)))


def _copy_migrated_sqlite(engine: Engine) -> None:
    template = sqlite3.connect(_migrated_sqlite_file())
    try:
        with engine.connect() as connection:
            target = connection.connection.driver_connection
            assert isinstance(target, sqlite3.Connection)
            template.backup(target)
    finally:
        template.close()


@cache
def _migrated_sqlite_file() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="socialops-template-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    path = folder / "migrated.db"
    engine = create_db_engine(f"sqlite:///{path}")
    try:
        upgrade_database(engine)
    finally:
        engine.dispose()
    return path


def _admin_url(engine: Engine) -> str:
    """The server's URL without the test's search_path (the recording is per server)."""
    return engine.url.difference_update_query(["options"]).render_as_string(hide_password=False)


@cache
def _recorded_postgres_migration(admin_url: str) -> tuple[Recorded, ...]:
    schema = f"migration_record_{secrets.token_hex(4)}"
    admin = create_engine(admin_url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = create_db_engine(f"{admin_url}?options={quote(f'-csearch_path={schema}')}")
    recorded: list[Recorded] = []

    @event.listens_for(engine, "before_cursor_execute")
    def record(
        _conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, many: bool
    ) -> None:
        recorded.append((statement, parameters, many))

    try:
        upgrade_database(engine)
    finally:
        engine.dispose()
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
    return tuple(recorded)


def _replay(engine: Engine, statements: tuple[Recorded, ...]) -> None:
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        for statement, parameters, many in statements:
            if many:
                cursor.executemany(statement, parameters)
            else:
                cursor.execute(statement, parameters or None)
        connection.commit()
    finally:
        connection.close()
