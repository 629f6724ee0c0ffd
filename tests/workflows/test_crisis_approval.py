"""The extra approval while a crisis or drill runs, on the real store (SQLite or PostgreSQL).

The running crisis is a Crisis row with running_key="running", inserted here directly: starting
and ending crises is the lifecycle's job; what is tested here is what drafts make of one.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update
from sqlmodel import col, select

from bot.services import Services
from bot.store.db import session_scope
from bot.store.models import AuditEntry, Crisis, Draft, DraftApproval
from bot.workflows import drafts
from bot.workflows.crisis.kinds import RUNNING, CrisisKind
from bot.workflows.drafts import ApprovalPolicy, DraftState, Refusal, lift_crisis_approval
from bot.workflows.home import home_queue
from tests.concurrency import race
from tests.workflows.test_drafts import AUTHOR, CHECKS, JONAS, NOW, PRIYA, create, state_of

LEGAL = "U0CRISISLEGAL"
POLICY = ApprovalPolicy(
    approvers=frozenset({JONAS, PRIYA}), crisis_approvers=frozenset({LEGAL, PRIYA})
)
LATER = NOW + timedelta(minutes=5)


def start_crisis(services: Services, kind: CrisisKind = CrisisKind.CRISIS) -> int:
    with session_scope(services.sessions) as session:
        crisis = Crisis(
            kind=kind,
            reason="Outage",
            started_by=PRIYA,
            started_at=NOW,
            running_key=RUNNING,
            updated_at=NOW,
        )
        session.add(crisis)
        session.flush()
        assert crisis.id is not None
        return crisis.id


def stop_crisis(services: Services, crisis_id: int) -> None:
    """What the lifecycle's end does to the crisis row (and then calls the lift)."""
    with session_scope(services.sessions) as session:
        session.execute(
            update(Crisis)
            .where(col(Crisis.id) == crisis_id)
            .values(running_key=None, ended_at=LATER, ended_by=PRIYA)
        )


def approve(services: Services, draft_id: int, actor: str, policy: ApprovalPolicy = POLICY):  # type: ignore[no-untyped-def]
    with session_scope(services.sessions) as session:
        return drafts.approve(
            session=session, draft_id=draft_id, actor_id=actor, policy=policy, now=NOW
        )


def draft_row(services: Services, draft_id: int) -> Draft:
    with session_scope(services.sessions) as session:
        draft = session.get(Draft, draft_id)
        assert draft is not None
        return draft


# -- stamping -----------------------------------------------------------------------------------


def test_a_draft_written_while_a_crisis_runs_is_stamped_with_it(services: Services) -> None:
    before = create(services)
    crisis_id = start_crisis(services)
    during = create(services)
    assert draft_row(services, before).crisis_id is None
    assert draft_row(services, during).crisis_id == crisis_id


def test_a_draft_submitted_again_during_a_crisis_is_stamped(services: Services) -> None:
    draft_id = create(services)
    with session_scope(services.sessions) as session:
        drafts.request_changes(
            session=session, draft_id=draft_id, actor_id=JONAS, note="Tone", policy=POLICY, now=NOW
        )
    crisis_id = start_crisis(services)
    with session_scope(services.sessions) as session:
        drafts.edit(
            session=session,
            draft_id=draft_id,
            actor_id=AUTHOR,
            text="Calmer.",
            checks=CHECKS,
            now=NOW,
        )
    assert draft_row(services, draft_id).crisis_id == crisis_id


# -- the extra approval -------------------------------------------------------------------------


def test_an_ordinary_approval_is_not_enough_during_a_crisis(services: Services) -> None:
    start_crisis(services)
    draft_id = create(services)
    outcome = approve(services, draft_id, JONAS)
    assert outcome.refused is None
    assert outcome.progress is not None
    assert outcome.progress.required == 2
    assert outcome.progress.crisis_needed
    assert outcome.progress.crisis_kind == CrisisKind.CRISIS
    assert state_of(services, draft_id) == DraftState.PENDING


def test_two_ordinary_approvals_still_wait_for_a_crisis_approver(services: Services) -> None:
    start_crisis(services)
    draft_id = create(services)
    approve(services, draft_id, JONAS)
    policy = ApprovalPolicy(
        approvers=frozenset({JONAS, "U0OTHER"}), crisis_approvers=POLICY.crisis_approvers
    )
    outcome = approve(services, draft_id, "U0OTHER", policy)
    assert outcome.progress is not None
    assert outcome.progress.crisis_needed
    assert state_of(services, draft_id) == DraftState.PENDING
    outcome = approve(services, draft_id, LEGAL)
    assert state_of(services, draft_id) == DraftState.APPROVED


def test_a_crisis_approver_completes_it_and_is_recorded_as_one(services: Services) -> None:
    start_crisis(services)
    draft_id = create(services)
    approve(services, draft_id, JONAS)
    outcome = approve(services, draft_id, LEGAL)  # legal is no ordinary approver
    assert outcome.refused is None
    assert state_of(services, draft_id) == DraftState.APPROVED
    with session_scope(services.sessions) as session:
        rows = session.exec(select(DraftApproval).where(DraftApproval.draft_id == draft_id)).all()
        assert {(r.approver_id, r.as_crisis_approver) for r in rows} == {
            (JONAS, False),
            (LEGAL, True),
        }


def test_an_approver_who_is_also_a_crisis_approver_counts_once_each_way(
    services: Services,
) -> None:
    start_crisis(services)
    draft_id = create(services)
    approve(services, draft_id, PRIYA)  # approver and crisis approver: crisis part satisfied
    outcome = approve(services, draft_id, PRIYA)
    assert outcome.refused == Refusal.ALREADY_APPROVED
    assert state_of(services, draft_id) == DraftState.PENDING  # still 1 of 2
    approve(services, draft_id, JONAS)
    assert state_of(services, draft_id) == DraftState.APPROVED


def test_a_drill_asks_for_the_extra_approval_too(services: Services) -> None:
    start_crisis(services, CrisisKind.DRILL)
    draft_id = create(services)
    outcome = approve(services, draft_id, JONAS)
    assert outcome.progress is not None
    assert outcome.progress.crisis_kind == CrisisKind.DRILL
    assert state_of(services, draft_id) == DraftState.PENDING


def test_a_draft_from_before_the_crisis_needs_nothing_more(services: Services) -> None:
    draft_id = create(services)
    start_crisis(services)
    approve(services, draft_id, JONAS)
    assert state_of(services, draft_id) == DraftState.APPROVED


def test_a_crisis_approver_may_not_approve_outside_a_crisis(services: Services) -> None:
    draft_id = create(services)
    outcome = approve(services, draft_id, LEGAL)
    assert outcome.refused == Refusal.NOT_AUTHORIZED


def test_with_no_crisis_approvers_an_approval_during_a_crisis_is_refused(
    services: Services,
) -> None:
    start_crisis(services)
    draft_id = create(services)
    outcome = approve(services, draft_id, JONAS, ApprovalPolicy(approvers=frozenset({JONAS})))
    assert outcome.refused == Refusal.NO_CRISIS_APPROVERS
    assert outcome.detail is not None
    assert "crisis approver" in outcome.detail
    with session_scope(services.sessions) as session:
        actions = [
            e.action
            for e in session.exec(
                select(AuditEntry).where(AuditEntry.subject_id == str(draft_id))
            ).all()
        ]
    assert "denied_approve" in actions


# -- the end lifts it ---------------------------------------------------------------------------


def test_the_end_lifts_the_requirement_and_approves_what_is_complete(services: Services) -> None:
    crisis_id = start_crisis(services)
    complete = create(services)
    approve(services, complete, JONAS)
    waiting = create(services)
    versions = {d: draft_row(services, d).version for d in (complete, waiting)}
    stop_crisis(services, crisis_id)
    with session_scope(services.sessions) as session:
        approved = lift_crisis_approval(session, crisis_id, LATER)
    assert approved == [complete]
    assert state_of(services, complete) == DraftState.APPROVED
    assert state_of(services, waiting) == DraftState.PENDING
    assert draft_row(services, waiting).version == versions[waiting] + 1
    # After the end one ordinary approval is enough again.
    approve(services, waiting, JONAS)
    assert state_of(services, waiting) == DraftState.APPROVED
    with session_scope(services.sessions) as session:
        entry = session.exec(
            select(AuditEntry).where(
                AuditEntry.subject_id == str(complete), AuditEntry.to_state == "approved"
            )
        ).one()
    assert entry.actor_id == PRIYA
    assert entry.note is not None
    assert "crisis ended" in entry.note


def test_the_lift_leaves_other_crises_drafts_alone(services: Services) -> None:
    crisis_id = start_crisis(services)
    stamped = create(services)
    stop_crisis(services, crisis_id)
    other = start_crisis(services)
    theirs = create(services)
    before = draft_row(services, theirs).version
    with session_scope(services.sessions) as session:
        lift_crisis_approval(session, crisis_id, LATER)
    assert draft_row(services, theirs).version == before
    assert draft_row(services, theirs).crisis_id == other
    assert draft_row(services, stamped).crisis_id == crisis_id


def test_an_approval_racing_the_end_is_never_stranded(services: Services) -> None:
    """Whichever commits first, a draft approved by an approver ends up approved once the
    crisis is over: the lift sees the approval, or the approval sees the crisis ended."""
    crisis_id = start_crisis(services)
    draft_id = create(services)

    def end() -> None:
        with session_scope(services.sessions) as session:
            session.execute(
                update(Crisis)
                .where(col(Crisis.id) == crisis_id)
                .values(running_key=None, ended_at=LATER, ended_by=PRIYA)
            )
            lift_crisis_approval(session, crisis_id, LATER)

    def approval() -> None:
        approve(services, draft_id, JONAS)

    race(2, lambda i: (end, approval)[i]())
    assert state_of(services, draft_id) == DraftState.APPROVED


# -- who sees what waits for them ------------------------------------------------------------------


def test_a_crisis_approver_finds_the_stamped_drafts_on_their_home(services: Services) -> None:
    before = create(services)
    start_crisis(services)
    stamped = create(services)
    with session_scope(services.sessions) as session:
        legal = home_queue(session, user_id=LEGAL, policy=POLICY)
        jonas = home_queue(session, user_id=JONAS, policy=POLICY)
    assert legal.can_approve
    assert [d.id for d in legal.to_approve.rows] == [stamped]
    assert legal.crisis_kind == CrisisKind.CRISIS
    assert [d.id for d in jonas.to_approve.rows] == [before, stamped]
    assert jonas.progress[stamped].crisis_needed
    assert not jonas.progress[before].in_crisis


def test_outside_a_crisis_a_crisis_approver_has_nothing_to_approve(services: Services) -> None:
    create(services)
    with session_scope(services.sessions) as session:
        legal = home_queue(session, user_id=LEGAL, policy=POLICY)
    assert not legal.can_approve
    assert legal.to_approve.rows == ()
    assert legal.crisis_kind is None
