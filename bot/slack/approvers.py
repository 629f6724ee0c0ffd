"""Who may approve, as user ids: SOCIALOPS_APPROVERS and SOCIALOPS_RISK_APPROVERS with their user
groups expanded through ``usergroups.users.list``, cached for a few minutes per process.

Group membership changes rarely and a click must stay fast, so members are cached; a failed
lookup keeps the last known members (or none: deny by default) rather than failing the click.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import datetime

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.core.expiring_cache import ExpiringCache
from bot.core.slack_ids import is_user_group
from bot.settings import Settings
from bot.workflows.drafts import ApprovalPolicy

log = logging.getLogger(__name__)


# Members of user groups (approvers), per process; a user-group id maps to its member ids.
UserGroupCache = ExpiringCache[frozenset[str]]


def _members(
    group_id: str, fetch: Callable[[str], Iterable[str]], cache: UserGroupCache, *, now: datetime
) -> frozenset[str]:
    """The group's members: cached, or fetched; on a failed fetch the last known, or none."""
    cached = cache.fresh(group_id, now=now)
    if cached is not None:
        return cached
    with cache.refreshing(group_id):
        # Clicks that arrive together all found the group stale; the first fetches, the rest
        # find its answer here instead of each asking Slack again.
        cached = cache.fresh(group_id, now=now)
        if cached is not None:
            return cached
        try:
            members = frozenset(fetch(group_id))
        except SlackApiError as error:
            last = cache.last(group_id)
            log.warning(
                "usergroups.users.list %s failed (%s); using %s",
                group_id,
                error.response.get("error"),
                "the last known members" if last is not None else "no members",
            )
            return last if last is not None else frozenset()
        cache.store(group_id, members, now=now)
        return members


def expand(
    entries: Iterable[str], client: WebClient, cache: UserGroupCache, *, now: datetime
) -> frozenset[str]:
    """User ids for a list of user ids and user-group ids."""

    def fetch(group_id: str) -> list[str]:
        answer = client.usergroups_users_list(usergroup=group_id)
        users: list[object] = answer.get("users") or []
        return [str(user) for user in users]

    users: set[str] = set()
    for entry in entries:
        if is_user_group(entry):
            users |= _members(entry, fetch, cache, now=now)
        else:
            users.add(entry)
    return frozenset(users)


def approval_policy(
    settings: Settings, client: WebClient, cache: UserGroupCache, *, now: datetime
) -> ApprovalPolicy:
    return ApprovalPolicy(
        approvers=expand(settings.approvers, client, cache, now=now),
        risk_approvers=expand(settings.risk_approvers, client, cache, now=now),
    )
