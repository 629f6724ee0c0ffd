"""The per-day history as CSV or JSON, for the spreadsheet a team lead sends upward."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import fields
from datetime import timedelta
from typing import Literal

from bot.workflows.digests.history import DayRow

FORMATS = ("csv", "json")
# Durations become minutes (a spreadsheet sums and charts numbers, not "1:30:00"), and say so.
_MINUTES = {"median_time_to_approve", "median_time_to_claim"}
COLUMNS = tuple(f"{f.name}_minutes" if f.name in _MINUTES else f.name for f in fields(DayRow))


def _minutes(value: timedelta | None) -> float | None:
    return None if value is None else round(value.total_seconds() / 60, 1)


def _row(day: DayRow) -> dict[str, object]:
    values: dict[str, object] = {}
    for f in fields(DayRow):
        value = getattr(day, f.name)
        if f.name in _MINUTES:
            values[f"{f.name}_minutes"] = _minutes(value)
        elif f.name == "day":
            values["day"] = value.isoformat()
        else:
            values[f.name] = value
    return values


def render_days(days: Sequence[DayRow], fmt: Literal["csv", "json"]) -> str:
    """One row (CSV) or object (JSON) per day; a median with nothing to measure is empty/null."""
    rows = [_row(day) for day in days]
    if fmt == "json":
        return json.dumps(rows, indent=2) + "\n"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()
