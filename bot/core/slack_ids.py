"""What a Slack id says about itself, for every layer that handles ids from the settings."""

from __future__ import annotations


def is_user_group(entry: str) -> bool:
    """User-group ids start with S (users with U or W): a group is mentioned as <!subteam^S…>,
    expanded through usergroups.users.list, and cannot be sent a DM."""
    return entry.startswith("S")
