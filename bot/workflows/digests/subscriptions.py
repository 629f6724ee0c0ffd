"""Which channels get a daily digest, at what local time, in which time zone, and weekly or not.

Parsing is pure (``parse_subscribe_args`` and friends raise a :class:`SubscriptionError` subclass
that says what was wrong; the builders word it). The store functions take a Session and plain
data, write one audit entry per change (subject type ``digest_subscription``, subject the channel
id), and leave the commit to the caller. A channel has one row for good (unique ``channel_id``):
unsubscribing stamps ``unsubscribed_at``; subscribing again brings the same row back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from sqlalchemy import update
from sqlmodel import Session, col, select

from bot.store.claims import insert_unless_taken
from bot.store.models import DigestSubscription
from bot.store.rows import lock_row
from bot.workflows.audit import record_audit
from bot.workflows.digests.schedule import due_moment, parse_local_time

SUBJECT_TYPE = "digest_subscription"
DEFAULT_TIME = "09:00"
ACTIVE, UNSUBSCRIBED = "active", "unsubscribed"
# The column's width; no IANA name comes near it (the longest is 32 characters).
ZONE_MAX_CHARS = 64

_NOT_ZONES = frozenset({"localtime", "factory", "posixrules"})
# A channel picked from Slack's autocomplete: <#C123ABC|name>, <#C123ABC|> or <#C123ABC>.
_CHANNEL_MENTION = re.compile(r"<#(?P<id>[CG][A-Z0-9]{2,30})(?:\|(?P<name>[^>]*))?>")
# A channel typed by name, as /social's unescaped text brings one (Slack's channel name rules:
# lowercase letters, digits, hyphens and underscores, at most 80 characters). Names are lowercase
# on Slack, so "#Marketing" can only mean #marketing.
_CHANNEL_NAME = re.compile(r"#(?P<name>[a-z0-9_-]{1,80})")
_HH_MM = re.compile(r"(?P<hour>[01]?\d|2[0-3]):(?P<minute>[0-5]\d)")
# What a person means as a time, valid or not ("9", "9am", "24:00", "noon"): refused with the
# format rather than read as a zone.
_TIME_LIKE = re.compile(r"\d{1,4}([:.h]\d*)?\s*([ap]\.?m\.?)?|noon|midnight", re.IGNORECASE)
# Characters of IANA names (Etc/GMT+5, America/Port-au-Prince); anything else is not a zone.
_ZONE_CHARS = re.compile(r"[A-Za-z][A-Za-z0-9_+\-]*(/[A-Za-z0-9][A-Za-z0-9_+\-]*)*")


class SubscriptionError(ValueError):
    """A subscription command that cannot be carried out; ``value`` is what the person typed."""

    def __init__(self, value: str = "") -> None:
        super().__init__(value)
        self.value = value


class BadTime(SubscriptionError):
    """Not an HH:MM 24-hour time."""


class UnknownZone(SubscriptionError):
    """Not an IANA time zone name."""


class UnknownChannel(SubscriptionError):
    """A typed ``#name`` no channel the bot can see has (``value`` is the name, without ``#``)."""


class UnreadableWord(SubscriptionError):
    """A word that is neither a channel, a time nor a time zone."""


class RepeatedArgument(SubscriptionError):
    """Two channels, two times or two zones: which one was meant? (``value`` says which kind)"""


class NotSubscribed(SubscriptionError):
    """The channel has no active subscription (``value`` is its id)."""


@dataclass(frozen=True)
class ChannelWord:
    """A channel as typed: its id (a mention) or its name (``#name``, looked up in Slack later)."""

    id: str | None = None
    name: str | None = None


@dataclass(frozen=True)
class SubscribeArgs:
    """What ``/social digest subscribe`` was given; None where the default applies (a channel
    comes as ``channel_id`` or, typed by name, as ``channel_name``)."""

    channel_id: str | None = None
    local_time: str | None = None
    timezone: str | None = None
    channel_name: str | None = None


@dataclass(frozen=True)
class Subscribed:
    subscription: DigestSubscription
    created: bool  # a new channel, or one that was unsubscribed, rather than a change of time


# -- parsing --------------------------------------------------------------------------------------


def parse_subscribe_args(text: str) -> SubscribeArgs:
    """``"<#C1|news> 08:30 Europe/Berlin"`` in any order → the three parts; each may be left out.

    A word is a channel when it is a channel mention or a typed ``#name``, a time when it looks
    like one (then it must be HH:MM), and otherwise a time zone.
    """
    channel: ChannelWord | None = None
    local_time: str | None = None
    zone: str | None = None
    for word in text.split():
        if word.startswith(("<#", "#")):
            if channel is not None:
                raise RepeatedArgument("channel")
            channel = parse_channel(word)
        elif _TIME_LIKE.fullmatch(word):
            if local_time is not None:
                raise RepeatedArgument("time")
            local_time = parse_time(word)
        else:
            if zone is not None:
                raise RepeatedArgument("time zone")
            zone = check_zone(word)
    return SubscribeArgs(
        channel_id=channel.id if channel else None,
        local_time=local_time,
        timezone=zone,
        channel_name=channel.name if channel else None,
    )


def parse_channel_only(text: str) -> ChannelWord | None:
    """The optional channel of ``unsubscribe`` / ``weekly``; None for nothing (this channel)."""
    words = text.split()
    if not words:
        return None
    if len(words) > 1:
        raise UnreadableWord(words[1])
    return parse_channel(words[0])


def parse_channel(word: str) -> ChannelWord:
    """A channel mention's id, or a typed ``#name`` (lowercased); anything else is refused."""
    matched = _CHANNEL_MENTION.fullmatch(word)
    if matched is not None:
        return ChannelWord(id=matched.group("id"))
    named = _CHANNEL_NAME.fullmatch(word.lower())
    if named is not None:
        return ChannelWord(name=named.group("name"))
    raise UnreadableWord(word)


def parse_time(text: str) -> str:
    """``"9:00"`` → ``"09:00"``; anything but a 24-hour HH:MM raises :class:`BadTime`."""
    matched = _HH_MM.fullmatch(text.strip())
    if matched is None:
        raise BadTime(text)
    return f"{int(matched.group('hour')):02d}:{matched.group('minute')}"


def check_zone(name: str) -> str:
    """The IANA name ``name`` stands for (case as in the database: ``europe/berlin`` →
    ``Europe/Berlin``); anything zoneinfo does not know raises :class:`UnknownZone`.

    The shape is checked before zoneinfo sees it: a key like ``../../etc/passwd`` names a
    path, and zoneinfo would open it.
    """
    candidate = name.strip()
    if not candidate or len(candidate) > ZONE_MAX_CHARS or not _ZONE_CHARS.fullmatch(candidate):
        raise UnknownZone(name)
    known = _zone_names()
    if known and candidate.lower() not in known:
        raise UnknownZone(name)
    canonical = known.get(candidate.lower(), candidate)
    try:
        ZoneInfo(canonical)
    except (ZoneInfoNotFoundError, ValueError, OSError) as unknown:
        raise UnknownZone(name) from unknown
    return canonical


@lru_cache(maxsize=1)
def _zone_names() -> dict[str, str]:
    """Every zone name zoneinfo knows, by its lower case: one walk of the database per process.

    Without the host's own files: ``localtime`` is whatever this machine is set to, and
    ``Factory`` means "zone not set".
    """
    return {zone.lower(): zone for zone in available_timezones() if zone.lower() not in _NOT_ZONES}


# -- the store ------------------------------------------------------------------------------------


def subscribe(
    *,
    session: Session,
    channel_id: str,
    local_time: str,
    timezone: str,
    actor_id: str,
    now: datetime,
) -> Subscribed:
    """Subscribe ``channel_id`` (or change its time and zone); runs fall due from ``now`` on.

    One row per channel even when two people subscribe it at once: the insert does nothing
    when the channel's row exists (the unique key decides), and the loser updates the winner's
    row under its lock instead. A subscription that was unsubscribed comes back daily only.
    """
    local_time, timezone = parse_time(local_time), check_zone(timezone)
    new_id = insert_unless_taken(
        session=session,
        table=DigestSubscription,
        values={
            "channel_id": channel_id,
            "local_time": local_time,
            "timezone": timezone,
            "weekly": False,
            "created_by": actor_id,
            "created_at": now,
            "updated_at": now,
            "active_since": now,
            "unsubscribed_at": None,
        },
    )
    if new_id is not None:
        row = session.get(DigestSubscription, new_id)
        assert row is not None
        _audit(session, row, actor_id, now, "subscribe", None, ACTIVE)
        return Subscribed(subscription=row, created=True)
    row = _locked(session, channel_id)
    was = ACTIVE if row.unsubscribed_at is None else UNSUBSCRIBED
    if was == UNSUBSCRIBED:
        row.weekly = False
        row.created_by = actor_id
    row.local_time, row.timezone = local_time, timezone
    row.unsubscribed_at = None
    row.active_since = now
    row.updated_at = now
    session.add(row)
    session.flush()
    _audit(session, row, actor_id, now, "subscribe", was, ACTIVE)
    return Subscribed(subscription=row, created=was == UNSUBSCRIBED)


def unsubscribe(*, session: Session, channel_id: str, actor_id: str, now: datetime) -> bool:
    """End the channel's subscription; False when it had none (nothing changes then)."""
    # One conditional UPDATE: of two unsubscribes at once, exactly one finds the row active.
    ended = session.execute(
        update(DigestSubscription)
        .where(
            col(DigestSubscription.channel_id) == channel_id,
            col(DigestSubscription.unsubscribed_at).is_(None),
        )
        .values(unsubscribed_at=now, updated_at=now)
        .returning(col(DigestSubscription.id))
    ).first()
    if ended is None:
        return False
    row = session.get(DigestSubscription, ended[0], populate_existing=True)
    assert row is not None
    _audit(session, row, actor_id, now, "unsubscribe", ACTIVE, UNSUBSCRIBED)
    return True


def set_weekly(
    *, session: Session, channel_id: str, weekly: bool, actor_id: str, now: datetime
) -> DigestSubscription:
    """Turn the Monday summary on or off; :class:`NotSubscribed` when the channel has no digest."""
    row = _locked(session, channel_id)
    if row.unsubscribed_at is not None:
        raise NotSubscribed(channel_id)
    row.weekly = weekly
    row.updated_at = now
    session.add(row)
    session.flush()
    _audit(session, row, actor_id, now, "weekly_on" if weekly else "weekly_off", ACTIVE, ACTIVE)
    return row


def active_subscription(*, session: Session, channel_id: str) -> DigestSubscription | None:
    statement = select(DigestSubscription).where(
        DigestSubscription.channel_id == channel_id,
        col(DigestSubscription.unsubscribed_at).is_(None),
    )
    return session.exec(statement).first()


def list_subscriptions(*, session: Session) -> list[DigestSubscription]:
    """Every active subscription, by local time then channel (the order a morning goes in)."""
    statement = (
        select(DigestSubscription)
        .where(col(DigestSubscription.unsubscribed_at).is_(None))
        .order_by(col(DigestSubscription.local_time), col(DigestSubscription.channel_id))
    )
    return list(session.exec(statement))


def next_due(*, local_time: str, timezone: str, now: datetime) -> datetime:
    """When the next daily digest falls due at or after ``now``, in the subscription's zone.

    The day's moment is the clock's own (``schedule.due_moment``, where the DST rule lives), so
    the confirmation promises the moment the clock will send it.
    """
    zone = ZoneInfo(timezone)
    at = parse_local_time(local_time)
    today: date = now.astimezone(zone).date()
    for offset in range(3):
        due = due_moment(today + timedelta(days=offset), at, zone)
        if due >= now:
            return due.astimezone(zone)
    raise AssertionError("a daily time falls due within three days")


def _locked(session: Session, channel_id: str) -> DigestSubscription:
    found = session.exec(
        select(DigestSubscription.id).where(DigestSubscription.channel_id == channel_id)
    ).first()
    row = lock_row(session, DigestSubscription, found) if found is not None else None
    if row is None:
        raise NotSubscribed(channel_id)
    return row


def _audit(
    session: Session,
    row: DigestSubscription,
    actor_id: str,
    now: datetime,
    action: str,
    from_state: str | None,
    to_state: str,
) -> None:
    record_audit(
        session=session,
        at=now,
        actor_id=actor_id,
        action=action,
        subject_type=SUBJECT_TYPE,
        subject_id=row.channel_id,
        from_state=from_state,
        to_state=to_state,
        note=f"{row.local_time} {row.timezone}" + (", weekly" if row.weekly else ""),
    )
