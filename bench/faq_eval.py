"""How well FAQ matching answers real-looking customer messages, beside a plain BM25 baseline.

    python -m bench.faq_eval              # the shipped faq/ and bench/faq_eval/messages.csv

Reports top-1 and top-3 accuracy on the answerable messages, abstention accuracy on the ones
that must be abstained on, and the overall share handled right (top-1 right and not abstained,
or abstained when it should), for socialops' default matcher and for BM25 on the same data.
"""

from __future__ import annotations

import argparse
import csv
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.knowledge.faq_files import FaqEntry, load_faq_dir
from bot.knowledge.matching import FaqMatcher
from bot.knowledge.text_normal import content_terms

HERE = Path(__file__).resolve().parent
REPO = HERE.parent


@dataclass(frozen=True)
class Labelled:
    text: str
    expected: str | None


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
        top1 += hit1
        top3 += item.expected in prediction.ranked
        handled += hit1 and not prediction.abstained
    return {
        "matcher": name,
        "top-1": top1 / answerable,
        "top-3": top3 / answerable,
        "abstention": abstain_right / must_abstain if must_abstain else 1.0,
        "handled right": handled / len(data),
    }


def ours(entries: Sequence[FaqEntry]) -> object:
    matcher = FaqMatcher(entries)

    def predict(text: str) -> Prediction:
        result = matcher.match(text, limit=3)
        return Prediction(tuple(m.entry_id for m in result.matches), result.abstained)

    return predict


def load_messages(path: Path) -> list[Labelled]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [Labelled(r["text"], r["expected_id"] or None) for r in csv.DictReader(handle)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--faq", type=Path, default=REPO / "faq")
    parser.add_argument("--messages", type=Path, default=HERE / "faq_eval" / "messages.csv")
    args = parser.parse_args()
    entries = load_faq_dir(args.faq)
    data = load_messages(args.messages)
    answerable = sum(1 for d in data if d.expected)
    print(
        f"{len(entries)} FAQ entries; {len(data)} messages ({answerable} answerable, "
        f"{len(data) - answerable} to abstain on)\n"
    )
    print("| matcher | top-1 | top-3 | abstention | handled right |")
    print("|---|---:|---:|---:|---:|")
    for row in (
        evaluate("BM25 baseline", Bm25Baseline(entries).predict, data),
        evaluate("socialops default", ours(entries), data),
    ):
        print(
            f"| {row['matcher']} | {row['top-1']:.0%} | {row['top-3']:.0%} | "
            f"{row['abstention']:.0%} | {row['handled right']:.0%} |"
        )


if __name__ == "__main__":
    main()
