from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.services import Services
from bot.store.db import session_scope
from bot.workflows.audit import audit_trail, record_audit

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def test_audit_trail_is_per_subject_and_in_order(services: Services) -> None:
    with session_scope(services.sessions) as session:
        record_audit(
            session=session,
            at=T0 + timedelta(minutes=1),
            actor_id="U2",
            action="approve",
            subject_type="draft",
            subject_id="7",
            from_state="pending",
            to_state="approved",
        )
        record_audit(
            session=session,
            at=T0,
            actor_id="U1",
            action="submit",
            subject_type="draft",
            subject_id="7",
            to_state="pending",
            text_hash="abc",
        )
        record_audit(
            session=session,
            at=T0,
            actor_id="U1",
            action="submit",
            subject_type="draft",
            subject_id="8",
        )
    with session_scope(services.sessions) as session:
        trail = audit_trail(session=session, subject_type="draft", subject_id="7")
    assert [entry.action for entry in trail] == ["submit", "approve"]
    # Timestamps come back timezone-aware in UTC on both backends.
    assert trail[0].at == T0
    assert trail[0].at.tzinfo is not None


def test_a_failed_transaction_leaves_no_audit_entry(services: Services) -> None:
    try:
        with session_scope(services.sessions) as session:
            record_audit(
                session=session,
                at=T0,
                actor_id="U1",
                action="submit",
                subject_type="draft",
                subject_id="9",
            )
            raise RuntimeError("the change it records failed")
    except RuntimeError:
        pass
    with session_scope(services.sessions) as session:
        assert audit_trail(session=session, subject_type="draft", subject_id="9") == []
