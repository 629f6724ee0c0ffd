"""Starting a handoff in Slack: **Hand off** on a suggested reply, the **Hand off** message
shortcut and `/social handoff`.

`/social handoff [support|sales] <summary>` is registered by bot/commands/handoffs.py and
handled here (``handoff_command``). The button and the shortcut open the modal at once (a loading view; routing may ask the model,
which takes seconds) and fill it prefilled from routing. Submitting stores the handoff and its
holding reply before the modal closes (a team without a channel, or nothing to hand off, keeps the
modal open with the reason under the field); then the packet is posted in the team channel, the
holding reply in the message's thread, and the person is told where the packet is. A message
already handed off opens no form: a link to the first handoff instead.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient

from bot.blocks.handoff_start import (
    NOTE_BLOCK,
    PRIORITY_BLOCK,
    START_VIEW,
    TEAM_BLOCK,
    TITLE,
    already_text,
    build_start_modal,
    handoff_usage,
    holding_heading,
    started_text,
    with_heading,
)
from bot.blocks.kit import text_message
from bot.blocks.modals import build_notice_modal
from bot.blocks.replies import HAND_OFF_ACTION
from bot.blocks.text import escape_mrkdwn
from bot.commands import kit
from bot.commands.context import services_of
from bot.commands.kit import FieldErrors, StaleControl, ViewCall, ViewState
from bot.commands.modals import ModalCall, modal_button, open_modal
from bot.commands.replies import BROKEN_BUTTON, load_suggestion, message_for
from bot.commands.router import SubcommandCall
from bot.knowledge.faq_files import HANDOFF_TEAMS
from bot.services import Services
from bot.slack.handoff_packets import NoTeamChannel, post_packet
from bot.slack.handoff_start import (
    Source,
    existing_handoff,
    mark_holding_shown,
    packet_link,
    reason_for,
    record,
    route_source,
    source_of_message,
    source_of_suggestion,
    source_of_text,
)
from bot.store.models import Handoff
from bot.workflows.handoffs.create import HandoffInvalid, Started
from bot.workflows.handoffs.routing import Route
from bot.workflows.handoffs.states import PRIORITIES

log = logging.getLogger(__name__)

HAND_OFF_SHORTCUT = "hand_off"
OLD_FORM = "This form is from an older version of the bot; start the handoff again."

# Shows a message only to the person who handed off (ephemeral, or their DM as the last resort).
Private = Callable[[dict[str, Any]], None]


def register(app: App) -> None:
    modal_button(
        app,
        HAND_OFF_ACTION,
        parse=kit.parse_id,
        title=TITLE,
        fill=_suggestion_form,
        damaged=BROKEN_BUTTON,
    )
    app.shortcut(HAND_OFF_SHORTCUT)(_on_shortcut)
    kit.deciding_view(app, START_VIEW, parse=_fields, decide=_decide_start, after=_after_start)


# -- opening the form -----------------------------------------------------------------------------


def _suggestion_form(call: ModalCall[int]) -> dict[str, Any]:
    services = call.services
    row = load_suggestion(services, call.value)
    if row is None:
        raise StaleControl(BROKEN_BUTTON)
    container = call.body.get("container") or {}
    clicked = call.body.get("message") or {}
    private = bool(container.get("is_ephemeral")) or not container.get("message_ts")
    source = source_of_suggestion(
        services,
        row,
        thread_channel=None if private else container.get("channel_id"),
        thread_ts=None if private else (clicked.get("thread_ts") or container["message_ts"]),
        # A suggestion only its asker sees (/social reply) is answered through its response_url.
        response_url=str(call.body.get("response_url") or "") or None if private else None,
    )
    return _form(services, call.client, source)


def _on_shortcut(
    ack: Ack, shortcut: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    ack()
    services = services_of(context)
    channel = str((shortcut.get("channel") or {}).get("id") or "")
    message = shortcut.get("message") or {}

    def fill() -> dict[str, Any]:
        source = source_of_message(services, client, channel=channel, message=message)
        return _form(services, client, source)

    open_modal(client, str(shortcut.get("trigger_id") or ""), fill, title=TITLE)


def _form(services: Services, client: WebClient, source: Source) -> dict[str, Any]:
    """The form prefilled from routing, or a link to the handoff this message already has."""
    earlier = existing_handoff(services, source)
    if earlier is not None:
        return build_notice_modal(TITLE, _already(client, services, earlier))
    routed = route_source(services, source)
    return build_start_modal(
        customer_text=source.customer_text, route=routed, metadata=source.to_metadata(routed)
    )


# -- submitting it --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Start:
    source: Source
    routed: Route
    team: str
    priority: str
    note: str


def _fields(state: ViewState) -> _Start:
    opened = Source.from_metadata(state.metadata())
    if opened is None:
        raise FieldErrors.on(NOTE_BLOCK, OLD_FORM)
    source, routed = opened
    team = state.selected(TEAM_BLOCK)
    if team not in HANDOFF_TEAMS:
        raise FieldErrors.on(TEAM_BLOCK, f"Pick {' or '.join(HANDOFF_TEAMS)}.")
    priority = state.selected(PRIORITY_BLOCK) or "normal"
    if priority not in PRIORITIES:
        raise FieldErrors.on(PRIORITY_BLOCK, f"Pick one of {', '.join(PRIORITIES)}.")
    note = state.text(NOTE_BLOCK).strip()
    if not note and not source.customer_text.strip():
        raise FieldErrors.on(NOTE_BLOCK, "The message has no text: say what the team picks up.")
    return _Start(source, routed, team, priority, note)


def _decide_start(call: ViewCall[_Start]) -> Started:
    """Store the handoff before the modal closes: a refusal is shown under its field."""
    services, start = call.services, call.value
    source = start.source
    if source.suggestion_id is not None:
        # The metadata carries the customer's words cut to fit; the suggestion has them whole.
        row = load_suggestion(services, source.suggestion_id)
        if row is not None:
            source = _with_text(source, row.customer_text)
    try:
        return record(
            services,
            source,
            team=start.team,
            reason=reason_for(start.team, start.routed),
            priority=start.priority,
            note=start.note,
            requested_by=call.user_id,
        )
    except NoTeamChannel as missing:
        raise FieldErrors.on(TEAM_BLOCK, str(missing)) from missing
    except HandoffInvalid as invalid:
        raise FieldErrors.on(NOTE_BLOCK, str(invalid)[:150]) from invalid


def _with_text(source: Source, text: str) -> Source:
    return replace(source, customer_text=text)


def _after_start(call: ViewCall[_Start], started: Started) -> None:
    source = call.value.source
    announce(
        call.client,
        call.services,
        started,
        source,
        private=_private_for(call.client, call.user_id, source),
    )


def _private_for(client: WebClient, user_id: str, source: Source) -> Private:
    """How to show the person a message after a modal (which has no response_url of its own):
    the suggestion's response_url, else an ephemeral in the message's thread, else a DM."""

    def show(message: dict[str, Any]) -> None:
        if source.response_url:
            WebhookClient(source.response_url).send(
                response_type="ephemeral", replace_original=False, **message
            )
            return
        if source.thread_channel:
            try:
                client.chat_postEphemeral(
                    channel=source.thread_channel,
                    user=user_id,
                    thread_ts=source.thread_ts,
                    **message,
                )
                return
            except SlackApiError as error:
                log.info("ephemeral refused (%s); a DM instead", error.response.get("error"))
        client.chat_postMessage(channel=user_id, **message)

    return show


# -- `/social handoff [support|sales] <summary>` ----------------------------------------------------


def handoff_command(call: SubcommandCall) -> None:
    """Hand a case to support or sales: a packet in their channel, with a Claim button.

    Without a team, routing picks it: the FAQ entry's handoff:, the model if configured, the
    keywords.

    Usage: /social handoff [support|sales] <summary>
    """
    text = " ".join(call.args.split())
    first, _, rest = text.partition(" ")
    explicit = first.lower() if first.lower() in HANDOFF_TEAMS else None
    summary = rest if explicit else text
    if not text:
        call.ack(response_type="ephemeral", text=handoff_usage())
        return
    if not summary:
        call.ack(
            response_type="ephemeral",
            text=f"Say what {explicit} should pick up: a summary can't be empty "
            f"(`/social handoff {explicit} <summary>`).",
        )
        return
    services = call.services

    def private(message: dict[str, Any]) -> None:
        call.respond(response_type="ephemeral", replace_original=False, **message)

    source = replace(source_of_text(services, summary), customer_text="")
    if explicit is None and services.settings.llm_configured:
        # Routing asks the model (seconds): the ack goes first, refusals come after. The one
        # path where a crash right after the ack loses the request; the person sees no answer.
        call.ack()
        routed = route_source(services, source, note=summary)
        started = _record_or_tell(call, source, routed, routed.team, summary, call.respond)
    else:
        # Nothing slow to decide (a named team, or the rules): stored before the ack, so the
        # 200 means the handoff exists.
        routed = route_source(services, source, explicit=explicit, note=summary)
        started = _record_or_tell(call, source, routed, routed.team, summary, call.ack)
        if started is None:
            return  # refused in the ack
        call.ack()
    if started is not None:
        announce(call.client, services, started, source, private=private)


def _record_or_tell(
    call: SubcommandCall,
    source: Source,
    routed: Route,
    team: str,
    summary: str,
    refuse: Callable[..., object],
) -> Started | None:
    try:
        return record(
            call.services,
            source,
            team=team,
            reason=routed.reason,
            priority="normal",
            note=summary,
            requested_by=call.user_id,
        )
    except HandoffInvalid as invalid:
        refuse(response_type="ephemeral", text=escape_mrkdwn(str(invalid)))
        return None


# -- after a handoff is stored --------------------------------------------------------------------


def announce(
    client: WebClient, services: Services, started: Started, source: Source, *, private: Private
) -> None:
    """Post the packet and the holding reply of a new handoff, and tell the person where the
    packet is; a handoff that existed already gets only the link to it."""
    handoff = started.handoff
    assert handoff.id is not None
    if started.existing:
        private(text_message(_already(client, services, handoff)))
        return
    posted = post_packet(client, services, handoff.id)
    in_thread = _show_holding(client, services, handoff, source, private)
    link, channel = packet_link(client, services, handoff.id)
    told = started_text(
        handoff,
        packet_link=link,
        channel=channel or None,
        posted=posted,
        holding_in_thread=in_thread,
    )
    private(text_message(told))


def _already(client: WebClient, services: Services, handoff: Handoff) -> str:
    assert handoff.id is not None
    link, _ = packet_link(client, services, handoff.id)
    return already_text(handoff, packet_link=link)


def _show_holding(
    client: WebClient, services: Services, handoff: Handoff, source: Source, private: Private
) -> bool:
    """The holding reply, with the usual suggestion buttons, in the message's thread where the
    social team works (privately when the bot cannot post there, or there is no thread); True
    when it went to the thread."""
    if handoff.holding_suggestion_id is None:
        return False
    row = load_suggestion(services, handoff.holding_suggestion_id)
    if row is None:
        return False
    shown = with_heading(holding_heading(handoff), message_for(services, row))
    if source.thread_channel:
        try:
            posted = client.chat_postMessage(
                channel=source.thread_channel, thread_ts=source.thread_ts, **shown
            )
        except SlackApiError as error:
            log.info("holding reply not posted in the thread: %s", error.response.get("error"))
        else:
            mark_holding_shown(
                services, handoff.holding_suggestion_id, str(posted["channel"]), str(posted["ts"])
            )
            return True
    private(shown)
    return False
