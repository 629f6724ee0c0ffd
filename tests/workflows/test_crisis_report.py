"""Crisis status figures, the post-mortem and its export, against a hand-built store (SQLite or
PostgreSQL): windows, drills reading only their own rehearsal, first response, what is open."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from bot.services import Services
from bot.store.db import session_scope
from bot.store.models import AuditEntry, Crisis, CrisisRole, CustomerSignal, Draft
from bot.workflows.crisis.export import duration_text, render_postmortem, to_markdown
from bot.workflows.crisis.report import Postmortem, StatusFigures, postmortem, status_figures
from tests.workflows.test_crisis_timeline import START, crisis
from tests.workflows.test_digest_figures import add, handoff

MINUTE = timedelta(minutes=1)
HOUR = timedelta(hours=1)
START_AT = START + 20 * MINUTE  # 08:20: the hours are clock hours, not hours since the start


def signal(at: datetime, mood: str, *, drill: bool = False, key: str = "") -> CustomerSignal:
    return CustomerSignal(
        source_key=key or f"C1:{at.timestamp()}:{mood}:{drill}",
        origin="monitored",
        at=at,
        mood=mood,
        channel_id="C1",
        excerpt="where is my order",
        drill=drill,
    )


def draft(kind: str = "reply", state: str = "approved", **values: object) -> Draft:
    fields: dict[str, object] = {
        "kind": kind,
        "state": state,
        "text": "We are on it",
        "text_hash": "h",
        "networks": "x",
        "author_id": "U0AUTHOR",
        "created_at": START - HOUR,
        "updated_at": START - HOUR,
    }
    fields.update(values)
    return Draft(**fields)  # type: ignore[arg-type]


def audit(at: datetime, action: str, draft_id: int, from_state: str, to_state: str) -> AuditEntry:
    return AuditEntry(
        at=at,
        actor_id="U0APPROVER",
        action=action,
        subject_type="draft",
        subject_id=str(draft_id),
        from_state=from_state,
        to_state=to_state,
    )


def store(services: Services, *rows: object) -> list[int]:
    """Add rows and return their ids, in order."""
    with session_scope(services.sessions) as session:
        for row in rows:
            session.add(row)
        session.flush()
        return [row.id for row in rows]  # type: ignore[attr-defined]


def status(services: Services, crisis_id: int, since: datetime, now: datetime) -> StatusFigures:
    with session_scope(services.sessions) as session:
        row = session.get(Crisis, crisis_id)
        assert row is not None
        return status_figures(session, row, since, now)


def report(services: Services, crisis_id: int, now: datetime) -> Postmortem:
    with session_scope(services.sessions) as session:
        row = session.get(Crisis, crisis_id)
        assert row is not None
        return postmortem(session, row, now)


def test_status_counts_the_window_and_only_real_messages(services: Services) -> None:
    (crisis_id,) = store(services, crisis(started_at=START_AT))
    since, now = START_AT, START_AT + 4 * HOUR
    reply, post, partial, old_reply = store(
        services,
        draft(),
        draft(kind="post", state="published"),
        draft(state="pending"),
        draft(state="published"),
    )
    add(
        services,
        signal(since - MINUTE, "upset"),  # before the window
        signal(since, "upset"),
        signal(since + HOUR, "neutral"),
        signal(since + 2 * HOUR, "upset"),
        signal(since + 3 * HOUR, "happy"),
        signal(since + 3 * HOUR, "upset", drill=True),  # a drill's rehearsal: not a crisis's
        signal(now, "upset"),  # the next window's
        audit(since + HOUR, "approve", reply, "pending", "approved"),
        audit(since + 2 * HOUR, "publish", reply, "approved", "published"),  # the same reply
        audit(since + HOUR, "publish", post, "approved", "published"),  # a post, not a reply
        audit(since + HOUR, "approve", partial, "pending", "pending"),  # one of two approvals
        audit(since - HOUR, "approve", old_reply, "pending", "approved"),  # before the window
        handoff(since - HOUR),
        handoff(since, state="claimed"),
        handoff(since, state="resolved"),
    )
    figures = status(services, crisis_id, since, now)
    assert (figures.messages, figures.negative) == (4, 2)
    assert figures.negative_share == 0.5
    assert figures.replies_sent == 1
    assert figures.handoffs_open == 2


def test_a_drill_counts_its_own_rehearsal_only(services: Services) -> None:
    (real,) = store(services, crisis(kind="crisis", started_at=START_AT - 5 * HOUR))
    (drill_id,) = store(services, crisis(kind="drill", started_at=START_AT))
    ours, real_reply = store(services, draft(crisis_id=drill_id), draft(crisis_id=real))
    now = START_AT + HOUR
    add(
        services,
        signal(START_AT + MINUTE, "upset", drill=True),
        signal(START_AT + 2 * MINUTE, "neutral", drill=True),
        signal(START_AT + 3 * MINUTE, "upset"),  # a real customer meanwhile
        audit(START_AT + 5 * MINUTE, "approve", ours, "pending", "approved"),
        audit(START_AT + 6 * MINUTE, "approve", real_reply, "pending", "approved"),
    )
    figures = status(services, drill_id, START_AT, now)
    assert (figures.messages, figures.negative, figures.replies_sent) == (2, 1, 1)
    drill_report = report(services, drill_id, now)
    assert drill_report.is_drill
    assert (drill_report.messages, drill_report.negative) == (2, 1)
    assert drill_report.time_to_first_response == 5 * MINUTE
    # The crisis leaves the drill's draft and rehearsal messages out.
    real_figures = status(services, real, START_AT, now)
    assert (real_figures.messages, real_figures.replies_sent) == (1, 1)


def test_postmortem_of_an_ended_crisis(services: Services) -> None:
    ended = START_AT + 2 * HOUR + 10 * MINUTE  # 10:30
    (crisis_id,) = store(
        services,
        crisis(started_at=START_AT, ended_at=ended, ended_by="U0ADMIN", summary="Fixed"),
    )
    before, reply, post, pending, paused, other_paused, drill_pending = store(
        services,
        draft(state="published", published_at=START_AT - MINUTE),
        draft(state="published", published_at=START_AT + 50 * MINUTE),
        draft(kind="post", state="published", published_at=START_AT + HOUR),
        draft(kind="post", state="pending", submitted_at=START_AT + 30 * MINUTE),
        draft(kind="post", state="paused", paused_by=crisis_id, paused_from="scheduled"),
        draft(kind="post", state="paused", paused_by=crisis_id + 100, paused_from="approved"),
        draft(state="pending", crisis_id=crisis_id + 1),  # stamped by a drill, below
    )
    store(services, crisis(kind="drill", started_at=ended + HOUR))  # id crisis_id + 1
    add(
        services,
        CrisisRole(
            crisis_id=crisis_id,
            user_id="U0ADMIN",
            role="lead",
            assigned_by="U0ADMIN",
            assigned_at=START_AT,
        ),
        CrisisRole(
            crisis_id=crisis_id,
            user_id="U0LEGAL",
            role="legal",
            assigned_by="U0ADMIN",
            assigned_at=START_AT + MINUTE,
        ),
        signal(START_AT + MINUTE, "upset"),  # 08:21
        signal(START_AT + 30 * MINUTE, "upset"),  # 08:50
        signal(START_AT + 45 * MINUTE, "neutral"),  # 09:05
        signal(ended, "happy"),  # 10:30, the end itself counts
        signal(ended + MINUTE, "upset"),  # after
        audit(START_AT - MINUTE, "publish", before, "approved", "published"),
        audit(START_AT + 40 * MINUTE, "approve", reply, "pending", "approved"),
        audit(START_AT + 50 * MINUTE, "publish", reply, "approved", "published"),
        audit(START_AT + 20 * MINUTE, "approve", post, "pending", "approved"),  # a post
        handoff(START_AT, summary="Refund | now"),
        handoff(START_AT, state="resolved"),
    )
    got = report(services, crisis_id, now=ended + timedelta(days=2))
    assert got.until == ended
    assert got.duration == 2 * HOUR + 10 * MINUTE
    assert [(r.user_id, r.role) for r in got.roles] == [("U0ADMIN", "lead"), ("U0LEGAL", "legal")]
    assert [(h.start.hour, h.messages, h.negative) for h in got.hours] == [
        (8, 2, 2),
        (9, 1, 0),
        (10, 1, 0),
    ]
    assert got.hours[0].negative_share == 1.0
    assert got.hours[1].negative_share == 0.0
    assert got.time_to_first_response == 40 * MINUTE
    assert [line.draft_id for line in got.published] == [reply, post]
    assert [line.draft_id for line in got.pending] == [pending]
    assert drill_pending not in [line.draft_id for line in got.pending]
    assert [line.draft_id for line in got.paused] == [paused]
    assert other_paused not in [line.draft_id for line in got.paused]
    assert [h.summary for h in got.handoffs_open] == ["Refund | now"]


def test_a_running_crisis_reports_up_to_now_and_a_quiet_one_has_no_response(
    services: Services,
) -> None:
    (crisis_id,) = store(services, crisis(started_at=START_AT))
    got = report(services, crisis_id, now=START_AT + 30 * MINUTE)
    assert got.ended_at is None
    assert got.duration == 30 * MINUTE
    assert [(h.start.hour, h.messages) for h in got.hours] == [(8, 0)]
    assert got.time_to_first_response is None
    assert got.negative_share is None
    assert json.loads(render_postmortem(got, "json"))["running"] is True
    assert "still running" in to_markdown(got)
    assert "## Still open at 2026-11-30 08:50 UTC" in to_markdown(got)


def test_export_escapes_what_people_wrote(services: Services) -> None:
    reason = "Recall | <!channel> # {{ 7*7 }} *bold*"
    (crisis_id,) = store(
        services,
        crisis(kind="drill", reason=reason, started_at=START_AT, ended_at=START_AT + HOUR),
    )
    add(services, signal(START_AT + MINUTE, "upset", drill=True))
    got = report(services, crisis_id, now=START_AT + HOUR)
    text = to_markdown(got)
    assert text.startswith("# DRILL post-mortem: drill #")
    assert r"Recall \| \<\!channel\> \# \{\{ 7\*7 \}\} \*bold\*" in text
    assert "| 2026-11-30 08:00 | 1 | 1 | 100% |" in text
    data = json.loads(render_postmortem(got, "json"))
    assert data["reason"] == reason  # JSON carries it as written
    assert data["drill"] is True
    assert data["hours"][0] == {
        "start": "2026-11-30T08:00:00+00:00",
        "messages": 1,
        "negative": 1,
        "negative_share": 1.0,
    }
    assert data["duration_minutes"] == 60


def test_durations_read_at_a_glance() -> None:
    assert duration_text(None) == "—"
    assert duration_text(timedelta(seconds=30)) == "under 1m"
    assert duration_text(45 * MINUTE) == "45m"
    assert duration_text(2 * HOUR + 15 * MINUTE) == "2h 15m"
    assert duration_text(3 * HOUR) == "3h"
    assert duration_text(timedelta(days=3, hours=4)) == "3d 4h"
