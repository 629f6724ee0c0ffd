"""Channel ids for channel names: ``#marketing`` typed into /social arrives as plain text (the
command is sent unescaped, so drafts keep their links), and only Slack knows which channel it is.

The names come from ``conversations.list`` (public channels, and private ones the bot is in; a
bot sees no other private channel), paged with its cursor, and are cached per process for a few
minutes like team members (bot/slack/teams.py): channels are renamed rarely. A name missing from
the cached list reads the list again once, since the channel may be new.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from slack_sdk import WebClient

from bot.core.expiring_cache import ExpiringCache

# The whole workspace's names are one cache entry: one listing answers every name.
ChannelNameCache = ExpiringCache[Mapping[str, str]]
_KEY = "channels"
PAGE_SIZE = 1000  # conversations.list's largest page


def list_channel_names(client: WebClient) -> dict[str, str]:
    """Every channel the bot can post a digest in, by name: public and private, not archived."""
    names: dict[str, str] = {}
    cursor = ""
    while True:
        answer = client.conversations_list(
            types="public_channel,private_channel",
            exclude_archived=True,
            limit=PAGE_SIZE,
            cursor=cursor or None,
        )
        for channel in answer.get("channels") or []:
            if channel.get("name") and channel.get("id"):
                names[str(channel["name"])] = str(channel["id"])
        cursor = str((answer.get("response_metadata") or {}).get("next_cursor") or "")
        if not cursor:
            return names


def channel_id_for(
    name: str, client: WebClient, cache: ChannelNameCache, *, now: datetime
) -> str | None:
    """The id of the channel called ``name`` (no ``#``), or None when the bot sees none.

    Raises ``SlackApiError`` when the list cannot be read; the caller words it.
    """
    cached = cache.fresh(_KEY, now=now)
    if cached is not None and name in cached:
        return cached[name]
    with cache.refreshing(_KEY):
        # Lookups that missed together read the list once: the rest find its answer here.
        latest = cache.fresh(_KEY, now=now)
        if latest is not None and latest is not cached and name in latest:
            return latest[name]
        names = list_channel_names(client)
        cache.store(_KEY, names, now=now)
        return names.get(name)
