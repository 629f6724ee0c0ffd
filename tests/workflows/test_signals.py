"""Customer signals on the real store: one per customer message, however it reached the bot
(reply request, handoff with its holding reply, monitored channel), and rehearsal traffic
marked as such."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import col, select

from bot.services import Services
from bot.store.db import session_scope
from bot.store.models import Crisis, CustomerSignal
from bot.workflows import suggestion_store
from bot.workflows.crisis.kinds import RUNNING, CrisisKind
from bot.workflows.crisis.signals import EXCERPT_CHARS, Origin, record_signal, slack_key
from bot.workflows.handoffs import create
from bot.workflows.handoffs.create import HandoffRequest
from bot.workflows.handoffs.sla import TeamSla
from bot.workflows.replies import Suggestion
from bot.workflows.reply_requests import CustomerMessage

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
HOUR = TeamSla(claim=timedelta(hours=1))
ROOM = "C0WARROOM"
UPSET = "@dana my mug arrived cracked and nobody answers, this is unacceptable"


def signals(services: Services) -> list[CustomerSignal]:
    with session_scope(services.sessions) as session:
        return list(session.exec(select(CustomerSignal).order_by(col(CustomerSignal.id))))


def record(services: Services, key: str, text: str = UPSET, channel: str | None = None) -> bool:
    with session_scope(services.sessions) as session:
        return record_signal(
            session=session,
            source_key=key,
            origin=Origin.MONITORED,
            text=text,
            at=NOW,
            channel_id=channel,
        )


def suggestion() -> Suggestion:
    return Suggestion(
        text="Sorry to hear that.",
        ranked=(),
        option=0,
        faq_id=None,
        template_id=None,
        confidence=0.5,
    )


def save(services: Services, *, channel: str | None = None, ts: str | None = None) -> int:
    with session_scope(services.sessions) as session:
        row, _ = suggestion_store.save_suggestion(
            session=session,
            suggestion=suggestion(),
            message=CustomerMessage.parse(UPSET),
            requested_by="U0SOCIAL",
            now=NOW,
            channel_id=channel,
            source_ts=ts,
        )
        assert row.id is not None
        return row.id


def handoff_request(**changes: object) -> HandoffRequest:
    values: dict[str, object] = {
        "team": "support",
        "route_reason": "matched 'refund'",
        "requested_by": "U0SOCIAL",
        "summary": "Wants a refund",
        "customer_text": UPSET,
        "source_channel": "C0SOCIAL",
        "source_ts": "1700000000.000100",
    }
    values.update(changes)
    return HandoffRequest(**values)  # type: ignore[arg-type]


def hand_off(services: Services, request: HandoffRequest) -> int:
    with session_scope(services.sessions) as session:
        started = create.start_handoff(session=session, request=request, sla=HOUR, now=NOW)
        assert started.handoff.id is not None
        return started.handoff.id


def running(services: Services, kind: CrisisKind, room: str | None = ROOM) -> None:
    with session_scope(services.sessions) as session:
        session.add(
            Crisis(
                kind=kind,
                reason="rehearsal",
                started_by="U0ADMIN",
                started_at=NOW,
                running_key=RUNNING,
                war_room_channel=room,
                updated_at=NOW,
            )
        )


def test_a_message_is_counted_once_with_its_mood_and_an_excerpt(services: Services) -> None:
    long = "this is broken " + "x" * 400
    assert record(services, "C0FEED:1.0001", long)
    assert not record(services, "C0FEED:1.0001", long)  # a redelivery, a second worker
    assert record(services, "C0FEED:1.0002", "thanks, love the new jacket")
    first, second = signals(services)
    assert (first.source_key, first.mood, first.origin) == ("C0FEED:1.0001", "upset", "monitored")
    assert first.excerpt == long[:EXCERPT_CHARS]
    assert (second.mood, second.drill) == ("happy", False)


def test_a_reply_request_counts_its_customer_message(services: Services) -> None:
    pasted = save(services)
    in_slack = save(services, channel="C0SOCIAL", ts="1700000000.000200")
    keys = [(s.source_key, s.origin, s.mood) for s in signals(services)]
    assert keys == [
        (f"suggestion:{pasted}", "suggestion", "upset"),
        (slack_key("C0SOCIAL", "1700000000.000200"), "suggestion", "upset"),
    ]
    assert in_slack != pasted


def test_a_message_asked_about_then_handed_off_is_one_signal(services: Services) -> None:
    save(services, channel="C0SOCIAL", ts="1700000000.000100")
    hand_off(services, handoff_request())
    [signal] = signals(services)
    assert (signal.source_key, signal.origin) == ("C0SOCIAL:1700000000.000100", "suggestion")


def test_a_handoff_with_its_holding_reply_is_one_signal(services: Services) -> None:
    # As bot/slack/handoff_start.record stores them: the holding reply (no channel of its own),
    # then the handoff naming it, in one transaction.
    holding = save(services, ts="1700000000.000100")
    hand_off(services, handoff_request(holding_suggestion_id=holding))
    [signal] = signals(services)
    assert (signal.source_key, signal.origin) == ("C0SOCIAL:1700000000.000100", "handoff")


def test_a_handoff_that_lost_the_race_leaves_no_signal_for_its_holding_reply(
    services: Services,
) -> None:
    hand_off(services, handoff_request(holding_suggestion_id=save(services, ts="1.1")))
    loser_holding = save(services, ts="1700000000.000100")
    hand_off(services, handoff_request(holding_suggestion_id=loser_holding))  # finds the first
    assert [s.source_key for s in signals(services)] == ["C0SOCIAL:1700000000.000100"]


def test_a_pasted_handoff_counts_by_its_holding_reply_or_itself(services: Services) -> None:
    pasted = dict(source_channel=None, source_ts=None)
    first = hand_off(services, handoff_request(**pasted))
    from_suggestion = save(services)
    hand_off(services, handoff_request(suggestion_id=from_suggestion, **pasted))
    assert [(s.source_key, s.origin) for s in signals(services)] == [
        (f"handoff:{first}", "handoff"),
        (f"suggestion:{from_suggestion}", "suggestion"),
    ]


def test_messages_in_a_running_drills_war_room_are_rehearsal(services: Services) -> None:
    running(services, CrisisKind.DRILL)
    record(services, "C0WARROOM:1.1", channel=ROOM)
    record(services, "C0FEED:1.2", channel="C0FEED")
    record(services, "pasted", channel=None)
    assert [s.drill for s in signals(services)] == [True, False, False]


def test_a_real_crisis_war_room_is_not_rehearsal(services: Services) -> None:
    running(services, CrisisKind.CRISIS)
    record(services, "C0WARROOM:1.1", channel=ROOM)
    [signal] = signals(services)
    assert signal.drill is False
