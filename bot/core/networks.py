"""The social networks socialops drafts for: one registry that the checks, the model's brief, the
settings and the builders all read, so a limit or a name is stated once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Network:
    """How one network counts and shows a post."""

    id: str
    display_name: str
    # Characters per post, counted as the network counts them (see ``link_length``).
    limit: int
    # A link's length whatever its text (X shortens every URL to t.co), or None: counted as typed.
    link_length: int | None = None
    # Hashtags per post the network accepts, or None for no limit.
    max_hashtags: int | None = None


_ALL = (
    Network("x", "X", 280, link_length=23),
    Network("linkedin", "LinkedIn", 3_000),
    Network("instagram", "Instagram", 2_200, max_hashtags=30),
    Network("facebook", "Facebook", 63_206),
    Network("tiktok", "TikTok", 2_200),
    Network("threads", "Threads", 500),
)

NETWORKS: Mapping[str, Network] = {network.id: network for network in _ALL}
# The ids in the order people see them (pickers, error messages, stored lists).
NETWORK_IDS: tuple[str, ...] = tuple(NETWORKS)


def display_name(network_id: str) -> str:
    """``LinkedIn`` for ``linkedin``; an unknown id as it is."""
    known = NETWORKS.get(network_id)
    return known.display_name if known else network_id


def in_order(ids: Iterable[str]) -> tuple[str, ...]:
    """The known ids among ``ids``, in registry order, each once."""
    wanted = set(ids)
    return tuple(n for n in NETWORK_IDS if n in wanted)


# Names people still type for a network that was renamed: read only to say which id to use.
FORMER_NAMES: Mapping[str, str] = {"twitter": "x"}
