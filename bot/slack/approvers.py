"""Who may approve, as user ids: SOCIALOPS_APPROVERS, SOCIALOPS_RISK_APPROVERS and
SOCIALOPS_CRISIS_APPROVERS (the admins when unset) with their user groups expanded through
``usergroups.users.list``, cached for a few minutes per process.

Group membership changes rarely and a click must stay fast, so members are cached; a failed
lookup keeps the last known members (or none: deny by default) rather than failing the click.

A decision is committed before the click's ack (bot/slack/decisions.py), so it must not wait on
Slack: ``decision_policy`` takes members fetched up to ``DECISION_MAX_AGE`` ago without asking, and
``refresh_approvers`` (after the ack, and when a web process starts) keeps them fresh. Only members
never fetched, or older than that, are fetched before the ack.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.core.expiring_cache import ExpiringCache
from bot.core.slack_ids import is_user_group
from bot.settings import Settings
from bot.workflows.drafts import ApprovalPolicy

log = logging.getLogger(__name__)


# Members of user groups (approvers), per process; a user-group id maps to its member ids.
UserGroupCache = ExpiringCache[frozenset[str]]
# How old members a decision may use without asking Slack first: the cache's own five minutes
# is how soon a change in a group shows; this bounds it while nobody clicks to refresh them.
DECISION_MAX_AGE = timedelta(minutes=30)


def cached_members(
    group_id: str,
    fetch: Callable[[str], Iterable[str]],
    cache: UserGroupCache,
    *,
    now: datetime,
    max_age: timedelta | None = None,
) -> frozenset[str]:
    """The group's (or a channel's) members: cached (younger than ``max_age``, default the cache's
    time), or fetched; on a failed fetch the last known, or none."""
    cached = cache.fresh(group_id, now=now, max_age=max_age)
    if cached is not None:
        return cached
    with cache.refreshing(group_id):
        # Clicks that arrive together all found the group stale; the first fetches, the rest
        # find its answer here instead of each asking Slack again.
        cached = cache.fresh(group_id, now=now, max_age=max_age)
        if cached is not None:
            return cached
        try:
            members = frozenset(fetch(group_id))
        except SlackApiError as error:
            last = cache.last(group_id)
            log.warning(
                "members of %s not fetched (%s); using %s",
                group_id,
                error.response.get("error"),
                "the last known members" if last is not None else "no members",
            )
            return last if last is not None else frozenset()
        cache.store(group_id, members, now=now)
        return members


def expand(
    entries: Iterable[str],
    client: WebClient,
    cache: UserGroupCache,
    *,
    now: datetime,
    max_age: timedelta | None = None,
) -> frozenset[str]:
    """User ids for a list of user ids and user-group ids."""

    def fetch(group_id: str) -> list[str]:
        answer = client.usergroups_users_list(usergroup=group_id)
        users: list[object] = answer.get("users") or []
        return [str(user) for user in users]

    users: set[str] = set()
    for entry in entries:
        if is_user_group(entry):
            users |= cached_members(entry, fetch, cache, now=now, max_age=max_age)
        else:
            users.add(entry)
    return frozenset(users)


def crisis_approver_entries(settings: Settings) -> list[str]:
    """Who gives a crisis's extra approval, as configured (ids or groups): the crisis approvers,
    or the admins standing in when none are set, so a crisis never waits on nobody."""
    return list(settings.crisis_approvers) or list(settings.admins)


def approval_policy(
    settings: Settings,
    client: WebClient,
    cache: UserGroupCache,
    *,
    now: datetime,
    max_age: timedelta | None = None,
) -> ApprovalPolicy:
    return ApprovalPolicy(
        approvers=expand(settings.approvers, client, cache, now=now, max_age=max_age),
        risk_approvers=expand(settings.risk_approvers, client, cache, now=now, max_age=max_age),
        crisis_approvers=expand(
            crisis_approver_entries(settings), client, cache, now=now, max_age=max_age
        ),
    )


def decision_policy(
    settings: Settings, client: WebClient, cache: UserGroupCache, *, now: datetime
) -> ApprovalPolicy:
    """The policy for a decision committed before the ack: cached members, not Slack's answer."""
    return approval_policy(settings, client, cache, now=now, max_age=DECISION_MAX_AGE)


def refresh_approvers(
    settings: Settings, client: WebClient, cache: UserGroupCache, *, now: datetime
) -> None:
    """Fetch the groups whose members are past the cache's time (after an ack; at start-up)."""
    approval_policy(settings, client, cache, now=now)
