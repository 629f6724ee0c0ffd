"""The audit trail as CSV or JSON, for compliance reviews and spreadsheets."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Literal

from bot.store.models import AuditEntry

COLUMNS = (
    "at",
    "actor_id",
    "action",
    "subject_type",
    "subject_id",
    "from_state",
    "to_state",
    "note",
    "text_hash",
)


def _row(entry: AuditEntry) -> dict[str, str | None]:
    values = {column: getattr(entry, column) for column in COLUMNS}
    values["at"] = entry.at.isoformat()
    return values


def render_audit(entries: Sequence[AuditEntry], fmt: Literal["csv", "json"]) -> str:
    rows = [_row(entry) for entry in entries]
    if fmt == "json":
        return json.dumps(rows, indent=2, ensure_ascii=False) + "\n"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        # A cell starting with = + - @ is a formula to a spreadsheet; a quote makes it text.
        writer.writerow({k: _defuse(v) for k, v in row.items()})
    return out.getvalue()


def _defuse(value: str | None) -> str | None:
    if value and value[0] in "=+-@\t\r":
        return "'" + value
    return value
