"""Promise: a database made by every earlier schema revision opens with all its data.

For each revision older than head, a database holding the sample partnership is taken down
to that revision (which also proves each downgrade works), then opened by the app as a user
would: it is backed up, upgraded, and holds exactly the data it had.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic import command
from alembic.script import ScriptDirectory

from db import queries
from db.sample import load_sample
from db.session import alembic_config, head_revision, open_database


def revisions() -> list[str]:
    script = ScriptDirectory.from_config(alembic_config())
    return [r.revision for r in script.walk_revisions() if r.revision != head_revision()]


def visible(path: Path) -> dict[str, object]:
    db = open_database(path)
    try:
        with db.sessions() as s:
            return {
                "agreements": queries.agreements(s),
                "focus_areas": queries.focus_areas(s),
                "milestones": queries.milestones(s),
                "contacts": queries.contacts(s),
            }
    finally:
        db.close()


def test_there_is_history_to_test() -> None:
    assert revisions(), "no earlier revision: this module would test nothing"


@pytest.mark.parametrize("revision", revisions())
def test_database_from_an_earlier_revision_opens_with_all_its_data(
    tmp_path: Path, revision: str
) -> None:
    path = tmp_path / f"made-at-{revision}.db"
    db = open_database(path)
    with db.transaction() as s:
        load_sample(s)
    db.close()
    expected = visible(path)
    db = open_database(path)
    with db.engine.begin() as conn:
        command.downgrade(alembic_config(conn), revision)
    db.close()
    con = sqlite3.connect(path)
    assert con.execute("SELECT version_num FROM alembic_version").fetchone() == (revision,)
    con.close()

    reopened = open_database(path)
    try:
        assert reopened.upgraded_from == revision
        assert reopened.backup is not None and reopened.backup.exists()
    finally:
        reopened.close()
    assert visible(path) == expected
