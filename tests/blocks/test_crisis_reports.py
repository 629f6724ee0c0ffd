"""The war room's status and post-mortem messages: what they say, escaping, Slack's limits, and
the composers reading a hand-built store (a status counts only its own window)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlmodel import select

from bot.blocks.crisis_reports import SECTION_CHARS, build_postmortem, build_status
from bot.services import Services
from bot.slack.crisis_reports import compose_postmortem, compose_status
from bot.store.db import session_scope
from bot.store.models import CrisisPost
from bot.workflows.crisis.kinds import PostKind
from bot.workflows.crisis.posts import owe_post, post_key
from bot.workflows.crisis.report import (
    DraftLine,
    HandoffLine,
    HourFigures,
    Postmortem,
    RoleLine,
    StatusFigures,
)
from slack_emulator.block_limits import check_message
from tests.blocks.test_digests import quiet_figures, rendered
from tests.workflows.test_crisis_report import audit, draft, signal, store
from tests.workflows.test_crisis_timeline import crisis

START = datetime(2026, 11, 30, 8, 20, tzinfo=UTC)
HOUR = timedelta(hours=1)
MINUTE = timedelta(minutes=1)
LOUD = "<!channel> & {{ 7*7 }}"


def texts(blocks: list[dict[str, Any]]) -> str:
    out = []
    for block in blocks:
        if "text" in block:
            out.append(block["text"]["text"])
        for element in block.get("elements", []):
            out.append(element.get("text", ""))
    return "\n".join(out)


def report(**changes: Any) -> Postmortem:
    fields: dict[str, Any] = {
        "crisis_id": 7,
        "kind": "crisis",
        "reason": "Outage",
        "summary": "Fixed",
        "started_by": "U0ADMIN",
        "started_at": START,
        "ended_by": "U0ADMIN",
        "ended_at": START + 2 * HOUR,
        "until": START + 2 * HOUR,
        "made_at": START + 2 * HOUR,
        "roles": (RoleLine("U0ADMIN", "lead"),),
        "hours": (
            HourFigures(START.replace(minute=0), 4, 3),
            HourFigures(START.replace(minute=0) + HOUR, 0, 0),
        ),
        "time_to_first_response": 40 * MINUTE,
        "published": (),
        "pending": (),
        "paused": (),
        "handoffs_open": (),
        "timeline": (),
    }
    fields.update(changes)
    return Postmortem(**fields)


def test_postmortem_says_duration_volume_first_response_and_what_is_open() -> None:
    line = DraftLine(3, "post", "paused", "Black Friday sale", "x", None)
    built = build_postmortem(
        report(
            paused=(line,),
            handoffs_open=(HandoffLine(5, "support", "open", "Refund", START),),
        )
    )
    assert check_message(built) == []
    said = texts(built["blocks"])
    assert built["blocks"][0]["text"]["text"] == "Post-mortem: crisis #7"
    assert "*Duration:* 2h" in said
    assert "4 (75% negative)" in said
    assert "*Time to first response:* 40m" in said
    assert "08:00      4 msgs   75% negative" in said
    assert "*Paused posts* (1)\n• #3 post: Black Friday sale" in said
    assert "*Pending drafts:* none" in said
    assert "• #5 support, open: Refund" in said
    assert "*Published:* Nothing was published." in said
    assert "socialops crisis export 7 --format md" in said
    assert "<@U0ADMIN> (lead)" in said
    assert "first response 40m" in built["text"]


def test_a_drill_postmortem_is_marked_drill() -> None:
    built = build_postmortem(report(kind="drill"))
    assert built["blocks"][0]["text"]["text"] == "DRILL post-mortem: drill #7"
    assert "DRILL" in texts(built["blocks"][1:2])
    assert built["text"].startswith("DRILL post-mortem")


def test_what_people_wrote_shows_literally() -> None:
    built = build_postmortem(
        report(
            reason=LOUD,
            summary=LOUD,
            published=(DraftLine(1, "reply", "published", LOUD, "x", START),),
            handoffs_open=(HandoffLine(5, "support", "open", LOUD, START),),
        )
    )
    said = texts(built["blocks"])
    assert "<!channel>" not in said
    assert said.count("&lt;!channel&gt; &amp; {{ 7*7 }}") == 4
    status = build_status(kind="crisis", crisis_id=7, reason=LOUD, figures=figures())
    assert "<!channel>" not in texts(status["blocks"])


def test_a_long_crisis_stays_within_slacks_limits() -> None:
    many = tuple(DraftLine(i, "post", "pending", "&" * 3000, "x", START) for i in range(200))
    built = build_postmortem(
        report(
            reason="&" * 500,
            summary="<" * 500,
            hours=tuple(
                HourFigures(START.replace(minute=0) + i * HOUR, 99999, 99999) for i in range(72)
            ),
            published=many,
            pending=many,
            paused=many,
            handoffs_open=tuple(
                HandoffLine(i, "support", "open", "&" * 3000, START) for i in range(200)
            ),
            roles=tuple(RoleLine(f"U{i:08d}", "legal") for i in range(300)),
        )
    )
    assert check_message(built) == []
    sections = [b["text"]["text"] for b in built["blocks"] if b["type"] == "section"]
    assert all(len(text) <= SECTION_CHARS for text in sections)
    said = texts(built["blocks"])
    assert "… and 48 more hours" in said
    assert said.count("… and 190 more") == 4
    assert "11-30 08:00" in said  # a span of days names the day


def figures(**changes: Any) -> StatusFigures:
    fields: dict[str, Any] = {
        "since": START,
        "until": START + 4 * HOUR,
        "messages": 12,
        "negative": 3,
        "replies_sent": 1,
        "handoffs_open": 2,
    }
    fields.update(changes)
    return StatusFigures(**fields)


def test_status_says_the_four_numbers() -> None:
    built = build_status(kind="crisis", crisis_id=7, reason="Outage", figures=figures())
    assert check_message(built) == []
    said = texts(built["blocks"])
    assert "*12* new customer messages (25% negative)" in said
    assert "*1* reply sent" in said
    assert "*2* handoffs open now" in said
    drill = build_status(kind="drill", crisis_id=8, reason="Rehearsal", figures=figures(messages=0))
    assert "DRILL status" in drill["blocks"][0]["text"]["text"]
    assert "(— negative)" in texts(drill["blocks"])


# -- the composers, on the store ------------------------------------------------------------------


def owed_update(services: Services, crisis_id: int, slot: datetime) -> CrisisPost:
    with session_scope(services.sessions) as session:
        owe_post(
            session=session,
            kind=PostKind.UPDATE,
            now=slot,
            crisis_id=crisis_id,
            slot=slot.isoformat(),
        )
    with session_scope(services.sessions) as session:
        key = post_key(PostKind.UPDATE, crisis_id=crisis_id, slot=slot.isoformat())
        post = session.exec(select(CrisisPost).where(CrisisPost.key == key)).one()
        session.expunge(post)
        return post


def test_each_status_counts_its_own_window(services: Services) -> None:
    (crisis_id,) = store(services, crisis(started_at=START))
    first, second = START + 4 * HOUR, START + 8 * HOUR
    (reply,) = store(services, draft(state="pending"))
    store(
        services,
        signal(START + HOUR, "upset"),
        signal(START + 2 * HOUR, "neutral"),
        signal(first, "upset"),  # at the slot: the second window's
        signal(first + HOUR, "upset"),
        signal(second + MINUTE, "upset"),  # after both
        audit(first + 2 * HOUR, "approve", reply, "pending", "approved"),
    )
    one, two = owed_update(services, crisis_id, first), owed_update(services, crisis_id, second)
    late = second + 3 * HOUR  # the clock was down: the second says what its window held
    with session_scope(services.sessions) as session:
        said_one = texts(compose_status(services, session, one, late).blocks)
        said_two = texts(compose_status(services, session, two, late).blocks)
    assert "*2* new customer messages (50% negative) · *0* replies sent" in said_one
    assert "*2* new customer messages (100% negative) · *1* reply sent" in said_two


def test_the_postmortem_composer_reads_the_ended_crisis(services: Services) -> None:
    ended = START + 90 * MINUTE
    (crisis_id,) = store(
        services, crisis(started_at=START, ended_at=ended, ended_by="U0ADMIN", summary=LOUD)
    )
    store(services, signal(START + MINUTE, "upset"))
    with session_scope(services.sessions) as session:
        owe_post(session=session, kind=PostKind.POSTMORTEM, now=ended, crisis_id=crisis_id)
    with session_scope(services.sessions) as session:
        post = session.exec(select(CrisisPost)).one()
        message = compose_postmortem(services, session, post, ended + timedelta(days=1))
    assert check_message({"text": message.text, "blocks": message.blocks}) == []
    said = texts(message.blocks)
    assert f"Post-mortem: crisis #{crisis_id}" in said
    assert "*Duration:* 1h 30m" in said
    assert "&lt;!channel&gt;" in said


def test_the_digest_shows_the_crisis_line_escaped_even_on_a_quiet_day() -> None:
    line = "running since Mon 30 Nov 08:30 (1h 30m): Recall <!channel> {{ 7*7 }}"
    text = rendered(replace(quiet_figures(), crisis=line))
    assert (
        ":rotating_light: Crisis: running since Mon 30 Nov 08:30 (1h 30m): "
        "Recall &lt;!channel&gt; {{ 7*7 }}" in text
    )
    assert "nothing to report" not in text  # a crisis is news
