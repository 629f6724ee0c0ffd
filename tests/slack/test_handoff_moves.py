"""After a handoff move: the packet redrawn, the notices delivered, the clicked surface told."""

from __future__ import annotations

from functools import partial

from slack_sdk import WebClient

from bot.services import Services
from bot.slack.client import build_web_client
from bot.slack.handoff_moves import Origin, Surfaces, after_move, commit_move
from bot.slack.handoff_packets import start_and_post
from bot.store.models import Handoff
from bot.workflows.handoffs import decide
from bot.workflows.handoffs.create import HandoffRequest
from bot.workflows.handoffs.decide import Act
from slack_emulator.emulator import SlackEmulator
from slack_emulator.payloads import block_actions, button_action
from tests.harness import bot_settings
from tests.migrated import migrate


def test_the_surface_a_click_came_from_is_refreshed(
    database_url: str, emulator: SlackEmulator
) -> None:
    emulator.add_channel("C0SUPPORT", name="support")
    services = Services.build(bot_settings(emulator, database_url, support_channel="C0SUPPORT"))
    migrate(services.engine)
    client = build_web_client(token=emulator.bot_token, base_url=emulator.api_url)
    request = HandoffRequest(
        team="support",
        route_reason="asked for support",
        requested_by="U0AUTHOR",
        summary="Broken mug",
        customer_text="",
    )
    start_and_post(client, services, request)
    seen: list[tuple[int | None, Origin]] = []

    def refresh(_: WebClient, __: Services, handoff: Handoff, origin: Origin) -> None:
        seen.append((handoff.id, origin))

    surfaces = Surfaces()
    surfaces.add(refresh)
    surfaces.add(refresh)  # once is enough
    body = block_actions(
        actions=[button_action(action_id="handoff_claim", value="1")],
        user_id="U0APPROVER",
        view={"type": "home", "blocks": []},
    )
    work = partial(decide.claim, handoff_id=1, actor_id="U0APPROVER")
    move = commit_move(services, work, act=Act.CLAIM, actor="U0APPROVER")
    after_move(client, services, move, Origin.of_click(body), surfaces)
    [(handoff_id, origin)] = seen
    assert handoff_id == 1
    assert origin.view_type == "home"
    assert origin.user_id == "U0APPROVER"
    assert origin.view_id == body["view"]["id"]
    services.close()
