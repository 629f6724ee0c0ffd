"""The ``socialops`` command line: run the bot, the clock, migrations, checks and the demo.

Known mistakes (missing settings, an unreachable database, a rejected token) end with one line on
stderr and a non-zero exit code, never a traceback.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from bot.runtime.cli_content import audit_cli, drafts_cli, faq_cli, suggest
from bot.runtime.cli_crisis import crisis_cli
from bot.runtime.cli_report import report
from bot.runtime.cli_support import (
    EXIT_USAGE,
    MAX_PORT,
    describe_database,
    fail,
    friendly_errors,
    settings_for,
)
from bot.settings import load_settings, require

cli = typer.Typer(
    name="socialops",
    help="A Slack bot for a brand's social media team.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
db_cli = typer.Typer(help="Manage the store's schema.", no_args_is_help=True)
cli.add_typer(db_cli, name="db")
cli.add_typer(drafts_cli, name="drafts")
cli.add_typer(audit_cli, name="audit")
cli.add_typer(faq_cli, name="faq")
cli.add_typer(crisis_cli, name="crisis")


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
    from bot.runtime.server import build_bot, cannot_listen, serve_http, sync_faq_at_start

    # Checked before anything starts: gunicorn would only fail to bind after the migrations,
    # the token check and the FAQ sync, with a traceback (out of range) or ten log lines (in use).
    if port is not None and not 1 <= port <= MAX_PORT:
        raise fail(f"--port must be between 1 and {MAX_PORT}, not {port}", EXIT_USAGE)
    settings = settings_for("serve")
    listen_port = port or settings.port
    reason = cannot_listen(host, listen_port)
    if reason is not None:
        raise fail(f"cannot listen on {host}:{listen_port}: {reason}", EXIT_USAGE)
    configure_logging(settings)
    # Migrate (SQLite) or check the schema, verify the token (auth.test) and load the FAQ once,
    # in the master: a mistake is one line here instead of every worker failing to boot, and
    # workers never race to sync.
    services, _app = build_bot(settings)
    try:
        sync_faq_at_start(services)
    finally:
        services.close()
    serve_http(settings, host=host, port=listen_port, workers=workers, threads=threads)


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

    settings = settings_for("clock")
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
        replay = None
        if client is not None and settings.slack_signing_secret is not None:
            from bot.runtime.app import create_app
            from bot.runtime.event_replay import bolt_dispatcher

            # Events a web worker acked and never finished are answered from here.
            replay = bolt_dispatcher(create_app(settings, services, verify_token=False))
        try:
            prepare_database(services.engine)
            run_clock(services, client, stop, replay=replay)
        finally:
            services.close()


@db_cli.command("upgrade")
@friendly_errors
def db_upgrade() -> None:
    """Apply every pending migration to DATABASE_URL."""
    from bot.store.db import create_db_engine, upgrade_database

    settings = settings_for("db")
    engine = create_db_engine(settings.database_url)
    try:
        upgrade_database(engine)
    finally:
        engine.dispose()
    typer.echo(f"database at {describe_database(settings.database_url)} is up to date")


@cli.command()
@friendly_errors
def check() -> None:
    """Check the settings, the store, Slack, the FAQ and the templates; report each, exit 2 on any problem."""
    from bot.runtime.cli_check import run_check

    run_check(settings_for("check"))


# Defined with the content commands; listed here so `--help` keeps the order people use.
cli.command()(friendly_errors(suggest))
cli.command()(friendly_errors(report))


@cli.command()
@friendly_errors
def demo() -> None:
    """Play a scripted scenario against a local Slack emulator; needs no workspace or settings."""
    from bot.runtime.demo import run_demo

    code = run_demo(out=sys.stdout)
    raise typer.Exit(code)


def main() -> None:
    cli()
