"""How long a worker takes to build the semantic matcher, with the store's vectors and without.

    python -m bench.semantic_startup                  # 10,000 entries, 200 queries, SQLite
    python -m bench.semantic_startup --database-url postgresql+psycopg://…   # a scratch database

Each start runs in a fresh process, as a restarted or new worker does: first *cold*, on a store
with no vectors (the baseline: every question, variant and answer is encoded), then *warm*, on the
store the cold start filled, with a new process-level cache. Each reports the model's load, the
matcher's build, how many texts it encoded, the query p50/p95 over the evaluation messages, and
the process's peak RSS after the build. The FAQ is bench/faq_latency.py's synthetic one (the
shipped entries, words shuffled among them with a fixed seed). With --database-url the scratch
database's all-MiniLM-L6-v2 rows are deleted first, so the cold start really is cold.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path

from sqlalchemy import delete
from sqlmodel import col

from bench.faq_eval import load_messages
from bench.faq_latency import percentile, synthetic_faq
from bot.content import SAMPLE_FAQ_DIR
from bot.knowledge import semantic
from bot.knowledge.embedding_store import EmbeddingStore
from bot.knowledge.faq_files import load_faq_dir
from bot.knowledge.matchers import INSTALL_HINT, semantic_installed
from bot.store.db import create_db_engine, upgrade_database
from bot.store.models import Embedding

HERE = Path(__file__).resolve().parent
ENTRIES = 10_000
QUERIES = 200


def run_start(database_url: str, entries: int, queries: int) -> dict[str, float]:
    """One worker's start in this process: load the model, build the matcher, answer queries."""
    faq = synthetic_faq(load_faq_dir(SAMPLE_FAQ_DIR), entries)
    messages = [m.text for m in load_messages(HERE / "faq_eval" / "messages.csv")][:queries]
    started = time.perf_counter()
    model = semantic.MiniLmEncoder()
    model.warm()
    model.encode(["warm up"])  # the first call sets up torch's kernels; serve does this too
    model_seconds = time.perf_counter() - started

    encoder = CountingEncoder(model)
    engine = create_db_engine(database_url)
    store = EmbeddingStore(engine, model=semantic.MODEL_NAME, dimensions=semantic.MODEL_DIMENSIONS)
    started = time.perf_counter()
    matcher = semantic.SemanticMatcher(faq, cache=semantic.EmbeddingCache(encoder, store=store))
    build_seconds = time.perf_counter() - started
    peak_rss_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    encoded = encoder.texts

    totals: list[float] = []
    lexical: list[float] = []
    encoding: list[float] = []
    for text in messages:
        totals.append(timed(partial(matcher.match, text)))
        lexical.append(
            timed(partial(matcher.lexical.match, text, limit=semantic.LEXICAL_CANDIDATES))
        )
        encoding.append(timed(partial(model.encode, [text[: semantic.MAX_EMBEDDED_CHARS]])))
    engine.dispose()
    return {
        "model_seconds": model_seconds,
        "build_seconds": build_seconds,
        "encoded": encoded,
        "peak_rss_mib": peak_rss_kib / 1024,
        "p50_ms": statistics.median(totals) * 1000,
        "p95_ms": percentile(totals, 0.95) * 1000,
        "lexical_p50_ms": statistics.median(lexical) * 1000,
        "lexical_p95_ms": percentile(lexical, 0.95) * 1000,
        "encode_p50_ms": statistics.median(encoding) * 1000,
        "encode_p95_ms": percentile(encoding, 0.95) * 1000,
    }


class CountingEncoder:
    """The model, counting the texts the build sends it (the queries go to the model directly)."""

    def __init__(self, model: semantic.MiniLmEncoder) -> None:
        self._model = model
        self.texts = 0

    def encode(self, texts: Sequence[str]) -> semantic.Vectors:
        self.texts += len(texts)
        return self._model.encode(texts)


def timed(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def start_in_new_process(database_url: str, entries: int, queries: int) -> dict[str, float]:
    command = [sys.executable, "-m", "bench.semantic_startup", "--child", database_url]
    command += ["--entries", str(entries), "--queries", str(queries)]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def print_table(entries: int, rows: Sequence[tuple[str, dict[str, float]]]) -> None:
    print(f"{entries:,} entries, {rows[0][1]['encoded']:,.0f} distinct texts to embed\n")
    print(
        "| start | model load | matcher build | texts encoded | query p50 | query p95 "
        "| lexical p95 | model p95 | peak RSS |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, r in rows:
        print(
            f"| {name} | {r['model_seconds']:.1f} s | {r['build_seconds']:.1f} s "
            f"| {r['encoded']:,.0f} | {r['p50_ms']:.1f} ms | {r['p95_ms']:.1f} ms "
            f"| {r['lexical_p95_ms']:.1f} ms | {r['encode_p95_ms']:.1f} ms "
            f"| {r['peak_rss_mib']:,.0f} MiB |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=ENTRIES)
    parser.add_argument("--queries", type=int, default=QUERIES)
    parser.add_argument("--database-url", help="a scratch database (default: a new SQLite file)")
    parser.add_argument("--child", metavar="URL", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_start(args.child, args.entries, args.queries)))
        return
    if not semantic_installed():
        raise SystemExit(f"the semantic extra is not installed: {INSTALL_HINT}")
    with tempfile.TemporaryDirectory() as scratch:
        url = args.database_url or f"sqlite:///{scratch}/semantic-startup.db"
        engine = create_db_engine(url)
        upgrade_database(engine)
        with engine.begin() as connection:
            connection.execute(delete(Embedding).where(col(Embedding.model) == semantic.MODEL_NAME))
        engine.dispose()
        print(f"store: {engine.url.render_as_string()}")
        # Timings on a shared machine mean little without how busy it was.
        print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the start")
        cold = start_in_new_process(url, args.entries, args.queries)
        warm = start_in_new_process(url, args.entries, args.queries)
    print_table(args.entries, [("cold (empty store)", cold), ("warm (filled store)", warm)])
    speedup = cold["build_seconds"] / max(warm["build_seconds"], 1e-9)
    print(f"\nwarm build {speedup:,.0f}x faster than the cold baseline in this run")
    print(f"load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
