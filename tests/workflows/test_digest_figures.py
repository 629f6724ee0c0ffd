"""Every digest figure against a hand-built store (SQLite or PostgreSQL): windows, buckets,
medians, breaches, moods, top lists and the quiet day."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.services import Services
from bot.store.db import session_scope
from bot.store.models import AuditEntry, Crisis, Draft, FaqGap, FaqRecord, Handoff, ReplySuggestion
from bot.workflows import drafts, suggestion_store
from bot.workflows.checks import CheckPolicy
from bot.workflows.digests.figures import DigestFigures, PendingDraft, build_figures
from bot.workflows.digests.history import daily_rows
from bot.workflows.drafts import ApprovalPolicy, DraftInput
from bot.workflows.replies import Suggestion
from bot.workflows.reply_requests import CustomerMessage

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
START, END = NOW - timedelta(hours=24), NOW
UTC_ZONE = ZoneInfo("UTC")
TINY = timedelta(microseconds=1)
AUTHOR, APPROVER = "U0AUTHOR", "U0APPROVER"
CHECKS = CheckPolicy(banned_words=(), brand_domains=(), risk_keywords=())
POLICY = ApprovalPolicy(approvers=frozenset({APPROVER}), risk_approvers=frozenset())


def figures(
    services: Services,
    *,
    start: datetime = START,
    end: datetime = END,
    now: datetime = NOW,
    tz: ZoneInfo = UTC_ZONE,
) -> DigestFigures:
    with session_scope(services.sessions) as session:
        return build_figures(session=session, start=start, end=end, now=now, tz=tz)


def add(services: Services, *rows: object) -> None:
    with session_scope(services.sessions) as session:
        for row in rows:
            session.add(row)


def draft(
    *,
    state: str = "pending",
    submitted_at: datetime | None = NOW,
    scheduled_at: datetime | None = None,
    networks: str = "x",
    text: str = "Autumn is here",
) -> Draft:
    created = submitted_at or NOW - timedelta(days=30)
    return Draft(
        kind="post",
        state=state,
        text=text,
        text_hash="h",
        networks=networks,
        author_id=AUTHOR,
        scheduled_at=scheduled_at,
        created_at=created,
        updated_at=created,
        submitted_at=submitted_at,
    )


def entry(
    at: datetime,
    action: str,
    from_state: str | None,
    to_state: str | None,
    *,
    subject_id: str = "1",
    subject_type: str = "draft",
) -> AuditEntry:
    return AuditEntry(
        at=at,
        actor_id=APPROVER,
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        from_state=from_state,
        to_state=to_state,
    )


def handoff(created_at: datetime, **values: object) -> Handoff:
    fields: dict[str, object] = {
        "team": "support",
        "state": "open",
        "priority": "normal",
        "summary": "cracked mug",
        "customer_text": "my mug arrived cracked",
        "route_reason": "matched 'cracked'",
        "mood": "upset",
        "requested_by": "U0SOCIAL",
        "claim_due_at": created_at + timedelta(days=30),  # no breach unless a test says so
        "remind_at": created_at + timedelta(days=29),
        "created_at": created_at,
        "updated_at": created_at,
    }
    fields.update(values)
    return Handoff(**fields)  # type: ignore[arg-type]


def suggestion(created_at: datetime, **values: object) -> ReplySuggestion:
    fields: dict[str, object] = {
        "requested_by": "U0SOCIAL",
        "customer_text": "When does my order arrive?",
        "mood": "neutral",
        "created_at": created_at,
    }
    fields.update(values)
    return ReplySuggestion(**fields)  # type: ignore[arg-type]


def gap(key: str, count: int, last_seen_at: datetime) -> FaqGap:
    return FaqGap(
        key=key,
        example=key.capitalize() + "?",
        count=count,
        first_seen_at=last_seen_at - timedelta(days=3),
        last_seen_at=last_seen_at,
    )


# -- approvals ---------------------------------------------------------------------------------


def test_approvals_counted_from_what_the_draft_workflows_write(services: Services) -> None:
    """The real action names: create+submit, approve, reject, request changes and a resubmitting
    edit, expiry by the clock. Medians come from submit → final approval."""
    one_hour = timedelta(hours=1)

    def create(at: datetime, scheduled_at: datetime | None = None) -> int:
        values = DraftInput(
            kind="post",
            text="Our autumn range is here",
            networks=("x",),
            author_id=AUTHOR,
            scheduled_at=scheduled_at,
        )
        with session_scope(services.sessions) as session:
            row, _ = drafts.create_draft(session=session, draft=values, checks=CHECKS, now=at)
            assert row.id is not None
            return row.id

    def run(at: datetime, work: object, **kwargs: object) -> None:
        with session_scope(services.sessions) as session:
            work(session=session, now=at, **kwargs)  # type: ignore[operator]

    t0 = START + one_hour
    approved = create(t0)
    run(t0 + 2 * one_hour, drafts.approve, draft_id=approved, actor_id=APPROVER, policy=POLICY)
    rejected = create(t0)
    run(
        t0 + one_hour, drafts.reject, draft_id=rejected, actor_id=APPROVER, note="no", policy=POLICY
    )
    # Sent back, edited (pending again: a second submission), approved 4 h after the edit.
    back = create(t0)
    run(
        t0 + one_hour,
        drafts.request_changes,
        draft_id=back,
        actor_id=APPROVER,
        note="shorter",
        policy=POLICY,
    )
    run(
        t0 + 2 * one_hour,
        drafts.edit,
        draft_id=back,
        actor_id=AUTHOR,
        text="Autumn: here",
        checks=CHECKS,
    )
    run(t0 + 6 * one_hour, drafts.approve, draft_id=back, actor_id=APPROVER, policy=POLICY)
    # Its scheduled time passes while pending: the clock expires it.
    create(t0, scheduled_at=t0 + 3 * one_hour)
    with session_scope(services.sessions) as session:
        expired = drafts.expire_overdue(
            session=session, now=t0 + 4 * one_hour, expire_after=timedelta(days=7)
        )
    assert len(expired) == 1
    # Created outside the window: its submission is not counted, its approval is.
    early = create(START - one_hour)
    run(START + 7 * one_hour, drafts.approve, draft_id=early, actor_id=APPROVER, policy=POLICY)

    approvals = figures(services).approvals
    assert (approvals.submitted, approvals.approved, approvals.rejected, approvals.expired) == (
        5,
        3,
        1,
        1,
    )
    # Waits: 2 h, 4 h (from the resubmission, not the first submit), 8 h → median 4 h.
    assert approvals.median_time_to_approve == timedelta(hours=4)
    assert approvals.pending == 0


def test_an_event_exactly_at_start_is_in_and_exactly_at_end_is_out(services: Services) -> None:
    add(
        services,
        entry(START, "submit", "draft", "pending", subject_id="1"),
        entry(START - TINY, "submit", "draft", "pending", subject_id="2"),
        entry(END - TINY, "submit", "draft", "pending", subject_id="3"),
        entry(END, "submit", "draft", "pending", subject_id="4"),
        entry(START, "reject", "pending", "rejected", subject_id="5"),
        entry(END, "reject", "pending", "rejected", subject_id="6"),
        entry(START, "expire", "pending", "expired", subject_id="7"),
        entry(END, "expire", "pending", "expired", subject_id="8"),
    )
    approvals = figures(services).approvals
    assert (approvals.submitted, approvals.rejected, approvals.expired) == (2, 1, 1)


def test_partial_approvals_refusals_and_edits_of_pending_drafts_are_not_decisions(
    services: Services,
) -> None:
    at = START + timedelta(hours=1)
    add(
        services,
        # The first of two approvals needed: the draft stays pending.
        entry(at, "approve", "pending", "pending", subject_id="1"),
        # A refused click leaves the state on both sides.
        entry(at, "denied_approve", "pending", "pending", subject_id="1"),
        entry(at, "denied_reject", "approved", "approved", subject_id="1"),
        # An edit of a draft already pending keeps its place: no new submission.
        entry(at, "edit", "pending", "pending", subject_id="2"),
        # An edit of an approved draft puts it back in front of approvers: a submission.
        entry(at, "edit", "approved", "pending", subject_id="3"),
        # Scheduling after approval is no second approval.
        entry(at, "schedule", "approved", "scheduled", subject_id="3"),
        # Another subject's entries are not the drafts'.
        entry(at, "submit", "draft", "pending", subject_type="handoff"),
        entry(at, "approve", "pending", "approved", subject_type="handoff"),
    )
    approvals = figures(services).approvals
    assert (approvals.submitted, approvals.approved, approvals.rejected) == (1, 0, 0)
    assert approvals.median_time_to_approve is None


def test_median_time_to_approve_with_an_even_count_and_a_missing_trail(
    services: Services,
) -> None:
    submitted = START + timedelta(hours=1)
    rows: list[object] = []
    # Subject ids no draft row has: the draft added below has a trail of its own (none).
    for subject, hours in (("101", 1), ("102", 2), ("103", 5), ("104", 10)):
        rows.append(entry(submitted, "submit", "draft", "pending", subject_id=subject))
        rows.append(
            entry(
                submitted + timedelta(hours=hours),
                "approve",
                "pending",
                "approved",
                subject_id=subject,
            )
        )
    add(services, *rows)
    # (2 h + 5 h) / 2
    assert figures(services).approvals.median_time_to_approve == timedelta(hours=3, minutes=30)

    # A draft whose trail has no submission (imported history): its submitted_at stands in.
    with session_scope(services.sessions) as session:
        row = draft(state="approved", submitted_at=submitted)
        session.add(row)
        session.flush()
        session.add(
            entry(
                submitted + timedelta(hours=7),
                "approve",
                "pending",
                "approved",
                subject_id=str(row.id),
            )
        )
    # 1, 2, 5, 7, 10 h → 5 h
    assert figures(services).approvals.median_time_to_approve == timedelta(hours=5)


def test_an_approval_is_measured_from_the_submission_before_it(services: Services) -> None:
    """Approved, edited (pending again) and approved again: each approval waits from the entry
    into pending just before it, not from the draft's latest ``submitted_at``."""
    hour = timedelta(hours=1)
    with session_scope(services.sessions) as session:
        row = draft(state="approved", submitted_at=START + 5 * hour)
        session.add(row)
        session.flush()
        subject = str(row.id)
        session.add_all(
            [
                entry(START + hour, "submit", "draft", "pending", subject_id=subject),
                entry(START + 3 * hour, "approve", "pending", "approved", subject_id=subject),
                entry(START + 5 * hour, "edit", "approved", "pending", subject_id=subject),
                entry(START + 6 * hour, "approve", "pending", "approved", subject_id=subject),
            ]
        )
    approvals = figures(services).approvals
    assert (approvals.submitted, approvals.approved) == (2, 2)
    # 2 h and 1 h
    assert approvals.median_time_to_approve == timedelta(hours=1, minutes=30)


def test_the_median_reads_every_approved_drafts_trail_past_one_batch(services: Services) -> None:
    """More approvals than one IN list holds (500): every trail is still read."""
    submitted = START + timedelta(hours=1)
    rows: list[object] = []
    for i in range(501):
        rows.append(entry(submitted, "submit", "draft", "pending", subject_id=f"{1000 + i}"))
        rows.append(
            entry(
                submitted + timedelta(minutes=i),
                "approve",
                "pending",
                "approved",
                subject_id=f"{1000 + i}",
            )
        )
    add(services, *rows)
    approvals = figures(services).approvals
    assert approvals.approved == 501
    assert approvals.median_time_to_approve == timedelta(minutes=250)


def test_pending_by_age_at_the_4h_and_24h_edges_and_the_oldest_three(services: Services) -> None:
    hour = timedelta(hours=1)
    add(
        services,
        draft(submitted_at=NOW - 4 * hour + TINY, text="fresh"),  # under 4 h
        draft(submitted_at=NOW - 4 * hour, text="four"),  # exactly 4 h: 4 to 24 h
        draft(submitted_at=NOW - 24 * hour + TINY, text="almost a day"),  # 4 to 24 h
        draft(submitted_at=NOW - 24 * hour, text="a day"),  # exactly 24 h: older
        draft(submitted_at=NOW - 48 * hour, text="two days"),  # older
        draft(submitted_at=NOW - 48 * hour, text="two days too"),  # older, same moment
        draft(state="approved", submitted_at=NOW - 90 * hour),  # not pending
        draft(state="changes_requested", submitted_at=NOW - 90 * hour),
    )
    approvals = figures(services).approvals
    assert (approvals.pending_under_4h, approvals.pending_under_24h, approvals.pending_older) == (
        1,
        2,
        3,
    )
    assert approvals.pending == 6
    oldest = approvals.oldest_pending
    # Oldest first; two submitted at the same moment in id order (the order they were made).
    assert [d.text for d in oldest] == ["two days", "two days too", "a day"]
    assert oldest[0].draft_id < oldest[1].draft_id
    assert oldest[0] == PendingDraft(
        draft_id=oldest[0].draft_id,
        author_id=AUTHOR,
        text="two days",
        submitted_at=NOW - 48 * hour,
    )


def test_posts_scheduled_for_the_local_day_of_the_end_by_network(services: Services) -> None:
    new_york = ZoneInfo("America/New_York")
    # 09:00 UTC is 04:00 in New York on 30 Nov: its local day is 05:00 UTC to 05:00 UTC.
    day_start = datetime(2026, 11, 30, 5, 0, tzinfo=UTC)
    day_end = day_start + timedelta(hours=24)
    add(
        services,
        draft(state="approved", scheduled_at=day_start, networks="x,linkedin"),
        draft(state="scheduled", scheduled_at=day_end - TINY, networks="x"),
        draft(state="scheduled", scheduled_at=day_end, networks="x"),  # tomorrow there
        draft(state="scheduled", scheduled_at=day_start - TINY, networks="x"),  # yesterday
        draft(state="pending", scheduled_at=day_start + timedelta(hours=2), networks="x"),
        draft(state="published", scheduled_at=day_start + timedelta(hours=1), networks="x"),
    )
    assert figures(services, tz=new_york).scheduled_today == {"linkedin": 1, "x": 2}
    # In UTC the day of the end is 30 Nov 00:00 to 1 Dec 00:00: the one just before 05:00 counts,
    # the one just before 05:00 on 1 Dec does not.
    assert figures(services).scheduled_today == {"linkedin": 1, "x": 2}


# -- handoffs ----------------------------------------------------------------------------------


def test_handoffs_opened_claimed_closed_in_the_window_and_open_by_team(
    services: Services,
) -> None:
    hour = timedelta(hours=1)
    add(
        services,
        handoff(START),  # opened at start: in, and open now
        handoff(END, team="sales"),  # opened at end: out (and open now)
        handoff(START - hour, state="claimed", claimed_at=START + hour, owner_id="U1"),  # 2 h
        handoff(START, state="claimed", claimed_at=START + 4 * hour, owner_id="U1"),  # 4 h
        handoff(
            START + hour,
            state="resolved",
            claimed_at=START + 2 * hour,  # 1 h
            closed_at=START + 3 * hour,
        ),
        handoff(
            START + hour,
            state="resolved",
            claimed_at=START + 11 * hour,  # 10 h
            closed_at=END,  # closed at the end: not in this window
        ),
        handoff(START + hour, state="bounced", closed_at=START + 2 * hour, team="sales"),
        handoff(START - 2 * hour, state="claimed", claimed_at=START - hour, owner_id="U1"),
    )
    handoffs = figures(services).handoffs
    assert (handoffs.opened, handoffs.claimed, handoffs.resolved, handoffs.bounced) == (
        5,
        4,
        1,
        1,
    )
    # 1, 2, 4, 10 h → (2 + 4) / 2
    assert handoffs.median_time_to_claim == timedelta(hours=3)
    # Open or claimed now, whatever the window.
    assert handoffs.open_by_team == {"sales": 1, "support": 4}
    assert handoffs.sla_breaches == 0


def test_sla_breaches_are_deadlines_in_the_window_that_passed_unmet(services: Services) -> None:
    hour = timedelta(hours=1)
    due = START + 5 * hour
    opened = START - hour
    add(
        services,
        # Claim deadlines.
        handoff(opened, claim_due_at=due),  # never claimed: breach
        handoff(opened, claim_due_at=due, state="claimed", claimed_at=due + TINY),  # late
        handoff(opened, claim_due_at=due, state="claimed", claimed_at=due),  # on time
        handoff(opened, claim_due_at=due, state="bounced", closed_at=due - hour),  # closed first
        handoff(opened, claim_due_at=due, state="bounced", closed_at=due),  # closed at it: met
        handoff(opened, claim_due_at=START),  # at start: in, breach
        handoff(opened, claim_due_at=END),  # at end: another window's
        handoff(opened, claim_due_at=START - TINY),  # the window before
        # Resolve deadlines (claimed in time).
        handoff(
            opened,
            claim_due_at=START - 2 * hour,
            state="claimed",
            claimed_at=opened,
            resolve_due_at=due,
        ),  # still not resolved: breach
        handoff(
            opened,
            claim_due_at=START - 2 * hour,
            state="resolved",
            claimed_at=opened,
            resolve_due_at=due,
            closed_at=due + hour,
        ),  # resolved late: breach
        handoff(
            opened,
            claim_due_at=START - 2 * hour,
            state="resolved",
            claimed_at=opened,
            resolve_due_at=due,
            closed_at=due,
        ),  # resolved at the deadline: met
        handoff(
            opened,
            claim_due_at=START - 2 * hour,
            state="resolved",
            claimed_at=opened,
            resolve_due_at=START - hour,
            closed_at=START + hour,
        ),  # late, but its deadline was the window before
    )
    assert figures(services).handoffs.sla_breaches == 5


def test_a_deadline_still_ahead_of_now_is_no_breach(services: Services) -> None:
    hour = timedelta(hours=1)
    add(
        services,
        handoff(NOW - hour, claim_due_at=NOW),  # due now, unclaimed: breach
        handoff(NOW - hour, claim_due_at=NOW + TINY),  # still ahead
        handoff(
            NOW - hour,
            claim_due_at=NOW - 2 * hour,
            state="claimed",
            claimed_at=NOW - hour,
            resolve_due_at=NOW + hour,
        ),  # resolve deadline ahead
    )
    # A window reaching past now (a digest asked for "now" with a later end) counts only the past.
    counted = figures(services, start=NOW - 3 * hour, end=NOW + 2 * hour).handoffs
    assert counted.sla_breaches == 2  # the claim due now, and the claim late by an hour


# -- replies -----------------------------------------------------------------------------------


def test_suggestions_answered_from_the_faq_and_sent_for_approval(services: Services) -> None:
    with session_scope(services.sessions) as session:
        reply = draft(state="pending")
        session.add(reply)
        session.flush()
        reply_id = reply.id
    add(
        services,
        suggestion(START, faq_id="shipping", text="It ships Monday."),
        suggestion(START + TINY, faq_id="shipping", text="It ships Monday.", draft_id=reply_id),
        suggestion(START, text=None),  # the bot abstained
        suggestion(START, faq_id="returns", text=None),  # matched but abstained: not answered
        suggestion(END - TINY, template_id="greeting", text="Hi!"),  # no FAQ entry
        suggestion(END, faq_id="shipping", text="out"),  # the next window's
        suggestion(START - TINY, faq_id="shipping", text="out"),
    )
    replies = figures(services).replies
    assert (replies.suggestions, replies.answered_from_faq, replies.sent_for_approval) == (5, 2, 1)
    assert replies.faq_share == 2 / 5
    assert replies.approval_share == 1 / 5


def test_top_faq_entries_most_used_first_ties_by_id_up_to_five(services: Services) -> None:
    add(
        services,
        FaqRecord(
            id="shipping",
            question="When does it ship?",
            answer="Monday",
            source="faq/orders.yml",
            updated_at=NOW,
        ),
    )
    uses = {"shipping": 3, "returns": 2, "gift-wrap": 2, "sizes": 1, "care": 1, "zebra": 1}
    rows: list[object] = []
    for faq_id, n in uses.items():
        rows.extend(
            suggestion(START + timedelta(minutes=i), faq_id=faq_id, text="A") for i in range(n)
        )
    rows.append(suggestion(START - timedelta(hours=1), faq_id="zebra", text="A"))  # outside
    rows.append(suggestion(START, faq_id="zebra", text=None))  # abstained: not a use
    add(services, *rows)
    top = figures(services).replies.top_entries
    assert [(c.key, c.count) for c in top] == [
        ("shipping", 3),
        ("gift-wrap", 2),
        ("returns", 2),
        ("care", 1),
        ("sizes", 1),
    ]
    # An entry in the store shows its question; one not (any more) shows its id.
    assert [c.label for c in top[:2]] == ["When does it ship?", "gift-wrap"]
    assert all(c.gap_id is None for c in top)


def test_top_gaps_seen_in_the_window_most_asked_then_most_recent(services: Services) -> None:
    hour = timedelta(hours=1)
    add(
        services,
        gap("do you ship to iceland", 4, START + hour),
        gap("gift wrap", 9, START),  # at start: in
        gap("student discount", 4, START + 3 * hour),  # ties on count: most recent first
        gap("bulk orders", 4, START + 3 * hour),  # ties on both: by id (made after)
        gap("loyalty card", 2, END - TINY),
        gap("vegan leather", 1, START + hour),
        gap("old question", 50, START - TINY),  # last seen before the window
        gap("next question", 50, END),  # the next window's
    )
    top = figures(services).replies.top_gaps
    assert [(c.key, c.count) for c in top] == [
        ("gift wrap", 9),
        ("student discount", 4),
        ("bulk orders", 4),
        ("do you ship to iceland", 4),
        ("loyalty card", 2),
    ]
    assert top[0].label == "Gift wrap?"
    assert all(c.gap_id is not None for c in top)
    assert top[1].gap_id is not None
    assert top[2].gap_id is not None
    assert top[1].gap_id < top[2].gap_id


def test_moods_of_the_messages_handled_suggestions_and_handoffs_once_each(
    services: Services,
) -> None:
    at = START + timedelta(hours=1)
    with session_scope(services.sessions) as session:
        made_from = suggestion(at, mood="upset", customer_text="it broke")
        holding = suggestion(at, mood="upset", customer_text="it broke again")
        earlier = suggestion(START - timedelta(hours=2), mood="happy")
        session.add_all([made_from, holding, earlier])
        session.flush()
        session.add_all(
            [
                suggestion(at, mood="happy"),
                suggestion(at, mood="neutral"),
                # Older than the mood column: read again from the text.
                suggestion(at, mood=None, customer_text="This is terrible, still waiting"),
                suggestion(at, mood=None, customer_text="Thanks, love it!"),
                suggestion(END, mood="happy"),  # the next window's
                # A handoff of a message suggested in the window is that message: once.
                handoff(at, mood="upset", suggestion_id=made_from.id),
                handoff(at, mood="upset", holding_suggestion_id=holding.id),
                # One made from a suggestion of an earlier window, and one from no suggestion.
                handoff(at, mood="neutral", suggestion_id=earlier.id),
                handoff(at, mood="upset"),
                handoff(START - TINY, mood="happy"),  # opened before the window
            ]
        )
    assert figures(services).replies.moods == {"upset": 4, "happy": 2, "neutral": 2}


def test_a_saved_suggestion_records_the_customers_mood(services: Services) -> None:
    """The mood is stored when the suggestion is made, so the digest reads it from the row."""
    abstained = Suggestion(
        text=None, ranked=(), option=0, faq_id=None, template_id=None, confidence=0.0
    )
    at = START + timedelta(hours=2)
    saved: list[str | None] = []
    for text in ("@dana my order is late and this is terrible", "Love it, thanks!", "Hi there"):
        with session_scope(services.sessions) as session:
            row, _gap = suggestion_store.save_suggestion(
                session=session,
                suggestion=abstained,
                message=CustomerMessage.parse(text),
                requested_by="U0SOCIAL",
                now=at,
            )
            saved.append(row.mood)
    assert saved == ["upset", "happy", "neutral"]
    assert figures(services).replies.moods == {"upset": 1, "happy": 1, "neutral": 1}


# -- the quiet day -----------------------------------------------------------------------------


def test_a_day_with_nothing_is_quiet_and_anything_waiting_is_not(services: Services) -> None:
    assert figures(services).is_quiet
    # Things that happened in other windows do not make this one loud.
    add(
        services,
        entry(START - timedelta(hours=1), "submit", "draft", "pending"),
        suggestion(END),
        handoff(START - timedelta(days=3), state="resolved", closed_at=START - timedelta(days=2)),
        gap("old", 3, START - timedelta(days=1)),
    )
    quiet = figures(services)
    assert quiet.is_quiet
    assert quiet.replies.moods == {}
    assert quiet.approvals.median_time_to_approve is None
    # A draft waiting for approval is something to act on, whenever it came.
    add(services, draft(submitted_at=NOW - timedelta(days=5)))
    assert not figures(services).is_quiet


def test_a_handoff_open_since_last_week_makes_the_day_not_quiet(services: Services) -> None:
    add(services, handoff(START - timedelta(days=7)))
    loud = figures(services)
    assert loud.handoffs.opened == 0
    assert not loud.is_quiet


# -- crisis mode: the crisis line, and drills left out ------------------------------------------


def stored(services: Services, row: Crisis | Draft) -> int:
    with session_scope(services.sessions) as session:
        session.add(row)
        session.flush()
        assert row.id is not None
        return row.id


def crisis(kind: str, started_at: datetime, **values: object) -> Crisis:
    fields: dict[str, object] = {
        "kind": kind,
        "reason": "Recall <!channel>",
        "started_by": "U0ADMIN",
        "started_at": started_at,
        "updated_at": started_at,
    }
    fields.update(values)
    return Crisis(**fields)  # type: ignore[arg-type]


def test_drafts_and_suggestions_of_a_drill_are_not_counted(services: Services) -> None:
    at = START + timedelta(hours=2)
    drill = stored(services, crisis("drill", at - timedelta(hours=1), ended_at=at + TINY))
    real = stored(services, crisis("crisis", START - timedelta(days=3), ended_at=START - TINY))
    rehearsed = stored(services, draft(submitted_at=at))
    rehearsed_approved = stored(services, draft(state="approved", submitted_at=at))
    counted = stored(services, draft(submitted_at=at, text="Real"))
    with session_scope(services.sessions) as session:
        for draft_id in (rehearsed, rehearsed_approved):
            row = session.get(Draft, draft_id)
            assert row is not None
            row.crisis_id = drill
        row = session.get(Draft, counted)
        assert row is not None
        row.crisis_id = real  # a real crisis's draft is real work
    add(
        services,
        entry(at, "submit", "draft", "pending", subject_id=str(rehearsed)),
        entry(at, "submit", "draft", "pending", subject_id=str(rehearsed_approved)),
        entry(at + TINY, "approve", "pending", "approved", subject_id=str(rehearsed_approved)),
        entry(at, "submit", "draft", "pending", subject_id=str(counted)),
        suggestion(at, crisis_id=drill, faq_id="shipping", text="Soon", mood="upset"),
        suggestion(at, crisis_id=real, faq_id="returns", text="Yes", mood="happy"),
    )
    got = figures(services)
    assert (got.approvals.submitted, got.approvals.approved) == (1, 0)
    assert got.approvals.median_time_to_approve is None
    assert got.approvals.pending == 1
    assert [p.draft_id for p in got.approvals.oldest_pending] == [counted]
    assert (got.replies.suggestions, got.replies.answered_from_faq) == (1, 1)
    assert [c.key for c in got.replies.top_entries] == ["returns"]
    assert got.replies.moods == {"happy": 1}
    assert got.crisis is None  # the real one ended before the window; a drill is never shown
    with session_scope(services.sessions) as session:
        days = daily_rows(
            session=session, first_day=START.date(), last_day=END.date(), tz=UTC_ZONE, now=NOW
        )
    assert sum(row.submitted for row in days) == 1
    assert sum(row.suggestions for row in days) == 1


def test_the_crisis_line_shows_real_crises_of_the_window(services: Services) -> None:
    add(services, crisis("drill", START + timedelta(hours=1)))
    assert figures(services).crisis is None
    assert figures(services).is_quiet  # a drill is no news for the digest
    add(
        services,
        crisis(
            "crisis",
            START - timedelta(hours=5),
            ended_at=START + timedelta(hours=1),
            summary="Back up & running",
        ),
        crisis("crisis", START - timedelta(days=2), ended_at=START - TINY),  # before the window
    )
    ended = figures(services)
    assert ended.crisis is not None
    assert ended.crisis.startswith("ended Sun 29 Nov 10:00 after 6h: Back up & running")
    assert not ended.is_quiet
    add(services, crisis("crisis", NOW - timedelta(minutes=90), running_key="running"))
    both = figures(services, tz=ZoneInfo("Europe/Berlin"))
    assert both.crisis == (
        "running since Mon 30 Nov 08:30 (1h 30m): Recall <!channel>; "
        "ended Sun 29 Nov 11:00 after 6h: Back up & running"
    )
