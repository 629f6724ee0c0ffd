"""The store: migrations match the models, SQLite is tuned, and bad states are refused."""

from __future__ import annotations

from datetime import datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlmodel import SQLModel

import bot.store.models  # noqa: F401
from bot.services import Services
from bot.store.db import (
    SchemaOutOfDate,
    create_db_engine,
    prepare_database,
    schema_is_current,
    session_scope,
)
from bot.store.models import ProcessedEvent


def test_migrations_create_exactly_the_models(services: Services) -> None:
    with services.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    assert differences == []
    assert schema_is_current(services.engine)


def test_sqlite_is_prepared_by_the_bot_itself(tmp_path: object) -> None:
    engine = create_db_engine(f"sqlite:///{tmp_path}/fresh.db")
    assert not schema_is_current(engine)
    prepare_database(engine)
    prepare_database(engine)  # idempotent
    assert schema_is_current(engine)
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 5000
    engine.dispose()


def test_naive_datetimes_are_refused(services: Services) -> None:
    naive = ProcessedEvent(event_id="Ev1", event_type="x", received_at=datetime(2026, 1, 1))
    with session_scope(services.sessions) as session:
        session.add(naive)
        with pytest.raises(Exception, match="naive datetime"):
            session.flush()
        session.rollback()


def test_postgres_schema_must_be_upgraded_by_an_operator(services: Services) -> None:
    if services.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only: run with DATABASE_URL=postgresql+psycopg://…")
    with services.engine.begin() as connection:
        connection.execute(text("DELETE FROM alembic_version"))
    with pytest.raises(SchemaOutOfDate, match="socialops db upgrade"):
        prepare_database(services.engine)
