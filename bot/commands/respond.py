"""What listeners tell the person who clicked or typed, in the forms every feature shares."""

from __future__ import annotations

from slack_bolt import Respond

from bot.blocks.text import escape_mrkdwn
from bot.workflows.drafts import DraftInvalid


def tell(respond: Respond, text: str) -> None:
    """An ephemeral note for the person who acted, below the message they acted on, which stays."""
    respond(response_type="ephemeral", replace_original=False, text=text)


def problems_text(error: Exception) -> str:
    """Why a draft was refused, escaped: each check's message, or the error's own."""
    if isinstance(error, DraftInvalid):
        return " ".join(escape_mrkdwn(f.message) for f in error.errors)
    return escape_mrkdwn(str(error))
