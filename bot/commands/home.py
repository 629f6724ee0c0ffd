"""The App Home tab."""

from __future__ import annotations

from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from bot.blocks.home import build_home_view
from bot.commands.events import on_event
from bot.commands.router import SubcommandRouter


def register(app: App, router: SubcommandRouter) -> None:
    def publish_home(event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        if event.get("tab", "home") != "home":
            return
        client.views_publish(user_id=event["user"], view=build_home_view(router.help_entries()))

    on_event(app, "app_home_opened", publish_home)
