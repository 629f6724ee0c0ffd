"""Starting a handoff from any of its starters (a suggestion's Hand off, the message shortcut,
`/social handoff`): what was handed off, routed, recorded with its holding reply.

The starters differ only in where the customer's message comes from, so each makes a
:class:`Source` and the rest is here once: :func:`route_source` (routing with the FAQ entry's
``handoff:``, the model when one is configured, the keyword rules), :func:`check_startable`
(the team has a channel; the message is not handed off already) and :func:`record` (the holding
reply and the handoff, stored in one transaction). Posting the packet and the holding reply
happens after the ack, in the listeners.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.knowledge.sentiment import read_mood
from bot.llm import HandoffClassifier
from bot.services import Services
from bot.slack.handoff_packets import CHANNEL_SETTINGS, NoTeamChannel
from bot.store.db import session_scope
from bot.store.models import Handoff, ReplySuggestion
from bot.workflows import replies, reply_requests, suggestion_store
from bot.workflows.handoffs.create import (
    HandoffRequest,
    Started,
    live_handoff_for,
    start_handoff,
)
from bot.workflows.handoffs.create import validate as validate_request
from bot.workflows.handoffs.holding import compose_holding
from bot.workflows.handoffs.routing import EXPLICIT, Route, route
from bot.workflows.reply_requests import CustomerMessage

log = logging.getLogger(__name__)

# Slack keeps at most 3,000 characters of a modal's private_metadata; the customer's message
# rides along in it (cut to what is left), the rest of the source is short.
METADATA_CHARS = 3_000


@dataclass(frozen=True)
class Source:
    """What is handed off, and where the holding reply goes."""

    customer_text: str
    customer_handle: str | None = None
    network: str | None = None
    channel: str | None = None  # the customer's message, when it is a Slack message
    ts: str | None = None
    link: str | None = None
    suggestion_id: int | None = None
    faq_id: str | None = None
    faq_team: str | None = None  # the FAQ entry's handoff: hint
    thread_channel: str | None = None  # where the holding reply is posted (a thread) …
    thread_ts: str | None = None
    response_url: str | None = None  # … or privately (a suggestion only its asker sees)

    @property
    def key(self) -> str | None:
        return f"{self.channel}:{self.ts}" if self.channel and self.ts else None

    def to_metadata(self, routed: Route) -> str:
        """The modal's private_metadata: this source and what routing said, within Slack's
        3,000 characters (the customer's message is cut to fit; its link has the whole)."""
        values: dict[str, Any] = {
            "route": [routed.team, routed.reason],
            **{k: v for k, v in asdict(self).items() if v is not None},
        }
        text = self.customer_text
        while text and len(json.dumps({**values, "customer_text": text}, ensure_ascii=False)) > (
            METADATA_CHARS
        ):
            text = text[: len(text) * 9 // 10]
        values["customer_text"] = text
        return json.dumps(values, ensure_ascii=False)

    @classmethod
    def from_metadata(cls, meta: dict[str, Any]) -> tuple[Source, Route] | None:
        """The source and routing a modal was opened with; None if the metadata is not ours."""
        routed = meta.get("route")
        if not (isinstance(routed, list) and len(routed) == 2 and all(map(_is_str, routed))):
            return None
        values: dict[str, Any] = {}
        for item in fields(cls):
            value = meta.get(item.name)
            if item.name == "suggestion_id":
                if value is not None and not isinstance(value, int):
                    return None
            elif value is not None and not isinstance(value, str):
                return None
            values[item.name] = value
        values["customer_text"] = values["customer_text"] or ""
        return cls(**values), Route(routed[0], routed[1])


def _is_str(value: object) -> bool:
    return isinstance(value, str)


# -- where a handoff comes from -------------------------------------------------------------------


def source_of_suggestion(
    services: Services,
    row: ReplySuggestion,
    *,
    thread_channel: str | None,
    thread_ts: str | None,
    response_url: str | None,
) -> Source:
    """A suggested reply's customer message, with its FAQ entry and that entry's hint."""
    return Source(
        customer_text=row.customer_text,
        customer_handle=row.customer_handle,
        network=row.network,
        channel=row.channel_id if row.source_ts else None,
        ts=row.source_ts,
        link=row.source_link,
        suggestion_id=row.id,
        faq_id=row.faq_id,
        faq_team=_faq_team(services, row.faq_id),
        thread_channel=thread_channel,
        thread_ts=thread_ts,
        response_url=response_url,
    )


def source_of_message(
    services: Services, client: WebClient, *, channel: str, message: dict[str, Any]
) -> Source:
    """Any Slack message (the shortcut): its text, its permalink, the FAQ entry it matches."""
    text = reply_requests.plain_from_slack(str(message.get("text") or "")).strip()
    ts = str(message["ts"])
    return replace(
        source_of_text(services, text),
        channel=channel,
        ts=ts,
        link=permalink(client, channel, ts),
        thread_channel=channel,
        thread_ts=str(message.get("thread_ts") or ts),
    )


def source_of_text(services: Services, text: str, *, response_url: str | None = None) -> Source:
    """Words typed to `/social handoff`: the customer's @handle if it starts with one, and the
    FAQ entry they match best, if any does."""
    parsed = CustomerMessage.parse(text, brand_handles=services.settings.own_handles)
    faq_id = _best_entry(services, parsed.text)
    return Source(
        customer_text=parsed.text,
        customer_handle=parsed.handle,
        faq_id=faq_id,
        faq_team=_faq_team(services, faq_id),
        response_url=response_url,
    )


def permalink(client: WebClient, channel: str, ts: str) -> str | None:
    try:
        return str(client.chat_getPermalink(channel=channel, message_ts=ts)["permalink"])
    except (SlackApiError, KeyError):
        return None


def _best_entry(services: Services, text: str) -> str | None:
    if not text.strip():
        return None
    with session_scope(services.sessions) as session:
        knowledge = services.knowledge.get(session)
    found = knowledge.matcher.match(text, limit=1)
    return None if found.abstained or not found.matches else found.matches[0].entry_id


def _faq_team(services: Services, faq_id: str | None) -> str | None:
    if faq_id is None:
        return None
    with session_scope(services.sessions) as session:
        entry = services.knowledge.get(session).entries.get(faq_id)
    return entry.handoff if entry is not None else None


# -- routing, checks, recording -------------------------------------------------------------------


def route_source(
    services: Services, source: Source, *, explicit: str | None = None, note: str = ""
) -> Route:
    """Routing for this source (its customer's words, else the teammate's ``note``); the model
    is asked only when one is configured (it may take seconds, so never before an ack)."""
    classify = None
    if services.settings.llm_configured and isinstance(services.drafter, HandoffClassifier):
        classify = services.drafter.classify_handoff
    return route(
        source.customer_text or note,
        explicit=explicit,
        faq_team=source.faq_team,
        rules=services.handoff_rules,
        classify=classify,
    )


def reason_for(team: str, routed: Route) -> str:
    """Routing's reason when the person kept its team; theirs when they picked another."""
    return routed.reason if team == routed.team else EXPLICIT.format(team=team)


def check_team_channel(services: Services, team: str) -> None:
    if services.team_channel(team) is None:
        setting = CHANNEL_SETTINGS.get(team, "the team's channel setting")
        raise NoTeamChannel(f"{team.capitalize()} has no channel for handoffs yet: set {setting}.")


def existing_handoff(services: Services, source: Source) -> Handoff | None:
    """The live handoff this message already has, if any."""
    if source.key is None:
        return None
    with session_scope(services.sessions) as session:
        return live_handoff_for(session, source.key)


def record(
    services: Services,
    source: Source,
    *,
    team: str,
    reason: str,
    priority: str,
    note: str,
    requested_by: str,
) -> Started:
    """Store the handoff with its holding reply, in one transaction; or find the one this
    message already has (then nothing is stored). Raises HandoffInvalid (NoTeamChannel too)."""
    # Words typed to `/social handoff` are the teammate's summary and the only text there is.
    said = source.customer_text or note
    mood = read_mood(said)
    network = source.network or services.settings.default_network
    request = HandoffRequest(
        team=team,
        route_reason=reason,
        requested_by=requested_by,
        summary=note,
        customer_text=source.customer_text,
        priority=priority,
        customer_handle=source.customer_handle,
        network=network,
        source_channel=source.channel if source.key else None,
        source_ts=source.ts if source.key else None,
        source_link=source.link,
        suggestion_id=source.suggestion_id,
        faq_id=source.faq_id,
        mood=mood.mood,
        mood_words=mood.words,
    )
    validate_request(request)
    now = services.clock()
    with session_scope(services.sessions) as session:
        if source.key and (earlier := live_handoff_for(session, source.key)) is not None:
            return Started(earlier, existing=True)
        check_team_channel(services, team)
        knowledge = services.knowledge.get(session)
        message = CustomerMessage(said, source.customer_handle)
        held = compose_holding(
            knowledge,
            message,
            team=team,
            voice=services.brand_voice,
            network=network,
            faq_id=source.faq_id,
            crisis=replies.crisis_mode(session),
        )
        holding, _ = suggestion_store.save_suggestion(
            session=session,
            suggestion=held,
            message=message,
            requested_by=requested_by,
            now=now,
            source_link=source.link,
            network=network,
            source_ts=source.ts if source.key else None,
        )
        started = start_handoff(
            session=session,
            request=replace(request, holding_suggestion_id=holding.id),
            sla=services.team_sla(team),
            now=now,
        )
        if started.existing:
            # Another teammate's handoff of this message won the race: theirs has its reply.
            session.delete(holding)
        return started


def packet_link(client: WebClient, services: Services, handoff_id: int) -> tuple[str | None, str]:
    """The packet's permalink (None while it is not posted) and the team channel it is in."""
    with session_scope(services.sessions) as session:
        handoff = session.get(Handoff, handoff_id)
    if handoff is None:
        return None, ""
    channel = handoff.packet_channel or services.team_channel(handoff.team) or ""
    if handoff.packet_channel is None or handoff.packet_ts is None:
        return None, channel
    return permalink(client, handoff.packet_channel, handoff.packet_ts), channel


def mark_holding_shown(services: Services, suggestion_id: int, channel: str, ts: str) -> None:
    """Where the holding reply is shown, so its buttons redraw that message."""
    with session_scope(services.sessions) as session:
        row = session.get(ReplySuggestion, suggestion_id)
        if row is not None:
            row.channel_id, row.message_ts = channel, ts
            session.add(row)
