"""Digest subscriptions: reading `/social digest subscribe` arguments, refusing every bad one, and
one row per channel in the store however the subscribes come (again, at once, after an
unsubscribe), each change audited."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from bot.services import Services
from bot.store.db import session_scope
from bot.store.models import AuditEntry, DigestSubscription
from bot.workflows.digests.schedule import due_slots
from bot.workflows.digests.subscriptions import (
    SUBJECT_TYPE,
    BadTime,
    ChannelWord,
    NotSubscribed,
    RepeatedArgument,
    SubscribeArgs,
    Subscribed,
    UnknownZone,
    UnreadableWord,
    check_zone,
    list_subscriptions,
    next_due,
    parse_channel_only,
    parse_subscribe_args,
    parse_time,
    set_weekly,
    subscribe,
    unsubscribe,
)
from tests.concurrency import race

NOW = datetime(2026, 11, 30, 21, 0, tzinfo=UTC)
NEWS, LOUNGE = "C0NEWS", "C0LOUNGE"
MARIA, PRIYA = "U0AUTHOR", "U0ADMIN"

# -- parsing --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", SubscribeArgs()),
        ("08:30", SubscribeArgs(local_time="08:30")),
        ("9:00", SubscribeArgs(local_time="09:00")),
        ("Europe/Berlin", SubscribeArgs(timezone="Europe/Berlin")),
        ("europe/berlin", SubscribeArgs(timezone="Europe/Berlin")),
        ("UTC", SubscribeArgs(timezone="UTC")),
        ("<#C0NEWS|news>", SubscribeArgs(channel_id=NEWS)),
        ("<#C0NEWS>", SubscribeArgs(channel_id=NEWS)),
        ("<#C0NEWS|>", SubscribeArgs(channel_id=NEWS)),
        (
            "<#C0NEWS|news> 23:59 America/New_York",
            SubscribeArgs(channel_id=NEWS, local_time="23:59", timezone="America/New_York"),
        ),
        (
            "Asia/Tokyo  00:00\t<#G0PRIV|secret>",
            SubscribeArgs(channel_id="G0PRIV", local_time="00:00", timezone="Asia/Tokyo"),
        ),
        ("Etc/GMT+5 7:05", SubscribeArgs(local_time="07:05", timezone="Etc/GMT+5")),
        # Typed names (how /social's unescaped text brings any channel): found later by name.
        ("#marketing 08:00", SubscribeArgs(channel_name="marketing", local_time="08:00")),
        ("UTC #Sales_EU-2", SubscribeArgs(channel_name="sales_eu-2", timezone="UTC")),
        ("#" + "n" * 80, SubscribeArgs(channel_name="n" * 80)),
    ],
)
def test_subscribe_arguments_in_any_order(text: str, expected: SubscribeArgs) -> None:
    assert parse_subscribe_args(text) == expected


@pytest.mark.parametrize(
    "text", ["24:00", "9", "noon", "midnight", "9am", "9:00pm", "09:60", "9.30", "0930", "9:5"]
)
def test_a_bad_time_is_refused_as_a_time(text: str) -> None:
    with pytest.raises(BadTime) as refused:
        parse_subscribe_args(f"<#C0NEWS|news> {text}")
    assert refused.value.value == text
    with pytest.raises(BadTime):
        parse_time(text)


@pytest.mark.parametrize(
    "text",
    [
        "Mars/Olympus",
        "../../etc/passwd",
        "/etc/passwd",
        "Europe/../../../etc/passwd",
        "Europe//Berlin",
        "localtime ",
        "Berlin",
        "x" * 10_000,
        "{{ 7*7 }}",
        "<!channel>",
        "Europe/Berlin\x00",
    ],
)
def test_an_unknown_zone_is_refused(text: str) -> None:
    with pytest.raises(UnknownZone):
        check_zone(text)


def test_an_empty_zone_is_refused() -> None:
    with pytest.raises(UnknownZone):
        check_zone("")
    with pytest.raises(UnknownZone):
        check_zone("   ")


@pytest.mark.parametrize(
    ("text", "error", "value"),
    [
        ("Mars/Olympus", UnknownZone, "Mars/Olympus"),
        ("../../etc/passwd", UnknownZone, "../../etc/passwd"),
        ("<!channel>", UnknownZone, "<!channel>"),
        ("{{ 7*7 }}", UnknownZone, "{{"),
        ("#news!", UnreadableWord, "#news!"),
        ("#", UnreadableWord, "#"),
        ("#" + "n" * 81, UnreadableWord, "#" + "n" * 81),
        ("#news <#C0NEWS|news>", RepeatedArgument, "channel"),
        ("<#news>", UnreadableWord, "<#news>"),
        ("<#C0NEWS|news> <#C0LOUNGE|lounge>", RepeatedArgument, "channel"),
        ("08:00 09:00", RepeatedArgument, "time"),
        ("UTC Europe/Berlin", RepeatedArgument, "time zone"),
        ("09:00 " + "y" * 10_000, UnknownZone, "y" * 10_000),
    ],
)
def test_what_cannot_be_read_says_which_word(text: str, error: type[Exception], value: str) -> None:
    with pytest.raises(error) as refused:
        parse_subscribe_args(text)
    assert getattr(refused.value, "value", None) == value


def test_the_channel_of_unsubscribe_and_weekly() -> None:
    assert parse_channel_only("") is None
    assert parse_channel_only(" <#C0NEWS|news> ") == ChannelWord(id=NEWS)
    assert parse_channel_only("#News") == ChannelWord(name="news")
    with pytest.raises(UnreadableWord):
        parse_channel_only("#news?")
    with pytest.raises(UnreadableWord):
        parse_channel_only("<#C0NEWS|news> extra")
    with pytest.raises(UnreadableWord):
        parse_channel_only("news")


def test_next_due_is_the_next_local_time_in_the_zone() -> None:
    berlin = "Europe/Berlin"
    # 21:00 UTC is 22:00 in Berlin: today's 09:00 is past, tomorrow's is next.
    assert next_due(local_time="09:00", timezone=berlin, now=NOW) == datetime(
        2026, 12, 1, 9, 0, tzinfo=ZoneInfo(berlin)
    )
    assert next_due(local_time="23:30", timezone=berlin, now=NOW) == datetime(
        2026, 11, 30, 23, 30, tzinfo=ZoneInfo(berlin)
    )


def test_next_due_on_a_spring_forward_day_is_an_hour_later() -> None:
    # 02:30 does not exist in New York on 2026-03-08: it goes out at 03:30 EDT.
    before = datetime(2026, 3, 8, 5, 0, tzinfo=UTC)  # 00:00 EST
    due = next_due(local_time="02:30", timezone="America/New_York", now=before)
    assert due.astimezone(UTC) == datetime(2026, 3, 8, 7, 30, tzinfo=UTC)
    assert (due.hour, due.minute) == (3, 30)


@pytest.mark.parametrize(
    ("local_time", "zone", "now"),
    [
        ("09:00", "Europe/Berlin", NOW),
        ("02:30", "America/New_York", datetime(2026, 3, 8, 5, 0, tzinfo=UTC)),  # skipped
        ("02:30", "Europe/Berlin", datetime(2026, 3, 28, 23, 0, tzinfo=UTC)),  # skipped
        ("02:30", "Europe/Berlin", datetime(2026, 10, 24, 22, 0, tzinfo=UTC)),  # twice
        ("01:30", "America/New_York", datetime(2026, 11, 1, 4, 0, tzinfo=UTC)),  # twice
        ("00:00", "Asia/Tokyo", datetime(2026, 11, 30, 15, 0, tzinfo=UTC)),  # due right now
    ],
)
def test_the_promised_moment_is_the_one_the_clock_sends(
    local_time: str, zone: str, now: datetime
) -> None:
    # A subscription made at `now`: the clock's first slot for it is the confirmation's moment.
    promised = next_due(local_time=local_time, timezone=zone, now=now)
    subscription = SimpleNamespace(
        local_time=local_time, timezone=zone, weekly=False, active_since=now
    )
    [first] = [
        slot
        for moment in (promised - timedelta(minutes=1), promised)
        for slot in due_slots(subscription, moment, timedelta(hours=3))
    ]
    # In UTC: a local time that happens twice never equals a moment in another zone (PEP 495).
    assert first.due_at == promised.astimezone(UTC)
    assert first.send


# -- the store ------------------------------------------------------------------------------------


def do_subscribe(
    services: Services,
    channel: str = NEWS,
    local_time: str = "09:00",
    zone: str = "Europe/Berlin",
    *,
    actor: str = MARIA,
    now: datetime = NOW,
) -> Subscribed:
    with session_scope(services.sessions) as session:
        done = subscribe(
            session=session,
            channel_id=channel,
            local_time=local_time,
            timezone=zone,
            actor_id=actor,
            now=now,
        )
        session.expunge(done.subscription)
        return done


def rows(services: Services) -> list[DigestSubscription]:
    with session_scope(services.sessions) as session:
        return list(session.exec(select(DigestSubscription).order_by(DigestSubscription.id)))  # type: ignore[arg-type]


def trail(services: Services) -> list[tuple[str, str, str | None, str | None]]:
    with session_scope(services.sessions) as session:
        entries = session.exec(
            select(AuditEntry)
            .where(AuditEntry.subject_type == SUBJECT_TYPE)
            .order_by(AuditEntry.id)  # type: ignore[arg-type]
        )
        return [(e.action, e.subject_id, e.from_state, e.to_state) for e in entries]


def test_subscribe_stores_one_row_and_audits_it(services: Services) -> None:
    done = do_subscribe(services)
    assert done.created
    [row] = rows(services)
    assert (row.channel_id, row.local_time, row.timezone, row.weekly) == (
        NEWS,
        "09:00",
        "Europe/Berlin",
        False,
    )
    assert (row.created_by, row.active_since, row.unsubscribed_at) == (MARIA, NOW, None)
    assert trail(services) == [("subscribe", NEWS, None, "active")]


def test_subscribing_again_changes_the_time_and_restarts_the_subscription(
    services: Services,
) -> None:
    do_subscribe(services)
    later = NOW + timedelta(hours=1)
    done = do_subscribe(services, local_time="7:15", zone="Asia/Tokyo", actor=PRIYA, now=later)
    assert not done.created
    [row] = rows(services)
    assert (row.local_time, row.timezone, row.active_since, row.updated_at) == (
        "07:15",
        "Asia/Tokyo",
        later,
        later,
    )
    assert row.created_by == MARIA  # who started it; the audit says who changed it
    assert trail(services)[-1] == ("subscribe", NEWS, "active", "active")


def test_subscribing_after_unsubscribing_brings_the_row_back_daily_only(
    services: Services,
) -> None:
    do_subscribe(services)
    with session_scope(services.sessions) as session:
        set_weekly(session=session, channel_id=NEWS, weekly=True, actor_id=MARIA, now=NOW)
        assert unsubscribe(session=session, channel_id=NEWS, actor_id=MARIA, now=NOW)
    [gone] = rows(services)
    assert gone.unsubscribed_at == NOW
    back_at = NOW + timedelta(days=2)
    done = do_subscribe(services, local_time="10:00", actor=PRIYA, now=back_at)
    assert done.created
    [row] = rows(services)
    assert (row.id, row.unsubscribed_at, row.active_since, row.weekly, row.created_by) == (
        gone.id,
        None,
        back_at,
        False,
        PRIYA,
    )
    assert [entry[0] for entry in trail(services)] == [
        "subscribe",
        "weekly_on",
        "unsubscribe",
        "subscribe",
    ]
    assert trail(services)[-1] == ("subscribe", NEWS, "unsubscribed", "active")


def test_ten_subscribes_at_once_leave_one_row(services: Services) -> None:
    zones = ["Europe/Berlin", "Asia/Tokyo", "UTC", "America/New_York", "Europe/Paris"] * 2
    outcomes = race(10, lambda i: do_subscribe(services, local_time=f"0{i}:00", zone=zones[i]))
    assert sum(done.created for done in outcomes) == 1
    [row] = rows(services)
    assert row.channel_id == NEWS
    # The row holds one of the racers' choices, whole: never a time from one and a zone from
    # another.
    assert (row.local_time, row.timezone) in {(f"0{i}:00", zones[i]) for i in range(10)}
    assert len(trail(services)) == 10


def test_a_subscribe_with_a_bad_time_or_zone_stores_nothing(services: Services) -> None:
    with pytest.raises(BadTime):
        do_subscribe(services, local_time="24:00")
    with pytest.raises(UnknownZone):
        do_subscribe(services, zone="Mars/Olympus")
    assert rows(services) == []
    assert trail(services) == []


def test_unsubscribe_what_is_not_subscribed_changes_nothing(services: Services) -> None:
    with session_scope(services.sessions) as session:
        assert not unsubscribe(session=session, channel_id=NEWS, actor_id=MARIA, now=NOW)
    do_subscribe(services)
    with session_scope(services.sessions) as session:
        assert unsubscribe(session=session, channel_id=NEWS, actor_id=MARIA, now=NOW)
    with session_scope(services.sessions) as session:
        assert not unsubscribe(session=session, channel_id=NEWS, actor_id=MARIA, now=NOW)
    assert [entry[0] for entry in trail(services)] == ["subscribe", "unsubscribe"]


def test_two_unsubscribes_at_once_end_it_once(services: Services) -> None:
    do_subscribe(services)

    def end(_: int) -> bool:
        with session_scope(services.sessions) as session:
            return unsubscribe(session=session, channel_id=NEWS, actor_id=MARIA, now=NOW)

    assert sorted(race(5, end)) == [False, False, False, False, True]
    assert [entry[0] for entry in trail(services)] == ["subscribe", "unsubscribe"]


def test_weekly_on_and_off(services: Services) -> None:
    do_subscribe(services)
    with session_scope(services.sessions) as session:
        row = set_weekly(session=session, channel_id=NEWS, weekly=True, actor_id=PRIYA, now=NOW)
        assert row.weekly
    assert rows(services)[0].weekly
    with session_scope(services.sessions) as session:
        set_weekly(session=session, channel_id=NEWS, weekly=False, actor_id=PRIYA, now=NOW)
    assert not rows(services)[0].weekly
    assert [entry[0] for entry in trail(services)][1:] == ["weekly_on", "weekly_off"]


def test_weekly_on_a_channel_without_a_digest_is_refused(services: Services) -> None:
    with session_scope(services.sessions) as session, pytest.raises(NotSubscribed):
        set_weekly(session=session, channel_id=NEWS, weekly=True, actor_id=MARIA, now=NOW)
    do_subscribe(services)
    with session_scope(services.sessions) as session:
        unsubscribe(session=session, channel_id=NEWS, actor_id=MARIA, now=NOW)
    with session_scope(services.sessions) as session, pytest.raises(NotSubscribed):
        set_weekly(session=session, channel_id=NEWS, weekly=True, actor_id=MARIA, now=NOW)
    assert not rows(services)[0].weekly
    assert [entry[0] for entry in trail(services)] == ["subscribe", "unsubscribe"]


def test_the_list_holds_active_subscriptions_by_time(services: Services) -> None:
    do_subscribe(services, NEWS, "09:00")
    do_subscribe(services, LOUNGE, "07:00", "Asia/Tokyo")
    do_subscribe(services, "C0GONE", "08:00")
    with session_scope(services.sessions) as session:
        unsubscribe(session=session, channel_id="C0GONE", actor_id=MARIA, now=NOW)
    with session_scope(services.sessions) as session:
        listed = [(s.channel_id, s.local_time) for s in list_subscriptions(session=session)]
    assert listed == [(LOUNGE, "07:00"), (NEWS, "09:00")]
