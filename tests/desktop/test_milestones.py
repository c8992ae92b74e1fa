"""The Milestones page, driven as a user: the three groups, filters, the editor, undo."""

from __future__ import annotations

import gc
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QLocale, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QCalendarWidget,
    QComboBox,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot
from sqlalchemy import insert, select

from db.dates import FlexDate, Precision
from db.edits import Create
from db.models import Agreement, Contact, Milestone
from db.operations import milestones as ops
from db.sample import load_sample
from db.session import Database
from desktop.context import AppContext
from desktop.main_window import MainWindow
from desktop.milestones.model import MilestoneTableModel
from desktop.milestones.page import MilestonesPage

TODAY = date(2026, 11, 29)
SHOTS = Path("/tmp/accord-shots")


@pytest.fixture(autouse=True)
def c_locale() -> Iterator[None]:
    """Dates read as in db/dates.py's English, whatever the machine's language."""
    previous = QLocale()
    QLocale.setDefault(QLocale.c())
    yield
    QLocale.setDefault(previous)


@pytest.fixture(autouse=True)
def no_unexpected_dialogs(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """A modal box would wait for a click forever offscreen: record it and fail instead.

    Tests that expect a question replace QMessageBox.question themselves.
    """
    shown: list[str] = []

    def record(*args: Any, **kwargs: Any) -> QMessageBox.StandardButton:
        shown.append(str(args[2]) if len(args) > 2 else "")
        return QMessageBox.StandardButton.No

    for name in ("question", "warning", "information", "critical"):
        monkeypatch.setattr(QMessageBox, name, record)
    yield shown
    assert shown == [], f"unexpected dialogs: {shown}"


def _window(qtbot: QtBot, db: Database, today: date = TODAY) -> MainWindow:
    win = MainWindow(AppContext(db, today=lambda: today))
    qtbot.addWidget(win)
    win.resize(1440, 900)
    with qtbot.waitExposed(win):
        win.show()
    win.activateWindow()
    win.show_page(MilestonesPage)
    return win


@pytest.fixture
def window(qtbot: QtBot, sample_db: Database) -> MainWindow:
    return _window(qtbot, sample_db)


def page_of(window: MainWindow) -> MilestonesPage:
    return window.page(MilestonesPage)


def titles(db: Database, ids: list[int]) -> list[str]:
    with db.sessions() as s:
        rows = ops.milestone_rows(s, ids)
    return [rows[i]["title"] for i in ids]


def group(page: MilestonesPage, name: str) -> list[str]:
    return titles(page.context.db, page.model.ids_in(name))


def milestone_id(db: Database, title: str) -> int:
    with db.sessions() as s:
        return int(s.scalars(select(Milestone.id).where(Milestone.title == title)).one())


def stored(db: Database, title_or_id: str | int) -> dict[str, Any]:
    mid = title_or_id if isinstance(title_or_id, int) else milestone_id(db, title_or_id)
    with db.sessions() as s:
        detail = ops.milestone_detail(s, mid)
    assert detail is not None
    return detail


def open_in_editor(page: MilestonesPage, title: str) -> None:
    page.show_record("milestone", milestone_id(page.context.db, title))
    assert page.editor.record() is not None and page.editor.record()["title"] == title  # type: ignore[index]


def type_and_enter(qtbot: QtBot, edit: QLineEdit, text: str) -> None:
    """Replace the field's text by typing, as a user would, then press Enter."""
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClick(edit, Qt.Key.Key_Backspace)
    qtbot.keyClicks(edit, text)
    qtbot.keyClick(edit, Qt.Key.Key_Return)


def undo_text(window: MainWindow) -> str:
    return window.undo_action.text().replace("&", "")


def add_undated(context: AppContext, title: str) -> None:
    with context.db.sessions() as s:
        agreement = ops.default_agreement_id(s)
    assert context.apply(Create(ops.new_milestone, (agreement, title)), "Add") is None


# --- the table --------------------------------------------------------------------------------


def test_three_groups_by_today(window: MainWindow) -> None:
    page = page_of(window)
    add_undated(window.context, "Steering group meeting")
    assert group(page, "undated") == ["Steering group meeting"]
    assert "Thesis Day" in group(page, "past")
    # Today is 29 Nov 2026: the series that began "early 2025" (no rule yet) is past.
    assert "Open-for-all event series" in group(page, "past")
    assert group(page, "upcoming") == []
    headers = [page.model.index(r, 0).data() for r in page.model.header_rows()]
    assert headers == ["Upcoming · none", "Past · 5", "Undated (TBD) · 1"]
    # Header rows span the table and cannot be selected.
    first = page.model.header_rows()[0]
    assert page.table.columnSpan(first, 0) == page.model.columnCount()
    assert not page.model.flags(page.model.index(first, 0)) & Qt.ItemFlag.ItemIsSelectable


def test_the_series_is_upcoming_while_it_runs(qtbot: QtBot, sample_db: Database) -> None:
    page = page_of(_window(qtbot, sample_db, today=date(2025, 2, 1)))
    assert "Open-for-all event series" in group(page, "upcoming")
    assert "Thesis Day" in group(page, "past")


def test_each_filter_narrows(qtbot: QtBot, window: MainWindow) -> None:
    page = page_of(window)
    bar = page.filters
    add_undated(window.context, "Steering group meeting")

    def choose(combo: QComboBox, text: str) -> None:
        index = combo.findText(text, Qt.MatchFlag.MatchStartsWith)
        assert index >= 0, text
        combo.setCurrentIndex(index)
        combo.activated.emit(index)

    def everything() -> list[str]:
        return group(page, "upcoming") + group(page, "past") + group(page, "undated")

    assert len(everything()) == 6
    choose(bar.agreement, "Strategic partnership agreement 2025")
    assert everything() == [
        "Open-for-all event series",
        "Signing of the strategic partnership agreement",
        "Steering group meeting",
    ]
    choose(bar.focus_area, "Promoting learning")
    assert everything() == ["Open-for-all event series"]
    bar.clear_all()
    assert len(everything()) == 6
    choose(bar.kind, "Signing")
    assert everything() == [
        "Signing of the strategic partnership agreement",
        "Signing of the 2020–2025 extension",
        "First partnership agreement signed",
    ]
    choose(bar.kind, "All kinds")
    choose(bar.status, "Planned")
    assert everything() == ["Open-for-all event series", "Steering group meeting"]
    choose(bar.status, "All statuses")
    type_and_enter(qtbot, bar.date_from, "fall 2024")
    type_and_enter(qtbot, bar.date_to, "fall 2024")
    assert everything() == ["Signing of the strategic partnership agreement", "Thesis Day"]
    assert (
        "not shown while filtering by date"
        in page.model.index(page.model.header_rows()[2], 0).data()
    )
    type_and_enter(qtbot, bar.date_to, "2023")
    assert bar.date_message.isVisibleTo(bar) and "before" in bar.date_message.text()
    bar.clear_all()
    bar.text.setFocus()
    qtbot.keyClicks(bar.text, "thesis")
    qtbot.waitUntil(lambda: everything() == ["Thesis Day"], timeout=2000)
    qtbot.keyClicks(bar.text, " nothing-like-this")
    qtbot.waitUntil(lambda: page.model.total == 0, timeout=2000)
    assert page.views.currentWidget() is page.no_match
    bar.clear_all()
    assert page.views.currentWidget() is page.table


def test_the_table_model_passes_qtmodeltester(qtmodeltester: Any, sample_db: Database) -> None:
    context = AppContext(sample_db, today=lambda: TODAY)
    model = MilestoneTableModel(context)
    qtmodeltester.check(model)
    model.set_filters(ops.MilestoneFilter(kind="signing"))
    qtmodeltester.check(model)
    model.prefetch(0, model.rowCount())
    qtmodeltester.check(model)
    assert model.headerData(0, Qt.Orientation.Horizontal) == "Title"


def test_empty_database_says_how_to_start(
    qtbot: QtBot, database: Database, qtmodeltester: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = _window(qtbot, database)
    page = page_of(window)
    assert page.views.currentWidget() is page.empty
    assert page.empty.text() == "No milestones yet — add one with Ctrl+N"
    qtmodeltester.check(page.model)
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: shown.append(a[2]))
    page.new_record()  # no agreement yet
    assert shown and "Add an agreement first" in shown[0]


# --- the editor ----------------------------------------------------------------------------------


def test_add_thesis_day_as_a_user(qtbot: QtBot, window: MainWindow) -> None:
    page = page_of(window)
    editor = page.editor
    qtbot.keyClick(page.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    record = editor.record()
    assert record is not None and record["title"] == "New milestone"
    assert (
        QApplication.focusWidget() is editor.title
        and editor.title.selectedText() == "New milestone"
    )
    assert record["agreement_id"] == stored(window.context.db, record["id"])["agreement_id"]
    mid = record["id"]
    assert mid in page.model.ids_in("undated") and page.selected_ids() == [mid]
    assert undo_text(window) == "Undo Add a milestone"

    qtbot.keyClicks(editor.title, "Thesis Day 2025")
    qtbot.keyClick(editor.title, Qt.Key.Key_Return)
    assert stored(window.context.db, mid)["title"] == "Thesis Day 2025"
    assert undo_text(window) == "Undo Change title of New milestone"

    editor.date.edit.setFocus()
    qtbot.keyClicks(editor.date.edit, "fall 2024")
    assert editor.date.understood.text() == "1 Sep – 30 Nov 2024, season"  # while typing
    assert stored(window.context.db, mid)["when"] == FlexDate.tbd()
    qtbot.keyClick(editor.date.edit, Qt.Key.Key_Return)
    saved = stored(window.context.db, mid)["when"]
    assert saved == FlexDate.parse("fall 2024") and saved.precision is Precision.SEASON
    assert undo_text(window) == "Undo Change date of Thesis Day 2025"
    assert mid in page.model.ids_in("past") and page.selected_ids() == [mid]

    window.undo_action.trigger()
    assert stored(window.context.db, mid)["when"] == FlexDate.tbd()
    assert editor.date.edit.text() == "" and mid in page.model.ids_in("undated")
    window.redo_action.trigger()
    assert stored(window.context.db, mid)["when"] == FlexDate.parse("fall 2024")
    assert editor.date.edit.text() == "fall 2024"


def test_keyboard_paths(qtbot: QtBot, window: MainWindow) -> None:
    page = page_of(window)
    qtbot.keyClick(page, Qt.Key.Key_P, Qt.KeyboardModifier.AltModifier)
    assert page.selected_ids() == [milestone_id(window.context.db, "Open-for-all event series")]
    assert page.table.hasFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Down)
    assert titles(window.context.db, page.selected_ids()) == [
        "Signing of the strategic partnership agreement"
    ]
    assert page.editor.record()["title"] == "Signing of the strategic partnership agreement"  # type: ignore[index]
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert page.editor.title.hasFocus()
    qtbot.keyClick(page.editor.title, Qt.Key.Key_Escape)
    assert page.table.hasFocus()


def test_end_before_start_is_refused_at_the_end_field(qtbot: QtBot, window: MainWindow) -> None:
    page = page_of(window)
    editor = page.editor
    open_in_editor(page, "Thesis Day")
    type_and_enter(qtbot, editor.date.edit, "2025-03-14 18:00")
    assert stored(window.context.db, "Thesis Day")["when"] == FlexDate.parse("2025-03-14 18:00")
    steps = window.context.undo_stack.count()
    type_and_enter(qtbot, editor.end.edit, "2025-03-14 17:00")
    message = editor._messages["end"]
    assert message.isVisibleTo(editor)
    assert message.text() == (
        "The milestone ends (2025-03-14 17:00) before it starts (2025-03-14 18:00). "
        "Enter an end after the start."
    )
    assert editor.end.edit.text() == "2025-03-14 17:00"  # the user's text stays
    assert editor.end.edit.accessibleDescription() == message.text()
    assert stored(window.context.db, "Thesis Day")["end"] is None
    assert window.context.undo_stack.count() == steps
    # Correcting it saves and clears the message.
    type_and_enter(qtbot, editor.end.edit, "+1h30")
    assert stored(window.context.db, "Thesis Day")["end"] == FlexDate.parse("2025-03-14 19:30")
    assert not message.isVisibleTo(editor)
    assert undo_text(window) == "Undo Change end of Thesis Day"


def test_a_date_the_field_cannot_read_is_not_saved(qtbot: QtBot, window: MainWindow) -> None:
    page = page_of(window)
    open_in_editor(page, "Thesis Day")
    type_and_enter(qtbot, page.editor.date.edit, "fall 20245")
    message = page.editor._messages["when"]
    assert message.isVisibleTo(page.editor) and "years from 1900 to 2200" in message.text()
    assert stored(window.context.db, "Thesis Day")["when"] == FlexDate.parse("fall 2024")


def test_repetition_in_words_and_exceptions(qtbot: QtBot, window: MainWindow) -> None:
    page = page_of(window)
    editor = page.editor
    db = window.context.db
    title = "Open-for-all event series"
    open_in_editor(page, title)
    type_and_enter(qtbot, editor.date.edit, "2025-01-07 18:00")

    editor.repeat.setFocus()
    qtbot.keyClicks(editor.repeat, "sometimes")
    qtbot.keyClick(editor.repeat, Qt.Key.Key_Return)
    assert "Could not read" in editor._messages["rrule"].text()
    assert stored(db, title)["rrule"] is None

    editor.repeat.selectAll()
    qtbot.keyClick(editor.repeat, Qt.Key.Key_Backspace)
    qtbot.keyClicks(editor.repeat, "every month on the first Tuesday, until June 2025")
    assert editor.repeat_understood.text().startswith(
        "every month on the first Tuesday, until the end of June 2025\n"
    )
    qtbot.keyClick(editor.repeat, Qt.Key.Key_Return)
    assert stored(db, title)["rrule"] == "FREQ=MONTHLY;BYDAY=1TU;UNTIL=20250630T205959Z"
    assert not editor._messages["rrule"].isVisibleTo(editor)
    assert editor.repeat.text() == "every month on the first Tuesday, until the end of June 2025"
    assert undo_text(window) == f"Undo Change repetition of {title}"
    assert editor.repeat_understood.text() == "No occurrences after today."
    assert title in group(page, "past")

    type_and_enter(qtbot, editor.exception_input, "2 Apr 2025")
    assert "does not take place on 2 Apr 2025" in editor._messages["exdates"].text()
    type_and_enter(qtbot, editor.exception_input, "1 Apr 2025")
    assert stored(db, title)["exdates"] == ["2025-04-01"]
    assert editor.repeat.text().endswith(", except 1 Apr 2025")
    assert editor.exceptions.item(0).text() == "1 Apr 2025"
    assert undo_text(window) == f"Undo Add exception to {title}"
    window.undo_action.trigger()
    assert stored(db, title)["exdates"] == []
    window.redo_action.trigger()
    assert stored(db, title)["exdates"] == ["2025-04-01"]
    editor.exceptions.setCurrentRow(0)
    editor.remove_exception_button.click()
    assert stored(db, title)["exdates"] == []

    # Without an end the series runs on past today: it is upcoming, and the preview says when.
    type_and_enter(qtbot, editor.repeat, "every month on the first Tuesday")
    assert stored(db, title)["rrule"] == "FREQ=MONTHLY;BYDAY=1TU"
    assert title in group(page, "upcoming")
    assert editor.repeat_understood.text() == "Next: 1 Dec 2026, 5 Jan 2027, 2 Feb 2027…, at 18:00"

    # A date without a time changes UNTIL to an all-day DATE, in the same undo step.
    type_and_enter(qtbot, editor.repeat, "every month on the first Tuesday, until June 2025")
    type_and_enter(qtbot, editor.date.edit, "2025-01-07")
    assert stored(db, title)["rrule"] == "FREQ=MONTHLY;BYDAY=1TU;UNTIL=20250630"
    window.undo_action.trigger()
    assert stored(db, title)["rrule"] == "FREQ=MONTHLY;BYDAY=1TU;UNTIL=20250630T205959Z"
    assert stored(db, title)["when"] == FlexDate.parse("2025-01-07 18:00")

    # Emptying the words stops the repetition.
    type_and_enter(qtbot, editor.repeat, "")
    assert stored(db, title)["rrule"] is None
    assert undo_text(window) == f"Undo Stop repeating {title}"


def test_focus_areas_with_undo_and_redo(qtbot: QtBot, window: MainWindow) -> None:
    page = page_of(window)
    editor = page.editor
    db = window.context.db
    title = "Open-for-all event series"
    open_in_editor(page, title)
    names = [editor.focus_areas.item(i).text() for i in range(editor.focus_areas.count())]
    talent = editor.focus_areas.item(names.index("Attracting talent"))
    talent.setCheckState(Qt.CheckState.Checked)
    assert stored(db, title)["focus_areas"] == [
        "Development of Otaniemi",
        "Attracting talent",
        "Promoting learning",
    ]
    assert undo_text(window) == f"Undo Change focus areas of {title}"
    row = page.model.row_of(milestone_id(db, title))
    assert row is not None
    qtbot.waitUntil(lambda: page.model.index(row, 5).data() is not None, timeout=2000)
    assert "Attracting talent" in page.model.index(row, 5).data()
    window.undo_action.trigger()
    assert stored(db, title)["focus_areas"] == ["Development of Otaniemi", "Promoting learning"]
    checked = [
        editor.focus_areas.item(i).text()
        for i in range(editor.focus_areas.count())
        if editor.focus_areas.item(i).checkState() == Qt.CheckState.Checked
    ]
    assert checked == ["Development of Otaniemi", "Promoting learning"]
    window.redo_action.trigger()
    assert len(stored(db, title)["focus_areas"]) == 3


def test_contacts_with_roles_undo_and_redo(qtbot: QtBot, window: MainWindow) -> None:
    page = page_of(window)
    editor = page.editor
    db = window.context.db
    open_in_editor(page, "Thesis Day")
    with db.sessions() as s:
        mayor = s.scalars(select(Contact).where(Contact.title == "Mayor of Espoo")).one()
    editor.contact_choice.setCurrentIndex(editor.contact_choice.findData(mayor.id))
    editor.role_choice.setCurrentText("speaker")
    editor.add_contact_button.click()
    assert [(c["name"], c["role"]) for c in stored(db, "Thesis Day")["contacts"]] == [
        (mayor.name, "speaker")
    ]
    assert undo_text(window) == "Undo Change contacts of Thesis Day"
    assert editor.contacts.item(0, 1).text() == "speaker"
    window.undo_action.trigger()
    assert stored(db, "Thesis Day")["contacts"] == []
    assert editor.contacts.rowCount() == 0
    window.redo_action.trigger()
    assert editor.contacts.item(0, 1).text() == "speaker"
    # The role is edited in place.
    editor.contacts.item(0, 1).setText("press contact")
    assert stored(db, "Thesis Day")["contacts"][0]["role"] == "press contact"
    window.undo_action.trigger()
    assert stored(db, "Thesis Day")["contacts"][0]["role"] == "speaker"
    window.redo_action.trigger()
    assert stored(db, "Thesis Day")["contacts"][0]["role"] == "press contact"
    # A contact without a role is refused at the contacts field; nothing is written.
    editor.role_choice.setCurrentText("")
    editor.add_contact_button.click()
    assert "role" in editor._messages["contacts"].text()
    assert len(stored(db, "Thesis Day")["contacts"]) == 1
    editor.contacts.selectRow(0)
    editor.remove_contact_button.click()
    assert stored(db, "Thesis Day")["contacts"] == []


def test_several_edits_of_one_record_undo_in_turn(qtbot: QtBot, window: MainWindow) -> None:
    page = page_of(window)
    editor = page.editor
    db = window.context.db
    title = "Open-for-all event series"
    open_in_editor(page, title)
    type_and_enter(qtbot, editor.location, "Dipoli")
    editor.focus_areas.item(1).setCheckState(Qt.CheckState.Checked)
    editor.contacts.item(0, 1).setText("host")
    type_and_enter(qtbot, editor.repeat, "every month on the first Tuesday")
    for _ in range(4):
        window.undo_action.trigger()
    before = stored(db, title)
    assert before["location"] == "Aalto University campus, Otaniemi"
    assert before["focus_areas"] == ["Development of Otaniemi", "Promoting learning"]
    assert [c["role"] for c in before["contacts"]] == ["event organiser", "event organiser"]
    assert before["rrule"] is None
    for _ in range(4):
        window.redo_action.trigger()
    after = stored(db, title)
    assert after["location"] == "Dipoli" and len(after["focus_areas"]) == 3
    assert after["contacts"][0]["role"] == "host" and after["rrule"] == "FREQ=MONTHLY;BYDAY=1TU"


def test_other_fields_save_at_once(qtbot: QtBot, window: MainWindow) -> None:
    page = page_of(window)
    editor = page.editor
    db = window.context.db
    open_in_editor(page, "Thesis Day")
    type_and_enter(qtbot, editor.location, "Dipoli, Otaniemi")
    assert stored(db, "Thesis Day")["location"] == "Dipoli, Otaniemi"
    assert undo_text(window) == "Undo Change place of Thesis Day"
    editor.status.setCurrentIndex(editor.status.findData("confirmed"))
    editor.status.activated.emit(editor.status.currentIndex())
    assert stored(db, "Thesis Day")["status"] == "confirmed"
    editor.outcome.setFocus()
    qtbot.keyClicks(editor.outcome, "40 students met 12 employers.")
    editor.location.setFocus()  # leaving the text box saves it
    assert stored(db, "Thesis Day")["outcome"] == "40 students met 12 employers."
    type_and_enter(qtbot, editor.attachment_input, "https://example.org/thesis-day.pdf")
    assert stored(db, "Thesis Day")["attachments"][0]["label"] == "thesis-day.pdf"
    editor.attachments.setCurrentRow(0)
    editor.remove_attachment_button.click()
    assert stored(db, "Thesis Day")["attachments"] == []
    window.undo_action.trigger()
    assert len(stored(db, "Thesis Day")["attachments"]) == 1
    # Moving to another agreement clears its focus areas in the same step.
    editor.agreement.setCurrentIndex(
        editor.agreement.findText("Strategic partnership agreement 2025–2029")
    )
    editor.agreement.activated.emit(editor.agreement.currentIndex())
    with db.sessions() as s:
        newest = s.scalars(select(Agreement.id).where(Agreement.title.contains("2025–2029"))).one()
    assert stored(db, "Thesis Day")["agreement_id"] == newest
    type_and_enter(qtbot, editor.title, "")
    assert "empty" in editor._messages["title"].text()
    assert editor.title.text() == ""
    assert stored(db, "Thesis Day")["title"] == "Thesis Day"


def test_delete_asks_once_and_undo_restores(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = page_of(window)
    db = window.context.db
    title = "Open-for-all event series"
    mid = milestone_id(db, title)
    asked: list[str] = []
    answer = [QMessageBox.StandardButton.No]

    def question(*args: Any, **kwargs: Any) -> QMessageBox.StandardButton:
        asked.append(args[2])
        return answer[0]

    monkeypatch.setattr(QMessageBox, "question", question)
    page.select_milestone(mid)
    page.table.setFocus()
    delete = next(a for a in window.findChildren(type(window.undo_action)) if a.text() == "&Delete")
    delete.trigger()
    assert len(asked) == 1 and f"“{title}”" in asked[0]
    assert stored(db, mid)["title"] == title  # "No" deletes nothing
    answer[0] = QMessageBox.StandardButton.Yes
    delete.trigger()
    assert len(asked) == 2
    with db.sessions() as s:
        assert ops.milestone_detail(s, mid) is None
    assert mid not in page.model.ids_in("past")
    assert undo_text(window) == f"Undo Delete {title}"
    window.undo_action.trigger()
    restored = stored(db, mid)
    assert restored["focus_areas"] == ["Development of Otaniemi", "Promoting learning"]
    assert len(restored["contacts"]) == 2
    assert mid in page.model.ids_in("past")
    assert len(asked) == 2  # undo does not ask again
    # Several at once: one question, one undo step.
    page.table.selectAll()
    delete.trigger()
    assert len(asked) == 3 and "Delete 5 milestones?" in asked[2]
    assert page.model.total == 0
    window.undo_action.trigger()
    assert page.model.total == 5


def test_a_stale_edit_shows_what_changed_and_lets_the_user_choose(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = page_of(window)
    editor = page.editor
    db = window.context.db
    open_in_editor(page, "Thesis Day")
    asked: list[str] = []
    answer = [QMessageBox.StandardButton.No]

    def question(*args: Any, **kwargs: Any) -> QMessageBox.StandardButton:
        asked.append(args[2])
        return answer[0]

    monkeypatch.setattr(QMessageBox, "question", question)

    def changed_elsewhere(place: str) -> None:  # another Accord on the same file
        with db.transaction() as s:
            m = s.scalars(select(Milestone).where(Milestone.title == "Thesis Day")).one()
            m.location = place

    changed_elsewhere("Dipoli")
    type_and_enter(qtbot, editor.title, "Thesis Day (autumn)")
    assert len(asked) == 1 and "Place: — → Dipoli" in asked[0]
    assert stored(db, "Thesis Day")["location"] == "Dipoli"  # theirs kept, ours not written
    assert editor.location.text() == "Dipoli" and editor.title.text() == "Thesis Day"

    changed_elsewhere("Väre")
    answer[0] = QMessageBox.StandardButton.Yes
    type_and_enter(qtbot, editor.title, "Thesis Day (autumn)")
    assert len(asked) == 2 and "Place: Dipoli → Väre" in asked[1]
    saved = stored(db, "Thesis Day (autumn)")
    assert saved["location"] == "Väre"  # both changes
    assert undo_text(window) == "Undo Change title of Thesis Day"


def test_open_record_from_elsewhere_shows_it(qtbot: QtBot, window: MainWindow) -> None:
    window.show_page(0)
    page = page_of(window)
    page.filters.kind.setCurrentIndex(page.filters.kind.findData("signing"))
    page.filters.kind.activated.emit(page.filters.kind.currentIndex())
    mid = milestone_id(window.context.db, "Thesis Day")
    window.context.open_record.emit("milestone", mid)
    assert window.stack.currentWidget() is page
    assert page.editor.milestone_id == mid
    assert page.selected_ids() == [mid]  # the kind filter that hid it was cleared


def test_every_control_has_an_accessible_name(window: MainWindow) -> None:
    page = page_of(window)
    open_in_editor(page, "Thesis Day")
    inner = (QComboBox, QCalendarWidget)
    missing = []
    for widget in page.findChildren(QWidget):
        if not isinstance(
            widget, QLineEdit | QComboBox | QAbstractButton | QAbstractItemView | QPlainTextEdit
        ):
            continue
        parent = widget.parentWidget()
        nested = False
        while parent is not None and parent is not page:
            if isinstance(parent, inner) or type(parent).__name__ == "QScrollBar":
                nested = True
            parent = parent.parentWidget()
        if (
            nested
            or type(widget).__name__ in ("QTableCornerButton", "QHeaderView")
            or not widget.isVisibleTo(page)
        ):
            continue
        if not widget.accessibleName():
            text = getattr(widget, "text", lambda: "")()
            missing.append(f"{type(widget).__name__} {widget.objectName()} {text}")
    assert missing == []


# --- many milestones ------------------------------------------------------------------------------


def _bulk_milestones(db: Database, count: int) -> None:
    """Fast Core insert: what a database of many years would hold."""
    with db.sessions() as s:
        agreement = s.scalars(select(Agreement.id).where(Agreement.status == "in_force")).one()
    rows = []
    first = date(2000, 1, 1)
    for i in range(count):
        when = (
            FlexDate.on_day(first + timedelta(days=(i * 7919) % 14_000))
            if i % 10
            else FlexDate.tbd()
        )
        rows.append(
            {
                "uid": f"bulk-{i}",
                "version": 1,
                "agreement_id": agreement,
                "kind": "event",
                "status": "planned",
                "title": f"Bulk milestone {i:05d}",
                "description": "",
                "outcome": "",
                "when": when,
                "starts_on": when.start,
                "ends_on": when.end,
                "precision_rank": when.precision.rank,
                "exdates": [],
                "reminders": [],
            }
        )
    with db.engine.begin() as conn:
        conn.execute(insert(Milestone), rows)


def test_on_screen_rows_load_before_rows_read_ahead(qtbot: QtBot, sample_db: Database) -> None:
    _bulk_milestones(sample_db, 200)
    model = MilestoneTableModel(AppContext(sample_db, today=lambda: TODAY))  # no view
    last_block = (model.rowCount() - 1) // model.BLOCK
    model.read_ahead(0, model.BLOCK - 1, downwards=True)  # queues the second block
    assert model.data(model.index(model.rowCount() - 1, 0)) == "…"  # asks for the last one
    QCoreApplication.processEvents()
    assert model._loaded_blocks == {last_block}
    QCoreApplication.processEvents()
    assert model._loaded_blocks == {1, last_block}
    assert model.data(model.index(model.rowCount() - 1, 0)) != "…"


def test_rows_loaded_while_scrolling_leave_the_young_generation(
    qtbot: QtBot, sample_db: Database
) -> None:
    """Rows loaded as others are dropped keep the collector's count near zero, so without
    the table's own young collection they pile up there and one collection walks them all."""
    _bulk_milestones(sample_db, 4000)
    model = MilestoneTableModel(AppContext(sample_db, today=lambda: TODAY))  # no view
    model.MAX_BLOCKS = 40  # 1,000 rows: loading the rest replaces them
    gc.collect()
    for first in range(0, model.rowCount(), model.BLOCK):
        row = first if model.milestone_id(first) is not None else first + 1  # not a header
        assert model.data(model.index(row, 0)) == "…"  # asks for its block
        QCoreApplication.processEvents()  # one turn: the block loads
    assert model.loaded_count() >= 900
    young = {id(o) for o in gc.get_objects(generation=0)}
    kept = [model.record(mid) for mid in model.ids_in("past") + model.ids_in("undated")]
    assert sum(id(record) in young for record in kept if record is not None) == 0


def test_twenty_thousand_milestones_load_lazily(qtbot: QtBot, database: Database) -> None:
    with database.transaction() as session:
        load_sample(session)
    _bulk_milestones(database, 20_000)
    started = time.perf_counter()
    window = _window(qtbot, database)
    page = page_of(window)
    model = page.model
    opened = time.perf_counter() - started
    assert model.total == 20_005 and model.rowCount() == 20_008
    # Only what is on screen, and a screenful ahead at most, in whole blocks.
    screenful = max(60, page.table.viewport().height() // page.table.rowHeight(0) + 1)
    assert model.loaded_count() <= 2 * screenful + 2 * model.BLOCK
    assert opened < 15  # generous for slow CI machines; typically well under a second
    page.table.scrollToBottom()
    last = model.rowCount() - 1
    qtbot.waitUntil(lambda: model.record(model.milestone_id(last) or 0) is not None, timeout=3000)
    assert model.loaded_count() <= 4 * screenful + 4 * model.BLOCK
    assert model.index(last, 0).data().startswith("Bulk milestone")
    assert len(model.ids_in("undated")) == 2000
    # Selection survives a refresh after an edit elsewhere in the list.
    mid = model.milestone_id(last)
    assert mid is not None
    page.select_milestone(mid)
    add_undated(window.context, "Another meeting")
    assert page.selected_ids() == [mid]


# --- screenshots ------------------------------------------------------------------------------


def test_screenshots(qtbot: QtBot, window: MainWindow) -> None:
    """Saved for people to look at: the three groups, Thesis Day, a repeating series."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    context = window.context
    page = page_of(window)
    add_undated(context, "Steering group meeting")
    with context.db.sessions() as s:
        agreement = ops.default_agreement_id(s)
    context.apply(
        Create(
            ops.new_milestone,
            (agreement, "Annual review 2027"),
            {"when": "Q1 2027", "kind": "review"},
        ),
        "Add",
    )
    series = milestone_id(context.db, "Open-for-all event series")
    page.show_record("milestone", series)
    type_and_enter(qtbot, page.editor.date.edit, "2025-01-07 18:00")
    type_and_enter(qtbot, page.editor.end.edit, "+2h")
    type_and_enter(qtbot, page.editor.repeat, "every month on the first Tuesday")
    type_and_enter(qtbot, page.editor.exception_input, "1 Apr 2025")
    page.show_record("milestone", milestone_id(context.db, "Thesis Day"))
    qtbot.wait(50)
    assert window.grab().save(str(SHOTS / "milestones-table.png"))
    page.editor.scroll.verticalScrollBar().setValue(0)
    assert page.editor.grab().save(str(SHOTS / "milestones-editor-thesis-day.png"))
    page.show_record("milestone", series)
    qtbot.wait(50)
    assert window.grab().save(str(SHOTS / "milestones-editor-series.png"))
    page.editor.scroll.verticalScrollBar().setValue(
        page.editor.scroll.verticalScrollBar().maximum()
    )
    assert page.editor.grab().save(str(SHOTS / "milestones-editor-series-lower.png"))
