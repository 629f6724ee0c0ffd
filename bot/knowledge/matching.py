"""Find the FAQ entries that answer a customer's message, or abstain.

The default matcher is light and offline: BM25 over terms that are word stems *and* concepts
from the lexicon (so "parcel hasn't turned up" meets "where is my order"), typo correction
against the index's vocabulary, and an abstention rule on how much of the message the best entry
explains. Question and variants weigh most, the answer and tags less.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from bot.knowledge.confidence import OFFLINE, calibrated
from bot.knowledge.faq_files import FaqEntry
from bot.knowledge.lexicon import DEFAULT_LEXICON, NEUTRAL_PREFIX
from bot.knowledge.text_normal import KEEP, STOP_WORDS, stem, words

K1 = 1.2
B = 0.75
FIELD_WEIGHTS = {"question": 1.0, "variants": 1.0, "answer": 0.3, "tags": 0.5}
CONCEPT_WEIGHT = 1.0
COVERED_WORD_WEIGHT = 0.5
MAX_PHRASE_WORDS = 4
# Per query term, how many of its best postings propose candidates, and how many candidates are
# scored exactly. Both are far above the sample FAQ's size, so its results are exact.
POSTINGS_READ = 400
RESCORED = 50
# Answer when the best entry explains enough of the message (coverage) with a fair score, or
# scores so high that the unexplained words are just chatter. Tuned on the eval's dev rows.
MIN_COVERAGE = 0.4
MIN_SCORE = 3.5
STRONG_SCORE = 6.0
FULL_COVERAGE = 0.9
# Below the bar to answer, an entry is still offered as a candidate (up to MAX_CANDIDATES, for a
# teammate to pick) when it explains this much of the message with this score. Chosen on the
# dev rows (the sample's and the fitness domain's): the lexical near misses are rarely right,
# so the floors sit just under the bar; at 2.0 and 0.4 the sample's silence fell from 86% to 79%
# for two points more offered, at these it stays at 84%.
CANDIDATE_MIN_COVERAGE = 0.45
CANDIDATE_MIN_SCORE = 2.5
MAX_CANDIDATES = 3


@dataclass(frozen=True)
class Match:
    entry_id: str
    score: float
    coverage: float  # share of the message's term weight the entry explains, 0..1


@dataclass(frozen=True)
class MatchResult:
    matches: tuple[Match, ...]  # best first
    abstained: bool
    # When abstaining: the entries close enough to offer a teammate to choose from (best first);
    # empty when no entry is close (praise, spam, off-topic, a question the FAQ lacks).
    candidates: tuple[Match, ...] = ()

    @property
    def best(self) -> Match | None:
        return None if self.abstained or not self.matches else self.matches[0]


class Analyzer:
    """Text → weighted terms (stems and concepts), shared by the index and the queries."""

    def __init__(self, lexicon: Mapping[str, tuple[str, ...]]) -> None:
        self._phrases: dict[tuple[str, ...], tuple[str, ...]] = {}
        for form, concepts in lexicon.items():
            key = tuple(stem(w) for w in words(form))
            if key:
                # "return", "returned" and "returning" share a stem: one concept, counted once.
                known = self._phrases.get(key, ())
                self._phrases[key] = (*known, *(c for c in concepts if c not in known))
        self._longest = min(MAX_PHRASE_WORDS, max((len(k) for k in self._phrases), default=1))
        # Longer spans are only tried where a multi-word phrase can start: most words start none,
        # and indexing 10,000 entries spends its time here.
        self._phrase_starts = {key[0] for key in self._phrases if len(key) > 1}

    @property
    def lexicon_words(self) -> set[str]:
        return {word for key in self._phrases for word in key}

    def terms(self, text: str, correct: Mapping[str, str] | None = None) -> Terms:
        raw = words(text)
        tokens = [stem(w) for w in raw]
        if correct:
            tokens = [correct.get(t, t) for t in tokens]
        weights: dict[str, float] = defaultdict(float)
        covered = [False] * len(tokens)
        content = [i for i, w in enumerate(raw) if w not in STOP_WORDS or w in KEEP]
        # Phrases are looked for in the full text ("turn up") and with stop words skipped
        # ("send it back" → "send back"). The longest phrase wins its words: "back in stock" is
        # about stock, not a return, so the "back" inside it means nothing on its own.
        candidates: list[tuple[list[int], tuple[str, ...]]] = []
        for index, token in enumerate(tokens):
            single = self._phrases.get((token,))
            if single:
                candidates.append(([index], single))
        passes = [list(range(len(tokens)))]
        if len(content) < len(tokens):
            passes.append(content)
        for positions in passes:
            for start, position in enumerate(positions):
                if tokens[position] not in self._phrase_starts:
                    continue
                for length in range(2, self._longest + 1):
                    span = positions[start : start + length]
                    if len(span) < length:
                        break
                    concepts = self._phrases.get(tuple(map(tokens.__getitem__, span)))
                    if concepts:
                        candidates.append((span, concepts))
        for span, concepts in sorted(candidates, key=lambda c: (-len(c[0]), c[0][0])):
            if any(covered[i] for i in span):
                continue  # a longer phrase already took one of these words
            for i in span:
                covered[i] = True
            for concept in concepts:
                if not concept.startswith(NEUTRAL_PREFIX):
                    weights[concept] += CONCEPT_WEIGHT
        optional: set[str] = set()
        for index, token in enumerate(tokens):
            if raw[index] in STOP_WORDS and raw[index] not in KEEP:
                continue

            # A word a concept already stands for adds a little for the exact word, and its
            # absence from the FAQ is no sign the message is off-topic.
            weights[token] += COVERED_WORD_WEIGHT if covered[index] else 1.0
            if covered[index]:
                optional.add(token)
        return Terms(dict(weights), frozenset(optional))


@dataclass(frozen=True)
class Terms:
    weights: Mapping[str, float]
    optional: frozenset[str]  # stems whose meaning a concept carries


class FaqMatcher:
    def __init__(
        self,
        entries: Sequence[FaqEntry],
        *,
        lexicon: Mapping[str, tuple[str, ...]] = DEFAULT_LEXICON,
        min_coverage: float = MIN_COVERAGE,
        min_score: float = MIN_SCORE,
        strong_score: float = STRONG_SCORE,
    ) -> None:
        self.entries = {entry.id: entry for entry in entries}
        self.analyzer = Analyzer(lexicon)
        self.min_coverage, self.min_score = min_coverage, min_score
        self.strong_score = strong_score
        self._docs: dict[str, dict[str, float]] = {}
        for entry in entries:
            doc: dict[str, float] = defaultdict(float)
            for field, weight in FIELD_WEIGHTS.items():
                for text in _field_texts(entry, field):
                    for term, count in self.analyzer.terms(text).weights.items():
                        doc[term] += weight * count
            self._docs[entry.id] = doc
        self._lengths = {i: sum(d.values()) for i, d in self._docs.items()}
        self._average = (sum(self._lengths.values()) / len(self._docs)) if self._docs else 1.0
        count = max(len(self._docs), 1)
        frequency: dict[str, int] = defaultdict(int)
        for doc in self._docs.values():
            for term in doc:
                frequency[term] += 1
        self._idf = {
            term: math.log(1 + (count - df + 0.5) / (df + 0.5)) for term, df in frequency.items()
        }
        # Each posting carries its BM25 contribution (without the query's weight), best first,
        # so a query can stop reading a long list early (see match).
        self._postings: dict[str, list[tuple[float, str]]] = defaultdict(list)
        for entry_id, doc in self._docs.items():
            norm = K1 * (1 - B + B * self._lengths[entry_id] / self._average)
            for term, tf in doc.items():
                contribution = self._idf[term] * tf * (K1 + 1) / (tf + norm)
                self._postings[term].append((contribution, entry_id))
        for postings in self._postings.values():
            postings.sort(reverse=True)  # highest contribution first (ties: a fixed order)
        self._max_idf = math.log(1 + (count + 0.5) / 0.5)
        # Words the lexicon knows are never "corrected" into FAQ words, and typos are corrected
        # towards both: "oder" → "order", "wher" → "where".
        self._known = set(self._postings) | self.analyzer.lexicon_words
        self._typos = _DeletionIndex(t for t in self._known if not t.startswith("@"))

    def confidence(self, match: Match) -> float:
        return calibrated(OFFLINE, match.coverage)

    def match(self, text: str, *, limit: int = 3) -> MatchResult:
        first = self.analyzer.terms(text)
        corrections: dict[str, str] = {}
        for term in first.weights:
            if term not in self._known and not term.startswith("@"):
                fixed = self._typos.correct(term)
                if fixed is not None:
                    corrections[term] = fixed
        query = self.analyzer.terms(text, corrections) if corrections else first
        if not query.weights:
            return MatchResult((), abstained=True)
        # Candidates: the best POSTINGS_READ entries of each term's list. With a small FAQ that
        # is every posting; with 10,000 entries it keeps a query in milliseconds. The candidates
        # are then scored exactly, so the scores and coverage of the matches returned are exact.
        candidates: dict[str, float] = defaultdict(float)
        for term, query_weight in query.weights.items():
            for contribution, entry_id in self._postings.get(term, ())[:POSTINGS_READ]:
                candidates[entry_id] += query_weight * contribution
        shortlist = sorted(candidates, key=lambda i: (-candidates[i], i))[: max(limit, RESCORED)]
        scores = {i: self._score(i, query) for i in shortlist}
        explained = {
            i: sum(w * self._idf[t] for t, w in query.weights.items() if t in self._docs[i])
            for i in shortlist
        }
        # Words the FAQ never uses weigh like the rarest term: an off-topic message is mostly those.
        # A word a concept stands for is explained by the concept: "send it back" is fully a
        # question about returns even though no entry says "send".
        total = sum(
            w * self._idf.get(t, self._max_idf)
            for t, w in query.weights.items()
            if t not in query.optional
        )
        ranked = sorted(scores, key=lambda i: (-scores[i], i))[:limit]
        matches = tuple(
            Match(
                i, round(scores[i], 3), round(min(explained[i] / total, 1.0), 3) if total else 0.0
            )
            for i in ranked
        )
        best = matches[0] if matches else None
        if best is not None and self._confident(best):
            return MatchResult(matches, abstained=False)
        return MatchResult(matches, abstained=True, candidates=self._candidates(matches))

    def _candidates(self, matches: Sequence[Match]) -> tuple[Match, ...]:
        close = (
            m
            for m in matches
            if m.score >= CANDIDATE_MIN_SCORE and m.coverage >= CANDIDATE_MIN_COVERAGE
        )
        return tuple(close)[:MAX_CANDIDATES]

    def _score(self, entry_id: str, query: Terms) -> float:
        doc = self._docs[entry_id]
        norm = K1 * (1 - B + B * self._lengths[entry_id] / self._average)
        return sum(
            weight * self._idf[term] * doc[term] * (K1 + 1) / (doc[term] + norm)
            for term, weight in query.weights.items()
            if term in doc
        )

    def _confident(self, best: Match) -> bool:
        if best.score >= self.strong_score:
            return True
        # A message the entry explains almost entirely is answered even when the FAQ is so
        # small that BM25's scores stay low (every word is in one of three entries).
        if best.coverage >= FULL_COVERAGE:
            return True
        return best.score >= self.min_score and best.coverage >= self.min_coverage


def _field_texts(entry: FaqEntry, field: str) -> Iterable[str]:
    if field == "question":
        return [entry.question]
    if field == "variants":
        return entry.variants
    if field == "answer":
        return [entry.answer]
    return [" ".join(entry.tags)]


class _DeletionIndex:
    """Typo correction for one missing or one extra letter ("oder" → "order", "wherre" → "where").

    Substitutions are left alone on purpose: "stuff" → "staff" or "test" → "tent" turn real
    words into wrong ones far more often than they fix a typo.
    """

    def __init__(self, vocabulary: Iterable[str]) -> None:
        self._words = {word for word in vocabulary if len(word) >= 4}
        self._by_delete: dict[str, set[str]] = defaultdict(set)
        for word in self._words:
            for variant in _deletes(word):
                self._by_delete[variant].add(word)

    def correct(self, word: str) -> str | None:
        if len(word) < 4:
            return None
        # A letter missing from the typo: the typo is one of a vocabulary word's deletes.
        candidates = set(self._by_delete.get(word, set()))
        # An extra letter in the typo: one of the typo's deletes is a vocabulary word.
        candidates |= {variant for variant in _deletes(word) if variant in self._words}
        candidates.discard(word)
        return min(candidates, key=lambda c: (abs(len(c) - len(word)), c)) if candidates else None


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}
