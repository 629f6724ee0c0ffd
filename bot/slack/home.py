"""Publishing a teammate's App Home (``views.publish``): when they open it, and after each action
they take from it (a click in a Home view has no response_url, so its outcome is shown on top of
the refreshed Home instead of an ephemeral note).

``home_sections`` is where the lists come from: the drafts, then the handoffs.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlmodel import Session

from bot.blocks.help import HelpEntry
from bot.blocks.home import HomeSection, build_home_view, draft_sections, handoff_sections
from bot.services import Services
from bot.slack.approvers import approval_policy, crisis_approver_entries
from bot.slack.teams import teams_of
from bot.store.db import session_scope
from bot.workflows.crisis.queries import running
from bot.workflows.drafts import ApprovalPolicy
from bot.workflows.handoffs.queries import Scope, list_handoffs, waiting_for_team
from bot.workflows.home import home_queue

log = logging.getLogger(__name__)


def from_home(body: Mapping[str, Any]) -> bool:
    """Whether an interaction came from a control in the App Home tab."""
    view = body.get("view")
    return isinstance(view, dict) and view.get("type") == "home"


# Rows per handoff list on the Home; the rest is "and N more" with the command that lists them.
HANDOFF_ROWS = 10


def home_sections(
    session: Session,
    services: Services,
    user_id: str,
    policy: ApprovalPolicy,
    teams: Sequence[str] = (),
) -> list[HomeSection]:
    """Every list on ``user_id``'s Home, in order: the drafts, then the handoffs they own and
    those waiting for a claim in ``teams`` (the teams whose channel they are in)."""
    now = services.clock()
    queue = home_queue(session, user_id=user_id, policy=policy)
    mine = list_handoffs(session=session, scope=Scope.MINE, user_id=user_id, limit=HANDOFF_ROWS)
    waiting = {
        team: waiting_for_team(session=session, team=team, limit=HANDOFF_ROWS) for team in teams
    }
    return draft_sections(queue, now=now) + handoff_sections(mine, waiting, now=now)


def publish_home(
    client: WebClient,
    services: Services,
    user_id: str,
    *,
    help_entries: Sequence[HelpEntry],
    notice: str | None = None,
) -> None:
    """Build ``user_id``'s Home from a fresh read and publish it (after an ack: it may ask Slack
    for approver groups)."""
    policy = approval_policy(services.settings, client, services.groups, now=services.clock())
    teams = teams_of(client, services, user_id)
    with session_scope(services.sessions) as session:
        sections = home_sections(session, services, user_id, policy, teams)
        crisis = running(session)
    view = build_home_view(
        sections,
        help_entries,
        notice=notice,
        crisis_kind=crisis.kind if crisis is not None else None,
        crisis_approvers=crisis_approver_entries(services.settings),
    )
    client.views_publish(user_id=user_id, view=view)


def refresh_home(
    client: WebClient,
    services: Services,
    user_id: str,
    *,
    help_entries: Sequence[HelpEntry],
    notice: str | None = None,
) -> None:
    """``publish_home`` after an action taken from the Home: the action is already stored, so a
    failed publish is logged, not raised (the next opening of the tab shows it)."""
    try:
        publish_home(client, services, user_id, help_entries=help_entries, notice=notice)
    except SlackApiError as error:
        log.warning("home of %s not refreshed: %s", user_id, error.response.get("error"))
