"""Whether the confidence shown on a suggestion means what it says: a reliability table.

    python -m bench.faq_reliability          # every domain, per split, per matcher
    python -m bench.faq_reliability --fit    # refit the calibration on the dev rows and print it

Of the answers shown at about X% confidence, about X% should be right. For each matcher, the
answered messages of every domain are put in bins by the confidence the bot shows
(``Matcher.confidence``: the raw coverage mapped through the calibration in
``bot/knowledge/confidence.py``), and each bin prints the share that were right and how many
answers it holds. The calibration is fitted on the ``dev`` rows only
(``--fit``: pool-adjacent-violators, so the mapping never goes down as coverage goes up); the
``test`` rows, written blind, say whether it holds on FAQs it never saw.
"""

from __future__ import annotations

import argparse
import itertools
from collections.abc import Sequence

from bench.faq_eval import Domain, all_domains
from bot.knowledge.faq_files import FaqEntry
from bot.knowledge.matcher_protocol import Matcher
from bot.knowledge.matchers import semantic_installed
from bot.knowledge.matching import FaqMatcher

BINS = (0.0, 0.6, 0.7, 0.8, 0.9, 1.01)
# Coverage bins the calibration is fitted over: wide enough to hold dozens of dev answers each.
FIT_BINS = (0.0, 0.4, 0.6, 0.8, 0.95, 1.01)


def answered(matcher: Matcher, domain: Domain, split: str) -> list[tuple[float, float, bool]]:
    """(raw coverage, shown confidence, right) of each answered message of ``split``."""
    found = []
    for item in domain.messages:
        if item.split != split:
            continue
        result = matcher.match(item.text, limit=1)
        if result.abstained or not result.matches:
            continue
        best = result.matches[0]
        found.append((best.coverage, matcher.confidence(best), best.entry_id in item.right))
    return found


def fit(points: Sequence[tuple[float, bool, float]]) -> list[tuple[float, float]]:
    """The calibration curve: the share right in each coverage bin, at the bin's mean coverage,
    made non-decreasing by pooling adjacent bins that break the order (pool-adjacent-violators).
    Each point carries a weight, so that every dev domain counts the same however many answers
    it has: the curve is for any team's FAQ, not the one with the most rows."""
    blocks: list[tuple[float, float, float]] = []  # (weighted coverage, weighted right, weight)
    for low, high in itertools.pairwise(FIT_BINS):
        inside = [(c, r, w) for c, r, w in points if low <= c < high]
        if inside:
            blocks.append(
                (
                    sum(c * w for c, _, w in inside),
                    sum(w for _, r, w in inside if r),
                    sum(w for _, _, w in inside),
                )
            )
    pooled: list[tuple[float, float, float]] = []
    for block in blocks:
        pooled.append(block)
        while len(pooled) > 1 and pooled[-2][1] / pooled[-2][2] > pooled[-1][1] / pooled[-1][2]:
            last = pooled.pop()
            first = pooled.pop()
            pooled.append((first[0] + last[0], first[1] + last[1], first[2] + last[2]))
    return [(round(c / n, 2), round(r / n, 2)) for c, r, n in pooled]


def matchers() -> list[tuple[str, type[FaqMatcher] | object]]:
    found: list[tuple[str, type[FaqMatcher] | object]] = [("offline", FaqMatcher)]
    if semantic_installed():
        from bot.knowledge import semantic

        cache = semantic.EmbeddingCache(semantic.MiniLmEncoder())

        def build(entries: Sequence[FaqEntry]) -> Matcher:
            return semantic.SemanticMatcher(entries, cache=cache)

        found.append(("semantic", build))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fit", action="store_true", help="refit on the dev rows and print it")
    args = parser.parse_args()
    domains = all_domains()
    for name, build in matchers():
        built = {d.name: build(d.entries) for d in domains}  # type: ignore[operator]
        if args.fit:
            dev: list[tuple[float, bool, float]] = []
            for domain in domains:
                rows = answered(built[domain.name], domain, "dev")
                dev.extend((raw, right, 1 / len(rows)) for raw, _shown, right in rows)
            print(f"{name}: {tuple(fit(dev))}")
            continue
        print(f"\n### {name} matcher: share right (answers) by the confidence shown\n")
        labels = [f"{low:.0%} to {min(high, 1):.0%}" for low, high in itertools.pairwise(BINS)]
        print("| domain | rows | " + " | ".join(labels) + " |")
        print("|---|---|" + "---:|" * len(labels))
        for domain in domains:
            for split in sorted({i.split for i in domain.messages}, key=lambda s: s == "dev"):
                rows = answered(built[domain.name], domain, split)
                cells = []
                for low, high in itertools.pairwise(BINS):
                    inside = [right for _raw, shown, right in rows if low <= shown < high]
                    share = f"{sum(inside) / len(inside):.0%} ({len(inside)})" if inside else ""
                    cells.append(share)
                print(f"| {domain.name} | {split} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
