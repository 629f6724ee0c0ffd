"""The `/social` subcommand table: names mapped to handlers, help taken from their docstrings.

A handler is a plain function that receives a :class:`SubcommandCall`; like every bolt listener
it must ``ack`` first. The first line of its docstring is the one-line help; an optional
``Usage: /social name <args>`` line gives the syntax shown in ``/social help``.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable
from dataclasses import dataclass

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from bot.blocks.help import HelpEntry
from bot.services import Services


@dataclass(frozen=True)
class SubcommandCall:
    """One `/social <name> <args>` invocation, with what a handler needs to answer it."""

    name: str
    args: str
    user_id: str
    channel_id: str
    team_id: str
    trigger_id: str
    ack: Ack
    respond: Respond
    client: WebClient
    services: Services
    logger: logging.Logger


SubcommandHandler = Callable[[SubcommandCall], None]


@dataclass(frozen=True)
class Subcommand:
    name: str
    handler: SubcommandHandler
    summary: str
    usage: str


class SubcommandRouter:
    """Dispatch table for `/social`; built per app by ``create_app``, never module-level."""

    def __init__(self) -> None:
        self._table: dict[str, Subcommand] = {}

    def add(self, name: str, handler: SubcommandHandler) -> None:
        if name in self._table:
            raise ValueError(f"subcommand {name!r} is registered twice")
        summary, usage = _help_from_docstring(handler, name)
        self._table[name] = Subcommand(name=name, handler=handler, summary=summary, usage=usage)

    def lookup(self, name: str) -> Subcommand | None:
        return self._table.get(name.lower())

    def help_entries(self) -> list[HelpEntry]:
        """One entry per subcommand, alphabetical, for the help builders."""
        return [
            HelpEntry(name=sub.name, usage=sub.usage, summary=sub.summary)
            for sub in sorted(self._table.values(), key=lambda sub: sub.name)
        ]


def _help_from_docstring(handler: SubcommandHandler, name: str) -> tuple[str, str]:
    doc = inspect.getdoc(handler)
    if not doc:
        raise ValueError(f"subcommand {name!r} needs a docstring: its first line is the help text")
    lines = [line.strip() for line in doc.splitlines()]
    usage = next(
        (line.removeprefix("Usage:").strip() for line in lines if line.startswith("Usage:")),
        f"/social {name}",
    )
    return lines[0], usage


def split_subcommand(text: str) -> tuple[str, str]:
    """``"draft  Hello world"`` → ``("draft", "Hello world")``; empty text → ``("", "")``."""
    stripped = text.strip()
    if not stripped:
        return "", ""
    # split(None) so a tab or a newline after the name separates it as a space does.
    parts = stripped.split(None, 1)
    return parts[0].lower(), parts[1].strip() if len(parts) > 1 else ""
