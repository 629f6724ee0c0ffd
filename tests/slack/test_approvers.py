"""Approver groups expanded through usergroups.users.list, cached per process."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from slack_sdk import WebClient

from bot.core.expiring_cache import ExpiringCache
from bot.slack.approvers import expand

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


class SlowGroups:
    """A Web API client whose group lookup takes a while and is counted."""

    def __init__(self) -> None:
        self.calls = 0
        self._lock = threading.Lock()

    def usergroups_users_list(self, *, usergroup: str) -> dict[str, Any]:
        with self._lock:
            self.calls += 1
        time.sleep(0.2)
        return {"ok": True, "users": ["U0PRIYA", "U0JONAS"]}


def test_clicks_that_arrive_together_look_a_group_up_once() -> None:
    groups = SlowGroups()
    cache: ExpiringCache[frozenset[str]] = ExpiringCache(ttl=timedelta(minutes=5))
    results: list[frozenset[str]] = []
    start = threading.Barrier(8)

    def click() -> None:
        start.wait()
        results.append(expand(["S0APPROVERS"], cast(WebClient, groups), cache, now=NOW))

    threads = [threading.Thread(target=click) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert groups.calls == 1
    assert results == [frozenset({"U0PRIYA", "U0JONAS"})] * 8


def test_a_stale_group_is_looked_up_again() -> None:
    groups = SlowGroups()
    cache: ExpiringCache[frozenset[str]] = ExpiringCache(ttl=timedelta(minutes=5))
    expand(["S0APPROVERS", "U0LEGAL"], cast(WebClient, groups), cache, now=NOW)
    expand(["S0APPROVERS"], cast(WebClient, groups), cache, now=NOW + timedelta(minutes=4))
    assert groups.calls == 1
    later = expand(["S0APPROVERS"], cast(WebClient, groups), cache, now=NOW + timedelta(minutes=6))
    assert groups.calls == 2
    assert later == frozenset({"U0PRIYA", "U0JONAS"})
