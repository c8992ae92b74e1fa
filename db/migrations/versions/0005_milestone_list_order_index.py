"""A covering index for the Milestones list: every id in display order from the index alone.

`milestone_ids()` reads the id, the date keys and the filter columns of every milestone in
(starts_on, precision_rank, date, id) order. Without this index SQLite either sorts the
whole table or walks the starts_on index fetching each row, 1.7-3.5 s at 200,000
milestones; with it, one pass over a small index (tests/benchmarks/bench_open.py).

Plain CREATE INDEX, not batch mode: batch mode would copy the table on SQLite and drop the
search triggers of migration 0002 with it.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = [
    "starts_on",
    "precision_rank",
    "date",
    "id",
    "ends_on",
    "rrule",
    "agreement_id",
    "kind",
    "status",
]


def upgrade() -> None:
    op.create_index("ix_milestone_list_order", "milestone", COLUMNS)


def downgrade() -> None:
    op.drop_index("ix_milestone_list_order", table_name="milestone")
