"""The crisis banner on everything crisis mode changes: approval cards of stamped drafts,
suggestions, the App Home and ``/social queue``; DRILL for a drill; within Slack's limits."""

from __future__ import annotations

import json
from typing import Any

from bot.blocks.approval_lists import build_queue_message, queue_row_text
from bot.blocks.approvals import build_approval_card
from bot.blocks.crisis_banner import crisis_banner_text
from bot.blocks.home import build_home_view, draft_sections
from bot.blocks.replies import build_abstention_message, build_suggestion_message
from bot.workflows.drafts import Progress
from bot.workflows.home import HomeQueue, Page
from bot.workflows.replies import NO_CRISIS_TEMPLATE
from slack_emulator.block_limits import check_message, check_view
from tests.blocks.test_approvals import BERLIN, NOW, draft
from tests.blocks.test_home import HELP

CRISIS_APPROVERS = ("U0LEGAL", "S0PRTEAM")
CRISIS_BANNER = ":rotating_light: CRISIS MODE — every draft needs one more approval from"
DRILL_BANNER = ":performing_arts: DRILL — every draft needs one more approval from"


def text_of(payload: dict[str, Any]) -> str:
    return json.dumps(payload["blocks"], ensure_ascii=False)


def in_crisis(kind: str = "crisis", *, needed: bool = True) -> Progress:
    return Progress(
        given=("U0APPROVER",), required=2, risk_needed=False, crisis_kind=kind, crisis_needed=needed
    )


def test_the_banner_names_the_crisis_approvers_users_and_groups() -> None:
    assert crisis_banner_text("crisis", CRISIS_APPROVERS) == (
        f"{CRISIS_BANNER} <@U0LEGAL>, <!subteam^S0PRTEAM>"
    )
    assert crisis_banner_text("drill", ["U0LEGAL"]) == f"{DRILL_BANNER} <@U0LEGAL>"


def test_a_long_list_of_crisis_approvers_is_cut_with_a_count() -> None:
    many = [f"U{i:08d}" for i in range(40)]
    assert crisis_banner_text("crisis", many).endswith("and 30 more")


def test_a_stamped_drafts_card_carries_the_banner_and_says_who_must_approve() -> None:
    card = build_approval_card(draft(), in_crisis(), zone=BERLIN, crisis_approvers=CRISIS_APPROVERS)
    assert check_message(card) == []
    blocks = card["blocks"]
    assert blocks[1]["text"]["text"].startswith(f"*{CRISIS_BANNER}")
    assert "Approvals: 1 of 2" in text_of(card)
    assert "crisis mode: one must come from <@U0LEGAL>, <!subteam^S0PRTEAM>" in text_of(card)


def test_a_drills_card_says_drill() -> None:
    card = build_approval_card(draft(), in_crisis("drill"), zone=BERLIN, crisis_approvers=["U0L"])
    assert DRILL_BANNER in text_of(card)
    assert "CRISIS MODE" not in text_of(card)


def test_once_the_crisis_approver_approved_the_line_stops_asking_but_the_banner_stays() -> None:
    card = build_approval_card(
        draft(), in_crisis(needed=False), zone=BERLIN, crisis_approvers=CRISIS_APPROVERS
    )
    assert CRISIS_BANNER in text_of(card)
    assert "one must come from" not in text_of(card)


def test_a_card_outside_a_crisis_has_no_banner() -> None:
    progress = Progress(given=(), required=1, risk_needed=False)
    card = build_approval_card(draft(), progress, zone=BERLIN, crisis_approvers=CRISIS_APPROVERS)
    assert "CRISIS" not in text_of(card)
    assert "DRILL" not in text_of(card)


def test_a_finished_drafts_card_drops_the_banner() -> None:
    card = build_approval_card(
        draft(state="published"), in_crisis(), zone=BERLIN, crisis_approvers=CRISIS_APPROVERS
    )
    assert "CRISIS" not in text_of(card)


def suggestion(**changes: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "suggestion_id": 3,
        "customer_text": "@dana your site is down <!channel>",
        "text": "Hi dana, we're aware and looking into it.",
        "faq_id": None,
        "template_id": "crisis-holding",
        "confidence": 0.0,
        "option": 0,
        "options": 1,
        "polished": False,
        "note": None,
        "network": "x",
    }
    fields.update(changes)
    return build_suggestion_message(**fields)


def test_a_crisis_suggestion_carries_the_banner_and_what_it_means() -> None:
    shown = suggestion(crisis_kind="crisis", crisis_approvers=CRISIS_APPROVERS)
    assert check_message(shown) == []
    first = shown["blocks"][0]["text"]["text"]
    assert first.startswith(f"*{CRISIS_BANNER}")
    assert "pre-approved crisis templates only" in first
    assert "<!channel>" not in text_of(shown)  # the customer's words never ping


def test_a_suggestion_outside_a_crisis_has_no_banner() -> None:
    assert "CRISIS" not in text_of(suggestion())


def test_a_crisis_abstention_says_why_with_the_banner_and_offers_a_hand_off() -> None:
    shown = build_abstention_message(
        suggestion_id=3,
        customer_text="<!channel> {{ 7*7 }}",
        gap_id=None,
        note=NO_CRISIS_TEMPLATE,
        crisis_kind="drill",
        crisis_approvers=CRISIS_APPROVERS,
    )
    assert check_message(shown) == []
    text = text_of(shown)
    assert DRILL_BANNER in text
    assert "none fits this message" in text
    assert "FAQ gap" not in text
    assert "Add to FAQ" not in text
    assert "Hand off" in text


def test_the_app_home_carries_the_banner_while_a_crisis_runs() -> None:
    queue = HomeQueue(user_id="U0LEGAL", can_approve=True, crisis_kind="crisis")
    view = build_home_view(
        draft_sections(queue, now=NOW),
        HELP,
        crisis_kind=queue.crisis_kind,
        crisis_approvers=CRISIS_APPROVERS,
    )
    assert check_view(view, expected_type="home") == []
    assert view["blocks"][1]["text"]["text"].startswith(f"*{CRISIS_BANNER}")


def test_a_full_home_with_the_banner_stays_within_100_blocks() -> None:
    rows = tuple(draft(id=i) for i in range(60))
    queue = HomeQueue(
        user_id="U0APPROVER",
        can_approve=True,
        to_approve=Page(rows, 60),
        mine=Page(rows, 60),
        crisis_kind="crisis",
    )
    view = build_home_view(
        draft_sections(queue, now=NOW),
        HELP,
        notice="Approved #3.",
        crisis_kind="crisis",
        crisis_approvers=CRISIS_APPROVERS,
    )
    assert check_view(view, expected_type="home") == []
    assert CRISIS_BANNER in text_of(view)


def test_the_queue_carries_the_banner_and_marks_what_waits_for_a_crisis_approver() -> None:
    waiting = [draft(id=4), draft(id=5)]
    progress: dict[int | None, Progress] = {
        4: in_crisis(),
        5: Progress(given=(), required=1, risk_needed=False),
    }
    shown = build_queue_message(
        waiting,
        progress,
        can_approve=True,
        now=NOW,
        zone=BERLIN,
        crisis_kind="crisis",
        crisis_approvers=CRISIS_APPROVERS,
    )
    assert check_message(shown) == []
    assert shown["blocks"][0]["text"]["text"].startswith(f"*{CRISIS_BANNER}")
    assert "approvals 1 of 2 (one from a crisis approver)" in queue_row_text(
        waiting[0], progress[4], now=NOW
    )
    assert "crisis approver" not in queue_row_text(waiting[1], progress[5], now=NOW)


def test_an_empty_queue_in_a_drill_still_shows_the_banner() -> None:
    shown = build_queue_message(
        [], {}, can_approve=True, now=NOW, zone=BERLIN, crisis_kind="drill", crisis_approvers=()
    )
    assert check_message(shown) == []
    assert DRILL_BANNER in text_of(shown)
    assert "a crisis approver (none configured)" in text_of(shown)
    assert "Nothing is waiting for approval." in text_of(shown)
