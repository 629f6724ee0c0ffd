"""What the rest of the bot needs from an FAQ matcher, whichever one the process uses.

The offline :class:`~bot.knowledge.matching.FaqMatcher` and the optional hybrid
:class:`~bot.knowledge.semantic.SemanticMatcher` both satisfy it structurally, so replies, `/social
faq search` and `socialops suggest` work the same with either.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from bot.knowledge.faq_files import FaqEntry
from bot.knowledge.matching import Match, MatchResult


class Matcher(Protocol):
    @property
    def min_score(self) -> float:
        """The lowest score, on this matcher's own scale, at which a match answers on its own.

        "Another option" offers no entry below it: each option must be a plausible answer, not
        just the next in line.
        """
        ...

    def confidence(self, match: Match) -> float:
        """The share of answers like ``match`` that are right (0..1): what the bot shows."""
        ...

    def match(self, text: str, *, limit: int = 3) -> MatchResult:
        """The best ``limit`` entries for ``text``, best first, and whether to abstain."""
        ...


# Builds the matcher for the FAQ as it is now; KnowledgeCache calls it again when the FAQ changes.
MatcherFactory = Callable[[Sequence[FaqEntry]], Matcher]
