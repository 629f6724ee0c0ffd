"""`socialops drafts import` when Slack is not there: drafts are kept, cards wait for the clock,
the operator reads one line, and running the import again never doubles anything."""

from __future__ import annotations

import socket
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlmodel import select

from bot.services import Services
from bot.slack.card_posting import post_missing_cards
from bot.slack.client import build_web_client
from bot.store.db import session_scope
from bot.store.models import Draft
from slack_emulator.emulator import SlackEmulator
from tests.harness import bot_settings
from tests.runtime.test_cli import socialops as run_socialops

ROWS = """text,networks,scheduled_at,campaign,author
"Autumn is here, finally",x;linkedin,2099-11-24 09:30,autumn,U0AUTHOR
Our winter range,instagram,,winter,U0AUTHOR
Spring is coming,x,,spring,U0AUTHOR
"""
EXIT_CARDS_WAITING = 3


@pytest.fixture
def emulator_cli() -> Iterator[SlackEmulator]:
    with SlackEmulator() as running:
        yield running


def socialops(
    tmp_path: Path, emulator: SlackEmulator, *args: str, **env: str
) -> subprocess.CompletedProcess[str]:
    settings = {
        "SLACK_BOT_TOKEN": emulator.bot_token,
        "SLACK_API_URL": emulator.api_url,
        "SOCIALOPS_APPROVALS_CHANNEL": "C0APPROVALS",
        "SOCIALOPS_APPROVERS": "U0APPROVER",
    }
    settings.update(env)
    return run_socialops(tmp_path, *args, **settings)


def import_rows(
    tmp_path: Path, emulator: SlackEmulator, rows: str = ROWS, **env: str
) -> subprocess.CompletedProcess[str]:
    (tmp_path / "drafts.csv").write_text(rows, encoding="utf-8")
    return socialops(tmp_path, emulator, "drafts", "import", "drafts.csv", **env)


def stored_drafts(tmp_path: Path, emulator: SlackEmulator) -> list[Draft]:
    services = Services.build(bot_settings(emulator, f"sqlite:///{tmp_path / 'cli.db'}"))
    try:
        with session_scope(services.sessions) as session:
            return list(session.exec(select(Draft).order_by(Draft.id)))  # type: ignore[arg-type]
    finally:
        services.close()


def closed_port_url() -> str:
    """A loopback URL nothing listens on: Slack unreachable, connection refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/api/"


def wrong_token(emulator: SlackEmulator) -> dict[str, str]:
    return {"SLACK_BOT_TOKEN": "xoxb-0000-wrong-token"}


def unknown_channel(emulator: SlackEmulator) -> dict[str, str]:
    return {"SOCIALOPS_APPROVALS_CHANNEL": "C0NOWHERE"}


def slack_down(emulator: SlackEmulator) -> dict[str, str]:
    return {"SLACK_API_URL": closed_port_url()}


def rate_limited_after_one_card(emulator: SlackEmulator) -> dict[str, str]:
    emulator.inject("chat.postMessage", status=200)  # the first card goes through
    emulator.inject("chat.postMessage", status=429, retry_after=0, times=50)
    return {}


@pytest.mark.parametrize(
    ("fault", "posted", "reason"),
    [
        (wrong_token, 0, "invalid_auth"),
        (unknown_channel, 0, "channel_not_found"),
        (slack_down, 0, "Slack did not answer"),
        (rate_limited_after_one_card, 1, "ratelimited"),
    ],
)
def test_slack_failing_mid_import_keeps_the_drafts_and_says_one_line(
    tmp_path: Path,
    emulator_cli: SlackEmulator,
    fault: Callable[[SlackEmulator], dict[str, str]],
    posted: int,
    reason: str,
) -> None:
    result = import_rows(tmp_path, emulator_cli, **fault(emulator_cli))
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == EXIT_CARDS_WAITING, result.stderr
    output = (result.stdout + result.stderr).strip().splitlines()
    assert len(output) == 1, output
    [line] = output
    assert line.startswith("imported 3 draft(s)"), line
    assert f"{posted} card(s) posted" in line
    assert f"{3 - posted} waiting for the clock to retry" in line
    assert reason in line
    stored = stored_drafts(tmp_path, emulator_cli)
    assert [d.state for d in stored] == ["pending"] * 3
    assert sum(d.card_ts is not None for d in stored) == posted


def test_importing_the_same_file_again_skips_every_row(
    tmp_path: Path, emulator_cli: SlackEmulator
) -> None:
    first = import_rows(tmp_path, emulator_cli)
    assert first.returncode == 0, first.stderr
    assert "imported 3 draft(s)" in first.stdout
    assert "3 card(s) posted" in first.stdout
    again = import_rows(tmp_path, emulator_cli)
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip().splitlines() == [
        "imported 0 draft(s), 3 already imported (skipped); "
        "0 card(s) posted to C0APPROVALS, 0 waiting for the clock to retry"
    ]
    assert len(stored_drafts(tmp_path, emulator_cli)) == 3
    assert len(emulator_cli.calls_to("chat.postMessage")) == 3


def test_a_rerun_after_a_failure_posts_the_waiting_cards_and_doubles_nothing(
    tmp_path: Path, emulator_cli: SlackEmulator
) -> None:
    failed = import_rows(tmp_path, emulator_cli, **rate_limited_after_one_card(emulator_cli))
    assert failed.returncode == EXIT_CARDS_WAITING, failed.stderr
    emulator_cli.reset()
    again = import_rows(tmp_path, emulator_cli)
    assert again.returncode == 0, again.stderr
    assert "imported 0 draft(s), 3 already imported (skipped); 2 card(s) posted" in again.stdout
    stored = stored_drafts(tmp_path, emulator_cli)
    assert len(stored) == 3
    assert all(d.card_ts is not None for d in stored)
    assert len(emulator_cli.calls_to("chat.postMessage")) == 2


def test_an_explicit_key_column_names_the_row_even_when_its_text_changes(
    tmp_path: Path, emulator_cli: SlackEmulator
) -> None:
    keyed = "key,text,networks,author\nautumn-1,Autumn is here,x,U0AUTHOR\n"
    assert import_rows(tmp_path, emulator_cli, keyed).returncode == 0
    edited = keyed.replace("Autumn is here", "Autumn is finally here")
    again = import_rows(tmp_path, emulator_cli, edited)
    assert again.returncode == 0, again.stderr
    assert "imported 0 draft(s), 1 already imported (skipped)" in again.stdout
    assert [d.text for d in stored_drafts(tmp_path, emulator_cli)] == ["Autumn is here"]


def test_the_clock_posts_the_cards_an_import_could_not(
    tmp_path: Path, emulator_cli: SlackEmulator
) -> None:
    failed = import_rows(tmp_path, emulator_cli, **wrong_token(emulator_cli))
    assert failed.returncode == EXIT_CARDS_WAITING, failed.stderr
    settings = bot_settings(
        emulator_cli,
        f"sqlite:///{tmp_path / 'cli.db'}",
        approvals_channel="C0APPROVALS",
        approvers=["U0APPROVER"],
    )
    services = Services.build(settings)
    client = build_web_client(token=emulator_cli.bot_token, base_url=emulator_cli.api_url)
    try:
        assert post_missing_cards(services, client) == 3
        assert post_missing_cards(services, client) == 0
    finally:
        services.close()
    assert all(d.card_ts is not None for d in stored_drafts(tmp_path, emulator_cli))
    posted = [c for c in emulator_cli.calls_to("chat.postMessage") if c.response.get("ok")]
    assert len(posted) == 3
    assert emulator_cli.violations == []


def test_with_no_approvers_each_admin_is_told_once_not_once_per_card(
    tmp_path: Path, emulator_cli: SlackEmulator
) -> None:
    emulator_cli.add_user("U0ADMIN2", name="sam", is_admin=True)
    admins = {"SOCIALOPS_APPROVERS": "", "SOCIALOPS_ADMINS": "U0ADMIN,U0ADMIN2"}
    assert import_rows(tmp_path, emulator_cli, **admins).returncode == 0
    more = ROWS.replace("Spring is coming", "Summer is coming")
    assert import_rows(tmp_path, emulator_cli, more, **admins).returncode == 0
    dms = [c.args["channel"] for c in emulator_cli.calls_to("chat.postMessage")]
    assert sorted(c for c in dms if c != "C0APPROVALS") == ["U0ADMIN", "U0ADMIN2"]
    assert dms.count("C0APPROVALS") == 4
