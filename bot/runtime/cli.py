"""The ``socialops`` command line: run the bot, the clock, migrations, checks and the demo.

Known mistakes (missing settings, an unreachable database, a rejected token) end with one line on
stderr and a non-zero exit code, never a traceback.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, ParamSpec, TypeVar

import typer
from slack_bolt.error import BoltError
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from bot.settings import Settings, SettingsError, load_settings, require
from bot.store.db import SchemaOutOfDate

P = ParamSpec("P")
R = TypeVar("R")

EXIT_USAGE = 2
EXIT_FAILURE = 1

cli = typer.Typer(
    name="socialops",
    help="A Slack bot for a brand's social media team.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
db_cli = typer.Typer(help="Manage the store's schema.", no_args_is_help=True)
cli.add_typer(db_cli, name="db")
drafts_cli = typer.Typer(help="Work with drafts from the command line.", no_args_is_help=True)
cli.add_typer(drafts_cli, name="drafts")
audit_cli = typer.Typer(help="The audit trail of every decision.", no_args_is_help=True)
cli.add_typer(audit_cli, name="audit")
faq_cli = typer.Typer(
    help="The FAQ: sync files into the store, export it back.", no_args_is_help=True
)
cli.add_typer(faq_cli, name="faq")


def fail(message: str, code: int = EXIT_FAILURE) -> typer.Exit:
    typer.echo(f"socialops: {message}", err=True)
    return typer.Exit(code)


def friendly_errors(command: Callable[P, R]) -> Callable[P, R]:
    """Turn the mistakes an operator can make into one line and an exit code."""

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except SettingsError as exc:
            raise fail(str(exc), EXIT_USAGE) from None
        except SchemaOutOfDate as exc:
            raise fail(str(exc), EXIT_USAGE) from None
        except BoltError as exc:
            raise fail(f"Slack rejected the start-up: {exc}", EXIT_USAGE) from None
        except SQLAlchemyError as exc:
            origin = getattr(exc, "orig", None) or exc
            reason = str(origin).splitlines()[0]
            raise fail(f"the database did not answer: {reason}") from None

    return wrapper


def _settings_for(command: str) -> Settings:
    settings = load_settings()
    require(settings, command)  # type: ignore[arg-type]
    return settings


def _describe_database(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


@cli.command()
@friendly_errors
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "0.0.0.0",
    port: Annotated[int | None, typer.Option(help="Port; default $PORT or 3000.")] = None,
    workers: Annotated[int, typer.Option(min=1, help="gunicorn worker processes.")] = 2,
    threads: Annotated[int, typer.Option(min=1, help="Threads per worker.")] = 8,
) -> None:
    """Serve Slack over HTTP (POST /slack/events, GET /healthz) with gunicorn."""
    from bot.runtime.logs import configure_logging
    from bot.runtime.server import build_bot, serve_http, sync_faq_at_start

    settings = _settings_for("serve")
    configure_logging(settings)
    # Migrate (SQLite) or check the schema, verify the token (auth.test) and load the FAQ once,
    # in the master: a mistake is one line here instead of every worker failing to boot, and
    # workers never race to sync.
    services, _app = build_bot(settings)
    try:
        sync_faq_at_start(services)
    finally:
        services.close()
    serve_http(settings, host=host, port=port or settings.port, workers=workers, threads=threads)


@cli.command()
@friendly_errors
def run() -> None:
    """Run the bot: Socket Mode when SLACK_APP_TOKEN is set, otherwise the same as serve."""
    settings = load_settings()
    if settings.slack_app_token is None:
        serve(host="0.0.0.0", port=None, workers=2, threads=8)
        return
    from bot.runtime.logs import configure_logging
    from bot.runtime.server import run_socket_mode

    require(settings, "socket")
    configure_logging(settings)
    run_socket_mode(settings)


@cli.command()
@friendly_errors
def clock() -> None:
    """Run the scheduler process (one or more per deployment); stops cleanly on SIGTERM."""
    from bot.runtime.logs import configure_logging
    from bot.runtime.scheduler import run_clock
    from bot.runtime.stopping import stop_on_signals
    from bot.services import Services
    from bot.store.db import prepare_database

    settings = _settings_for("clock")
    configure_logging(settings)
    # The signals are ours before the store is touched: a SIGTERM during the migrations lets them
    # finish, and the clock then stops without starting (exit 0) instead of dying mid-way.
    with stop_on_signals() as stop:
        services = Services.build(settings)
        client = None
        if settings.slack_bot_token is not None:
            from bot.slack.client import build_web_client

            client = build_web_client(
                token=settings.secret("slack_bot_token"), base_url=settings.slack_api_url
            )
        else:
            typer.echo(
                "socialops: SLACK_BOT_TOKEN is not set, so the clock expires drafts without telling anyone",
                err=True,
            )
        try:
            prepare_database(services.engine)
            run_clock(services, client, stop)
        finally:
            services.close()


@db_cli.command("upgrade")
@friendly_errors
def db_upgrade() -> None:
    """Apply every pending migration to DATABASE_URL."""
    from bot.store.db import create_db_engine, upgrade_database

    settings = _settings_for("db")
    engine = create_db_engine(settings.database_url)
    try:
        upgrade_database(engine)
    finally:
        engine.dispose()
    typer.echo(f"database at {_describe_database(settings.database_url)} is up to date")


@cli.command()
@friendly_errors
def check() -> None:
    """Validate the settings and the store; exit 2 on the first problem."""
    from bot.store.db import create_db_engine, database_answers, schema_is_current

    settings = _settings_for("check")
    typer.echo("settings: ok")
    engine = create_db_engine(settings.database_url)
    try:
        where = _describe_database(settings.database_url)
        if not database_answers(engine):
            raise fail(f"the database at {where} did not answer", EXIT_USAGE)
        if not schema_is_current(engine):
            raise fail(f"the database at {where} needs `socialops db upgrade`", EXIT_USAGE)
    finally:
        engine.dispose()
    typer.echo(f"database: ok ({where})")
    missing_slack = [
        name
        for name, value in (
            ("SLACK_BOT_TOKEN", settings.slack_bot_token),
            ("SLACK_SIGNING_SECRET", settings.slack_signing_secret),
        )
        if value is None
    ]
    if missing_slack:
        typer.echo(
            f"slack: not configured ({', '.join(missing_slack)} unset); `socialops demo` works without"
        )
    else:
        typer.echo("slack: configured")
    _check_knowledge(settings)


def _check_knowledge(settings: Settings) -> None:
    """The FAQ files load and every response template renders with sample data."""
    from bot.knowledge.faq_files import FaqFileError, load_faq_dir
    from bot.knowledge.templates import check_templates

    try:
        entries = load_faq_dir(Path(settings.faq_dir))
    except FaqFileError as error:
        raise fail(f"faq: {error}", EXIT_USAGE) from None
    typer.echo(f"faq: ok ({len(entries)} entries in {settings.faq_dir})")
    problems = check_templates(Path(settings.responses_dir))
    for problem in problems[:-1]:
        typer.echo(f"socialops: responses: {problem}", err=True)
    if problems:
        raise fail(f"responses: {problems[-1]}", EXIT_USAGE)
    typer.echo(f"responses: ok ({settings.responses_dir})")
    from bot.knowledge.matchers import describe_matching

    typer.echo(describe_matching(settings.matcher))
    if settings.llm_configured:
        where = settings.openai_base_url or "api.openai.com"
        typer.echo(f"reply polish: {settings.openai_model} at {where}, {settings.llm_timeout:g} s")
    else:
        typer.echo("reply polish: off (set OPENAI_API_KEY or OPENAI_BASE_URL to turn it on)")


@drafts_cli.command("import")
@friendly_errors
def drafts_import(
    path: Annotated[
        Path, typer.Argument(help="CSV with text, networks, scheduled_at, campaign, author.")
    ],
    skip_invalid: Annotated[
        bool, typer.Option("--skip-invalid", help="Import the valid rows even if some are not.")
    ] = False,
) -> None:
    """Create drafts from a CSV file and post their approval cards."""
    from bot.services import Services
    from bot.slack.approval_cards import post_card
    from bot.slack.client import build_web_client
    from bot.store.db import prepare_database, session_scope
    from bot.workflows.drafts.csv_import import ImportFileError, parse_import, store_import

    settings = _settings_for("import")
    try:
        content = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise fail(
            f"cannot read {path}: {getattr(error, 'strerror', None) or error}", EXIT_USAGE
        ) from None
    services = Services.build(settings)
    try:
        prepare_database(services.engine)
        checks = services.check_policy
        try:
            parsed = parse_import(content, zone=settings.zone, checks=checks, now=services.clock())
        except ImportFileError as error:
            raise fail(f"{path}: {error}", EXIT_USAGE) from None
        for problem in parsed.problems:
            typer.echo(f"{path}: {problem}", err=True)
        if parsed.problems and not skip_invalid:
            raise fail(
                f"nothing imported: {len(parsed.problems)} invalid row(s); fix them or use --skip-invalid",
                EXIT_USAGE,
            )
        with session_scope(services.sessions) as session:
            created = store_import(
                session=session, parsed=parsed, checks=checks, now=services.clock()
            )
        client = build_web_client(
            token=settings.secret("slack_bot_token"), base_url=settings.slack_api_url
        )
        for draft in created:
            post_card(client, services, draft)
        skipped = f", {len(parsed.problems)} invalid row(s) skipped" if parsed.problems else ""
        typer.echo(
            f"imported {len(created)} draft(s){skipped}; cards posted to {settings.approvals_channel}"
        )
    finally:
        services.close()


@audit_cli.command("export")
@friendly_errors
def audit_export(
    format: Annotated[str, typer.Option("--format", help="csv or json.")] = "csv",
    since: Annotated[
        str | None, typer.Option(help="Only entries from this date (YYYY-MM-DD) on.")
    ] = None,
) -> None:
    """Write the audit trail to standard output."""
    from bot.store.db import create_db_engine, make_session_factory, session_scope
    from bot.workflows.audit import audit_since
    from bot.workflows.audit_export import render_audit
    from bot.workflows.drafts.parsing import InputError, parse_since

    if format not in ("csv", "json"):
        raise fail(f"--format must be csv or json, not '{format[:20]}'", EXIT_USAGE)
    settings = _settings_for("check")
    try:
        start = parse_since(since, zone=settings.zone) if since else None
    except InputError as error:
        raise fail(f"--since: {error}", EXIT_USAGE) from None
    engine = create_db_engine(settings.database_url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            entries = audit_since(session=session, since=start)
        sys.stdout.write(render_audit(entries, format))  # type: ignore[arg-type]
    finally:
        engine.dispose()


@faq_cli.command("sync")
@friendly_errors
def faq_sync() -> None:
    """Load SOCIALOPS_FAQ_DIR into the store; on any mistake nothing is applied."""
    from bot.knowledge.faq_files import FaqFileError, load_faq_dir
    from bot.services import Services
    from bot.store.db import prepare_database, session_scope
    from bot.workflows.faq import sync_faq

    settings = _settings_for("check")
    try:
        entries = load_faq_dir(Path(settings.faq_dir))
    except FaqFileError as error:
        raise fail(f"nothing synced: {error}", EXIT_USAGE) from None
    services = Services.build(settings)
    try:
        prepare_database(services.engine)
        with session_scope(services.sessions) as session:
            result = sync_faq(session=session, entries=entries, now=services.clock())
    finally:
        services.close()
    typer.echo(
        f"faq: {len(entries)} entries from {settings.faq_dir} ({result.added} added, "
        f"{result.updated} updated, {result.removed} removed; {result.kept_from_slack} added in Slack kept)"
    )


@faq_cli.command("export")
@friendly_errors
def faq_export(
    folder: Annotated[
        Path, typer.Argument(help="Folder to write faq.yml into (created if missing).")
    ],
) -> None:
    """Write every FAQ entry in the store (including those added in Slack) as YAML."""
    from bot.knowledge.faq_files import dump_faq
    from bot.knowledge.faq_store import all_entries
    from bot.store.db import create_db_engine, make_session_factory, session_scope

    settings = _settings_for("check")
    engine = create_db_engine(settings.database_url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            entries = all_entries(session)
    finally:
        engine.dispose()
    target = folder / "faq.yml"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        target.write_text(dump_faq(entries), encoding="utf-8")
    except OSError as error:
        raise fail(f"cannot write {target}: {error.strerror or error}", EXIT_USAGE) from None
    typer.echo(f"faq: {len(entries)} entries written to {target}")


@cli.command()
@friendly_errors
def suggest(
    text: Annotated[
        str | None, typer.Argument(help="A customer message; without it, one per stdin line.")
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="One JSON object per message, for scripts.")
    ] = False,
) -> None:
    """Draft replies from SOCIALOPS_FAQ_DIR and SOCIALOPS_RESPONSES_DIR, as the bot would."""
    import json

    from bot.knowledge.faq_files import FaqFileError
    from bot.knowledge.library import knowledge_from_files
    from bot.knowledge.matchers import matcher_factory
    from bot.knowledge.templates import TemplateFileError
    from bot.services import build_drafter
    from bot.workflows.replies import BrandVoice, CustomerMessage, compose

    settings = _settings_for("check")
    matcher = matcher_factory(settings.matcher)
    try:
        knowledge = knowledge_from_files(
            Path(settings.faq_dir), Path(settings.responses_dir), matcher=matcher
        )
    except (FaqFileError, TemplateFileError) as error:
        raise fail(str(error), EXIT_USAGE) from None
    drafter = build_drafter(settings)
    voice = BrandVoice(
        name=settings.brand_name,
        sign_off=settings.sign_off,
        emoji=settings.emoji,
        banned_phrases=tuple(settings.banned_words),
    )
    messages = [text] if text is not None else (line.rstrip("\n") for line in sys.stdin)
    handled = 0
    for raw in messages:
        if not raw.strip():
            if text is not None:
                raise fail("the message is empty", EXIT_USAGE)
            continue
        message = CustomerMessage.parse(raw)
        result = compose(
            knowledge, message, drafter=drafter, voice=voice, network=settings.default_network
        )
        handled += 1
        if as_json:
            record = {
                "text": raw,
                "matches": [{"id": m.entry_id, "score": m.score} for m in result.ranked],
                "draft": result.text,
                "abstained": result.abstained,
            }
            typer.echo(json.dumps(record, ensure_ascii=False))
            continue
        typer.echo(f"> {message.text}")
        if result.abstained:
            typer.echo("  abstained: no FAQ entry answers this confidently\n")
            continue
        cited = f"{result.faq_id}, template {result.template_id or '(none)'}"
        typer.echo(f"  from {cited}, confidence {round(result.confidence * 100)}%")
        if result.note:
            typer.echo(f"  note: {result.note}")
        typer.echo("  " + (result.text or "").replace("\n", "\n  ") + "\n")
    if handled == 0:
        raise fail("no messages: give TEXT or pipe one message per line", EXIT_USAGE)


@cli.command()
@friendly_errors
def demo() -> None:
    """Play a scripted scenario against a local Slack emulator; needs no workspace or settings."""
    from bot.runtime.demo import run_demo

    code = run_demo(out=sys.stdout)
    raise typer.Exit(code)


def main() -> None:
    cli()
