"""Process entry points for Slack traffic: gunicorn over HTTP, or Socket Mode."""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from gunicorn.app.base import BaseApplication
from slack_bolt import App
from slack_bolt.error import BoltError
from slack_sdk.errors import SlackApiError

from bot.runtime.app import create_app
from bot.runtime.logs import configure_logging
from bot.runtime.stopping import StopRequest, stop_on_signals
from bot.runtime.web import WSGIApp, create_wsgi_app
from bot.services import Services
from bot.settings import Settings
from bot.store.db import prepare_database

if TYPE_CHECKING:
    from slack_bolt.adapter.socket_mode import SocketModeHandler

log = logging.getLogger(__name__)

# Closing waits for the envelopes being dispatched, and slack_sdk's reader finishes its current
# 3 s receive first; past this, something is stuck and the process exits anyway.
CLOSE_TIMEOUT = 15.0


def build_bot(settings: Settings) -> tuple[Services, App]:
    """Services and the bolt App for one process, with the store ready."""
    services = Services.build(settings)
    try:
        prepare_database(services.engine)
        return services, create_app(settings, services)
    except BaseException:
        services.close()
        raise


def sync_faq_at_start(services: Services) -> None:
    """Load SOCIALOPS_FAQ_DIR into the store, once per start, in one process.

    A broken file must not keep approvals and the rest of the bot down: the store keeps the FAQ
    it had, and the log says which file and entry to fix (`socialops check` says the same).
    """
    from pathlib import Path

    from bot.knowledge.faq_files import FaqFileError, load_faq_dir
    from bot.store.db import session_scope
    from bot.workflows.faq import sync_faq

    folder = services.settings.faq_dir
    try:
        entries = load_faq_dir(Path(folder))
    except FaqFileError as error:
        log.error("faq: not synced, the store keeps its entries: %s", error)
        return
    with session_scope(services.sessions) as session:
        result = sync_faq(session=session, entries=entries, now=services.clock())
    log.info(
        "faq: %d entries from %s (%d added, %d updated, %d removed)",
        len(entries),
        folder,
        result.added,
        result.updated,
        result.removed,
    )


def warm_approvers(services: Services, app: App) -> None:
    """Fetch the approver groups' members before the first click: a decision is committed before
    its ack and reads them from the cache (bot/slack/approvers.py), so it never waits on Slack."""
    from bot.slack.approvers import refresh_approvers

    refresh_approvers(services.settings, app.client, services.groups, now=services.clock())


def warm_matcher(services: Services) -> None:
    """Build the FAQ matcher before the first request (the semantic one loads a model: seconds).

    `/social faq search` matches before Slack's 3-second ack, so the model must already be in
    memory. Runs in each process that serves Slack; for gunicorn in each worker after the fork,
    never in the master, because torch's thread pools do not survive a fork.
    """
    from bot.store.db import session_scope

    started = time.perf_counter()
    with session_scope(services.sessions) as session:
        services.knowledge.warm(session)
    log.info("faq: matcher ready in %.1f s", time.perf_counter() - started)


class GunicornServer(BaseApplication):  # type: ignore[misc]
    """gunicorn, configured from code so `socialops serve` needs no config file.

    ``load_app`` runs in each worker after the fork: every worker gets its own engine and HTTP
    connections instead of sharing the master's.
    """

    def __init__(self, load_app: Callable[[], WSGIApp], options: Mapping[str, Any]) -> None:
        self._load_app = load_app
        self._options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._options.items():
            self.cfg.set(key, value)

    def load(self) -> WSGIApp:
        return self._load_app()


def gunicorn_options(*, host: str, port: int, workers: int, threads: int) -> dict[str, Any]:
    """How socialops is served; the benchmark serves its baseline app with the same options."""
    return {
        "bind": f"{host}:{port}",
        "workers": workers,
        # Threads per worker: bolt acks from the request thread while the listener runs on its own
        # pool, so a few request threads keep acks flowing while other requests wait on the store.
        "worker_class": "gthread",
        "threads": threads,
        "accesslog": "-",
        "errorlog": "-",
        "timeout": 30,
        "graceful_timeout": 10,
        "proc_name": "socialops-web",
        # gunicorn's control socket is one path per user ($XDG_RUNTIME_DIR or ~/.gunicorn), so a
        # second `socialops serve` on the host took over the first's. Nothing here uses it.
        "control_socket_disable": True,
    }


def cannot_listen(host: str, port: int) -> str | None:
    """Why gunicorn would fail to listen on ``host:port``, or None.

    gunicorn retries a failed bind five times, a second apart, and then exits with ten log
    lines; asking first turns a port in use or an unknown host into one line before start-up.
    """
    try:
        family, kind, proto, _name, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM
        )[0]
        with socket.socket(family, kind, proto) as probe:
            # As gunicorn binds: a port left in TIME_WAIT by a previous server is free.
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(address)
    except OSError as error:
        return error.strerror or str(error)
    return None


def serve_http(settings: Settings, *, host: str, port: int, workers: int, threads: int) -> None:
    def load_bot() -> WSGIApp:
        configure_logging(settings)
        services, app = build_bot(settings)
        warm_matcher(services)
        warm_approvers(services, app)
        return create_wsgi_app(app, services)

    options = gunicorn_options(host=host, port=port, workers=workers, threads=threads)
    GunicornServer(load_bot, options).run()


def run_socket_mode(settings: Settings) -> None:
    """Connect out to Slack over a websocket (no public URL needed) until SIGTERM or SIGINT.

    bolt's ``SocketModeHandler.start()`` blocks on an Event nobody can set, so SIGTERM would kill
    the process by signal, mid-request; instead we connect, wait for the stop (a timed wait, see
    bot.runtime.stopping), then close the handler (it waits for the envelopes it is dispatching)
    and the store, and return (exit 0). The signals are ours from the first line, so a SIGTERM
    during start-up (migrations, FAQ sync, the matcher's warm-up) stops the process cleanly too.
    """
    with stop_on_signals() as stop:
        services, app = build_bot(settings)
        try:
            sync_faq_at_start(services)
            warm_matcher(services)
            warm_approvers(services, app)
            if stop.requested:
                log.info("socket mode: received %s before connecting", stop.signal_name)
            else:
                _serve_socket_mode(settings, app, stop)
        finally:
            services.close()
            log.info("socket mode: stopped")


def _serve_socket_mode(settings: Settings, app: App, stop: StopRequest) -> None:
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    handler = SocketModeHandler(app, app_token=settings.secret("slack_app_token"))
    try:
        log.info("socket mode: connecting to Slack")
        try:
            handler.connect()  # type: ignore[no-untyped-call]
        except SlackApiError as refused:
            # apps.connections.open said no (a revoked or mistyped app token): one line, exit 2.
            reason = refused.response.get("error") or f"HTTP {refused.response.status_code}"
            raise BoltError(
                f"apps.connections.open answered {reason}; SLACK_APP_TOKEN must be an "
                "app-level token with connections:write"
            ) from None
        if handler.client.is_connected():
            log.info("socket mode: connected")
        else:
            # slack_sdk logged why; its monitor thread keeps trying with fresh URLs.
            log.warning("socket mode: not connected yet; retrying in the background")
        log.info("socket mode: received %s, shutting down", stop.wait())
    finally:
        close_socket_mode(handler)


def close_socket_mode(handler: SocketModeHandler, *, timeout: float = CLOSE_TIMEOUT) -> None:
    """``handler.close()``, proof against slack_sdk's close/receive race.

    The builtin client starts its receive loop on a runner thread just after ``connect()``, and
    that loop first sets its session's ``terminated`` flag back to False. A stop that arrives
    right after connecting can have ``close()`` set the flag before the loop resets it; the loop
    then never ends and ``close()`` joins its thread forever (the process ignores SIGTERM). So
    close runs on a helper thread while this one sets the flag again until it returns; the
    envelopes being dispatched still finish. The runner is a daemon thread: past ``timeout``
    the process exits anyway, and says so.
    """
    closing = threading.Thread(target=handler.close, name="socket-mode-close", daemon=True)
    closing.start()
    deadline = time.monotonic() + timeout
    while closing.is_alive() and time.monotonic() < deadline:
        state = getattr(handler.client, "current_session_state", None)
        if state is not None:
            state.terminated = True
        closing.join(0.1)
    if closing.is_alive():
        log.warning("socket mode: the connection did not close within %.0f s; exiting", timeout)
