"""Opening a modal inside Slack's 3-second trigger window: ``views.open`` first, then the work.

Slack takes a click's ``trigger_id`` once, for 3 seconds. A listener that looks things up before
``views.open`` (a user-group lookup that meets a 429 and waits out its Retry-After, a slow
database) misses that window, and the person gets Slack's "Something went wrong". So every
modal opens here: a ready view is opened as it is; a view that needs work opens as a loading
modal at once and is then replaced (``views.update`` with the opened view's id and hash) by the
real one, or by a one-line notice when there is nothing to show.

``modal_button`` is the kit for buttons that open a modal (kept apart from ``kit.button``, which
is about buttons that decide something); slash subcommands call ``open_modal`` after their ack.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks.modals import build_failed_modal, build_loading_modal, build_notice_modal
from bot.blocks.text import escape_mrkdwn
from bot.commands.context import services_of
from bot.commands.kit import DAMAGED_BUTTON, BadValue, StaleControl
from bot.commands.respond import tell
from bot.services import Services

log = logging.getLogger(__name__)

T = TypeVar("T")
View = dict[str, Any]


class NoModal(Exception):
    """There is no form to show (a refusal, a target gone): ``str(error)`` replaces the
    loading text, as plain words (it is escaped here)."""


def open_modal(
    client: WebClient, trigger_id: str, view: View | Callable[[], View], *, title: str = ""
) -> None:
    """Open ``view`` with ``trigger_id`` now; a callable is worked out after a loading modal
    (titled ``title``) is already open, and the modal is then updated to what it returns."""
    if not callable(view):
        client.views_open(trigger_id=trigger_id, view=view)
        return
    opened = client.views_open(trigger_id=trigger_id, view=build_loading_modal(title))["view"]
    try:
        content = view()
    except (NoModal, StaleControl) as nothing:
        content = build_notice_modal(title, escape_mrkdwn(str(nothing)))
    except Exception:
        # The app's error handler logs it with a reference and tells the person; the modal
        # must not be left saying "Loading" for ever.
        _update(client, opened, build_failed_modal(title))
        raise
    _update(client, opened, content)


def _update(client: WebClient, opened: View, content: View) -> None:
    try:
        client.views_update(view_id=opened["id"], hash=opened["hash"], view=content)
    except SlackApiError as error:
        if error.response.get("error") not in ("not_found", "hash_conflict"):
            raise
        # The person closed the loading modal (not_found), or it changed meanwhile: either
        # way there is no longer a modal of ours to fill, and nothing was decided.
        log.info("modal %s not filled: %s", opened.get("id"), error.response.get("error"))


@dataclass(frozen=True)
class ModalCall(Generic[T]):
    """A click on a button that opens a modal, acked, with its value parsed. A loading modal
    is already open while the filler runs."""

    value: T
    action_id: str
    user_id: str
    body: dict[str, Any]
    client: WebClient
    respond: Respond
    services: Services


ModalFiller = Callable[[ModalCall[T]], View]


def modal_button(
    app: App,
    action_id: str | re.Pattern[str],
    *,
    parse: Callable[[str], T],
    title: str,
    fill: ModalFiller[T],
    damaged: str = DAMAGED_BUTTON,
) -> None:
    """Register a button that opens a modal titled ``title``: ``fill`` returns its view, or
    raises NoModal / StaleControl with what the person reads instead. ``fill`` runs after
    ``views.open``, so it may take its time; ``parse`` runs before and must stay pure."""

    # Bolt fills a listener's parameters by name, so these names are Slack's, not ours.
    def listener(
        ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext
    ) -> None:
        ack()
        action = (body.get("actions") or [{}])[0]
        raw = str(action.get("value") or "")
        try:
            value = parse(raw)
        except BadValue:
            log.info("action %s: unreadable value %r", action.get("action_id"), raw[:40])
            tell(respond, damaged)
            return
        call = ModalCall(
            value=value,
            action_id=str(action.get("action_id") or ""),
            user_id=str(body["user"]["id"]),
            body=body,
            client=client,
            respond=respond,
            services=services_of(context),
        )
        open_modal(client, str(body.get("trigger_id") or ""), lambda: fill(call), title=title)

    app.action(action_id)(listener)
