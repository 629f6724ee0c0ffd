"""The running-bot harness the command tests share (the fixtures live in conftest.py)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.services import Services
from bot.settings import Settings, load_settings
from slack_emulator.emulator import SlackEmulator
from slack_emulator.local_server import LocalWSGIServer
from slack_emulator.signed_client import SignedSlackClient

SIGNING_SECRET = "test-signing-secret-0123456789abcdef"


def bot_settings(emulator: SlackEmulator, database_url: str, **overrides: object) -> Settings:
    # The offline matcher unless a test asks: the suite must mean the same whether or not the
    # semantic extra is installed (tests/knowledge/test_semantic_model.py covers that one).
    overrides.setdefault("matcher", "offline")
    return load_settings(
        _env_file=None,
        slack_bot_token=emulator.bot_token,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=emulator.api_url,
        database_url=database_url,
        **overrides,
    )


@dataclass
class RunningBot:
    """The bot behind a loopback HTTP server, the emulator it talks to, and a way to talk to it."""

    slack: SignedSlackClient
    emulator: SlackEmulator
    services: Services
    server: LocalWSGIServer

    @property
    def url(self) -> str:
        return self.server.url
