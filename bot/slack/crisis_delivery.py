"""The crisis clock: makes war rooms, posts what crisis mode owes Slack, and keeps it redrawn."""

from __future__ import annotations

from slack_sdk import WebClient

from bot.services import Services


def deliver_soon(services: Services, client: WebClient) -> None:
    """Called by a listener after it committed a crisis decision, so the war room does not wait
    for the next clock tick; the clock delivers whatever this does not."""
    # Written on the war-room helper's branch.
