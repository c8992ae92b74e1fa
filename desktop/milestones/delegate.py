"""Paints the milestone table's cells from texts laid out once, before they are shown.

Why not the default delegate: for each cell it asks the model about ten roles (each a call
into Python), elides the text and lays it out again, on every paint. Scrolling a page of
200,000 milestones paints some 175 new cells per frame, and laying out their texts alone
filled a 60 Hz frame on the benchmark machine (tests/benchmarks/bench_scroll.py). Here each
cell's text is elided and laid out once, as a `QStaticText` kept by (text, width, struck
through), and painting only places it. Kinds, statuses, agreements and dates repeat from
row to row, so most cells share one; the rest are prepared when their block loads, ahead of
the scroll (`_rows_loaded`), rather than in the frame that shows them.

Section headers, selected cells, the cell with keyboard focus or under the mouse, and
right-to-left layouts keep the default painting: the platform's style draws selection and
hover its own way (rounded on Windows 11), and right to left Qt elides and orders text by
the layout's direction. tests/desktop/test_milestone_delegate.py checks the table looks the
same pixel for pixel.
"""

from __future__ import annotations

from itertools import islice
from math import ceil

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPersistentModelIndex, QPointF, Qt
from PySide6.QtGui import QFont, QPainter, QPalette, QStaticText, QTransform
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QTableView

from desktop.milestones.model import MilestoneTableModel

# Laid-out texts kept: about three screenfuls, and the texts that repeat. Each is an object
# the garbage collector walks on every full collection, so the cache stays small, and the
# oldest quarter goes when it is full (not all at once: freeing 20,000 took 100 ms).
_LIMIT = 1_500
# Plain ints: a paint tests the state of every visible cell, and Python's enum flag
# operators cost more than the rest of the cell's work.
_SPECIAL = (
    QStyle.StateFlag.State_HasFocus
    | QStyle.StateFlag.State_MouseOver
    | QStyle.StateFlag.State_Selected
).value
_ENABLED = QStyle.StateFlag.State_Enabled.value
_ACTIVE = QStyle.StateFlag.State_Active.value
_ELIDE = Qt.TextElideMode.ElideRight
_IDENTITY = QTransform()

#: A laid-out text: the QStaticText and its height in whole pixels.
Cell = tuple[QStaticText, int]


class MilestoneDelegate(QStyledItemDelegate):
    def __init__(self, model: MilestoneTableModel, view: QTableView) -> None:
        super().__init__(view)
        self._model = model
        self._view = view
        self._cells: dict[tuple[str, int, bool], Cell] = {}
        self._struck_font = QFont()
        self._font_key = ""
        margin = view.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, view)
        self._margin = margin + 1  # as the style's own item text margin
        model.dataChanged.connect(self._rows_loaded)
        model.modelReset.connect(self._cells.clear)
        view.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """A new font or style lays every text out again (elided widths change with it)."""
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._cells.clear()
            self._font_key = ""
        return False

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        state = option.state.value  # type: ignore[attr-defined]
        cell = self._model.paint_texts(index.row())
        if cell is None or state & _SPECIAL or self._view.isRightToLeft():
            super().paint(painter, option, index)
            return
        texts, struck = cell
        rect = option.rect  # type: ignore[attr-defined]
        palette = option.palette  # type: ignore[attr-defined]
        group = (
            QPalette.ColorGroup.Disabled
            if not state & _ENABLED
            else QPalette.ColorGroup.Active
            if state & _ACTIVE
            else QPalette.ColorGroup.Inactive
        )
        painter.setPen(palette.color(group, QPalette.ColorRole.Text))
        margin = self._margin
        width = rect.width() - 2 * margin
        static, height = self._cell(texts[index.column()], width, struck, option)
        x = rect.x() + margin
        # Centred on whole pixels, as the style centres item text.
        y = rect.y() + (rect.height() - height) // 2
        if struck:
            painter.save()
            painter.setFont(self._struck_font)
            painter.drawStaticText(QPointF(x, y), static)
            painter.restore()
        else:
            painter.drawStaticText(QPointF(x, y), static)

    def _cell(
        self, text: str, width: int, struck: bool, option: QStyleOptionViewItem | None
    ) -> Cell:
        """The text elided to this width and laid out, from the cache when it is there."""
        key = (text, width, struck)
        cells = self._cells
        found = cells.pop(key, None)
        if found is not None:
            cells[key] = found  # now the most recently used: the oldest go first
            return found
        font = self._view.font() if option is None else option.font  # type: ignore[attr-defined]
        font_key = font.key()
        if font_key != self._font_key:
            self._cells.clear()  # a new font (settings, screen)
            self._font_key = font_key
            self._struck_font = QFont(font)
            self._struck_font.setStrikeOut(True)
        elif len(self._cells) >= _LIMIT:
            for old in list(islice(self._cells, _LIMIT // 4)):
                del self._cells[old]
        shown = self._view.fontMetrics().elidedText(text, _ELIDE, width) if text else ""
        static = QStaticText(shown)
        static.setTextFormat(Qt.TextFormat.PlainText)
        static.prepare(_IDENTITY, self._struck_font if struck else font)
        size = static.size()
        found = self._cells[key] = (static, ceil(size.height()))
        return found

    def _rows_loaded(self, top: QModelIndex, bottom: QModelIndex) -> None:
        """Lay out a block's texts as it loads, so the frame that shows it finds them ready."""
        grid = 1 if self._view.showGrid() else 0  # a cell is its column less the grid line
        widths = [
            self._view.columnWidth(column) - grid - 2 * self._margin
            for column in range(self._model.columnCount())
        ]
        for row in range(top.row(), bottom.row() + 1):
            cell = self._model.paint_texts(row)
            if cell is None:
                continue
            texts, struck = cell
            for text, width in zip(texts, widths, strict=True):
                self._cell(text, width, struck, None)
