"""The digest subscription answers: confirmations with the next due time, the list within Slack's
limits, and errors that echo what was typed without letting it mention or render anything."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.blocks.digest_subscriptions import (
    LIST_ROWS,
    build_subscription_list,
    channel_lookup_failed_text,
    error_text,
    not_in_channel_text,
    subscribed_text,
    unsubscribed_text,
    usage_text,
    weekly_text,
)
from bot.store.models import DigestSubscription
from bot.workflows.digests.subscriptions import (
    BadTime,
    NotSubscribed,
    RepeatedArgument,
    SubscriptionError,
    UnknownChannel,
    UnknownZone,
    UnreadableWord,
)
from slack_emulator.block_limits import check_message

NOW = datetime(2026, 11, 30, 21, 0, tzinfo=UTC)


def subscription(
    channel: str = "C0NEWS", at: str = "09:00", zone: str = "Europe/Berlin", weekly: bool = False
) -> DigestSubscription:
    return DigestSubscription(
        channel_id=channel,
        local_time=at,
        timezone=zone,
        weekly=weekly,
        created_by="U0AUTHOR",
        created_at=NOW,
        updated_at=NOW,
        active_since=NOW,
    )


def test_the_confirmation_names_channel_time_zone_and_the_next_digest() -> None:
    due = datetime(2026, 12, 1, 9, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    text = subscribed_text(subscription(), next_due=due, created=True)
    assert text == (
        "Subscribed: <#C0NEWS> gets the daily digest at 09:00 (Europe/Berlin); "
        "the next one Tue 1 Dec at 09:00 CET."
    )
    changed = subscribed_text(subscription(weekly=True), next_due=due, created=False)
    assert changed.startswith("Updated: <#C0NEWS>")
    assert "weekly summary on Mondays" in changed


def test_unsubscribe_and_weekly_confirmations() -> None:
    assert unsubscribed_text("C0NEWS") == "Unsubscribed: <#C0NEWS> gets no more digests."
    assert weekly_text(subscription(weekly=True)).startswith("Weekly on: <#C0NEWS>")
    assert weekly_text(subscription()) == "Weekly off: <#C0NEWS> gets the daily digest only."


def test_a_channel_that_is_not_a_channel_id_is_shown_escaped() -> None:
    assert unsubscribed_text("<!channel>") == "Unsubscribed: &lt;!channel&gt; gets no more digests."


def test_the_list_shows_every_subscription() -> None:
    message = build_subscription_list(
        [subscription(), subscription("C0LOUNGE", "07:30", "Asia/Tokyo", weekly=True)]
    )
    shown = json.dumps(message["blocks"], ensure_ascii=False)
    assert "<#C0NEWS> at 09:00 Europe/Berlin" in shown
    assert "<#C0LOUNGE> at 07:30 Asia/Tokyo · weekly on Mondays" in shown
    assert "(2 channels)" in message["text"]
    assert message["response_type"] == "ephemeral"
    assert check_message(message) == []


def test_an_empty_list_says_how_to_start() -> None:
    message = build_subscription_list([])
    assert "/social digest subscribe" in message["text"]
    assert check_message(message) == []


def test_a_long_list_stays_within_slacks_limits_and_says_how_many_more() -> None:
    many = [
        subscription(f"C{index:010d}", "23:59", "America/Argentina/ComodRivadavia", weekly=True)
        for index in range(500)
    ]
    message = build_subscription_list(many)
    assert check_message(message) == []
    shown = json.dumps(message["blocks"], ensure_ascii=False)
    assert shown.count("<#C") == LIST_ROWS
    assert f"and {500 - LIST_ROWS} more" in shown


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (BadTime("9am"), "`9am` isn't a time I can use: give HH:MM, 24-hour"),
        (UnknownZone("Mars/Olympus"), "`Mars/Olympus` isn't a time zone I know"),
        (UnknownZone(""), "That isn't a time zone I know"),
        (UnknownChannel("news"), "I can't find #news — check the name, or invite me there first."),
        (RepeatedArgument("time"), "Give one time only"),
        (NotSubscribed("C0NEWS"), "<#C0NEWS> has no digest subscription"),
        (UnreadableWord("<#nope>"), "I can't read `&lt;#nope&gt;`"),
    ],
)
def test_each_error_is_one_line_that_says_what_to_do(
    error: SubscriptionError, expected: str
) -> None:
    text = error_text(error)
    assert expected in text
    assert "\n" not in text
    assert len(text) < 300


def test_the_zone_error_gives_an_example() -> None:
    assert "`Europe/Berlin`" in error_text(UnknownZone("Mars/Olympus"))
    assert "`09:00`" in error_text(BadTime("24:00"))


@pytest.mark.parametrize("hostile", ["<!channel>", "{{ 7*7 }}", "`<@U0ADMIN>`", "x" * 10_000])
def test_hostile_words_are_echoed_escaped_and_short(hostile: str) -> None:
    for error in (BadTime(hostile), UnknownZone(hostile), UnreadableWord(hostile)):
        text = error_text(error)
        assert "<!" not in text
        assert "<@" not in text
        assert len(text) < 300
        # A backtick in the word cannot close the code span early.
        assert text.count("`") % 2 == 0
    assert "{{ 7*7 }}" in error_text(UnknownZone("{{ 7*7 }}"))


def test_not_in_channel_says_to_invite_the_bot() -> None:
    assert not_in_channel_text("C0LOUNGE") == (
        "I'm not in <#C0LOUNGE>, so I couldn't post its digest: invite me with "
        "`/invite @socialops` in <#C0LOUNGE> first."
    )


def test_a_failed_lookup_says_to_try_again() -> None:
    assert channel_lookup_failed_text("news", "ratelimited") == (
        "Slack didn't let me look up #news (ratelimited); try again in a moment."
    )


def test_usage_names_every_verb() -> None:
    text = usage_text("frobnicate")
    for verb in ("subscribe", "unsubscribe", "list", "now", "weekly on|off"):
        assert f"/social digest {verb}" in text
    assert text.startswith("`frobnicate` isn't a digest command")
