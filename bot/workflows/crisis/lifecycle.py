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

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from bot.store.claims import insert_first, insert_unless_taken
from bot.store.models import Crisis, CrisisPost, CrisisRole, Draft, Spike
from bot.workflows.audit import record_audit
from bot.workflows.crisis.kinds import RUNNING, CrisisKind, PostKind, Role
from bot.workflows.crisis.outcomes import (
    MAX_TEXT_CHARS,
    CrisisRefusal,
    CrisisStatus,
    EndOutcome,
    ResumeOutcome,
    RoleOutcome,
    StartOutcome,
)
from bot.workflows.crisis.pausing import pause_all, paused_drafts, resume_locked
from bot.workflows.crisis.posts import owe_post, post_key, redraw_post
from bot.workflows.crisis.queries import running
from bot.workflows.drafts import transitions
from bot.workflows.drafts.crisis_approval import WAITING_STATES, lift_crisis_approval
from bot.workflows.drafts.states import DraftState

SUBJECT = "crisis"  # the audit trail's subject_type for crises
NO_CRISIS = "none"  # the subject id of a denial when no crisis runs


def check_text(text: str) -> CrisisRefusal | None:
    """A reason or summary must say something, briefly; checked before anything is stored."""
    if not text.strip():
        return CrisisRefusal.EMPTY
    if len(text.strip()) > MAX_TEXT_CHARS:
        return CrisisRefusal.TOO_LONG
    return None


def check_admin(admins: Collection[str], actor_id: str) -> CrisisRefusal | None:
    """Start, drill and end are for admins; with none configured, nobody (and it says why)."""
    if not admins:
        return CrisisRefusal.NO_ADMINS
    return None if actor_id in admins else CrisisRefusal.NOT_ADMIN


def _cut(text: str) -> str:
    """What was typed, for the audit note: at most MAX_TEXT_CHARS, marked when cut."""
    text = text.strip()
    return text if len(text) <= MAX_TEXT_CHARS else text[:MAX_TEXT_CHARS] + "…"


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
        note=tried,
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
    # Who before what (as in the drafts' refusal table): a person who may never start one is
    # told so, and audited, whatever they typed.
    refusal = check_admin(admins, actor_id)
    if refusal is not None:
        deny(session, actor_id=actor_id, now=now, tried=f"start a {kind}: {_cut(reason)}")
        return StartOutcome(refused=refusal)
    refusal = check_text(reason)
    if refusal is not None:
        return StartOutcome(refused=refusal)
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
    if spike_id is not None:
        # The alert it was started from points at it (the spike's report, the alert's redraw).
        session.execute(update(Spike).where(col(Spike.id) == spike_id).values(crisis_id=crisis_id))
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
    paused = pause_all(session, crisis, now=now) if kind == CrisisKind.CRISIS else ()
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
    refusal = check_admin(admins, actor_id)
    if refusal is not None:
        deny(session, actor_id=actor_id, now=now, tried=f"end: {_cut(summary)}")
        return EndOutcome(refused=refusal)
    refusal = check_text(summary)
    if refusal is not None:
        return EndOutcome(refused=refusal)
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
    return EndOutcome(crisis=current, still_paused=len(paused_drafts(session, [current.id])))


def _announce_channel(session: Session, crisis_id: int) -> str | None:
    """The end goes where the start was announced (the approvals channel of that time)."""
    announce = session.exec(
        select(CrisisPost).where(CrisisPost.key == post_key(PostKind.ANNOUNCE, crisis_id=crisis_id))
    ).first()
    return announce.channel_id if announce is not None else None


# -- roles -------------------------------------------------------------------------------------


def is_lead(session: Session, user_id: str, crisis_ids: Iterable[int]) -> bool:
    """Whether ``user_id`` holds the lead role in one of these crises."""
    ids = list(crisis_ids)
    if not ids:
        return False
    found = session.exec(
        select(CrisisRole.id).where(
            col(CrisisRole.crisis_id).in_(ids),
            CrisisRole.user_id == user_id,
            CrisisRole.role == Role.LEAD,
        )
    ).first()
    return found is not None


def assign_role(
    *,
    session: Session,
    actor_id: str,
    user_id: str,
    role: Role,
    now: datetime,
    admins: Collection[str],
) -> RoleOutcome:
    """Give ``user_id`` a role in the running crisis (replacing the one they held); admins and
    the crisis's leads may. The briefing is redrawn with the new roles."""
    current = running(session)
    if current is None or current.id is None:
        return RoleOutcome(refused=CrisisRefusal.NONE_RUNNING)
    if actor_id not in admins and not is_lead(session, actor_id, [current.id]):
        deny(session, actor_id=actor_id, now=now, tried=f"give {user_id} the role {role}")
        return RoleOutcome(crisis=current, refused=CrisisRefusal.NOT_LEAD)
    held = session.exec(
        select(CrisisRole).where(CrisisRole.crisis_id == current.id, CrisisRole.user_id == user_id)
    ).first()
    previous = held.role if held is not None else None
    values = {
        "crisis_id": current.id,
        "user_id": user_id,
        "role": str(role),
        "assigned_by": actor_id,
        "assigned_at": now,
    }
    if not insert_first(session=session, table=CrisisRole, values=values):
        # The person has a role already (maybe given a moment ago by someone else): replace it.
        session.execute(
            update(CrisisRole)
            .where(col(CrisisRole.crisis_id) == current.id, col(CrisisRole.user_id) == user_id)
            .values(role=str(role), assigned_by=actor_id, assigned_at=now)
        )
    note = f"{user_id} as {role}" + (f" (was {previous})" if previous else "")
    _audit(session, current, actor_id=actor_id, now=now, action="crisis_role", note=note)
    redraw_post(session, kind=PostKind.BRIEFING, crisis_id=current.id)
    return RoleOutcome(crisis=current, user_id=user_id, role=str(role), previous=previous)


def roles_of(session: Session, crisis_id: int) -> list[CrisisRole]:
    """The crisis's roles, leads first, then in the order they were given."""
    order = {str(role): index for index, role in enumerate(Role)}
    rows = session.exec(
        select(CrisisRole).where(CrisisRole.crisis_id == crisis_id).order_by(col(CrisisRole.id))
    ).all()
    return sorted(rows, key=lambda row: order.get(row.role, len(order)))


# -- resuming paused posts ---------------------------------------------------------------------


def resume(
    *, session: Session, actor_id: str, draft_id: int, now: datetime, admins: Collection[str]
) -> ResumeOutcome:
    """Resume one paused post (the briefing's Resume button): admins, or the lead of the crisis
    that paused it. A post already resumed (another click) is answered with its state."""
    draft = transitions.lock(session, draft_id)
    if draft is None:
        return ResumeOutcome(refused=CrisisRefusal.NOT_FOUND)
    current = running(session)
    crises = [draft.paused_by] if draft.paused_by is not None else []
    if current is not None and current.id is not None:
        crises.append(current.id)
    if actor_id not in admins and not is_lead(session, actor_id, crises):
        deny(session, actor_id=actor_id, now=now, tried=f"resume post #{draft_id}")
        return ResumeOutcome(refused=CrisisRefusal.NOT_LEAD)
    if draft.state != DraftState.PAUSED:
        return ResumeOutcome(state=draft.state, refused=CrisisRefusal.NOT_PAUSED)
    crisis_id = resume_locked(session, draft, actor_id=actor_id, now=now)
    touched = (crisis_id,) if crisis_id is not None else ()
    _redraw_lists(session, touched)
    return ResumeOutcome(resumed=(draft_id,), crisis_ids=touched)


def resume_all(
    *,
    session: Session,
    actor_id: str,
    crisis_id: int | None,
    now: datetime,
    admins: Collection[str],
) -> ResumeOutcome:
    """Resume every post paused by ``crisis_id`` (the Resume all button), or, with None
    (``/social crisis resume all``), every paused post the actor may resume: all of them for an
    admin, those paused by the crises they lead for a lead."""
    if crisis_id is not None:
        if session.get(Crisis, crisis_id) is None:
            return ResumeOutcome(refused=CrisisRefusal.NOT_FOUND)
        allowed: list[int] | None = [crisis_id]
        if actor_id not in admins and not is_lead(session, actor_id, [crisis_id]):
            allowed = None
    elif actor_id in admins:
        allowed = sorted({d.paused_by for d in paused_drafts(session) if d.paused_by is not None})
    else:
        led = session.exec(
            select(CrisisRole.crisis_id).where(
                CrisisRole.user_id == actor_id, CrisisRole.role == Role.LEAD
            )
        ).all()
        allowed = sorted(led) or None
    if allowed is None:
        deny(session, actor_id=actor_id, now=now, tried="resume all paused posts")
        return ResumeOutcome(refused=CrisisRefusal.NOT_LEAD)
    resumed: list[int] = []
    touched: set[int] = set()
    for candidate in paused_drafts(session, allowed):
        assert candidate.id is not None
        draft = transitions.lock(session, candidate.id)
        # Resumed by another click between the list and the lock: nothing left to do for it.
        if draft is None or draft.state != DraftState.PAUSED:
            continue
        paused_by = resume_locked(session, draft, actor_id=actor_id, now=now)
        resumed.append(candidate.id)
        if paused_by is not None:
            touched.add(paused_by)
    _redraw_lists(session, sorted(touched))
    return ResumeOutcome(resumed=tuple(resumed), crisis_ids=tuple(sorted(touched)))


def _redraw_lists(session: Session, crisis_ids: Iterable[int]) -> None:
    """The briefing and the end message list the paused posts: they are drawn again."""
    for crisis_id in crisis_ids:
        redraw_post(session, kind=PostKind.BRIEFING, crisis_id=crisis_id)
        redraw_post(session, kind=PostKind.END, crisis_id=crisis_id)


# -- status ------------------------------------------------------------------------------------


def status(session: Session) -> CrisisStatus:
    """What `/social crisis status` shows: the running crisis (or the last one), its roles, the
    drafts it stamped that still wait, and every post still paused."""
    current = running(session)
    shown = (
        current
        or session.exec(
            select(Crisis).order_by(col(Crisis.started_at).desc(), col(Crisis.id).desc())
        ).first()
    )
    if shown is None or shown.id is None:
        return CrisisStatus(paused=tuple(paused_drafts(session)))
    waiting = session.exec(
        select(func.count())
        .select_from(Draft)
        .where(
            col(Draft.crisis_id) == shown.id,
            col(Draft.state).in_([str(state) for state in WAITING_STATES]),
        )
    ).one()
    return CrisisStatus(
        crisis=shown,
        running=current is not None,
        roles=tuple((role.user_id, role.role) for role in roles_of(session, shown.id)),
        waiting=int(waiting) if current is not None else 0,
        paused=tuple(paused_drafts(session)),
    )
