"""Editing a suggested reply before it goes for approval: the Edit button and its form.

Split from replies.py (which drafts, shows and sends suggestions) because the form has its own
timing: Slack honours a click's trigger_id for 3 seconds, so a loading modal opens before any
database or other Slack call, and the form replaces it once the suggestion is read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.webhook import WebhookClient

from bot.blocks.replies import (
    EDIT_ACTION,
    EDIT_VIEW,
    build_loading_modal,
    build_notice_modal,
    build_reply_edit_modal,
)
from bot.commands import kit
from bot.commands.context import services_of
from bot.commands.kit import FieldErrors, ViewCall, ViewState
from bot.commands.replies import BROKEN_BUTTON, load_suggestion, message_for, network_of
from bot.commands.respond import tell
from bot.store.db import session_scope
from bot.workflows.drafts import DraftInvalid
from bot.workflows.replies import SendRefused
from bot.workflows.reply_edits import edit_suggestion


def register(app: App) -> None:
    # A raw listener, not kit.button: the modal must open before anything else happens.
    app.action(EDIT_ACTION)(_click_edit)
    kit.view(app, EDIT_VIEW, parse=_edited, handler=_submit_edit)


def _click_edit(
    ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext
) -> None:
    """Open the edit form. Slack honours a trigger_id for 3 seconds, so a loading modal opens
    first, before any database or other Slack call, and the form replaces it."""
    ack()
    raw = str(((body.get("actions") or [{}])[0]).get("value") or "")
    try:
        suggestion_id = kit.parse_id(raw)
    except kit.BadValue:
        tell(respond, BROKEN_BUTTON)
        return
    opened = client.views_open(
        trigger_id=str(body.get("trigger_id") or ""), view=build_loading_modal("Edit reply")
    )
    view_id, view_hash = str(opened["view"]["id"]), str(opened["view"]["hash"])
    services = services_of(context)
    row = load_suggestion(services, suggestion_id)
    if row is None or row.text is None or row.draft_id is not None:
        why = (
            BROKEN_BUTTON
            if row is None or row.text is None
            else f"This reply was already sent for approval as draft #{row.draft_id}; "
            "change it on its approval card."
        )
        client.views_update(view_id=view_id, hash=view_hash, view=build_notice_modal(why))
        return
    container = body.get("container") or {}
    # A private suggestion (/social reply) can only be redrawn through the click's response_url.
    reply_to = str(body.get("response_url") or "") if container.get("is_ephemeral") else ""
    form = build_reply_edit_modal(
        suggestion_id=suggestion_id,
        text=row.text,
        network=network_of(services, row),
        response_url=reply_to or None,
    )
    client.views_update(view_id=view_id, hash=view_hash, view=form)


@dataclass(frozen=True)
class _Edit:
    suggestion_id: int
    text: str
    network: str
    response_url: str | None


def _edited(state: ViewState) -> _Edit:
    meta = state.metadata()
    suggestion_id = meta.get("suggestion_id")
    if not isinstance(suggestion_id, int):
        raise FieldErrors.on("text", "This form is from an older version; open Edit again.")
    text = state.text("text").strip()
    if not text:
        raise FieldErrors.on("text", "The reply is empty.")
    network = state.selected("network")
    if network is None:
        raise FieldErrors.on("network", "Pick the network the customer wrote on.")
    url = meta.get("response_url")
    return _Edit(suggestion_id, text, network, url if isinstance(url, str) and url else None)


def _submit_edit(call: ViewCall[_Edit]) -> None:
    """Save the edited reply through the same checks as a reply draft, then redraw it."""
    services, edit = call.services, call.value
    try:
        with session_scope(services.sessions) as session:
            row = edit_suggestion(
                session=session,
                suggestion_id=edit.suggestion_id,
                text=edit.text,
                network=edit.network,
                editor_id=call.user_id,
                checks=services.check_policy,
                now=services.clock(),
            )
    except DraftInvalid as invalid:
        raise FieldErrors(_edit_field_errors(invalid)) from invalid
    except SendRefused as refused:
        raise FieldErrors.on("text", str(refused)[:150]) from refused
    call.ack()
    message = message_for(services, row)
    if row.channel_id and row.message_ts:
        call.client.chat_update(channel=row.channel_id, ts=row.message_ts, **message)
    elif edit.response_url:
        WebhookClient(edit.response_url).send(
            replace_original=True, response_type="ephemeral", **message
        )


def _edit_field_errors(invalid: DraftInvalid) -> dict[str, str]:
    errors: dict[str, str] = {}
    for finding in invalid.errors:
        block = "network" if finding.code == "unknown_network" else "text"
        errors[block] = (errors.get(block, "") + " " + finding.message).strip()[:150]
    return errors
