"""Suggested replies in Slack: `@socialops draft a reply to: …`, a mention in a thread, the
"Draft reply" message shortcut, `/social reply <text>`, and the suggestion's buttons.

Every entry point acks at once, shows a "drafting…" placeholder, and only then matches, renders
and (maybe) calls the model, because that can take seconds and Slack waits three. The buttons
that decide (Send for approval, Not helpful) are the exception: their decision is committed before
the ack, since Slack never sends a click twice (``kit.deciding_button``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import partial
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks.kit import text_message
from bot.blocks.mentions import build_mention_reply
from bot.blocks.replies import (
    ANOTHER_ACTION,
    NOT_HELPFUL_ACTION,
    SEND_ACTION,
    USE_CANDIDATE_ACTION,
    OfferedEntry,
    build_abstention_message,
    build_candidates_message,
    build_drafting_placeholder,
    build_reply_usage,
    build_suggestion_message,
)
from bot.commands import kit
from bot.commands.context import services_of
from bot.commands.events import on_event
from bot.commands.kit import ButtonCall, StaleControl
from bot.commands.respond import problems_text
from bot.commands.router import SubcommandCall, SubcommandRouter
from bot.knowledge.library import Knowledge
from bot.knowledge.offer_reasons import why_offered
from bot.knowledge.sentiment import mood_of
from bot.knowledge.templates import TemplateFileError
from bot.services import Services
from bot.slack.approvers import crisis_approver_entries
from bot.slack.card_posting import post_card_or_leave_to_clock
from bot.store.db import session_scope
from bot.store.models import Crisis, Draft, ReplySuggestion
from bot.workflows import replies, reply_requests, suggestion_store
from bot.workflows.drafts import DraftInvalid
from bot.workflows.replies import Suggestion
from bot.workflows.reply_edits import fit_problem
from bot.workflows.reply_requests import CustomerMessage, UnknownNetwork
from bot.workflows.suggestion_store import SendRefused

log = logging.getLogger(__name__)

DRAFT_REPLY_SHORTCUT = "draft_reply"
BROKEN_BUTTON = "That button doesn't point to a suggestion any more, so nothing happened."
_NO_TEXT = "That message has no text to reply to (only a file or an attachment?)."
# Slack refuses a chat.postMessage in a channel the bot is not in; say so and answer privately.
_NOT_IN_CHANNEL = {"not_in_channel", "channel_not_found", "is_archived"}


def register(app: App, router: SubcommandRouter) -> None:
    router.add("reply", _reply_command)
    on_event(app, "app_mention", _on_mention)
    app.shortcut(DRAFT_REPLY_SHORTCUT)(_on_draft_reply_shortcut)
    # Decisions (send, not helpful) are committed before the ack; Slack is told after it.
    deciding = partial(kit.deciding_button, app, parse=kit.parse_id, damaged=BROKEN_BUTTON)
    deciding(SEND_ACTION, decide=_decide_send, after=_after_send)
    deciding(NOT_HELPFUL_ACTION, decide=_decide_not_helpful, after=_after_not_helpful)
    # Another option decides nothing worth keeping (a lost click leaves the message as it was,
    # in plain sight), and composing it may wait seconds on the model: it runs after the ack.
    kit.button(
        app, ANOTHER_ACTION, parse=kit.parse_id, handler=_click_another, damaged=BROKEN_BUTTON
    )
    # Use this drafts from a candidate; like Another option it may wait on the model.
    kit.button(
        app, USE_CANDIDATE_ACTION, parse=parse_choice, handler=_click_use, damaged=BROKEN_BUTTON
    )
    # Hand off opens the handoff form: bot/commands/handoff_start.py.


# -- where the suggestion is shown ----------------------------------------------------------------


@dataclass(frozen=True)
class Surface:
    """A message the bot can rewrite: one it posted (chat.update) or a private one (response_url)."""

    client: WebClient
    channel: str | None = None
    ts: str | None = None
    respond: Respond | None = None

    def show(self, message: dict[str, Any]) -> None:
        if self.channel and self.ts:
            self.client.chat_update(channel=self.channel, ts=self.ts, **message)
        elif self.respond is not None:
            self.respond(replace_original=True, response_type="ephemeral", **message)


def _post_placeholder(
    client: WebClient, channel: str, thread_ts: str, respond: Respond | None
) -> Surface:
    """The "drafting…" message in the thread; a private one when the bot is not in the channel."""
    placeholder = build_drafting_placeholder()
    try:
        answer = client.chat_postMessage(channel=channel, thread_ts=thread_ts, **placeholder)
    except SlackApiError as error:
        if respond is None or error.response.get("error") not in _NOT_IN_CHANNEL:
            raise
        respond(response_type="ephemeral", **placeholder)
        return Surface(client, respond=respond)
    return Surface(client, channel=channel, ts=str(answer["ts"]))


def _permalink(client: WebClient, channel: str, ts: str) -> str | None:
    """Where the customer's message is, for the approvers; nothing if Slack won't say."""
    try:
        return str(client.chat_getPermalink(channel=channel, message_ts=ts)["permalink"])
    except (SlackApiError, KeyError):
        return None


def _suggest(
    services: Services,
    surface: Surface,
    message: CustomerMessage,
    requested_by: str,
    source_link: str | None = None,
    network: str | None = None,
    source_ts: str | None = None,
) -> None:
    """Match, render, polish, store, then replace the placeholder with the result.

    ``source_ts`` is the customer's message in the surface's channel, when there is one.
    """
    settings = services.settings
    try:
        with session_scope(services.sessions) as session:
            knowledge = services.knowledge.get(session)
            crisis = replies.crisis_mode(session)
    except TemplateFileError as error:
        log.error("response templates cannot be used: %s", error)
        surface.show(
            text_message("The response templates have an error (`socialops check` says where).")
        )
        return
    network = network or settings.default_network
    suggestion = replies.compose(
        knowledge,
        message,
        drafter=services.drafter,
        voice=services.brand_voice,
        network=network,
        crisis=crisis,
    )
    with session_scope(services.sessions) as session:
        row, gap_id = suggestion_store.save_suggestion(
            session=session,
            suggestion=suggestion,
            message=message,
            requested_by=requested_by,
            now=services.clock(),
            channel_id=surface.channel,
            message_ts=surface.ts,
            source_link=source_link,
            network=network,
            # Only a message in the channel the suggestion is shown in can be handed off by it.
            source_ts=source_ts if surface.channel else None,
        )
    surface.show(message_for(services, row, suggestion, gap_id=gap_id))


def network_of(services: Services, row: ReplySuggestion) -> str:
    return row.network or services.settings.default_network


def _message(services: Services, text: str) -> CustomerMessage:
    return CustomerMessage.parse(text, brand_handles=services.settings.own_handles)


def message_for(
    services: Services,
    row: ReplySuggestion,
    suggestion: Suggestion | None = None,
    *,
    gap_id: int | None = None,
) -> dict[str, Any]:
    assert row.id is not None
    crisis_kind = _crisis_kind(services, row)
    crisis_approvers = crisis_approver_entries(services.settings)
    offered = _offered(services, row) if row.text is None and crisis_kind is None else []
    if offered:
        return build_candidates_message(
            suggestion_id=row.id,
            customer_text=row.customer_text,
            candidates=offered,
            not_helpful_by=row.not_helpful_by,
            note=row.note,
        )
    if row.text is None:
        return build_abstention_message(
            suggestion_id=row.id,
            customer_text=row.customer_text,
            gap_id=gap_id,
            note=row.note,
            crisis_kind=crisis_kind,
            crisis_approvers=crisis_approvers,
        )
    network = network_of(services, row)
    problem = None
    if row.draft_id is None:
        problem = fit_problem(
            row.text, network=network, checks=services.check_policy, now=services.clock()
        )
    return build_suggestion_message(
        suggestion_id=row.id,
        customer_text=row.customer_text,
        text=row.text,
        faq_id=row.faq_id,
        template_id=row.template_id,
        confidence=row.confidence,
        option=row.option,
        options=len(suggestion.ranked) if suggestion else len(suggestion_store.ranked_of(row)),
        polished=row.polished,
        note=row.note,
        network=network,
        mood=mood_of(row.customer_text),
        fit_problem=problem,
        edited_by=row.edited_by,
        sent_draft_id=row.draft_id,
        not_helpful_by=row.not_helpful_by,
        crisis_kind=crisis_kind,
        crisis_approvers=crisis_approvers,
        # Known when just composed; a redraw from the row alone does not say it (not stored).
        chosen_by_model=row.chosen_by_model,
    )


def _offered(services: Services, row: ReplySuggestion) -> list[OfferedEntry]:
    """The candidates stored with an unanswered suggestion, as the FAQ says them now (an entry
    deleted since is left out)."""
    ranked = suggestion_store.ranked_of(row)
    if not ranked:
        return []
    with session_scope(services.sessions) as session:
        knowledge: Knowledge = services.knowledge.get(session)
    return [
        OfferedEntry(
            m.entry_id,
            entry.question,
            knowledge.matcher.confidence(m),
            why_offered(entry, row.customer_text),
        )
        for m in ranked
        if (entry := knowledge.entries.get(m.entry_id)) is not None
    ]


def _crisis_kind(services: Services, row: ReplySuggestion) -> str | None:
    """The kind of the crisis or drill the suggestion was made in, for its banner."""
    if row.crisis_id is None:
        return None
    with session_scope(services.sessions) as session:
        crisis = session.get(Crisis, row.crisis_id)
        return crisis.kind if crisis is not None else None


# -- entry points ---------------------------------------------------------------------------------


def _reply_command(call: SubcommandCall) -> None:
    """Draft a reply to a customer message from the FAQ and the response templates.

    `on:instagram` (first or last) says where the customer wrote, else it is the default network.

    Usage: /social reply [on:<network>] <customer message>
    """
    try:
        network, text = reply_requests.split_network(
            reply_requests.plain_from_slack(call.args).strip()
        )
    except UnknownNetwork as unknown:
        call.ack(response_type="ephemeral", text=str(unknown))
        return
    if not text:
        call.ack(response_type="ephemeral", text=build_reply_usage())
        return
    call.ack()
    # Only the person who asked sees it: the slash command may come from any channel.
    call.respond(response_type="ephemeral", **build_drafting_placeholder())
    surface = Surface(call.client, respond=call.respond)
    services = call.services
    _suggest(services, surface, _message(services, text), call.user_id, network=network)


def _on_mention(event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    services = services_of(context)
    channel, user = event["channel"], event.get("user", "")
    thread_ts = event.get("thread_ts") or event["ts"]
    in_thread = event.get("thread_ts") not in (None, event["ts"])
    text = str(event.get("text") or "")
    asked = reply_requests.request_text(text, bot_user_id=context.bot_user_id)
    # `on:instagram` ends (or starts) a request, or is all a mention inside a thread says.
    said = asked if asked is not None else _mention_words(text, context.bot_user_id)
    try:
        network, said = reply_requests.split_network(said)
    except UnknownNetwork as unknown:
        client.chat_postEphemeral(
            channel=channel, user=user, thread_ts=thread_ts, text=str(unknown)
        )
        return
    if asked is not None:
        asked = said
    if asked is None and not in_thread:
        client.chat_postMessage(
            channel=channel, thread_ts=thread_ts, **build_mention_reply(user_id=user)
        )
        return
    source_ts = event["ts"]
    if not asked and in_thread:
        # A mention inside a thread drafts for the message that started it.
        asked = _thread_parent_text(client, channel, thread_ts)
        source_ts = thread_ts
    if not asked:
        client.chat_postEphemeral(
            channel=channel, user=user, thread_ts=thread_ts, text=build_reply_usage()
        )
        return
    surface = _post_placeholder(client, channel, thread_ts, respond=None)
    link = _permalink(client, channel, source_ts)
    _suggest(services, surface, _message(services, asked), user, link, network, source_ts)


def _mention_words(text: str, bot_user_id: str | None) -> str:
    if bot_user_id:
        text = text.replace(f"<@{bot_user_id}>", " ")
    return reply_requests.plain_from_slack(text).strip()


def _thread_parent_text(client: WebClient, channel: str, thread_ts: str) -> str:
    try:
        answer = client.conversations_replies(channel=channel, ts=thread_ts, limit=1)
    except SlackApiError as error:
        # Deleted, or a channel the bot cannot read: the usage hint tells them what works.
        log.info("thread %s in %s unreadable: %s", thread_ts, channel, error.response.get("error"))
        return ""
    messages = answer.get("messages") or []
    return (
        reply_requests.plain_from_slack(str(messages[0].get("text") or "")).strip()
        if messages
        else ""
    )


def _on_draft_reply_shortcut(
    ack: Ack, shortcut: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext
) -> None:
    ack()
    message = shortcut.get("message") or {}
    text = reply_requests.plain_from_slack(str(message.get("text") or "")).strip()
    if not text:
        respond(response_type="ephemeral", text=_NO_TEXT)
        return
    channel = shortcut["channel"]["id"]
    thread_ts = message.get("thread_ts") or message["ts"]
    surface = _post_placeholder(client, channel, thread_ts, respond=respond)
    link = _permalink(client, channel, message["ts"])
    services = services_of(context)
    _suggest(
        services,
        surface,
        _message(services, text),
        shortcut["user"]["id"],
        link,
        source_ts=message["ts"],
    )


# -- buttons ----------------------------------------------------------------------------------------


def _surface_of(call: ButtonCall[Any]) -> Surface:
    """The suggestion message that was clicked: rewritten in place, or through response_url."""
    container = call.body.get("container") or {}
    if container.get("is_ephemeral") or not container.get("message_ts"):
        return Surface(call.client, respond=call.respond)
    return Surface(call.client, channel=container.get("channel_id"), ts=container["message_ts"])


def load_suggestion(services: Services, suggestion_id: int) -> ReplySuggestion | None:
    with session_scope(services.sessions) as session:
        return session.get(ReplySuggestion, suggestion_id)


def _click_another(call: ButtonCall[int]) -> None:
    services = call.services
    row = load_suggestion(services, call.value)
    if row is None:
        raise StaleControl(BROKEN_BUTTON)
    with session_scope(services.sessions) as session:
        knowledge = services.knowledge.get(session)
        crisis = replies.crisis_mode(session)
    suggestion = replies.compose(
        knowledge,
        CustomerMessage(row.customer_text, row.customer_handle),
        drafter=services.drafter,
        voice=services.brand_voice,
        network=network_of(services, row),
        option=row.option + 1,
        ranked=suggestion_store.ranked_of(row),
        crisis=crisis,
    )
    with session_scope(services.sessions) as session:
        moved = suggestion_store.replace_option(
            session=session, row=row, seen_option=row.option, suggestion=suggestion
        )
        fresh = session.get(ReplySuggestion, row.id)
    if fresh is None:
        return
    if not moved:
        call.tell(
            "Someone else changed or sent this suggestion a moment ago; here it is as it is now."
        )
    _surface_of(call).show(message_for(services, fresh))


def parse_choice(value: str) -> tuple[int, int]:
    """A Use this button's value, "suggestion id:candidate index"."""
    suggestion, _, index = value.partition(":")
    return kit.parse_id(suggestion), kit.parse_id(index)


def _click_use(call: ButtonCall[tuple[int, int]]) -> None:
    services = call.services
    suggestion_id, index = call.value
    row = load_suggestion(services, suggestion_id)
    ranked = suggestion_store.ranked_of(row) if row is not None else []
    if row is None or not 0 <= index < len(ranked):
        raise StaleControl(BROKEN_BUTTON)
    if row.text is not None:
        call.tell("Someone already picked an answer for this message; here it is.")
        _surface_of(call).show(message_for(services, row))
        return
    with session_scope(services.sessions) as session:
        knowledge = services.knowledge.get(session)
        crisis = replies.crisis_mode(session)
    # Entries deleted since the candidates were shown drop out; the one picked must not have.
    usable = [m for m in ranked if m.entry_id in knowledge.entries]
    picked = ranked[index]
    if picked not in usable:
        call.tell("That FAQ entry was deleted a moment ago; pick another or hand it off.")
        return
    suggestion = replies.compose(
        knowledge,
        CustomerMessage(row.customer_text, row.customer_handle),
        drafter=services.drafter,
        voice=services.brand_voice,
        network=network_of(services, row),
        option=usable.index(picked),
        ranked=usable,
        crisis=crisis,
    )
    with session_scope(services.sessions) as session:
        used = suggestion_store.use_candidate(session=session, row=row, suggestion=suggestion)
        fresh = session.get(ReplySuggestion, row.id)
    if fresh is None:
        return
    if not used:
        call.tell("Someone picked an answer for this message a moment ago; here it is.")
    _surface_of(call).show(message_for(services, fresh))


def _decide_send(call: ButtonCall[int]) -> Draft | str:
    """The reply draft, stored before the ack; or why it was refused, to tell after it."""
    services = call.services
    if services.settings.approvals_channel is None:
        return "Replies need an approvals channel: set SOCIALOPS_APPROVALS_CHANNEL first."
    try:
        with session_scope(services.sessions) as session:
            return suggestion_store.send_for_approval(
                session=session,
                suggestion_id=call.value,
                actor_id=call.user_id,
                default_network=services.settings.default_network,
                checks=services.check_policy,
                now=services.clock(),
            )
    except (SendRefused, DraftInvalid) as error:
        return _refusal(error)


def _after_send(call: ButtonCall[int], sent: Draft | str) -> None:
    if isinstance(sent, str):
        call.tell(sent)
        return
    services = call.services
    if not post_card_or_leave_to_clock(call.client, services, sent):
        call.tell(
            f"Reply draft #{sent.id} is saved, but Slack did not take its card yet; "
            "the bot retries every minute until it does."
        )
    row = load_suggestion(services, call.value)
    if row is not None:
        _surface_of(call).show(message_for(services, row))


def _refusal(error: Exception) -> str:
    if isinstance(error, DraftInvalid):
        return (
            f"This reply can't go for approval as it is: {problems_text(error)} "
            "Use *Edit* on the suggestion to change it."
        )
    return problems_text(error)


def _decide_not_helpful(call: ButtonCall[int]) -> ReplySuggestion | None:
    services = call.services
    with session_scope(services.sessions) as session:
        return suggestion_store.mark_not_helpful(
            session=session, suggestion_id=call.value, user_id=call.user_id, now=services.clock()
        )


def _after_not_helpful(call: ButtonCall[int], row: ReplySuggestion | None) -> None:
    if row is None:
        call.tell("Thanks, this suggestion is already marked not helpful.")
        return
    _surface_of(call).show(message_for(call.services, row))
