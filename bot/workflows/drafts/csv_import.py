"""Bulk import of drafts from CSV: every row checked first, then all stored together (or none).

Columns: ``text, networks, scheduled_at, campaign, author`` (scheduled_at and campaign may be
empty; author is a Slack user id), and optionally ``key`` (or ``id``) naming the row. Each row has a
stable key (:mod:`.import_keys`) stored on its draft: a row imported before is skipped. A row's line number is where it starts in the file, so a
spreadsheet user finds it even when a quoted text spans several lines.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from bot.store.models import Draft
from bot.workflows.checks import CheckPolicy
from bot.workflows.drafts.checking import check_draft
from bot.workflows.drafts.create import create_imported_draft
from bot.workflows.drafts.import_keys import explicit_key, import_key
from bot.workflows.drafts.inputs import DraftInput
from bot.workflows.drafts.parsing import InputError, parse_local_time, parse_networks

REQUIRED_COLUMNS = ("text", "networks", "author")
OPTIONAL_COLUMNS = ("scheduled_at", "campaign")
MAX_ROWS = 1_000
_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")


@dataclass(frozen=True)
class RowProblem:
    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


@dataclass(frozen=True)
class ParsedImport:
    drafts: list[tuple[int, DraftInput]]  # (line, draft) of the valid rows
    problems: list[RowProblem]
    keys: dict[int, str] = field(default_factory=dict)  # line → the row's import key


@dataclass(frozen=True)
class StoredImport:
    created: list[Draft]  # drafts of the rows new to the store, submitted
    # Drafts of rows imported before (by an earlier run, or a run racing this one): not stored
    # again; the caller may still owe some of them a card.
    already_imported: list[Draft]


class ImportFileError(ValueError):
    """The file as a whole is unusable (no header, missing columns, too many rows)."""


def parse_import(
    content: str, *, zone: ZoneInfo, checks: CheckPolicy, now: datetime
) -> ParsedImport:
    reader = csv.DictReader(io.StringIO(content, newline=""))
    try:
        header = [name.strip().lower() for name in reader.fieldnames or []]
    except csv.Error as error:
        raise ImportFileError(f"line {reader.line_num or 1}: {_csv_reason(error)}") from None
    doubled = sorted({name for name in header if name and header.count(name) > 1})
    if doubled:
        # DictReader would keep the last of two same-named columns and drop the other unseen.
        raise ImportFileError(f"line 1: the header names {', '.join(doubled)} more than once")
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        raise ImportFileError(
            f"the header must name the columns {', '.join(REQUIRED_COLUMNS + OPTIONAL_COLUMNS)}; "
            f"missing: {', '.join(missing)}"
        )
    reader.fieldnames = header
    valid: list[tuple[int, DraftInput]] = []
    problems: list[RowProblem] = []
    seen: dict[tuple[str, tuple[str, ...], datetime | None], int] = {}
    keys: dict[int, str] = {}
    lines_by_key: dict[str, int] = {}
    for index, (line, row) in enumerate(_rows(reader)):
        if index >= MAX_ROWS:
            raise ImportFileError(f"more than {MAX_ROWS} rows; split the file")
        if not any((value or "").strip() for value in row.values() if isinstance(value, str)):
            continue  # a blank line at the end of a spreadsheet export
        try:
            draft = _row_draft(row, zone=zone)
        except InputError as error:
            problems.append(RowProblem(line, str(error)))
            continue
        report = check_draft(draft, policy=checks, now=now)
        if not report.ok:
            problems.append(RowProblem(line, " ".join(f.message for f in report.errors)))
            continue
        key = (draft.text, draft.networks, draft.scheduled_at)
        if key in seen:
            problems.append(RowProblem(line, f"the same draft as line {seen[key]}"))
            continue
        row_key = import_key(draft, explicit_key(row))
        if row_key in lines_by_key:
            problems.append(RowProblem(line, f"the same key as line {lines_by_key[row_key]}"))
            continue
        seen[key] = line
        lines_by_key[row_key] = line
        keys[line] = row_key
        valid.append((line, draft))
    return ParsedImport(valid, problems, keys)


def store_import(
    *, session: Session, parsed: ParsedImport, checks: CheckPolicy, now: datetime
) -> StoredImport:
    """Create and submit every valid draft not imported before, in one transaction (the caller's
    session). A row whose key is already on a draft is skipped: importing a file again, or two
    imports of it racing, stores each row once (the unique key decides the race)."""
    wanted = list(parsed.keys.values())
    earlier = {
        d.import_key: d
        for d in session.exec(select(Draft).where(col(Draft.import_key).in_(wanted)))
    }
    created: list[Draft] = []
    already: list[Draft] = []
    for line, draft in parsed.drafts:
        key = parsed.keys[line]
        found = earlier.get(key)
        if found is None:
            stored = create_imported_draft(
                session=session, draft=draft, import_key=key, checks=checks, now=now
            )
            if stored is not None:
                created.append(stored)
                continue
            found = session.exec(select(Draft).where(Draft.import_key == key)).first()
        if found is not None:
            already.append(found)
    return StoredImport(created, already)


def _rows(reader: csv.DictReader[str]) -> Iterator[tuple[int, dict[str | None, str | None]]]:
    """Each row with the line it starts on; one the csv module cannot read ends the import there."""
    start_line = reader.line_num + 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise ImportFileError(f"line {start_line}: {_csv_reason(error)}") from None
        yield start_line, row
        start_line = reader.line_num + 1


def _csv_reason(error: csv.Error) -> str:
    if "field larger than field limit" in str(error):
        limit = csv.field_size_limit() // 1024
        return f"a cell is larger than {limit} KiB; no network takes a text that long"
    return f"not readable as CSV ({error})"


def _row_draft(row: dict[str | None, str | None], *, zone: ZoneInfo) -> DraftInput:
    if None in row:
        raise InputError("more cells than columns; quote texts that contain commas")
    for column, value in row.items():
        if isinstance(value, str) and "\x00" in value:
            # SQLite would store it and PostgreSQL refuse it mid-import: refuse it here on both.
            raise InputError(f"the {column} cell holds a NUL character (\\0); remove it")
    author = (row.get("author") or "").strip()
    if not _USER_ID.match(author):
        raise InputError(f"author must be a Slack user id like U0123ABCD, not '{author[:30]}'")
    scheduled = (row.get("scheduled_at") or "").strip()
    return DraftInput(
        kind="post",
        text=(row.get("text") or "").strip(),
        networks=parse_networks(row.get("networks") or ""),
        author_id=author,
        campaign=(row.get("campaign") or "").strip() or None,
        scheduled_at=parse_local_time(scheduled, zone=zone) if scheduled else None,
    )
