"""``migrate``: the store's migrations for a test, without running them once per test on SQLite.

Alembic takes about 0.3 s to apply the migrations to an empty store, and most tests start from
one. On SQLite the suite migrates one file the first time and copies its pages into each new
store with SQLite's backup API (a millisecond). PostgreSQL schemas are migrated by Alembic as
before. ``tests/store`` still runs the migrations themselves, on both databases.
"""

from __future__ import annotations

import atexit
import shutil
import sqlite3
import tempfile
from functools import cache
from pathlib import Path

from sqlalchemy import inspect
from sqlalchemy.engine import Engine

from bot.store.db import create_db_engine, upgrade_database


def migrate(engine: Engine) -> None:
    """Bring ``engine``'s store to the newest schema, as ``upgrade_database`` does."""
    if engine.dialect.name != "sqlite" or inspect(engine).get_table_names():
        upgrade_database(engine)  # PostgreSQL, or a store already started: the real thing
        return
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
