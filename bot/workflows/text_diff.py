"""A word diff between two texts, for showing what an edit changed."""

from __future__ import annotations

from difflib import SequenceMatcher
from typing import Literal

DiffKind = Literal["same", "removed", "added"]
# difflib's time grows with the cube of the words on repetitive text: two 1,800-word posts made
# of a few repeated words took 45 s (an approval card waiting on it). The words both versions
# share at the start and the end are set aside first (an edit is usually local); a changed middle
# longer than this on either side is shown as replaced whole, which takes at most ~0.1 s.
MAX_CHANGED_WORDS = 250


def word_diff(old: str, new: str) -> list[tuple[DiffKind, str]]:
    """Runs of words that stayed, went or came, in reading order."""
    before, after = old.split(), new.split()
    head = _shared_prefix(before, after)
    tail = _shared_prefix(before[head:][::-1], after[head:][::-1])
    middle_before, middle_after = before[head : len(before) - tail], after[head : len(after) - tail]
    runs: list[tuple[DiffKind, str]] = []
    if head:
        runs.append(("same", " ".join(before[:head])))
    if len(middle_before) > MAX_CHANGED_WORDS or len(middle_after) > MAX_CHANGED_WORDS:
        runs.extend(_replaced(middle_before, middle_after))
    else:
        runs.extend(_diff(middle_before, middle_after))
    if tail:
        runs.append(("same", " ".join(before[len(before) - tail :])))
    return runs


def _shared_prefix(first: list[str], second: list[str]) -> int:
    shared = 0
    for a, b in zip(first, second, strict=False):
        if a != b:
            break
        shared += 1
    return shared


def _replaced(before: list[str], after: list[str]) -> list[tuple[DiffKind, str]]:
    runs: list[tuple[DiffKind, str]] = []
    if before:
        runs.append(("removed", " ".join(before)))
    if after:
        runs.append(("added", " ".join(after)))
    return runs


def _diff(before: list[str], after: list[str]) -> list[tuple[DiffKind, str]]:
    runs: list[tuple[DiffKind, str]] = []
    matcher = SequenceMatcher(a=before, b=after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            runs.append(("same", " ".join(before[i1:i2])))
        else:
            runs.extend(_replaced(before[i1:i2], after[j1:j2]))
    return runs
