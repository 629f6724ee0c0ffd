"""The ``embedding`` table as the semantic matcher reads and writes it: vectors by text hash.

Plain bytes in, plain bytes out (numpy stays in bot/knowledge/semantic.py, so this module costs
the default install nothing). Reads and writes go in chunks of :data:`CHUNK` keys: a SELECT … IN
over 40,000 hashes would pass PostgreSQL's 65,535 parameters and old SQLite's 999.

Several processes fill the table at once (every web worker builds the matcher at start), so a
write never fails on a row another process wrote first: it is insert-or-ignore on the key, and
the vectors are the same either way because the same model encoded the same text.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Engine, Insert, and_, bindparam, select, update
from sqlalchemy.dialects import postgresql, sqlite

from bot.core.clock import Clock, system_clock
from bot.store.models import Embedding

# Keys per statement: 500 hashes + the model name stay far below every backend's parameter limit.
CHUNK = 500
FLOAT32_BYTES = 4

T = TypeVar("T")


def text_hash(text: str) -> str:
    """The key of a text: hex sha256 of its UTF-8 bytes."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class StoredVector:
    dimensions: int
    vector: bytes

    def fits(self, dimensions: int) -> bool:
        """Whether the row holds what a ``dimensions``-wide float32 vector takes, no more or less."""
        return self.dimensions == dimensions and len(self.vector) == dimensions * FLOAT32_BYTES


class EmbeddingStore:
    """One model's vectors in the store; ``dimensions`` is how wide that model's vectors are."""

    def __init__(
        self, engine: Engine, *, model: str, dimensions: int, clock: Clock = system_clock
    ) -> None:
        self.engine = engine
        self.model = model
        self.dimensions = dimensions
        self._clock = clock

    def load(self, hashes: Sequence[str]) -> dict[str, StoredVector]:
        """The rows this model has for ``hashes`` (absent ones are simply not in the result)."""
        found: dict[str, StoredVector] = {}
        table = Embedding.__table__  # type: ignore[attr-defined]
        with self.engine.connect() as connection:
            for chunk in chunks(list(dict.fromkeys(hashes)), CHUNK):
                rows = connection.execute(
                    select(table.c.text_hash, table.c.dimensions, table.c.vector).where(
                        table.c.model == self.model, table.c.text_hash.in_(chunk)
                    )
                )
                for key, dimensions, vector in rows:
                    found[key] = StoredVector(int(dimensions), bytes(vector))
        return found

    def save(self, vectors: Mapping[str, bytes], *, replacing: Collection[str] = ()) -> None:
        """Write ``vectors`` (hash → float32 little-endian bytes), one transaction per chunk.

        A hash already in the table is left as it is (another process wrote the same vector),
        except those in ``replacing``: rows the caller read and found unusable, overwritten.
        """
        for vector in vectors.values():
            if len(vector) != self.dimensions * FLOAT32_BYTES:
                raise ValueError(f"a {self.model} vector must be {self.dimensions} float32 values")
        now = self._clock()
        table = Embedding.__table__  # type: ignore[attr-defined]
        fresh = [key for key in vectors if key not in replacing]
        for chunk in chunks(fresh, CHUNK):
            rows = [
                {
                    "model": self.model,
                    "text_hash": key,
                    "dimensions": self.dimensions,
                    "vector": vectors[key],
                    "created_at": now,
                }
                for key in chunk
            ]
            with self.engine.begin() as connection:
                connection.execute(self._insert_ignoring_duplicates(), rows)
        stale = [key for key in vectors if key in replacing]
        overwrite = (
            update(table)
            .where(and_(table.c.model == self.model, table.c.text_hash == bindparam("key")))
            .values(dimensions=self.dimensions, vector=bindparam("new_vector"), created_at=now)
        )
        for chunk in chunks(stale, CHUNK):
            with self.engine.begin() as connection:
                connection.execute(
                    overwrite, [{"key": key, "new_vector": vectors[key]} for key in chunk]
                )

    def _insert_ignoring_duplicates(self) -> Insert:
        """INSERT … ON CONFLICT DO NOTHING in this engine's dialect (SQLite or PostgreSQL)."""
        table: Any = Embedding.__table__  # type: ignore[attr-defined]
        name = self.engine.dialect.name
        if name == "postgresql":
            return postgresql.insert(table).on_conflict_do_nothing()
        if name == "sqlite":
            return sqlite.insert(table).on_conflict_do_nothing()
        raise ValueError(f"the embedding store supports SQLite and PostgreSQL, not {name}")


def chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
