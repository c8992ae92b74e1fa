"""The Agreements page driven as a user would: keys, clicks, menus; checked in the database.

Dialogs are the only thing stubbed (QMessageBox, QColorDialog, QFileDialog); everything
else runs for real on a SQLite file with the sample partnership.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QObject, QPoint, Qt, QUrl, Slot
from PySide6.QtGui import QColor, QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QColorDialog,
    QComboBox,
    QFileDialog,
    QLineEdit,
    QMenu,
    QMessageBox,
    QWidget,
)
from pytestqt.qtbot import QtBot
from sqlalchemy import func, insert, select

from db import operations as ops
from db.dates import FlexDate
from db.models import (
    Agreement,
    AgreementContact,
    AgreementParty,
    Attachment,
    FocusArea,
    IndicatorValue,
    Milestone,
    Objective,
)
from db.session import Database
from desktop.agreements.model import (
    AgreementsModel,
    AttachmentsModel,
    ContactsModel,
    FocusAreasModel,
    HistoryModel,
    MilestonesModel,
    ObjectivesModel,
    PartiesModel,
)
from desktop.agreements.page import AgreementsPage
from desktop.context import AppContext
from desktop.main_window import MainWindow
from desktop.milestones.page import MilestonesPage

TODAY = date(2026, 11, 29)
CURRENT = "Strategic partnership agreement 2025–2029"
SHOTS = Path("/tmp/accord-shots")
Key = Qt.Key
CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def make_window(qtbot: QtBot, db: Database) -> MainWindow:
    win = MainWindow(AppContext(db, today=lambda: TODAY))
    qtbot.addWidget(win)
    win.resize(1100, 680)
    with qtbot.waitExposed(win):
        win.show()
    win.activateWindow()
    win.show_page(AgreementsPage)  # the window opens on the Overview
    return win


@pytest.fixture
def window(qtbot: QtBot, sample_db: Database) -> MainWindow:
    return make_window(qtbot, sample_db)


@pytest.fixture
def empty_window(qtbot: QtBot, database: Database) -> MainWindow:
    return make_window(qtbot, database)


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """QMessageBox.question answers Yes and records what was asked."""
    questions: list[str] = []

    def question(parent: Any, title: str, text: str, *args: Any) -> QMessageBox.StandardButton:
        questions.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", question)
    return questions


def page_of(win: MainWindow) -> AgreementsPage:
    return win.page(AgreementsPage)


def undo_text(win: MainWindow) -> str:
    return win.undo_action.text().replace("&", "")


def redo_text(win: MainWindow) -> str:
    return win.redo_action.text().replace("&", "")


def agreement_id(db: Database, title: str = CURRENT) -> int:
    with db.sessions() as s:
        return ops.find_agreement(s, title).id


def stored(db: Database, model: type, record_id: int) -> Any:
    """A fresh read in a new session."""
    with db.sessions() as s:
        return s.get(model, record_id)


def count(db: Database, model: type, *where: Any) -> int:
    with db.sessions() as s:
        return int(s.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def area_names(db: Database, agreement: int) -> list[str]:
    with db.sessions() as s:
        return list(
            s.scalars(
                select(FocusArea.name)
                .where(FocusArea.agreement_id == agreement)
                .order_by(FocusArea.position)
            )
        )


def type_in(qtbot: QtBot, field: QLineEdit, text: str) -> None:
    """Replace a line edit's text as a user does, and press Enter."""
    field.setFocus()
    field.selectAll()
    qtbot.keyClicks(field, text)
    qtbot.keyClick(field, Key.Key_Return)


def edit_cell(
    qtbot: QtBot, view: QAbstractItemView, row: int, column: int, text: str, wait: bool = True
) -> None:
    """F2 on a cell, type, Enter (the delegate's editor commits)."""
    index = view.model().index(row, column)
    view.setFocus()
    view.setCurrentIndex(index)
    qtbot.keyClick(view, Key.Key_F2)
    editor = view.indexWidget(index)
    assert isinstance(editor, QLineEdit), editor
    editor.selectAll()
    if text:
        qtbot.keyClicks(editor, text)
    else:
        qtbot.keyClick(editor, Key.Key_Backspace)
    qtbot.keyClick(editor, Key.Key_Return)
    # the delegate commits on the next turn of the event loop, as it does for a user
    if wait:
        qtbot.waitUntil(lambda: view.state() != QAbstractItemView.State.EditingState)


def open_current(win: MainWindow) -> AgreementsPage:
    page = page_of(win)
    page.show_record("agreement", agreement_id(win.context.db))
    return page


def model_texts(model: Any, column: int) -> list[str]:
    return [model.index(r, column).data() for r in range(model.rowCount())]


# --- new agreement, title, term ---------------------------------------------------------------


def test_ctrl_n_creates_an_agreement_and_edits_its_title_and_term(
    empty_window: MainWindow, qtbot: QtBot
) -> None:
    win, db = empty_window, empty_window.context.db
    page = page_of(win)
    assert page.table.placeholder() == "No agreements yet — add one with Ctrl+N."
    qtbot.keyClick(win, Key.Key_N, CTRL)
    title = page.editor.overview.title
    assert win.focusWidget() is title
    assert title.text() == "New agreement" and title.selectedText() == "New agreement"
    assert undo_text(win) == "Undo new agreement"
    new_id = page.editor.agreement_id
    assert new_id is not None and stored(db, Agreement, new_id).title == "New agreement"
    assert page.model.rowCount() == 1

    qtbot.keyClicks(title, "Espoo-Vantaa network agreement")
    qtbot.keyClick(title, Key.Key_Return)
    assert stored(db, Agreement, new_id).title == "Espoo-Vantaa network agreement"
    assert undo_text(win) == "Undo rename agreement"
    assert page.model.index(0, 0).data() == "Espoo-Vantaa network agreement"

    overview = page.editor.overview
    type_in(qtbot, overview.term_start.edit, "2025")
    type_in(qtbot, overview.term_end.edit, "2029")
    a = stored(db, Agreement, new_id)
    assert (a.term_start, a.term_end) == (FlexDate.year_only(2025), FlexDate.year_only(2029))
    assert undo_text(win) == "Undo change term end"
    assert page.model.index(0, 2).data() == "2025 – 2029"

    # an end before the start: the db's message at the term-end field, nothing written
    type_in(qtbot, overview.term_end.edit, "2024")
    message = overview.date_messages["term_end"]
    assert message.isVisible()
    assert message.text() == (
        "The term ends (2024) before it starts (2025). Enter an end on or after the start."
    )
    assert overview.term_end.edit.text() == "2024"  # the user's text stays
    assert stored(db, Agreement, new_id).term_end == FlexDate.year_only(2029)
    assert undo_text(win) == "Undo change term end"
    # fixing the start makes the same end valid: typing Enter again saves it
    type_in(qtbot, overview.term_start.edit, "2023")
    type_in(qtbot, overview.term_end.edit, "2024")
    assert not message.isVisible()
    assert stored(db, Agreement, new_id).term_end == FlexDate.year_only(2024)

    # undo and redo, one step at a time, each named
    names = []
    while win.undo_action.isEnabled():
        names.append(undo_text(win))
        win.undo_action.trigger()
    assert names == [
        "Undo change term end",
        "Undo change term start",
        "Undo change term end",
        "Undo change term start",
        "Undo rename agreement",
        "Undo new agreement",
    ]
    assert count(db, Agreement) == 0
    assert page.model.rowCount() == 0
    for _ in range(2):
        win.redo_action.trigger()
    assert redo_text(win) == "Redo change term start"
    a = stored(db, Agreement, new_id)
    assert a.title == "Espoo-Vantaa network agreement" and a.term_start.is_known is False


def test_empty_title_is_refused_at_the_field(window: MainWindow, qtbot: QtBot) -> None:
    page = open_current(window)
    overview = page.editor.overview
    type_in(qtbot, overview.title, "   ")
    assert overview.title_message.isVisible()
    assert "empty" in overview.title_message.text()
    assert overview.title.accessibleDescription() == overview.title_message.text()
    assert stored(window.context.db, Agreement, agreement_id(window.context.db)).title == CURRENT
    assert not window.undo_action.isEnabled()


def test_status_and_aims_are_saved_and_undone(window: MainWindow, qtbot: QtBot) -> None:
    page = open_current(window)
    db, current = window.context.db, agreement_id(window.context.db)
    overview = page.editor.overview
    overview.status.setFocus()
    overview.status.setCurrentIndex(overview.status.findData("expired"))
    overview.status.activated.emit(overview.status.currentIndex())
    assert stored(db, Agreement, current).status.value == "expired"
    assert undo_text(window) == "Undo change status"
    overview.aims.setFocus()
    overview.aims.selectAll()
    qtbot.keyClicks(overview.aims, "Shared aims")
    qtbot.keyClick(overview.aims, Key.Key_Return, CTRL)
    assert stored(db, Agreement, current).aims == "Shared aims"
    assert undo_text(window) == "Undo change aims"
    window.undo_action.trigger()
    window.undo_action.trigger()
    a = stored(db, Agreement, current)
    assert a.status.value == "in_force" and a.aims.startswith("Promote common goals")
    assert overview.status.currentData() == "in_force"


# --- focus areas ---------------------------------------------------------------------------


FIVE = ["Climate", "Housing", "Mobility", "Culture", "Digital services"]


@pytest.fixture
def fresh(window: MainWindow) -> tuple[MainWindow, AgreementsPage, int]:
    db = window.context.db
    with db.transaction() as s:
        new_id = ops.add_agreement(s, "Network agreement", term_start="2025", term_end="2029").id
    page = page_of(window)
    page.show_record("agreement", new_id)
    page.editor.show_section("focus_areas")
    return window, page, new_id


def test_focus_areas_are_added_reordered_recoloured_and_renamed(
    fresh: tuple[MainWindow, AgreementsPage, int], qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    win, page, new_id = fresh
    db = win.context.db
    areas = page.editor.focus_areas
    for name in FIVE:
        type_in(qtbot, areas.new_area, name)
        assert areas.new_area.text() == ""
    assert area_names(db, new_id) == FIVE
    assert undo_text(win) == "Undo add focus area"
    assert page.editor.tabs.tabText(1) == "Focus areas (5)"
    with db.sessions() as s:
        colours = list(s.scalars(select(FocusArea.colour).where(FocusArea.agreement_id == new_id)))
    assert len(set(colours)) == 5  # each a different palette colour

    # a duplicate name is refused at the field, with the user's text kept
    type_in(qtbot, areas.new_area, " housing ")
    assert areas.new_area_message.isVisible()
    assert "already has a focus area called" in areas.new_area_message.text()
    assert areas.new_area.text() == " housing "
    assert len(area_names(db, new_id)) == 5

    # reorder: the third one up with the button, then down again with Ctrl+Shift+Down
    areas.select_area(areas.areas_model.id_at(2))
    qtbot.mouseClick(areas.up, Qt.MouseButton.LeftButton)
    assert area_names(db, new_id) == [
        "Climate",
        "Mobility",
        "Housing",
        "Culture",
        "Digital services",
    ]
    assert undo_text(win) == "Undo move focus area up"
    assert areas.current_area()["name"] == "Mobility"  # the moved one stays selected
    areas.areas.setFocus()
    qtbot.keyClick(areas.areas, Key.Key_Down, CTRL | SHIFT)
    assert area_names(db, new_id) == FIVE
    assert undo_text(win) == "Undo move focus area down"
    win.undo_action.trigger()
    assert area_names(db, new_id) == [
        "Climate",
        "Mobility",
        "Housing",
        "Culture",
        "Digital services",
    ]
    win.redo_action.trigger()
    assert area_names(db, new_id) == FIVE

    # recolour through the colour dialog
    monkeypatch.setattr(QColorDialog, "getColor", lambda *a, **k: QColor("#123456"))
    areas.select_area(areas.areas_model.id_at(0))
    qtbot.mouseClick(areas.colour, Qt.MouseButton.LeftButton)
    climate = areas.areas_model.id_at(0)
    assert stored(db, FocusArea, climate).colour == "#123456"
    assert undo_text(win) == "Undo recolour focus area"
    win.undo_action.trigger()
    assert stored(db, FocusArea, climate).colour == colours[0]
    win.redo_action.trigger()

    # rename; a duplicate rename is refused at the name field
    type_in(qtbot, areas.name, "Climate and energy")
    assert stored(db, FocusArea, climate).name == "Climate and energy"
    assert undo_text(win) == "Undo rename focus area"
    type_in(qtbot, areas.name, "Culture")
    assert areas.name_message.isVisible() and "already has" in areas.name_message.text()
    assert stored(db, FocusArea, climate).name == "Climate and energy"
    win.undo_action.trigger()
    assert stored(db, FocusArea, climate).name == "Climate"
    assert redo_text(win) == "Redo rename focus area"


def test_objectives_and_indicator_values_are_edited_in_the_table(
    fresh: tuple[MainWindow, AgreementsPage, int], qtbot: QtBot
) -> None:
    win, page, _ = fresh
    db = win.context.db
    areas = page.editor.focus_areas
    type_in(qtbot, areas.new_area, "Attracting talent")
    type_in(qtbot, areas.new_objective, "More international thesis projects")
    assert undo_text(win) == "Undo add objective"
    model = areas.objectives_model
    assert model.rowCount() == 1
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())] == [
        "Objective", "Indicator", "Unit", "Target", "2025", "2026", "2027", "2028", "2029",
    ]  # fmt: skip
    objective = model.id_at(0)

    edit_cell(qtbot, areas.objectives, 0, 0, "Twice as many thesis projects")
    assert stored(db, Objective, objective).text == "Twice as many thesis projects"
    assert undo_text(win) == "Undo edit objective"
    edit_cell(qtbot, areas.objectives, 0, 1, "Thesis projects with Espoo employers")
    edit_cell(qtbot, areas.objectives, 0, 3, "120")
    o = stored(db, Objective, objective)
    assert (o.indicator, o.target) == ("Thesis projects with Espoo employers", 120.0)
    assert undo_text(win) == "Undo change target"

    edit_cell(qtbot, areas.objectives, 0, model.columns.index("year:2026"), "12,5")
    with db.sessions() as s:
        assert [(v.year, v.value) for v in s.get(Objective, objective).values] == [(2026, 12.5)]
    assert undo_text(win) == "Undo set indicator value 2026"
    assert model.index(0, model.columns.index("year:2026")).data() in ("12.5", "12,5")

    # not a number: refused at the table, nothing written, the typed text offered again
    edit_cell(qtbot, areas.objectives, 0, model.columns.index("year:2027"), "lots", wait=False)
    qtbot.waitUntil(areas.objectives_message.isVisible)
    assert "not a number" in areas.objectives_message.text()
    assert count(db, IndicatorValue, IndicatorValue.objective_id == objective) == 1
    qtbot.waitUntil(lambda: areas.objectives.state() == QAbstractItemView.State.EditingState)
    editor = areas.objectives.indexWidget(model.index(0, model.columns.index("year:2027")))
    assert isinstance(editor, QLineEdit) and editor.text() == "lots"
    qtbot.keyClick(editor, Key.Key_Escape)

    win.undo_action.trigger()
    assert count(db, IndicatorValue, IndicatorValue.objective_id == objective) == 0
    win.redo_action.trigger()
    assert count(db, IndicatorValue, IndicatorValue.objective_id == objective) == 1
    # clearing the cell removes the value
    edit_cell(qtbot, areas.objectives, 0, model.columns.index("year:2026"), "")
    assert count(db, IndicatorValue, IndicatorValue.objective_id == objective) == 0


def test_deleting_a_focus_area_asks_and_undoes(
    window: MainWindow, qtbot: QtBot, asked: list[str]
) -> None:
    page = open_current(window)
    db, current = window.context.db, agreement_id(window.context.db)
    page.editor.show_section("focus_areas")
    areas = page.editor.focus_areas
    areas.select_area(areas.areas_model.id_at(0))
    areas.areas.setFocus()
    qtbot.keyClick(areas.areas, Key.Key_Delete)  # Edit > Delete, in the focus-areas list
    assert len(asked) == 1 and "Development of Otaniemi" in asked[0]
    assert len(area_names(db, current)) == 4
    assert count(db, Agreement) == 4  # the agreement itself stays
    assert undo_text(window) == "Undo delete focus area"
    window.undo_action.trigger()
    assert area_names(db, current)[0] == "Development of Otaniemi"
    with db.sessions() as s:
        series = s.scalar(select(Milestone).where(Milestone.title == "Open-for-all event series"))
        assert [f.name for f in series.focus_areas] == [
            "Development of Otaniemi",
            "Promoting learning",
        ]


# --- renewal ---------------------------------------------------------------------------------


def test_renewal_carries_over_chosen_focus_areas_and_is_one_undo_step(
    window: MainWindow, qtbot: QtBot
) -> None:
    page = open_current(window)
    db, current = window.context.db, agreement_id(window.context.db)
    before = (count(db, Agreement), count(db, FocusArea), count(db, Objective))
    qtbot.mouseClick(page.editor.renew_button, Qt.MouseButton.LeftButton)
    dialog = page.renew_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.title.text() == "Strategic partnership agreement 2029–2033"
    assert dialog.term_start.edit.text() == "2029" and dialog.term_end.edit.text() == "2033"
    assert dialog.focus_areas.count() == 5 and dialog.parties.count() == 2
    # untick "Attracting talent" and "Promoting learning" with the keyboard
    dialog.focus_areas.setFocus()
    for row in (1, 3):
        dialog.focus_areas.setCurrentRow(row)
        qtbot.keyClick(dialog.focus_areas, Key.Key_Space)
    with db.sessions() as s:
        old_areas = {f.name: f.id for f in s.get(Agreement, current).focus_areas}
    kept = ["Development of Otaniemi", "Business and innovation collaboration",
            "Joint advocacy and impact development through research"]  # fmt: skip
    assert dialog.focus_area_ids() == [old_areas[n] for n in kept]
    dialog.term_start.edit.setFocus()
    dialog.term_start.edit.selectAll()
    qtbot.keyClicks(dialog.term_start.edit, "2030")
    dialog.title.setFocus()
    dialog.title.selectAll()
    qtbot.keyClicks(dialog.title, "Strategic partnership agreement 2030-2034")
    dialog.term_end.edit.setFocus()
    dialog.term_end.edit.selectAll()
    qtbot.keyClicks(dialog.term_end.edit, "2034")
    qtbot.mouseClick(dialog.renew_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()

    new_id = page.editor.agreement_id
    assert new_id is not None and new_id != current
    with db.sessions() as s:
        new, old = s.get(Agreement, new_id), s.get(Agreement, current)
        assert new.title == "Strategic partnership agreement 2030-2034"
        assert (new.term_start, new.term_end) == (
            FlexDate.year_only(2030),
            FlexDate.year_only(2034),
        )
        assert new.renews_id == current and old.renewed_by.id == new_id
        assert [f.name for f in new.focus_areas] == kept
        assert [f.continues_id for f in new.focus_areas] == [old_areas[n] for n in kept]
        assert [p.organisation.name for p in new.parties] == ["City of Espoo", "Aalto University"]
    assert page.editor.overview.renews.currentText() == CURRENT
    assert page.editor.focus_areas.areas_model.index(0, 2).data() == "Development of Otaniemi"
    assert page.model.rowCount() == 5
    assert undo_text(window) == "Undo renew agreement"

    window.undo_action.trigger()  # one step removes the whole renewal
    assert (count(db, Agreement), count(db, FocusArea), count(db, Objective)) == before
    with db.sessions() as s:
        assert s.get(Agreement, current).renewed_by is None
    assert page.model.rowCount() == 4
    window.redo_action.trigger()
    assert count(db, Agreement) == before[0] + 1
    with db.sessions() as s:
        assert s.get(Agreement, current).renewed_by.id == new_id


def test_renewing_an_agreement_that_is_already_renewed_is_not_offered(
    window: MainWindow,
) -> None:
    page = page_of(window)
    page.show_record("agreement", agreement_id(window.context.db, "Partnership agreement 2012"))
    assert not page.editor.renew_button.isEnabled()
    renewed = page.editor.overview.renewed_by.text()
    assert "Partnership agreement 2017–2020" in renewed
    page.renew_selected()
    assert page.renew_dialog is None


# --- history, stale edits, deleting ------------------------------------------------------------


def test_change_history_lists_a_rename_newest_first(window: MainWindow, qtbot: QtBot) -> None:
    page = open_current(window)
    title = page.editor.overview.title
    type_in(qtbot, title, "Partnership 2025-2029")
    type_in(qtbot, title, "Espoo-Aalto partnership 2025-2029")
    page.editor.show_section("history")
    model = page.editor.history.model
    changes = model_texts(model, 3)
    assert changes[0] == "Title: “Partnership 2025-2029” → “Espoo-Aalto partnership 2025-2029”"
    assert changes[1] == f"Title: “{CURRENT}” → “Partnership 2025-2029”"
    assert model.index(0, 2).data() == "Agreement"
    assert model.index(0, 1).data()  # who
    assert changes[-1] == "created"
    assert any(r.startswith("Focus area “") for r in model_texts(model, 2))


def test_a_stale_edit_shows_what_changed_and_overwrites_nothing(
    window: MainWindow, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = open_current(window)
    db, current = window.context.db, agreement_id(window.context.db)
    with db.transaction() as s:  # another process
        ops.update_fields(s, s.get(Agreement, current), title="Changed elsewhere")
    questions: list[str] = []
    answer = [QMessageBox.StandardButton.No]

    def question(parent: Any, title: str, text: str, *args: Any) -> QMessageBox.StandardButton:
        questions.append(text)
        return answer[0]

    monkeypatch.setattr(QMessageBox, "question", question)
    title = page.editor.overview.title
    type_in(qtbot, title, "Mine")
    assert len(questions) == 1
    assert f"Title: you saw “{CURRENT}”, now “Changed elsewhere”" in questions[0]
    assert "Last changed by" in questions[0]
    assert stored(db, Agreement, current).title == "Changed elsewhere"
    assert title.text() == "Changed elsewhere"  # their version is shown
    assert not window.undo_action.isEnabled()

    # the other way: the user chooses to put their change on top
    with db.transaction() as s:
        ops.update_fields(s, s.get(Agreement, current), title="Changed again")
    answer[0] = QMessageBox.StandardButton.Yes
    type_in(qtbot, title, "Mine")
    assert len(questions) == 2
    assert stored(db, Agreement, current).title == "Mine"
    assert undo_text(window) == "Undo rename agreement"
    window.undo_action.trigger()
    assert stored(db, Agreement, current).title == "Changed again"


def test_delete_asks_once_and_undo_restores_everything(
    window: MainWindow, qtbot: QtBot, asked: list[str]
) -> None:
    page = open_current(window)
    db, current = window.context.db, agreement_id(window.context.db)
    page.table.setFocus()
    qtbot.keyClick(page.table, Key.Key_Delete)
    assert len(asked) == 1
    assert CURRENT in asked[0] and "5 focus area(s) and 2 milestone(s)" in asked[0]
    assert stored(db, Agreement, current) is None
    assert count(db, FocusArea, FocusArea.agreement_id == current) == 0
    assert count(db, Milestone, Milestone.agreement_id == current) == 0
    assert page.model.rowCount() == 3
    assert undo_text(window) == "Undo delete agreement"
    window.undo_action.trigger()
    assert stored(db, Agreement, current).title == CURRENT
    assert count(db, FocusArea, FocusArea.agreement_id == current) == 5
    assert count(db, Milestone, Milestone.agreement_id == current) == 2
    assert count(db, AgreementParty, AgreementParty.agreement_id == current) == 2
    assert count(db, AgreementContact, AgreementContact.agreement_id == current) == 4
    assert page.model.rowCount() == 4
    with db.sessions() as s:
        assert s.get(Agreement, current).renews.title == "Partnership agreement 2020–2025"


def test_declining_the_delete_question_keeps_the_agreement(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(QMessageBox, "question", lambda *a: QMessageBox.StandardButton.No)
    page = open_current(window)
    page.delete_selected()
    assert stored(window.context.db, Agreement, agreement_id(window.context.db)) is not None
    assert not window.undo_action.isEnabled()


# --- the list --------------------------------------------------------------------------------


def click_header(qtbot: QtBot, page: AgreementsPage, column: int) -> None:
    header = page.table.horizontalHeader()
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))


def test_list_shows_days_to_expiry_and_next_milestone(window: MainWindow) -> None:
    db, current = window.context.db, agreement_id(window.context.db)
    with db.transaction() as s:
        ops.add_milestone(s, s.get(Agreement, current), "Annual review", when="Q1 2027")
    page = page_of(window)
    row = page.model.row_of(current)
    assert row is not None
    assert page.model.index(row, 4).data() == page.table.locale().toString(
        (date(2029, 12, 31) - TODAY).days
    )
    assert page.model.index(row, 4).data(Qt.ItemDataRole.ToolTipRole) == (
        "The term ends on 31 Dec 2029."
    )
    # a change committed elsewhere shows after the next refresh of this page
    page.model.reload()
    assert page.model.index(page.model.row_of(current), 5).data() == "Q1 2027: Annual review"
    first = page.model.row_of(agreement_id(db, "Partnership agreement 2017–2020"))
    assert page.model.index(first, 4).data() == "ended"


def test_list_sorts_by_days_to_expiry_and_filters_by_text(window: MainWindow, qtbot: QtBot) -> None:
    page = page_of(window)
    click_header(qtbot, page, 4)
    titles = model_texts(page.model, 0)
    assert titles == [
        "Partnership agreement 2017–2020",
        "Partnership agreement 2020–2025",
        CURRENT,
        "Partnership agreement 2012",  # no known end: last
    ]
    click_header(qtbot, page, 4)
    assert model_texts(page.model, 0)[:3] == [
        CURRENT,
        "Partnership agreement 2020–2025",
        "Partnership agreement 2017–2020",
    ]
    assert page.table.horizontalHeader().sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    click_header(qtbot, page, 0)
    assert model_texts(page.model, 0)[0] == "Partnership agreement 2012"

    qtbot.keyClick(window, Key.Key_L, CTRL)
    assert window.focusWidget() is page.search
    qtbot.keyClicks(page.search, "strategic")
    assert model_texts(page.model, 0) == [CURRENT]
    assert page.count.text() == "1 agreement"
    page.search.clear()
    qtbot.keyClicks(page.search, "aalto 2012")
    assert model_texts(page.model, 0) == ["Partnership agreement 2012"]
    page.search.clear()
    qtbot.keyClicks(page.search, "nothing like this")
    assert page.model.rowCount() == 0
    assert "No agreement matches “nothing like this”" in page.table.placeholder()
    page.search.clear()
    assert page.model.rowCount() == 4 and page.count.text() == "4 agreements"


def test_enter_in_the_list_moves_into_the_editor(window: MainWindow, qtbot: QtBot) -> None:
    page = page_of(window)
    page.table.setFocus()
    page.table.setCurrentIndex(page.model.index(3, 0))
    assert page.editor.agreement_id == agreement_id(window.context.db)
    qtbot.keyClick(page.table, Key.Key_Return)
    assert window.focusWidget() is page.editor.overview.title


def test_lazy_loading_with_5000_agreements(qtbot: QtBot, database: Database) -> None:
    rows = [
        {
            "uid": f"00000000-0000-4000-8000-{i:012d}",
            "version": 1,
            "title": f"Agreement {i:04d}",
            "status": "in_force",
            "signed": FlexDate.tbd(),
            "term_start": FlexDate.year_only(2000 + i % 50),
            "term_end": FlexDate.year_only(2030 + i % 50),
            "term_starts_on": date(2000 + i % 50, 1, 1),
            "term_ends_on": date(2030 + i % 50, 12, 31),
            "aims": "",
            "notes": "",
        }
        for i in range(5000)
    ]
    with database.transaction() as s:
        s.execute(insert(Agreement), rows)
    win = make_window(qtbot, database)
    page = page_of(win)
    model = page.model
    assert model.total() == 5000
    assert model.rowCount() < 5000 and model.rowCount() >= model.BATCH
    loaded = model.rowCount()
    assert model.canFetchMore()
    page.table.scrollToBottom()
    qtbot.waitUntil(lambda: model.rowCount() > loaded)
    assert model.rowCount() < 5000
    # opening a record far down loads the batches up to it, not everything
    with database.sessions() as s:
        far = s.scalar(select(Agreement.id).where(Agreement.title == "Agreement 4999"))
    page.show_record("agreement", far)
    assert page.editor.overview.title.text() == "Agreement 4999"
    assert model.rowCount() <= 5000
    click_header(qtbot, page, 4)  # sorting is a new query, not a load of every row
    assert model.rowCount() == model.BATCH
    assert model.index(0, 0).data() in {f"Agreement {i:04d}" for i in range(0, 5000, 50)}
    qtbot.keyClicks(page.search, "Agreement 12")
    assert model.total() == sum("12" in f"{i:04d}" for i in range(5000))
    # the page keeps its selection (by id) when a change refreshes the list
    page.search.clear()
    page.show_record("agreement", far)
    type_in(qtbot, page.editor.overview.title, "Agreement 4999 renamed")
    assert page.selected_id() == far
    assert model.index(page.model.row_of(far), 0).data() == "Agreement 4999 renamed"


# --- models --------------------------------------------------------------------------------


def test_every_model_passes_qtmodeltester(qtmodeltester: Any, window: MainWindow) -> None:
    db = window.context.db
    page = open_current(window)
    editor = page.editor
    with db.transaction() as s:
        area = s.get(Agreement, agreement_id(db)).focus_areas[0]
        ops.add_objective(s, area, "Measured", target=3, values={2025: 1.0, 2031: 2.5})
    page.model.reload()
    editor.reload_all()
    editor.show_section("focus_areas")
    models = [
        page.model,
        AgreementsModel(db, today=lambda: TODAY),
        editor.overview.parties_model,
        editor.focus_areas.areas_model,
        editor.focus_areas.objectives_model,
        editor.milestones.model,
        editor.contacts.model,
        editor.attachments.model,
        editor.history.model,
    ]
    for model in models:
        assert model.rowCount() > 0 or isinstance(model, AttachmentsModel), model
        qtmodeltester.check(model)
    assert "2031" in [
        editor.focus_areas.objectives_model.headerData(c, Qt.Orientation.Horizontal)
        for c in range(editor.focus_areas.objectives_model.columnCount())
    ]
    for empty in (
        MilestonesModel(db),
        HistoryModel(db),
        PartiesModel(),
        FocusAreasModel(),
        ObjectivesModel(),
        ContactsModel(),
        AttachmentsModel(),
    ):
        qtmodeltester.check(empty)


# --- milestones, contacts, parties, attachments ----------------------------------------------


def test_milestones_open_on_enter_and_a_new_one_is_added(window: MainWindow, qtbot: QtBot) -> None:
    page = open_current(window)
    db, current = window.context.db, agreement_id(window.context.db)
    page.editor.show_section("milestones")
    section = page.editor.milestones
    assert model_texts(section.model, 1) == [
        "Signing of the strategic partnership agreement",
        "Open-for-all event series",
    ]
    assert model_texts(section.model, 0) == ["late 2024", "early 2025"]
    section.table.setFocus()
    section.table.setCurrentIndex(section.model.index(1, 0))
    with qtbot.waitSignal(window.context.open_record) as blocker:
        qtbot.keyClick(section.table, Key.Key_Return)
    assert blocker.args == ["milestone", section.model.id_at(1)]
    window.show_page(AgreementsPage)
    page.editor.show_section("milestones")
    with qtbot.waitSignal(window.context.open_record) as blocker:
        qtbot.mouseClick(section.add_button, Qt.MouseButton.LeftButton)
    assert count(db, Milestone, Milestone.agreement_id == current) == 3
    assert blocker.args[0] == "milestone"
    assert stored(db, Milestone, blocker.args[1]).title == "New milestone"
    assert undo_text(window) == "Undo add milestone"
    assert section.model.rowCount() == 3
    window.undo_action.trigger()
    assert count(db, Milestone, Milestone.agreement_id == current) == 2


def test_parties_are_added_and_get_a_signatory(
    window: MainWindow, qtbot: QtBot, asked: list[str]
) -> None:
    db, current = window.context.db, agreement_id(window.context.db)
    with db.transaction() as s:
        vantaa = ops.add_organisation(s, "City of Vantaa").id
    page = open_current(window)
    overview = page.editor.overview
    overview.party_choice.setFocus()
    overview.party_choice.setCurrentIndex(overview.party_choice.findText("City of Vantaa"))
    qtbot.mouseClick(overview.add_party_button, Qt.MouseButton.LeftButton)
    with db.sessions() as s:
        assert [p.organisation_id for p in s.get(Agreement, current).parties][-1] == vantaa
    assert undo_text(window) == "Undo add party"
    assert overview.parties_model.rowCount() == 3

    # the signatory of Espoo, chosen in the table's combo box
    index = overview.parties_model.index(0, 2)
    overview.parties.setFocus()
    overview.parties.setCurrentIndex(index)
    qtbot.keyClick(overview.parties, Key.Key_F2)
    combo = overview.parties.indexWidget(index)
    assert isinstance(combo, QComboBox)
    assert combo.itemText(1).startswith("Jukka Mäkelä")  # Espoo's people first
    combo.setCurrentIndex(1)
    qtbot.keyClick(combo, Key.Key_Return)
    qtbot.waitUntil(lambda: overview.parties.state() != QAbstractItemView.State.EditingState)
    with db.sessions() as s:
        assert s.get(Agreement, current).parties[0].signatory.name == "Jukka Mäkelä"
    assert undo_text(window) == "Undo change signatory"
    assert overview.parties_model.index(0, 2).data() == "Jukka Mäkelä"
    edit_cell(qtbot, overview.parties, 1, 1, "host")
    with db.sessions() as s:
        assert s.get(Agreement, current).parties[1].role == "host"

    overview.parties.setCurrentIndex(overview.parties_model.index(2, 0))
    qtbot.keyClick(overview.parties, Key.Key_Delete)
    assert "City of Vantaa" in asked[-1]
    assert count(db, AgreementParty, AgreementParty.agreement_id == current) == 2
    window.undo_action.trigger()
    assert count(db, AgreementParty, AgreementParty.agreement_id == current) == 3


def test_contacts_are_added_with_a_role_and_removed(
    window: MainWindow, qtbot: QtBot, asked: list[str]
) -> None:
    db = window.context.db
    page = open_current(window)
    page.editor.show_section("contacts")
    section = page.editor.contacts

    def choose_maija() -> None:
        section.contact.showPopup()  # the people are read when the list opens
        section.contact.hidePopup()
        section.contact.setCurrentIndex(
            section.contact.findText("Maija Meikäläinen", Qt.MatchFlag.MatchStartsWith)
        )

    choose_maija()
    section.role.setCurrentText("focus-area lead")
    section.focus_area.setCurrentIndex(section.focus_area.findText("Attracting talent"))
    qtbot.mouseClick(section.add_button, Qt.MouseButton.LeftButton)
    with db.sessions() as s:
        link = s.scalar(select(AgreementContact).where(AgreementContact.role == "focus-area lead"))
        assert (
            link.contact.name == "Maija Meikäläinen" and link.focus_area.name == "Attracting talent"
        )
    assert undo_text(window) == "Undo add contact"
    # the same again is refused, at the role field
    assert section.contact.currentText() == "Choose a person…"  # the form starts afresh
    choose_maija()
    qtbot.mouseClick(section.add_button, Qt.MouseButton.LeftButton)
    assert section.add_message.isVisible() and "already has the role" in section.add_message.text()
    row = section.model.row_of(link.id)
    edit_cell(qtbot, section.table, row, 1, "lead")
    assert stored(db, AgreementContact, link.id).role == "lead"
    assert undo_text(window) == "Undo change contact's role"
    section.table.setCurrentIndex(section.model.index(section.model.row_of(link.id), 0))
    qtbot.mouseClick(section.remove_button, Qt.MouseButton.LeftButton)
    assert len(asked) == 1
    assert stored(db, AgreementContact, link.id) is None
    window.undo_action.trigger()
    assert stored(db, AgreementContact, link.id).role == "lead"


class UrlCatcher(QObject):
    """Receives what QDesktopServices would open (Qt's own hook, no mock of our code)."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[QUrl] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.urls.append(url)


def test_attachments_open_reveal_and_report_a_missing_file(
    window: MainWindow, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db, current = window.context.db, agreement_id(window.context.db)
    document = tmp_path / "Sopimus 2025.pdf"
    document.write_bytes(b"%PDF-1.4\n")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(document), ""))
    warnings: list[str] = []
    monkeypatch.setattr(
        QMessageBox, "warning", lambda parent, title, text, *a: warnings.append(text)
    )
    catcher = UrlCatcher()
    QDesktopServices.setUrlHandler("file", catcher, "open")
    try:
        page = open_current(window)
        page.editor.show_section("attachments")
        section = page.editor.attachments
        qtbot.mouseClick(section.add_file_button, Qt.MouseButton.LeftButton)
        with db.sessions() as s:
            attachment = s.scalar(select(Attachment).where(Attachment.agreement_id == current))
        assert attachment.label == "Sopimus 2025.pdf" and attachment.location == str(document)
        assert undo_text(window) == "Undo add attachment"
        assert page.editor.tabs.tabText(4) == "Attachments (1)"
        section.table.setFocus()
        section.table.setCurrentIndex(section.model.index(0, 0))
        qtbot.keyClick(section.table, Key.Key_Return)
        assert catcher.urls[-1] == QUrl.fromLocalFile(str(document))
        qtbot.mouseClick(section.reveal_button, Qt.MouseButton.LeftButton)
        assert catcher.urls[-1] in (
            QUrl.fromLocalFile(str(tmp_path)),
            QUrl.fromLocalFile(str(document)),
        )
        opened = len(catcher.urls)
        document.unlink()
        qtbot.mouseClick(section.open_button, Qt.MouseButton.LeftButton)
        assert len(catcher.urls) == opened
        assert warnings and "is not there any more" in warnings[-1]
    finally:
        QDesktopServices.unsetUrlHandler("file")


# --- navigation, keyboard, accessibility -----------------------------------------------------


def test_show_record_of_a_focus_area_opens_its_agreement_there(window: MainWindow) -> None:
    db, current = window.context.db, agreement_id(window.context.db)
    window.show_page(MilestonesPage)
    with db.sessions() as s:
        area = s.scalar(select(FocusArea).where(FocusArea.name == "Promoting learning"))
        objective = area.objectives[0].id
    window.context.open_record.emit("focus_area", area.id)
    page = page_of(window)
    assert window.stack.currentWidget() is page
    assert page.editor.agreement_id == current
    assert page.editor.tabs.currentWidget() is page.editor.focus_areas
    assert page.editor.focus_areas.current_area()["name"] == "Promoting learning"
    page.show_record("objective", objective)
    assert page.editor.focus_areas.current_objective()["id"] == objective


def test_ctrl_page_down_moves_between_sections(window: MainWindow, qtbot: QtBot) -> None:
    page = open_current(window)
    page.editor.overview.title.setFocus()
    qtbot.keyClick(page.editor.overview.title, Key.Key_PageDown, CTRL)
    assert page.editor.tabs.currentIndex() == 1
    qtbot.keyClick(window.focusWidget(), Key.Key_PageUp, CTRL)
    assert page.editor.tabs.currentIndex() == 0


def test_every_control_has_an_accessible_name(window: MainWindow) -> None:
    page = open_current(window)
    missing = []
    for widget in page.findChildren(QWidget):
        if widget.focusPolicy() == Qt.FocusPolicy.NoFocus:
            continue
        if any(
            isinstance(a, QMenu | QComboBox) or a.inherits("QCalendarWidget")
            for a in _ancestors(widget)
        ):
            continue  # parts of a named combo box or of the date field's calendar pop-up
        if not widget.accessibleName():
            missing.append(
                f"{type(widget).__name__} {widget.objectName()} in {type(widget.parent()).__name__}"
            )
    assert missing == []


def _ancestors(widget: QWidget) -> list[QWidget]:
    out = []
    parent = widget.parentWidget()
    while parent is not None:
        out.append(parent)
        parent = parent.parentWidget()
    return out


# --- screenshots -------------------------------------------------------------------------------


def test_screenshots_of_the_page(window: MainWindow, qtbot: QtBot) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    db, current = window.context.db, agreement_id(window.context.db)
    with db.transaction() as s:
        area = s.get(Agreement, current).focus_areas[1]
        objective = area.objectives[0]
        objective.indicator = "Spouses employed through the service"
        objective.unit = "people"
        objective.target = 150
        ops.add_milestone(s, s.get(Agreement, current), "Mid-term review", when="Q2 2027")
        s.add(
            Attachment(
                agreement_id=current,
                label="Signed agreement (PDF)",
                location="/no/such/agreement.pdf",
            )
        )
        s.add(
            Attachment(
                agreement_id=current, label="Press release", location="https://www.aalto.fi/en/news"
            )
        )
    from db.operations.agreements import set_indicator_values

    with db.transaction() as s:
        set_indicator_values(s, objective.id, {2025: 40, 2026: 85})
    page = page_of(window)
    page.model.reload()
    page.show_record("agreement", current)
    page.editor.focus_areas.select_area(area.id)
    QApplication.processEvents()
    saved = []
    for index, name in enumerate(
        ("overview", "focus-areas", "milestones", "contacts", "attachments", "history")
    ):
        page.editor.tabs.setCurrentIndex(index)
        QApplication.processEvents()
        path = SHOTS / f"agreements-{name}.png"
        assert window.grab().save(str(path))
        saved.append(path)
    page.editor.show_section("overview")
    qtbot.mouseClick(page.editor.renew_button, Qt.MouseButton.LeftButton)
    dialog = page.renew_dialog
    assert dialog is not None
    QApplication.processEvents()
    assert dialog.grab().save(str(SHOTS / "agreements-renew-dialog.png"))
    dialog.reject()
    empty = make_window(qtbot, _empty_db(db))
    QApplication.processEvents()
    assert empty.grab().save(str(SHOTS / "agreements-empty.png"))
    assert all(p.stat().st_size > 10_000 for p in saved)


def _empty_db(db: Database) -> Database:
    from db.session import open_database

    assert db.path is not None
    return open_database(db.path.with_name("empty.db"))


def test_typing_is_saved_when_the_window_closes(window: MainWindow, qtbot: QtBot) -> None:
    page = open_current(window)
    db, current = window.context.db, agreement_id(window.context.db)
    title = page.editor.overview.title
    title.setFocus()
    title.selectAll()
    qtbot.keyClicks(title, "Typed, not yet confirmed")
    notes = page.editor.overview.notes
    notes.setFocus()
    qtbot.keyClick(notes, Key.Key_End, CTRL)
    qtbot.keyClicks(notes, " More notes.")
    window.close()  # neither field was confirmed with Enter; the notes still have the focus
    a = stored(db, Agreement, current)
    assert a.title == "Typed, not yet confirmed"
    assert a.notes.endswith("More notes.")
