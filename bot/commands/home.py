"""The App Home tab: published when a teammate opens it (bot/slack/home.py builds and publishes
it). The listeners of the buttons on it refresh it after each action taken there
(``bot.slack.home.from_home`` and ``refresh_home``, as in bot/commands/approvals.py)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from bot.blocks.help import HelpEntry
from bot.commands.context import services_of
from bot.commands.events import on_event
from bot.commands.router import SubcommandRouter
from bot.slack.home import publish_home

# The help at the bottom of the Home: the router's entries, read when the Home is built (every
# subcommand is registered by then).
HelpSource = Callable[[], Sequence[HelpEntry]]


def register(app: App, router: SubcommandRouter) -> None:
    def opened(event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        if event.get("tab", "home") != "home":
            return
        publish_home(
            client, services_of(context), event["user"], help_entries=router.help_entries()
        )

    on_event(app, "app_home_opened", opened)
