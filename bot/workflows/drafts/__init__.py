"""Drafts and their approval: the state machine, the policy, and every transition made atomic.

    draft ─submit─▶ pending ─approve (enough)─▶ approved ─(scheduled time set)─▶ scheduled
                      │  ├─request changes─▶ changes_requested ─edit─▶ pending
                      │  ├─reject─▶ rejected           approved/scheduled ─mark published─▶ published
                      │  ├─withdraw─▶ withdrawn        approved/scheduled/… ─edit─▶ pending
                      │  └─time passes─▶ expired

Each decision locks the draft's row first, so decisions on one draft happen one after another
in every process; the transition itself is a conditional UPDATE on (state, version), so it happens
once (:mod:`.transitions`). Approvals are bound to a hash of the text: an edit cancels the
approvals already given. A refused action is not an exception: it returns an :class:`Outcome`
with ``refused`` set, so the audit entry that records the refusal commits with the session; every
reason to refuse is one row of the ordered table in :mod:`.refusals`.

This module is the package's public face: callers write ``drafts.approve(...)``. The modules:

    states       DraftState, the final states and where each action may start
    inputs       DraftInput, DraftInvalid, text_hash, split_list
    publish_texts  what each network publishes (UTM-tagged), content_hash that approvals bind to
    checking     check_draft (the pre-flight checks for a draft), warnings_for
    policy       ApprovalPolicy, Progress, progress_of
    outcome      Outcome and the Refusal codes
    refusals     the refusal rules, one ordered table, and the one place a refusal is audited
    transitions  lock, the conditional UPDATE, the audit entry
    create       create_draft, attach_card          decide   approve, request_changes, reject
    cards        claim_card_post, release_card_post, drafts_missing_cards (cards owed, retried);
                 card_shown, cards_behind (which version each approval card shows)
    author       edit, withdraw                     publish  mark_published
    clock        expire_overdue, claim_reminders    queries  get_draft, pending_drafts, …
    parsing      what people type (quick form, ids, weeks, CSV cells) into DraftInput
    csv_import   many drafts from a CSV file: all checked, then all stored, or none
    import_keys  the stable key of an imported row, so a row is imported once
    crisis_approval  lift_crisis_approval: a crisis's end lifts its extra approval

``parsing`` and ``csv_import`` are not re-exported: only the listeners and the CLI read them.
"""

from __future__ import annotations

from bot.workflows.drafts.author import check_author_action, edit, withdraw
from bot.workflows.drafts.cards import (
    CARD_CLAIM_LEASE,
    card_shown,
    cards_behind,
    claim_card_post,
    drafts_missing_cards,
    release_card_post,
)
from bot.workflows.drafts.checking import KINDS, MAX_TEXT_CHARS, check_draft, warnings_for
from bot.workflows.drafts.clock import claim_reminders, expire_overdue
from bot.workflows.drafts.create import attach_card, create_draft
from bot.workflows.drafts.crisis_approval import lift_crisis_approval
from bot.workflows.drafts.decide import (
    MAX_NOTE_CHARS,
    approve,
    check_decision,
    reject,
    request_changes,
)
from bot.workflows.drafts.inputs import DraftInput, DraftInvalid, split_list, text_hash
from bot.workflows.drafts.outcome import Outcome, Refusal
from bot.workflows.drafts.policy import (
    ApprovalPolicy,
    Progress,
    active_approvals,
    progress_of,
    stamping_crisis,
)
from bot.workflows.drafts.publish import mark_published
from bot.workflows.drafts.publish_texts import content_hash, publish_texts
from bot.workflows.drafts.queries import get_draft, pending_drafts, planned_posts
from bot.workflows.drafts.states import (
    EDITABLE_STATES,
    FINAL_STATES,
    PUBLISHABLE_STATES,
    WITHDRAWABLE_STATES,
    DraftState,
)
from bot.workflows.drafts.transitions import SUBJECT, ConcurrentChange

__all__ = [
    "CARD_CLAIM_LEASE",
    "EDITABLE_STATES",
    "FINAL_STATES",
    "KINDS",
    "MAX_NOTE_CHARS",
    "MAX_TEXT_CHARS",
    "PUBLISHABLE_STATES",
    "SUBJECT",
    "WITHDRAWABLE_STATES",
    "ApprovalPolicy",
    "ConcurrentChange",
    "DraftInput",
    "DraftInvalid",
    "DraftState",
    "Outcome",
    "Progress",
    "Refusal",
    "active_approvals",
    "approve",
    "attach_card",
    "card_shown",
    "cards_behind",
    "check_author_action",
    "check_decision",
    "check_draft",
    "claim_card_post",
    "claim_reminders",
    "content_hash",
    "create_draft",
    "drafts_missing_cards",
    "edit",
    "expire_overdue",
    "get_draft",
    "lift_crisis_approval",
    "mark_published",
    "pending_drafts",
    "planned_posts",
    "progress_of",
    "publish_texts",
    "reject",
    "release_card_post",
    "request_changes",
    "split_list",
    "stamping_crisis",
    "text_hash",
    "warnings_for",
    "withdraw",
]
