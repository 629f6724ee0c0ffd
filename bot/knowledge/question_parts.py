"""Messages that ask several things at once: each question matched on its own.

"Where's my order? And can I still return the boots?" is two questions; matched whole, the
message gets one entry and the other question is silently dropped. Split into sentences, each
part is matched alone, and when two or more parts are answered by different entries the reply
answers each, saying which parts it answers and which it does not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.knowledge.matcher_protocol import Matcher
from bot.knowledge.matching import Match
from bot.knowledge.text_normal import content_terms

# Sentence ends ("?", "!", ".", a line break) and joiners that start a new question.
_BOUNDARY = re.compile(
    r"(?<=[?!.])\s+|\n+|\s+(?:also|and also|plus|oh and|another thing)[,:]?\s+", re.IGNORECASE
)
_LEADING_HANDLES = re.compile(r"^\s*(?:@[A-Za-z0-9_.]{1,64}[\s,:]*)+")
# A part says enough with two content words, or one in a question ("Where is my order?");
# "thanks!" or "hi team" is no question of its own.
MIN_PART_TERMS = 2
MAX_PARTS = 5  # a long rant is read as one message, not twenty questions
MAX_PART_CHARS = 400


@dataclass(frozen=True)
class Part:
    text: str
    match: Match | None  # the entry that answers this part, if one does


@dataclass(frozen=True)
class Parts:
    """Two or more parts answered by different entries (and the parts none answers)."""

    parts: tuple[Part, ...]

    @property
    def answered(self) -> tuple[Part, ...]:
        return tuple(p for p in self.parts if p.match is not None)

    @property
    def unanswered(self) -> tuple[Part, ...]:
        return tuple(p for p in self.parts if p.match is None)

    @property
    def entry_ids(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(p.match.entry_id for p in self.answered if p.match))


def split_questions(text: str) -> list[str]:
    """The message's sentences that say enough to be a question of their own (the @handles it
    starts with belong to none of them)."""
    text = _LEADING_HANDLES.sub("", text)
    pieces = [p.strip() for p in _BOUNDARY.split(text) if p and p.strip()]
    parts = [p[:MAX_PART_CHARS] for p in pieces if _says_enough(p)]
    return parts if 2 <= len(parts) <= MAX_PARTS else []


def _says_enough(piece: str) -> bool:
    # Numbers alone ask nothing ("50% off?" is about the 50 only with the rest of the message).
    terms = sum(1 for term in content_terms(piece) if not term.isdigit())
    return terms >= MIN_PART_TERMS or (terms >= 1 and piece.rstrip().endswith("?"))


def answer_parts(matcher: Matcher, text: str) -> Parts | None:
    """Each question of a message matched alone; None unless different entries answer two or
    more of them (then the message is one question, however many sentences it has)."""
    parts = []
    for piece in split_questions(text):
        result = matcher.match(piece, limit=1)
        parts.append(Part(piece, None if result.abstained else result.matches[0]))
    found = Parts(tuple(parts))
    return found if len(found.entry_ids) >= 2 else None
