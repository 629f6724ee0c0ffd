"""Engine, sessions and schema migrations for the store.

SQLite is the zero-setup default; PostgreSQL takes over when ``DATABASE_URL`` says so. Nothing here
is module-level state: callers build an engine with :func:`create_db_engine` and pass it on.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

log = logging.getLogger(__name__)

# The migrations ship inside the package (bot/store/migrations), so an installed wheel can
# upgrade its own database; nothing here reads the project checkout.
MIGRATIONS = resources.files("bot.store") / "migrations"

SQLITE_BUSY_TIMEOUT_MS = 5000


class SchemaOutOfDate(Exception):
    """The database is behind the code's migrations; an operator runs ``socialops db upgrade``."""


def create_db_engine(database_url: str) -> Engine:
    """An engine tuned for the backend: SQLite gets WAL, a busy timeout and foreign keys."""
    if database_url.startswith("sqlite"):
        engine = create_engine(
            database_url,
            # Sessions are per listener call, but bolt runs listeners on a thread pool, so the pooled
            # connection may be used from a thread other than the one that opened it.
            connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
        )
        event.listen(engine, "connect", _configure_sqlite_connection)
        return engine
    return create_engine(database_url, pool_pre_ping=True, pool_size=5, max_overflow=10)


def _configure_sqlite_connection(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets readers and one writer work at once, which several web processes need.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


SessionFactory = Callable[[], Session]


def make_session_factory(engine: Engine) -> SessionFactory:
    """A factory of fresh sessions; each listener call opens its own and never shares it."""

    def open_session() -> Session:
        # Objects stay readable after commit, so a workflow can return what it saved.
        return Session(engine, expire_on_commit=False)

    return open_session


@contextmanager
def session_scope(sessions: SessionFactory) -> Iterator[Session]:
    """A session that commits when the block succeeds and rolls back when it raises."""
    session = sessions()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def _alembic_config(engine: Engine) -> Config:
    config = Config()
    # A wheel installs as plain files, so the traversable is a real folder alembic can scan.
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade_database(engine: Engine) -> None:
    """Apply every migration up to head; safe to run on an up-to-date database."""
    command.upgrade(_alembic_config(engine), "head")


def schema_is_current(engine: Engine) -> bool:
    """Whether the database is at the newest migration."""
    current, heads = _schema_versions(engine)
    return current == heads


def _schema_versions(engine: Engine) -> tuple[set[str], set[str]]:
    """(the database's migration heads, the code's)."""
    heads = set(ScriptDirectory.from_config(_alembic_config(engine)).get_heads())
    with engine.connect() as connection:
        current = set(MigrationContext.configure(connection).get_current_heads())
    return current, heads


def schema_problem(engine: Engine) -> str | None:
    """What stops the bot using this store's schema, ending in what to run; None when current."""
    current, heads = _schema_versions(engine)
    if current == heads:
        return None
    if not current:
        return "the database has no schema yet: run `socialops db upgrade` first"
    return "the database schema is out of date: run `socialops db upgrade` first"


def sqlite_file(engine: Engine) -> Path | None:
    """The file a SQLite engine opens (None for PostgreSQL): connecting would create it."""
    if engine.dialect.name != "sqlite":
        return None
    return Path(engine.url.database or "")


def database_error(engine: Engine) -> str | None:
    """Why the store does not answer a trivial query, in one line; None when it does.

    A SQLite file that does not exist yet is not opened (that would create it).
    """
    missing = sqlite_file(engine)
    if missing is not None and not missing.is_file():
        return f"there is no database file at {missing} yet"
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        origin = getattr(error, "orig", None) or error
        return (str(origin).strip().splitlines() or [type(origin).__name__])[0]
    return None


def require_schema(engine: Engine) -> None:
    """For commands that only read or export the store: refuse, in one line, a store without the
    current schema, and never create a SQLite file on the way (only migrations do)."""
    file = sqlite_file(engine)
    if file is not None and not file.is_file():
        raise SchemaOutOfDate(
            f"there is no database at {file} yet: run `socialops db upgrade` first"
        )
    problem = schema_problem(engine)
    if problem is not None:
        raise SchemaOutOfDate(problem)


def prepare_database(engine: Engine) -> None:
    """Make the store ready for the bot.

    A SQLite file is the bot's own, so it upgrades it itself. A shared PostgreSQL database is
    upgraded by an operator (``socialops db upgrade``, e.g. a release phase), so that several web
    processes never race to migrate; here we only refuse to run against an old schema.
    """
    if engine.dialect.name == "sqlite":
        upgrade_database(engine)
        return
    problem = schema_problem(engine)
    if problem is not None:
        raise SchemaOutOfDate(problem)


def database_answers(engine: Engine) -> bool:
    """Whether the store answers a trivial query (the health check)."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError:
        log.warning("health check: the database did not answer", exc_info=True)
        return False
    return True
