"""The crisis clock: makes war rooms, posts what crisis mode owes Slack, and keeps it redrawn.

Owe, record, then deliver. A decision (start, end, a role, a spike) owes its messages as
``CrisisPost`` rows in its own transaction; this job works them off every minute, and a listener
calls ``deliver_soon`` right after its commit so the war room does not wait for the tick.

Each tick, in order:

1. a running crisis whose ``next_update_at`` came owes its status update (once, however many
   clocks look: bot/workflows/crisis/delivery.py);
2. a crisis without a war room gets one: ``conversations.create`` (``crisis-YYYY-MM-DD-<id>``);
   a name already taken reuses that channel (joined, unarchived if need be); a workspace that
   will not let the bot create channels gets the escalation channel instead (the approvals
   channel when there is none), with a note the briefing shows;
3. the admins, approvers, crisis approvers and role holders are invited (members skipped);
4. every owed post is posted under a lease, composed from a fresh read, with its id in the
   message's metadata. A retry after an attempt that may have reached Slack first looks for that
   metadata in the channel's history and adopts what it finds instead of posting again;
5. a posted message whose post's ``version`` grew is redrawn with ``chat.update``.

Errors no retry mends (the channel is gone or archived, the bot is not in it after trying to
join) give the post up, log it, and tell the admins once. Anything else is retried next tick,
for a day.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from sqlmodel import Session

from bot.core.slack_ids import is_user_group
from bot.services import Services
from bot.slack import approvers
from bot.slack.approval_cards import tell_admins_once
from bot.slack.approval_jobs import repair_cards_and_notices
from bot.slack.crisis_content import compose
from bot.slack.crisis_message import CrisisMessage
from bot.slack.notices import deliver_notices
from bot.store.db import session_scope
from bot.store.models import Crisis, CrisisPost
from bot.workflows import notices
from bot.workflows.crisis import delivery
from bot.workflows.crisis.kinds import CrisisKind, PostKind

log = logging.getLogger(__name__)

EVENT_TYPE = "socialops_crisis"
# Slack errors after which this post will never go out: given up, admins told once.
PERMANENT_ERRORS = {
    "channel_not_found": "the channel is gone, or private and I am not in it",
    "not_in_channel": "I am not in the channel and could not join it",
    "is_archived": "the channel is archived",
    "restricted_action": "the workspace does not let me post there",
    "message_not_found": "the message was deleted",
    "cant_update_message": "the message is not mine to update",
}
# conversations.create refusals that mean "not allowed", not "not now": use the fallback room.
REFUSED_CREATE = frozenset(
    {
        "restricted_action",
        "missing_scope",
        "not_allowed",
        "not_allowed_token_type",
        "no_permission",
        "access_denied",
        "team_access_not_granted",
        "ekm_access_denied",
        "invalid_name_specials",
        "invalid_name_maxlength",
        "invalid_name_punctuation",
        "invalid_name_required",
    }
)
# Slack errors worth trying again next tick (everything a network error or overload is).
TRANSIENT_ERRORS = frozenset(
    {"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"}
)
# A post not out within a day of its due time is given up: the crisis has moved on by then.
OWED_FOR = timedelta(days=1)
# How far back the crash-window check reads: a war room is busy, but a retry comes a minute
# or two after the attempt.
HISTORY_LOOKBACK = 200
# conversations.invite takes at most 1000 users a call.
INVITE_PAGE = 1000
CHANNEL_NAME_MAX = 80
# Redraws in a row for one message: another is needed only when the crisis changed again during
# the previous chat.update; what is still behind after these waits for the next tick.
MAX_REDRAWS = 5


def run_crisis_clock(services: Services, client: WebClient) -> int:
    """Job: status slots, war rooms, invites, owed posts and redraws; how many messages went
    out (posted or redrawn)."""
    now = services.clock()
    with session_scope(services.sessions) as session:
        updates = delivery.owe_due_updates(
            session=session, now=now, every=services.settings.crisis_update_every
        )
    if updates:
        log.info("crisis: status update owed")
    sent = deliver_owed(services, client, now)
    log.info("crisis: %d message(s) posted or redrawn", sent)
    return sent


def deliver_soon(services: Services, client: WebClient) -> None:
    """Called by a listener after it committed a crisis decision, so the war room does not wait
    for the next clock tick; the clock delivers whatever this does not. Never raises: the
    decision is already made and answered."""
    try:
        deliver_owed(services, client, services.clock())
    except Exception:  # the clock retries; the listener's user already has their answer
        log.exception("crisis: delivering right after a decision failed; the clock will retry")
    try:
        # A start pauses posts and stamps drafts, an end lifts the stamp, a resume un-pauses:
        # their cards are behind now, and a card still saying "Approved" on a paused post is
        # read as good to go. The sweep redraws every card behind its draft (and the notices).
        repair_cards_and_notices(services, client)
    except Exception:
        log.exception("crisis: redrawing cards after a decision failed; the clock will retry")


def deliver_owed(services: Services, client: WebClient, now: datetime) -> int:
    """Rooms, invites, posts and redraws owed now; how many messages went out."""
    with session_scope(services.sessions) as session:
        rooms = delivery.rooms_owed(session=session, now=now)
    for crisis_id in rooms:
        _make_room(services, client, crisis_id, now)
    with session_scope(services.sessions) as session:
        invites = delivery.invites_owed(session=session, now=now)
    for crisis_id in invites:
        _invite(services, client, crisis_id, now)
    with session_scope(services.sessions) as session:
        owed = delivery.owed_posts(session=session, now=now)
    return sum(_work_off(services, client, post_id, now) for post_id in owed)


# -- war rooms ------------------------------------------------------------------------------------


def room_name(crisis: Crisis) -> str:
    """``crisis-2026-12-01-7`` (or ``drill-…``): what conversations.create accepts."""
    prefix = "drill" if crisis.kind == CrisisKind.DRILL else "crisis"
    return f"{prefix}-{crisis.started_at:%Y-%m-%d}-{crisis.id}".lower()[:CHANNEL_NAME_MAX]


def _make_room(services: Services, client: WebClient, crisis_id: int, now: datetime) -> None:
    with session_scope(services.sessions) as session:
        crisis = delivery.take_room_lease(session=session, crisis_id=crisis_id, now=now)
    if crisis is None:
        return
    name = room_name(crisis)
    try:
        channel, note = _create_or_reuse(client, name)
    except _Refused as refused:
        _fall_back(services, client, crisis, refused.code, now)
        return
    except (SlackApiError, SlackClientError, OSError) as error:
        log.warning("crisis %s: war room %s not made yet: %s", crisis_id, name, _describe(error))
        with session_scope(services.sessions) as session:
            delivery.release_room(session=session, crisis_id=crisis_id)
        return
    with session_scope(services.sessions) as session:
        delivery.record_room(
            session=session, crisis_id=crisis_id, channel_id=channel, now=now, note=note
        )
    log.info("crisis %s: war room <#%s> (%s)", crisis_id, channel, name)


class _Refused(Exception):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def _create_or_reuse(client: WebClient, name: str) -> tuple[str, str | None]:
    """The war room's channel id, and a note when it is a channel that already existed."""
    try:
        answer = client.conversations_create(name=name)
        return str(answer["channel"]["id"]), None
    except SlackApiError as error:
        code = str(error.response.get("error"))
        if code in REFUSED_CREATE:
            raise _Refused(code) from None
        if code != "name_taken":
            raise
    # Another clock made it between our lease and now (impossible under the lease, but a
    # channel made by hand, or by a crashed attempt, has this name too): reuse it.
    found = _find_channel(client, name)
    if found is None:  # private, and the bot is not in it: it cannot be the war room
        raise _Refused("name_taken")
    channel_id = str(found["id"])
    if found.get("is_archived"):
        client.conversations_unarchive(channel=channel_id)
    if not found.get("is_member"):
        client.conversations_join(channel=channel_id)
    return channel_id, None


def _find_channel(client: WebClient, name: str) -> dict[str, Any] | None:
    cursor = ""
    while True:
        answer = client.conversations_list(
            types="public_channel,private_channel", limit=1000, cursor=cursor or None
        )
        for channel in answer.get("channels") or []:
            if channel.get("name") == name:
                return dict(channel)
        cursor = str((answer.get("response_metadata") or {}).get("next_cursor") or "")
        if not cursor:
            return None


def _fall_back(
    services: Services, client: WebClient, crisis: Crisis, code: str, now: datetime
) -> None:
    """The bot may not make the war room: the escalation channel (else approvals) serves."""
    assert crisis.id is not None
    settings = services.settings
    channel = settings.escalation_channel or settings.approvals_channel
    if channel is None:
        log.error(
            "crisis %s: no war room (Slack said %s) and no escalation or approvals channel",
            crisis.id,
            code,
        )
        with session_scope(services.sessions) as session:
            delivery.release_room(session=session, crisis_id=crisis.id)
        tell_admins_once(
            client,
            services,
            f"crisis-no-room:{crisis.id}",
            f"Crisis #{crisis.id} has no war room: Slack refused to create one ({code}) and "
            "neither SOCIALOPS_ESCALATION_CHANNEL nor SOCIALOPS_APPROVALS_CHANNEL is set.",
        )
        return
    why = (
        "Slack refused to let me create a channel"
        if code != "name_taken"
        else ("a private channel I cannot see has the war room's name")
    )
    note = f"{why} ({code}), so <#{channel}> is this crisis's war room."
    with session_scope(services.sessions) as session:
        delivery.record_room(
            session=session,
            crisis_id=crisis.id,
            channel_id=channel,
            now=now,
            fallback=True,
            note=note,
        )
    log.warning("crisis %s: war room falls back to %s (Slack said %s)", crisis.id, channel, code)


def _invite(services: Services, client: WebClient, crisis_id: int, now: datetime) -> None:
    with session_scope(services.sessions) as session:
        crisis = delivery.take_invite_lease(session=session, crisis_id=crisis_id, now=now)
        holders = delivery.role_holders(session=session, crisis_id=crisis_id)
    if crisis is None or crisis.war_room_channel is None:
        return
    settings = services.settings
    channel = crisis.war_room_channel
    try:
        wanted = approvers.expand(
            [*settings.admins, *settings.approvers, *settings.crisis_approvers, *holders],
            client,
            services.groups,
            now=now,
        )
        missing = sorted(wanted - _members(client, channel))
        for start in range(0, len(missing), INVITE_PAGE):
            _invite_page(client, channel, missing[start : start + INVITE_PAGE], crisis_id)
    except (SlackApiError, SlackClientError, OSError) as error:
        log.warning(
            "crisis %s: invites to %s not sent yet: %s", crisis_id, channel, _describe(error)
        )
        with session_scope(services.sessions) as session:
            delivery.release_invites(session=session, crisis_id=crisis_id)
        return
    with session_scope(services.sessions) as session:
        delivery.mark_invited(session=session, crisis_id=crisis_id, now=now)
    log.info("crisis %s: %d invited to %s", crisis_id, len(missing), channel)


def _members(client: WebClient, channel: str) -> set[str]:
    members: set[str] = set()
    cursor = ""
    while True:
        answer = client.conversations_members(channel=channel, limit=1000, cursor=cursor or None)
        members.update(str(member) for member in answer.get("members") or [])
        cursor = str((answer.get("response_metadata") or {}).get("next_cursor") or "")
        if not cursor:
            return members


def _invite_page(client: WebClient, channel: str, users: list[str], crisis_id: int) -> None:
    """Invite ``users``; with ``force`` Slack invites the valid ones and lists the others, who
    are logged (deactivated, external): nobody is worth holding up the room for."""
    if not users:
        return
    try:
        answer = client.conversations_invite(channel=channel, users=users, force=True)
        failed = answer.get("errors") or []
    except SlackApiError as error:
        code = str(error.response.get("error"))
        if code in TRANSIENT_ERRORS or code in ("not_in_channel", "channel_not_found"):
            raise
        failed = error.response.get("errors") or [{"error": code}]
    for problem in failed:
        if problem.get("error") != "already_in_channel":
            log.warning(
                "crisis %s: %s not invited to %s: %s",
                crisis_id,
                problem.get("user", "someone"),
                channel,
                problem.get("error"),
            )


# -- posts ----------------------------------------------------------------------------------------


def _work_off(services: Services, client: WebClient, post_id: int, now: datetime) -> int:
    """Post ``post_id`` if owed, else redraw it if behind; 1 when a message went out."""
    with session_scope(services.sessions) as session:
        post = delivery.take_post_lease(session=session, post_id=post_id, now=now)
        channel = _channel_of(session, post) if post is not None else None
    if post is not None:
        if channel is None:  # the room went away between the query and the lease
            _failed(services, post, "no war room yet")
            return 0
        return 1 if _post(services, client, post, channel, now) else 0
    with session_scope(services.sessions) as session:
        post = delivery.take_redraw_lease(session=session, post_id=post_id, now=now)
    if post is None:
        return 0
    return 1 if _redraw(services, client, post, now) else 0


def _channel_of(session: Session, post: CrisisPost) -> str | None:
    if post.channel_id is not None:
        return post.channel_id
    crisis = session.get(Crisis, post.crisis_id) if post.crisis_id is not None else None
    return crisis.war_room_channel if crisis is not None else None


def _compose(services: Services, post: CrisisPost, now: datetime) -> tuple[CrisisMessage, int]:
    """The message from a fresh read, and the post's version it shows."""
    assert post.id is not None
    with session_scope(services.sessions) as session:
        fresh = session.get(CrisisPost, post.id)
        assert fresh is not None
        return compose(services, session, fresh, now), fresh.version


def _post(
    services: Services, client: WebClient, post: CrisisPost, channel: str, now: datetime
) -> bool:
    """Post it (or adopt the one an interrupted attempt posted); True when it is in."""
    assert post.id is not None
    if now - post.due_at > OWED_FOR:
        _give_up(
            services, client, post, channel, f"not posted within {OWED_FOR}: {post.last_error}"
        )
        return False
    try:
        found = _posted_before(client, post, channel) if post.attempts > 1 else None
        if found is not None:
            ts, version = found, 0  # shown version unknown: drawn_version 0 redraws it once
        else:
            message, version = _compose(services, post, now)
            ts = _send_new(client, channel, post.id, message)
    except SlackApiError as error:
        code = str(error.response.get("error"))
        if code in PERMANENT_ERRORS:
            _give_up(services, client, post, channel, f"Slack said {code}")
        else:
            _failed(services, post, f"Slack said {code}")
        return False
    except (SlackClientError, OSError) as error:  # timeouts, refused connections
        _failed(services, post, f"{type(error).__name__}: {error}")
        return False
    except Exception as error:  # composing: a template, a figure, a composer not written yet
        log.warning("crisis post %s (%s) could not be composed: %r", post.id, post.kind, error)
        _failed(services, post, f"composing failed: {error!r}")
        return False
    try:
        warn = _no_statement_warning(services, client, post, now)
    except Exception:  # the post is in Slack: record it whatever the warning's trouble
        log.exception("crisis post %s: the missing-template warning could not be made", post.id)
        warn = ([], "")
    with session_scope(services.sessions) as session:
        first = delivery.mark_posted(
            session=session,
            post_id=post.id,
            now=now,
            channel_id=channel,
            message_ts=ts,
            drawn_version=version,
        )
        queued = [
            notices.add_notice(session=session, recipient_id=admin, text=warn[1], now=now).id
            for admin in warn[0]
            if first
        ]
    log.info("crisis post %s (%s) posted in %s", post.id, post.kind, channel)
    deliver_notices(client, services, [notice for notice in queued if notice is not None])
    return True


def _no_statement_warning(
    services: Services, client: WebClient, post: CrisisPost, now: datetime
) -> tuple[list[str], str]:
    """Admins to DM, and what, when a briefing goes out with no holding statement: no reply
    will be suggested while the crisis lasts, and someone should add a ``crisis: true``
    template. Queued with the post's record, so it goes once per crisis."""
    if post.kind != PostKind.BRIEFING:
        return [], ""
    with session_scope(services.sessions) as session:
        templates = services.knowledge.get(session).templates
    if any(template.crisis for template in templates):
        return [], ""
    text = (
        f"Crisis #{post.crisis_id} has no holding statement: no response template is marked "
        "`crisis: true`, so I will suggest no replies while it lasts. Add one to the "
        "responses folder."
    )
    return _admins(services, client, now), text


def _admins(services: Services, client: WebClient, now: datetime) -> list[str]:
    """The admins as user ids (groups expanded); the plain ids when Slack cannot be asked."""
    try:
        return sorted(approvers.expand(services.settings.admins, client, services.groups, now=now))
    except (SlackClientError, OSError) as error:
        log.warning("admins' groups not expanded (%s); telling the listed users", error)
        return sorted(entry for entry in services.settings.admins if not is_user_group(entry))


def _send_new(client: WebClient, channel: str, post_id: int, message: CrisisMessage) -> str:
    """chat.postMessage; a bot not in a public channel (a fallback room) joins and tries once
    more."""
    metadata = {"event_type": EVENT_TYPE, "event_payload": {"post_id": post_id}}
    for joined in (False, True):
        try:
            answer = client.chat_postMessage(
                channel=channel, text=message.text, blocks=message.blocks, metadata=metadata
            )
            return str(answer["ts"])
        except SlackApiError as error:
            if joined or error.response.get("error") != "not_in_channel":
                raise
            client.conversations_join(channel=channel)
    raise AssertionError("unreachable")


def _posted_before(client: WebClient, post: CrisisPost, channel: str) -> str | None:
    """The ts of this post's message if an earlier attempt did post it, found by its metadata."""
    try:
        answer = client.conversations_history(
            channel=channel, include_all_metadata=True, limit=HISTORY_LOOKBACK
        )
    except SlackApiError as error:
        if error.response.get("error") == "not_in_channel":
            return None  # then no earlier attempt posted there either
        raise
    for message in answer.get("messages") or []:
        metadata: dict[str, Any] = message.get("metadata") or {}
        payload = metadata.get("event_payload") or {}
        if metadata.get("event_type") == EVENT_TYPE and payload.get("post_id") == post.id:
            log.info("crisis post %s was posted by an earlier attempt; adopted", post.id)
            return str(message["ts"])
    return None


def _redraw(services: Services, client: WebClient, post: CrisisPost, now: datetime) -> bool:
    """chat.update the posted message until it shows the post's newest version."""
    assert post.id is not None
    assert post.channel_id is not None
    assert post.message_ts is not None
    drawn = False
    try:
        for _ in range(MAX_REDRAWS):
            message, version = _compose(services, post, now)
            client.chat_update(
                channel=post.channel_id,
                ts=post.message_ts,
                text=message.text,
                blocks=message.blocks,
            )
            drawn = True
            with session_scope(services.sessions) as session:
                current = delivery.mark_drawn(
                    session=session, post_id=post.id, drawn_version=version
                )
            if current is None or current <= version:
                break
    except SlackApiError as error:
        code = str(error.response.get("error"))
        if code in PERMANENT_ERRORS:
            _give_up(services, client, post, post.channel_id, f"redraw: Slack said {code}")
        else:
            _failed(services, post, f"redraw: Slack said {code}")
        return drawn
    except Exception as error:
        log.warning("crisis post %s (%s) not redrawn: %r", post.id, post.kind, error)
        _failed(services, post, f"redraw failed: {error!r}")
        return drawn
    with session_scope(services.sessions) as session:
        delivery.release_post(session=session, post_id=post.id)
    log.info("crisis post %s (%s) redrawn", post.id, post.kind)
    return drawn


def _failed(services: Services, post: CrisisPost, error: str) -> None:
    """Keep the post owed for the next tick."""
    assert post.id is not None
    log.warning(
        "crisis post %s (%s) not delivered (attempt %d): %s",
        post.id,
        post.kind,
        post.attempts,
        error,
    )
    with session_scope(services.sessions) as session:
        delivery.release_post(session=session, post_id=post.id, error=error)


def _give_up(
    services: Services, client: WebClient, post: CrisisPost, channel: str, reason: str
) -> None:
    """Slack will never take it: stop, log, and tell the admins once (a DM notice each, queued
    in the give-up's own transaction, so a DM that fails is sent by the notice sweep)."""
    assert post.id is not None
    now = services.clock()
    code = reason.rsplit("Slack said ", 1)[-1]
    text = (
        f"I could not post the crisis {post.kind} message in <#{channel}>: "
        f"{PERMANENT_ERRORS.get(code, reason)}. I will not try again; "
        "`/social crisis status` shows the crisis."
    )
    admins = _admins(services, client, now)
    with session_scope(services.sessions) as session:
        first = delivery.give_up(session=session, post_id=post.id, now=now, error=reason)
        queued = [
            notices.add_notice(session=session, recipient_id=admin, text=text, now=now).id
            for admin in sorted(admins)
            if first
        ]
    log.warning("crisis post %s (%s) for %s given up: %s", post.id, post.kind, channel, reason)
    deliver_notices(client, services, [notice for notice in queued if notice is not None])


def _describe(error: BaseException) -> str:
    if isinstance(error, SlackApiError):
        return f"Slack said {error.response.get('error')}"
    return f"{type(error).__name__}: {error}"
