"""How fast `/social handoffs` and the App Home are built with many handoffs in the store.

    python -m bench.handoff_views                 # 100,000 handoffs in a fresh SQLite file
    python -m bench.handoff_views --rows 10000    # a quick look
    python -m bench.handoff_views --database-url postgresql+psycopg://…/scratch   # an empty one
    python -m bench.handoff_views --live-per-team 5   # only the newest few live, the rest closed

Seeds handoffs spread over both teams, five owners and every state (most closed, as in a team
that has used it for a year), then times each view as its listener builds it
(bench/handoff_builds.py): ``/social handoffs`` with and without a scope (``lists_message``: its
queries, the real Block Kit builder, the JSON sent to the response_url) and the App Home of an
owner who is an approver and in both team channels (``home_sections`` + ``build_home_view``, the
JSON ``views.publish`` sends). Each build opens its own session, as the listener does. Not timed:
the HTTP calls, and the Home's two Slack lookups (approver groups, team channel members), answered
locally instead. The store holds no drafts, so the Home's draft queries run but find nothing.
With ``--live-per-team N`` only the newest N open and N claimed handoffs of each team stay live
(the claimed ones owned by the user whose views are built) and every other one is resolved: a
team that keeps up, where a list has fewer live rows than a page holds, so a plan that walks
the table newest first and filters finds no early stop.
Side by side in the same run, the same views with the handoff indexes dropped: the baseline says
what the indexes buy, and the query plans of the statements each build ran name the indexes
that serve it.

Goal: p95 at most 50 ms to build either view. Exit status: 0 goal met, 1 missed.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, insert, text
from sqlmodel import select

from bench.handoff_builds import USER, Build, plan, views
from bot.core.clock import system_clock
from bot.services import Services
from bot.settings import load_settings
from bot.store.db import create_db_engine, make_session_factory, session_scope, upgrade_database
from bot.store.models import Handoff
from slack_emulator.emulator_state import SUPPORT_CHANNEL_ID

GOAL_P95_MS = 50.0
OWNERS = tuple(f"U0OWNER{i}" for i in range(5))
INDEXES = ("ix_handoff_team_state_id", "ix_handoff_owner_state_id", "ix_handoff_state_id")
START = datetime(2025, 12, 1, tzinfo=UTC)


def seed(engine: Engine, rows: int, *, seed_value: int = 11) -> None:
    """``rows`` handoffs: 80% closed, 10% claimed, 10% open; both teams; newest last."""
    rng = random.Random(seed_value)
    batch: list[dict[str, Any]] = []
    with engine.begin() as connection:
        for number in range(rows):
            at = START + timedelta(minutes=5 * number)
            roll = rng.random()
            state = "resolved" if roll < 0.7 else "bounced" if roll < 0.8 else "claimed"
            if roll >= 0.9:
                state = "open"
            owner = rng.choice(OWNERS) if state != "open" else None
            batch.append(
                {
                    "team": rng.choice(("support", "sales")),
                    "state": state,
                    "version": 2,
                    "priority": rng.choice(("normal", "normal", "high", "urgent")),
                    "summary": f"Customer {number} needs a hand with order {number * 7}",
                    "customer_text": f"@customer{number} my order {number * 7} arrived broken",
                    "customer_handle": f"@customer{number}",
                    "network": "x",
                    "source_channel": "C0SOCIAL",
                    "source_ts": f"{1_700_000_000 + number}.000100",
                    "source_key": None if state == "bounced" else f"C0SOCIAL:{number}",
                    "route_reason": "matched 'broken'",
                    "mood": "upset",
                    "mood_words": "broken",
                    "requested_by": "U0AUTHOR",
                    "owner_id": owner,
                    "packet_channel": "C0SUPPORT",
                    "packet_ts": f"{1_700_000_000 + number}.000200",
                    "packet_version": 2,
                    "claim_due_at": at + timedelta(hours=1),
                    "remind_at": at + timedelta(minutes=45),
                    "created_at": at,
                    "updated_at": at,
                }
            )
            if len(batch) == 5_000:
                connection.execute(insert(Handoff), batch)
                batch = []
        if batch:
            connection.execute(insert(Handoff), batch)


def keep_live(engine: Engine, per_team: int) -> None:
    """Resolve every live handoff but the newest ``per_team`` open and ``per_team`` claimed (by
    ``USER``) of each team."""
    with engine.begin() as connection:
        connection.execute(
            text("UPDATE handoff SET state = 'resolved' WHERE state IN ('open', 'claimed')")
        )
        for team in ("support", "sales"):
            for state, owner, skip in (("open", None, 0), ("claimed", USER, per_team)):
                connection.execute(
                    text(
                        "UPDATE handoff SET state = :state, owner_id = :owner WHERE id IN"
                        " (SELECT id FROM handoff WHERE team = :team AND state = 'resolved'"
                        " ORDER BY id DESC LIMIT :n OFFSET :skip)"
                    ),
                    {"state": state, "owner": owner, "team": team, "n": per_team, "skip": skip},
                )


def timings(services: Services, build: Build, runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        began = time.perf_counter()
        build(services)
        samples.append((time.perf_counter() - began) * 1000)
    return samples


def bench_services(engine: Engine) -> Services:
    """The app's services on the bench's engine; both team channels set (the Home reads both)."""
    settings = load_settings(
        _env_file=None,
        database_url=engine.url.render_as_string(hide_password=False),
        slack_bot_token="xoxb-bench",  # noqa: S106 (never sent: no Slack call is made)
        slack_signing_secret="bench-signing-secret",  # noqa: S106
        support_channel=SUPPORT_CHANNEL_ID,
        sales_channel="C0SALES",
    )
    return Services(
        settings=settings,
        engine=engine,
        sessions=make_session_factory(engine),
        clock=system_clock,
    )


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1]


@contextmanager
def database(url: str | None) -> Iterator[Engine]:
    with tempfile.TemporaryDirectory(prefix="socialops-bench-") as folder:
        engine = create_db_engine(url or f"sqlite:///{Path(folder) / 'handoffs.db'}")
        try:
            yield engine
        finally:
            engine.dispose()


def drop_indexes(engine: Engine) -> None:
    with engine.begin() as connection:
        for name in INDEXES:
            connection.execute(text(f"DROP INDEX {name}"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=200, help="builds per view and variant")
    parser.add_argument(
        "--live-per-team",
        type=int,
        metavar="N",
        help="keep only the newest N open and N claimed handoffs of each team live",
    )
    parser.add_argument(
        "--database-url",
        help="an EMPTY scratch database (e.g. PostgreSQL); default: a temporary SQLite file",
    )
    args = parser.parse_args()
    with database(args.database_url) as engine:
        upgrade_database(engine)
        with session_scope(make_session_factory(engine)) as session:
            if session.exec(select(Handoff.id).limit(1)).first() is not None:
                print("that database already has handoffs: give the bench an empty one")
                return 2
        began = time.perf_counter()
        seed(engine, args.rows)
        print(
            f"seeded {args.rows:,} handoffs in {time.perf_counter() - began:.1f} s", file=sys.stderr
        )
        if args.live_per_team is not None:
            keep_live(engine, args.live_per_team)
        with engine.begin() as connection:
            # Fresh statistics, as autovacuum (PostgreSQL) or a routine ANALYZE would keep them.
            connection.execute(text("ANALYZE"))
        services = bench_services(engine)
        built = views(services)
        plans = {name: plan(services, build) for name, build in built.items()}
        indexed = {name: timings(services, build, args.runs) for name, build in built.items()}
        drop_indexes(engine)
        bare = {
            name: timings(services, build, max(args.runs // 10, 5)) for name, build in built.items()
        }
    live = (
        "1 in 5 live"
        if args.live_per_team is None
        else f"live: the newest {args.live_per_team} open and {args.live_per_team} claimed per team"
    )
    print(
        f"\nBuilding each view with {args.rows:,} handoffs ({engine.dialect.name}; {live}),"
        f" {args.runs} builds"
    )
    print("| view | p50 ms | p95 ms | p95 without the indexes | indexes used |")
    print("|---|---:|---:|---:|---|")
    met = True
    for name in built:
        ours, without = indexed[name], bare[name]
        met = met and p95(ours) <= GOAL_P95_MS
        print(
            f"| {name} | {statistics.median(ours):.1f} | {p95(ours):.1f} | {p95(without):.1f}"
            f" | {plans[name]} |"
        )
    print(f"\ngoal p95 <= {GOAL_P95_MS:.0f} ms: {'met' if met else 'MISSED'}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
