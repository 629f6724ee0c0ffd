"""The shared Block Kit helpers: the exact JSON, never-empty text, and Slack's limits."""

from __future__ import annotations

import json

from bot.blocks import kit
from slack_emulator.block_limits import check_message, check_view


def test_text_objects_and_simple_blocks() -> None:
    assert kit.plain_text("Hi") == {"type": "plain_text", "text": "Hi", "emoji": True}
    assert kit.mrkdwn("*Hi*") == {"type": "mrkdwn", "text": "*Hi*"}
    assert kit.section("a") == {"type": "section", "text": {"type": "mrkdwn", "text": "a"}}
    assert kit.context("b") == {"type": "context", "elements": [{"type": "mrkdwn", "text": "b"}]}
    assert kit.header("c") == {"type": "header", "text": kit.plain_text("c")}
    assert kit.divider() == {"type": "divider"}


def test_empty_text_becomes_a_space_because_slack_refuses_empty_text() -> None:
    assert kit.plain_text("")["text"] == " "
    assert kit.section("")["text"]["text"] == " "
    assert kit.context("")["elements"][0]["text"] == " "


def test_a_button_with_style_confirm_and_a_section_accessory() -> None:
    confirm = kit.confirm_dialog(title="Sure?", text="Really.", confirm="Yes")
    assert confirm["deny"] == kit.plain_text("Cancel")
    pressed = kit.button("Go", "go_action", "7", style="danger", confirm=confirm)
    assert pressed == {
        "type": "button",
        "text": kit.plain_text("Go"),
        "action_id": "go_action",
        "value": "7",
        "style": "danger",
        "confirm": confirm,
    }
    assert "style" not in kit.button("Go", "go_action", "7")
    block = kit.section("text", accessory=pressed)
    assert block["accessory"] is pressed
    assert kit.actions("row", [pressed]) == {
        "type": "actions",
        "block_id": "row",
        "elements": [pressed],
    }


def test_an_option_label_is_cut_to_slacks_limit() -> None:
    chosen = kit.option("x" * 200, "v")
    assert len(chosen["text"]["text"]) == kit.OPTION_LABEL_CHARS
    assert chosen["text"]["text"].endswith("…")
    assert chosen["value"] == "v"


def test_inputs_and_a_modal_fit_slacks_limits() -> None:
    long_text = kit.text_input(max_length=100, multiline=True, initial_value="y" * 500)
    assert long_text == {
        "type": "plain_text_input",
        "action_id": "value",
        "max_length": 100,
        "multiline": True,
        "initial_value": "y" * 100,
    }
    assert kit.text_input(max_length=5) == {
        "type": "plain_text_input",
        "action_id": "value",
        "max_length": 5,
    }
    field = kit.input_block("note", "Why?", long_text, optional=True, hint="Be brief.")
    assert (field["block_id"], field["optional"], field["hint"]["text"]) == (
        "note",
        True,
        "Be brief.",
    )
    assert "optional" not in kit.input_block("note", "Why?", long_text)
    view = kit.modal(
        callback_id="cb",
        title="A title far longer than Slack allows",
        submit="Send",
        blocks=[field],
        private_metadata=json.dumps({"id": 1}),
    )
    assert view["title"]["text"] == "A title far longer than "[:24]
    assert view["close"] == kit.plain_text("Cancel")
    assert check_view(view) == []


def test_messages() -> None:
    message = kit.text_message("Done <@U1>.")
    assert message == {"text": "Done <@U1>.", "blocks": [kit.section("Done <@U1>.")]}
    assert check_message(message) == []
