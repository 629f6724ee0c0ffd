"""The listener kit, driven as Slack drives it: signed clicks and submissions over HTTP.

Two kinds of test: a probe app with kit listeners whose handlers record what they got (to see
the typed input, and that nothing runs for a bad value), and the real bot's buttons (to see the
features answer damaged and stale controls through the kit).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from slack_bolt import App, BoltContext, BoltResponse
from sqlmodel import select

from bot.blocks.approvals import APPROVE_ACTION, WITHDRAW_ACTION, parse_card_value
from bot.blocks.replies import ADD_TO_FAQ_ACTION, ANOTHER_ACTION
from bot.commands import kit
from bot.commands.context import SERVICES_KEY
from bot.commands.kit import (
    DAMAGED_BUTTON,
    BadValue,
    ButtonCall,
    FieldErrors,
    StaleControl,
    ViewCall,
    ViewState,
)
from bot.runtime.web import create_wsgi_app
from bot.services import Services
from bot.slack.client import build_web_client
from bot.store.models import AuditEntry
from slack_emulator.emulator import SlackEmulator
from slack_emulator.local_server import LocalWSGIServer
from slack_emulator.signed_client import SignedSlackClient
from tests.commands.test_approvals import (
    APPROVALS,
    JONAS,
    buttons,
    draft_row,
    ephemeral_texts,
    latest_card,
    modal_text,
    shown_modal,
    submitted_draft,
    wait_until,
)
from tests.harness import SIGNING_SECRET, RunningBot

PROBE_ACTION, PROBE_VIEW = "probe_click", "probe_view"
GONE = "That card's draft is gone."


@dataclass
class Probe:
    """A bolt app with kit listeners only, and what their handlers were given."""

    slack: SignedSlackClient
    emulator: SlackEmulator
    clicks: list[ButtonCall[tuple[int, str]]] = field(default_factory=list)
    submissions: list[ViewCall[int]] = field(default_factory=list)


def _probe_click(probe: Probe) -> Callable[[ButtonCall[tuple[int, str]]], None]:
    def handler(call: ButtonCall[tuple[int, str]]) -> None:
        if call.value[0] == 404:
            raise StaleControl(GONE)
        probe.clicks.append(call)

    return handler


def _parse_count(state: ViewState) -> int:
    text = state.text("count").strip()
    if not text.isdigit():
        raise FieldErrors.on("count", "A whole number, please.")
    return int(text)


def _probe_submit(probe: Probe) -> Callable[[ViewCall[int]], None]:
    def handler(call: ViewCall[int]) -> None:
        if call.value > 10:  # a check that needs the store would sit here, before the ack
            raise FieldErrors.on("count", "At most 10.")
        probe.submissions.append(call)  # returns without ack(): the kit closes the modal

    return handler


@pytest.fixture
def probe(emulator: SlackEmulator, services: Services) -> Iterator[Probe]:
    app = App(
        client=build_web_client(token=emulator.bot_token, base_url=emulator.api_url),
        signing_secret=SIGNING_SECRET,
        token_verification_enabled=False,
    )

    def inject(context: BoltContext, next: Callable[[], BoltResponse | None]) -> Any:
        context[SERVICES_KEY] = services
        return next()

    app.use(inject)
    with LocalWSGIServer(create_wsgi_app(app, services)) as server:
        slack = SignedSlackClient(
            server.events_url, SIGNING_SECRET, response_url_factory=emulator.new_response_url
        )
        running = Probe(slack=slack, emulator=emulator)
        card_target = kit.required(parse_card_value)
        kit.button(app, PROBE_ACTION, parse=card_target, handler=_probe_click(running))
        kit.view(app, PROBE_VIEW, parse=_parse_count, handler=_probe_submit(running))
        yield running


def _ephemerals(emulator: SlackEmulator) -> list[dict[str, Any]]:
    return [c.args for c in emulator.calls_to("response_url")]


# -- the kit, on the probe app ----------------------------------------------------------------------


def test_a_valid_click_reaches_the_handler_with_typed_input(probe: Probe) -> None:
    response = probe.slack.click(PROBE_ACTION, "12:0123456789ab", user_id="U0CLICKER")
    assert response.status == 200
    wait_until(lambda: len(probe.clicks) == 1)
    [call] = probe.clicks
    assert call.value == (12, "0123456789ab")
    assert (call.action_id, call.user_id) == (PROBE_ACTION, "U0CLICKER")
    assert call.trigger_id
    assert _ephemerals(probe.emulator) == []


@pytest.mark.parametrize("value", ["", "12", "12:xyz", "<!channel>", "1:0123456789AB"])
def test_a_damaged_value_gets_a_short_ephemeral_and_no_handler_runs(
    probe: Probe, value: str
) -> None:
    assert probe.slack.click(PROBE_ACTION, value).status == 200
    [answer] = probe.emulator.wait_for("response_url")
    assert answer.args["text"] == DAMAGED_BUTTON
    assert answer.args["response_type"] == "ephemeral"
    assert answer.args["replace_original"] is False  # the card the person clicked stays
    time.sleep(0.1)
    assert probe.clicks == []


def test_a_stale_control_gets_the_handlers_words(probe: Probe) -> None:
    probe.slack.click(PROBE_ACTION, "404:0123456789ab")
    [answer] = probe.emulator.wait_for("response_url")
    assert answer.args["text"] == GONE
    assert answer.args["response_type"] == "ephemeral"
    assert probe.clicks == []


def test_a_modal_field_the_parser_refuses_is_answered_under_the_field(probe: Probe) -> None:
    values = {"count": {"value": {"type": "plain_text_input", "value": "many"}}}
    body = probe.slack.view_submission(PROBE_VIEW, values).json()
    assert body == {"response_action": "errors", "errors": {"count": "A whole number, please."}}
    assert probe.submissions == []


def test_the_handler_may_refuse_before_it_acks_and_is_acked_when_it_forgets(
    probe: Probe,
) -> None:
    def submit(count: str) -> Any:
        values = {"count": {"value": {"type": "plain_text_input", "value": count}}}
        return probe.slack.view_submission(PROBE_VIEW, values, user_id="U0TYPIST")

    assert submit("11").json()["errors"] == {"count": "At most 10."}
    closed = submit(" 7 ")
    assert (closed.status, closed.body) == (200, "")
    [call] = probe.submissions
    assert (call.value, call.user_id, call.acked) == (7, "U0TYPIST", True)


# -- pure pieces ------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["", "abc", "²", "1; DROP TABLE draft", "1234567890123", "-1"])
def test_parse_id_refuses_anything_but_a_short_ascii_number(value: str) -> None:
    with pytest.raises(BadValue):
        kit.parse_id(value)


def test_parse_id_and_required() -> None:
    assert kit.parse_id("42") == 42
    assert kit.required(parse_card_value)("7:0123456789ab") == (7, "0123456789ab")
    with pytest.raises(BadValue):
        kit.required(parse_card_value)("7:")


def test_view_state_reads_fields_and_metadata() -> None:
    view = {
        "private_metadata": json.dumps({"gap_id": 3}),
        "state": {
            "values": {
                "text": {"value": {"type": "plain_text_input", "value": "hi"}},
                "pick": {"value": {"selected_option": {"value": "sales"}}},
                "many": {"value": {"selected_options": [{"value": "x"}, {"value": "linkedin"}]}},
            }
        },
    }
    state = ViewState(view, "U0ME")
    assert (state.text("text"), state.text("missing")) == ("hi", "")
    assert (state.selected("pick"), state.selected("text")) == ("sales", None)
    assert state.selected_values("many") == ("x", "linkedin")
    assert state.metadata() == {"gap_id": 3}
    assert ViewState({"private_metadata": "not json"}, "U0ME").metadata() == {}
    assert ViewState({"private_metadata": "[1]"}, "U0ME").metadata() == {}


# -- the real bot's buttons on the kit --------------------------------------------------------------


def test_a_damaged_card_button_runs_no_workflow(approvals_bot: RunningBot) -> None:
    bot = approvals_bot
    submitted_draft(bot)
    card = latest_card(bot)
    for action_id in (APPROVE_ACTION, WITHDRAW_ACTION):
        bot.slack.click(action_id, "1:zz", user_id=JONAS, message=card, channel_id=APPROVALS)
    wait_until(lambda: ephemeral_texts(bot).count(DAMAGED_BUTTON) == 2)
    with bot.services.sessions() as session:
        actions = [e.action for e in session.exec(select(AuditEntry))]
    assert actions == ["create", "submit"]  # no decision, not even a denied one, was recorded
    assert draft_row(bot).state == "pending"
    assert bot.emulator.calls_to("chat.update") == []


def test_a_click_on_old_text_is_refused_and_the_card_redrawn(approvals_bot: RunningBot) -> None:
    bot = approvals_bot
    submitted_draft(bot)
    card = latest_card(bot)
    old = buttons(card)[APPROVE_ACTION].split(":")[0] + ":000000000000"
    bot.slack.click(APPROVE_ACTION, old, user_id=JONAS, message=card, channel_id=APPROVALS)
    bot.emulator.wait_for("chat.update")  # the stale card is redrawn with the current text
    assert len(ephemeral_texts(bot)) == 1
    assert draft_row(bot).state == "pending"


def test_a_stale_gap_or_suggestion_is_answered_and_opens_no_form(bot: RunningBot) -> None:
    bot.slack.click(ADD_TO_FAQ_ACTION, "999")
    # The modal opens before the gap is looked up (the trigger lives 3 s); the answer fills it.
    gone = shown_modal(bot)
    assert "That gap is gone" in modal_text(gone)
    assert gone["callback_id"] == ""
    bot.slack.click(ANOTHER_ACTION, "999")
    bot.slack.click(ADD_TO_FAQ_ACTION, "not-an-id")  # damaged: told under the message
    wait_until(lambda: len(ephemeral_texts(bot)) == 2)
    texts = " | ".join(ephemeral_texts(bot))
    assert "doesn't point to a suggestion" in texts
    assert "That gap is gone" in texts
    assert len(bot.emulator.calls_to("views.open")) == 1
