"""`socialops drafts import` with rows a spreadsheet (or a careless admin) produces: each mistake is
one line naming its row, exit 2, no card posted and nothing stored, on SQLite and PostgreSQL."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import select

from bot.settings import load_settings
from bot.store.db import create_db_engine, make_session_factory, session_scope
from bot.store.models import Draft
from slack_emulator.emulator import SlackEmulator
from tests.runtime.test_cli import socialops

HEADER = "text,networks,scheduled_at,campaign,author\n"
GOOD_ROW = "Autumn is here,x,2099-11-24 09:30,autumn,U0AUTHOR\n"


@pytest.fixture
def emulator_cli() -> Iterator[SlackEmulator]:
    with SlackEmulator() as running:
        yield running


def run_import(
    tmp_path: Path,
    emulator: SlackEmulator,
    database_url: str,
    content: str,
    *args: str,
    zone: str = "UTC",
) -> subprocess.CompletedProcess[str]:
    (tmp_path / "drafts.csv").write_text(content, encoding="utf-8")
    env = {"DATABASE_URL": database_url}
    assert socialops(tmp_path, "db", "upgrade", **env).returncode == 0
    return socialops(
        tmp_path,
        "drafts",
        "import",
        "drafts.csv",
        *args,
        SLACK_BOT_TOKEN=emulator.bot_token,
        SLACK_API_URL=emulator.api_url,
        SOCIALOPS_APPROVALS_CHANNEL="C0APPROVALS",
        SOCIALOPS_APPROVERS="U0APPROVER",
        SOCIALOPS_TIMEZONE=zone,
        **env,
    )


def stored_drafts(database_url: str) -> int:
    engine = create_db_engine(load_settings(_env_file=None, database_url=database_url).database_url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            return int(session.exec(select(func.count()).select_from(Draft)).one())
    finally:
        engine.dispose()


def assert_refused(
    result: subprocess.CompletedProcess[str],
    emulator: SlackEmulator,
    database_url: str,
    *needles: str,
) -> None:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert emulator.calls_to("chat.postMessage") == []
    assert stored_drafts(database_url) == 0
    for needle in needles:
        assert needle in result.stderr, result.stderr


# A row the csv module cannot read ends the import in one line naming the row.
def test_a_cell_over_128_kib_is_one_line_with_its_row(
    tmp_path: Path, emulator_cli: SlackEmulator, database_url: str
) -> None:
    huge = '"' + "x" * (130 * 1024) + '",x,,,U0AUTHOR\n'
    result = run_import(tmp_path, emulator_cli, database_url, HEADER + GOOD_ROW + huge)
    assert_refused(result, emulator_cli, database_url, "line 3:", "128 KiB")
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_duplicated_header_column_is_refused(
    tmp_path: Path, emulator_cli: SlackEmulator, database_url: str
) -> None:
    header = "text,networks,scheduled_at,campaign,author,text\n"
    row = "Autumn is here,x,2099-11-24 09:30,autumn,U0AUTHOR,Winter is here\n"
    result = run_import(tmp_path, emulator_cli, database_url, header + row)
    assert_refused(result, emulator_cli, database_url, "line 1:", "text more than once")
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("row", "zone", "needles"),
    [
        # SQLite stored the NUL; PostgreSQL failed mid-import without a line number.
        ("Autumn\x00 is here,x,,,U0AUTHOR\n", "UTC", ("line 3:", "NUL")),
        ("Autumn is here,x,,autumn\x00,U0AUTHOR\n", "UTC", ("line 3:", "campaign", "NUL")),
        # A date alone became midnight.
        ("Autumn is here,x,2099-11-24,,U0AUTHOR\n", "UTC", ("line 3:", "no time of day")),
        # 01:00-02:00 does not happen in London that night (02:00-03:00 in Berlin).
        ("Spring,x,2099-03-29 01:30,,U0AUTHOR\n", "Europe/London", ("line 3:", "does not exist")),
        ("Spring,x,2099-03-29 02:30,,U0AUTHOR\n", "Europe/Berlin", ("line 3:", "does not exist")),
        # 01:30 happens twice in London on 2099-10-25: the offset says which.
        ("Autumn,x,2099-10-25 01:30,,U0AUTHOR\n", "Europe/London", ("line 3:", "happens twice")),
    ],
)
def test_a_bad_row_is_named_and_nothing_is_imported(
    tmp_path: Path,
    emulator_cli: SlackEmulator,
    database_url: str,
    row: str,
    zone: str,
    needles: tuple[str, ...],
) -> None:
    result = run_import(tmp_path, emulator_cli, database_url, HEADER + GOOD_ROW + row, zone=zone)
    assert_refused(result, emulator_cli, database_url, *needles)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 2, result.stderr  # the row, then "nothing imported"
    assert lines[-1].startswith("socialops: nothing imported: 1 invalid row(s)")


def test_a_row_with_a_nul_is_skipped_on_request_and_the_rest_stored(
    tmp_path: Path, emulator_cli: SlackEmulator, database_url: str
) -> None:
    content = HEADER + GOOD_ROW + "Autumn\x00 is here,x,,,U0AUTHOR\n"
    result = run_import(tmp_path, emulator_cli, database_url, content, "--skip-invalid")
    assert result.returncode == 0, result.stderr
    assert stored_drafts(database_url) == 1


def test_an_offset_settles_the_repeated_hour(
    tmp_path: Path, emulator_cli: SlackEmulator, database_url: str
) -> None:
    row = "Autumn,x,2099-10-25 01:30+00:00,,U0AUTHOR\n"
    result = run_import(tmp_path, emulator_cli, database_url, HEADER + row, zone="Europe/London")
    assert result.returncode == 0, result.stderr
    assert stored_drafts(database_url) == 1
