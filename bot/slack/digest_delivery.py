"""The clock's digest job: claim each digest that fell due, post it once, then its chart.

Owe, record, then deliver: each tick first claims the due slots of every subscription
(bot/workflows/digests/runs.py; the claim commits before anything is posted, so two clocks, a
restart or a retry never make a second run), then works off every run that still owes something.
A post takes a lease first. An attempt that may have reached Slack before its process died
(``attempts`` above 1) looks for its own message in the channel's recent history (the post
carries the run's id in its metadata) and adopts it instead of posting again. The chart follows
in the message's thread; it never holds up the text and is given up after a few tries.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.blocks.digest_subscriptions import cannot_post_text
from bot.core.clock import clock_owner
from bot.services import Services
from bot.slack.digest_content import compose_chart, compose_digest
from bot.slack.notices import deliver_notices
from bot.store.db import session_scope
from bot.store.models import DigestRun, DigestSubscription
from bot.workflows import notices
from bot.workflows.digests import runs

log = logging.getLogger(__name__)

EVENT_TYPE = "socialops_digest"
# Slack errors that no retry will mend: the subscriber hears of it and the run is skipped.
PERMANENT_ERRORS = {
    "channel_not_found": "the channel is gone, or private and I am not in it",
    "not_in_channel": "I am not in the channel",
    "is_archived": "the channel is archived",
}
# A digest not posted within a day of its time is given up: the next day's is due by then.
OWED_FOR = timedelta(days=1)
# How far back the crash-window check reads: a digest channel rarely gets this many messages
# between an attempt and its retry a minute or two later.
HISTORY_LOOKBACK = 200


def send_due_digests(services: Services, client: WebClient) -> int:
    """Job: claim the digests due now, then post every one still owed; how many were posted."""
    now = services.clock()
    claimed, skipped = _claim_due(services, now)
    with session_scope(services.sessions) as session:
        owed = runs.owed_runs(session=session, now=now)
    posted = sum(_work_off(services, client, run_id, now) for run_id in owed)
    log.info("digests: %d claimed, %d skipped, %d posted", claimed, skipped, posted)
    return posted


def _claim_due(services: Services, now: datetime) -> tuple[int, int]:
    """Claim every subscription's due slots, each in its own transaction; (claimed, skipped)."""
    grace = services.settings.digest_grace
    with session_scope(services.sessions) as session:
        subscriptions = runs.active_subscriptions(session=session)
    claimed = skipped = 0
    for subscription in subscriptions:
        try:
            with session_scope(services.sessions) as session:
                got = runs.claim_due(
                    session=session,
                    subscription=subscription,
                    now=now,
                    grace=grace,
                    owner=clock_owner(),
                )
        except (ValueError, LookupError) as error:  # a row the subscribe checks would refuse
            log.warning("digest subscription %s not scheduled: %s", subscription.id, error)
            continue
        claimed += len(got.runs)
        skipped += len(got.skipped)
        for _, slot in got.skipped:
            log.warning(
                "digest %s for %s on %s skipped: due %s, more than %s ago",
                slot.kind,
                subscription.channel_id,
                slot.local_date,
                slot.due_at.isoformat(),
                grace,
            )
    return claimed, skipped


def _work_off(services: Services, client: WebClient, run_id: int, now: datetime) -> bool:
    """The post a run owes, if any, then its chart; True when this call posted the text."""
    with session_scope(services.sessions) as session:
        run = runs.take_lease(session=session, run_id=run_id, now=now)
        subscription = session.get(DigestSubscription, run.subscription_id) if run else None
    posted = False
    if run is not None and subscription is not None:
        posted = _post(services, client, run, subscription, now)
        if not posted:
            return False
    _chart(services, client, run_id, now)
    return posted


def _post(
    services: Services,
    client: WebClient,
    run: DigestRun,
    subscription: DigestSubscription,
    now: datetime,
) -> bool:
    """Post the digest (or adopt the one an interrupted attempt posted); True when it is in."""
    assert run.id is not None
    if now - run.due_at > OWED_FOR:
        reason = f"not posted within {OWED_FOR} of its time (last error: {run.last_error})"
        with session_scope(services.sessions) as session:
            runs.mark_skipped(session=session, run_id=run.id, reason=reason)
        log.warning("digest run %s for %s given up: %s", run.id, run.channel_id, reason)
        return False
    try:
        ts = _posted_before(client, run) if run.attempts > 1 else None
        if ts is None:
            message = compose_digest(
                services, kind=run.kind, end=run.due_at, now=now, tz=ZoneInfo(subscription.timezone)
            )
            answer = client.chat_postMessage(
                channel=run.channel_id,
                text=message.text,
                blocks=message.blocks,
                metadata={"event_type": EVENT_TYPE, "event_payload": {"run_id": run.id}},
            )
            ts = str(answer["ts"])
    except SlackApiError as error:
        code = str(error.response.get("error"))
        if code in PERMANENT_ERRORS:
            _cannot_post(services, client, run, subscription, code)
        else:
            _failed(services, run, f"Slack said {code}")
        return False
    except (SlackClientError, OSError) as error:  # timeouts, refused connections
        _failed(services, run, f"{type(error).__name__}: {error}")
        return False
    except Exception as error:  # composing: a template or a figure; the other runs go on
        log.exception("digest run %s could not be composed", run.id)
        _failed(services, run, f"composing failed: {error}")
        return False
    with session_scope(services.sessions) as session:
        runs.mark_posted(
            session=session,
            run_id=run.id,
            now=now,
            message_ts=ts,
            chart=services.settings.digest_chart,
        )
    log.info(
        "digest run %s (%s, %s) posted in %s", run.id, run.kind, run.local_date, run.channel_id
    )
    return True


def _posted_before(client: WebClient, run: DigestRun) -> str | None:
    """The ts of this run's message if an earlier attempt did post it, found by its metadata."""
    answer = client.conversations_history(
        channel=run.channel_id, include_all_metadata=True, limit=HISTORY_LOOKBACK
    )
    for message in answer.get("messages") or []:
        metadata: dict[str, Any] = message.get("metadata") or {}
        payload = metadata.get("event_payload") or {}
        if metadata.get("event_type") == EVENT_TYPE and payload.get("run_id") == run.id:
            log.info("digest run %s was posted by an earlier attempt; adopted", run.id)
            return str(message["ts"])
    return None


def _failed(services: Services, run: DigestRun, error: str) -> None:
    """Keep the run owed for the next tick."""
    assert run.id is not None
    log.warning(
        "digest run %s for %s not posted (attempt %d): %s",
        run.id,
        run.channel_id,
        run.attempts,
        error,
    )
    with session_scope(services.sessions) as session:
        runs.release(session=session, run_id=run.id, error=error)


def _cannot_post(
    services: Services,
    client: WebClient,
    run: DigestRun,
    subscription: DigestSubscription,
    code: str,
) -> None:
    """Slack will never take this post: skip the run and tell the subscriber what to do."""
    assert run.id is not None
    text = cannot_post_text(run.kind, run.channel_id, PERMANENT_ERRORS[code])
    with session_scope(services.sessions) as session:
        skipped = runs.mark_skipped(session=session, run_id=run.id, reason=f"Slack said {code}")
        notice = (
            notices.add_notice(
                session=session,
                recipient_id=subscription.created_by,
                text=text,
                now=services.clock(),
            )
            if skipped
            else None
        )
    log.warning("digest run %s for %s skipped: Slack said %s", run.id, run.channel_id, code)
    if notice is not None and notice.id is not None:
        deliver_notices(client, services, [notice.id])


def _chart(services: Services, client: WebClient, run_id: int, now: datetime) -> None:
    """Upload the chart a posted run owes into its thread; a failure is retried next tick, a few
    times, then given up. Nothing here can hold up a text digest."""
    with session_scope(services.sessions) as session:
        run = runs.take_chart_lease(session=session, run_id=run_id, now=now)
        subscription = session.get(DigestSubscription, run.subscription_id) if run else None
    if run is None or subscription is None:
        return
    if not services.settings.digest_chart:  # owed from before the chart was turned off
        with session_scope(services.sessions) as session:
            runs.chart_done(session=session, run_id=run_id, now=now)
        return
    last_day = run.local_date - timedelta(days=1)  # the 7 full days before the digest's day
    try:
        png = compose_chart(services, last_day=last_day, tz=ZoneInfo(subscription.timezone))
        client.files_upload_v2(
            channel=run.channel_id,
            thread_ts=run.message_ts,
            file=png,
            filename=f"digest-{run.local_date.isoformat()}.png",
            title=f"The 7 days to {last_day:%a %d %b}",
        )
    except Exception as error:  # the chart is an extra: whatever failed, the job goes on
        reason = _describe(error)
        with session_scope(services.sessions) as session:
            if run.chart_attempts >= runs.CHART_TRIES:
                runs.chart_done(session=session, run_id=run_id, now=now, error=reason)
                log.warning(
                    "digest run %s: chart given up after %d tries: %s",
                    run_id,
                    run.chart_attempts,
                    reason,
                )
            else:
                runs.chart_failed(session=session, run_id=run_id, error=reason)
                log.warning(
                    "digest run %s: chart not uploaded (try %d): %s",
                    run_id,
                    run.chart_attempts,
                    reason,
                )
        return
    with session_scope(services.sessions) as session:
        runs.chart_done(session=session, run_id=run_id, now=now)


def _describe(error: Exception) -> str:
    if isinstance(error, SlackApiError):
        return f"Slack said {error.response.get('error')}"
    return f"{type(error).__name__}: {error}"
