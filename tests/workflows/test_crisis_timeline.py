"""The crisis timeline read back from the audit trail (SQLite or PostgreSQL): its span, its
subjects, the crisis's own entries outside the span, and the alert it started from."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.services import Services
from bot.store.db import session_scope
from bot.store.models import AuditEntry, Crisis
from bot.workflows.crisis.timeline import timeline
from tests.workflows.test_digest_figures import add

START = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
END = START + timedelta(hours=3)
MINUTE = timedelta(minutes=1)


def crisis(**values: object) -> Crisis:
    fields: dict[str, object] = {
        "kind": "crisis",
        "reason": "Outage",
        "started_by": "U0ADMIN",
        "started_at": START,
        "updated_at": START,
    }
    fields.update(values)
    return Crisis(**fields)  # type: ignore[arg-type]


def entry(
    at: datetime, action: str, subject_type: str, subject_id: str, **values: object
) -> AuditEntry:
    return AuditEntry(
        at=at,
        actor_id=str(values.pop("actor_id", "U0ADMIN")),
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        **values,  # type: ignore[arg-type]
    )


def stored_crisis(services: Services, **values: object) -> int:
    with session_scope(services.sessions) as session:
        row = crisis(**values)
        session.add(row)
        session.flush()
        assert row.id is not None
        return row.id


def read(services: Services, crisis_id: int, now: datetime) -> list[tuple[str, str, str]]:
    with session_scope(services.sessions) as session:
        row = session.get(Crisis, crisis_id)
        assert row is not None
        return [(e.subject_type, e.subject_id, e.action) for e in timeline(session, row, now)]


def test_the_timeline_is_the_audit_trail_of_the_crisis_span(services: Services) -> None:
    spike = 4
    first = stored_crisis(services, spike_id=spike, ended_at=END, ended_by="U0ADMIN")
    other = stored_crisis(services, started_at=END + MINUTE, kind="drill")
    add(
        services,
        entry(START - 20 * MINUTE, "spike_alert", "spike", str(spike), actor_id="socialops"),
        entry(START - 10 * MINUTE, "approve", "draft", "1"),  # before: not part of it
        entry(START - 5 * MINUTE, "crisis_denied", "crisis", str(first), note="start by U0NOBODY"),
        entry(START, "crisis_start", "crisis", str(first)),
        entry(START, "pause", "draft", "2", from_state="scheduled", to_state="paused"),
        entry(START + MINUTE, "crisis_role", "crisis", str(first), note="U0LEGAL legal"),
        entry(START + 2 * MINUTE, "hand_off", "handoff", "5"),
        entry(START + 3 * MINUTE, "subscribe", "digest_subscription", "9"),  # not a crisis subject
        entry(START + 4 * MINUTE, "crisis_denied", "crisis", str(other)),  # another crisis's
        entry(
            START + 5 * MINUTE, "approve", "draft", "3", from_state="pending", to_state="approved"
        ),
        entry(END, "crisis_end", "crisis", str(first)),
        entry(END + MINUTE, "crisis_drill_start", "crisis", str(other)),  # after the end
        entry(END + 2 * MINUTE, "resume", "draft", "2"),
    )
    assert read(services, first, now=END + timedelta(days=1)) == [
        ("spike", "4", "spike_alert"),
        ("crisis", str(first), "crisis_denied"),
        ("crisis", str(first), "crisis_start"),
        ("draft", "2", "pause"),
        ("crisis", str(first), "crisis_role"),
        ("handoff", "5", "hand_off"),
        ("draft", "3", "approve"),
        ("crisis", str(first), "crisis_end"),
    ]
    # The drill still runs: its span reaches "now" and no further.
    assert read(services, other, now=END + 90 * MINUTE) == [
        ("crisis", str(other), "crisis_denied"),  # its own entries, whenever they were made
        ("crisis", str(other), "crisis_drill_start"),
        ("draft", "2", "resume"),
    ]
    assert read(services, other, now=END + MINUTE) == [
        ("crisis", str(other), "crisis_denied"),
        ("crisis", str(other), "crisis_drill_start"),
    ]


def test_events_read_as_sentences(services: Services) -> None:
    crisis_id = stored_crisis(services)
    add(
        services,
        entry(START, "crisis_start", "crisis", str(crisis_id)),
        entry(START + MINUTE, "approve", "draft", "12"),
        entry(START + MINUTE, "claim", "handoff", "3"),
        entry(START + MINUTE, "something_new", "draft", "4"),
    )
    with session_scope(services.sessions) as session:
        row = session.get(Crisis, crisis_id)
        assert row is not None
        words = [event.words for event in timeline(session, row, START + MINUTE)]
    assert words == [
        "started crisis mode",
        "approved draft #12",
        "claimed handoff #3",
        "something new (draft #4)",
    ]
