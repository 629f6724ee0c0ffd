"""Handoffs in Slack: the packet's buttons (Claim, Reassign, Resolve, Bounce back), their modals,
and the `/social handoff` entry (its handler is bot/commands/handoff_start.py's).

Listeners stay thin: a move is committed with its notices before the ack
(bot/slack/handoff_moves.py); once acked, the packet is redrawn and the notices delivered. The
buttons are the same wherever a handoff is shown (the packet, a list, the App Home): those
surfaces refresh themselves through the ``Surfaces`` seam passed to :func:`register`.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from slack_bolt import App

from bot.blocks.handoff_buttons import (
    BOUNCE_ACTION,
    CLAIM_ACTION,
    REASSIGN_ACTION,
    RESOLVE_ACTION,
)
from bot.blocks.handoff_modals import (
    BOUNCE_VIEW,
    NOTE_BLOCK,
    REASON_BLOCK,
    RESOLVE_VIEW,
    build_bounce_modal,
    build_resolve_modal,
)
from bot.blocks.modals import build_notice_modal
from bot.commands import kit
from bot.commands.handoff_start import handoff_command
from bot.commands.kit import BadValue, ButtonCall, FieldErrors, ViewCall, ViewState
from bot.commands.modals import ModalCall, modal_button
from bot.commands.router import SubcommandRouter
from bot.slack.handoff_moves import Move, Origin, Surfaces, after_move, commit_move
from bot.store.db import session_scope
from bot.workflows.handoffs import decide
from bot.workflows.handoffs.decide import Act

BLOCK_PREFIX = "handoff:"
RESOLVE_TITLE = "Resolve handoff"
BOUNCE_TITLE = "Bounce back"
NO_REASON = "Say why it goes back: the social team needs a reason."

# A reassignment: the handoff (from the select's block id) and the chosen person.
Reassignment = tuple[int, str]
# A modal's submission: the handoff, the note or reason, where the click came from.
Submission = tuple[int, str, Origin]


def register(app: App, router: SubcommandRouter, *, surfaces: Surfaces | None = None) -> None:
    surfaces = surfaces or Surfaces()
    # Starting one (routed or to a named team) lives with the other starters.
    router.add("handoff", handoff_command)

    def after_click(call: ButtonCall[Any], move: Move) -> None:
        if not move.outcome.ok:
            _refused(call, move.outcome.reason)
        origin = Origin.of_click(call.body)
        after_move(call.client, call.services, move, origin, surfaces)

    def after_submit(call: ViewCall[Submission], move: Move) -> None:
        if not move.outcome.ok:
            # Refused between the modal opening and the submit (claimed by someone else,
            # closed): the modal is closed, so the person reads why in a DM from the app.
            call.client.chat_postMessage(channel=call.user_id, text=move.outcome.reason)
        after_move(call.client, call.services, move, call.value[2], surfaces)

    kit.deciding_button(
        app, CLAIM_ACTION, parse=kit.parse_id, decide=_decide_claim, after=after_click
    )
    kit.deciding_button(
        app,
        REASSIGN_ACTION,
        parse=_parse_reassignment,
        decide=_decide_reassign,
        after=after_click,
        read=_read_select,
    )
    modal_button(app, RESOLVE_ACTION, parse=kit.parse_id, title=RESOLVE_TITLE, fill=_resolve_modal)
    modal_button(app, BOUNCE_ACTION, parse=kit.parse_id, title=BOUNCE_TITLE, fill=_bounce_modal)
    kit.deciding_view(
        app, RESOLVE_VIEW, parse=_resolve_fields, decide=_submit_resolve, after=after_submit
    )
    kit.deciding_view(
        app, BOUNCE_VIEW, parse=_bounce_fields, decide=_submit_bounce, after=after_submit
    )


# -- `/social handoff` ---------------------------------------------------------------------------


# -- Claim and Reassign: decided before the ack ----------------------------------------------------


def _refused(call: ButtonCall[Any], reason: str) -> None:
    """Why nothing happened: beside the message clicked, or by DM from a view (the App Home has
    no response_url to answer through)."""
    if call.respond.response_url:
        call.tell(reason)
    else:
        call.client.chat_postMessage(channel=call.user_id, text=reason)


def _decide_claim(call: ButtonCall[int]) -> Move:
    work = partial(decide.claim, handoff_id=call.value, actor_id=call.user_id)
    return commit_move(call.services, work, act=Act.CLAIM, actor=call.user_id)


def _read_select(action: dict[str, Any]) -> str:
    """A users_select names its handoff in its block id and the person in ``selected_user``."""
    return f"{action.get('block_id') or ''} {action.get('selected_user') or ''}"


def _parse_reassignment(raw: str) -> Reassignment:
    block_id, _, user = raw.partition(" ")
    if not block_id.startswith(BLOCK_PREFIX) or not user.isalnum():
        raise BadValue(raw)
    # "handoff:<id>", or "handoff:<id>:list:…" in a `/social handoffs` list (which list it is).
    return kit.parse_id(block_id.removeprefix(BLOCK_PREFIX).split(":", 1)[0]), user


def _decide_reassign(call: ButtonCall[Reassignment]) -> Move:
    handoff_id, new_owner = call.value
    work = partial(
        decide.reassign, handoff_id=handoff_id, actor_id=call.user_id, new_owner=new_owner
    )
    return commit_move(call.services, work, act=Act.REASSIGN, actor=call.user_id)


# -- Resolve and Bounce back: a modal first, decided on submit ------------------------------------


def _fill(call: ModalCall[int], act: Act, title: str) -> dict[str, Any]:
    """The form, or why this person may not (the refusal names the owner: it is mrkdwn built
    from ids and times, so it is shown as it is, mentions rendered)."""
    with session_scope(call.services.sessions) as session:
        outcome = decide.check_action(
            session=session, handoff_id=call.value, actor_id=call.user_id, act=act
        )
    handoff = outcome.handoff
    if not outcome.ok or handoff is None:
        return build_notice_modal(title, outcome.reason)
    origin = Origin.of_click(call.body).as_metadata()
    if act is Act.RESOLVE:
        return build_resolve_modal(handoff, origin)
    return build_bounce_modal(handoff, origin)


def _resolve_modal(call: ModalCall[int]) -> dict[str, Any]:
    return _fill(call, Act.RESOLVE, RESOLVE_TITLE)


def _bounce_modal(call: ModalCall[int]) -> dict[str, Any]:
    return _fill(call, Act.BOUNCE, BOUNCE_TITLE)


def _submission(state: ViewState, block_id: str) -> Submission:
    meta = state.metadata()
    try:
        handoff_id = kit.parse_id(str(meta.get("handoff_id", "")))
    except BadValue:
        raise FieldErrors.on(block_id, "This form is damaged; close it and click again.") from None
    return (
        handoff_id,
        state.text(block_id).strip(),
        Origin.of_metadata(meta.get("origin"), state.user_id),
    )


def _resolve_fields(state: ViewState) -> Submission:
    return _submission(state, NOTE_BLOCK)


def _bounce_fields(state: ViewState) -> Submission:
    submission = _submission(state, REASON_BLOCK)
    if not submission[1]:
        raise FieldErrors.on(REASON_BLOCK, NO_REASON)
    return submission


def _submit(call: ViewCall[Submission], act: Act) -> Move:
    handoff_id, text, _ = call.value
    if act is Act.RESOLVE:
        work = partial(decide.resolve, handoff_id=handoff_id, actor_id=call.user_id, note=text)
    else:
        work = partial(decide.bounce, handoff_id=handoff_id, actor_id=call.user_id, reason=text)
    return commit_move(call.services, work, act=act, actor=call.user_id)


def _submit_resolve(call: ViewCall[Submission]) -> Move:
    return _submit(call, Act.RESOLVE)


def _submit_bounce(call: ViewCall[Submission]) -> Move:
    return _submit(call, Act.BOUNCE)
