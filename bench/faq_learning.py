"""Whether learning from approved replies shows: top-1 after 0, 25, 50 and 100 approvals.

    python -m bench.faq_learning          # every domain under bench/faq_eval/domains, and the sample FAQ

When an approver approves a suggested reply, the customer's message becomes a learned variant of
the entry the reply answered (``bot.workflows.faq.learn_variant``), and the matcher is rebuilt
from the store's entries with their learned variants merged in (``bot.knowledge.faq_store``).
This replays that on the evaluation sets.

Protocol, per domain (an FAQ folder and its labelled ``messages.csv``) and per seed:

1. Shuffle the domain's answerable messages with ``random.Random(seed)``. The first 100 are the
   approvals pool; the rest, plus every must-abstain message, are the held-out set.
2. Sync the FAQ into a fresh SQLite store (``sync_faq``), as `socialops serve` does at start.
3. At 0, 25, 50 and 100 approvals: teach the pool's next messages in order, each one an approved
   reply to its expected entry, through ``learn_variant`` itself (so its whitespace folding,
   500-character cut, duplicate check and ``MAX_LEARNED`` cap all apply); rebuild the matcher
   from ``all_entries`` (the store's entries with learned variants, as the knowledge cache reads
   them); score the same held-out set. Held-out messages are never taught, so a gain is the
   approvals generalising to messages the bot has not seen, not it remembering them.
4. Top-1 is the share of held-out answerable messages whose right entry is ranked first and not
   abstained on; silence the share of held-out must-abstain messages on which nothing is answered or offered (both from
   ``bench.faq_eval.evaluate``).

Seeds 1, 2 and 3 are run and their mean printed. The macro average is over the blind domains
(every row ``test``); a domain with ``dev`` rows (looked at while tuning: the fitness domain, and
the sample FAQ the matcher's lexicon was written for) is marked ``(dev)`` and left out of it. The default offline matcher is always run; the semantic one too when its extra is
installed, with one embedding cache across rebuilds as a running process keeps, and the
customers' messages encoded once (a process encodes each message once too; here the same
held-out message is asked at every point of every seed).
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlmodel import Session

if TYPE_CHECKING:
    from bot.knowledge.semantic import Encoder, Vectors

from bench.faq_eval import Domain, Labelled, all_domains, evaluate, ours
from bot.knowledge.faq_files import FaqEntry
from bot.knowledge.faq_store import all_entries
from bot.knowledge.matcher_protocol import Matcher, MatcherFactory
from bot.knowledge.matchers import INSTALL_HINT, matcher_factory, semantic_installed
from bot.store.db import create_db_engine, make_session_factory, upgrade_database
from bot.workflows.faq import learn_variant, sync_faq

POINTS = (0, 25, 50, 100)
POOL = 100
SEEDS = (1, 2, 3)
# Learned variants carry a timestamp; the curve does not depend on it.
TAUGHT_AT = datetime(2025, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class CurvePoint:
    approvals: int
    top1: float
    silence: float


def split_for_learning(
    data: Sequence[Labelled], *, seed: int, pool: int = POOL
) -> tuple[list[Labelled], list[Labelled]]:
    """The approvals pool (shuffled answerable messages, the first ``pool``) and the held-out set."""
    answerable = [item for item in data if item.expected is not None]
    random.Random(seed).shuffle(answerable)
    must_abstain = [item for item in data if item.expected is None]
    return answerable[:pool], answerable[pool:] + must_abstain


@contextmanager
def faq_store(entries: Sequence[FaqEntry]) -> Iterator[Session]:
    """A fresh SQLite store at the current schema holding ``entries``, as after `faq sync`."""
    with tempfile.TemporaryDirectory() as folder:
        engine = create_db_engine(f"sqlite:///{Path(folder) / 'learning.db'}")
        try:
            upgrade_database(engine)
            with make_session_factory(engine)() as session:
                sync_faq(session=session, entries=entries, now=TAUGHT_AT)
                yield session
        finally:
            engine.dispose()


def learning_curve(
    entries: Sequence[FaqEntry],
    approvals: Sequence[Labelled],
    held_out: Sequence[Labelled],
    *,
    build: MatcherFactory,
    points: Sequence[int] = POINTS,
) -> list[CurvePoint]:
    """Teach ``approvals`` in order, scoring ``held_out`` after the first n of them for n in ``points``."""
    curve = []
    taught = 0
    with faq_store(entries) as session:
        for point in points:
            for item in approvals[taught:point]:
                learn_variant(
                    session=session, entry_id=str(item.expected), text=item.text, now=TAUGHT_AT
                )
            taught = max(taught, point)
            row = evaluate(ours([], build(all_entries(session))), held_out)
            curve.append(CurvePoint(point, row["top-1"], row["silence"]))
    return curve


def mean_curve(domain: Domain, build: MatcherFactory, seeds: Sequence[int]) -> list[CurvePoint]:
    entries, data = domain.entries, domain.messages
    runs = []
    for seed in seeds:
        approvals, held_out = split_for_learning(data, seed=seed)
        runs.append(learning_curve(entries, approvals, held_out, build=build))
    return [
        CurvePoint(
            at[0].approvals,
            statistics.fmean(p.top1 for p in at),
            statistics.fmean(p.silence for p in at),
        )
        for at in zip(*runs, strict=True)
    ]


def is_dev(domain: Domain) -> bool:
    return any(item.split == "dev" for item in domain.messages)


def table(curves: dict[str, list[CurvePoint]], dev_only: set[str]) -> list[str]:
    """One markdown row per domain, top-1 at every point and silence at the first and last."""
    header = " | ".join(str(p) for p in POINTS)
    lines = [
        f"| domain | {header} | silence {POINTS[0]} | silence {POINTS[-1]} |",
        "|---|" + "---:|" * (len(POINTS) + 2),
    ]

    def row(name: str, curve: Sequence[CurvePoint]) -> str:
        top1 = " | ".join(f"{p.top1:.1%}" for p in curve)
        return f"| {name} | {top1} | {curve[0].silence:.1%} | {curve[-1].silence:.1%} |"

    for name, curve in curves.items():
        lines.append(row(f"{name} (dev)" if name in dev_only else name, curve))
    counted = [curve for name, curve in curves.items() if name not in dev_only]
    if counted:
        macro = [
            CurvePoint(
                at[0].approvals,
                statistics.fmean(p.top1 for p in at),
                statistics.fmean(p.silence for p in at),
            )
            for at in zip(*counted, strict=True)
        ]
        lines.append(row(f"**macro average ({len(counted)} domains)**", macro))
    return lines


def semantic_factory() -> MatcherFactory:
    """The semantic matcher with one cache across rebuilds and each message encoded once."""
    from bot.knowledge.semantic import EmbeddingCache, MiniLmEncoder, SemanticMatcher

    cache = EmbeddingCache(MemoEncoder(MiniLmEncoder()))

    def build(entries: Sequence[FaqEntry]) -> Matcher:
        return SemanticMatcher(entries, cache=cache)

    return build


class MemoEncoder:
    """An encoder that remembers every text it encoded (the benchmark asks the same ones again)."""

    def __init__(self, encoder: Encoder) -> None:
        self._encoder = encoder
        self._seen: dict[str, Vectors] = {}

    def encode(self, texts: Sequence[str]) -> Vectors:
        import numpy as np

        missing = [t for t in dict.fromkeys(texts) if t not in self._seen]
        if missing:
            self._seen.update(zip(missing, self._encoder.encode(missing), strict=True))
        if not texts:
            return self._encoder.encode([])
        return np.stack([self._seen[t] for t in texts])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=list(SEEDS))
    args = parser.parse_args()
    domains = all_domains()
    dev_only = {d.name for d in domains if is_dev(d)}
    matchers: list[tuple[str, MatcherFactory]] = [("offline (default)", matcher_factory("offline"))]
    if semantic_installed():
        matchers.append(("semantic", semantic_factory()))
    print(
        f"Top-1 on held-out messages after n approvals (pool {POOL}, mean of seeds "
        f"{', '.join(map(str, args.seeds))}); silence on held-out must-abstain messages.\n"
    )
    for label, build in matchers:
        curves = {d.name: mean_curve(d, build, args.seeds) for d in domains}
        print(f"### {label} matcher\n")
        print("\n".join(table(curves, dev_only)) + "\n")
    if not semantic_installed():
        print(f"The semantic extra is not installed, so no semantic table ({INSTALL_HINT}).")


if __name__ == "__main__":
    main()
