"""Answers for requests no feature listener claimed, registered after every other listener.

Without them bolt answers 404: Slack retries an unanswered event (and disables event delivery
for an app that keeps failing), and a person clicking a button left over from an older version
sees Slack's generic error. Acking and saying so is the behaviour both expect.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.blocks.errors import outdated_control_text
from bot.commands.events import on_event

log = logging.getLogger(__name__)

ANYTHING = re.compile(".*")


def register(app: App) -> None:
    """Must run last in ``create_app``: bolt tries listeners in the order they were added."""

    def ignore_event(event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        # Subscribed in the app's settings but handled by no feature: acked so Slack stops.
        log.info("event %s has no listener; acknowledged and ignored", event.get("type"))

    on_event(app, ANYTHING, ignore_event)

    @app.action(ANYTHING)
    def explain_outdated_control(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        action_ids = [a.get("action_id") for a in body.get("actions", [])]
        log.warning("action %s has no listener; told the user it is outdated", action_ids)
        if respond.response_url:
            respond(text=outdated_control_text(), response_type="ephemeral", replace_original=False)

    @app.view(ANYTHING)
    def close_unknown_view(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        callback_id = body.get("view", {}).get("callback_id")
        log.warning("view %s (%s) has no listener; closed", callback_id, body.get("type"))

    @app.view_closed(ANYTHING)
    def ack_closed_view(ack: Ack) -> None:
        ack()

    @app.shortcut(ANYTHING)
    def ack_unknown_shortcut(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        log.warning("shortcut %s has no listener", body.get("callback_id"))
