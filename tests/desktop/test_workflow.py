"""The press release recorded from scratch, the way a coordinator does it in the window.

One real window on a new database file: create the 2025 agreement with its five focus
areas, add Thesis Day as "fall 2024", find it with Ctrl+F, undo and redo, have an end
before the start refused at the field, then close the app and open it again: everything
is still there.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from db.dates import FlexDate, Precision
from db.models import Agreement, FocusArea, Milestone
from desktop.agreements.page import AgreementsPage
from desktop.app import open_for_gui
from desktop.context import AppContext
from desktop.main_window import MainWindow
from desktop.milestones.page import MilestonesPage

CTRL = Qt.KeyboardModifier.ControlModifier
FIVE = [
    "Development of Otaniemi",
    "Attracting talent",
    "Business and innovation collaboration",
    "Promoting learning",
    "Joint advocacy and impact development through research",
]


def start(qtbot: QtBot, path: Path) -> MainWindow:
    opened = open_for_gui(None, path)
    assert opened is not None and not opened.read_only
    context = AppContext(opened.db, today=lambda: date(2026, 11, 29), lock=opened.lock)
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.resize(1100, 700)
    with qtbot.waitExposed(window):
        window.show()
    window.activateWindow()
    return window


def type_enter(qtbot: QtBot, field: QLineEdit, text: str) -> None:
    field.setFocus()
    field.selectAll()
    qtbot.keyClicks(field, text)
    qtbot.keyClick(field, Qt.Key.Key_Return)


def test_record_the_partnership_then_reopen(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "espoo-aalto.db"
    window = start(qtbot, path)
    db = window.context.db

    # Agreements page: Ctrl+N, title, term.
    window.show_page(AgreementsPage)
    agreements = window.page(AgreementsPage)
    qtbot.keyClick(window, Qt.Key.Key_N, CTRL)
    overview = agreements.editor.overview  # type: ignore[attr-defined]
    assert QApplication.focusWidget() is overview.title
    qtbot.keyClicks(overview.title, "Strategic partnership agreement 2025-2029")
    qtbot.keyClick(overview.title, Qt.Key.Key_Return)
    type_enter(qtbot, overview.term_start.edit, "2025")
    type_enter(qtbot, overview.term_end.edit, "2029")

    # An end before the start is refused at the field; nothing is written.
    type_enter(qtbot, overview.term_end.edit, "2020")
    message = overview.date_messages["term_end"]
    assert message.isVisible() and "before it starts" in message.text()
    with db.sessions() as s:
        assert s.scalars(select(Agreement)).one().term_end == FlexDate.year_only(2029)
    type_enter(qtbot, overview.term_end.edit, "2029")

    # Five focus areas.
    agreements.editor.show_section("focus_areas")  # type: ignore[attr-defined]
    areas = agreements.editor.focus_areas  # type: ignore[attr-defined]
    for name in FIVE:
        type_enter(qtbot, areas.new_area, name)
    with db.sessions() as s:
        assert list(s.scalars(select(FocusArea.name).order_by(FocusArea.position))) == FIVE

    # Milestones page: Thesis Day, fall 2024.
    # Ctrl+<n> follows the sidebar's order, whatever pages come before.
    qtbot.keyClick(window, Qt.Key(Qt.Key.Key_1 + window.page_index(MilestonesPage)), CTRL)
    milestones = window.page(MilestonesPage)
    assert window.stack.currentWidget() is milestones
    qtbot.keyClick(milestones.table, Qt.Key.Key_N, CTRL)  # type: ignore[attr-defined]
    editor = milestones.editor  # type: ignore[attr-defined]
    assert QApplication.focusWidget() is editor.title
    qtbot.keyClicks(editor.title, "Thesis Day")
    qtbot.keyClick(editor.title, Qt.Key.Key_Return)
    editor.date.edit.setFocus()
    qtbot.keyClicks(editor.date.edit, "fall 2024")
    assert editor.date.understood.text() == "1 Sep – 30 Nov 2024, season"
    qtbot.keyClick(editor.date.edit, Qt.Key.Key_Return)
    with db.sessions() as s:
        thesis = s.scalars(select(Milestone).where(Milestone.title == "Thesis Day")).one()
        thesis_id = thesis.id
        assert thesis.when.precision is Precision.SEASON

    # Undo the date, redo it: one step each, named in the menu.
    assert window.undo_action.text().replace("&", "").startswith("Undo")
    assert "Thesis Day" in window.undo_action.text()
    window.undo_action.trigger()
    with db.sessions() as s:
        assert s.get(Milestone, thesis_id).when == FlexDate.tbd()  # type: ignore[union-attr]
    window.redo_action.trigger()
    with db.sessions() as s:
        assert s.get(Milestone, thesis_id).when == FlexDate.parse("fall 2024")  # type: ignore[union-attr]

    # Ctrl+F, type, Enter: the milestone opens.
    window.show_page(AgreementsPage)
    qtbot.keyClick(window, Qt.Key.Key_F, CTRL)
    assert QApplication.focusWidget() is window.search
    qtbot.keyClicks(window.search, "thesis")
    qtbot.waitUntil(window.search.popup.isVisible)
    with qtbot.waitSignal(window.search.activated, timeout=3000) as hit:
        qtbot.keyClick(window.search, Qt.Key.Key_Return)
    assert hit.args == ["milestone", thesis_id]
    assert window.stack.currentWidget() is milestones
    assert editor.record()["title"] == "Thesis Day"

    # Close the app; open it again: everything is there.
    window.close()
    window.context.close()
    again = start(qtbot, path)
    with again.context.db.sessions() as s:
        agreement = s.scalars(select(Agreement)).one()
        assert agreement.title == "Strategic partnership agreement 2025-2029"
        assert (agreement.term_start.to_text(), agreement.term_end.to_text()) == ("2025", "2029")
        assert [f.name for f in agreement.focus_areas] == FIVE
        assert [m.when.to_text() for m in agreement.milestones] == ["fall 2024"]
    listed = again.page(AgreementsPage).model  # type: ignore[attr-defined]
    assert listed.rowCount() == 1
    again.close()
    again.context.close()
