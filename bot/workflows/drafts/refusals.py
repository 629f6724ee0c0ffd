"""Every reason a draft action is refused, as ONE ordered table; the first rule that matches wins.

Each :class:`Rule` is a predicate on an :class:`Attempt` (who tries what on which draft), the
:class:`Refusal` code, and the sentence the person sees. A rule applies only to the kinds of
action (:class:`Act`) it names; :func:`screen` walks :data:`RULES` top to bottom and refuses with
the first rule that applies and matches. The order is the policy, read top to bottom:

1. configuration — with no approvers configured nobody can decide, whoever clicks;
2. identity — who the actor is (the author may not decide; only the author may edit or withdraw;
   only the author or an approver may mark published) comes before what state the draft is in,
   so a person who may never act is told that, not "it is already approved";
3. state — the draft must be in a state the action may start from;
4. freshness — the card the approver clicked must show the current text;
5. repetition — an approver approves a text once.

Configuration includes crisis mode: while the crisis that stamped a draft runs, its extra
approval needs somebody to give it, so with no crisis approvers (nor admins standing in) an
approval is refused rather than recorded towards a draft that could never be approved.

So an author who clicks Approve on their own already-approved draft hears "you wrote this",
and a stranger who tries to withdraw a rejected draft hears "only the author".

Two refusals are not rules here, on purpose: ``NOT_FOUND`` (no draft, so nothing to test and no
audit subject; :data:`~bot.workflows.drafts.outcome.NOT_FOUND`) and ``INVALID`` for an empty note
(a mistake in what was typed, checked after the table passes, not a question of who or when).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlmodel import Session

from bot.store.models import Draft
from bot.workflows.drafts.outcome import Outcome, Refusal
from bot.workflows.drafts.policy import ApprovalPolicy, progress_of, stamping_crisis
from bot.workflows.drafts.states import (
    DECIDABLE_STATES,
    EDITABLE_STATES,
    PUBLISHABLE_STATES,
    WITHDRAWABLE_STATES,
    label,
)
from bot.workflows.drafts.transitions import audit


class Act(StrEnum):
    """Kinds of action, as the table tells them apart (the audit names them by ``action``)."""

    APPROVE = "approve"  # an approver's yes
    DECIDE = "decide"  # request changes, reject, or asking before their note modal opens
    EDIT = "edit"  # the author saves a new text
    CHANGE = "change"  # asking, before the edit modal opens, whether the author may change it
    WITHDRAW = "withdraw"
    PUBLISH = "publish"


DECISIONS = frozenset({Act.APPROVE, Act.DECIDE})


@dataclass(frozen=True)
class Attempt:
    """Someone trying an action on a draft: everything a rule may look at."""

    session: Session
    draft: Draft
    actor_id: str
    act: Act
    action: str  # the audit's name for it ("approve", "reject", "edit", ...)
    now: datetime
    policy: ApprovalPolicy | None = None  # decisions and publishing need one; the author's acts not
    seen_hash: str | None = None  # the text hash prefix on the clicked card, if any

    @property
    def approval_policy(self) -> ApprovalPolicy:
        assert self.policy is not None, f"{self.act} needs an approval policy"
        return self.policy

    @property
    def in_crisis(self) -> bool:
        """The crisis (or drill) that stamped the draft still runs: the extra approval applies."""
        return stamping_crisis(self.session, self.draft) is not None

    @property
    def by_author(self) -> bool:
        return self.actor_id == self.draft.author_id


@dataclass(frozen=True)
class Rule:
    """One reason to refuse: for these acts, when ``breaks`` holds, refuse with ``code``."""

    code: Refusal
    acts: frozenset[Act]
    breaks: Callable[[Attempt], bool]
    message: Callable[[Attempt], str]
    # A repeated approval changes nothing and is nobody's misstep worth a trail entry.
    audited: bool = True


def _nobody_can_decide(a: Attempt) -> bool:
    policy = a.approval_policy
    return not policy.anyone_can_approve and not (a.draft.risky_topics and policy.risk_approvers)


def _may_not_decide(a: Attempt) -> bool:
    policy = a.approval_policy
    # Only a crisis approver who is not also an approver needs the crisis looked up.
    if policy.may_approve(a.actor_id, a.draft):
        return False
    return not (a.actor_id in policy.crisis_approvers and a.in_crisis)


def _neither_author_nor_approver(a: Attempt) -> bool:
    return not a.by_author and not a.approval_policy.may_approve(a.actor_id, a.draft)


def _no_crisis_approver(a: Attempt) -> bool:
    return not a.approval_policy.crisis_approvers and a.in_crisis


def _stale(a: Attempt) -> bool:
    return a.seen_hash is not None and not a.draft.text_hash.startswith(a.seen_hash)


def _approved_already(a: Attempt) -> bool:
    return a.actor_id in progress_of(a.session, a.draft).given


def _state(a: Attempt) -> str:
    return label(a.draft.state)


RULES: tuple[Rule, ...] = (
    # 1. configuration
    Rule(
        Refusal.NO_APPROVERS,
        DECISIONS,
        _nobody_can_decide,
        lambda a: "No approvers are configured, so nobody can decide yet.",
    ),
    Rule(
        Refusal.NO_CRISIS_APPROVERS,
        frozenset({Act.APPROVE}),
        _no_crisis_approver,
        lambda a: (
            "Crisis mode needs one more approval from a crisis approver, and none is configured "
            "(SOCIALOPS_CRISIS_APPROVERS, or admins)."
        ),
    ),
    # 2. identity
    Rule(
        Refusal.SELF_APPROVAL,
        DECISIONS,
        lambda a: a.by_author,
        lambda a: "You wrote this draft, so someone else has to decide on it.",
    ),
    Rule(
        Refusal.NOT_AUTHORIZED,
        DECISIONS,
        _may_not_decide,
        lambda a: "You are not authorized to decide on drafts.",
    ),
    Rule(
        Refusal.NOT_AUTHOR,
        frozenset({Act.EDIT, Act.CHANGE, Act.WITHDRAW}),
        lambda a: not a.by_author,
        lambda a: f"Only the author can {a.action} a draft.",
    ),
    Rule(
        Refusal.NOT_AUTHORIZED,
        frozenset({Act.PUBLISH}),
        _neither_author_nor_approver,
        lambda a: "Only the author or an approver can mark a draft published.",
    ),
    # 3. state
    Rule(
        Refusal.WRONG_STATE,
        DECISIONS,
        lambda a: a.draft.state not in DECIDABLE_STATES,
        lambda a: f"The draft is already {_state(a)}.",
    ),
    Rule(
        Refusal.WRONG_STATE,
        frozenset({Act.EDIT}),
        lambda a: a.draft.state not in EDITABLE_STATES,
        lambda a: f"The draft is {_state(a)}; it can no longer be edited.",
    ),
    Rule(
        Refusal.WRONG_STATE,
        frozenset({Act.CHANGE}),
        lambda a: a.draft.state not in EDITABLE_STATES,
        lambda a: f"The draft is {_state(a)}; it can no longer be changed.",
    ),
    Rule(
        Refusal.WRONG_STATE,
        frozenset({Act.WITHDRAW}),
        lambda a: a.draft.state not in WITHDRAWABLE_STATES,
        lambda a: f"The draft is already {_state(a)}.",
    ),
    Rule(
        Refusal.WRONG_STATE,
        frozenset({Act.PUBLISH}),
        lambda a: a.draft.state not in PUBLISHABLE_STATES,
        lambda a: f"Only an approved draft can be published; this one is {_state(a)}.",
    ),
    # 4. freshness
    Rule(
        Refusal.STALE,
        DECISIONS,
        _stale,
        lambda a: "The text changed since you saw it; the card now shows the new text.",
    ),
    # 5. repetition
    Rule(
        Refusal.ALREADY_APPROVED,
        frozenset({Act.APPROVE}),
        _approved_already,
        lambda a: "You already approved this text.",
        audited=False,
    ),
)


def first_broken(attempt: Attempt) -> Rule | None:
    """The first rule in :data:`RULES` that applies to the attempt and refuses it, if any."""
    for rule in RULES:
        if attempt.act in rule.acts and rule.breaks(attempt):
            return rule
    return None


def refuse(attempt: Attempt, rule: Rule) -> Outcome:
    """Refuse ``attempt`` for ``rule``: the one place a refusal is audited and returned.

    The entry is ``denied_<action>`` with the draft's state on both sides (nothing moved) and a
    note ``<code>: <message>``, added to the session so it commits with the caller's transaction.
    """
    draft, detail = attempt.draft, rule.message(attempt)
    if rule.audited:
        audit(
            attempt.session,
            draft,
            attempt.now,
            attempt.actor_id,
            f"denied_{attempt.action}",
            draft.state,
            draft.state,
            note=f"{rule.code.value}: {detail}",
        )
    progress = progress_of(attempt.session, draft)
    return Outcome(draft, progress, draft.state, draft.state, rule.code, detail)


def screen(attempt: Attempt) -> Outcome | None:
    """Refuse the attempt with the first rule it breaks (audited), or None: it may go ahead."""
    rule = first_broken(attempt)
    return None if rule is None else refuse(attempt, rule)
