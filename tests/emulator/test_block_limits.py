"""Block Kit limits as Slack enforces them: each over-limit payload is caught, real ones pass."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from slack_emulator.block_limits import LIMITS, check_message, check_view
from slack_emulator.reference import reference_dir


def _text(text: str, kind: str = "plain_text") -> dict[str, Any]:
    return {"type": kind, "text": text}


def _section(text: str = "hello") -> dict[str, Any]:
    return {"type": "section", "text": _text(text, "mrkdwn")}


def _button(label: str = "Approve", **extra: Any) -> dict[str, Any]:
    return {"type": "button", "text": _text(label), "action_id": "approve", **extra}


def _option(text: str = "One", value: str = "1") -> dict[str, Any]:
    return {"text": _text(text), "value": value}


def _modal(**extra: Any) -> dict[str, Any]:
    return {"type": "modal", "title": _text("Draft a post"), "blocks": [_section()], **extra}


def approval_card() -> dict[str, Any]:
    """A realistic message: the kind of approval card the bot posts."""
    return {
        "text": "New draft from <@U0AUTHOR> waiting for approval",
        "blocks": [
            {"type": "header", "text": _text("Draft #42 needs approval")},
            {
                "type": "section",
                "block_id": "draft",
                "text": _text("*Channel:* X (Twitter)\n>Our spring sale starts Monday!", "mrkdwn"),
                "fields": [
                    _text("*Author*\n<@U0AUTHOR>", "mrkdwn"),
                    _text("*Due*\ntoday", "mrkdwn"),
                ],
                "accessory": {
                    "type": "overflow",
                    "action_id": "draft_more",
                    "options": [_option("Edit", "edit"), _option("Withdraw", "withdraw")],
                },
            },
            {"type": "divider"},
            {
                "type": "actions",
                "block_id": "decision",
                "elements": [
                    _button("Approve", style="primary", value="42"),
                    {
                        "type": "button",
                        "text": _text("Reject"),
                        "action_id": "reject",
                        "style": "danger",
                        "value": "42",
                        "confirm": {
                            "title": _text("Reject this draft?"),
                            "text": _text("The author will be told.", "mrkdwn"),
                            "confirm": _text("Reject"),
                            "deny": _text("Keep it"),
                        },
                    },
                ],
            },
            {"type": "context", "elements": [_text("Requested 2 minutes ago", "mrkdwn")]},
        ],
    }


def test_a_realistic_card_passes_clean() -> None:
    assert check_message(approval_card()) == []


def test_fifty_blocks_pass_and_fifty_one_do_not() -> None:
    assert check_message({"blocks": [_section()] * 50}) == []
    [violation] = check_message({"blocks": [_section()] * 51})
    assert violation.pointer == "/blocks"
    assert violation.error == "invalid_blocks"
    assert "51 items, over the limit of 50" in violation.problem


def test_a_76_character_button_label_is_caught() -> None:
    message = {"blocks": [{"type": "actions", "elements": [_button("x" * 76)]}]}
    [violation] = check_message(message)
    assert violation.pointer == "/blocks/0/elements/0/text/text"
    assert violation.problem == "button text is 76 characters, over the limit of 75"
    assert violation.slack_message().startswith("[ERROR] button text is 76 characters")


def test_a_3001_character_section_is_caught() -> None:
    assert check_message({"blocks": [_section("x" * 3000)]}) == []
    [violation] = check_message({"blocks": [_section("x" * 3001)]})
    assert violation.pointer == "/blocks/0/text/text"


def test_message_text_over_40000_characters_is_msg_too_long() -> None:
    [violation] = check_message({"text": "x" * 40_001})
    assert violation.error == "msg_too_long"


def _section_with_fields(count: int, size: int = 5) -> dict[str, Any]:
    return {"type": "section", "fields": [_text("x" * size, "mrkdwn")] * count}


def _actions(count: int) -> dict[str, Any]:
    return {
        "type": "actions",
        "elements": [_button(action_id=f"a{i}") for i in range(count)],
    }


def _select(options: int, text: str = "One") -> dict[str, Any]:
    return {
        "type": "section",
        "text": _text("Pick", "mrkdwn"),
        "accessory": {
            "type": "static_select",
            "action_id": "pick",
            "options": [_option(text, str(i)) for i in range(options)],
        },
    }


OVER_LIMIT_BLOCKS: list[tuple[str, Callable[[], dict[str, Any]], str]] = [
    ("eleven section fields", lambda: _section_with_fields(11), "/blocks/0/fields"),
    ("a 2001-character field", lambda: _section_with_fields(1, 2001), "/blocks/0/fields/0/text"),
    ("a 151-character header", lambda: {"type": "header", "text": _text("h" * 151)}, "/text/text"),
    ("26 action elements", lambda: _actions(26), "/blocks/0/elements"),
    (
        "11 context elements",
        lambda: {"type": "context", "elements": [_text("c", "mrkdwn")] * 11},
        "/blocks/0/elements",
    ),
    ("a 2001-character button value", lambda: _actions_with(value="v" * 2001), "/value"),
    ("a 3001-character button url", lambda: _actions_with(url="u" * 3001), "/url"),
    ("a 256-character action_id", lambda: _actions_with(action_id="a" * 256), "/action_id"),
    ("a 256-character block_id", lambda: {**_section(), "block_id": "b" * 256}, "/block_id"),
    ("101 select options", lambda: _select(101), "/accessory/options"),
    ("a 76-character option", lambda: _select(1, "o" * 76), "/accessory/options/0/text/text"),
    ("an unknown block type", lambda: {"type": "carousel"}, "/blocks/0/type"),
    ("an empty section text", lambda: _section(""), "/blocks/0/text/text"),
    ("a section with neither text nor fields", lambda: {"type": "section"}, "/blocks/0"),
    (
        "a 2001-character input label",
        lambda: {
            "type": "input",
            "label": _text("l" * 2001),
            "element": {"type": "plain_text_input", "action_id": "body"},
        },
        "/blocks/0/label/text",
    ),
]


def _actions_with(**button: Any) -> dict[str, Any]:
    return {"type": "actions", "elements": [{**_button(), **button}]}


@pytest.mark.parametrize(
    ("block", "pointer_end"),
    [(build, pointer) for _, build, pointer in OVER_LIMIT_BLOCKS],
    ids=[name for name, _, _ in OVER_LIMIT_BLOCKS],
)
def test_each_block_limit_is_caught(block: Callable[[], dict[str, Any]], pointer_end: str) -> None:
    violations = check_message({"blocks": [block()]})
    assert violations, "expected a violation"
    assert violations[0].pointer.endswith(pointer_end), violations


def test_an_option_value_over_150_characters_is_caught() -> None:
    block = _select(1)
    block["accessory"]["options"][0]["value"] = "v" * 151
    [violation] = check_message({"blocks": [block]})
    assert violation.problem == "option value is 151 characters, over the limit of 150"


def test_block_ids_must_be_unique_in_a_message() -> None:
    blocks = [{**_section(), "block_id": "same"}, {**_section(), "block_id": "same"}]
    [violation] = check_message({"blocks": blocks})
    assert violation.pointer == "/blocks/1/block_id"


def test_action_ids_must_be_unique_within_an_actions_block() -> None:
    block = {"type": "actions", "elements": [_button(), _button("Again")]}
    [violation] = check_message({"blocks": [block]})
    assert violation.pointer == "/blocks/0/elements/1/action_id"


def test_a_confirm_dialog_over_its_limits_is_caught() -> None:
    message = approval_card()
    message["blocks"][3]["elements"][1]["confirm"]["deny"] = _text("n" * 31)
    [violation] = check_message(message)
    assert violation.problem == "deny button is 31 characters, over the limit of 30"


def test_views_get_100_blocks_and_report_invalid_arguments() -> None:
    assert check_view(_modal(blocks=[_section()] * 100)) == []
    [violation] = check_view(_modal(blocks=[_section()] * 101))
    assert violation.pointer == "/view/blocks"
    assert violation.error == "invalid_arguments"


def test_a_home_view_gets_100_blocks_too() -> None:
    """views.publish: the App Home lists drafts and handoffs, and must stop at 100 blocks."""
    home = {"type": "home", "blocks": [_section()] * 100}
    assert check_view(home, expected_type="home") == []
    [violation] = check_view({**home, "blocks": [_section()] * 101}, expected_type="home")
    assert (violation.pointer, violation.error) == ("/view/blocks", "invalid_arguments")
    assert violation.problem == "blocks in a view is 101 items, over the limit of 100"


@pytest.mark.parametrize(
    ("extra", "pointer"),
    [
        ({"title": _text("t" * 25)}, "/view/title/text"),
        ({"submit": _text("s" * 25)}, "/view/submit/text"),
        ({"close": _text("c" * 25)}, "/view/close/text"),
        ({"private_metadata": "m" * 3001}, "/view/private_metadata"),
        ({"callback_id": "c" * 256}, "/view/callback_id"),
    ],
)
def test_modal_limits(extra: dict[str, Any], pointer: str) -> None:
    [violation] = check_view(_modal(**extra))
    assert violation.pointer == pointer


def test_a_view_of_the_wrong_type_is_refused() -> None:
    [violation] = check_view(_modal(), expected_type="home")
    assert violation.pointer == "/view/type"
    assert check_view({"type": "home", "blocks": []}, expected_type="home") == []


def test_every_limit_names_what_it_bounds() -> None:
    for kind, limits in LIMITS.items():
        for limit in limits:
            assert limit.what, f"{kind}.{limit.field} needs a name for people"
            assert limit.maximum is not None or limit.minimum > 0


def _reference_views() -> list[Any]:
    base = reference_dir()
    folder = base / "block-kit-views" if base is not None else None
    if folder is None or not folder.is_dir():
        return []
    return sorted(folder.glob("view_*.json"))


@pytest.mark.parametrize(
    "path", _reference_views() or [None], ids=lambda p: getattr(p, "name", "absent")
)
def test_slacks_own_example_views_pass(path: Any) -> None:
    if path is None:
        pytest.skip(
            "shared/slack-reference/block-kit-views is absent: Slack's examples not checked"
        )
    view = json.loads(path.read_text(encoding="utf-8"))
    assert check_view(view) == []
