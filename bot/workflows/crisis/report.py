"""The figures a crisis reports: the periodic status, and the post-mortem at the end.

Customer messages are the ``customer_signal`` rows (a drill counts only its own drill signals,
a crisis never counts them); replies sent are reply drafts approved or published (read from the
audit trail, one per draft); what is still open is read as it is now. A drill's drafts are the
ones it stamped, a crisis's every draft but a drill's: a rehearsal never mixes with real work.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, case, func, or_
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, select

from bot.store.models import AuditEntry, Crisis, CrisisRole, CustomerSignal, Draft, Handoff
from bot.workflows.crisis.kinds import CrisisKind
from bot.workflows.crisis.timeline import TimelineEvent, span_end, timeline
from bot.workflows.drafts.states import DraftState
from bot.workflows.handoffs.states import LIVE_STATES

UPSET = "upset"  # the mood ``read_mood`` gives a negative message
HOUR = timedelta(hours=1)
_CHUNK = 500  # ids per IN list


@dataclass(frozen=True)
class StatusFigures:
    """What changed in ``[since, until)``, and the handoffs open now."""

    since: datetime
    until: datetime
    messages: int  # new customer messages
    negative: int  # of which upset
    replies_sent: int  # reply drafts approved or published
    handoffs_open: int

    @property
    def negative_share(self) -> float | None:
        return self.negative / self.messages if self.messages else None


@dataclass(frozen=True)
class HourFigures:
    start: datetime  # the clock hour (UTC) the row counts
    messages: int
    negative: int

    @property
    def negative_share(self) -> float | None:
        return self.negative / self.messages if self.messages else None


@dataclass(frozen=True)
class DraftLine:
    """A draft as the report lists it; ``text`` as written (renderers escape it)."""

    draft_id: int
    kind: str
    state: str
    text: str
    networks: str
    at: datetime | None  # published_at for a published one, submitted_at for a pending one


@dataclass(frozen=True)
class HandoffLine:
    handoff_id: int
    team: str
    state: str
    summary: str
    created_at: datetime


@dataclass(frozen=True)
class RoleLine:
    user_id: str
    role: str


@dataclass(frozen=True)
class Postmortem:
    crisis_id: int
    kind: str
    reason: str
    summary: str | None
    started_by: str
    started_at: datetime
    ended_by: str | None
    ended_at: datetime | None  # None: still running (an export while it lasts)
    until: datetime  # the end, or the time the report was made
    made_at: datetime  # what is "still open" is read at this time
    roles: tuple[RoleLine, ...]
    hours: tuple[HourFigures, ...]
    time_to_first_response: timedelta | None
    published: tuple[DraftLine, ...]
    pending: tuple[DraftLine, ...]
    paused: tuple[DraftLine, ...]
    handoffs_open: tuple[HandoffLine, ...]
    timeline: tuple[TimelineEvent, ...]

    @property
    def is_drill(self) -> bool:
        return self.kind == CrisisKind.DRILL

    @property
    def duration(self) -> timedelta:
        return self.until - self.started_at

    @property
    def messages(self) -> int:
        return sum(hour.messages for hour in self.hours)

    @property
    def negative(self) -> int:
        return sum(hour.negative for hour in self.hours)

    @property
    def negative_share(self) -> float | None:
        return self.negative / self.messages if self.messages else None


def status_figures(
    session: Session, crisis: Crisis, since: datetime, now: datetime
) -> StatusFigures:
    """The status of ``crisis`` for ``[since, now)``."""
    messages, negative = session.execute(
        select(
            func.count(),
            func.coalesce(func.sum(case((col(CustomerSignal.mood) == UPSET, 1), else_=0)), 0),
        ).where(
            col(CustomerSignal.at) >= since,
            col(CustomerSignal.at) < now,
            _signals_of(crisis),
        )
    ).one()
    return StatusFigures(
        since=since,
        until=now,
        messages=int(messages),
        negative=int(negative),
        replies_sent=len(_replies_sent(session, crisis, since, now)),
        handoffs_open=session.execute(
            select(func.count()).select_from(Handoff).where(col(Handoff.state).in_(LIVE_STATES))
        ).scalar_one(),
    )


def postmortem(session: Session, crisis: Crisis, now: datetime) -> Postmortem:
    """The report of ``crisis`` as it stands at ``now`` (its end, once it has ended)."""
    assert crisis.id is not None  # a stored crisis
    until = span_end(crisis, now)
    replies = _replies_sent(session, crisis, crisis.started_at, until + timedelta(microseconds=1))
    first = min(replies.values()) if replies else None
    return Postmortem(
        crisis_id=crisis.id,
        kind=crisis.kind,
        reason=crisis.reason,
        summary=crisis.summary,
        started_by=crisis.started_by,
        started_at=crisis.started_at,
        ended_by=crisis.ended_by,
        ended_at=crisis.ended_at,
        until=until,
        made_at=now,
        roles=tuple(
            RoleLine(user_id=role.user_id, role=role.role)
            for role in session.exec(
                select(CrisisRole)
                .where(CrisisRole.crisis_id == crisis.id)
                .order_by(col(CrisisRole.assigned_at), col(CrisisRole.id))
            )
        ),
        hours=_hours(session, crisis, until),
        time_to_first_response=first - crisis.started_at if first is not None else None,
        published=_published(session, crisis, until),
        pending=_drafts(
            session,
            col(Draft.state) == DraftState.PENDING,
            _drafts_of(crisis),
            order=func.coalesce(col(Draft.submitted_at), col(Draft.created_at)),
        ),
        paused=_drafts(
            session,
            col(Draft.state) == DraftState.PAUSED,
            col(Draft.paused_by) == crisis.id,
            order=func.coalesce(col(Draft.scheduled_at), col(Draft.updated_at)),
        ),
        handoffs_open=tuple(
            HandoffLine(
                handoff_id=row.id or 0,
                team=row.team,
                state=row.state,
                summary=row.summary,
                created_at=row.created_at,
            )
            for row in session.exec(
                select(Handoff)
                .where(col(Handoff.state).in_(LIVE_STATES))
                .order_by(col(Handoff.created_at), col(Handoff.id))
            )
        ),
        timeline=tuple(timeline(session, crisis, now)),
    )


def _signals_of(crisis: Crisis) -> ColumnElement[bool]:
    """A drill reads its own rehearsal messages; a crisis only real ones."""
    return col(CustomerSignal.drill).is_(crisis.kind == CrisisKind.DRILL)


def _drafts_of(crisis: Crisis) -> ColumnElement[bool]:
    """A drill's drafts are those it stamped; a crisis's every draft not stamped by a drill."""
    if crisis.kind == CrisisKind.DRILL:
        return col(Draft.crisis_id) == crisis.id
    drills = select(col(Crisis.id)).where(col(Crisis.kind) == CrisisKind.DRILL)
    return or_(col(Draft.crisis_id).is_(None), col(Draft.crisis_id).not_in(drills))


def _replies_sent(
    session: Session, crisis: Crisis, since: datetime, until: datetime
) -> dict[int, datetime]:
    """Reply drafts approved or published in ``[since, until)``: each draft once, at its first."""
    rows = session.execute(
        select(col(AuditEntry.subject_id), func.min(col(AuditEntry.at)))
        .where(
            col(AuditEntry.subject_type) == "draft",
            col(AuditEntry.at) >= since,
            col(AuditEntry.at) < until,
            or_(
                # A partial approval leaves the draft pending; the one that approves it counts.
                and_(
                    col(AuditEntry.action) == "approve",
                    col(AuditEntry.to_state) == DraftState.APPROVED,
                ),
                and_(
                    col(AuditEntry.action) == "publish",
                    col(AuditEntry.to_state) == DraftState.PUBLISHED,
                ),
            ),
        )
        .group_by(col(AuditEntry.subject_id))
    ).all()
    first = {int(subject): at for subject, at in rows if subject.isdigit()}
    replies: set[int] = set()
    ids = sorted(first)
    for at in range(0, len(ids), _CHUNK):
        replies.update(
            session.execute(
                select(col(Draft.id)).where(
                    col(Draft.id).in_(ids[at : at + _CHUNK]),
                    col(Draft.kind) == "reply",
                    _drafts_of(crisis),
                )
            ).scalars()
        )
    return {draft_id: first[draft_id] for draft_id in replies}


def _hours(session: Session, crisis: Crisis, until: datetime) -> tuple[HourFigures, ...]:
    """Messages and upset ones per clock hour, every hour of the span (quiet ones as zeros)."""
    counts: dict[datetime, list[int]] = {}
    for at, mood in session.execute(
        select(col(CustomerSignal.at), col(CustomerSignal.mood)).where(
            col(CustomerSignal.at) >= crisis.started_at,
            col(CustomerSignal.at) <= until,
            _signals_of(crisis),
        )
    ).all():
        bucket = counts.setdefault(_hour_of(at), [0, 0])
        bucket[0] += 1
        bucket[1] += mood == UPSET
    hours: list[HourFigures] = []
    hour = _hour_of(crisis.started_at)
    while hour <= until:
        messages, negative = counts.get(hour, (0, 0))
        hours.append(HourFigures(start=hour, messages=messages, negative=negative))
        hour += HOUR
    return tuple(hours)


def _hour_of(at: datetime) -> datetime:
    return at.replace(minute=0, second=0, microsecond=0)


def _published(session: Session, crisis: Crisis, until: datetime) -> tuple[DraftLine, ...]:
    return _drafts(
        session,
        col(Draft.state) == DraftState.PUBLISHED,
        col(Draft.published_at) >= crisis.started_at,
        col(Draft.published_at) <= until,
        _drafts_of(crisis),
        order=col(Draft.published_at),
    )


def _drafts(
    session: Session, *conditions: ColumnElement[bool], order: object
) -> tuple[DraftLine, ...]:
    rows = session.exec(select(Draft).where(*conditions).order_by(order, col(Draft.id)))  # type: ignore[arg-type]
    return tuple(
        DraftLine(
            draft_id=row.id or 0,
            kind=row.kind,
            state=row.state,
            text=row.text,
            networks=row.networks,
            at=row.published_at if row.state == DraftState.PUBLISHED else row.submitted_at,
        )
        for row in rows
    )
