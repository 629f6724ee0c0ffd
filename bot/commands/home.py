"""The App Home tab: published when a teammate opens it (bot/slack/home.py builds and publishes
it). The listeners of the buttons on it refresh it after each action taken there
(``bot.slack.home.from_home`` and ``refresh_home``, as in bot/commands/approvals.py)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from bot.blocks.help import HelpEntry
from bot.blocks.home import handoff_home_notice
from bot.commands.context import services_of
from bot.commands.events import on_event
from bot.commands.router import SubcommandRouter
from bot.services import Services
from bot.slack.handoff_moves import Origin, SurfaceRefresh
from bot.slack.home import publish_home, refresh_home
from bot.store.models import Handoff

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


def handoff_refresher(help_source: HelpSource) -> SurfaceRefresh:
    """After a handoff move made from the App Home (a button, or a modal opened there), that
    person's Home again, with the handoff's new state on top."""

    def refresh(client: WebClient, services: Services, handoff: Handoff, origin: Origin) -> None:
        if origin.view_type != "home":
            return
        refresh_home(
            client,
            services,
            origin.user_id,
            help_entries=help_source(),
            notice=handoff_home_notice(handoff),
        )

    return refresh
