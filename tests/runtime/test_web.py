"""The WSGI app around bolt: health checks and the paths Slack does not use."""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import urllib.error
import urllib.request

import pytest
from sqlalchemy import create_engine

from bot.runtime.web import create_wsgi_app
from bot.services import Services
from slack_emulator.local_server import LocalWSGIServer
from tests.harness import SIGNING_SECRET, RunningBot


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (loopback test URL)
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_healthz_is_ok_when_the_store_answers(bot: RunningBot) -> None:
    status, body = get(f"{bot.url}/healthz")
    assert status == 200
    health = json.loads(body)
    assert health["ok"] is True
    assert health["database"] == "ok"


def test_healthz_is_503_when_the_store_does_not_answer(bot: RunningBot) -> None:
    broken = Services(
        settings=bot.services.settings,
        # Nothing listens on port 1: every connection attempt fails at once.
        engine=create_engine("postgresql+psycopg://nobody@127.0.0.1:1/none"),
        sessions=bot.services.sessions,
        clock=bot.services.clock,
    )
    app = create_wsgi_app(_bolt_app_of(bot), broken)
    with LocalWSGIServer(app) as server:
        status, body = get(f"{server.url}/healthz")
    assert status == 503
    assert json.loads(body) == json.loads(body) | {"ok": False, "database": "unreachable"}


def test_other_paths_are_404(bot: RunningBot) -> None:
    assert get(f"{bot.url}/")[0] == 404
    assert get(f"{bot.url}/slack/events")[0] == 404  # GET: Slack only POSTs


def _bolt_app_of(bot: RunningBot):  # type: ignore[no-untyped-def]
    from bot.runtime.app import create_app

    return create_app(bot.services.settings, bot.services)


def test_a_refused_body_is_read_so_the_sender_gets_the_413(bot: RunningBot) -> None:
    # Answering before the body is read makes a client that is still sending see a broken pipe.
    body = io.BytesIO(b"x" * (2 * 1024 * 1024))
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/slack/events",
        "CONTENT_LENGTH": str(len(body.getvalue())),
        "wsgi.input": body,
    }
    statuses: list[str] = []
    app = create_wsgi_app(_bolt_app_of(bot), bot.services)
    app(environ, lambda status, headers, exc_info=None: statuses.append(status))  # type: ignore[arg-type]
    assert statuses == ["413 Content Too Large"]
    assert body.tell() == len(body.getvalue())


@pytest.mark.parametrize("timestamp", ["soon", "1e9", "", "1700000000.5", "0x10", "-1"])
def test_a_signed_request_with_a_non_numeric_timestamp_is_401(
    bot: RunningBot, timestamp: str
) -> None:
    # Signed with the right secret over the timestamp as sent: only the timestamp is wrong.
    # bolt's int(timestamp) raised, and the sender got a 500 (which Slack retries) instead of 401.
    body = b"command=%2Fsocial&text=help"
    base = b"v0:" + timestamp.encode() + b":" + body
    digest = hmac.new(SIGNING_SECRET.encode(), base, hashlib.sha256).hexdigest()
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": timestamp,
        "X-Slack-Signature": f"v0={digest}",
    }
    answer = bot.slack.send_raw(body, headers)
    assert answer.status == 401
    assert bot.slack.slash_command("help").status == 200  # the same server, a good request
