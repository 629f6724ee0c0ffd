"""Drafting a post for approval: `/social draft [text]` and the new-draft modal.

Split from approvals.py (which decides on drafts) because creating one has its own parsing: the
quick-draft text and the modal's fields, with the checks' findings put under the right field.
"""

from __future__ import annotations

from datetime import UTC, datetime

from slack_bolt import App

from bot.blocks.approvals import CREATE_VIEW, build_draft_modal
from bot.commands import kit
from bot.commands.kit import FieldErrors, ViewCall, ViewState
from bot.commands.modals import open_modal
from bot.commands.respond import problems_text
from bot.commands.router import SubcommandCall, SubcommandRouter
from bot.services import Services
from bot.slack.card_posting import post_card_or_leave_to_clock
from bot.store.db import session_scope
from bot.store.models import Draft
from bot.workflows import drafts
from bot.workflows.drafts import DraftInput, DraftInvalid
from bot.workflows.drafts.parsing import InputError, parse_quick_draft

NO_CHANNEL = (
    "Drafts need an approvals channel, and none is set up yet. "
    "Ask an admin to set SOCIALOPS_APPROVALS_CHANNEL."
)

# Which modal field each check's error belongs to; the rest go on the text.
_FIELD_OF_CODE = {
    "unknown_network": "networks",
    "no_network": "networks",
    "past_time": "scheduled_at",
    "naive_time": "scheduled_at",
}


def register(app: App, router: SubcommandRouter) -> None:
    router.add("draft", _draft_command)
    # The draft is stored before the ack (the modal closes on a 200); its card and the DM after.
    kit.deciding_view(
        app, CREATE_VIEW, parse=_modal_draft, decide=_decide_new_draft, after=_after_new_draft
    )


def _draft_command(call: SubcommandCall) -> None:
    """Draft a post for approval: a form, or straight from the text.

    Usage: /social draft [text]
    """
    services = call.services
    if services.settings.approvals_channel is None:
        call.ack(response_type="ephemeral", text=NO_CHANNEL)
        return
    if not call.args.strip():
        call.ack()
        settings = services.settings
        view = build_draft_modal(
            default_network=settings.default_network, zone_name=settings.timezone
        )
        open_modal(call.client, call.trigger_id, view)
        return
    try:
        draft_input = parse_quick_draft(
            call.args, author_id=call.user_id, default_network=services.settings.default_network
        )
        draft = _create(services, draft_input)
    except (InputError, DraftInvalid) as error:
        call.ack(response_type="ephemeral", text=problems_text(error))
        return
    channel = services.settings.approvals_channel
    call.ack(
        response_type="ephemeral",
        text=f"Draft #{draft.id} is waiting for approval in <#{channel}>.",
    )
    if not post_card_or_leave_to_clock(call.client, services, draft):
        call.respond(response_type="ephemeral", text=_card_waits(draft, channel))


def _modal_draft(state: ViewState) -> DraftInput:
    """The new-draft modal's fields (block ids from build_draft_modal) as a DraftInput."""
    networks = state.selected_values("networks")
    if not networks:
        raise FieldErrors.on("networks", "Pick at least one network.")
    epoch = state.element("scheduled_at").get("selected_date_time")
    return DraftInput(
        kind="post",
        text=state.text("text").strip(),
        networks=networks,
        author_id=state.user_id,
        campaign=state.text("campaign").strip() or None,
        scheduled_at=datetime.fromtimestamp(int(epoch), tz=UTC) if epoch else None,
    )


def _decide_new_draft(call: ViewCall[DraftInput]) -> Draft:
    try:
        return _create(call.services, call.value)
    except DraftInvalid as invalid:
        raise FieldErrors(_field_errors(invalid)) from invalid


def _after_new_draft(call: ViewCall[DraftInput], draft: Draft) -> None:
    services = call.services
    channel = services.settings.approvals_channel
    if post_card_or_leave_to_clock(call.client, services, draft):
        text = f"Draft #{draft.id} is waiting for approval in <#{channel}>."
    else:
        text = _card_waits(draft, channel)
    call.client.chat_postMessage(channel=call.user_id, text=text)


def _card_waits(draft: Draft, channel: str | None) -> str:
    return (
        f"Draft #{draft.id} is saved, but Slack did not take its card in <#{channel}> yet; "
        "the bot retries every minute until it does."
    )


def _create(services: Services, draft_input: DraftInput) -> Draft:
    with session_scope(services.sessions) as session:
        draft, _report = drafts.create_draft(
            session=session,
            draft=draft_input,
            checks=services.check_policy,
            now=services.clock(),
        )
    return draft


def _field_errors(invalid: DraftInvalid) -> dict[str, str]:
    errors: dict[str, str] = {}
    for finding in invalid.errors:
        block = _FIELD_OF_CODE.get(finding.code, "text")
        errors[block] = (errors.get(block, "") + " " + finding.message).strip()[:150]
    return errors
