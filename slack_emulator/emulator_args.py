"""Reading Web API arguments as Slack does, and the error a method answers with."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from slack_emulator.emulator_state import EmulatedChannel, Workspace


class MethodError(Exception):
    """A Slack error answer: ``{"ok": false, "error": error}``, with optional detail messages."""

    def __init__(self, error: str, *messages: str) -> None:
        super().__init__(error)
        self.error = error
        self.messages = list(messages)


class InviteRefused(MethodError):
    """conversations.invite refused for some users: Slack lists each in ``errors``."""

    def __init__(self, error: str, problems: list[dict[str, Any]]) -> None:
        super().__init__(error)
        self.problems = problems


def text_arg(args: Mapping[str, Any], name: str) -> str:
    """An argument as text; "" when absent."""
    value = args.get(name)
    return "" if value is None else str(value)


def flag_arg(args: Mapping[str, Any], name: str) -> bool:
    """A boolean argument; False when absent."""
    # Form posts carry booleans as "true"/"1"; JSON posts as true.
    value = args.get(name)
    return value if isinstance(value, bool) else str(value).lower() in ("1", "true")


def ids_arg(args: Mapping[str, Any], name: str) -> list[str]:
    """A list of ids; empty when absent."""
    # Slack takes lists of ids comma-separated; accept a JSON list too.
    value = args.get(name)
    items = value if isinstance(value, list) else text_arg(args, name).split(",")
    return [str(item).strip() for item in items if str(item).strip()]


def channel_arg(ws: Workspace, args: Mapping[str, Any], name: str = "channel") -> EmulatedChannel:
    """The conversation an argument names (id, name or user id), or channel_not_found."""
    reference = text_arg(args, name)
    if reference in ws.users and reference != ws.bot_user_id:
        # Posting to a user id lands in the bot's DM with that user.
        return ws.open_conversation([reference])[0]
    channel = ws.find_channel(reference) if reference else None
    # A private channel the bot is not in is invisible to it: Slack says channel_not_found.
    if channel is None or (channel.is_private and ws.bot_user_id not in channel.members):
        raise MethodError("channel_not_found")
    return channel


def message_arg(ws: Workspace, channel: EmulatedChannel, ts: str) -> dict[str, Any]:
    """The stored message at ``ts`` in ``channel``, or message_not_found."""
    message = ws.find_message(channel.id, ts) if ts else None
    if message is None:
        raise MethodError("message_not_found")
    return message
