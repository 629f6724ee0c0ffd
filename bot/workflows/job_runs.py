"""Job runs: each scheduled job acts once per slot, however many clock processes run.

Two clock processes may run for availability. Each one's scheduler fires every job, so before a
job acts it claims its run: a row keyed by (job_id, due_at), where ``due_at`` is the start of the
slot the run belongs to — ``now`` floored to the job's interval, counted from the Unix epoch. Two
schedulers started at different moments therefore compute the same key for the same slot, and the
database lets exactly one of them insert it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.engine import CursorResult
from sqlmodel import Session, col

from bot.store.claims import insert_first
from bot.store.models import JobRun

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# A claim only matters while some process could still run that slot (minutes, a day for daily
# jobs); a week leaves room for clocks that are far off and keeps the table to a few thousand rows.
JOB_RUN_RETENTION = timedelta(days=7)


def slot_start(now: datetime, interval: timedelta) -> datetime:
    """The start of the ``interval``-long slot holding ``now``: epoch-aligned, so every process
    agrees (slots of 5 minutes start at :00, :05, …; of an hour, on the hour; of a day, at 00:00 UTC).
    """
    if interval <= timedelta(0):
        raise ValueError(f"a job's interval must be positive, not {interval}")
    return EPOCH + ((now - EPOCH) // interval) * interval


def claim_run(
    *, session: Session, job_id: str, due_at: datetime, now: datetime, owner: str
) -> bool:
    """Claim the run of ``job_id`` due at ``due_at``; True when this call is the first to claim it.

    ``owner`` (host:pid) is recorded for whoever reads the table; it plays no part in the claim.
    """
    return insert_first(
        session=session,
        table=JobRun,
        values={"job_id": job_id, "due_at": due_at, "claimed_at": now, "claimed_by": owner[:128]},
    )


def purge_job_runs(*, session: Session, now: datetime) -> int:
    """Forget claims of slots older than the retention window; returns how many rows went."""
    cutoff = now - JOB_RUN_RETENTION
    statement = delete(JobRun).where(col(JobRun.due_at) < cutoff)
    result: CursorResult[tuple[()]] = session.execute(statement)  # type: ignore[assignment]
    return result.rowcount


def release_run(*, session: Session, job_id: str, due_at: datetime) -> None:
    """Give a claimed run back (its work did not happen), so the next try in the slot may claim it."""
    session.execute(
        delete(JobRun).where(col(JobRun.job_id) == job_id, col(JobRun.due_at) == due_at)
    )
