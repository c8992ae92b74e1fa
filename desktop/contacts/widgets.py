"""Small widgets the contact and organisation editors share.

- `ErrorLabel`: the validation message under a field (hidden while there is none).
- `NotesEdit`: multi-line text that reports `editingFinished` like a QLineEdit.
- `RowsEditor`: a list of (label, text) rows with add/remove, for phone numbers, e-mail
  addresses and language versions of a name; it says when the user finished a change and
  the editor saves all rows in one edit.
- `ConflictBanner`: "someone else changed this record", with the two choices.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QFocusEvent, QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

ERROR_COLOUR = "#b3261e"


class ErrorLabel(QLabel):
    """A validation message shown under its field; empty and hidden when all is well."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setStyleSheet(f"color: {ERROR_COLOUR};")
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.hide()

    def show_message(self, message: str) -> None:
        self.setText(message)
        self.setAccessibleName(message)
        self.setVisible(bool(message))

    def clear_message(self) -> None:
        self.show_message("")


def mark_field(widget: QWidget, error: ErrorLabel, message: str) -> None:
    """Show `message` under `widget` and tell assistive technology about it."""
    error.show_message(message)
    widget.setAccessibleDescription(message)


class NotesEdit(QPlainTextEdit):
    """Plain text that is saved when focus leaves it (Tab moves on, it does not indent)."""

    editingFinished = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTabChangesFocus(True)
        self.setMinimumHeight(self.fontMetrics().lineSpacing() * 4 + 12)
        self.setMaximumHeight(self.fontMetrics().lineSpacing() * 8 + 12)
        self._loaded = ""

    def set_loaded_text(self, text: str) -> None:
        self._loaded = text
        self.setPlainText(text)

    def is_modified(self) -> bool:
        return self.toPlainText() != self._loaded

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        if self.is_modified():
            self.editingFinished.emit()


@dataclass
class RowNames:
    """Texts for one kind of rows; %1 is the row number (1, 2, ...)."""

    label: str  # accessible name of the label chooser, e.g. "Phone %1 label"
    text: str  # accessible name of the text field, e.g. "Phone %1 number"
    remove: str  # accessible name of the remove button, e.g. "Remove phone %1"
    add: str  # text of the add button, e.g. "Add phone number"
    placeholder: str  # placeholder of a new row's text field
    empty: str  # shown when there are no rows, e.g. "No phone numbers"


@dataclass(frozen=True)
class ShownRow:
    """One stored row as the editor shows it.

    `label` is the stored label; `shown` what the text field displays; `value` what is sent
    back when the user leaves the text unchanged (e.g. the number as typed); `tooltip`.
    """

    label: str
    shown: str
    value: str
    tooltip: str = ""


class _Row(QWidget):
    def __init__(self, owner: RowsEditor) -> None:
        super().__init__(owner)
        self.saved = False
        self.shown = ""
        self.value = ""
        self.combo = QComboBox(self)
        for key, text in owner.labels:
            self.combo.addItem(text, key)
            self.combo.setItemData(self.combo.count() - 1, key, Qt.ItemDataRole.ToolTipRole)
        self.edit = QLineEdit(self)
        self.edit.setPlaceholderText(owner.names.placeholder)
        self.edit.setMaxLength(owner.max_length)
        self.remove = QToolButton(self)
        self.remove.setText("✕")
        self.remove.setAutoRaise(True)
        self.error = ErrorLabel(self)
        grid = QVBoxLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(2)
        line = QHBoxLayout()
        line.setSpacing(6)
        line.addWidget(self.combo)
        line.addWidget(self.edit, 1)
        line.addWidget(self.remove)
        grid.addLayout(line)
        grid.addWidget(self.error)
        # Never squeezed when the editor is taller than its view: the view scrolls instead.
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

    def set_label(self, key: str) -> None:
        index = self.combo.findData(key)
        if index < 0:
            self.combo.addItem(key, key)
            index = self.combo.count() - 1
        self.combo.setCurrentIndex(index)

    def label(self) -> str:
        return str(self.combo.currentData())

    def set_number(self, number: int, names: RowNames) -> None:
        n = str(number)
        self.combo.setAccessibleName(names.label.replace("%1", n))
        self.edit.setAccessibleName(names.text.replace("%1", n))
        self.remove.setAccessibleName(names.remove.replace("%1", n))
        self.remove.setToolTip(names.remove.replace("%1", n))

    def load(self, row: ShownRow) -> None:
        self.saved = True
        self.shown, self.value = row.shown, row.value
        self.set_label(row.label)
        self.edit.setText(row.shown)
        self.edit.setToolTip(row.tooltip)
        self.error.clear_message()
        self.edit.setAccessibleDescription("")

    def has_text(self) -> bool:
        return bool(self.edit.text().strip())

    def text_to_save(self) -> str:
        text = self.edit.text().strip()
        return self.value if self.saved and text == self.shown else text


class RowsEditor(QWidget):
    """Rows of (label, text); `edited` asks the editor to save them all."""

    #: The user finished changing a row, added one with text, or removed a saved one.
    edited = Signal()
    #: Rows were added or removed: the editor re-links the tab order.
    rowsChanged = Signal()

    def __init__(
        self,
        labels: Sequence[tuple[str, str]],
        names: RowNames,
        *,
        max_length: int = 254,
        unique_labels: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.labels = list(labels)
        #: Each label at most once (languages): a new row starts with one not yet used.
        self.unique_labels = unique_labels
        self.names = names
        self.max_length = max_length
        self._rows: list[_Row] = []
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(4)
        self._box = QVBoxLayout()
        self._box.setSpacing(4)
        outer.addLayout(self._box)
        self.empty = QLabel(names.empty, self)
        self.empty.setEnabled(False)
        outer.addWidget(self.empty)
        self.add_button = QPushButton(names.add, self)
        self.add_button.setAccessibleName(names.add)
        self.add_button.clicked.connect(self.add_row)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addStretch(1)
        outer.addLayout(buttons)

    # --- rows ---------------------------------------------------------------------------

    def rows(self) -> list[_Row]:
        return list(self._rows)

    def _make_row(self) -> _Row:
        row = _Row(self)
        row.edit.editingFinished.connect(lambda r=row: self._finished(r))
        row.combo.activated.connect(lambda _i, r=row: self._finished(r))
        row.remove.clicked.connect(lambda _c=False, r=row: self.remove_row(r))
        return row

    def _relayout(self) -> None:
        for row in self._rows:
            self._box.removeWidget(row)
        for i, row in enumerate(self._rows):
            self._box.addWidget(row)
            row.set_number(i + 1, self.names)
            row.show()
        self.empty.setVisible(not self._rows)
        self.rowsChanged.emit()

    def set_rows(self, rows: Sequence[ShownRow], *, keep_unsaved: bool = True) -> None:
        """Show stored rows; with `keep_unsaved`, rows being added stay after them."""
        unsaved = [r for r in self._rows if not r.saved] if keep_unsaved else []
        pool = [r for r in self._rows if r.saved] if keep_unsaved else list(self._rows)
        used: list[_Row] = []
        for i, data in enumerate(rows):
            row = pool[i] if i < len(pool) else self._make_row()
            row.load(data)
            used.append(row)
        for gone in pool[len(rows) :]:
            gone.hide()
            gone.deleteLater()
        self._rows = used + unsaved
        self._relayout()

    def add_row(self) -> None:
        row = self._make_row()
        used = {r.label() for r in self._rows}
        free = next((key for key, _ in self.labels if key not in used), None)
        if free is not None and self.unique_labels:
            row.set_label(free)
        self._rows.append(row)
        self._relayout()
        row.edit.setFocus()

    def remove_row(self, row: _Row) -> None:
        index = self._rows.index(row)
        self._rows.remove(row)
        was_saved = row.saved
        row.hide()
        row.deleteLater()
        self._relayout()
        following = self._rows[index] if index < len(self._rows) else None
        (following.edit if following else self.add_button).setFocus()
        if was_saved:
            self.edited.emit()

    def row_containing(self, widget: QWidget | None) -> _Row | None:
        for row in self._rows:
            if widget is not None and (widget is row or row.isAncestorOf(widget)):
                return row
        return None

    def _finished(self, row: _Row) -> None:
        if row in self._rows and (row.saved or row.has_text()):
            self.edited.emit()

    # --- values -------------------------------------------------------------------------

    def values(self) -> tuple[list[tuple[str, str]], list[int]]:
        """(label, text) of the rows to save, and the row index each one came from."""
        out: list[tuple[str, str]] = []
        where: list[int] = []
        for i, row in enumerate(self._rows):
            if not row.saved and not row.has_text():
                continue
            out.append((row.label(), row.text_to_save()))
            where.append(i)
        return out, where

    def is_dirty(self) -> bool:
        return any(
            (r.saved and (r.edit.isModified() or r.error.text())) or (not r.saved and r.has_text())
            for r in self._rows
        )

    def has_errors(self) -> bool:
        return any(r.error.text() for r in self._rows)

    def show_error(self, index: int, message: str) -> None:
        if 0 <= index < len(self._rows):
            row = self._rows[index]
            mark_field(row.edit, row.error, message)

    def clear_errors(self) -> None:
        for row in self._rows:
            mark_field(row.edit, row.error, "")

    def focus_chain(self) -> list[QWidget]:
        chain: list[QWidget] = []
        for row in self._rows:
            chain += [row.combo, row.edit, row.remove]
        return [*chain, self.add_button]


class ConflictBanner(QFrame):
    """Tells that another process changed the record, and offers the two ways on."""

    keepMine = Signal()
    keepTheirs = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.Window, QColor("#fff4ce"))
        palette.setColor(QPalette.ColorRole.WindowText, QColor("#3b2f00"))
        self.setPalette(palette)
        self.text = QLabel(self)
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        self.mine = QPushButton(self.tr("Save &my change over theirs"), self)
        self.theirs = QPushButton(self.tr("&Discard my change"), self)
        self.mine.setAccessibleName(self.tr("Save my change over theirs"))
        self.theirs.setAccessibleName(self.tr("Discard my change"))
        self.mine.clicked.connect(self.keepMine)
        self.theirs.clicked.connect(self.keepTheirs)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        buttons = QHBoxLayout()
        buttons.addWidget(self.mine)
        buttons.addWidget(self.theirs)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.setAccessibleName(self.tr("Conflicting change"))
        self.hide()

    def show_conflict(self, message: str) -> None:
        self.text.setText(message)
        self.text.setAccessibleName(message)
        self.show()
        self.theirs.setFocus()
