"""Pieces the Overview and the Calendar share: a list of records that open on click or
Enter, and the focus-area swatch drawn as in the printed dossier.

Why a tree and not a table: the lists are short and grouped (weeks, reasons), and a tree
gives group rows, keyboard movement and screen-reader roles for free. A row that stands
for a record carries (table, id); a click, Enter or Space on it asks to open the record.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QIcon,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPixmap,
)
from PySide6.QtWidgets import QAbstractItemView, QApplication, QTreeWidget, QTreeWidgetItem, QWidget

from db.overview import Area
from desktop.reports.content import mark_for
from desktop.reports.timeline_drawing import draw_mark

RecordRole = Qt.ItemDataRole.UserRole + 20
#: Colour of a milestone without a focus area (a neutral grey, readable on light and dark).
NO_AREA = "#8c8c8c"


def area_colour(areas: Sequence[Area]) -> QColor:
    return QColor(areas[0].colour if areas else NO_AREA)


def swatch_icon(areas: Sequence[Area], size: int = 12) -> QIcon:
    """The first focus areas' swatches side by side (a neutral square when there is none)."""
    app = QApplication.instance()
    ratio = float(app.devicePixelRatio()) if isinstance(app, QApplication) else 1.0
    return _swatch(tuple((a.colour, a.position) for a in areas[:3]), size, ratio)


@lru_cache(maxsize=512)
def _swatch(marks: tuple[tuple[str, int], ...], size: int, ratio: float) -> QIcon:
    """Drawn once per combination: a list of a thousand milestones shares a few icons."""
    width = max(1, len(marks)) * (size + 2)
    pixmap = QPixmap(int(width * ratio), int(size * ratio))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    if not marks:
        painter.fillRect(QRectF(0.5, 0.5, size - 1, size - 1), QColor(NO_AREA))
    for index, (colour, position) in enumerate(marks):
        rect = QRectF(index * (size + 2) + 0.5, 0.5, size - 1, size - 1)
        draw_mark(painter, rect, mark_for(position, colour))
    painter.end()
    return QIcon(pixmap)


class RecordList(QTreeWidget):
    """A keyboard-usable list of records with group rows and a text when it is empty."""

    open_requested = Signal(str, int)

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(name)
        self.setRootIsDecorated(False)
        self.setUniformRowHeights(False)
        self.setItemsExpandable(False)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setIconSize(QSize(40, 12))
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setAllColumnsShowFocus(True)
        self.header().setStretchLastSection(False)
        self._placeholder = ""
        self._pending: list[QTreeWidgetItem] = []

    # --- content --------------------------------------------------------------------------

    def set_placeholder(self, text: str) -> None:
        self._placeholder = text
        self.viewport().update()

    def placeholder(self) -> str:
        """The text shown while the list is empty."""
        return self._placeholder

    def add_group(self, text: str) -> QTreeWidgetItem:
        """A bold row spanning the columns; rows are added to it, then `flush()` shows all."""
        item = QTreeWidgetItem([text])
        item.setFlags(Qt.ItemFlag.ItemIsEnabled)
        font = QFont(self.font())
        font.setBold(True)
        item.setFont(0, font)
        self._pending.append(item)
        return item

    def add_note(self, parent: QTreeWidgetItem | None, text: str) -> QTreeWidgetItem:
        """A row that is not a record ("… and 12 more")."""
        item = QTreeWidgetItem([text])
        item.setFlags(Qt.ItemFlag.ItemIsEnabled)
        if parent is None:
            self._pending.append(item)
        else:
            parent.addChild(item)
        return item

    def flush(self) -> None:
        """Show the rows built since the last flush.

        Group rows go in first, childless, and are spanned while the tree is short:
        spanning a row lays out the whole tree again, which costs per row in it.
        """
        pending, self._pending = self._pending, []
        children = [item.takeChildren() for item in pending]
        self.addTopLevelItems(pending)
        for item in pending:
            if not item.data(0, RecordRole):
                item.setFirstColumnSpanned(True)
        for item, rows in zip(pending, children, strict=True):
            item.addChildren(rows)
        self.expandAll()

    def clear(self) -> None:
        self._pending = []
        super().clear()

    def add_record(
        self,
        parent: QTreeWidgetItem | None,
        table: str,
        record_id: int,
        texts: Sequence[str],
        *,
        icon: QIcon | None = None,
        tooltip: str | None = None,
        struck: bool = False,
    ) -> QTreeWidgetItem:
        item = QTreeWidgetItem(list(texts))
        item.setData(0, RecordRole, (table, record_id))
        item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
        if icon is not None:
            item.setIcon(0, icon)
        if tooltip:
            for column in range(len(texts)):
                item.setToolTip(column, tooltip)
        if struck:
            font = QFont(self.font())
            font.setStrikeOut(True)
            item.setFont(0, font)
        item.setData(0, Qt.ItemDataRole.AccessibleTextRole, ", ".join(t for t in texts if t))
        # Attached last: every change to an item already in the tree costs a relayout.
        if parent is None:
            self._pending.append(item)
        else:
            parent.addChild(item)
        return item

    def records(self) -> list[tuple[str, int, str]]:
        """(table, id, title) of every record row, top to bottom (for tests and readers)."""
        found: list[tuple[str, int, str]] = []

        def walk(item: QTreeWidgetItem) -> None:
            record = item.data(0, RecordRole)
            if record is not None:
                found.append((record[0], record[1], item.text(0)))
            for index in range(item.childCount()):
                walk(item.child(index))

        for index in range(self.topLevelItemCount()):
            walk(self.topLevelItem(index))
        return found

    def item_for(self, table: str, record_id: int) -> QTreeWidgetItem | None:
        for found in self.findItems("*", Qt.MatchFlag.MatchWildcard | Qt.MatchFlag.MatchRecursive):
            if found.data(0, RecordRole) == (table, record_id):
                return found
        return None

    # --- opening ----------------------------------------------------------------------------

    def _open(self, item: QTreeWidgetItem | None) -> bool:
        record = item.data(0, RecordRole) if item is not None else None
        if record is None:
            return False
        self.open_requested.emit(str(record[0]), int(record[1]))
        return True

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        if event.button() == Qt.MouseButton.LeftButton:
            self._open(self.itemAt(event.position().toPoint()))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        keys = (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space)
        if event.key() in keys and self._open(self.currentItem()):
            return
        super().keyPressEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self.topLevelItemCount() or not self._placeholder:
            return
        painter = QPainter(self.viewport())
        painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
        rect = self.viewport().rect().adjusted(16, 16, -16, -16)
        painter.drawText(
            rect,
            int(
                Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap
            ),
            self._placeholder,
        )
        painter.end()
