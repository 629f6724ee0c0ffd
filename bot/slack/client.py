"""The Slack Web API client, pointed at ``SLACK_API_URL`` and patient with Slack's bad moments."""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

# Seconds per HTTP call. Slack answers in well under a second; a stuck call must not hold a worker.
WEB_API_TIMEOUT = 10


def build_web_client(*, token: str, base_url: str) -> WebClient:
    """A WebClient that retries 429 (after ``Retry-After``), 5xx answers and dropped connections."""
    return WebClient(
        token=token,
        base_url=base_url,
        timeout=WEB_API_TIMEOUT,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=2),
            RateLimitErrorRetryHandler(max_retry_count=2),
            ServerErrorRetryHandler(max_retry_count=2),
        ],
    )
