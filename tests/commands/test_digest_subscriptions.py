"""`/social digest` driven as Slack drives it: signed slash commands into the bot, users.info and
conversations.info answered by the emulator, answers read where Slack would show them (the ack's
body, or the response_url), and the store checked after each."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from bot.services import Services
from bot.slack import digest_content
from bot.slack.client import build_web_client
from bot.slack.digest_content import DigestMessage
from bot.store.models import AuditEntry, DigestSubscription
from slack_emulator.signed_client import BotResponse
from tests.commands.test_approvals import wait_until
from tests.harness import RunningBot

MARIA, KENJI = "U0AUTHOR", "U0TOKYO"  # maria's Slack zone is America/New_York, kenji's Tokyo
SOCIAL, SALES, LOUNGE = "C0SOCIAL", "C0SALES", "C0LOUNGE"  # the bot is not in #lounge
NEXT_ONE = re.compile(r"the next one (Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{1,2} [A-Z][a-z]{2} at ")


@pytest.fixture
def digest_bot(bot: RunningBot) -> RunningBot:
    bot.emulator.add_user(KENJI, name="kenji", real_name="Kenji Tokyo", tz="Asia/Tokyo")
    return bot


# -- helpers --------------------------------------------------------------------------------------


def digest(bot: RunningBot, text: str, user: str = MARIA, channel: str = SOCIAL) -> BotResponse:
    response = bot.slack.slash_command(f"digest {text}".strip(), user_id=user, channel_id=channel)
    assert response.status == 200, response.body
    return response


def acked_text(response: BotResponse) -> str:
    """The answer the ack carried (ephemeral), or "" for a bare ack."""
    body = response.json()
    if body is None:
        return ""
    assert body.get("response_type") == "ephemeral", body
    return str(body["text"])


def later_answer(bot: RunningBot, count: int = 1) -> dict[str, Any]:
    """The ``count``-th post to a response_url: what a command said after its ack."""
    call = bot.emulator.wait_for("response_url", count=count)[count - 1]
    assert call.args.get("response_type") == "ephemeral", call.args
    return call.args


def subscriptions(bot: RunningBot) -> list[DigestSubscription]:
    with bot.services.sessions() as session:
        return list(session.exec(select(DigestSubscription).order_by(DigestSubscription.id)))  # type: ignore[arg-type]


def audit_actions(bot: RunningBot) -> list[str]:
    with bot.services.sessions() as session:
        entries = session.exec(
            select(AuditEntry)
            .where(AuditEntry.subject_type == "digest_subscription")
            .order_by(AuditEntry.id)  # type: ignore[arg-type]
        )
        return [entry.action for entry in entries]


def subscribed(bot: RunningBot, text: str = "", user: str = MARIA, channel: str = SOCIAL) -> str:
    """Subscribe and return the confirmation."""
    before = len(bot.emulator.calls_to("response_url"))
    assert acked_text(digest(bot, f"subscribe {text}", user=user, channel=channel)) == ""
    return str(later_answer(bot, before + 1)["text"])


def assert_clean(bot: RunningBot) -> None:
    assert bot.emulator.violations == []


# -- subscribe ------------------------------------------------------------------------------------


def test_subscribe_defaults_to_this_channel_nine_oclock_and_the_users_zone(
    digest_bot: RunningBot,
) -> None:
    text = subscribed(digest_bot, user=KENJI)
    assert text.startswith(
        "Subscribed: <#C0SOCIAL> gets the daily digest at 09:00 (Asia/Tokyo); the next one "
    )
    assert NEXT_ONE.search(text), text
    assert text.endswith(" at 09:00 JST.")
    [row] = subscriptions(digest_bot)
    assert (row.channel_id, row.local_time, row.timezone, row.weekly, row.created_by) == (
        SOCIAL,
        "09:00",
        "Asia/Tokyo",
        False,
        KENJI,
    )
    assert [c.args["user"] for c in digest_bot.emulator.calls_to("users.info")] == [KENJI]
    assert [c.args["channel"] for c in digest_bot.emulator.calls_to("conversations.info")] == [
        SOCIAL
    ]
    assert audit_actions(digest_bot) == ["subscribe"]
    assert_clean(digest_bot)


def test_subscribe_with_channel_time_and_zone_in_any_order(digest_bot: RunningBot) -> None:
    text = subscribed(digest_bot, "17:30 <#C0SALES|sales-team> europe/berlin")
    assert text.startswith(
        "Subscribed: <#C0SALES> gets the daily digest at 17:30 (Europe/Berlin); the next one "
    )
    [row] = subscriptions(digest_bot)
    assert (row.channel_id, row.local_time, row.timezone) == (SALES, "17:30", "Europe/Berlin")
    # The zone was given: nobody's profile was read.
    assert digest_bot.emulator.calls_to("users.info") == []
    assert_clean(digest_bot)


def test_subscribing_again_updates_the_time(digest_bot: RunningBot) -> None:
    subscribed(digest_bot, "9:00 UTC")
    text = subscribed(digest_bot, "7:45")
    assert text.startswith("Updated: <#C0SOCIAL> gets the daily digest at 07:45 (America/New_York)")
    [row] = subscriptions(digest_bot)
    assert (row.local_time, row.timezone) == ("07:45", "America/New_York")


def test_a_user_without_a_usable_zone_gets_the_teams(digest_bot: RunningBot) -> None:
    # users.info failing (or a profile without tz) falls back to SOCIALOPS_TIMEZONE (UTC here).
    digest_bot.emulator.inject("users.info", status=200, error="user_not_found")
    text = subscribed(digest_bot)
    assert text.startswith("Subscribed: <#C0SOCIAL> gets the daily digest at 09:00 (UTC)")


@pytest.mark.parametrize(
    ("args", "channel"),
    [
        ("<#C0LOUNGE|lounge>", LOUNGE),  # public, the bot not invited: is_member false
        ("<#G0SECRET|secret> 08:00", "G0SECRET"),  # private, the bot not in: channel_not_found
        ("<#C0NOWHERE>", "C0NOWHERE"),  # no such channel
    ],
)
def test_a_channel_the_bot_is_not_in_is_refused_and_nothing_stored(
    digest_bot: RunningBot, args: str, channel: str
) -> None:
    digest_bot.emulator.add_channel("G0SECRET", name="secret", is_private=True, members=[MARIA])
    assert acked_text(digest(digest_bot, f"subscribe {args}")) == ""
    text = str(later_answer(digest_bot)["text"])
    assert text == (
        f"I'm not in <#{channel}>, so I couldn't post its digest: invite me with "
        f"`/invite @socialops` in <#{channel}> first."
    )
    assert subscriptions(digest_bot) == []
    assert audit_actions(digest_bot) == []
    assert_clean(digest_bot)


def test_once_invited_the_same_channel_can_be_subscribed(digest_bot: RunningBot) -> None:
    digest(digest_bot, "subscribe <#C0LOUNGE|lounge>")
    later_answer(digest_bot)
    digest_bot.emulator.add_channel(
        LOUNGE, name="lounge", members=[MARIA, digest_bot.emulator.bot_user_id]
    )
    assert subscribed(digest_bot, "<#C0LOUNGE|lounge>").startswith("Subscribed: <#C0LOUNGE>")


def test_a_direct_message_is_no_place_for_a_digest(digest_bot: RunningBot) -> None:
    client = build_web_client(
        token=digest_bot.emulator.bot_token, base_url=digest_bot.emulator.api_url
    )
    dm_id = client.conversations_open(users=MARIA)["channel"]["id"]
    digest(digest_bot, "subscribe", channel=dm_id)
    assert "Digests go to a channel" in str(later_answer(digest_bot)["text"])
    assert subscriptions(digest_bot) == []


# -- a channel typed by name -----------------------------------------------------------------------
# /social is sent unescaped (manifest.yml: should_escape false, so drafts keep their links), so a
# channel named in the text arrives as plain "#name", and the bot looks it up in conversations.list.

MARKETING = "C0MARKET"


def add_marketing(bot: RunningBot, channel_id: str = MARKETING, name: str = "marketing") -> None:
    bot.emulator.add_channel(channel_id, name=name, members=[MARIA, bot.emulator.bot_user_id])


def listings(bot: RunningBot) -> list[dict[str, Any]]:
    return [call.args for call in bot.emulator.calls_to("conversations.list")]


def test_a_typed_channel_name_subscribes_that_channel(digest_bot: RunningBot) -> None:
    add_marketing(digest_bot)
    text = subscribed(digest_bot, "#marketing 08:00 Europe/Berlin")
    assert text.startswith(
        "Subscribed: <#C0MARKET> gets the daily digest at 08:00 (Europe/Berlin); the next one "
    )
    [row] = subscriptions(digest_bot)
    assert (row.channel_id, row.local_time, row.timezone) == (MARKETING, "08:00", "Europe/Berlin")
    [listing] = listings(digest_bot)
    assert listing["types"] == "public_channel,private_channel"
    assert listing["exclude_archived"] in (True, "true", "1")
    assert int(listing["limit"]) == 1000
    # Then the same check as for a picked channel: is the bot in it?
    assert [c.args["channel"] for c in digest_bot.emulator.calls_to("conversations.info")] == [
        MARKETING
    ]
    assert_clean(digest_bot)


def test_a_typed_public_channel_the_bot_is_not_in_asks_for_an_invite(
    digest_bot: RunningBot,
) -> None:
    # conversations.list shows every public channel; conversations.info then says is_member false.
    digest(digest_bot, "subscribe #lounge")
    assert str(later_answer(digest_bot)["text"]).startswith("I'm not in <#C0LOUNGE>, so I couldn't")
    assert subscriptions(digest_bot) == []


def test_unsubscribe_and_weekly_take_a_typed_name_too(digest_bot: RunningBot) -> None:
    add_marketing(digest_bot)
    subscribed(digest_bot, "#marketing")
    assert acked_text(digest(digest_bot, "weekly on #Marketing")) == ""
    assert str(later_answer(digest_bot, 2)["text"]).startswith("Weekly on: <#C0MARKET> also gets")
    assert acked_text(digest(digest_bot, "unsubscribe #marketing")) == ""
    assert later_answer(digest_bot, 3)["text"] == (
        "Unsubscribed: <#C0MARKET> gets no more digests."
    )
    assert audit_actions(digest_bot) == ["subscribe", "weekly_on", "unsubscribe"]
    assert_clean(digest_bot)


@pytest.mark.parametrize(
    ("verb", "name"),
    [
        ("subscribe", "nowhere"),  # no such channel
        ("subscribe", "secret"),  # private, the bot not in it: invisible to the bot
        ("subscribe", "old"),  # archived
        ("unsubscribe", "nowhere"),
        ("weekly off", "nowhere"),
    ],
)
def test_an_unknown_channel_name_is_refused_and_nothing_stored(
    digest_bot: RunningBot, verb: str, name: str
) -> None:
    digest_bot.emulator.add_channel("G0SECRET", name="secret", is_private=True, members=[MARIA])
    digest_bot.emulator.add_channel("C0OLD", name="old", is_archived=True)
    subscribed(digest_bot, "08:00 UTC")  # this channel's, which must stay as it is
    before = subscriptions(digest_bot)
    assert acked_text(digest(digest_bot, f"{verb} #{name}")) == ""
    answer = str(later_answer(digest_bot, 2)["text"])
    assert answer == f"I can't find #{name} — check the name, or invite me there first."
    assert [
        (r.channel_id, r.local_time, r.weekly, r.unsubscribed_at) for r in subscriptions(digest_bot)
    ] == [(r.channel_id, r.local_time, r.weekly, r.unsubscribed_at) for r in before]
    assert audit_actions(digest_bot) == ["subscribe"]
    assert_clean(digest_bot)


def test_a_name_on_the_second_page_of_channels_is_found(digest_bot: RunningBot) -> None:
    # More channels than one page of 1000 holds, the wanted one after them.
    for number in range(1000):
        digest_bot.emulator.add_channel(f"C0FILL{number:04d}", name=f"filler-{number}")
    add_marketing(digest_bot)
    assert subscribed(digest_bot, "#marketing").startswith("Subscribed: <#C0MARKET>")
    first, second = listings(digest_bot)
    assert not first.get("cursor")
    assert second["cursor"]
    assert [r.channel_id for r in subscriptions(digest_bot)] == [MARKETING]


def test_names_are_cached_and_a_miss_looks_again_once(digest_bot: RunningBot) -> None:
    add_marketing(digest_bot)
    subscribed(digest_bot, "#marketing")
    subscribed(digest_bot, "#marketing 10:00")
    assert len(listings(digest_bot)) == 1  # the second found it in the cache
    # A channel made since: not in the cached names, so the list is read again, once.
    add_marketing(digest_bot, "C0LAUNCH", "launch")
    assert subscribed(digest_bot, "#launch").startswith("Subscribed: <#C0LAUNCH>")
    assert len(listings(digest_bot)) == 2
    # A name nobody has: one fresh look, then the refusal.
    digest(digest_bot, "subscribe #nowhere")
    assert "I can't find #nowhere" in str(later_answer(digest_bot, 4)["text"])
    assert len(listings(digest_bot)) == 3


def test_a_failed_lookup_says_to_try_again_and_stores_nothing(digest_bot: RunningBot) -> None:
    add_marketing(digest_bot)
    digest_bot.emulator.inject("conversations.list", status=200, error="internal_error")
    digest(digest_bot, "subscribe #marketing")
    assert later_answer(digest_bot)["text"] == (
        "Slack didn't let me look up #marketing (internal_error); try again in a moment."
    )
    assert subscriptions(digest_bot) == []
    # Slack is well again: the same command works.
    assert subscribed(digest_bot, "#marketing").startswith("Subscribed: <#C0MARKET>")


# -- every refusal is one short private line, and the store is unchanged ------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("subscribe 24:00", "`24:00` isn't a time I can use: give HH:MM, 24-hour"),
        ("subscribe 9", "`9` isn't a time I can use"),
        ("subscribe noon", "`noon` isn't a time I can use"),
        ("subscribe 9am", "`9am` isn't a time I can use"),
        ("subscribe 09:60", "`09:60` isn't a time I can use"),
        ("subscribe Mars/Olympus", "`Mars/Olympus` isn't a time zone I know: give an IANA"),
        ("subscribe ../../etc/passwd", "`../../etc/passwd` isn't a time zone I know"),
        ("subscribe #social!", "I can't read `#social!`"),
        ("subscribe <!channel>", "`&lt;!channel&gt;` isn't a time zone I know"),
        ("subscribe {{ 7*7 }}", "`{{` isn't a time zone I know"),
        ("subscribe " + "x" * 10_000, "isn't a time zone I know"),
        ("subscribe 08:00 09:00", "Give one time only"),
        ("unsubscribe #" + "n" * 81, "I can't read `#nnn"),
        ("unsubscribe", "<#C0SOCIAL> has no digest subscription"),
        ("unsubscribe <#C0SALES|sales-team>", "<#C0SALES> has no digest subscription"),
        ("weekly on", "<#C0SOCIAL> has no digest subscription"),
        ("weekly off <#C0SALES>", "<#C0SALES> has no digest subscription"),
        ("weekly maybe", "Say `/social digest weekly on` or `/social digest weekly off`"),
        ("weekly", "Say `/social digest weekly on`"),
        ("frobnicate", "`frobnicate` isn't a digest command; try `/social digest subscribe"),
        ("<!channel>", "`&lt;!channel&gt;` isn't a digest command"),
        ("", "Digests: `/social digest subscribe [#channel] [HH:MM] [timezone]`"),
        ("list everything", "Digests: `/social digest subscribe"),
    ],
)
def test_each_mistake_is_one_short_ephemeral_line_and_changes_nothing(
    digest_bot: RunningBot, text: str, expected: str
) -> None:
    answer = acked_text(digest(digest_bot, text))
    assert expected in answer
    assert "\n" not in answer
    assert len(answer) < 400
    assert "<!channel>" not in answer
    assert "{{" not in expected or "49" not in answer
    assert subscriptions(digest_bot) == []
    assert audit_actions(digest_bot) == []
    # Refused in the ack itself: no Web API call, nothing sent later.
    assert [c.method for c in digest_bot.emulator.calls if c.method != "auth.test"] == []


# -- list, unsubscribe, weekly --------------------------------------------------------------------


def test_the_list_shows_every_subscribed_channel(digest_bot: RunningBot) -> None:
    assert "No channel gets a digest yet" in acked_text(digest(digest_bot, "list"))
    subscribed(digest_bot, "08:15 Europe/Berlin")
    subscribed(digest_bot, "<#C0SALES|sales-team> 07:00", user=KENJI)
    digest(digest_bot, "weekly on <#C0SALES|sales-team>")
    response = digest(digest_bot, "list", user=KENJI, channel=SALES)
    body = response.json()
    assert body["response_type"] == "ephemeral"
    shown = "\n".join(block["text"]["text"] for block in body["blocks"])
    assert "*Daily digests* (2 channels)" in shown
    assert "• <#C0SALES> at 07:00 Asia/Tokyo · weekly on Mondays\n" in shown
    assert "• <#C0SOCIAL> at 08:15 Europe/Berlin" in shown


def test_unsubscribe_ends_it_and_the_list_forgets_it(digest_bot: RunningBot) -> None:
    subscribed(digest_bot)
    assert acked_text(digest(digest_bot, "unsubscribe")) == (
        "Unsubscribed: <#C0SOCIAL> gets no more digests."
    )
    [row] = subscriptions(digest_bot)
    assert row.unsubscribed_at is not None
    assert "No channel gets a digest yet" in acked_text(digest(digest_bot, "list"))
    assert "has no digest subscription" in acked_text(digest(digest_bot, "unsubscribe"))
    assert audit_actions(digest_bot) == ["subscribe", "unsubscribe"]


def test_unsubscribe_another_channel_by_mention(digest_bot: RunningBot) -> None:
    subscribed(digest_bot, "<#C0SALES|sales-team>")
    answer = acked_text(digest(digest_bot, "unsubscribe <#C0SALES|sales-team>"))
    assert answer == "Unsubscribed: <#C0SALES> gets no more digests."


def test_weekly_on_and_off(digest_bot: RunningBot) -> None:
    subscribed(digest_bot, "08:00 Europe/Berlin")
    assert acked_text(digest(digest_bot, "weekly on")) == (
        "Weekly on: <#C0SOCIAL> also gets a summary of the past week on Mondays at 08:00 "
        "(Europe/Berlin)."
    )
    assert subscriptions(digest_bot)[0].weekly
    assert acked_text(digest(digest_bot, "weekly OFF")) == (
        "Weekly off: <#C0SOCIAL> gets the daily digest only."
    )
    assert not subscriptions(digest_bot)[0].weekly
    assert audit_actions(digest_bot) == ["subscribe", "weekly_on", "weekly_off"]


# -- now, and help --------------------------------------------------------------------------------


def test_now_composes_todays_digest_in_the_askers_zone_and_shows_it_privately(
    digest_bot: RunningBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    # What the digest says is the rendering's to test (tests/slack/test_digest_content.py);
    # here: that `now` asks for the daily digest up to now, in the asker's zone, and shows it.
    asked: list[dict[str, Any]] = []

    def compose(services: Services, **kwargs: Any) -> DigestMessage:
        asked.append(kwargs)
        return DigestMessage(
            text="Digest for today",
            blocks=[{"type": "section", "text": {"type": "mrkdwn", "text": "*Today*"}}],
        )

    monkeypatch.setattr(digest_content, "compose_digest", compose)
    assert acked_text(digest(digest_bot, "now", user=KENJI)) == ""
    answer = later_answer(digest_bot)
    assert (answer["text"], answer["blocks"][0]["text"]["text"]) == ("Digest for today", "*Today*")
    [kwargs] = asked
    assert kwargs["kind"] == "daily"
    assert kwargs["tz"] == ZoneInfo("Asia/Tokyo")
    assert isinstance(kwargs["end"], datetime)
    assert kwargs["end"] == kwargs["now"]
    wait_until(lambda: len(digest_bot.emulator.calls_to("response_url")) == 1)
    assert subscriptions(digest_bot) == []
    assert_clean(digest_bot)


def test_help_lists_the_digest_command(digest_bot: RunningBot) -> None:
    help_text = digest_bot.slack.slash_command("help").json()["text"]
    assert "`/social digest subscribe [#channel] [HH:MM] [timezone] |" in help_text
