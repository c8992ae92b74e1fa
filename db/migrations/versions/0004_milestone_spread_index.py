"""A partial index on milestone (starts_on) for series and milestones spread over years.

The Overview and the Calendar read a window of dates through the starts_on index, from a
year before the window (no single date value covers more than a year). Two kinds of
milestone reach further: event series, which repeat after their first occurrence, and
milestones whose explicit end lies more than 366 days after their start. This index holds
only those (few) rows, so that reading them never scans the table (db/overview.py).

Plain CREATE INDEX, not batch mode: batch mode would copy the table on SQLite and drop the
search triggers of migration 0002 with it.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: Kept identical to db/models.py SPREAD_SQLITE / SPREAD_POSTGRESQL (queries repeat them).
SPREAD_SQLITE = "rrule IS NOT NULL OR ends_on > date(starts_on, '+366 days')"
SPREAD_POSTGRESQL = "rrule IS NOT NULL OR ends_on > starts_on + 366"


def upgrade() -> None:
    op.create_index(
        "ix_milestone_spread_starts_on",
        "milestone",
        ["starts_on"],
        sqlite_where=sa.text(SPREAD_SQLITE),
        postgresql_where=sa.text(SPREAD_POSTGRESQL),
    )


def downgrade() -> None:
    op.drop_index("ix_milestone_spread_starts_on", table_name="milestone")
