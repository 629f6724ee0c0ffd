"""create_app: one bolt App per call, built from explicit settings and services."""

from __future__ import annotations

import logging

import pytest

from bot.runtime.app import create_app
from bot.services import Services
from slack_emulator.emulator import SlackEmulator
from tests.harness import bot_settings


def test_two_apps_share_nothing(emulator: SlackEmulator, services: Services) -> None:
    settings = bot_settings(emulator, services.settings.database_url)
    first, second = create_app(settings, services), create_app(settings, services)
    assert first is not second
    assert first.client is not second.client


def test_no_warning_about_the_token_in_the_environment(
    emulator: SlackEmulator,
    services: Services,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # bolt reads SLACK_BOT_TOKEN itself and would call it "unused" beside our configured client.
    monkeypatch.setenv("SLACK_BOT_TOKEN", emulator.bot_token)
    with caplog.at_level(logging.WARNING):
        create_app(bot_settings(emulator, services.settings.database_url), services)
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
