"""The payload builders carry every field of Slack's official shapes, with values bolt reads right."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from slack_sdk.models.blocks import Block

from slack_emulator import payloads
from slack_emulator.reference import load_payload_shape

RESPONSE_URL = "https://hooks.slack.com/commands/T0SOCIAL/1234567890123/AbCdEfGhIjKlMnOpQrStUvWx"

SHAPE_NAMES = [
    "SlashCommandPayload",
    "BlockActionPayload",
    "ViewSubmissionPayload",
    "ViewClosedPayload",
    "MessageShortcutPayload",
    "AppMentionPayload",
    "AppHomeOpenedPayload",
    "MessagePayload",
    "ReactionAddedPayload",
]

# Every event shape shows a slightly different copy of the same Events API envelope; the
# built-in envelope is their union, so each event payload has a few keys its own shape lacks.
ENVELOPE_UNION = {".context_team_id", ".context_enterprise_id", ".authed_users", ".authed_teams"}


def missing_paths(
    shape: Any, actual: Any, path: str = "", *, skip: frozenset[str] = frozenset()
) -> list[str]:
    """Key paths of ``shape`` absent from ``actual``.

    Objects: every key must be there. Lists: the shape shows one element; each key path of it
    must exist in some element of ``actual`` (an empty or null list has nothing to check: nothing
    of that kind in this scenario). Null stands for a free-form map or a list that does not apply.
    Maps keyed by ids (``shares.public``/``shares.private``: by channel) compare entry with entry.
    """
    if path in skip:
        return []
    if isinstance(shape, list):
        if actual is None:
            return []
        if not isinstance(actual, list):
            return [f"{path} (not a list)"]
        if not shape or not isinstance(shape[0], dict) or not actual:
            return []
        per_element = [
            set(missing_paths(shape[0], item, f"{path}[]", skip=skip)) for item in actual
        ]
        return sorted(set.intersection(*per_element))
    if not isinstance(shape, dict):
        return []
    if path.endswith((".shares.public", ".shares.private")):
        entries = actual if isinstance(actual, dict) else {}
        return [
            problem
            for entry in shape.values()
            for key, value in entries.items()
            for problem in missing_paths(entry, value, f"{path}.{key}", skip=skip)
        ]
    if not shape and actual is None:
        return []
    if not isinstance(actual, dict):
        return [f"{path} (not an object)"]
    problems: list[str] = []
    for key, child in shape.items():
        if key not in actual:
            problems.append(f"{path}.{key}")
        else:
            problems.extend(missing_paths(child, actual[key], f"{path}.{key}", skip=skip))
    return problems


def official_shape(name: str) -> dict[str, Any]:
    shape = load_payload_shape(name)
    if shape is None:
        pytest.skip(f"slack-reference absent: payload-shapes/{name}.json not found")
    return shape


def first_elements_only(shape: Any) -> Any:
    """The official shape as the built-in copy holds it: lists by their first element."""
    if isinstance(shape, dict):
        return {key: first_elements_only(value) for key, value in shape.items()}
    if isinstance(shape, list):
        return [first_elements_only(shape[0])] if shape and isinstance(shape[0], dict) else []
    return None


# -- the built-in copy of the shapes ------------------------------------------------------------


@pytest.mark.parametrize("name", SHAPE_NAMES)
def test_builtin_copy_has_every_key_path_of_the_official_shape(name: str) -> None:
    shape = official_shape(name)
    assert missing_paths(shape, payloads.blank_payload(name)) == []


@pytest.mark.parametrize("name", SHAPE_NAMES)
def test_builtin_copy_adds_nothing_but_the_envelope_union(name: str) -> None:
    shape = first_elements_only(official_shape(name))
    extra = set(missing_paths(payloads.blank_payload(name), shape)) - ENVELOPE_UNION
    # The copy keeps map entries keyed by ids under "*".
    assert {path for path in extra if ".*" not in path} == set()


# -- every builder carries every field ----------------------------------------------------------


def _user_message() -> dict[str, Any]:
    return payloads.message(text="Hi <@U0CARE>, my order #1234 never arrived :(", user="U0CUSTOMER")


BUILDERS: dict[str, tuple[str, Callable[[], dict[str, Any]], frozenset[str]]] = {
    "slash_command": (
        "SlashCommandPayload",
        lambda: payloads.slash_command(text="draft hello", response_url=RESPONSE_URL),
        frozenset(),
    ),
    "block_actions on the card": (
        "BlockActionPayload",
        lambda: payloads.block_actions(
            actions=[payloads.button_action(action_id="approve_draft", value="draft:7")],
            response_url=RESPONSE_URL,
        ),
        frozenset(),
    ),
    "block_actions in a modal": (
        "BlockActionPayload",
        lambda: payloads.block_actions(
            actions=[payloads.button_action(action_id="add_channel", value="x")],
            view={"callback_id": "draft_modal"},
        ),
        frozenset(),
    ),
    "view_submission": (
        "ViewSubmissionPayload",
        lambda: payloads.view_submission(
            callback_id="draft_modal",
            values={"post": {"text": {"type": "plain_text_input", "value": "Hello"}}},
        ),
        frozenset(),
    ),
    "view_closed": (
        "ViewClosedPayload",
        lambda: payloads.view_closed(callback_id="draft_modal"),
        frozenset(),
    ),
    # A person's message has rich_text blocks, not the shape's example (an app's actions block).
    "message_shortcut": (
        "MessageShortcutPayload",
        lambda: payloads.message_shortcut(
            callback_id="draft_reply", message=_user_message(), response_url=RESPONSE_URL
        ),
        frozenset({".message.blocks"}),
    ),
    "message_shortcut on a bot card": (
        "MessageShortcutPayload",
        lambda: payloads.message_shortcut(
            callback_id="hand_off",
            message=payloads.block_actions(actions=[])["message"],
            response_url=RESPONSE_URL,
        ),
        frozenset(),
    ),
    "app_mention": (
        "AppMentionPayload",
        lambda: payloads.event_callback(payloads.app_mention(text="<@UBOTSOCIAL> help")),
        frozenset({".event.blocks"}),
    ),
    "app_home_opened": (
        "AppHomeOpenedPayload",
        lambda: payloads.event_callback(payloads.app_home_opened()),
        frozenset(),
    ),
    "app_home_opened on the messages tab": (
        "AppHomeOpenedPayload",
        lambda: payloads.event_callback(payloads.app_home_opened(tab="messages")),
        frozenset(),
    ),
    "message": (
        "MessagePayload",
        lambda: payloads.event_callback(_user_message()),
        frozenset({".event.blocks"}),
    ),
    "reaction_added": (
        "ReactionAddedPayload",
        lambda: payloads.event_callback(
            payloads.reaction_added(reaction="white_check_mark", item_ts=payloads.new_ts())
        ),
        frozenset(),
    ),
}


@pytest.mark.parametrize("case", BUILDERS)
def test_builder_has_every_key_path_of_the_official_shape(case: str) -> None:
    name, build, skip = BUILDERS[case]
    assert missing_paths(official_shape(name), build(), skip=skip) == []


@pytest.mark.parametrize("case", BUILDERS)
def test_builder_has_every_key_path_of_the_builtin_shape(case: str) -> None:
    """The same check without the reference folder, against the module's own copy."""
    name, build, skip = BUILDERS[case]
    assert missing_paths(payloads.blank_payload(name), build(), skip=skip) == []


def test_the_card_covers_the_shapes_block_example() -> None:
    card = payloads.block_actions(actions=[])["message"]
    block_shape = payloads.blank_payload("BlockActionPayload")["message"]["blocks"]
    assert missing_paths(block_shape, card["blocks"]) == []


# -- values ---------------------------------------------------------------------------------


def all_values(data: Any) -> list[Any]:
    if isinstance(data, dict):
        return [value for child in data.values() for value in all_values(child)]
    if isinstance(data, list):
        return [value for child in data for value in all_values(child)]
    return [data]


def test_ids_are_unique_and_shaped_like_slacks() -> None:
    trigger_ids = {payloads.new_trigger_id() for _ in range(200)}
    event_ids = {payloads.new_event_id() for _ in range(200)}
    view_ids = {payloads.new_view_id() for _ in range(200)}
    stamps = [payloads.new_ts() for _ in range(200)]
    assert len(trigger_ids) == len(event_ids) == len(view_ids) == len(set(stamps)) == 200
    assert all(re.fullmatch(r"\d+\.\d+\.[0-9a-f]{32}", trigger_id) for trigger_id in trigger_ids)
    assert all(re.fullmatch(r"Ev[0-9A-Z]{8,}", event_id) for event_id in event_ids)
    assert all(re.fullmatch(r"V[0-9A-Z]{9,}", view_id) for view_id in view_ids)
    assert all(re.fullmatch(r"\d{10}\.\d{6}", ts) for ts in stamps)
    assert stamps == sorted(stamps, key=float)


def test_each_call_generates_fresh_ids() -> None:
    first = payloads.event_callback(payloads.app_mention(text="hi"))
    second = payloads.event_callback(payloads.app_mention(text="hi"))
    assert first["event_id"] != second["event_id"]
    assert first["event"]["ts"] != second["event"]["ts"]
    assert first["event"]["client_msg_id"] != second["event"]["client_msg_id"]
    click = payloads.block_actions(actions=[])
    assert click["trigger_id"] != payloads.block_actions(actions=[])["trigger_id"]


def test_slash_command_is_form_fields_of_strings() -> None:
    form = payloads.slash_command(text="draft Hello & <world>", response_url=RESPONSE_URL)
    assert all(isinstance(value, str) for value in form.values())
    assert form["command"] == "/social"
    assert form["text"] == "draft Hello & <world>"
    assert form["team_id"] == "T0SOCIAL"
    assert form["user_id"] == "U0AUTHOR"
    assert form["channel_id"] == "C0SOCIAL"
    assert form["response_url"] == RESPONSE_URL
    assert form["is_enterprise_install"] == "false"
    assert form["trigger_id"]


def test_a_click_happens_on_the_bots_card_which_holds_the_clicked_button() -> None:
    action = payloads.button_action(action_id="approve_draft", value="draft:7", text="Approve")
    body = payloads.block_actions(actions=[action], response_url=RESPONSE_URL)

    message = body["message"]
    assert message["bot_id"] == payloads.BOT_ID
    assert message["user"] == payloads.BOT_USER_ID
    buttons = [
        element
        for block in message["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
    ]
    assert {"approve_draft", "draft:7"} <= {buttons[0]["action_id"], buttons[0]["value"]}
    assert body["container"] == body["container"] | {
        "type": "message",
        "message_ts": message["ts"],
        "channel_id": "C0SOCIAL",
        "is_ephemeral": False,
    }
    assert body["channel"] == {"id": "C0SOCIAL", "name": "social-team"}
    assert body["response_url"] == RESPONSE_URL
    assert body["actions"][0]["value"] == "draft:7"
    assert body["actions"][0]["type"] == "button"
    assert body["state"] == {"values": {}}


def test_the_card_is_valid_block_kit_without_padding() -> None:
    blocks = payloads.block_actions(actions=[])["message"]["blocks"]
    assert None not in all_values(blocks)
    for block in blocks:
        parsed = Block.parse(block)
        assert parsed is not None
        parsed.validate_json()


def test_fields_that_do_not_apply_are_null_where_bolt_would_misread_blanks() -> None:
    body = payloads.block_actions(actions=[])
    # A blank bot_access_token with a function execution id would replace the listener's token.
    assert body["bot_access_token"] is None
    assert body["function_data"]["execution_id"] is None
    # A blank app_installed_team_id would win over team.id in bolt's context.
    assert body["view"]["app_installed_team_id"] is None
    assert body["enterprise"] == {"id": None, "name": None}
    assert body["message"]["files"] == []
    assert body["message"]["room"]["id"] is None


def test_a_click_in_a_modal_has_the_view_and_no_channel() -> None:
    state = {"channel": {"pick": {"type": "channels_select", "selected_channel": "C0SOCIAL"}}}
    body = payloads.block_actions(
        actions=[payloads.button_action(action_id="add", value="1")],
        view={"callback_id": "draft_modal", "private_metadata": "draft:7"},
        state_values=state,
    )
    assert body["container"]["type"] == "view"
    assert body["container"]["view_id"] == body["view"]["id"]
    assert body["view"]["callback_id"] == "draft_modal"
    assert body["view"]["state"] == {"values": state}
    assert body["channel"]["id"] is None
    assert body["message"]["ts"] is None
    assert body["response_url"] is None


def test_view_submission_has_state_and_the_input_blocks_it_came_from() -> None:
    values = {"post": {"text": {"type": "plain_text_input", "value": "Spring is here"}}}
    body = payloads.view_submission(
        callback_id="draft_modal", values=values, private_metadata="C0SOCIAL", view_id="V0DRAFT"
    )
    view = body["view"]
    assert body["type"] == "view_submission"
    assert view["id"] == view["root_view_id"] == "V0DRAFT"
    assert view["state"] == {"values": values}
    assert view["private_metadata"] == "C0SOCIAL"
    assert view["app_installed_team_id"] == "T0SOCIAL"
    assert [(block["block_id"], block["element"]["action_id"]) for block in view["blocks"]] == [
        ("post", "text")
    ]
    assert body["response_urls"] == []


def test_view_closed_is_sent_for_views_that_asked_for_it() -> None:
    body = payloads.view_closed(callback_id="draft_modal", private_metadata="7")
    assert body["type"] == "view_closed"
    assert body["view"]["notify_on_close"] is True
    assert body["is_cleared"] is False


def test_message_shortcut_points_at_the_message() -> None:
    message = _user_message()
    body = payloads.message_shortcut(
        callback_id="draft_reply", message=message, response_url=RESPONSE_URL
    )
    assert body["type"] == "message_action"
    assert body["message_ts"] == message["ts"] == body["message"]["ts"]
    assert body["message"]["text"] == message["text"]
    assert body["message"]["user"] == "U0CUSTOMER"
    assert body["channel"]["id"] == "C0SOCIAL"


def test_a_persons_message_has_no_subtype_key_and_a_rich_text_block() -> None:
    event = payloads.message(text="Hello <@UBOTSOCIAL> &amp; team")
    assert "subtype" not in event
    assert event["bot_id"] is None
    assert event["channel_type"] == "channel"
    elements = event["blocks"][0]["elements"][0]["elements"]
    assert elements == [
        {"type": "text", "text": "Hello "},
        {"type": "user", "user_id": "UBOTSOCIAL"},
        {"type": "text", "text": " & team"},
    ]


def test_a_thread_reply_and_a_bot_message() -> None:
    reply = payloads.message(text="on it", thread_ts="1718000000.000100", channel="D0AUTHOR")
    assert reply["thread_ts"] == "1718000000.000100"
    assert reply["parent_user_id"] == "U0AUTHOR"
    assert reply["channel_type"] == "im"
    bot = payloads.message(
        text="done", user="UBOTSOCIAL", bot_id="BBOTSOCIAL", subtype="bot_message"
    )
    assert bot["subtype"] == "bot_message"
    assert bot["bot_profile"]["id"] == "BBOTSOCIAL"
    assert bot["client_msg_id"] is None


def test_app_home_opened_carries_the_published_home_view() -> None:
    home = payloads.app_home_opened()
    assert home["view"]["type"] == "home"
    assert home["channel"].startswith("D")
    assert home["view"]["close"] == {"type": None, "text": None, "emoji": None}
    assert payloads.app_home_opened(tab="messages")["view"]["id"] is None


def test_event_callback_envelope() -> None:
    event = payloads.reaction_added(reaction="eyes", item_ts="1718000000.000100")
    envelope = payloads.event_callback(event, event_id="Ev0FIXED01", event_time=1718000001)
    assert envelope["type"] == "event_callback"
    assert envelope["event_id"] == "Ev0FIXED01"
    assert envelope["event_time"] == 1718000001
    assert envelope["event"] == event
    assert envelope["authorizations"] == [
        {
            "enterprise_id": None,
            "team_id": "T0SOCIAL",
            "user_id": "UBOTSOCIAL",
            "is_bot": True,
            "is_enterprise_install": False,
        }
    ]
    assert envelope["is_ext_shared_channel"] is False
    context = envelope["event_context"].removeprefix("4-")
    decoded = json.loads(base64.urlsafe_b64decode(context + "=" * (-len(context) % 4)))
    assert decoded == {
        "et": "reaction_added",
        "tid": "T0SOCIAL",
        "aid": "A0SOCIAL",
        "cid": "C0SOCIAL",
    }


def test_event_time_follows_the_event() -> None:
    envelope = payloads.event_callback(payloads.app_mention(text="hi", ts="1718000000.000100"))
    assert envelope["event_time"] == 1718000000


def test_builders_do_not_share_state_with_their_arguments() -> None:
    message = _user_message()
    values = {"post": {"text": {"type": "plain_text_input", "value": "a"}}}
    shortcut = payloads.message_shortcut(
        callback_id="draft_reply", message=message, response_url=RESPONSE_URL
    )
    submission = payloads.view_submission(callback_id="m", values=values)
    shortcut["message"]["text"] = "changed"
    submission["view"]["state"]["values"]["post"]["text"]["value"] = "changed"
    assert message["text"] != "changed"
    assert values["post"]["text"]["value"] == "a"


def test_without_absent_fields_gives_the_sparse_form() -> None:
    sparse = payloads.without_absent_fields(payloads.block_actions(actions=[]))
    assert None not in all_values(sparse)
    assert "view" not in sparse
    assert "enterprise" not in sparse
    assert "function_data" not in sparse
    assert "room" not in sparse["message"]
    assert sparse["is_enterprise_install"] is False
    assert sparse["team"] == {"id": "T0SOCIAL", "domain": "socialops-hq"}
    assert sparse["message"]["reactions"] == []


def test_objects_the_caller_gives_are_completed_down_to_map_entries() -> None:
    partial_file = {
        "id": "F0SCREEN",
        "name": "screenshot.png",
        "shares": {"public": {"C0SOCIAL": [{"ts": "1718000000.000100"}]}},
    }
    message = _user_message() | {"files": [partial_file]}
    body = payloads.message_shortcut(
        callback_id="draft_reply", message=message, response_url=RESPONSE_URL
    )
    built = body["message"]["files"][0]
    assert built["id"] == "F0SCREEN"
    assert built["is_external"] is False
    assert built["transcription"]["status"] is None
    share = built["shares"]["public"]["C0SOCIAL"][0]
    assert share["ts"] == "1718000000.000100"
    assert share["reply_users"] == []
    assert share["channel_name"] is None
    file_shape = payloads.blank_payload("MessageShortcutPayload")["message"]["files"]
    assert missing_paths(file_shape, body["message"]["files"]) == []


@pytest.mark.parametrize(
    "action",
    [
        payloads.button_action(action_id="open_preview", value=""),
        payloads.button_action(action_id="reject_draft", value="draft:7", style="danger"),
        payloads.button_action(action_id="claim", value="", block_id="other"),
    ],
)
def test_the_card_stays_valid_whatever_was_clicked(action: dict[str, Any]) -> None:
    blocks = payloads.block_actions(actions=[action])["message"]["blocks"]
    action_ids = [
        element["action_id"]
        for block in blocks
        if block["type"] == "actions"
        for element in block["elements"]
    ]
    assert action["action_id"] in action_ids
    assert len(action_ids) == len(set(action_ids))
    for block in blocks:
        parsed = Block.parse(block)
        assert parsed is not None
        parsed.validate_json()


def test_a_click_on_a_given_message_happens_where_the_message_is() -> None:
    posted = {"type": "message", "channel": "C0APPROVALS", "ts": "1718000000.000100", "text": "x"}
    body = payloads.block_actions(
        actions=[payloads.button_action(action_id="a", value="1")], message=posted
    )
    assert body["channel"] == {"id": "C0APPROVALS", "name": "social-approvals"}
    assert body["container"]["message_ts"] == "1718000000.000100"
    assert body["message"]["text"] == "x"
    assert body["message"]["files"] == []
