"""search index (SQLite FTS5) kept in step by triggers

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01 10:00:00

For each searchable table (agreement, focus_area, milestone, contact, organisation) two
FTS5 tables whose rowid is the record's id: `search_index_<table>` (title, body) holds all
the text a user would type to find the record, `search_index_<table>_title` its title alone,
which a search tries first (see db/search.py). One pair per kind, not one table for all:
a prefix query reads every posting of the words it matches, so the 200,000 milestones must
not slow down the search for an agreement; and titles alone are a fraction of the text.

Triggers, not ORM events, keep it in step: `db.edits.Restore` writes rows with Core
inserts, ON DELETE CASCADE removes rows SQLAlchemy never sees, and a second program may
write the file. Child rows feed their parent's text (objectives → focus area, other-language
names → organisation, e-mail addresses → contact), so their triggers rebuild the parent.

This migration is a snapshot: it repeats the SQL rather than importing it from db/, so
that a later change to the index is a new migration. Other databases get nothing here;
`db.search` falls back to LIKE queries there. A later migration that recreates one of these
tables (batch mode on SQLite copies and drops it) drops its triggers with it and must
create them again; tests/db/test_search.py checks that they all exist at head.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (table, SQL for the title, SQL for the body, the table's columns that feed them), written
# against the table alias "t". Only text a user would type to find the record.
SOURCES: list[tuple[str, str, str, tuple[str, ...]]] = [
    (
        "agreement",
        "t.title",
        "t.aims || ' ' || t.notes",
        ("title", "aims", "notes"),
    ),
    (
        "focus_area",
        "t.name",
        "t.description || ' ' || coalesce((SELECT group_concat(o.text || ' ' "
        "|| coalesce(o.indicator, ''), ' ') FROM objective AS o WHERE o.focus_area_id = t.id), '')",
        ("name", "description"),
    ),
    (
        "milestone",
        "t.title",
        "t.description || ' ' || coalesce(t.location, '') || ' ' || coalesce(t.audience, '') "
        "|| ' ' || t.outcome || ' ' || coalesce(t.date_wording, '') || ' ' "
        # The stored date ("2024-fall", "2025-03-14"), without the time of an exact one.
        '|| CASE WHEN t."date" GLOB \'????-??-??T*\' THEN substr(t."date", 1, 10) '
        'ELSE t."date" END',
        ("title", "description", "location", "audience", "outcome", "date_wording", '"date"'),
    ),
    (
        "contact",
        "t.name",
        "coalesce(t.title, '') || ' ' || t.notes || ' ' || coalesce((SELECT "
        "group_concat(e.address, ' ') FROM contact_email AS e WHERE e.contact_id = t.id), '')",
        ("name", "title", "notes"),
    ),
    (
        "organisation",
        "t.name",
        "coalesce(t.short_name, '') || ' ' || t.notes || ' ' || coalesce((SELECT "
        "group_concat(n.name, ' ') FROM organisation_name AS n "
        "WHERE n.organisation_id = t.id), '')",
        ("name", "short_name", "notes"),
    ),
]

# (child table, its column pointing at the parent, parent table, child columns that feed it)
CHILDREN: list[tuple[str, str, str, tuple[str, ...]]] = [
    ("objective", "focus_area_id", "focus_area", ("focus_area_id", "text", "indicator")),
    ("contact_email", "contact_id", "contact", ("contact_id", "address")),
    ("organisation_name", "organisation_id", "organisation", ("organisation_id", "name")),
]


def _fill_statements(table: str, title: str, body: str, ref: str | None = None) -> list[str]:
    """INSERTs of the index entries of `table`'s rows (of the row with id `ref`, if given)."""
    where = "" if ref is None else f" WHERE t.id = {ref}"
    return [
        f"INSERT INTO search_index_{table} (rowid, title, body) "
        f"SELECT t.id, {title}, {body} FROM {table} AS t{where}",
        f"INSERT INTO search_index_{table}_title (rowid, title) "
        f"SELECT t.id, {title} FROM {table} AS t{where}",
    ]


def _fill(table: str, title: str, body: str, ref: str) -> str:
    """The same, as statements of a trigger's body."""
    return " ".join(f"{statement};" for statement in _fill_statements(table, title, body, ref))


def _forget(table: str, ref: str) -> str:
    """DELETE the index entries of one record."""
    return (
        f"DELETE FROM search_index_{table} WHERE rowid = {ref}; "
        f"DELETE FROM search_index_{table}_title WHERE rowid = {ref};"
    )


def _index_tables() -> list[str]:
    return [f"search_index_{table}{end}" for table, *_ in SOURCES for end in ("", "_title")]


def _trigger_names() -> list[str]:
    tables = [table for table, *_ in SOURCES] + [child for child, *_ in CHILDREN]
    return [f"search_{t}_{event}" for t in tables for event in ("insert", "update", "delete")]


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    # Prefix indexes for 1-3 letters: the first keystrokes of a word match thousands of
    # records, and without them FTS5 merges every term that starts with those letters.
    options = "tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2 3'"
    for table, title, body, columns in SOURCES:
        op.execute(f"CREATE VIRTUAL TABLE search_index_{table} USING fts5(title, body, {options})")
        op.execute(f"CREATE VIRTUAL TABLE search_index_{table}_title USING fts5(title, {options})")
        for statement in _fill_statements(table, title, body):
            op.execute(statement)
        op.execute(
            f"CREATE TRIGGER search_{table}_insert AFTER INSERT ON {table} BEGIN "
            f"{_fill(table, title, body, 'NEW.id')} END"
        )
        op.execute(
            f"CREATE TRIGGER search_{table}_update AFTER UPDATE OF id, {', '.join(columns)} "
            f"ON {table} BEGIN {_forget(table, 'OLD.id')} {_forget(table, 'NEW.id')} "
            f"{_fill(table, title, body, 'NEW.id')} END"
        )
        op.execute(
            f"CREATE TRIGGER search_{table}_delete AFTER DELETE ON {table} BEGIN "
            f"{_forget(table, 'OLD.id')} END"
        )
    sources = {table: (title, body) for table, title, body, _ in SOURCES}
    for child, fk, parent, columns in CHILDREN:
        title, body = sources[parent]
        # The parent's entry again, from its current rows (titles never come from children,
        # but rebuilding both keeps one statement pair for every trigger).
        old = f"{_forget(parent, f'OLD.{fk}')} {_fill(parent, title, body, f'OLD.{fk}')}"
        new = f"{_forget(parent, f'NEW.{fk}')} {_fill(parent, title, body, f'NEW.{fk}')}"
        op.execute(f"CREATE TRIGGER search_{child}_insert AFTER INSERT ON {child} BEGIN {new} END")
        op.execute(
            f"CREATE TRIGGER search_{child}_update AFTER UPDATE OF {', '.join(columns)} "
            f"ON {child} BEGIN {old} {new} END"
        )
        op.execute(f"CREATE TRIGGER search_{child}_delete AFTER DELETE ON {child} BEGIN {old} END")
    for name in _index_tables():
        op.execute(f"INSERT INTO {name} ({name}) VALUES ('optimize')")


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for name in _trigger_names():
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    for name in _index_tables():
        op.execute(f"DROP TABLE IF EXISTS {name}")
