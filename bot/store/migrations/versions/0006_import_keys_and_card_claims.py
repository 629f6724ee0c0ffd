"""Import keys and card-post claims on drafts.

``import_key`` makes a CSV row importable once (a unique index, so it holds with two imports
racing); ``card_claimed_until`` is the lease a process takes before it posts a draft's card, so
the import and the clock's retry never both post the same card.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.store.types import UTCDateTime

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    with op.batch_alter_table("draft") as batch:
        batch.add_column(sa.Column("import_key", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("card_claimed_until", UTCDateTime(), nullable=True))
    # NULL for drafts made in Slack: a unique index allows any number of NULLs on both databases.
    op.create_index("ix_draft_import_key", "draft", ["import_key"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_draft_import_key", table_name="draft")
    with op.batch_alter_table("draft") as batch:
        batch.drop_column("card_claimed_until")
        batch.drop_column("import_key")
