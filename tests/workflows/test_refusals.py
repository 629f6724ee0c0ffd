"""The refusal table on its own: its order, each rule's code and message, one audit entry each.

The order is decided and documented in bot/workflows/drafts/refusals.py: configuration, then who
the actor is, then the draft's state, then whether the clicked card is current, then repetition.
So an actor who may never act on a draft is told that, not what state the draft happens to be in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from sqlmodel import Session

from bot.services import Services
from bot.store.db import session_scope
from bot.store.models import AuditEntry
from bot.workflows import drafts
from bot.workflows.audit import audit_trail
from bot.workflows.checks import CheckPolicy
from bot.workflows.drafts import ApprovalPolicy, DraftInput, DraftState, Outcome, Refusal
from bot.workflows.drafts.refusals import RULES, Act

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
AUTHOR, JONAS, PRIYA, LEGAL, STRANGER = "U0AUTHOR", "U0APPROVER", "U0ADMIN", "U0LEGAL", "U0NOBODY"
CHECKS = CheckPolicy(risk_keywords=("pricing",))
POLICY = ApprovalPolicy(approvers=frozenset({JONAS, PRIYA}), risk_approvers=frozenset({LEGAL}))
NOBODY = ApprovalPolicy(approvers=frozenset())
STALE_HASH = "0" * 12

# -- the table as data ------------------------------------------------------------------------


def test_the_table_is_in_the_documented_order() -> None:
    """Configuration, identity, state, freshness, repetition: top to bottom, first match wins."""
    decisions = {Act.APPROVE, Act.DECIDE}
    assert [(rule.code, set(rule.acts)) for rule in RULES] == [
        (Refusal.NO_APPROVERS, decisions),
        (Refusal.NO_CRISIS_APPROVERS, {Act.APPROVE}),
        (Refusal.SELF_APPROVAL, decisions),
        (Refusal.NOT_AUTHORIZED, decisions),
        (Refusal.NOT_AUTHOR, {Act.EDIT, Act.CHANGE, Act.WITHDRAW}),
        (Refusal.NOT_AUTHORIZED, {Act.PUBLISH}),
        (Refusal.WRONG_STATE, decisions),
        (Refusal.WRONG_STATE, {Act.EDIT}),
        (Refusal.WRONG_STATE, {Act.CHANGE}),
        (Refusal.WRONG_STATE, {Act.WITHDRAW}),
        (Refusal.WRONG_STATE, {Act.PUBLISH}),
        (Refusal.STALE, decisions),
        (Refusal.ALREADY_APPROVED, {Act.APPROVE}),
    ]


def test_only_a_repeated_approval_goes_unaudited() -> None:
    assert [rule.code for rule in RULES if not rule.audited] == [Refusal.ALREADY_APPROVED]


def test_each_act_meets_each_code_at_most_once() -> None:
    """So a (code, act) pair names one rule, and the cases below can say which rule they hit."""
    pairs = [(rule.code, act) for rule in RULES for act in rule.acts]
    assert len(pairs) == len(set(pairs))


# -- a draft in a given state, and someone acting on it -----------------------------------------

Call = Callable[[Session, int], Outcome]  # one action by one actor on the draft with that id


def create(services: Services, text: str = "Our autumn range is here!") -> int:
    draft = DraftInput(kind="post", text=text, networks=("x",), author_id=AUTHOR)
    with session_scope(services.sessions) as session:
        row, _report = drafts.create_draft(session=session, draft=draft, checks=CHECKS, now=NOW)
        assert row.id is not None
        return row.id


def run(services: Services, call: Callable[[Session, int], Outcome], draft_id: int) -> Outcome:
    with session_scope(services.sessions) as session:
        return call(session, draft_id)


def approve_by(actor: str, *, policy: ApprovalPolicy = POLICY, seen: str | None = None) -> Call:
    def call(session: Session, draft_id: int) -> Outcome:
        return drafts.approve(
            session=session,
            draft_id=draft_id,
            actor_id=actor,
            policy=policy,
            now=NOW,
            seen_hash=seen,
        )

    return call


def ask_to_reject(actor: str, *, policy: ApprovalPolicy = POLICY, seen: str | None = None) -> Call:
    def call(session: Session, draft_id: int) -> Outcome:
        outcome = drafts.check_decision(
            session=session,
            draft_id=draft_id,
            actor_id=actor,
            policy=policy,
            now=NOW,
            action="reject",
            seen_hash=seen,
        )
        assert outcome is not None, "every case here is one the table refuses"
        return outcome

    return call


def request_changes_by(actor: str) -> Call:
    def call(session: Session, draft_id: int) -> Outcome:
        return drafts.request_changes(
            session=session, draft_id=draft_id, actor_id=actor, note="Why", policy=POLICY, now=NOW
        )

    return call


def edit_by(actor: str) -> Call:
    def call(session: Session, draft_id: int) -> Outcome:
        return drafts.edit(
            session=session,
            draft_id=draft_id,
            actor_id=actor,
            text="Our winter range is here!",
            checks=CHECKS,
            now=NOW,
        )

    return call


def ask_to_edit(actor: str) -> Call:
    def call(session: Session, draft_id: int) -> Outcome:
        return drafts.check_author_action(
            session=session, draft_id=draft_id, actor_id=actor, now=NOW, action="edit"
        )

    return call


def withdraw_by(actor: str) -> Call:
    def call(session: Session, draft_id: int) -> Outcome:
        return drafts.withdraw(session=session, draft_id=draft_id, actor_id=actor, now=NOW)

    return call


def publish_by(actor: str) -> Call:
    def call(session: Session, draft_id: int) -> Outcome:
        return drafts.mark_published(
            session=session, draft_id=draft_id, actor_id=actor, policy=POLICY, now=NOW
        )

    return call


# How to bring a fresh (pending) draft into each state the cases need.
SETUP: dict[DraftState, tuple[Call, ...]] = {
    DraftState.PENDING: (),
    DraftState.APPROVED: (approve_by(JONAS),),
    DraftState.REJECTED: (
        lambda session, draft_id: drafts.reject(
            session=session, draft_id=draft_id, actor_id=JONAS, note="No", policy=POLICY, now=NOW
        ),
    ),
    DraftState.WITHDRAWN: (withdraw_by(AUTHOR),),
}


def draft_in(services: Services, state: DraftState, text: str = "Our autumn range is here!") -> int:
    draft_id = create(services, text)
    for step in SETUP[state]:
        assert run(services, step, draft_id).refused is None
    return draft_id


def trail(services: Services, draft_id: int) -> list[AuditEntry]:
    with session_scope(services.sessions) as session:
        return audit_trail(session=session, subject_type="draft", subject_id=str(draft_id))


# -- each rule: its code, its message, its one audit entry --------------------------------------


@dataclass(frozen=True)
class Case:
    act: Act
    state: DraftState
    call: Call
    actor: str
    code: Refusal
    message: str
    audit_action: str | None  # None: the refusal leaves no entry

    def __str__(self) -> str:
        return f"{self.act}-{self.code}-{self.state}"


CASES = [
    Case(Act.APPROVE, DraftState.PENDING, approve_by(JONAS, policy=NOBODY), JONAS,
         Refusal.NO_APPROVERS, "No approvers are configured, so nobody can decide yet.",
         "denied_approve"),
    Case(Act.APPROVE, DraftState.PENDING, approve_by(AUTHOR), AUTHOR, Refusal.SELF_APPROVAL,
         "You wrote this draft, so someone else has to decide on it.", "denied_approve"),
    Case(Act.APPROVE, DraftState.PENDING, approve_by(STRANGER), STRANGER, Refusal.NOT_AUTHORIZED,
         "You are not authorized to decide on drafts.", "denied_approve"),
    Case(Act.APPROVE, DraftState.APPROVED, approve_by(PRIYA), PRIYA, Refusal.WRONG_STATE,
         "The draft is already approved.", "denied_approve"),
    Case(Act.APPROVE, DraftState.PENDING, approve_by(JONAS, seen=STALE_HASH), JONAS,
         Refusal.STALE, "The text changed since you saw it; the card now shows the new text.",
         "denied_approve"),
    Case(Act.DECIDE, DraftState.PENDING, ask_to_reject(JONAS, policy=NOBODY), JONAS,
         Refusal.NO_APPROVERS, "No approvers are configured, so nobody can decide yet.",
         "denied_reject"),
    Case(Act.DECIDE, DraftState.PENDING, ask_to_reject(AUTHOR), AUTHOR, Refusal.SELF_APPROVAL,
         "You wrote this draft, so someone else has to decide on it.", "denied_reject"),
    Case(Act.DECIDE, DraftState.PENDING, ask_to_reject(STRANGER), STRANGER,
         Refusal.NOT_AUTHORIZED, "You are not authorized to decide on drafts.", "denied_reject"),
    Case(Act.DECIDE, DraftState.REJECTED, request_changes_by(PRIYA), PRIYA, Refusal.WRONG_STATE,
         "The draft is already rejected.", "denied_request_changes"),
    Case(Act.DECIDE, DraftState.PENDING, ask_to_reject(JONAS, seen=STALE_HASH), JONAS,
         Refusal.STALE, "The text changed since you saw it; the card now shows the new text.",
         "denied_reject"),
    Case(Act.EDIT, DraftState.PENDING, edit_by(JONAS), JONAS, Refusal.NOT_AUTHOR,
         "Only the author can edit a draft.", "denied_edit"),
    Case(Act.EDIT, DraftState.WITHDRAWN, edit_by(AUTHOR), AUTHOR, Refusal.WRONG_STATE,
         "The draft is withdrawn; it can no longer be edited.", "denied_edit"),
    Case(Act.CHANGE, DraftState.PENDING, ask_to_edit(STRANGER), STRANGER, Refusal.NOT_AUTHOR,
         "Only the author can edit a draft.", "denied_edit"),
    Case(Act.CHANGE, DraftState.REJECTED, ask_to_edit(AUTHOR), AUTHOR, Refusal.WRONG_STATE,
         "The draft is rejected; it can no longer be changed.", "denied_edit"),
    Case(Act.WITHDRAW, DraftState.PENDING, withdraw_by(JONAS), JONAS, Refusal.NOT_AUTHOR,
         "Only the author can withdraw a draft.", "denied_withdraw"),
    Case(Act.WITHDRAW, DraftState.REJECTED, withdraw_by(AUTHOR), AUTHOR, Refusal.WRONG_STATE,
         "The draft is already rejected.", "denied_withdraw"),
    Case(Act.PUBLISH, DraftState.APPROVED, publish_by(STRANGER), STRANGER,
         Refusal.NOT_AUTHORIZED, "Only the author or an approver can mark a draft published.",
         "denied_publish"),
    Case(Act.PUBLISH, DraftState.PENDING, publish_by(AUTHOR), AUTHOR, Refusal.WRONG_STATE,
         "Only an approved draft can be published; this one is pending.", "denied_publish"),
]  # fmt: skip


def test_every_rule_has_a_case() -> None:
    # Tested elsewhere: a repeated approval (unaudited, below) and the crisis rule, which needs a
    # running crisis (tests/workflows/test_crisis_approval.py).
    elsewhere = {
        (Refusal.ALREADY_APPROVED, Act.APPROVE),
        (Refusal.NO_CRISIS_APPROVERS, Act.APPROVE),
    }
    covered = {(case.code, case.act) for case in CASES} | elsewhere
    assert covered == {(rule.code, act) for rule in RULES for act in rule.acts}


@pytest.mark.parametrize("case", CASES, ids=str)
def test_each_rule_refuses_with_its_code_and_message_and_one_audit_entry(
    services: Services, case: Case
) -> None:
    draft_id = draft_in(services, case.state)
    before = trail(services, draft_id)
    outcome = run(services, case.call, draft_id)
    assert (outcome.refused, outcome.detail) == (case.code, case.message)
    # Nothing moved: the outcome and the stored draft both stay where they were.
    assert (outcome.from_state, outcome.to_state) == (case.state, case.state)
    assert outcome.draft is not None
    assert outcome.draft.state == case.state
    after = trail(services, draft_id)
    assert len(after) == len(before) + 1
    entry = after[-1]
    assert (entry.action, entry.actor_id, entry.from_state, entry.to_state) == (
        case.audit_action,
        case.actor,
        case.state,
        case.state,
    )
    assert entry.note == f"{case.code.value}: {case.message}"
    assert entry.text_hash == outcome.draft.text_hash


def test_a_repeated_approval_is_refused_without_an_audit_entry(services: Services) -> None:
    """The one unaudited rule: approving the same text twice changes nothing and misleads nobody."""
    draft_id = create(services, "New pricing for the autumn range")  # risky: needs two approvals
    assert run(services, approve_by(JONAS), draft_id).refused is None
    before = trail(services, draft_id)
    again = run(services, approve_by(JONAS), draft_id)
    assert (again.refused, again.detail) == (
        Refusal.ALREADY_APPROVED,
        "You already approved this text.",
    )
    assert trail(services, draft_id) == before


# -- the order, on drafts that break more than one rule ----------------------------------------


@pytest.mark.parametrize(
    ("state", "call", "code"),
    [
        # The author deciding on their own draft that is already approved: who, before state.
        (DraftState.APPROVED, approve_by(AUTHOR), Refusal.SELF_APPROVAL),
        (DraftState.REJECTED, ask_to_reject(AUTHOR), Refusal.SELF_APPROVAL),
        # With nobody configured, that is the answer for everyone, the author too.
        (DraftState.APPROVED, approve_by(AUTHOR, policy=NOBODY), Refusal.NO_APPROVERS),
        # A stranger on a decided draft, from an old card: not authorized, first.
        (DraftState.APPROVED, approve_by(STRANGER, seen=STALE_HASH), Refusal.NOT_AUTHORIZED),
        # An approver on a decided draft from an old card: the state, before the stale card.
        (DraftState.APPROVED, approve_by(PRIYA, seen=STALE_HASH), Refusal.WRONG_STATE),
        # Someone else editing or withdrawing a final draft: only the author, first.
        (DraftState.WITHDRAWN, edit_by(JONAS), Refusal.NOT_AUTHOR),
        (DraftState.REJECTED, ask_to_edit(JONAS), Refusal.NOT_AUTHOR),
        (DraftState.REJECTED, withdraw_by(STRANGER), Refusal.NOT_AUTHOR),
        # A stranger marking a pending draft published.
        (DraftState.PENDING, publish_by(STRANGER), Refusal.NOT_AUTHORIZED),
    ],
)
def test_the_first_rule_in_the_table_wins(
    services: Services, state: DraftState, call: Call, code: Refusal
) -> None:
    draft_id = draft_in(services, state)
    before = len(trail(services, draft_id))
    assert run(services, call, draft_id).refused == code
    assert len(trail(services, draft_id)) == before + 1  # one refusal, one entry, not one per rule


def test_no_draft_is_not_found_before_any_rule_and_leaves_no_entry(services: Services) -> None:
    for call in (approve_by(AUTHOR), edit_by(STRANGER), withdraw_by(STRANGER), publish_by(JONAS)):
        outcome = run(services, call, 999)
        assert (outcome.refused, outcome.detail) == (Refusal.NOT_FOUND, "There is no such draft.")
    assert trail(services, 999) == []
