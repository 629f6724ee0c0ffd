"""Approvals in Slack: `/social queue|calendar|audit|published`, the card's buttons, the modals.

Listeners stay thin: the kit (``bot.commands.kit``) parses; a decision (approve, reject, edit, …)
is committed before the ack with the notices it owes (``bot.slack.decisions``), and once acked the
card is redrawn from a fresh read and the notices are delivered. Drafting (`/social
draft` and its modal) is in ``bot.commands.drafting``.
"""

from __future__ import annotations

from functools import partial
from typing import Any, Literal

from slack_bolt import App
from slack_sdk import WebClient

from bot.blocks.approval_lists import (
    QUEUE_APPROVE_ACTION,
    QUEUE_SELECT_ACTION,
    build_audit_message,
    build_bulk_result,
    build_calendar_message,
    build_queue_message,
)
from bot.blocks.approvals import (
    APPROVE_ACTION,
    EDIT_ACTION,
    EDIT_VIEW,
    NOTE_TITLES,
    NOTE_VIEW,
    PUBLISHED_ACTION,
    REJECT_ACTION,
    REQUEST_CHANGES_ACTION,
    STATE_LABELS,
    WITHDRAW_ACTION,
    build_edit_modal,
    build_note_modal,
    parse_card_value,
)
from bot.blocks.text import escape_mrkdwn
from bot.commands import drafting, kit
from bot.commands.context import run_workflow
from bot.commands.home import HelpSource
from bot.commands.kit import ButtonCall, FieldErrors, ViewCall, ViewState
from bot.commands.modals import ModalCall, NoModal, modal_button
from bot.commands.respond import problems_text
from bot.commands.router import SubcommandCall, SubcommandRouter
from bot.services import Services
from bot.slack.approval_cards import redraw_if_behind, tell_privately
from bot.slack.approvers import approval_policy, crisis_approver_entries, decision_policy
from bot.slack.decisions import Decision, after_decision, commit_decision
from bot.slack.home import from_home, refresh_home
from bot.store.db import session_scope
from bot.workflows import drafts
from bot.workflows.audit import audit_trail
from bot.workflows.crisis.queries import running
from bot.workflows.drafts import ApprovalPolicy
from bot.workflows.drafts.parsing import InputError, calendar_window, parse_draft_id

NoteDecision = Literal["request_changes", "reject"]
# What a card's button carries: the draft, and the hash of the text the clicker saw.
CardTarget = tuple[int, str]
parse_card_target = kit.required(parse_card_value)


def register(app: App, router: SubcommandRouter) -> None:
    drafting.register(app, router)
    after_click = partial(_after_click, help_source=router.help_entries)
    after_submit = partial(_after_submit, help_source=router.help_entries)
    router.add("queue", _queue_command)
    router.add("calendar", _calendar_command)
    router.add("audit", _audit_command)
    router.add("published", _published_command)

    # Buttons that decide: committed before the ack, the card and the notices after it.
    for action_id, decide in (
        (APPROVE_ACTION, decide_approve),
        (WITHDRAW_ACTION, _decide_withdraw),
        (PUBLISHED_ACTION, _decide_published),
    ):
        kit.deciding_button(
            app, action_id, parse=parse_card_target, decide=decide, after=after_click
        )
    # Buttons that open a modal: it opens at once, and fills once the checks are done.
    for action_id, title, fill in (
        (REQUEST_CHANGES_ACTION, NOTE_TITLES["request_changes"], _note_modal),
        (REJECT_ACTION, NOTE_TITLES["reject"], _note_modal),
        (EDIT_ACTION, "Edit draft", _edit_modal),
    ):
        modal_button(app, action_id, parse=parse_card_target, title=title, fill=fill)
    # Ticking a checkbox in the queue: Slack keeps the state; "Approve selected" reads it.
    kit.ack_only(app, QUEUE_SELECT_ACTION)
    kit.deciding_button(
        app,
        QUEUE_APPROVE_ACTION,
        parse=kit.any_value,
        decide=_decide_approve_selected,
        after=_after_approve_selected,
    )
    kit.deciding_view(app, NOTE_VIEW, parse=_note_fields, decide=_submit_note, after=after_submit)
    kit.deciding_view(app, EDIT_VIEW, parse=_edit_fields, decide=_submit_edit, after=after_submit)


# -- subcommands --------------------------------------------------------------------------------


def _queue_command(call: SubcommandCall) -> None:
    """Drafts waiting for approval, oldest first.

    Usage: /social queue
    """
    call.ack()
    call.respond(**queue_message(call.services, call.client, call.user_id))


def queue_message(services: Services, client: WebClient, user_id: str) -> dict[str, Any]:
    """The ephemeral queue as ``user_id`` sees it (checkboxes only for an approver): for
    `/social queue` and the digest's Open queue button."""
    policy = _policy(services, client)
    with session_scope(services.sessions) as session:
        waiting = drafts.pending_drafts(session)
        progress: dict[int | None, drafts.Progress] = {
            d.id: drafts.progress_of(session, d) for d in waiting
        }
        crisis = running(session)
    # A crisis approver decides too while a crisis runs (on the drafts it stamped).
    deciders = policy.approvers | policy.risk_approvers
    if crisis is not None:
        deciders |= policy.crisis_approvers
    return build_queue_message(
        waiting,
        progress,
        can_approve=user_id in deciders,
        now=services.clock(),
        zone=services.settings.zone,
        crisis_kind=crisis.kind if crisis is not None else None,
        crisis_approvers=crisis_approver_entries(services.settings),
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
    """Every action on a draft (who, what, when) and its whole text.

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
        draft = drafts.get_draft(session, draft_id)
    if not entries:
        call.ack(**_ephemeral(f"There is no draft #{draft_id}."))
        return
    zone = call.services.settings.zone
    call.ack(**build_audit_message(draft_id, entries, zone=zone, draft=draft))


def _published_command(call: SubcommandCall) -> None:
    """Record that an approved post went out.

    Usage: /social published <draft id>
    """
    try:
        draft_id = parse_draft_id(call.args)
    except InputError as error:
        call.ack(**_ephemeral(str(error)))
        return
    services = call.services
    decision = commit_decision(
        services,
        partial(
            drafts.mark_published,
            draft_id=draft_id,
            actor_id=call.user_id,
            policy=_decision_policy(services, call.client),
        ),
        actor=call.user_id,
        action="publish",
    )
    call.ack()
    outcome = decision.outcome
    if outcome.refused is not None:
        call.respond(**_ephemeral(outcome.detail))
    else:
        call.respond(**_ephemeral(f"Draft #{draft_id} is marked published."))
    after_decision(call.client, services, decision)


# -- the card's buttons -------------------------------------------------------------------------


def decide_approve(call: ButtonCall[CardTarget]) -> Decision:
    """The card's Approve, committed before the ack: also the digest's Approve buttons."""
    draft_id, seen_hash = call.value
    return commit_decision(
        call.services,
        partial(
            drafts.approve,
            draft_id=draft_id,
            actor_id=call.user_id,
            policy=_decision_policy(call.services, call.client),
            seen_hash=seen_hash,
        ),
        actor=call.user_id,
        action="approve",
    )


def _note_modal(call: ModalCall[CardTarget]) -> dict[str, Any]:
    draft_id, seen_hash = call.value
    decision: NoteDecision = "reject" if call.action_id == REJECT_ACTION else "request_changes"
    # Refuse before the form shows: nobody should type a note only to be told no.
    refusal = run_workflow(
        call.services,
        partial(
            drafts.check_decision,
            draft_id=draft_id,
            actor_id=call.user_id,
            policy=_policy(call.services, call.client),
            action=decision,
            seen_hash=seen_hash,
        ),
    )
    if refusal is not None:
        if refusal.refused == drafts.Refusal.STALE and refusal.draft is not None:
            redraw_if_behind(call.client, call.services, draft_id)
        raise NoModal(refusal.detail)
    return build_note_modal(
        draft_id=draft_id, decision=decision, seen_hash=seen_hash, from_home=from_home(call.body)
    )


def _edit_modal(call: ModalCall[CardTarget]) -> dict[str, Any]:
    outcome = run_workflow(
        call.services,
        partial(
            drafts.check_author_action, draft_id=call.value[0], actor_id=call.user_id, action="edit"
        ),
    )
    if outcome.refused is not None or outcome.draft is None:
        raise NoModal(outcome.detail)
    return build_edit_modal(outcome.draft, from_home=from_home(call.body))


def _decide_withdraw(call: ButtonCall[CardTarget]) -> Decision:
    return commit_decision(
        call.services,
        partial(drafts.withdraw, draft_id=call.value[0], actor_id=call.user_id),
        actor=call.user_id,
        action="withdraw",
    )


def _decide_published(call: ButtonCall[CardTarget]) -> Decision:
    return commit_decision(
        call.services,
        partial(
            drafts.mark_published,
            draft_id=call.value[0],
            actor_id=call.user_id,
            policy=_decision_policy(call.services, call.client),
        ),
        actor=call.user_id,
        action="publish",
    )


def _after_click(
    call: ButtonCall[CardTarget], decision: Decision, *, help_source: HelpSource
) -> None:
    """A refusal is told to the clicker; either way the card ends showing the draft as stored.
    A click in the App Home re-publishes it, the outcome on top (no response_url there)."""
    outcome = decision.outcome
    in_home = from_home(call.body)
    if outcome.refused is not None and not in_home:
        call.tell(escape_mrkdwn(outcome.detail))
    after_decision(call.client, call.services, decision)
    if in_home:
        refresh_home(
            call.client,
            call.services,
            call.user_id,
            help_entries=help_source(),
            notice=_home_notice(decision),
        )


def _home_notice(decision: Decision) -> str:
    """What the Home says on top after an action taken from it."""
    outcome = decision.outcome
    if outcome.refused is not None:
        return f":warning: {escape_mrkdwn(outcome.detail)}"
    draft = outcome.draft
    if draft is None:
        return ""
    return f"Draft #{draft.id}: {STATE_LABELS.get(draft.state, escape_mrkdwn(draft.state))}"


def _decide_approve_selected(call: ButtonCall[str]) -> list[tuple[int, Decision]]:
    services, actor = call.services, call.user_id
    selected = _selected_in_queue(call)
    policy = _decision_policy(services, call.client) if selected else None
    decided: list[tuple[int, Decision]] = []
    for draft_id, seen_hash in selected:
        assert policy is not None
        # The policy is applied to each draft on its own: one refusal does not stop the rest.
        work = partial(
            drafts.approve, draft_id=draft_id, actor_id=actor, policy=policy, seen_hash=seen_hash
        )
        decided.append((draft_id, commit_decision(services, work, actor=actor, action="approve")))
    return decided


def _after_approve_selected(call: ButtonCall[str], decided: list[tuple[int, Decision]]) -> None:
    if not decided:
        call.tell("Tick the drafts to approve first.")
        return
    lines: list[str] = []
    for draft_id, decision in decided:
        outcome = decision.outcome
        if outcome.refused is not None:
            lines.append(f"#{draft_id}: not approved. {escape_mrkdwn(outcome.detail)}")
        else:
            state = outcome.to_state or ""
            lines.append(
                f"#{draft_id}: approved"
                + ("" if outcome.changed else f", still {state.replace('_', ' ')}")
                + "."
            )
        after_decision(call.client, call.services, decision)
    call.respond(**build_bulk_result(lines), replace_original=False)


def _selected_in_queue(call: ButtonCall[str]) -> list[CardTarget]:
    chosen: list[CardTarget] = []
    for block in call.state_values.values():
        element = block.get(QUEUE_SELECT_ACTION) or {}
        for option in element.get("selected_options") or []:
            target = parse_card_value(str(option.get("value", "")))
            if target is not None:
                chosen.append(target)
    return chosen


# -- modals ---------------------------------------------------------------------------------------


def _note_fields(state: ViewState) -> tuple[CardTarget, NoteDecision, str]:
    note = state.text("note").strip()
    if not note:
        raise FieldErrors.on("note", "Please say why, in a few words.")
    meta = state.metadata()
    try:
        target = (int(meta["draft_id"]), str(meta["seen_hash"]))
        decision = str(meta["decision"])
    except (KeyError, TypeError, ValueError):
        raise FieldErrors.on("note", kit.DAMAGED_BUTTON) from None
    return target, ("reject" if decision == "reject" else "request_changes"), note


def _submit_note(call: ViewCall[tuple[CardTarget, NoteDecision, str]]) -> Decision:
    (draft_id, seen_hash), decision, note = call.value
    services, actor = call.services, call.user_id
    return commit_decision(
        services,
        partial(
            drafts.reject if decision == "reject" else drafts.request_changes,
            draft_id=draft_id,
            actor_id=actor,
            note=note,
            policy=_decision_policy(services, call.client),
            seen_hash=seen_hash,
        ),
        actor=actor,
        action=decision,
        note=note,
    )


def _after_submit(call: ViewCall[Any], decision: Decision, *, help_source: HelpSource) -> None:
    """The modal is closed: a refusal goes beside the card; the card and notices as for a click.
    A modal opened from the App Home refreshes it instead, the outcome on top."""
    outcome = decision.outcome
    in_home = bool(ViewState(call.view, call.user_id).metadata().get("home"))
    if outcome.refused is not None and not in_home:
        tell_privately(call.client, outcome, call.user_id, outcome.detail)
    after_decision(call.client, call.services, decision)
    if in_home:
        refresh_home(
            call.client,
            call.services,
            call.user_id,
            help_entries=help_source(),
            notice=_home_notice(decision),
        )


def _edit_fields(state: ViewState) -> tuple[int, str]:
    try:
        return int(state.metadata()["draft_id"]), state.text("text")
    except (KeyError, TypeError, ValueError):
        raise FieldErrors.on("text", kit.DAMAGED_BUTTON) from None


def _submit_edit(call: ViewCall[tuple[int, str]]) -> Decision:
    draft_id, text = call.value
    services, actor = call.services, call.user_id
    try:
        return commit_decision(
            services,
            partial(
                drafts.edit,
                draft_id=draft_id,
                actor_id=actor,
                text=text,
                checks=services.check_policy,
            ),
            actor=actor,
            action="edit",
        )
    except drafts.DraftInvalid as invalid:
        raise FieldErrors.on("text", problems_text(invalid)) from invalid


# -- helpers --------------------------------------------------------------------------------------


def _policy(services: Services, client: WebClient) -> ApprovalPolicy:
    return approval_policy(services.settings, client, services.groups, now=services.clock())


def _decision_policy(services: Services, client: WebClient) -> ApprovalPolicy:
    """For a decide step, before the ack: the cached members, no Slack call (see approvers)."""
    return decision_policy(services.settings, client, services.groups, now=services.clock())


def _ephemeral(text: str) -> dict[str, Any]:
    return {"response_type": "ephemeral", "text": text}
