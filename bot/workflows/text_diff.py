"""A word diff between two texts, for showing what an edit changed."""

from __future__ import annotations

from difflib import SequenceMatcher
from typing import Literal

DiffKind = Literal["same", "removed", "added"]
# difflib is quadratic in the worst case; beyond this many words, say "all replaced".
MAX_WORDS = 2_000


def word_diff(old: str, new: str) -> list[tuple[DiffKind, str]]:
    """Runs of words that stayed, went or came, in reading order."""
    before, after = old.split(), new.split()
    if len(before) > MAX_WORDS or len(after) > MAX_WORDS:
        return [("removed", old), ("added", new)]
    runs: list[tuple[DiffKind, str]] = []
    matcher = SequenceMatcher(a=before, b=after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            runs.append(("same", " ".join(before[i1:i2])))
            continue
        if i2 > i1:
            runs.append(("removed", " ".join(before[i1:i2])))
        if j2 > j1:
            runs.append(("added", " ".join(after[j1:j2])))
    return runs
