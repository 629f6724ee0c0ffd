"""`/social faq search|add|list|gaps`, the "Add to FAQ" button and the add modal."""

from __future__ import annotations

from typing import Any

from slack_bolt import App

from bot.blocks.faq import (
    FAQ_ADD_TITLE,
    FAQ_ADD_VIEW,
    build_faq_add_modal,
    build_faq_added,
    build_faq_list,
    build_gaps_message,
    build_search_results,
)
from bot.blocks.replies import ADD_TO_FAQ_ACTION
from bot.commands import kit
from bot.commands.kit import FieldErrors, StaleControl, ViewCall, ViewState
from bot.commands.modals import ModalCall, modal_button, open_modal
from bot.commands.router import SubcommandCall, SubcommandRouter
from bot.knowledge.faq_files import FaqEntry
from bot.knowledge.faq_store import all_entries
from bot.store.db import session_scope
from bot.workflows import faq, faq_gaps
from bot.workflows.faq import FaqFormError
from bot.workflows.reply_requests import plain_from_slack

SEARCH_RESULTS = 5
GAP_GONE = (
    "That gap is gone (someone already added it to the FAQ?). "
    "`/social faq add` starts an empty entry."
)
USAGE = (
    "Usage: `/social faq search <question>`, `/social faq add`, `/social faq list [tag]` "
    "or `/social faq gaps`."
)


def register(app: App, router: SubcommandRouter) -> None:
    router.add("faq", _faq_command)
    modal_button(
        app,
        ADD_TO_FAQ_ACTION,
        parse=kit.parse_id,
        title=FAQ_ADD_TITLE,
        fill=_add_to_faq_modal,
        damaged=GAP_GONE,
    )
    # The entry is stored before the ack (the modal closes on a 200); the DM after.
    kit.deciding_view(
        app, FAQ_ADD_VIEW, parse=_form_entry, decide=_decide_faq_entry, after=_after_faq_entry
    )


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
        open_modal(call.client, call.trigger_id, build_faq_add_modal())
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
        (knowledge.entries[m.entry_id], knowledge.matcher.confidence(m))
        for m in result.matches
        if m.entry_id in knowledge.entries
    ]
    call.ack(
        response_type="ephemeral",
        **build_search_results(query, found, abstained=result.abstained),
    )


def _add_to_faq_modal(call: ModalCall[int]) -> dict[str, Any]:
    with session_scope(call.services.sessions) as session:
        gap = faq_gaps.get_gap(session, call.value)
    if gap is None:
        raise StaleControl(GAP_GONE)
    return build_faq_add_modal(question=gap.example, gap_id=gap.id)


def _form_entry(state: ViewState) -> tuple[FaqEntry, int | None]:
    """The add modal's entry, and the gap it answers (from private_metadata), if any."""
    try:
        entry = faq.entry_from_form(
            entry_id=state.text("id"),
            question=state.text("question"),
            answer=state.text("answer"),
            variants=state.text("variants"),
            tags=state.text("tags"),
            handoff=state.selected("handoff"),
        )
    except FaqFormError as error:
        raise FieldErrors.on(error.field, str(error)) from error
    gap_id = state.metadata().get("gap_id")
    return entry, gap_id if isinstance(gap_id, int) else None


def _decide_faq_entry(call: ViewCall[tuple[FaqEntry, int | None]]) -> FaqEntry:
    entry, gap_id = call.value
    services = call.services
    with session_scope(services.sessions) as session:
        added = faq.add_from_slack(session=session, entry=entry, now=services.clock())
        if added and gap_id is not None:
            faq_gaps.close_gap(session, gap_id)
    if not added:
        raise FieldErrors.on("id", f"The FAQ already has an entry {entry.id}; pick another id.")
    return entry


def _after_faq_entry(call: ViewCall[tuple[FaqEntry, int | None]], entry: FaqEntry) -> None:
    call.client.chat_postMessage(channel=call.user_id, text=build_faq_added(entry, call.user_id))
