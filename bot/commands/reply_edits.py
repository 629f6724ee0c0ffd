"""Editing a suggested reply before it goes for approval: the Edit button and its form.

Split from replies.py (which drafts, shows and sends suggestions) because the form has its own
timing: the Edit button opens its modal through ``modal_button`` (bot/commands/modals.py), inside
Slack's 3-second trigger window, and the saved edit is committed before the form closes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from slack_bolt import App
from slack_sdk.webhook import WebhookClient

from bot.blocks.replies import EDIT_ACTION, EDIT_VIEW, build_reply_edit_modal
from bot.commands import kit
from bot.commands.kit import FieldErrors, ViewCall, ViewState
from bot.commands.modals import ModalCall, NoModal, modal_button
from bot.commands.replies import BROKEN_BUTTON, load_suggestion, message_for, network_of
from bot.store.db import session_scope
from bot.store.models import ReplySuggestion
from bot.workflows.drafts import DraftInvalid
from bot.workflows.reply_edits import edit_suggestion
from bot.workflows.suggestion_store import SendRefused

EDIT_TITLE = "Edit reply"


def register(app: App) -> None:
    modal_button(
        app,
        EDIT_ACTION,
        parse=kit.parse_id,
        title=EDIT_TITLE,
        fill=_edit_form,
        damaged=BROKEN_BUTTON,
    )
    kit.deciding_view(app, EDIT_VIEW, parse=_edited, decide=_decide_edit, after=_after_edit)


def _edit_form(call: ModalCall[int]) -> dict[str, Any]:
    """The form with the suggestion's text, or why there is none (gone, or sent already)."""
    services = call.services
    row = load_suggestion(services, call.value)
    if row is None or row.text is None:
        raise NoModal(BROKEN_BUTTON)
    if row.draft_id is not None:
        raise NoModal(
            f"This reply was already sent for approval as draft #{row.draft_id}; "
            "change it on its approval card."
        )
    container = call.body.get("container") or {}
    # A private suggestion (/social reply) can only be redrawn through the click's response_url.
    reply_to = str(call.body.get("response_url") or "") if container.get("is_ephemeral") else ""
    return build_reply_edit_modal(
        suggestion_id=call.value,
        text=row.text,
        network=network_of(services, row),
        response_url=reply_to or None,
    )


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


def _decide_edit(call: ViewCall[_Edit]) -> ReplySuggestion:
    """Save the edited reply (before the form closes) through the same checks as a reply draft."""
    services, edit = call.services, call.value
    try:
        with session_scope(services.sessions) as session:
            return edit_suggestion(
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


def _after_edit(call: ViewCall[_Edit], row: ReplySuggestion) -> None:
    """Redraw the suggestion with the saved text, where it is shown."""
    message = message_for(call.services, row)
    if row.channel_id and row.message_ts:
        call.client.chat_update(channel=row.channel_id, ts=row.message_ts, **message)
    elif call.value.response_url:
        WebhookClient(call.value.response_url).send(
            replace_original=True, response_type="ephemeral", **message
        )


def _edit_field_errors(invalid: DraftInvalid) -> dict[str, str]:
    errors: dict[str, str] = {}
    for finding in invalid.errors:
        block = "network" if finding.code == "unknown_network" else "text"
        errors[block] = (errors.get(block, "") + " " + finding.message).strip()[:150]
    return errors
