"""Promise 3: a copy of the database is made before every import, in the CLI and the window."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from db.backup import KEEP_BEFORE_IMPORT, backup_before_import
from db.models import Agreement
from db.session import Database
from desktop import cli
from desktop.context import AppContext
from desktop.ics.dialogs import ImportDialog

GOOGLE = Path(__file__).resolve().parents[1] / "ics" / "fixtures" / "google-calendar.ics"
IMPORTED = "Espoo-päivä"
TARGET = "Strategic partnership agreement 2025–2029"


def milestone_titles(path: Path) -> set[str]:
    con = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        return {row[0] for row in con.execute("SELECT title FROM milestone")}
    finally:
        con.close()


def before_import_copies(database: Path) -> list[Path]:
    return sorted((database.parent / "backups").glob(f"{database.stem}-before-import-*.db"))


def test_cli_import_backs_up_what_was_there(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["init", "--sample", "--db", str(db_path)]) == 0
    before = milestone_titles(db_path)
    args = ["import-ics", str(GOOGLE), "--db", str(db_path), "--agreement", TARGET]
    assert cli.main([*args, "--dry-run"]) == 0
    assert before_import_copies(db_path) == []  # a dry run changes nothing, copies nothing
    assert cli.main(args) == 0
    assert "Backup before import:" in capsys.readouterr().err
    (copy,) = before_import_copies(db_path)
    assert IMPORTED in milestone_titles(db_path)
    assert milestone_titles(copy) == before
    assert copy.stat().st_mode & 0o077 == 0  # private, like the database


def test_a_refused_import_still_leaves_the_database_untouched(
    db_path: Path, tmp_path: Path
) -> None:
    assert cli.main(["init", "--sample", "--db", str(db_path)]) == 0
    broken = tmp_path / "broken.ics"
    broken.write_bytes(GOOGLE.read_bytes().rsplit(b"END:VEVENT", 1)[0])
    before = milestone_titles(db_path)
    assert cli.main(["import-ics", str(broken), "--db", str(db_path), "--agreement", TARGET]) == 2
    assert milestone_titles(db_path) == before


def test_before_import_copies_are_pruned(db_path: Path, sample_db: Database) -> None:
    start = datetime(2026, 11, 29, 9, 0)
    made = [
        backup_before_import(sample_db.path, now=start + timedelta(minutes=i))
        for i in range(KEEP_BEFORE_IMPORT + 3)
    ]
    kept = before_import_copies(sample_db.path)  # type: ignore[arg-type]
    assert kept == made[3:]
    folder = sample_db.path.parent / "backups"  # type: ignore[union-attr]
    cut_short = folder / "accord-before-import-20261129-080000-000000.db.partial"
    cut_short.write_bytes(b"half a copy")
    backup_before_import(sample_db.path)
    assert not cut_short.exists()


def test_no_copy_for_a_database_that_is_not_a_file() -> None:
    assert backup_before_import(None) is None


def test_window_import_backs_up_first(qtbot: QtBot, sample_db: Database) -> None:
    context = AppContext(sample_db, today=lambda: date(2026, 11, 29))
    before = milestone_titles(sample_db.path)  # type: ignore[arg-type]
    dialog = ImportDialog(context, path=str(GOOGLE))
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 3, timeout=20_000)
    with sample_db.sessions() as s:
        target = s.scalar(select(Agreement.id).where(Agreement.title == TARGET))
    dialog.agreement.setCurrentIndex(dialog.agreement.findData(target))
    qtbot.waitUntil(dialog.import_button.isEnabled, timeout=20_000)
    with qtbot.waitSignal(dialog.imported, timeout=20_000):
        dialog.import_button.click()
    (copy,) = before_import_copies(sample_db.path)  # type: ignore[arg-type]
    assert milestone_titles(copy) == before
    assert IMPORTED in milestone_titles(sample_db.path)  # type: ignore[arg-type]
