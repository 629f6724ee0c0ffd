"""The views bench.handoff_views times, each built the way its listener builds it.

- ``/social handoffs [scope]``: ``lists_message`` (its queries and the real Block Kit builder),
  JSON-serialised as it is sent to the command's response_url.
- The App Home of ``USER``: ``home_sections`` (the draft lists, the handoffs they own, those
  waiting in each team) and ``build_home_view`` with the app's own help entries, JSON-serialised
  as ``views.publish`` sends it.

Not timed: the HTTP calls that deliver them, and the two things the Home listener asks Slack for
before it reads the store (the approver groups and which team channels the user is in). Those are
built here without Slack: an ``ApprovalPolicy`` that makes ``USER`` an approver (so the drafts
waiting for them are queried) and ``USER`` in both team channels (both teams' lists are read).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any
from unittest import mock

from sqlalchemy import Engine, event
from sqlalchemy.engine import Connection

from bot.blocks.help import HelpEntry
from bot.blocks.home import build_home_view
from bot.commands.handoff_lists import lists_message
from bot.commands.router import SubcommandRouter
from bot.knowledge.faq_files import HANDOFF_TEAMS
from bot.runtime import app as runtime_app
from bot.services import Services
from bot.slack.home import home_sections
from bot.store.db import session_scope
from bot.workflows.drafts import ApprovalPolicy
from bot.workflows.handoffs.queries import Scope

USER = "U0OWNER1"
# Built locally (the listener asks Slack for the approver groups' members).
POLICY = ApprovalPolicy(approvers=frozenset({USER}))

Build = Callable[[Services], str]


def app_help_entries(services: Services) -> list[HelpEntry]:
    """The help entries of the app itself: ``create_app`` run without Slack (no token check),
    its router caught as it is made, so the Home's help is the real one, not a stand-in."""
    made: list[SubcommandRouter] = []

    class Caught(SubcommandRouter):
        def __init__(self) -> None:
            super().__init__()
            made.append(self)

    with mock.patch.object(runtime_app, "SubcommandRouter", Caught):
        runtime_app.create_app(services.settings, services, verify_token=False)
    [router] = made
    return router.help_entries()


def handoffs_command(scope: Scope | None) -> Build:
    """``/social handoffs [scope]`` as its listener answers it (after the ack)."""

    def build(services: Services) -> str:
        return json.dumps(lists_message(services, USER, scope, None))

    return build


def app_home(help_entries: Sequence[HelpEntry]) -> Build:
    """``publish_home`` for ``USER`` with the Slack lookups replaced by local answers."""
    teams = tuple(HANDOFF_TEAMS)

    def build(services: Services) -> str:
        with session_scope(services.sessions) as session:
            sections = home_sections(session, services, USER, POLICY, teams)
        view = build_home_view(sections, help_entries)
        return json.dumps({"user_id": USER, "view": view})

    return build


def views(services: Services) -> dict[str, Build]:
    built: dict[str, Build] = {"/social handoffs": handoffs_command(None)}
    built |= {f"/social handoffs {scope.value}": handoffs_command(scope) for scope in Scope}
    built["App Home"] = app_home(app_help_entries(services))
    return built


@contextmanager
def recorded(engine: Engine) -> Iterator[list[tuple[str, Any]]]:
    """The SQL statements (with their parameters) run on ``engine`` while inside."""
    statements: list[tuple[str, Any]] = []

    def record(
        conn: Connection, cursor: object, sql: str, params: Any, context: object, many: bool
    ) -> None:
        statements.append((sql, params))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


_INDEX = re.compile(
    r"(?:USING (?:COVERING )?INDEX|Index (?:Only )?Scan(?: Backward)? using|Index Scan on) (\w+)"
)


def plan(services: Services, build: Build) -> str:
    """The index the database picks for each query a view runs on the handoff table, read from
    the query plans of the statements the build actually ran: ``index (page+count)``; a query
    that uses none shows its plan's first words (say ``SCAN handoff``: newest first by id)."""
    with recorded(services.engine) as statements:
        build(services)
    dialect = services.engine.dialect.name
    prefix = "EXPLAIN QUERY PLAN " if dialect == "sqlite" else "EXPLAIN "
    used: dict[str, list[str]] = {}
    with services.engine.connect() as connection:
        for sql, params in statements:
            if not re.search(r"\bFROM handoff\b", sql):
                continue
            kind = "count" if "count(" in sql.lower() else "page"
            rows = connection.exec_driver_sql(prefix + sql, params).all()
            shown = " ".join(str(row[-1]) for row in rows)
            for name in _INDEX.findall(shown) or [shown[:40].strip()]:
                kinds = used.setdefault(name, [])
                if kind not in kinds:
                    kinds.append(kind)
    return "; ".join(f"{name} ({'+'.join(kinds)})" for name, kinds in used.items()) or "—"
