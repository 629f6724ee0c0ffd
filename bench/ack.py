"""How fast socialops acks Slack over HTTP, side by side with a bare slack-bolt app that only acks.

Slack gives an app 3 seconds to ack a slash command or a click; everything socialops adds before
the ack (middleware, event dedupe, the router, Block Kit building) must stay cheap. Both apps run
under gunicorn with the same options (2 workers, gthread, 8 threads) against the local Slack
emulator; 20 keep-alive clients spread over 2 processes send signed requests for a fixed time.
Scenarios and apps are interleaved in rounds so drift on a noisy machine hits both alike.

Scenarios: ``/social help``; a button click that decides nothing (the help message's Dismiss);
and an approve click, the Approve button of a pending draft's card clicked by an approver. A
deciding click commits its decision before the ack, so its ack includes a short transaction: each
socialops app gets the approvals settings and imports one draft into its own database before the
load starts. The first click (in the warm-up) approves it; every measured click is then refused
as "already approved", which still reads the draft under its lock and writes an audit entry
before the ack: the steady-state cost of a deciding click, on SQLite's single writer (or on the
database ``--database-url`` names). The Claim
click is the same for a handoff: each socialops app gets a support channel (the emulator's
C0SUPPORT) and, before the load starts, starts one handoff and posts its packet with its own code
(``bot.slack.handoff_packets.start_and_post`` run in a subprocess with that app's settings). The
first Claim (in the warm-up) claims it; every measured Claim is then refused ("already yours"),
which still reads the handoff under its row lock and writes an audit entry before the ack. An app
whose code has no handoffs (an older ``--baseline``) skips the Claim click, and the table says so.
The bare app acks the Approve and Claim actions like the others.

    python -m bench.ack                         # 20 clients, 10 s per app and scenario
    python -m bench.ack --seconds 2 --clients 4 # a quick look
    python -m bench.ack --baseline dd6a019      # also an earlier commit, in the same run
    python -m bench.ack --database-url postgresql+psycopg://…/scratch  # socialops on an EMPTY one

With ``--baseline REV`` the commit REV is checked out into a temporary git worktree and served
as a third app beside the other two, so a change is judged against the code before it on the same
machine in the same minutes (absolute figures move with the machine's load; ratios hold).

Goals on a 2-core machine: socialops at least 0.8x the bare app's throughput, p99 at most 100 ms.
Exit status: 0 goals met, 1 a goal missed, 2 a call Slack would refuse or an app that did not start.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import http.client
import json
import multiprocessing
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import urlencode

from sqlalchemy.engine import make_url

from bot.blocks.approvals import APPROVE_ACTION
from bot.blocks.handoff_buttons import CLAIM_ACTION
from bot.blocks.help import DISMISS_ACTION_ID
from slack_emulator import payloads
from slack_emulator.emulator import SlackEmulator
from slack_emulator.emulator_state import (
    APPROVALS_CHANNEL_ID,
    APPROVER_ID,
    SUPPORT_AGENT_ID,
    SUPPORT_CHANNEL_ID,
)

REPO_ROOT = Path(__file__).resolve().parent.parent
SIGNING_SECRET = "bench-signing-secret-0123456789abcdef"  # noqa: S105 (the emulator's app)
EVENTS_PATH = "/slack/events"
FORM = "application/x-www-form-urlencoded"
THROUGHPUT_GOAL = 0.8
P99_GOAL_MS = 100.0
START_TIMEOUT = 30.0
SEED_TIMEOUT = 60.0
# The approvals settings of every socialops app: the emulator's approvals channel and approver.
APPROVAL_ENV = {
    "SOCIALOPS_APPROVALS_CHANNEL": APPROVALS_CHANNEL_ID,
    "SOCIALOPS_APPROVERS": APPROVER_ID,
}
# The support team's channel, where each app posts its handoff's packet.
HANDOFF_ENV = {"SOCIALOPS_SUPPORT_CHANNEL": SUPPORT_CHANNEL_ID}
CLAIM_CHECK_TIMEOUT = 10.0  # the packet is redrawn after the ack: wait for it, with a deadline
NO_HANDOFFS = 3  # the seeding script's exit status when the app's code has no handoffs
# Run with ``python -c`` in the app's own checkout, so it seeds with that commit's code; an older
# commit without handoffs fails the import and exits NO_HANDOFFS (its Claim click is skipped).
SEED_HANDOFF = f"""
import sys
try:
    from bot.slack.handoff_packets import start_and_post
    from bot.workflows.handoffs.create import HandoffRequest
except ImportError:
    sys.exit({NO_HANDOFFS})
from bot.services import Services
from bot.settings import load_settings
from bot.slack.client import build_web_client

settings = load_settings()
services = Services.build(settings)
client = build_web_client(
    token=settings.secret("slack_bot_token"), base_url=settings.slack_api_url
)
request = HandoffRequest(
    team="support",
    route_reason="asked for support",
    requested_by="U0AUTHOR",
    summary="Broken mug, wants a refund",
    customer_text="My mug arrived broken, can I get a refund?",
)
print(start_and_post(client, services, request).handoff.id)
"""
# One pending draft that one approver decides (no risk words, no links); with no scheduled time
# it stays approved, so the clicks after the first are refused as "already approved".
DRAFT_CSV = (
    "text,networks,scheduled_at,campaign,author\n"
    "Our autumn range is in the shops this week,x,,,U0AUTHOR\n"
)


@dataclass(frozen=True)
class Scenario:
    """A request sent to every app; ``by_app`` replaces it for an app that needs its own (an
    approve click names the draft and card in that app's database). ``skipped`` names the apps
    that cannot take it (a Claim click for a commit without handoffs), with why."""

    name: str
    body: bytes
    by_app: Mapping[str, bytes] = field(default_factory=dict)
    skipped: Mapping[str, str] = field(default_factory=dict)

    def body_for(self, app: str) -> bytes:
        return self.by_app.get(app, self.body)


@dataclass
class Sample:
    """What one batch of clients saw: latencies of answered requests and the failures."""

    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    seconds: float = 0.0

    def add(self, other: Sample) -> None:
        self.latencies_ms.extend(other.latencies_ms)
        self.errors += other.errors
        self.seconds += other.seconds

    @property
    def throughput(self) -> float:
        return len(self.latencies_ms) / self.seconds if self.seconds else 0.0

    def percentile(self, fraction: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def scenarios(
    emulator: SlackEmulator,
    cards: Mapping[str, dict[str, Any]],
    packets: Mapping[str, dict[str, Any] | None],
) -> list[Scenario]:
    """The requests; ``cards`` holds each socialops app's draft card (see ``seed_pending_draft``)
    and ``packets`` its handoff's packet, None for an app without handoffs (``seed_handoff``)."""
    help_form = payloads.slash_command(text="help", response_url=emulator.new_response_url())
    click = payloads.block_actions(
        actions=[payloads.button_action(action_id=DISMISS_ACTION_ID, value="", text="Dismiss")],
        response_url=emulator.new_response_url(),
    )
    approvals = {app: approve_click(emulator, card) for app, card in cards.items()}
    claims = {
        app: claim_click(emulator, packet) for app, packet in packets.items() if packet is not None
    }
    no_handoffs = {app: "no handoffs in its code" for app, packet in packets.items() if not packet}
    return [
        Scenario("/social help", urlencode(help_form).encode()),
        Scenario("button click", interactive_body(click)),
        Scenario("approve click", next(iter(approvals.values())), approvals),
        Scenario("claim click", claims["socialops"], claims, no_handoffs),
    ]


def interactive_body(payload: dict[str, Any]) -> bytes:
    return urlencode({"payload": json.dumps(payload, separators=(",", ":"))}).encode()


def approve_click(emulator: SlackEmulator, card: dict[str, Any]) -> bytes:
    """The approver's click on the card's Approve button, with the value the card carries."""
    value = approve_value(card)
    if value is None:
        abort("the imported draft's card has no Approve button")
    click = payloads.block_actions(
        actions=[
            payloads.button_action(
                action_id=APPROVE_ACTION, value=value, text="Approve", style="primary"
            )
        ],
        user_id=APPROVER_ID,
        channel_id=APPROVALS_CHANNEL_ID,
        message=card,
        response_url=emulator.new_response_url(channel=APPROVALS_CHANNEL_ID, message_ts=card["ts"]),
    )
    return interactive_body(click)


def approve_value(card: dict[str, Any]) -> str | None:
    for block in card.get("blocks", []):
        for element in block.get("elements", []) if block.get("type") == "actions" else []:
            if element.get("action_id") == APPROVE_ACTION:
                return str(element["value"])
    return None


def check_approved(emulator: SlackEmulator, cards: Mapping[str, dict[str, Any]]) -> None:
    """Each app's card lost its Approve button: the clicks decided, so the approve click measured
    a deciding click and not a refusal that writes nothing (say, an approver the app ignores)."""
    now = {message["ts"]: message for message in emulator.messages_in(APPROVALS_CHANNEL_ID)}
    for app, card in cards.items():
        if approve_value(now.get(card["ts"], card)) is not None:
            abort(f"the approve clicks did not approve {app}'s draft; see its log")


def seed_pending_draft(
    emulator: SlackEmulator, env: Mapping[str, str], workdir: Path, name: str, cwd: Path
) -> dict[str, Any]:
    """Create the app's schema and import one draft with that app's own ``socialops`` (the CSV
    import exists in every commit worth comparing); return the approval card it posted."""
    csv_path = workdir / f"{name}-draft.csv"
    csv_path.write_text(DRAFT_CSV, encoding="utf-8")
    before = {message["ts"] for message in emulator.messages_in(APPROVALS_CHANNEL_ID)}
    for step in (["db", "upgrade"], ["drafts", "import", str(csv_path)]):
        done = subprocess.run(
            [sys.executable, "-m", "bot", *step],
            cwd=cwd,
            env=dict(env),
            capture_output=True,
            text=True,
            timeout=SEED_TIMEOUT,
            check=False,
        )
        if done.returncode != 0:
            said = (done.stderr.strip() or done.stdout.strip()).splitlines()
            abort(f"`socialops {' '.join(step)}` for {name} exited {done.returncode}: {said[-1:]}")
    cards = [
        message
        for message in emulator.messages_in(APPROVALS_CHANNEL_ID)
        if message["ts"] not in before and message.get("thread_ts") in (None, message["ts"])
    ]
    if len(cards) != 1:
        abort(f"the draft import for {name} posted {len(cards)} approval card(s), not one")
    return cards[0]


def claim_click(emulator: SlackEmulator, packet: dict[str, Any]) -> bytes:
    """A support agent's click on the packet's Claim button, with the value the packet carries."""
    found = claim_button(packet)
    if found is None:
        abort("the handoff's packet has no Claim button")
    block_id, value = found
    click = payloads.block_actions(
        actions=[
            payloads.button_action(
                action_id=CLAIM_ACTION, value=value, block_id=block_id, text="Claim"
            )
        ],
        user_id=SUPPORT_AGENT_ID,
        channel_id=SUPPORT_CHANNEL_ID,
        message=packet,
        response_url=emulator.new_response_url(channel=SUPPORT_CHANNEL_ID, message_ts=packet["ts"]),
    )
    return interactive_body(click)


def claim_button(packet: dict[str, Any]) -> tuple[str, str] | None:
    """(block id, value) of the packet's Claim button; None once it is claimed."""
    for block in packet.get("blocks", []):
        for element in block.get("elements", []) if block.get("type") == "actions" else []:
            if element.get("action_id") == CLAIM_ACTION:
                return str(block.get("block_id", "")), str(element["value"])
    return None


def check_claimed(emulator: SlackEmulator, packets: Mapping[str, dict[str, Any] | None]) -> None:
    """Each app's packet lost its Claim button: the first click claimed the handoff, so the
    measured clicks were refusals of a claimed handoff (read under lock and audited), not
    refusals of a click the app could not read. The packet is redrawn after the ack: wait for it."""
    deadline = time.monotonic() + CLAIM_CHECK_TIMEOUT
    waiting = {app: packet for app, packet in packets.items() if packet is not None}
    while waiting:
        now = {message["ts"]: message for message in emulator.messages_in(SUPPORT_CHANNEL_ID)}
        waiting = {
            app: packet
            for app, packet in waiting.items()
            if claim_button(now.get(packet["ts"], packet)) is not None
        }
        if waiting and time.monotonic() > deadline:
            abort(f"the claim clicks did not claim {', '.join(waiting)}'s handoff; see its log")
        if waiting:
            time.sleep(0.1)


def seed_handoff(
    emulator: SlackEmulator, env: Mapping[str, str], name: str, cwd: Path
) -> dict[str, Any] | None:
    """Start one support handoff with that app's own code and return the packet it posted;
    None when the app's code has no handoffs (an older baseline)."""
    before = {message["ts"] for message in emulator.messages_in(SUPPORT_CHANNEL_ID)}
    done = subprocess.run(
        [sys.executable, "-c", SEED_HANDOFF],
        cwd=cwd,
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=SEED_TIMEOUT,
        check=False,
    )
    if done.returncode == NO_HANDOFFS:
        return None
    if done.returncode != 0:
        said = (done.stderr.strip() or done.stdout.strip()).splitlines()
        abort(f"starting a handoff for {name} exited {done.returncode}: {said[-1:]}")
    packets = [
        message
        for message in emulator.messages_in(SUPPORT_CHANNEL_ID)
        if message["ts"] not in before and message.get("thread_ts") in (None, message["ts"])
    ]
    if len(packets) != 1:
        abort(f"the handoff for {name} posted {len(packets)} packet(s), not one")
    return packets[0]


def signed_headers(body: bytes) -> dict[str, str]:
    timestamp = str(int(time.time()))
    base = b"v0:" + timestamp.encode() + b":" + body
    signature = hmac.new(SIGNING_SECRET.encode(), base, hashlib.sha256).hexdigest()
    return {
        "Content-Type": FORM,
        "X-Slack-Request-Timestamp": timestamp,
        "X-Slack-Signature": f"v0={signature}",
    }


def run_clients(port: int, body: bytes, clients: int, seconds: float) -> Sample:
    """``clients`` threads, each on one keep-alive connection, sending ``body`` until time is up."""
    deadline = time.perf_counter() + seconds
    lock = threading.Lock()
    total = Sample(seconds=seconds)

    def client() -> None:
        mine = Sample()
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            try:
                connection.request("POST", EVENTS_PATH, body, signed_headers(body))
                response = connection.getresponse()
                response.read()
            except (OSError, http.client.HTTPException):
                mine.errors += 1
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                continue
            if response.status == 200:
                mine.latencies_ms.append((time.perf_counter() - started) * 1000)
            else:
                mine.errors += 1
        connection.close()
        with lock:
            total.latencies_ms.extend(mine.latencies_ms)
            total.errors += mine.errors

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return total


def measure(
    pool: ProcessPoolExecutor, processes: int, port: int, body: bytes, clients: int, seconds: float
) -> Sample:
    """Spread the clients over ``processes`` so the load generator is not one GIL-bound process."""
    shares = [
        clients // processes + (1 if i < clients % processes else 0) for i in range(processes)
    ]
    futures = [
        pool.submit(run_clients, port, body, share, seconds) for share in shares if share > 0
    ]
    sample = Sample(seconds=seconds)
    for future in futures:
        part = future.result()
        sample.latencies_ms.extend(part.latencies_ms)
        sample.errors += part.errors
    return sample


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def served(
    command: list[str], env: Mapping[str, str], log_path: Path, *, cwd: Path = REPO_ROOT
) -> Iterator[int]:
    """Start a gunicorn-served app on a free port; yield the port once it acks a signed request."""
    port = free_port()
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [*command, "--host", "127.0.0.1", "--port", str(port)],
            cwd=cwd,
            env=dict(env),
            stdout=subprocess.DEVNULL,  # gunicorn's access log: one line per request, both apps
            stderr=log,
        )
        try:
            wait_until_acking(port, process, log_path)
            yield port
        finally:
            process.terminate()
            process.wait(timeout=30)


@contextmanager
def checked_out(revision: str, workdir: Path) -> Iterator[Path]:
    """``revision`` in a temporary git worktree; ``python -m bot`` run there imports its code
    (the working directory comes before the editable install on ``sys.path``)."""
    tree = workdir / "baseline"
    subprocess.run(
        ["git", "worktree", "add", "--detach", "--quiet", str(tree), revision],
        cwd=REPO_ROOT,
        check=True,
    )
    try:
        yield tree
    finally:
        subprocess.run(
            ["git", "worktree", "remove", "--force", str(tree)], cwd=REPO_ROOT, check=False
        )


def abort(message: str) -> NoReturn:
    print(f"bench: {message}", file=sys.stderr)
    raise SystemExit(2)


def wait_until_acking(port: int, process: subprocess.Popen[bytes], log_path: Path) -> None:
    body = urlencode(
        payloads.slash_command(text="help", response_url="http://127.0.0.1:9/")
    ).encode()
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            abort(f"the app exited at start; see {log_path}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("POST", EVENTS_PATH, body, signed_headers(body))
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    abort(f"the app did not answer within {START_TIMEOUT:.0f} s; see {log_path}")


def print_table(
    results: Mapping[str, Mapping[str, Sample]],
    skipped: Mapping[str, Mapping[str, str]],
    clients: int,
    seconds: float,
    database: str,
) -> bool:
    print(
        f"\nHTTP ack path, {clients} concurrent clients, {seconds:g} s per app and scenario,"
        f" socialops on {database}"
    )
    print("| scenario | app | req/s | p50 ms | p99 ms | errors |")
    print("|---|---|---:|---:|---:|---:|")
    met = True
    verdicts = []
    for scenario, by_app in results.items():
        for app, sample in by_app.items():
            print(
                f"| {scenario} | {app} | {sample.throughput:,.0f} | {sample.percentile(0.5):.1f}"
                f" | {sample.percentile(0.99):.1f} | {sample.errors} |"
            )
        for app, why in skipped.get(scenario, {}).items():
            print(f"| {scenario} | {app} | skipped: {why} | | | |")
        bare, ours = by_app["bare bolt"], by_app["socialops"]
        ratio = ours.throughput / bare.throughput if bare.throughput else 0.0
        p99 = ours.percentile(0.99)
        ok = ratio >= THROUGHPUT_GOAL and p99 <= P99_GOAL_MS and ours.errors == 0
        met = met and ok
        verdicts.append(
            f"{scenario}: socialops at {ratio:.2f}x the bare app's throughput "
            f"(goal >= {THROUGHPUT_GOAL}x), p99 {p99:.1f} ms (goal <= {P99_GOAL_MS:.0f} ms): "
            f"{'met' if ok else 'MISSED'}"
        )
        for app, before in by_app.items():
            if app.startswith("socialops @") and before.throughput:
                verdicts.append(
                    f"{scenario}: socialops at {ours.throughput / before.throughput:.2f}x"
                    f" the throughput of {app}, p99 {p99:.1f} vs {before.percentile(0.99):.1f} ms"
                )
    print()
    for line in verdicts:
        print(line)
    return met


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="per app and scenario")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--processes", type=int, default=2, help="load-generating processes")
    parser.add_argument("--rounds", type=int, default=2, help="interleaved rounds")
    parser.add_argument("--warmup", type=float, default=1.0, help="seconds per app, not counted")
    parser.add_argument(
        "--baseline", metavar="REV", help="also serve this git commit, side by side"
    )
    parser.add_argument(
        "--database-url",
        help="socialops's database, an EMPTY scratch one (e.g. PostgreSQL); default: a"
        " temporary SQLite file (a baseline always gets its own SQLite file)",
    )
    args = parser.parse_args()

    with ExitStack() as stack:
        emulator = stack.enter_context(SlackEmulator())
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="socialops-bench-")))
        env = (
            {
                key: value
                for key, value in os.environ.items()
                if not key.startswith(("SLACK_", "SOCIALOPS_", "DATABASE_URL"))
            }
            | {
                "SLACK_BOT_TOKEN": emulator.bot_token,
                "SLACK_SIGNING_SECRET": SIGNING_SECRET,
                "SLACK_API_URL": emulator.api_url,
                "DATABASE_URL": args.database_url or f"sqlite:///{workdir / 'bench.db'}",
            }
            | APPROVAL_ENV
            | HANDOFF_ENV
        )
        cards = {"socialops": seed_pending_draft(emulator, env, workdir, "socialops", REPO_ROOT)}
        packets = {"socialops": seed_handoff(emulator, env, "socialops", REPO_ROOT)}
        if packets["socialops"] is None:
            abort("this checkout could not start a handoff")
        apps = {
            "bare bolt": stack.enter_context(
                served([sys.executable, "-m", "bench.bare_app"], env, workdir / "bare.log")
            ),
            "socialops": stack.enter_context(
                served([sys.executable, "-m", "bot", "serve"], env, workdir / "socialops.log")
            ),
        }
        if args.baseline:
            tree = stack.enter_context(checked_out(args.baseline, workdir))
            baseline = f"socialops @{args.baseline}"
            # Its own database: an older commit cannot open a schema migrated past it.
            baseline_env = env | {"DATABASE_URL": f"sqlite:///{workdir / 'baseline.db'}"}
            cards[baseline] = seed_pending_draft(emulator, baseline_env, workdir, "baseline", tree)
            packets[baseline] = seed_handoff(emulator, baseline_env, "baseline", tree)
            apps[baseline] = stack.enter_context(
                served(
                    [sys.executable, "-m", "bot", "serve"],
                    baseline_env,
                    workdir / "baseline.log",
                    cwd=tree,
                )
            )
        # spawn, not fork: this process runs the emulator's threads, which a fork would copy mid-step.
        spawn = multiprocessing.get_context("spawn")
        pool = stack.enter_context(
            ProcessPoolExecutor(max_workers=args.processes, mp_context=spawn)
        )
        plan = scenarios(emulator, cards, packets)
        results = {s.name: {app: Sample() for app in apps if app not in s.skipped} for s in plan}
        # The warm-up's first approve (claim) click approves the draft (claims the handoff) of
        # each app: what is measured after it is the steady state of a deciding click (refused,
        # read under lock, audited).
        for app, port in apps.items():
            for scenario in plan:
                if app in scenario.skipped:
                    continue
                body = scenario.body_for(app)
                measure(pool, args.processes, port, body, args.clients, args.warmup)
        per_round = args.seconds / args.rounds
        for round_number in range(args.rounds):
            # Alternate which app goes first so neither always runs on a warmer machine.
            order = list(apps.items()) if round_number % 2 == 0 else list(apps.items())[::-1]
            for scenario in plan:
                for app, port in order:
                    if app in scenario.skipped:
                        continue
                    body = scenario.body_for(app)
                    sample = measure(pool, args.processes, port, body, args.clients, per_round)
                    results[scenario.name][app].add(sample)
                    print(
                        f"round {round_number + 1}/{args.rounds} {scenario.name:<14} {app:<10}"
                        f" {sample.throughput:8,.0f} req/s",
                        file=sys.stderr,
                    )
        skipped = {s.name: s.skipped for s in plan}
        database = make_url(env["DATABASE_URL"]).get_backend_name()
        met = print_table(results, skipped, args.clients, args.seconds, database)
        check_approved(emulator, cards)
        check_claimed(emulator, packets)
    violations = emulator.violations
    if violations:
        print(f"\nthe emulator saw {len(violations)} call(s) Slack would refuse: {violations[0]}")
        return 2
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
