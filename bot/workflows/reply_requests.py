"""A reply request as a teammate makes it: the customer's words out of Slack's markup, their
@handle, and the network they wrote on (``on:instagram``)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.core.networks import NETWORK_IDS, NETWORKS

# A customer message longer than this is kept for the record but shown and matched cut.
MAX_CUSTOMER_CHARS = 4_000
_LEADING_HANDLE = re.compile(r"\s*(@[A-Za-z0-9_.]{1,64})\b[:,]?\s*")
_SLACK_LINK = re.compile(r"<((?:https?|mailto):[^|>\s]{1,2000})(?:\|[^>]{0,2000})?>")
# "on:instagram" at the start or the end of what the teammate typed (not inside the customer's
# words, where "on:" could be theirs).
_NETWORK_OPTIONS = (
    re.compile(r"^\s*on:([A-Za-z]{1,20})(?:\s+|$)"),
    re.compile(r"(?:^|\s+)on:([A-Za-z]{1,20})\s*$"),
)
_REQUEST = re.compile(
    r"^\s*(?:please\s+)?(?:draft|write|suggest)\s+(?:me\s+)?(?:a\s+|an\s+)?"
    r"(?:reply|response|answer)(?:\s+(?:to|for))?\s*(?::|-|\u2013)?\s*",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class CustomerMessage:
    text: str
    handle: str | None = None  # "@dana_outdoors" when the message starts with one

    @classmethod
    def parse(cls, text: str, *, brand_handles: Sequence[str] = ()) -> CustomerMessage:
        """The message and its author's @handle, read from the start.

        A customer often starts by tagging the brand (``@northwind hi …``): the brand's own
        handles (any case, with or without ``@``) are skipped, so the brand never greets itself.
        """
        text = text.strip()[:MAX_CUSTOMER_CHARS]
        own = {h.lower().lstrip("@") for h in brand_handles}
        position = 0
        while match := _LEADING_HANDLE.match(text, position):
            handle = match.group(1)
            if handle.lower().lstrip("@") not in own:
                return cls(text=text, handle=handle)
            position = match.end()
        return cls(text=text, handle=None)


def plain_from_slack(text: str) -> str:
    """Slack message markup → what the person typed: links unwrapped, entities decoded.

    Mentions and ``<!channel>`` stay as written; everything is escaped again when shown.
    """
    text = _SLACK_LINK.sub(lambda m: m.group(1).removeprefix("mailto:"), text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def request_text(text: str, *, bot_user_id: str | None) -> str | None:
    """The customer message in "@bot draft a reply to: …"; None when the mention asks nothing."""
    if bot_user_id:
        text = text.replace(f"<@{bot_user_id}>", " ")
    match = _REQUEST.match(text)
    if match is None:
        return None
    return plain_from_slack(text[match.end() :]).strip()


class UnknownNetwork(ValueError):
    """``on:<name>`` named no network; the message lists the ones there are."""


def split_network(text: str) -> tuple[str | None, str]:
    """``on:instagram @dana where is my order?`` → ("instagram", "@dana where is my order?").

    The option may come first or last; without it the network is None (the caller's default).
    """
    match = next((m for p in _NETWORK_OPTIONS if (m := p.search(text))), None)
    if match is None:
        return None, text
    name = match.group(1).lower()
    if name not in NETWORKS:
        raise UnknownNetwork(
            f"`on:{name[:20]}` is not a network I know; use on:{', on:'.join(NETWORK_IDS)}."
        )
    rest = (text[: match.start()] + " " + text[match.end() :]).strip()
    return name, rest
