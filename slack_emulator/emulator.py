"""A local Slack Web API: a loopback HTTP server that answers the methods the bot calls.

Point ``slack_sdk.WebClient(base_url=emulator.api_url, token=emulator.bot_token)`` at it. Every
call is recorded (``calls``, ``calls_to``, ``wait_for``), checked against Slack's OpenAPI spec and
Block Kit limits (``violations``), and answered as Slack would, from an in-memory workspace.
Faults (429 with Retry-After, 5xx, slow answers, error codes) can be injected per method, and a
method can be refused for good (``refuse``: a workspace that does not let apps create channels).
Like Slack, ``views.open`` and ``views.push`` take a trigger id once and only within 3 s of its
click (``expired_trigger_id``, ``exchanged_trigger_id``); ``clock`` is the wall clock it is
measured on, as trigger ids from ``slack_emulator.payloads`` carry their click's epoch time.

Seeded workspace (ids are also constants in ``slack_emulator.emulator_state``):

============  =================  =============================================================
id            name               what
============  =================  =============================================================
U0AUTHOR      maria              an author (Maria Author)
U0APPROVER    jonas              an approver (Jonas Approver)
U0ADMIN       priya              a workspace admin (Priya Admin, ``is_admin``)
UBOTSOCIAL    socialops          the bot user itself (``is_bot``; ``bot_user_id``, bot ``BBOTSOCIAL``)
S0APPROVERS   social-approvers   user group: U0APPROVER, U0ADMIN
C0SOCIAL      social-team        public channel: all three people and the bot
C0APPROVALS   social-approvals   public channel: approver, admin and the bot
U0SUPPORT     sam                support agent (Sam Support); U0SUPPORT2 tara, another one
U0SALES       lee                sales rep (Lee Sales)
C0SUPPORT     support-team       public channel: sam, tara and the bot (handoffs to support)
C0SALES       sales-team         public channel: lee and the bot (handoffs to sales)
C0ESCALATE    escalations        public channel: admin and the bot (SLA escalations)
C0LOUNGE      lounge             public channel: the three people, NOT the bot (``is_member`` false)
============  =================  =============================================================

Beyond Slack's methods the server also takes POSTs to response URLs from ``new_response_url()``
(recorded as method ``"response_url"``) and to files v2 upload URLs (recorded as
``"file_upload"``).

Socket Mode: ``apps.connections.open`` with the app-level token (``app_token``) answers a loopback
WebSocket URL (see ``slack_emulator.emulator_socket``); ``socket_send()`` pushes an envelope down the
app's connection and ``wait_for_socket_ack()`` returns the app's ack.
"""

from __future__ import annotations

import copy
import logging
import secrets
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from slack_emulator.block_limits import BlockViolation, check_message, check_view
from slack_emulator.emulator_args import InviteRefused, MethodError
from slack_emulator.emulator_faults import Fault, FaultPlan
from slack_emulator.emulator_files import receive_upload
from slack_emulator.emulator_http import LoopbackServer, Reply, decode_arguments, error_reply
from slack_emulator.emulator_methods import METHODS, post_to_response_url
from slack_emulator.emulator_socket import (
    EMULATOR_APP_TOKEN,
    SocketModeHub,
    connections_open_error,
)
from slack_emulator.emulator_state import EmulatedUser, ResponseTarget, Workspace
from slack_emulator.reference import web_api_spec_path
from slack_emulator.web_api_spec import check_arguments, load_method_parameters

log = logging.getLogger(__name__)

MESSAGE_METHODS = frozenset({"chat.postMessage", "chat.update", "chat.postEphemeral"})
VIEW_METHODS: Mapping[str, str | None] = {
    "views.open": "modal",
    "views.push": "modal",
    "views.update": None,
    "views.publish": "home",
}
# Not a secret: the one token the emulator accepts unless told otherwise.
EMULATOR_BOT_TOKEN = "xoxb-emulator-token"  # noqa: S105
# The app id in Socket Mode URLs and hello; the one slack_emulator.payloads puts in payloads.
EMULATOR_APP_ID = "A0SOCIAL"
SOCKET_MODE_METHOD = "apps.connections.open"
# How often the server loop checks for shutdown; small so stop() is quick in tests.
POLL_INTERVAL = 0.05


@dataclass(frozen=True)
class RecordedCall:
    """One request the emulator received, and what it answered."""

    method: str  # "chat.postMessage", or "response_url" / "file_upload" for those URLs
    args: dict[str, Any]  # decoded; JSON-string args (blocks, view, ...) as Python objects
    status: int  # HTTP status returned
    response: dict[str, Any]
    at: float  # time.monotonic() when received
    path: str  # request path


class SlackEmulator:
    """The emulated Slack Web API. Use as a context manager, or call ``start()``/``stop()``."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        bot_token: str = EMULATOR_BOT_TOKEN,
        bot_user_id: str = "UBOTSOCIAL",
        bot_id: str = "BBOTSOCIAL",
        team_id: str = "T0SOCIAL",
        team_name: str = "Emulated Brand",
        check_spec: bool = True,
        app_token: str = EMULATOR_APP_TOKEN,
        app_id: str = EMULATOR_APP_ID,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.host, self.port = host, port
        self.bot_token, self.bot_user_id, self.bot_id = bot_token, bot_user_id, bot_id
        self.app_token, self.app_id = app_token, app_id
        self.team_id, self.team_name = team_id, team_name
        self._workspace = Workspace(
            team_id=team_id,
            team_name=team_name,
            bot_user_id=bot_user_id,
            bot_id=bot_id,
            clock=clock,
        )
        self._workspace.seed_defaults()
        # One lock guards the workspace, the record and the faults; handlers are quick, and
        # injected delays are slept outside it.
        self._lock = threading.Lock()
        self._recorded = threading.Condition(self._lock)
        self._calls: list[RecordedCall] = []
        self._violations: list[str] = []
        self._faults = FaultPlan()
        self._refusals: dict[str, str] = {}  # method -> the error every call gets
        self._server: LoopbackServer | None = None
        self._thread: threading.Thread | None = None
        # Socket Mode binds its own loopback port, lazily, on the first apps.connections.open.
        self._socket = SocketModeHub(host=host, app_id=app_id, on_violation=self._add_violations)
        self._spec_path = web_api_spec_path() if check_spec else None
        self.spec_checked = self._spec_path is not None
        self.spec_notice: str | None = None
        if check_spec and self._spec_path is None:
            self.spec_notice = (
                "Slack's Web API spec (shared/slack-reference/web-api/slack_web_openapi_v2.json) "
                "was not found: call arguments are not checked against it"
            )
            log.warning(self.spec_notice)

    # Lifecycle

    def start(self) -> SlackEmulator:
        """Bind the port and serve in a daemon thread."""
        if self._server is not None:
            return self
        if self._spec_path is not None:
            load_method_parameters(self._spec_path)  # parse the 1 MB spec now, not mid-request
        self._server = LoopbackServer((self.host, self.port), self._handle)
        self.port = self._server.server_address[1]
        self._workspace.base_url = self.base_url
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": POLL_INTERVAL},
            name=f"slack-emulator-{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, close Socket Mode connections and release the ports."""
        server, thread = self._server, self._thread
        self._server = self._thread = None
        if server is not None:
            server.shutdown()
            server.server_close()
        if thread is not None:
            thread.join(timeout=5)
        self._socket.stop()

    def __enter__(self) -> SlackEmulator:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT`` (the port is known once started)."""
        if self._server is None and self.port == 0:
            raise RuntimeError("the emulator has no port until start()")
        return f"http://{self.host}:{self.port}"

    @property
    def api_url(self) -> str:
        """What ``WebClient(base_url=...)`` takes."""
        return f"{self.base_url}/api/"

    def new_response_url(self, *, channel: str | None = None, message_ts: str | None = None) -> str:
        """A fresh response URL. When it belongs to a message (``channel`` and ``message_ts``),
        ``replace_original``/``delete_original`` act on that message; with ``channel``,
        ``response_type: in_channel`` posts there."""
        token = secrets.token_urlsafe(12)
        with self._lock:
            self._workspace.response_targets[token] = ResponseTarget(channel, message_ts)
        return f"{self.base_url}/response/{token}"

    # The record

    @property
    def calls(self) -> list[RecordedCall]:
        """Every call so far, in order (a snapshot)."""
        with self._lock:
            return list(self._calls)

    @property
    def violations(self) -> list[str]:
        """Spec and Block Kit problems seen so far, for people (a snapshot)."""
        with self._lock:
            return list(self._violations)

    def calls_to(self, method: str) -> list[RecordedCall]:
        """The calls to one method, in order."""
        with self._lock:
            return [call for call in self._calls if call.method == method]

    def wait_for(self, method: str, count: int = 1, timeout: float = 5.0) -> list[RecordedCall]:
        """Block until at least ``count`` calls to ``method`` were recorded; return them all.

        Raises AssertionError, listing what was seen, when ``timeout`` seconds pass first.
        """
        deadline = time.monotonic() + timeout
        with self._recorded:
            while True:
                matching = [call for call in self._calls if call.method == method]
                remaining = deadline - time.monotonic()
                if len(matching) >= count:
                    return matching
                if remaining <= 0:
                    seen = ", ".join(_describe(call) for call in self._calls) or "no calls"
                    raise AssertionError(
                        f"waited {timeout:.1f}s for {count} call(s) to {method}, "
                        f"got {len(matching)}; seen: {seen}"
                    )
                self._recorded.wait(remaining)

    def reset(self) -> None:
        """Forget calls, faults, refusals, violations, messages, views and Socket Mode acks; keep
        users, channels and open Socket Mode connections."""
        with self._lock:
            self._calls.clear()
            self._violations.clear()
            self._refusals.clear()
            self._workspace.clear_activity()
        self._faults.clear()
        self._socket.reset()

    # Socket Mode

    def socket_send(
        self,
        envelope_type: str,
        payload: dict[str, Any],
        *,
        accepts_response_payload: bool | None = None,
        retry_attempt: int | None = None,
        retry_reason: str | None = None,
        timeout: float = 5.0,
    ) -> str:
        """Push an envelope (``events_api``, ``slash_commands`` or ``interactive``) to the app's
        newest Socket Mode connection, waiting up to ``timeout`` s for one; return its id.

        ``accepts_response_payload`` defaults to Slack's rule (commands, view submissions and
        block suggestions); ``retry_attempt``/``retry_reason`` mark an events_api redelivery.
        """
        return self._socket.send(
            envelope_type,
            payload,
            accepts_response_payload=accepts_response_payload,
            retry_attempt=retry_attempt,
            retry_reason=retry_reason,
            timeout=timeout,
        )

    def wait_for_socket_ack(self, envelope_id: str, timeout: float = 5.0) -> dict[str, Any]:
        """The app's ack of an envelope (``{"envelope_id": ..., "payload": ...}``, payload
        optional); AssertionError when none came within ``timeout`` s."""
        return self._socket.wait_for_ack(envelope_id, timeout)

    def wait_for_socket_connection(self, count: int = 1, timeout: float = 5.0) -> None:
        """Block until ``count`` Socket Mode connections are open (each has had its hello)."""
        self._socket.wait_for_connection(count, timeout)

    @property
    def socket_acks(self) -> list[dict[str, Any]]:
        """Every Socket Mode ack so far, in order (a snapshot)."""
        return self._socket.acks()

    @property
    def socket_connections(self) -> int:
        """How many Socket Mode connections are open now."""
        return self._socket.connection_count()

    def inject(
        self,
        method: str,
        *,
        status: int = 500,
        retry_after: int | None = None,
        delay: float = 0.0,
        times: int = 1,
        error: str | None = None,
    ) -> None:
        """Make the next ``times`` calls to ``method`` sleep ``delay`` s, then answer ``status``.

        429 sends ``Retry-After: retry_after`` when given; 200 with ``error`` answers
        ``{"ok": false, "error": error}``; 200 without one is a slow but normal answer.
        ``method`` may also be ``"response_url"`` or ``"file_upload"``. Faults for one method
        are served in the order injected.
        """
        self._faults.add(method, Fault(status, retry_after, delay, error, times))

    def refuse(self, method: str, error: str = "restricted_action") -> None:
        """Answer every call to ``method`` with ``error`` until ``allow``: a workspace policy
        (admins who do not let apps create channels), not a passing fault."""
        with self._lock:
            self._refusals[method] = error

    def allow(self, method: str) -> None:
        """Stop refusing ``method``."""
        with self._lock:
            self._refusals.pop(method, None)

    def faults_waiting(self, method: str) -> int:
        """How many calls to ``method`` an injected fault still waits for: 0 once the last one
        was taken by a call (which may still be sleeping its delay, i.e. in flight)."""
        return self._faults.waiting(method)

    def clear_faults(self) -> None:
        """Drop every injected fault still waiting (a test's burst is over: Slack is well again)."""
        self._faults.clear()

    # The workspace

    def add_user(
        self,
        user_id: str,
        *,
        name: str,
        real_name: str | None = None,
        is_admin: bool = False,
        tz: str = "America/New_York",
        is_bot: bool = False,
    ) -> None:
        """Add (or replace) a workspace member."""
        ZoneInfo(tz)  # an unknown time zone fails here, not inside a later users.info
        user = EmulatedUser(user_id, name, real_name or name, is_admin, tz, is_bot)
        with self._lock:
            self._workspace.users[user_id] = user

    def add_usergroup(self, group_id: str, *, handle: str, members: list[str]) -> None:
        """Add (or replace) a user group."""
        with self._lock:
            self._workspace.usergroups[group_id] = (handle, list(members))

    def add_channel(
        self,
        channel_id: str,
        *,
        name: str,
        is_private: bool = False,
        members: list[str] | None = None,
        is_archived: bool = False,
    ) -> None:
        """Add (or replace) a channel; members default to just the bot."""
        with self._lock:
            self._workspace.add_channel(
                channel_id,
                name,
                is_private=is_private,
                members=members or [self.bot_user_id],
                is_archived=is_archived,
            )

    def add_message(
        self, channel: str, *, text: str, user: str, thread_ts: str | None = None
    ) -> str:
        """Put a message from someone (a customer post pasted in, a teammate) into a channel's
        history, as if they had written it; returns its ts."""
        with self._lock:
            if channel not in self._workspace.channels:
                raise KeyError(f"no channel {channel}")
            extra = {"thread_ts": thread_ts} if thread_ts else None
            return str(
                self._workspace.store_message(channel, user=user, text=text, extra=extra)["ts"]
            )

    def messages_in(self, channel: str) -> list[dict[str, Any]]:
        """A channel's messages now (after updates and deletions), oldest first; each has ts,
        text, blocks, thread_ts (None outside threads) and user."""
        with self._lock:
            return copy.deepcopy(self._workspace.messages.get(channel, []))

    def ephemerals_for(self, user: str) -> list[dict[str, Any]]:
        """The ephemeral messages (chat.postEphemeral) shown to one user, oldest first."""
        with self._lock:
            return [copy.deepcopy(e) for e in self._workspace.ephemerals if e["user"] == user]

    def view(self, view_id: str) -> dict[str, Any] | None:
        """A view opened, pushed, updated or published, as last set."""
        with self._lock:
            found = self._workspace.views.get(view_id)
            return copy.deepcopy(found) if found is not None else None

    def home_view(self, user_id: str) -> dict[str, Any] | None:
        """The App Home view last published for a user."""
        with self._lock:
            view_id = self._workspace.home_views.get(user_id)
        return self.view(view_id) if view_id else None

    def uploaded_file(self, file_id: str) -> bytes | None:
        """The bytes uploaded for a files v2 file id."""
        with self._lock:
            found = self._workspace.files.get(file_id)
            return found.content if found is not None else None

    # Answering requests (called from server threads)

    def _handle(self, path: str, headers: Mapping[str, str], body: bytes) -> Reply:
        """Answer one request (``headers`` with lower-case names) and record it."""
        received = time.monotonic()
        parts = urlsplit(path)
        route, _, rest = parts.path.lstrip("/").partition("/")
        if route == "api" and rest:
            method = rest
            args, reply = self._answer_api(method, parts.query, headers, body)
        elif route == "response" and rest:
            method = "response_url"
            args, reply = self._answer_response_url(rest, body)
        elif route == "upload" and rest.startswith("v1/"):
            method = "file_upload"
            args, reply = self._answer_upload(rest.removeprefix("v1/"), body)
        else:
            return Reply(404, {"ok": False, "error": "not_found"})
        call = RecordedCall(method, args, reply.status, reply.body, received, parts.path)
        with self._recorded:
            self._calls.append(call)
            self._recorded.notify_all()
        log.debug("%s -> %s %s", method, reply.status, reply.body.get("error", "ok"))
        return reply

    def _answer_api(
        self, method: str, query: str, headers: Mapping[str, str], body: bytes
    ) -> tuple[dict[str, Any], Reply]:
        args, decode_error = decode_arguments(query, headers.get("content-type", ""), body)
        body_token = args.pop("token", None)
        authorization = headers.get("authorization", "")
        header_token = None
        if authorization.startswith("Bearer "):
            header_token = authorization.removeprefix("Bearer ").strip()
        token = header_token or body_token
        fault_reply = self._faults.apply(method)
        if fault_reply is not None:
            return args, fault_reply
        with self._lock:
            refusal_error = self._refusals.get(method)
        if refusal_error is not None:
            return args, error_reply(refusal_error)
        if method == SOCKET_MODE_METHOD:
            return args, self._open_socket_connection(header_token, body_token)
        handler = METHODS.get(method)
        if handler is None:
            return args, error_reply("unknown_method")
        if not token:
            return args, error_reply("not_authed")
        if token == self.app_token:
            # An app-level token only opens Socket Mode connections (and a few app methods).
            return args, error_reply("not_allowed_token_type")
        if token != self.bot_token:
            return args, error_reply("invalid_auth")
        if decode_error is not None:
            return args, error_reply(decode_error)
        refusal = self._check(method, args)
        if refusal is not None:
            return args, refusal
        with self._lock:
            try:
                # A copy: the answer is serialised and recorded outside the lock, while the
                # workspace objects it shows (a view, a message) may change.
                return args, Reply(200, copy.deepcopy(handler(self._workspace, args)))
            except MethodError as refused:
                reply = error_reply(refused.error, *refused.messages)
                if isinstance(refused, InviteRefused):
                    reply.body["errors"] = refused.problems
                return args, reply

    def _open_socket_connection(self, header_token: str | None, body_token: str | None) -> Reply:
        error = connections_open_error(
            header_token, body_token, app_token=self.app_token, bot_token=self.bot_token
        )
        if error is not None:
            return error_reply(error)
        return Reply(200, {"ok": True, "url": self._socket.issue_url()})

    def _check(self, method: str, args: dict[str, Any]) -> Reply | None:
        """Refuse what real Slack would refuse: arguments off the spec, Block Kit over limits."""
        if self._spec_path is not None:
            problems = check_arguments(method, args, self._spec_path)
            if problems:
                self._add_violations(f"{method}: {problem}" for problem in problems)
                return error_reply("invalid_arguments", *(f"[ERROR] {p}" for p in problems))
        found: list[BlockViolation] = []
        if method in MESSAGE_METHODS:
            found = check_message(args)
        elif method in VIEW_METHODS and "view" in args:
            found = check_view(args["view"], expected_type=VIEW_METHODS[method])
        if not found:
            return None
        self._add_violations(f"{method}: {v.pointer}: {v.problem}" for v in found)
        return error_reply(found[0].error, *(v.slack_message() for v in found))

    def _answer_response_url(self, token: str, body: bytes) -> tuple[dict[str, Any], Reply]:
        args, decode_error = decode_arguments("", "application/json", body)
        fault_reply = self._faults.apply("response_url")
        if fault_reply is not None:
            return args, fault_reply
        with self._lock:
            target = self._workspace.response_targets.get(token)
        if target is None:
            return args, Reply(404, {"ok": False, "error": "expired_url"})
        if decode_error is not None:
            return args, Reply(400, {"ok": False, "error": decode_error})
        found = check_message(args)
        if found:
            self._add_violations(f"response_url: {v.pointer}: {v.problem}" for v in found)
            messages = [v.slack_message() for v in found]
            body_out = {
                "ok": False,
                "error": found[0].error,
                "response_metadata": {"messages": messages},
            }
            return args, Reply(400, body_out)
        with self._lock:
            answer = copy.deepcopy(post_to_response_url(self._workspace, target, args))
        return args, Reply(200, answer)

    def _answer_upload(self, file_id: str, body: bytes) -> tuple[dict[str, Any], Reply]:
        args: dict[str, Any] = {"file_id": file_id, "length": len(body)}
        fault_reply = self._faults.apply("file_upload")
        if fault_reply is not None:
            return args, fault_reply
        with self._lock:
            status, text = receive_upload(self._workspace, file_id, body)
        return args, Reply(status, {"ok": status == 200, "body": text}, text=text)

    def _add_violations(self, lines: Iterable[str]) -> None:
        with self._lock:
            for line in lines:
                log.warning("Slack would refuse: %s", line)
                self._violations.append(line)


def _describe(call: RecordedCall) -> str:
    outcome = "ok" if call.response.get("ok") else call.response.get("error", "?")
    return f"{call.method} ({call.status} {outcome})"
