"""Two `socialops serve` processes on one store, a burst of clicks, and a `kill -9` mid-burst:
the way issue 10 measured lost clicks, stale cards and lost notices.

After the burst (and the clock's sweep): every click answered 200 is in the store, no decision
is made twice, every card in Slack shows its draft as stored, and every notice went out.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path

from sqlmodel import col, select

from bot.blocks.approvals import APPROVE_ACTION, NOTE_VIEW, card_value
from bot.services import Services
from bot.slack.approval_cards import card_message, post_card
from bot.slack.approval_jobs import repair_cards_and_notices
from bot.slack.client import build_web_client
from bot.store.db import session_scope
from bot.store.models import AuditEntry, Draft, DraftApproval, Notice
from bot.workflows import drafts
from bot.workflows.checks import CheckPolicy
from bot.workflows.drafts import DraftInput
from bot.workflows.notices import NOTICE_LEASE
from slack_emulator.emulator import SlackEmulator
from slack_emulator.signed_client import SignedSlackClient
from tests.conftest import APPROVAL_SETTINGS
from tests.harness import SIGNING_SECRET, bot_settings
from tests.migrated import migrate

APPROVALS, AUTHOR, JONAS = "C0APPROVALS", "U0AUTHOR", "U0APPROVER"
DRAFTS = 24
START_TIMEOUT = 60.0  # two gunicorns booting on a busy 2-core CI box
BURST_TIMEOUT = 60.0
# The card updates are slow, so the killed process dies with redraws and notices in flight.
SLOW_UPDATE = 0.15


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    url: str
    log: Path

    def healthy(self) -> bool:
        assert self.process.poll() is None, f"serve exited:\n{self.log.read_text()}"
        try:
            with urllib.request.urlopen(f"{self.url}/healthz", timeout=2) as answer:  # noqa: S310
                return bool(answer.status == 200)
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            return False


@contextmanager
def serve(tmp_path: Path, name: str, env: dict[str, str]) -> Iterator[Server]:
    port = free_port()
    home = tmp_path / name  # gunicorn's control socket lives in $HOME: one each
    home.mkdir()
    log = tmp_path / f"{name}.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "bot",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--workers",
                "1",
                "--threads",
                "8",
            ],
            cwd=home,  # no stray .env
            env={**env, "HOME": str(home)},
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: kill -9 takes master and workers
        )
    try:
        yield Server(process, f"http://127.0.0.1:{port}", log)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)


def env_for(emulator: SlackEmulator, database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SOCIALOPS_", "SLACK_"))}
    env.update(
        DATABASE_URL=database_url,
        SLACK_BOT_TOKEN=emulator.bot_token,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=emulator.api_url,
        SOCIALOPS_APPROVALS_CHANNEL=APPROVALS,
        SOCIALOPS_APPROVERS=JONAS,
        SOCIALOPS_ADMINS="U0ADMIN",
        SOCIALOPS_MATCHER="offline",
    )
    return env


def pending_drafts_with_cards(services: Services, emulator: SlackEmulator) -> list[Draft]:
    client = build_web_client(token=emulator.bot_token, base_url=emulator.api_url)
    made: list[Draft] = []
    for n in range(DRAFTS):
        with session_scope(services.sessions) as session:
            draft, _ = drafts.create_draft(
                session=session,
                draft=DraftInput(
                    kind="post", text=f"Autumn post {n}", networks=("x",), author_id=AUTHOR
                ),
                checks=CheckPolicy(),
                now=services.clock(),
            )
        post_card(client, services, draft)
        made.append(draft)
    return made


@dataclass(frozen=True)
class Click:
    draft_id: int
    decision: str  # "approve" (a button) or "reject" (the note modal submitted)
    server: int
    status: int | None = None  # None: no answer (the server died)


def send(click: Click, servers: list[Server], emulator: SlackEmulator, draft: Draft) -> Click:
    slack = SignedSlackClient(
        f"{servers[click.server].url}/slack/events",
        SIGNING_SECRET,
        response_url_factory=emulator.new_response_url,
    )
    value = card_value(draft)
    try:
        if click.decision == "approve":
            card = next(m for m in emulator.messages_in(APPROVALS) if m["ts"] == draft.card_ts)
            answer = slack.click(
                APPROVE_ACTION, value, user_id=JONAS, message=card, channel_id=APPROVALS
            )
        else:
            meta = {"draft_id": draft.id, "decision": "reject", "seen_hash": value.split(":")[1]}
            answer = slack.view_submission(
                NOTE_VIEW,
                {"note": {"value": {"type": "plain_text_input", "value": "Off brand"}}},
                user_id=JONAS,
                private_metadata=json.dumps(meta),
            )
    except (OSError, urllib.error.URLError):
        return click  # refused or cut off: Slack would show the person an error
    return replace(click, status=answer.status)


def test_a_kill_mid_burst_loses_no_acked_decision_and_leaves_every_card_true(
    tmp_path: Path, emulator: SlackEmulator, database_url: str
) -> None:
    settings = bot_settings(emulator, database_url, **APPROVAL_SETTINGS)
    services = Services.build(settings)
    try:
        migrate(services.engine)
        made = pending_drafts_with_cards(services, emulator)
        by_id = {d.id: d for d in made if d.id is not None}
        env = env_for(emulator, database_url)
        with serve(tmp_path, "a", env) as a, serve(tmp_path, "b", env) as b:
            servers = [a, b]
            wait_until(lambda: a.healthy() and b.healthy(), START_TIMEOUT, "both servers")
            emulator.inject("chat.update", status=200, delay=SLOW_UPDATE, times=10_000)
            # Each draft gets its decision twice, once through each server (two approvers'
            # screens, or Slack's and a double click): one must win, the other be refused.
            clicks = [
                Click(draft_id, "approve" if draft_id % 3 else "reject", server)
                for draft_id in by_id
                for server in (draft_id % 2, 1 - draft_id % 2)
            ]
            answered_by_a = threading.Event()
            a_count = [0]
            lock = threading.Lock()

            def one(click: Click) -> Click:
                done = send(click, servers, emulator, by_id[click.draft_id])
                if done.server == 0 and done.status == 200:
                    with lock:
                        a_count[0] += 1
                        if a_count[0] >= DRAFTS // 3:
                            answered_by_a.set()
                return done

            with ThreadPoolExecutor(max_workers=6) as pool:
                futures = [pool.submit(one, click) for click in clicks]
                assert answered_by_a.wait(BURST_TIMEOUT), "server a answered too few clicks"
                os.killpg(a.process.pid, signal.SIGKILL)  # kill -9, mid-burst
                results = [future.result(timeout=BURST_TIMEOUT) for future in futures]
            a.process.wait(timeout=10)
            # b finishes what it acked; then it stops too, so the sweep below is the last word.
            b.process.send_signal(signal.SIGTERM)
            b.process.wait(timeout=60)

        emulator.clear_faults()
        acked = [r for r in results if r.status == 200]
        assert any(r.server == 0 for r in acked)
        assert any(r.server == 1 for r in acked)
        assert any(r.status is None for r in results), "the kill cut off no click"

        with session_scope(services.sessions) as session:
            stored = {d.id: d for d in session.exec(select(Draft)).all()}
            approvals = session.exec(select(DraftApproval)).all()
            moves = session.exec(
                select(AuditEntry).where(col(AuditEntry.from_state) != col(AuditEntry.to_state))
            ).all()
        # Every click answered 200 is in the store.
        for click in acked:
            expected = "approved" if click.decision == "approve" else "rejected"
            assert stored[click.draft_id].state == expected, click
        # No decision twice.
        assert len({a.draft_id for a in approvals}) == len(approvals)
        decided = [m.subject_id for m in moves if m.action in ("approve", "reject")]
        assert len(set(decided)) == len(decided)

        # The clock's sweep, once any lease the dead process held has run out.
        client = build_web_client(token=emulator.bot_token, base_url=emulator.api_url)
        later = services.clock() + NOTICE_LEASE + timedelta(seconds=1)
        repair_cards_and_notices(replace(services, clock=lambda: later), client)

        with session_scope(services.sessions) as session:
            stored = {d.id: d for d in session.exec(select(Draft)).all()}
            outbox = session.exec(select(Notice)).all()
        cards = {m["ts"]: m for m in emulator.messages_in(APPROVALS)}
        for draft in stored.values():
            assert draft.card_ts is not None
            assert cards[draft.card_ts]["blocks"] == card_message(services, draft)["blocks"], (
                f"the card of draft {draft.id} does not show it as stored ({draft.state})"
            )
            assert draft.card_version == draft.version
        # One notice per decision, each delivered (at least once) in its card's thread.
        decided_ids = {d.id for d in stored.values() if d.id is not None and d.state != "pending"}
        assert sorted(n.draft_id for n in outbox if n.draft_id is not None) == sorted(decided_ids)
        threads = [m for m in emulator.messages_in(APPROVALS) if m.get("thread_ts")]
        for draft_id in decided_ids:
            card_ts = stored[draft_id].card_ts
            told = [m for m in threads if m["thread_ts"] == card_ts and "your draft" in m["text"]]
            assert told, f"the author of draft {draft_id} was never told"
        for notice in outbox:
            assert notice.delivered_at is not None, notice
            card_ts = stored[notice.draft_id].card_ts if notice.draft_id else None
            assert any(m["thread_ts"] == card_ts and m["text"] == notice.text for m in threads)
    finally:
        services.close()
