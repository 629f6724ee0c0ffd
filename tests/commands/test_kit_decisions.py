"""The kit's deciding buttons and modals: the decision is made before Slack gets its 200."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from slack_bolt import App, BoltContext, BoltResponse

from bot.commands import kit
from bot.commands.context import SERVICES_KEY
from bot.commands.kit import ButtonCall, FieldErrors, ViewCall, ViewState
from bot.runtime.web import create_wsgi_app
from bot.services import Services
from bot.slack.client import build_web_client
from slack_emulator.emulator import SlackEmulator
from slack_emulator.local_server import LocalWSGIServer
from slack_emulator.signed_client import BotResponse, SignedSlackClient
from tests.commands.test_approvals import wait_until
from tests.harness import SIGNING_SECRET

DECIDE_ACTION, DECIDE_VIEW = "probe_decide", "probe_decide_view"
BROKEN = 666  # a value whose decide step fails (the store is down, say)


@dataclass
class Deciding:
    slack: SignedSlackClient
    decided: list[int] = field(default_factory=list)
    after: list[tuple[int, str]] = field(default_factory=list)
    release_after: threading.Event = field(default_factory=threading.Event)


def _decide(probe: Deciding) -> Callable[[Any], str]:
    def decide(call: ButtonCall[int] | ViewCall[int]) -> str:
        if call.value == BROKEN:
            raise RuntimeError("the store did not answer")
        if call.value > 10:
            raise FieldErrors.on("count", "At most 10.")
        probe.decided.append(call.value)
        return f"decision {call.value}"

    return decide


def _after(probe: Deciding) -> Callable[[Any, str], None]:
    def after(call: ButtonCall[int] | ViewCall[int], decided: str) -> None:
        # Held until the test has its 200: the ack must not wait for this step.
        assert probe.release_after.wait(10)
        probe.after.append((call.value, decided))

    return after


def _count(state: ViewState) -> int:
    return int(state.text("count") or "0")


@pytest.fixture
def deciding(emulator: SlackEmulator, services: Services) -> Iterator[Deciding]:
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
        probe = Deciding(slack=slack)
        kit.deciding_button(
            app, DECIDE_ACTION, parse=kit.parse_id, decide=_decide(probe), after=_after(probe)
        )
        kit.deciding_view(
            app, DECIDE_VIEW, parse=_count, decide=_decide(probe), after=_after(probe)
        )
        yield probe
        probe.release_after.set()


def _submit(probe: Deciding, count: str) -> BotResponse:
    values = {"count": {"value": {"type": "plain_text_input", "value": count}}}
    return probe.slack.view_submission(DECIDE_VIEW, values)


def test_a_click_is_decided_before_its_200_and_finished_after(deciding: Deciding) -> None:
    assert deciding.slack.click(DECIDE_ACTION, "7").status == 200
    assert deciding.decided == [7]  # already: the ack waited for the decision
    assert deciding.after == []  # the Slack work is after the ack
    deciding.release_after.set()
    wait_until(lambda: deciding.after == [(7, "decision 7")])


def test_a_submission_is_decided_before_the_modal_closes(deciding: Deciding) -> None:
    response = _submit(deciding, "3")
    assert response.status == 200
    assert deciding.decided == [3]
    assert deciding.after == []
    deciding.release_after.set()
    wait_until(lambda: deciding.after == [(3, "decision 3")])


def test_a_decide_step_that_fails_gets_no_200(deciding: Deciding) -> None:
    # Slack then shows the person the click did not work, rather than a 200 for nothing.
    assert deciding.slack.click(DECIDE_ACTION, str(BROKEN)).status == 500
    assert _submit(deciding, str(BROKEN)).status == 500
    deciding.release_after.set()
    assert deciding.decided == []
    assert deciding.after == []


def test_a_decide_step_may_still_keep_the_modal_open(deciding: Deciding) -> None:
    answer = _submit(deciding, "11")
    assert answer.json() == {"response_action": "errors", "errors": {"count": "At most 10."}}
    assert deciding.after == []
