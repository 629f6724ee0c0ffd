"""Shared fixtures: a store per test (SQLite file, or a PostgreSQL schema when DATABASE_URL says so),
the Slack emulator, and the bot served on loopback behind a signed-request client."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bot.runtime.app import create_app
from bot.runtime.tracked_executor import TrackedExecutor
from bot.runtime.web import create_wsgi_app
from bot.services import Services
from bot.settings import load_settings
from slack_emulator.emulator import SlackEmulator
from slack_emulator.local_server import LocalWSGIServer
from slack_emulator.signed_client import SignedSlackClient
from tests.harness import SIGNING_SECRET, RunningBot, bot_settings
from tests.migrated import migrate


def _configured_postgres_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith("postgresql") else None


def pytest_sessionstart(session: pytest.Session) -> None:
    """A run meant for PostgreSQL that finds no server fails here, in one line.

    Skipping instead let `DATABASE_URL=postgresql… pytest` with the server down exit 0 with
    every store test skipped, which reads as green in CI and on a laptop alike.
    """
    url = _configured_postgres_url()
    if url is None:
        return
    reason = _postgres_error(_psycopg_url(url))
    if reason is not None:
        shown = make_url(_psycopg_url(url)).render_as_string()
        pytest.exit(
            f"DATABASE_URL names PostgreSQL at {shown}, which did not answer ({reason}); "
            "start it (see .ci/postgres.sh) or unset DATABASE_URL to run on SQLite",
            returncode=pytest.ExitCode.USAGE_ERROR,
        )


def _psycopg_url(url: str) -> str:
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


def _postgres_error(url: str) -> str | None:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:  # any failure to reach or use it means the run cannot go on
        origin = getattr(exc, "orig", None) or exc
        return (str(origin).strip().splitlines() or [type(origin).__name__])[0]
    finally:
        engine.dispose()
    return None


@pytest.fixture(scope="session")
def postgres_admin_url() -> str | None:
    """The PostgreSQL server the suite runs against (checked at session start), or None for SQLite."""
    url = _configured_postgres_url()
    return None if url is None else _psycopg_url(url)


def pytest_report_header(config: pytest.Config) -> str:
    url = _configured_postgres_url()
    if url is None:
        return (
            "socialops store: SQLite (set DATABASE_URL=postgresql+psycopg://… to run on PostgreSQL)"
        )
    return f"socialops store: PostgreSQL at {make_url(url).render_as_string()}"


@pytest.fixture
def database_url(tmp_path: Path, postgres_admin_url: str | None) -> Iterator[str]:
    """An empty database for one test: a SQLite file, or a fresh PostgreSQL schema."""
    if postgres_admin_url is None:
        yield f"sqlite:///{tmp_path / 'socialops-test.db'}"
        return
    schema = f"test_{secrets.token_hex(6)}"
    admin = create_engine(postgres_admin_url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in postgres_admin_url else "?"
    # search_path puts the test's tables (and Alembic's version table) in its own schema.
    yield f"{postgres_admin_url}{separator}options={quote(f'-csearch_path={schema}')}"
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture
def services(database_url: str) -> Iterator[Services]:
    """Services on a migrated, empty store, with no Slack settings."""
    settings = load_settings(_env_file=None, database_url=database_url)
    built = Services.build(settings)
    migrate(built.engine)
    yield built
    built.close()


@pytest.fixture
def emulator() -> Iterator[SlackEmulator]:
    with SlackEmulator() as running:
        yield running


# Only a guard against a hung listener: a test whose bot is done tears down at once.
LISTENERS_TIMEOUT = 60.0


@contextmanager
def running_bot(
    emulator: SlackEmulator, database_url: str, **overrides: object
) -> Iterator[RunningBot]:
    """The bot served on loopback, with settings ``overrides`` (e.g. an approvals channel)."""
    settings = bot_settings(emulator, database_url, **overrides)
    services = Services.build(settings)
    migrate(services.engine)
    listeners = TrackedExecutor()
    app = create_app(settings, services, listener_executor=listeners)
    try:
        with LocalWSGIServer(create_wsgi_app(app, services)) as server:
            client = SignedSlackClient(
                server.events_url, SIGNING_SECRET, response_url_factory=emulator.new_response_url
            )
            yield RunningBot(slack=client, emulator=emulator, services=services, server=server)
    finally:
        # The listeners' work after the ack (a card redrawn, a notice) may still be running when
        # the test ends. It must finish before the store goes: a PostgreSQL schema dropped under
        # a listener's open transaction deadlocked the teardown.
        idle = listeners.wait_idle(timeout=LISTENERS_TIMEOUT)
        listeners.shutdown(wait=idle)
        services.close()
        assert idle, f"the bot was still working {LISTENERS_TIMEOUT:.0f} s after the test"


@pytest.fixture
def bot(emulator: SlackEmulator, database_url: str) -> Iterator[RunningBot]:
    with running_bot(emulator, database_url) as running:
        yield running


# The approvals set-up of the emulated workspace: jonas approves, priya is the admin and (for
# risky topics) the risk approver, maria writes.
APPROVAL_SETTINGS: dict[str, object] = {
    "approvals_channel": "C0APPROVALS",
    "approvers": ["U0APPROVER"],
    "risk_approvers": ["U0ADMIN"],
    "admins": ["U0ADMIN"],
    "brand_domains": ["example.com"],
    "banned_words": ["guaranteed"],
}


@pytest.fixture
def approvals_bot(emulator: SlackEmulator, database_url: str) -> Iterator[RunningBot]:
    with running_bot(emulator, database_url, **APPROVAL_SETTINGS) as running:
        yield running
