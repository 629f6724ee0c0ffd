"""``create_app``: the bolt App with socialops' middleware, error handler and listeners.

No module-level App: every process (gunicorn worker, Socket Mode worker, test, demo) builds its own
from explicit settings and services.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import uuid
from collections.abc import Callable
from concurrent.futures import Executor
from typing import Any

from slack_bolt import App, BoltContext, BoltRequest, BoltResponse, Respond
from slack_sdk import WebClient

from bot.blocks.errors import unexpected_error_text
from bot.commands import (
    approvals,
    crisis,
    digest_actions,
    digests,
    fallbacks,
    faq,
    handoff_lists,
    handoff_start,
    handoffs,
    home,
    monitoring,
    replies,
    reply_edits,
    shortcuts,
    social,
    spike_actions,
)
from bot.commands.context import SERVICES_KEY
from bot.commands.events import EVENT_CLAIM_KEY, EventClaim
from bot.commands.router import SubcommandRouter
from bot.runtime.logs import new_reference
from bot.services import Services
from bot.settings import Settings
from bot.slack.client import build_web_client
from bot.slack.handoff_moves import Surfaces
from bot.store.db import session_scope
from bot.workflows.events import claim_event

log = logging.getLogger(__name__)


class _UnusedTokenWarningFilter(logging.Filter):
    """Drops bolt's "you gave `client` as well, `token` will be unused" warning.

    We hand bolt a configured client; bolt still reads SLACK_BOT_TOKEN from the environment and
    warns that it is unused, although the client carries that same token. The warning would only
    puzzle operators.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return "`token` will be unused" not in record.getMessage()


def _quiet_unused_token_warning() -> None:
    bolt_log = logging.getLogger("slack_bolt.App")
    if not any(isinstance(f, _UnusedTokenWarningFilter) for f in bolt_log.filters):
        bolt_log.addFilter(_UnusedTokenWarningFilter())


def create_app(
    settings: Settings,
    services: Services,
    *,
    verify_token: bool = True,
    listener_executor: Executor | None = None,
) -> App:
    """Build the bolt App. ``settings`` must hold the bot token and signing secret.

    ``listener_executor`` replaces bolt's listener thread pool (the demo's can tell when the
    work of a step is done)."""
    _quiet_unused_token_warning()
    client = build_web_client(
        token=settings.secret("slack_bot_token"), base_url=settings.slack_api_url
    )
    app = App(
        client=client,
        signing_secret=settings.secret("slack_signing_secret"),
        # auth.test at start-up tells us the bot's own user id (to ignore its own messages) and
        # fails fast on a revoked token.
        token_verification_enabled=verify_token,
        # Bolt answers Slack's url_verification challenge and drops the bot's own events itself.
        ignoring_self_events_enabled=True,
        request_verification_enabled=True,
        # The listener thread pool does the work after the ack; keep errors inside our handler.
        raise_error_for_unhandled_request=False,
        listener_executor=listener_executor,
    )
    app.use(_inject_services(services))
    app.use(_dedupe_events(services))
    app.error(_handle_unexpected_error)

    router = SubcommandRouter()
    social.register(app, router)
    approvals.register(app, router)
    digest_actions.register(app)
    replies.register(app, router)
    reply_edits.register(app)
    faq.register(app, router)
    home.register(app, router)
    # The surfaces besides the packet that show handoff buttons (lists, the App Home) add their
    # refresh to ``surfaces`` (``surfaces.add``), so a move made from them redraws them.
    surfaces = Surfaces()
    surfaces.add(home.handoff_refresher(router.help_entries))
    handoffs.register(app, router, surfaces=surfaces)
    handoff_lists.register(router, surfaces)
    handoff_start.register(app)
    digests.register(router)
    crisis.register(app, router)
    monitoring.register(app)
    spike_actions.register(app)
    shortcuts.register(
        app, skip=frozenset({replies.DRAFT_REPLY_SHORTCUT, handoff_start.HAND_OFF_SHORTCUT})
    )
    fallbacks.register(app)  # last: it catches what no listener above claimed
    return app


Next = Callable[[], BoltResponse | None]


def _inject_services(services: Services) -> Callable[..., BoltResponse | None]:
    def inject_services(context: BoltContext, next: Next) -> BoltResponse | None:
        context[SERVICES_KEY] = services
        return next()

    return inject_services


def _dedupe_events(services: Services) -> Callable[..., BoltResponse | None]:
    worker = f"{socket.gethostname()}:{os.getpid()}"

    def dedupe_events(
        body: dict[str, Any], context: BoltContext, next: Next
    ) -> BoltResponse | None:
        event_id = body.get("event_id")
        if body.get("type") != "event_callback" or not isinstance(event_id, str):
            return next()
        event_type = str(body.get("event", {}).get("type", "unknown"))
        if event_type == "message" and not monitoring.is_monitored_message(
            body, services.settings.monitored_channels
        ):
            # Every channel the bot is in sends its messages; only monitored ones are acted on.
            return next()
        # Unique per delivery, so only this delivery can release what it claimed.
        claim = EventClaim(event_id=event_id, claimed_by=f"{worker}:{uuid.uuid4().hex[:12]}")
        with session_scope(services.sessions) as session:
            acts = claim_event(
                session=session,
                event_id=event_id,
                event_type=event_type,
                now=services.clock(),
                claimed_by=claim.claimed_by,
                # Kept so the clock can replay it if this worker dies before the listener ends.
                body=json.dumps(body),
            )
        if not acts:
            # Finished already, or another delivery is at work on it: say OK so Slack stops.
            log.info("event %s (%s) finished or in hand; ignored", event_id, event_type)
            return BoltResponse(status=200, body="")
        # The listener (wrapped by bot.commands.events.on_event) finishes or releases it.
        context[EVENT_CLAIM_KEY] = claim
        return next()

    return dedupe_events


def _handle_unexpected_error(
    error: Exception,
    body: dict[str, Any],
    request: BoltRequest,
    response: BoltResponse | None,
    respond: Respond | None,
    client: WebClient | None,
    context: BoltContext,
) -> BoltResponse | None:
    """Tell the person a short message with a reference; log the reference with the stack."""
    reference = new_reference()
    log.error(
        "unhandled error ref=%s in %s request: %s",
        reference,
        body.get("type") or ("slash_command" if "command" in body else "unknown"),
        error,
        exc_info=error,
    )
    text = unexpected_error_text(reference)
    try:
        if response is not None and "command" in body:
            # Not acked yet: the HTTP answer itself carries the message, with no extra call.
            payload = {"response_type": "ephemeral", "text": text}
            return BoltResponse(
                status=200, body=json.dumps(payload), headers={"content-type": "application/json"}
            )
        _tell_user(text, body=body, respond=respond, client=client, context=context)
    except Exception:
        log.exception("could not tell the user about error ref=%s", reference)
    return None


def _tell_user(
    text: str,
    *,
    body: dict[str, Any],
    respond: Respond | None,
    client: WebClient | None,
    context: BoltContext,
) -> None:
    if respond is not None and respond.response_url:
        respond(text=text, response_type="ephemeral", replace_original=False)
        return
    if client is None or context.user_id is None:
        return
    if context.channel_id:
        client.chat_postEphemeral(channel=context.channel_id, user=context.user_id, text=text)
    else:
        # A modal submission has no channel: the app's DM with the user is the place to say it.
        client.chat_postMessage(channel=context.user_id, text=text)
