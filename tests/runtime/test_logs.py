"""Secrets stay out of log output, even in tracebacks."""

from __future__ import annotations

import logging

import pytest

from bot.runtime.logs import REDACTED, SecretRedactingFilter, configure_logging, new_reference
from bot.settings import load_settings

TOKEN = "xoxb-9999-8888-dont-log-me"


def test_filter_redacts_messages_arguments_and_tracebacks() -> None:
    record_filter = SecretRedactingFilter([TOKEN, "short"])
    try:
        raise RuntimeError(f"bad token {TOKEN}")
    except RuntimeError as exc:
        record = logging.LogRecord(
            "t", logging.ERROR, __file__, 1, "calling with %s", (TOKEN,), (type(exc), exc, None)
        )
    assert record_filter.filter(record)
    assert TOKEN not in record.getMessage()
    assert REDACTED in record.getMessage()
    assert record.exc_text is not None
    assert TOKEN not in record.exc_text


def test_configured_logging_redacts_settings_secrets(capfd: pytest.CaptureFixture[str]) -> None:
    settings = load_settings(_env_file=None, slack_bot_token=TOKEN, slack_signing_secret="x" * 32)
    configure_logging(settings)
    logging.getLogger("socialops.test").warning("Authorization: Bearer %s", TOKEN)
    err = capfd.readouterr().err
    assert "Authorization: Bearer [redacted]" in err
    assert TOKEN not in err


def test_references_are_short_and_distinct() -> None:
    references = {new_reference() for _ in range(50)}
    assert len(references) == 50
    assert all(len(reference) == 6 for reference in references)
