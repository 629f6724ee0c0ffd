"""`socialops drafts import` and `socialops audit export`, as an operator runs them."""

from __future__ import annotations

import csv
import io
import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from slack_emulator.emulator import SlackEmulator
from tests.runtime.test_cli import socialops as run_socialops

GOOD = """text,networks,scheduled_at,campaign,author
"Autumn is here, finally",x;linkedin,2099-11-24 09:30,autumn,U0AUTHOR
Our winter range,instagram,,winter,U0AUTHOR
"""
BAD = """text,networks,scheduled_at,campaign,author
"Autumn is here, finally",x,2099-11-24 09:30,autumn,U0AUTHOR
,x,,,U0AUTHOR
Hello,myspace,,,U0AUTHOR
"A multi-line
text",x,yesterday,,U0AUTHOR
Past,x,2001-01-01 10:00,,U0AUTHOR
Who,x,,,@maria
"Autumn is here, finally",x,2099-11-24 09:30,autumn,U0AUTHOR
"""


def socialops(
    tmp_path: Path, emulator: SlackEmulator, *args: str
) -> subprocess.CompletedProcess[str]:
    return run_socialops(
        tmp_path,
        *args,
        SLACK_BOT_TOKEN=emulator.bot_token,
        SLACK_API_URL=emulator.api_url,
        SOCIALOPS_APPROVALS_CHANNEL="C0APPROVALS",
        SOCIALOPS_APPROVERS="U0APPROVER",
    )


@pytest.fixture
def emulator_cli() -> Iterator[SlackEmulator]:
    with SlackEmulator() as running:
        yield running


def test_import_creates_drafts_and_posts_their_cards(
    tmp_path: Path, emulator_cli: SlackEmulator
) -> None:
    (tmp_path / "drafts.csv").write_text(GOOD, encoding="utf-8")
    result = socialops(tmp_path, emulator_cli, "drafts", "import", "drafts.csv")
    assert result.returncode == 0, result.stderr
    assert "imported 2 draft(s)" in result.stdout
    assert len(emulator_cli.calls_to("chat.postMessage")) == 2
    assert emulator_cli.violations == []


def test_one_bad_row_imports_nothing_and_every_bad_row_is_named(
    tmp_path: Path, emulator_cli: SlackEmulator
) -> None:
    (tmp_path / "drafts.csv").write_text(BAD, encoding="utf-8")
    result = socialops(tmp_path, emulator_cli, "drafts", "import", "drafts.csv")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    for number in (3, 4, 5, 7, 8, 9):
        assert any(f"line {number}:" in line for line in lines), (number, result.stderr)
    assert "line 2:" not in result.stderr
    assert "Traceback" not in result.stderr
    assert lines[-1].startswith("socialops: nothing imported: 6 invalid row(s)")
    assert emulator_cli.calls_to("chat.postMessage") == []

    skipped = socialops(tmp_path, emulator_cli, "drafts", "import", "drafts.csv", "--skip-invalid")
    assert skipped.returncode == 0, skipped.stderr
    assert "imported 1 draft(s), 6 invalid row(s) skipped" in skipped.stdout


@pytest.mark.parametrize(
    ("content", "message"),
    [("just,some,columns\n1,2,3\n", "missing: text, networks, author"), (None, "cannot read")],
)
def test_unusable_files_are_one_line(
    tmp_path: Path, emulator_cli: SlackEmulator, content: str | None, message: str
) -> None:
    if content is not None:
        (tmp_path / "drafts.csv").write_text(content, encoding="utf-8")
    result = socialops(tmp_path, emulator_cli, "drafts", "import", "drafts.csv")
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert message in result.stderr


def test_audit_export_as_csv_and_json(tmp_path: Path, emulator_cli: SlackEmulator) -> None:
    (tmp_path / "drafts.csv").write_text(GOOD, encoding="utf-8")
    assert socialops(tmp_path, emulator_cli, "drafts", "import", "drafts.csv").returncode == 0
    as_csv = socialops(tmp_path, emulator_cli, "audit", "export", "--format", "csv")
    assert as_csv.returncode == 0, as_csv.stderr
    rows = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert [r["action"] for r in rows] == ["create", "submit", "create", "submit"]
    as_json = socialops(
        tmp_path, emulator_cli, "audit", "export", "--format", "json", "--since", "2000-01-01"
    )
    assert [e["action"] for e in json.loads(as_json.stdout)] == [
        "create",
        "submit",
        "create",
        "submit",
    ]
    later = socialops(
        tmp_path, emulator_cli, "audit", "export", "--format", "json", "--since", "2999-01-01"
    )
    assert json.loads(later.stdout) == []
    bad = socialops(tmp_path, emulator_cli, "audit", "export", "--format", "xml")
    assert bad.returncode == 2
    assert "csv or json" in bad.stderr
    bad_date = socialops(tmp_path, emulator_cli, "audit", "export", "--since", "last tuesday")
    assert bad_date.returncode == 2
    assert "--since" in bad_date.stderr
