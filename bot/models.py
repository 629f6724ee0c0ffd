"""SQLModel tables: every table of the store is declared here, and changed only by a migration."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel

from bot.db_types import UTCDateTime


def _timestamp_column(*, index: bool = False) -> Column[datetime]:
    return Column(UTCDateTime(), nullable=False, index=index)


class ProcessedEvent(SQLModel, table=True):
    """An Events API delivery already acted on; the primary key makes a redelivery a no-op."""

    __tablename__ = "processed_event"

    event_id: str = Field(primary_key=True, max_length=64)
    event_type: str = Field(max_length=64)
    received_at: datetime = Field(sa_column=_timestamp_column(index=True))


class AuditEntry(SQLModel, table=True):
    """Who did what, to which object, when: the trail every decision leaves."""

    __tablename__ = "audit_entry"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(sa_column=_timestamp_column(index=True))
    actor_id: str = Field(max_length=32)
    action: str = Field(max_length=64)
    subject_type: str = Field(max_length=32)
    subject_id: str = Field(max_length=64, index=True)
    from_state: str | None = Field(default=None, max_length=32)
    to_state: str | None = Field(default=None, max_length=32)
    note: str | None = Field(default=None, sa_type=Text)
    text_hash: str | None = Field(default=None, max_length=64)
