"""``socialops demo``: the whole bot, offline, against the local Slack emulator.

It starts the emulator and the bot on loopback with a temporary SQLite store, plays a short
scenario through real signed HTTP requests, and prints what the people in Slack would see.
Each capability adds its steps to ``SCENARIO``.
"""

from __future__ import annotations

import logging
import secrets
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from bot.blocks.approvals import APPROVE_ACTION
from bot.blocks.replies import EDIT_ACTION, EDIT_VIEW, SEND_ACTION
from bot.content import SAMPLE_FAQ_DIR, SAMPLE_RESPONSES_DIR
from bot.runtime.app import create_app
from bot.runtime.server import sync_faq_at_start
from bot.runtime.web import create_wsgi_app
from bot.services import Services
from bot.settings import load_settings
from bot.store.db import prepare_database
from slack_emulator import payloads
from slack_emulator.emulator import RecordedCall, SlackEmulator
from slack_emulator.local_server import LocalWSGIServer
from slack_emulator.signed_client import BotResponse, SignedSlackClient
from slack_emulator.transcript import render_message

# Calls whose content a person in Slack sees.
VISIBLE_METHODS = (
    "chat.postMessage",
    "chat.update",
    "chat.postEphemeral",
    "response_url",
    "views.publish",
    "views.open",
    "views.update",
)
APPROVALS_CHANNEL = "C0APPROVALS"
# How long a step waits for the bot's work after the ack.
STEP_TIMEOUT = 5.0


@dataclass
class DemoWorld:
    """What a scenario step can use: the emulated Slack, and a client that speaks as Slack."""

    emulator: SlackEmulator
    slack: SignedSlackClient
    names: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Step:
    """One thing a person does in Slack, and how many visible answers to wait for."""

    actor: str
    description: str
    act: Callable[[DemoWorld], BotResponse]
    expect_calls: int = 0


def _mention_event(world: DemoWorld) -> BotResponse:
    event = payloads.app_mention(text="<@UBOTSOCIAL> hello! what can you do?", user="U0AUTHOR")
    return world.slack.event(event, event_id="EvDEMO0001")


def _mention_redelivered(world: DemoWorld) -> BotResponse:
    # Slack redelivers when it thinks we were slow; the bot must not answer twice.
    event = payloads.app_mention(text="<@UBOTSOCIAL> hello! what can you do?", user="U0AUTHOR")
    return world.slack.event(event, event_id="EvDEMO0001", retry_num=1, retry_reason="http_timeout")


DEMO_POST = "Our autumn range is here! Shop it at https://example.com/autumn #autumn"


def _card(world: DemoWorld) -> dict[str, Any]:
    """The newest approval card in the approvals channel."""
    cards = [m for m in world.emulator.messages_in(APPROVALS_CHANNEL) if not m.get("thread_ts")]
    return cards[-1]


def _click_on_card(action_id: str, user: str) -> Callable[[DemoWorld], BotResponse]:
    def click(world: DemoWorld) -> BotResponse:
        card = _card(world)
        value = _button_value(card, action_id)
        return world.slack.click(
            action_id, value, user_id=user, message=card, channel_id=APPROVALS_CHANNEL
        )

    return click


CUSTOMER_POST = "@dana_outdoors ordered boots 10 days ago and my parcel still hasn't turned up 😡"
UNANSWERABLE = "do you sponsor ultramarathon runners?"


def _customer_post_and_mention(world: DemoWorld) -> BotResponse:
    # A customer's post, pasted into the team channel; maria asks for a draft in its thread.
    post_ts = world.emulator.add_message("C0SOCIAL", text=CUSTOMER_POST, user="U0CUSTOMER")
    text = "<@UBOTSOCIAL> can you draft a reply?"
    ts = world.emulator.add_message("C0SOCIAL", text=text, user="U0AUTHOR", thread_ts=post_ts)
    event = payloads.app_mention(text=text, user="U0AUTHOR", ts=ts, thread_ts=post_ts)
    return world.slack.event(event, event_id="EvDEMO0002")


def _click_on_suggestion(action_id: str, user: str) -> Callable[[DemoWorld], BotResponse]:
    def click(world: DemoWorld) -> BotResponse:
        message = [m for m in world.emulator.messages_in("C0SOCIAL") if m.get("bot_id")][-1]
        value = _button_value(message, action_id)
        return world.slack.click(
            action_id, value, user_id=user, message=message, channel_id="C0SOCIAL"
        )

    return click


# The sentence maria cuts so the reply fits X's 280 characters with the team's sign-off.
LONG_CLAUSE = "shows no movement for 3 working days, or it says delivered but you can't find it,"
SHORT_CLAUSE = "hasn't moved for 3 working days,"


def _save_shorter_edit(world: DemoWorld) -> BotResponse:
    """Submit the edit form the bot opened, with the reply shortened."""
    form = world.emulator.calls_to("views.update")[-1].args["view"]
    field = next(b for b in form["blocks"] if b["block_id"] == "text")
    text = str(field["element"]["initial_value"]).replace(LONG_CLAUSE, SHORT_CLAUSE)
    values: dict[str, dict[str, dict[str, Any]]] = {
        "text": {"value": {"type": "plain_text_input", "value": text}},
        "network": {"value": {"type": "static_select", "selected_option": {"value": "x"}}},
    }
    return world.slack.view_submission(
        EDIT_VIEW, values, user_id="U0AUTHOR", private_metadata=form["private_metadata"]
    )


def _button_value(message: dict[str, Any], action_id: str) -> str:
    return str(
        next(
            element["value"]
            for block in message["blocks"]
            if block.get("type") == "actions"
            for element in block["elements"]
            if element.get("action_id") == action_id
        )
    )


SCENARIO: list[Step] = [
    Step("maria", "/social help", lambda w: w.slack.slash_command("help", user_id="U0AUTHOR")),
    Step(
        "maria",
        "/social frobnicate",
        lambda w: w.slack.slash_command("frobnicate", user_id="U0AUTHOR"),
    ),
    Step("maria", "@socialops hello! what can you do?", _mention_event, expect_calls=1),
    Step("(Slack)", "redelivers that mention (X-Slack-Retry-Num: 1)", _mention_redelivered),
    Step(
        "maria",
        f"/social draft {DEMO_POST}",
        lambda w: w.slack.slash_command(f"draft {DEMO_POST}", user_id="U0AUTHOR"),
        expect_calls=1,
    ),
    Step(
        "maria",
        "clicks Approve on her own draft",
        _click_on_card(APPROVE_ACTION, "U0AUTHOR"),
        expect_calls=1,
    ),
    Step(
        "jonas",
        "clicks Approve",
        _click_on_card(APPROVE_ACTION, "U0APPROVER"),
        expect_calls=2,
    ),
    Step(
        "maria",
        "@socialops can you draft a reply? (in the thread of a customer's post)",
        _customer_post_and_mention,
        expect_calls=2,
    ),
    Step(
        "maria",
        "clicks Edit (the reply does not fit X)",
        _click_on_suggestion(EDIT_ACTION, "U0AUTHOR"),
        expect_calls=2,
    ),
    Step("maria", "shortens the reply and clicks Save", _save_shorter_edit, expect_calls=1),
    Step(
        "maria",
        "clicks Send for approval",
        _click_on_suggestion(SEND_ACTION, "U0AUTHOR"),
        expect_calls=2,
    ),
    Step(
        "maria",
        f"/social reply {UNANSWERABLE}",
        lambda w: w.slack.slash_command(f"reply {UNANSWERABLE}", user_id="U0AUTHOR"),
        expect_calls=2,
    ),
    Step(
        "maria", "/social faq gaps", lambda w: w.slack.slash_command("faq gaps", user_id="U0AUTHOR")
    ),
]


def run_demo(*, out: TextIO) -> int:
    """Play ``SCENARIO`` and print the transcript; 0 when everything Slack saw was valid."""
    started = time.monotonic()
    logging.basicConfig(level=logging.WARNING)
    with (
        tempfile.TemporaryDirectory(prefix="socialops-demo-") as workdir,
        SlackEmulator() as emulator,
    ):
        signing_secret = secrets.token_hex(16)
        settings = load_settings(
            _env_file=None,
            slack_bot_token=emulator.bot_token,
            slack_signing_secret=signing_secret,
            slack_api_url=emulator.api_url,
            database_url=f"sqlite:///{Path(workdir) / 'demo.db'}",
            approvals_channel=APPROVALS_CHANNEL,
            approvers=["U0APPROVER"],
            admins=["U0ADMIN"],
            brand_domains=["example.com"],
            faq_dir=str(SAMPLE_FAQ_DIR),
            responses_dir=str(SAMPLE_RESPONSES_DIR),
            brand_name="Northwind Outfitters",
            # A real team's sign-off: with it the complaint reply is over X's 280 characters,
            # which the suggestion says before anyone clicks, and maria edits it.
            sign_off="- Maria from the Northwind Outfitters customer care team",
        )
        services = Services.build(settings)
        prepare_database(services.engine)
        sync_faq_at_start(services)
        app = create_app(settings, services)
        with LocalWSGIServer(create_wsgi_app(app, services)) as server:
            slack = SignedSlackClient(
                server.events_url, signing_secret, response_url_factory=emulator.new_response_url
            )
            world = DemoWorld(
                emulator=emulator,
                slack=slack,
                # The emulator's seeded people and channels, named as Slack shows them.
                names={
                    "UBOTSOCIAL": "socialops",
                    "U0AUTHOR": "maria",
                    "U0APPROVER": "jonas",
                    "U0CUSTOMER": "dana (customer post)",
                    "C0SOCIAL": "social-team",
                    APPROVALS_CHANNEL: "social-approvals",
                },
            )
            out.write(
                f"socialops demo: bot at {server.url}, Slack emulator at {emulator.base_url}\n"
            )
            ok = all(_play(step, world, out) for step in SCENARIO)
        services.close()
        violations = list(emulator.violations)
    for violation in violations:
        out.write(f"! Slack would have refused: {violation}\n")
    elapsed = time.monotonic() - started
    verdict = "ok" if ok and not violations else "FAILED"
    out.write(f"\ndemo {verdict}: {len(SCENARIO)} steps in {elapsed:.1f} s\n")
    return 0 if verdict == "ok" else 1


def _play(step: Step, world: DemoWorld, out: TextIO) -> bool:
    before = len(world.emulator.calls)
    out.write(f"\n▶ {step.actor}: {step.description}\n")
    response = step.act(world)
    if response.status != 200:
        out.write(f"  ✗ the bot answered HTTP {response.status}\n")
        return False
    ack_body = response.json() if response.body.startswith("{") else None
    if isinstance(ack_body, dict) and ("text" in ack_body or "blocks" in ack_body):
        _print_message(out, "only visible to you", ack_body, world.names)
    if step.expect_calls:
        _wait_for_visible(world, before, step.expect_calls)
    visible = [c for c in world.emulator.calls[before:] if c.method in VISIBLE_METHODS]
    for call in visible:
        _print_message(out, _where(call, world.names), _message_payload(call), world.names)
    if not step.expect_calls and not visible and ack_body is None:
        out.write("  (nothing visible: the bot acknowledged and did nothing more)\n")
    return len(visible) >= step.expect_calls


def _wait_for_visible(world: DemoWorld, before: int, count: int) -> None:
    deadline = time.monotonic() + STEP_TIMEOUT
    while time.monotonic() < deadline:
        seen = [c for c in world.emulator.calls[before:] if c.method in VISIBLE_METHODS]
        if len(seen) >= count:
            return
        time.sleep(0.02)


def _where(call: RecordedCall, names: dict[str, str]) -> str:
    args = call.args
    if call.method == "chat.postEphemeral" or (
        call.method == "response_url" and args.get("response_type", "ephemeral") == "ephemeral"
    ):
        return "only visible to you"
    if call.method.startswith("views."):
        return "App Home" if call.method == "views.publish" else "modal"
    channel = str(args.get("channel", "?"))
    place = f"#{names.get(channel, channel)}"
    if call.method == "chat.update":
        return f"{place}, message updated"
    return f"{place}, in thread" if args.get("thread_ts") else place


def _message_payload(call: RecordedCall) -> dict[str, Any]:
    if call.method.startswith("views."):
        view = call.args.get("view")
        return view if isinstance(view, dict) else {}
    return call.args


def _print_message(out: TextIO, where: str, payload: dict[str, Any], names: dict[str, str]) -> None:
    out.write(f"  socialops ({where}):\n")
    for line in render_message(payload, names):
        out.write(f"    {line}\n")
