"""How fast FAQ matching is as the FAQ grows, beside a plain BM25 baseline in the same run.

    python -m bench.faq_latency              # 100, 1,000 and 10,000 entries

The FAQs are synthetic: the shipped ``faq/`` entries, copied with their words shuffled among
entries (a fixed seed) so a big FAQ has realistic vocabulary and posting lists. The queries are
the evaluation set's messages. Reports the index build time and the per-query p50 and p95.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from bench.faq_eval import Bm25Baseline, load_messages
from bot.content import SAMPLE_FAQ_DIR
from bot.knowledge.faq_files import FaqEntry, load_faq_dir
from bot.knowledge.matchers import INSTALL_HINT, semantic_installed
from bot.knowledge.matching import FaqMatcher

HERE = Path(__file__).resolve().parent
SIZES = (100, 1_000, 10_000)


def synthetic_faq(base: Sequence[FaqEntry], size: int, seed: int = 7) -> list[FaqEntry]:
    rng = random.Random(seed)
    vocabulary = [w for e in base for w in f"{e.question} {' '.join(e.variants)}".split()]
    entries = list(base[:size])
    while len(entries) < size:
        model = rng.choice(base)

        def remix(text: str) -> str:
            words = text.split()
            # Keep half the words, swap the rest for words from other entries.
            return " ".join(w if rng.random() < 0.5 else rng.choice(vocabulary) for w in words)

        entries.append(
            FaqEntry(
                id=f"{model.id}-{len(entries)}",
                question=remix(model.question),
                answer=remix(model.answer),
                variants=tuple(remix(v) for v in model.variants),
                tags=model.tags,
            )
        )
    return entries


def semantic_builder() -> Callable[[Sequence[FaqEntry]], Callable[[str], object]]:
    """Builds the hybrid matcher with a fresh vector cache, so the build time includes encoding
    every question, variant and answer; the model itself is loaded (and warmed) beforehand, once,
    as `socialops serve` does at start."""
    from bot.knowledge import semantic

    encoder = semantic.MiniLmEncoder()
    encoder.encode(["warm up"])

    def build(faq: Sequence[FaqEntry]) -> Callable[[str], object]:
        return semantic.SemanticMatcher(faq, cache=semantic.EmbeddingCache(encoder)).match

    return build


def query_time(predict: Callable[[str], object], query: str) -> float:
    started = time.perf_counter()
    predict(query)
    return time.perf_counter() - started


def percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument(
        "--semantic-sizes",
        type=int,
        nargs="*",
        default=list(SIZES),
        help="sizes at which to time the semantic matcher too (when its extra is installed)",
    )
    args = parser.parse_args()
    semantic = semantic_installed()
    if not semantic:
        print(f"The semantic extra is not installed, so no semantic rows ({INSTALL_HINT}).")
    base = load_faq_dir(SAMPLE_FAQ_DIR)
    queries = [m.text for m in load_messages(HERE / "faq_eval" / "messages.csv")]
    print(f"{len(queries)} queries per size (the evaluation messages)\n")
    print("| entries | matcher | index build | p50 per query | p95 per query |")
    print("|---:|---|---:|---:|---:|")
    for size in args.sizes:
        entries = synthetic_faq(base, size)
        builders: list[tuple[str, Callable[[Sequence[FaqEntry]], Callable[[str], object]]]] = [
            ("BM25 baseline", lambda faq: Bm25Baseline(faq).predict),
            ("socialops default", lambda faq: FaqMatcher(faq).match),
        ]
        if semantic and size in args.semantic_sizes:
            builders.append(("socialops semantic", semantic_builder()))
        for name, build in builders:
            started = time.perf_counter()
            predict = build(entries)
            build_seconds = time.perf_counter() - started
            times = [query_time(predict, query) for query in queries]
            print(
                f"| {size:,} | {name} | {build_seconds:.2f} s | "
                f"{statistics.median(times) * 1000:.2f} ms | "
                f"{percentile(times, 0.95) * 1000:.2f} ms |"
            )


if __name__ == "__main__":
    main()
