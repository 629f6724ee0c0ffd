"""Embeddings: the semantic matcher's vectors of FAQ texts, kept across restarts and workers.

``embedding`` holds one vector per (model, sha256 of the text): encoding a 10,000-entry FAQ with
all-MiniLM-L6-v2 takes minutes, and every worker of every start did it again. Now each text is
encoded once, by whichever process first needs it; the others read its row. ``vector`` is the
raw float32 values, little-endian (BYTEA on PostgreSQL, BLOB on SQLite), ``dimensions`` of them.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.store.types import UTCDateTime

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "embedding",
        sa.Column("model", sa.String(length=128), nullable=False),
        sa.Column("text_hash", sa.String(length=64), nullable=False),
        sa.Column("dimensions", sa.Integer(), nullable=False),
        sa.Column("vector", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("model", "text_hash"),
    )


def downgrade() -> None:
    op.drop_table("embedding")
