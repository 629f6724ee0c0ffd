"""The semantic matcher's vectors in the store: a restart or a second worker encodes only new texts.

A counting fake encoder stands in for the model (numpy is needed, torch is not); the store is the
test's own SQLite file, or a PostgreSQL schema when DATABASE_URL names one.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator, Sequence

import pytest

np = pytest.importorskip("numpy")

from sqlalchemy import Engine, event, func, select, update  # noqa: E402

from bot.knowledge import matchers, semantic  # noqa: E402  (needs numpy, skipped above without it)
from bot.knowledge.embedding_store import CHUNK, EmbeddingStore, text_hash  # noqa: E402
from bot.knowledge.faq_files import FaqEntry  # noqa: E402
from bot.knowledge.semantic import EmbeddingCache, SemanticMatcher  # noqa: E402
from bot.store.db import create_db_engine  # noqa: E402
from bot.store.models import Embedding  # noqa: E402
from tests.concurrency import race  # noqa: E402
from tests.migrated import migrate  # noqa: E402

MODEL = "fake-model"
DIMENSIONS = 8
TABLE = Embedding.__table__  # type: ignore[attr-defined]


class CountingEncoder:
    """A deterministic unit vector per text (from its hash); records every text it encodes."""

    def __init__(self, dimensions: int = DIMENSIONS) -> None:
        self.dimensions = dimensions
        self.calls: list[list[str]] = []

    def encode(self, texts: Sequence[str]) -> semantic.Vectors:
        self.calls.append(list(texts))
        rows: semantic.Vectors = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        for row, text in enumerate(texts):
            seed = int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "little")
            rows[row] = np.random.default_rng(seed).standard_normal(self.dimensions)
            rows[row] /= np.linalg.norm(rows[row])
        return rows

    @property
    def encoded(self) -> list[str]:
        return [text for call in self.calls for text in call]


ENTRIES = [
    FaqEntry(
        "order-not-arrived",
        "My parcel is late",
        "Sorry your parcel is late: the courier will chase the missing delivery.",
        ("package missing", "where is my order"),
    ),
    FaqEntry("refund-timing", "When do I get my refund?", "Your refund arrives within 5 days."),
]
TEXTS = [
    "My parcel is late",
    "package missing",
    "where is my order",
    "When do I get my refund?",
    "Sorry your parcel is late: the courier will chase the missing delivery.",
    "Your refund arrives within 5 days.",
]


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    built = create_db_engine(database_url)
    migrate(built)
    yield built
    built.dispose()


def store_on(engine: Engine, model: str = MODEL) -> EmbeddingStore:
    return EmbeddingStore(engine, model=model, dimensions=DIMENSIONS)


def build(engine: Engine, entries: Sequence[FaqEntry] = ENTRIES) -> CountingEncoder:
    """A matcher built as a freshly started worker does: new process cache, the shared store."""
    encoder = CountingEncoder()
    SemanticMatcher(entries, cache=EmbeddingCache(encoder, store=store_on(engine)))
    return encoder


def stored_rows(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(TABLE)).scalar_one())


def test_a_second_build_over_the_same_store_encodes_nothing(engine: Engine) -> None:
    first_encoder = CountingEncoder()
    first = SemanticMatcher(ENTRIES, cache=EmbeddingCache(first_encoder, store=store_on(engine)))
    assert sorted(first_encoder.encoded) == sorted(TEXTS)
    assert stored_rows(engine) == len(TEXTS)

    second_cache = EmbeddingCache(CountingEncoder(), store=store_on(engine))
    second = SemanticMatcher(ENTRIES, cache=second_cache)
    assert isinstance(second_cache.encoder, CountingEncoder)
    assert second_cache.encoder.encoded == []
    # The vectors come back bit for bit, so the restarted worker ranks exactly as before.
    assert np.array_equal(second_cache.vectors(TEXTS), first_encoder.encode(TEXTS))
    query = "courier lost my parcel"
    assert second.match(query) == first.match(query)


def test_a_changed_entry_encodes_only_its_new_texts(engine: Engine) -> None:
    build(engine)
    changed = [
        FaqEntry(
            "order-not-arrived",
            "My parcel is late",
            "Tracking shows no movement for 3 days? DM us your order number.",
            ("package missing", "where is my order", "my box never came"),
        ),
        ENTRIES[1],
    ]
    encoder = build(engine, changed)
    assert sorted(encoder.encoded) == sorted(
        ["Tracking shows no movement for 3 days? DM us your order number.", "my box never came"]
    )


def test_another_models_vectors_are_not_read(engine: Engine) -> None:
    build(engine)
    other = CountingEncoder()
    EmbeddingCache(other, store=store_on(engine, model="another-model")).vectors(TEXTS)
    assert sorted(other.encoded) == sorted(TEXTS)
    assert stored_rows(engine) == 2 * len(TEXTS)


def test_two_workers_writing_the_same_texts_at_once_both_succeed(database_url: str) -> None:
    # Each worker has its own engine (as two processes do) and encodes before either writes, so
    # both insert the same keys: the second must find them taken and carry on, not fail.
    engines = [create_db_engine(database_url) for _ in range(2)]
    migrate(engines[0])
    both_encoded = threading.Barrier(2, timeout=10)

    class RacingEncoder(CountingEncoder):
        def encode(self, texts: Sequence[str]) -> semantic.Vectors:
            vectors = super().encode(texts)
            both_encoded.wait()
            return vectors

    def worker(index: int) -> semantic.Vectors:
        cache = EmbeddingCache(RacingEncoder(), store=store_on(engines[index]))
        return cache.vectors(TEXTS)

    try:
        first, second = race(2, worker)
        assert np.array_equal(first, second)
        assert stored_rows(engines[0]) == len(TEXTS)
        assert build(engines[0]).encoded == []
    finally:
        for built in engines:
            built.dispose()


@pytest.mark.parametrize(
    ("dimensions", "vector"),
    [
        pytest.param(DIMENSIONS, b"\x00" * 5, id="truncated bytes"),
        pytest.param(384, b"\x00" * 384 * 4, id="another model's width"),
        pytest.param(DIMENSIONS, np.full(DIMENSIONS, np.nan, "<f4").tobytes(), id="not numbers"),
    ],
)
def test_a_corrupt_row_is_encoded_again_and_repaired(
    engine: Engine, dimensions: int, vector: bytes
) -> None:
    build(engine)
    broken = "When do I get my refund?"
    with engine.begin() as connection:
        connection.execute(
            update(TABLE)
            .where(TABLE.c.model == MODEL, TABLE.c.text_hash == text_hash(broken))
            .values(dimensions=dimensions, vector=vector)
        )
    repairing = CountingEncoder()
    cache = EmbeddingCache(repairing, store=store_on(engine))
    vectors = cache.vectors(TEXTS)
    assert repairing.encoded == [broken]
    assert np.array_equal(vectors, CountingEncoder().encode(TEXTS))
    assert build(engine).encoded == []  # the row was overwritten with the good vector


def test_reads_and_writes_go_500_keys_at_a_time(engine: Engine) -> None:
    texts = [f"question number {i}" for i in range(2 * CHUNK + 1)]
    encoder = CountingEncoder()
    EmbeddingCache(encoder, store=store_on(engine)).vectors(texts)
    assert [len(call) for call in encoder.calls] == [CHUNK, CHUNK, 1]

    selects: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "embedding" in statement:
            selects.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        again = CountingEncoder()
        EmbeddingCache(again, store=store_on(engine)).vectors(texts)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert again.encoded == []
    assert len(selects) == 3


def test_a_vector_of_the_wrong_width_is_refused_before_it_is_stored(engine: Engine) -> None:
    cache = EmbeddingCache(CountingEncoder(dimensions=DIMENSIONS + 1), store=store_on(engine))
    with pytest.raises(ValueError, match="8 float32 values"):
        cache.vectors(["hello"])
    assert stored_rows(engine) == 0


def test_the_factory_keeps_the_models_vectors_in_the_store_it_is_given(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Services.build passes its engine; the model is replaced by the fake (same width, 384).
    monkeypatch.setattr(matchers, "semantic_installed", lambda: True)
    monkeypatch.setattr(
        semantic, "MiniLmEncoder", lambda: CountingEncoder(dimensions=semantic.MODEL_DIMENSIONS)
    )
    matchers.matcher_factory("semantic", engine=engine)(ENTRIES)
    with engine.connect() as connection:
        models = connection.execute(select(TABLE.c.model, TABLE.c.dimensions).distinct()).all()
    assert models == [(semantic.MODEL_NAME, semantic.MODEL_DIMENSIONS)]
    assert stored_rows(engine) == len(TEXTS)
