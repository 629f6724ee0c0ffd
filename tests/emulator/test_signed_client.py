"""The signed client: Slack's signature, encodings and headers, checked by slack_sdk and by bolt.

A small bolt App stands in for the bot (which is built elsewhere): it is served over real HTTP on
loopback, verifies signatures itself, and records what each listener received.
"""

from __future__ import annotations

import gzip
import json
import queue
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest
from slack_bolt import Ack, App, BoltContext, BoltRequest, BoltResponse
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.authorization import AuthorizeResult
from slack_sdk.signature import SignatureVerifier

from slack_emulator import payloads
from slack_emulator.signed_client import USER_AGENT, BotResponse, SignedSlackClient

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
Received = dict[str, Any]
StartResponse = Callable[..., Any]


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        """No access log in test output."""


def _authorize(enterprise_id: str | None, team_id: str | None) -> AuthorizeResult:
    # No token and no Web API: bolt only needs to know who the bot is (to drop its own events).
    return AuthorizeResult(
        enterprise_id=enterprise_id,
        team_id=team_id,
        bot_token="xoxb-not-used",
        bot_id=payloads.BOT_ID,
        bot_user_id=payloads.BOT_USER_ID,
    )


def _build_app(received: queue.Queue[tuple[str, Received]]) -> App:
    app = App(
        signing_secret=SECRET,
        authorize=_authorize,
        token_verification_enabled=False,
        request_verification_enabled=True,
        # Listeners finish before the HTTP answer, so a test reads what they got without waiting.
        process_before_response=True,
    )

    def record(kind: str, **data: Any) -> None:
        received.put((kind, data))

    @app.middleware
    def record_headers(request: BoltRequest, next: Callable[[], BoltResponse]) -> BoltResponse:
        record("headers", headers={name: values[0] for name, values in request.headers.items()})
        return next()

    @app.command("/social")
    def social(ack: Ack, command: dict[str, str], context: BoltContext) -> None:
        ack(text=f"got: {command['text']}")
        record("command", command=command, response_url=context.response_url)

    @app.action("approve_draft")
    def approve(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext
    ) -> None:
        ack()
        record("action", body=body, action=action, context=dict(context))

    @app.view("draft_modal")
    def submit(ack: Ack, view: dict[str, Any]) -> None:
        ack(response_action="errors", errors={"post": "Too long for X"})
        record("view_submission", view=view)

    @app.view_closed("draft_modal")
    def closed(ack: Ack, view: dict[str, Any]) -> None:
        ack()
        record("view_closed", view=view)

    @app.shortcut("draft_reply")
    def shortcut(ack: Ack, shortcut: dict[str, Any], context: BoltContext) -> None:
        ack()
        record("shortcut", shortcut=shortcut, response_url=context.response_url)

    @app.event("app_mention")
    def mention(event: dict[str, Any], request: BoltRequest) -> None:
        retry = request.headers.get("x-slack-retry-num")
        record("app_mention", event=event, retry=retry[0] if retry else None)

    @app.message()
    def message(event: dict[str, Any]) -> None:
        record("message", event=event)

    @app.event("reaction_added")
    def reaction(event: dict[str, Any]) -> None:
        record("reaction_added", event=event)

    @app.event("app_home_opened")
    def home(event: dict[str, Any]) -> None:
        record("app_home_opened", event=event)

    return app


def _extra_routes(
    bolt: SlackRequestHandler,
) -> Callable[[dict[str, Any], StartResponse], Iterable[bytes]]:
    """Bolt on /slack/events, plus answers no bot gives, to test the client's side of HTTP."""

    def wsgi(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ["PATH_INFO"]
        if path == "/redirect":
            start_response("302 Found", [("Location", "/slack/events")])
            return [b""]
        if path == "/gzip":
            body = gzip.compress(json.dumps({"ok": True}).encode())
            start_response(
                "200 OK", [("Content-Encoding", "gzip"), ("Content-Type", "application/json")]
            )
            return [body]
        return bolt(environ, start_response)

    return wsgi


class Bot:
    def __init__(self, base_url: str, received: queue.Queue[tuple[str, Received]]) -> None:
        self.base_url = base_url
        self.endpoint = f"{base_url}/slack/events"
        self._received = received

    def take(self, kind: str) -> Received:
        """What the listener ``kind`` recorded for the last request (headers are skipped)."""
        while True:
            got_kind, data = self._received.get(timeout=2)
            if got_kind == kind:
                return data

    def headers(self) -> dict[str, str]:
        headers: dict[str, str] = self.take("headers")["headers"]
        return headers

    def drain(self) -> None:
        while not self._received.empty():
            self._received.get_nowait()


@pytest.fixture(scope="module")
def bot() -> Iterator[Bot]:
    received: queue.Queue[tuple[str, Received]] = queue.Queue()
    wsgi = _extra_routes(SlackRequestHandler(_build_app(received)))
    server = make_server(
        "127.0.0.1", 0, wsgi, server_class=_ThreadingServer, handler_class=_QuietHandler
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    host, port = server.server_address[:2]
    try:
        yield Bot(f"http://{host!s}:{port}", received)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


class ResponseUrls:
    def __init__(self) -> None:
        self.issued: list[str] = []

    def __call__(self) -> str:
        url = f"http://127.0.0.1:9/response/{len(self.issued)}"
        self.issued.append(url)
        return url


@pytest.fixture
def response_urls() -> ResponseUrls:
    return ResponseUrls()


@pytest.fixture
def client(bot: Bot, response_urls: ResponseUrls) -> SignedSlackClient:
    bot.drain()
    return SignedSlackClient(bot.endpoint, SECRET, response_url_factory=response_urls)


# -- signing ----------------------------------------------------------------------------------


def test_signature_is_what_slack_sdk_verifies() -> None:
    client = SignedSlackClient("http://127.0.0.1:9/slack/events", SECRET)
    body = b"token=x&text=draft+hello"
    headers = client.sign(body)
    verifier = SignatureVerifier(SECRET)
    assert verifier.is_valid_request(body, headers)
    assert not verifier.is_valid_request(body + b"&text=tampered", headers)
    assert not SignatureVerifier("another-secret").is_valid_request(body, headers)


def test_a_signature_six_minutes_old_is_refused() -> None:
    client = SignedSlackClient("http://127.0.0.1:9/slack/events", SECRET)
    body = b'{"type":"event_callback"}'
    stale = client.sign(body, timestamp=int(time.time()) - 6 * 60)
    assert not SignatureVerifier(SECRET).is_valid_request(body, stale)


def test_the_clock_gives_the_timestamp() -> None:
    client = SignedSlackClient(
        "http://127.0.0.1:9/slack/events", SECRET, clock=lambda: 1718000000.7
    )
    headers = client.sign(b"x")
    assert headers["X-Slack-Request-Timestamp"] == "1718000000"
    assert headers["X-Slack-Signature"].startswith("v0=")
    assert len(headers["X-Slack-Signature"]) == 3 + 64


def test_only_http_endpoints() -> None:
    with pytest.raises(ValueError, match="http"):
        SignedSlackClient("file:///etc/passwd", SECRET)


# -- each request type reaches its bolt listener intact -----------------------------------------


def test_slash_command(bot: Bot, client: SignedSlackClient, response_urls: ResponseUrls) -> None:
    response = client.slash_command("draft Spring is here & so are we")
    headers = bot.headers()
    got = bot.take("command")

    assert response.status == 200
    # bolt answers an ack with only text as text/plain.
    assert response.body == "got: draft Spring is here & so are we"
    assert got["command"]["text"] == "draft Spring is here & so are we"
    assert got["command"]["command"] == "/social"
    assert got["command"]["user_id"] == "U0AUTHOR"
    assert got["response_url"] == response_urls.issued[0]
    assert headers["content-type"] == "application/x-www-form-urlencoded"
    assert headers["user-agent"] == USER_AGENT


def test_click_on_the_card(
    bot: Bot, client: SignedSlackClient, response_urls: ResponseUrls
) -> None:
    response = client.click("approve_draft", "draft:7", text="Approve", style="primary")
    got = bot.take("action")

    assert response.status == 200
    assert response.body == ""
    assert response.json() is None
    assert got["action"]["value"] == "draft:7"
    assert got["body"]["container"]["type"] == "message"
    assert got["body"]["message"]["bot_id"] == payloads.BOT_ID
    context = got["context"]
    assert context["team_id"] == "T0SOCIAL"
    assert context["channel_id"] == "C0SOCIAL"
    assert context["user_id"] == "U0AUTHOR"
    assert context["response_url"] == response_urls.issued[0]
    # Blank function fields would have set the bot token to "" (slack_emulator.payload_shapes).
    assert "function_bot_access_token" not in context
    assert "enterprise_id" not in context


def test_click_in_a_modal_has_no_channel_and_no_response_url(
    bot: Bot, client: SignedSlackClient, response_urls: ResponseUrls
) -> None:
    state = {"post": {"text": {"type": "plain_text_input", "value": "draft"}}}
    response = client.click(
        "approve_draft", "draft:7", view={"callback_id": "x"}, state_values=state
    )
    got = bot.take("action")

    assert response.status == 200
    assert got["body"]["view"]["state"]["values"] == state
    assert got["context"]["team_id"] == "T0SOCIAL"
    assert "channel_id" not in got["context"]
    assert response_urls.issued == []


def test_view_submission(bot: Bot, client: SignedSlackClient) -> None:
    values = {"post": {"text": {"type": "plain_text_input", "value": "Spring is here"}}}
    response = client.view_submission("draft_modal", values, private_metadata="C0SOCIAL")
    got = bot.take("view_submission")

    assert response.status == 200
    assert response.json() == {"response_action": "errors", "errors": {"post": "Too long for X"}}
    assert got["view"]["state"]["values"] == values
    assert got["view"]["private_metadata"] == "C0SOCIAL"


def test_view_closed(bot: Bot, client: SignedSlackClient) -> None:
    response = client.view_closed("draft_modal", private_metadata="7")
    assert response.status == 200
    assert bot.take("view_closed")["view"]["private_metadata"] == "7"


def test_message_shortcut(bot: Bot, client: SignedSlackClient, response_urls: ResponseUrls) -> None:
    customer = payloads.message(text="Where is my order?", user="U0CUSTOMER")
    response = client.message_shortcut("draft_reply", customer)
    got = bot.take("shortcut")

    assert response.status == 200
    assert got["shortcut"]["message"]["text"] == "Where is my order?"
    assert got["shortcut"]["message_ts"] == customer["ts"]
    assert got["response_url"] == response_urls.issued[0]


def test_app_mention_as_json_event(bot: Bot, client: SignedSlackClient) -> None:
    response = client.event(payloads.app_mention(text="<@UBOTSOCIAL> suggest a reply"))
    headers = bot.headers()
    got = bot.take("app_mention")

    assert response.status == 200
    assert got["event"]["text"] == "<@UBOTSOCIAL> suggest a reply"
    assert got["retry"] is None
    assert headers["content-type"] == "application/json"
    assert headers["user-agent"] == USER_AGENT


def test_a_retry_carries_slacks_retry_headers(bot: Bot, client: SignedSlackClient) -> None:
    event = payloads.app_mention(text="<@UBOTSOCIAL> again")
    client.event(event, event_id="Ev0RETRY01")
    bot.take("app_mention")
    response = client.event(event, event_id="Ev0RETRY01", retry_num=1, retry_reason="http_timeout")
    headers = bot.headers()

    assert response.status == 200
    assert headers["x-slack-retry-num"] == "1"
    assert headers["x-slack-retry-reason"] == "http_timeout"
    assert bot.take("app_mention")["retry"] == "1"


def test_a_persons_message_reaches_app_message_and_the_bots_own_does_not(
    bot: Bot, client: SignedSlackClient
) -> None:
    client.event(payloads.message(text="hello team"))
    assert bot.take("message")["event"]["text"] == "hello team"

    own = payloads.message(text="card", user=payloads.BOT_USER_ID, bot_id=payloads.BOT_ID)
    assert client.event(own).status == 200
    client.event(payloads.message(text="after"))
    # Bolt dropped the bot's own message: the next one the listener saw is "after".
    assert bot.take("message")["event"]["text"] == "after"


def test_reaction_and_app_home_events(bot: Bot, client: SignedSlackClient) -> None:
    client.event(payloads.reaction_added(reaction="white_check_mark", item_ts="1718000000.000100"))
    assert bot.take("reaction_added")["event"]["item"]["ts"] == "1718000000.000100"
    client.event(payloads.app_home_opened())
    assert bot.take("app_home_opened")["event"]["tab"] == "home"


def test_url_verification(client: SignedSlackClient) -> None:
    response = client.url_verification("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P")
    assert response.status == 200
    assert response.json() == {"challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"}


# -- refused requests come back as responses, not exceptions ------------------------------------


def _form_body() -> bytes:
    return b"command=%2Fsocial&text=help&team_id=T0SOCIAL&user_id=U0AUTHOR"


def test_a_bad_signature_gets_401(client: SignedSlackClient) -> None:
    body = _form_body()
    headers = client.sign(body) | {"Content-Type": "application/x-www-form-urlencoded"}
    headers["X-Slack-Signature"] = "v0=" + "0" * 64
    assert client.send_raw(body, headers).status == 401


def test_a_tampered_body_gets_401(client: SignedSlackClient) -> None:
    headers = client.sign(_form_body()) | {"Content-Type": "application/x-www-form-urlencoded"}
    assert client.send_raw(_form_body() + b"+admin", headers).status == 401


def test_a_stale_signature_gets_401(client: SignedSlackClient) -> None:
    body = _form_body()
    headers = client.sign(body, timestamp=int(time.time()) - 6 * 60)
    assert client.send_raw(body, headers).status == 401


def test_a_missing_signature_gets_401(client: SignedSlackClient) -> None:
    response = client.send_raw(_form_body(), {"Content-Type": "application/x-www-form-urlencoded"})
    assert response == BotResponse(status=401, headers=response.headers, body=response.body)


def test_a_client_signing_with_the_wrong_secret_gets_401(bot: Bot) -> None:
    wrong = SignedSlackClient(bot.endpoint, "not-the-secret")
    assert wrong.slash_command("help").status == 401


def test_other_statuses_are_returned_and_redirects_not_followed(bot: Bot) -> None:
    assert SignedSlackClient(f"{bot.base_url}/nowhere", SECRET).slash_command("help").status == 404
    redirected = SignedSlackClient(f"{bot.base_url}/redirect", SECRET).slash_command("help")
    assert redirected.status == 302
    assert redirected.headers["location"] == "/slack/events"


def test_a_compressed_answer_is_decoded(bot: Bot) -> None:
    response = SignedSlackClient(f"{bot.base_url}/gzip", SECRET).url_verification("x")
    assert response.json() == {"ok": True}


def test_the_default_response_url_looks_like_slacks(bot: Bot) -> None:
    client = SignedSlackClient(bot.endpoint, SECRET)
    bot.drain()
    client.slash_command("help")
    url = bot.take("command")["response_url"]
    assert url.startswith("https://hooks.slack.com/commands/T0SOCIAL/")
