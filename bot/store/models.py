"""SQLModel tables: every table of the store is declared here, and changed only by a migration."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Index, LargeBinary, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.store.types import UTCDateTime


def _timestamp_column(*, index: bool = False) -> Column[datetime]:
    return Column(UTCDateTime(), nullable=False, index=index)


class ProcessedEvent(SQLModel, table=True):
    """An Events API delivery: claimed by one worker for a lease, then finished (a redelivery
    is then a no-op) or released (a redelivery acts). See ``bot/workflows/events.py``."""

    __tablename__ = "processed_event"

    event_id: str = Field(primary_key=True, max_length=64)
    event_type: str = Field(max_length=64)
    received_at: datetime = Field(sa_column=_timestamp_column(index=True))
    # The delivery acting on it now, and until when; both None when nobody holds it.
    claimed_by: str | None = Field(default=None, max_length=128)
    claimed_until: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), nullable=True)
    )
    finished_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), nullable=True)
    )
    # The delivery as Slack sent it (JSON): the record that an answer is owed, so the clock can
    # replay an event whose worker died after the 200 (Slack never resends it then).
    body: str | None = Field(default=None, sa_type=Text)
    attempts: int = Field(default=1)  # deliveries and replays that took the claim


class AuditEntry(SQLModel, table=True):
    """Who did what, to which object, when: the trail every decision leaves."""

    __tablename__ = "audit_entry"
    # The digest counts decisions by kind in a time window (bot/workflows/digests/figures.py).
    __table_args__ = (Index("ix_audit_entry_action_at", "action", "at"),)

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
    # The hash of what goes out: every network's text (see workflows/drafts/publish_texts.py).
    text_hash: str = Field(max_length=64)
    # JSON network → text as published there (brand links UTM-tagged per network), or None when
    # every network publishes ``text`` as written.
    network_texts: str | None = Field(default=None, sa_type=Text)
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
    # Until when a process holds the right to post the missing card (bot/workflows/drafts/cards.py).
    card_claimed_until: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    # A CSV row's stable key (bot/workflows/drafts/import_keys.py): the same row imports once.
    import_key: str | None = Field(default=None, max_length=64, unique=True, index=True)
    # The version the card last showed: behind ``version`` means the card needs a redraw.
    card_version: int | None = Field(default=None)
    created_at: datetime = Field(sa_column=_timestamp_column())
    updated_at: datetime = Field(sa_column=_timestamp_column())
    submitted_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    last_reminded_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    published_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    # Written or pending while a crisis (or drill) ran: needs one more approval, from
    # SOCIALOPS_CRISIS_APPROVERS, while that crisis lasts.
    crisis_id: int | None = Field(default=None)
    # The crisis that paused this approved or scheduled post, and the state a resume restores.
    paused_by: int | None = Field(default=None)
    paused_from: str | None = Field(default=None, max_length=32)


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
    as_crisis_approver: bool = Field(default=False)
    at: datetime = Field(sa_column=_timestamp_column())
    cancelled_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))


class Notice(SQLModel, table=True):
    """A message to a person that a decision causes (the author's "approved"), in an outbox.

    Written in the decision's transaction; sent after the ack and marked ``delivered_at``. A
    sender holds ``lease_until`` while it sends, so two processes do not send it at once; one
    that died is retried by the clock once its lease ran out (at least once, maybe twice).
    """

    __tablename__ = "notice"

    id: int | None = Field(default=None, primary_key=True)
    draft_id: int | None = Field(default=None, foreign_key="draft.id")
    recipient_id: str = Field(max_length=32)
    # Where it goes when not a DM to ``recipient_id``: a channel, and a thread in it.
    channel: str | None = Field(default=None, max_length=32)
    thread_ts: str | None = Field(default=None, max_length=32)
    handoff_id: int | None = Field(default=None)  # the handoff that caused it, if any
    text: str = Field(sa_type=Text)
    created_at: datetime = Field(sa_column=_timestamp_column())
    lease_until: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    attempts: int = Field(default=0)
    delivered_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), index=True))


class Handoff(SQLModel, table=True):
    """A customer conversation handed to support or sales (bot/workflows/handoffs/).

    Moves open → claimed → resolved, or bounced back to the social team, by a conditional UPDATE
    on (id, state, version) like a draft. The packet it owes the team channel is owed while
    ``packet_ts`` is empty; the SLA columns are each set once, by the clock.
    """

    __tablename__ = "handoff"
    # The lists (bot/workflows/handoffs/queries.py): a team's open ones, a person's, newest first.
    __table_args__ = (
        Index("ix_handoff_team_state_id", "team", "state", "id"),
        Index("ix_handoff_owner_state_id", "owner_id", "state", "id"),
        Index("ix_handoff_state_id", "state", "id"),
        # The digest's window counts: opened, claimed, closed, and deadlines in a window.
        Index("ix_handoff_created_at", "created_at"),
        Index("ix_handoff_claimed_at", "claimed_at"),
        Index("ix_handoff_closed_at", "closed_at"),
        Index("ix_handoff_claim_due_at", "claim_due_at"),
        Index("ix_handoff_resolve_due_at", "resolve_due_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team: str = Field(max_length=16)  # "support" | "sales"
    state: str = Field(max_length=16)
    version: int = Field(default=1)
    priority: str = Field(max_length=16)  # "normal" | "high" | "urgent"
    summary: str = Field(sa_type=Text)  # the teammate's summary and note
    customer_text: str = Field(sa_type=Text)
    customer_handle: str | None = Field(default=None, max_length=128)
    network: str | None = Field(default=None, max_length=16)
    source_channel: str | None = Field(default=None, max_length=32)
    source_ts: str | None = Field(default=None, max_length=32)
    source_link: str | None = Field(default=None, sa_type=Text)
    # "channel:ts" of the message handed off: one live handoff per message (a bounce frees it).
    source_key: str | None = Field(default=None, max_length=80, unique=True, index=True)
    suggestion_id: int | None = Field(default=None, foreign_key="reply_suggestion.id")
    faq_id: str | None = Field(default=None, max_length=128)
    route_reason: str = Field(max_length=256)  # why this team: "matched 'wholesale'", ...
    mood: str = Field(max_length=16)
    mood_words: str | None = Field(default=None, max_length=512)  # comma-separated
    # The suggested holding reply to the customer, as a reply suggestion with its usual buttons.
    holding_suggestion_id: int | None = Field(default=None, foreign_key="reply_suggestion.id")
    requested_by: str = Field(max_length=32)
    owner_id: str | None = Field(default=None, max_length=32)
    claimed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    closed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    closed_by: str | None = Field(default=None, max_length=32)
    close_note: str | None = Field(default=None, sa_type=Text)  # resolution note, bounce reason
    packet_channel: str | None = Field(default=None, max_length=32)
    packet_ts: str | None = Field(default=None, max_length=32)
    packet_claimed_until: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    packet_version: int | None = Field(default=None)  # behind ``version``: redraw the packet
    claim_due_at: datetime = Field(sa_column=_timestamp_column())
    remind_at: datetime = Field(sa_column=_timestamp_column())
    resolve_due_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    reminded_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    claim_escalated_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    resolve_escalated_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    created_at: datetime = Field(sa_column=_timestamp_column())
    updated_at: datetime = Field(sa_column=_timestamp_column())


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
    # Customer messages of approved replies (JSON list). Kept apart from `variants` so a sync from
    # files never drops what the bot learned; `faq export` writes them out as variants.
    learned: str = Field(default="[]", sa_type=Text)
    updated_at: datetime = Field(sa_column=_timestamp_column())


class FaqGap(SQLModel, table=True):
    """A question the FAQ did not answer: abstentions and "Not helpful" clicks, by normalised text."""

    __tablename__ = "faq_gap"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=512, unique=True)  # the normalised message, one row per question
    example: str = Field(
        sa_type=Text
    )  # the latest wording, trimmed, as a starting point for the FAQ
    count: int = Field(default=1)
    not_helpful: int = Field(default=0)  # of which "Not helpful" clicks
    first_seen_at: datetime = Field(sa_column=_timestamp_column())
    last_seen_at: datetime = Field(sa_column=_timestamp_column(index=True))


class ReplySuggestion(SQLModel, table=True):
    """A suggested reply shown in Slack; its buttons refer to it by id.

    The customer message can be far longer than a button value may be, so it lives here.
    """

    __tablename__ = "reply_suggestion"

    id: int | None = Field(default=None, primary_key=True)
    requested_by: str = Field(max_length=32)
    channel_id: str | None = Field(default=None, max_length=32)
    message_ts: str | None = Field(default=None, max_length=32)  # the bot's message showing it
    customer_text: str = Field(sa_type=Text)
    customer_handle: str | None = Field(default=None, max_length=128)
    # Where the customer wrote (bot.core.networks); None on rows older than the column, which
    # were drafted for the default network.
    network: str | None = Field(default=None, max_length=16)
    source_link: str | None = Field(default=None, sa_type=Text)  # permalink of the message
    source_ts: str | None = Field(default=None, max_length=32)  # the customer message, if in Slack
    # The customer message's mood (bot.knowledge.sentiment) when read; None on older rows.
    mood: str | None = Field(default=None, max_length=16)
    ranked_ids: str = Field(default="[]", sa_type=Text)  # JSON list of FAQ ids, best first
    option: int = Field(default=0)  # which of ranked_ids is shown
    faq_id: str | None = Field(default=None, max_length=128)
    template_id: str | None = Field(default=None, max_length=128)
    text: str | None = Field(default=None, sa_type=Text)  # None when the bot abstained
    confidence: float = Field(default=0.0)
    polished: bool = Field(default=False)
    note: str | None = Field(default=None, sa_type=Text)  # why the template text was used
    draft_id: int | None = Field(default=None, foreign_key="draft.id", unique=True)
    sent_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    not_helpful_by: str | None = Field(default=None, max_length=32)
    edited_by: str | None = Field(default=None, max_length=32)  # who last changed the text
    crisis_id: int | None = Field(default=None)  # made while this crisis ran: crisis templates only
    # A several-question message answered part by part: JSON [[part, entry id or null], ...].
    parts: str | None = Field(default=None, sa_type=Text)
    chosen_by_model: bool = Field(default=False)  # the model, not the matcher, chose the entry
    created_at: datetime = Field(sa_column=_timestamp_column(index=True))


class JobRun(SQLModel, table=True):
    """A clock job's run for one slot, claimed by the first clock process that got to it.

    The primary key (job_id, due_at) is the claim: with two clock processes running for
    availability, the second INSERT for the same slot does nothing, so that process skips the run.
    """

    __tablename__ = "job_run"

    job_id: str = Field(primary_key=True, max_length=64)
    # The start of the slot the run belongs to (now floored to the job's interval): the same in
    # every process, whenever each one started.
    due_at: datetime = Field(sa_column=Column(UTCDateTime(), primary_key=True))
    claimed_at: datetime = Field(sa_column=_timestamp_column())
    claimed_by: str = Field(max_length=128)  # host:pid, for an operator reading the table


class DigestSubscription(SQLModel, table=True):
    """A channel's daily digest: when (a local time in an IANA zone) and whether weekly too.

    One row per channel. Unsubscribing sets ``unsubscribed_at``; subscribing again brings the row
    back with a new ``active_since``, so no run falls due for a moment before the subscription.
    """

    __tablename__ = "digest_subscription"

    id: int | None = Field(default=None, primary_key=True)
    channel_id: str = Field(max_length=32, unique=True, index=True)
    local_time: str = Field(max_length=5)  # "HH:MM", 24-hour, in ``timezone``
    timezone: str = Field(max_length=64)  # IANA name: "Europe/Berlin"
    weekly: bool = Field(default=False)  # also a Monday summary of the past week
    created_by: str = Field(max_length=32)
    created_at: datetime = Field(sa_column=_timestamp_column())
    updated_at: datetime = Field(sa_column=_timestamp_column())
    # Runs fall due only at or after this moment: a subscription made at 10:00 for 09:00 does
    # not send a "missed" digest at once.
    active_since: datetime = Field(sa_column=_timestamp_column())
    unsubscribed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))


class DigestRun(SQLModel, table=True):
    """One digest owed to one channel for one local day (or week): the claim and what is owed.

    The unique key (subscription, local date, kind) is inserted by the first clock to get there,
    before anything is posted: two clocks, a restart or a retry find it taken. Until ``posted_at``
    is set the post is owed and retried under ``lease_until``; until ``chart_done_at`` is set,
    the chart in the post's thread is. ``skipped_reason`` says why a run was not sent at all.
    """

    __tablename__ = "digest_run"
    __table_args__ = (
        UniqueConstraint("subscription_id", "local_date", "kind", name="uq_digest_run_slot"),
    )

    id: int | None = Field(default=None, primary_key=True)
    subscription_id: int = Field(foreign_key="digest_subscription.id")
    local_date: date
    kind: str = Field(max_length=16)  # "daily" | "weekly"
    channel_id: str = Field(max_length=32)
    due_at: datetime = Field(sa_column=_timestamp_column())  # the local time, in UTC
    claimed_at: datetime = Field(sa_column=_timestamp_column())
    claimed_by: str = Field(max_length=128)  # host:pid of the clock that claimed it
    lease_until: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    attempts: int = Field(default=0)
    last_error: str | None = Field(default=None, max_length=256)
    posted_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), index=True))
    message_ts: str | None = Field(default=None, max_length=32)
    chart_done_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    chart_attempts: int = Field(default=0)
    skipped_reason: str | None = Field(default=None, max_length=256)


class Crisis(SQLModel, table=True):
    """One crisis or drill, from its start to its end.

    ``running_key`` is "running" until the end and NULL after; being unique, it makes a second
    start (another click, another process) find this row instead of making another. The war room
    is recorded once made; ``war_room_fallback`` says it is the escalation channel because the
    bot may not create channels.
    """

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=16)  # "crisis" | "drill"
    reason: str = Field(sa_type=Text)  # the reason given at the start, or the drill's scenario
    started_by: str = Field(max_length=32)
    started_at: datetime = Field(sa_column=_timestamp_column(index=True))
    running_key: str | None = Field(default=None, max_length=16, unique=True, index=True)
    spike_id: int | None = Field(default=None)  # the spike alert it was started from, if any
    war_room_channel: str | None = Field(default=None, max_length=32)
    war_room_fallback: bool = Field(default=False)
    room_note: str | None = Field(
        default=None, max_length=256
    )  # why the fallback, for the briefing
    invited_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    room_attempts: int = Field(default=0)
    room_lease_until: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    next_update_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    ended_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    ended_by: str | None = Field(default=None, max_length=32)
    summary: str | None = Field(default=None, sa_type=Text)
    updated_at: datetime = Field(sa_column=_timestamp_column())


class CrisisRole(SQLModel, table=True):
    """Who does what in a crisis: one role per person per crisis (assigning again replaces it)."""

    __tablename__ = "crisis_role"
    __table_args__ = (UniqueConstraint("crisis_id", "user_id", name="uq_crisis_role_person"),)

    id: int | None = Field(default=None, primary_key=True)
    crisis_id: int = Field(foreign_key="crisis.id")
    user_id: str = Field(max_length=32)
    role: str = Field(max_length=16)  # "lead" | "legal" | "pr" | "support"
    assigned_by: str = Field(max_length=32)
    assigned_at: datetime = Field(sa_column=_timestamp_column())


class CrisisPost(SQLModel, table=True):
    """A message crisis mode owes Slack: briefing, announcement, status, post-mortem, alert.

    The unique ``key`` is inserted in the same transaction as the decision that owes the message;
    the clock posts it under ``lease_until``, composing it from a fresh read, and records
    ``message_ts``. ``version`` ahead of ``drawn_version`` means the posted message is redrawn.
    """

    __tablename__ = "crisis_post"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=96, unique=True, index=True)  # "crisis:7:briefing", "spike:3:alert"
    kind: str = Field(max_length=16)  # briefing | announce | update | postmortem | alert | ...
    crisis_id: int | None = Field(default=None, foreign_key="crisis.id", index=True)
    spike_id: int | None = Field(default=None)
    channel_id: str | None = Field(default=None, max_length=32)  # None: the crisis's war room
    due_at: datetime = Field(sa_column=_timestamp_column())
    created_at: datetime = Field(sa_column=_timestamp_column())
    lease_until: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    attempts: int = Field(default=0)
    last_error: str | None = Field(default=None, max_length=256)
    posted_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), index=True))
    message_ts: str | None = Field(default=None, max_length=32)
    version: int = Field(default=1)
    drawn_version: int | None = Field(default=None)
    given_up_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))


class Spike(SQLModel, table=True):
    """A spike of negative customer messages: detected once, open until the share falls back.

    ``open_key`` is "open" while the spike lasts and NULL after; unique, so one spike alerts once
    however many messages (or clocks) see it.
    """

    id: int | None = Field(default=None, primary_key=True)
    open_key: str | None = Field(default=None, max_length=16, unique=True, index=True)
    detected_at: datetime = Field(sa_column=_timestamp_column(index=True))
    ended_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    messages: int  # customer messages in the hour that tripped it
    negative: int  # of which upset
    baseline_messages: int  # the previous 7 days'
    baseline_negative: int
    examples: str = Field(default="[]", sa_type=Text)  # JSON list of excerpts
    crisis_id: int | None = Field(default=None)  # the crisis started from its alert, if any


class CustomerSignal(SQLModel, table=True):
    """One customer message the bot handled, with its mood; one row per message.

    ``source_key`` names the message ("C123:1700000000.0001" for a Slack message, else
    "suggestion:42"), so a message seen as a reply request and again as a handoff counts once.
    ``drill`` marks rehearsal traffic (made in a running drill's war room): never a spike.
    """

    __tablename__ = "customer_signal"

    id: int | None = Field(default=None, primary_key=True)
    source_key: str = Field(max_length=96, unique=True, index=True)
    origin: str = Field(max_length=16)  # "suggestion" | "handoff" | "monitored"
    at: datetime = Field(sa_column=_timestamp_column(index=True))
    mood: str = Field(max_length=16)  # "upset" | "neutral" | "happy"
    channel_id: str | None = Field(default=None, max_length=32)
    excerpt: str = Field(sa_type=Text)  # the first 200 characters, for alert examples
    drill: bool = Field(default=False)


class Embedding(SQLModel, table=True):
    """A text's vector from one embedding model, so a restart or a new worker need not encode it.

    Keyed by the model and the text's sha256 (hex) rather than the text: FAQ answers run to
    kilobytes, and a key that long would bloat the index. ``vector`` is ``dimensions`` float32
    values, little-endian; a row whose bytes do not fit its model is re-encoded, never trusted.
    """

    __tablename__ = "embedding"

    model: str = Field(primary_key=True, max_length=128)
    text_hash: str = Field(primary_key=True, max_length=64)
    dimensions: int
    vector: bytes = Field(sa_type=LargeBinary)
    created_at: datetime = Field(sa_column=_timestamp_column())
