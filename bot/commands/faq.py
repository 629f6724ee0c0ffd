"""`/social faq search|add|list|gaps`, the "Add to FAQ" button and the add modal."""

from __future__ import annotations

import json
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.blocks.faq import (
    FAQ_ADD_VIEW,
    build_faq_add_modal,
    build_faq_added,
    build_faq_list,
    build_gaps_message,
    build_search_results,
)
from bot.blocks.replies import ADD_TO_FAQ_ACTION
from bot.commands.context import services_of
from bot.commands.respond import tell
from bot.commands.router import SubcommandCall, SubcommandRouter
from bot.knowledge.faq_store import all_entries
from bot.store.db import session_scope
from bot.workflows import faq, faq_gaps
from bot.workflows.faq import FaqFormError
from bot.workflows.replies import plain_from_slack

SEARCH_RESULTS = 5
USAGE = (
    "Usage: `/social faq search <question>`, `/social faq add`, `/social faq list [tag]` "
    "or `/social faq gaps`."
)


def register(app: App, router: SubcommandRouter) -> None:
    router.add("faq", _faq_command)
    app.action(ADD_TO_FAQ_ACTION)(_click_add_to_faq)
    app.view(FAQ_ADD_VIEW)(_submit_faq_entry)


def _faq_command(call: SubcommandCall) -> None:
    """Search, list and grow the FAQ; see the questions it could not answer.

    Usage: /social faq search <question> | add | list [tag] | gaps
    """
    action, _, rest = call.args.strip().partition(" ")
    action = action.lower()
    rest = plain_from_slack(rest).strip()
    if action == "search" and rest:
        _search(call, rest)
    elif action == "add":
        call.ack()
        call.client.views_open(trigger_id=call.trigger_id, view=build_faq_add_modal())
    elif action == "list":
        tag = rest.split()[0].lower() if rest else None
        with session_scope(call.services.sessions) as session:
            entries = all_entries(session, tag=tag)
        call.ack(response_type="ephemeral", **build_faq_list(entries, tag=tag))
    elif action == "gaps":
        with session_scope(call.services.sessions) as session:
            gaps = faq_gaps.top_gaps(session)
        call.ack(
            response_type="ephemeral", **build_gaps_message(gaps, zone=call.services.settings.zone)
        )
    else:
        call.ack(response_type="ephemeral", text=USAGE)


def _search(call: SubcommandCall, query: str) -> None:
    services = call.services
    with session_scope(services.sessions) as session:
        knowledge = services.knowledge.get(session)
        result = knowledge.matcher.match(query, limit=SEARCH_RESULTS)
        if result.abstained:
            faq_gaps.record_gap(session=session, text=query, now=services.clock())
    found = [
        (knowledge.entries[m.entry_id], min(m.coverage, 1.0))
        for m in result.matches
        if m.entry_id in knowledge.entries
    ]
    call.ack(
        response_type="ephemeral",
        **build_search_results(query, found, abstained=result.abstained),
    )


def _click_add_to_faq(
    ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext
) -> None:
    ack()
    services = services_of(context)
    value = str(body.get("actions", [{}])[0].get("value") or "")
    gap = None
    if value.isascii() and value.isdigit() and len(value) <= 12:
        with session_scope(services.sessions) as session:
            gap = faq_gaps.get_gap(session, int(value))
    if gap is None:
        tell(
            respond,
            "That gap is gone (someone already added it to the FAQ?). "
            "`/social faq add` starts an empty entry.",
        )
        return
    client.views_open(
        trigger_id=body["trigger_id"],
        view=build_faq_add_modal(question=gap.example, gap_id=gap.id),
    )


def _submit_faq_entry(
    ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    services = services_of(context)
    view = body["view"]
    values = view["state"]["values"]
    try:
        entry = faq.entry_from_form(
            entry_id=_value(values, "id"),
            question=_value(values, "question"),
            answer=_value(values, "answer"),
            variants=_value(values, "variants"),
            tags=_value(values, "tags"),
            handoff=_selected(values, "handoff"),
        )
    except FaqFormError as error:
        ack(response_action="errors", errors={error.field: str(error)})
        return
    gap_id = _gap_id(view.get("private_metadata") or "")
    with session_scope(services.sessions) as session:
        added = faq.add_from_slack(session=session, entry=entry, now=services.clock())
        if added and gap_id is not None:
            faq_gaps.close_gap(session, gap_id)
    if not added:
        ack(
            response_action="errors",
            errors={"id": f"The FAQ already has an entry {entry.id}; pick another id."},
        )
        return
    ack()
    user = body["user"]["id"]
    client.chat_postMessage(channel=user, text=build_faq_added(entry, user))


def _value(values: dict[str, Any], block: str) -> str:
    return str(values.get(block, {}).get("value", {}).get("value") or "")


def _selected(values: dict[str, Any], block: str) -> str | None:
    option = values.get(block, {}).get("value", {}).get("selected_option")
    return str(option["value"]) if isinstance(option, dict) and option.get("value") else None


def _gap_id(metadata: str) -> int | None:
    try:
        value = json.loads(metadata).get("gap_id")
    except (ValueError, AttributeError):
        return None
    return value if isinstance(value, int) else None
