"""Builders of the request payloads Slack sends to the bot, carrying every field Slack's shapes have.

Each builder returns a plain dict (for a slash command: the form fields as strings) with every key of
Slack's official payload shape and realistic values for the scenario: a click on the bot's approval
card, a person's message with the ``rich_text`` block Slack derives from it, an Events API envelope
with ``authorizations`` and ``event_context``. Fields that do not apply are null, objects of nulls
or empty lists, never blank strings; ``slack_emulator.payload_shapes`` holds the copy of the shapes
and explains why. ``without_absent_fields`` turns any payload into the sparse form Slack sends.

Ids (trigger ids, timestamps, event and view ids) are new on every call and shaped like Slack's.
"""

from __future__ import annotations

import base64
import copy
import itertools
import json
import random
import re
import string
import threading
import time
import uuid
from collections.abc import Mapping
from typing import Any, Final

from slack_emulator.payload_shapes import SKELETONS, absent, complete, shape
from slack_emulator.payload_shapes import blank_payload as blank_payload  # part of this API
from slack_emulator.payload_shapes import without_absent_fields as without_absent_fields

TEAM_ID: Final = "T0SOCIAL"
TEAM_DOMAIN: Final = "socialops-hq"
APP_ID: Final = "A0SOCIAL"
BOT_ID: Final = "BBOTSOCIAL"
BOT_USER_ID: Final = "UBOTSOCIAL"
USER_ID: Final = "U0AUTHOR"
CHANNEL_ID: Final = "C0SOCIAL"
# The deprecated verification token Slack still puts in every payload; 24 characters like Slack's.
VERIFICATION_TOKEN: Final = "vErIfIcAtIoN0SoCiAlToKeN"  # noqa: S105 - a made-up value, not a secret

_USER_NAMES: Final = {
    USER_ID: "alex.author",
    BOT_USER_ID: "socialops",
    "U0APPROVER": "sam.approver",
}
_CHANNEL_NAMES: Final = {CHANNEL_ID: "social-team", "C0APPROVALS": "social-approvals"}
_BOT_ICON: Final = "https://avatars.slack-edge.com/2024-01-15/socialops_{size}.png"
_AVATAR: Final = "https://secure.gravatar.com/avatar/{hash}.jpg?s={size}&d=identicon"

# ---------------------------------------------------------------------------------------------
# Identifiers: unique per call (a process-wide counter) and shaped like Slack's.

_sequence = itertools.count(1)
_ts_lock = threading.Lock()
_last_ts_micros = 0
_ALNUM: Final = string.ascii_uppercase + string.digits
_TRIGGER_ID: Final = re.compile(r"(\d{1,15})\.\d+\.[0-9a-f]{32}")


def _base36(number: int, width: int) -> str:
    digits = ""
    while number:
        number, rest = divmod(number, 36)
        digits = _ALNUM[(rest + 26) % 36] + digits  # 0-9 then A-Z, like int(x, 36)
    return digits.rjust(width, "0")


def _random(length: int, alphabet: str = _ALNUM) -> str:
    return "".join(random.choices(alphabet, k=length))


def new_ts() -> str:
    """A message timestamp (``"1718000000.000100"``), strictly increasing within the process."""
    global _last_ts_micros
    with _ts_lock:
        _last_ts_micros = max(time.time_ns() // 1000, _last_ts_micros + 1)
        micros = _last_ts_micros
    return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"


def new_trigger_id(issued_at: float | None = None) -> str:
    """A trigger id like ``"1718000000123.000427381.8088930838d88f008e0…"``, issued now or at
    ``issued_at`` (epoch seconds).

    Its first part is the moment of the click in milliseconds: the emulator reads it back
    (``trigger_issued_at``) to refuse a trigger older than Slack's 3 seconds, as Slack does.
    """
    when = time.time() if issued_at is None else issued_at
    serial = f"{next(_sequence) % 100_000:05d}{_random(4, string.digits)}"
    return f"{int(when * 1000)}.{serial}.{uuid.uuid4().hex}"


def trigger_issued_at(trigger_id: str) -> float | None:
    """When ``new_trigger_id`` issued ``trigger_id`` (epoch seconds); None if it is not one."""
    match = _TRIGGER_ID.fullmatch(trigger_id)
    return int(match.group(1)) / 1000 if match else None


def new_event_id() -> str:
    """An Events API event id like ``"Ev0PV52K25"``."""
    return f"Ev{_base36(next(_sequence), 3)}{_random(5)}"


def new_view_id() -> str:
    """A view id like ``"V0123ABCDE"``."""
    return f"V{_base36(next(_sequence), 3)}{_random(6)}"


def _new_block_id() -> str:
    # Slack names blocks the sender left unnamed with a short random id.
    return _random(5, string.ascii_letters + string.digits)


def _view_hash() -> str:
    return f"{int(time.time())}.{_random(8, string.ascii_letters + string.digits)}"


def _user_name(user_id: str) -> str:
    return _USER_NAMES.get(user_id, user_id.lower())


def _channel_name(channel_id: str) -> str:
    return _CHANNEL_NAMES.get(channel_id, channel_id.lower())


# ---------------------------------------------------------------------------------------------
# Pieces shared by several payloads.

DEFAULT_ACTIONS_BLOCK: Final = "draft_actions"
_MARKUP: Final = re.compile(r"<([@#!][^>]+|https?://[^>]+|mailto:[^>]+)>")


def _plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text, "emoji": True}


def _team() -> dict[str, Any]:
    return {"id": TEAM_ID, "domain": TEAM_DOMAIN, "enterprise_id": None, "enterprise_name": None}


def _interactive_user(user_id: str) -> dict[str, Any]:
    name = _user_name(user_id)
    return {"id": user_id, "username": name, "name": name, "team_id": TEAM_ID}


def _bot_profile(bot_id: str) -> dict[str, Any]:
    ours = bot_id == BOT_ID
    return {
        "id": bot_id,
        "deleted": False,
        "name": "socialops" if ours else f"integration {bot_id.lower()}",
        "updated": 1705300000,
        "app_id": APP_ID if ours else f"A{bot_id[1:]}",
        "icons": {f"image_{size}": _BOT_ICON.format(size=size) for size in (36, 48, 72)},
        "team_id": TEAM_ID,
    }


def _user_profile(user_id: str) -> dict[str, Any]:
    name = _user_name(user_id)
    real_name = " ".join(part.capitalize() for part in re.split(r"[._]", name))
    avatar_hash = uuid.uuid5(uuid.NAMESPACE_URL, user_id).hex[:12]
    return {
        "name": name,
        "first_name": real_name.split()[0],
        "real_name": real_name,
        "display_name": name.split(".")[0],
        "team": TEAM_ID,
        "is_restricted": False,
        "is_ultra_restricted": False,
        "avatar_hash": f"g{avatar_hash[1:]}",
        "image_72": _AVATAR.format(hash=avatar_hash, size=72),
    }


def _unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _rich_text_element(token: str) -> dict[str, Any]:
    target, _, label = token.partition("|")
    if target.startswith("@"):
        return {"type": "user", "user_id": target[1:]}
    if target.startswith("#"):
        return {"type": "channel", "channel_id": target[1:]}
    if target.startswith("!subteam^"):
        return {"type": "usergroup", "usergroup_id": target.removeprefix("!subteam^")}
    if target.startswith("!"):
        return {"type": "broadcast", "range": target[1:]}
    link: dict[str, Any] = {"type": "link", "url": target}
    if label:
        link["text"] = _unescape(label)
    return link


def _rich_text(text: str) -> dict[str, Any]:
    """The ``rich_text`` block Slack attaches to what a person typed."""
    elements: list[dict[str, Any]] = []
    position = 0
    for match in _MARKUP.finditer(text):
        if match.start() > position:
            elements.append({"type": "text", "text": _unescape(text[position : match.start()])})
        elements.append(_rich_text_element(match.group(1)))
        position = match.end()
    if position < len(text):
        elements.append({"type": "text", "text": _unescape(text[position:])})
    section = {"type": "rich_text_section", "elements": elements}
    return {"type": "rich_text", "block_id": _new_block_id(), "elements": [section]}


def _channel_type(channel: str) -> str:
    return {"D": "im", "G": "group"}.get(channel[:1], "channel")


def _view(given: Mapping[str, Any]) -> dict[str, Any]:
    view_id = given.get("id") or new_view_id()
    realistic: dict[str, Any] = {
        "id": view_id,
        "team_id": TEAM_ID,
        "type": "modal",
        "blocks": [],
        "private_metadata": "",
        "callback_id": "",
        "state": {"values": {}},
        "hash": _view_hash(),
        "title": _plain("Socialops"),
        "clear_on_close": False,
        "notify_on_close": False,
        "close": _plain("Cancel"),
        "submit": _plain("Submit"),
        "previous_view_id": None,
        "root_view_id": view_id,
        "app_id": APP_ID,
        # Slack sends "" here (not null) when the app gave no external id.
        "external_id": "",
        "app_installed_team_id": TEAM_ID,
        "bot_id": BOT_ID,
    }
    # An id of None from the caller means "give it one", like a missing id.
    return complete(
        shape("ViewSubmissionPayload", "view"), realistic | dict(given) | {"id": view_id}
    )


def _input_blocks(values: Mapping[str, Mapping[str, Mapping[str, Any]]]) -> list[dict[str, Any]]:
    """The input blocks a modal must have had for Slack to report ``values``."""
    blocks: list[dict[str, Any]] = []
    for block_id, actions in values.items():
        for action_id, state in actions.items():
            element: dict[str, Any] = {
                "type": state.get("type", "plain_text_input"),
                "action_id": action_id,
            }
            if isinstance(state.get("selected_option"), dict):
                element["options"] = [state["selected_option"]]
            label = action_id.replace("_", " ").capitalize()
            blocks.append(
                {
                    "type": "input",
                    "block_id": block_id,
                    "label": _plain(label),
                    "optional": False,
                    "dispatch_action": False,
                    "element": element,
                }
            )
    return blocks


def _card_buttons(actions: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """The buttons of the card, by actions block: the clicked ones, Reject, and a link."""
    blocks: dict[str, list[dict[str, Any]]] = {}
    for action in actions:
        if action.get("type") not in (None, "button"):
            continue
        button: dict[str, Any] = {
            "type": "button",
            "action_id": action["action_id"],
            "text": action.get("text") or _plain("Button"),
        }
        # Block Kit refuses an empty value or style: leave them out as the bot would.
        for key in ("value", "style"):
            if action.get(key):
                button[key] = action[key]
        blocks.setdefault(action.get("block_id") or DEFAULT_ACTIONS_BLOCK, []).append(button)
    first = blocks.setdefault(next(iter(blocks), DEFAULT_ACTIONS_BLOCK), [])
    # Action ids must be unique in a message: add Reject and Preview only when not clicked.
    taken = {button["action_id"] for elements in blocks.values() for button in elements}
    if "reject_draft" not in taken:
        first.append(
            {
                "type": "button",
                "action_id": "reject_draft",
                "text": _plain("Reject"),
                "value": "draft:7",
                "style": "danger",
                "confirm": {
                    "title": _plain("Reject this draft?"),
                    "text": _plain("The author will see your reason."),
                    "confirm": _plain("Reject"),
                    "deny": _plain("Keep it"),
                    "style": "danger",
                },
                "accessibility_label": "Reject draft 7",
            }
        )
    if "open_preview" in taken:
        return blocks
    first.append(
        {
            "type": "button",
            "action_id": "open_preview",
            "text": _plain("Preview"),
            "url": "https://socialops.example/drafts/7/preview",
            "accessibility_label": "Open the preview of draft 7",
        }
    )
    return blocks


def _approval_card(actions: list[dict[str, Any]]) -> dict[str, Any]:
    """The bot's message a button was clicked in: an approval card for a draft post."""
    text = "Draft #7 by <@U0AUTHOR> for X is waiting for approval"
    summary = {
        "type": "section",
        "block_id": "draft_summary",
        "text": {
            "type": "mrkdwn",
            "text": f"*{text}*\n>Our spring collection drops Friday :sunflower: Who's ready?",
            "verbatim": False,
        },
    }
    button_blocks = [
        {"type": "actions", "block_id": block_id, "elements": elements}
        for block_id, elements in _card_buttons(actions).items()
    ]
    card = {
        "type": "message",
        "team": TEAM_ID,
        "user": BOT_USER_ID,
        "text": text,
        "blocks": [summary, *button_blocks],
        "ts": new_ts(),
        "app_id": APP_ID,
        "bot_id": BOT_ID,
        "bot_profile": _bot_profile(BOT_ID),
        "metadata": {"event_type": "socialops_draft", "event_payload": {"draft_id": 7}},
    }
    return complete(shape("BlockActionPayload", "message"), card)


def _event_context(event: Mapping[str, Any], team_id: str) -> str:
    # Slack's opaque event_context is "4-" and base64url JSON naming the event, team, app, channel.
    channel = event.get("channel") or (event.get("item") or {}).get("channel")
    fields = {"et": event.get("type"), "tid": team_id, "aid": APP_ID, "cid": channel}
    encoded = base64.urlsafe_b64encode(json.dumps(fields, separators=(",", ":")).encode())
    return "4-" + encoded.decode().rstrip("=")


_EVENT_SHAPES: Final = {
    "app_mention": "AppMentionPayload",
    "app_home_opened": "AppHomeOpenedPayload",
    "message": "MessagePayload",
    "reaction_added": "ReactionAddedPayload",
}


# ---------------------------------------------------------------------------------------------
# Interactivity and slash commands.


def slash_command(
    *,
    text: str,
    command: str = "/social",
    user_id: str = USER_ID,
    channel_id: str = CHANNEL_ID,
    response_url: str,
    trigger_id: str | None = None,
    team_id: str = TEAM_ID,
) -> dict[str, str]:
    """The form fields of a slash command, every value a string as on the wire.

    A form cannot carry null, so the enterprise fields of a workspace outside Enterprise Grid are
    ``""`` (bolt reads ``""`` as no enterprise).
    """
    user_name = _user_name(user_id)
    return {
        "token": VERIFICATION_TOKEN,
        "api_app_id": APP_ID,
        "team_id": team_id,
        "team_domain": TEAM_DOMAIN,
        "enterprise_id": "",
        "enterprise_name": "",
        "channel_id": channel_id,
        "channel_name": _channel_name(channel_id),
        "user_id": user_id,
        "user_name": user_name,
        "command": command,
        "text": text,
        "response_url": response_url,
        "trigger_id": trigger_id or new_trigger_id(),
        "is_enterprise_install": "false",
    }


def button_action(
    *,
    action_id: str,
    value: str,
    block_id: str = DEFAULT_ACTIONS_BLOCK,
    text: str = "Button",
    style: str | None = None,
) -> dict[str, Any]:
    """One element of ``block_actions.actions``: a click on a button."""
    action = {
        "action_id": action_id,
        "block_id": block_id,
        "text": _plain(text),
        "value": value,
        "type": "button",
        "style": style,
        "action_ts": new_ts(),
    }
    return complete(shape("BlockActionPayload", "actions")[0], action)


def block_actions(
    *,
    actions: list[dict[str, Any]],
    user_id: str = USER_ID,
    channel_id: str | None = None,
    message: dict[str, Any] | None = None,
    view: dict[str, Any] | None = None,
    response_url: str | None = None,
    trigger_id: str | None = None,
    container: dict[str, Any] | None = None,
    state_values: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A ``block_actions`` payload: a click in a message, or in a modal/App Home when ``view``.

    Without ``message`` and ``view`` the click happens on the bot's approval card (whose buttons
    include the clicked ones). ``channel_id`` defaults to the message's ``channel`` or
    ``C0SOCIAL``, and to no channel for a view. ``response_url`` is never invented: pass the emulator's when the listener
    should be able to respond. ``state_values`` go to ``state`` (message) or ``view.state``.
    """
    given: dict[str, Any] = {
        "type": "block_actions",
        "team": _team(),
        "user": _interactive_user(user_id),
        "api_app_id": APP_ID,
        "token": VERIFICATION_TOKEN,
        "trigger_id": trigger_id or new_trigger_id(),
        "actions": copy.deepcopy(actions),
        "is_enterprise_install": False,
    }
    if view is not None and message is None:
        built_view = _view(copy.deepcopy(view))
        if state_values is not None:
            built_view["state"] = {"values": copy.deepcopy(state_values)}
        given["view"] = built_view
        given["container"] = {"type": "view", "view_id": built_view["id"]}
        # Slack gives no response_url for a view unless the caller says there is one.
        given["response_url"] = response_url
    else:
        card = copy.deepcopy(message) if message is not None else _approval_card(actions)
        built_message = complete(shape("BlockActionPayload", "message"), card)
        # A message fetched from the emulator may say where it lives.
        channel_id = channel_id or built_message.get("channel") or CHANNEL_ID
        given["message"] = built_message
        given["container"] = {
            "type": "message",
            "message_ts": built_message["ts"],
            "channel_id": channel_id,
            "is_ephemeral": False,
            "thread_ts": built_message.get("thread_ts"),
        }
        given["state"] = {"values": copy.deepcopy(state_values or {})}
        given["response_url"] = response_url
        if view is not None:
            given["view"] = _view(copy.deepcopy(view))
    if channel_id is not None:
        given["channel"] = {"id": channel_id, "name": _channel_name(channel_id)}
    if container is not None:
        given["container"] = copy.deepcopy(container)
    return complete(SKELETONS["BlockActionPayload"], given)


def view_submission(
    *,
    callback_id: str,
    values: dict[str, dict[str, dict[str, Any]]],
    user_id: str = USER_ID,
    private_metadata: str = "",
    view_id: str | None = None,
    blocks: list[dict[str, Any]] | None = None,
    response_urls: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """A modal submitted with ``values`` (``{block_id: {action_id: {"type": ..., ...}}}``).

    Without ``blocks`` the modal's blocks are the input blocks those values came from.
    """
    view = {
        "callback_id": callback_id,
        "private_metadata": private_metadata,
        "blocks": copy.deepcopy(blocks) if blocks is not None else _input_blocks(values),
        "state": {"values": copy.deepcopy(values)},
    }
    if view_id is not None:
        view["id"] = view_id
    given = {
        "type": "view_submission",
        "team": _team(),
        "user": _interactive_user(user_id),
        "api_app_id": APP_ID,
        "token": VERIFICATION_TOKEN,
        "trigger_id": new_trigger_id(),
        "view": _view(view),
        # Not in the shape, but Slack always sends it; bolt's respond() reads it.
        "response_urls": copy.deepcopy(response_urls or []),
        "is_enterprise_install": False,
    }
    return complete(SKELETONS["ViewSubmissionPayload"], given)


def view_closed(
    *, callback_id: str, user_id: str = USER_ID, private_metadata: str = ""
) -> dict[str, Any]:
    """A modal closed with its close button (Slack only tells apps that asked: notify_on_close)."""
    view = {
        "callback_id": callback_id,
        "private_metadata": private_metadata,
        "notify_on_close": True,
    }
    given = {
        "type": "view_closed",
        "team": _team(),
        "user": _interactive_user(user_id),
        "api_app_id": APP_ID,
        "token": VERIFICATION_TOKEN,
        "view": _view(view),
        "is_cleared": False,
        "is_enterprise_install": False,
    }
    return complete(SKELETONS["ViewClosedPayload"], given)


def message_shortcut(
    *,
    callback_id: str,
    message: dict[str, Any],
    user_id: str = USER_ID,
    channel_id: str = CHANNEL_ID,
    response_url: str,
    trigger_id: str | None = None,
) -> dict[str, Any]:
    """A message shortcut (``message_action``) run on ``message`` (e.g. from ``message()``)."""
    built_message = complete(shape("MessageShortcutPayload", "message"), copy.deepcopy(message))
    built_message["ts"] = built_message["ts"] or new_ts()
    given = {
        "type": "message_action",
        "callback_id": callback_id,
        "trigger_id": trigger_id or new_trigger_id(),
        "message_ts": built_message["ts"],
        "response_url": response_url,
        "message": built_message,
        "team": _team(),
        "user": {"id": user_id, "name": _user_name(user_id), "team_id": TEAM_ID},
        "channel": {"id": channel_id, "name": _channel_name(channel_id)},
        "token": VERIFICATION_TOKEN,
        "action_ts": new_ts(),
        "is_enterprise_install": False,
    }
    return complete(SKELETONS["MessageShortcutPayload"], given)


# ---------------------------------------------------------------------------------------------
# Events: the builders return the inner ``event``; ``event_callback`` wraps it for the Events API.


def message(
    *,
    text: str,
    user: str = USER_ID,
    ts: str | None = None,
    thread_ts: str | None = None,
    channel: str = CHANNEL_ID,
    bot_id: str | None = None,
    subtype: str | None = None,
    parent_user_id: str | None = None,
) -> dict[str, Any]:
    """A ``message`` event, also usable as the message object of a shortcut.

    A person's message carries the ``rich_text`` block Slack derives from the text; a bot's
    (``bot_id``) a section and its ``bot_profile``. ``subtype`` appears only when given: bolt's
    ``app.message`` listeners skip a message whose ``subtype`` key is present with a value they
    do not expect. A thread reply's ``parent_user_id`` defaults to ``user``.
    """
    ts = ts or new_ts()
    given: dict[str, Any] = {
        "type": "message",
        "team": TEAM_ID,
        "channel": channel,
        "user": user,
        "text": text,
        "ts": ts,
        "event_ts": ts,
        "channel_type": _channel_type(channel),
    }
    if bot_id is None:
        given["client_msg_id"] = str(uuid.uuid4())
        given["blocks"] = [_rich_text(text)]
    else:
        profile = _bot_profile(bot_id)
        given |= {"bot_id": bot_id, "app_id": profile["app_id"], "bot_profile": profile}
        mrkdwn = {"type": "mrkdwn", "text": text, "verbatim": False}
        given["blocks"] = [{"type": "section", "block_id": _new_block_id(), "text": mrkdwn}]
    if thread_ts is not None:
        given["thread_ts"] = thread_ts
        given["parent_user_id"] = parent_user_id or user
    if subtype is not None:
        given["subtype"] = subtype
    return complete(shape("MessagePayload", "event"), given)


def app_mention(
    *,
    text: str,
    user: str = USER_ID,
    channel: str = CHANNEL_ID,
    ts: str | None = None,
    thread_ts: str | None = None,
) -> dict[str, Any]:
    """An ``app_mention`` event: a person wrote ``text`` (which should contain ``<@UBOTSOCIAL>``)."""
    ts = ts or new_ts()
    given = {
        "type": "app_mention",
        "client_msg_id": str(uuid.uuid4()),
        "user": user,
        "text": text,
        "blocks": [_rich_text(text)],
        "ts": ts,
        "team": TEAM_ID,
        "channel": channel,
        "user_team": TEAM_ID,
        "source_team": TEAM_ID,
        "user_profile": _user_profile(user),
        "event_ts": ts,
        "thread_ts": thread_ts,
    }
    return complete(shape("AppMentionPayload", "event"), given)


def app_home_opened(*, user: str = USER_ID, tab: str = "home") -> dict[str, Any]:
    """``app_home_opened``; on the Home tab it carries the view the bot published last time."""
    given: dict[str, Any] = {
        "type": "app_home_opened",
        "user": user,
        # The app's DM with the person; Slack ids it with a D.
        "channel": f"D{user[1:]}",
        "tab": tab,
        "event_ts": new_ts(),
    }
    if tab == "home":
        welcome = {"type": "mrkdwn", "text": "*Welcome to socialops*", "verbatim": False}
        home = {
            "type": "home",
            "blocks": [{"type": "section", "block_id": "home_welcome", "text": welcome}],
            "title": _plain("Home"),
        }
        view = _view(home)
        # A Home tab has no submit or close button: Slack sends null for both.
        for key in ("submit", "close"):
            view[key] = absent(shape("AppHomeOpenedPayload", "event", "view", key))
        given["view"] = view
    return complete(shape("AppHomeOpenedPayload", "event"), given)


def reaction_added(
    *,
    reaction: str,
    user: str = USER_ID,
    item_channel: str = CHANNEL_ID,
    item_ts: str,
    item_user: str = BOT_USER_ID,
) -> dict[str, Any]:
    """``reaction_added`` on a message; by default on one of the bot's (its cards)."""
    given = {
        "type": "reaction_added",
        "user": user,
        "item": {"type": "message", "channel": item_channel, "ts": item_ts},
        "reaction": reaction,
        "item_user": item_user,
        "event_ts": new_ts(),
    }
    return complete(shape("ReactionAddedPayload", "event"), given)


def event_callback(
    event: dict[str, Any],
    *,
    event_id: str | None = None,
    event_time: int | None = None,
    team_id: str = TEAM_ID,
    authed_bot_user_id: str = "UBOTSOCIAL",
) -> dict[str, Any]:
    """The Events API envelope around ``event`` (every field of Slack's wrapper and shapes)."""
    event = copy.deepcopy(event)
    shape_name = _EVENT_SHAPES.get(str(event.get("type")))
    if shape_name is not None:
        event = complete(shape(shape_name, "event"), event)
    if event_time is None:
        event_time = int(float(event.get("event_ts") or time.time()))
    envelope = SKELETONS["ReactionAddedPayload"]  # every event shape has the same envelope
    given = {
        "token": VERIFICATION_TOKEN,
        "enterprise_id": None,
        "team_id": team_id,
        "api_app_id": APP_ID,
        "event": event,
        "type": "event_callback",
        "event_id": event_id or new_event_id(),
        "event_time": event_time,
        # Deprecated lists Slack still sends; authorizations replaced them.
        "authed_users": [authed_bot_user_id],
        "authed_teams": [team_id],
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": team_id,
                "user_id": authed_bot_user_id,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
        "event_context": _event_context(event, team_id),
        "context_team_id": team_id,
        "context_enterprise_id": None,
    }
    return complete({key: node for key, node in envelope.items() if key != "event"}, given)
