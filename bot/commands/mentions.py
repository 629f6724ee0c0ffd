"""`@socialops` mentions in channels and threads."""

from __future__ import annotations

from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from bot.blocks.mentions import build_mention_reply


def register(app: App) -> None:
    @app.event("app_mention")
    def reply_to_mention(event: dict[str, Any], client: WebClient) -> None:
        # Answer in the thread the mention lives in, or start one under it.
        thread_ts = event.get("thread_ts") or event["ts"]
        client.chat_postMessage(
            channel=event["channel"],
            thread_ts=thread_ts,
            **build_mention_reply(user_id=event["user"]),
        )
