"""Posting the cards that are owed: by the CSV import right away, and by the clock until they are.

A pending draft without a card is the durable record that its card is owed
(bot/workflows/drafts/cards.py). The import tries to post its drafts' cards and leaves the rest
to the clock; the clock's job posts every card still owed. Both stop at Slack's first refusal:
a wrong token, an unknown channel, Slack down or rate-limiting after the client's retries would
refuse the next card too, and hammering a rate-limited Slack only lengthens the wait.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.services import Services
from bot.slack.approval_cards import post_card
from bot.store.db import session_scope
from bot.store.models import Draft
from bot.workflows import drafts

log = logging.getLogger(__name__)

# Cards one clock run posts at most: Slack allows about one message a second per channel, so a
# large backlog drains over a few runs instead of one run holding the job for many minutes.
CARDS_PER_RUN = 100


@dataclass(frozen=True)
class CardPosting:
    posted: int  # cards posted by this call
    waiting: int  # cards still owed after it: the clock posts them
    problem: str | None  # why they wait: Slack's error code, or that Slack did not answer


def slack_problem(error: Exception) -> str:
    """What went wrong with a Web API call, in the words an operator can act on."""
    if isinstance(error, SlackApiError):
        code = error.response.get("error") if error.response is not None else None
        return f"Slack said {code or 'no'}"
    return "Slack did not answer"


def post_cards(client: WebClient, services: Services, owed: Sequence[Draft]) -> CardPosting:
    """Post the cards of ``owed`` in order until Slack refuses one; the rest wait for the clock.

    A card another process is posting at the same moment counts as waiting: it is not posted by
    this call, and the clock sees it through if that process does not.
    """
    posted = 0
    for draft in owed:
        try:
            if post_card(client, services, draft):
                posted += 1
        except (SlackClientError, OSError) as error:
            # OSError: connection refused or timed out after the client's own retries.
            return CardPosting(posted, len(owed) - posted, slack_problem(error))
    return CardPosting(posted, len(owed) - posted, None)


def post_card_or_leave_to_clock(client: WebClient, services: Services, draft: Draft) -> bool:
    """Post one new draft's card; False when Slack refused it. The draft without a card is the
    record that its card is owed and the clock's retry posts it, so a refusal loses nothing."""
    try:
        post_card(client, services, draft)
    except SlackApiError as error:
        log.warning("card of draft %s not posted yet: %s", draft.id, error.response.get("error"))
        return False
    return True


def post_missing_cards(services: Services, client: WebClient) -> int:
    """Job: post the card of every pending draft that has none (an import Slack refused, a crash
    between storing a draft and posting its card); returns how many were posted."""
    if services.settings.approvals_channel is None:
        return 0
    with session_scope(services.sessions) as session:
        owed = drafts.drafts_missing_cards(
            session=session, now=services.clock(), limit=CARDS_PER_RUN
        )
    if not owed:
        return 0
    result = post_cards(client, services, owed)
    if result.problem is None:
        log.info("missing cards: %d posted", result.posted)
    else:
        log.warning(
            "missing cards: %d posted, %d wait for the next run: %s",
            result.posted,
            result.waiting,
            result.problem,
        )
    return result.posted
