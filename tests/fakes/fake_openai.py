"""A fake OpenAI-compatible server on loopback, for the tests and the demo.

It answers ``POST /v1/chat/completions`` with the standard ``chat.completion`` shape, as the
openai SDK expects, and can be told what to say, how slowly, and when to fail. Every request body
is recorded, so a test can read the prompt the bot sent.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterable
from http import HTTPStatus
from types import TracebackType
from typing import TYPE_CHECKING, Any

from slack_emulator.local_server import LocalWSGIServer

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIEnvironment

Reply = str | Callable[[dict[str, Any]], str]


class FakeOpenAI:
    """``with FakeOpenAI(reply="Hi!") as server: server.base_url``"""

    def __init__(self, *, reply: Reply = "OK", delay: float = 0.0) -> None:
        self.reply: Reply = reply
        self.delay = delay
        self.fail_status = 500
        self._failures_left = 0
        self._lock = threading.Lock()
        self._requests: list[dict[str, Any]] = []
        # The same loopback server the bot runs on in tests: threaded, so a slow answer (a
        # timeout test) does not hold up the retry behind it.
        self._server = LocalWSGIServer(self._application)

    @property
    def base_url(self) -> str:
        return f"{self._server.url}/v1"

    @property
    def requests(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._requests)

    def fail_next(self, count: int, status: int = 500) -> None:
        """Answer the next ``count`` requests with HTTP ``status``."""
        with self._lock:
            self._failures_left, self.fail_status = count, status

    def __enter__(self) -> FakeOpenAI:
        self._server.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._server.stop()

    def _application(
        self, environ: WSGIEnvironment, start_response: StartResponse
    ) -> Iterable[bytes]:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        raw = environ["wsgi.input"].read(length) if length else b""
        path = str(environ.get("PATH_INFO", "")).rstrip("/")
        if environ.get("REQUEST_METHOD") != "POST" or path != "/v1/chat/completions":
            status, answer = 404, {"error": {"message": f"no route {path}"}}
        else:
            try:
                body = json.loads(raw or b"{}")
            except ValueError:
                status, answer = 400, {"error": {"message": "body is not JSON"}}
            else:
                status, answer = self._answer(body)
        data = json.dumps(answer).encode()
        start_response(
            f"{status} {HTTPStatus(status).phrase}",
            [("Content-Type", "application/json"), ("Content-Length", str(len(data)))],
        )
        return [data]

    def _answer(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        with self._lock:
            self._requests.append(body)
            failing = self._failures_left > 0
            if failing:
                self._failures_left -= 1
        if self.delay:
            time.sleep(self.delay)
        if failing:
            error = {"message": "fake failure", "type": "server_error", "code": None}
            return self.fail_status, {"error": error}
        content = self.reply(body) if callable(self.reply) else self.reply
        return 200, {
            "id": f"chatcmpl-fake{len(self._requests)}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": body.get("model", "fake"),
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": content},
                    "finish_reason": "stop",
                }
            ],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
        }
