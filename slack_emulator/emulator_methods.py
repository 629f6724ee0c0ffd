"""The Web API methods the emulator plays, as functions of (workspace, decoded arguments).

Each handler returns the JSON body of a successful answer or raises ``MethodError`` with the error
code Slack documents for that case. Responses follow the shapes in Slack's method reference
(https://docs.slack.dev/reference/methods) closely enough for slack_sdk, bolt and the bot's code.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from slack_emulator.emulator_args import (
    InviteRefused,
    MethodError,
    channel_arg,
    flag_arg,
    ids_arg,
    message_arg,
    text_arg,
)
from slack_emulator.emulator_files import (
    files_complete_upload_external,
    files_get_upload_url_external,
)
from slack_emulator.emulator_state import (
    PERMALINK_HOST,
    EmulatedChannel,
    ResponseTarget,
    Workspace,
    public_message,
)
from slack_emulator.emulator_views import views_open, views_publish, views_push, views_update

Handler = Callable[[Workspace, dict[str, Any]], dict[str, Any]]

# conversations.create: lowercase letters, digits, hyphens and underscores, at most 80 characters.
CHANNEL_NAME_PATTERN = re.compile(r"[a-z0-9_-]+")
CHANNEL_NAME_MAX = 80
# conversations.invite takes at most this many users a call.
INVITE_MAX = 1000
# Message-content arguments: a message needs at least one of them (else Slack says no_text).
CONTENT_ARGUMENTS = ("text", "blocks", "attachments", "markdown_text")
STORED_MESSAGE_FIELDS = ("blocks", "attachments", "metadata")
# conversations.list's ``types``.
CONVERSATION_TYPES = frozenset({"public_channel", "private_channel", "mpim", "im"})


def _require_content(args: Mapping[str, Any]) -> None:
    if not any(args.get(name) for name in CONTENT_ARGUMENTS):
        raise MethodError("no_text")


def auth_test(ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
    """Who the token belongs to; bolt calls this when it starts."""
    return {
        "ok": True,
        "url": f"{PERMALINK_HOST}/",
        "team": ws.team_name,
        "user": ws.users[ws.bot_user_id].name if ws.bot_user_id in ws.users else "bot",
        "team_id": ws.team_id,
        "user_id": ws.bot_user_id,
        "bot_id": ws.bot_id,
        "is_enterprise_install": False,
    }


def chat_post_message(ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
    """Store a message from the bot and answer with its ts."""
    channel = channel_arg(ws, args)
    if channel.is_archived:
        raise MethodError("is_archived")
    _require_content(args)
    extra = {name: args[name] for name in STORED_MESSAGE_FIELDS if name in args}
    if args.get("thread_ts"):
        extra["thread_ts"] = text_arg(args, "thread_ts")
    message = ws.store_message(
        channel.id, user=ws.bot_user_id, text=text_arg(args, "text"), extra=extra
    )
    return {
        "ok": True,
        "channel": channel.id,
        "ts": message["ts"],
        "message": public_message(message),
    }


def chat_update(ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
    """Edit one of the bot's messages; fields left out keep their old value, as on Slack."""
    channel = channel_arg(ws, args)
    message = message_arg(ws, channel, text_arg(args, "ts"))
    if message["user"] != ws.bot_user_id:
        raise MethodError("cant_update_message")
    _require_content(args)
    if "text" in args:
        message["text"] = text_arg(args, "text")
    for name in STORED_MESSAGE_FIELDS:
        if name in args:
            message[name] = args[name]
    message["edited"] = {"user": ws.bot_user_id, "ts": ws.next_ts()}
    return {
        "ok": True,
        "channel": channel.id,
        "ts": message["ts"],
        "text": message["text"],
        "message": public_message(message),
    }


def chat_post_ephemeral(ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
    """A message only one member of the channel sees; not part of the channel's history."""
    channel = channel_arg(ws, args)
    user = text_arg(args, "user")
    if user not in ws.users:
        raise MethodError("user_not_found")
    if user not in channel.members:
        raise MethodError("user_not_in_channel")
    _require_content(args)
    ts = ws.next_ts()
    ephemeral: dict[str, Any] = {
        "channel": channel.id,
        "user": user,
        "ts": ts,
        "text": text_arg(args, "text"),
    }
    ephemeral.update({name: args[name] for name in STORED_MESSAGE_FIELDS if name in args})
    ephemeral["thread_ts"] = text_arg(args, "thread_ts") or None
    ws.ephemerals.append(ephemeral)
    return {"ok": True, "message_ts": ts}


def chat_get_permalink(ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
    """A link to a stored message; thread replies link through their parent."""
    channel = channel_arg(ws, args)
    message = message_arg(ws, channel, text_arg(args, "message_ts"))
    link = f"{PERMALINK_HOST}/archives/{channel.id}/p{message['ts'].replace('.', '')}"
    thread_ts = message.get("thread_ts")
    if thread_ts and thread_ts != message["ts"]:
        link += f"?thread_ts={thread_ts}&cid={channel.id}"
    return {"ok": True, "channel": channel.id, "permalink": link}


def conversations_open(ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
    """The DM (one user) or group DM (up to eight) with the bot; the same id every time."""
    users = ids_arg(args, "users")
    if not users:
        if args.get("channel"):
            channel = channel_arg(ws, args)
            return {"ok": True, "no_op": True, "already_open": True, "channel": {"id": channel.id}}
        raise MethodError("users_list_not_supplied")
    if len(users) > 8:
        raise MethodError("too_many_users")
    for user in users:
        if user not in ws.users:
            raise MethodError("user_not_found")
    channel, existed = ws.open_conversation(users)
    shown = channel.to_api(ws.bot_user_id) if flag_arg(args, "return_im") else {"id": channel.id}
    answer: dict[str, Any] = {"ok": True, "channel": shown}
    if existed:
        answer.update(no_op=True, already_open=True)
    return answer


def conversations_create(ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
    """A new channel with the bot as its only member, after Slack's name rules."""
    name = text_arg(args, "name")
    if not name:
        raise MethodError("invalid_name_required")
    if len(name) > CHANNEL_NAME_MAX:
        raise MethodError("invalid_name_maxlength")
    if not CHANNEL_NAME_PATTERN.fullmatch(name):
        raise MethodError("invalid_name_specials")
    if not any(char.isalnum() for char in name):
        raise MethodError("invalid_name_punctuation")
    if ws.find_channel(name) is not None:
        raise MethodError("name_taken")
    is_private = flag_arg(args, "is_private")
    channel = ws.add_channel(
        ws.new_id("G" if is_private else "C"),
        name,
        is_private=is_private,
        members=[ws.bot_user_id],
    )
    channel.creator = ws.bot_user_id
    return {"ok": True, "channel": channel.to_api(ws.bot_user_id)}


def conversations_invite(ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
    """Add members to a channel the bot is in, up to 1000 a call.

    As on Slack, one user who cannot be invited (already a member, unknown) fails the whole call
    with an ``errors`` list naming each; with ``force`` the valid ones are invited and the call
    succeeds, still listing the others.
    """
    channel = channel_arg(ws, args)
    users = ids_arg(args, "users")
    if not users:
        raise MethodError("no_user")
    if len(users) > INVITE_MAX:
        raise MethodError("too_many_users")
    if channel.is_archived:
        raise MethodError("is_archived")
    if ws.bot_user_id not in channel.members:
        raise MethodError("not_in_channel")
    problems: list[dict[str, Any]] = []
    valid: list[str] = []
    for user in users:
        if user == ws.bot_user_id:
            error = "cant_invite_self"
        elif user not in ws.users:
            error = "user_not_found"
        elif user in channel.members:
            error = "already_in_channel"
        else:
            valid.append(user)
            continue
        problems.append({"user": user, "ok": False, "error": error})
    if problems and not (flag_arg(args, "force") and valid):
        raise InviteRefused(problems[0]["error"], problems)
    channel.members.extend(user for user in valid if user not in channel.members)
    answer: dict[str, Any] = {"ok": True, "channel": channel.to_api(ws.bot_user_id)}
    if problems:
        answer["errors"] = problems
    return answer


def conversations_join(ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
    """The bot joins a public channel (a private one it is not in is channel_not_found)."""
    channel = channel_arg(ws, args)
    if channel.is_archived:
        raise MethodError("is_archived")
    if channel.is_im or channel.is_mpim:
        raise MethodError("method_not_supported_for_channel_type")
    answer: dict[str, Any] = {"ok": True}
    if ws.bot_user_id in channel.members:
        answer["warning"] = "already_in_channel"
        answer["response_metadata"] = {"warnings": ["already_in_channel"]}
    else:
        channel.members.append(ws.bot_user_id)
    answer["channel"] = channel.to_api(ws.bot_user_id)
    return answer


def conversations_unarchive(ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
    """Bring an archived channel back."""
    channel = channel_arg(ws, args)
    if not channel.is_archived:
        raise MethodError("not_archived")
    channel.is_archived = False
    return {"ok": True}


def conversations_info(ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
    """A channel's description."""
    return {"ok": True, "channel": channel_arg(ws, args).to_api(ws.bot_user_id)}


def conversations_members(ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
    """A channel's member ids, a page at a time (``cursor`` is the offset, as an opaque string)."""
    channel = channel_arg(ws, args)
    limit = max(1, min(int(args.get("limit") or 100), 1000))
    cursor = str(args.get("cursor") or "")
    if cursor and not cursor.startswith("offset:"):
        raise MethodError("invalid_cursor")
    start = int(cursor.removeprefix("offset:") or 0)
    page = channel.members[start : start + limit]
    following = start + limit if start + limit < len(channel.members) else None
    return {
        "ok": True,
        "members": page,
        "response_metadata": {"next_cursor": f"offset:{following}" if following else ""},
    }


def _conversation_type(channel: EmulatedChannel) -> str:
    if channel.is_im:
        return "im"
    if channel.is_mpim:
        return "mpim"
    return "private_channel" if channel.is_private else "public_channel"


def conversations_list(ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
    """The workspace's conversations of the asked ``types`` (public channels by default), a page
    at a time. As for a bot token on Slack: every public channel, but private channels, group DMs
    and DMs only when the bot is in them; ``exclude_archived`` leaves archived ones out.
    """
    types = {t.strip() for t in (text_arg(args, "types") or "public_channel").split(",")}
    if not types or not types <= CONVERSATION_TYPES:
        raise MethodError("invalid_types")
    limit = max(1, min(int(args.get("limit") or 100), 1000))
    cursor = text_arg(args, "cursor")
    if cursor and not cursor.startswith("offset:"):
        raise MethodError("invalid_cursor")
    start = int(cursor.removeprefix("offset:") or 0)
    shown = [
        channel
        for channel in ws.channels.values()
        if _conversation_type(channel) in types
        and (_conversation_type(channel) == "public_channel" or ws.bot_user_id in channel.members)
        and not (channel.is_archived and flag_arg(args, "exclude_archived"))
    ]
    page = shown[start : start + limit]
    following = start + limit if start + limit < len(shown) else None
    return {
        "ok": True,
        "channels": [channel.to_api(ws.bot_user_id) for channel in page],
        "response_metadata": {"next_cursor": f"offset:{following}" if following else ""},
    }


def conversations_replies(ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
    """A thread: its parent first, then the replies, oldest first."""
    channel = channel_arg(ws, args)
    ts = text_arg(args, "ts")
    parent = ws.find_message(channel.id, ts) if ts else None
    if parent is None:
        raise MethodError("thread_not_found")
    thread_ts = parent.get("thread_ts") or parent["ts"]
    messages = [
        public_message(m)
        for m in ws.messages.get(channel.id, [])
        if m["ts"] == thread_ts or m.get("thread_ts") == thread_ts
    ]
    limit = int(args.get("limit") or 1000)
    return {"ok": True, "messages": messages[:limit], "has_more": len(messages) > limit}


def conversations_history(ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
    """A channel's messages, newest first, a page at a time: top-level messages only (replies stay
    in their threads), between ``oldest`` and ``latest``. As on Slack, a message's ``metadata``
    shows only with ``include_all_metadata``, and a channel the bot is not in says not_in_channel.
    """
    channel = channel_arg(ws, args)
    if ws.bot_user_id not in channel.members:
        raise MethodError("not_in_channel")
    limit = max(1, min(int(args.get("limit") or 100), 999))
    inclusive = flag_arg(args, "inclusive")
    oldest = float(text_arg(args, "oldest") or 0)
    latest = float(text_arg(args, "latest") or "inf")
    cursor = text_arg(args, "cursor")
    if cursor and not cursor.startswith("offset:"):
        raise MethodError("invalid_cursor")
    start = int(cursor.removeprefix("offset:") or 0)

    def within(ts: float) -> bool:
        if inclusive:
            return oldest <= ts <= latest
        return oldest < ts < latest

    shown = [
        public_message(m)
        for m in reversed(ws.messages.get(channel.id, []))
        if m.get("thread_ts") in (None, m["ts"]) and within(float(m["ts"]))
    ]
    if not flag_arg(args, "include_all_metadata"):
        for message in shown:
            message.pop("metadata", None)
    page = shown[start : start + limit]
    following = start + limit if start + limit < len(shown) else None
    return {
        "ok": True,
        "messages": page,
        "has_more": following is not None,
        "pin_count": 0,
        "channel_actions_ts": None,
        "channel_actions_count": 0,
        "response_metadata": {"next_cursor": f"offset:{following}" if following else ""},
    }


def users_info(ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
    """A member's profile, time zone and roles."""
    user = ws.users.get(text_arg(args, "user"))
    if user is None:
        raise MethodError("user_not_found")
    return {"ok": True, "user": user.to_api(ws.team_id)}


def usergroups_users_list(ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
    """The member ids of a user group."""
    group = ws.usergroups.get(text_arg(args, "usergroup"))
    if group is None:
        raise MethodError("no_such_subteam")
    return {"ok": True, "users": list(group[1])}


def reactions_add(ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
    """The bot reacts to a message; the same reaction twice is already_reacted."""
    channel = channel_arg(ws, args)
    message = message_arg(ws, channel, text_arg(args, "timestamp"))
    name = text_arg(args, "name").strip(":")
    if not name or any(char.isspace() or char == ":" for char in name):
        raise MethodError("invalid_name")
    reactions: list[dict[str, Any]] = message.setdefault("reactions", [])
    reaction = next((r for r in reactions if r["name"] == name), None)
    if reaction is None:
        reaction = {"name": name, "users": [], "count": 0}
        reactions.append(reaction)
    if ws.bot_user_id in reaction["users"]:
        raise MethodError("already_reacted")
    reaction["users"].append(ws.bot_user_id)
    reaction["count"] += 1
    return {"ok": True}


def post_to_response_url(
    ws: Workspace, target: ResponseTarget, args: dict[str, Any]
) -> dict[str, Any]:
    """A post to a response URL: replaces or deletes the message it came from, or posts in its
    channel when ``response_type`` is in_channel; ephemeral answers are only recorded."""
    channel_id, message_ts = target.channel, target.message_ts
    original = ws.find_message(channel_id, message_ts) if channel_id and message_ts else None
    if original is not None and flag_arg(args, "delete_original"):
        ws.messages[channel_id or ""].remove(original)
    elif original is not None and flag_arg(args, "replace_original"):
        # A replacement is a whole new message: what it leaves out is gone.
        original["text"] = text_arg(args, "text")
        original["blocks"] = args.get("blocks", [])
        for name in ("attachments", "metadata"):
            if name in args:
                original[name] = args[name]
            else:
                original.pop(name, None)
    elif channel_id and args.get("response_type") == "in_channel":
        extra = {name: args[name] for name in STORED_MESSAGE_FIELDS if name in args}
        if args.get("thread_ts"):
            extra["thread_ts"] = text_arg(args, "thread_ts")
        ws.store_message(channel_id, user=ws.bot_user_id, text=text_arg(args, "text"), extra=extra)
    return {"ok": True}


METHODS: Mapping[str, Handler] = {
    "auth.test": auth_test,
    "chat.postMessage": chat_post_message,
    "chat.update": chat_update,
    "chat.postEphemeral": chat_post_ephemeral,
    "chat.getPermalink": chat_get_permalink,
    "views.open": views_open,
    "views.push": views_push,
    "views.update": views_update,
    "views.publish": views_publish,
    "conversations.open": conversations_open,
    "conversations.create": conversations_create,
    "conversations.invite": conversations_invite,
    "conversations.join": conversations_join,
    "conversations.unarchive": conversations_unarchive,
    "conversations.info": conversations_info,
    "conversations.replies": conversations_replies,
    "conversations.history": conversations_history,
    "conversations.members": conversations_members,
    "conversations.list": conversations_list,
    "users.info": users_info,
    "usergroups.users.list": usergroups_users_list,
    "reactions.add": reactions_add,
    "files.getUploadURLExternal": files_get_upload_url_external,
    "files.completeUploadExternal": files_complete_upload_external,
}
