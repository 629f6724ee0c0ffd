"""The emulated workspace: users, user groups, channels, messages, views and files.

Plain data with no locking and no HTTP; ``SlackEmulator`` serialises access to it. Ids and message
timestamps come from counters, so a run is reproducible.
"""

from __future__ import annotations

import copy
import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

# The seeded workspace, documented in bot/testing/emulator.py.
AUTHOR_ID = "U0AUTHOR"
APPROVER_ID = "U0APPROVER"
ADMIN_ID = "U0ADMIN"
APPROVERS_GROUP_ID = "S0APPROVERS"
SOCIAL_CHANNEL_ID = "C0SOCIAL"
APPROVALS_CHANNEL_ID = "C0APPROVALS"
# Handoffs: two people in support, one in sales, each team with its channel; escalations.
SUPPORT_AGENT_ID = "U0SUPPORT"
SUPPORT_AGENT2_ID = "U0SUPPORT2"
SALES_REP_ID = "U0SALES"
SUPPORT_CHANNEL_ID = "C0SUPPORT"
SALES_CHANNEL_ID = "C0SALES"
ESCALATION_CHANNEL_ID = "C0ESCALATE"
# A public channel the bot has not been invited to: conversations.info says is_member false.
LOUNGE_CHANNEL_ID = "C0LOUNGE"

# Where permalinks and the workspace URL point; nothing is served there.
PERMALINK_HOST = "https://emulated.slack.com"
# Slack timestamps are "seconds.microseconds"; the emulator counts up from here in 100 µs steps.
FIRST_TS_SECONDS = 1_700_000_000
TS_STEP_MICROSECONDS = 100
CHANNEL_CREATED = 1_700_000_000


@dataclass
class EmulatedUser:
    """A workspace member as users.info describes one."""

    id: str
    name: str
    real_name: str
    is_admin: bool = False
    tz: str = "America/New_York"
    is_bot: bool = False

    def to_api(self, team_id: str) -> dict[str, Any]:
        """The ``user`` object of users.info."""
        now = datetime.now(UTC).astimezone(ZoneInfo(self.tz))
        offset = now.utcoffset()
        return {
            "id": self.id,
            "team_id": team_id,
            "name": self.name,
            "deleted": False,
            "real_name": self.real_name,
            "tz": self.tz,
            "tz_label": now.tzname() or self.tz,
            "tz_offset": int(offset.total_seconds()) if offset is not None else 0,
            "is_admin": self.is_admin,
            "is_owner": False,
            "is_primary_owner": False,
            "is_restricted": False,
            "is_ultra_restricted": False,
            "is_bot": self.is_bot,
            "is_app_user": False,
            "updated": CHANNEL_CREATED,
            "profile": {
                "real_name": self.real_name,
                "display_name": self.name,
                "real_name_normalized": self.real_name,
                "display_name_normalized": self.name,
                "team": team_id,
            },
        }


@dataclass
class EmulatedChannel:
    """A conversation: public or private channel, DM (``D…``) or group DM (``G…``)."""

    id: str
    name: str
    is_private: bool = False
    members: list[str] = field(default_factory=list)
    creator: str = ""
    created: int = CHANNEL_CREATED
    is_im: bool = False
    is_mpim: bool = False
    is_archived: bool = False

    def to_api(self, viewer: str) -> dict[str, Any]:
        """The ``channel`` object of conversations.info / create / invite, as ``viewer`` (the
        bot user) sees it: ``is_member`` says whether the viewer is in the channel."""
        if self.is_im:
            other = next((m for m in self.members if m != self.creator), "")
            return {"id": self.id, "created": self.created, "is_im": True, "user": other}
        return {
            "id": self.id,
            "name": self.name,
            "name_normalized": self.name,
            "is_channel": not self.is_private and not self.is_mpim,
            "is_group": self.is_private and not self.is_mpim,
            "is_im": False,
            "is_mpim": self.is_mpim,
            "is_private": self.is_private or self.is_mpim,
            "is_archived": self.is_archived,
            "is_general": False,
            "created": self.created,
            "creator": self.creator,
            "is_member": viewer in self.members,
            "num_members": len(self.members),
            "topic": {"value": "", "creator": "", "last_set": 0},
            "purpose": {"value": "", "creator": "", "last_set": 0},
        }


@dataclass
class EmulatedFile:
    """A file in the files v2 upload flow: URL issued, bytes received, upload completed."""

    id: str
    filename: str
    length: int
    content: bytes | None = None
    title: str = ""


@dataclass
class ResponseTarget:
    """Where posts to one response URL land; ``None`` channel means nowhere in particular."""

    channel: str | None = None
    message_ts: str | None = None


class Workspace:
    """The whole emulated Slack workspace, as plain data."""

    def __init__(
        self,
        *,
        team_id: str,
        team_name: str,
        bot_user_id: str,
        bot_id: str,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.team_id = team_id
        self.team_name = team_name
        self.bot_user_id = bot_user_id
        self.bot_id = bot_id
        self.base_url = ""  # set once the server has a port; upload URLs live under it
        self.users: dict[str, EmulatedUser] = {}
        self.usergroups: dict[str, tuple[str, list[str]]] = {}  # id -> (handle, members)
        self.channels: dict[str, EmulatedChannel] = {}
        self.messages: dict[str, list[dict[str, Any]]] = {}  # channel id -> messages, oldest first
        self.ephemerals: list[dict[str, Any]] = []
        self.views: dict[str, dict[str, Any]] = {}
        self.home_views: dict[str, str] = {}  # user id -> view id
        self.files: dict[str, EmulatedFile] = {}
        self.response_targets: dict[str, ResponseTarget] = {}
        self.dm_ids: dict[frozenset[str], str] = {}
        # Wall-clock seconds, as trigger ids carry the epoch time of their click.
        self.clock = clock
        # Trigger ids a views.open or views.push already used: Slack takes each once.
        self.exchanged_triggers: set[str] = set()
        self._ts_counter = itertools.count(1)
        self._id_counter = itertools.count(1)

    def next_ts(self) -> str:
        """A fresh message timestamp, later than every earlier one."""
        micros = next(self._ts_counter) * TS_STEP_MICROSECONDS
        return f"{FIRST_TS_SECONDS + micros // 1_000_000}.{micros % 1_000_000:06d}"

    def new_id(self, prefix: str) -> str:
        """A fresh Slack-style id such as ``V0EMU00007``."""
        return f"{prefix}0EMU{next(self._id_counter):05d}"

    def new_hash(self) -> str:
        """A fresh view hash shaped like Slack's (``1700000000.0000002a``)."""
        return f"{FIRST_TS_SECONDS}.{next(self._id_counter):08x}"

    def seed_defaults(self) -> None:
        """The users, group and channels the demo and tests rely on."""
        self.users[AUTHOR_ID] = EmulatedUser(AUTHOR_ID, "maria", "Maria Author")
        self.users[APPROVER_ID] = EmulatedUser(APPROVER_ID, "jonas", "Jonas Approver")
        self.users[ADMIN_ID] = EmulatedUser(ADMIN_ID, "priya", "Priya Admin", is_admin=True)
        self.users[SUPPORT_AGENT_ID] = EmulatedUser(SUPPORT_AGENT_ID, "sam", "Sam Support")
        self.users[SUPPORT_AGENT2_ID] = EmulatedUser(SUPPORT_AGENT2_ID, "tara", "Tara Support")
        self.users[SALES_REP_ID] = EmulatedUser(SALES_REP_ID, "lee", "Lee Sales")
        self.users[self.bot_user_id] = EmulatedUser(
            self.bot_user_id, "socialops", "socialops", is_bot=True
        )
        self.usergroups[APPROVERS_GROUP_ID] = ("social-approvers", [APPROVER_ID, ADMIN_ID])
        everyone = [AUTHOR_ID, APPROVER_ID, ADMIN_ID, self.bot_user_id]
        self.add_channel(SOCIAL_CHANNEL_ID, "social-team", members=everyone)
        self.add_channel(
            APPROVALS_CHANNEL_ID,
            "social-approvals",
            members=[APPROVER_ID, ADMIN_ID, self.bot_user_id],
        )
        self.add_channel(
            SUPPORT_CHANNEL_ID,
            "support-team",
            members=[SUPPORT_AGENT_ID, SUPPORT_AGENT2_ID, self.bot_user_id],
        )
        self.add_channel(SALES_CHANNEL_ID, "sales-team", members=[SALES_REP_ID, self.bot_user_id])
        self.add_channel(ESCALATION_CHANNEL_ID, "escalations", members=[ADMIN_ID, self.bot_user_id])
        # Everyone but the bot: the channel a command names before anyone has invited the bot.
        self.add_channel(LOUNGE_CHANNEL_ID, "lounge", members=[AUTHOR_ID, APPROVER_ID, ADMIN_ID])

    def add_channel(
        self,
        channel_id: str,
        name: str,
        *,
        is_private: bool = False,
        members: list[str],
        is_archived: bool = False,
    ) -> EmulatedChannel:
        """Create (or replace) a channel with an empty history."""
        channel = EmulatedChannel(
            channel_id,
            name,
            is_private=is_private,
            members=list(members),
            creator=ADMIN_ID,
            is_archived=is_archived,
        )
        self.channels[channel_id] = channel
        self.messages.setdefault(channel_id, [])
        return channel

    def find_channel(self, reference: str) -> EmulatedChannel | None:
        """A channel by id, or by name (with or without ``#``) as Slack still accepts."""
        if reference in self.channels:
            return self.channels[reference]
        name = reference.removeprefix("#")
        return next((c for c in self.channels.values() if c.name and c.name == name), None)

    def open_conversation(self, user_ids: list[str]) -> tuple[EmulatedChannel, bool]:
        """The DM (one user) or group DM (several) between the bot and ``user_ids``, stable per
        set of users; the flag says whether it already existed."""
        key = frozenset(user_ids)
        existing = self.dm_ids.get(key)
        if existing is not None:
            return self.channels[existing], True
        is_im = len(key) == 1
        channel_id = self.new_id("D" if is_im else "G")
        members = [self.bot_user_id, *sorted(key)]
        name = "" if is_im else "mpdm-" + "--".join(self.users[u].name for u in sorted(key))
        channel = EmulatedChannel(
            channel_id,
            name,
            members=members,
            creator=self.bot_user_id,
            is_im=is_im,
            is_mpim=not is_im,
        )
        self.channels[channel_id] = channel
        self.messages[channel_id] = []
        self.dm_ids[key] = channel_id
        return channel, False

    def find_message(self, channel_id: str, ts: str) -> dict[str, Any] | None:
        """A stored message by channel and ts."""
        return next((m for m in self.messages.get(channel_id, []) if m["ts"] == ts), None)

    def store_message(
        self, channel_id: str, *, user: str, text: str, extra: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """Append a message to a channel's history and return it (the stored object)."""
        message: dict[str, Any] = {
            "type": "message",
            "user": user,
            "text": text,
            "ts": self.next_ts(),
            "team": self.team_id,
            "blocks": [],
            "thread_ts": None,
        }
        if user == self.bot_user_id:
            message["bot_id"] = self.bot_id
        message.update(extra or {})
        parent_ts = message.get("thread_ts")
        if parent_ts:
            parent = self.find_message(channel_id, parent_ts)
            if parent is not None:
                parent["thread_ts"] = parent_ts
                parent["reply_count"] = parent.get("reply_count", 0) + 1
                parent["latest_reply"] = message["ts"]
        self.messages.setdefault(channel_id, []).append(message)
        return message

    def clear_activity(self) -> None:
        """Forget messages, views, files and response URLs; keep users, groups and channels."""
        for history in self.messages.values():
            history.clear()
        self.ephemerals.clear()
        self.views.clear()
        self.home_views.clear()
        self.files.clear()
        self.response_targets.clear()


def public_message(message: dict[str, Any]) -> dict[str, Any]:
    """A copy of a stored message as the API shows it: no empty ``thread_ts``."""
    shown = copy.deepcopy(message)
    if not shown.get("thread_ts"):
        shown.pop("thread_ts", None)
    return shown
