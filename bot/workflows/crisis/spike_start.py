"""Crisis mode started from a spike alert's button: the lifecycle's ``start``, with the spike's
figures as the reason, and the alert redrawn (in the same transaction)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta

from sqlmodel import Session

from bot.store.models import Spike
from bot.workflows.crisis import lifecycle
from bot.workflows.crisis.kinds import CrisisKind
from bot.workflows.crisis.outcomes import StartOutcome
from bot.workflows.crisis.queries import running
from bot.workflows.crisis.spikes import reason_for, redraw_alert


class SpikeAlertStale(LookupError):
    """The alert's button no longer starts anything; ``str(error)`` is for the person."""


def start_from_spike(
    *,
    session: Session,
    spike_id: int,
    actor_id: str,
    now: datetime,
    admins: Collection[str],
    update_every: timedelta,
    approvals_channel: str | None,
) -> StartOutcome:
    """Start crisis mode for the spike (admins only: ``start`` audits a denial); a crisis already
    running is the answer, as for `/social crisis start`.

    The alert is redrawn without its button once a crisis started from it. A click on a button
    drawn before that, after that crisis ended, starts nothing: a new crisis needs a new reason.
    """
    spike = session.get(Spike, spike_id)
    if spike is None:
        raise SpikeAlertStale("That spike is no longer in the store; nothing was started.")
    current = running(session)
    ended = spike.crisis_id is not None and (current is None or current.id != spike.crisis_id)
    # Someone who may not start a crisis is denied (and audited) by ``start``, whatever the alert.
    if ended and actor_id in admins:
        raise SpikeAlertStale(
            f"Crisis mode #{spike.crisis_id} was started from this alert and has ended; "
            "use `/social crisis start <reason>` to start another."
        )
    outcome = lifecycle.start(
        session=session,
        actor_id=actor_id,
        kind=CrisisKind.CRISIS,
        reason=reason_for(spike),
        now=now,
        admins=admins,
        update_every=update_every,
        approvals_channel=approvals_channel,
        spike_id=spike_id,
    )
    if outcome.started:
        # ``start`` linked the spike to the crisis; the alert shows that instead of its button.
        redraw_alert(session, spike_id=spike_id)
    return outcome
