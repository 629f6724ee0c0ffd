"""A demo step prints everything it set off, however late the bot's work lands."""

from __future__ import annotations

import io
import threading
import time
from typing import Any, cast

from bot.runtime.demo import DemoWorld, Step, _play
from bot.runtime.tracked_executor import TrackedExecutor
from bot.slack.client import build_web_client
from slack_emulator.emulator import SlackEmulator
from slack_emulator.signed_client import BotResponse


def test_a_step_waits_for_a_late_answer_beyond_its_expected_count() -> None:
    # On a busy machine the crisis end's second post (the approvals channel's) came after the
    # war room's: the step had its two expected calls and printed without it.
    with SlackEmulator() as emulator, TrackedExecutor() as listeners:
        client = build_web_client(token=emulator.bot_token, base_url=emulator.api_url)

        def listener() -> None:
            client.chat_postMessage(channel="C0APPROVALS", text="the first answer")
            time.sleep(0.3)  # a slow database, a busy core
            client.chat_postMessage(channel="C0APPROVALS", text="the late answer")

        def act(_world: DemoWorld) -> BotResponse:
            listeners.submit(listener)  # as bolt does before it acks
            return BotResponse(status=200, headers={}, body="")

        world = DemoWorld(
            emulator=emulator,
            slack=cast(Any, None),
            services=cast(Any, None),
            client=client,
            clock=cast(Any, None),
            listeners=listeners,
        )
        out = io.StringIO()
        assert _play(Step("priya", "ends the crisis", act, expect_calls=1), world, out)
    assert "the first answer" in out.getvalue()
    assert "the late answer" in out.getvalue()


def test_the_pool_is_idle_only_when_all_its_work_is_done() -> None:
    release = threading.Event()
    with TrackedExecutor(max_workers=2) as pool:
        assert pool.wait_idle(timeout=0)
        pool.submit(release.wait)
        assert not pool.wait_idle(timeout=0.05)
        release.set()
        assert pool.wait_idle(timeout=30)


def test_work_that_raises_still_counts_as_done() -> None:
    def broken() -> None:
        raise RuntimeError("a listener bug")

    with TrackedExecutor(max_workers=1) as pool:
        future = pool.submit(broken)
        assert pool.wait_idle(timeout=30)
    assert isinstance(future.exception(), RuntimeError)
