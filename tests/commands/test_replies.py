"""Suggested replies driven the way Slack drives them: mentions, the shortcut, `/social reply`,
the buttons and `/social faq`, with every Web API call going to the emulator."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from sqlmodel import select

from bot.blocks.faq import FAQ_ADD_VIEW
from bot.blocks.replies import (
    ADD_TO_FAQ_ACTION,
    ANOTHER_ACTION,
    HAND_OFF_ACTION,
    NOT_HELPFUL_ACTION,
    SEND_ACTION,
    USE_CANDIDATE_ACTION,
)
from bot.runtime.server import sync_faq_at_start
from bot.store.models import Draft, FaqGap, FaqRecord, ReplySuggestion
from slack_emulator import payloads
from slack_emulator.emulator import SlackEmulator
from tests.commands.test_approvals import buttons, ephemeral_texts, shown_modal, wait_until
from tests.conftest import APPROVAL_SETTINGS, running_bot
from tests.fakes.fake_openai import FakeOpenAI, is_structured, offered_ids
from tests.harness import RunningBot

CHANNEL = payloads.CHANNEL_ID
TEAMMATE, CUSTOMER = "U0AUTHOR", "U0CUSTOMER"
BOT_MENTION = "<@UBOTSOCIAL>"


@pytest.fixture
def replies_bot(emulator: SlackEmulator, database_url: str) -> Iterator[RunningBot]:
    with running_bot(
        emulator, database_url, sign_off="- Team Northwind", **APPROVAL_SETTINGS
    ) as running:
        sync_faq_at_start(running.services)
        yield running


def mention(bot: RunningBot, text: str, **kwargs: Any) -> dict[str, Any]:
    ts = bot.emulator.add_message(
        CHANNEL, text=text, user=TEAMMATE, thread_ts=kwargs.get("thread_ts")
    )
    event = payloads.app_mention(text=text, user=TEAMMATE, ts=ts, **kwargs)
    assert bot.slack.event(event).status == 200
    return event


def suggestion_message(bot: RunningBot) -> dict[str, Any]:
    """The bot's message in the channel once it is no longer the placeholder."""
    bot.emulator.wait_for("chat.update")
    mine = [m for m in bot.emulator.messages_in(CHANNEL) if m.get("bot_id")]
    assert mine
    return mine[-1]


def all_text(message: dict[str, Any]) -> str:
    return json.dumps(message.get("blocks", []), ensure_ascii=False)


def click(bot: RunningBot, message: dict[str, Any], action_id: str, user: str = TEAMMATE) -> None:
    value = buttons(message)[action_id]
    response = bot.slack.click(action_id, value, user_id=user, message=message, channel_id=CHANNEL)
    assert response.status == 200


# -- where people ask ----------------------------------------------------------------------------


def test_a_mention_drafts_a_reply_in_its_thread(replies_bot: RunningBot) -> None:
    bot = replies_bot
    event = mention(
        bot, f"{BOT_MENTION} draft a reply to: @dana my parcel still hasn't turned up 😡"
    )
    [placeholder] = bot.emulator.wait_for("chat.postMessage")
    assert placeholder.args["thread_ts"] == event["ts"]
    assert "Drafting" in placeholder.args["text"]
    message = suggestion_message(bot)
    shown = all_text(message)
    # An upset customer: the apology, and no celebration.
    assert "Hi dana, we're really sorry" in shown
    assert "🙌" not in shown
    assert "`order-not-arrived`" in shown
    assert "template `apology-upset`" in shown
    assert "confidence" in shown
    assert "- Team Northwind" in shown
    assert set(buttons(message)) >= {SEND_ACTION, HAND_OFF_ACTION, NOT_HELPFUL_ACTION}
    assert bot.emulator.violations == []


def test_a_mention_in_a_thread_drafts_for_the_first_message(replies_bot: RunningBot) -> None:
    bot = replies_bot
    parent = bot.emulator.add_message(
        CHANNEL, text="@kim_hikes can I send these boots back?", user=CUSTOMER
    )
    mention(bot, f"{BOT_MENTION} can you help here?", thread_ts=parent)
    message = suggestion_message(bot)
    assert "can I send these boots back" in all_text(message)
    assert "Hi kim_hikes!" in all_text(message)
    with bot.services.sessions() as session:
        (row,) = session.exec(select(ReplySuggestion)).all()
    assert row.faq_id in {"return-process", "returns-policy", "exchange-size"}
    assert row.source_link is not None
    assert parent.replace(".", "") in row.source_link


def test_a_plain_mention_still_gets_the_greeting(replies_bot: RunningBot) -> None:
    bot = replies_bot
    mention(bot, f"{BOT_MENTION} hello!")
    [call] = bot.emulator.wait_for("chat.postMessage")
    assert "/social help" in call.args["text"]


def test_an_empty_request_gets_the_usage(replies_bot: RunningBot) -> None:
    bot = replies_bot
    mention(bot, f"{BOT_MENTION} draft a reply to:")
    [call] = bot.emulator.wait_for("chat.postEphemeral")
    assert "/social reply" in call.args["text"]
    assert "on:instagram" in call.args["text"]  # how to say where the customer wrote
    assert bot.emulator.calls_to("chat.postMessage") == []


def test_the_draft_reply_shortcut_answers_in_the_messages_thread(replies_bot: RunningBot) -> None:
    bot = replies_bot
    ts = bot.emulator.add_message(CHANNEL, text="do you take apple pay?", user=CUSTOMER)
    message = payloads.message(text="do you take apple pay?", user=CUSTOMER, ts=ts)
    response = bot.slack.message_shortcut(
        "draft_reply", message, channel_id=CHANNEL, user_id=TEAMMATE
    )
    assert response.status == 200
    [placeholder] = bot.emulator.wait_for("chat.postMessage")
    assert placeholder.args["thread_ts"] == ts
    assert "`payment-methods`" in all_text(suggestion_message(bot))


def test_slash_reply_is_private_to_the_person_asking(replies_bot: RunningBot) -> None:
    bot = replies_bot
    assert bot.slack.slash_command("reply how long does shipping take?").status == 200
    calls = bot.emulator.wait_for("response_url", 2)
    assert "Drafting" in calls[0].args["text"]
    final = calls[1].args
    assert final["replace_original"] is True
    assert final["response_type"] == "ephemeral"
    assert "`shipping-times`" in json.dumps(final["blocks"])
    assert bot.emulator.calls_to("chat.postMessage") == []


def test_slash_reply_without_text_explains_itself(replies_bot: RunningBot) -> None:
    response = replies_bot.slack.slash_command("reply   ")
    assert "/social reply <customer message>" in response.body


# -- abstention and the FAQ gaps ---------------------------------------------------------------------


def test_an_abstention_is_a_gap_that_can_become_an_faq_entry(replies_bot: RunningBot) -> None:
    bot = replies_bot
    mention(bot, f"{BOT_MENTION} draft a reply to: do you sponsor ultramarathon runners?")
    message = suggestion_message(bot)
    assert "haven't guessed" in all_text(message)
    assert SEND_ACTION not in buttons(message)

    gaps = bot.slack.slash_command("faq gaps")
    assert "do you sponsor ultramarathon runners?" in gaps.body
    gap_button = buttons(message)[ADD_TO_FAQ_ACTION]
    click(bot, message, ADD_TO_FAQ_ACTION)
    view = shown_modal(bot)
    question = next(b for b in view["blocks"] if b["block_id"] == "question")
    assert question["element"]["initial_value"] == "do you sponsor ultramarathon runners?"

    values: dict[str, dict[str, dict[str, Any]]] = {
        "id": {"value": {"type": "plain_text_input", "value": "sponsorship"}},
        "question": {"value": {"type": "plain_text_input", "value": "Do you sponsor athletes?"}},
        "answer": {
            "value": {
                "type": "plain_text_input",
                "value": "We sponsor a few trail runners each year; apply in spring.",
            }
        },
        "variants": {
            "value": {"type": "plain_text_input", "value": "sponsor ultramarathon runners"}
        },
        "tags": {"value": {"type": "plain_text_input", "value": "company"}},
        "handoff": {"value": {"type": "static_select", "selected_option": None}},
    }
    submitted = bot.slack.view_submission(
        FAQ_ADD_VIEW,
        values,
        user_id=TEAMMATE,
        private_metadata=view["private_metadata"],
    )
    assert submitted.status == 200
    assert submitted.body == ""
    with bot.services.sessions() as session:
        assert session.get(FaqRecord, "sponsorship") is not None
        assert session.exec(select(FaqGap)).all() == []
    assert gap_button  # the gap's id travelled in the button
    found = bot.slack.slash_command("faq search do you sponsor ultramarathon runners")
    assert "`sponsorship`" in found.body


def test_the_add_modal_refuses_a_taken_id_and_a_bad_slug(replies_bot: RunningBot) -> None:
    bot = replies_bot

    def submit(entry_id: str) -> dict[str, Any]:
        values = {
            "id": {"value": {"type": "plain_text_input", "value": entry_id}},
            "question": {"value": {"type": "plain_text_input", "value": "Q?"}},
            "answer": {"value": {"type": "plain_text_input", "value": "A."}},
        }
        response = bot.slack.view_submission(FAQ_ADD_VIEW, values, user_id=TEAMMATE)
        assert response.status == 200
        body = response.json()
        assert isinstance(body, dict)
        return body

    assert submit("order-tracking")["errors"]["id"].startswith("The FAQ already has")
    assert "slug" in submit("Not A Slug!")["errors"]["id"]
    with bot.services.sessions() as session:
        tracking = session.get(FaqRecord, "order-tracking")
        assert tracking is not None
        assert tracking.source != "slack"


def test_faq_list_and_search(replies_bot: RunningBot) -> None:
    bot = replies_bot
    listed = bot.slack.slash_command("faq list returns")
    assert "`return-process`" in listed.body
    assert "`order-tracking`" not in listed.body
    assert "FAQ entries" in bot.slack.slash_command("faq list").body
    assert "Usage" in bot.slack.slash_command("faq frobnicate").body
    assert "`gift-cards`" in bot.slack.slash_command("faq search gift card").body


def test_faq_add_opens_the_modal(replies_bot: RunningBot) -> None:
    bot = replies_bot
    assert bot.slack.slash_command("faq add").status == 200
    [opened] = bot.emulator.wait_for("views.open")
    assert FAQ_ADD_VIEW in json.dumps(opened.args["view"])


# -- the buttons ----------------------------------------------------------------------------------------


def test_send_for_approval_posts_a_reply_card_once(replies_bot: RunningBot) -> None:
    bot = replies_bot
    mention(bot, f"{BOT_MENTION} draft a reply to: @dana where is my order?")
    message = suggestion_message(bot)
    click(bot, message, SEND_ACTION)
    wait_until(lambda: len(bot.emulator.messages_in("C0APPROVALS")) == 1)
    card = bot.emulator.messages_in("C0APPROVALS")[0]
    assert "Reply draft #1 to @dana" in all_text(card)
    wait_until(lambda: "Sent for approval as reply draft #1" in all_text(suggestion_message(bot)))
    click(bot, message, SEND_ACTION)  # a second click on the old copy of the message
    wait_until(lambda: any("already sent" in t for t in ephemeral_texts(bot)))
    with bot.services.sessions() as session:
        (draft,) = session.exec(select(Draft)).all()
    assert (draft.kind, draft.state) == ("reply", "pending")
    assert bot.emulator.violations == []


def test_another_option_shows_the_next_best_entry(replies_bot: RunningBot) -> None:
    bot = replies_bot
    mention(bot, f"{BOT_MENTION} draft a reply to: how long until my refund arrives after a return")
    message = suggestion_message(bot)
    assert "option 1 of" in all_text(message)
    with bot.services.sessions() as session:
        (before,) = session.exec(select(ReplySuggestion)).all()
    click(bot, message, ANOTHER_ACTION)
    bot.emulator.wait_for("chat.update", 2)
    updated = suggestion_message(bot)
    assert "option 2 of" in all_text(updated)
    with bot.services.sessions() as session:
        (after,) = session.exec(select(ReplySuggestion)).all()
    assert after.option == 1
    assert after.faq_id != before.faq_id


CLOSE_CALL = "if i buy today, when will it get here"  # close to several entries, sure of none


def use_this(bot: RunningBot, message: dict[str, Any], index: int, user: str = TEAMMATE) -> int:
    values = [
        b["accessory"]["value"]
        for b in message["blocks"]
        if b["type"] == "section"
        and b.get("accessory", {}).get("action_id") == USE_CANDIDATE_ACTION
    ]
    response = bot.slack.click(
        USE_CANDIDATE_ACTION, values[index], user_id=user, message=message, channel_id=CHANNEL
    )
    return response.status


def test_close_entries_are_offered_and_use_this_drafts_from_one(replies_bot: RunningBot) -> None:
    bot = replies_bot
    mention(bot, f"{BOT_MENTION} draft a reply to: @dana {CLOSE_CALL}")
    message = suggestion_message(bot)
    assert "No FAQ entry is clearly right" in all_text(message)
    assert SEND_ACTION not in buttons(message)
    with bot.services.sessions() as session:
        (row,) = session.exec(select(ReplySuggestion)).all()
        offered = [m[0] for m in json.loads(row.ranked_ids)]
        # Candidates are not silence: no FAQ gap until someone says none of them fits.
        assert session.exec(select(FaqGap)).all() == []
    assert len(offered) >= 2
    assert "`shipping-times`" in all_text(message)

    assert use_this(bot, message, offered.index("shipping-times")) == 200
    bot.emulator.wait_for("chat.update", 2)
    drafted = suggestion_message(bot)
    assert SEND_ACTION in buttons(drafted)
    assert "FAQ `shipping-times`" in all_text(drafted)
    with bot.services.sessions() as session:
        (row,) = session.exec(select(ReplySuggestion)).all()
    assert row.faq_id == "shipping-times"
    assert row.text

    # A late click on the old candidates changes nothing and says so.
    assert use_this(bot, message, 0, user="U0LATE") == 200
    wait_until(lambda: any("already picked" in t for t in ephemeral_texts(bot)))
    with bot.services.sessions() as session:
        (again,) = session.exec(select(ReplySuggestion)).all()
    assert again.faq_id == "shipping-times"
    click(bot, drafted, SEND_ACTION)
    wait_until(lambda: _drafts(bot) == 1)


def _drafts(bot: RunningBot) -> int:
    with bot.services.sessions() as session:
        return len(session.exec(select(Draft)).all())


def test_none_of_these_records_the_gap(replies_bot: RunningBot) -> None:
    bot = replies_bot
    mention(bot, f"{BOT_MENTION} draft a reply to: {CLOSE_CALL}")
    message = suggestion_message(bot)
    click(bot, message, NOT_HELPFUL_ACTION)
    bot.emulator.wait_for("chat.update", 2)
    assert "said none of these fits" in all_text(suggestion_message(bot))
    with bot.services.sessions() as session:
        (gap,) = session.exec(select(FaqGap)).all()
    assert gap.not_helpful == 1


def test_a_forged_use_this_value_changes_nothing(replies_bot: RunningBot) -> None:
    bot = replies_bot
    mention(bot, f"{BOT_MENTION} draft a reply to: {CLOSE_CALL}")
    message = suggestion_message(bot)
    with bot.services.sessions() as session:
        (row,) = session.exec(select(ReplySuggestion)).all()
    for forged in (f"{row.id}:9", f"{row.id}", "x:1", f"{row.id}:-1", "99999:0"):
        response = bot.slack.click(
            USE_CANDIDATE_ACTION, forged, user_id=TEAMMATE, message=message, channel_id=CHANNEL
        )
        assert response.status == 200
    wait_until(lambda: len(ephemeral_texts(bot)) >= 5)
    with bot.services.sessions() as session:
        (after,) = session.exec(select(ReplySuggestion)).all()
    assert after.text is None


def test_not_helpful_is_counted_as_a_gap(replies_bot: RunningBot) -> None:
    bot = replies_bot
    mention(bot, f"{BOT_MENTION} draft a reply to: where is my order?")
    message = suggestion_message(bot)
    click(bot, message, NOT_HELPFUL_ACTION)
    bot.emulator.wait_for("chat.update", 2)
    assert "Marked not helpful by" in all_text(suggestion_message(bot))
    with bot.services.sessions() as session:
        (gap,) = session.exec(select(FaqGap)).all()
    assert (gap.count, gap.not_helpful) == (1, 1)


def test_a_forged_button_value_changes_nothing(replies_bot: RunningBot) -> None:
    bot = replies_bot
    for value in ("", "abc", "999999", "1; DROP TABLE draft", "²"):
        response = bot.slack.click(SEND_ACTION, value, user_id=TEAMMATE, channel_id=CHANNEL)
        assert response.status == 200
    wait_until(lambda: len(ephemeral_texts(bot)) == 5)
    with bot.services.sessions() as session:
        assert session.exec(select(Draft)).all() == []


# -- hostile and odd input --------------------------------------------------------------------------


def test_broadcasts_and_template_syntax_come_back_inert(replies_bot: RunningBot) -> None:
    bot = replies_bot
    mention(bot, f"{BOT_MENTION} draft a reply to: <!channel> {{{{ 7*7 }}}} where is my order?")
    message = suggestion_message(bot)
    shown = all_text(message)
    assert "<!channel>" not in shown
    assert "&lt;!channel&gt;" in shown
    assert "{{ 7*7 }}" in shown
    assert "49" not in shown


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("🔥🔥🔥", "no words to match"),
        ("¿Dónde está mi pedido? Lo pedí hace dos semanas", "haven't guessed"),
        ("where is my order " + "x" * 40_000, "Suggested reply to"),
    ],
)
def test_odd_messages_get_an_answer_slack_accepts(
    replies_bot: RunningBot, text: str, expected: str
) -> None:
    bot = replies_bot
    bot.slack.slash_command(f"reply {text}")
    calls = bot.emulator.wait_for("response_url", 2)
    assert expected in json.dumps(calls[1].args["blocks"], ensure_ascii=False)
    assert bot.emulator.violations == []


# -- with a model ------------------------------------------------------------------------------------


def test_a_model_polishes_the_reply_after_the_ack(
    emulator: SlackEmulator, database_url: str
) -> None:
    polished = "Hey dana! So sorry it's late. If tracking hasn't moved for 3 working days, DM us your order number and we'll chase the courier. - Team Northwind"
    gate = threading.Event()

    def held_reply(_request: dict[str, Any]) -> str:
        gate.wait(10)  # the model "thinks" until the test has seen the ack
        return polished

    with (
        FakeOpenAI(reply=held_reply) as model,
        running_bot(
            emulator,
            database_url,
            openai_base_url=model.base_url,
            sign_off="- Team Northwind",
            **APPROVAL_SETTINGS,
        ) as bot,
    ):
        sync_faq_at_start(bot.services)
        mention(bot, f"{BOT_MENTION} draft a reply to: @dana my parcel still hasn't turned up")
        # Acked (mention() checked the 200) and the placeholder is up while the model still works.
        bot.emulator.wait_for("chat.postMessage")
        assert bot.emulator.calls_to("chat.update") == []
        gate.set()
        shown = all_text(suggestion_message(bot))
    assert polished in shown
    assert "polished by the model" in shown
    (choice, request) = model.requests  # the entry first (the fake agrees with the matcher)
    assert is_structured(choice)
    assert "my parcel still hasn't turned up" in request["messages"][1]["content"]


def test_the_models_pick_of_the_entry_is_posted(emulator: SlackEmulator, database_url: str) -> None:
    def second(body: dict[str, Any]) -> str:
        return json.dumps({"entry_id": offered_ids(body)[1], "reason": "about the return"})

    with (
        FakeOpenAI(choice=second) as model,
        running_bot(emulator, database_url, openai_base_url=model.base_url) as bot,
    ):
        sync_faq_at_start(bot.services)
        mention(bot, f"{BOT_MENTION} draft a reply to: @dana when do I get my money back?")
        message = suggestion_message(bot)
        choice = next(r for r in model.requests if is_structured(r))
        # A redraw from the store (here after Not helpful) still says who chose.
        click(bot, message, NOT_HELPFUL_ACTION)
        bot.emulator.wait_for("chat.update", 2)
        redrawn = all_text(suggestion_message(bot))
    picked, matchers_best = offered_ids(choice)[1], offered_ids(choice)[0]
    shown = all_text(message)
    assert f"FAQ `{picked}` · picked by the model" in shown
    assert f"FAQ `{picked}` · picked by the model" in redrawn
    assert ANOTHER_ACTION in buttons(message)
    with bot.services.sessions() as session:
        (row,) = session.exec(select(ReplySuggestion)).all()
    assert row.faq_id == picked
    assert [m[0] for m in json.loads(row.ranked_ids)][:2] == [picked, matchers_best]
    assert "about the return" not in json.dumps(message)  # the model's words stay out of Slack
    assert bot.emulator.violations == []


def test_a_model_that_invents_a_discount_is_overruled(
    emulator: SlackEmulator, database_url: str
) -> None:
    with (
        FakeOpenAI(reply="Hey dana! Here's 20% off with SORRY20 for the wait.") as model,
        running_bot(emulator, database_url, openai_base_url=model.base_url) as bot,
    ):
        sync_faq_at_start(bot.services)
        mention(bot, f"{BOT_MENTION} draft a reply to: @dana my parcel still hasn't turned up")
        shown = all_text(suggestion_message(bot))
    assert "SORRY20" not in shown
    assert "template text" in shown
    assert "added a percentage and a code not in the sources" in shown
    assert "20%" not in shown


def test_the_models_none_posts_the_close_entries_with_a_note(
    emulator: SlackEmulator, database_url: str
) -> None:
    none = json.dumps({"entry_id": None, "reason": "not about that"})
    with (
        FakeOpenAI(choice=none) as model,
        running_bot(emulator, database_url, openai_base_url=model.base_url) as bot,
    ):
        sync_faq_at_start(bot.services)
        mention(bot, f"{BOT_MENTION} draft a reply to: @dana when do I get my money back?")
        message = suggestion_message(bot)
        (choice,) = model.requests  # nothing drafted, so nothing polished
    shown = all_text(message)
    assert "The model judged that no FAQ entry answers this message." in shown
    assert f"FAQ `{offered_ids(choice)[0]}`" in shown  # still there to pick with Use this
    assert USE_CANDIDATE_ACTION in shown
    with bot.services.sessions() as session:
        assert session.exec(select(FaqGap)).all() == []  # None of these would record it
    assert bot.emulator.violations == []
