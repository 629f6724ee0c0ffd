"""Starting a handoff as Slack drives it: Hand off on a suggested reply and the message shortcut
(modal, prefilled from routing, submitted), a second handoff of the same message, a team without a
channel, nothing to hand off, and a model that routes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlmodel import select

from bot.blocks.handoff_start import NOTE_BLOCK, PRIORITY_BLOCK, START_VIEW, TEAM_BLOCK
from bot.blocks.replies import HAND_OFF_ACTION, SEND_ACTION
from bot.runtime.server import sync_faq_at_start
from bot.store.models import Draft, Handoff, ReplySuggestion
from slack_emulator import payloads
from slack_emulator.emulator import SlackEmulator
from tests.commands.test_approvals import buttons, modal_text, shown_modal, wait_until
from tests.commands.test_replies import BOT_MENTION, CUSTOMER, TEAMMATE, mention, suggestion_message
from tests.conftest import APPROVAL_SETTINGS, running_bot
from tests.fakes.fake_openai import FakeOpenAI
from tests.harness import RunningBot

CHANNEL = payloads.CHANNEL_ID
SUPPORT, SALES = "C0SUPPORT", "C0SALES"
TEAM_CHANNELS = {"support_channel": SUPPORT, "sales_channel": SALES}
LOGIN = "@dana the login page keeps failing, I forgot my password and no reset email comes???"
JACKETS = "@teamlead we'd like 200 jackets with our logo for our company"


@contextmanager
def _bot(emulator: SlackEmulator, database_url: str, **overrides: Any) -> Iterator[RunningBot]:
    emulator.add_channel(SUPPORT, name="support")
    emulator.add_channel(SALES, name="sales")
    settings = {"sign_off": "- Team Northwind", **APPROVAL_SETTINGS, **overrides}
    with running_bot(emulator, database_url, **settings) as running:
        sync_faq_at_start(running.services)
        yield running


@pytest.fixture
def handoff_bot(emulator: SlackEmulator, database_url: str) -> Iterator[RunningBot]:
    with _bot(emulator, database_url, **TEAM_CHANNELS) as running:
        yield running


def handoffs(bot: RunningBot) -> list[Handoff]:
    with bot.services.sessions() as session:
        return list(session.exec(select(Handoff).order_by(Handoff.id)))  # type: ignore[arg-type]


def suggestions(bot: RunningBot) -> list[ReplySuggestion]:
    with bot.services.sessions() as session:
        return list(session.exec(select(ReplySuggestion)))


def select_value(view: dict[str, Any], block_id: str) -> dict[str, Any]:
    block = next(b for b in view["blocks"] if b.get("block_id") == block_id)
    return dict(block["element"]["initial_option"])


def option_of(view: dict[str, Any], block_id: str, value: str) -> dict[str, Any]:
    block = next(b for b in view["blocks"] if b.get("block_id") == block_id)
    return dict(next(o for o in block["element"]["options"] if o["value"] == value))


def submit(
    bot: RunningBot,
    view: dict[str, Any],
    *,
    team: str | None = None,
    priority: str = "normal",
    note: str = "",
) -> Any:
    chosen = option_of(view, TEAM_BLOCK, team) if team else select_value(view, TEAM_BLOCK)
    values: dict[str, dict[str, dict[str, Any]]] = {
        TEAM_BLOCK: {"value": {"type": "static_select", "selected_option": chosen}},
        PRIORITY_BLOCK: {
            "value": {
                "type": "static_select",
                "selected_option": option_of(view, PRIORITY_BLOCK, priority),
            }
        },
        NOTE_BLOCK: {"value": {"type": "plain_text_input", "value": note}},
    }
    response = bot.slack.view_submission(
        START_VIEW,
        values,
        user_id=TEAMMATE,
        private_metadata=view["private_metadata"],
        view_id=view["id"],
    )
    assert response.status == 200
    return response


def click_hand_off(bot: RunningBot, message: dict[str, Any]) -> None:
    response = bot.slack.click(
        HAND_OFF_ACTION,
        buttons(message)[HAND_OFF_ACTION],
        user_id=TEAMMATE,
        message=message,
        channel_id=CHANNEL,
    )
    assert response.status == 200


def posted_in(bot: RunningBot, channel: str) -> list[dict[str, Any]]:
    return [
        dict(c.args)
        for c in bot.emulator.calls_to("chat.postMessage")
        if c.args["channel"] == channel
    ]


def told(bot: RunningBot) -> list[str]:
    return [str(c.args.get("text", "")) for c in bot.emulator.calls_to("chat.postEphemeral")]


# -- Hand off on a suggested reply ----------------------------------------------------------------


def test_hand_off_on_a_suggestion_starts_a_handoff_with_packet_and_holding_reply(
    handoff_bot: RunningBot,
) -> None:
    bot = handoff_bot
    event = mention(bot, f"{BOT_MENTION} draft a reply to: {JACKETS}")
    suggested = suggestion_message(bot)
    click_hand_off(bot, suggested)
    view = shown_modal(bot)
    # The FAQ entry (corporate-orders) says sales: offered first, with why.
    assert select_value(view, TEAM_BLOCK)["value"] == "sales"
    assert "the FAQ entry says sales" in modal_text(view)
    assert "200 jackets" in modal_text(view)

    answer = submit(bot, view, priority="high", note="Wants a quote <!channel> & logo")
    assert answer.body == ""  # the modal closes: no errors
    (handoff,) = handoffs(bot)
    assert (handoff.team, handoff.priority, handoff.state) == ("sales", "high", "open")
    assert handoff.route_reason == "the FAQ entry says sales"
    assert handoff.summary == "Wants a quote <!channel> & logo"
    assert handoff.customer_text.startswith("@teamlead we'd like 200 jackets")
    assert (handoff.customer_handle, handoff.faq_id) == ("@teamlead", "corporate-orders")
    assert handoff.source_key == f"{CHANNEL}:{event['ts']}"
    assert handoff.requested_by == TEAMMATE
    assert handoff.suggestion_id is not None
    assert handoff.holding_suggestion_id is not None

    # The packet in the sales channel, stored as posted.
    wait_until(lambda: bool(posted_in(bot, SALES)))
    (packet,) = posted_in(bot, SALES)
    assert "&lt;!channel&gt; &amp; logo" in json.dumps(packet["blocks"])
    wait_until(lambda: handoffs(bot)[0].packet_ts is not None)

    # The holding reply in the message's thread, with the suggestion buttons.
    wait_until(lambda: any("holding reply" in json.dumps(m) for m in posted_in(bot, CHANNEL)))
    holding = next(m for m in posted_in(bot, CHANNEL) if "holding reply" in json.dumps(m))
    assert holding["thread_ts"] == event["ts"]
    assert "template `holding-sales`" in json.dumps(holding["blocks"])
    assert SEND_ACTION in buttons(holding)
    # The person is told where the packet is, with its link.
    wait_until(lambda: any("Handed off to *Sales*" in t for t in told(bot)))
    assert any("/archives/C0SALES/" in t for t in told(bot))
    assert bot.emulator.violations == []

    # The holding reply goes for approval like any reply.
    [shown_holding] = [
        m for m in bot.emulator.messages_in(CHANNEL) if "holding reply" in json.dumps(m)
    ]
    bot.slack.click(
        SEND_ACTION,
        buttons(shown_holding)[SEND_ACTION],
        user_id=TEAMMATE,
        message=shown_holding,
        channel_id=CHANNEL,
    )
    wait_until(lambda: bool(drafts(bot)))
    (draft,) = drafts(bot)
    assert draft.kind == "reply"
    assert "sales team" in draft.text


def drafts(bot: RunningBot) -> list[Draft]:
    with bot.services.sessions() as session:
        return list(session.exec(select(Draft)))


def test_choosing_the_other_team_is_recorded_as_asked_for(handoff_bot: RunningBot) -> None:
    bot = handoff_bot
    mention(bot, f"{BOT_MENTION} draft a reply to: {JACKETS}")
    click_hand_off(bot, suggestion_message(bot))
    submit(bot, shown_modal(bot), team="support", note="actually an existing order")
    (handoff,) = handoffs(bot)
    assert (handoff.team, handoff.route_reason) == ("support", "asked for support")
    wait_until(lambda: bool(posted_in(bot, SUPPORT)))
    assert posted_in(bot, SALES) == []


def test_a_message_handed_off_twice_links_to_the_first(handoff_bot: RunningBot) -> None:
    bot = handoff_bot
    mention(bot, f"{BOT_MENTION} draft a reply to: {JACKETS}")
    suggested = suggestion_message(bot)
    click_hand_off(bot, suggested)
    first_form = shown_modal(bot)
    submit(bot, first_form)
    wait_until(lambda: handoffs(bot)[0].packet_ts is not None)

    # The button again: no form, the first handoff's packet instead.
    click_hand_off(bot, suggested)
    notice = modal_text(shown_modal(bot, count=2))
    assert "already handed off to *Sales*" in notice
    assert "/archives/C0SALES/" in notice
    assert "handoff #1" in notice

    # A form opened before the first was submitted, submitted now: still one handoff.
    submit(bot, first_form, team="support")
    wait_until(lambda: any("already handed off" in t for t in told(bot)))
    assert len(handoffs(bot)) == 1
    assert len(posted_in(bot, SALES)) == 1
    assert posted_in(bot, SUPPORT) == []
    # Its holding reply was not stored either: one for the first handoff only.
    assert sum(1 for s in suggestions(bot) if s.template_id == "holding-sales") == 1


# -- the message shortcut -------------------------------------------------------------------------


def shortcut(bot: RunningBot, text: str, **message: Any) -> str:
    ts = bot.emulator.add_message(CHANNEL, text=text, user=CUSTOMER)
    built = payloads.message(text=text, user=CUSTOMER, ts=ts, **message)
    response = bot.slack.message_shortcut("hand_off", built, channel_id=CHANNEL, user_id=TEAMMATE)
    assert response.status == 200
    return ts


def test_the_shortcut_hands_off_any_message_routed_by_keywords(handoff_bot: RunningBot) -> None:
    bot = handoff_bot
    ts = shortcut(bot, LOGIN)
    view = shown_modal(bot)
    assert select_value(view, TEAM_BLOCK)["value"] == "support"
    assert "matched 'login' and 'password'" in modal_text(view)
    submit(bot, view)  # no note: the customer's message is what the team picks up
    (handoff,) = handoffs(bot)
    assert handoff.team == "support"
    assert handoff.route_reason == "matched 'login' and 'password'"
    assert handoff.faq_id == "password-reset"  # the entry it matches, which names no team
    assert handoff.source_key == f"{CHANNEL}:{ts}"
    assert handoff.source_link is not None
    assert ts.replace(".", "") in handoff.source_link
    assert handoff.mood == "upset"
    assert handoff.mood_words == "???"
    assert handoff.customer_handle == "@dana"
    wait_until(lambda: bool(posted_in(bot, SUPPORT)))
    wait_until(lambda: any(m.get("thread_ts") == ts for m in posted_in(bot, CHANNEL)))
    holding = next(m for m in posted_in(bot, CHANNEL) if m.get("thread_ts") == ts)
    assert "we're really sorry" in json.dumps(holding["blocks"])
    assert bot.emulator.violations == []


def test_a_message_without_text_needs_a_note(handoff_bot: RunningBot) -> None:
    bot = handoff_bot
    shortcut(bot, "")
    answer = submit(bot, shown_modal(bot), note="   ").json()
    assert answer["response_action"] == "errors"
    assert "say what the team picks up" in answer["errors"][NOTE_BLOCK]
    assert handoffs(bot) == []


def test_a_team_without_a_channel_keeps_the_form_open_naming_the_setting(
    emulator: SlackEmulator, database_url: str
) -> None:
    with _bot(emulator, database_url, support_channel=SUPPORT) as bot:
        shortcut(bot, "hello, can we get wholesale pricing for our shop?")
        view = shown_modal(bot)
        assert select_value(view, TEAM_BLOCK)["value"] == "sales"
        answer = submit(bot, view).json()
        assert answer["response_action"] == "errors"
        assert "SOCIALOPS_SALES_CHANNEL" in answer["errors"][TEAM_BLOCK]
        # Nothing half-written: no handoff, no holding reply.
        assert handoffs(bot) == []
        assert suggestions(bot) == []


def test_a_configured_model_routes_and_the_packet_says_so(
    emulator: SlackEmulator, database_url: str
) -> None:
    with (
        FakeOpenAI(reply="sales") as model,
        _bot(emulator, database_url, openai_base_url=model.base_url, **TEAM_CHANNELS) as bot,
    ):
        if True:
            shortcut(bot, LOGIN)  # the keywords alone would say support
            view = shown_modal(bot)
            assert select_value(view, TEAM_BLOCK)["value"] == "sales"
            assert "chosen by the model" in modal_text(view)
            submit(bot, view)
            (handoff,) = handoffs(bot)
            assert (handoff.team, handoff.route_reason) == ("sales", "chosen by the model")


def test_a_failing_model_leaves_routing_to_the_keywords(
    emulator: SlackEmulator, database_url: str
) -> None:
    with FakeOpenAI(reply="sales") as model:
        model.fail_next(10)
        with _bot(emulator, database_url, openai_base_url=model.base_url, **TEAM_CHANNELS) as bot:
            shortcut(bot, LOGIN)
            view = shown_modal(bot)
            assert select_value(view, TEAM_BLOCK)["value"] == "support"
            assert "matched" in modal_text(view)


# -- `/social handoff` ----------------------------------------------------------------------------


def slash(bot: RunningBot, text: str) -> Any:
    response = bot.slack.slash_command(f"handoff {text}", user_id=TEAMMATE)
    assert response.status == 200
    return response


def private_texts(bot: RunningBot) -> list[str]:
    return [json.dumps(c.args, ensure_ascii=False) for c in bot.emulator.calls_to("response_url")]


def test_slash_handoff_without_a_team_lets_routing_choose(handoff_bot: RunningBot) -> None:
    bot = handoff_bot
    slash(bot, "@bigco asks for a reseller partnership for 500 mugs")
    wait_until(lambda: any("Handed off to *Sales*" in t for t in private_texts(bot)))
    (handoff,) = handoffs(bot)
    assert (handoff.team, handoff.route_reason) == ("sales", "matched 'reseller' and 'partnership'")
    assert handoff.summary == "@bigco asks for a reseller partnership for 500 mugs"
    assert (handoff.customer_text, handoff.customer_handle) == ("", "@bigco")
    assert handoff.source_key is None
    assert len(posted_in(bot, SALES)) == 1
    # The holding reply comes privately (there is no thread), with its buttons.
    holding = next(t for t in private_texts(bot) if "holding-sales" in t)
    assert SEND_ACTION in holding
    assert "Hi bigco" in holding
    assert bot.emulator.violations == []


def test_a_word_that_is_no_team_is_part_of_the_summary(handoff_bot: RunningBot) -> None:
    bot = handoff_bot
    slash(bot, "billing Refund please")
    wait_until(lambda: bool(posted_in(bot, SUPPORT)))
    (handoff,) = handoffs(bot)
    assert (handoff.team, handoff.route_reason) == ("support", "matched 'refund'")
    assert handoff.summary == "billing Refund please"


def test_slash_handoff_with_nothing_to_hand_off_shows_the_usage(handoff_bot: RunningBot) -> None:
    answer = slash(handoff_bot, "   ").json()
    assert answer["response_type"] == "ephemeral"
    assert "/social handoff <summary>" in answer["text"]
    assert handoffs(handoff_bot) == []


def test_slash_handoff_routed_to_a_team_without_a_channel_names_the_setting(
    emulator: SlackEmulator, database_url: str
) -> None:
    with _bot(emulator, database_url, support_channel=SUPPORT) as bot:
        # Routed by the rules (no model): refused in the ack itself, nothing stored.
        answer = slash(bot, "@bigco asks for a reseller partnership for 500 mugs")
        assert "SOCIALOPS_SALES_CHANNEL" in json.dumps(answer.json())
        assert handoffs(bot) == []
        assert suggestions(bot) == []
        assert bot.emulator.calls_to("chat.postMessage") == []


def test_help_lists_handoff_and_handoffs(handoff_bot: RunningBot) -> None:
    answer = json.dumps(
        handoff_bot.slack.slash_command("help", user_id=TEAMMATE).json(), ensure_ascii=False
    )
    assert "`/social handoff [support|sales] <summary>` — Hand a case to support or sales" in answer
    assert "/social handoffs [mine|open|support|sales]" in answer


def test_slash_handoff_routed_by_the_rules_is_stored_before_the_ack(
    handoff_bot: RunningBot,
) -> None:
    # Without a model nothing slow decides the team, so the 200 means the handoff exists: a
    # crash right after the ack loses nothing.
    slash(handoff_bot, "my order arrived broken, I want a refund")
    (handoff,) = handoffs(handoff_bot)
    assert handoff.team == "support"
