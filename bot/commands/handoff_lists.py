"""`/social handoffs [mine|open|support|sales]`: the handoffs a teammate looks at, with buttons.

Without a scope it answers what a teammate means by "my handoffs": the ones they own, then the
ones nobody has claimed yet (any team), since both are theirs to act on. The buttons are the
packet's (``bot.blocks.handoff_buttons``), handled by the same listeners.
"""

from __future__ import annotations

import re

from bot.blocks.handoff_lists import HandoffList, build_handoff_lists, build_unknown_scope
from bot.commands.router import SubcommandCall, SubcommandRouter
from bot.store.db import session_scope
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
_ARGS = re.compile(r"^(?P<scope>\S+)?(?:\s+before\s+#?(?P<before>\d{1,12}))?$", re.IGNORECASE)


def register(router: SubcommandRouter) -> None:
    router.add("handoffs", _handoffs_command)


def _handoffs_command(call: SubcommandCall) -> None:
    """Handoffs, newest first, with their buttons: yours and the unclaimed ones, or one list.

    Usage: /social handoffs [mine|open|support|sales]
    """
    matched = _ARGS.match(call.args.strip())
    scope_word = (matched.group("scope") or "").lower() if matched else call.args.strip()
    if matched is None or (scope_word and scope_word not in SCOPES):
        call.ack(response_type="ephemeral", text=build_unknown_scope(scope_word, SCOPES))
        return
    call.ack()
    before = int(matched.group("before")) if matched.group("before") else None
    scopes = [Scope(scope_word)] if scope_word else [Scope.MINE, Scope.OPEN]
    services = call.services
    lists = []
    with session_scope(services.sessions) as session:
        for scope in scopes:
            page = list_handoffs(
                session=session,
                scope=scope,
                user_id=call.user_id,
                limit=DEFAULT_ROWS.get(scope, ROWS) if not scope_word else ROWS,
                before=before,
            )
            lists.append(
                HandoffList(
                    title=TITLES[scope],
                    rows=page.rows,
                    total=page.total,
                    empty=EMPTY[scope],
                    next_command=f"/social handoffs {scope.value}",
                )
            )
    call.respond(**build_handoff_lists(lists, now=services.clock()))
