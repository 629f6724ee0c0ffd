"""The audit trail: one row for every action that changes or is refused on something we keep."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from bot.store.models import AuditEntry


def record_audit(
    *,
    session: Session,
    at: datetime,
    actor_id: str,
    action: str,
    subject_type: str,
    subject_id: str,
    from_state: str | None = None,
    to_state: str | None = None,
    note: str | None = None,
    text_hash: str | None = None,
) -> AuditEntry:
    """Add an audit entry to the session's transaction, so it commits with the change it records."""
    entry = AuditEntry(
        at=at,
        actor_id=actor_id,
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        from_state=from_state,
        to_state=to_state,
        note=note,
        text_hash=text_hash,
    )
    session.add(entry)
    session.flush()
    return entry


def audit_trail(*, session: Session, subject_type: str, subject_id: str) -> list[AuditEntry]:
    """Every entry about one subject, oldest first."""
    statement = (
        select(AuditEntry)
        .where(AuditEntry.subject_type == subject_type, AuditEntry.subject_id == subject_id)
        .order_by(col(AuditEntry.at), col(AuditEntry.id))
    )
    return list(session.exec(statement))


def audit_since(*, session: Session, since: datetime | None) -> list[AuditEntry]:
    """Every entry (of every subject) from ``since`` on, oldest first: the export."""
    statement = select(AuditEntry).order_by(col(AuditEntry.at), col(AuditEntry.id))
    if since is not None:
        statement = statement.where(col(AuditEntry.at) >= since)
    return list(session.exec(statement))
