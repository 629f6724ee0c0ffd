"""``socialops check``: every part that can be checked is, and each is reported on its own line.

A newcomer runs it first, on a fresh checkout, so it never stops at the first problem, never
creates the store as a side effect (a SQLite file that does not exist is reported, not made) and
never prints a traceback: a part that fails is one line on stderr, and the exit code is 2 when any
did. What `serve` fixes on its own (a SQLite file it creates and migrates) is a note, not a problem.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from bot.runtime.cli_support import EXIT_USAGE, describe_database, fail
from bot.settings import Settings

if TYPE_CHECKING:
    from bot.knowledge.faq_files import FaqEntry

# auth.test from `check` waits this long at most: the question is only whether Slack answers.
SLACK_CHECK_TIMEOUT = 10


@dataclass
class Report:
    problems: list[str] = field(default_factory=list)

    def ok(self, part: str, detail: str) -> None:
        typer.echo(f"{part}: {detail}")

    def problem(self, part: str, detail: str) -> None:
        self.problems.append(part)
        typer.echo(f"socialops: {part}: {detail}", err=True)


def run_check(settings: Settings) -> None:
    report = Report()
    report.ok("settings", "ok")
    _check_database(settings, report)
    _check_slack(settings, report)
    entries = _check_faq(settings, report)
    _check_responses(settings, report, entries)
    _check_digest(settings, report)
    _describe_replies(settings, report)
    if entries:
        _self_test_faq(settings, entries)
    if report.problems:
        parts = list(dict.fromkeys(report.problems))
        raise fail(f"{len(parts)} part(s) need attention: {', '.join(parts)}", EXIT_USAGE)


def _check_database(settings: Settings, report: Report) -> None:
    from bot.store.db import create_db_engine, database_error, schema_is_current, sqlite_file

    where = describe_database(settings.database_url)
    engine = create_db_engine(settings.database_url)
    try:
        file = sqlite_file(engine)
        if file is not None and not file.is_file():
            # `serve`, `run` and `clock` create and migrate their own SQLite file.
            report.ok(
                "database",
                f"{where} does not exist yet: `socialops db upgrade` creates it "
                "(so do serve, run and clock)",
            )
            return
        error = database_error(engine)
        if error is not None:
            report.problem("database", f"{where} did not answer: {error}")
            return
        if schema_is_current(engine):
            report.ok("database", f"ok ({where})")
        elif file is not None:
            report.ok(
                "database",
                f"{where} answers; its schema is behind: run `socialops db upgrade` "
                "(serve, run and clock also upgrade a SQLite file)",
            )
        else:
            report.problem("database", f"{where} needs its schema: run `socialops db upgrade`")
    finally:
        engine.dispose()


def _check_slack(settings: Settings, report: Report) -> None:
    missing = [
        name
        for name, value in (
            ("SLACK_BOT_TOKEN", settings.slack_bot_token),
            ("SLACK_SIGNING_SECRET", settings.slack_signing_secret),
        )
        if value is None
    ]
    if len(missing) == 2:
        report.ok(
            "slack",
            "not configured (SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET unset); "
            "`socialops demo` works without",
        )
        return
    if missing:
        report.problem("slack", f"{missing[0]} is not set; serve needs both Slack settings")
    if settings.slack_bot_token is not None:
        _check_token(settings, report)


def _check_token(settings: Settings, report: Report) -> None:
    import urllib.error

    from slack_sdk import WebClient
    from slack_sdk.errors import SlackApiError

    # A plain client: no retries, so an unreachable Slack is one short wait, not three.
    client = WebClient(
        token=settings.secret("slack_bot_token"),
        base_url=settings.slack_api_url,
        timeout=SLACK_CHECK_TIMEOUT,
    )
    try:
        answer = client.auth_test()
    except SlackApiError as refused:
        reason = refused.response.get("error") or f"HTTP {refused.response.status_code}"
        report.problem("slack", f"auth.test answered {reason}: check SLACK_BOT_TOKEN")
        return
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", None) or error
        report.problem("slack", f"did not answer at {settings.slack_api_url}: {reason}")
        return
    report.ok("slack", f"ok (workspace {answer.get('team')}, bot @{answer.get('user')})")


def _check_faq(settings: Settings, report: Report) -> list[FaqEntry] | None:
    from bot.knowledge.faq_files import FaqFileError, load_faq_dir

    try:
        entries = load_faq_dir(Path(settings.faq_dir))
    except FaqFileError as error:
        report.problem("faq", str(error))
        return None
    report.ok("faq", f"ok ({len(entries)} entries in {settings.faq_dir})")
    return entries


def _check_responses(settings: Settings, report: Report, faq: list[FaqEntry] | None) -> None:
    """Every template loads and renders; ``faq`` is the FAQ just loaded (None when broken), so a
    template serving an id or tag that does not exist is reported too."""
    from bot.knowledge.templates import check_templates

    problems = check_templates(Path(settings.responses_dir), faq)
    for problem in problems:
        report.problem("responses", problem)
    if not problems:
        report.ok("responses", f"ok ({settings.responses_dir})")


def _check_digest(settings: Settings, report: Report) -> None:
    """The digest template (the team's, else the shipped sample) renders with sample figures."""
    from datetime import UTC, datetime

    from bot.slack.digest_content import check_digest_template

    path, problems = check_digest_template(Path(settings.responses_dir), now=datetime.now(UTC))
    for problem in problems:
        report.problem("digest template", problem)
    if not problems:
        report.ok("digest template", f"ok ({path})")


def _self_test_faq(settings: Settings, entries: list[FaqEntry]) -> None:
    """How well the FAQ's own variants find their entries, and the entries too alike to tell
    apart: notes for the team, never a failure (bot/knowledge/faq_self_test.py)."""
    from bot.knowledge.faq_self_test import describe, self_test
    from bot.knowledge.matchers import matcher_factory

    for line in describe(self_test(entries, matcher_factory(settings.matcher))):
        typer.echo(f"faq {line}")


def _describe_replies(settings: Settings, report: Report) -> None:
    from bot.knowledge.matchers import describe_matching

    typer.echo(describe_matching(settings.matcher))
    if settings.llm_configured:
        where = settings.openai_base_url or "api.openai.com"
        report.ok("reply polish", f"{settings.openai_model} at {where}, {settings.llm_timeout:g} s")
    else:
        report.ok("reply polish", "off (set OPENAI_API_KEY or OPENAI_BASE_URL to turn it on)")
