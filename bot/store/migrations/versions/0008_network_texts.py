"""Per-network publish texts: a draft keeps the exact text each network gets (UTM tags included).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    # Nullable with no backfill: NULL means every network publishes `text` as written, which is
    # exactly what the drafts stored before this revision were approved as.
    with op.batch_alter_table("draft") as batch:
        batch.add_column(sa.Column("network_texts", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("draft") as batch:
        batch.drop_column("network_texts")
