"""``socialops demo``: the whole bot, offline, against the local Slack emulator.

It starts the emulator and the bot on loopback with a temporary SQLite store, plays a short
scenario through real signed HTTP requests, and prints what the people in Slack would see.
Each capability adds its steps to ``SCENARIO``.
"""

from __future__ import annotations

import json
import logging
import secrets
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TextIO

from slack_sdk import WebClient

from bot.blocks.approvals import APPROVE_ACTION
from bot.blocks.digests import DIGEST_APPROVE_ACTION
from bot.blocks.handoff_buttons import CLAIM_ACTION, RESOLVE_ACTION
from bot.blocks.handoff_modals import NOTE_BLOCK as RESOLVE_NOTE_BLOCK
from bot.blocks.handoff_start import NOTE_BLOCK, PRIORITY_BLOCK, START_VIEW, TEAM_BLOCK
from bot.blocks.replies import (
    EDIT_ACTION,
    EDIT_VIEW,
    HAND_OFF_ACTION,
    SEND_ACTION,
    USE_CANDIDATE_ACTION,
)
from bot.blocks.spike_alerts import START_FROM_SPIKE_ACTION
from bot.content import SAMPLE_FAQ_DIR, SAMPLE_RESPONSES_DIR
from bot.core.clock import system_clock
from bot.runtime.app import create_app
from bot.runtime.server import sync_faq_at_start
from bot.runtime.tracked_executor import TrackedExecutor
from bot.runtime.web import create_wsgi_app
from bot.services import Services
from bot.settings import load_settings
from bot.slack.client import build_web_client
from bot.slack.handoff_timers import fire_handoff_timers
from bot.slack.spike_checks import check_spikes
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
# The emulator's seeded handoff teams (slack_emulator/emulator_state.py).
SUPPORT_CHANNEL, SALES_CHANNEL, ESCALATION_CHANNEL = "C0SUPPORT", "C0SALES", "C0ESCALATE"
LEE = "U0SALES"
# How long a step waits for the bot's work after the ack.
STEP_TIMEOUT = 5.0
# Only a guard against a hung listener: a step that finishes returns at once.
IDLE_TIMEOUT = 60.0


class DemoClock:
    """The bot's clock in the demo: real time plus however far the scenario has moved it, so the
    SLA steps show an hour passing without waiting for one."""

    def __init__(self) -> None:
        self.offset = timedelta()

    def __call__(self) -> datetime:
        return system_clock() + self.offset

    def advance(self, by: timedelta) -> None:
        self.offset += by


@dataclass
class DemoWorld:
    """What a scenario step can use: the emulated Slack, a client that speaks as Slack, and the
    bot's own side (its services, Web API client and clock) for the steps the clock process runs."""

    emulator: SlackEmulator
    slack: SignedSlackClient
    services: Services
    client: WebClient
    clock: DemoClock
    # Bolt's listener pool: a step is over when it is idle (see ``_play``).
    listeners: TrackedExecutor
    names: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Step:
    """One thing a person does in Slack, and how many visible answers to wait for."""

    actor: str
    description: str
    act: Callable[[DemoWorld], BotResponse]
    expect_calls: int = 0
    # Said when the step makes nothing visible.
    quiet: str = "the bot acknowledged and did nothing more"


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
    # A message with replies carries its own ts as thread_ts (as in Slack): still top level.
    cards = [
        m
        for m in world.emulator.messages_in(APPROVALS_CHANNEL)
        if m.get("thread_ts") in (None, m["ts"]) and _has_button(m, APPROVE_ACTION)
    ]
    return cards[-1]


def _has_button(message: dict[str, Any], action_id: str) -> bool:
    return action_id in json.dumps(message.get("blocks") or [])


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


def _post_and_mention(world: DemoWorld, post: str, author: str, event_id: str) -> BotResponse:
    """A customer's post in the team channel, and maria asking for a draft in its thread."""
    post_ts = world.emulator.add_message("C0SOCIAL", text=post, user=author)
    text = "<@UBOTSOCIAL> can you draft a reply?"
    ts = world.emulator.add_message("C0SOCIAL", text=text, user="U0AUTHOR", thread_ts=post_ts)
    event = payloads.app_mention(text=text, user="U0AUTHOR", ts=ts, thread_ts=post_ts)
    return world.slack.event(event, event_id=event_id)


def _customer_post_and_mention(world: DemoWorld) -> BotResponse:
    # A customer's post, pasted into the team channel; maria asks for a draft in its thread.
    return _post_and_mention(world, CUSTOMER_POST, "U0CUSTOMER", "EvDEMO0002")


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


def _click_on_digest(action_id: str, user: str) -> Callable[[DemoWorld], BotResponse]:
    """A click on a button of the newest digest shown (``/social digest now``'s answer)."""

    def click(world: DemoWorld) -> BotResponse:
        shown = [
            c.args
            for c in world.emulator.calls_to("response_url")
            if action_id in json.dumps(c.args.get("blocks") or [])
        ]
        digest = shown[-1]
        value = next(
            element["value"]
            for block in digest["blocks"]
            for element in [block.get("accessory") or {}, *block.get("elements", [])]
            if element.get("action_id") == action_id
        )
        return world.slack.click(
            action_id, str(value), user_id=user, message=digest, channel_id="C0SOCIAL"
        )

    return click


# -- handoffs -------------------------------------------------------------------------------------

LEAD_POST = (
    "@oakridge_fc hi! we'd like 40 custom jerseys with our club logo — do you do bulk pricing?"
)
SUPPORT_CASE = "Ana can't log in after the password reset, card charged twice"


def _lead_post_and_mention(world: DemoWorld) -> BotResponse:
    # A sales lead pasted into the team channel; maria asks for a draft in its thread.
    return _post_and_mention(world, LEAD_POST, "U0CUSTOMER2", "EvDEMO0003")


# Close to a few FAQ entries and sure of none: the bot offers them instead of guessing.
CLOSE_CALL = "if i buy today, when will it get here"


def _close_call_and_mention(world: DemoWorld) -> BotResponse:
    return _post_and_mention(world, CLOSE_CALL, "U0CUSTOMER2", "EvDEMO0005")


def _use_candidate(faq_id: str) -> Callable[[DemoWorld], BotResponse]:
    """Click *Use this* beside the offered entry ``faq_id`` on the newest suggestion."""

    def click(world: DemoWorld) -> BotResponse:
        message = [m for m in world.emulator.messages_in("C0SOCIAL") if m.get("bot_id")][-1]
        value = next(
            str(block["accessory"]["value"])
            for block in message["blocks"]
            if block.get("accessory", {}).get("action_id") == USE_CANDIDATE_ACTION
            and f"FAQ `{faq_id}`" in block["text"]["text"]
        )
        return world.slack.click(
            USE_CANDIDATE_ACTION, value, user_id="U0AUTHOR", message=message, channel_id="C0SOCIAL"
        )

    return click


def _shown_view(world: DemoWorld) -> dict[str, Any]:
    """The newest modal as it shows now (filled after its loading stand-in)."""
    opened = world.emulator.calls_to("views.open")[-1]
    view = world.emulator.view(str(opened.response["view"]["id"]))
    assert view is not None
    return view


def _option(view: dict[str, Any], block_id: str, chosen: str | None = None) -> dict[str, Any]:
    """The option picked in a select: ``chosen``, or what the form offered first."""
    element = next(b for b in view["blocks"] if b.get("block_id") == block_id)["element"]
    if chosen is None:
        return dict(element["initial_option"])
    return dict(next(o for o in element["options"] if o["value"] == chosen))


def _submit_handoff(world: DemoWorld) -> BotResponse:
    """Submit the Hand off form as routing filled it, with a note for sales."""
    view = _shown_view(world)
    values: dict[str, dict[str, dict[str, Any]]] = {
        TEAM_BLOCK: {
            "value": {"type": "static_select", "selected_option": _option(view, TEAM_BLOCK)}
        },
        PRIORITY_BLOCK: {
            "value": {
                "type": "static_select",
                "selected_option": _option(view, PRIORITY_BLOCK, "high"),
            }
        },
        NOTE_BLOCK: {"value": {"type": "plain_text_input", "value": "40 jerseys, wants a quote"}},
    }
    return world.slack.view_submission(
        START_VIEW,
        values,
        user_id="U0AUTHOR",
        private_metadata=view["private_metadata"],
        view_id=view["id"],
    )


def _packet(world: DemoWorld, channel: str) -> dict[str, Any]:
    return [m for m in world.emulator.messages_in(channel) if not m.get("thread_ts")][-1]


def _click_on_packet(action_id: str, user: str) -> Callable[[DemoWorld], BotResponse]:
    def click(world: DemoWorld) -> BotResponse:
        packet = _packet(world, SALES_CHANNEL)
        value = _button_value(packet, action_id)
        return world.slack.click(
            action_id, value, user_id=user, message=packet, channel_id=SALES_CHANNEL
        )

    return click


def _submit_resolve(world: DemoWorld) -> BotResponse:
    view = _shown_view(world)
    note = "Quoted 40 jerseys at the club rate; order placed"
    values = {RESOLVE_NOTE_BLOCK: {"value": {"type": "plain_text_input", "value": note}}}
    return world.slack.view_submission(
        view["callback_id"], values, user_id=LEE, private_metadata=view["private_metadata"]
    )


def _clock_moves(by: timedelta) -> Callable[[DemoWorld], BotResponse]:
    """Move the bot's clock on and run the SLA job as the clock process would."""

    def run(world: DemoWorld) -> BotResponse:
        world.clock.advance(by)
        fire_handoff_timers(world.services, world.client)
        return BotResponse(status=200, headers={}, body="")

    return run


# -- crisis mode ----------------------------------------------------------------------------------

# Customers' posts about a checkout outage, pasted into the monitored team channel by teammates.
OUTAGE_POSTS = [
    "checkout is broken, it keeps failing at payment 😡",
    "I was charged twice and the order never went through!!",
    "your site has been down for an hour, terrible",
    "payment error again. this is ridiculous",
    "can't check out, card declined but money gone 😡",
    "broken checkout, lost my cart twice",
    "why is checkout not working???",
    "charged twice for one jacket, fix this",
    "worst shopping experience, checkout crashes",
    "is the store down? checkout fails for me",
    "trying to buy the autumn jacket, checkout spinner forever",
    "any news on the checkout problem?",
]
OUTAGE_QUESTION = "@kim_runs is your checkout down? I was charged twice for my order 😡"


def _outage_posts(world: DemoWorld) -> BotResponse:
    response = BotResponse(status=200, headers={}, body="")
    for index, text in enumerate(OUTAGE_POSTS):
        ts = world.emulator.add_message("C0SOCIAL", text=text, user="U0CUSTOMER")
        event = payloads.message(text=text, user="U0CUSTOMER", ts=ts, channel="C0SOCIAL")
        response = world.slack.event(event, event_id=f"EvDEMOOUT{index:02d}")
        if response.status != 200:
            return response
    # The listener counts each message after its ack; the step ends when all are counted (the
    # listener pool is idle), so the spike check that follows sees the whole burst.
    return response


def _spike_check(world: DemoWorld) -> BotResponse:
    check_spikes(world.services, world.client)
    return BotResponse(status=200, headers={}, body="")


def _start_from_alert(world: DemoWorld) -> BotResponse:
    alert = [m for m in world.emulator.messages_in(ESCALATION_CHANNEL) if m.get("bot_id")][-1]
    value = _button_value(alert, START_FROM_SPIKE_ACTION)
    return world.slack.click(
        START_FROM_SPIKE_ACTION,
        value,
        user_id="U0ADMIN",
        message=alert,
        channel_id=ESCALATION_CHANNEL,
    )


def _outage_question_and_mention(world: DemoWorld) -> BotResponse:
    return _post_and_mention(world, OUTAGE_QUESTION, "U0CUSTOMER", "EvDEMO0004")


CRISIS_SUMMARY = "Checkout fixed at 14:05; refunds for double charges are under way"


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
    Step(
        "maria",
        f"@socialops can you draft a reply? (in the thread of “{CLOSE_CALL}”)",
        _close_call_and_mention,
        expect_calls=2,
    ),
    Step(
        "maria",
        "clicks Use this beside the delivery-times entry",
        _use_candidate("shipping-times"),
        expect_calls=1,
    ),
    Step(
        "maria",
        "@socialops can you draft a reply? (in the thread of a sales lead)",
        _lead_post_and_mention,
        expect_calls=2,
    ),
    Step(
        "maria",
        "clicks Hand off (the form opens, filled in by routing)",
        _click_on_suggestion(HAND_OFF_ACTION, "U0AUTHOR"),
        expect_calls=2,
    ),
    Step(
        "maria",
        "keeps sales, sets priority high, adds a note and submits",
        _submit_handoff,
        expect_calls=3,
    ),
    Step("lee", "clicks Claim on the packet", _click_on_packet(CLAIM_ACTION, LEE), expect_calls=2),
    Step(
        "lee",
        "clicks Resolve",
        _click_on_packet(RESOLVE_ACTION, LEE),
        expect_calls=2,
    ),
    Step("lee", "adds a note and submits", _submit_resolve, expect_calls=2),
    Step(
        "maria",
        f"/social handoff support {SUPPORT_CASE}",
        lambda w: w.slack.slash_command(f"handoff support {SUPPORT_CASE}", user_id="U0AUTHOR"),
        expect_calls=3,
    ),
    Step(
        "(clock)",
        "(45 minutes later) nobody has claimed handoff #2 yet: the SLA job runs",
        _clock_moves(timedelta(minutes=45)),
        expect_calls=1,
    ),
    Step(
        "(clock)",
        "(1 hour later) still unclaimed, past support's 1 h to claim: the SLA job runs",
        _clock_moves(timedelta(minutes=15)),
        expect_calls=1,
    ),
    Step(
        "(clock)",
        "(a minute later) the SLA job runs again",
        _clock_moves(timedelta(minutes=1)),
        quiet="every reminder and escalation happens once",
    ),
    # The end of the day: the lead reads the day's real numbers and acts from them.
    Step(
        "jonas",
        "/social digest now",
        lambda w: w.slack.slash_command("digest now", user_id="U0APPROVER"),
        expect_calls=1,
    ),
    Step(
        "jonas",
        "clicks Approve on the digest (the reply draft waiting)",
        _click_on_digest(DIGEST_APPROVE_ACTION, "U0APPROVER"),
        # The answer, the card redrawn, and the author told in the card's thread.
        expect_calls=3,
    ),
    # Something goes wrong in public: checkout fails, and customers say so.
    Step(
        "(customers)",
        f"{len(OUTAGE_POSTS)} posts about a failing checkout land in #social-team in minutes",
        _outage_posts,
        quiet="each message is counted with its mood; no one is pinged per message",
    ),
    Step("(clock)", "the spike check runs", _spike_check, expect_calls=1),
    Step(
        "priya",
        "clicks Start crisis mode on the alert",
        _start_from_alert,
        # The alert redrawn, the briefing, the announcement, and the two paused posts' cards.
        expect_calls=5,
    ),
    Step(
        "maria",
        "@socialops can you draft a reply? (in the thread of a customer asking about checkout)",
        _outage_question_and_mention,
        expect_calls=2,
    ),
    Step(
        "maria",
        "clicks Send for approval",
        _click_on_suggestion(SEND_ACTION, "U0AUTHOR"),
        expect_calls=2,
    ),
    Step(
        "jonas",
        "clicks Approve (crisis mode: one more approval, from a crisis approver, is needed)",
        _click_on_card(APPROVE_ACTION, "U0APPROVER"),
        expect_calls=1,
    ),
    Step(
        "priya",
        "clicks Approve as the crisis approver",
        _click_on_card(APPROVE_ACTION, "U0ADMIN"),
        expect_calls=2,
    ),
    Step(
        "priya",
        f"/social crisis end {CRISIS_SUMMARY}",
        lambda w: w.slack.slash_command(f"crisis end {CRISIS_SUMMARY}", user_id="U0ADMIN"),
        # The post-mortem in the war room, the end (with Resume all) in the approvals channel.
        expect_calls=2,
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
            support_channel=SUPPORT_CHANNEL,
            sales_channel=SALES_CHANNEL,
            escalation_channel=ESCALATION_CHANNEL,
            approvers=["U0APPROVER"],
            admins=["U0ADMIN"],
            # Legal signs off every draft while a crisis runs; in the demo, the admin priya.
            crisis_approvers=["U0ADMIN"],
            monitored_channels=["C0SOCIAL"],
            brand_domains=["example.com"],
            faq_dir=str(SAMPLE_FAQ_DIR),
            responses_dir=str(SAMPLE_RESPONSES_DIR),
            brand_name="Northwind Outfitters",
            # A real team's sign-off: with it the complaint reply is over X's 280 characters,
            # which the suggestion says before anyone clicks, and maria edits it.
            sign_off="- Maria from the Northwind Outfitters customer care team",
        )
        clock = DemoClock()
        services = Services.build(settings, clock=clock)
        prepare_database(services.engine)
        sync_faq_at_start(services)
        listeners = TrackedExecutor()
        app = create_app(settings, services, listener_executor=listeners)
        with LocalWSGIServer(create_wsgi_app(app, services)) as server:
            slack = SignedSlackClient(
                server.events_url, signing_secret, response_url_factory=emulator.new_response_url
            )
            world = DemoWorld(
                emulator=emulator,
                slack=slack,
                services=services,
                client=build_web_client(token=emulator.bot_token, base_url=emulator.api_url),
                clock=clock,
                listeners=listeners,
                # The emulator's seeded people and channels, named as Slack shows them.
                names={
                    "UBOTSOCIAL": "socialops",
                    "U0AUTHOR": "maria",
                    "U0APPROVER": "jonas",
                    "U0CUSTOMER": "dana (customer post)",
                    "U0CUSTOMER2": "oakridge (customer post)",
                    "U0SUPPORT": "sam",
                    "U0SUPPORT2": "tara",
                    LEE: "lee",
                    "U0ADMIN": "priya",
                    "C0SOCIAL": "social-team",
                    APPROVALS_CHANNEL: "social-approvals",
                    SUPPORT_CHANNEL: "support-team",
                    SALES_CHANNEL: "sales-team",
                    ESCALATION_CHANNEL: "escalations",
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
    # Everything the step set off (a card redrawn, a war-room post) is done once the listener
    # pool is idle; waiting for a number of calls alone took a late call of one step for the next
    # step's answer on a busy machine, and cut a step's transcript short.
    if not world.listeners.wait_idle(IDLE_TIMEOUT):
        out.write(f"  ✗ the bot was still working {IDLE_TIMEOUT:.0f} s after the step\n")
        return False
    if step.expect_calls:
        _wait_for_visible(world, before, step.expect_calls)
    for call in world.emulator.calls_to("conversations.create")[-1:]:
        made = (call.response or {}).get("channel") or {}
        if made.get("id") and made.get("name"):  # a war room: shown by its name, as in Slack
            world.names.setdefault(str(made["id"]), str(made["name"]))
    visible = [c for c in world.emulator.calls[before:] if c.method in VISIBLE_METHODS]
    for call in visible:
        _print_message(out, _where(call, world.names), _message_payload(call), world.names)
    if not step.expect_calls and not visible and ack_body is None:
        out.write(f"  (nothing visible: {step.quiet})\n")
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
