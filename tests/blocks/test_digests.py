"""The digest's Block Kit: within Slack's limits, long lists cut with "and N more", a quiet day
in one line, everything people wrote escaped, and the buttons a lead acts from."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.blocks.digest_text import digest_context, duration_text, percent_text, sample_figures
from bot.blocks.digests import (
    DIGEST_APPROVE_ACTION,
    DIGEST_OPEN_QUEUE_ACTION,
    MAX_BLOCKS,
    SECTION_CHARS,
    build_digest_message,
)
from bot.blocks.replies import ADD_TO_FAQ_ACTION
from bot.content import SAMPLE_RESPONSES_DIR
from bot.knowledge.digest_template import (
    DIGEST_TEMPLATE,
    load_digest_template,
    render_digest_text,
)
from bot.workflows.digests.figures import (
    ApprovalFigures,
    Count,
    DigestFigures,
    HandoffFigures,
    PendingDraft,
    ReplyFigures,
)
from slack_emulator.block_limits import check_message

NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
BERLIN = ZoneInfo("Europe/Berlin")
NASTY = "<!channel> {{ 7*7 }} & <https://evil.example|click>"


def quiet_figures() -> DigestFigures:
    return DigestFigures(
        start=NOW - timedelta(hours=24),
        end=NOW,
        approvals=ApprovalFigures(0, 0, 0, 0, 0, 0, 0, None, ()),
        scheduled_today={"x": 0},
        handoffs=HandoffFigures(0, 0, 0, 0, 0, None, {"support": 0}),
        replies=ReplyFigures(0, 0, 0, (), (), {}),
    )


def busy_figures(**changes: Any) -> DigestFigures:
    pending = tuple(
        PendingDraft(10 + i, f"U0AUTHOR{i}", f"draft {i} {NASTY}", NOW - timedelta(hours=30 - i))
        for i in range(3)
    )
    figures = sample_figures(NOW)
    approvals = replace(
        figures.approvals, pending_under_4h=3, pending_under_24h=4, pending_older=5,
        oldest_pending=pending,
    )  # fmt: skip
    replies = replace(
        figures.replies,
        top_gaps=(Count("g", NASTY, 7, gap_id=42), *figures.replies.top_gaps),
        top_entries=(Count("e", NASTY, 3), *figures.replies.top_entries),
    )
    return replace(figures, approvals=approvals, replies=replies, **changes)


def rendered(figures: DigestFigures, kind: str = "daily") -> str:
    template = load_digest_template(SAMPLE_RESPONSES_DIR / DIGEST_TEMPLATE)
    return render_digest_text(template, digest_context(figures, kind=kind, tz=BERLIN))


def message(figures: DigestFigures, text: str | None = None) -> dict[str, Any]:
    hashes = {d.draft_id: "0123456789ab" for d in figures.approvals.oldest_pending}
    return build_digest_message(
        rendered(figures) if text is None else text, figures, seen_hashes=hashes, now=NOW
    )


def buttons(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    found = [b["accessory"] for b in blocks if b.get("accessory", {}).get("type") == "button"]
    for block in blocks:
        if block["type"] == "actions":
            found.extend(block["elements"])
    return found


def test_a_quiet_day_is_one_line_without_buttons() -> None:
    figures = quiet_figures()
    assert figures.is_quiet
    built = message(figures)
    assert built["blocks"] == [
        {
            "type": "section",
            "text": {
                "type": "mrkdwn",
                "text": "*Daily digest · Mon 30 Nov*: nothing to report for the last 24 hours; "
                "nothing is waiting.",
            },
        }
    ]
    assert built["text"] == built["blocks"][0]["text"]["text"]
    assert check_message(built) == []


def test_a_busy_day_has_header_sections_and_the_three_buttons() -> None:
    built = message(busy_figures())
    blocks = built["blocks"]
    assert blocks[0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": "Daily digest · Mon 30 Nov", "emoji": True},
    }
    assert check_message(built) == []
    by_action = [(b["action_id"], b["value"]) for b in buttons(blocks)]
    assert by_action == [
        (DIGEST_APPROVE_ACTION, "10:0123456789ab"),
        (DIGEST_APPROVE_ACTION, "11:0123456789ab"),
        (DIGEST_APPROVE_ACTION, "12:0123456789ab"),
        (ADD_TO_FAQ_ACTION, "42"),
        (DIGEST_OPEN_QUEUE_ACTION, "queue"),
    ]
    shown = json.dumps(blocks, ensure_ascii=False)
    # 12 waiting, 3 shown with a button: the rest are counted.
    assert "… and 9 more waiting." in shown
    assert "Waiting now: *12* (3 under 4h, 4 under 24h, 5 older)" in shown
    assert "Median time to approve: 2h 15m" in shown
    assert "70% answered from the FAQ" in shown
    assert built["text"].startswith("Daily digest · Mon 30 Nov: *Approvals*")


def test_long_lists_end_with_and_n_more() -> None:
    text = rendered(busy_figures())
    # Five FAQ entries and five gaps: three named, then the count of the rest.
    assert "sizing (4) and 2 more." not in text  # the nasty one is first, pushing sizing out
    assert "returns (6) and 2 more." in text
    assert "and 2 more." in text.split("Unanswered most:")[1]


def test_what_people_wrote_shows_literally() -> None:
    built = message(busy_figures())
    shown = json.dumps(built, ensure_ascii=False)
    assert "<!channel>" not in shown
    assert "<https://evil" not in shown
    assert "&lt;!channel&gt; {{ 7*7 }} &amp; &lt;https://evil.example|click&gt;" in shown
    assert "49" not in shown


def test_a_pending_draft_without_its_hash_gets_no_approve_button() -> None:
    figures = busy_figures()
    built = build_digest_message(rendered(figures), figures, seen_hashes={11: "0" * 12}, now=NOW)
    approve = [b for b in buttons(built["blocks"]) if b["action_id"] == DIGEST_APPROVE_ACTION]
    assert [b["value"] for b in approve] == ["11:000000000000"]


def test_a_huge_template_output_stays_within_slacks_limits() -> None:
    paragraph = "word " * 1500  # 7,500 characters: three sections
    text = "# " + "T" * 400 + "\n\n" + "\n\n".join([paragraph] * 30)
    built = message(busy_figures(), text)
    blocks = built["blocks"]
    assert len(blocks) == MAX_BLOCKS
    assert check_message(built) == []
    assert all(len(b["text"]["text"]) <= SECTION_CHARS for b in blocks if b["type"] == "section")
    assert len(blocks[0]["text"]["text"]) <= 150
    notes = [b for b in blocks if b["type"] == "context"]
    assert any("more sections" in n["elements"][0]["text"] for n in notes)
    # The buttons survive the cut: they are what a lead acts from.
    assert {b["action_id"] for b in buttons(blocks)} == {
        DIGEST_APPROVE_ACTION,
        ADD_TO_FAQ_ACTION,
        DIGEST_OPEN_QUEUE_ACTION,
    }


def test_a_weekly_digest_says_so() -> None:
    assert rendered(busy_figures(), "weekly").startswith("# Weekly digest · Mon 30 Nov")
    assert "in the last 7 days" in rendered(busy_figures(), "weekly")


def test_durations_and_shares_read_at_a_glance() -> None:
    assert duration_text(None) is None
    assert duration_text(timedelta(seconds=59)) == "under 1m"
    assert duration_text(timedelta(minutes=45)) == "45m"
    assert duration_text(timedelta(hours=2)) == "2h"
    assert duration_text(timedelta(hours=2, minutes=5)) == "2h 5m"
    assert duration_text(timedelta(days=3, hours=4, minutes=10)) == "3d 4h"
    assert percent_text(None) is None
    assert percent_text(2 / 3) == "67%"


def test_the_day_is_the_teams_local_day() -> None:
    late = busy_figures(end=datetime(2026, 11, 30, 23, 30, tzinfo=UTC))
    assert rendered(late).startswith("# Daily digest · Tue 1 Dec")  # 00:30 in Berlin
