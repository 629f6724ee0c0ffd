"""`/social`: the one slash command; it dispatches to the subcommand table."""

from __future__ import annotations

import logging

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.blocks.help import DISMISS_ACTION_ID, build_help_message
from bot.commands import kit
from bot.commands.context import services_of
from bot.commands.kit import ButtonCall
from bot.commands.router import SubcommandCall, SubcommandRouter, split_subcommand


def register(app: App, router: SubcommandRouter) -> None:
    """Wire `/social` and the subcommands that belong to the router itself."""

    def show_help(call: SubcommandCall) -> None:
        """List every subcommand with what it does.

        Usage: /social help
        """
        call.ack(**build_help_message(router.help_entries()))

    router.add("help", show_help)

    @app.command("/social")
    def handle_social(
        ack: Ack,
        command: dict[str, str],
        respond: Respond,
        client: WebClient,
        context: BoltContext,
        logger: logging.Logger,
    ) -> None:
        name, args = split_subcommand(command.get("text", ""))
        subcommand = router.lookup(name)
        if subcommand is None:
            # An empty or unknown subcommand gets the help, with a word on what went wrong.
            ack(**build_help_message(router.help_entries(), unknown=name))
            return
        subcommand.handler(
            SubcommandCall(
                name=subcommand.name,
                args=args,
                user_id=command.get("user_id", ""),
                channel_id=command.get("channel_id", ""),
                team_id=command.get("team_id", ""),
                trigger_id=command.get("trigger_id", ""),
                ack=ack,
                respond=respond,
                client=client,
                services=services_of(context),
                logger=logger,
            )
        )

    def dismiss_message(call: ButtonCall[str]) -> None:
        call.respond(delete_original=True)

    kit.button(app, DISMISS_ACTION_ID, parse=kit.any_value, handler=dismiss_message)
