"""The stand-in modals a listener opens at once, before it knows what the real one will hold."""

from __future__ import annotations

from typing import Any

from bot.blocks.kit import context, plain_text, section

LOADING_TEXT = ":hourglass_flowing_sand: Loading…"
FAILED_TEXT = "This could not be loaded, and nothing was changed. Close it and try again."


def _notice(title: str, text: str) -> dict[str, Any]:
    # No callback_id and no submit button: there is nothing here to submit.
    return {
        "type": "modal",
        # Slack refuses a modal title over 24 characters.
        "title": plain_text(title[:24]),
        "close": plain_text("Close"),
        "blocks": [section(text)],
    }


def build_loading_modal(title: str) -> dict[str, Any]:
    """Shown the moment the person clicks, while the real content is worked out."""
    view = _notice(title, LOADING_TEXT)
    view["blocks"].append(context("This takes a moment."))
    return view


def build_notice_modal(title: str, text: str) -> dict[str, Any]:
    """What the loading modal becomes when there is no form to show (``text`` is mrkdwn, and
    already escaped where it echoes anything a person wrote)."""
    return _notice(title, text)


def build_failed_modal(title: str) -> dict[str, Any]:
    return _notice(title, FAILED_TEXT)
