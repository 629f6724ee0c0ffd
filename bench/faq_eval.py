"""How well FAQ matching answers customer messages, on every evaluation domain, beside baselines.

    python -m bench.faq_eval                   # every domain: the sample FAQ and bench/faq_eval/domains/*
    python -m bench.faq_eval --domain telecom  # one (repeatable)
    python -m bench.faq_eval --faq DIR --messages CSV   # your own FAQ and messages

A domain is an FAQ and customer messages labelled with the entry that answers each (or none).
On the answerable messages: **top-1** is the share whose right entry is answered (ranked first and
not abstained on); **top-3** the share whose right entry is among the first three ranked;
**offered** the share whose right entry is among what a teammate is shown (the answer, or the
candidates shown instead of an answer). On the must-abstain messages, **silence** is the share on
which nothing is answered and nothing offered. **Handled right** is the share of all messages that
got the right answer or a rightful silence. For a message with several questions, any entry it
asks about counts as right (``other_ids``).

Rows are per split: ``test`` rows were written blind (by an author who saw only that FAQ, never
the matcher, its lexicon or other messages) and their misses are not looked at; ``dev`` rows were
looked at while tuning. The macro average is over the test rows of the domains that have them.
"""

from __future__ import annotations

import argparse
import csv
import math
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.content import SAMPLE_FAQ_DIR
from bot.knowledge.faq_files import FaqEntry, load_faq_dir
from bot.knowledge.matcher_protocol import Matcher
from bot.knowledge.matchers import INSTALL_HINT, semantic_installed
from bot.knowledge.matching import FaqMatcher
from bot.knowledge.question_parts import answer_parts
from bot.knowledge.text_normal import content_terms

HERE = Path(__file__).resolve().parent
DOMAINS_DIR = HERE / "faq_eval" / "domains"
SAMPLE = "sample"
# MiniLM alone answers when its best cosine reaches this; 0.35 handled the most dev rows right
# (0.30: 65%, 0.35: 68%, 0.40: 68% with less top-1).
MINILM_ONLY_MIN_COSINE = 0.35
REPO = HERE.parent
METRICS = ("top-1", "top-3", "offered", "silence", "handled right")


@dataclass(frozen=True)
class Labelled:
    text: str
    expected: str | None
    split: str = "dev"
    also: tuple[str, ...] = ()  # other entries a message with several questions asks about
    kind: str = ""

    @property
    def right(self) -> frozenset[str]:
        return frozenset((self.expected, *self.also)) if self.expected else frozenset()


@dataclass(frozen=True)
class Prediction:
    ranked: tuple[str, ...]
    abstained: bool
    offered: tuple[str, ...] = ()  # candidates shown instead of an answer

    @property
    def shown(self) -> tuple[str, ...]:
        return self.offered if self.abstained else self.ranked[:1]


Predict = Callable[[str], Prediction]


@dataclass(frozen=True)
class Domain:
    name: str
    entries: tuple[FaqEntry, ...]
    messages: tuple[Labelled, ...]


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


def evaluate(predict: Predict, data: Sequence[Labelled]) -> dict[str, float]:
    top1 = top3 = offered = answerable = silent = must_abstain = handled = 0
    for item in data:
        prediction = predict(item.text)
        if item.expected is None:
            must_abstain += 1
            quiet = prediction.abstained and not prediction.offered
            silent += quiet
            handled += quiet
            continue
        answerable += 1
        hit1 = not prediction.abstained and bool(prediction.ranked)
        hit1 = hit1 and prediction.ranked[0] in item.right
        top1 += hit1
        top3 += bool(item.right & set(prediction.ranked[:3]))
        offered += bool(item.right & set(prediction.shown))
        handled += hit1
    return {
        "top-1": top1 / answerable if answerable else 0.0,
        "top-3": top3 / answerable if answerable else 0.0,
        "offered": offered / answerable if answerable else 0.0,
        "silence": silent / must_abstain if must_abstain else 1.0,
        "handled right": handled / len(data) if data else 0.0,
    }


def ours(entries: Sequence[FaqEntry], matcher: Matcher | None = None) -> Predict:
    matcher = matcher if matcher is not None else FaqMatcher(entries)

    def predict(text: str) -> Prediction:
        result = matcher.match(text, limit=3)
        # As the bot does: a message whose questions different entries answer is answered
        # part by part, first part first.
        parts = answer_parts(matcher, text)
        if parts is not None:
            ranked = (*parts.entry_ids, *(m.entry_id for m in result.matches))
            return Prediction(tuple(dict.fromkeys(ranked)), abstained=False)
        return Prediction(
            tuple(m.entry_id for m in result.matches),
            result.abstained,
            tuple(m.entry_id for m in result.candidates),
        )

    return predict


def semantic_matchers(entries: Sequence[FaqEntry]) -> list[tuple[str, Predict]]:
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
            Labelled(
                r["text"],
                r["expected_id"] or None,
                r.get("split") or "dev",
                tuple(i for i in (r.get("other_ids") or "").split(";") if i),
                r.get("kind") or "",
            )
            for r in csv.DictReader(handle)
        ]


def load_domain(name: str, faq: Path, messages: Path) -> Domain:
    entries = load_faq_dir(faq)
    data = load_messages(messages)
    known = {entry.id for entry in entries}
    unknown = sorted({i for d in data for i in d.right} - known)
    if unknown:
        raise SystemExit(f"{messages} names entries the FAQ lacks: {', '.join(unknown)}")
    return Domain(name, tuple(entries), tuple(data))


def all_domains() -> list[Domain]:
    """The sample FAQ with its messages, then every folder under bench/faq_eval/domains."""
    domains = [load_domain(SAMPLE, SAMPLE_FAQ_DIR, HERE / "faq_eval" / "messages.csv")]
    for folder in sorted(p for p in DOMAINS_DIR.iterdir() if (p / "messages.csv").is_file()):
        domains.append(load_domain(folder.name, folder / "faq", folder / "messages.csv"))
    return domains


def shares_no_word(item: Labelled, entries: dict[str, FaqEntry]) -> bool:
    """True when the message has no content word in common with its entry's question and variants."""
    entry = entries[item.expected or ""]
    known = set(content_terms(" ".join([entry.question, *entry.variants])))
    return not (set(content_terms(item.text)) & known)


def matchers_for(entries: Sequence[FaqEntry]) -> list[tuple[str, Predict]]:
    found: list[tuple[str, Predict]] = [
        ("BM25 baseline", Bm25Baseline(entries).predict),
        ("socialops default", ours(entries)),
    ]
    if semantic_installed():
        found.extend(semantic_matchers(entries))
    return found


def _cells(row: dict[str, float]) -> str:
    return " | ".join(f"{row[m]:.0%}" for m in METRICS)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--domain", action="append", help="only this domain (repeatable)")
    parser.add_argument("--faq", type=Path, help="your own FAQ folder (with --messages)")
    parser.add_argument("--messages", type=Path, help="your own labelled messages CSV")
    args = parser.parse_args()
    if args.faq or args.messages:
        if not (args.faq and args.messages):
            parser.error("--faq and --messages go together")
        domains = [load_domain("yours", args.faq, args.messages)]
    else:
        domains = all_domains()
        if args.domain:
            names = {d.name for d in domains}
            missing = sorted(set(args.domain) - names)
            if missing:
                parser.error(f"no such domain: {', '.join(missing)} (there are {sorted(names)})")
            domains = [d for d in domains if d.name in args.domain]
    if not semantic_installed():
        print(f"The semantic extra is not installed, so no semantic rows ({INSTALL_HINT}).\n")
    print("| domain | rows | matcher | " + " | ".join(METRICS) + " |")
    print("|---|---|---|" + "---:|" * len(METRICS))
    blind: dict[str, list[dict[str, float]]] = defaultdict(list)
    for domain in domains:
        by_id = {entry.id: entry for entry in domain.entries}
        answerable = [d for d in domain.messages if d.expected]
        disjoint = sum(shares_no_word(d, by_id) for d in answerable)
        label = (
            f"{domain.name} ({len(domain.entries)} entries; {len(answerable)} answerable, "
            f"{disjoint} sharing no content word)"
        )
        splits = sorted({d.split for d in domain.messages}, key=lambda s: (s == "dev", s))
        for name, predict in matchers_for(domain.entries):
            for split in splits:
                rows = [d for d in domain.messages if d.split == split]
                scores = evaluate(predict, rows)
                if split == "test":
                    blind[name].append(scores)
                print(f"| {label} | {split} ({len(rows)}) | {name} | {_cells(scores)} |")
    for name, results in blind.items():
        average = {m: sum(r[m] for r in results) / len(results) for m in METRICS}
        print(
            f"| macro average, {len(results)} blind domains | test | {name} | {_cells(average)} |"
        )


if __name__ == "__main__":
    main()
