"""`socialops crisis export`, as an operator runs it on the test's store (SQLite or PostgreSQL):
Markdown and JSON to standard output or a file; every mistake one line on stderr and exit 2."""

from __future__ import annotations

import json
import subprocess
from datetime import timedelta
from pathlib import Path

from bot.services import Services
from tests.runtime.test_cli import assert_one_line_error
from tests.runtime.test_cli import socialops as run_socialops
from tests.workflows.test_crisis_report import START_AT, audit, draft, signal, store
from tests.workflows.test_crisis_timeline import crisis, entry

HOUR = timedelta(hours=1)


def export(tmp_path: Path, database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return run_socialops(tmp_path, "crisis", "export", *args, DATABASE_URL=database_url)


def ended_crisis(services: Services) -> int:
    ended = START_AT + 2 * HOUR
    (crisis_id,) = store(
        services,
        crisis(
            started_at=START_AT,
            ended_at=ended,
            ended_by="U0ADMIN",
            reason="Outage | <!channel>",
            summary="Back up",
        ),
    )
    (reply,) = store(services, draft(state="published", published_at=START_AT + HOUR))
    store(
        services,
        signal(START_AT + HOUR, "upset"),
        audit(START_AT + 30 * timedelta(minutes=1), "approve", reply, "pending", "approved"),
        audit(START_AT + HOUR, "publish", reply, "approved", "published"),
        entry(START_AT, "crisis_start", "crisis", str(crisis_id)),
        entry(ended, "crisis_end", "crisis", str(crisis_id), note="Back up"),
    )
    return crisis_id


def test_markdown_on_standard_output(tmp_path: Path, services: Services, database_url: str) -> None:
    crisis_id = ended_crisis(services)
    result = export(tmp_path, database_url, str(crisis_id), "--format", "md")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    out = result.stdout
    assert out.startswith(f"# Post-mortem: crisis #{crisis_id}\n")
    assert r"Outage \| \<\!channel\>" in out
    assert "**Duration:** 2h" in out
    assert "**Time to first response:** 30m" in out
    assert "## Timeline" in out
    assert "U0ADMIN started crisis mode" in out
    assert "U0APPROVER published draft" in out


def test_json_to_a_file(tmp_path: Path, services: Services, database_url: str) -> None:
    crisis_id = ended_crisis(services)
    target = tmp_path / "postmortem.json"
    result = export(
        tmp_path, database_url, f"#{crisis_id}", "--format", "json", "--output", str(target)
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["id"] == crisis_id
    assert data["reason"] == "Outage | <!channel>"
    assert data["time_to_first_response_minutes"] == 30.0
    assert [e["action"] for e in data["timeline"]] == [
        "crisis_start",
        "approve",
        "publish",
        "crisis_end",
    ]
    assert [(p["kind"], p["state"]) for p in data["published"]] == [("reply", "published")]
    assert list(tmp_path.glob(".postmortem.json.*")) == []  # no temporary left behind


def test_an_unknown_crisis_is_one_line(
    tmp_path: Path, services: Services, database_url: str
) -> None:
    assert_one_line_error(export(tmp_path, database_url, "42"), "no crisis #42")


def test_bad_arguments_are_one_line(tmp_path: Path, services: Services, database_url: str) -> None:
    crisis_id = str(ended_crisis(services))
    assert_one_line_error(
        export(tmp_path, database_url, crisis_id, "--format", "pdf"), "--format must be md or json"
    )
    assert_one_line_error(export(tmp_path, database_url, "seven"), "not a crisis number")
    missing = tmp_path / "nowhere" / "report.md"
    assert_one_line_error(
        export(tmp_path, database_url, crisis_id, "--output", str(missing)), "does not exist"
    )
    assert not missing.parent.exists()


def test_a_store_without_schema_is_one_line(tmp_path: Path) -> None:
    result = run_socialops(tmp_path, "crisis", "export", "1")
    assert_one_line_error(result, "socialops db upgrade")
