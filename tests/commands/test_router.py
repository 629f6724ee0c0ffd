from __future__ import annotations

import pytest

from bot.commands.router import SubcommandCall, SubcommandRouter, split_subcommand


def documented(call: SubcommandCall) -> None:
    """Show the queue of pending drafts.

    Usage: /social queue [mine]
    """


def undocumented(call: SubcommandCall) -> None:
    pass


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", ("", "")),
        ("   ", ("", "")),
        ("help", ("help", "")),
        ("HELP", ("help", "")),
        ("draft   Hello  world ", ("draft", "Hello  world")),
        ("draft\tHello", ("draft", "Hello")),
        ("queue\nmine", ("queue", "mine")),
    ],
)
def test_split_subcommand(text: str, expected: tuple[str, str]) -> None:
    assert split_subcommand(text) == expected


def test_help_comes_from_the_docstring() -> None:
    router = SubcommandRouter()
    router.add("queue", documented)
    [entry] = router.help_entries()
    assert entry.summary == "Show the queue of pending drafts."
    assert entry.usage == "/social queue [mine]"
    assert router.lookup("QUEUE") is not None
    assert router.lookup("nope") is None


def test_a_subcommand_without_docstring_or_twice_is_a_programming_error() -> None:
    router = SubcommandRouter()
    with pytest.raises(ValueError, match="docstring"):
        router.add("x", undocumented)
    router.add("queue", documented)
    with pytest.raises(ValueError, match="twice"):
        router.add("queue", documented)
