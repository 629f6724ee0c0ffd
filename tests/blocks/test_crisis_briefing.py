"""Crisis mode's own messages as Block Kit: the briefing (roles, holding statements, paused posts
with Resume buttons), the announcement and the end; DRILL marked everywhere; everything people
wrote escaped; long lists cut with "… and N more" within Slack's limits."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from bot.blocks.crisis_briefing import (
    MAX_PAUSED_ROWS,
    MAX_STATEMENTS,
    RESUME_ACTION,
    RESUME_ALL_ACTION,
    Briefing,
    CrisisFacts,
    HoldingStatement,
    PausedPost,
    build_announce,
    build_briefing,
    build_end,
)
from slack_emulator.block_limits import check_message

START = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
NASTY = "<!channel> {{ 7*7 }} & <@U0EVIL> " + "x" * 400
FACTS = CrisisFacts(
    id=7,
    drill=False,
    reason="Checkout is down <!channel> {{ 7*7 }} & more",
    started_by="U0ADMIN",
    started_at=START,
    crisis_approvers=("U0LEGAL", "S0PR"),
    admins=("U0ADMIN",),
)


def briefing(**changes: Any) -> Briefing:
    base = Briefing(
        facts=FACTS,
        roles=[("U0ADMIN", "lead"), ("U0LEGAL", "legal")],
        statements=[HoldingStatement("crisis-holding", "Hi there, we're on it <!here>.")],
        paused=[PausedPost(3, "Flash sale <!channel>", "scheduled", START)],
        room_note=None,
    )
    return replace(base, **changes)


def dump(blocks: list[dict[str, Any]]) -> str:
    return json.dumps(blocks, ensure_ascii=False)


def buttons(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    found = [b["accessory"] for b in blocks if b.get("accessory", {}).get("type") == "button"]
    for block in blocks:
        if block["type"] == "actions":
            found.extend(block["elements"])
    return found


def within_limits(text: str, blocks: list[dict[str, Any]]) -> None:
    assert check_message({"text": text, "blocks": blocks}) == []
    assert len(blocks) <= 50


def test_the_briefing_says_what_who_what_to_say_and_what_waits() -> None:
    text, blocks = build_briefing(briefing())
    within_limits(text, blocks)
    shown = dump(blocks)
    assert text.startswith("Crisis #7: briefing")
    assert "Checkout is down &lt;!channel&gt; {{ 7*7 }} &amp; more" in shown
    assert "lead: <@U0ADMIN>" in shown
    assert "legal: <@U0LEGAL>" in shown
    assert "from a crisis approver: <@U0LEGAL>, <!subteam^S0PR>" in shown
    assert "crisis-holding" in shown
    assert "we're on it &lt;!here&gt;." in shown
    assert "Flash sale &lt;!channel&gt;" in shown
    assert "<!channel>" not in shown + text
    assert "<!here>" not in shown
    resume, resume_all = buttons(blocks)
    assert (resume["action_id"], resume["value"]) == (RESUME_ACTION, "3")
    assert (resume_all["action_id"], resume_all["value"]) == (RESUME_ALL_ACTION, "7")
    assert resume_all["text"]["text"] == "Resume all 1 paused posts"


def test_without_crisis_approvers_the_briefing_says_the_admins_act_as_them() -> None:
    facts = replace(FACTS, crisis_approvers=())
    _, blocks = build_briefing(briefing(facts=facts))
    assert "SOCIALOPS_CRISIS_APPROVERS is not set, so the admins act as crisis approvers" in dump(
        blocks
    )


def test_no_crisis_template_warns_and_a_failed_one_shows_why() -> None:
    _, blocks = build_briefing(briefing(statements=[]))
    assert "No response template is marked `crisis: true`" in dump(blocks)
    failed = [HoldingStatement("broken", "", error="broken.md.j2:7: 'nope' is undefined")]
    _, blocks = build_briefing(briefing(statements=failed))
    assert "could not be rendered: broken.md.j2:7: 'nope' is undefined" in dump(blocks)


def test_the_fallback_note_links_the_channel() -> None:
    note = "Slack refused to let me create a channel (restricted_action), so <#C0ESC> is it."
    _, blocks = build_briefing(briefing(room_note=note))
    assert note in dump(blocks)


def test_a_drill_is_marked_and_pauses_nothing() -> None:
    facts = replace(FACTS, drill=True)
    text, blocks = build_briefing(briefing(facts=facts, paused=[]))
    shown = dump(blocks)
    assert text.startswith("DRILL #7")
    assert blocks[0]["text"]["text"].startswith("DRILL")
    assert ":performing_arts: DRILL" in shown
    assert "*Scenario:*" in shown
    assert "A drill pauses nothing" in shown
    assert buttons(blocks) == []
    text, blocks = build_announce(facts, war_room="C0ROOM", paused=0)
    assert "DRILL" in text
    assert "Nothing is paused: this is a rehearsal." in dump(blocks)
    text, blocks = build_end(
        replace(facts, ended_at=START, ended_by="U0ADMIN"), war_room=None, paused=0
    )
    assert text == "DRILL #7: the drill is over"


def test_long_lists_are_cut_within_slacks_limits() -> None:
    many = [PausedPost(i, NASTY, "approved", None) for i in range(1, 101)]
    statements = [HoldingStatement(f"t{i}", NASTY * 10) for i in range(12)]
    facts = replace(FACTS, reason="&" * 500)
    roles = [(f"U{i:04d}", "support") for i in range(400)]
    text, blocks = build_briefing(
        briefing(facts=facts, paused=many, statements=statements, roles=roles)
    )
    within_limits(text, blocks)
    shown = dump(blocks)
    assert f"… and {100 - MAX_PAUSED_ROWS} more" in shown
    assert f"… and {12 - MAX_STATEMENTS} more" in shown
    assert sum(b.get("accessory", {}).get("action_id") == RESUME_ACTION for b in blocks) == (
        MAX_PAUSED_ROWS
    )
    assert "Resume all 100 paused posts" in shown
    for block in blocks:
        if block["type"] == "section":
            assert len(block["text"]["text"]) <= 3000


def test_the_announcement_and_the_end() -> None:
    text, blocks = build_announce(FACTS, war_room="C0ROOM", paused=4)
    within_limits(text, blocks)
    shown = dump(blocks)
    assert text == "Crisis #7: crisis mode is on"
    assert ":rotating_light: CRISIS MODE" in shown
    assert "War room: <#C0ROOM>." in shown
    assert "4 approved or scheduled posts are paused until resumed." in shown
    ended = replace(FACTS, ended_at=START, ended_by="U0ADMIN", summary="Fixed <!channel> &")
    text, blocks = build_end(ended, war_room="C0ROOM", paused=4)
    within_limits(text, blocks)
    shown = dump(blocks)
    assert text == "Crisis #7: crisis mode is over"
    assert "Fixed &lt;!channel&gt; &amp;" in shown
    assert "Post-mortem in <#C0ROOM>." in shown
    [resume_all] = buttons(blocks)
    assert (resume_all["action_id"], resume_all["value"]) == (RESUME_ALL_ACTION, "7")
    assert resume_all["text"]["text"] == "Resume all 4 paused posts"
    _, blocks = build_end(ended, war_room="C0ROOM", paused=0)
    assert buttons(blocks) == []
    assert "No post is paused." in dump(blocks)
