"""Drafts and their approval: the state machine, the policy, and every transition made atomic.

    draft ─submit─▶ pending ─approve (enough)─▶ approved ─(scheduled time set)─▶ scheduled
                      │  ├─request changes─▶ changes_requested ─edit─▶ pending
                      │  ├─reject─▶ rejected           approved/scheduled ─mark published─▶ published
                      │  ├─withdraw─▶ withdrawn        approved/scheduled/… ─edit─▶ pending
                      │  └─time passes─▶ expired

Each decision locks the draft's row first, so decisions on one draft happen one after another
in every process; the transition itself is a conditional UPDATE on (state, version), so it happens
once. Approvals are bound to a hash of the text: an edit cancels the approvals already given.
A refused action is not an exception: it returns an :class:`Outcome` with ``refused`` set, so the
audit entry that records the refusal commits with the session.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import update
from sqlmodel import Session, col, select

from bot.core.networks import in_order
from bot.store.models import Draft, DraftApproval
from bot.workflows import faq
from bot.workflows.audit import record_audit
from bot.workflows.checks import CheckPolicy, CheckReport, Finding, run_checks

SUBJECT = "draft"
KINDS = ("post", "reply")
MAX_TEXT_CHARS = 63_206  # the longest any network takes (Facebook); more is never publishable
MAX_NOTE_CHARS = 3_000


class DraftState(StrEnum):
    DRAFT = "draft"
    PENDING = "pending"
    APPROVED = "approved"
    CHANGES_REQUESTED = "changes_requested"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"
    SCHEDULED = "scheduled"
    PUBLISHED = "published"


FINAL_STATES = frozenset(
    {DraftState.REJECTED, DraftState.WITHDRAWN, DraftState.EXPIRED, DraftState.PUBLISHED}
)
EDITABLE_STATES = frozenset(
    {
        DraftState.DRAFT,
        DraftState.PENDING,
        DraftState.CHANGES_REQUESTED,
        DraftState.APPROVED,
        DraftState.SCHEDULED,
    }
)
WITHDRAWABLE_STATES = frozenset(
    {
        DraftState.DRAFT,
        DraftState.PENDING,
        DraftState.CHANGES_REQUESTED,
        DraftState.APPROVED,
        DraftState.SCHEDULED,
    }
)
PUBLISHABLE_STATES = frozenset({DraftState.APPROVED, DraftState.SCHEDULED})


class Refusal(StrEnum):
    """Why an action did nothing; the listener turns each into a short message."""

    NOT_FOUND = "not_found"
    NOT_AUTHORIZED = "not_authorized"
    NO_APPROVERS = "no_approvers"
    SELF_APPROVAL = "self_approval"
    NOT_AUTHOR = "not_author"
    WRONG_STATE = "wrong_state"
    STALE = "stale"
    ALREADY_APPROVED = "already_approved"
    INVALID = "invalid"


@dataclass(frozen=True)
class DraftInput:
    """What an author asks for; ``networks`` and ``tags`` as given, validated by :func:`create_draft`."""

    kind: str
    text: str
    networks: tuple[str, ...]
    author_id: str
    campaign: str | None = None
    tags: tuple[str, ...] = ()
    scheduled_at: datetime | None = None
    link: str | None = None
    customer_handle: str | None = None


@dataclass(frozen=True)
class ApprovalPolicy:
    """Who may decide, as user ids (user groups already expanded by the caller)."""

    approvers: frozenset[str]
    risk_approvers: frozenset[str] = frozenset()
    required_approvals: int = 1

    def may_approve(self, user_id: str, draft: Draft) -> bool:
        return user_id in self.approvers or (
            bool(draft.risky_topics) and user_id in self.risk_approvers
        )

    @property
    def anyone_can_approve(self) -> bool:
        return bool(self.approvers)


@dataclass(frozen=True)
class Progress:
    """Approvals given to the current text, and what is still needed."""

    given: tuple[str, ...]  # approver ids, in the order they approved
    required: int
    risk_needed: bool  # a risky topic and no risk approver has approved yet

    @property
    def complete(self) -> bool:
        return len(self.given) >= self.required and not self.risk_needed


@dataclass(frozen=True)
class Outcome:
    """What an action did: the draft as it is now, and the transition or the refusal."""

    draft: Draft | None
    progress: Progress | None = None
    from_state: str | None = None
    to_state: str | None = None
    refused: Refusal | None = None
    detail: str = ""  # for a refusal: one plain sentence; escaped by whoever shows it
    findings: tuple[Finding, ...] = field(default=())

    @property
    def changed(self) -> bool:
        return self.refused is None and self.from_state != self.to_state


class DraftInvalid(Exception):
    """The draft cannot be stored: the errors say why (shown to the author, nothing saved)."""

    def __init__(self, errors: Sequence[Finding]) -> None:
        super().__init__("; ".join(f.message for f in errors))
        self.errors = tuple(errors)


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def split_list(value: str | None) -> tuple[str, ...]:
    return tuple(part for part in (value or "").split(",") if part)


# -- checking ---------------------------------------------------------------------------------


def check_draft(draft: DraftInput, *, policy: CheckPolicy, now: datetime) -> CheckReport:
    """The pre-flight checks plus what only a draft has: kind, size and a time in the future."""
    report = run_checks(draft.text, draft.networks, campaign=draft.campaign, policy=policy)
    extra: list[Finding] = []
    if draft.kind not in KINDS:
        extra.append(Finding("error", "unknown_kind", f"Unknown kind '{draft.kind}'."))
    if len(draft.text) > MAX_TEXT_CHARS:
        extra.append(
            Finding(
                "error",
                "too_long",
                f"{len(draft.text):,} characters is more than any network takes.",
            )
        )
    if draft.scheduled_at is not None:
        if draft.scheduled_at.tzinfo is None:
            extra.append(Finding("error", "naive_time", "The scheduled time needs a time zone."))
        elif draft.scheduled_at <= now:
            extra.append(Finding("error", "past_time", "The scheduled time is in the past."))
    if draft.kind == "reply" and not (draft.customer_handle or draft.link):
        extra.append(
            Finding("error", "reply_without_customer", "A reply needs the customer or a link.")
        )
    if not extra:
        return report
    findings = tuple(f for f in extra if f.severity == "error") + report.findings
    return CheckReport(findings=findings, texts=report.texts, risky_topics=report.risky_topics)


# -- creating ---------------------------------------------------------------------------------


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
    networks = in_order(draft.networks)
    row = Draft(
        kind=draft.kind,
        state=DraftState.DRAFT,
        text=draft.text,
        text_hash=text_hash(draft.text),
        networks=",".join(networks),
        author_id=draft.author_id,
        campaign=draft.campaign or None,
        tags=",".join(draft.tags) or None,
        link=draft.link or None,
        customer_handle=draft.customer_handle or None,
        scheduled_at=draft.scheduled_at,
        required_approvals=1 + (1 if report.risky_topics else 0),
        risky_topics=",".join(report.risky_topics) or None,
        created_at=now,
        updated_at=now,
    )
    session.add(row)
    session.flush()
    _audit(session, row, now, draft.author_id, "create", None, DraftState.DRAFT)
    if submit:
        _transition(session, row, DraftState.PENDING, now=now, submitted_at=now)
        _audit(session, row, now, draft.author_id, "submit", DraftState.DRAFT, DraftState.PENDING)
    return row, report


def attach_card(*, session: Session, draft_id: int, channel: str, ts: str) -> None:
    """Remember where the draft's approval card lives, so every decision updates it in place."""
    session.execute(
        update(Draft).where(col(Draft.id) == draft_id).values(card_channel=channel, card_ts=ts)
    )


# -- reading ----------------------------------------------------------------------------------


def get_draft(session: Session, draft_id: int) -> Draft | None:
    return session.get(Draft, draft_id)


def active_approvals(session: Session, draft: Draft) -> list[DraftApproval]:
    """Approvals of the draft's current text that no edit cancelled, oldest first."""
    statement = (
        select(DraftApproval)
        .where(
            DraftApproval.draft_id == draft.id,
            DraftApproval.text_hash == draft.text_hash,
            col(DraftApproval.cancelled_at).is_(None),
        )
        .order_by(col(DraftApproval.at), col(DraftApproval.id))
    )
    return list(session.exec(statement))


def progress_of(session: Session, draft: Draft) -> Progress:
    approvals = active_approvals(session, draft)
    risk_given = any(a.as_risk_approver for a in approvals)
    return Progress(
        given=tuple(a.approver_id for a in approvals),
        required=draft.required_approvals,
        risk_needed=bool(draft.risky_topics) and not risk_given,
    )


def pending_drafts(session: Session) -> list[Draft]:
    """Drafts waiting for a decision, oldest first."""
    statement = (
        select(Draft)
        .where(Draft.state == DraftState.PENDING)
        .order_by(col(Draft.submitted_at), col(Draft.id))
    )
    return list(session.exec(statement))


def planned_posts(session: Session, *, start: datetime, end: datetime) -> list[Draft]:
    """Approved and scheduled drafts with a time in [start, end), soonest first."""
    statement = (
        select(Draft)
        .where(
            col(Draft.state).in_([DraftState.APPROVED, DraftState.SCHEDULED]),
            col(Draft.scheduled_at) >= start,
            col(Draft.scheduled_at) < end,
        )
        .order_by(col(Draft.scheduled_at), col(Draft.id))
    )
    return list(session.exec(statement))


# -- deciding ---------------------------------------------------------------------------------


def approve(
    *,
    session: Session,
    draft_id: int,
    actor_id: str,
    policy: ApprovalPolicy,
    now: datetime,
    seen_hash: str | None = None,
) -> Outcome:
    """Add ``actor_id``'s approval; the last one needed moves the draft to approved (or scheduled)."""
    draft = _lock(session, draft_id)
    refusal = _refuse_decision(session, draft, actor_id, policy, now, "approve", seen_hash)
    if refusal is not None:
        return refusal
    assert draft is not None
    before = progress_of(session, draft)
    if actor_id in before.given:
        return _refused(
            session,
            draft,
            actor_id,
            now,
            "approve",
            Refusal.ALREADY_APPROVED,
            "You already approved this text.",
            audit=False,
        )
    as_risk = bool(draft.risky_topics) and actor_id in policy.risk_approvers
    session.add(
        DraftApproval(
            draft_id=draft_id,
            approver_id=actor_id,
            text_hash=draft.text_hash,
            as_risk_approver=as_risk,
            at=now,
        )
    )
    session.flush()
    progress = progress_of(session, draft)
    if not progress.complete:
        _touch(session, draft, now)
        _audit(session, draft, now, actor_id, "approve", draft.state, draft.state)
        return Outcome(draft, progress, draft.state, draft.state)
    from_state = draft.state
    _transition(session, draft, DraftState.APPROVED, now=now)
    _audit(session, draft, now, actor_id, "approve", from_state, DraftState.APPROVED)
    if draft.kind == "reply" and draft.id is not None:
        # Matching improves with use: the question this reply answered teaches its FAQ entry.
        faq.learn_from_approved_reply(session=session, draft_id=draft.id, now=now)
    if draft.scheduled_at is not None:
        _transition(session, draft, DraftState.SCHEDULED, now=now)
        _audit(session, draft, now, actor_id, "schedule", DraftState.APPROVED, DraftState.SCHEDULED)
    return Outcome(draft, progress, from_state, draft.state)


def check_decision(
    *,
    session: Session,
    draft_id: int,
    actor_id: str,
    policy: ApprovalPolicy,
    now: datetime,
    action: str,
    seen_hash: str | None = None,
) -> Outcome | None:
    """Would ``actor_id`` be allowed to decide now? A refusal is audited and returned; None if so.

    Asked before a note modal opens, so nobody types a reason only to be told no.
    """
    draft = _lock(session, draft_id)
    return _refuse_decision(session, draft, actor_id, policy, now, action, seen_hash)


def check_author_action(
    *, session: Session, draft_id: int, actor_id: str, now: datetime, action: str
) -> Outcome:
    """The draft, if ``actor_id`` is its author and it can still be edited; else a refusal."""
    draft = session.get(Draft, draft_id)
    if draft is None:
        return Outcome(None, refused=Refusal.NOT_FOUND, detail="There is no such draft.")
    if actor_id != draft.author_id:
        return _refused(
            session,
            draft,
            actor_id,
            now,
            action,
            Refusal.NOT_AUTHOR,
            f"Only the author can {action} a draft.",
        )
    if draft.state not in EDITABLE_STATES:
        return _refused(
            session,
            draft,
            actor_id,
            now,
            action,
            Refusal.WRONG_STATE,
            f"The draft is {_label(draft.state)}; it can no longer be changed.",
        )
    return Outcome(draft, progress_of(session, draft), draft.state, draft.state)


def request_changes(
    *,
    session: Session,
    draft_id: int,
    actor_id: str,
    note: str,
    policy: ApprovalPolicy,
    now: datetime,
    seen_hash: str | None = None,
) -> Outcome:
    """An approver sends the draft back to its author with a note."""
    return _decide_with_note(
        session,
        draft_id,
        actor_id,
        note,
        policy,
        now,
        seen_hash,
        action="request_changes",
        to_state=DraftState.CHANGES_REQUESTED,
    )


def reject(
    *,
    session: Session,
    draft_id: int,
    actor_id: str,
    note: str,
    policy: ApprovalPolicy,
    now: datetime,
    seen_hash: str | None = None,
) -> Outcome:
    """An approver turns the draft down for good, with a reason."""
    return _decide_with_note(
        session,
        draft_id,
        actor_id,
        note,
        policy,
        now,
        seen_hash,
        action="reject",
        to_state=DraftState.REJECTED,
    )


def withdraw(*, session: Session, draft_id: int, actor_id: str, now: datetime) -> Outcome:
    """The author takes the draft back; only the author may."""
    draft = _lock(session, draft_id)
    if draft is None:
        return Outcome(None, refused=Refusal.NOT_FOUND, detail="There is no such draft.")
    if actor_id != draft.author_id:
        return _refused(
            session,
            draft,
            actor_id,
            now,
            "withdraw",
            Refusal.NOT_AUTHOR,
            "Only the author can withdraw a draft.",
        )
    if draft.state not in WITHDRAWABLE_STATES:
        return _refused(
            session,
            draft,
            actor_id,
            now,
            "withdraw",
            Refusal.WRONG_STATE,
            f"The draft is already {_label(draft.state)}.",
        )
    from_state = draft.state
    _transition(session, draft, DraftState.WITHDRAWN, now=now)
    _audit(session, draft, now, actor_id, "withdraw", from_state, DraftState.WITHDRAWN)
    return Outcome(draft, progress_of(session, draft), from_state, draft.state)


def edit(
    *,
    session: Session,
    draft_id: int,
    actor_id: str,
    text: str,
    checks: CheckPolicy,
    now: datetime,
) -> Outcome:
    """The author changes the text: approvals given so far are cancelled and it is pending again.

    Raises :class:`DraftInvalid` when the new text fails a check; nothing changes then.
    """
    draft = _lock(session, draft_id)
    if draft is None:
        return Outcome(None, refused=Refusal.NOT_FOUND, detail="There is no such draft.")
    if actor_id != draft.author_id:
        return _refused(
            session,
            draft,
            actor_id,
            now,
            "edit",
            Refusal.NOT_AUTHOR,
            "Only the author can edit a draft.",
        )
    if draft.state not in EDITABLE_STATES:
        return _refused(
            session,
            draft,
            actor_id,
            now,
            "edit",
            Refusal.WRONG_STATE,
            f"The draft is {_label(draft.state)}; it can no longer be edited.",
        )
    candidate = DraftInput(
        kind=draft.kind,
        text=text,
        networks=split_list(draft.networks),
        author_id=draft.author_id,
        campaign=draft.campaign,
        customer_handle=draft.customer_handle,
        link=draft.link,
    )
    report = check_draft(candidate, policy=checks, now=now)
    if not report.ok:
        raise DraftInvalid(report.errors)
    new_hash = text_hash(text)
    if new_hash == draft.text_hash:
        return Outcome(
            draft, progress_of(session, draft), draft.state, draft.state, findings=report.findings
        )
    session.execute(
        update(DraftApproval)
        .where(
            col(DraftApproval.draft_id) == draft_id,
            col(DraftApproval.cancelled_at).is_(None),
        )
        .values(cancelled_at=now)
    )
    from_state = draft.state
    _transition(
        session,
        draft,
        DraftState.PENDING,
        now=now,
        text=text,
        text_hash=new_hash,
        previous_text=draft.text,
        required_approvals=1 + (1 if report.risky_topics else 0),
        risky_topics=",".join(report.risky_topics) or None,
        submitted_at=now if from_state != DraftState.PENDING else draft.submitted_at,
        last_reminded_at=None,
    )
    _audit(session, draft, now, actor_id, "edit", from_state, DraftState.PENDING)
    return Outcome(
        draft, progress_of(session, draft), from_state, draft.state, findings=report.findings
    )


def mark_published(
    *, session: Session, draft_id: int, actor_id: str, policy: ApprovalPolicy, now: datetime
) -> Outcome:
    """Record that an approved post went out; the author or an approver may say so."""
    draft = _lock(session, draft_id)
    if draft is None:
        return Outcome(None, refused=Refusal.NOT_FOUND, detail="There is no such draft.")
    if actor_id != draft.author_id and not policy.may_approve(actor_id, draft):
        return _refused(
            session,
            draft,
            actor_id,
            now,
            "publish",
            Refusal.NOT_AUTHORIZED,
            "Only the author or an approver can mark a draft published.",
        )
    if draft.state not in PUBLISHABLE_STATES:
        return _refused(
            session,
            draft,
            actor_id,
            now,
            "publish",
            Refusal.WRONG_STATE,
            f"Only an approved draft can be published; this one is {_label(draft.state)}.",
        )
    from_state = draft.state
    _transition(session, draft, DraftState.PUBLISHED, now=now, published_at=now)
    _audit(session, draft, now, actor_id, "publish", from_state, DraftState.PUBLISHED)
    return Outcome(draft, progress_of(session, draft), from_state, draft.state)


# -- time passing ---------------------------------------------------------------------------------


def expire_overdue(*, session: Session, now: datetime, expire_after: timedelta) -> list[Draft]:
    """Pending drafts whose time passed (scheduled time, or waiting too long) become expired.

    Never approved or rejected by default: an expired draft tells its author to start again.
    """
    statement = select(Draft.id).where(Draft.state == DraftState.PENDING)
    expired: list[Draft] = []
    for draft_id in list(session.exec(statement)):
        assert draft_id is not None
        draft = _lock(session, draft_id)
        if draft is None or draft.state != DraftState.PENDING:
            continue
        waited_too_long = (
            draft.submitted_at is not None and now - draft.submitted_at >= expire_after
        )
        time_passed = draft.scheduled_at is not None and draft.scheduled_at <= now
        if not (waited_too_long or time_passed):
            continue
        reason = (
            "its scheduled time passed" if time_passed else f"it waited longer than {expire_after}"
        )
        _transition(session, draft, DraftState.EXPIRED, now=now, last_note=f"Expired: {reason}.")
        _audit(
            session,
            draft,
            now,
            "socialops",
            "expire",
            DraftState.PENDING,
            DraftState.EXPIRED,
            note=reason,
        )
        expired.append(draft)
    return expired


def claim_reminders(*, session: Session, now: datetime, remind_after: timedelta) -> list[Draft]:
    """Pending drafts due a reminder (one per interval), marked as reminded in the same step.

    The conditional UPDATE on ``last_reminded_at`` means two clock processes never both remind.
    """
    due: list[Draft] = []
    for draft in pending_drafts(session):
        last = draft.last_reminded_at or draft.submitted_at
        if last is None or now - last < remind_after:
            continue
        claimed = session.execute(
            update(Draft)
            .where(
                col(Draft.id) == draft.id,
                col(Draft.state) == DraftState.PENDING,
                col(Draft.version) == draft.version,
            )
            .values(last_reminded_at=now)
            .returning(col(Draft.id))
        ).first()
        if claimed is not None:
            draft.last_reminded_at = now
            due.append(draft)
    return due


# -- inside ---------------------------------------------------------------------------------------


def _lock(session: Session, draft_id: int) -> Draft | None:
    """Load the draft holding its row lock until commit, so decisions on it run one at a time.

    PostgreSQL: SELECT … FOR UPDATE. SQLite ignores FOR UPDATE, so a no-op UPDATE takes the
    database's write lock first (pysqlite begins the transaction at the first write).
    """
    if session.get_bind().dialect.name == "sqlite":
        session.execute(update(Draft).where(col(Draft.id) == draft_id).values(id=col(Draft.id)))
    statement = select(Draft).where(Draft.id == draft_id).with_for_update()
    return session.exec(statement.execution_options(populate_existing=True)).first()


def _transition(
    session: Session, draft: Draft, to_state: DraftState, *, now: datetime, **values: object
) -> None:
    """Move the draft to ``to_state`` if nobody changed it since it was read; bumps the version."""
    assert draft.id is not None
    moved = session.execute(
        update(Draft)
        .where(
            col(Draft.id) == draft.id,
            col(Draft.state) == draft.state,
            col(Draft.version) == draft.version,
        )
        .values(state=to_state, version=draft.version + 1, updated_at=now, **values)
        .returning(col(Draft.id))
    ).first()
    if moved is None:
        raise ConcurrentChange(f"draft {draft.id} changed while it was being decided")
    session.refresh(draft)


class ConcurrentChange(RuntimeError):
    """The conditional UPDATE found another version: a bug, since the row was locked."""


def _touch(session: Session, draft: Draft, now: datetime) -> None:
    session.execute(update(Draft).where(col(Draft.id) == draft.id).values(updated_at=now))
    session.refresh(draft)


def _refuse_decision(
    session: Session,
    draft: Draft | None,
    actor_id: str,
    policy: ApprovalPolicy,
    now: datetime,
    action: str,
    seen_hash: str | None,
) -> Outcome | None:
    if draft is None:
        return Outcome(None, refused=Refusal.NOT_FOUND, detail="There is no such draft.")
    if not policy.anyone_can_approve and not (draft.risky_topics and policy.risk_approvers):
        return _refused(
            session,
            draft,
            actor_id,
            now,
            action,
            Refusal.NO_APPROVERS,
            "No approvers are configured, so nobody can decide yet.",
        )
    if actor_id == draft.author_id:
        return _refused(
            session,
            draft,
            actor_id,
            now,
            action,
            Refusal.SELF_APPROVAL,
            "You wrote this draft, so someone else has to decide on it.",
        )
    if not policy.may_approve(actor_id, draft):
        return _refused(
            session,
            draft,
            actor_id,
            now,
            action,
            Refusal.NOT_AUTHORIZED,
            "You are not authorized to decide on drafts.",
        )
    if draft.state != DraftState.PENDING:
        return _refused(
            session,
            draft,
            actor_id,
            now,
            action,
            Refusal.WRONG_STATE,
            f"The draft is already {_label(draft.state)}.",
        )
    if seen_hash is not None and not draft.text_hash.startswith(seen_hash):
        return _refused(
            session,
            draft,
            actor_id,
            now,
            action,
            Refusal.STALE,
            "The text changed since you saw it; the card now shows the new text.",
        )
    return None


def _decide_with_note(
    session: Session,
    draft_id: int,
    actor_id: str,
    note: str,
    policy: ApprovalPolicy,
    now: datetime,
    seen_hash: str | None,
    *,
    action: str,
    to_state: DraftState,
) -> Outcome:
    draft = _lock(session, draft_id)
    refusal = _refuse_decision(session, draft, actor_id, policy, now, action, seen_hash)
    if refusal is not None:
        return refusal
    assert draft is not None
    note = note.strip()
    if not note:
        return Outcome(draft, refused=Refusal.INVALID, detail="Please say why, in a few words.")
    note = note[:MAX_NOTE_CHARS]
    from_state = draft.state
    _transition(session, draft, to_state, now=now, last_note=note)
    _audit(session, draft, now, actor_id, action, from_state, to_state, note=note)
    return Outcome(draft, progress_of(session, draft), from_state, draft.state)


def _refused(
    session: Session,
    draft: Draft,
    actor_id: str,
    now: datetime,
    action: str,
    refusal: Refusal,
    detail: str,
    *,
    audit: bool = True,
) -> Outcome:
    if audit:
        _audit(
            session,
            draft,
            now,
            actor_id,
            f"denied_{action}",
            draft.state,
            draft.state,
            note=f"{refusal.value}: {detail}",
        )
    return Outcome(draft, progress_of(session, draft), draft.state, draft.state, refusal, detail)


def _audit(
    session: Session,
    draft: Draft,
    now: datetime,
    actor_id: str,
    action: str,
    from_state: str | None,
    to_state: str | None,
    *,
    note: str | None = None,
) -> None:
    record_audit(
        session=session,
        at=now,
        actor_id=actor_id,
        action=action,
        subject_type=SUBJECT,
        subject_id=str(draft.id),
        from_state=from_state,
        to_state=to_state,
        note=note,
        text_hash=draft.text_hash,
    )


def _label(state: str) -> str:
    return state.replace("_", " ")


def warnings_for(draft: Draft, policy: CheckPolicy) -> tuple[Finding, ...]:
    """The checks' warnings for the draft's current text, as its card shows them."""
    report = run_checks(
        draft.text, split_list(draft.networks), campaign=draft.campaign, policy=policy
    )
    return report.warnings
