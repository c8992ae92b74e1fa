"""Backups from the window, restore from the window, and the unexpected-error dialog."""

from __future__ import annotations

import logging
from datetime import date

import pytest
from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QFileDialog, QMessageBox
from pytestqt.qtbot import QtBot

from db import queries
from db.edits import SetFields
from db.session import Database
from desktop import crash
from desktop.context import AppContext
from desktop.main_window import MainWindow


@pytest.fixture
def window(qtbot: QtBot, sample_db: Database) -> MainWindow:
    win = MainWindow(AppContext(sample_db, today=lambda: date(2026, 11, 29)))
    qtbot.addWidget(win)
    return win


def titles(db: Database) -> list[str]:
    with db.sessions() as s:
        return [a["title"] for a in queries.agreements(s)]


def test_automatic_backups_run_in_the_background(window: MainWindow) -> None:
    window.start_automatic_backups()
    assert QThreadPool.globalInstance().waitForDone(30000)
    folder = window.context.db.path.parent / "backups"  # type: ignore[union-attr]
    names = sorted(p.name for p in folder.glob("*.db"))
    assert names == [
        "accord-daily-20261129.db",
        "accord-monthly-202611.db",
        "accord-weekly-2026W48.db",
    ]


def test_restore_backup_from_the_menu(window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    window.backup_now()
    folder = window.context.db.path.parent / "backups"  # type: ignore[union-attr]
    (backup,) = folder.glob("accord-manual-*.db")
    before = titles(window.context.db)
    with window.context.db.sessions() as s:
        first = queries.agreements(s)[0]["id"]
    assert (
        window.context.apply(SetFields("agreement", first, {"title": "Changed"}), "Rename") is None
    )
    assert titles(window.context.db) != before
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(backup), ""))
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    window.restore_backup()
    assert titles(window.context.db) == before
    assert window.context.undo_stack.count() == 0
    assert list(folder.glob("accord-before-restore-*.db"))


def test_unexpected_error_dialog_has_details_and_log_path(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    shown: dict[str, str] = {}

    def fake_exec(box: QMessageBox) -> int:
        shown["text"], shown["details"] = box.text(), box.detailedText()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", fake_exec)
    try:
        raise RuntimeError("the disk is on fire")
    except RuntimeError as exc:
        with caplog.at_level(logging.ERROR):
            crash.show_unexpected(type(exc), exc, exc.__traceback__)
    assert "accord.log" in shown["text"] and "saved work is safe" in shown["text"]
    assert "RuntimeError: the disk is on fire" in shown["details"]
    assert "Traceback" in shown["details"]
    assert any("the disk is on fire" in r.getMessage() or r.exc_info for r in caplog.records)
