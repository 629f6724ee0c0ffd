"""Who may approve, as user ids: SOCIALOPS_APPROVERS and SOCIALOPS_RISK_APPROVERS with their user
groups expanded through ``usergroups.users.list``, cached for a few minutes per process.

Group membership changes rarely and a click must stay fast, so members are cached; a failed
lookup keeps the last known members (or none: deny by default) rather than failing the click.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.settings import Settings
from bot.workflows.drafts import ApprovalPolicy

log = logging.getLogger(__name__)

GROUP_CACHE_TTL = timedelta(minutes=5)


def is_group(entry: str) -> bool:
    return entry.startswith("S")


@dataclass
class UserGroupCache:
    """Members of user groups, per process, each entry good for ``ttl``. Thread-safe."""

    ttl: timedelta = GROUP_CACHE_TTL
    _entries: dict[str, tuple[datetime, frozenset[str]]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def members(
        self, group_id: str, fetch: Callable[[str], Iterable[str]], *, now: datetime
    ) -> frozenset[str]:
        with self._lock:
            cached = self._entries.get(group_id)
        if cached is not None and now - cached[0] < self.ttl:
            return cached[1]
        try:
            members = frozenset(fetch(group_id))
        except SlackApiError as error:
            log.warning(
                "usergroups.users.list %s failed (%s); using %s",
                group_id,
                error.response.get("error"),
                "the last known members" if cached else "no members",
            )
            return cached[1] if cached else frozenset()
        with self._lock:
            self._entries[group_id] = (now, members)
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
        if is_group(entry):
            users |= cache.members(entry, fetch, now=now)
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
