"""Approval Block Kit: the right buttons per state, escaped text, and always within Slack's limits."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.blocks.approval_lists import (
    QUEUE_SELECT_ACTION,
    build_audit_message,
    build_calendar_message,
    build_queue_message,
)
from bot.blocks.approvals import (
    APPROVE_ACTION,
    EDIT_ACTION,
    PUBLISHED_ACTION,
    REJECT_ACTION,
    REQUEST_CHANGES_ACTION,
    STATE_LABELS,
    WITHDRAW_ACTION,
    build_approval_card,
    build_draft_modal,
    build_edit_modal,
    build_note_modal,
    card_value,
    parse_card_value,
    reminder_text,
)
from bot.store.models import AuditEntry, Draft
from bot.workflows.checks import Finding
from bot.workflows.drafts import DraftState, Progress, text_hash
from slack_emulator.block_limits import check_message, check_view

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
BERLIN = ZoneInfo("Europe/Berlin")
HOSTILE = ["<!channel> hi", "<@U0ADMIN>", "{{ 7*7 }}", "a & b", "x" * 70_000, "💥" * 500]


def draft(text: str = "Autumn is here", state: str = "pending", **changes: object) -> Draft:
    values: dict[str, Any] = {
        "id": 12,
        "kind": "post",
        "state": state,
        "text": text,
        "text_hash": text_hash(text),
        "networks": "x,linkedin",
        "author_id": "U0AUTHOR",
        "created_at": NOW,
        "updated_at": NOW,
        "submitted_at": NOW,
    }
    values.update(changes)
    return Draft(**values)


NO_PROGRESS = Progress(given=(), required=1, risk_needed=False)


def action_ids(message: dict[str, object]) -> set[str]:
    return {
        element["action_id"]
        for block in message["blocks"]  # type: ignore[attr-defined]
        if block["type"] == "actions"
        for element in block["elements"]
    }


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        (
            "pending",
            {APPROVE_ACTION, REQUEST_CHANGES_ACTION, REJECT_ACTION, EDIT_ACTION, WITHDRAW_ACTION},
        ),
        ("changes_requested", {EDIT_ACTION, WITHDRAW_ACTION}),
        ("approved", {PUBLISHED_ACTION, EDIT_ACTION, WITHDRAW_ACTION}),
        ("scheduled", {PUBLISHED_ACTION, EDIT_ACTION, WITHDRAW_ACTION}),
        ("draft", {EDIT_ACTION, WITHDRAW_ACTION}),
        ("rejected", set()),
        ("withdrawn", set()),
        ("expired", set()),
        ("published", set()),
    ],
)
def test_buttons_follow_the_state(state: str, expected: set[str]) -> None:
    card = build_approval_card(draft(state=state), NO_PROGRESS, zone=BERLIN)
    assert action_ids(card) == expected
    assert check_message(card) == []


def test_every_state_has_a_label() -> None:
    assert set(STATE_LABELS) == set(DraftState)


@pytest.mark.parametrize("text", HOSTILE)
def test_user_text_is_escaped_and_fits(text: str) -> None:
    card = build_approval_card(
        draft(
            text,
            campaign="<!here>",
            link="<https://evil|click>",
            last_note="<!channel>",
            state="changes_requested",
            previous_text="old <!channel>",
        ),
        NO_PROGRESS,
        warnings=[Finding("warning", "risky_topic", "Risky topic '<!channel>'")],
        zone=BERLIN,
    )
    rendered = json.dumps(card)
    assert "<!channel>" not in rendered
    assert "<!here>" not in rendered
    assert "<@U0ADMIN>" not in rendered
    assert "49" not in rendered
    assert check_message(card) == []


def test_a_very_long_text_is_cut_with_a_note() -> None:
    card = build_approval_card(draft("word " * 20_000), NO_PROGRESS, zone=BERLIN)
    assert "more characters" in json.dumps(card)
    assert check_message(card) == []


def section_texts(card: dict[str, Any]) -> list[str]:
    return [b["text"]["text"] for b in card["blocks"] if b["type"] == "section"]


def test_a_long_text_full_of_ampersands_never_splits_an_entity() -> None:
    text = "a & b <3 " * 333  # ~3,000 characters, ~5,300 once escaped: two sections
    card = build_approval_card(draft(text), NO_PROGRESS, zone=BERLIN)
    escaped = text.replace("&", "&amp;").replace("<", "&lt;")
    parts = [t for t in section_texts(card) if "a &amp; b" in t]
    assert len(parts) == 2
    assert "".join(parts) == escaped  # nothing lost or doubled at the cut
    for part in parts:
        assert re.search(r"&(?!amp;|lt;|gt;)", part) is None, part[-10:]
        assert not part.startswith(("amp;", "mp;", "p;", ";", "lt;", "t;"))
    assert check_message(card) == []


def test_long_warnings_and_diffs_are_cut_outside_an_entity() -> None:
    warning = Finding("warning", "risky_topic", "Risky topic " + "&" * 400)
    edited = draft("a & " * 900, previous_text="b & " * 900)
    card = build_approval_card(edited, NO_PROGRESS, warnings=[warning] * 10, zone=BERLIN)
    cut = [t for t in section_texts(card) if t.endswith("…")]
    assert len(cut) == 2  # the warnings and the diff
    for text in cut:
        assert re.search(r"&(?!amp;|lt;|gt;)", text) is None, text[-12:]
    assert check_message(card) == []


def test_the_card_shows_what_each_network_publishes() -> None:
    base = "Shop https://example.com/a & more"
    texts = {
        "x": "Shop https://example.com/a?utm_source=x&utm_medium=social & more",
        "linkedin": "Shop https://example.com/a?utm_source=linkedin&utm_medium=social & more",
    }
    tagged = draft(base, network_texts=json.dumps(texts))
    sections = section_texts(build_approval_card(tagged, NO_PROGRESS, zone=BERLIN))
    [on_x] = [s for s in sections if "utm_source=x&amp;" in s]
    [on_linkedin] = [s for s in sections if "utm_source=linkedin&amp;" in s]
    assert on_x.startswith("*X:*\n")
    assert on_linkedin.startswith("*LinkedIn:*\n")
    assert not any(s.endswith("/a &amp; more") for s in sections)  # the untagged text is not shown
    # One network (or the same text everywhere): the text alone, tags included, no label.
    single = {"x": texts["x"]}
    one = draft(base, networks="x", network_texts=json.dumps(single))
    sections = section_texts(build_approval_card(one, NO_PROGRESS, zone=BERLIN))
    assert "Shop https://example.com/a?utm_source=x&amp;utm_medium=social &amp; more" in sections


def test_many_long_network_texts_stay_within_slacks_limits() -> None:
    networks = ("x", "linkedin", "instagram", "facebook", "tiktok", "threads")
    texts = {n: f"{n} https://example.com/?utm_source={n} " + "& word " * 9_000 for n in networks}
    tagged = draft("base", networks=",".join(networks), network_texts=json.dumps(texts))
    card = build_approval_card(tagged, NO_PROGRESS, zone=BERLIN)
    assert check_message(card) == []
    rendered = json.dumps(card)
    assert "more characters" in rendered
    assert "*Threads:*" in rendered or "Threads" in rendered


def test_a_text_too_long_for_the_card_is_whole_in_the_audit_view() -> None:
    # A Facebook post may be 63,206 characters; the card shows the start and says where the
    # rest is, and /social audit N must then hold all of it (it showed only the trail).
    text = "Long post & more. " * 3_000 + "THE LAST WORDS"
    long_post = draft(text, networks="facebook")
    card = build_approval_card(long_post, NO_PROGRESS, zone=BERLIN)
    assert "the full text is in `/social audit 12`" in json.dumps(card)
    assert "THE LAST WORDS" not in json.dumps(card)
    entries = [
        AuditEntry(
            at=NOW,
            actor_id="U0AUTHOR",
            action="submit",
            subject_type="draft",
            subject_id="12",
            to_state="pending",
        )
    ]
    message = build_audit_message(12, entries, zone=BERLIN, draft=long_post)
    assert check_message(message) == []
    sections = "".join(b["text"]["text"] for b in message["blocks"] if b["type"] == "section")
    assert sections.count("Long post &amp; more.") == 3_000
    assert sections.endswith("THE LAST WORDS")


def test_progress_and_the_risk_approval_are_shown() -> None:
    progress = Progress(given=("U0APPROVER",), required=2, risk_needed=True)
    card = build_approval_card(draft(risky_topics="pricing"), progress, zone=BERLIN)
    rendered = json.dumps(card)
    assert "1 of 2" in rendered
    assert "<@U0APPROVER>" in rendered
    assert "risk approver must approve (topics: pricing)" in rendered


def test_an_edit_shows_a_word_diff() -> None:
    card = build_approval_card(
        draft("Our winter range", previous_text="Our autumn range"), NO_PROGRESS, zone=BERLIN
    )
    rendered = json.dumps(card)
    assert "~autumn~" in rendered
    assert "*winter*" in rendered


def test_the_schedule_is_shown_in_the_teams_zone() -> None:
    when = datetime(2026, 11, 24, 8, 30, tzinfo=UTC)
    card = build_approval_card(draft(scheduled_at=when), NO_PROGRESS, zone=BERLIN)
    assert "09:30 CET" in json.dumps(card)


def test_without_approvers_the_card_says_how_to_fix_it() -> None:
    card = build_approval_card(draft(), NO_PROGRESS, zone=BERLIN, approvers_configured=False)
    assert "SOCIALOPS_APPROVERS" in json.dumps(card)


def test_modals_fit_slacks_limits() -> None:
    assert check_view(build_draft_modal(default_network="x", zone_name="UTC")) == []
    assert check_view(build_note_modal(draft_id=1, decision="reject", seen_hash="a" * 12)) == []
    assert check_view(build_edit_modal(draft("x" * 5_000))) == []


def test_queue_chunks_checkboxes_by_ten() -> None:
    drafts = [draft(f"Draft {i}", id=i) for i in range(1, 26)]
    progress = {d.id: NO_PROGRESS for d in drafts}
    message = build_queue_message(drafts, progress, can_approve=True, now=NOW, zone=BERLIN)
    checkboxes = [
        element
        for block in message["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
        if element["action_id"] == QUEUE_SELECT_ACTION
    ]
    assert [len(c["options"]) for c in checkboxes] == [10, 10]  # 20 shown, the rest counted
    assert "and 5 more" in json.dumps(message)
    assert check_message(message) == []
    viewer = build_queue_message(drafts, progress, can_approve=False, now=NOW, zone=BERLIN)
    assert QUEUE_SELECT_ACTION not in json.dumps(viewer)
    assert (
        "Nothing is waiting"
        in build_queue_message([], {}, can_approve=True, now=NOW, zone=BERLIN)["text"]
    )


def test_calendar_groups_by_local_day() -> None:
    late = draft(
        "Late post",
        state="scheduled",
        id=1,
        scheduled_at=datetime(2026, 11, 23, 23, 30, tzinfo=UTC),
    )
    early = draft(
        "Early post", state="approved", id=2, scheduled_at=datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    )
    message = build_calendar_message(
        [early, late], start=date(2026, 11, 23), days=7, zone=BERLIN, label="This week"
    )
    texts = [b["text"]["text"] for b in message["blocks"] if b["type"] == "section"]
    assert texts[0].startswith("*Monday 23 Nov*")
    assert "`10:00`" in texts[0]
    assert texts[1].startswith("*Tuesday 24 Nov*")
    assert "`00:30`" in texts[1]
    assert check_message(message) == []


def test_audit_trail_fits_however_long() -> None:
    entries = [
        AuditEntry(
            at=NOW + timedelta(minutes=i),
            actor_id="U0APPROVER",
            action="denied_approve",
            subject_type="draft",
            subject_id="12",
            from_state="pending",
            to_state="pending",
            note="<!channel> " + "n" * 300,
            text_hash="f" * 64,
        )
        for i in range(400)
    ]
    message = build_audit_message(12, entries, zone=BERLIN)
    assert check_message(message) == []
    assert "<!channel>" not in json.dumps(message)


@pytest.mark.parametrize(
    "value",
    [
        "",
        "12",
        "12:",
        "x:abcdefabcdef",
        "12:ABCDEFABCDEF",
        "1:abc",
        "9" * 40 + ":abcdefabcdef",
        "<!channel>",
    ],
)
def test_damaged_button_values_are_refused(value: str) -> None:
    assert parse_card_value(value) is None


def test_a_button_value_round_trips() -> None:
    d = draft()
    assert parse_card_value(card_value(d)) == (12, d.text_hash[:12])


def test_reminders_mention_people_and_groups() -> None:
    text = reminder_text(draft(), ["U0APPROVER", "S0LEGAL"], timedelta(hours=5))
    assert "<@U0APPROVER>" in text
    assert "<!subteam^S0LEGAL>" in text
    assert "5h" in text
