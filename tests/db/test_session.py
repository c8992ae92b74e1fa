"""Opening databases: pragmas, migrations, drift, upgrades with backups, newer schemas."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

import db.session as session_module
from db import operations as ops
from db.errors import AccordError, DatabaseTooNewError
from db.models import Base
from db.search import include_name
from db.session import Database, alembic_config, database_url, head_revision, open_database


def test_sqlite_pragmas_on_every_connection(database: Database) -> None:
    with database.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 5000


def test_new_database_is_at_head_and_matches_the_models(database: Database) -> None:
    with database.engine.connect() as conn:
        # The FTS5 search index is SQL only (migration 0002): the same filter as env.py.
        ctx = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_name": include_name}
        )
        assert ctx.get_current_revision() == head_revision()
        diff = compare_metadata(ctx, Base.metadata)
    assert diff == [], f"models and migrations drifted apart: {diff}"


def test_upgrade_downgrade_upgrade(db_path: Path) -> None:
    db = open_database(db_path)
    with db.engine.begin() as conn:
        command.downgrade(alembic_config(conn), "base")
    with db.engine.connect() as conn:
        tables = {r[0] for r in conn.execute(text("SELECT name FROM sqlite_master"))}
        assert "agreement" not in tables
    with db.engine.begin() as conn:
        command.upgrade(alembic_config(conn), "head")
    with db.transaction() as s:
        ops.add_agreement(s, "After a round trip", term_start="2025")
    db.close()


def test_default_location_and_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    url = database_url(None)
    assert url.database is not None and url.database.endswith("accord.db")
    assert "Accord" in url.database
    monkeypatch.setenv("ACCORD_DB", str(tmp_path / "env.db"))
    assert database_url(None).database == str(tmp_path / "env.db")
    assert database_url(tmp_path / "x.db").database == str(tmp_path / "x.db")
    pg = database_url("postgresql+psycopg://accord:secret@server/accord")
    assert pg.get_backend_name() == "postgresql" and pg.password == "secret"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_database_from_a_newer_accord_is_refused_untouched(db_path: Path) -> None:
    open_database(db_path).close()
    con = sqlite3.connect(db_path)
    con.execute("UPDATE alembic_version SET version_num = 'ffffffffffff'")
    con.commit()
    con.close()
    before = _digest(db_path)
    with pytest.raises(DatabaseTooNewError, match="newer version of Accord"):
        open_database(db_path)
    assert _digest(db_path) == before


def test_foreign_database_is_refused(db_path: Path) -> None:
    con = sqlite3.connect(db_path)
    con.execute("CREATE TABLE notes (x TEXT)")
    con.commit()
    con.close()
    with pytest.raises(AccordError, match="not made by Accord"):
        open_database(db_path)


def test_older_database_is_backed_up_then_upgraded(
    db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A later schema revision (written here) upgrades today's database after a backup."""
    db = open_database(db_path)
    with db.transaction() as s:
        ops.add_agreement(s, "Kept through the upgrade")
    db.close()
    old_head = head_revision()

    migrations = tmp_path / "migrations"
    shutil.copytree(session_module.MIGRATIONS, migrations)
    (migrations / "versions" / "zz_future.py").write_text(
        f'''
import sqlalchemy as sa
from alembic import op
revision = "zzfuture0001"
down_revision = "{old_head}"
branch_labels = None
depends_on = None
def upgrade():
    with op.batch_alter_table("agreement") as batch:
        batch.add_column(sa.Column("future_field", sa.String(10)))
def downgrade():
    with op.batch_alter_table("agreement") as batch:
        batch.drop_column("future_field")
''',
        encoding="utf-8",
    )
    monkeypatch.setattr(session_module, "MIGRATIONS", migrations)
    upgraded = open_database(db_path)
    try:
        assert upgraded.upgraded_from == old_head
        assert upgraded.backup is not None and upgraded.backup.exists()
        with upgraded.engine.connect() as conn:
            title = conn.execute(text("SELECT title, future_field FROM agreement")).one()
        assert title == ("Kept through the upgrade", None)
    finally:
        upgraded.close()
    backup = sqlite3.connect(upgraded.backup)
    assert backup.execute("SELECT version_num FROM alembic_version").fetchone() == (old_head,)
    assert backup.execute("SELECT title FROM agreement").fetchall() == [
        ("Kept through the upgrade",)
    ]
    backup.close()


def test_unreadable_location_gives_a_clear_error(tmp_path: Path) -> None:
    folder = tmp_path / "a-folder.db"
    folder.mkdir()
    with pytest.raises(AccordError, match="Cannot open the database"):
        open_database(folder)


def test_schema_head_constant_matches_the_migration_scripts() -> None:
    assert head_revision() == session_module.SCHEMA_HEAD
