"""`/social digest`: subscribe a channel to the daily digest, unsubscribe it, list them, turn the
Monday summary on or off, and today's digest now, privately.

Words are checked before the ack (pure parsing, no network): a bad time, zone or channel is the
ack's own ephemeral line. ``subscribe`` then acks and asks Slack what it needs (the channel's id
when it was typed as ``#name``, the subscriber's time zone when none was given, and whether the
bot is in the channel, so it never promises a digest it cannot post) before storing anything.
The others only read or write the store, which is committed before the ack carries the answer;
unless a channel was typed by name: then it is looked up after the ack, and the answer follows.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from zoneinfo import ZoneInfo

from slack_sdk.errors import SlackApiError

from bot.blocks.digest_subscriptions import (
    build_subscription_list,
    channel_check_failed_text,
    channel_lookup_failed_text,
    error_text,
    not_a_channel_text,
    not_in_channel_text,
    subscribed_text,
    unsubscribed_text,
    usage_text,
    weekly_text,
    weekly_usage_text,
)
from bot.commands.context import run_workflow
from bot.commands.respond import tell
from bot.commands.router import SubcommandCall, SubcommandRouter, split_subcommand
from bot.slack import digest_content
from bot.slack.channel_names import channel_id_for
from bot.store.db import session_scope
from bot.workflows.digests.subscriptions import (
    DEFAULT_TIME,
    ChannelWord,
    NotSubscribed,
    SubscriptionError,
    UnknownChannel,
    UnknownZone,
    check_zone,
    list_subscriptions,
    next_due,
    parse_channel_only,
    parse_subscribe_args,
    set_weekly,
    subscribe,
    unsubscribe,
)

Verb = Callable[[SubcommandCall, str], None]


def register(router: SubcommandRouter) -> None:
    router.add("digest", digest_command)


def digest_command(call: SubcommandCall) -> None:
    """Daily digests: subscribe a channel (time, zone), unsubscribe, list, weekly, or one now.

    Usage: /social digest subscribe [#channel] [HH:MM] [timezone] | unsubscribe [#channel] | list | now | weekly on|off
    """
    verb, rest = split_subcommand(call.args)
    handler = VERBS.get(verb)
    if handler is None:
        call.ack(response_type="ephemeral", text=usage_text(verb))
        return
    try:
        handler(call, rest)
    except SubscriptionError as refused:
        # Raised before any ack: the refusal is the ack's answer, and nothing was stored.
        call.ack(response_type="ephemeral", text=error_text(refused))


def _subscribe(call: SubcommandCall, rest: str) -> None:
    args = parse_subscribe_args(rest)
    call.ack()
    word = ChannelWord(id=args.channel_id, name=args.channel_name)
    channel_id = _channel_of(call, word if word.id or word.name else None)
    if channel_id is None:
        return
    problem = _channel_problem(call, channel_id)
    if problem is not None:
        tell(call.respond, problem)
        return
    zone = args.timezone or _zone_of(call)
    local_time = args.local_time or DEFAULT_TIME
    done = run_workflow(
        call.services,
        partial(
            subscribe,
            channel_id=channel_id,
            local_time=local_time,
            timezone=zone,
            actor_id=call.user_id,
        ),
    )
    row = done.subscription
    due = next_due(local_time=row.local_time, timezone=row.timezone, now=call.services.clock())
    tell(call.respond, subscribed_text(row, next_due=due, created=done.created))


def _unsubscribe(call: SubcommandCall, rest: str) -> None:
    def act(channel_id: str) -> str:
        ended = run_workflow(
            call.services, partial(unsubscribe, channel_id=channel_id, actor_id=call.user_id)
        )
        if not ended:
            raise NotSubscribed(channel_id)
        return unsubscribed_text(channel_id)

    _answer(call, parse_channel_only(rest), act)


def _list(call: SubcommandCall, rest: str) -> None:
    if rest.strip():
        call.ack(response_type="ephemeral", text=usage_text())
        return
    with session_scope(call.services.sessions) as session:
        subscriptions = list_subscriptions(session=session)
    call.ack(**build_subscription_list(subscriptions))


def _weekly(call: SubcommandCall, rest: str) -> None:
    switch, channel_words = split_subcommand(rest)
    if switch not in ("on", "off"):
        call.ack(response_type="ephemeral", text=weekly_usage_text())
        return

    def act(channel_id: str) -> str:
        row = run_workflow(
            call.services,
            partial(
                set_weekly, channel_id=channel_id, weekly=switch == "on", actor_id=call.user_id
            ),
        )
        return weekly_text(row)

    _answer(call, parse_channel_only(channel_words), act)


def _now(call: SubcommandCall, rest: str) -> None:
    if rest.strip():
        call.ack(response_type="ephemeral", text=usage_text())
        return
    call.ack()
    zone = ZoneInfo(_zone_of(call))
    now = call.services.clock()
    message = digest_content.compose_digest(call.services, kind="daily", end=now, now=now, tz=zone)
    call.respond(
        response_type="ephemeral",
        replace_original=False,
        text=message.text,
        blocks=message.blocks,
    )


VERBS: dict[str, Verb] = {
    "subscribe": _subscribe,
    "unsubscribe": _unsubscribe,
    "list": _list,
    "weekly": _weekly,
    "now": _now,
}


def _answer(call: SubcommandCall, word: ChannelWord | None, act: Callable[[str], str]) -> None:
    """Carry out ``act`` on the channel ``word`` names (this channel for none) and answer with
    its text. A picked channel or this one is all in the store, so the ack carries the answer (a
    refusal raised here is the caller's ack too); a typed name is looked up in Slack first, so
    after the ack, and the answer follows through the response_url.
    """
    if word is None or word.name is None:
        here = word.id if word is not None and word.id else call.channel_id
        call.ack(response_type="ephemeral", text=act(here))
        return
    call.ack()
    named = _channel_of(call, word)
    if named is None:
        return
    try:
        text = act(named)
    except SubscriptionError as refused:
        text = error_text(refused)
    tell(call.respond, text)


def _channel_of(call: SubcommandCall, word: ChannelWord | None) -> str | None:
    """The id of the channel ``word`` names (this channel for none). Only after the ack: a typed
    ``#name`` is looked up in Slack. None when it names no channel the bot can see, or the
    lookup failed; the person has been told which.
    """
    if word is None:
        return call.channel_id
    if word.id is not None or word.name is None:
        return word.id
    try:
        found = channel_id_for(
            word.name, call.client, call.services.channel_names, now=call.services.clock()
        )
    except SlackApiError as failed:
        error = str(failed.response.get("error") or "")
        call.logger.warning("conversations.list for #%s failed: %s", word.name, error)
        tell(call.respond, channel_lookup_failed_text(word.name, error or "no answer"))
        return None
    if found is None:
        tell(call.respond, error_text(UnknownChannel(word.name)))
    return found


def _zone_of(call: SubcommandCall) -> str:
    """The person's Slack time zone (users.info), else the team's (SOCIALOPS_TIMEZONE)."""
    fallback = call.services.settings.timezone
    try:
        user = call.client.users_info(user=call.user_id).get("user") or {}
    except SlackApiError as failed:
        call.logger.warning(
            "users.info for %s failed (%s); using %s", call.user_id, failed, fallback
        )
        return fallback
    try:
        return check_zone(str(user.get("tz") or ""))
    except UnknownZone:
        return fallback


def _channel_problem(call: SubcommandCall, channel_id: str) -> str | None:
    """Why the bot could not post a digest in ``channel_id``, or None when it can."""
    try:
        channel = call.client.conversations_info(channel=channel_id).get("channel") or {}
    except SlackApiError as failed:
        error = str(failed.response.get("error") or "")
        if error == "channel_not_found":
            # A private channel the bot is not in is invisible to it, as is a mistyped id.
            return not_in_channel_text(channel_id)
        call.logger.warning("conversations.info for %s failed: %s", channel_id, error)
        return channel_check_failed_text(channel_id, error or "no answer")
    if channel.get("is_im"):
        return not_a_channel_text()
    if channel.get("is_member") is not True:
        return not_in_channel_text(channel_id)
    return None
