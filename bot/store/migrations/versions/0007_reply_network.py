"""Reply suggestions remember the network the customer wrote on, so the reply draft (and its
length check) is for that network and not always the default one, and who edited the text.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    # Nullable: rows from before this revision were drafted for the default network, which is
    # what a NULL still means when they are sent.
    with op.batch_alter_table("reply_suggestion") as batch:
        batch.add_column(sa.Column("network", sa.String(length=16), nullable=True))
        batch.add_column(sa.Column("edited_by", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("reply_suggestion") as batch:
        batch.drop_column("edited_by")
        batch.drop_column("network")
