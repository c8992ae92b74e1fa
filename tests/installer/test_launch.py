"""How installers start Accord: `--smoke-test`, and .ics files from "Open with Accord"."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QFileOpenEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from db.session import Database
from desktop.cli import build_parser, open_with
from desktop.context import AppContext
from desktop.ics.dialogs import ImportDialog
from desktop.launch import CalendarFiles, bundle_problems
from desktop.main_window import MainWindow

ROOT = Path(__file__).resolve().parents[2]
ACCORD = Path(sys.executable).parent / ("accord.exe" if sys.platform == "win32" else "accord")
CALENDAR = ROOT / "tests" / "ics" / "fixtures" / "google-calendar.ics"


def test_smoke_test_opens_paints_and_quits(tmp_path: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        [str(ACCORD), "--smoke-test", "--db", str(tmp_path / "new.db")],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "painted its window" in result.stdout
    assert (tmp_path / "new.db").exists()  # a new file, created without asking


def test_bundle_problems_name_each_missing_file(qapp: QApplication, tmp_path: Path) -> None:
    problems = bundle_problems(tmp_path)
    assert len(problems) == 3
    assert "icons/accord.svg does not render" in problems[0]
    assert "no report fonts" in problems[1]
    assert "espoo-aalto.toml is missing" in problems[2]


def test_bundle_problems_none_in_a_checkout(qapp: QApplication) -> None:
    assert bundle_problems() == []


@pytest.mark.parametrize(
    ("argv", "routed"),
    [
        (["x.ics"], ["gui", "x.ics"]),
        (["C:\\Users\\a\\Invite.ICS"], ["gui", "C:\\Users\\a\\Invite.ICS"]),
        (["--db", "a.db", "x.ics"], ["--db", "a.db", "gui", "x.ics"]),
        (["--db", "cal.ics"], ["--db", "cal.ics"]),
        (["import-ics", "x.ics"], ["import-ics", "x.ics"]),
        (["list", "agreements"], ["list", "agreements"]),
        ([], []),
    ],
)
def test_open_with_routes_a_calendar_file_to_the_window(argv: list[str], routed: list[str]) -> None:
    assert open_with(argv) == routed


def test_gui_options_parse_from_both_places() -> None:
    parser = build_parser()
    args = parser.parse_args(open_with(["--db", "a.db", "invite.ics"]))
    assert (args.command, args.calendar, args.db, args.smoke_test) == (
        "gui",
        "invite.ics",
        "a.db",
        False,
    )
    assert parser.parse_args(["--smoke-test"]).smoke_test is True
    assert parser.parse_args(["gui", "--smoke-test"]).smoke_test is True


def test_file_open_event_shows_the_import_dialog(qtbot: QtBot, sample_db: Database) -> None:
    """macOS hands a double-clicked file to the running application as a FileOpen event."""
    window = MainWindow()
    qtbot.addWidget(window)
    files = CalendarFiles(window)
    app = QCoreApplication.instance()
    assert app is not None
    app.installEventFilter(files)
    try:
        QCoreApplication.sendEvent(app, QFileOpenEvent(str(CALENDAR)))
        assert files.pending == [str(CALENDAR)]  # no database yet: it waits
        assert not window.findChildren(ImportDialog)
        window.attach(AppContext(sample_db))
        files.flush()
        (dialog,) = window.findChildren(ImportDialog)
        assert dialog.path.text() == str(CALENDAR)
        qtbot.waitUntil(lambda: dialog.model.rowCount() > 0)
        QCoreApplication.sendEvent(app, QFileOpenEvent(str(ROOT / "README.md")))
        assert len(window.findChildren(ImportDialog)) == 1  # other files are not ours
        dialog.reject()
    finally:
        app.removeEventFilter(files)
