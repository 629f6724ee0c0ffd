"""Which index each digest query uses: the statements a build really ran, explained.

The statements are caught as they are sent (``bench.handoff_builds.recorded``), duplicates (the
same query for another day of the history, maybe with a longer list of ids) explained once, with the parameters they ran with:
``EXPLAIN QUERY PLAN`` on SQLite, ``EXPLAIN`` on PostgreSQL. Each gives one line: the indexes
its plan searches, or ``SCAN <table>`` for a table read whole (also a whole index walked with no
range: that reads every row too).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlmodel import SQLModel

from bench.handoff_builds import recorded

# SQLite: "SEARCH t USING INDEX ix (a=? AND b>?)", "SEARCH t USING INTEGER PRIMARY KEY (rowid=?)",
# "SCAN t", "SCAN t USING COVERING INDEX ix" (a walk of the whole index).
_SQLITE = re.compile(
    r"^(?P<how>SEARCH|SCAN) (?P<table>\w+)"
    r"(?: USING (?:(?:COVERING )?INDEX (?P<index>\w+)|(?P<pk>INTEGER PRIMARY KEY)))?"
)
# PostgreSQL: "Index Scan using ix on t", "Index Only Scan Backward using ix on t",
# "Bitmap Index Scan on ix", "Seq Scan on t".
_PG_INDEX = re.compile(r"(?:Index (?:Only )?Scan(?: Backward)? using|Bitmap Index Scan on) (\w+)")
_PG_SEQ = re.compile(r"Seq Scan on (\w+)")
# psycopg's placeholders, shown as SQLite's: %(created_at_1)s::TIMESTAMP WITH TIME ZONE → ?
_PARAM = re.compile(r"%\(\w+\)s(?:::(?:TIMESTAMP WITH TIME ZONE|[A-Z]+))?")
_IN_LIST = re.compile(r"IN \(\?(?:, \?)*\)")


@dataclass(frozen=True)
class QueryPlan:
    builder: str  # "build_figures" or "daily_rows"
    number: int  # its order among the builder's distinct statements
    sql: str
    uses: tuple[str, ...]  # index names, "t primary key", or "SCAN t"

    @property
    def scans(self) -> bool:
        return any(use.startswith("SCAN ") for use in self.uses)

    def line(self) -> str:
        shown = _from_onwards(shape(self.sql))
        if len(shown) > 110:
            shown = shown[:109] + "…"
        used = ", ".join(self.uses) or "no table read"
        return f"{self.builder} q{self.number}: {used} | {shown}"


def shape(sql: str) -> str:
    """The statement on one line, placeholders as ``?`` and a list of them as ``IN (…)``: the
    same query for another day (a longer list of ids) has the same shape."""
    return _IN_LIST.sub("IN (…)", _PARAM.sub("?", " ".join(sql.split())))


def _from_onwards(sql: str) -> str:
    """The statement from its own FROM (not a subquery's): what it reads and how it filters."""
    depth = 0
    for at, char in enumerate(sql):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0 and sql.startswith(" FROM ", at):
            return sql[at + 1 :]
    return sql


def _sqlite_uses(details: list[str]) -> list[str]:
    tables = SQLModel.metadata.tables
    uses = []
    for detail in details:
        match = _SQLITE.match(detail)
        # SQLite names a table by its alias: audit_entry_1 is audit_entry read a second time.
        table = match and re.sub(r"_\d+$", "", match["table"])
        if match is None or table not in tables:
            continue  # a temporary b-tree, a subquery, a constant row
        if match["how"] == "SEARCH":
            uses.append(match["index"] or f"{table} primary key")
        elif match["index"]:
            uses.append(f"SCAN {table} (all of {match['index']})")
        else:
            uses.append(f"SCAN {table}")
    return uses


def _pg_uses(lines: list[str]) -> list[str]:
    uses = []
    for line in lines:
        uses += _PG_INDEX.findall(line)
        uses += [f"SCAN {table}" for table in _PG_SEQ.findall(line)]
    return uses


def plans(engine: Engine, builds: dict[str, Callable[[], object]]) -> list[QueryPlan]:
    """Run each build once, then explain every distinct statement it sent."""
    caught: list[tuple[str, str, object]] = []
    for builder, build in builds.items():
        with recorded(engine) as statements:
            build()
        seen: set[str] = set()
        for sql, params in statements:
            if shape(sql) not in seen and sql.lstrip().upper().startswith(("SELECT", "WITH")):
                seen.add(shape(sql))
                caught.append((builder, sql, params))
    sqlite = engine.dialect.name == "sqlite"
    prefix = "EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN "
    found: list[QueryPlan] = []
    numbers: dict[str, int] = {}
    with engine.connect() as connection:
        for builder, sql, params in caught:
            rows = connection.exec_driver_sql(prefix + sql, params).all()  # type: ignore[arg-type]
            details = [str(row[-1]) for row in rows]
            uses = _sqlite_uses(details) if sqlite else _pg_uses(details)
            numbers[builder] = numbers.get(builder, 0) + 1
            unique = tuple(dict.fromkeys(uses))
            found.append(QueryPlan(builder, numbers[builder], sql, unique))
    return found
