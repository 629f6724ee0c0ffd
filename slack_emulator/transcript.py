"""Render what Slack users would see (messages, ephemerals, views) as plain text.

Used by the demo's transcript and handy in test failure messages. Pure functions over the
payloads the bot sends.
"""

from __future__ import annotations

import html
import re
from typing import Any

_USER_MENTION = re.compile(r"<@([A-Z0-9]+)>")
_CHANNEL_MENTION = re.compile(r"<#([A-Z0-9]+)(?:\|([^>]*))?>")
_LINK = re.compile(r"<(https?://[^|>]+)\|([^>]+)>")


def slack_to_plain(text: str, names: dict[str, str] | None = None) -> str:
    """mrkdwn as a person reads it: mentions as @name, links as their label, entities decoded."""
    names = names or {}
    text = _USER_MENTION.sub(lambda m: "@" + names.get(m.group(1), m.group(1)), text)
    text = _CHANNEL_MENTION.sub(
        lambda m: "#" + (m.group(2) or names.get(m.group(1), m.group(1))), text
    )
    text = _LINK.sub(lambda m: f"{m.group(2)} ({m.group(1)})", text)
    return html.unescape(text)


def _text_of(element: Any) -> str:
    if isinstance(element, dict):
        if "text" in element and isinstance(element["text"], str):
            return element["text"]
        if "text" in element:
            return _text_of(element["text"])
    return ""


def render_blocks(blocks: list[dict[str, Any]], names: dict[str, str] | None = None) -> list[str]:
    """One or more lines per block; buttons as ``[Label]``."""
    lines: list[str] = []
    for block in blocks:
        kind = block.get("type")
        if kind in ("section", "header"):
            text = _text_of(block.get("text"))
            if text:
                lines.extend(slack_to_plain(text, names).splitlines())
            for field in block.get("fields", []):
                lines.append(slack_to_plain(_text_of(field), names))
            accessory = block.get("accessory")
            if isinstance(accessory, dict) and accessory.get("type") == "button":
                lines.append(f"[{_text_of(accessory.get('text'))}]")
        elif kind == "context":
            parts = [slack_to_plain(_text_of(e), names) for e in block.get("elements", [])]
            lines.append(" · ".join(part for part in parts if part))
        elif kind == "actions":
            labels = [f"[{_text_of(e.get('text'))}]" for e in block.get("elements", [])]
            lines.append(" ".join(labels))
        elif kind == "divider":
            lines.append("─" * 20)
        elif kind == "input":
            lines.extend(_input_lines(block))
    return lines


def render_message(payload: dict[str, Any], names: dict[str, str] | None = None) -> list[str]:
    """The lines of a message payload: its blocks when it has them, else its text."""
    blocks = payload.get("blocks")
    if isinstance(blocks, list) and blocks:
        return render_blocks(blocks, names)
    return slack_to_plain(str(payload.get("text", "")), names).splitlines()


def _input_lines(block: dict[str, Any]) -> list[str]:
    """A form field as a person sees it: its label, and what it is prefilled with (a text or a
    chosen option), else a blank."""
    label = _text_of(block.get("label"))
    element = block.get("element") or {}
    initial = element.get("initial_value")
    chosen = element.get("initial_option")
    if isinstance(initial, str) and initial:
        return [f"{label}:", *(f"| {line}" for line in initial.splitlines())]
    if isinstance(chosen, dict):
        return [f"{label}: ({_text_of(chosen.get('text'))})"]
    return [f"{label}: ____"]
