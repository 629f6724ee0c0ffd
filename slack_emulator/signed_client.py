"""Send the bot the requests Slack would send, signed the way Slack signs them.

Used by the command tests, the offline demo and the benchmarks: each call builds a complete payload
(``slack_emulator.payloads``), encodes it as Slack does (a form for slash commands, a form field
``payload=<json>`` for interactivity, a JSON body for the Events API), signs it with the signing
secret (``v0=`` HMAC-SHA256 of ``v0:{timestamp}:{body}``) and POSTs it to the bot's endpoint.

The answer comes back as a ``BotResponse`` whatever its status: a 401 for a bad signature is a
result to assert on, not an exception. Only a failure to reach the bot at all raises (``URLError``).
The client keeps no state between calls, so threads may share one.
"""

from __future__ import annotations

import gzip
import hashlib
import hmac
import json
import random
import string
import time
import urllib.error
import urllib.request
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.message import Message
from typing import Any, Final
from urllib.parse import urlencode, urlsplit

from slack_emulator import payloads

USER_AGENT: Final = "Slackbot 1.0 (+https://api.slack.com/robots)"
FORM_CONTENT_TYPE: Final = "application/x-www-form-urlencoded"
JSON_CONTENT_TYPE: Final = "application/json"


@dataclass(frozen=True)
class BotResponse:
    """The bot's HTTP answer. Header names are lower-case."""

    status: int
    headers: dict[str, str]
    body: str

    def json(self) -> Any:
        """The body parsed as JSON; None for an empty body (a bare ack)."""
        if not self.body.strip():
            return None
        return json.loads(self.body)


def dummy_response_url() -> str:
    """A response_url shaped like Slack's; nothing answers on it (give the emulator's instead)."""
    digits = "".join(random.choices(string.digits, k=13))
    secret = "".join(random.choices(string.ascii_letters + string.digits, k=24))
    return f"https://hooks.slack.com/commands/{payloads.TEAM_ID}/{digits}/{secret}"


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """Slack does not follow redirects from a Request URL; a 3xx is the answer."""

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: Any,
        code: int,
        msg: str,
        headers: Message,
        newurl: str,
    ) -> urllib.request.Request | None:
        return None


class SignedSlackClient:
    """Sends requests to the bot's endpoint signed exactly as Slack signs them.

    ``endpoint`` is the bot's Request URL (``http://127.0.0.1:3000/slack/events``).
    ``response_url_factory`` supplies a fresh response_url for each command, click and shortcut
    (the emulator's ``new_response_url``); ``clock`` gives the signature timestamp.
    """

    def __init__(
        self,
        endpoint: str,
        signing_secret: str,
        *,
        response_url_factory: Callable[[], str] | None = None,
        clock: Callable[[], float] = time.time,
        timeout: float = 10.0,
    ) -> None:
        if urlsplit(endpoint).scheme not in ("http", "https"):
            raise ValueError(f"endpoint must be an http(s) URL, got {endpoint!r}")
        self.endpoint = endpoint
        self._secret = signing_secret.encode()
        self._new_response_url = response_url_factory or dummy_response_url
        self._clock = clock
        self._timeout = timeout
        # No proxies: Slack reaches the bot directly, and a proxy from the environment must not
        # swallow requests meant for a loopback test server.
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirects())

    # -- signing and sending -------------------------------------------------------------------

    def new_trigger_id(self) -> str:
        """A trigger id for a click happening now on this client's clock.

        Each command, click and shortcut gets its own, as from Slack: the emulator takes a
        trigger id once, within 3 s of the time it carries.
        """
        return payloads.new_trigger_id(issued_at=self._clock())

    def sign(self, body: bytes, timestamp: int | None = None) -> dict[str, str]:
        """The ``X-Slack-Request-Timestamp`` and ``X-Slack-Signature`` headers for ``body``."""
        when = int(self._clock()) if timestamp is None else timestamp
        base = b"v0:" + str(when).encode() + b":" + body
        digest = hmac.new(self._secret, base, hashlib.sha256).hexdigest()
        return {"X-Slack-Request-Timestamp": str(when), "X-Slack-Signature": f"v0={digest}"}

    def send_raw(self, body: bytes, headers: Mapping[str, str]) -> BotResponse:
        """POST ``body`` with ``headers`` and nothing else of Slack's (no signature added).

        Slack's User-Agent is sent unless ``headers`` has one; urllib adds Host, Content-Length
        and, when ``headers`` has none, a form Content-Type.
        """
        # The scheme was checked in __init__: only http(s) is ever opened.
        request = urllib.request.Request(self.endpoint, data=body, method="POST")  # noqa: S310
        request.add_header("User-Agent", USER_AGENT)
        for name, value in headers.items():
            request.add_header(name, value)
        try:
            with self._opener.open(request, timeout=self._timeout) as answer:
                return _bot_response(answer.status, answer.headers, answer.read())
        except urllib.error.HTTPError as error:
            with error:
                return _bot_response(error.code, error.headers, error.read())

    def _post(
        self, body: bytes, content_type: str, extra_headers: Mapping[str, str] | None = None
    ) -> BotResponse:
        headers = {
            "Content-Type": content_type,
            "Accept": "application/json,*/*",
            "Accept-Encoding": "gzip,deflate",
            **self.sign(body),
            **(extra_headers or {}),
        }
        return self.send_raw(body, headers)

    def _post_interaction(self, payload: Mapping[str, Any]) -> BotResponse:
        body = urlencode({"payload": json.dumps(payload, separators=(",", ":"))}).encode()
        return self._post(body, FORM_CONTENT_TYPE)

    def _post_json(
        self, payload: Mapping[str, Any], extra_headers: Mapping[str, str] | None = None
    ) -> BotResponse:
        body = json.dumps(payload, separators=(",", ":")).encode()
        return self._post(body, JSON_CONTENT_TYPE, extra_headers)

    # -- what Slack sends ----------------------------------------------------------------------

    def slash_command(self, text: str, **payload_kwargs: Any) -> BotResponse:
        """``/social <text>`` (or ``command=``); keyword arguments as ``payloads.slash_command``."""
        payload_kwargs.setdefault("response_url", self._new_response_url())
        payload_kwargs.setdefault("trigger_id", self.new_trigger_id())
        form = payloads.slash_command(text=text, **payload_kwargs)
        return self._post(urlencode(form).encode(), FORM_CONTENT_TYPE)

    def block_actions(self, **payload_kwargs: Any) -> BotResponse:
        """A ``block_actions`` payload; keyword arguments as ``payloads.block_actions``.

        A click in a message gets a fresh response_url unless one is given; one in a view gets
        none, as from Slack.
        """
        in_view = payload_kwargs.get("view") is not None and payload_kwargs.get("message") is None
        if not in_view:
            payload_kwargs.setdefault("response_url", self._new_response_url())
        payload_kwargs.setdefault("trigger_id", self.new_trigger_id())
        return self._post_interaction(payloads.block_actions(**payload_kwargs))

    def click(
        self,
        action_id: str,
        value: str = "",
        *,
        block_id: str = payloads.DEFAULT_ACTIONS_BLOCK,
        text: str = "Button",
        style: str | None = None,
        **payload_kwargs: Any,
    ) -> BotResponse:
        """A click on one button; other keyword arguments as ``payloads.block_actions``."""
        action = payloads.button_action(
            action_id=action_id, value=value, block_id=block_id, text=text, style=style
        )
        return self.block_actions(actions=[action], **payload_kwargs)

    def view_submission(
        self, callback_id: str, values: dict[str, dict[str, dict[str, Any]]], **payload_kwargs: Any
    ) -> BotResponse:
        """A modal submitted; keyword arguments as ``payloads.view_submission``."""
        payload = payloads.view_submission(callback_id=callback_id, values=values, **payload_kwargs)
        return self._post_interaction(payload)

    def view_closed(self, callback_id: str, **payload_kwargs: Any) -> BotResponse:
        """A modal closed; keyword arguments as ``payloads.view_closed``."""
        return self._post_interaction(
            payloads.view_closed(callback_id=callback_id, **payload_kwargs)
        )

    def message_shortcut(
        self, callback_id: str, message: dict[str, Any], **payload_kwargs: Any
    ) -> BotResponse:
        """A message shortcut on ``message``; keyword arguments as ``payloads.message_shortcut``."""
        payload_kwargs.setdefault("response_url", self._new_response_url())
        payload_kwargs.setdefault("trigger_id", self.new_trigger_id())
        payload = payloads.message_shortcut(
            callback_id=callback_id, message=message, **payload_kwargs
        )
        return self._post_interaction(payload)

    def event(
        self,
        event: dict[str, Any],
        *,
        event_id: str | None = None,
        retry_num: int | None = None,
        retry_reason: str | None = None,
    ) -> BotResponse:
        """An Events API delivery of ``event`` (e.g. ``payloads.app_mention(...)``).

        A redelivery is the same ``event`` and ``event_id`` with ``retry_num`` (1, 2, 3) and
        ``retry_reason`` (``"http_timeout"``, ``"http_error"``...), sent as Slack's headers.
        """
        headers: dict[str, str] = {}
        if retry_num is not None:
            headers["X-Slack-Retry-Num"] = str(retry_num)
        if retry_reason is not None:
            headers["X-Slack-Retry-Reason"] = retry_reason
        return self._post_json(payloads.event_callback(event, event_id=event_id), headers)

    def url_verification(self, challenge: str) -> BotResponse:
        """The challenge Slack sends when the Request URL is saved in the app settings."""
        payload = {
            "token": payloads.VERIFICATION_TOKEN,
            "challenge": challenge,
            "type": "url_verification",
        }
        return self._post_json(payload)


def _bot_response(status: int, headers: Message, raw: bytes) -> BotResponse:
    names = {name.lower() for name in headers.keys()}  # noqa: SIM118 - Message is not a dict
    flat = {name: ", ".join(headers.get_all(name) or []) for name in names}
    encoding = flat.get("content-encoding", "").lower()
    if encoding == "gzip":
        raw = gzip.decompress(raw)
    elif encoding == "deflate":
        raw = zlib.decompress(raw)
    return BotResponse(status=status, headers=flat, body=raw.decode("utf-8", errors="replace"))
