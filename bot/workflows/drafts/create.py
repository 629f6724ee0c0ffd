"""Storing a new draft (and submitting it), and remembering where its card lives."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col

from bot.core.networks import in_order
from bot.store.claims import insert_unless_taken
from bot.store.models import Draft
from bot.workflows.checks import CheckPolicy, CheckReport
from bot.workflows.crisis.queries import running
from bot.workflows.drafts.checking import check_draft
from bot.workflows.drafts.inputs import DraftInput, DraftInvalid
from bot.workflows.drafts.publish_texts import content_hash, encode_network_texts
from bot.workflows.drafts.states import DraftState
from bot.workflows.drafts.transitions import audit, transition


def create_draft(
    *,
    session: Session,
    draft: DraftInput,
    checks: CheckPolicy,
    now: datetime,
    submit: bool = True,
) -> tuple[Draft, CheckReport]:
    """Store a post or reply draft and (by default) submit it for approval.

    Raises :class:`DraftInvalid` when a check fails; nothing is stored then.
    """
    report = check_draft(draft, policy=checks, now=now)
    if not report.ok:
        raise DraftInvalid(report.errors)
    row = _new_row(draft, report, now, crisis_id=running_crisis_id(session))
    session.add(row)
    session.flush()
    _record_creation(session, row, draft, now, submit=submit)
    return row, report


def create_imported_draft(
    *, session: Session, draft: DraftInput, import_key: str, checks: CheckPolicy, now: datetime
) -> Draft | None:
    """Store and submit a draft from an imported row, unless a draft with ``import_key`` exists
    (None then, nothing stored). The unique key decides in the database, so two imports racing
    on one row store it once. Raises :class:`DraftInvalid` like :func:`create_draft`.
    """
    report = check_draft(draft, policy=checks, now=now)
    if not report.ok:
        raise DraftInvalid(report.errors)
    row = _new_row(draft, report, now, crisis_id=running_crisis_id(session))
    row.import_key = import_key
    draft_id = insert_unless_taken(
        session=session, table=Draft, values=row.model_dump(exclude={"id"})
    )
    if draft_id is None:
        return None
    stored = session.get(Draft, draft_id)
    assert stored is not None
    _record_creation(session, stored, draft, now, submit=True)
    return stored


def running_crisis_id(session: Session) -> int | None:
    """The crisis or drill running now, whose extra approval a draft written now needs."""
    crisis = running(session)
    return crisis.id if crisis is not None else None


def _new_row(
    draft: DraftInput, report: CheckReport, now: datetime, *, crisis_id: int | None
) -> Draft:
    return Draft(
        kind=draft.kind,
        state=DraftState.DRAFT,
        text=draft.text,
        # What each network publishes (brand links tagged), and the hash approvals bind to.
        network_texts=encode_network_texts(draft.text, report.texts),
        text_hash=content_hash(report.texts),
        networks=",".join(in_order(draft.networks)),
        author_id=draft.author_id,
        campaign=draft.campaign or None,
        tags=",".join(draft.tags) or None,
        link=draft.link or None,
        customer_handle=draft.customer_handle or None,
        scheduled_at=draft.scheduled_at,
        required_approvals=required_approvals(report),
        risky_topics=",".join(report.risky_topics) or None,
        crisis_id=crisis_id,
        created_at=now,
        updated_at=now,
    )


def _record_creation(
    session: Session, row: Draft, draft: DraftInput, now: datetime, *, submit: bool
) -> None:
    audit(session, row, now, draft.author_id, "create", None, DraftState.DRAFT)
    if submit:
        transition(session, row, DraftState.PENDING, now=now, submitted_at=now)
        audit(session, row, now, draft.author_id, "submit", DraftState.DRAFT, DraftState.PENDING)


def required_approvals(report: CheckReport) -> int:
    """One approval, and one more when the text touches a risky topic (a risk approver's)."""
    return 1 + (1 if report.risky_topics else 0)


def attach_card(
    *, session: Session, draft_id: int, channel: str, ts: str, version: int | None = None
) -> None:
    """Remember where the draft's approval card lives, so every decision updates it in place,
    and which version of the draft it was drawn from (None: unknown, so it counts as behind)."""
    session.execute(
        update(Draft)
        .where(col(Draft.id) == draft_id)
        .values(card_channel=channel, card_ts=ts, card_version=version)
    )
