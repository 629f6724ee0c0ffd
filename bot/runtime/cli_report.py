"""``socialops report``: the digest's figures per local day, as CSV or JSON on standard output."""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime
from typing import Annotated, Literal, cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import typer

from bot.runtime.cli_support import EXIT_USAGE, fail, settings_for

MAX_DAYS = 366  # a year, leap or not: one report per year for the spreadsheet


def report(
    since: Annotated[str, typer.Option("--since", help="The first day (YYYY-MM-DD).")],
    until: Annotated[
        str | None,
        typer.Option("--until", help="The last day (YYYY-MM-DD), included; default today."),
    ] = None,
    format: Annotated[str, typer.Option("--format", help="csv or json.")] = "csv",
    timezone: Annotated[
        str | None,
        typer.Option(
            "--timezone", help="The IANA zone whose days are counted; default SOCIALOPS_TIMEZONE."
        ),
    ] = None,
) -> None:
    """Write the digest's figures per day (midnight to midnight local time) to standard output."""
    from bot.store.db import create_db_engine, make_session_factory, require_schema, session_scope
    from bot.workflows.digests.export import FORMATS, render_days
    from bot.workflows.digests.history import daily_rows

    if format not in FORMATS:
        raise fail(f"--format must be csv or json, not '{format[:20]}'", EXIT_USAGE)
    settings = settings_for("check")
    zone = _zone(timezone if timezone is not None else settings.timezone)
    now = datetime.now(UTC)
    first = _day("--since", since)
    last = _day("--until", until) if until is not None else now.astimezone(zone).date()
    if last < first:
        raise fail(f"--until {last} is before --since {first}", EXIT_USAGE)
    if (last - first).days + 1 > MAX_DAYS:
        raise fail(
            f"{first} to {last} is {(last - first).days + 1} days: report at most {MAX_DAYS} "
            "at a time",
            EXIT_USAGE,
        )
    engine = create_db_engine(settings.database_url)
    try:
        require_schema(engine)
        with session_scope(make_session_factory(engine)) as session:
            days = daily_rows(session=session, first_day=first, last_day=last, tz=zone, now=now)
        sys.stdout.write(render_days(days, cast(Literal["csv", "json"], format)))
    finally:
        engine.dispose()


def _day(option: str, value: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise fail(f"{option}: '{value[:40]}' is not a date like 2026-11-01", EXIT_USAGE) from None


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        # OSError too: a name such as "Europe" is a folder of zones, not a zone.
        raise fail(
            f"--timezone: '{name[:64]}' is not an IANA time zone such as Europe/Berlin", EXIT_USAGE
        ) from None
