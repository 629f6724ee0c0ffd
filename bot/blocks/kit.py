"""The Block Kit pieces every builder is made of: text objects, blocks, elements, modals.

One definition each, so the builders cannot drift apart again. Two rules hold for all of them:

- Text objects are never empty. Slack refuses a message or view with an empty ``text`` (a
  ``plain_text`` label, a section, a context element), so an empty string becomes one space.
- Plain text allows emoji (``"emoji": true``), the same in a header, a button and a modal title.

The helpers take text that is already safe to show: escaping user text is the caller's job
(``bot.blocks.text.echo_user_text``), because only the caller knows what came from a user.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from bot.blocks.text import truncate

Block = dict[str, Any]
ButtonStyle = Literal["primary", "danger"]

# Slack's limit on an option's label; a longer one makes the whole message fail.
OPTION_LABEL_CHARS = 75


# -- text objects ---------------------------------------------------------------------------------


def plain_text(text: str) -> Block:
    return {"type": "plain_text", "text": text or " ", "emoji": True}


def mrkdwn(text: str) -> Block:
    return {"type": "mrkdwn", "text": text or " "}


# -- blocks ---------------------------------------------------------------------------------------


def section(text: str, *, accessory: Block | None = None) -> Block:
    block: Block = {"type": "section", "text": mrkdwn(text)}
    if accessory is not None:
        block["accessory"] = accessory
    return block


def context(text: str) -> Block:
    """A line of small grey mrkdwn text."""
    return {"type": "context", "elements": [mrkdwn(text)]}


def header(text: str) -> Block:
    return {"type": "header", "text": plain_text(text)}


def divider() -> Block:
    return {"type": "divider"}


def actions(block_id: str, elements: Sequence[Block]) -> Block:
    return {"type": "actions", "block_id": block_id, "elements": list(elements)}


def input_block(
    block_id: str,
    label: str,
    element: Block,
    *,
    optional: bool = False,
    hint: str | None = None,
) -> Block:
    """A modal field. Every field's element uses action_id ``value`` (see ``text_input``), so a
    submission's value is at ``state.values[block_id]["value"]``."""
    block: Block = {
        "type": "input",
        "block_id": block_id,
        "label": plain_text(label),
        "element": element,
    }
    if optional:
        block["optional"] = True
    if hint is not None:
        block["hint"] = plain_text(hint)
    return block


# -- elements and composition objects -------------------------------------------------------------


def button(
    label: str,
    action_id: str,
    value: str,
    *,
    style: ButtonStyle | None = None,
    confirm: Block | None = None,
) -> Block:
    element: Block = {
        "type": "button",
        "text": plain_text(label),
        "action_id": action_id,
        "value": value,
    }
    if style is not None:
        element["style"] = style
    if confirm is not None:
        element["confirm"] = confirm
    return element


def confirm_dialog(*, title: str, text: str, confirm: str, deny: str = "Cancel") -> Block:
    """The "are you sure?" a button shows before it is sent."""
    return {
        "title": plain_text(title),
        "text": plain_text(text),
        "confirm": plain_text(confirm),
        "deny": plain_text(deny),
    }


def option(label: str, value: str) -> Block:
    """A select or checkbox option; the label is cut to Slack's limit."""
    return {"text": plain_text(truncate(label, OPTION_LABEL_CHARS)), "value": value}


def text_input(
    *, max_length: int, multiline: bool = False, initial_value: str | None = None
) -> Block:
    """A plain-text field; a longer ``initial_value`` is cut so Slack accepts the view."""
    element: Block = {"type": "plain_text_input", "action_id": "value", "max_length": max_length}
    if multiline:
        element["multiline"] = True
    if initial_value:
        element["initial_value"] = initial_value[:max_length]
    return element


# -- surfaces -------------------------------------------------------------------------------------


def modal(
    *,
    callback_id: str,
    title: str,
    blocks: Sequence[Block],
    submit: str,
    close: str = "Cancel",
    private_metadata: str = "",
) -> Block:
    return {
        "type": "modal",
        "callback_id": callback_id,
        "private_metadata": private_metadata,
        # Slack refuses a modal title over 24 characters.
        "title": plain_text(title[:24]),
        "submit": plain_text(submit),
        "close": plain_text(close),
        "blocks": list(blocks),
    }


def message(text: str, blocks: Sequence[Block]) -> Block:
    """A message: ``text`` is the notification and screen-reader fallback for the blocks."""
    return {"text": text, "blocks": list(blocks)}


def text_message(text: str) -> Block:
    """A message of one mrkdwn section, with the same words as its fallback text."""
    return message(text, [section(text)])
