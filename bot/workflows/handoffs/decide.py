"""Claim, reassign, resolve, bounce back: each locks the handoff, moves it once, audits it.

The rules, in the order they are checked (the first that matches refuses):

1. the handoff exists;
2. it is live: a resolved or bounced handoff takes no more actions (the refusal says who closed
   it and when);
3. who: anyone may claim an open handoff or reassign a live one (the team channel is the team);
   only the owner may resolve or bounce a claimed one, anyone an unclaimed one: someone else
   reassigns it to themselves first, so an owner never finds their case closed under them;
4. what was typed: a bounce needs its reason.

A refusal is not an exception: it returns a :class:`HandoffOutcome` with ``refused`` set and is
audited in the caller's transaction, like every move.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlmodel import Session

from bot.core.mrkdwn import slack_date
from bot.store.models import Handoff
from bot.store.rows import lock_row, move_row
from bot.workflows.audit import record_audit
from bot.workflows.handoffs.states import (
    CLOSED_STATES,
    SUBJECT,
    HandoffState,
)

MAX_NOTE_CHARS = 2000


class HandoffRefusal(StrEnum):
    NOT_FOUND = "not_found"
    CLOSED = "closed"
    TAKEN = "taken"  # claimed by someone else already
    ALREADY_YOURS = "already_yours"
    NOT_OWNER = "not_owner"
    INVALID = "invalid"  # a missing or too long reason / note


@dataclass(frozen=True)
class HandoffOutcome:
    handoff: Handoff | None
    refused: HandoffRefusal | None = None
    reason: str = ""  # the sentence the person sees when refused
    previous_owner: str | None = None  # for a reassignment: whose it was

    @property
    def ok(self) -> bool:
        return self.refused is None


class Act(StrEnum):
    CLAIM = "claim"
    REASSIGN = "reassign"
    RESOLVE = "resolve"
    BOUNCE = "bounce"


def _screen(handoff: Handoff, act: Act, actor_id: str) -> tuple[HandoffRefusal, str] | None:
    if handoff.state in CLOSED_STATES:
        closed = "resolved" if handoff.state == HandoffState.RESOLVED else "bounced back"
        when = slack_date(handoff.closed_at) if handoff.closed_at else "earlier"
        return (
            HandoffRefusal.CLOSED,
            f"Handoff #{handoff.id} was already {closed} by <@{handoff.closed_by}> {when}.",
        )
    owner = handoff.owner_id
    if act is Act.CLAIM and owner is not None:
        if owner == actor_id:
            return HandoffRefusal.ALREADY_YOURS, f"Handoff #{handoff.id} is already yours."
        return (
            HandoffRefusal.TAKEN,
            f"<@{owner}> already claimed handoff #{handoff.id}. Reassign it if it should be yours.",
        )
    if act in (Act.RESOLVE, Act.BOUNCE) and owner is not None and owner != actor_id:
        verb = "resolve" if act is Act.RESOLVE else "bounce back"
        return (
            HandoffRefusal.NOT_OWNER,
            f"Only <@{owner}> can {verb} handoff #{handoff.id}; reassign it to yourself first.",
        )
    return None


def _refuse(
    session: Session,
    handoff: Handoff,
    act: Act,
    actor_id: str,
    now: datetime,
    refusal: tuple[HandoffRefusal, str],
) -> HandoffOutcome:
    code, sentence = refusal
    _audit(session, handoff, now, actor_id, f"{act}_refused", handoff.state, None, note=code)
    return HandoffOutcome(handoff, code, sentence)


def _move(
    session: Session, handoff: Handoff, to_state: HandoffState, now: datetime, **values: object
) -> None:
    """The conditional UPDATE on (id, state, version): a lost race matches nothing and raises."""
    move_row(session, handoff, to_state, now=now, **values)


def _audit(
    session: Session,
    handoff: Handoff,
    now: datetime,
    actor_id: str,
    action: str,
    from_state: str | None,
    to_state: str | None,
    *,
    note: str | None = None,
) -> None:
    record_audit(
        session=session,
        at=now,
        actor_id=actor_id,
        action=action,
        subject_type=SUBJECT,
        subject_id=str(handoff.id),
        from_state=from_state,
        to_state=to_state,
        note=note,
    )


def _locked(session: Session, handoff_id: int) -> Handoff | None:
    return lock_row(session, Handoff, handoff_id)


def _not_found(handoff_id: int) -> HandoffOutcome:
    return HandoffOutcome(
        None, HandoffRefusal.NOT_FOUND, f"Handoff #{handoff_id} doesn't exist (any more)."
    )


def claim(*, session: Session, handoff_id: int, actor_id: str, now: datetime) -> HandoffOutcome:
    """The clicker owns it. Twenty clicks at once: the row lock orders them, the first wins."""
    handoff = _locked(session, handoff_id)
    if handoff is None:
        return _not_found(handoff_id)
    if refusal := _screen(handoff, Act.CLAIM, actor_id):
        return _refuse(session, handoff, Act.CLAIM, actor_id, now, refusal)
    before = handoff.state
    _move(session, handoff, HandoffState.CLAIMED, now, owner_id=actor_id, claimed_at=now)
    _audit(session, handoff, now, actor_id, "claim", before, HandoffState.CLAIMED)
    return HandoffOutcome(handoff)


def reassign(
    *, session: Session, handoff_id: int, actor_id: str, new_owner: str, now: datetime
) -> HandoffOutcome:
    """``new_owner`` owns it now (claimed, whoever had it)."""
    handoff = _locked(session, handoff_id)
    if handoff is None:
        return _not_found(handoff_id)
    if refusal := _screen(handoff, Act.REASSIGN, actor_id):
        return _refuse(session, handoff, Act.REASSIGN, actor_id, now, refusal)
    if handoff.owner_id == new_owner:
        return HandoffOutcome(
            handoff,
            HandoffRefusal.ALREADY_YOURS,
            f"Handoff #{handoff.id} is already <@{new_owner}>'s.",
        )
    before, previous = handoff.state, handoff.owner_id
    claimed_at = handoff.claimed_at or now
    _move(session, handoff, HandoffState.CLAIMED, now, owner_id=new_owner, claimed_at=claimed_at)
    _audit(
        session,
        handoff,
        now,
        actor_id,
        "reassign",
        before,
        HandoffState.CLAIMED,
        note=f"{previous or 'nobody'} → {new_owner}",
    )
    return HandoffOutcome(handoff, previous_owner=previous)


def resolve(
    *, session: Session, handoff_id: int, actor_id: str, note: str | None, now: datetime
) -> HandoffOutcome:
    """Done; the note (optional) says how, for the social team and the record."""
    return _close(session, handoff_id, actor_id, note, now, Act.RESOLVE)


def bounce(
    *, session: Session, handoff_id: int, actor_id: str, reason: str, now: datetime
) -> HandoffOutcome:
    """Back to the social team, with why. The message is free to be handed off again."""
    return _close(session, handoff_id, actor_id, reason, now, Act.BOUNCE)


def check_action(*, session: Session, handoff_id: int, actor_id: str, act: Act) -> HandoffOutcome:
    """Ask before opening a modal (Resolve, Bounce back): would this person be allowed?"""
    handoff = session.get(Handoff, handoff_id)
    if handoff is None:
        return _not_found(handoff_id)
    if refusal := _screen(handoff, act, actor_id):
        return HandoffOutcome(handoff, *refusal)
    return HandoffOutcome(handoff)


def _close(
    session: Session, handoff_id: int, actor_id: str, note: str | None, now: datetime, act: Act
) -> HandoffOutcome:
    note = (note or "").strip() or None
    handoff = _locked(session, handoff_id)
    if handoff is None:
        return _not_found(handoff_id)
    if refusal := _screen(handoff, act, actor_id):
        return _refuse(session, handoff, act, actor_id, now, refusal)
    if act is Act.BOUNCE and note is None:
        return HandoffOutcome(
            handoff, HandoffRefusal.INVALID, "Say why it goes back: the social team needs a reason."
        )
    if note is not None and len(note) > MAX_NOTE_CHARS:
        return HandoffOutcome(
            handoff,
            HandoffRefusal.INVALID,
            f"Keep the note under {MAX_NOTE_CHARS} characters (it has {len(note)}).",
        )
    to_state = HandoffState.RESOLVED if act is Act.RESOLVE else HandoffState.BOUNCED
    before = handoff.state
    values: dict[str, object] = {"closed_at": now, "closed_by": actor_id, "close_note": note}
    if act is Act.BOUNCE:
        values["source_key"] = None  # the message may go to the other team now
    _move(session, handoff, to_state, now, **values)
    _audit(session, handoff, now, actor_id, str(act), before, to_state, note=note)
    return HandoffOutcome(handoff)
