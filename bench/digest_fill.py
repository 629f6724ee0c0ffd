"""A year of synthetic activity for bench.digest: drafts with their audit trail, handoffs, reply
suggestions and FAQ gaps, written in big batches into a freshly migrated store.

Every object lives its life the way the workflows move it (bot/workflows/drafts,
bot/workflows/handoffs): a draft is created and submitted, then approved (and scheduled, then
published), rejected, sent back for changes and resubmitted, expired by the clock or withdrawn;
a handoff is opened, claimed (some after their claim deadline), resolved or bounced back. Each
move leaves the audit entry the workflow writes. Births are spread evenly over the year before
``END``; a move that would fall after ``END`` has not happened yet, so the newest objects are
still pending, open or claimed, and a few old handoffs were never claimed at all.

While it writes, the fill counts what the digest's figures must say over any window
(:class:`Truth`), from its own events and by the definitions of /work/digest-spec.md, not by
asking the store: the bench compares ``build_figures`` over the whole year with these counts.
"""

from __future__ import annotations

import heapq
import random
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import Connection, Table, insert, text
from sqlmodel import SQLModel

import bot.store.models  # noqa: F401 (the tables, registered on SQLModel.metadata)
from bot.core.networks import NETWORK_IDS
from bot.knowledge.sentiment import read_mood

if TYPE_CHECKING:
    import psycopg

# A digest due at 09:00 Berlin on a Monday; the year of activity ends there.
END = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
YEAR = timedelta(days=365)
START = END - YEAR
BATCH = 20_000  # rows buffered before a write

CLOCK = "socialops"  # the clock's audit actor (bot/workflows/drafts/clock.py)
AUTHORS = tuple(f"U0AUTHOR{i}" for i in range(8))
APPROVERS = tuple(f"U0APPROVER{i}" for i in range(3))
AGENTS = {"support": tuple(f"U0SUPPORT{i}" for i in range(4)), "sales": ("U0SALES0", "U0SALES1")}
CLAIM_SLA = {"support": timedelta(hours=1), "sales": timedelta(hours=4)}
RESOLVE_SLA = {"support": timedelta(hours=24), "sales": None}
EXPIRE_AFTER = timedelta(hours=72)  # the default SOCIALOPS_APPROVAL_EXPIRE_AFTER
FAQ_IDS = tuple(f"faq-{i:02d}" for i in range(40))
# Customers write about a few things far more than the rest (the FAQ's head and tail).
FAQ_WEIGHTS = tuple(1 / (rank + 1) for rank in range(len(FAQ_IDS)))
CUSTOMER_TEXTS = (
    "my order {n} arrived broken",
    "still waiting for my refund on order {n}",
    "where is my parcel {n}? it has been a week",
    "the app keeps crashing, this is unacceptable",
    "what time do you open on Sunday? (ticket {n})",
    "do you ship order {n} to Canada?",
    "can I change the size on order {n}",
    "how do I reset my password",
    "love the new colours, thanks! order {n}",
    "great service, you are the best",
)
BIRTH_SHARES = (("suggestion", 0.42), ("post", 0.33), ("handoff", 0.25))
# Written in foreign-key order: a suggestion's draft goes before (or with) the suggestion.
TABLES = ("faq_entry", "draft", "reply_suggestion", "handoff", "audit_entry", "faq_gap")


def table_of(name: str) -> Table:
    return SQLModel.metadata.tables[name]


@cache
def mood_of(template: str) -> str:
    # The number in a text never changes its mood, so read each template once.
    return read_mood(template.format(n=1)).mood


@dataclass
class Truth:
    """What the figures must say, counted from the fill's own events (by the spec's definitions)."""

    events: list[tuple[datetime, str]] = field(default_factory=list)  # (at, figure)
    pending_submitted: list[datetime] = field(default_factory=list)  # pending now: submitted_at
    claim_deadlines: list[tuple[datetime, datetime | None, datetime | None]] = field(
        default_factory=list
    )  # (claim_due_at, claimed_at, closed_at)
    resolve_deadlines: list[tuple[datetime, datetime | None]] = field(default_factory=list)
    open_by_team: Counter[str] = field(default_factory=Counter)
    moods: list[tuple[datetime, str]] = field(default_factory=list)
    faq_uses: list[tuple[datetime, str]] = field(default_factory=list)
    gaps: list[tuple[datetime, int]] = field(default_factory=list)  # (last_seen_at, count)
    approve_waits: list[tuple[datetime, timedelta]] = field(default_factory=list)  # (at, wait)
    claim_waits: list[tuple[datetime, timedelta]] = field(default_factory=list)
    # Approved or scheduled drafts with a time: (scheduled_at, networks).
    scheduled: list[tuple[datetime, str]] = field(default_factory=list)
    rows: Counter[str] = field(default_factory=Counter)  # table → rows written

    def count(self, figure: str, start: datetime, end: datetime) -> int:
        return sum(1 for at, name in self.events if name == figure and start <= at < end)

    def sla_breaches(self, start: datetime, end: datetime) -> int:
        claim = sum(
            1
            for due, claimed, closed in self.claim_deadlines
            if start <= due < end
            and (claimed is None or claimed > due)
            and (closed is None or closed > due)
        )
        resolve = sum(
            1
            for due, closed in self.resolve_deadlines
            if start <= due < end and (closed is None or closed > due)
        )
        return claim + resolve

    def mood_mix(self, start: datetime, end: datetime) -> dict[str, int]:
        return dict(Counter(mood for at, mood in self.moods if start <= at < end))

    def top_gap_counts(self, start: datetime, end: datetime) -> list[int]:
        return sorted((n for at, n in self.gaps if start <= at < end), reverse=True)[:5]

    @property
    def total(self) -> int:
        """The rows of the year's activity (the FAQ's own entries not counted)."""
        return sum(n for table, n in self.rows.items() if table != "faq_entry")


class Writer:
    """Buffers rows per table and writes them in big batches: COPY on PostgreSQL (psycopg),
    one executemany per batch elsewhere."""

    def __init__(self, connection: Connection, truth: Truth) -> None:
        self.connection = connection
        self.truth = truth
        self.buffers: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLES}
        self.columns = {name: [c.name for c in table_of(name).columns] for name in TABLES}
        self.buffered = 0

    def add(self, table: str, row: dict[str, Any]) -> None:
        self.buffers[table].append(row)
        self.truth.rows[table] += 1
        self.buffered += 1
        if self.buffered >= BATCH:
            self.flush()

    def flush(self) -> None:
        for name in TABLES:
            rows = self.buffers[name]
            if rows:
                self._write(name, rows)
                self.buffers[name] = []
        self.buffered = 0

    def _write(self, name: str, rows: list[dict[str, Any]]) -> None:
        columns = self.columns[name]
        if self.connection.dialect.name != "postgresql":
            rows = [{c: r.get(c) for c in columns} for r in rows]
            self.connection.execute(insert(table_of(name)), rows)
            return
        raw = cast("psycopg.Connection[Any]", self.connection.connection.dbapi_connection)
        statement = f"COPY {name} ({', '.join(columns)}) FROM STDIN"
        with raw.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row([row.get(c) for c in columns])


@dataclass
class Step:
    at: datetime
    action: str
    actor: str
    from_state: str | None
    to_state: str | None
    note: str | None = None


class Year:
    """The generator: one pass over the year's births in time order."""

    def __init__(self, writer: Writer, truth: Truth, rng: random.Random) -> None:
        self.writer = writer
        self.truth = truth
        self.rng = rng
        self.ids: Counter[str] = Counter()
        # Audit entries are written in time order (their ids grow with ``at``, as in a real
        # store): a move planned for later waits here until the births reach its time.
        self.later: list[tuple[datetime, int, dict[str, Any]]] = []

    def next_id(self, table: str) -> int:
        self.ids[table] += 1
        return self.ids[table]

    def minutes(self, mean: float) -> timedelta:
        return timedelta(minutes=self.rng.expovariate(1 / mean))

    def audit(self, subject_type: str, subject_id: int, step: Step, text_hash: str | None) -> None:
        row = {
            "at": step.at,
            "actor_id": step.actor,
            "action": step.action,
            "subject_type": subject_type,
            "subject_id": str(subject_id),
            "from_state": step.from_state,
            "to_state": step.to_state,
            "note": step.note,
            "text_hash": text_hash,
        }
        heapq.heappush(self.later, (step.at, self.next_id("audit_seq"), row))

    def release(self, until: datetime) -> None:
        """Write the audit entries due up to ``until``, oldest first."""
        while self.later and self.later[0][0] <= until:
            _, _, row = heapq.heappop(self.later)
            row["id"] = self.next_id("audit_entry")
            self.writer.add("audit_entry", row)

    # -- drafts ---------------------------------------------------------------------------

    def draft_steps(self, born: datetime, author: str, scheduled_at: datetime | None) -> list[Step]:
        rng = self.rng
        steps = [Step(born, "create", author, None, "draft")]
        if rng.random() < 0.06:  # never submitted: kept as a draft, or withdrawn
            if rng.random() < 0.5:
                steps.append(
                    Step(born + self.minutes(600), "withdraw", author, "draft", "withdrawn")
                )
            return steps
        at = born + self.minutes(5)
        steps.append(Step(at, "submit", author, "draft", "pending"))
        for _round in range(3):
            decided = at + self.minutes(120)
            approver = rng.choice(APPROVERS)
            if scheduled_at is not None and decided >= scheduled_at:
                steps.append(Step(scheduled_at, "expire", CLOCK, "pending", "expired"))
                return steps
            if decided - at >= EXPIRE_AFTER:
                steps.append(Step(at + EXPIRE_AFTER, "expire", CLOCK, "pending", "expired"))
                return steps
            roll = rng.random()
            if roll < 0.72:
                if rng.random() < 0.1:  # a risky text: a first approval that is not the last
                    first = at + (decided - at) / 2
                    steps.append(
                        Step(first, "approve", rng.choice(APPROVERS), "pending", "pending")
                    )
                steps.append(Step(decided, "approve", approver, "pending", "approved"))
                if scheduled_at is not None:
                    steps.append(Step(decided, "schedule", approver, "approved", "scheduled"))
                    steps.append(Step(scheduled_at, "publish", CLOCK, "scheduled", "published"))
                else:
                    published = decided + self.minutes(15)
                    steps.append(Step(published, "publish", author, "approved", "published"))
                return steps
            if roll < 0.80:
                steps.append(Step(decided, "reject", approver, "pending", "rejected", "off brand"))
                return steps
            if roll < 0.95:
                steps.append(
                    Step(decided, "request_changes", approver, "pending", "changes_requested")
                )
                if rng.random() < 0.25:
                    return steps  # left as it is
                at = decided + self.minutes(240)
                steps.append(Step(at, "edit", author, "changes_requested", "pending"))
                continue
            steps.append(Step(decided, "withdraw", author, "pending", "withdrawn"))
            return steps
        return steps

    def draft(self, born: datetime, kind: str, network: str | None = None) -> int | None:
        """Writes a draft and plans its audit entries; None if it is born after ``END``."""
        if born >= END:
            return None
        rng = self.rng
        author = rng.choice(AUTHORS)
        scheduled_at = None
        if kind == "post" and rng.random() < 0.5:
            scheduled_at = born + timedelta(hours=rng.uniform(6, 14 * 24))
        steps = [s for s in self.draft_steps(born, author, scheduled_at) if s.at < END]
        draft_id = self.next_id("draft")
        text_hash = f"{draft_id:064x}"
        submitted_at = None
        for step in steps:
            self.audit("draft", draft_id, step, text_hash)
            self.count_draft_step(step)
            if step.to_state == "pending" and step.from_state != "pending":
                submitted_at = step.at
            if step.to_state == "approved" and step.from_state != "approved":
                assert submitted_at is not None
                self.truth.approve_waits.append((step.at, step.at - submitted_at))
        last = steps[-1]
        state = last.to_state or "draft"
        if state == "pending":
            assert submitted_at is not None
            self.truth.pending_submitted.append(submitted_at)
        chosen = rng.sample(NETWORK_IDS[:4], rng.randint(1, 3))
        networks = network or ",".join(n for n in NETWORK_IDS if n in chosen)
        if state in ("approved", "scheduled") and scheduled_at is not None:
            self.truth.scheduled.append((scheduled_at, networks))
        self.writer.add(
            "draft",
            {
                "id": draft_id,
                "kind": kind,
                "state": state,
                "version": len(steps),
                "text": f"Draft {draft_id}: our autumn range is in stores now",
                "text_hash": text_hash,
                "networks": networks,
                "author_id": author,
                "campaign": rng.choice((None, "autumn", "black-friday")),
                "scheduled_at": scheduled_at,
                "required_approvals": 1,
                "last_note": last.note,
                "card_channel": "C0APPROVALS",
                "card_ts": f"{1_700_000_000 + draft_id}.000100",
                "card_version": len(steps),
                "created_at": born,
                "updated_at": last.at,
                "submitted_at": submitted_at,
                "published_at": last.at if state == "published" else None,
            },
        )
        return draft_id

    def count_draft_step(self, step: Step) -> None:
        events = self.truth.events
        if step.action == "submit" or (step.action == "edit" and step.to_state == "pending"):
            events.append((step.at, "submitted"))
        if step.to_state == "approved" and step.from_state != "approved":
            events.append((step.at, "approved"))
        if step.to_state in ("rejected", "expired"):
            events.append((step.at, step.to_state))

    # -- handoffs -------------------------------------------------------------------------

    def handoff(self, born: datetime, number: int) -> None:
        rng = self.rng
        team = "support" if rng.random() < 0.65 else "sales"
        agent = rng.choice(AGENTS[team])
        requester = rng.choice(AUTHORS)
        template = rng.choice(CUSTOMER_TEXTS)
        claim_due = born + CLAIM_SLA[team]
        sla = RESOLVE_SLA[team]
        resolve_due = born + sla if sla is not None else None
        steps = [Step(born, "hand_off", requester, None, "open", f"to {team}")]
        roll = rng.random()
        if roll < 0.003:
            pass  # forgotten: never claimed
        elif roll < 0.12:
            steps.append(Step(born + self.minutes(60), "bounce", agent, "open", "bounced", "sales"))
        else:
            claimed = born + self.minutes(CLAIM_SLA[team].total_seconds() / 60 * 0.6)
            steps.append(Step(claimed, "claim", agent, "open", "claimed"))
            if rng.random() < 0.93:
                steps.append(
                    Step(claimed + self.minutes(300), "resolve", agent, "claimed", "resolved")
                )
            else:
                steps.append(
                    Step(
                        claimed + self.minutes(120),
                        "bounce",
                        agent,
                        "claimed",
                        "bounced",
                        "not ours",
                    )
                )
        steps = [s for s in steps if s.at < END]
        handoff_id = self.next_id("handoff")
        claimed_at = next((s.at for s in steps if s.action == "claim"), None)
        closed = steps[-1] if steps[-1].to_state in ("resolved", "bounced") else None
        closed_at = closed.at if closed else None
        state = steps[-1].to_state or "open"
        for step in steps:
            self.audit("handoff", handoff_id, step, None)
        events = self.truth.events
        events.append((born, "opened"))
        if claimed_at is not None:
            events.append((claimed_at, "claimed"))
            self.truth.claim_waits.append((claimed_at, claimed_at - born))
        if closed is not None:
            events.append((closed.at, str(closed.to_state)))
        self.truth.claim_deadlines.append((claim_due, claimed_at, closed_at))
        if resolve_due is not None:
            self.truth.resolve_deadlines.append((resolve_due, closed_at))
        if state in ("open", "claimed"):
            self.truth.open_by_team[team] += 1
        mood = mood_of(template)
        self.truth.moods.append((born, mood))
        unclaimed_at = claimed_at or closed_at or END
        remind_at = born + CLAIM_SLA[team] * 0.75
        self.writer.add(
            "handoff",
            {
                "id": handoff_id,
                "team": team,
                "state": state,
                "version": len(steps),
                "priority": rng.choice(("normal", "normal", "normal", "high", "urgent")),
                "summary": f"Customer {number} needs a hand",
                "customer_text": template.format(n=number),
                "customer_handle": f"@customer{number}",
                "network": rng.choice(NETWORK_IDS[:4]),
                "source_channel": "C0SOCIAL",
                "source_ts": f"{1_700_000_000 + number}.000300",
                # One live handoff per message; a bounce frees the key.
                "source_key": None if state == "bounced" else f"C0SOCIAL:{number}",
                "route_reason": f"matched '{team}'",
                "mood": mood,
                "requested_by": requester,
                "owner_id": agent if claimed_at is not None else None,
                "claimed_at": claimed_at,
                "closed_at": closed_at,
                "closed_by": agent if closed is not None else None,
                "close_note": closed.note if closed is not None else None,
                "packet_channel": "C0SUPPORT" if team == "support" else "C0SALES",
                "packet_ts": f"{1_700_000_000 + number}.000400",
                "packet_version": len(steps),
                "claim_due_at": claim_due,
                "remind_at": remind_at,
                "resolve_due_at": resolve_due,
                # The clock's timers fired while it waited unclaimed past them.
                "reminded_at": remind_at if unclaimed_at > remind_at else None,
                "claim_escalated_at": claim_due if unclaimed_at > claim_due else None,
                "created_at": born,
                "updated_at": steps[-1].at,
            },
        )

    # -- reply suggestions ----------------------------------------------------------------

    def suggestion(self, born: datetime, number: int) -> None:
        rng = self.rng
        template = rng.choice(CUSTOMER_TEXTS)
        network = rng.choice(NETWORK_IDS[:4])
        roll = rng.random()
        faq_id = None
        reply = None
        if roll < 0.55:  # answered from an FAQ entry
            faq_id = rng.choices(FAQ_IDS, FAQ_WEIGHTS)[0]
            reply = f"Thanks for asking! See {faq_id}."
        elif roll < 0.65:  # a template's text without an FAQ answer
            reply = "Sorry about that, we are on it."
        draft_id = None
        if reply is not None and rng.random() < 0.45:
            draft_id = self.draft(born + self.minutes(4), "reply", network)
        suggestion_id = self.next_id("reply_suggestion")
        mood = mood_of(template)
        self.truth.moods.append((born, mood))
        self.truth.events.append((born, "suggestion"))
        if faq_id is not None:
            self.truth.events.append((born, "answered_from_faq"))
            self.truth.faq_uses.append((born, faq_id))
        if draft_id is not None:
            self.truth.events.append((born, "sent_for_approval"))
        self.writer.add(
            "reply_suggestion",
            {
                "id": suggestion_id,
                "requested_by": rng.choice(AUTHORS),
                "channel_id": "C0SOCIAL",
                "message_ts": f"{1_700_000_000 + number}.000500",
                "customer_text": template.format(n=number),
                "customer_handle": f"@customer{number}",
                "network": network,
                # Rows written before the column existed have none: the figures read the text.
                "mood": None if rng.random() < 0.2 else mood,
                "ranked_ids": f'["{faq_id}"]' if faq_id else "[]",
                "option": 0,
                "faq_id": faq_id,
                "text": reply,
                "confidence": rng.uniform(0.55, 0.95) if faq_id else rng.uniform(0.0, 0.4),
                "polished": False,
                "chosen_by_model": False,
                "draft_id": draft_id,
                "created_at": born,
            },
        )

    # -- the year -------------------------------------------------------------------------

    def run(self, births: int) -> None:
        rng = self.rng
        span = YEAR.total_seconds()
        times = sorted(rng.uniform(0, span) for _ in range(births))
        kinds = rng.choices([k for k, _ in BIRTH_SHARES], [w for _, w in BIRTH_SHARES], k=births)
        for number, (offset, kind) in enumerate(zip(times, kinds, strict=True)):
            born = START + timedelta(seconds=offset)
            self.release(born)
            if kind == "post":
                self.draft(born, "post")
            elif kind == "handoff":
                self.handoff(born, number)
            else:
                self.suggestion(born, number)
        self.release(END)

    def faq_entries(self) -> None:
        for faq_id in FAQ_IDS:
            self.writer.add(
                "faq_entry",
                {
                    "id": faq_id,
                    "question": f"Question {faq_id}?",
                    "answer": f"The answer to {faq_id}.",
                    "variants": "[]",
                    "tags": "",
                    "source": "faq/bench.yml",
                    "learned": "[]",
                    "updated_at": START,
                },
            )

    def gaps(self, count: int) -> None:
        rng = self.rng
        for number in range(count):
            first = START + timedelta(seconds=rng.uniform(0, YEAR.total_seconds()))
            last = min(first + timedelta(days=rng.expovariate(1 / 10)), END - timedelta(seconds=1))
            asked = 1 + int(rng.paretovariate(1.5))
            self.truth.gaps.append((last, asked))
            self.writer.add(
                "faq_gap",
                {
                    "id": number + 1,
                    "key": f"question nobody answered {number}",
                    "example": f"Question nobody answered ({number})?",
                    "count": asked,
                    "not_helpful": asked // 4,
                    "first_seen_at": first,
                    "last_seen_at": last,
                },
            )


GAP_SHARE = 0.03  # of the rows: FAQ gaps (one row per distinct unanswered question)


def rows_per_birth(seed: int) -> float:
    """How many rows one birth writes on average (its audit entries, a reply's draft), measured
    on a sample, so the fill can aim at a row count."""

    class Counting(Writer):
        def __init__(self, truth: Truth) -> None:
            self.truth = truth
            self.buffered = 0

        def add(self, table: str, row: dict[str, Any]) -> None:
            self.truth.rows[table] += 1

    truth = Truth()
    sample = 5_000
    Year(Counting(truth), truth, random.Random(seed)).run(sample)
    return truth.total / sample


def fill(connection: Connection, rows: int, *, seed: int = 12) -> Truth:
    """About ``rows`` rows over the year (the FAQ's 40 entries besides); returns the truth."""
    truth = Truth()
    writer = Writer(connection, truth)
    year = Year(writer, truth, random.Random(seed))
    year.faq_entries()
    gaps = int(rows * GAP_SHARE)
    year.run(round((rows - gaps) / rows_per_birth(seed)))
    year.gaps(gaps)
    writer.flush()
    if connection.dialect.name == "postgresql":
        # The rows came with their ids: move the sequences past them, as inserts would have.
        for table in ("draft", "audit_entry", "handoff", "reply_suggestion", "faq_gap"):
            statement = f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"  # noqa: S608 (our own table names)
            connection.execute(text(statement))
    return truth


def split(truth: Truth) -> str:
    names = (
        ("draft", "drafts"),
        ("audit_entry", "audit entries"),
        ("handoff", "handoffs"),
        ("reply_suggestion", "suggestions"),
        ("faq_gap", "FAQ gaps"),
    )
    parts: Iterable[str] = (f"{label} {truth.rows[table]:,}" for table, label in names)
    return ", ".join(parts)
