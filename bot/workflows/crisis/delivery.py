"""What the crisis clock works off: war rooms to make, people to invite, posts owed and redraws.

Each piece of work is taken under a lease first: a conditional UPDATE that only matches while
nobody else holds it (and, for a post, counts the attempt), so two clocks, a listener's
``deliver_soon`` and a restart never do one piece twice at once, and a process that died leaves
its lease to run out for the next tick. Marking the work done is conditional too: a second
"posted" for one post changes nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, or_, update
from sqlmodel import Session, col, select

from bot.store.models import Crisis, CrisisPost, CrisisRole
from bot.workflows.crisis.kinds import RUNNING, PostKind
from bot.workflows.crisis.posts import owe_post

# One compose, a history check and one post (with the client's retries after a 429 or a 5xx)
# fit well inside; work held by a process that died is picked up a tick or two after this.
POST_LEASE = timedelta(seconds=60)
# conversations.create, a name lookup, a join and the invites in pages of 1000.
ROOM_LEASE = timedelta(seconds=90)
ERROR_LENGTH = 256
NOTE_LENGTH = 256


def _free(column: object, now: datetime) -> object:
    return or_(col(column).is_(None), col(column) <= now)


def _crisis(session: Session, crisis_id: int) -> Crisis:
    return session.exec(
        select(Crisis).where(Crisis.id == crisis_id).execution_options(populate_existing=True)
    ).one()


def _post(session: Session, post_id: int) -> CrisisPost:
    return session.exec(
        select(CrisisPost).where(CrisisPost.id == post_id).execution_options(populate_existing=True)
    ).one()


# -- war rooms ------------------------------------------------------------------------------------


def rooms_owed(*, session: Session, now: datetime) -> list[int]:
    """Crises without a war room yet (nobody making one now), oldest first."""
    found = session.exec(
        select(Crisis.id)
        .where(
            col(Crisis.war_room_channel).is_(None),
            _free(Crisis.room_lease_until, now),  # type: ignore[arg-type]
        )
        .order_by(col(Crisis.id))
    ).all()
    return [crisis_id for crisis_id in found if crisis_id is not None]


def take_room_lease(
    *, session: Session, crisis_id: int, now: datetime, lease: timedelta = ROOM_LEASE
) -> Crisis | None:
    """Hold the making of ``crisis_id``'s war room, counting the try; None when it exists or
    another process is making it."""
    taken = session.execute(
        update(Crisis)
        .where(
            col(Crisis.id) == crisis_id,
            col(Crisis.war_room_channel).is_(None),
            _free(Crisis.room_lease_until, now),  # type: ignore[arg-type]
        )
        .values(room_lease_until=now + lease, room_attempts=col(Crisis.room_attempts) + 1)
        .returning(col(Crisis.id))
    ).first()
    return None if taken is None else _crisis(session, crisis_id)


def record_room(
    *,
    session: Session,
    crisis_id: int,
    channel_id: str,
    now: datetime,
    fallback: bool = False,
    note: str | None = None,
) -> bool:
    """The war room is ``channel_id``; True unless it was recorded already (the first stays).

    A fallback room (the escalation or approvals channel) invites nobody: it is the team's own
    channel, chosen by whoever configured it, so ``invited_at`` is set at once.
    """
    recorded = session.execute(
        update(Crisis)
        .where(col(Crisis.id) == crisis_id, col(Crisis.war_room_channel).is_(None))
        .values(
            war_room_channel=channel_id,
            war_room_fallback=fallback,
            room_note=note[:NOTE_LENGTH] if note else None,
            room_lease_until=None,
            invited_at=now if fallback else None,
            updated_at=now,
        )
        .returning(col(Crisis.id))
    ).first()
    if recorded is not None:
        # An announcement posted while the room was still being made says so; now it can link
        # the room: redraw it.
        session.execute(
            update(CrisisPost)
            .where(
                col(CrisisPost.crisis_id) == crisis_id,
                col(CrisisPost.kind) == str(PostKind.ANNOUNCE),
                col(CrisisPost.posted_at).is_not(None),
            )
            .values(version=CrisisPost.version + 1)
        )
    return recorded is not None


def release_room(*, session: Session, crisis_id: int) -> None:
    """Making the room failed for now: the next tick tries again."""
    session.execute(
        update(Crisis)
        .where(col(Crisis.id) == crisis_id, col(Crisis.war_room_channel).is_(None))
        .values(room_lease_until=None)
    )


def _invites_owed() -> object:
    """Nobody invited yet, or someone given a role since the last invitations."""
    newer_role = (
        select(CrisisRole.id)
        .where(
            col(CrisisRole.crisis_id) == col(Crisis.id),
            col(CrisisRole.assigned_at) > col(Crisis.invited_at),
        )
        .exists()
    )
    return and_(
        col(Crisis.war_room_channel).is_not(None),
        col(Crisis.war_room_fallback).is_(False),
        or_(col(Crisis.invited_at).is_(None), newer_role),
    )


def invites_owed(*, session: Session, now: datetime) -> list[int]:
    """Crises whose war room exists but whose people were not all invited yet."""
    found = session.exec(
        select(Crisis.id)
        .where(
            _invites_owed(),  # type: ignore[arg-type]
            _free(Crisis.room_lease_until, now),  # type: ignore[arg-type]
        )
        .order_by(col(Crisis.id))
    ).all()
    return [crisis_id for crisis_id in found if crisis_id is not None]


def take_invite_lease(
    *, session: Session, crisis_id: int, now: datetime, lease: timedelta = ROOM_LEASE
) -> Crisis | None:
    """Hold the invitations of ``crisis_id``'s war room; None when done or held.

    ``now`` becomes ``invited_at`` once done: a role given after it (even while the invites
    run) is invited next tick."""
    taken = session.execute(
        update(Crisis)
        .where(
            col(Crisis.id) == crisis_id,
            _invites_owed(),  # type: ignore[arg-type]
            _free(Crisis.room_lease_until, now),  # type: ignore[arg-type]
        )
        .values(room_lease_until=now + lease)
        .returning(col(Crisis.id))
    ).first()
    return None if taken is None else _crisis(session, crisis_id)


def mark_invited(*, session: Session, crisis_id: int, now: datetime) -> None:
    session.execute(
        update(Crisis)
        .where(col(Crisis.id) == crisis_id)
        .values(invited_at=now, room_lease_until=None)
    )


def release_invites(*, session: Session, crisis_id: int) -> None:
    session.execute(update(Crisis).where(col(Crisis.id) == crisis_id).values(room_lease_until=None))


def role_holders(*, session: Session, crisis_id: int) -> list[str]:
    return list(
        session.exec(
            select(CrisisRole.user_id)
            .where(CrisisRole.crisis_id == crisis_id)
            .order_by(col(CrisisRole.id))
        ).all()
    )


# -- status updates -------------------------------------------------------------------------------


def owe_due_updates(*, session: Session, now: datetime, every: timedelta) -> int:
    """Owe the status update of the running crisis (or drill) whose time came; how many owed.

    ``next_update_at`` moves first, by a conditional UPDATE on the value read, so of two clocks
    only one moves it and owes the update; after downtime it moves past ``now`` in one step
    (one catch-up status, not one per missed slot). The slot is the time it was due.
    """
    crisis = session.exec(
        select(Crisis).where(
            Crisis.running_key == RUNNING,
            col(Crisis.next_update_at).is_not(None),
            col(Crisis.next_update_at) <= now,
        )
    ).first()
    if crisis is None or crisis.id is None or crisis.next_update_at is None:
        return 0
    due = crisis.next_update_at
    missed = (now - due) // every
    moved = session.execute(
        update(Crisis)
        .where(col(Crisis.id) == crisis.id, col(Crisis.next_update_at) == due)
        .values(next_update_at=due + every * (missed + 1))
        .returning(col(Crisis.id))
    ).first()
    if moved is None:
        return 0
    owed = owe_post(
        session=session,
        kind=PostKind.UPDATE,
        now=now,
        crisis_id=crisis.id,
        slot=due.isoformat(),
        due_at=now,
    )
    return 1 if owed else 0


# -- posts ----------------------------------------------------------------------------------------


def _has_channel() -> object:
    """The post knows where it goes: its own channel, or its crisis's war room, made."""
    room_made = (
        select(Crisis.id)
        .where(
            col(Crisis.id) == col(CrisisPost.crisis_id),
            col(Crisis.war_room_channel).is_not(None),
        )
        .exists()
    )
    return or_(col(CrisisPost.channel_id).is_not(None), room_made)


def _post_owed(now: datetime) -> object:
    return and_(
        col(CrisisPost.posted_at).is_(None),
        col(CrisisPost.given_up_at).is_(None),
        col(CrisisPost.due_at) <= now,
        _has_channel(),  # type: ignore[arg-type]
    )


def _redraw_owed() -> object:
    return and_(
        col(CrisisPost.posted_at).is_not(None),
        col(CrisisPost.given_up_at).is_(None),
        or_(
            col(CrisisPost.drawn_version).is_(None),
            col(CrisisPost.version) > col(CrisisPost.drawn_version),
        ),
    )


def owed_posts(*, session: Session, now: datetime, limit: int = 200) -> list[int]:
    """Posts to post or to redraw that nobody holds, oldest first."""
    found = session.exec(
        select(CrisisPost.id)
        .where(
            or_(_post_owed(now), _redraw_owed()),  # type: ignore[arg-type]
            _free(CrisisPost.lease_until, now),  # type: ignore[arg-type]
        )
        .order_by(col(CrisisPost.id))
        .limit(limit)
    ).all()
    return [post_id for post_id in found if post_id is not None]


def take_post_lease(
    *, session: Session, post_id: int, now: datetime, lease: timedelta = POST_LEASE
) -> CrisisPost | None:
    """Hold an owed, unposted post, counting the attempt; None otherwise.

    ``attempts`` above 1 on the returned post means an earlier attempt may have reached Slack.
    """
    taken = session.execute(
        update(CrisisPost)
        .where(
            col(CrisisPost.id) == post_id,
            _post_owed(now),  # type: ignore[arg-type]
            _free(CrisisPost.lease_until, now),  # type: ignore[arg-type]
        )
        .values(lease_until=now + lease, attempts=col(CrisisPost.attempts) + 1)
        .returning(col(CrisisPost.id))
    ).first()
    return None if taken is None else _post(session, post_id)


def take_redraw_lease(
    *, session: Session, post_id: int, now: datetime, lease: timedelta = POST_LEASE
) -> CrisisPost | None:
    """Hold a posted message that is behind its post's version; None otherwise."""
    taken = session.execute(
        update(CrisisPost)
        .where(
            col(CrisisPost.id) == post_id,
            _redraw_owed(),  # type: ignore[arg-type]
            _free(CrisisPost.lease_until, now),  # type: ignore[arg-type]
        )
        .values(lease_until=now + lease)
        .returning(col(CrisisPost.id))
    ).first()
    return None if taken is None else _post(session, post_id)


def mark_posted(
    *,
    session: Session,
    post_id: int,
    now: datetime,
    channel_id: str,
    message_ts: str,
    drawn_version: int,
) -> bool:
    """The post is in ``channel_id`` at ``message_ts``, showing ``drawn_version``."""
    posted = session.execute(
        update(CrisisPost)
        .where(col(CrisisPost.id) == post_id, col(CrisisPost.posted_at).is_(None))
        .values(
            posted_at=now,
            channel_id=channel_id,
            message_ts=message_ts,
            drawn_version=drawn_version,
            lease_until=None,
            last_error=None,
        )
        .returning(col(CrisisPost.id))
    ).first()
    return posted is not None


def mark_drawn(*, session: Session, post_id: int, drawn_version: int) -> int | None:
    """The message shows ``drawn_version`` now; the post's version now (None: the row is gone).

    Never moves ``drawn_version`` back: a slow redraw of an older version that lands after a
    newer one leaves the newer one recorded (and the newer check redraws again if needed).
    """
    session.execute(
        update(CrisisPost)
        .where(
            col(CrisisPost.id) == post_id,
            or_(
                col(CrisisPost.drawn_version).is_(None),
                col(CrisisPost.drawn_version) < drawn_version,
            ),
        )
        .values(drawn_version=drawn_version)
    )
    return session.exec(select(CrisisPost.version).where(CrisisPost.id == post_id)).first()


def release_post(*, session: Session, post_id: int, error: str | None = None) -> None:
    """Work on the post failed (or was handed back): the next tick tries again."""
    values: dict[str, object] = {"lease_until": None}
    if error is not None:
        values["last_error"] = error[:ERROR_LENGTH]
    session.execute(update(CrisisPost).where(col(CrisisPost.id) == post_id).values(**values))


def give_up(*, session: Session, post_id: int, now: datetime, error: str) -> bool:
    """Slack will never take this post (or its redraw): stop trying; True the first time."""
    given_up = session.execute(
        update(CrisisPost)
        .where(col(CrisisPost.id) == post_id, col(CrisisPost.given_up_at).is_(None))
        .values(given_up_at=now, lease_until=None, last_error=error[:ERROR_LENGTH])
        .returning(col(CrisisPost.id))
    ).first()
    return given_up is not None
