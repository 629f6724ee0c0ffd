"""`socialops report`, as an operator runs it: the figures per local day, CSV or JSON, on the
test's store (SQLite or PostgreSQL); every mistake one line on stderr and exit 2."""

from __future__ import annotations

import csv
import io
import json
import subprocess
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bot.services import Services
from bot.workflows.digests.export import COLUMNS
from tests.runtime.test_cli import assert_one_line_error
from tests.runtime.test_cli import socialops as run_socialops
from tests.workflows.test_digest_figures import add, entry, handoff, suggestion

HOUR = timedelta(hours=1)


def report(
    tmp_path: Path, database_url: str, *args: str, **env: str
) -> subprocess.CompletedProcess[str]:
    return run_socialops(tmp_path, "report", *args, DATABASE_URL=database_url, **env)


def _fill(services: Services) -> None:
    """Berlin's fall-back day (25 hours): two approvals (90 and 30 min after submission), a
    handoff claimed after 2 h, two suggestions (one from the FAQ, one abstained); and an
    approval at 23:30 CET on the 25th, which a 24-hour day would put on the 26th."""
    first = datetime(2026, 10, 25, 8, tzinfo=UTC)
    late = datetime(2026, 10, 25, 22, 30, tzinfo=UTC)
    add(
        services,
        entry(first, "submit", "draft", "pending", subject_id="1"),
        entry(first + 1.5 * HOUR, "approve", "pending", "approved", subject_id="1"),
        entry(late - 0.5 * HOUR, "submit", "draft", "pending", subject_id="2"),
        entry(late, "approve", "pending", "approved", subject_id="2"),
        entry(first, "reject", "pending", "rejected", subject_id="3"),
        handoff(first, state="claimed", claimed_at=first + 2 * HOUR, claim_due_at=first + HOUR),
        suggestion(first, faq_id="shipping", text="Monday"),
        suggestion(first, text=None),
    )


def test_csv_has_a_row_per_local_day_with_minutes(
    tmp_path: Path, services: Services, database_url: str
) -> None:
    _fill(services)
    result = report(
        tmp_path,
        database_url,
        "--since",
        "2026-10-24",
        "--until",
        "2026-10-26",
        "--format",
        "csv",
        "--timezone",
        "Europe/Berlin",
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert tuple(rows[0].keys()) == COLUMNS
    assert [row["day"] for row in rows] == ["2026-10-24", "2026-10-25", "2026-10-26"]
    quiet, busy, after = rows
    assert quiet["submitted"] == "0"
    assert quiet["median_time_to_approve_minutes"] == ""
    assert after == {**quiet, "day": "2026-10-26"}
    assert {
        key: busy[key]
        for key in (
            "submitted",
            "approved",
            "rejected",
            "expired",
            "median_time_to_approve_minutes",
            "handoffs_opened",
            "handoffs_claimed",
            "handoffs_resolved",
            "sla_breaches",
            "median_time_to_claim_minutes",
            "suggestions",
            "answered_from_faq",
            "sent_for_approval",
        )
    } == {
        "submitted": "2",
        "approved": "2",
        "rejected": "1",
        "expired": "0",
        "median_time_to_approve_minutes": "60.0",  # (90 + 30) / 2
        "handoffs_opened": "1",
        "handoffs_claimed": "1",
        "handoffs_resolved": "0",
        "sla_breaches": "1",
        "median_time_to_claim_minutes": "120.0",
        "suggestions": "2",
        "answered_from_faq": "1",
        "sent_for_approval": "0",
    }


def test_json_is_a_list_of_days_with_numbers_and_nulls(
    tmp_path: Path, services: Services, database_url: str
) -> None:
    _fill(services)
    result = report(
        tmp_path,
        database_url,
        "--since",
        "2026-10-25",
        "--until",
        "2026-10-26",
        "--format",
        "json",
        "--timezone",
        "Europe/Berlin",
    )
    assert result.returncode == 0, result.stderr
    busy, quiet = json.loads(result.stdout)
    assert list(busy) == list(COLUMNS)
    assert busy["day"] == "2026-10-25"
    assert busy["approved"] == 2
    assert busy["median_time_to_approve_minutes"] == 60.0
    assert busy["median_time_to_claim_minutes"] == 120.0
    assert quiet["median_time_to_claim_minutes"] is None
    assert quiet["approved"] == 0


def test_days_are_the_configured_zones_unless_told_otherwise(
    tmp_path: Path, services: Services, database_url: str
) -> None:
    # 03:30 UTC on 9 March is 23:30 on 8 March in New York (EDT since that morning).
    at = datetime(2026, 3, 9, 3, 30, tzinfo=UTC)
    add(services, suggestion(at))
    span = ("--since", "2026-03-08", "--until", "2026-03-09", "--format", "json")

    def suggestions_per_day(*args: str, **env: str) -> list[int]:
        result = report(tmp_path, database_url, *span, *args, **env)
        assert result.returncode == 0, result.stderr
        return [day["suggestions"] for day in json.loads(result.stdout)]

    assert suggestions_per_day() == [0, 1]  # SOCIALOPS_TIMEZONE's default: UTC
    assert suggestions_per_day(SOCIALOPS_TIMEZONE="America/New_York") == [1, 0]
    assert suggestions_per_day("--timezone", "UTC", SOCIALOPS_TIMEZONE="America/New_York") == [
        0,
        1,
    ]


def test_until_defaults_to_today_and_csv_is_the_default_format(
    tmp_path: Path, services: Services, database_url: str
) -> None:
    before = datetime.now(UTC).date()
    result = report(tmp_path, database_url, "--since", str(before - timedelta(days=2)))
    after = datetime.now(UTC).date()
    assert result.returncode == 0, result.stderr
    days = [row["day"] for row in csv.DictReader(io.StringIO(result.stdout))]
    assert len(days) in (3, 4)  # 4 only when midnight passed during the run
    assert date.fromisoformat(days[-1]) in (before, after)
    assert days[0] == str(before - timedelta(days=2))


def test_a_whole_leap_year_is_allowed(
    tmp_path: Path, services: Services, database_url: str
) -> None:
    result = report(tmp_path, database_url, "--since", "2028-01-01", "--until", "2028-12-31")
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.strip().splitlines()) == 1 + 366


@pytest.mark.parametrize(
    ("args", "needles"),
    [
        (("--since", "yesterday"), ("--since", "'yesterday' is not a date")),
        (("--since", "2026-11-01", "--until", "2026-02-30"), ("--until", "2026-02-30")),
        (
            ("--since", "2026-11-02", "--until", "2026-11-01"),
            ("--until 2026-11-01 is before --since 2026-11-02",),
        ),
        (
            ("--since", "2026-01-01", "--until", "2027-01-02"),
            ("367 days", "at most 366"),
        ),
        (("--since", "2026-11-01", "--timezone", "Mars/Olympus"), ("'Mars/Olympus'", "IANA")),
        (("--since", "2026-11-01", "--timezone", "../etc/passwd"), ("'../etc/passwd'", "IANA")),
        (("--since", "2026-11-01", "--timezone", "Europe"), ("'Europe'", "IANA")),
        (("--since", "2026-11-01", "--format", "xlsx"), ("--format must be csv or json",)),
    ],
)
def test_each_mistake_is_one_line_and_exit_2(
    tmp_path: Path,
    services: Services,
    database_url: str,
    args: tuple[str, ...],
    needles: tuple[str, ...],
) -> None:
    result = report(tmp_path, database_url, *args)
    assert_one_line_error(result, *needles)
    assert result.stdout == ""


def test_a_store_without_the_schema_says_to_upgrade(tmp_path: Path) -> None:
    result = report(tmp_path, f"sqlite:///{tmp_path / 'empty.db'}", "--since", "2026-11-01")
    assert_one_line_error(result, "socialops db upgrade")
