"""Handoffs on the real store (SQLite or PostgreSQL): start, the moves, races, SLA timers, lists."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlmodel import select

from bot.services import Services
from bot.store.db import session_scope
from bot.store.models import AuditEntry, Handoff
from bot.workflows.handoffs import create, decide, packets, queries, sla
from bot.workflows.handoffs.create import HandoffInvalid, HandoffRequest
from bot.workflows.handoffs.decide import HandoffOutcome, HandoffRefusal
from bot.workflows.handoffs.queries import Scope
from bot.workflows.handoffs.sla import TeamSla, Timer
from bot.workflows.handoffs.states import HandoffState
from tests.concurrency import race

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
SOCIAL, ANA, BEN, CARA = "U0SOCIAL", "U0ANA", "U0BEN", "U0CARA"
HOUR = TeamSla(claim=timedelta(hours=1))


def request(**changes: object) -> HandoffRequest:
    values: dict[str, object] = {
        "team": "support",
        "route_reason": "matched 'refund'",
        "requested_by": SOCIAL,
        "summary": "Wants a refund for a cracked mug",
        "customer_text": "@dana my mug arrived cracked, I want a refund",
        "customer_handle": "@dana",
        "network": "x",
        "source_channel": "C0SOCIAL",
        "source_ts": "1700000000.000100",
    }
    values.update(changes)
    return HandoffRequest(**values)  # type: ignore[arg-type]


def start(services: Services, req: HandoffRequest | None = None, *, sla_: TeamSla = HOUR) -> int:
    with session_scope(services.sessions) as session:
        started = create.start_handoff(session=session, request=req or request(), sla=sla_, now=NOW)
        assert started.handoff.id is not None
        return started.handoff.id


def act(
    services: Services, work: Callable[..., HandoffOutcome], **kwargs: object
) -> HandoffOutcome:
    with session_scope(services.sessions) as session:
        return work(session=session, now=kwargs.pop("now", NOW), **kwargs)


def load(services: Services, handoff_id: int) -> Handoff:
    with session_scope(services.sessions) as session:
        handoff = session.get(Handoff, handoff_id)
        assert handoff is not None
        return handoff


def actions(services: Services, handoff_id: int) -> list[str]:
    with session_scope(services.sessions) as session:
        entries = session.exec(
            select(AuditEntry).where(
                AuditEntry.subject_type == "handoff", AuditEntry.subject_id == str(handoff_id)
            )
        ).all()
        return [entry.action for entry in sorted(entries, key=lambda e: e.id or 0)]


# -- starting ----------------------------------------------------------------------------------------


def test_a_handoff_starts_open_with_its_timers_and_an_audit_entry(services: Services) -> None:
    sla_ = TeamSla(claim=timedelta(hours=4), resolve=timedelta(days=2))
    handoff = load(services, start(services, request(team="sales"), sla_=sla_))
    assert handoff.state == HandoffState.OPEN
    assert handoff.team == "sales"
    assert handoff.claim_due_at == NOW + timedelta(hours=4)
    assert handoff.remind_at == NOW + timedelta(hours=3)
    assert handoff.resolve_due_at == NOW + timedelta(days=2)
    assert actions(services, handoff.id or 0) == ["hand_off"]


@pytest.mark.parametrize(
    ("changes", "says"),
    [
        ({"team": "billing"}, "support or sales"),
        ({"priority": "asap"}, "normal, high, urgent"),
        ({"summary": "  ", "customer_text": ""}, "can't be empty"),
        ({"summary": "x" * 2001}, "under 2000 characters"),
    ],
)
def test_bad_requests_say_what_to_change_and_store_nothing(
    services: Services, changes: dict[str, object], says: str
) -> None:
    with pytest.raises(HandoffInvalid, match=says), session_scope(services.sessions) as session:
        create.start_handoff(session=session, request=request(**changes), sla=HOUR, now=NOW)
    with session_scope(services.sessions) as session:
        assert session.exec(select(Handoff)).all() == []


def test_a_message_is_handed_off_once_and_the_second_attempt_gets_the_first(
    services: Services,
) -> None:
    first = start(services)
    with session_scope(services.sessions) as session:
        again = create.start_handoff(
            session=session, request=request(team="sales", requested_by=ANA), sla=HOUR, now=NOW
        )
    assert again.existing
    assert again.handoff.id == first


def test_ten_teammates_handing_off_one_message_at_once_make_one_handoff(
    services: Services,
) -> None:
    def hand_off(index: int) -> tuple[int | None, bool]:
        with session_scope(services.sessions) as session:
            started = create.start_handoff(
                session=session, request=request(requested_by=f"U0{index}"), sla=HOUR, now=NOW
            )
            return started.handoff.id, started.existing

    results = race(10, hand_off)
    assert len({handoff_id for handoff_id, _ in results}) == 1
    assert sum(not existing for _, existing in results) == 1


def test_a_bounced_message_may_be_handed_off_again(services: Services) -> None:
    first = start(services)
    assert act(services, decide.bounce, handoff_id=first, actor_id=ANA, reason="sales lead").ok
    second = start(services, request(team="sales"))
    assert second != first


# -- the moves --------------------------------------------------------------------------------------


def test_twenty_claims_at_once_give_one_owner_and_tell_the_others_who(
    services: Services,
) -> None:
    handoff_id = start(services)
    outcomes = race(
        20, lambda i: act(services, decide.claim, handoff_id=handoff_id, actor_id=f"U0P{i}")
    )
    winners = [o for o in outcomes if o.ok]
    assert len(winners) == 1
    owner = load(services, handoff_id).owner_id
    assert owner is not None
    assert all(
        o.refused is HandoffRefusal.TAKEN and owner in o.reason for o in outcomes if not o.ok
    )
    assert actions(services, handoff_id).count("claim") == 1
    assert load(services, handoff_id).version == 2


def test_claim_reassign_resolve(services: Services) -> None:
    handoff_id = start(services)
    assert act(services, decide.claim, handoff_id=handoff_id, actor_id=ANA).ok
    moved = act(services, decide.reassign, handoff_id=handoff_id, actor_id=ANA, new_owner=BEN)
    assert moved.ok
    assert moved.previous_owner == ANA
    assert act(services, decide.resolve, handoff_id=handoff_id, actor_id=BEN, note="refunded").ok
    handoff = load(services, handoff_id)
    assert (handoff.state, handoff.owner_id, handoff.closed_by, handoff.close_note) == (
        HandoffState.RESOLVED,
        BEN,
        BEN,
        "refunded",
    )
    assert actions(services, handoff_id) == ["hand_off", "claim", "reassign", "resolve"]


def test_only_the_owner_resolves_a_claimed_handoff(services: Services) -> None:
    handoff_id = start(services)
    act(services, decide.claim, handoff_id=handoff_id, actor_id=ANA)
    refused = act(services, decide.resolve, handoff_id=handoff_id, actor_id=BEN, note=None)
    assert refused.refused is HandoffRefusal.NOT_OWNER
    assert f"<@{ANA}>" in refused.reason
    assert load(services, handoff_id).state == HandoffState.CLAIMED
    assert actions(services, handoff_id)[-1] == "resolve_refused"


def test_anyone_resolves_an_unclaimed_handoff(services: Services) -> None:
    handoff_id = start(services)
    assert act(services, decide.resolve, handoff_id=handoff_id, actor_id=CARA, note=None).ok


def test_a_resolved_handoff_cannot_be_claimed_and_says_who_closed_it(services: Services) -> None:
    handoff_id = start(services)
    act(services, decide.resolve, handoff_id=handoff_id, actor_id=ANA, note="done")
    refused = act(services, decide.claim, handoff_id=handoff_id, actor_id=BEN)
    assert refused.refused is HandoffRefusal.CLOSED
    assert "already resolved" in refused.reason
    assert f"<@{ANA}>" in refused.reason


def test_a_bounce_needs_a_reason(services: Services) -> None:
    handoff_id = start(services)
    refused = act(services, decide.bounce, handoff_id=handoff_id, actor_id=ANA, reason="  ")
    assert refused.refused is HandoffRefusal.INVALID
    assert load(services, handoff_id).state == HandoffState.OPEN


def test_a_missing_handoff_is_refused_not_raised(services: Services) -> None:
    assert act(services, decide.claim, handoff_id=999, actor_id=ANA).refused is (
        HandoffRefusal.NOT_FOUND
    )


# -- packets owed ------------------------------------------------------------------------------------


def test_a_packet_is_claimed_for_posting_once_and_retried_after_a_release(
    services: Services,
) -> None:
    handoff_id = start(services)
    with session_scope(services.sessions) as session:
        assert packets.handoffs_missing_packets(session=session, now=NOW) == [handoff_id]
        assert packets.claim_packet_post(session=session, handoff_id=handoff_id, now=NOW)
        assert not packets.claim_packet_post(session=session, handoff_id=handoff_id, now=NOW)
        assert packets.handoffs_missing_packets(session=session, now=NOW) == []
        packets.release_packet_post(session=session, handoff_id=handoff_id)
        assert packets.handoffs_missing_packets(session=session, now=NOW) == [handoff_id]
        packets.packet_posted(
            session=session, handoff_id=handoff_id, channel="C0SUP", ts="1.2", version=1
        )
        assert packets.handoffs_missing_packets(session=session, now=NOW) == []
    act(services, decide.claim, handoff_id=handoff_id, actor_id=ANA)
    with session_scope(services.sessions) as session:
        assert packets.packets_behind(session=session) == [handoff_id]
        packets.packet_shown(session=session, handoff_id=handoff_id, version=2)
        assert packets.packets_behind(session=session) == []


# -- SLA timers --------------------------------------------------------------------------------------


def fire_all(services: Services, at: datetime) -> list[tuple[Timer, int]]:
    fired = []
    with session_scope(services.sessions) as session:
        for timer, handoff_id in sla.due_timers(session=session, now=at):
            if sla.fire_timer(session=session, timer=timer, handoff_id=handoff_id, now=at):
                fired.append((timer, handoff_id))
    return fired


def test_the_reminder_fires_once_at_75_percent_then_the_escalation_once(
    services: Services,
) -> None:
    handoff_id = start(services)
    assert fire_all(services, NOW + timedelta(minutes=44)) == []
    assert fire_all(services, NOW + timedelta(minutes=45)) == [(Timer.REMINDER, handoff_id)]
    assert fire_all(services, NOW + timedelta(minutes=50)) == []
    assert fire_all(services, NOW + timedelta(hours=1)) == [(Timer.CLAIM_BREACH, handoff_id)]
    assert fire_all(services, NOW + timedelta(hours=5)) == []


def test_a_clock_that_was_down_escalates_without_a_late_reminder(services: Services) -> None:
    handoff_id = start(services)
    assert fire_all(services, NOW + timedelta(hours=2)) == [(Timer.CLAIM_BREACH, handoff_id)]


def test_nothing_fires_after_a_claim_or_a_resolve(services: Services) -> None:
    claimed, resolved = start(services), start(services, request(source_ts="2.0"))
    act(services, decide.claim, handoff_id=claimed, actor_id=ANA)
    act(services, decide.resolve, handoff_id=resolved, actor_id=ANA, note=None)
    assert fire_all(services, NOW + timedelta(hours=3)) == []


def test_the_resolve_breach_fires_once_while_claimed(services: Services) -> None:
    both = TeamSla(claim=timedelta(hours=1), resolve=timedelta(hours=8))
    handoff_id = start(services, sla_=both)
    act(services, decide.claim, handoff_id=handoff_id, actor_id=ANA)
    assert fire_all(services, NOW + timedelta(hours=8)) == [(Timer.RESOLVE_BREACH, handoff_id)]
    assert fire_all(services, NOW + timedelta(hours=9)) == []


def test_two_clocks_firing_at_once_fire_each_timer_once(services: Services) -> None:
    ids = [start(services, request(source_ts=f"{i}.0")) for i in range(5)]
    at = NOW + timedelta(minutes=46)
    fired = race(2, lambda _: fire_all(services, at))
    assert sorted(handoff_id for run in fired for _, handoff_id in run) == ids


# -- lists --------------------------------------------------------------------------------------------


def test_lists_are_newest_first_and_count_the_rest(services: Services) -> None:
    ids = [start(services, request(source_ts=f"{i}.0")) for i in range(5)]
    sales = start(services, request(team="sales", source_ts="9.0"))
    act(services, decide.claim, handoff_id=ids[0], actor_id=ANA)
    act(services, decide.claim, handoff_id=ids[1], actor_id=ANA)
    act(services, decide.resolve, handoff_id=ids[2], actor_id=BEN, note=None)
    with session_scope(services.sessions) as session:
        mine = queries.list_handoffs(session=session, scope=Scope.MINE, user_id=ANA, limit=10)
        open_ = queries.list_handoffs(session=session, scope=Scope.OPEN, user_id=ANA, limit=2)
        support = queries.list_handoffs(session=session, scope=Scope.SUPPORT, user_id=ANA, limit=10)
    assert [h.id for h in mine.rows] == [ids[1], ids[0]]
    assert [h.id for h in open_.rows] == [sales, ids[4]]
    assert open_.more == 1
    assert [h.id for h in support.rows] == [ids[4], ids[3], ids[1], ids[0]]


def test_a_team_list_reads_each_state_through_its_index(services: Services) -> None:
    # One "state IN (open, claimed) ORDER BY id DESC" query made SQLite scan the whole table for
    # a team with few live handoffs; each part now walks (team, state, id) newest first.
    with session_scope(services.sessions) as session:
        dialect = session.get_bind().dialect
        for where in queries._parts(Scope.SUPPORT, ANA):
            sql = str(
                queries.newest(where, 20).compile(
                    dialect=dialect, compile_kwargs={"literal_binds": True}
                )
            )
            prefix = "EXPLAIN QUERY PLAN " if dialect.name == "sqlite" else "EXPLAIN "
            plan = " ".join(str(row[-1]) for row in session.execute(text(prefix + sql)))
            if dialect.name == "sqlite":
                assert "ix_handoff_team_state_id" in plan
                assert "TEMP B-TREE" not in plan  # no sort: the index gives id order
