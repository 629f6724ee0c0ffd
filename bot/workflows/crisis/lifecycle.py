"""A crisis from start to end: who may start or end it, what it pauses, roles, resuming posts.

Each function is one transaction's worth of decisions on a caller's session: the caller commits,
then delivers what was owed (bot/slack/crisis_delivery.py). Who the admins are is plain data
(user groups already expanded by the caller): the domain reads no settings.

- ``start``: the Crisis row is inserted first on its unique ``running_key``, so racing starts
  (clicks, processes) make one crisis and every loser is pointed at it;
- ``end``: a conditional UPDATE on ``running_key``, so two ends end it once;
- pausing and resuming move drafts through the drafts' own locked transitions and audit trail.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select

from bot.store.claims import insert_unless_taken
from bot.store.models import Crisis, CrisisPost, CrisisRole, Draft
from bot.workflows.audit import record_audit
from bot.workflows.crisis.kinds import RUNNING, CrisisKind, PostKind, Role
from bot.workflows.crisis.outcomes import (
    MAX_TEXT_CHARS,
    CrisisRefusal,
    EndOutcome,
    StartOutcome,
)
from bot.workflows.crisis.posts import owe_post, post_key
from bot.workflows.crisis.queries import running
from bot.workflows.drafts import transitions
from bot.workflows.drafts.crisis_approval import WAITING_STATES, lift_crisis_approval
from bot.workflows.drafts.states import PUBLISHABLE_STATES, DraftState

SUBJECT = "crisis"  # the audit trail's subject_type for crises
NO_CRISIS = "none"  # the subject id of a denial when no crisis runs


def check_text(text: str) -> CrisisRefusal | None:
    """A reason or summary must say something, briefly; checked before anything is stored."""
    if not text.strip():
        return CrisisRefusal.EMPTY
    if len(text.strip()) > MAX_TEXT_CHARS:
        return CrisisRefusal.TOO_LONG
    return None


def deny(session: Session, *, actor_id: str, now: datetime, tried: str) -> None:
    """Audit a refused crisis control (``tried`` says what), against the running crisis if any."""
    current = running(session)
    record_audit(
        session=session,
        at=now,
        actor_id=actor_id,
        action="crisis_denied",
        subject_type=SUBJECT,
        subject_id=str(current.id) if current is not None else NO_CRISIS,
        note=tried[: MAX_TEXT_CHARS + 40],
    )


def _audit(
    session: Session, crisis: Crisis, *, actor_id: str, now: datetime, action: str, note: str
) -> None:
    record_audit(
        session=session,
        at=now,
        actor_id=actor_id,
        action=action,
        subject_type=SUBJECT,
        subject_id=str(crisis.id),
        note=note,
    )


# -- start -------------------------------------------------------------------------------------


def start(
    *,
    session: Session,
    actor_id: str,
    kind: CrisisKind,
    reason: str,
    now: datetime,
    admins: Collection[str],
    update_every: timedelta,
    approvals_channel: str | None,
    spike_id: int | None = None,
) -> StartOutcome:
    """Start a crisis (or drill) unless one runs; a second start returns the running one.

    A real crisis pauses every approved or scheduled post not yet published; a crisis or a drill
    stamps every draft waiting for approval, so it needs the extra approval while it runs. The
    briefing (war room) and the announcement (approvals channel) are owed in this transaction.
    """
    refusal = check_text(reason)
    if refusal is not None:
        return StartOutcome(refused=refusal)
    if actor_id not in admins:
        deny(session, actor_id=actor_id, now=now, tried=f"start a {kind}: {reason.strip()}")
        return StartOutcome(refused=CrisisRefusal.NOT_ADMIN)
    crisis_id = insert_unless_taken(
        session=session,
        table=Crisis,
        values={
            "kind": str(kind),
            "reason": reason.strip(),
            "started_by": actor_id,
            "started_at": now,
            "running_key": RUNNING,
            "spike_id": spike_id,
            "next_update_at": now + update_every,
            "room_attempts": 0,
            "war_room_fallback": False,
            "updated_at": now,
        },
    )
    if crisis_id is None:
        # Another start won (or one was running): that one is the answer, whatever its kind.
        return StartOutcome(crisis=running(session), started=False)
    crisis = session.get(Crisis, crisis_id)
    assert crisis is not None
    assert crisis.id is not None
    session.add(
        CrisisRole(
            crisis_id=crisis.id,
            user_id=actor_id,
            role=str(Role.LEAD),
            assigned_by=actor_id,
            assigned_at=now,
        )
    )
    action = "crisis_start" if kind == CrisisKind.CRISIS else "crisis_drill_start"
    _audit(session, crisis, actor_id=actor_id, now=now, action=action, note=crisis.reason)
    paused = _pause_all(session, crisis, now=now) if kind == CrisisKind.CRISIS else ()
    stamped = _stamp_waiting(session, crisis.id, now=now)
    owe_post(session=session, kind=PostKind.BRIEFING, now=now, crisis_id=crisis.id)
    owe_post(
        session=session,
        kind=PostKind.ANNOUNCE,
        now=now,
        crisis_id=crisis.id,
        channel_id=approvals_channel,
    )
    session.flush()
    return StartOutcome(crisis=crisis, started=True, paused=paused, stamped=stamped)


def _pause_all(session: Session, crisis: Crisis, *, now: datetime) -> tuple[int, ...]:
    """Pause every approved or scheduled post, each through its locked transition and audited."""
    candidates = session.exec(
        select(Draft.id)
        .where(col(Draft.state).in_([str(state) for state in PUBLISHABLE_STATES]))
        .order_by(col(Draft.id))
    ).all()
    paused: list[int] = []
    for draft_id in candidates:
        assert draft_id is not None
        draft = transitions.lock(session, draft_id)
        # Published (or edited back to pending) between the read and the lock: not ours to pause.
        if draft is None or draft.state not in PUBLISHABLE_STATES:
            continue
        from_state = draft.state
        transitions.transition(
            session,
            draft,
            DraftState.PAUSED,
            now=now,
            paused_by=crisis.id,
            paused_from=from_state,
        )
        transitions.audit(
            session,
            draft,
            now,
            crisis.started_by,
            "pause",
            from_state,
            DraftState.PAUSED,
            note=f"crisis {crisis.id}",
        )
        paused.append(draft_id)
    return tuple(paused)


def _stamp_waiting(session: Session, crisis_id: int, *, now: datetime) -> int:
    """Stamp drafts waiting for approval with the crisis; their version grows so cards redraw."""
    result = session.execute(
        update(Draft)
        .where(col(Draft.state).in_([str(state) for state in WAITING_STATES]))
        .values(crisis_id=crisis_id, version=col(Draft.version) + 1, updated_at=now)
        .returning(col(Draft.id))
    )
    return len(result.all())


# -- end ---------------------------------------------------------------------------------------


def end(
    *,
    session: Session,
    actor_id: str,
    summary: str,
    now: datetime,
    admins: Collection[str],
) -> EndOutcome:
    """End the running crisis or drill: the post-mortem (war room) and the end message
    (approvals channel) are owed; the extra approval lifts; paused posts stay paused."""
    refusal = check_text(summary)
    if refusal is not None:
        return EndOutcome(refused=refusal)
    if actor_id not in admins:
        deny(session, actor_id=actor_id, now=now, tried=f"end: {summary.strip()}")
        return EndOutcome(refused=CrisisRefusal.NOT_ADMIN)
    current = running(session)
    if current is None:
        return EndOutcome(refused=CrisisRefusal.NONE_RUNNING)
    ended = session.execute(
        update(Crisis)
        .where(col(Crisis.id) == current.id, col(Crisis.running_key) == RUNNING)
        .values(
            running_key=None,
            ended_at=now,
            ended_by=actor_id,
            summary=summary.strip(),
            updated_at=now,
        )
        .returning(col(Crisis.id))
    ).first()
    if ended is None:
        # Another end got there first (between our read and this UPDATE).
        return EndOutcome(refused=CrisisRefusal.NONE_RUNNING)
    session.refresh(current)
    assert current.id is not None
    _audit(
        session,
        current,
        actor_id=actor_id,
        now=now,
        action="crisis_end",
        note=current.summary or "",
    )
    lift_crisis_approval(session, current.id, now)
    owe_post(session=session, kind=PostKind.POSTMORTEM, now=now, crisis_id=current.id)
    approvals = _announce_channel(session, current.id)
    owe_post(
        session=session, kind=PostKind.END, now=now, crisis_id=current.id, channel_id=approvals
    )
    return EndOutcome(crisis=current, still_paused=len(paused_by(session, [current.id])))


def _announce_channel(session: Session, crisis_id: int) -> str | None:
    """The end goes where the start was announced (the approvals channel of that time)."""
    announce = session.exec(
        select(CrisisPost).where(CrisisPost.key == post_key(PostKind.ANNOUNCE, crisis_id=crisis_id))
    ).first()
    return announce.channel_id if announce is not None else None


def paused_by(session: Session, crisis_ids: Iterable[int]) -> list[Draft]:
    """The posts still paused by these crises, oldest first."""
    return list(
        session.exec(
            select(Draft)
            .where(
                col(Draft.state) == DraftState.PAUSED,
                col(Draft.paused_by).in_(list(crisis_ids)),
            )
            .order_by(col(Draft.id))
        )
    )
