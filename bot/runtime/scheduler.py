"""The clock process: APScheduler 3.x runs periodic jobs that call the same workflows as commands.

Exactly one clock process runs per deployment (Procfile ``clock``); jobs have stable ids and
``replace_existing`` so a restart never doubles them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from slack_sdk import WebClient

from bot.runtime.stopping import StopRequest
from bot.services import Services
from bot.slack.approval_jobs import expire_drafts, send_reminders
from bot.store.db import session_scope
from bot.workflows.events import purge_processed_events

log = logging.getLogger(__name__)

PURGE_EVENTS_JOB_ID = "purge-processed-events"
REMIND_JOB_ID = "approval-reminders"
EXPIRE_JOB_ID = "approval-expiry"
# How often the approval jobs look; reminders and expiry are hours apart, so minutes are plenty.
APPROVAL_CHECK_EVERY = timedelta(minutes=5)


def purge_old_events(services: Services) -> int:
    """Job: forget Events API deliveries older than the dedupe window."""
    with session_scope(services.sessions) as session:
        removed = purge_processed_events(session=session, now=services.clock())
    log.info("purged %d processed event(s)", removed)
    return removed


def build_scheduler(services: Services, client: WebClient | None = None) -> BackgroundScheduler:
    """The jobs; without a Slack client (no SLACK_BOT_TOKEN) drafts still expire, silently."""
    scheduler = BackgroundScheduler(timezone="UTC")

    def every(interval: timedelta, job: Callable[..., object], job_id: str, *args: object) -> None:
        scheduler.add_job(
            job,
            "interval",
            seconds=interval.total_seconds(),
            args=[services, *args],
            id=job_id,
            replace_existing=True,
            # One run at a time, and missed runs (the box slept) fold into one catch-up run.
            max_instances=1,
            coalesce=True,
            next_run_time=services.clock(),
        )

    every(timedelta(hours=1), purge_old_events, PURGE_EVENTS_JOB_ID)
    every(APPROVAL_CHECK_EVERY, expire_drafts, EXPIRE_JOB_ID, client)
    if client is not None:
        every(APPROVAL_CHECK_EVERY, send_reminders, REMIND_JOB_ID, client)
    return scheduler


def run_clock(services: Services, client: WebClient | None, stop: StopRequest) -> None:
    """Run the scheduler until ``stop`` is requested (SIGTERM or SIGINT), then stop cleanly (a
    running job finishes). A stop requested during start-up means the scheduler never starts.
    """
    if stop.requested:
        log.info("clock: received %s before starting", stop.signal_name)
    else:
        scheduler = build_scheduler(services, client)
        jobs = ", ".join(job.id for job in scheduler.get_jobs())
        scheduler.start()
        log.info("clock: started with jobs: %s", jobs or "none")
        log.info("clock: received %s, shutting down", stop.wait())
        scheduler.shutdown(wait=True)
    log.info("clock: stopped")
