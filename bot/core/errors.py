"""Errors every layer may raise and the entry points turn into one line for people."""

from __future__ import annotations


class SettingsError(Exception):
    """A setting the chosen command needs is missing or malformed; the message is one line for people."""
