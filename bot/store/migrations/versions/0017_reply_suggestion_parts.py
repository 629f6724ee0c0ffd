"""``reply_suggestion.parts`` and ``chosen_by_model``: what a redraw must still say.

``parts``: the questions of a several-question message and their entries.
A reply that answers two questions from two entries is learned from part by part when it is
approved (each question becomes a variant of its own entry, not the whole message a variant of
the first), so the parts and the entries that answered them are kept with the suggestion.
``chosen_by_model``: the configured model, not the matcher, chose the entry; a redraw after a
click must still cite it so.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    with op.batch_alter_table("reply_suggestion") as batch:
        # JSON list of [part text, entry id or null]; null for a one-question message.
        batch.add_column(sa.Column("parts", sa.Text(), nullable=True))
        batch.add_column(
            sa.Column("chosen_by_model", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("reply_suggestion") as batch:
        batch.drop_column("chosen_by_model")
        batch.drop_column("parts")
