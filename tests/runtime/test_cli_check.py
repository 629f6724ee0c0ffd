"""`socialops check` as a newcomer runs it first, and the commands that need the store's schema."""

from __future__ import annotations

from pathlib import Path

import pytest

from slack_emulator.emulator import SlackEmulator
from tests.runtime.test_cli import free_port, socialops

FRESH = "sqlite:///socialops.db"  # the default, relative to the checkout (cwd is tmp_path)


def test_check_on_a_fresh_checkout_reports_every_part_and_creates_nothing(
    tmp_path: Path,
) -> None:
    result = socialops(tmp_path, "check", DATABASE_URL=FRESH)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    out = result.stdout
    assert "settings: ok" in out
    assert "database: sqlite:///socialops.db does not exist yet: `socialops db upgrade`" in out
    assert "slack: not configured" in out
    assert "faq: ok (" in out  # the shipped sample FAQ
    assert "responses: ok (" in out
    assert "reply polish: off" in out
    assert list(tmp_path.iterdir()) == []  # no socialops.db as a side effect


def test_check_against_an_unreachable_database_is_one_line_for_that_part(tmp_path: Path) -> None:
    result = socialops(
        tmp_path, "check", DATABASE_URL=f"postgresql://u:pw-secret@127.0.0.1:{free_port()}/x"
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert "Traceback" not in result.stderr
    assert lines[0].startswith("socialops: database: postgresql+psycopg://u:***@127.0.0.1:")
    assert "did not answer" in lines[0]
    assert lines[1:] == ["socialops: 1 part(s) need attention: database"]
    assert "pw-secret" not in result.stderr
    # The other parts were still checked.
    assert "faq: ok (" in result.stdout
    assert "responses: ok (" in result.stdout


def test_check_reports_every_broken_part_not_just_the_first(tmp_path: Path) -> None:
    (tmp_path / "faq").mkdir()
    (tmp_path / "faq" / "a.yml").write_text("- id: a\n  question: Q?\n", encoding="utf-8")
    (tmp_path / "responses").mkdir()
    (tmp_path / "responses" / "a.md.j2").write_text(
        '---\nid: a\nserves: ["*"]\n---\n{{ nme }}\n', "utf-8"
    )
    result = socialops(tmp_path, "check")
    assert result.returncode == 2
    assert "socialops: faq: " in result.stderr
    assert "a.yml" in result.stderr
    assert "socialops: responses: " in result.stderr
    assert "nme" in result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert last == "socialops: 2 part(s) need attention: faq, responses"
    assert "database: " in result.stdout


def test_check_asks_slack_whether_the_token_works(tmp_path: Path) -> None:
    with SlackEmulator() as emulator:
        slack = {"SLACK_SIGNING_SECRET": "s" * 32, "SLACK_API_URL": emulator.api_url}
        good = socialops(tmp_path, "check", SLACK_BOT_TOKEN=emulator.bot_token, **slack)
        bad = socialops(tmp_path, "check", SLACK_BOT_TOKEN="xoxb-0-0-revoked", **slack)
    assert good.returncode == 0, good.stderr
    assert "slack: ok (workspace " in good.stdout
    assert bad.returncode == 2
    assert "socialops: slack: auth.test answered invalid_auth" in bad.stderr
    assert "xoxb-0-0-revoked" not in bad.stderr + bad.stdout


def test_check_with_slack_unreachable_is_one_line_for_that_part(tmp_path: Path) -> None:
    result = socialops(
        tmp_path,
        "check",
        SLACK_BOT_TOKEN="xoxb-1-2-cli",
        SLACK_SIGNING_SECRET="s" * 32,
        SLACK_API_URL=f"http://127.0.0.1:{free_port()}/api/",
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[0].startswith("socialops: slack: did not answer at")


def test_check_on_an_empty_sqlite_file_says_how_to_upgrade(tmp_path: Path) -> None:
    (tmp_path / "socialops.db").write_bytes(b"")
    result = socialops(tmp_path, "check", DATABASE_URL=FRESH)
    assert result.returncode == 0, result.stderr
    assert "its schema is behind: run `socialops db upgrade`" in result.stdout


@pytest.mark.parametrize(
    "command",
    [["audit", "export"], ["audit", "export", "--format", "json"], ["faq", "export", "out"]],
)
def test_commands_that_read_the_store_say_db_upgrade_on_a_fresh_database(
    tmp_path: Path, command: list[str]
) -> None:
    result = socialops(tmp_path, *command, DATABASE_URL=FRESH)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "run `socialops db upgrade`" in lines[0]
    assert not (tmp_path / "socialops.db").exists()
    assert not (tmp_path / "out").exists()
    # An existing file without the schema (a half-made store) says the same.
    (tmp_path / "socialops.db").write_bytes(b"")
    again = socialops(tmp_path, *command, DATABASE_URL=FRESH)
    assert again.returncode == 2
    assert "run `socialops db upgrade`" in again.stderr.strip()
    assert len(again.stderr.strip().splitlines()) == 1


def test_every_command_that_needs_the_schema_says_db_upgrade(
    tmp_path: Path, database_url: str
) -> None:
    # On the suite's store with no schema: a SQLite file that does not exist yet, or an empty
    # PostgreSQL schema. Commands that migrate a SQLite file themselves are checked on PostgreSQL.
    slack = {
        "SLACK_BOT_TOKEN": "xoxb-1-2-cli",
        "SLACK_SIGNING_SECRET": "s" * 32,
        "SOCIALOPS_APPROVALS_CHANNEL": "C0APPROVALS",
        "SLACK_API_URL": f"http://127.0.0.1:{free_port()}/api/",
    }
    (tmp_path / "d.csv").write_text("text,networks,author\nHi,x,U0AUTHOR\n", encoding="utf-8")
    commands = [["audit", "export"], ["faq", "export", "out"]]
    if database_url.startswith("postgresql"):
        commands += [["faq", "sync"], ["drafts", "import", "d.csv"], ["serve"], ["clock"]]
    for command in commands:
        result = socialops(tmp_path, *command, DATABASE_URL=database_url, **slack)
        assert result.returncode == 2, (command, result.stderr)
        assert "Traceback" not in result.stderr
        last = result.stderr.strip().splitlines()[-1]
        assert "run `socialops db upgrade` first" in last, (command, last)
    checked = socialops(tmp_path, "check", DATABASE_URL=database_url)
    assert "socialops db upgrade" in checked.stdout + checked.stderr
