"""Suggested replies in the store: what was shown (so its buttons find it again), the option or
candidate a teammate moves to, "Not helpful", and the one reply draft a suggestion becomes.

Every change a click makes is a conditional UPDATE, so two clicks at once decide once.
"""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col

from bot.knowledge.matching import Match
from bot.knowledge.sentiment import mood_of
from bot.store.models import Draft, ReplySuggestion
from bot.workflows import faq_gaps
from bot.workflows.checks import CheckPolicy
from bot.workflows.crisis.signals import record_suggestion_signal
from bot.workflows.drafts import DraftInput, create_draft
from bot.workflows.replies import Suggestion
from bot.workflows.reply_requests import CustomerMessage


def save_suggestion(
    *,
    session: Session,
    suggestion: Suggestion,
    message: CustomerMessage,
    requested_by: str,
    now: datetime,
    channel_id: str | None = None,
    message_ts: str | None = None,
    source_link: str | None = None,
    network: str | None = None,
    source_ts: str | None = None,
) -> tuple[ReplySuggestion, int | None]:
    """Store what was shown; an abstention also counts as an FAQ gap (its id is returned).

    ``network`` is where the customer wrote; the reply draft will be for it. ``source_ts`` is
    the customer's message when it is in Slack (in ``channel_id``): a handoff of this suggestion
    hands off that message, so it is handed off once.
    """
    row = ReplySuggestion(
        requested_by=requested_by,
        network=network,
        channel_id=channel_id,
        message_ts=message_ts,
        customer_text=message.text,
        customer_handle=message.handle,
        source_link=source_link,
        source_ts=source_ts,
        # Read from the customer's words (not the suggestion's register, which a caller may set
        # otherwise): the digest's sentiment mix counts the messages as the customers wrote them.
        mood=mood_of(message.text),
        created_at=now,
    )
    _apply(row, suggestion)
    session.add(row)
    gap = None
    # A crisis abstention is for want of a crisis template, not an answer missing from the FAQ;
    # candidates are entries that may answer it (None of these records the gap then).
    if suggestion.abstained and suggestion.crisis_id is None and not suggestion.candidates:
        gap = faq_gaps.record_gap(session=session, text=message.text, now=now)
    session.flush()
    record_suggestion_signal(session=session, row=row, now=now)  # the spike detector's count
    return row, gap.id if gap else None


def ranked_of(row: ReplySuggestion) -> list[Match]:
    return [
        Match(entry_id, score, coverage) for entry_id, score, coverage in json.loads(row.ranked_ids)
    ]


def replace_option(
    *, session: Session, row: ReplySuggestion, seen_option: int, suggestion: Suggestion
) -> bool:
    """Show another option, unless someone else already moved on or sent it (then False)."""
    values = _values(suggestion)
    statement = (
        update(ReplySuggestion)
        .where(
            col(ReplySuggestion.id) == row.id,
            col(ReplySuggestion.option) == seen_option,
            col(ReplySuggestion.sent_at).is_(None),
        )
        .values(**values)
        .returning(col(ReplySuggestion.id))
    )
    return session.execute(statement).first() is not None


def use_candidate(*, session: Session, row: ReplySuggestion, suggestion: Suggestion) -> bool:
    """Replace the candidates with the reply drafted from the one picked, unless someone already
    picked one (then False): two clicks on Use this make one reply, whoever clicks first."""
    statement = (
        update(ReplySuggestion)
        .where(
            col(ReplySuggestion.id) == row.id,
            col(ReplySuggestion.text).is_(None),
            col(ReplySuggestion.sent_at).is_(None),
        )
        .values(**_values(suggestion))
        .returning(col(ReplySuggestion.id))
    )
    return session.execute(statement).first() is not None


class SendRefused(Exception):
    """Why a suggestion cannot become a reply draft; the message is for the person who clicked."""


def send_for_approval(
    *,
    session: Session,
    suggestion_id: int,
    actor_id: str,
    default_network: str,
    checks: CheckPolicy,
    now: datetime,
) -> Draft:
    """Turn the suggestion into a reply draft in the approval workflow, once, for the network
    the customer wrote on (``default_network`` for a row stored before suggestions had one).

    Two clicks at the same moment make one draft: the conditional UPDATE on ``sent_at`` picks the
    winner, and the draft is created in the same transaction, so a failed check undoes the claim.
    """
    row = session.get(ReplySuggestion, suggestion_id)
    if row is None:
        raise SendRefused("This suggestion is no longer in the store.")
    if row.text is None:
        raise SendRefused("There is no reply to send: the FAQ had no answer for this message.")
    if row.customer_handle is None and row.source_link is None:
        # Approvers must see whom a reply answers; a pasted message carries neither.
        raise SendRefused(
            "Approvers need to know whom this answers: start the message with the customer's "
            "@handle (`/social reply @dana where is my order?`), or use the Draft reply "
            "shortcut on the customer's message."
        )
    claim = (
        update(ReplySuggestion)
        .where(col(ReplySuggestion.id) == suggestion_id, col(ReplySuggestion.sent_at).is_(None))
        .values(sent_at=now)
        .returning(col(ReplySuggestion.id))
    )
    if session.execute(claim).first() is None:
        session.refresh(row)
        already = f" as draft #{row.draft_id}" if row.draft_id else ""
        raise SendRefused(f"This reply was already sent for approval{already}.")
    draft, _report = create_draft(
        session=session,
        draft=DraftInput(
            kind="reply",
            text=row.text,
            networks=(row.network or default_network,),
            author_id=actor_id,
            customer_handle=row.customer_handle,
            link=row.source_link,
            tags=(row.faq_id,) if row.faq_id else (),
        ),
        checks=checks,
        now=now,
    )
    row.draft_id = draft.id
    row.sent_at = now
    session.add(row)
    session.flush()
    return draft


def mark_not_helpful(
    *, session: Session, suggestion_id: int, user_id: str, now: datetime
) -> ReplySuggestion | None:
    """Count a "Not helpful" click as an FAQ gap, once per suggestion; None when already marked."""
    statement = (
        update(ReplySuggestion)
        .where(
            col(ReplySuggestion.id) == suggestion_id,
            col(ReplySuggestion.not_helpful_by).is_(None),
        )
        .values(not_helpful_by=user_id)
        .returning(col(ReplySuggestion.id))
    )
    if session.execute(statement).first() is None:
        return None
    row = session.get(ReplySuggestion, suggestion_id)
    assert row is not None
    session.refresh(row)
    faq_gaps.record_gap(session=session, text=row.customer_text, now=now, not_helpful=True)
    return row


def _apply(row: ReplySuggestion, suggestion: Suggestion) -> None:
    for name, value in _values(suggestion).items():
        setattr(row, name, value)


def _kept_ranking(suggestion: Suggestion) -> tuple[Match, ...]:
    if suggestion.abstained and suggestion.crisis_id is None:
        return suggestion.candidates
    return suggestion.ranked


def _values(suggestion: Suggestion) -> dict[str, object]:
    return {
        # Unanswered, the row keeps the candidates it offers (Use this picks among them), and
        # silence keeps none; answered, the ranking Another option walks.
        "ranked_ids": json.dumps(
            [[m.entry_id, m.score, m.coverage] for m in _kept_ranking(suggestion)]
        ),
        "option": suggestion.option,
        "faq_id": suggestion.faq_id,
        "template_id": suggestion.template_id,
        "text": suggestion.text,
        "confidence": suggestion.confidence,
        "polished": suggestion.polished,
        "note": suggestion.note,
        "edited_by": None,
        "crisis_id": suggestion.crisis_id,
        "chosen_by_model": suggestion.chosen_by_model,
        "parts": json.dumps(
            [[p.text, p.match.entry_id if p.match else None] for p in suggestion.parts]
        )
        if suggestion.parts
        else None,
    }
