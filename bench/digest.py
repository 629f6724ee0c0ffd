"""How fast one digest's figures are built as the store grows: 10k, 100k and 1M rows over a year.

    python -m bench.digest                                   # 10k, 100k and 1M rows, SQLite
    python -m bench.digest --sizes 2000,20000 --runs 5       # a quick look
    python -m bench.digest --database-url postgresql+psycopg://…/scratch   # an EMPTY one

For each size a fresh store (the project's migrations) is filled with a year of activity
(bench/digest_fill.py): drafts moved through approval with their audit entries, handoffs opened,
claimed (some late), resolved or bounced, reply suggestions (answered from the FAQ, from a
template, or abstained; some sent for approval as reply drafts; a fifth without a stored mood,
so the figures read it from the text) and FAQ gaps. "Rows" are the sum over those tables; the
split is printed. Activity is spread evenly, so a bigger store also has a busier day: the window
of the digest holds about rows/365 of it.

Timed, each in its own session as the digest's composition opens one: ``build_figures`` for the
daily digest due at 09:00 Europe/Berlin on 2026-11-30 (window: the 24 hours before, "now" = the
due moment) and ``daily_rows`` for the 7 local days before it (the chart's history). Each is run
once untimed, then ``--runs`` times; median and p95 per size, and beside them each size's time
and data as a multiple of the smallest size's (the in-run baseline: growth far slower than the
data means the window queries are indexed). Last column: ``daily_rows`` over the whole year,
run once (a year's ``socialops report``: 365 windows). Then one line per distinct query the two
ran, from its plan: the indexes it searches, or ``SCAN <table>`` when it reads a table whole.

Before timing, the figures over the whole year (and the 7 days' rows) are checked against what
the fill wrote (bench/digest_check.py): a mismatch is printed and the exit status says so.

Goal: on SQLite at 1M rows, ``build_figures`` + ``daily_rows`` at most 1 s (p95 each, summed).
Exit status: 0 goal met (or no 1M SQLite size run), 1 missed, 2 a figure that disagrees with the
fill or a database that was not empty.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, text
from sqlmodel import Session, SQLModel

from bench.digest_check import figures_mismatches, history_mismatches
from bench.digest_fill import END, START, TABLES, Truth, fill, split
from bench.digest_plans import QueryPlan, plans
from bot.store.db import create_db_engine, make_session_factory, session_scope, upgrade_database
from bot.workflows.digests.figures import build_figures
from bot.workflows.digests.history import daily_rows

DEFAULT_SIZES = (10_000, 100_000, 1_000_000)
GOAL_ROWS = 1_000_000
GOAL_MS = 1000.0
TIMEZONE = "Europe/Berlin"
DAILY = timedelta(hours=24)


@dataclass
class Size:
    rows: int
    truth: Truth
    fill_seconds: float
    in_window: int  # the fill's events in the digest's 24 hours
    figures_ms: list[float]
    history_ms: list[float]
    year_ms: float  # daily_rows over the whole year, once: a year's `socialops report`
    plans: list[QueryPlan]
    wrong: list[str]


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20, method="inclusive")[-1]


def timed(build: Callable[[], object], runs: int) -> list[float]:
    build()  # untimed: the statement cache and the database's pages warm, as in a running bot
    samples = []
    for _ in range(runs):
        began = time.perf_counter()
        build()
        samples.append((time.perf_counter() - began) * 1000)
    return samples


@contextmanager
def fresh_store(url: str | None) -> Iterator[Engine]:
    """A migrated, empty store: a new SQLite file, or ``url`` emptied again afterwards."""
    with tempfile.TemporaryDirectory(prefix="socialops-bench-") as folder:
        engine = create_db_engine(url or f"sqlite:///{Path(folder) / 'digest.db'}")
        try:
            upgrade_database(engine)
            yield engine
            if url is not None:
                with engine.begin() as connection:
                    # Only what the bench wrote: main found every table of the store empty.
                    names = ", ".join(TABLES)
                    connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        finally:
            engine.dispose()


def is_empty(url: str) -> bool:
    engine = create_db_engine(url)
    try:
        upgrade_database(engine)
        with engine.connect() as connection:
            return all(
                connection.execute(text(f"SELECT 1 FROM {table} LIMIT 1")).first() is None  # noqa: S608 (our own table names)
                for table in SQLModel.metadata.tables
            )
    finally:
        engine.dispose()


def measure(url: str | None, rows: int, runs: int, tz: ZoneInfo) -> Size:
    last_day = END.astimezone(tz).date() - timedelta(days=1)
    first_day = last_day - timedelta(days=6)
    with fresh_store(url) as engine:
        began = time.perf_counter()
        with engine.begin() as connection:
            truth = fill(connection, rows)
        with engine.begin() as connection:
            # Fresh statistics, as autovacuum (PostgreSQL) or a routine ANALYZE keeps them.
            connection.execute(text("ANALYZE"))
        fill_seconds = time.perf_counter() - began
        print(f"{rows:,} rows: {split(truth)}; filled in {fill_seconds:.1f} s", file=sys.stderr)
        sessions = make_session_factory(engine)

        def in_session(work: Callable[[Session], object]) -> Callable[[], object]:
            def build() -> object:
                with session_scope(sessions) as session:
                    return work(session)

            return build

        digest = in_session(
            lambda s: build_figures(session=s, start=END - DAILY, end=END, now=END, tz=tz)
        )
        history = in_session(
            lambda s: daily_rows(session=s, first_day=first_day, last_day=last_day, tz=tz, now=END)
        )
        with session_scope(sessions) as session:
            year = build_figures(session=session, start=START, end=END, now=END, tz=tz)
            days = daily_rows(
                session=session, first_day=first_day, last_day=last_day, tz=tz, now=END
            )
        wrong = figures_mismatches(year, truth, tz) + history_mismatches(days, truth, tz)
        figures_ms = timed(digest, runs)
        history_ms = timed(history, runs)
        year_first = (START + DAILY).astimezone(tz).date()
        began = time.perf_counter()
        with session_scope(sessions) as session:
            daily_rows(session=session, first_day=year_first, last_day=last_day, tz=tz, now=END)
        year_ms = (time.perf_counter() - began) * 1000
        explained = plans(engine, {"build_figures": digest, "daily_rows": history})
    in_window = sum(1 for at, _ in truth.events if END - DAILY <= at < END)
    return Size(
        rows, truth, fill_seconds, in_window, figures_ms, history_ms, year_ms, explained, wrong
    )


def report(sizes: list[Size], dialect: str, runs: int) -> bool:
    """Prints the table and the plans; True when the goal is met (or not measured)."""
    base = sizes[0]
    print(
        f"\nOne digest's figures and the 7-day history ({dialect}; {runs} builds each;"
        f" x = multiple of the {base.truth.total:,}-row store)"
    )
    print(
        "| rows | data x | events in the 24 h | build_figures p50 ms | p95 ms | time x |"
        " daily_rows (7 days) p50 ms | p95 ms | time x | daily_rows (the year, once) ms |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for size in sizes:
        f50, h50 = statistics.median(size.figures_ms), statistics.median(size.history_ms)
        base_f, base_h = statistics.median(base.figures_ms), statistics.median(base.history_ms)
        print(
            f"| {size.truth.total:,} | {size.truth.total / base.truth.total:.1f} |"
            f" {size.in_window:,} | {f50:.1f} | {p95(size.figures_ms):.1f} | {f50 / base_f:.1f} |"
            f" {h50:.1f} | {p95(size.history_ms):.1f} | {h50 / base_h:.1f} | {size.year_ms:,.0f} |"
        )
    print("\nRows per table:")
    for size in sizes:
        print(f"- {size.truth.total:,}: {split(size.truth)} (filled in {size.fill_seconds:.1f} s)")
    largest = sizes[-1]
    print(f"\nQuery plans at {largest.truth.total:,} rows ({dialect}):")
    for plan in largest.plans:
        print(plan.line())
    for size in sizes[:-1]:
        for plan in size.plans:
            if plan.scans:
                print(f"at {size.truth.total:,} rows: {plan.line()}")
    scanning = sum(plan.scans for size in sizes for plan in size.plans)
    print(
        "no plan reads a table whole"
        if not scanning
        else f"{scanning} plan(s) read a table whole: the SCAN lines above"
    )
    for size in sizes:
        for line in size.wrong:
            print(f"MISMATCH at {size.truth.total:,} rows: {line}")
    if not any(size.wrong for size in sizes):
        print("figures over the whole year and the 7 days match the fill at every size")
    measured = [s for s in sizes if dialect == "sqlite" and s.rows >= GOAL_ROWS]
    if not measured:
        return True
    met = all(p95(s.figures_ms) + p95(s.history_ms) <= GOAL_MS for s in measured)
    worst = max(p95(s.figures_ms) + p95(s.history_ms) for s in measured)
    print(
        f"goal: build_figures + daily_rows p95 <= {GOAL_MS:.0f} ms at"
        f" {GOAL_ROWS:,} rows on SQLite: {'met' if met else 'MISSED'} ({worst:.0f} ms)"
    )
    return met


def sizes_arg(value: str) -> list[int]:
    try:
        sizes = sorted({int(part.replace("_", "")) for part in value.split(",") if part.strip()})
    except ValueError:
        raise argparse.ArgumentTypeError("sizes are row counts: --sizes 10000,100000") from None
    if not sizes or sizes[0] < 100:
        raise argparse.ArgumentTypeError("give at least one size of 100 rows or more")
    return sizes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "--sizes",
        type=sizes_arg,
        default=list(DEFAULT_SIZES),
        help="row counts, comma-separated; the smallest is the baseline (default 10k,100k,1M)",
    )
    parser.add_argument("--runs", type=int, default=20, help="timed builds per size and query")
    parser.add_argument(
        "--database-url",
        help="an EMPTY scratch database (e.g. PostgreSQL); default: temporary SQLite files",
    )
    args = parser.parse_args(argv)
    if args.runs < 2:
        parser.error("--runs must be 2 or more (a p95 needs samples)")
    if args.database_url is not None and not is_empty(args.database_url):
        print("that database already has rows: give the bench an empty one", file=sys.stderr)
        return 2
    tz = ZoneInfo(TIMEZONE)
    sizes = [measure(args.database_url, rows, args.runs, tz) for rows in args.sizes]
    dialect = "sqlite" if args.database_url is None else args.database_url.split(":")[0]
    met = report(sizes, dialect.split("+")[0], args.runs)
    if any(size.wrong for size in sizes):
        return 2
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
