"""A fake OpenAI-compatible server on loopback, for the tests and the demo.

It answers ``POST /v1/chat/completions`` with the standard ``chat.completion`` shape, as the
openai SDK expects, and can be told what to say, how slowly, and when to fail. Every request body
is recorded, so a test can read the prompt the bot sent.

A structured-output request (``response_format`` of type ``json_schema``) is checked as OpenAI
checks it (a name, a schema, and in strict mode every property required and no others allowed:
HTTP 400 otherwise) and answered with ``choice``; by default, like a model that agrees with the
matcher, the first id the schema's ``entry_id`` enum offers.
"""

from __future__ import annotations

import json
import re
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
_SCHEMA_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def is_structured(body: dict[str, Any]) -> bool:
    """Whether a request asks for structured output (a JSON schema)."""
    return (body.get("response_format") or {}).get("type") == "json_schema"


def offered_ids(body: dict[str, Any]) -> list[str]:
    """The ids a structured request's schema allows for ``entry_id`` (its string enum)."""
    schema = body["response_format"]["json_schema"]["schema"]
    entry_id = schema["properties"]["entry_id"]
    ids: list[str] = []
    for branch in entry_id.get("anyOf", [entry_id]):
        ids += [value for value in branch.get("enum", []) if isinstance(value, str)]
    return ids


def first_offered(body: dict[str, Any]) -> str:
    ids = offered_ids(body)
    return json.dumps({"entry_id": ids[0] if ids else None, "reason": "The first fits."})


def schema_problem(response_format: object) -> str | None:
    """Why OpenAI would refuse this ``response_format`` (HTTP 400), or None."""
    if not isinstance(response_format, dict):
        return "response_format must be an object"
    kind = response_format.get("type")
    if kind in ("text", "json_object"):
        return None
    if kind != "json_schema":
        return f"unknown response_format type {kind!r}"
    spec = response_format.get("json_schema")
    if not isinstance(spec, dict) or not _SCHEMA_NAME.match(str(spec.get("name", ""))):
        return "json_schema needs a name of letters, digits, _ or -"
    schema = spec.get("schema")
    if not isinstance(schema, dict) or schema.get("type") != "object":
        return "json_schema.schema must be an object schema"
    if spec.get("strict"):
        properties = schema.get("properties") or {}
        if schema.get("additionalProperties") is not False:
            return "strict schemas need additionalProperties: false"
        if sorted(schema.get("required") or []) != sorted(properties):
            return "strict schemas must require every property"
    return None


class FakeOpenAI:
    """``with FakeOpenAI(reply="Hi!") as server: server.base_url``"""

    def __init__(
        self, *, reply: Reply = "OK", choice: Reply = first_offered, delay: float = 0.0
    ) -> None:
        self.reply: Reply = reply
        self.choice: Reply = choice  # the answer to structured-output requests
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
        if "response_format" in body and (problem := schema_problem(body["response_format"])):
            error = {"message": problem, "type": "invalid_request_error", "code": None}
            return 400, {"error": error}
        answer = self.choice if is_structured(body) else self.reply
        content = answer(body) if callable(answer) else answer
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
