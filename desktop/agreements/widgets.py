"""Small widgets the agreement views share: tables with an empty-state text, a text box
that commits when the user leaves it, a colour swatch button, a choice delegate."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFocusEvent,
    QIcon,
    QKeyEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPixmap,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QColorDialog,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

Index = QModelIndex | QPersistentModelIndex


def swatch(colour: str, size: int = 14) -> QIcon:
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor(colour))
    painter = QPainter(pixmap)
    painter.setPen(QColor(0, 0, 0, 90))
    painter.drawRect(0, 0, size - 1, size - 1)
    painter.end()
    icon = QIcon(pixmap)
    icon.addPixmap(pixmap, QIcon.Mode.Selected)  # the colour itself, also on a selected row
    return icon


class Table(QTableView):
    """A table that says what to do when it is empty, and reports Enter as `opened`."""

    #: Enter/Return or a double-click on a row.
    opened = Signal(QModelIndex)

    def __init__(self, accessible_name: str, placeholder: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setAccessibleName(accessible_name)
        self._placeholder = placeholder
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.setTabKeyNavigation(False)  # Tab leaves the table: a sensible tab order
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        self.horizontalHeader().setHighlightSections(False)
        self.horizontalHeader().setDefaultAlignment(
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        )
        self.doubleClicked.connect(self.opened)

    def placeholder(self) -> str:
        return self._placeholder

    def set_placeholder(self, text: str) -> None:
        self._placeholder = text
        self.viewport().update()

    def stretch(self, column: int, others: QHeaderView.ResizeMode | None = None) -> None:
        header = self.horizontalHeader()
        model = self.model()
        for col in range(model.columnCount() if model is not None else 0):
            if col == column:
                header.setSectionResizeMode(col, QHeaderView.ResizeMode.Stretch)
            elif others is not None:
                header.setSectionResizeMode(col, others)

    def current_row(self) -> int | None:
        index = self.currentIndex()
        if not index.isValid() or not self.selectionModel().isRowSelected(
            index.row(), QModelIndex()
        ):
            return None
        return index.row()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if (
            event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and self.state() != QAbstractItemView.State.EditingState
            and self.currentIndex().isValid()
        ):
            self.opened.emit(self.currentIndex())
            return
        super().keyPressEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        model = self.model()
        if model is not None and model.rowCount() == 0 and self._placeholder:
            painter = QPainter(self.viewport())
            painter.setPen(self.palette().placeholderText().color())
            rect = self.viewport().rect().adjusted(12, 12, -12, -12)
            painter.drawText(
                rect,
                int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
                | int(Qt.TextFlag.TextWordWrap),
                self._placeholder,
            )
            painter.end()


class CommitTextEdit(QPlainTextEdit):
    """Several lines of text that commit, like a QLineEdit, when the user leaves the box.

    Tab moves on (a text box that swallows Tab traps keyboard users); Ctrl+Enter commits.
    """

    editingFinished = Signal()

    def __init__(self, accessible_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(accessible_name)
        self.setTabChangesFocus(True)
        self._shown = ""

    def set_text(self, text: str) -> None:
        """Show a stored value (no signal)."""
        self._shown = text
        if self.toPlainText() != text:
            self.setPlainText(text)

    def is_modified(self) -> bool:
        return self.toPlainText() != self._shown

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        if self.is_modified():
            self.editingFinished.emit()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and (
            event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            if self.is_modified():
                self.editingFinished.emit()
            return
        super().keyPressEvent(event)


class ColourButton(QToolButton):
    """A swatch; clicking it (or Space) opens the colour dialog. Emits `chosen("#rrggbb")`."""

    chosen = Signal(str)

    def __init__(self, accessible_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(accessible_name)
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._colour = "#000000"
        self.clicked.connect(self._choose)

    def set_colour(self, colour: str) -> None:
        self._colour = colour
        self.setIcon(swatch(colour, 16))
        self.setText(colour.upper())
        self.setAccessibleDescription(colour.upper())

    def colour(self) -> str:
        return self._colour

    def _choose(self) -> None:
        colour = QColorDialog.getColor(
            QColor(self._colour), self.window(), self.tr("Colour of the focus area")
        )
        if colour.isValid() and colour.name().lower() != self._colour.lower():
            self.chosen.emit(colour.name())


class ChoiceDelegate(QStyledItemDelegate):
    """Edits a cell with a combo box of (value, text) choices; the model receives the value
    through setData(EditRole). `choices(index)` is asked each time an editor opens."""

    def __init__(
        self, choices: Callable[[Index], Sequence[tuple[Any, str]]], parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._choices = choices

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:
        combo = QComboBox(parent)
        combo.setAccessibleName(
            str(index.model().headerData(index.column(), Qt.Orientation.Horizontal))
        )
        for value, text in self._choices(index):
            combo.addItem(text, value)
        return combo

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        assert isinstance(editor, QComboBox)
        found = editor.findData(index.data(Qt.ItemDataRole.EditRole))
        editor.setCurrentIndex(max(found, 0))

    def setModelData(self, editor: QWidget, model: Any, index: Index) -> None:
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)


def button(
    text: str, accessible_name: str, parent: QWidget, slot: Callable[[], Any]
) -> QPushButton:
    widget = QPushButton(text, parent)
    widget.setAccessibleName(accessible_name)
    widget.setAutoDefault(False)
    widget.clicked.connect(lambda _=False: slot())
    return widget


def row(*widgets: QWidget | None, stretch_at: int | None = None) -> QHBoxLayout:
    layout = QHBoxLayout()
    layout.setContentsMargins(0, 0, 0, 0)
    for i, w in enumerate(widgets):
        if w is None:
            layout.addStretch(1)
        else:
            layout.addWidget(w, 1 if i == stretch_at else 0)
    return layout


def stacked(*items: QWidget, spacing: int = 4) -> QWidget:
    holder = QWidget()
    layout = QVBoxLayout(holder)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(spacing)
    for item in items:
        layout.addWidget(item)
    return holder


def heading(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    font = label.font()
    font.setBold(True)
    label.setFont(font)
    label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
    return label


def hint(text: str, parent: QWidget) -> QLabel:
    """A quiet line of help under a control (what the keys do)."""
    label = QLabel(text, parent)
    label.setWordWrap(True)
    label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
    label.setAccessibleName(text)
    return label


class LazyComboBox(QComboBox):
    """A combo box whose choices are read when the user enters or opens it, not on every
    reload (the list of agreements to renew can be long). `activated` carries user choices."""

    def __init__(
        self,
        accessible_name: str,
        loader: Callable[[], Sequence[tuple[Any, str]]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setAccessibleName(accessible_name)
        self._loader = loader
        self._stale = True
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(12)

    def invalidate(self) -> None:
        self._stale = True

    def set_current(self, value: Any, text: str) -> None:
        """Show `value` (no signal); the other choices are read later."""
        self.blockSignals(True)
        found = -1 if self._stale else self.findData(value)
        if found < 0:
            self.clear()
            self.addItem(text, value)
            self._stale = True
            found = 0
        self.setCurrentIndex(found)
        self.blockSignals(False)

    def fill(self) -> None:
        if not self._stale:
            return
        current = self.currentData()
        self.blockSignals(True)
        self.clear()
        for value, text in self._loader():
            self.addItem(text, value)
        self.setCurrentIndex(max(self.findData(current), 0))
        self.blockSignals(False)
        self._stale = False

    def showPopup(self) -> None:
        self.fill()
        super().showPopup()

    def focusInEvent(self, event: QFocusEvent) -> None:
        self.fill()
        super().focusInEvent(event)
