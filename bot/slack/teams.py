"""Which handoff teams a person is on: the members of each team's channel.

The team channel is the team (anyone in it may claim), so the App Home shows a person the open
handoffs of the teams whose channel they are in. Members come from ``conversations.members``,
cached per process like approver groups (bot/slack/approvers.py): a Home is built after its ack,
and a failed lookup keeps the last known members rather than failing the Home.
"""

from __future__ import annotations

from slack_sdk import WebClient

from bot.knowledge.faq_files import HANDOFF_TEAMS
from bot.services import Services
from bot.slack.approvers import cached_members


def channel_members(client: WebClient, channel: str) -> list[str]:
    """Every member of ``channel``, page by page."""
    members: list[str] = []
    cursor = ""
    while True:
        answer = client.conversations_members(channel=channel, limit=200, cursor=cursor or None)
        members.extend(str(member) for member in answer.get("members") or [])
        cursor = str((answer.get("response_metadata") or {}).get("next_cursor") or "")
        if not cursor:
            return members


def teams_of(client: WebClient, services: Services, user_id: str) -> tuple[str, ...]:
    """The teams (support, sales) whose configured channel ``user_id`` is in."""
    teams = []
    for team in HANDOFF_TEAMS:
        channel = services.team_channel(team)
        if channel is None:
            continue
        members = cached_members(
            f"channel:{channel}",
            lambda key: channel_members(client, key.removeprefix("channel:")),
            services.groups,
            now=services.clock(),
        )
        if user_id in members:
            teams.append(team)
    return tuple(teams)
