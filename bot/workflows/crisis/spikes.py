"""The spike detector: the last hour's negative share against the previous 7 days'.

A spike is an hour in which at least ``min_messages`` customer messages arrived and the share of
upset ones is at least ``ratio`` times the baseline share (and above it). The baseline is the
week's share with a prior of ``PRIOR_MESSAGES`` messages at a typical ``PRIOR_SHARE`` upset
mixed in: an empty week is neither a division by zero nor a reason to alert on the first upset
message, a new installation still alerts on a plainly bad hour (30% upset at ratio 2), and a
week of real history outweighs the prior.

A spike is one ``Spike`` row, opened once (its unique ``open_key``: two clocks, or two runs,
open it once and owe one alert) and closed when the last hour has clearly calmed down: below
half the minimum volume, or below the midpoint between the baseline and the threshold. The gap
between opening and closing keeps an hour hovering at the threshold from alerting again and
again; only after a close can a new spike open. Rehearsal traffic (``drill`` signals) never counts, and nothing is detected
while a real crisis runs: the team is already on it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Integer, case, false, func, update
from sqlmodel import Session, col, select

from bot.store.claims import insert_unless_taken
from bot.store.models import CrisisPost, CustomerSignal, Spike
from bot.workflows.audit import record_audit
from bot.workflows.crisis.kinds import OPEN, PostKind
from bot.workflows.crisis.posts import owe_post, post_key
from bot.workflows.crisis.queries import running_crisis

WINDOW = timedelta(hours=1)
BASELINE = timedelta(days=7)
MAX_EXAMPLES = 3
# The prior mixed into the baseline: 20 messages at 15% upset, a common share for a brand's
# mentions. Enough to keep one message from deciding; small against a week of real traffic.
PRIOR_MESSAGES = 20
PRIOR_SHARE = 0.15
SUBJECT = "spike"
ACTOR = "socialops"  # the audit's actor for what the clock does on its own


@dataclass(frozen=True)
class SpikePolicy:
    """When an hour is a spike (SOCIALOPS_SPIKE_RATIO, SOCIALOPS_SPIKE_MIN_MESSAGES)."""

    ratio: float = 2.0
    min_messages: int = 10


@dataclass(frozen=True)
class Volume:
    messages: int
    negative: int

    @property
    def share(self) -> float:
        return self.negative / self.messages if self.messages else 0.0

    @property
    def smoothed_share(self) -> float:
        """The share with the prior mixed in: defined, and typical, on little data."""
        prior_negative = PRIOR_SHARE * PRIOR_MESSAGES
        return (self.negative + prior_negative) / (self.messages + PRIOR_MESSAGES)


def qualifies(hour: Volume, baseline: Volume, policy: SpikePolicy) -> bool:
    """Whether ``hour`` is a spike against ``baseline``: the test that opens one."""
    base = baseline.smoothed_share
    return (
        hour.messages >= policy.min_messages
        and hour.share > base
        and hour.share >= policy.ratio * base
    )


def still_spiking(hour: Volume, baseline: Volume, policy: SpikePolicy) -> bool:
    """Whether an open spike goes on: a lower bar than opening, so it does not flap."""
    base = baseline.smoothed_share
    return (
        hour.messages >= max(1, policy.min_messages // 2)
        and hour.share > base
        and hour.share >= (1 + policy.ratio) / 2 * base
    )


@dataclass(frozen=True)
class Detection:
    """What one look found: the hour and baseline (None when it did not look), and what changed."""

    hour: Volume | None
    baseline: Volume | None
    opened: Spike | None = None  # a new spike, its alert owed
    closed: int | None = None  # the spike that ended, by id


def volume(session: Session, *, since: datetime, until: datetime) -> Volume:
    """Customer messages in ``(since, until]`` (drill traffic left out), and how many upset."""
    upset = func.coalesce(func.sum(case((col(CustomerSignal.mood) == "upset", 1), else_=0)), 0)
    statement = select(func.count(), upset.cast(Integer)).where(
        col(CustomerSignal.at) > since,
        col(CustomerSignal.at) <= until,
        col(CustomerSignal.drill) == false(),
    )
    messages, negative = session.execute(statement).one()
    return Volume(int(messages), int(negative))


def examples(session: Session, *, since: datetime, until: datetime) -> list[str]:
    """The latest upset messages of the window, newest first, as the alert shows them."""
    statement = (
        select(CustomerSignal.excerpt)
        .where(
            col(CustomerSignal.at) > since,
            col(CustomerSignal.at) <= until,
            col(CustomerSignal.drill) == false(),
            col(CustomerSignal.mood) == "upset",
        )
        .order_by(col(CustomerSignal.at).desc(), col(CustomerSignal.id).desc())
        .limit(MAX_EXAMPLES)
    )
    return list(session.exec(statement))


def open_spike(session: Session) -> Spike | None:
    return session.exec(select(Spike).where(Spike.open_key == OPEN)).first()


def detect(
    session: Session, *, now: datetime, policy: SpikePolicy, alert_channel: str | None
) -> Detection:
    """Look at the last hour: open a spike (and owe its alert in ``alert_channel``), close the
    open one, or change nothing. Call it in a transaction of its own; commit what it returns.

    ``alert_channel`` None (no escalation nor approvals channel) still opens the spike, so the
    hour is not alerted on later either, but owes no message: there is nowhere to post it.
    """
    if running_crisis(session) is not None:
        return Detection(None, None)
    hour_start = now - WINDOW
    hour = volume(session, since=hour_start, until=now)
    baseline = volume(session, since=hour_start - BASELINE, until=hour_start)
    current = open_spike(session)
    if current is not None:
        if still_spiking(hour, baseline, policy):
            return Detection(hour, baseline)
        if not close_spike(session, spike_id=current.id, now=now):
            return Detection(hour, baseline)
        return Detection(hour, baseline, closed=current.id)
    if not qualifies(hour, baseline, policy):
        return Detection(hour, baseline)
    spike_id = insert_unless_taken(
        session=session,
        table=Spike,
        values={
            "open_key": OPEN,
            "detected_at": now,
            "messages": hour.messages,
            "negative": hour.negative,
            "baseline_messages": baseline.messages,
            "baseline_negative": baseline.negative,
            "examples": json.dumps(examples(session, since=hour_start, until=now)),
        },
    )
    if spike_id is None:
        return Detection(hour, baseline)  # another clock opened it just now: its alert is owed
    spike = session.get(Spike, spike_id)
    assert spike is not None
    if alert_channel is not None:
        owe_post(
            session=session,
            kind=PostKind.ALERT,
            now=now,
            spike_id=spike.id,
            channel_id=alert_channel,
        )
    record_audit(
        session=session,
        at=now,
        actor_id=ACTOR,
        action="spike_alert",
        subject_type=SUBJECT,
        subject_id=str(spike.id),
        note=reason_for(spike),
    )
    return Detection(hour, baseline, opened=spike)


def close_spike(session: Session, *, spike_id: int | None, now: datetime) -> bool:
    """End the open spike (conditional on it still being open); True when this call ended it.
    Its alert is redrawn to say so."""
    statement = (
        update(Spike)
        .where(col(Spike.id) == spike_id, col(Spike.open_key) == OPEN)
        .values(open_key=None, ended_at=now)
        .returning(col(Spike.id))
    )
    if spike_id is None or session.execute(statement).first() is None:
        return False
    redraw_alert(session, spike_id=spike_id)
    return True


def redraw_alert(session: Session, *, spike_id: int) -> None:
    """Ask for the spike's alert to be drawn again (it ended, or a crisis started from it).

    An UPDATE of ``version + 1`` in SQL, as ``posts.redraw_post`` does for a crisis's messages;
    no alert owed (no channel) means nothing to redraw.
    """
    key = post_key(PostKind.ALERT, spike_id=spike_id)
    session.execute(
        update(CrisisPost).where(col(CrisisPost.key) == key).values(version=CrisisPost.version + 1)
    )


def reason_for(spike: Spike) -> str:
    """The crisis reason a Start from the spike's alert records, and the alert's headline."""
    return f"Negative spike: {spike.negative} of {spike.messages} messages in the last hour"


def spike_examples(spike: Spike) -> list[str]:
    """The spike's example excerpts (as customers wrote them: escape before showing)."""
    try:
        loaded = json.loads(spike.examples or "[]")
    except ValueError:
        return []
    return [str(item) for item in loaded][:MAX_EXAMPLES] if isinstance(loaded, list) else []
