"""SQLModel tables: every table of the store is declared here, and changed only by a migration."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Text, UniqueConstraint
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


class Draft(SQLModel, table=True):
    """A post or a reply to a customer, on its way through approval.

    ``version`` grows with every change, so a conditional UPDATE on (state, version) makes each
    transition happen once however many clicks race for it.
    """

    __tablename__ = "draft"

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=16)  # "post" | "reply"
    state: str = Field(max_length=32, index=True)
    version: int = Field(default=1)
    text: str = Field(sa_type=Text)
    text_hash: str = Field(max_length=64)
    # The text before the last edit that cancelled approvals: the card shows the word diff.
    previous_text: str | None = Field(default=None, sa_type=Text)
    networks: str = Field(max_length=128)  # comma-separated, in NETWORKS order
    author_id: str = Field(max_length=32, index=True)
    campaign: str | None = Field(default=None, max_length=128)
    tags: str | None = Field(default=None, max_length=512)  # comma-separated
    link: str | None = Field(default=None, sa_type=Text)
    customer_handle: str | None = Field(default=None, max_length=128)
    scheduled_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), index=True))
    required_approvals: int = Field(default=1)
    risky_topics: str | None = Field(
        default=None, max_length=512
    )  # comma-separated; set → a risk approval is needed
    last_note: str | None = Field(default=None, sa_type=Text)
    card_channel: str | None = Field(default=None, max_length=32)
    card_ts: str | None = Field(default=None, max_length=32)
    created_at: datetime = Field(sa_column=_timestamp_column())
    updated_at: datetime = Field(sa_column=_timestamp_column())
    submitted_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    last_reminded_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    published_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))


class DraftApproval(SQLModel, table=True):
    """One approver's yes to one exact text; an edit cancels it (``cancelled_at``)."""

    __tablename__ = "draft_approval"
    # One approval per approver per text: 20 clicks of the same button insert one row.
    __table_args__ = (UniqueConstraint("draft_id", "approver_id", "text_hash"),)

    id: int | None = Field(default=None, primary_key=True)
    draft_id: int = Field(foreign_key="draft.id", index=True)
    approver_id: str = Field(max_length=32)
    text_hash: str = Field(max_length=64)
    as_risk_approver: bool = Field(default=False)
    at: datetime = Field(sa_column=_timestamp_column())
    cancelled_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))


class FaqRecord(SQLModel, table=True):
    """One FAQ entry in the store: synced from ``faq/`` files or added in Slack (``source``)."""

    __tablename__ = "faq_entry"

    id: str = Field(primary_key=True, max_length=128)
    question: str = Field(sa_type=Text)
    answer: str = Field(sa_type=Text)
    variants: str = Field(default="[]", sa_type=Text)  # JSON list of text
    tags: str = Field(default="", max_length=512)  # comma-separated
    handoff: str | None = Field(default=None, max_length=16)
    owner: str | None = Field(default=None, max_length=128)
    review_by: date | None = Field(default=None)
    source: str = Field(max_length=256)  # "faq/orders.yml", or "slack" for /social faq add
    updated_at: datetime = Field(sa_column=_timestamp_column())
