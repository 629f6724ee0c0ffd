"""The clock process: APScheduler 3.x runs periodic jobs that call the same workflows as commands.

Exactly one clock process runs per deployment (Procfile ``clock``); jobs have stable ids and
``replace_existing`` so a restart never doubles them.
"""

from __future__ import annotations

import logging
import signal
from types import FrameType

from apscheduler.schedulers.blocking import BlockingScheduler

from bot.db import session_scope
from bot.services import Services
from bot.workflows.events import purge_processed_events

log = logging.getLogger(__name__)

PURGE_EVENTS_JOB_ID = "purge-processed-events"


def purge_old_events(services: Services) -> int:
    """Job: forget Events API deliveries older than the dedupe window."""
    with session_scope(services.sessions) as session:
        removed = purge_processed_events(session=session, now=services.clock())
    log.info("purged %d processed event(s)", removed)
    return removed


def build_scheduler(services: Services) -> BlockingScheduler:
    scheduler = BlockingScheduler(timezone="UTC")
    scheduler.add_job(
        purge_old_events,
        "interval",
        hours=1,
        args=[services],
        id=PURGE_EVENTS_JOB_ID,
        replace_existing=True,
        # One run at a time, and a missed run (the box slept) is folded into one catch-up run.
        max_instances=1,
        coalesce=True,
        next_run_time=services.clock(),
    )
    return scheduler


def run_clock(services: Services) -> None:
    """Run the scheduler until SIGTERM or SIGINT, then stop cleanly."""
    scheduler = build_scheduler(services)

    def stop(signum: int, _frame: FrameType | None) -> None:
        log.info("clock: received %s, shutting down", signal.Signals(signum).name)
        # wait=False: we are inside a signal handler on the scheduler's own thread.
        scheduler.shutdown(wait=False)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    jobs = ", ".join(job.id for job in scheduler.get_jobs())
    log.info("clock: started with jobs: %s", jobs or "none")
    scheduler.start()
    log.info("clock: stopped")
