"""`/social handoffs [mine|open|support|sales]`: the handoffs a teammate looks at, with buttons.

Without a scope it answers what a teammate means by "my handoffs": the ones they own, then the
ones nobody has claimed yet (any team), since both are theirs to act on. The buttons are the
packet's (``bot.blocks.handoff_buttons``), handled by the same listeners; after a move made from
a list, that list is drawn again (through the click's response_url: it is ephemeral).
"""

from __future__ import annotations

import re
from typing import Any

from slack_sdk import WebClient
from slack_sdk.webhook import WebhookClient

from bot.blocks.handoff_lists import (
    HandoffList,
    build_handoff_lists,
    build_unknown_scope,
    list_key_of,
)
from bot.commands.router import SubcommandCall, SubcommandRouter
from bot.services import Services
from bot.slack.handoff_moves import Origin, Surfaces
from bot.store.db import session_scope
from bot.store.models import Handoff
from bot.workflows.handoffs.queries import SCOPES, Scope, list_handoffs

ROWS = 20  # one scope: 20 rows of 2 blocks, a title and a "more" line (Slack takes 50)
DEFAULT_ROWS = {Scope.MINE: 10, Scope.OPEN: 12}  # both lists in one message
TITLES = {
    Scope.MINE: "Claimed by you",
    Scope.OPEN: "Waiting for a claim",
    Scope.SUPPORT: "Support's live handoffs",
    Scope.SALES: "Sales' live handoffs",
}
EMPTY = {
    Scope.MINE: "none. Claim one from a packet or from the list below.",
    Scope.OPEN: "none; every handoff has an owner.",
    Scope.SUPPORT: "none open or claimed.",
    Scope.SALES: "none open or claimed.",
}
_ARGS = re.compile(r"^(?P<scope>[a-z]+)?(?:\s*before\s+#?(?P<before>\d{1,12}))?$", re.IGNORECASE)


class UnknownScope(ValueError):
    pass


def register(router: SubcommandRouter, surfaces: Surfaces) -> None:
    router.add("handoffs", _handoffs_command)
    surfaces.add(_refresh_list)


def _handoffs_command(call: SubcommandCall) -> None:
    """Handoffs, newest first, with their buttons: yours and the unclaimed ones, or one list.

    Usage: /social handoffs [mine|open|support|sales]
    """
    try:
        scope, before = _parse(call.args)
    except UnknownScope as unknown:
        call.ack(response_type="ephemeral", text=build_unknown_scope(str(unknown), SCOPES))
        return
    call.ack()
    call.respond(**lists_message(call.services, call.user_id, scope, before))


def _parse(args: str) -> tuple[Scope | None, int | None]:
    """``"support before 12"`` → (SUPPORT, 12); ``""`` → (None, None): mine and open."""
    words = " ".join(args.split())
    matched = _ARGS.match(words)
    scope_word = (matched.group("scope") or "").lower() if matched else words
    if matched is None or (scope_word and scope_word not in SCOPES):
        raise UnknownScope(scope_word or words)
    before = int(matched.group("before")) if matched.group("before") else None
    return (Scope(scope_word) if scope_word else None), before


def lists_message(
    services: Services, user_id: str, scope: Scope | None, before: int | None
) -> dict[str, Any]:
    scopes = [scope] if scope is not None else [Scope.MINE, Scope.OPEN]
    lists = []
    with session_scope(services.sessions) as session:
        for each in scopes:
            page = list_handoffs(
                session=session,
                scope=each,
                user_id=user_id,
                limit=ROWS if scope is not None else DEFAULT_ROWS[each],
                before=before,
            )
            lists.append(
                HandoffList(
                    title=TITLES[each],
                    rows=page.rows,
                    total=page.total,
                    empty=EMPTY[each],
                    next_command=f"/social handoffs {each.value}",
                )
            )
    key = f"{scope.value if scope else ''}:{before or ''}"
    return build_handoff_lists(lists, now=services.clock(), list_key=key)


def _refresh_list(client: WebClient, services: Services, handoff: Handoff, origin: Origin) -> None:
    """After a move made from a list, the same list again, as it is now, for whoever clicked."""
    key = list_key_of(origin.block_id)
    if key is None or not origin.response_url:
        return
    scope_word, _, before = key.partition(":")
    scope = Scope(scope_word) if scope_word in SCOPES else None
    message = lists_message(
        services, origin.user_id, scope, int(before) if before.isdigit() else None
    )
    WebhookClient(origin.response_url).send(replace_original=True, **message)
