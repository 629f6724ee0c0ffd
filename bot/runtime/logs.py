"""Logging set-up, with a filter that keeps secrets out of every log line."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterable

from bot.settings import Settings

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
REDACTED = "[redacted]"


class SecretRedactingFilter(logging.Filter):
    """Replaces known secret values in a record's final message (and its traceback) with [redacted].

    Libraries log request details at debug level and exceptions may quote their inputs; filtering
    the rendered text is the one place that catches all of them.
    """

    def __init__(self, secret_values: Iterable[str]) -> None:
        super().__init__()
        # Short values would redact innocent text; real Slack and OpenAI secrets are long.
        self._secrets = sorted({value for value in secret_values if len(value) >= 8}, key=len)[::-1]

    def filter(self, record: logging.LogRecord) -> bool:
        if not self._secrets:
            return True
        message = record.getMessage()
        redacted = self._redact(message)
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self._redact(record.exc_text)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True

    def _redact(self, text: str) -> str:
        for value in self._secrets:
            text = text.replace(value, REDACTED)
        return text


def secret_values(settings: Settings) -> list[str]:
    """The plain values of every secret setting that is set."""
    fields = (
        settings.slack_bot_token,
        settings.slack_signing_secret,
        settings.slack_app_token,
        settings.openai_api_key,
    )
    return [field.get_secret_value() for field in fields if field is not None]


def configure_logging(settings: Settings, *, level: int = logging.INFO) -> None:
    """Log to stderr with secrets redacted; safe to call more than once."""
    root = logging.getLogger()
    root.setLevel(level)
    handler = next((h for h in root.handlers if getattr(h, "_socialops", False)), None)
    if handler is None:
        handler = logging.StreamHandler()
        handler._socialops = True  # type: ignore[attr-defined]
        handler.setFormatter(logging.Formatter(LOG_FORMAT))
        root.addHandler(handler)
    for old in list(handler.filters):
        handler.removeFilter(old)
    handler.addFilter(SecretRedactingFilter(secret_values(settings)))


def new_reference() -> str:
    """A short id that ties what a user is told to the log line with the stack trace."""
    return secrets.token_hex(3).upper()
