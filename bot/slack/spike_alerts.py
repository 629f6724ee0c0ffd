"""A spike alert for the escalation channel, with examples and a Start crisis mode button."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot.blocks.spike_alerts import SpikeAlert, build_spike_alert, headline
from bot.services import Services
from bot.slack.crisis_message import CrisisMessage
from bot.store.models import CrisisPost, Spike
from bot.workflows.crisis.spikes import spike_examples


class SpikeGone(LookupError):
    """The alert's spike is not in the store (the outbox names a row that was removed)."""


def compose_alert(
    services: Services, session: Session, post: CrisisPost, now: datetime
) -> CrisisMessage:
    """The alert for ``post.spike_id`` as the spike reads now (ended, or a crisis started)."""
    spike = session.get(Spike, post.spike_id) if post.spike_id is not None else None
    if spike is None or spike.id is None:
        raise SpikeGone(f"crisis post {post.id} names spike {post.spike_id}, which is not stored")
    alert = SpikeAlert(
        spike_id=spike.id,
        detected_at=spike.detected_at,
        messages=spike.messages,
        negative=spike.negative,
        baseline_messages=spike.baseline_messages,
        baseline_negative=spike.baseline_negative,
        examples=spike_examples(spike),
        ended_at=spike.ended_at,
        crisis_id=spike.crisis_id,
    )
    return CrisisMessage(text=headline(alert), blocks=build_spike_alert(alert))
