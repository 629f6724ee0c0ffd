"""The clock process: APScheduler 3.x runs periodic jobs that call the same workflows as commands.

One clock process per deployment is enough (Procfile ``clock``), and a second one may run for
availability: each job claims its run in the database before it acts (bot/runtime/job_slots.py),
so whichever clock gets to a slot first runs it and the other skips. Jobs have stable ids and
``replace_existing``, so adding a job again replaces it instead of doubling it.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from slack_sdk import WebClient

from bot.core.clock import clock_owner
from bot.runtime.event_replay import Dispatch, replay_owed_events
from bot.runtime.job_slots import Job, SlotTrigger, once_per_slot
from bot.runtime.stopping import StopRequest
from bot.services import Services
from bot.slack.approval_jobs import expire_drafts, repair_cards_and_notices, send_reminders
from bot.slack.card_posting import post_missing_cards
from bot.slack.crisis_delivery import run_crisis_clock
from bot.slack.digest_delivery import send_due_digests
from bot.slack.handoff_packets import repair_handoff_packets
from bot.slack.handoff_timers import fire_handoff_timers
from bot.slack.spike_checks import check_spikes
from bot.store.db import session_scope
from bot.workflows.events import purge_processed_events
from bot.workflows.job_runs import purge_job_runs

log = logging.getLogger(__name__)

PURGE_EVENTS_JOB_ID = "purge-processed-events"
REMIND_JOB_ID = "approval-reminders"
EXPIRE_JOB_ID = "approval-expiry"
CARDS_JOB_ID = "missing-approval-cards"
REPAIR_JOB_ID = "approval-repair"
PACKETS_JOB_ID = "handoff-packets"
# How often the approval jobs look; reminders and expiry are hours apart, so minutes are plenty.
APPROVAL_CHECK_EVERY = timedelta(minutes=5)
PURGE_EVERY = timedelta(hours=1)
# A card Slack refused (import with Slack down, a crash before the post) is retried this often.
CARD_RETRY_EVERY = timedelta(minutes=1)
# A handoff packet Slack refused (or a crash before its post) is retried, and a packet behind
# its handoff redrawn, this often: the team may not see a new case for this long.
PACKET_RETRY_EVERY = timedelta(minutes=1)
# Cards behind their draft and undelivered notices: usually none, so a cheap query; a minute is
# how long an approver may see a stale card, or an author wait for a notice, after a crash.
REPAIR_EVERY = timedelta(minutes=1)
HANDOFF_SLA_JOB_ID = "handoff-sla"
# A reminder is due 15 minutes before a 1 h deadline: a minute late is the most it may be.
HANDOFF_SLA_EVERY = timedelta(minutes=1)
DIGEST_JOB_ID = "digests"
# A digest goes out within a minute of its local time; the run at start-up is the catch-up.
DIGEST_EVERY = timedelta(minutes=1)
CRISIS_JOB_ID = "crisis"
# War rooms, briefings, status updates and redraws: a listener delivers right after its decision
# (crisis_delivery.deliver_soon); this tick is the catch-up after a crash or a Slack outage, and
# how late a status update may be.
CRISIS_EVERY = timedelta(minutes=1)
REPLAY_JOB_ID = "event-replay"
# An event claimed and never finished waits at least its lease (45 s) before this picks it up.
REPLAY_EVERY = timedelta(minutes=1)
SPIKE_JOB_ID = "spike_check"
# A spike is alerted within a minute of the message that made the hour qualify.
SPIKE_EVERY = timedelta(minutes=1)


def purge_old_events(services: Services) -> int:
    """Job: forget Events API deliveries older than the dedupe window, and old job-run claims."""
    now = services.clock()
    with session_scope(services.sessions) as session:
        removed = purge_processed_events(session=session, now=now)
        claims = purge_job_runs(session=session, now=now)
    log.info("purged %d processed event(s) and %d job run claim(s)", removed, claims)
    return removed


def build_scheduler(
    services: Services,
    client: WebClient | None = None,
    *,
    owner: str | None = None,
    replay: Dispatch | None = None,
) -> BackgroundScheduler:
    """The jobs; without a Slack client (no SLACK_BOT_TOKEN) drafts still expire, silently.

    ``owner`` names this process in its run claims (default host:pid); ``replay`` hands an
    unfinished event back to the bolt app (bot/runtime/event_replay.py).
    """
    scheduler = BackgroundScheduler(timezone="UTC")
    claimant = owner or clock_owner()

    def every(interval: timedelta, job: Job, job_id: str, *args: object) -> None:
        scheduler.add_job(
            once_per_slot(job_id, interval, job, owner=claimant),
            SlotTrigger(interval),
            args=[services, *args],
            id=job_id,
            replace_existing=True,
            # One run at a time, and missed runs (the box slept) fold into one catch-up run.
            max_instances=1,
            coalesce=True,
            # APScheduler drops a run that starts over 1 s late by default; on a busy machine
            # that is a skipped sweep. Late is fine: the run's slot is claimed when it starts.
            misfire_grace_time=None,
        )

    every(PURGE_EVERY, purge_old_events, PURGE_EVENTS_JOB_ID)
    every(APPROVAL_CHECK_EVERY, expire_drafts, EXPIRE_JOB_ID, client)
    # Without a client a spike is still recorded, and its alert owed for a clock that has one.
    every(SPIKE_EVERY, check_spikes, SPIKE_JOB_ID, client)
    if client is not None:
        every(APPROVAL_CHECK_EVERY, send_reminders, REMIND_JOB_ID, client)
        every(CARD_RETRY_EVERY, post_missing_cards, CARDS_JOB_ID, client)
        every(REPAIR_EVERY, repair_cards_and_notices, REPAIR_JOB_ID, client)
        every(HANDOFF_SLA_EVERY, fire_handoff_timers, HANDOFF_SLA_JOB_ID, client)
        every(PACKET_RETRY_EVERY, repair_handoff_packets, PACKETS_JOB_ID, client)
        every(DIGEST_EVERY, send_due_digests, DIGEST_JOB_ID, client)
        every(CRISIS_EVERY, run_crisis_clock, CRISIS_JOB_ID, client)
    if replay is not None:
        every(REPLAY_EVERY, replay_owed_events, REPLAY_JOB_ID, replay)
    return scheduler


def run_clock(
    services: Services,
    client: WebClient | None,
    stop: StopRequest,
    *,
    replay: Dispatch | None = None,
) -> None:
    """Run the scheduler until ``stop`` is requested (SIGTERM or SIGINT), then stop cleanly (a
    running job finishes). A stop requested during start-up means the scheduler never starts.
    """
    if stop.requested:
        log.info("clock: received %s before starting", stop.signal_name)
    else:
        scheduler = build_scheduler(services, client, replay=replay)
        jobs = ", ".join(job.id for job in scheduler.get_jobs())
        scheduler.start()
        log.info("clock: started with jobs: %s", jobs or "none")
        log.info("clock: received %s, shutting down", stop.wait())
        scheduler.shutdown(wait=True)
    log.info("clock: stopped")
