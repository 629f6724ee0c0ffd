"""The Slack emulator through real HTTP, the way the bot reaches it: slack_sdk's WebClient."""

from __future__ import annotations

import json
import logging
import threading
import time
import types
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry import builtin_handlers
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.webhook import WebhookClient

from slack_emulator import emulator as emulator_module
from slack_emulator import payloads
from slack_emulator.emulator import SlackEmulator
from slack_emulator.web_api_spec import load_method_parameters

SOCIAL, APPROVALS = "C0SOCIAL", "C0APPROVALS"
AUTHOR, APPROVER, ADMIN = "U0AUTHOR", "U0APPROVER", "U0ADMIN"
MODAL = {"type": "modal", "title": {"type": "plain_text", "text": "Draft a post"}, "blocks": []}


@pytest.fixture(scope="module")
def running() -> Iterator[SlackEmulator]:
    with SlackEmulator() as started:
        yield started


@pytest.fixture
def emu(running: SlackEmulator) -> SlackEmulator:
    running.reset()
    return running


@pytest.fixture
def client(emu: SlackEmulator) -> WebClient:
    return WebClient(base_url=emu.api_url, token=emu.bot_token, timeout=5)


def _error_of(call: Callable[..., Any], *args: Any, **kwargs: Any) -> str:
    """The Slack error code ``call(*args, **kwargs)`` fails with."""
    with pytest.raises(SlackApiError) as raised:
        call(*args, **kwargs)
    return str(raised.value.response["error"])


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


# Lifecycle and identity


def test_urls_and_auth_test(emu: SlackEmulator, client: WebClient) -> None:
    assert emu.api_url == f"{emu.base_url}/api/"
    assert emu.base_url.startswith("http://127.0.0.1:")
    answer = client.auth_test()
    assert answer["user_id"] == "UBOTSOCIAL"
    assert answer["bot_id"] == "BBOTSOCIAL"
    assert answer["team_id"] == "T0SOCIAL"
    assert answer["is_enterprise_install"] is False


def test_tokens_are_checked(emu: SlackEmulator) -> None:
    wrong = WebClient(base_url=emu.api_url, token="xoxb-wrong")
    assert _error_of(wrong.auth_test) == "invalid_auth"
    assert _error_of(WebClient(base_url=emu.api_url).auth_test) == "not_authed"
    # The token may also come as an argument instead of the header.
    assert WebClient(base_url=emu.api_url).auth_test(token=emu.bot_token)["ok"] is True


def test_unknown_method(client: WebClient) -> None:
    assert _error_of(client.api_call, "chat.frobnicate") == "unknown_method"


def test_stop_releases_the_port() -> None:
    emulator = SlackEmulator().start()
    url = emulator.api_url
    emulator.stop()
    with pytest.raises(Exception, match=r"Connection refused|URLError|Errno"):
        WebClient(base_url=url, token="xoxb-emulator-token", retry_handlers=[]).auth_test()


# Messages


def test_post_message_stores_the_message_and_records_decoded_args(
    emu: SlackEmulator, client: WebClient
) -> None:
    blocks = [_section("Draft *#42* is ready")]
    first = client.chat_postMessage(channel=SOCIAL, text="Draft #42 is ready", blocks=blocks)
    second = client.chat_postMessage(channel=SOCIAL, text="again")
    assert first["channel"] == SOCIAL
    assert first["ts"] == "1700000000.000100"
    assert float(second["ts"]) > float(first["ts"])
    assert first["message"]["blocks"] == blocks
    [call, _] = emu.calls_to("chat.postMessage")
    assert call.args == {"channel": SOCIAL, "text": "Draft #42 is ready", "blocks": blocks}
    assert (call.status, call.path) == (200, "/api/chat.postMessage")
    assert call.response["ts"] == first["ts"]
    [stored, _] = emu.messages_in(SOCIAL)
    assert stored["user"] == "UBOTSOCIAL"
    assert stored["thread_ts"] is None


def test_form_encoded_and_query_arguments_are_decoded(
    emu: SlackEmulator, client: WebClient
) -> None:
    blocks = [_section("from a form")]
    client.api_call(
        "chat.postMessage", data={"channel": SOCIAL, "text": "t", "blocks": json.dumps(blocks)}
    )
    client.api_call("users.info", http_verb="GET", params={"user": AUTHOR})
    assert emu.calls_to("chat.postMessage")[0].args["blocks"] == blocks
    assert emu.calls_to("users.info")[0].args == {"user": AUTHOR}


def test_thread_replies_and_posting_to_a_user(emu: SlackEmulator, client: WebClient) -> None:
    parent = client.chat_postMessage(channel=SOCIAL, text="parent")["ts"]
    client.chat_postMessage(channel=SOCIAL, text="reply", thread_ts=parent)
    [first, reply] = emu.messages_in(SOCIAL)
    assert reply["thread_ts"] == parent
    assert first["reply_count"] == 1
    dm = client.chat_postMessage(channel=AUTHOR, text="just you")["channel"]
    assert dm.startswith("D")
    assert dm == client.conversations_open(users=AUTHOR)["channel"]["id"]


def test_post_message_errors(client: WebClient) -> None:
    assert _error_of(client.chat_postMessage, channel="C0NOPE", text="x") == "channel_not_found"
    assert _error_of(client.api_call, "chat.postMessage", json={"channel": SOCIAL}) == "no_text"


def test_update_keeps_what_it_does_not_change(emu: SlackEmulator, client: WebClient) -> None:
    posted = client.chat_postMessage(channel=SOCIAL, text="v1", blocks=[_section("v1")])
    answer = client.chat_update(channel=SOCIAL, ts=posted["ts"], text="v2")
    assert answer["text"] == "v2"
    [stored] = emu.messages_in(SOCIAL)
    assert (stored["text"], stored["blocks"]) == ("v2", [_section("v1")])
    assert "edited" in stored


def test_update_errors(emu: SlackEmulator, client: WebClient) -> None:
    assert _error_of(client.chat_update, channel=SOCIAL, ts="1.2", text="x") == (
        "message_not_found"
    )
    human = emu.add_message(SOCIAL, text="a customer asked…", user=AUTHOR)
    assert _error_of(client.chat_update, channel=SOCIAL, ts=human, text="x") == (
        "cant_update_message"
    )


def test_post_ephemeral(emu: SlackEmulator, client: WebClient) -> None:
    answer = client.chat_postEphemeral(channel=SOCIAL, user=AUTHOR, text="only you")
    assert answer["message_ts"]
    assert emu.messages_in(SOCIAL) == []
    assert emu.ephemerals_for(AUTHOR)[0]["text"] == "only you"
    assert (
        _error_of(client.chat_postEphemeral, channel=APPROVALS, user=AUTHOR, text="x")
        == "user_not_in_channel"
    )


def test_get_permalink(emu: SlackEmulator, client: WebClient) -> None:
    ts = client.chat_postMessage(channel=SOCIAL, text="x")["ts"]
    link = client.chat_getPermalink(channel=SOCIAL, message_ts=ts)["permalink"]
    assert link == f"https://emulated.slack.com/archives/{SOCIAL}/p{ts.replace('.', '')}"
    assert (
        _error_of(client.chat_getPermalink, channel=SOCIAL, message_ts="1.000001")
        == "message_not_found"
    )


def test_reactions(emu: SlackEmulator, client: WebClient) -> None:
    ts = emu.add_message(SOCIAL, text="please look", user=AUTHOR)
    client.reactions_add(channel=SOCIAL, timestamp=ts, name="eyes")
    assert emu.messages_in(SOCIAL)[0]["reactions"] == [
        {"name": "eyes", "users": ["UBOTSOCIAL"], "count": 1}
    ]
    assert (
        _error_of(client.reactions_add, channel=SOCIAL, timestamp=ts, name="eyes")
        == "already_reacted"
    )


# Views


def test_views_open_update_push(emu: SlackEmulator, client: WebClient) -> None:
    opened = client.views_open(
        trigger_id=payloads.new_trigger_id(), view={**MODAL, "external_id": "draft-1"}
    )
    view = opened["view"]
    assert view["id"].startswith("V")
    assert view["title"] == MODAL["title"]
    assert view["state"] == {"values": {}}
    changed = {**MODAL, "blocks": [_section("step 2")]}
    updated = client.views_update(view_id=view["id"], view=changed, hash=view["hash"])["view"]
    assert updated["id"] == view["id"]
    assert updated["hash"] != view["hash"]
    by_external = client.views_update(external_id="draft-1", view=changed)["view"]
    assert by_external["id"] == view["id"]
    assert (
        _error_of(client.views_update, view_id=view["id"], view=changed, hash=view["hash"])
        == "hash_conflict"
    )
    assert _error_of(client.views_update, view_id="V0NOPE", view=MODAL) == "not_found"
    assert (
        client.views_push(trigger_id=payloads.new_trigger_id(), view=MODAL)["view"]["id"]
        != view["id"]
    )
    assert emu.view(view["id"]) is not None


def test_a_trigger_id_opens_one_view_within_three_seconds_of_its_click(
    emu: SlackEmulator, client: WebClient
) -> None:
    clicked = time.time()
    fresh = payloads.new_trigger_id(issued_at=clicked - 2.5)
    assert client.views_open(trigger_id=fresh, view=MODAL)["ok"]
    assert _error_of(client.views_open, trigger_id=fresh, view=MODAL) == "exchanged_trigger_id"
    assert _error_of(client.views_push, trigger_id=fresh, view=MODAL) == "exchanged_trigger_id"
    stale = payloads.new_trigger_id(issued_at=clicked - 3.5)
    assert _error_of(client.views_open, trigger_id=stale, view=MODAL) == "expired_trigger_id"
    assert _error_of(client.views_push, trigger_id=stale, view=MODAL) == "expired_trigger_id"
    assert _error_of(client.views_open, trigger_id="123.456.abc", view=MODAL) == (
        "invalid_trigger_id"
    )
    assert payloads.trigger_issued_at(fresh) == pytest.approx(clicked - 2.5, abs=0.001)


def test_trigger_age_is_measured_on_the_emulators_clock() -> None:
    clicked = time.time()
    later = SlackEmulator(clock=lambda: clicked + 10)
    with later:
        client = WebClient(base_url=later.api_url, token=later.bot_token)
        trigger_id = payloads.new_trigger_id(issued_at=clicked)
        assert _error_of(client.views_open, trigger_id=trigger_id, view=MODAL) == (
            "expired_trigger_id"
        )


def test_views_publish(emu: SlackEmulator, client: WebClient) -> None:
    home = {"type": "home", "blocks": [_section("Your drafts")]}
    first = client.views_publish(user_id=AUTHOR, view=home)["view"]
    second = client.views_publish(user_id=AUTHOR, view=home)["view"]
    assert first["id"] == second["id"]
    assert emu.home_view(AUTHOR) is not None
    assert _error_of(client.views_publish, user_id=AUTHOR, view=MODAL) == "invalid_arguments"
    too_long = {"type": "home", "blocks": [_section(f"row {i}") for i in range(101)]}
    assert _error_of(client.views_publish, user_id=AUTHOR, view=too_long) == "invalid_arguments"
    assert emu.home_view(AUTHOR) == second  # the refused view replaced nothing


# Conversations, users, groups


def test_conversations_open_is_stable(client: WebClient) -> None:
    first = client.conversations_open(users=AUTHOR)
    again = client.conversations_open(users=[AUTHOR])
    assert first["channel"]["id"] == again["channel"]["id"]
    assert again["already_open"] is True
    group = client.conversations_open(users=[AUTHOR, APPROVER])["channel"]["id"]
    assert group != first["channel"]["id"]
    assert _error_of(client.conversations_open, users="U0NOBODY") == "user_not_found"


def test_conversations_create_validates_names(client: WebClient) -> None:
    created = client.conversations_create(name="war-room-2024", is_private=True)["channel"]
    assert created["name"] == "war-room-2024"
    assert created["is_private"] is True
    assert client.conversations_info(channel=created["id"])["channel"]["id"] == created["id"]
    for name, error in [
        ("war-room-2024", "name_taken"),
        ("social-team", "name_taken"),
        ("War Room", "invalid_name_specials"),
        ("x" * 81, "invalid_name_maxlength"),
        ("---", "invalid_name_punctuation"),
    ]:
        assert _error_of(client.conversations_create, name=name) == error


def test_conversations_invite_and_info(client: WebClient) -> None:
    channel = client.conversations_create(name="invite-test")["channel"]["id"]
    answer = client.conversations_invite(channel=channel, users=[AUTHOR, APPROVER])
    assert answer["channel"]["num_members"] == 3
    assert (
        _error_of(client.conversations_invite, channel=channel, users=AUTHOR)
        == "already_in_channel"
    )
    assert (
        _error_of(client.conversations_invite, channel="C0NOPE", users=AUTHOR)
        == "channel_not_found"
    )
    assert client.conversations_info(channel=SOCIAL)["channel"]["name"] == "social-team"
    assert _error_of(client.conversations_info, channel="C0NOPE") == "channel_not_found"


def test_conversations_info_says_whether_the_bot_is_a_member(client: WebClient) -> None:
    # A command that names a channel asks this before promising to post there.
    assert client.conversations_info(channel=SOCIAL)["channel"]["is_member"] is True
    lounge = client.conversations_info(channel="C0LOUNGE")["channel"]
    assert (lounge["name"], lounge["is_member"]) == ("lounge", False)
    created = client.conversations_create(name="member-test")["channel"]
    assert created["is_member"] is True


def test_users_and_usergroups(emu: SlackEmulator, client: WebClient) -> None:
    emu.add_user("U0TOKYO", name="kenji", real_name="Kenji Tokyo", tz="Asia/Tokyo")
    user = client.users_info(user="U0TOKYO")["user"]
    assert (user["real_name"], user["tz"], user["tz_offset"]) == (
        "Kenji Tokyo",
        "Asia/Tokyo",
        32400,
    )
    assert client.users_info(user=ADMIN)["user"]["is_admin"] is True
    assert client.users_info(user="UBOTSOCIAL")["user"]["is_bot"] is True
    assert _error_of(client.users_info, user="U0NOBODY") == "user_not_found"
    assert client.usergroups_users_list(usergroup="S0APPROVERS")["users"] == [APPROVER, ADMIN]
    emu.add_usergroup("S0SUPPORT", handle="support", members=["U0TOKYO"])
    assert client.usergroups_users_list(usergroup="S0SUPPORT")["users"] == ["U0TOKYO"]
    assert _error_of(client.usergroups_users_list, usergroup="S0NOPE") == "no_such_subteam"


def test_private_channels_the_bot_is_not_in_are_invisible(
    emu: SlackEmulator, client: WebClient
) -> None:
    emu.add_channel("G0SECRET", name="secret", is_private=True, members=[ADMIN])
    assert _error_of(client.conversations_info, channel="G0SECRET") == "channel_not_found"


# Files


def test_files_upload_v2_round_trip(emu: SlackEmulator, client: WebClient) -> None:
    answer = client.files_upload_v2(
        channel=SOCIAL, content="date,posts\n", filename="digest.csv", initial_comment="Digest"
    )
    file_id = answer["file"]["id"]
    assert emu.uploaded_file(file_id) == b"date,posts\n"
    methods = [call.method for call in emu.calls]
    assert methods == ["files.getUploadURLExternal", "file_upload", "files.completeUploadExternal"]
    [message] = emu.messages_in(SOCIAL)
    assert message["text"] == "Digest"
    assert message["files"][0]["id"] == file_id
    assert (
        _error_of(client.files_completeUploadExternal, files=[{"id": "F0NOPE"}]) == "file_not_found"
    )


# Response URLs


def test_response_url_posts_are_recorded(emu: SlackEmulator) -> None:
    url = emu.new_response_url()
    assert url.startswith(f"{emu.base_url}/response/")
    blocks = [_section("Done")]
    sent = WebhookClient(url).send(text="Done", blocks=blocks, response_type="ephemeral")
    assert sent.status_code == 200
    [call] = emu.calls_to("response_url")
    assert call.args == {"text": "Done", "blocks": blocks, "response_type": "ephemeral"}
    assert call.response == {"ok": True}
    assert WebhookClient(f"{emu.base_url}/response/unknown").send(text="x").status_code == 404


def test_response_url_replaces_and_deletes_the_original(
    emu: SlackEmulator, client: WebClient
) -> None:
    ts = client.chat_postMessage(channel=SOCIAL, text="Approve?", blocks=[_section("?")])["ts"]
    url = emu.new_response_url(channel=SOCIAL, message_ts=ts)
    WebhookClient(url).send(text="Approved by <@U0APPROVER>", replace_original=True)
    [replaced] = emu.messages_in(SOCIAL)
    assert (replaced["ts"], replaced["text"], replaced["blocks"]) == (
        ts,
        "Approved by <@U0APPROVER>",
        [],
    )
    WebhookClient(url).send(delete_original=True)
    assert emu.messages_in(SOCIAL) == []


def test_response_url_blocks_are_checked(emu: SlackEmulator) -> None:
    sent = WebhookClient(emu.new_response_url()).send(blocks=[_section("x" * 3001)])
    assert sent.status_code == 400
    assert emu.violations == [
        "response_url: /blocks/0/text/text: section text is 3001 characters, over the limit of 3000"
    ]


# Waiting


def test_wait_for_blocks_until_the_call_arrives(emu: SlackEmulator, client: WebClient) -> None:
    timer = threading.Timer(0.05, lambda: client.chat_postMessage(channel=SOCIAL, text="later"))
    timer.start()
    try:
        [call] = emu.wait_for("chat.postMessage", timeout=2)
    finally:
        timer.join()
    assert call.args["text"] == "later"


def test_wait_for_times_out_with_what_it_saw(emu: SlackEmulator, client: WebClient) -> None:
    client.auth_test()
    with pytest.raises(AssertionError, match=r"2 call\(s\) to chat.update, got 0; seen: auth.test"):
        emu.wait_for("chat.update", count=2, timeout=0.1)


def test_concurrent_calls_are_all_recorded(emu: SlackEmulator, client: WebClient) -> None:
    threads = [
        threading.Thread(target=client.chat_postMessage, kwargs={"channel": SOCIAL, "text": str(i)})
        for i in range(20)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(emu.wait_for("chat.postMessage", count=20, timeout=2)) == 20
    assert len({message["ts"] for message in emu.messages_in(SOCIAL)}) == 20


def test_reset_forgets_activity_but_keeps_the_workspace(
    emu: SlackEmulator, client: WebClient
) -> None:
    client.chat_postMessage(channel=SOCIAL, text="x")
    emu.inject("auth.test", status=500)
    emu.reset()
    assert (emu.calls, emu.violations, emu.messages_in(SOCIAL)) == ([], [], [])
    assert client.auth_test()["ok"] is True  # the fault is gone
    assert client.users_info(user=AUTHOR)["ok"] is True


# Injected faults


def test_rate_limit_with_retry_after_is_retried(
    emu: SlackEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The handler sleeps Retry-After plus up to 1 s of jitter; no jitter keeps the test fast.
    monkeypatch.setattr(builtin_handlers, "random", types.SimpleNamespace(random=lambda: 0.0))
    patient = WebClient(
        base_url=emu.api_url,
        token=emu.bot_token,
        retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=1)],
    )
    emu.inject("chat.postMessage", status=429, retry_after=0)
    assert patient.chat_postMessage(channel=SOCIAL, text="x")["ok"] is True
    limited, accepted = emu.calls_to("chat.postMessage")
    assert (limited.status, limited.response["error"]) == (429, "ratelimited")
    assert accepted.status == 200


def test_rate_limit_sends_retry_after(emu: SlackEmulator, client: WebClient) -> None:
    emu.inject("chat.postMessage", status=429, retry_after=30)
    with pytest.raises(SlackApiError) as raised:
        client.chat_postMessage(channel=SOCIAL, text="x")
    assert raised.value.response.status_code == 429
    assert raised.value.response.headers["Retry-After"] == "30"


def test_server_errors_and_error_codes(emu: SlackEmulator, client: WebClient) -> None:
    emu.inject("users.info", status=500, times=2)
    emu.inject("users.info", status=200, error="fatal_error")
    for _ in range(2):
        with pytest.raises(SlackApiError) as raised:
            client.users_info(user=AUTHOR)
        assert raised.value.response.status_code == 500
    assert _error_of(client.users_info, user=AUTHOR) == "fatal_error"
    assert client.users_info(user=AUTHOR)["ok"] is True
    assert [call.status for call in emu.calls_to("users.info")] == [500, 500, 200, 200]


def test_slow_answers_do_not_hold_up_other_calls(emu: SlackEmulator, client: WebClient) -> None:
    emu.inject("chat.postMessage", status=200, delay=0.4)
    slow = threading.Thread(target=client.chat_postMessage, kwargs={"channel": SOCIAL, "text": "s"})
    started = time.monotonic()
    slow.start()
    client.auth_test()
    fast_done = time.monotonic() - started
    slow.join()
    assert fast_done < 0.3
    [call] = emu.calls_to("chat.postMessage")
    assert call.status == 200
    assert time.monotonic() - started >= 0.4


# Checks against Slack's spec and Block Kit limits


def test_a_wrong_argument_is_refused_and_recorded(emu: SlackEmulator, client: WebClient) -> None:
    if not emu.spec_checked:
        pytest.skip(f"spec check not run: {emu.spec_notice}")
    with pytest.raises(SlackApiError) as raised:
        client.api_call("chat.postMessage", json={"chanel": "C1", "text": "x"})
    assert raised.value.response["error"] == "invalid_arguments"
    assert raised.value.response["response_metadata"]["messages"] == [
        "[ERROR] unknown argument 'chanel'",
        "[ERROR] missing required argument 'channel'",
    ]
    assert emu.violations == [
        "chat.postMessage: unknown argument 'chanel'",
        "chat.postMessage: missing required argument 'channel'",
    ]


def test_without_the_spec_the_check_is_skipped_with_a_notice(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(emulator_module, "web_api_spec_path", lambda: None)
    load_method_parameters.cache_clear()
    with caplog.at_level(logging.WARNING, logger=emulator_module.__name__):
        unchecked = SlackEmulator()
    assert unchecked.spec_checked is False
    assert unchecked.spec_notice is not None
    assert "not checked" in unchecked.spec_notice
    assert unchecked.spec_notice in caplog.text
    with unchecked:
        client = WebClient(base_url=unchecked.api_url, token=unchecked.bot_token)
        # Not refused for the misspelling now; the handler still needs a channel.
        assert (
            _error_of(client.api_call, "chat.postMessage", json={"chanel": "C1", "text": "x"})
            == "channel_not_found"
        )
    assert unchecked.violations == []


@pytest.mark.parametrize(
    ("blocks", "where"),
    [
        ([_section("ok")] * 51, "/blocks"),
        (
            [
                {
                    "type": "actions",
                    "elements": [
                        {
                            "type": "button",
                            "text": {"type": "plain_text", "text": "x" * 76},
                            "action_id": "go",
                        }
                    ],
                }
            ],
            "/blocks/0/elements/0/text/text",
        ),
        ([_section("x" * 3001)], "/blocks/0/text/text"),
    ],
    ids=["51 blocks", "76-character button", "3001-character section"],
)
def test_block_kit_limits_are_enforced(
    emu: SlackEmulator, client: WebClient, blocks: list[dict[str, Any]], where: str
) -> None:
    with pytest.raises(SlackApiError) as raised:
        client.chat_postMessage(channel=SOCIAL, text="x", blocks=blocks)
    assert raised.value.response["error"] == "invalid_blocks"
    [violation] = emu.violations
    assert violation.startswith(f"chat.postMessage: {where}: ")
    assert emu.messages_in(SOCIAL) == []


def test_an_oversized_modal_title_is_refused(emu: SlackEmulator, client: WebClient) -> None:
    view = {**MODAL, "title": {"type": "plain_text", "text": "A title far too long for Slack"}}
    assert (
        _error_of(client.views_open, trigger_id=payloads.new_trigger_id(), view=view)
        == "invalid_arguments"
    )
    assert emu.violations[0].startswith("views.open: /view/title/text: modal title is 30")


def test_a_valid_realistic_message_passes_clean(emu: SlackEmulator, client: WebClient) -> None:
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": "Draft #42 needs approval"}},
        {
            "type": "section",
            "block_id": "draft",
            "text": {"type": "mrkdwn", "text": ">Our spring sale starts Monday! :tulip:"},
            "fields": [
                {"type": "mrkdwn", "text": "*Author*\n<@U0AUTHOR>"},
                {"type": "mrkdwn", "text": "*Network*\nInstagram"},
            ],
        },
        {
            "type": "actions",
            "block_id": "decision",
            "elements": [
                {
                    "type": "button",
                    "text": {"type": "plain_text", "text": "Approve"},
                    "style": "primary",
                    "action_id": "approve",
                    "value": "42",
                },
                {
                    "type": "button",
                    "text": {"type": "plain_text", "text": "Reject"},
                    "style": "danger",
                    "action_id": "reject",
                    "value": "42",
                },
            ],
        },
        {"type": "context", "elements": [{"type": "mrkdwn", "text": "Submitted just now"}]},
    ]
    answer = client.chat_postMessage(
        channel=APPROVALS,
        text="Draft #42 needs approval",
        blocks=blocks,
        unfurl_links=False,
        metadata={"event_type": "draft_submitted", "event_payload": {"draft_id": 42}},
    )
    assert answer["ok"] is True
    assert emu.violations == []


def test_conversations_members_pages_through_a_channel(emulator: SlackEmulator) -> None:
    client = WebClient(token=emulator.bot_token, base_url=emulator.api_url)
    first = client.conversations_members(channel="C0SUPPORT", limit=2)
    assert first["members"] == ["U0SUPPORT", "U0SUPPORT2"]
    rest = client.conversations_members(
        channel="C0SUPPORT", limit=2, cursor=first["response_metadata"]["next_cursor"]
    )
    assert rest["members"] == ["UBOTSOCIAL"]
    assert rest["response_metadata"]["next_cursor"] == ""
    assert _error_of(client.conversations_members, channel="C0NOPE") == "channel_not_found"


# History


def test_conversations_history_is_newest_first_without_replies_and_metadata_on_request(
    emu: SlackEmulator, client: WebClient
) -> None:
    metadata = {"event_type": "socialops_digest", "event_payload": {"run_id": 7}}
    first = client.chat_postMessage(channel=SOCIAL, text="first", metadata=metadata)["ts"]
    client.chat_postMessage(channel=SOCIAL, text="a reply", thread_ts=first)
    second = client.chat_postMessage(channel=SOCIAL, text="second")["ts"]
    plain = client.conversations_history(channel=SOCIAL)
    assert [m["text"] for m in plain["messages"]] == ["second", "first"]
    assert all("metadata" not in m for m in plain["messages"])
    assert plain["has_more"] is False
    full = client.conversations_history(channel=SOCIAL, include_all_metadata=True, limit=1)
    assert [m["ts"] for m in full["messages"]] == [second]
    assert full["has_more"] is True
    cursor = full["response_metadata"]["next_cursor"]
    rest = client.conversations_history(channel=SOCIAL, include_all_metadata=True, cursor=cursor)
    assert [m["metadata"] for m in rest["messages"]] == [metadata]
    assert client.conversations_history(channel=SOCIAL, oldest=first)["messages"][0]["ts"] == second
    emu.add_channel("C0ELSEWHERE", name="elsewhere", members=["U0ADMIN"])
    assert _error_of(client.conversations_history, channel="C0ELSEWHERE") == "not_in_channel"
    assert _error_of(client.conversations_history, channel="C0NOPE") == "channel_not_found"
    assert emu.violations == []


# Listing channels


def _listed(client: WebClient, **kwargs: Any) -> list[dict[str, Any]]:
    """Every channel conversations.list gives, following the cursor to the end."""
    channels: list[dict[str, Any]] = []
    cursor = ""
    while True:
        page = client.conversations_list(cursor=cursor or None, **kwargs)
        channels.extend(page["channels"])
        cursor = page["response_metadata"]["next_cursor"]
        if not cursor:
            return channels


def test_conversations_list_shows_public_channels_and_private_ones_the_bot_is_in(
    emu: SlackEmulator, client: WebClient
) -> None:
    emu.add_channel("G0MINE", name="mine", is_private=True)
    emu.add_channel("G0THEIRS", name="theirs", is_private=True, members=["U0AUTHOR"])
    emu.add_channel("C0OLD", name="old", is_archived=True)
    client.conversations_open(users="U0AUTHOR")
    # Public channels only by default, the bot's or not, archived ones too.
    public = {c["name"]: c for c in _listed(client)}
    assert {"social-team", "lounge", "old"} <= set(public)
    assert not ({"mine", "theirs"} & set(public))
    assert public["lounge"]["is_member"] is False
    assert public["social-team"]["is_member"] is True
    assert public["old"]["is_archived"] is True
    both = {
        c["name"]
        for c in _listed(client, types="public_channel,private_channel", exclude_archived=True)
    }
    assert "mine" in both
    assert not ({"theirs", "old"} & both)
    private = _listed(client, types="private_channel")
    assert "G0MINE" in {c["id"] for c in private}
    assert all(c["is_private"] and c["is_member"] and not c["is_mpim"] for c in private)
    [dm] = _listed(client, types="im")
    assert dm["is_im"] is True
    assert _error_of(client.conversations_list, types="public_channel,nope") == "invalid_types"
    assert _error_of(client.conversations_list, cursor="bogus") == "invalid_cursor"
    assert emu.violations == []


def test_conversations_list_pages_with_the_cursor(emu: SlackEmulator, client: WebClient) -> None:
    for number in range(5):
        emu.add_channel(f"C0PAGE{number}", name=f"page-{number}")
    first = client.conversations_list(limit=3)
    assert len(first["channels"]) == 3
    assert first["response_metadata"]["next_cursor"]
    names = [c["name"] for c in _listed(client, limit=3)]
    assert len(names) == len(set(names))
    assert {f"page-{n}" for n in range(5)} <= set(names)
    # As on Slack, a page holds at most 1000.
    assert len(client.conversations_list(limit=5000)["channels"]) == len(names)


def test_conversations_invite_fails_whole_unless_forced(client: WebClient) -> None:
    channel = client.conversations_create(name="invite-force")["channel"]["id"]
    client.conversations_invite(channel=channel, users=[AUTHOR])
    with pytest.raises(SlackApiError) as refused:
        client.conversations_invite(channel=channel, users=[AUTHOR, APPROVER, "U0NOBODY"])
    assert refused.value.response["error"] == "already_in_channel"
    assert [e["user"] for e in refused.value.response["errors"]] == [AUTHOR, "U0NOBODY"]
    members = client.conversations_members(channel=channel)["members"]
    assert APPROVER not in members  # nothing invited when one failed
    answer = client.conversations_invite(
        channel=channel, users=[AUTHOR, APPROVER, "U0NOBODY"], force=True
    )
    assert [e["error"] for e in answer["errors"]] == ["already_in_channel", "user_not_found"]
    assert APPROVER in client.conversations_members(channel=channel)["members"]


def test_join_unarchive_and_archived_channels(emu: SlackEmulator, client: WebClient) -> None:
    assert "UBOTSOCIAL" not in client.conversations_members(channel="C0LOUNGE")["members"]
    assert client.conversations_join(channel="C0LOUNGE")["channel"]["is_member"] is True
    assert client.conversations_join(channel="C0LOUNGE")["warning"] == "already_in_channel"
    emu.add_channel("C0OLD", name="old-room", is_archived=True)
    assert _error_of(client.chat_postMessage, channel="C0OLD", text="hi") == "is_archived"
    assert _error_of(client.conversations_join, channel="C0OLD") == "is_archived"
    client.conversations_unarchive(channel="C0OLD")
    assert _error_of(client.conversations_unarchive, channel="C0OLD") == "not_archived"
    assert client.chat_postMessage(channel="C0OLD", text="back")["ok"] is True


def test_a_refused_method_stays_refused_until_allowed(
    emu: SlackEmulator, client: WebClient
) -> None:
    emu.refuse("conversations.create", "restricted_action")
    for _ in range(3):
        assert _error_of(client.conversations_create, name="nope") == "restricted_action"
    emu.allow("conversations.create")
    assert client.conversations_create(name="nope")["ok"] is True
    emu.refuse("conversations.create")
    emu.reset()  # a new test starts with a workspace that allows everything
    assert client.conversations_create(name="nope-2")["ok"] is True


def test_message_metadata_is_kept_and_shown_in_history_on_request(client: WebClient) -> None:
    metadata = {"event_type": "socialops_crisis", "event_payload": {"post_id": 7}}
    posted = client.chat_postMessage(channel=SOCIAL, text="briefing", metadata=metadata)
    client.chat_update(channel=SOCIAL, ts=posted["ts"], text="briefing v2")
    [shown] = client.conversations_history(channel=SOCIAL, include_all_metadata=True)["messages"]
    assert (shown["text"], shown["metadata"]) == ("briefing v2", metadata)
    [plain] = client.conversations_history(channel=SOCIAL)["messages"]
    assert "metadata" not in plain
