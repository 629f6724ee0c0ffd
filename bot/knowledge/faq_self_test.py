"""What the team's own FAQ says about how well it can be matched, measured when it is loaded.

Two questions a newcomer cannot answer by reading the files:

- **Can a paraphrase find its entry?** Each variant is held out of its entry in turn and asked
  as a customer would; the share that finds its own entry first is the FAQ's self-test score.
  A low score (variants that share few words with their question) says the matcher will miss
  paraphrases too, and that more variants (or the semantic matcher) will help.
- **Which entries are too alike to tell apart?** An entry whose own question ranks another entry
  first, or a close second, will be confused with it on real messages: both are named, so the
  team can merge them or make their questions differ.

The thresholds that decide answering stay fixed: on the two dev FAQs the scores that kept 85%
of must-abstain messages silent were nearly equal (lexical 5.08 and 4.92, hybrid 2.75 and 2.89),
while a bar scaled by each FAQ's own self-test scores would have halved it on one of them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

from bot.knowledge.faq_files import FaqEntry
from bot.knowledge.matcher_protocol import MatcherFactory

# Holding out a variant rebuilds the matcher: capped so `socialops check` stays quick on a
# large FAQ (the variants are taken evenly across it).
MAX_HELD_OUT = 60
# A runner-up within this share of the best score is "a close second".
CLOSE_SECOND = 0.9
MAX_ALIKE_NAMED = 10


@dataclass(frozen=True)
class SelfTest:
    held_out: int  # variants asked with themselves held out
    found_first: int  # of those, how many ranked their own entry first (answered or not)
    alike: tuple[tuple[str, str], ...]  # entry pairs a question of one confuses with the other

    @property
    def score(self) -> float | None:
        return self.found_first / self.held_out if self.held_out else None


def self_test(entries: Sequence[FaqEntry], build: MatcherFactory) -> SelfTest:
    entries = list(entries)
    return SelfTest(*_held_out_variants(entries, build), _alike(entries, build))


def _held_out_variants(entries: list[FaqEntry], build: MatcherFactory) -> tuple[int, int]:
    # A variant is only a fair test when its entry keeps a question to be found by.
    pairs = [(i, j) for i, e in enumerate(entries) for j in range(len(e.variants))]
    step = max(1, -(-len(pairs) // MAX_HELD_OUT))  # ceil: at most MAX_HELD_OUT, evenly spread
    tried = found = 0
    for i, j in pairs[::step]:
        entry = entries[i]
        held = dataclasses.replace(
            entry, variants=tuple(v for k, v in enumerate(entry.variants) if k != j)
        )
        matcher = build([*entries[:i], held, *entries[i + 1 :]])
        result = matcher.match(entry.variants[j], limit=1)
        tried += 1
        found += bool(result.matches) and result.matches[0].entry_id == entry.id
    return tried, found


def _alike(entries: list[FaqEntry], build: MatcherFactory) -> tuple[tuple[str, str], ...]:
    matcher = build(entries)
    pairs: dict[tuple[str, str], None] = {}
    for entry in entries:
        ranked = matcher.match(entry.question, limit=2).matches
        if not ranked:
            continue
        best = ranked[0]
        other = None
        if best.entry_id != entry.id:
            other = best.entry_id
        elif len(ranked) > 1 and ranked[1].score >= CLOSE_SECOND * best.score:
            other = ranked[1].entry_id
        if other is not None:
            pairs[(min(entry.id, other), max(entry.id, other))] = None
    return tuple(pairs)


def describe(test: SelfTest) -> list[str]:
    """Lines for `socialops check`."""
    lines = []
    if test.score is None:
        lines.append(
            "self-test: no variants to hold out; add a few phrasings per entry "
            "(variants) so paraphrases can be matched and this can be measured"
        )
    else:
        lines.append(
            f"self-test: {test.found_first} of {test.held_out} variants, asked with themselves "
            f"held out, find their own entry first ({test.score:.0%})"
            + (
                "; paraphrases will often be missed: add variants in customers' own words"
                if test.score < 0.6
                else ""
            )
        )
    for a, b in test.alike[:MAX_ALIKE_NAMED]:
        lines.append(
            f"too alike to tell apart: {a} and {b} (merge them or make their questions differ)"
        )
    if len(test.alike) > MAX_ALIKE_NAMED:
        lines.append(f"… and {len(test.alike) - MAX_ALIKE_NAMED} more pairs too alike")
    return lines
