"""Buttons and modals, registered the way `/social` subcommands are: one handler, typed input.

A click or a submission goes through the same steps every time, so they live here once:

- **Buttons** (``button``): ack at once, read the clicked control's ``value``, ``parse`` it, and
  run the handler with a :class:`ButtonCall` holding the parsed value. A value ``parse`` refuses
  (:class:`BadValue`: damaged, forged, or from a card an older version drew) and a handler that
  finds its target gone (:class:`StaleControl`) both get a short ephemeral answer and nothing
  else happens. Parsing is pure and the handler runs after the ack, so nothing slow comes first.
- **Decisions** (``deciding_button``, ``deciding_view``): a click or a submission that decides
  something (approve, reject, …) commits it in ``decide`` *before* the ack, and does its Slack
  work (redraw the card, send the notices) in ``after``, once acked. Slack sends a click once and
  never again: a 200 must mean the decision is stored, or a crash just after the ack loses it
  while the approver sees nothing wrong. ``decide`` is one short transaction (milliseconds); if
  it fails, no ack goes out and Slack shows the person that the click did not work.
- **Modals** (``view``): ``parse`` reads the submitted :class:`ViewState`; a :class:`FieldErrors`
  from it, or from the handler before it acks, becomes ``response_action: errors`` so the person
  sees the problem under the field and keeps what they typed. A handler that returns without
  acking is acked for it, which closes the modal: Slack must always get an answer.

Handlers are plain functions of one typed argument, like ``SubcommandHandler``; mypy checks that
what ``parse`` returns is what the handler takes.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.commands.context import services_of
from bot.commands.respond import tell
from bot.services import Services

log = logging.getLogger(__name__)

T = TypeVar("T")

DAMAGED_BUTTON = "That button is damaged or from an old card; nothing happened."


class BadValue(ValueError):
    """A control's value this version cannot read; the person is told, nothing runs."""


class StaleControl(Exception):
    """The control points at something that is gone; ``str(error)`` is what the person reads."""


class FieldErrors(Exception):
    """A modal's fields that need another look: block id → message shown under that field."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        super().__init__("; ".join(f"{block}: {text}" for block, text in errors.items()))
        self.errors = dict(errors)

    @classmethod
    def on(cls, block_id: str, message: str) -> FieldErrors:
        return cls({block_id: message})


# -- parsing a button's value ---------------------------------------------------------------------


def parse_id(value: str) -> int:
    """A database id: ASCII digits only (``"²".isdigit()`` is true), at most 12 of them."""
    if value.isascii() and value.isdigit() and len(value) <= 12:
        return int(value)
    raise BadValue(value)


def any_value(value: str) -> str:
    """For a button whose value carries nothing (the handler reads the message's state)."""
    return value


def required(parse: Callable[[str], T | None]) -> Callable[[str], T]:
    """A parser that answers None for a bad value, made into one that raises BadValue."""

    def parse_or_raise(value: str) -> T:
        parsed = parse(value)
        if parsed is None:
            raise BadValue(value)
        return parsed

    return parse_or_raise


# -- buttons --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ButtonCall(Generic[T]):
    """One click, with its value parsed and what a handler needs to answer it. Acked already,
    except in a ``deciding_button``'s ``decide`` step."""

    value: T
    action_id: str
    user_id: str
    trigger_id: str
    body: dict[str, Any]
    client: WebClient
    respond: Respond
    services: Services

    def tell(self, text: str) -> None:
        """An ephemeral note under the clicked message, which stays as it is."""
        tell(self.respond, text)

    @property
    def state_values(self) -> dict[str, Any]:
        """The message's input state (ticked checkboxes and the like), by block id."""
        return dict((self.body.get("state") or {}).get("values") or {})


ButtonHandler = Callable[[ButtonCall[T]], None]
# What a decision's commit hands on to the Slack work after the ack (an Outcome, say).
D = TypeVar("D")
ButtonDecide = Callable[[ButtonCall[T]], D]
ButtonAfter = Callable[[ButtonCall[T], D], None]


def button(
    app: App,
    action_id: str | re.Pattern[str],
    *,
    parse: Callable[[str], T],
    handler: ButtonHandler[T],
    damaged: str = DAMAGED_BUTTON,
) -> None:
    """Register ``handler`` for clicks on ``action_id``; ``damaged`` answers a BadValue."""

    def nothing(call: ButtonCall[T]) -> None:
        return None

    def after(call: ButtonCall[T], _: None) -> None:
        handler(call)

    deciding_button(app, action_id, parse=parse, decide=nothing, after=after, damaged=damaged)


def button_value(action: dict[str, Any]) -> str:
    """What a button carries: its ``value``."""
    return str(action.get("value") or "")


def deciding_button(
    app: App,
    action_id: str | re.Pattern[str],
    *,
    parse: Callable[[str], T],
    decide: ButtonDecide[T, D],
    after: ButtonAfter[T, D],
    damaged: str = DAMAGED_BUTTON,
    read: Callable[[dict[str, Any]], str] = button_value,
) -> None:
    """Register a click that decides: ``decide`` commits before the ack (fast, no Slack calls
    but a cached lookup), ``after`` does the Slack work once acked, with what ``decide`` returned.

    ``read`` takes the raw text ``parse`` reads from the action: a button's value by default; a
    select has none, and says what it is about in its block id and what was chosen elsewhere.
    """

    # Bolt fills a listener's parameters by name, so these names are Slack's, not ours.
    def listener(
        ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext
    ) -> None:
        action = (body.get("actions") or [{}])[0]
        raw = read(action)
        try:
            value = parse(raw)
        except BadValue:
            ack()
            log.info("action %s: unreadable value %r", action.get("action_id"), raw[:40])
            tell(respond, damaged)
            return
        call = ButtonCall(
            value=value,
            action_id=str(action.get("action_id") or ""),
            user_id=str(body["user"]["id"]),
            trigger_id=str(body.get("trigger_id") or ""),
            body=body,
            client=client,
            respond=respond,
            services=services_of(context),
        )
        try:
            decided = decide(call)
        except StaleControl as stale:
            ack()
            tell(respond, str(stale))
            return
        # Only now does Slack get its 200: whatever ``decide`` committed is already stored.
        ack()
        try:
            after(call, decided)
        except StaleControl as stale:
            tell(respond, str(stale))

    app.action(action_id)(listener)


def ack_only(app: App, action_id: str) -> None:
    """A control whose state Slack keeps for a later button (a checkbox): acked, nothing more."""

    def listener(ack: Ack) -> None:
        ack()

    app.action(action_id)(listener)


# -- modals ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ViewState:
    """A submitted modal's fields, and who submitted it. Every field's element has action_id
    ``value`` (``bot.blocks.kit.input_block``), so a field is found by its block id alone."""

    view: dict[str, Any]
    user_id: str

    def element(self, block_id: str) -> dict[str, Any]:
        values = (self.view.get("state") or {}).get("values") or {}
        found = (values.get(block_id) or {}).get("value")
        return found if isinstance(found, dict) else {}

    def text(self, block_id: str) -> str:
        """A text field's value; an empty or missing field is ``""``."""
        return str(self.element(block_id).get("value") or "")

    def selected(self, block_id: str) -> str | None:
        """A single select's chosen value, or None."""
        chosen = self.element(block_id).get("selected_option")
        return str(chosen["value"]) if isinstance(chosen, dict) and chosen.get("value") else None

    def selected_values(self, block_id: str) -> tuple[str, ...]:
        """A multi select's or checkboxes' chosen values, in Slack's order."""
        chosen = self.element(block_id).get("selected_options") or []
        return tuple(str(option.get("value")) for option in chosen)

    def metadata(self) -> dict[str, Any]:
        """``private_metadata`` as the JSON object the bot wrote; ``{}`` if it is anything else."""
        try:
            meta = json.loads(self.view.get("private_metadata") or "{}")
        except json.JSONDecodeError:
            return {}
        return meta if isinstance(meta, dict) else {}


@dataclass(frozen=True)
class ViewCall(Generic[T]):
    """One modal submission with its fields parsed. ``ack()`` closes the modal; until then the
    handler may still raise FieldErrors, which keeps it open with the messages."""

    value: T
    user_id: str
    view: dict[str, Any]
    client: WebClient
    services: Services
    _acked: list[bool] = field(default_factory=list, repr=False)
    _ack: Ack | None = field(default=None, repr=False)

    def ack(self) -> None:
        if not self._acked and self._ack is not None:
            self._acked.append(True)
            self._ack()

    @property
    def acked(self) -> bool:
        return bool(self._acked)


ViewHandler = Callable[[ViewCall[T]], None]
ViewDecide = Callable[[ViewCall[T]], D]
ViewAfter = Callable[[ViewCall[T], D], None]


def view(
    app: App,
    callback_id: str,
    *,
    parse: Callable[[ViewState], T],
    handler: ViewHandler[T],
) -> None:
    """Register ``handler`` for submissions of the modal ``callback_id``."""

    def after(call: ViewCall[T], _: None) -> None:
        return None

    deciding_view(app, callback_id, parse=parse, decide=handler, after=after)


def deciding_view(
    app: App,
    callback_id: str,
    *,
    parse: Callable[[ViewState], T],
    decide: ViewDecide[T, D],
    after: ViewAfter[T, D],
) -> None:
    """Register a submission that decides: ``decide`` commits before the ack (it may still raise
    FieldErrors, which keeps the modal open), then the modal closes and ``after`` runs."""

    def listener(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        submitted, user_id = body["view"], str(body["user"]["id"])
        try:
            value = parse(ViewState(submitted, user_id))
        except FieldErrors as invalid:
            ack(response_action="errors", errors=invalid.errors)
            return
        call = ViewCall(
            value=value,
            user_id=user_id,
            view=submitted,
            client=client,
            services=services_of(context),
            _ack=ack,
        )
        try:
            decided = decide(call)
        except FieldErrors as invalid:
            if call.acked:
                raise  # a bug: the modal is closed, so the errors would show nowhere
            ack(response_action="errors", errors=invalid.errors)
            return
        call.ack()
        after(call, decided)

    app.view(callback_id)(listener)
