"""The App Home view: the lists and their buttons, the help, and always within Slack's 100 blocks."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from bot.blocks.approvals import (
    APPROVE_ACTION,
    EDIT_ACTION,
    PUBLISHED_ACTION,
    REJECT_ACTION,
    REQUEST_CHANGES_ACTION,
    WITHDRAW_ACTION,
)
from bot.blocks.help import HelpEntry
from bot.blocks.home import (
    HOME_MAX_BLOCKS,
    HomeSection,
    build_home_view,
    draft_sections,
    handoff_home_notice,
    handoff_sections,
)
from bot.blocks.kit import actions, button, section
from bot.store.models import Draft, Handoff
from bot.workflows.drafts import Progress
from bot.workflows.handoffs.queries import HandoffPage
from bot.workflows.home import HomeQueue, Page
from slack_emulator.block_limits import check_view
from tests.blocks.test_approvals import HOSTILE, NOW, draft

HELP = [
    HelpEntry("draft", "/social draft <text>", "Write a post for approval"),
    HelpEntry("help", "/social help", "List every subcommand"),
    HelpEntry("queue", "/social queue", "Drafts waiting for approval"),
]
USER = "U0APPROVER"


def drafts_from(
    first_id: int, count: int, *, state: str = "pending", author_id: str = "U0AUTHOR"
) -> tuple[Draft, ...]:
    return tuple(draft(id=first_id + i, state=state, author_id=author_id) for i in range(count))


def home(queue: HomeQueue, *, notice: str | None = None) -> dict[str, Any]:
    view = build_home_view(draft_sections(queue, now=NOW), HELP, notice=notice)
    assert check_view(view, expected_type="home") == []
    return view


def text_of(view: dict[str, Any]) -> str:
    return json.dumps(view["blocks"], ensure_ascii=False)


def buttons_by_row(view: dict[str, Any]) -> dict[str, set[str]]:
    return {
        block["block_id"]: {e["action_id"] for e in block["elements"]}
        for block in view["blocks"]
        if block["type"] == "actions"
    }


def test_an_approver_sees_what_waits_for_them_with_its_buttons_then_their_drafts() -> None:
    waiting = drafts_from(1, 2, author_id="U0AUTHOR")
    mine = (
        draft(id=7, author_id=USER, state="changes_requested", last_note="Shorter, please"),
        draft(id=6, author_id=USER, state="approved"),
        draft(id=5, author_id=USER, state="rejected"),
    )
    queue = HomeQueue(
        user_id=USER,
        can_approve=True,
        to_approve=Page(waiting, 2),
        progress={1: Progress(given=("U0ADMIN",), required=2, risk_needed=False)},
        mine=Page(mine, 3),
    )
    view = home(queue)
    text = text_of(view)
    assert view["type"] == "home"
    assert text.index("Waiting for your approval (2)") < text.index("Your drafts (3)")
    assert text.index("Your drafts (3)") < text.index("/social help")
    assert "approvals 1 of 2" in text
    assert "Shorter, please" in text
    assert buttons_by_row(view) == {
        "home_approve_1": {APPROVE_ACTION, REQUEST_CHANGES_ACTION, REJECT_ACTION},
        "home_approve_2": {APPROVE_ACTION, REQUEST_CHANGES_ACTION, REJECT_ACTION},
        "home_mine_7": {EDIT_ACTION, WITHDRAW_ACTION},
        "home_mine_6": {PUBLISHED_ACTION, EDIT_ACTION, WITHDRAW_ACTION},
        # A rejected draft is final: listed with its state, no buttons.
    }
    assert ":no_entry: Rejected" in text


def test_someone_who_may_not_approve_sees_only_their_drafts() -> None:
    view = home(HomeQueue(user_id="U0AUTHOR", can_approve=False))
    text = text_of(view)
    assert "Waiting for your approval" not in text
    assert "You have no drafts yet" in text


def test_an_empty_approval_list_says_so() -> None:
    view = home(HomeQueue(user_id=USER, can_approve=True))
    assert "Nothing is waiting for you." in text_of(view)


def test_rows_left_out_by_the_query_are_counted_with_the_command_that_shows_all() -> None:
    queue = HomeQueue(
        user_id=USER, can_approve=True, to_approve=Page(drafts_from(1, 20), 250), mine=Page()
    )
    assert "and 230 more — `/social queue`" in text_of(home(queue))


def test_many_drafts_stay_within_100_blocks_and_say_how_many_more() -> None:
    """Lists too long for one view are cut to fit, and each says how many it left out."""
    queue = HomeQueue(
        user_id=USER,
        can_approve=True,
        to_approve=Page(drafts_from(1, 60), 1_000),
        mine=Page(drafts_from(500, 60, author_id=USER, state="pending"), 5_000),
    )
    view = home(queue, notice="Draft #3: :white_check_mark: Approved")
    assert len(view["blocks"]) <= HOME_MAX_BLOCKS
    text = text_of(view)
    shown_waiting = sum(1 for b in view["blocks"] if b.get("block_id", "").startswith("home_app"))
    shown_mine = sum(1 for b in view["blocks"] if b.get("block_id", "").startswith("home_mine"))
    assert shown_waiting > 0
    assert f"and {1_000 - shown_waiting} more — `/social queue`" in text
    assert f"and {5_000 - shown_mine} more" in text
    assert "/social help" in text  # the help at the bottom is never cut


def test_extra_sections_share_the_100_blocks() -> None:
    """Another list (handoffs) passed beside the drafts' is fitted into the same view."""
    rows = tuple(
        (section(f"handoff {i}"), actions(f"handoff_{i}", [button("Claim", "claim", str(i))]))
        for i in range(40)
    )
    extra = HomeSection(title="Handoffs", rows=rows, more=5, see_all="/social handoffs")
    queue = HomeQueue(user_id=USER, can_approve=True, to_approve=Page(drafts_from(1, 20), 20))
    view = build_home_view([*draft_sections(queue, now=NOW), extra], HELP)
    assert check_view(view, expected_type="home") == []
    assert len(view["blocks"]) <= HOME_MAX_BLOCKS
    shown = sum(1 for b in view["blocks"] if b.get("block_id", "").startswith("handoff_"))
    assert f"and {45 - shown} more — `/social handoffs`" in text_of(view)


@pytest.mark.parametrize("hostile", HOSTILE)
def test_user_text_is_escaped_and_cut(hostile: str) -> None:
    queue = HomeQueue(
        user_id=USER,
        can_approve=True,
        to_approve=Page((draft(text=hostile),), 1),
        mine=Page((draft(id=13, text=hostile, last_note=hostile, state="rejected"),), 1),
    )
    text = text_of(home(queue))
    assert "<!channel>" not in text
    assert "<@U0ADMIN>" not in text.replace("by <@U0AUTHOR>", "")


def test_my_drafts_say_how_long_ago_they_changed() -> None:
    mine = Page((draft(id=3, updated_at=NOW - timedelta(hours=3)),), 1)
    text = text_of(home(HomeQueue(user_id="U0AUTHOR", can_approve=False, mine=mine)))
    assert "3h ago" in text


def test_the_notice_of_the_last_action_is_on_top() -> None:
    view = home(HomeQueue(user_id=USER, can_approve=True), notice=":warning: Already approved.")
    assert view["blocks"][1]["text"]["text"] == ":warning: Already approved."


def handoff(handoff_id: int, state: str = "open", **changes: object) -> Handoff:
    values: dict[str, Any] = {
        "id": handoff_id,
        "team": "support",
        "state": state,
        "priority": "normal",
        "summary": "<!channel> " + "x" * 5_000 + " {{ 7*7 }}",
        "customer_text": "<!channel> hi",
        "route_reason": "asked for support",
        "mood": "neutral",
        "requested_by": "U0AUTHOR",
        "owner_id": "U0SUPPORT" if state == "claimed" else None,
        "claim_due_at": NOW + timedelta(hours=1),
        "remind_at": NOW + timedelta(minutes=45),
        "created_at": NOW - timedelta(minutes=5),
        "updated_at": NOW,
    }
    values.update(changes)
    return Handoff(**values)


def test_handoff_sections_show_mine_then_each_teams_waiting_with_their_buttons() -> None:
    mine = HandoffPage([handoff(2, "claimed")], total=1)
    waiting = {"support": HandoffPage([handoff(3)], total=4)}
    view = build_home_view(handoff_sections(mine, waiting, now=NOW), [])
    assert check_view(view, expected_type="home") == []
    shown = text_of(view)
    assert "Your handoffs (1)" in shown
    assert "Waiting for support to claim (4)" in shown
    assert "and 3 more — `/social handoffs support`" in shown
    assert "<!channel>" not in shown  # the hostile summary is shown, not obeyed
    ids = {b["block_id"] for b in view["blocks"] if b["type"] == "actions"}
    assert ids == {"handoff:2:home", "handoff:3:home"}
    # A claimed handoff has no Claim; an open one has.
    actions_of = buttons_by_row(view)
    assert "handoff_claim" not in actions_of["handoff:2:home"]
    assert "handoff_claim" in actions_of["handoff:3:home"]


def test_the_notice_after_a_handoff_move_says_where_it_stands() -> None:
    assert handoff_home_notice(handoff(7, "claimed")) == "Handoff #7: claimed by <@U0SUPPORT>."
    assert handoff_home_notice(handoff(7, "resolved")) == "Handoff #7: resolved."
