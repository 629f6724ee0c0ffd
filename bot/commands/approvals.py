"""Approvals in Slack: `/social draft|queue|calendar|audit|published`, the card's buttons, the modals.

Listeners stay thin: ack first (with errors for a modal), then one workflow call in its own
session, then the card is redrawn and the people concerned are told.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.blocks.approvals import (
    APPROVE_ACTION,
    CREATE_VIEW,
    EDIT_ACTION,
    EDIT_VIEW,
    NOTE_VIEW,
    PUBLISHED_ACTION,
    QUEUE_APPROVE_ACTION,
    QUEUE_SELECT_ACTION,
    REJECT_ACTION,
    REQUEST_CHANGES_ACTION,
    WITHDRAW_ACTION,
    build_audit_message,
    build_bulk_result,
    build_calendar_message,
    build_draft_modal,
    build_edit_modal,
    build_note_modal,
    build_queue_message,
    decision_notice,
    parse_card_value,
)
from bot.blocks.text import escape_mrkdwn
from bot.commands.context import services_of
from bot.commands.respond import problems_text
from bot.commands.router import SubcommandCall, SubcommandRouter
from bot.services import Services
from bot.slack.approval_cards import post_card, refresh_card, tell_author
from bot.slack.approvers import approval_policy
from bot.store.db import session_scope
from bot.store.models import Draft
from bot.workflows import drafts
from bot.workflows.audit import audit_trail
from bot.workflows.drafts import ApprovalPolicy, DraftInput, DraftInvalid, Outcome
from bot.workflows.drafts.parsing import (
    InputError,
    calendar_window,
    parse_draft_id,
    parse_quick_draft,
)

Decision = Callable[..., Outcome]


def register(app: App, router: SubcommandRouter) -> None:
    router.add("draft", _draft_command)
    router.add("queue", _queue_command)
    router.add("calendar", _calendar_command)
    router.add("audit", _audit_command)
    router.add("published", _published_command)

    app.view(CREATE_VIEW)(_submit_new_draft)
    app.view(NOTE_VIEW)(_submit_note)
    app.view(EDIT_VIEW)(_submit_edit)
    app.action(APPROVE_ACTION)(_click_approve)
    app.action(REQUEST_CHANGES_ACTION)(_click_note_decision)
    app.action(REJECT_ACTION)(_click_note_decision)
    app.action(EDIT_ACTION)(_click_edit)
    app.action(WITHDRAW_ACTION)(_click_withdraw)
    app.action(PUBLISHED_ACTION)(_click_published)
    app.action(QUEUE_SELECT_ACTION)(_ack_only)
    app.action(QUEUE_APPROVE_ACTION)(_click_approve_selected)


# -- subcommands --------------------------------------------------------------------------------


def _draft_command(call: SubcommandCall) -> None:
    """Draft a post for approval: a form, or straight from the text.

    Usage: /social draft [text]
    """
    services = call.services
    if services.settings.approvals_channel is None:
        call.ack(**_ephemeral(_NO_CHANNEL))
        return
    if not call.args.strip():
        call.ack()
        settings = services.settings
        view = build_draft_modal(
            default_network=settings.default_network, zone_name=settings.timezone
        )
        call.client.views_open(trigger_id=call.trigger_id, view=view)
        return
    try:
        draft_input = parse_quick_draft(
            call.args, author_id=call.user_id, default_network=services.settings.default_network
        )
        draft = _create(services, draft_input)
    except (InputError, DraftInvalid) as error:
        call.ack(**_ephemeral(problems_text(error)))
        return
    call.ack(
        **_ephemeral(
            f"Draft #{draft.id} is waiting for approval in <#{services.settings.approvals_channel}>."
        )
    )
    post_card(call.client, services, draft)


def _queue_command(call: SubcommandCall) -> None:
    """Drafts waiting for approval, oldest first.

    Usage: /social queue
    """
    call.ack()
    services = call.services
    policy = _policy(services, call.client)
    with session_scope(services.sessions) as session:
        waiting = drafts.pending_drafts(session)
        progress: dict[int | None, drafts.Progress] = {
            d.id: drafts.progress_of(session, d) for d in waiting
        }
    call.respond(
        **build_queue_message(
            waiting,
            progress,
            can_approve=call.user_id in policy.approvers | policy.risk_approvers,
            now=services.clock(),
            zone=services.settings.zone,
        )
    )


def _calendar_command(call: SubcommandCall) -> None:
    """Approved and scheduled posts by day.

    Usage: /social calendar [this|next week]
    """
    services = call.services
    try:
        window = calendar_window(call.args, now=services.clock(), zone=services.settings.zone)
    except InputError as error:
        call.ack(**_ephemeral(str(error)))
        return
    call.ack()
    with session_scope(services.sessions) as session:
        posts = drafts.planned_posts(session, start=window.start_utc, end=window.end_utc)
    call.respond(
        **build_calendar_message(
            posts, start=window.first_day, days=7, zone=services.settings.zone, label=window.label
        )
    )


def _audit_command(call: SubcommandCall) -> None:
    """Every action on a draft: who, what, when.

    Usage: /social audit <draft id>
    """
    try:
        draft_id = parse_draft_id(call.args)
    except InputError as error:
        call.ack(**_ephemeral(str(error)))
        return
    with session_scope(call.services.sessions) as session:
        entries = audit_trail(
            session=session, subject_type=drafts.SUBJECT, subject_id=str(draft_id)
        )
    if not entries:
        call.ack(**_ephemeral(f"There is no draft #{draft_id}."))
        return
    call.ack(**build_audit_message(draft_id, entries, zone=call.services.settings.zone))


def _published_command(call: SubcommandCall) -> None:
    """Record that an approved post went out.

    Usage: /social published <draft id>
    """
    try:
        draft_id = parse_draft_id(call.args)
    except InputError as error:
        call.ack(**_ephemeral(str(error)))
        return
    call.ack()
    services = call.services
    outcome = _run(
        services,
        drafts.mark_published,
        draft_id=draft_id,
        actor_id=call.user_id,
        policy=_policy(services, call.client),
    )
    if outcome.refused is not None:
        call.respond(**_ephemeral(outcome.detail))
        return
    call.respond(**_ephemeral(f"Draft #{draft_id} is marked published."))
    _after_change(call.client, services, outcome, call.user_id, "publish", None)


# -- the card's buttons -------------------------------------------------------------------------


def _click_approve(
    ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext
) -> None:
    ack()
    services = services_of(context)
    target = _card_target(body)
    if target is None:
        respond(**_ephemeral(_BROKEN_BUTTON))
        return
    draft_id, seen_hash = target
    outcome = _run(
        services,
        drafts.approve,
        draft_id=draft_id,
        actor_id=_user(body),
        policy=_policy(services, client),
        seen_hash=seen_hash,
    )
    _answer(client, services, respond, outcome, _user(body), "approve", None)


def _click_note_decision(
    ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext
) -> None:
    ack()
    services = services_of(context)
    target = _card_target(body)
    if target is None:
        respond(**_ephemeral(_BROKEN_BUTTON))
        return
    draft_id, seen_hash = target
    action_id = body["actions"][0]["action_id"]
    decision = "reject" if action_id == REJECT_ACTION else "request_changes"
    # Refuse before the modal opens: nobody should type a note only to be told no.
    refusal = _run(
        services,
        drafts.check_decision,
        draft_id=draft_id,
        actor_id=_user(body),
        policy=_policy(services, client),
        action=decision,
        seen_hash=seen_hash,
    )
    if refusal is not None:
        _answer(client, services, respond, refusal, _user(body), decision, None)
        return
    client.views_open(
        trigger_id=body["trigger_id"],
        view=build_note_modal(draft_id=draft_id, decision=decision, seen_hash=seen_hash),  # type: ignore[arg-type]
    )


def _click_edit(
    ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext
) -> None:
    ack()
    services = services_of(context)
    target = _card_target(body)
    if target is None:
        respond(**_ephemeral(_BROKEN_BUTTON))
        return
    outcome = _run(
        services,
        drafts.check_author_action,
        draft_id=target[0],
        actor_id=_user(body),
        action="edit",
    )
    if outcome.refused is not None or outcome.draft is None:
        respond(**_ephemeral(outcome.detail))
        return
    client.views_open(trigger_id=body["trigger_id"], view=build_edit_modal(outcome.draft))


def _click_withdraw(
    ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext
) -> None:
    ack()
    services = services_of(context)
    target = _card_target(body)
    if target is None:
        respond(**_ephemeral(_BROKEN_BUTTON))
        return
    outcome = _run(services, drafts.withdraw, draft_id=target[0], actor_id=_user(body))
    _answer(client, services, respond, outcome, _user(body), "withdraw", None)


def _click_published(
    ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext
) -> None:
    ack()
    services = services_of(context)
    target = _card_target(body)
    if target is None:
        respond(**_ephemeral(_BROKEN_BUTTON))
        return
    outcome = _run(
        services,
        drafts.mark_published,
        draft_id=target[0],
        actor_id=_user(body),
        policy=_policy(services, client),
    )
    _answer(client, services, respond, outcome, _user(body), "publish", None)


def _ack_only(ack: Ack) -> None:
    # Ticking a checkbox in the queue: Slack keeps the state; "Approve selected" reads it.
    ack()


def _click_approve_selected(
    ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext
) -> None:
    ack()
    services = services_of(context)
    selected = _selected_in_queue(body)
    if not selected:
        respond(**_ephemeral("Tick the drafts to approve first."), replace_original=False)
        return
    actor = _user(body)
    policy = _policy(services, client)
    lines: list[str] = []
    for draft_id, seen_hash in selected:
        # The policy is applied to each draft on its own: one refusal does not stop the rest.
        outcome = _run(
            services,
            drafts.approve,
            draft_id=draft_id,
            actor_id=actor,
            policy=policy,
            seen_hash=seen_hash,
        )
        if outcome.refused is not None:
            lines.append(f"#{draft_id}: not approved. {escape_mrkdwn(outcome.detail)}")
            continue
        state = outcome.to_state or ""
        lines.append(
            f"#{draft_id}: approved"
            + ("" if outcome.changed else f", still {state.replace('_', ' ')}")
            + "."
        )
        _after_change(client, services, outcome, actor, "approve", None)
    respond(**build_bulk_result(lines), replace_original=False)


# -- modals ---------------------------------------------------------------------------------------


def _submit_new_draft(
    ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    services = services_of(context)
    view = body["view"]
    try:
        draft_input = _modal_draft(view["state"]["values"], author_id=_user(body))
        draft = _create(services, draft_input)
    except InputError as error:
        ack(response_action="errors", errors={error.field or "text": str(error)})
        return
    except DraftInvalid as invalid:
        ack(response_action="errors", errors=_field_errors(invalid))
        return
    ack()
    post_card(client, services, draft)
    client.chat_postMessage(
        channel=_user(body),
        text=f"Draft #{draft.id} is waiting for approval in <#{draft.card_channel}>.",
    )


def _submit_note(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    services = services_of(context)
    view = body["view"]
    meta = _metadata(view)
    note = str(view["state"]["values"].get("note", {}).get("value", {}).get("value") or "").strip()
    if not note:
        ack(response_action="errors", errors={"note": "Please say why, in a few words."})
        return
    try:
        draft_id = int(meta["draft_id"])
        decision = str(meta["decision"])
        seen_hash = str(meta["seen_hash"])
    except (KeyError, TypeError, ValueError):
        ack(response_action="errors", errors={"note": _BROKEN_BUTTON})
        return
    action: Decision = drafts.reject if decision == "reject" else drafts.request_changes
    ack()
    actor = _user(body)
    outcome = _run(
        services,
        action,
        draft_id=draft_id,
        actor_id=actor,
        note=note,
        policy=_policy(services, client),
        seen_hash=seen_hash,
    )
    if outcome.refused is not None:
        _tell_privately(client, outcome, actor, outcome.detail)
        return
    _after_change(client, services, outcome, actor, decision, note)


def _submit_edit(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    services = services_of(context)
    view = body["view"]
    text = str(view["state"]["values"].get("text", {}).get("value", {}).get("value") or "")
    try:
        draft_id = int(_metadata(view)["draft_id"])
    except (KeyError, TypeError, ValueError):
        ack(response_action="errors", errors={"text": _BROKEN_BUTTON})
        return
    actor = _user(body)
    try:
        outcome = _run(
            services,
            drafts.edit,
            draft_id=draft_id,
            actor_id=actor,
            text=text,
            checks=services.check_policy,
        )
    except DraftInvalid as invalid:
        ack(response_action="errors", errors={"text": problems_text(invalid)})
        return
    ack()
    if outcome.refused is not None:
        _tell_privately(client, outcome, actor, outcome.detail)
        return
    _after_change(client, services, outcome, actor, "edit", None)


# -- helpers --------------------------------------------------------------------------------------

_NO_CHANNEL = (
    "Drafts need an approvals channel, and none is set up yet. "
    "Ask an admin to set SOCIALOPS_APPROVALS_CHANNEL."
)
_BROKEN_BUTTON = "That button is damaged or from an old card; nothing happened."


def _modal_draft(values: dict[str, Any], *, author_id: str) -> DraftInput:
    """The new-draft modal's state as a DraftInput (block ids from build_draft_modal)."""

    def element(block: str) -> dict[str, Any]:
        found = values.get(block, {}).get("value")
        return found if isinstance(found, dict) else {}

    networks = tuple(
        str(option.get("value")) for option in element("networks").get("selected_options") or []
    )
    if not networks:
        raise InputError("Pick at least one network.", field="networks")
    epoch = element("scheduled_at").get("selected_date_time")
    scheduled_at = datetime.fromtimestamp(int(epoch), tz=UTC) if epoch else None
    return DraftInput(
        kind="post",
        text=str(element("text").get("value") or "").strip(),
        networks=networks,
        author_id=author_id,
        campaign=str(element("campaign").get("value") or "").strip() or None,
        scheduled_at=scheduled_at,
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


def _run(services: Services, workflow: Callable[..., Any], **kwargs: Any) -> Any:
    """One workflow call in its own session, at the service clock's time."""
    with session_scope(services.sessions) as session:
        return workflow(session=session, now=services.clock(), **kwargs)


def _policy(services: Services, client: WebClient) -> ApprovalPolicy:
    return approval_policy(services.settings, client, services.groups, now=services.clock())


def _answer(
    client: WebClient,
    services: Services,
    respond: Respond,
    outcome: Outcome,
    actor: str,
    action: str,
    note: str | None,
) -> None:
    if outcome.refused is not None:
        respond(**_ephemeral(escape_mrkdwn(outcome.detail)), replace_original=False)
        if outcome.refused == drafts.Refusal.STALE and outcome.draft is not None:
            refresh_card(client, services, outcome.draft)
        return
    _after_change(client, services, outcome, actor, action, note)


def _after_change(
    client: WebClient,
    services: Services,
    outcome: Outcome,
    actor: str,
    action: str,
    note: str | None,
) -> None:
    draft = outcome.draft
    if draft is None:
        return
    refresh_card(client, services, draft)
    if actor != draft.author_id:
        tell_author(client, draft, decision_notice(draft, actor, action, note))


def _tell_privately(client: WebClient, outcome: Outcome, user: str, text: str) -> None:
    draft = outcome.draft
    safe = escape_mrkdwn(text)
    if draft is not None and draft.card_channel:
        client.chat_postEphemeral(channel=draft.card_channel, user=user, text=safe)
    else:
        client.chat_postMessage(channel=user, text=safe)


def _card_target(body: dict[str, Any]) -> tuple[int, str] | None:
    actions = body.get("actions") or [{}]
    return parse_card_value(str(actions[0].get("value", "")))


def _selected_in_queue(body: dict[str, Any]) -> list[tuple[int, str]]:
    chosen: list[tuple[int, str]] = []
    for block in (body.get("state") or {}).get("values", {}).values():
        element = block.get(QUEUE_SELECT_ACTION) or {}
        for option in element.get("selected_options") or []:
            target = parse_card_value(str(option.get("value", "")))
            if target is not None:
                chosen.append(target)
    return chosen


def _user(body: dict[str, Any]) -> str:
    return str(body["user"]["id"])


def _metadata(view: dict[str, Any]) -> dict[str, Any]:
    try:
        meta = json.loads(view.get("private_metadata") or "{}")
    except json.JSONDecodeError:
        return {}
    return meta if isinstance(meta, dict) else {}


def _ephemeral(text: str) -> dict[str, Any]:
    return {"response_type": "ephemeral", "text": text}


# Which modal field each check's error belongs to; the rest go on the text.
_FIELD_OF_CODE = {
    "unknown_network": "networks",
    "no_network": "networks",
    "past_time": "scheduled_at",
    "naive_time": "scheduled_at",
}


def _field_errors(invalid: DraftInvalid) -> dict[str, str]:
    errors: dict[str, str] = {}
    for finding in invalid.errors:
        block = _FIELD_OF_CODE.get(finding.code, "text")
        errors[block] = (errors.get(block, "") + " " + finding.message).strip()[:150]
    return errors
