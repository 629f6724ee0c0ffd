"""The approval state machine and its policy, on the real store (SQLite or PostgreSQL)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import col, select

from bot.services import Services
from bot.store.db import session_scope
from bot.store.models import AuditEntry, Draft, DraftApproval
from bot.workflows import drafts
from bot.workflows.audit import audit_trail
from bot.workflows.checks import CheckPolicy
from bot.workflows.drafts import (
    ApprovalPolicy,
    DraftInput,
    DraftInvalid,
    DraftState,
    Outcome,
    Refusal,
)
from tests.concurrency import race

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
AUTHOR, JONAS, PRIYA, LEGAL, STRANGER = "U0AUTHOR", "U0APPROVER", "U0ADMIN", "U0LEGAL", "U0NOBODY"
CHECKS = CheckPolicy(
    banned_words=("guaranteed",), brand_domains=("example.com",), risk_keywords=("pricing",)
)
POLICY = ApprovalPolicy(approvers=frozenset({JONAS, PRIYA}), risk_approvers=frozenset({LEGAL}))


def post(text: str = "Our autumn range is here!", **changes: object) -> DraftInput:
    values: dict[str, object] = {
        "kind": "post",
        "text": text,
        "networks": ("x", "linkedin"),
        "author_id": AUTHOR,
        "campaign": "autumn",
    }
    values.update(changes)
    return DraftInput(**values)  # type: ignore[arg-type]


def create(services: Services, draft: DraftInput | None = None, now: datetime = NOW) -> int:
    with session_scope(services.sessions) as session:
        row, _report = drafts.create_draft(
            session=session, draft=draft or post(), checks=CHECKS, now=now
        )
        assert row.id is not None
        return row.id


def act(services: Services, action: Callable[..., Outcome], **kwargs: object) -> Outcome:
    with session_scope(services.sessions) as session:
        return action(session=session, **kwargs)


def approve(services: Services, draft_id: int, actor: str, **kwargs: object) -> Outcome:
    kwargs.setdefault("policy", POLICY)
    kwargs.setdefault("now", NOW)
    return act(services, drafts.approve, draft_id=draft_id, actor_id=actor, **kwargs)


def state_of(services: Services, draft_id: int) -> str:
    with session_scope(services.sessions) as session:
        draft = session.get(Draft, draft_id)
        assert draft is not None
        return draft.state


def trail(services: Services, draft_id: int) -> list[AuditEntry]:
    with session_scope(services.sessions) as session:
        return audit_trail(session=session, subject_type="draft", subject_id=str(draft_id))


# -- creating ---------------------------------------------------------------------------------


def test_a_new_draft_is_pending_and_audited(services: Services) -> None:
    draft_id = create(services)
    assert state_of(services, draft_id) == DraftState.PENDING
    assert [(e.action, e.from_state, e.to_state) for e in trail(services, draft_id)] == [
        ("create", None, "draft"),
        ("submit", "draft", "pending"),
    ]


@pytest.mark.parametrize(
    ("draft", "code"),
    [
        (post(""), "empty_text"),
        (post("   \n "), "empty_text"),
        (post("x" * 281, networks=("x",)), "too_long"),
        (post(networks=("myspace",)), "unknown_network"),
        (post(networks=()), "no_network"),
        (post(scheduled_at=NOW - timedelta(minutes=1)), "past_time"),
        (post(scheduled_at=datetime(2026, 12, 1, 9, 0)), "naive_time"),
        (post("This is guaranteed to work"), "banned_word"),
        (post(kind="tweet"), "unknown_kind"),
        (post(kind="reply"), "reply_without_customer"),
        # From a Slack modal as from a CSV: SQLite kept it, PostgreSQL failed the transaction.
        (post("Autumn\x00 is here"), "nul_character"),
        (post(campaign="autumn\x00"), "nul_character"),
    ],
)
def test_bad_drafts_are_refused_and_nothing_is_stored(
    services: Services, draft: DraftInput, code: str
) -> None:
    with pytest.raises(DraftInvalid) as raised, session_scope(services.sessions) as session:
        drafts.create_draft(session=session, draft=draft, checks=CHECKS, now=NOW)
    assert code in [f.code for f in raised.value.errors]
    with session_scope(services.sessions) as session:
        assert session.exec(select(Draft)).all() == []
        assert session.exec(select(AuditEntry)).all() == []


def test_a_reply_is_created_by_the_same_function(services: Services) -> None:
    reply = post(
        "Sorry to hear that! DM us your order number.",
        kind="reply",
        networks=("x",),
        customer_handle="@dana",
        link="https://x.com/dana/status/1",
    )
    draft_id = create(services, reply)
    with session_scope(services.sessions) as session:
        draft = session.get(Draft, draft_id)
        assert draft is not None
        assert (draft.kind, draft.customer_handle) == ("reply", "@dana")


# -- the policy -------------------------------------------------------------------------------


def test_one_approval_approves_and_a_scheduled_post_becomes_scheduled(services: Services) -> None:
    plain = create(services)
    outcome = approve(services, plain, JONAS)
    assert (outcome.from_state, outcome.to_state) == ("pending", "approved")
    timed = create(services, post(scheduled_at=NOW + timedelta(days=1)))
    assert approve(services, timed, JONAS).to_state == "scheduled"
    assert [e.action for e in trail(services, timed)][-2:] == ["approve", "schedule"]


@pytest.mark.parametrize(
    ("actor", "policy", "refusal"),
    [
        (AUTHOR, POLICY, Refusal.SELF_APPROVAL),
        (STRANGER, POLICY, Refusal.NOT_AUTHORIZED),
        (LEGAL, POLICY, Refusal.NOT_AUTHORIZED),  # a risk approver, but nothing risky here
        (JONAS, ApprovalPolicy(approvers=frozenset()), Refusal.NO_APPROVERS),
    ],
)
def test_who_may_not_approve_is_refused_and_audited(
    services: Services, actor: str, policy: ApprovalPolicy, refusal: Refusal
) -> None:
    draft_id = create(services)
    outcome = approve(services, draft_id, actor, policy=policy)
    assert outcome.refused == refusal
    assert state_of(services, draft_id) == "pending"
    last = trail(services, draft_id)[-1]
    assert (last.action, last.actor_id) == ("denied_approve", actor)


def test_an_author_who_is_an_approver_still_cannot_approve(services: Services) -> None:
    draft_id = create(services, post(author_id=JONAS))
    assert approve(services, draft_id, JONAS).refused == Refusal.SELF_APPROVAL


def test_a_risky_draft_needs_a_risk_approver_too(services: Services) -> None:
    draft_id = create(services, post("New pricing for the autumn range"))
    first = approve(services, draft_id, JONAS)
    assert first.to_state == "pending"
    assert first.progress is not None
    assert first.progress.risk_needed
    assert approve(services, draft_id, PRIYA).to_state == "pending"  # two, but no risk approver
    assert approve(services, draft_id, LEGAL).to_state == "approved"


def test_approving_twice_is_one_approval(services: Services) -> None:
    draft_id = create(services, post("New pricing"))
    approve(services, draft_id, JONAS)
    again = approve(services, draft_id, JONAS)
    assert again.refused == Refusal.ALREADY_APPROVED
    assert again.progress is not None
    assert again.progress.given == (JONAS,)


def test_decisions_on_a_final_draft_are_refused(services: Services) -> None:
    draft_id = create(services)
    rejected = act(
        services,
        drafts.reject,
        draft_id=draft_id,
        actor_id=JONAS,
        note="Off-brand",
        policy=POLICY,
        now=NOW,
    )
    assert rejected.to_state == "rejected"
    assert approve(services, draft_id, PRIYA).refused == Refusal.WRONG_STATE
    assert act(services, drafts.withdraw, draft_id=draft_id, actor_id=AUTHOR, now=NOW).refused == (
        Refusal.WRONG_STATE
    )


def test_a_note_is_required_to_reject_or_request_changes(services: Services) -> None:
    draft_id = create(services)
    for action in (drafts.reject, drafts.request_changes):
        outcome = act(
            services, action, draft_id=draft_id, actor_id=JONAS, note="  ", policy=POLICY, now=NOW
        )
        assert outcome.refused == Refusal.INVALID
    assert state_of(services, draft_id) == "pending"


def test_a_click_on_an_outdated_card_is_refused(services: Services) -> None:
    draft_id = create(services)
    assert approve(services, draft_id, JONAS, seen_hash="0" * 12).refused == Refusal.STALE


def test_unknown_drafts_are_not_found(services: Services) -> None:
    assert approve(services, 999, JONAS).refused == Refusal.NOT_FOUND


# -- editing ----------------------------------------------------------------------------------


def edit(services: Services, draft_id: int, text: str, actor: str = AUTHOR) -> Outcome:
    return act(
        services, drafts.edit, draft_id=draft_id, actor_id=actor, text=text, checks=CHECKS, now=NOW
    )


def test_changes_requested_then_edited_is_pending_again(services: Services) -> None:
    draft_id = create(services)
    act(
        services,
        drafts.request_changes,
        draft_id=draft_id,
        actor_id=JONAS,
        note="Add the link",
        policy=POLICY,
        now=NOW,
    )
    assert state_of(services, draft_id) == "changes_requested"
    outcome = edit(services, draft_id, "Our autumn range is here! https://example.com/autumn")
    assert (outcome.from_state, outcome.to_state) == ("changes_requested", "pending")


def test_an_edit_after_approval_cancels_it_and_keeps_the_old_text(services: Services) -> None:
    draft_id = create(services, post("New pricing for autumn"))
    approve(services, draft_id, JONAS)
    outcome = edit(services, draft_id, "New pricing for winter")
    assert outcome.to_state == "pending"
    assert outcome.draft is not None
    assert outcome.draft.previous_text == "New pricing for autumn"
    assert outcome.progress is not None
    assert outcome.progress.given == ()
    # The old approval is kept (cancelled) for the record; the same approver may approve again.
    assert approve(services, draft_id, JONAS).refused is None
    with session_scope(services.sessions) as session:
        rows = session.exec(select(DraftApproval).order_by(col(DraftApproval.id))).all()
    assert [r.cancelled_at is not None for r in rows] == [True, False]


def test_an_approved_draft_edited_goes_back_to_pending(services: Services) -> None:
    draft_id = create(services)
    approve(services, draft_id, JONAS)
    assert edit(services, draft_id, "Our winter range is here!").to_state == "pending"


def test_only_the_author_edits_or_withdraws(services: Services) -> None:
    draft_id = create(services)
    assert edit(services, draft_id, "hijacked", actor=JONAS).refused == Refusal.NOT_AUTHOR
    withdrawn = act(services, drafts.withdraw, draft_id=draft_id, actor_id=JONAS, now=NOW)
    assert withdrawn.refused == Refusal.NOT_AUTHOR
    assert act(services, drafts.withdraw, draft_id=draft_id, actor_id=AUTHOR, now=NOW).to_state == (
        "withdrawn"
    )


def test_an_invalid_edit_changes_nothing(services: Services) -> None:
    draft_id = create(services)
    with pytest.raises(DraftInvalid):
        edit(services, draft_id, "")
    assert state_of(services, draft_id) == "pending"


# -- what goes out: per-network texts with UTM tags ----------------------------------------------

LINKED = "Autumn is here: https://example.com/autumn?size=m and https://other.org/x"


def stored(services: Services, draft_id: int) -> Draft:
    with session_scope(services.sessions) as session:
        draft = session.get(Draft, draft_id)
        assert draft is not None
        session.expunge(draft)
        return draft


def test_a_draft_stores_the_utm_tagged_text_each_network_publishes(services: Services) -> None:
    draft_id = create(services, post(LINKED))
    draft = stored(services, draft_id)
    texts = drafts.publish_texts(draft)
    tagged = "https://example.com/autumn?size=m&utm_source={}&utm_medium=social&utm_campaign=autumn"
    assert texts == {
        "x": f"Autumn is here: {tagged.format('x')} and https://other.org/x",
        "linkedin": f"Autumn is here: {tagged.format('linkedin')} and https://other.org/x",
    }
    assert draft.text == LINKED  # the author's words, what an edit starts from
    # Approvals (and the audit) bind to what goes out, not to the untagged words.
    assert draft.text_hash == drafts.content_hash(texts) != drafts.text_hash(LINKED)
    with session_scope(services.sessions) as session:
        entries = audit_trail(session=session, subject_type="draft", subject_id=str(draft_id))
    assert {e.text_hash for e in entries} == {draft.text_hash}


def test_a_text_without_brand_links_publishes_as_written(services: Services) -> None:
    draft = stored(services, create(services, post("No links here")))
    assert draft.network_texts is None
    assert drafts.publish_texts(draft) == {"x": "No links here", "linkedin": "No links here"}
    assert draft.text_hash == drafts.text_hash("No links here")


def test_an_edit_retags_every_network_and_cancels_approvals(services: Services) -> None:
    draft_id = create(services, post(LINKED))
    approve(services, draft_id, JONAS)
    outcome = edit(services, draft_id, "Winter: https://shop.example.com/winter")
    assert outcome.to_state == "pending"
    draft = stored(services, draft_id)
    texts = drafts.publish_texts(draft)
    assert texts["x"].endswith("/winter?utm_source=x&utm_medium=social&utm_campaign=autumn")
    assert "utm_source=linkedin" in texts["linkedin"]
    assert draft.text_hash == drafts.content_hash(texts)
    assert draft.previous_text == LINKED
    # Approving again binds to the new texts, and the draft goes out with them.
    assert approve(services, draft_id, JONAS).to_state == "approved"


def test_pasting_back_the_tagged_text_changes_nothing_published(services: Services) -> None:
    # The author pastes back the tagged link: tagging is idempotent, so the texts are unchanged.
    draft_id = create(services, post("See https://example.com/a", networks=("x",)))
    before = stored(services, draft_id)
    tagged = drafts.publish_texts(before)["x"]
    outcome = edit(services, draft_id, tagged)
    assert outcome.to_state == outcome.from_state == "pending"
    assert stored(services, draft_id).text_hash == before.text_hash


# -- publishing, expiry, reminders ------------------------------------------------------------


def test_mark_published_only_after_approval(services: Services) -> None:
    draft_id = create(services)
    publish = {"draft_id": draft_id, "policy": POLICY, "now": NOW}
    early = act(services, drafts.mark_published, actor_id=AUTHOR, **publish)
    assert early.refused == Refusal.WRONG_STATE
    approve(services, draft_id, JONAS)
    assert act(services, drafts.mark_published, actor_id=STRANGER, **publish).refused == (
        Refusal.NOT_AUTHORIZED
    )
    assert act(services, drafts.mark_published, actor_id=AUTHOR, **publish).to_state == "published"


def test_expiry_by_age_and_by_scheduled_time(services: Services) -> None:
    old = create(services, now=NOW - timedelta(hours=73))
    due = create(services, post(scheduled_at=NOW + timedelta(hours=1)))
    fresh = create(services)
    with session_scope(services.sessions) as session:
        expired = drafts.expire_overdue(
            session=session, now=NOW + timedelta(hours=2), expire_after=timedelta(hours=72)
        )
    assert sorted(d.id for d in expired if d.id) == [old, due]
    assert state_of(services, fresh) == "pending"
    assert trail(services, old)[-1].action == "expire"


def test_one_reminder_per_interval(services: Services) -> None:
    draft_id = create(services)
    with session_scope(services.sessions) as session:
        drafts.attach_card(session=session, draft_id=draft_id, channel="C0APPROVALS", ts="1.0")

    def due(at: datetime) -> list[int | None]:
        with session_scope(services.sessions) as session:
            found = drafts.claim_reminders(session=session, now=at, remind_after=timedelta(hours=4))
            return [d.id for d in found]

    assert due(NOW + timedelta(hours=3)) == []
    assert due(NOW + timedelta(hours=4)) == [draft_id]
    assert due(NOW + timedelta(hours=5)) == []
    assert due(NOW + timedelta(hours=8)) == [draft_id]


# -- concurrency ----------------------------------------------------------------------------------


def test_twenty_clicks_by_one_approver_record_one_decision(services: Services) -> None:
    draft_id = create(services)
    outcomes = race(20, lambda _: approve(services, draft_id, JONAS))
    assert sum(o.changed for o in outcomes) == 1
    entries = [e for e in trail(services, draft_id) if e.action == "approve"]
    assert len(entries) == 1
    with session_scope(services.sessions) as session:
        assert len(session.exec(select(DraftApproval)).all()) == 1


def test_two_approvers_racing_for_the_last_approval_make_one_transition(
    services: Services,
) -> None:
    draft_id = create(services, post("New pricing"))
    approve(services, draft_id, JONAS)
    policy = ApprovalPolicy(
        approvers=POLICY.approvers, risk_approvers=frozenset({LEGAL, "U0LEGAL2"})
    )
    racers = [LEGAL, "U0LEGAL2"] * 5
    outcomes = race(10, lambda i: approve(services, draft_id, racers[i], policy=policy))
    assert sum(o.to_state == "approved" and o.changed for o in outcomes) == 1
    assert state_of(services, draft_id) == "approved"
    finals = [
        e for e in trail(services, draft_id) if (e.action, e.to_state) == ("approve", "approved")
    ]
    assert len(finals) == 1
