"""Signature verification is always on: a request Slack did not sign gets 401 and changes nothing."""

from __future__ import annotations

import json
import time
from urllib.parse import urlencode

import pytest
from sqlmodel import select

from bot.store.models import ProcessedEvent
from slack_emulator import payloads
from tests.harness import RunningBot


def mention_body() -> bytes:
    event = payloads.event_callback(payloads.app_mention(text="<@UBOTSOCIAL> hi"))
    return json.dumps(event).encode()


def command_body() -> bytes:
    return urlencode(
        payloads.slash_command(text="help", response_url="https://example.invalid/r")
    ).encode()


def assert_nothing_happened(bot: RunningBot) -> None:
    time.sleep(0.2)  # give a wrongly accepted request time to act
    assert [c.method for c in bot.emulator.calls if c.method != "auth.test"] == []
    with bot.services.sessions() as session:
        assert session.exec(select(ProcessedEvent)).all() == []


@pytest.mark.parametrize("body_factory", [mention_body, command_body])
def test_a_wrong_signature_is_refused(bot: RunningBot, body_factory: object) -> None:
    body = body_factory()  # type: ignore[operator]
    headers = bot.slack.sign(body)
    headers["X-Slack-Signature"] = "v0=" + "0" * 64
    response = bot.slack.send_raw(body, headers | {"Content-Type": _content_type(body)})
    assert response.status == 401
    assert_nothing_happened(bot)


def test_a_tampered_body_is_refused(bot: RunningBot) -> None:
    body = mention_body()
    headers = bot.slack.sign(body)
    response = bot.slack.send_raw(
        body.replace(b"hi", b"ha"), headers | {"Content-Type": "application/json"}
    )
    assert response.status == 401
    assert_nothing_happened(bot)


def test_a_stale_signature_is_refused(bot: RunningBot) -> None:
    body = mention_body()
    headers = bot.slack.sign(body, timestamp=int(time.time()) - 6 * 60)
    response = bot.slack.send_raw(body, headers | {"Content-Type": "application/json"})
    assert response.status == 401
    assert_nothing_happened(bot)


def test_a_missing_signature_is_refused(bot: RunningBot) -> None:
    response = bot.slack.send_raw(mention_body(), {"Content-Type": "application/json"})
    assert response.status == 401
    assert_nothing_happened(bot)


def test_a_huge_body_is_refused_before_parsing(bot: RunningBot) -> None:
    body = b"payload=" + b"x" * (2 * 1024 * 1024)
    response = bot.slack.send_raw(
        body, bot.slack.sign(body) | {"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert response.status == 413
    assert_nothing_happened(bot)


def _content_type(body: bytes) -> str:
    return "application/json" if body.startswith(b"{") else "application/x-www-form-urlencoded"
