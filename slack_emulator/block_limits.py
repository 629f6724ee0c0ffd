"""Block Kit limits: check a message's or a view's blocks the way Slack does before accepting them.

The limits live in one table, ``LIMITS``, keyed by the ``type`` of a Block Kit object (or, for the
untyped composition objects, by the key that holds them). The code only walks the payload and
applies the table, so adding a limit is a one-line data change.

Each problem is a ``BlockViolation`` with a JSON pointer into the payload, as Slack's own
``response_metadata.messages`` carry them (``[json-pointer:/blocks/3/text/text]``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Limit:
    """A bound on one field of a Block Kit object.

    ``field`` is a dotted path inside the object; ``[]`` after a name means "each item of that
    list" (``fields[].text``). A string is measured in characters, a list in items.
    """

    field: str
    maximum: int | None
    what: str
    minimum: int = 0


_SELECT_MENU_LIMITS = (
    Limit("options", 100, "select options"),
    Limit("option_groups", 100, "select option groups"),
    Limit("placeholder.text", 150, "select placeholder"),
)

# Slack's Block Kit reference: https://docs.slack.dev/reference/block-kit/blocks (blocks),
# .../block-kit/block-elements (elements), .../block-kit/composition-objects (text, option,
# option group, confirmation dialog) and .../surfaces/views (modal and home views). Messages:
# https://docs.slack.dev/reference/methods/chat.postMessage (50 blocks, 40,000 characters of text).
LIMITS: Mapping[str, tuple[Limit, ...]] = {
    # Applies to every typed object: ids are how Slack routes interactions back.
    "*": (
        Limit("block_id", 255, "block_id"),
        Limit("action_id", 255, "action_id"),
    ),
    # Surfaces. "message" is the top level of chat.* and response_url payloads.
    "message": (
        Limit("text", 40_000, "message text"),
        Limit("blocks", 50, "blocks in a message"),
    ),
    "modal": (
        Limit("blocks", 100, "blocks in a view"),
        Limit("title.text", 24, "modal title", minimum=1),
        Limit("submit.text", 24, "modal submit label"),
        Limit("close.text", 24, "modal close label"),
        Limit("private_metadata", 3000, "private_metadata"),
        Limit("callback_id", 255, "callback_id"),
        Limit("external_id", 255, "external_id"),
    ),
    "home": (
        Limit("blocks", 100, "blocks in a view"),
        Limit("private_metadata", 3000, "private_metadata"),
        Limit("callback_id", 255, "callback_id"),
        Limit("external_id", 255, "external_id"),
    ),
    # Blocks.
    "section": (
        Limit("text.text", 3000, "section text"),
        Limit("fields", 10, "section fields"),
        Limit("fields[].text", 2000, "section field"),
    ),
    "header": (Limit("text.text", 150, "header text"),),
    "actions": (Limit("elements", 25, "actions elements", minimum=1),),
    "context": (Limit("elements", 10, "context elements", minimum=1),),
    "input": (
        Limit("label.text", 2000, "input label"),
        Limit("hint.text", 2000, "input hint"),
    ),
    "image": (
        Limit("image_url", 3000, "image_url"),
        Limit("alt_text", 2000, "image alt_text"),
        Limit("title.text", 2000, "image title"),
    ),
    "markdown": (Limit("text", 12_000, "markdown block text"),),
    # Elements.
    "button": (
        Limit("text.text", 75, "button text"),
        Limit("value", 2000, "button value"),
        Limit("url", 3000, "button url"),
        Limit("accessibility_label", 75, "button accessibility_label"),
    ),
    "static_select": _SELECT_MENU_LIMITS,
    "multi_static_select": _SELECT_MENU_LIMITS,
    "overflow": (Limit("options", 5, "overflow options", minimum=1),),
    "checkboxes": (Limit("options", 10, "checkbox options", minimum=1),),
    "radio_buttons": (Limit("options", 10, "radio button options", minimum=1),),
    "plain_text_input": (Limit("placeholder.text", 150, "input placeholder"),),
    # Text objects: Slack refuses an empty one ("must be more than 0 characters").
    "plain_text": (Limit("text", None, "text", minimum=1),),
    "mrkdwn": (Limit("text", None, "text", minimum=1),),
    # Untyped composition objects, named by the key that holds them (see UNTYPED_KIND_BY_KEY).
    "option": (
        Limit("text.text", 75, "option text"),
        Limit("value", 150, "option value"),
        Limit("description.text", 75, "option description"),
        Limit("url", 3000, "option url"),
    ),
    "option_group": (
        Limit("label.text", 75, "option group label"),
        Limit("options", 100, "options in a group"),
    ),
    "confirm": (
        Limit("title.text", 100, "confirm title"),
        Limit("text.text", 300, "confirm text"),
        Limit("confirm.text", 30, "confirm button"),
        Limit("deny.text", 30, "deny button"),
    ),
}

# Options, option groups and confirmation dialogs carry no "type"; the key holding them says what
# they are. (A typed object under one of these keys, e.g. a confirm dialog's "confirm" button text,
# is checked by its own type instead.)
UNTYPED_KIND_BY_KEY: Mapping[str, str] = {
    "options": "option",
    "initial_options": "option",
    "initial_option": "option",
    "option_groups": "option_group",
    "confirm": "confirm",
}

# Layout blocks apps may send (https://docs.slack.dev/reference/block-kit/blocks).
KNOWN_BLOCK_TYPES = frozenset(
    {
        "actions",
        "context",
        "divider",
        "file",
        "header",
        "image",
        "input",
        "markdown",
        "rich_text",
        "section",
        "video",
    }
)


@dataclass(frozen=True)
class BlockViolation:
    """One reason Slack would refuse the payload."""

    pointer: str  # JSON pointer into the checked payload, e.g. "/blocks/3/text/text"
    problem: str  # for people: "button text is 76 characters, over the limit of 75"
    error: str = "invalid_blocks"  # the Slack error code this problem earns

    def slack_message(self) -> str:
        """The line Slack puts in ``response_metadata.messages``."""
        return f"[ERROR] {self.problem} [json-pointer:{self.pointer}]"


def check_message(payload: Mapping[str, Any]) -> list[BlockViolation]:
    """Problems with a message payload (``text``, ``blocks``) as chat.* or a response_url take it."""
    violations = [
        BlockViolation(v.pointer, v.problem, "msg_too_long" if v.pointer == "/text" else v.error)
        for v in _apply(LIMITS["message"], payload, "")
    ]
    blocks = payload.get("blocks")
    if blocks is None:
        return violations
    if not isinstance(blocks, list):
        return [*violations, BlockViolation("/blocks", "blocks must be a list")]
    violations.extend(_check_blocks(blocks, "/blocks"))
    return violations


def check_view(view: Any, *, expected_type: str | None = None) -> list[BlockViolation]:
    """Problems with a view as views.open/push/update/publish take it.

    ``expected_type`` is "modal" for views.open/push and "home" for views.publish.
    """
    if not isinstance(view, Mapping):
        return [BlockViolation("/view", "view must be a JSON object", "invalid_arguments")]
    view_type = view.get("type")
    if view_type not in ("modal", "home"):
        return [
            BlockViolation("/view/type", "view type must be modal or home", "invalid_arguments")
        ]
    if expected_type is not None and view_type != expected_type:
        problem = f"view type must be {expected_type} for this method, not {view_type}"
        return [BlockViolation("/view/type", problem, "invalid_arguments")]
    # Slack reports view problems as invalid_arguments, not invalid_blocks.
    found = list(_apply(LIMITS[view_type], view, "/view"))
    if view_type == "modal" and "title" not in view:
        found.append(BlockViolation("/view/title", "a modal needs a title"))
    blocks = view.get("blocks")
    if not isinstance(blocks, list):
        found.append(BlockViolation("/view/blocks", "a view needs a list of blocks"))
    else:
        found.extend(_check_blocks(blocks, "/view/blocks"))
    return [BlockViolation(v.pointer, v.problem, "invalid_arguments") for v in found]


def _check_blocks(blocks: list[Any], pointer: str) -> list[BlockViolation]:
    """Structure (known types, unique ids) and limits of every object in a list of blocks."""
    violations: list[BlockViolation] = []
    seen_block_ids: set[str] = set()
    for index, block in enumerate(blocks):
        where = f"{pointer}/{index}"
        if not isinstance(block, Mapping):
            violations.append(BlockViolation(where, "a block must be a JSON object"))
            continue
        block_type = block.get("type")
        if block_type not in KNOWN_BLOCK_TYPES:
            violations.append(BlockViolation(f"{where}/type", f"unknown block type {block_type!r}"))
        block_id = block.get("block_id")
        if isinstance(block_id, str):
            if block_id in seen_block_ids:
                problem = f"block_id {block_id!r} is used by an earlier block"
                violations.append(BlockViolation(f"{where}/block_id", problem))
            seen_block_ids.add(block_id)
        if block_type == "section" and "text" not in block and "fields" not in block:
            violations.append(BlockViolation(where, "a section needs text or fields"))
        violations.extend(_duplicate_action_ids(block, where))
        violations.extend(_walk(block, where, key=None))
    return violations


def _duplicate_action_ids(block: Mapping[str, Any], where: str) -> Iterator[BlockViolation]:
    # Slack routes an interaction by (block_id, action_id), so they must differ within a block.
    elements = block.get("elements")
    if block.get("type") != "actions" or not isinstance(elements, list):
        return
    seen: set[str] = set()
    for index, element in enumerate(elements):
        action_id = element.get("action_id") if isinstance(element, Mapping) else None
        if isinstance(action_id, str):
            if action_id in seen:
                problem = f"action_id {action_id!r} is used twice in this block"
                yield BlockViolation(f"{where}/elements/{index}/action_id", problem)
            seen.add(action_id)


def _walk(node: Any, pointer: str, key: str | None) -> Iterator[BlockViolation]:
    """Apply ``LIMITS`` to every object inside ``node``; list items inherit their list's key."""
    if isinstance(node, list):
        for index, item in enumerate(node):
            yield from _walk(item, f"{pointer}/{index}", key)
        return
    if not isinstance(node, Mapping):
        return
    node_type = node.get("type")
    if isinstance(node_type, str):
        yield from _apply(LIMITS["*"], node, pointer)
        yield from _apply(LIMITS.get(node_type, ()), node, pointer)
    elif key is not None and key in UNTYPED_KIND_BY_KEY:
        yield from _apply(LIMITS[UNTYPED_KIND_BY_KEY[key]], node, pointer)
    for child_key, child in node.items():
        yield from _walk(child, f"{pointer}/{child_key}", child_key)


def _apply(
    limits: tuple[Limit, ...], obj: Mapping[str, Any], pointer: str
) -> Iterator[BlockViolation]:
    for limit in limits:
        for where, value in _resolve(obj, limit.field, pointer):
            problem = _measure(limit, value)
            if problem is not None:
                yield BlockViolation(where, problem)


def _measure(limit: Limit, value: Any) -> str | None:
    if isinstance(value, str):
        size, unit = len(value), "characters"
    elif isinstance(value, list):
        size, unit = len(value), "items"
    else:
        return None
    if limit.maximum is not None and size > limit.maximum:
        return f"{limit.what} is {size} {unit}, over the limit of {limit.maximum}"
    if size < limit.minimum:
        return f"{limit.what} is {size} {unit}, under the minimum of {limit.minimum}"
    return None


def _resolve(obj: Any, field: str, pointer: str) -> Iterator[tuple[str, Any]]:
    """Yield (pointer, value) for each value ``field`` names inside ``obj``; absent fields yield
    nothing (required-ness is not a length limit)."""
    head, _, rest = field.partition(".")
    each = head.endswith("[]")
    name = head.removesuffix("[]")
    if not isinstance(obj, Mapping) or name not in obj:
        return
    value = obj[name]
    where = f"{pointer}/{name}"
    targets = (
        [(f"{where}/{index}", item) for index, item in enumerate(value)]
        if each and isinstance(value, list)
        else [(where, value)]
    )
    for target_pointer, target in targets:
        if rest:
            yield from _resolve(target, rest, target_pointer)
        else:
            yield target_pointer, target
