"""Digest runs: the claim that makes each digest go out once, and what each run still owes.

A run is one (subscription, local date, kind). The clock inserts it when the slot falls due
(``claim_slot``; ON CONFLICT DO NOTHING on the unique key), and that commits before anything is
posted: two clocks, a restart or a retry find the slot taken and insert nothing. The run row then
says what is owed: the post while ``posted_at`` is empty, the chart in its thread while
``chart_done_at`` is. Whoever sends takes a lease first (a conditional UPDATE that also counts
the attempt), so two senders never hold one run together, and a sender that died leaves the
lease to run out for the next tick. A slot found past the grace is inserted already skipped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, update
from sqlmodel import Session, col, select

from bot.store.claims import insert_unless_taken
from bot.store.models import DigestRun, DigestSubscription
from bot.workflows.digests.schedule import Slot, due_slots

# One compose, the history check and one post with the client's retries after a 429 or a 5xx fit
# well inside; a run held by a process that died goes out a tick or two after this.
DIGEST_LEASE = timedelta(seconds=60)
# Chart uploads tried per run before the chart is given up (the text is posted either way).
CHART_TRIES = 3
ERROR_LENGTH = 256


@dataclass
class Claimed:
    """What one look at the subscriptions claimed: runs to send, and slots recorded as skipped."""

    runs: list[int] = field(default_factory=list)
    skipped: list[tuple[DigestSubscription, Slot]] = field(default_factory=list)


def active_subscriptions(*, session: Session) -> list[DigestSubscription]:
    return list(
        session.exec(
            select(DigestSubscription)
            .where(col(DigestSubscription.unsubscribed_at).is_(None))
            .order_by(col(DigestSubscription.id))
        ).all()
    )


def late_reason(grace: timedelta) -> str:
    return f"missed: the clock was not running within {grace} of the due time"


def claim_slot(
    *,
    session: Session,
    subscription: DigestSubscription,
    slot: Slot,
    now: datetime,
    owner: str,
    skipped_reason: str | None = None,
) -> int | None:
    """Insert the run of ``slot`` unless it exists; its id when this call did, else None.

    With ``skipped_reason`` the run is recorded as not sent (once, like a sent one)."""
    run_id = insert_unless_taken(
        session=session,
        table=DigestRun,
        values={
            "subscription_id": subscription.id,
            "local_date": slot.local_date,
            "kind": slot.kind,
            "channel_id": subscription.channel_id,
            "due_at": slot.due_at,
            "claimed_at": now,
            "claimed_by": owner[:128],
            "attempts": 0,
            "chart_attempts": 0,
            "skipped_reason": skipped_reason,
        },
    )
    return None if run_id is None else int(str(run_id))


def claim_due(
    *,
    session: Session,
    subscription: DigestSubscription,
    now: datetime,
    grace: timedelta,
    owner: str,
) -> Claimed:
    """Claim every slot of ``subscription`` due by ``now``: within the grace as a run to send,
    older as a skip. Slots another clock (or an earlier tick) claimed are left alone."""
    claimed = Claimed()
    for slot in due_slots(subscription, now, grace):
        reason = None if slot.send else late_reason(grace)
        run_id = claim_slot(
            session=session,
            subscription=subscription,
            slot=slot,
            now=now,
            owner=owner,
            skipped_reason=reason,
        )
        if run_id is None:
            continue
        if slot.send:
            claimed.runs.append(run_id)
        else:
            claimed.skipped.append((subscription, slot))
    return claimed


def _free(now: datetime) -> object:
    return or_(col(DigestRun.lease_until).is_(None), col(DigestRun.lease_until) <= now)


def _reload(session: Session, run_id: int) -> DigestRun:
    return session.exec(
        select(DigestRun).where(DigestRun.id == run_id).execution_options(populate_existing=True)
    ).one()


def take_lease(
    *, session: Session, run_id: int, now: datetime, lease: timedelta = DIGEST_LEASE
) -> DigestRun | None:
    """Hold an unposted, unskipped run nobody holds, counting the attempt; None otherwise.

    ``attempts`` above 1 on the returned run means an earlier attempt may have reached Slack."""
    taken = session.execute(
        update(DigestRun)
        .where(
            col(DigestRun.id) == run_id,
            col(DigestRun.posted_at).is_(None),
            col(DigestRun.skipped_reason).is_(None),
            _free(now),  # type: ignore[arg-type]
        )
        .values(lease_until=now + lease, attempts=col(DigestRun.attempts) + 1)
        .returning(col(DigestRun.id))
    ).first()
    return None if taken is None else _reload(session, run_id)


def release(*, session: Session, run_id: int, error: str) -> None:
    """A post that failed: keep the run owed and let the next tick try again at once."""
    session.execute(
        update(DigestRun)
        .where(col(DigestRun.id) == run_id, col(DigestRun.posted_at).is_(None))
        .values(lease_until=None, last_error=error[:ERROR_LENGTH])
    )


def mark_posted(
    *, session: Session, run_id: int, now: datetime, message_ts: str, chart: bool
) -> bool:
    """The post is in Slack at ``message_ts``; without ``chart`` nothing more is owed."""
    posted = session.execute(
        update(DigestRun)
        .where(col(DigestRun.id) == run_id, col(DigestRun.posted_at).is_(None))
        .values(
            posted_at=now,
            message_ts=message_ts,
            lease_until=None,
            chart_done_at=None if chart else now,
        )
        .returning(col(DigestRun.id))
    ).first()
    return posted is not None


def mark_skipped(*, session: Session, run_id: int, reason: str) -> bool:
    """Not sent, and never to be: a channel the bot cannot post in, a run given up."""
    skipped = session.execute(
        update(DigestRun)
        .where(col(DigestRun.id) == run_id, col(DigestRun.posted_at).is_(None))
        .values(skipped_reason=reason[:ERROR_LENGTH], lease_until=None)
        .returning(col(DigestRun.id))
    ).first()
    return skipped is not None


def take_chart_lease(
    *, session: Session, run_id: int, now: datetime, lease: timedelta = DIGEST_LEASE
) -> DigestRun | None:
    """Hold a posted run whose chart is owed, counting the try; None otherwise."""
    taken = session.execute(
        update(DigestRun)
        .where(
            col(DigestRun.id) == run_id,
            col(DigestRun.posted_at).is_not(None),
            col(DigestRun.chart_done_at).is_(None),
            _free(now),  # type: ignore[arg-type]
        )
        .values(lease_until=now + lease, chart_attempts=col(DigestRun.chart_attempts) + 1)
        .returning(col(DigestRun.id))
    ).first()
    return None if taken is None else _reload(session, run_id)


def chart_done(*, session: Session, run_id: int, now: datetime, error: str | None = None) -> None:
    """The chart is in the thread, or (with ``error``) given up: nothing more is owed."""
    values: dict[str, object] = {"chart_done_at": now, "lease_until": None}
    if error is not None:
        values["last_error"] = error[:ERROR_LENGTH]
    session.execute(
        update(DigestRun)
        .where(col(DigestRun.id) == run_id, col(DigestRun.chart_done_at).is_(None))
        .values(**values)
    )


def chart_failed(*, session: Session, run_id: int, error: str) -> None:
    """An upload that failed: the chart stays owed for the next tick."""
    session.execute(
        update(DigestRun)
        .where(col(DigestRun.id) == run_id, col(DigestRun.chart_done_at).is_(None))
        .values(lease_until=None, last_error=error[:ERROR_LENGTH])
    )


def owed_runs(*, session: Session, now: datetime, limit: int = 200) -> list[int]:
    """Runs with a post or a chart still owed that nobody holds, oldest first."""
    post_owed = and_(col(DigestRun.posted_at).is_(None), col(DigestRun.skipped_reason).is_(None))
    chart_owed = and_(col(DigestRun.posted_at).is_not(None), col(DigestRun.chart_done_at).is_(None))
    owed = session.exec(
        select(DigestRun.id)
        .where(or_(post_owed, chart_owed), _free(now))  # type: ignore[arg-type]
        .order_by(col(DigestRun.id))
        .limit(limit)
    ).all()
    return [run_id for run_id in owed if run_id is not None]
