"""A decision in two steps: commit it (before the ack), then tell Slack (after the ack).

``commit_decision`` runs the workflow and, in the same transaction, writes the notice the decision
owes its author (bot/workflows/notices.py): the click's 200 then means both are stored. It calls
no Slack method (the approver policy it is given comes from a per-process cache, which
``after_decision`` refreshes once the click is acked).
``after_decision`` redraws the card from a fresh read and delivers the notices. A refusal that
finds the card behind its draft ("already approved" on a card still showing Approve) repairs it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlmodel import Session

from bot.blocks.approvals import decision_notice
from bot.services import Services
from bot.slack.approval_cards import redraw_card, redraw_if_behind
from bot.slack.approvers import refresh_approvers
from bot.slack.notices import deliver_notices
from bot.store.db import session_scope
from bot.workflows import notices
from bot.workflows.drafts import Outcome, Refusal

log = logging.getLogger(__name__)


class DecisionWork(Protocol):
    """A draft workflow with its arguments bound, waiting for a session and the time."""

    def __call__(self, *, session: Session, now: datetime) -> Outcome: ...


@dataclass(frozen=True)
class Decision:
    """What was committed: the outcome, and the notices written with it (to deliver next)."""

    outcome: Outcome
    notice_ids: tuple[int, ...] = ()


def commit_decision(
    services: Services, work: DecisionWork, *, actor: str, action: str, note: str | None = None
) -> Decision:
    """Run ``work`` and queue the author's notice in one transaction (the author is not told of
    their own actions)."""
    with session_scope(services.sessions) as session:
        now = services.clock()
        outcome = work(session=session, now=now)
        draft = outcome.draft
        if outcome.refused is not None or draft is None or actor == draft.author_id:
            return Decision(outcome)
        notice = notices.add_notice(
            session=session,
            recipient_id=draft.author_id,
            text=decision_notice(draft, actor, action, note),
            now=now,
            draft_id=draft.id,
        )
        assert notice.id is not None
        return Decision(outcome, (notice.id,))


def after_decision(client: WebClient, services: Services, decision: Decision) -> None:
    """After the ack: the card shows the draft as stored, and the notices go out."""
    draft = decision.outcome.draft
    if draft is None or draft.id is None:
        return
    try:
        # A click on old text (STALE) means the clicker's copy of the card is old: draw it anew.
        if decision.outcome.refused in (None, Refusal.STALE):
            redraw_card(client, services, draft.id)
        else:
            redraw_if_behind(client, services, draft.id)
    except SlackApiError as error:
        # The card stays behind its draft in the store, so the clock's sweep redraws it; the
        # notices do not wait for that.
        log.warning("card of draft %s not redrawn: %s", draft.id, error.response.get("error"))
    deliver_notices(client, services, decision.notice_ids)
    # The decide step used cached approver groups; fetch any gone stale now, not before a click.
    refresh_approvers(services.settings, client, services.groups, now=services.clock())
