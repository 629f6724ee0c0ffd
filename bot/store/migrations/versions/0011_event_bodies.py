"""Event claims keep the delivery's body and count their tries, so the clock can replay an event
whose worker died after the ack (Slack does not resend an event it got a 200 for).

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    with op.batch_alter_table("processed_event") as batch:
        # Rows from before have no body: nothing to replay, as before.
        batch.add_column(sa.Column("body", sa.Text(), nullable=True))
        batch.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="1"))


def downgrade() -> None:
    with op.batch_alter_table("processed_event") as batch:
        batch.drop_column("attempts")
        batch.drop_column("body")
