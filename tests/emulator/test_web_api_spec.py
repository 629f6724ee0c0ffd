"""The spec check: Slack's OpenAPI spec plus the corrections for what is newer than it."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest
from slack_sdk import WebClient

from slack_emulator.emulator_methods import METHODS
from slack_emulator.reference import web_api_spec_path
from slack_emulator.web_api_spec import (
    NEWER_ARGUMENTS,
    REQUIRED_ALTERNATIVES,
    UNCHECKED_METHODS,
    check_arguments,
    load_method_parameters,
)


@pytest.fixture(scope="module")
def spec_path() -> Path:
    path = web_api_spec_path()
    if path is None:
        pytest.skip("Slack's OpenAPI spec (shared/slack-reference/web-api) is absent: not checked")
    return path


def _sdk_parameters(method: str) -> set[str]:
    signature = inspect.signature(getattr(WebClient, method.replace(".", "_")))
    return {name for name in signature.parameters if name not in ("self", "kwargs")}


def test_a_misspelt_argument_and_the_missing_one_are_reported(spec_path: Path) -> None:
    problems = check_arguments("chat.postMessage", {"chanel": "C1", "text": "x"}, spec_path)
    assert problems == ["unknown argument 'chanel'", "missing required argument 'channel'"]


def test_a_correct_call_passes_and_the_token_is_ignored(spec_path: Path) -> None:
    args = {"channel": "C1", "text": "x", "token": "xoxb-1", "metadata": {"event_type": "e"}}
    assert check_arguments("chat.postMessage", args, spec_path) == []


def test_the_workspace_id_bolt_adds_to_every_call_is_accepted(spec_path: Path) -> None:
    # slack-bolt's per-request WebClient carries team_id, and slack_sdk sends it on every call.
    args = {"channel": "C1", "user": "U1", "text": "x", "team_id": "T0SOCIAL"}
    assert check_arguments("chat.postEphemeral", args, spec_path) == []


def test_parameters_count_whatever_their_location(spec_path: Path) -> None:
    # views.open is a GET with query parameters in the 2020 spec; slack_sdk POSTs JSON.
    args = {"trigger_id": "1.2.3", "view": {"type": "modal"}}
    assert check_arguments("views.open", args, spec_path) == []


def test_interactivity_pointer_stands_in_for_trigger_id(spec_path: Path) -> None:
    assert (
        check_arguments("views.open", {"interactivity_pointer": "p", "view": {}}, spec_path) == []
    )
    assert check_arguments("views.open", {"view": {}}, spec_path) == [
        "missing required argument 'trigger_id'"
    ]


def test_methods_the_spec_lacks_are_not_checked(spec_path: Path) -> None:
    assert check_arguments("files.completeUploadExternal", {"anything": 1}, spec_path) == []


def test_the_spec_is_parsed_once(spec_path: Path) -> None:
    assert load_method_parameters(spec_path) is load_method_parameters(spec_path)


def test_every_emulated_method_is_in_the_spec_or_knowingly_unchecked(spec_path: Path) -> None:
    described = load_method_parameters(spec_path)
    for method in METHODS:
        assert method in described or method in UNCHECKED_METHODS, method


@pytest.mark.parametrize("method", sorted(NEWER_ARGUMENTS))
def test_allow_listed_arguments_are_newer_than_the_spec_and_sent_by_slack_sdk(
    spec_path: Path, method: str
) -> None:
    spec_allowed = load_method_parameters(spec_path)[method].allowed
    for name in NEWER_ARGUMENTS[method]:
        assert name not in spec_allowed, f"{method} {name}: the spec has it, drop it from the list"
        assert name in _sdk_parameters(method), f"{method} {name}: slack_sdk does not send it"
    for (alt_method, _), alternative in REQUIRED_ALTERNATIVES.items():
        if alt_method == method:
            assert alternative in NEWER_ARGUMENTS[method]


@pytest.mark.parametrize(
    "method", sorted(m for m in METHODS if m not in UNCHECKED_METHODS and m != "auth.test")
)
def test_everything_slack_sdk_can_send_passes_the_check(spec_path: Path, method: str) -> None:
    # The bot calls these through WebClient's named methods: no keyword they offer may be refused.
    args = {name: "x" for name in _sdk_parameters(method)}
    assert [p for p in check_arguments(method, args, spec_path) if p.startswith("unknown")] == []
