"""The spike alert's Start crisis mode button (admins only).

Like `/social crisis start`, the start is committed before the ack (Slack sends a click once);
a denial is audited by the start itself and answered ephemerally. The war room, the briefing and
the redrawn alert are owed in the store and delivered right after the ack.
"""

from __future__ import annotations

from slack_bolt import App

from bot.blocks.crisis_answers import already_running_text, refusal_text, started_text
from bot.blocks.spike_alerts import START_FROM_SPIKE_ACTION
from bot.commands import kit
from bot.commands.kit import ButtonCall, StaleControl
from bot.slack.approvers import DECISION_MAX_AGE, expand
from bot.slack.crisis_delivery import deliver_soon
from bot.store.db import session_scope
from bot.workflows.crisis.outcomes import StartOutcome
from bot.workflows.crisis.spike_start import SpikeAlertStale, start_from_spike


def register(app: App) -> None:
    kit.deciding_button(
        app, START_FROM_SPIKE_ACTION, parse=kit.parse_id, decide=_decide, after=_after
    )


def _decide(call: ButtonCall[int]) -> StartOutcome:
    services = call.services
    settings = services.settings
    now = services.clock()
    # Groups from the cache: the decision is committed before the ack and must not wait on Slack.
    admins = expand(
        settings.admins, call.client, services.groups, now=now, max_age=DECISION_MAX_AGE
    )
    try:
        with session_scope(services.sessions) as session:
            return start_from_spike(
                session=session,
                spike_id=call.value,
                actor_id=call.user_id,
                now=now,
                admins=admins,
                update_every=settings.crisis_update_every,
                approvals_channel=settings.approvals_channel,
            )
    except SpikeAlertStale as stale:
        raise StaleControl(str(stale)) from stale


def _after(call: ButtonCall[int], outcome: StartOutcome) -> None:
    if outcome.refused is not None:
        call.tell(refusal_text(outcome.refused, verb="start"))
        return
    assert outcome.crisis is not None
    if not outcome.started:
        call.tell(already_running_text(outcome.crisis))
        return
    call.tell(started_text(outcome))
    deliver_soon(call.services, call.client)
