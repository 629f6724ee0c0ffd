"""Random sequences of actions by random people never break the approval invariants."""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule
from sqlmodel import col, select

from bot.store.db import create_db_engine, make_session_factory, session_scope
from bot.store.models import Draft, DraftApproval
from bot.workflows import drafts
from bot.workflows.checks import CheckPolicy
from bot.workflows.drafts import FINAL_STATES, ApprovalPolicy, DraftInput, DraftInvalid, DraftState
from tests.migrated import migrate

AUTHOR = "U0AUTHOR"
PEOPLE = [AUTHOR, "U0APPROVER", "U0ADMIN", "U0LEGAL", "U0NOBODY"]
POLICY = ApprovalPolicy(
    approvers=frozenset({"U0APPROVER", "U0ADMIN"}), risk_approvers=frozenset({"U0LEGAL"})
)
CHECKS = CheckPolicy(risk_keywords=("pricing",))
TEXTS = ["Autumn is here", "New pricing for autumn", "Winter is coming", "", "Pricing update"]
people = st.sampled_from(PEOPLE)


class ApprovalMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self._dir = tempfile.TemporaryDirectory()
        self.engine = create_db_engine(f"sqlite:///{Path(self._dir.name) / 'machine.db'}")
        migrate(self.engine)
        self.sessions = make_session_factory(self.engine)
        self.now = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
        self.final_state: str | None = None
        with session_scope(self.sessions) as session:
            draft = DraftInput(kind="post", text="New pricing", networks=("x",), author_id=AUTHOR)
            row, _ = drafts.create_draft(session=session, draft=draft, checks=CHECKS, now=self.now)
            assert row.id is not None
            self.draft_id = row.id

    def teardown(self) -> None:
        self.engine.dispose()
        self._dir.cleanup()

    def _tick(self) -> None:
        self.now += timedelta(minutes=7)

    @rule(actor=people)
    def approve(self, actor: str) -> None:
        self._tick()
        with session_scope(self.sessions) as session:
            drafts.approve(
                session=session, draft_id=self.draft_id, actor_id=actor, policy=POLICY, now=self.now
            )

    @rule(actor=people, reject=st.booleans(), note=st.sampled_from(["", "Off-brand", "Fix typo"]))
    def decide_with_note(self, actor: str, reject: bool, note: str) -> None:
        self._tick()
        action = drafts.reject if reject else drafts.request_changes
        with session_scope(self.sessions) as session:
            action(
                session=session,
                draft_id=self.draft_id,
                actor_id=actor,
                note=note,
                policy=POLICY,
                now=self.now,
            )

    @rule(actor=people, text=st.sampled_from(TEXTS))
    def edit(self, actor: str, text: str) -> None:
        self._tick()
        try:
            with session_scope(self.sessions) as session:
                drafts.edit(
                    session=session,
                    draft_id=self.draft_id,
                    actor_id=actor,
                    text=text,
                    checks=CHECKS,
                    now=self.now,
                )
        except DraftInvalid:
            pass

    @rule(actor=people)
    def withdraw(self, actor: str) -> None:
        self._tick()
        with session_scope(self.sessions) as session:
            drafts.withdraw(session=session, draft_id=self.draft_id, actor_id=actor, now=self.now)

    @rule(actor=people)
    def publish(self, actor: str) -> None:
        self._tick()
        with session_scope(self.sessions) as session:
            drafts.mark_published(
                session=session, draft_id=self.draft_id, actor_id=actor, policy=POLICY, now=self.now
            )

    @rule(hours=st.integers(min_value=1, max_value=100))
    def time_passes(self, hours: int) -> None:
        self.now += timedelta(hours=hours)
        with session_scope(self.sessions) as session:
            drafts.expire_overdue(session=session, now=self.now, expire_after=timedelta(hours=72))

    def _draft(self) -> tuple[Draft, list[DraftApproval]]:
        with session_scope(self.sessions) as session:
            draft = session.get(Draft, self.draft_id)
            assert draft is not None
            approvals = list(
                session.exec(select(DraftApproval).where(col(DraftApproval.cancelled_at).is_(None)))
            )
            return draft, approvals

    @invariant()
    def no_approval_by_the_author_or_an_outsider(self) -> None:
        draft, approvals = self._draft()
        for approval in approvals:
            assert approval.approver_id != draft.author_id
            assert POLICY.may_approve(approval.approver_id, draft) or approval.as_risk_approver

    @invariant()
    def approvals_are_bound_to_the_current_text(self) -> None:
        draft, approvals = self._draft()
        assert all(a.text_hash == draft.text_hash for a in approvals)

    @invariant()
    def approved_means_the_policy_was_met(self) -> None:
        draft, _ = self._draft()
        if draft.state in (DraftState.APPROVED, DraftState.SCHEDULED, DraftState.PUBLISHED):
            with session_scope(self.sessions) as session:
                assert drafts.progress_of(session, draft).complete

    @invariant()
    def a_final_draft_never_changes_again(self) -> None:
        draft, _ = self._draft()
        if self.final_state is not None:
            assert draft.state == self.final_state
        elif draft.state in FINAL_STATES:
            self.final_state = draft.state


TestApprovalMachine = ApprovalMachine.TestCase
TestApprovalMachine.settings = settings(
    max_examples=40,
    stateful_step_count=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
