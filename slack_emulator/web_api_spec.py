"""Check Web API call arguments against Slack's official OpenAPI v2 spec of the Web API.

The spec (``shared/slack-reference/web-api/slack_web_openapi_v2.json``, 2020) is stale in places,
so two small tables correct it: arguments newer than the spec that slack_sdk really sends, and
required arguments that newer alternatives may replace. Methods the spec lacks are not checked.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

# The token travels in the Authorization header; the spec lists it as a parameter of every method.
# team_id: slack_sdk adds the request's workspace to every call of the per-request client that
# slack-bolt builds (for org-wide installs), and Slack accepts it on every method.
IGNORED_ARGUMENTS = frozenset({"token", "team_id"})

# Methods newer than the 2020 spec (files v2 upload, Socket Mode): nothing to check against.
UNCHECKED_METHODS = frozenset(
    {"files.getUploadURLExternal", "files.completeUploadExternal", "apps.connections.open"}
)

# Arguments added to Slack's API after the 2020 spec. Each one is a keyword parameter of the
# matching slack_sdk 3.x WebClient method (compared against the spec file, not guessed), so a bot
# using the SDK may send it and real Slack accepts it.
NEWER_ARGUMENTS: Mapping[str, frozenset[str]] = {
    "chat.postMessage": frozenset({"metadata", "markdown_text", "container_id"}),
    "chat.update": frozenset({"metadata", "markdown_text", "reply_broadcast", "file_ids"}),
    "chat.postEphemeral": frozenset({"markdown_text"}),
    "views.open": frozenset({"interactivity_pointer"}),
    "views.push": frozenset({"interactivity_pointer"}),
    "conversations.invite": frozenset({"force"}),
    "conversations.replies": frozenset({"include_all_metadata"}),
    "conversations.history": frozenset({"include_all_metadata"}),
}

# Required by the spec, but a newer argument may stand in: views.open/push accept an
# interactivity_pointer (from workflow steps and functions) instead of a trigger_id.
REQUIRED_ALTERNATIVES: Mapping[tuple[str, str], str] = {
    ("views.open", "trigger_id"): "interactivity_pointer",
    ("views.push", "trigger_id"): "interactivity_pointer",
}


@dataclass(frozen=True)
class MethodParameters:
    """What the spec says one method takes, across all its operations and parameter locations."""

    allowed: frozenset[str]
    required: frozenset[str]


@lru_cache(maxsize=2)
def load_method_parameters(spec_path: Path) -> Mapping[str, MethodParameters]:
    """Parameters per method name (``"chat.postMessage"``), read once per process: the file is ~1 MB.

    The spec lists some POST methods as GET (``views.*``) and puts parameters in formData, query
    or header; Slack accepts any argument in any of those places, so the union is what counts.
    """
    spec: dict[str, Any] = json.loads(spec_path.read_text(encoding="utf-8"))
    methods: dict[str, MethodParameters] = {}
    for path, operations in spec.get("paths", {}).items():
        allowed: set[str] = set()
        required: set[str] = set()
        for operation in operations.values():
            if not isinstance(operation, dict):
                continue
            for parameter in operation.get("parameters", []):
                name = parameter.get("name")
                if not isinstance(name, str):
                    continue
                allowed.add(name)
                if parameter.get("required"):
                    required.add(name)
        methods[path.lstrip("/")] = MethodParameters(frozenset(allowed), frozenset(required))
    return methods


def check_arguments(method: str, args: Mapping[str, Any], spec_path: Path) -> list[str]:
    """Problems with ``args`` for ``method`` per the spec: unknown and missing required arguments.

    Returns an empty list for methods the spec does not describe.
    """
    if method in UNCHECKED_METHODS:
        return []
    parameters = load_method_parameters(spec_path).get(method)
    if parameters is None:
        return []
    allowed = parameters.allowed | NEWER_ARGUMENTS.get(method, frozenset())
    problems = [
        f"unknown argument {name!r}"
        for name in args
        if name not in allowed and name not in IGNORED_ARGUMENTS
    ]
    for name in sorted(parameters.required - IGNORED_ARGUMENTS):
        alternative = REQUIRED_ALTERNATIVES.get((method, name))
        if name not in args and (alternative is None or alternative not in args):
            problems.append(f"missing required argument {name!r}")
    return problems
