"""An index on milestone (agreement_id, starts_on) for "next milestone" per agreement.

Plain CREATE INDEX, not batch mode: batch mode would copy the table on SQLite and drop the
search triggers of migration 0002 with it.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_milestone_agreement_starts_on", "milestone", ["agreement_id", "starts_on"])


def downgrade() -> None:
    op.drop_index("ix_milestone_agreement_starts_on", table_name="milestone")
