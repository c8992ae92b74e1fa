"""The export and import dialogs on a real database, with their off-thread jobs."""

from __future__ import annotations

import threading
from pathlib import Path

import icalendar
import pytest
from ics_testdata import FIXTURES, add_many
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QLineEdit,
    QProgressBar,
    QWidget,
)
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from db.edits import SetFields
from db.models import Agreement, FocusArea, Milestone
from db.session import Database
from desktop.context import AppContext
from desktop.ics.dialogs import (
    ExportDialog,
    ImportDialog,
    Publisher,
    show_export_dialog,
    show_import_dialog,
)

WAIT = 20_000  # ms; jobs run on a shared CI machine


def ids(db: Database, model: type, column: str, value: str) -> list[int]:
    with db.sessions() as s:
        return list(s.scalars(select(model.id).where(getattr(model, column).like(value))))


def _inside(widget: QWidget, kinds: tuple[type, ...]) -> bool:
    parent = widget.parent()
    while parent is not None:
        if isinstance(parent, kinds):
            return True
        parent = parent.parent()
    return False


def controls_without_names(dialog: QWidget) -> list[str]:
    missing = []
    kinds = (
        QAbstractButton,
        QLineEdit,
        QComboBox,
        QAbstractSpinBox,
        QAbstractItemView,
        QProgressBar,
    )
    for widget in dialog.findChildren(QWidget):
        if not isinstance(widget, kinds):
            continue
        if _inside(widget, (QAbstractSpinBox, QComboBox, QAbstractItemView)):
            continue  # the parts of a spin box, a combo box's popup list, a view's editors
        if not widget.accessibleName():
            missing.append(f"{type(widget).__name__} {widget.objectName() or widget.toolTip()}")
    return missing


@pytest.fixture
def context(rich_db: Database) -> AppContext:
    return AppContext(rich_db)


# --- export ------------------------------------------------------------------------------------


def test_export_dialog_counts_then_writes_that_many_events(
    qtbot: QtBot, context: AppContext, tmp_path: Path
) -> None:
    dialog = ExportDialog(context)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: "will hold 20 events" in dialog.summary.text(), timeout=WAIT)
    assert "Left out: 3 undated (TBD)." in dialog.summary.text()
    assert not dialog.note.isHidden()  # reminders are written: the note about clients shows
    assert dialog.count_job is not None
    assert dialog.count_job.thread_name != threading.main_thread().name
    dialog.exact_only.setChecked(True)
    qtbot.waitUntil(lambda: "will hold 7 events" in dialog.summary.text(), timeout=WAIT)
    assert "13 with approximate dates" in dialog.summary.text()
    path = tmp_path / "out.ics"
    assert not dialog.export_button.isEnabled()  # no file chosen yet
    dialog.path.setText(str(path))
    assert dialog.export_button.isEnabled()
    messages: list[str] = []
    context.message.connect(messages.append)
    with qtbot.waitSignal(dialog.exported, timeout=WAIT) as done:
        dialog.export_button.click()
    assert done.args[0].count == 7
    events = icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT")
    assert len(events) == 7
    assert messages == [f"Wrote 7 events to {path}"]
    assert controls_without_names(dialog) == []


def test_export_dialog_opens_on_what_was_right_clicked(
    qtbot: QtBot, context: AppContext, rich_db: Database
) -> None:
    newest = ids(rich_db, Agreement, "title", "Strategic%")
    dialog = ExportDialog(context, agreement_ids=newest)
    qtbot.addWidget(dialog)
    assert dialog.by_agreement.isChecked() and dialog.scope().agreement_ids == tuple(newest)
    qtbot.waitUntil(lambda: "will hold 12 events" in dialog.summary.text(), timeout=WAIT)

    area = ids(rich_db, FocusArea, "name", "Development of Otaniemi")
    dialog = ExportDialog(context, focus_area_ids=area)
    qtbot.addWidget(dialog)
    assert dialog.by_area.isChecked()
    qtbot.waitUntil(lambda: "will hold 2 events" in dialog.summary.text(), timeout=WAIT)

    chosen = ids(rich_db, Milestone, "title", "%steering group%")
    dialog = ExportDialog(context, milestone_ids=chosen)
    qtbot.addWidget(dialog)
    assert dialog.by_selection.isChecked() and not dialog.by_selection.isHidden()
    assert "(2)" in dialog.by_selection.text()
    qtbot.waitUntil(lambda: "will hold 2 events" in dialog.summary.text(), timeout=WAIT)


def test_export_can_be_cancelled_and_writes_nothing(
    qtbot: QtBot, context: AppContext, rich_db: Database, tmp_path: Path
) -> None:
    add_many(rich_db, 1500)
    path = tmp_path / "published.ics"
    path.write_bytes(b"the previous file")
    dialog = ExportDialog(context)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: "will hold" in dialog.summary.text(), timeout=WAIT)
    dialog.path.setText(str(path))
    dialog.start_export()
    assert not dialog.export_button.isEnabled()
    dialog.cancel_button.click()  # cancels the job, does not close the dialog
    qtbot.waitUntil(lambda: "cancelled" in dialog.summary.text(), timeout=WAIT)
    assert path.read_bytes() == b"the previous file"
    assert dialog.export_button.isEnabled()


def test_published_file_follows_changes(
    qtbot: QtBot, context: AppContext, rich_db: Database, tmp_path: Path
) -> None:
    path = tmp_path / "feed.ics"
    dialog = ExportDialog(context)
    qtbot.addWidget(dialog)
    dialog.path.setText(str(path))
    dialog.keep_updated.setChecked(True)
    qtbot.waitUntil(dialog.export_button.isEnabled, timeout=WAIT)
    with qtbot.waitSignal(dialog.exported, timeout=WAIT):
        dialog.export_button.click()
    assert len(context.findChildren(Publisher)) == 1
    (steering,) = ids(rich_db, Milestone, "title", "Steering group")
    assert context.apply(SetFields("milestone", steering, {"title": "Steering board"}), "x") is None
    qtbot.waitUntil(lambda: b"SUMMARY:Steering board" in path.read_bytes(), timeout=WAIT)


def test_show_export_dialog_opens_a_window_modal_dialog(qtbot: QtBot, context: AppContext) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    show_export_dialog(context, parent)
    dialog = parent.findChild(ExportDialog)
    assert dialog is not None and dialog.isVisible()
    dialog.reject()


# --- import ------------------------------------------------------------------------------------


def test_import_preview_choice_import_and_undo(
    qtbot: QtBot, context: AppContext, rich_db: Database, qtmodeltester: object
) -> None:
    dialog = ImportDialog(context, path=str(FIXTURES / "google-calendar.ics"))
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 3, timeout=WAIT)
    qtmodeltester.check(dialog.model)  # type: ignore[attr-defined]
    statuses = [dialog.model.index(r, 0).data() for r in range(3)]
    assert statuses == ["new", "new", "new"]
    assert "Choose the agreement for 3 new events" in dialog.summary.text()
    assert not dialog.import_button.isEnabled()
    (newest,) = ids(rich_db, Agreement, "title", "Strategic%")
    dialog.agreement.setCurrentIndex(dialog.agreement.findData(newest))
    qtbot.waitUntil(dialog.import_button.isEnabled, timeout=WAIT)
    (talent,) = ids(rich_db, FocusArea, "name", "Attracting talent")
    dialog.focus_area.setCurrentIndex(dialog.focus_area.findData(talent))
    assert controls_without_names(dialog) == []
    with (
        qtbot.waitSignal(context.changed, timeout=WAIT) as changed,
        qtbot.waitSignal(dialog.imported, timeout=WAIT),
    ):
        dialog.import_button.click()
    assert changed.args[0].touches("milestone")
    assert context.undo_stack.count() == 1
    assert context.undo_stack.undoText() == "Import google-calendar.ics"
    titles = {"Talent Boost -aamiainen", "Yrityskummien tapaaminen", "Espoo-päivä"}
    with rich_db.sessions() as s:
        found = s.scalars(select(Milestone).where(Milestone.title.in_(titles))).all()
        assert {m.title for m in found} == titles
        assert all([f.id for f in m.focus_areas] == [talent] for m in found)
    context.undo_stack.undo()
    with rich_db.sessions() as s:
        assert not s.scalars(select(Milestone).where(Milestone.title.in_(titles))).all()
    context.undo_stack.redo()
    with rich_db.sessions() as s:
        assert len(s.scalars(select(Milestone).where(Milestone.title.in_(titles))).all()) == 3


def test_import_of_an_exported_file_shows_unchanged_and_a_conflict(
    qtbot: QtBot, context: AppContext, rich_db: Database, tmp_path: Path
) -> None:
    from desktop.ics.export import ExportScope, export_file

    path = tmp_path / "round.ics"
    export_file(rich_db, ExportScope(), path)
    path.write_bytes(
        path.read_bytes().replace(b"SUMMARY:Steering group\r\n", b"SUMMARY:Steering (moved)\r\n")
    )
    (steering,) = ids(rich_db, Milestone, "title", "Steering group")
    rich_db.run(SetFields("milestone", steering, {"location": "Otaniemi"}).apply)
    dialog = ImportDialog(context, path=str(path))
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 20, timeout=WAIT)
    statuses = [dialog.model.index(r, 0).data() for r in range(20)]
    assert statuses.count("in conflict") == 1 and statuses.count("unchanged") == 19
    assert not dialog.import_button.isEnabled()  # a conflict alone imports nothing
    dialog.take_theirs.setChecked(True)
    assert dialog.import_button.isEnabled()


def test_import_of_a_broken_file_says_which_line(qtbot: QtBot, context: AppContext) -> None:
    dialog = ImportDialog(context, path=str(FIXTURES / "truncated.ics"))
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: "line 14" in dialog.summary.text(), timeout=WAIT)
    assert "truncated" in dialog.summary.text()
    assert not dialog.import_button.isEnabled()


def test_import_can_be_cancelled_and_imports_nothing(
    qtbot: QtBot, context: AppContext, rich_db: Database
) -> None:
    (newest,) = ids(rich_db, Agreement, "title", "Strategic%")
    dialog = ImportDialog(context, path=str(FIXTURES / "thunderbird.ics"))
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 2, timeout=WAIT)
    dialog.agreement.setCurrentIndex(dialog.agreement.findData(newest))
    qtbot.waitUntil(dialog.import_button.isEnabled, timeout=WAIT)
    dialog.start_import()
    dialog.cancel_button.click()
    qtbot.waitUntil(lambda: "nothing was imported" in dialog.summary.text(), timeout=WAIT)
    with rich_db.sessions() as s:
        assert not s.scalars(select(Milestone).where(Milestone.title.like("Tutkimus%"))).all()
    assert context.undo_stack.count() == 0


def test_show_import_dialog_with_a_path(qtbot: QtBot, context: AppContext) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    show_import_dialog(context, parent, str(FIXTURES / "apple-calendar.ics"))
    dialog = parent.findChild(ImportDialog)
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 2, timeout=WAIT)
    dialog.reject()
