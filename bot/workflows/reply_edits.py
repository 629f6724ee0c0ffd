"""A suggestion before it is sent: does it fit its network, and the teammate's edit of it.

Split from replies.py, which composes and sends: these two read and change a stored suggestion
through the same checks a reply draft meets, so a suggestion that would be refused says so on
itself, and an edit that would be refused is refused while the teammate still has the form open.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col

from bot.store.models import ReplySuggestion
from bot.workflows.checks import CheckPolicy, Finding
from bot.workflows.drafts import DraftInput, DraftInvalid
from bot.workflows.drafts.checking import check_draft
from bot.workflows.suggestion_store import SendRefused

# A reply's text in the edit form; every network's limit is below it.
MAX_EDIT_CHARS = 3_000


def reply_findings(
    text: str, *, network: str, checks: CheckPolicy, now: datetime
) -> tuple[Finding, ...]:
    """What stands between this text and a reply draft on ``network``: the draft checks' errors."""
    # Only the text is in question here: whom it answers is Send for approval's own refusal,
    # with its way out, so a stand-in customer keeps that check quiet.
    draft = DraftInput(
        kind="reply", text=text, networks=(network,), author_id="-", customer_handle="@customer"
    )
    return check_draft(draft, policy=checks, now=now).errors


def fit_problem(text: str, *, network: str, checks: CheckPolicy, now: datetime) -> str | None:
    """Why Send for approval would refuse this text, in one line; None when it would not."""
    errors = reply_findings(text, network=network, checks=checks, now=now)
    return " ".join(f.message for f in errors) or None


def edit_suggestion(
    *,
    session: Session,
    suggestion_id: int,
    text: str,
    network: str,
    editor_id: str,
    checks: CheckPolicy,
    now: datetime,
) -> ReplySuggestion:
    """Replace the suggestion's text (and network) with the teammate's, once it passes the checks.

    Raises :class:`DraftInvalid` (nothing changed) when a check fails, and :class:`SendRefused`
    when the suggestion is gone, an abstention, or already sent: a sent reply is changed on its
    approval card, not here. The conditional UPDATE on ``sent_at`` keeps an edit from landing on
    a suggestion someone sent a moment ago.
    """
    text = text.strip()
    errors = reply_findings(text, network=network, checks=checks, now=now)
    if errors:
        raise DraftInvalid(errors)
    row = session.get(ReplySuggestion, suggestion_id)
    if row is None:
        raise SendRefused("This suggestion is no longer in the store.")
    if row.text is None:
        raise SendRefused("There is no reply to edit: the FAQ had no answer for this message.")
    statement = (
        update(ReplySuggestion)
        .where(col(ReplySuggestion.id) == suggestion_id, col(ReplySuggestion.sent_at).is_(None))
        .values(text=text, network=network, edited_by=editor_id, polished=False, note=None)
        .returning(col(ReplySuggestion.id))
    )
    if session.execute(statement).first() is None:
        raise SendRefused(
            f"This reply was already sent for approval as draft #{row.draft_id}; "
            "change it on its approval card."
        )
    session.refresh(row)
    return row
