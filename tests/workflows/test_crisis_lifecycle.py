"""A crisis's life on the real store (SQLite or PostgreSQL): start, end, roles, pausing, resuming.

Drafts are brought into their states through the drafts' own workflow (create, approve), so a
pause or a resume meets the rows a real team would have.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from sqlmodel import Session, col, select

from bot.services import Services
from bot.store.db import session_scope
from bot.store.models import AuditEntry, Crisis, CrisisPost, CrisisRole, Draft, Spike
from bot.workflows import drafts
from bot.workflows.checks import CheckPolicy
from bot.workflows.crisis import lifecycle
from bot.workflows.crisis.kinds import CrisisKind, PostKind, Role
from bot.workflows.crisis.outcomes import (
    CrisisRefusal,
    EndOutcome,
    ResumeOutcome,
    RoleOutcome,
    StartOutcome,
)
from bot.workflows.drafts import ApprovalPolicy, DraftInput, DraftState
from tests.concurrency import race

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
ADMIN, OTHER_ADMIN, AUTHOR, JONAS, LEGAL, STRANGER = (
    "U0ADMIN",
    "U0ADMIN2",
    "U0AUTHOR",
    "U0APPROVER",
    "U0LEGAL",
    "U0NOBODY",
)
ADMINS = frozenset({ADMIN, OTHER_ADMIN})
EVERY = timedelta(hours=4)
APPROVALS = "C0APPROVALS"
POLICY = ApprovalPolicy(approvers=frozenset({JONAS}))

T = TypeVar("T")


def act(services: Services, work: Callable[[Session], T]) -> T:
    with session_scope(services.sessions) as session:
        return work(session)


def start(
    services: Services,
    *,
    actor: str = ADMIN,
    kind: CrisisKind = CrisisKind.CRISIS,
    reason: str = "Checkout is down",
    now: datetime = NOW,
) -> StartOutcome:
    return act(
        services,
        lambda session: lifecycle.start(
            session=session,
            actor_id=actor,
            kind=kind,
            reason=reason,
            now=now,
            admins=ADMINS,
            update_every=EVERY,
            approvals_channel=APPROVALS,
        ),
    )


def end(
    services: Services, *, actor: str = ADMIN, summary: str = "Fixed", now: datetime = NOW
) -> EndOutcome:
    return act(
        services,
        lambda session: lifecycle.end(
            session=session, actor_id=actor, summary=summary, now=now, admins=ADMINS
        ),
    )


def draft_in(services: Services, state: DraftState, text: str = "Our autumn range") -> int:
    """A post brought into ``state`` the way the team would: written, submitted, approved."""
    scheduled = NOW + timedelta(days=1) if state == DraftState.SCHEDULED else None
    draft = DraftInput(
        kind="post", text=text, networks=("x",), author_id=AUTHOR, scheduled_at=scheduled
    )
    with session_scope(services.sessions) as session:
        row, _ = drafts.create_draft(session=session, draft=draft, checks=CheckPolicy(), now=NOW)
        assert row.id is not None
        draft_id = row.id
    if state in (DraftState.APPROVED, DraftState.SCHEDULED):
        outcome = act(
            services,
            lambda session: drafts.approve(
                session=session, draft_id=draft_id, actor_id=JONAS, policy=POLICY, now=NOW
            ),
        )
        assert outcome.refused is None
    assert load(services, draft_id).state == state
    return draft_id


def load(services: Services, draft_id: int) -> Draft:
    with session_scope(services.sessions) as session:
        draft = session.get(Draft, draft_id)
        assert draft is not None
        return draft


def crises(services: Services) -> list[Crisis]:
    return act(
        services, lambda session: list(session.exec(select(Crisis).order_by(col(Crisis.id))))
    )


def posts(services: Services) -> list[tuple[str, str | None]]:
    return act(
        services,
        lambda session: [
            (post.kind, post.channel_id)
            for post in session.exec(select(CrisisPost).order_by(col(CrisisPost.id)))
        ],
    )


def entries(services: Services, subject_type: str, subject_id: str) -> list[AuditEntry]:
    return act(
        services,
        lambda session: list(
            session.exec(
                select(AuditEntry)
                .where(AuditEntry.subject_type == subject_type, AuditEntry.subject_id == subject_id)
                .order_by(col(AuditEntry.id))
            )
        ),
    )


# -- start -------------------------------------------------------------------------------------


def test_a_start_records_the_crisis_its_lead_and_owes_briefing_and_announcement(
    services: Services,
) -> None:
    outcome = start(services, reason="  Checkout is down  ")
    assert outcome.started
    assert outcome.refused is None
    assert outcome.crisis is not None
    crisis = outcome.crisis
    assert (crisis.kind, crisis.reason, crisis.started_by, crisis.running_key) == (
        "crisis",
        "Checkout is down",
        ADMIN,
        "running",
    )
    assert crisis.next_update_at == NOW + EVERY
    roles = act(services, lambda session: list(session.exec(select(CrisisRole))))
    assert [(role.user_id, role.role) for role in roles] == [(ADMIN, "lead")]
    assert posts(services) == [("briefing", None), ("announce", APPROVALS)]
    assert [e.action for e in entries(services, "crisis", str(crisis.id))] == ["crisis_start"]


def test_a_crisis_pauses_approved_and_scheduled_posts_and_stamps_waiting_drafts(
    services: Services,
) -> None:
    approved = draft_in(services, DraftState.APPROVED, "Approved post")
    scheduled = draft_in(services, DraftState.SCHEDULED, "Scheduled post")
    pending = draft_in(services, DraftState.PENDING, "Pending post")
    pending_version = load(services, pending).version

    outcome = start(services)

    assert outcome.crisis is not None
    assert outcome.paused == (approved, scheduled)
    assert outcome.stamped == 1
    for draft_id, was in ((approved, "approved"), (scheduled, "scheduled")):
        draft = load(services, draft_id)
        assert (draft.state, draft.paused_by, draft.paused_from) == (
            "paused",
            outcome.crisis.id,
            was,
        )
        assert [e.action for e in entries(services, "draft", str(draft_id))][-1] == "pause"
    waiting = load(services, pending)
    assert (waiting.state, waiting.crisis_id) == ("pending", outcome.crisis.id)
    assert waiting.version == pending_version + 1  # so its approval card is redrawn


def test_a_drill_pauses_nothing_but_stamps_waiting_drafts(services: Services) -> None:
    approved = draft_in(services, DraftState.APPROVED)
    pending = draft_in(services, DraftState.PENDING)

    outcome = start(services, kind=CrisisKind.DRILL, reason="Rehearse a recall")

    assert outcome.started
    assert outcome.crisis is not None
    assert outcome.paused == ()
    assert load(services, approved).state == "approved"
    assert load(services, pending).crisis_id == outcome.crisis.id
    actions = [e.action for e in entries(services, "crisis", str(outcome.crisis.id))]
    assert actions == ["crisis_drill_start"]


def test_a_second_start_points_at_the_running_crisis_whatever_its_kind(
    services: Services,
) -> None:
    first = start(services, kind=CrisisKind.DRILL, reason="Rehearse")
    again = start(services, actor=OTHER_ADMIN, reason="A real one")
    assert first.crisis is not None
    assert again.crisis is not None
    assert not again.started
    assert again.refused is None
    assert again.crisis.id == first.crisis.id
    assert again.crisis.kind == "drill"
    assert len(crises(services)) == 1


def test_ten_racing_starts_make_one_crisis_and_pause_each_post_once(services: Services) -> None:
    approved = draft_in(services, DraftState.APPROVED)

    outcomes = race(10, lambda i: start(services, actor=ADMIN, reason=f"Outage {i}"))

    assert sum(outcome.started for outcome in outcomes) == 1
    ids = {outcome.crisis.id for outcome in outcomes if outcome.crisis is not None}
    assert len(ids) == 1
    assert len(outcomes) == 10
    assert len(crises(services)) == 1
    assert [e.action for e in entries(services, "draft", str(approved))].count("pause") == 1
    assert sorted(kind for kind, _ in posts(services)) == ["announce", "briefing"]


def test_a_non_admin_start_is_denied_audited_and_stores_nothing(services: Services) -> None:
    approved = draft_in(services, DraftState.APPROVED)
    outcome = start(services, actor=STRANGER, reason="Panic")
    assert outcome.refused == CrisisRefusal.NOT_ADMIN
    assert outcome.crisis is None
    assert crises(services) == []
    assert posts(services) == []
    assert load(services, approved).state == "approved"
    denied = entries(services, "crisis", "none")
    assert [(e.action, e.actor_id, e.note) for e in denied] == [
        ("crisis_denied", STRANGER, "start a crisis: Panic")
    ]


def test_a_reason_must_be_given_and_short(services: Services) -> None:
    assert start(services, reason="   ").refused == CrisisRefusal.EMPTY
    assert start(services, reason="x" * 501).refused == CrisisRefusal.TOO_LONG
    assert start(services, reason="x" * 500).started
    assert len(crises(services)) == 1


# -- end ---------------------------------------------------------------------------------------


def test_an_end_closes_the_crisis_lifts_the_extra_approval_and_owes_the_report(
    services: Services,
) -> None:
    approved = draft_in(services, DraftState.APPROVED)
    pending = draft_in(services, DraftState.PENDING, "Pending")
    started = start(services)
    assert started.crisis is not None
    stamped_version = load(services, pending).version
    later = NOW + timedelta(hours=3)

    outcome = end(services, summary="  Fixed the gateway ", now=later)

    assert outcome.refused is None
    assert outcome.crisis is not None
    crisis = outcome.crisis
    assert (crisis.running_key, crisis.ended_at, crisis.ended_by, crisis.summary) == (
        None,
        later,
        ADMIN,
        "Fixed the gateway",
    )
    assert outcome.still_paused == 1
    assert load(services, approved).state == "paused"  # stays paused until resumed
    assert load(services, pending).version == stamped_version + 1  # card redrawn, lifted
    assert posts(services) == [
        ("briefing", None),
        ("announce", APPROVALS),
        ("postmortem", None),
        ("end", APPROVALS),
    ]
    actions = [e.action for e in entries(services, "crisis", str(crisis.id))]
    assert actions == ["crisis_start", "crisis_end"]
    # A new crisis may start once this one ended.
    assert start(services, reason="Again", now=later).started


def test_ending_with_none_running_says_so(services: Services) -> None:
    assert end(services).refused == CrisisRefusal.NONE_RUNNING
    start(services)
    assert end(services).refused is None
    assert end(services).refused == CrisisRefusal.NONE_RUNNING


def test_a_non_admin_end_is_denied_and_audited_against_the_crisis(services: Services) -> None:
    started = start(services)
    assert started.crisis is not None
    outcome = end(services, actor=STRANGER, summary="Over")
    assert outcome.refused == CrisisRefusal.NOT_ADMIN
    assert crises(services)[0].running_key == "running"
    denied = entries(services, "crisis", str(started.crisis.id))[-1]
    assert (denied.action, denied.actor_id, denied.note) == ("crisis_denied", STRANGER, "end: Over")


def test_a_summary_must_be_given_and_short(services: Services) -> None:
    start(services)
    assert end(services, summary="").refused == CrisisRefusal.EMPTY
    assert end(services, summary="y" * 501).refused == CrisisRefusal.TOO_LONG
    assert crises(services)[0].running_key == "running"


def test_racing_ends_end_it_once(services: Services) -> None:
    start(services)
    outcomes = race(5, lambda i: end(services, summary=f"Over {i}"))
    assert sum(outcome.refused is None for outcome in outcomes) == 1
    assert [kind for kind, _ in posts(services)].count(PostKind.POSTMORTEM) == 1


# -- roles -------------------------------------------------------------------------------------


def assign(
    services: Services, *, actor: str = ADMIN, user: str = LEGAL, role: Role = Role.LEGAL
) -> RoleOutcome:
    return act(
        services,
        lambda session: lifecycle.assign_role(
            session=session, actor_id=actor, user_id=user, role=role, now=NOW, admins=ADMINS
        ),
    )


def roles(services: Services) -> list[tuple[str, str]]:
    def read(session: Session) -> list[tuple[str, str]]:
        crisis = crises(services)[-1]
        assert crisis.id is not None
        return [(row.user_id, row.role) for row in lifecycle.roles_of(session, crisis.id)]

    return act(services, read)


def briefing_version(services: Services) -> int:
    return act(
        services,
        lambda session: next(
            post.version
            for post in session.exec(select(CrisisPost))
            if post.kind == PostKind.BRIEFING and post.crisis_id == crises(services)[-1].id
        ),
    )


def test_an_admin_or_the_lead_gives_roles_and_a_second_role_replaces_the_first(
    services: Services,
) -> None:
    start(services)
    assert assign(services, user=LEGAL, role=Role.LEGAL).refused is None
    # The lead (an admin here) makes the legal person a lead; that lead gives roles too.
    assert assign(services, user=LEGAL, role=Role.LEAD).previous == "legal"
    assert assign(services, actor=LEGAL, user=JONAS, role=Role.PR).refused is None
    assert roles(services) == [(ADMIN, "lead"), (LEGAL, "lead"), (JONAS, "pr")]
    crisis_id = str(crises(services)[0].id)
    notes = [e.note for e in entries(services, "crisis", crisis_id) if e.action == "crisis_role"]
    assert notes == [f"{LEGAL} as legal", f"{LEGAL} as lead (was legal)", f"{JONAS} as pr"]
    assert briefing_version(services) == 4  # redrawn after each change


def test_a_role_from_someone_who_is_neither_admin_nor_lead_is_denied_and_audited(
    services: Services,
) -> None:
    start(services)
    assign(services, user=JONAS, role=Role.PR)
    outcome = assign(services, actor=JONAS, user=STRANGER, role=Role.SUPPORT)
    assert outcome.refused == CrisisRefusal.NOT_LEAD
    assert roles(services) == [(ADMIN, "lead"), (JONAS, "pr")]
    denied = entries(services, "crisis", str(crises(services)[0].id))[-1]
    assert (denied.action, denied.actor_id) == ("crisis_denied", JONAS)
    assert denied.note == f"give {STRANGER} the role support"


def test_a_role_needs_a_running_crisis(services: Services) -> None:
    assert assign(services).refused == CrisisRefusal.NONE_RUNNING
    start(services)
    end(services)
    assert assign(services).refused == CrisisRefusal.NONE_RUNNING


# -- resuming ----------------------------------------------------------------------------------


def resume(services: Services, draft_id: int, *, actor: str = ADMIN) -> ResumeOutcome:
    return act(
        services,
        lambda session: lifecycle.resume(
            session=session, actor_id=actor, draft_id=draft_id, now=NOW, admins=ADMINS
        ),
    )


def resume_all(
    services: Services, *, actor: str = ADMIN, crisis_id: int | None = None
) -> ResumeOutcome:
    return act(
        services,
        lambda session: lifecycle.resume_all(
            session=session, actor_id=actor, crisis_id=crisis_id, now=NOW, admins=ADMINS
        ),
    )


def test_resuming_one_post_puts_it_back_where_it_was_and_audits_it(services: Services) -> None:
    approved = draft_in(services, DraftState.APPROVED, "Approved post")
    scheduled = draft_in(services, DraftState.SCHEDULED, "Scheduled post")
    start(services)

    outcome = resume(services, scheduled)

    assert outcome.resumed == (scheduled,)
    draft = load(services, scheduled)
    assert (draft.state, draft.paused_by, draft.paused_from) == ("scheduled", None, None)
    resumed = entries(services, "draft", str(scheduled))[-1]
    assert (resumed.action, resumed.from_state, resumed.to_state) == (
        "resume",
        "paused",
        "scheduled",
    )
    assert load(services, approved).state == "paused"
    assert briefing_version(services) == 2  # the briefing's list of paused posts is redrawn
    # A second click on the same Resume button: said, not done twice.
    again = resume(services, scheduled)
    assert (again.refused, again.state) == (CrisisRefusal.NOT_PAUSED, "scheduled")


def test_resume_all_after_the_end_resumes_every_post_that_crisis_paused(
    services: Services,
) -> None:
    first = draft_in(services, DraftState.APPROVED, "First")
    second = draft_in(services, DraftState.SCHEDULED, "Second")
    started = start(services)
    assert started.crisis is not None
    end(services)

    outcome = resume_all(services, crisis_id=started.crisis.id)

    assert outcome.resumed == (first, second)
    assert [load(services, d).state for d in (first, second)] == ["approved", "scheduled"]
    assert resume_all(services, crisis_id=started.crisis.id).resumed == ()


def test_the_lead_resumes_what_their_crisis_paused_a_stranger_is_denied(
    services: Services,
) -> None:
    paused = draft_in(services, DraftState.APPROVED)
    start(services)
    assign(services, user=LEGAL, role=Role.LEAD)

    denied = resume(services, paused, actor=STRANGER)
    assert denied.refused == CrisisRefusal.NOT_LEAD
    assert resume_all(services, actor=STRANGER).refused == CrisisRefusal.NOT_LEAD
    assert load(services, paused).state == "paused"
    crisis_id = str(crises(services)[0].id)
    notes = [e.note for e in entries(services, "crisis", crisis_id) if e.action == "crisis_denied"]
    assert notes == [f"resume post #{paused}", "resume all paused posts"]

    assert resume_all(services, actor=LEGAL).resumed == (paused,)


def test_resume_all_from_the_command_takes_every_paused_post_for_an_admin(
    services: Services,
) -> None:
    early = draft_in(services, DraftState.APPROVED, "Early")
    start(services)
    end(services)
    late = draft_in(services, DraftState.APPROVED, "Late")
    start(services, reason="Second outage")
    assert [d for d in (early, late) if load(services, d).state == "paused"] == [early, late]

    outcome = resume_all(services)

    assert outcome.resumed == (early, late)
    assert len(outcome.crisis_ids) == 2


def test_racing_resume_all_clicks_resume_each_post_once(services: Services) -> None:
    ids = [draft_in(services, DraftState.APPROVED, f"Post {i}") for i in range(3)]
    started = start(services)
    assert started.crisis is not None
    crisis_id = started.crisis.id

    outcomes = race(5, lambda i: resume_all(services, crisis_id=crisis_id))

    assert sorted(d for outcome in outcomes for d in outcome.resumed) == ids
    for draft_id in ids:
        actions = [e.action for e in entries(services, "draft", str(draft_id))]
        assert actions.count("resume") == 1


def test_resume_of_an_unknown_post_or_crisis_is_not_found(services: Services) -> None:
    assert resume(services, 999).refused == CrisisRefusal.NOT_FOUND
    assert resume_all(services, crisis_id=999).refused == CrisisRefusal.NOT_FOUND


# -- status ------------------------------------------------------------------------------------


def test_status_shows_the_running_crisis_then_the_last_one(services: Services) -> None:
    assert act(services, lifecycle.status).crisis is None
    paused = draft_in(services, DraftState.APPROVED, "Paused")
    draft_in(services, DraftState.PENDING, "Waiting")  # stamped by the start
    started = start(services)
    assert started.crisis is not None
    assign(services, user=LEGAL, role=Role.LEGAL)

    shown = act(services, lifecycle.status)

    assert shown.running
    assert shown.crisis is not None
    assert shown.roles == ((ADMIN, "lead"), (LEGAL, "legal"))
    assert shown.waiting == 1
    assert [d.id for d in shown.paused] == [paused]
    end(services)
    after = act(services, lifecycle.status)
    assert not after.running
    assert after.crisis is not None
    assert after.crisis.summary == "Fixed"
    assert [d.id for d in after.paused] == [paused]


def test_a_paused_post_cannot_be_marked_published_until_resumed(services: Services) -> None:
    paused = draft_in(services, DraftState.APPROVED)
    start(services)

    def publish(session: Session) -> drafts.Outcome:
        return drafts.mark_published(
            session=session, draft_id=paused, actor_id=JONAS, policy=POLICY, now=NOW
        )

    assert act(services, publish).refused == drafts.Refusal.WRONG_STATE
    assert load(services, paused).state == "paused"
    resume(services, paused)
    assert act(services, publish).refused is None
    assert load(services, paused).state == "published"


def test_who_is_asked_before_what_so_a_stranger_is_denied_whatever_they_typed(
    services: Services,
) -> None:
    """Like the drafts' refusal table: a person who may never start or end a crisis hears that,
    and the attempt is audited, even with an empty or overlong text."""
    assert start(services, actor=STRANGER, reason="").refused == CrisisRefusal.NOT_ADMIN
    assert start(services, actor=STRANGER, reason="z" * 900).refused == CrisisRefusal.NOT_ADMIN
    assert end(services, actor=STRANGER, summary="").refused == CrisisRefusal.NOT_ADMIN
    denied = entries(services, "crisis", "none")
    assert [e.note for e in denied] == [
        "start a crisis: ",
        "start a crisis: " + "z" * 500 + "…",
        "end: ",
    ]


def test_with_no_admins_configured_nobody_starts_a_crisis_and_it_says_why(
    services: Services,
) -> None:
    def start_without_admins(session: Session) -> StartOutcome:
        return lifecycle.start(
            session=session,
            actor_id=ADMIN,
            kind=CrisisKind.CRISIS,
            reason="Outage",
            now=NOW,
            admins=frozenset(),
            update_every=EVERY,
            approvals_channel=APPROVALS,
        )

    assert act(services, start_without_admins).refused == CrisisRefusal.NO_ADMINS
    assert crises(services) == []
    assert [e.action for e in entries(services, "crisis", "none")] == ["crisis_denied"]


def test_a_start_from_a_spike_alert_links_the_spike_to_the_crisis(services: Services) -> None:
    def open_spike(session: Session) -> int:
        spike = Spike(
            open_key="open",
            detected_at=NOW,
            messages=12,
            negative=9,
            baseline_messages=100,
            baseline_negative=10,
            examples="[]",
        )
        session.add(spike)
        session.flush()
        assert spike.id is not None
        return spike.id

    spike_id = act(services, open_spike)
    outcome = act(
        services,
        lambda session: lifecycle.start(
            session=session,
            actor_id=ADMIN,
            kind=CrisisKind.CRISIS,
            reason="Negative spike: 9 of 12 messages in the last hour",
            now=NOW,
            admins=ADMINS,
            update_every=EVERY,
            approvals_channel=APPROVALS,
            spike_id=spike_id,
        ),
    )
    assert outcome.crisis is not None
    assert outcome.crisis.spike_id == spike_id
    spike = act(services, lambda session: session.get(Spike, spike_id))
    assert spike is not None
    assert spike.crisis_id == outcome.crisis.id
