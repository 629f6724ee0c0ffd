"""Clock jobs that act once per slot, however many clock processes run them.

Every job runs at start-up and then at the start of each epoch-aligned slot of its interval
(:class:`SlotTrigger`), and claims its run in the database before it acts (:func:`once_per_slot`):
two clocks fire at the same moments and race for the same (job id, slot) key, and the loser skips.
Handoff SLAs and digests schedule themselves the same way.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from apscheduler.triggers.base import BaseTrigger

from bot.services import Services
from bot.store.db import session_scope
from bot.workflows.job_runs import claim_run, slot_start

log = logging.getLogger(__name__)

# A job takes the process's Services first, then its own arguments (e.g. the Slack client).
Job = Callable[..., object]


class SlotTrigger(BaseTrigger):  # type: ignore[misc]
    """Fire at once, then at the start of every slot: ``interval``-long, counted from the epoch.

    APScheduler's interval trigger counts from the previous run, so a first run at start-up would
    put every later run off the slot boundaries, and two clocks started apart would fire at
    unrelated moments; here both fire on the boundaries, and the claim picks one of them.
    """

    def __init__(self, interval: timedelta) -> None:
        self.interval = interval

    def get_next_fire_time(
        self, previous_fire_time: datetime | None, now: datetime
    ) -> datetime | None:
        if previous_fire_time is None:
            return now  # the catch-up run at start-up: its slot may not have run anywhere yet
        return slot_start(previous_fire_time, self.interval) + self.interval

    def __str__(self) -> str:
        return f"slots[{self.interval}]"

    def __repr__(self) -> str:
        return f"<SlotTrigger (interval={self.interval!r})>"


def once_per_slot(job_id: str, interval: timedelta, job: Job, *, owner: str) -> Job:
    """``job`` wrapped so it acts only when this process claims the run of the current slot.

    The claim commits before the job acts: at most once per slot, never twice. A job that fails
    after claiming waits for the next slot; the jobs are sweeps over the store, so the next run
    picks up whatever this one missed.
    """

    @functools.wraps(job)
    def claimed(services: Services, *args: object) -> object:
        now = services.clock()
        due_at = slot_start(now, interval)
        with session_scope(services.sessions) as session:
            won = claim_run(session=session, job_id=job_id, due_at=due_at, now=now, owner=owner)
        if not won:
            log.info("%s: the run due %s is another clock's; skipped", job_id, due_at.isoformat())
            return None
        return job(services, *args)

    return claimed
