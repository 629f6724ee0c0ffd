"""Handoffs driven the way Slack drives them: `/social handoff`, the packet's buttons and modals
through signed HTTP, every Web API call going to the emulator; and the packet Slack refused,
posted once by the clock."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from sqlmodel import select

from bot.blocks.handoff_buttons import (
    BOUNCE_ACTION,
    CLAIM_ACTION,
    REASSIGN_ACTION,
    RESOLVE_ACTION,
)
from bot.blocks.handoff_modals import BOUNCE_VIEW, NOTE_BLOCK, REASON_BLOCK, RESOLVE_VIEW
from bot.slack.client import build_web_client
from bot.slack.handoff_packets import repair_handoff_packets, start_and_post
from bot.store.models import Handoff, Notice
from bot.workflows.handoffs.create import HandoffRequest
from slack_emulator.emulator import SlackEmulator
from slack_emulator.payloads import new_ts
from slack_emulator.signed_client import BotResponse
from tests.commands.test_approvals import buttons, ephemeral_texts, shown_modal, wait_until
from tests.conftest import running_bot
from tests.harness import RunningBot

MARIA, JONAS, PRIYA = "U0AUTHOR", "U0APPROVER", "U0ADMIN"  # social, support, support
SUPPORT, SOCIAL = "C0SUPPORT", "C0SOCIAL"


@pytest.fixture
def handoff_bot(emulator: SlackEmulator, database_url: str) -> Iterator[RunningBot]:
    emulator.add_channel(SUPPORT, name="support", members=[emulator.bot_user_id, JONAS, PRIYA])
    with running_bot(emulator, database_url, support_channel=SUPPORT) as running:
        yield running


# -- helpers --------------------------------------------------------------------------------------


def hand_off(bot: RunningBot, text: str = "support Broken mug, wants a refund") -> BotResponse:
    return bot.slack.slash_command(f"handoff {text}", user_id=MARIA)


def handed_off(bot: RunningBot) -> dict[str, Any]:
    """A handoff of a customer's message in #social-team, its packet posted: the packet."""
    source_ts = bot.emulator.add_message(SOCIAL, text="My mug is broken!", user=MARIA)
    request = HandoffRequest(
        team="support",
        route_reason="asked for support",
        requested_by=MARIA,
        summary="Broken mug, wants a refund",
        customer_text="My mug is broken!",
        customer_handle="@mug_fan",
        network="x",
        source_channel=SOCIAL,
        source_ts=source_ts,
    )
    start_and_post(client_of(bot.emulator), bot.services, request)
    return packet(bot)


def packet(bot: RunningBot) -> dict[str, Any]:
    posted = [m for m in bot.emulator.messages_in(SUPPORT) if m.get("thread_ts") is None]
    assert len(posted) == 1, posted
    return posted[0]


def row(bot: RunningBot, handoff_id: int = 1) -> Handoff:
    with bot.services.sessions() as session:
        found = session.get(Handoff, handoff_id)
        assert found is not None
        return found


def notices(bot: RunningBot) -> list[Notice]:
    with bot.services.sessions() as session:
        return list(session.exec(select(Notice).order_by(Notice.id)).all())  # type: ignore[arg-type]


def click(bot: RunningBot, action_id: str, user: str) -> BotResponse:
    shown = packet(bot)
    value = buttons(shown)[action_id]
    return bot.slack.click(action_id, value, user_id=user, message=shown, channel_id=SUPPORT)


def reassign(bot: RunningBot, user: str, to: str, handoff_id: int = 1) -> BotResponse:
    action = {
        "type": "users_select",
        "action_id": REASSIGN_ACTION,
        "block_id": f"handoff:{handoff_id}",
        "selected_user": to,
        "action_ts": new_ts(),
    }
    return bot.slack.block_actions(
        actions=[action], user_id=user, message=packet(bot), channel_id=SUPPORT
    )


def submit(bot: RunningBot, view: dict[str, Any], block: str, text: str, user: str) -> BotResponse:
    values = {block: {"value": {"type": "plain_text_input", "value": text}}}
    return bot.slack.view_submission(
        view["callback_id"], values, user_id=user, private_metadata=view["private_metadata"]
    )


def packet_text(bot: RunningBot) -> str:
    return json.dumps(packet(bot)["blocks"], ensure_ascii=False)


def client_of(emulator: SlackEmulator):  # type: ignore[no-untyped-def]
    return build_web_client(token=emulator.bot_token, base_url=emulator.api_url)


def thread_in(bot: RunningBot, channel: str, ts: str) -> list[str]:
    return [
        str(m["text"])
        for m in bot.emulator.messages_in(channel)
        if m.get("thread_ts") == ts and m["ts"] != ts
    ]


def delivered(bot: RunningBot) -> bool:
    return all(n.delivered_at is not None for n in notices(bot))


# -- starting: /social handoff -------------------------------------------------------------------


def test_a_handoff_posts_an_escaped_packet_in_the_team_channel(handoff_bot: RunningBot) -> None:
    bot = handoff_bot
    assert hand_off(bot, "support Refund <!channel> {{ 7*7 }}").status == 200
    wait_until(lambda: any("Handed off to *Support*" in t for t in ephemeral_texts(bot)))
    text = packet_text(bot)
    assert "&lt;!channel&gt;" in text
    assert "<!channel>" not in text
    assert "{{ 7*7 }}" in text
    # Only where the summary is shown: timestamps elsewhere in the packet may hold a "49".
    [summary] = [line for line in text.split('"text": ') if "7*7" in line]
    assert "49" not in summary
    assert "asked for support" in text
    assert "<@U0AUTHOR>" in text
    assert set(buttons(packet(bot))) == {CLAIM_ACTION, RESOLVE_ACTION, BOUNCE_ACTION}
    handoff = row(bot)
    assert handoff.packet_ts == packet(bot)["ts"]
    assert handoff.packet_version == handoff.version
    assert bot.emulator.violations == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "Say what to hand off"),
        ("support   ", "a summary can't be empty"),
        ("sales Bulk order of 500 mugs", "set SOCIALOPS_SALES_CHANNEL"),
    ],
)
def test_a_handoff_that_cannot_start_says_why_and_stores_nothing(
    handoff_bot: RunningBot, text: str, expected: str
) -> None:
    body = hand_off(handoff_bot, text).json()
    assert body["response_type"] == "ephemeral"
    assert expected in body["text"]
    with handoff_bot.services.sessions() as session:
        assert session.exec(select(Handoff)).all() == []
    assert handoff_bot.emulator.calls_to("chat.postMessage") == []


# -- Claim ----------------------------------------------------------------------------------------


def test_claim_takes_it_and_tells_the_requester_in_the_original_thread(
    handoff_bot: RunningBot,
) -> None:
    bot = handoff_bot
    handed_off(bot)
    assert click(bot, CLAIM_ACTION, JONAS).status == 200
    handoff = row(bot)  # at once: the 200 came after the commit
    assert (handoff.state, handoff.owner_id) == ("claimed", JONAS)
    source_ts = str(handoff.source_ts)
    wait_until(lambda: thread_in(bot, SOCIAL, source_ts) != [])
    [told] = thread_in(bot, SOCIAL, source_ts)
    assert told.startswith("<@U0AUTHOR>: <@U0APPROVER> claimed handoff #1")
    wait_until(lambda: "Claimed* by <@U0APPROVER>" in packet_text(bot))
    assert CLAIM_ACTION not in buttons(packet(bot))
    wait_until(lambda: row(bot).packet_version == row(bot).version)
    assert bot.emulator.violations == []


def test_without_a_source_message_the_requester_is_told_by_dm(handoff_bot: RunningBot) -> None:
    bot = handoff_bot
    hand_off(bot)
    wait_until(lambda: row(bot).packet_ts is not None)
    click(bot, CLAIM_ACTION, JONAS)
    wait_until(lambda: bool(notices(bot)) and delivered(bot))
    dms = [c.args for c in bot.emulator.calls_to("chat.postMessage") if c.args["channel"] == MARIA]
    assert len(dms) == 1
    assert "claimed handoff #1" in dms[0]["text"]


def test_claiming_a_claimed_or_closed_handoff_is_refused(handoff_bot: RunningBot) -> None:
    bot = handoff_bot
    first = handed_off(bot)
    click(bot, CLAIM_ACTION, JONAS)
    stale_claim = buttons(first)[CLAIM_ACTION]
    bot.slack.click(CLAIM_ACTION, stale_claim, user_id=PRIYA, message=first, channel_id=SUPPORT)
    wait_until(lambda: any("<@U0APPROVER> already claimed" in t for t in ephemeral_texts(bot)))
    assert row(bot).owner_id == JONAS
    with bot.services.sessions() as session:
        session.execute(
            Handoff.__table__.update().values(  # type: ignore[attr-defined]
                state="resolved", closed_by=JONAS, closed_at=row(bot).updated_at
            )
        )
        session.commit()
    bot.slack.click(CLAIM_ACTION, stale_claim, user_id=PRIYA, message=first, channel_id=SUPPORT)
    wait_until(
        lambda: any("was already resolved by <@U0APPROVER>" in t for t in ephemeral_texts(bot))
    )


def test_twenty_claims_at_once_give_one_owner_and_one_notice(handoff_bot: RunningBot) -> None:
    bot = handoff_bot
    shown = handed_off(bot)
    value = buttons(shown)[CLAIM_ACTION]
    people = [f"U0CLICK{n:02d}" for n in range(20)]
    start = threading.Barrier(len(people))

    def claim(user: str) -> int:
        start.wait()
        return bot.slack.click(
            CLAIM_ACTION, value, user_id=user, message=shown, channel_id=SUPPORT
        ).status

    with ThreadPoolExecutor(len(people)) as pool:
        assert list(pool.map(claim, people)) == [200] * len(people)
    handoff = row(bot)
    assert handoff.state == "claimed"
    assert handoff.owner_id in people
    assert handoff.version == 2
    claimed = [n for n in notices(bot) if " claimed handoff" in n.text]
    assert len(claimed) == 1
    assert f"<@{handoff.owner_id}> claimed" in claimed[0].text
    wait_until(lambda: len(ephemeral_texts(bot)) == len(people) - 1, timeout=15)
    assert all("already claimed" in t for t in ephemeral_texts(bot))


# -- Reassign -------------------------------------------------------------------------------------


def test_reassign_gives_it_to_the_chosen_person_and_tells_them(handoff_bot: RunningBot) -> None:
    bot = handoff_bot
    handed_off(bot)
    click(bot, CLAIM_ACTION, JONAS)
    assert reassign(bot, JONAS, to=PRIYA).status == 200
    assert row(bot).owner_id == PRIYA
    wait_until(lambda: len(notices(bot)) == 3 and delivered(bot))
    dms = [c.args for c in bot.emulator.calls_to("chat.postMessage") if c.args["channel"] == PRIYA]
    assert len(dms) == 1
    assert "<@U0APPROVER> assigned handoff #1 to Support to you" in dms[0]["text"]
    told = thread_in(bot, SOCIAL, str(row(bot).source_ts))
    assert any(
        "reassigned handoff #1 to Support from <@U0APPROVER> to <@U0ADMIN>" in t for t in told
    )
    wait_until(lambda: "Claimed* by <@U0ADMIN>" in packet_text(bot))


def test_a_damaged_reassign_select_changes_nothing(handoff_bot: RunningBot) -> None:
    bot = handoff_bot
    handed_off(bot)
    action = {
        "type": "users_select",
        "action_id": REASSIGN_ACTION,
        "block_id": "handoff:x1",
        "selected_user": PRIYA,
        "action_ts": new_ts(),
    }
    bot.slack.block_actions(
        actions=[action], user_id=JONAS, message=packet(bot), channel_id=SUPPORT
    )
    wait_until(lambda: any("damaged" in t for t in ephemeral_texts(bot)))
    assert row(bot).owner_id is None


# -- Resolve and Bounce back ----------------------------------------------------------------------


def test_resolve_with_a_note_closes_it_and_tells_the_requester(handoff_bot: RunningBot) -> None:
    bot = handoff_bot
    handed_off(bot)
    click(bot, CLAIM_ACTION, JONAS)
    assert click(bot, RESOLVE_ACTION, JONAS).status == 200
    view = shown_modal(bot)
    assert view["callback_id"] == RESOLVE_VIEW
    response = submit(bot, view, NOTE_BLOCK, "Refunded <!here>, sent a new mug", JONAS)
    assert response.status == 200
    assert not (response.json() or {}).get("errors")
    handoff = row(bot)
    assert (handoff.state, handoff.closed_by) == ("resolved", JONAS)
    source_ts = str(handoff.source_ts)
    wait_until(lambda: any("resolved handoff #1" in t for t in thread_in(bot, SOCIAL, source_ts)))
    [told] = [t for t in thread_in(bot, SOCIAL, source_ts) if "resolved" in t]
    assert "Refunded &lt;!here&gt;, sent a new mug" in told
    wait_until(lambda: "Resolved* by <@U0APPROVER>" in packet_text(bot))
    assert buttons(packet(bot)) == {}
    assert bot.emulator.violations == []


def test_someone_else_cannot_resolve_a_claimed_handoff(handoff_bot: RunningBot) -> None:
    bot = handoff_bot
    handed_off(bot)
    click(bot, CLAIM_ACTION, JONAS)
    click(bot, RESOLVE_ACTION, PRIYA)
    view = shown_modal(bot)
    assert "Only <@U0APPROVER> can resolve handoff #1" in json.dumps(view["blocks"])
    assert row(bot).state == "claimed"


def test_a_modal_submitted_after_someone_claimed_it_is_refused_by_dm(
    handoff_bot: RunningBot,
) -> None:
    bot = handoff_bot
    handed_off(bot)
    click(bot, RESOLVE_ACTION, PRIYA)  # unclaimed: anyone may resolve it
    view = shown_modal(bot)
    click(bot, CLAIM_ACTION, JONAS)
    submit(bot, view, NOTE_BLOCK, "", PRIYA)
    assert row(bot).state == "claimed"
    dms = bot.emulator.wait_for("chat.postMessage", count=3)
    assert any(
        c.args["channel"] == PRIYA and "Only <@U0APPROVER> can resolve" in c.args["text"]
        for c in dms
    )


def test_bounce_back_needs_a_reason(handoff_bot: RunningBot) -> None:
    bot = handoff_bot
    handed_off(bot)
    click(bot, BOUNCE_ACTION, JONAS)
    view = shown_modal(bot)
    assert view["callback_id"] == BOUNCE_VIEW
    refused = submit(bot, view, REASON_BLOCK, "   ", JONAS).json()
    assert refused["response_action"] == "errors"
    assert "needs a reason" in refused["errors"][REASON_BLOCK]
    assert row(bot).state == "open"
    submit(bot, view, REASON_BLOCK, "This is a sales lead, not a case", JONAS)
    handoff = row(bot)
    assert (handoff.state, handoff.source_key) == ("bounced", None)
    source_ts = str(handoff.source_ts)
    wait_until(lambda: any("bounced handoff #1" in t for t in thread_in(bot, SOCIAL, source_ts)))
    [told] = [t for t in thread_in(bot, SOCIAL, source_ts) if "bounced" in t]
    assert "This is a sales lead, not a case" in told
    wait_until(lambda: "Bounced back* by <@U0APPROVER>" in packet_text(bot))


# -- a packet Slack refused -----------------------------------------------------------------------


def test_a_refused_packet_is_kept_and_posted_once_by_the_clock(handoff_bot: RunningBot) -> None:
    bot = handoff_bot
    bot.emulator.inject("chat.postMessage", status=200, error="not_in_channel")
    assert hand_off(bot).status == 200
    wait_until(lambda: any("did not take its packet yet" in t for t in ephemeral_texts(bot)))
    handoff = row(bot)
    assert handoff.state == "open"
    assert handoff.packet_ts is None
    assert handoff.packet_claimed_until is None  # the claim was given back at once
    assert [m for m in bot.emulator.messages_in(SUPPORT)] == []

    # Two clock runs at the same moment (two clock processes): one posts, the other skips.
    client = client_of(bot.emulator)
    start = threading.Barrier(2)

    def run() -> int:
        start.wait()
        return repair_handoff_packets(bot.services, client)

    with ThreadPoolExecutor(2) as pool:
        assert sorted(pool.map(lambda _: run(), range(2))) == [0, 1]
    assert repair_handoff_packets(bot.services, client) == 0  # and never again
    shown = packet(bot)
    assert row(bot).packet_ts == shown["ts"]
    posts = [c for c in bot.emulator.calls_to("chat.postMessage") if c.args["channel"] == SUPPORT]
    assert len(posts) == 2
    assert not posts[0].response["ok"]
    assert posts[1].response["ok"]


def test_the_clock_redraws_a_packet_left_behind(handoff_bot: RunningBot) -> None:
    bot = handoff_bot
    handed_off(bot)
    bot.emulator.inject("chat.update", status=200, error="internal_error")
    click(bot, CLAIM_ACTION, JONAS)
    bot.emulator.wait_for("chat.update")
    wait_until(lambda: row(bot).packet_version == 1)
    assert CLAIM_ACTION in buttons(packet(bot))  # Slack refused the redraw: still offers Claim
    repair_handoff_packets(bot.services, client_of(bot.emulator))
    assert CLAIM_ACTION not in buttons(packet(bot))
    assert row(bot).packet_version == row(bot).version


# -- clicks from a view (the App Home) ------------------------------------------------------------


def home_click(bot: RunningBot, action_id: str, user: str, handoff_id: int = 1) -> BotResponse:
    home = {"type": "home", "blocks": packet(bot)["blocks"]}
    return bot.slack.click(action_id, str(handoff_id), user_id=user, view=home)


def test_a_claim_from_the_app_home_works_and_a_refusal_comes_by_dm(
    handoff_bot: RunningBot,
) -> None:
    bot = handoff_bot
    handed_off(bot)
    assert home_click(bot, CLAIM_ACTION, JONAS).status == 200
    assert row(bot).owner_id == JONAS
    wait_until(lambda: "Claimed* by <@U0APPROVER>" in packet_text(bot))
    home_click(bot, CLAIM_ACTION, PRIYA)  # no response_url in a view: the refusal is a DM
    wait_until(
        lambda: any(
            c.args["channel"] == PRIYA and "<@U0APPROVER> already claimed" in c.args["text"]
            for c in bot.emulator.calls_to("chat.postMessage")
        )
    )
    assert row(bot).owner_id == JONAS
