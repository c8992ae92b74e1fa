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

from itertools import islice, repeat
from math import ceil

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPalette, QStaticText, QTransform
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QTableView

from desktop.milestones.model import MilestoneTableModel

# Laid-out texts kept: about three screenfuls, and the texts that repeat. Each is an object
# the garbage collector walks on every full collection, so the cache stays small, and the
# oldest few go when it is full, a block's worth (freeing a quarter at once took 2 ms).
_LIMIT = 1_500
_MAKE_ROOM = 64
# Plain ints: a paint tests the state of every visible cell, and Python's enum flag
# operators cost more than the rest of the cell's work.
_SPECIAL = (
    QStyle.StateFlag.State_HasFocus
    | QStyle.StateFlag.State_MouseOver
    | QStyle.StateFlag.State_Selected
).value
_ENABLED = QStyle.StateFlag.State_Enabled.value
_ACTIVE = QStyle.StateFlag.State_Active.value
_GROUP_BITS = _ENABLED | _ACTIVE  # what picks the palette's colour group
_RELAYOUT = (QEvent.Type.FontChange, QEvent.Type.StyleChange)
_REREAD = (QEvent.Type.PaletteChange, QEvent.Type.StyleChange, QEvent.Type.LayoutDirectionChange)
_ELIDE = Qt.TextElideMode.ElideRight
_IDENTITY = QTransform()

#: A laid-out text: the QStaticText and its height in whole pixels.
Cell = tuple[QStaticText, int]


class MilestoneDelegate(QStyledItemDelegate):
    def __init__(self, model: MilestoneTableModel, view: QTableView) -> None:
        super().__init__(view)
        self._model = model
        self._paint_texts = model.paint_texts
        self._view = view
        self._cells: dict[tuple[str, int, bool], Cell] = {}
        self._struck_font = QFont()
        self._font_key = ""
        margin = view.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, view)
        self._margin = margin + 1  # as the style's own item text margin
        # The text colour by the state's enabled and active bits, and the direction, read
        # once rather than for every cell (a palette lookup costs more than the drawing).
        self._colours: dict[int, QColor] = {}
        self._right_to_left = view.isRightToLeft()
        model.dataChanged.connect(self._rows_loaded)
        model.modelReset.connect(self._cells.clear)
        view.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """A new font or style lays every text out again (elided widths change with it);
        a new palette or direction is read again."""
        kind = event.type()
        if kind in _RELAYOUT:
            self._cells.clear()
            self._font_key = ""
        if kind in _REREAD:
            self._colours.clear()
            self._right_to_left = self._view.isRightToLeft()
        return False

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        cell = self._paint_texts(index.row())
        state = option.state.value  # type: ignore[attr-defined]
        if cell is None or state & _SPECIAL or self._right_to_left:
            super().paint(painter, option, index)
            return
        texts, struck = cell
        colour = self._colours.get(state & _GROUP_BITS)
        if colour is None:
            colour = self._colours[state & _GROUP_BITS] = self._colour(option, state)
        painter.setPen(colour)
        x, y, width, height = option.rect.getRect()  # type: ignore[attr-defined]
        margin = self._margin
        key = (texts[index.column()], width - 2 * margin, struck)
        cells = self._cells
        found = cells.pop(key, None)
        if found is None:
            found = self._new_cell(key, option.font)  # type: ignore[attr-defined]
        cells[key] = found  # now the most recently used: the oldest go first
        static, text_height = found
        # Centred on whole pixels, as the style centres item text.
        x += margin
        y += (height - text_height) // 2
        if struck:
            painter.save()
            painter.setFont(self._struck_font)
            painter.drawStaticText(x, y, static)
            painter.restore()
        else:
            painter.drawStaticText(x, y, static)

    @staticmethod
    def _colour(option: QStyleOptionViewItem, state: int) -> QColor:
        """The text colour the style gives a cell in this state (as QCommonStyle picks it)."""
        group = (
            QPalette.ColorGroup.Disabled
            if not state & _ENABLED
            else QPalette.ColorGroup.Active
            if state & _ACTIVE
            else QPalette.ColorGroup.Inactive
        )
        return option.palette.color(group, QPalette.ColorRole.Text)  # type: ignore[attr-defined]

    def _new_cell(self, key: tuple[str, int, bool], font: QFont) -> Cell:
        """A text not laid out yet (rare while scrolling: `_rows_loaded` did it ahead)."""
        self._use_font(font)
        text, width, struck = key
        return self._laid_out(text, width, self._struck_font if struck else font)

    def _use_font(self, font: QFont) -> None:
        """Forget every laid-out text when the font changes (settings, another screen), and
        make room when the cache is full."""
        font_key = font.key()
        if font_key != self._font_key:
            self._cells.clear()
            self._font_key = font_key
            self._struck_font = QFont(font)
            self._struck_font.setStrikeOut(True)
        elif len(self._cells) >= _LIMIT:
            for old in list(islice(self._cells, _MAKE_ROOM)):
                del self._cells[old]

    def _laid_out(self, text: str, width: int, font: QFont) -> Cell:
        shown = self._view.fontMetrics().elidedText(text, _ELIDE, width) if text else ""
        static = QStaticText(shown)
        static.setTextFormat(Qt.TextFormat.PlainText)
        static.prepare(_IDENTITY, font)
        return static, ceil(static.size().height())

    def _rows_loaded(self, top: QModelIndex, bottom: QModelIndex) -> None:
        """Lay out a block's texts as it loads, so the frame that shows it finds them ready."""
        view = self._view
        grid = 1 if view.showGrid() else 0  # a cell is its column less the grid line
        widths = [
            view.columnWidth(column) - grid - 2 * self._margin
            for column in range(self._model.columnCount())
        ]
        font = view.font()
        self._use_font(font)
        cells = self._cells
        for row in range(top.row(), bottom.row() + 1):
            cell = self._paint_texts(row)
            if cell is None:
                continue
            texts, struck = cell
            for key in zip(texts, widths, repeat(struck)):
                found = cells.pop(key, None)
                if found is None:
                    found = self._laid_out(key[0], key[1], self._struck_font if struck else font)
                cells[key] = found
