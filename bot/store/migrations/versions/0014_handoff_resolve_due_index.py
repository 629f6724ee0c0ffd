"""An index on ``handoff.resolve_due_at``: the digest counts resolve deadlines in a window.

0013 indexed the claim deadline but not the resolve deadline, so counting the resolve deadlines
that fell in a window (and passed unmet) had to read every handoff closed since the window
began: fine for today's digest, quadratic for a year of ``socialops report``.

Revision ID: 0014_handoff_resolve_due_index
Revises: 0013
Create Date: 2026-11-30
"""

from __future__ import annotations

from alembic import op

revision: str = "0014_handoff_resolve_due_index"
down_revision: str | None = "0013"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_index("ix_handoff_resolve_due_at", "handoff", ["resolve_due_at"])


def downgrade() -> None:
    op.drop_index("ix_handoff_resolve_due_at", table_name="handoff")
