"""The milestone table's fast painting: it must look exactly like Qt's own, and keep its
promises about memory and loading order (desktop/milestones/delegate.py, model.py)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from datetime import date

import pytest
from PySide6.QtCore import QCoreApplication, QItemSelectionModel, Qt
from PySide6.QtGui import QColor, QFontMetrics, QImage, QPalette
from PySide6.QtWidgets import QApplication, QMainWindow, QStyledItemDelegate
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from db.enums import MilestoneStatus
from db.models import Milestone
from db.operations import milestones as ops
from db.session import Database
from desktop.context import AppContext
from desktop.milestones import delegate as delegate_module
from desktop.milestones.delegate import MilestoneDelegate
from desktop.milestones.page import MilestonesPage

TODAY = date(2026, 3, 1)
LONG_TITLE = "A signing ceremony with a title far too long to fit in its column of the table"


@pytest.fixture
def page(qtbot: QtBot, sample_db: Database) -> Iterator[MilestonesPage]:
    with sample_db.transaction() as session:
        first, second = session.scalars(select(Milestone).order_by(Milestone.id).limit(2))
        first.status = MilestoneStatus.CANCELLED  # painted struck through
        second.title = LONG_TITLE  # painted elided
    window = QMainWindow()
    qtbot.addWidget(window)
    window.resize(1280, 600)
    page = MilestonesPage(AppContext(sample_db, today=lambda: TODAY), window)
    window.setCentralWidget(page)
    with qtbot.waitExposed(window):
        window.show()
    QCoreApplication.processEvents()
    yield page


def _grab(page: MilestonesPage) -> QImage:
    QCoreApplication.processEvents()
    return page.table.grab().toImage()


def _same_as_default(page: MilestonesPage, *, struck_as_model: bool = True) -> tuple[int, QImage]:
    """How many pixels differ between our painting and the default delegate's.

    A struck-through text's line may end one pixel apart (Qt rounds the line's ends from
    the text's width, which the default measures with another layout): those pixels, at
    most two per cell of a cancelled milestone, are not counted. With `struck_as_model`
    false the rows of cancelled milestones are left out: the model's struck font is the
    application's, which the default delegate uses even where the table has another."""
    ours = _grab(page)
    fast = page.table.itemDelegate()
    page.table.setItemDelegate(QStyledItemDelegate(page.table))
    default = _grab(page)
    page.table.setItemDelegate(fast)
    assert ours.size() == default.size()
    model, table = page.model, page.table
    struck = [
        table.visualRect(model.index(row, 0)).translated(table.viewport().pos())
        for row in range(model.rowCount())
        if (cell := model.paint_texts(row)) is not None and cell[1]
    ]
    differ = 0
    line_ends = 0
    for y in range(ours.height()):
        for x in range(ours.width()):
            if ours.pixel(x, y) != default.pixel(x, y):
                if any(rect.top() <= y <= rect.bottom() for rect in struck):
                    line_ends += 1
                else:
                    differ += 1
    if struck_as_model:
        assert line_ends <= 2 * model.columnCount() * len(struck)
    return differ, ours


def _select_rows(page: MilestonesPage, *rows: int) -> None:
    selection = page.table.selectionModel()
    for row in rows:
        selection.select(
            page.model.index(row, 0),
            QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
        )


def test_table_looks_exactly_as_with_the_default_delegate(page: MilestonesPage) -> None:
    assert isinstance(page.table.itemDelegate(), MilestoneDelegate)
    rows = [page.model.row_of(mid) for mid in page.model.ids_in("past")]
    _select_rows(page, rows[1] or 0, rows[2] or 0)
    page.table.setFocus()
    differ, ours = _same_as_default(page)
    assert differ == 0
    # The picture holds what the test is about: an elided long title and a struck row.
    texts = [page.model.paint_texts(r or 0) for r in rows]
    assert any(cell is not None and cell[1] for cell in texts)
    assert any(cell is not None and cell[0][0] == LONG_TITLE for cell in texts)
    assert not ours.isNull()


def test_dark_palette_matches_the_default(page: MilestonesPage) -> None:
    palette = page.table.palette()
    palette.setColor(QPalette.ColorRole.Base, QColor("#202124"))
    palette.setColor(QPalette.ColorRole.Text, QColor("#e8eaed"))
    palette.setColor(QPalette.ColorRole.Highlight, QColor("#8ab4f8"))
    palette.setColor(QPalette.ColorRole.HighlightedText, QColor("#202124"))
    page.table.setPalette(palette)
    _select_rows(page, page.model.row_of(page.model.ids_in("past")[0]) or 0)
    differ, ours = _same_as_default(page)
    assert differ == 0
    assert QColor(ours.pixel(ours.width() // 2, ours.height() - 20)) == QColor("#202124")


def test_the_system_switching_to_dark_repaints_in_its_colours(page: MilestonesPage) -> None:
    """What the OS does when the user turns dark mode on: a new application palette."""
    _grab(page)  # painted in the light colours first
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    light = app.palette()
    dark = QPalette(light)
    dark.setColor(QPalette.ColorRole.Base, QColor("#1e1e1e"))
    dark.setColor(QPalette.ColorRole.Text, QColor("#f0f0f0"))
    app.setPalette(dark)
    try:
        differ, ours = _same_as_default(page)
        assert differ == 0
        texts = {QColor(ours.pixel(x, y)).lightness() for x in range(ours.width()) for y in (60,)}
        assert max(texts) > 200  # light text on the dark base
    finally:
        app.setPalette(light)


def test_right_to_left_matches_the_default(page: MilestonesPage) -> None:
    page.table.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
    _select_rows(page, page.model.row_of(page.model.ids_in("past")[0]) or 0)
    assert _same_as_default(page)[0] == 0


def test_a_new_font_lays_the_texts_out_again(page: MilestonesPage) -> None:
    _grab(page)  # texts laid out in the first font
    font = page.table.font()
    # A size with whole-pixel metrics here: at fractional ones both paint the same glyphs
    # a fraction of a pixel apart, which no eye sees but a pixel count does.
    font.setPointSizeF(font.pointSizeF() * 1.25)
    page.table.setFont(font)
    page.table.verticalHeader().setDefaultSectionSize(QFontMetrics(font).height() + 10)
    assert _same_as_default(page, struck_as_model=False)[0] == 0


def test_laid_out_texts_stay_bounded(page: MilestonesPage, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(delegate_module, "_LIMIT", 40)
    fast = page.table.itemDelegate()
    assert isinstance(fast, MilestoneDelegate)
    for width in range(100, 160):  # each width lays every text out again
        page.table.setColumnWidth(0, width)
        _grab(page)
        assert len(fast._cells) <= 40
    assert _same_as_default(page)[0] == 0


def test_rows_are_plain_values_the_collector_does_not_walk(page: MilestonesPage) -> None:
    """No full collection needed: a record is never tracked, its texts leave at the first."""
    model = page.model
    gc.collect()
    model.refresh()
    row = model.row_of(model.ids_in("past")[0])
    assert row is not None
    assert model.paint_texts(row) == (model.PLACEHOLDER, False)  # asks for its block
    QCoreApplication.processEvents()  # one turn of the event loop: the block loads
    record = model.record(model.ids_in("past")[0])
    painted = model.paint_texts(row)
    assert record is not None and painted is not None and painted[0][0] == record["title"]
    assert not gc.is_tracked(record), record  # a date object or a list would track it
    gc.collect(generation=0)
    assert not gc.is_tracked(painted[0]), painted


def test_table_queries_leave_no_garbage_cycles(sample_db: Database) -> None:
    with sample_db.sessions() as session:
        ids = list(session.scalars(select(Milestone.id)))
    gc.collect()
    with sample_db.sessions() as session:
        for _ in range(5):
            assert len(ops.milestone_rows(session, ids)) == len(ids)
    assert gc.collect() == 0
