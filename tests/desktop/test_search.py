"""The search box, driven from the keyboard and mouse, on a real SQLite file with the sample."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import event, select

from db import operations as ops
from db.edits import Create, Delete
from db.models import Agreement, Contact, Milestone, Organisation
from db.search import Hit
from db.session import Database
from desktop.context import AppContext
from desktop.search.model import DetailRole, HeaderRole, SearchResultsModel
from desktop.search.widget import DEBOUNCE_MS, SearchBox


class Form(QWidget):
    """A window with another field, so focus has somewhere to come from and go back to."""

    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.other = QLineEdit(self)
        self.other.setAccessibleName("Other field")
        self.search = SearchBox(context, self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(self.other)


@pytest.fixture
def form(qtbot: QtBot, sample_db: Database) -> Form:
    widget = Form(AppContext(sample_db))
    qtbot.addWidget(widget)
    widget.resize(500, 120)
    with qtbot.waitExposed(widget):
        widget.show()
    widget.activateWindow()
    return widget


def record_id(db: Database, model: Any, column: str, value: str) -> int:
    with db.sessions() as s:
        return s.scalars(select(model.id).where(getattr(model, column) == value)).one()


def rows(box: SearchBox) -> list[str]:
    model = box.results
    return [model.index(r).data() for r in range(model.rowCount())]


def test_typing_shows_hits_and_enter_opens_the_first(
    form: Form, qtbot: QtBot, sample_db: Database
) -> None:
    box = form.search
    thesis = record_id(sample_db, Milestone, "title", "Thesis Day")
    qtbot.keyClicks(box, "thes da")
    qtbot.waitUntil(box.popup.isVisible)
    assert rows(box) == ["Milestones", "Thesis Day"]
    with qtbot.waitSignal(box.activated, timeout=1000) as blocker:
        qtbot.keyClick(box, Qt.Key.Key_Return)
    assert blocker.args == ["milestone", thesis]
    assert not box.popup.isVisible()


def test_enter_typed_before_the_pause_answers_what_was_typed(
    form: Form, qtbot: QtBot, sample_db: Database
) -> None:
    box = form.search
    niemela = record_id(sample_db, Contact, "name", "Ilkka Niemelä")
    with qtbot.waitSignal(box.activated, timeout=1000) as blocker:
        qtbot.keyClicks(box, "niemela")
        qtbot.keyClick(box, Qt.Key.Key_Enter)  # at once: the timer has not fired yet
    assert blocker.args == ["contact", niemela]


def test_hits_are_grouped_by_kind_under_headers_that_cannot_be_chosen(
    form: Form, qtbot: QtBot
) -> None:
    box = form.search
    qtbot.keyClicks(box, "espoo")
    qtbot.waitUntil(box.popup.isVisible)
    model = box.results
    headers = [r for r in range(model.rowCount()) if model.index(r).data(HeaderRole)]
    assert [model.index(r).data() for r in headers] == [
        "Agreements",
        "Focus areas",
        "Milestones",
        "Contacts",
        "Organisations",
    ]
    for r in headers:
        assert not model.flags(model.index(r)) & Qt.ItemFlag.ItemIsSelectable
        assert model.hit(r) is None
    hit_rows = model.hit_rows()
    assert set(hit_rows).isdisjoint(headers)
    assert all(model.flags(model.index(r)) & Qt.ItemFlag.ItemIsSelectable for r in hit_rows)
    assert box.popup.currentIndex().row() == hit_rows[0]  # what Enter would open
    thesis = rows(box).index("Thesis Day")
    assert model.index(thesis).data(DetailRole) == "fall 2024 · Partnership agreement 2020–2025"


def test_up_and_down_skip_headers_and_enter_opens_the_selected(
    form: Form, qtbot: QtBot, sample_db: Database
) -> None:
    box = form.search
    qtbot.keyClicks(box, "espoo")
    qtbot.waitUntil(box.popup.isVisible)
    hit_rows = box.results.hit_rows()
    qtbot.keyClick(box, Qt.Key.Key_Up)  # already on the first hit: stays
    assert box.popup.currentIndex().row() == hit_rows[0]
    for expected in hit_rows[1:3]:  # the second is past the "Focus areas" header
        qtbot.keyClick(box, Qt.Key.Key_Down)
        assert box.popup.currentIndex().row() == expected
    qtbot.keyClick(box, Qt.Key.Key_Up)
    assert box.popup.currentIndex().row() == hit_rows[1]
    for _ in hit_rows:
        qtbot.keyClick(box, Qt.Key.Key_Down)
    assert box.popup.currentIndex().row() == hit_rows[-1]  # stops on the last
    qtbot.keyClick(box, Qt.Key.Key_Up)
    qtbot.keyClick(box, Qt.Key.Key_Up)
    selected = box.results.hit(box.popup.currentIndex().row())
    assert selected is not None and selected.table == "contact"
    with qtbot.waitSignal(box.activated, timeout=1000) as blocker:
        qtbot.keyClick(box, Qt.Key.Key_Return)
    assert blocker.args == ["contact", record_id(sample_db, Contact, "name", "Jukka Mäkelä")]


def test_a_click_opens_a_hit(form: Form, qtbot: QtBot, sample_db: Database) -> None:
    box = form.search
    qtbot.keyClicks(box, "esbo")
    qtbot.waitUntil(box.popup.isVisible)
    row = box.results.hit_rows()[0]
    rect = box.popup.visualRect(box.results.index(row))
    with qtbot.waitSignal(box.activated, timeout=1000) as blocker:
        qtbot.mouseClick(box.popup.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert blocker.args == [
        "organisation",
        record_id(sample_db, Organisation, "name", "City of Espoo"),
    ]


def test_escape_closes_the_popup_and_gives_focus_back(form: Form, qtbot: QtBot) -> None:
    form.other.setFocus()
    qtbot.waitUntil(form.other.hasFocus)
    form.search.focus_search()
    qtbot.waitUntil(form.search.hasFocus)
    qtbot.keyClicks(form.search, "thesis")
    qtbot.waitUntil(form.search.popup.isVisible)
    qtbot.keyClick(form.search, Qt.Key.Key_Escape)
    assert not form.search.popup.isVisible()
    qtbot.waitUntil(form.other.hasFocus)


def test_no_matches_says_so_and_enter_does_nothing(form: Form, qtbot: QtBot) -> None:
    box = form.search
    qtbot.keyClicks(box, "zebra crossing")
    qtbot.waitUntil(box.popup.isVisible)
    assert rows(box) == ["No matches for “zebra crossing”"]
    assert box.results.hit_rows() == []
    with qtbot.assertNotEmitted(box.activated):
        qtbot.keyClick(box, Qt.Key.Key_Return)
    box.clear()
    assert not box.popup.isVisible()


def test_the_query_waits_for_a_pause_in_typing(
    form: Form, qtbot: QtBot, sample_db: Database
) -> None:
    """One query after the pause, not one per key; and none from painting."""
    statements: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    event.listen(sample_db.engine, "before_cursor_execute", count)
    try:
        qtbot.keyClicks(form.search, "thesis day")
        assert statements == []  # ten keys, no query yet
        qtbot.waitUntil(form.search.popup.isVisible, timeout=DEBOUNCE_MS * 20)
        after_query = len(statements)
        assert after_query > 0
        form.search.popup.repaint()
        form.search.popup.grab()
        assert len(statements) == after_query
    finally:
        event.remove(sample_db.engine, "before_cursor_execute", count)


def test_hits_refresh_when_the_data_changes(form: Form, qtbot: QtBot, sample_db: Database) -> None:
    box = form.search
    qtbot.keyClicks(box, "hackathon")
    qtbot.waitUntil(box.popup.isVisible)
    assert box.results.hit_rows() == []
    newest = record_id(sample_db, Agreement, "title", "Strategic partnership agreement 2025–2029")

    def add(session: Any) -> Milestone:
        return ops.add_milestone(session, session.get(Agreement, newest), "Hackathon in Kera")

    assert box.context.apply(Create(add), "Add milestone") is None
    qtbot.waitUntil(lambda: "Hackathon in Kera" in rows(box))
    box.context.undo_stack.undo()
    qtbot.waitUntil(lambda: "Hackathon in Kera" not in rows(box))


def test_every_widget_has_an_accessible_name(form: Form) -> None:
    assert form.search.accessibleName() == "Search"
    assert form.search.popup.accessibleName() == "Search results"


def test_results_model_passes_qtmodeltester(qtmodeltester: Any) -> None:
    model = SearchResultsModel()
    model.set_hits(
        [
            Hit("agreement", 1, "Partnership agreement 2012", "from 2012", "Agreement"),
            Hit("milestone", 3, "Thesis Day", "fall 2024", "Milestone"),
            Hit("milestone", 4, "Open-for-all event series", "early 2025", "Milestone"),
        ],
        "a",
    )
    qtmodeltester.check(model)
    assert [model.index(r).data() for r in range(model.rowCount())] == [
        "Agreements",
        "Partnership agreement 2012",
        "Milestones",
        "Thesis Day",
        "Open-for-all event series",
    ]
    model.set_hits([], "zz")
    qtmodeltester.check(model)
    assert model.rowCount() == 1 and model.hit(0) is None


def test_the_chosen_hit_stays_chosen_when_hits_refresh(
    form: Form, qtbot: QtBot, sample_db: Database
) -> None:
    box = form.search
    qtbot.keyClicks(box, "espoo")
    qtbot.waitUntil(box.popup.isVisible)
    for _ in range(3):
        qtbot.keyClick(box, Qt.Key.Key_Down)
    chosen = box.results.hit(box.popup.currentIndex().row())
    assert chosen is not None and chosen.title == "Open-for-all event series"
    newest = record_id(sample_db, Agreement, "title", "Strategic partnership agreement 2025–2029")

    def add(session: Any) -> Milestone:  # a new hit above the chosen one
        return ops.add_milestone(session, session.get(Agreement, newest), "Espoo hackathon")

    box.context.apply(Create(add), "Add milestone")
    qtbot.waitUntil(lambda: "Espoo hackathon" in rows(box))
    assert box.results.hit(box.popup.currentIndex().row()) == chosen


def test_enter_on_hidden_hits_asks_again(form: Form, qtbot: QtBot, sample_db: Database) -> None:
    """Hits closed with Escape may be stale by the time Enter is pressed."""
    box = form.search
    qtbot.keyClicks(box, "thesis")
    qtbot.waitUntil(box.popup.isVisible)
    qtbot.keyClick(box, Qt.Key.Key_Escape)
    thesis = record_id(sample_db, Milestone, "title", "Thesis Day")
    assert box.context.apply(Delete("milestone", thesis), "Delete milestone") is None
    box.setFocus()
    with qtbot.assertNotEmitted(box.activated):
        qtbot.keyClick(box, Qt.Key.Key_Return)
    assert box.results.hit_rows() == []
