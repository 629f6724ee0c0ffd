"""Messages for people when something failed."""

from __future__ import annotations


def unexpected_error_text(reference: str) -> str:
    """Short and specific enough to report: the reference finds the stack trace in the logs."""
    return (
        f":warning: Something went wrong on our side (ref {reference}). "
        "Nothing was changed; please try again, or give the ref to whoever runs socialops."
    )


def not_available_text(feature: str) -> str:
    return f"{feature} isn't switched on in this version of socialops yet."


def outdated_control_text() -> str:
    """For a click on a button or menu that no listener knows (a card from an older version)."""
    return (
        "That button isn't used by this version of socialops any more, so nothing happened. "
        "Try `/social help` for what you can do now."
    )
