"""How well FAQ matching answers real-looking customer messages, beside a plain BM25 baseline.

    python -m bench.faq_eval              # the shipped sample FAQ (bot/content/faq) and bench/faq_eval/messages.csv

On the answerable messages: top-1 is the share whose right entry is ranked first *and* not
abstained on (an abstention counts as a miss), top-3 the share whose right entry is among the
first three (abstained or not). Abstention is the share of must-abstain messages abstained on.
Handled right is the share of all messages that got the right entry or a rightful abstention.
Rows marked ``dev`` were looked at while the matcher was tuned; ``test`` rows were written before
the last round of tuning and not looked at since, so they are the honest figure.
"""

from __future__ import annotations

import argparse
import csv
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.content import SAMPLE_FAQ_DIR
from bot.knowledge.faq_files import FaqEntry, load_faq_dir
from bot.knowledge.matcher_protocol import Matcher
from bot.knowledge.matchers import INSTALL_HINT, semantic_installed
from bot.knowledge.matching import FaqMatcher
from bot.knowledge.text_normal import content_terms

HERE = Path(__file__).resolve().parent
# MiniLM alone answers when its best cosine reaches this; 0.35 handled the most dev rows right
# (0.30: 65%, 0.35: 68%, 0.40: 68% with less top-1).
MINILM_ONLY_MIN_COSINE = 0.35
REPO = HERE.parent


@dataclass(frozen=True)
class Labelled:
    text: str
    expected: str | None
    split: str = "dev"


@dataclass(frozen=True)
class Prediction:
    ranked: tuple[str, ...]
    abstained: bool


class Bm25Baseline:
    """Plain BM25 over question, variants and answer stems; abstains below a score."""

    def __init__(self, entries: Sequence[FaqEntry], min_score: float = 4.0) -> None:
        self.min_score = min_score
        self.docs = {
            e.id: content_terms(" ".join([e.question, *e.variants, e.answer])) for e in entries
        }
        self.df: dict[str, int] = defaultdict(int)
        for terms in self.docs.values():
            for term in set(terms):
                self.df[term] += 1
        self.avg = sum(len(t) for t in self.docs.values()) / max(len(self.docs), 1)

    def predict(self, text: str) -> Prediction:
        query = content_terms(text)
        scores = {}
        n = len(self.docs)
        for entry_id, terms in self.docs.items():
            score = 0.0
            for term in set(query):
                tf = terms.count(term)
                if tf:
                    idf = math.log(1 + (n - self.df[term] + 0.5) / (self.df[term] + 0.5))
                    score += idf * tf * 2.2 / (tf + 1.2 * (0.25 + 0.75 * len(terms) / self.avg))
            if score > 0:
                scores[entry_id] = score
        ranked = tuple(sorted(scores, key=lambda i: -scores[i])[:3])
        best = scores[ranked[0]] if ranked else 0.0
        return Prediction(ranked, abstained=best < self.min_score)


def evaluate(name: str, predict: object, data: Sequence[Labelled]) -> dict[str, float | str]:
    top1 = top3 = answerable = abstain_right = must_abstain = handled = 0
    for item in data:
        prediction: Prediction = predict(item.text)  # type: ignore[operator]
        if item.expected is None:
            must_abstain += 1
            abstain_right += prediction.abstained
            handled += prediction.abstained
            continue
        answerable += 1
        hit1 = bool(prediction.ranked) and prediction.ranked[0] == item.expected
        top1 += hit1 and not prediction.abstained
        top3 += item.expected in prediction.ranked
        handled += hit1 and not prediction.abstained
    return {
        "matcher": name,
        "top-1": top1 / answerable if answerable else 0.0,
        "top-3": top3 / answerable if answerable else 0.0,
        "abstention": abstain_right / must_abstain if must_abstain else 1.0,
        "handled right": handled / len(data),
    }


def ours(entries: Sequence[FaqEntry], matcher: Matcher | None = None) -> object:
    matcher = matcher if matcher is not None else FaqMatcher(entries)

    def predict(text: str) -> Prediction:
        result = matcher.match(text, limit=3)
        return Prediction(tuple(m.entry_id for m in result.matches), result.abstained)

    return predict


def semantic_matchers(entries: Sequence[FaqEntry]) -> list[tuple[str, object]]:
    """The hybrid matcher, and MiniLM alone (best question/variant cosine) to show what it adds."""
    import numpy as np

    from bot.knowledge import semantic

    cache = semantic.EmbeddingCache(semantic.MiniLmEncoder())
    hybrid = semantic.SemanticMatcher(entries, cache=cache)
    ids = [e.id for e in entries]
    texts = [cache.vectors([e.question, *e.variants]) for e in entries]

    def minilm_only(text: str) -> Prediction:
        query = cache.encoder.encode([text[: semantic.MAX_EMBEDDED_CHARS]])[0]
        best = np.array([float((vectors @ query).max()) for vectors in texts])
        ranked = tuple(ids[i] for i in np.argsort(-best, kind="stable")[:3])
        # Abstains below this cosine: the threshold that kept the most dev rows right.
        return Prediction(ranked, abstained=float(best.max()) < MINILM_ONLY_MIN_COSINE)

    return [("socialops semantic", ours(entries, hybrid)), ("MiniLM only", minilm_only)]


def load_messages(path: Path) -> list[Labelled]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            Labelled(r["text"], r["expected_id"] or None, r.get("split") or "dev")
            for r in csv.DictReader(handle)
        ]


def load_domain(faq_dir: Path, messages: Path) -> tuple[list[FaqEntry], list[Labelled]]:
    """An FAQ folder and its labelled messages; exits when a label names an entry it lacks."""
    entries = load_faq_dir(faq_dir)
    data = load_messages(messages)
    known = {entry.id for entry in entries}
    unknown = sorted({str(d.expected) for d in data if d.expected and d.expected not in known})
    if unknown:
        raise SystemExit(f"{messages} names entries the FAQ lacks: {', '.join(unknown)}")
    return entries, data


def shares_no_word(item: Labelled, entries: dict[str, FaqEntry]) -> bool:
    """True when the message has no content word in common with its entry's question and variants."""
    entry = entries[item.expected or ""]
    known = set(content_terms(" ".join([entry.question, *entry.variants])))
    return not (set(content_terms(item.text)) & known)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--faq", type=Path, default=SAMPLE_FAQ_DIR)
    parser.add_argument("--messages", type=Path, default=HERE / "faq_eval" / "messages.csv")
    args = parser.parse_args()
    entries, data = load_domain(args.faq, args.messages)
    by_id = {entry.id: entry for entry in entries}
    answerable = [d for d in data if d.expected]
    disjoint = sum(shares_no_word(d, by_id) for d in answerable)
    print(
        f"{len(entries)} FAQ entries; {len(data)} messages: {len(answerable)} answerable "
        f"({disjoint} of them share no content word with their entry's question and variants), "
        f"{len(data) - len(answerable)} to abstain on\n"
    )
    matchers: list[tuple[str, object]] = [
        ("BM25 baseline", Bm25Baseline(entries).predict),
        ("socialops default", ours(entries)),
    ]
    if semantic_installed():
        matchers.extend(semantic_matchers(entries))
    else:
        print(f"The semantic extra is not installed, so no semantic rows ({INSTALL_HINT}).\n")
    print("| rows | matcher | top-1 | top-3 | abstention | handled right |")
    print("|---|---|---:|---:|---:|---:|")
    # Every split in the file, then all rows: the file decides the names (dev, test, holdout…).
    splits = sorted({d.split for d in data}, key=lambda s: (s == "dev", s))
    for label in (*splits, "all"):
        rows = [d for d in data if label in ("all", d.split)]
        for row in (evaluate(name, predict, rows) for name, predict in matchers):
            print(
                f"| {label} ({len(rows)}) | {row['matcher']} | {row['top-1']:.0%} | "
                f"{row['top-3']:.0%} | {row['abstention']:.0%} | {row['handled right']:.0%} |"
            )


if __name__ == "__main__":
    main()
