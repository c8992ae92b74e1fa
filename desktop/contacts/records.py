"""What the contact and organisation pages share: list model, editor base and page base.

- `RecordListModel`: a table over a query. The ids come first (filtered and sorted in SQL,
  so sorting and filtering work on every record, fetched or not); row values are read in
  blocks through `canFetchMore`/`fetchMore`, never from `data()`.
- `PlainTableModel`: a few plain rows (a contact's links, an organisation's agreements).
- `RecordEditor`: a form over one record. A field is saved when its `editingFinished` fires
  and its value changed: one edit, one transaction, one undo step. A validation message is
  shown under its field and the user's text stays; a change made elsewhere meanwhile (the
  version counter moved) shows what changed and lets the user choose.
- `RecordPage`: filter box and list above, the editor below; Enter or double-click opens
  the current record in the editor.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QAction, QHideEvent, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from db.edits import Edit
from db.errors import AccordError, StaleRecordError, ValidationError
from db.operations.contacts import ChangeFields
from db.tracking import ChangeSet
from desktop.contacts.widgets import (
    ConflictBanner,
    ErrorLabel,
    NotesEdit,
    RowsEditor,
    ShownRow,
    mark_field,
)
from desktop.context import AppContext
from desktop.pages import Page

Index = QModelIndex | QPersistentModelIndex
MakeEdit = Callable[[int | None], Edit]
#: (record id, rows as (label, text), expected version) -> the edit that saves the rows.
MakeRowsEdit = Callable[[int, list[tuple[str, str]], int | None], Edit]


# --- models ---------------------------------------------------------------------------------


class RecordListModel(QAbstractTableModel):
    """Ids from a query, row values fetched lazily in blocks. Subclasses say what to read."""

    BLOCK = 100
    #: Sort key (for the query) of each column.
    SORT_KEYS: tuple[str, ...] = ()

    def __init__(self, context: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._ids: list[int] = []
        self._rows: list[dict[str, Any]] = []
        self._text = ""
        self._sort_column = 0
        self._descending = False
        self.refresh()

    # --- what subclasses provide ----------------------------------------------------------

    def headers(self) -> Sequence[str]:
        raise NotImplementedError

    def query_ids(self, session: Session, text: str, sort: str, descending: bool) -> list[int]:
        raise NotImplementedError

    def query_rows(self, session: Session, ids: Sequence[int]) -> dict[int, dict[str, Any]]:
        raise NotImplementedError

    def display(self, row: dict[str, Any], column: int) -> str:
        raise NotImplementedError

    def tooltip(self, row: dict[str, Any], column: int) -> str | None:
        return self.display(row, column) or None

    def alignment(self, column: int) -> Qt.AlignmentFlag | None:
        """Text alignment of a column (None: the view's default, left)."""
        return None

    # --- loading --------------------------------------------------------------------------

    def _materialise(self, ids: Sequence[int], found: dict[int, dict[str, Any]]) -> list[Any]:
        # An id deleted between the two queries shows as an empty row until the next refresh.
        return [found.get(i) or {"id": i, "missing": True} for i in ids]

    def refresh(self) -> None:
        """Re-run the query; a changed list resets the model, the same ids update in place."""
        sort = self.SORT_KEYS[self._sort_column]
        with self._context.db.sessions() as session:
            ids = self.query_ids(session, self._text, sort, self._descending)
            same = ids == self._ids
            wanted = ids[: len(self._rows)] if same else ids[: self.BLOCK]
            rows = self._materialise(wanted, self.query_rows(session, wanted))
        if same:
            self._rows = rows
            if rows:
                last = self.index(len(rows) - 1, self.columnCount() - 1)
                self.dataChanged.emit(self.index(0, 0), last)
            return
        self.beginResetModel()
        self._ids, self._rows = ids, rows
        self.endResetModel()

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and len(self._rows) < len(self._ids)

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid():
            return
        start = len(self._rows)
        block = self._ids[start : start + self.BLOCK]
        if not block:
            return
        with self._context.db.sessions() as session:
            rows = self._materialise(block, self.query_rows(session, block))
        self.beginInsertRows(QModelIndex(), start, start + len(rows) - 1)
        self._rows.extend(rows)
        self.endInsertRows()

    # --- filter and sort ------------------------------------------------------------------

    def filter_text(self) -> str:
        return self._text

    def set_filter(self, text: str) -> None:
        if text != self._text:
            self._text = text
            self.refresh()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.SORT_KEYS):
            return
        descending = order == Qt.SortOrder.DescendingOrder
        if (column, descending) != (self._sort_column, self._descending):
            self._sort_column, self._descending = column, descending
            self.refresh()

    # --- access ---------------------------------------------------------------------------

    def total(self) -> int:
        """Records matching the filter, fetched or not."""
        return len(self._ids)

    def id_at(self, row: int) -> int:
        return int(self._rows[row]["id"])

    def row_data(self, row: int) -> dict[str, Any]:
        return self._rows[row]

    def row_of(self, record_id: int | None) -> int | None:
        """The row of a record, fetching blocks until it is loaded; None if not listed."""
        if record_id is None or record_id not in self._ids:
            return None
        row = self._ids.index(record_id)
        while len(self._rows) <= row and self.canFetchMore():
            self.fetchMore()
        return row

    # --- QAbstractTableModel --------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers())

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.UserRole:
            return row["id"]
        if row.get("missing"):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.display(row, index.column())
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tooltip(row, index.column())
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return self.alignment(index.column())
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            headers = self.headers()
            return headers[section] if 0 <= section < len(headers) else None
        return None


@dataclass(frozen=True)
class PlainRow:
    cells: tuple[str, ...]
    #: What Enter or double-click opens: (table, id).
    target: tuple[str, int] | None = None
    tooltips: tuple[str | None, ...] = ()


class PlainTableModel(QAbstractTableModel):
    """A handful of read-only rows of text, each optionally pointing at a record."""

    def __init__(self, headers: Sequence[str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._headers = list(headers)
        self._rows: list[PlainRow] = []

    def set_rows(self, rows: Sequence[PlainRow]) -> None:
        if list(rows) == self._rows:
            return
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def target(self, row: int) -> tuple[str, int] | None:
        return self._rows[row].target if 0 <= row < len(self._rows) else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._headers)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return row.cells[column] if column < len(row.cells) else ""
        if role == Qt.ItemDataRole.ToolTipRole:
            tip = row.tooltips[column] if column < len(row.tooltips) else None
            return tip or (row.cells[column] if column < len(row.cells) else None) or None
        if role == Qt.ItemDataRole.UserRole:
            return row.target
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section] if 0 <= section < len(self._headers) else None
        return None


def plain_table(model: PlainTableModel, name: str, parent: QWidget, stretch: int = 1) -> QTableView:
    """A compact read-only table whose rows open their record on Enter or double-click.

    Column `stretch` takes the remaining width (its text is elided, the tooltip has it all).
    """
    view = QTableView(parent)
    view.setModel(model)
    view.setAccessibleName(name)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setTabKeyNavigation(False)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.verticalHeader().hide()
    header = view.horizontalHeader()
    header.setHighlightSections(False)
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    view.setTextElideMode(Qt.TextElideMode.ElideRight)
    return view


def fit_rows(view: QTableView, minimum: int = 1, maximum: int = 8) -> None:
    """Size a small table to its rows so that the form scrolls, not the table."""
    rows = max(minimum, min(maximum, view.model().rowCount()))
    row_height = view.verticalHeader().defaultSectionSize()
    height = view.horizontalHeader().sizeHint().height() + 2 * view.frameWidth()
    view.setFixedHeight(height + rows * row_height)


# --- editor ---------------------------------------------------------------------------------

_ROW_FIELD = re.compile(r"(\w+)\[(\d+)\](?:\.\w+)?")


@dataclass
class _Pending:
    make_edit: MakeEdit
    text: str
    keys: tuple[str, ...]
    version: int | None


class RecordEditor(QWidget):
    """A form over one record of `TABLE`; subclasses add fields and read the record."""

    TABLE = ""
    #: Line fields whose empty value is stored as None.
    OPTIONAL: frozenset[str] = frozenset()

    #: True when a record is shown, False when it no longer exists.
    shown = Signal(bool)
    #: Escape outside a changed field: the page moves focus back to the list.
    leave = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self._id: int | None = None
        self._detail: dict[str, Any] | None = None
        self._pending: _Pending | None = None
        self._lines: dict[str, QLineEdit] = {}
        self._widgets: dict[str, QWidget] = {}
        self._errors: dict[str, ErrorLabel] = {}
        self._row_editors: dict[str, RowsEditor] = {}
        self._row_where: dict[str, list[int]] = {}
        self._row_makers: dict[str, MakeRowsEdit] = {}
        self._notes: dict[str, NotesEdit] = {}
        self._choices: dict[str, QComboBox] = {}

        self.banner = ConflictBanner(self)
        self.banner.keepMine.connect(self._keep_mine)
        self.banner.keepTheirs.connect(self._keep_theirs)
        self.general_error = ErrorLabel(self)
        self.heading = QLabel(self)
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.heading.setWordWrap(True)
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        self.heading.setFont(font)

        # Two columns under the heading: the fields on the left (a form), notes and the
        # record's links on the right. `body` is disabled while a conflict is open.
        self.body = QWidget(self)
        self.form_widget = QWidget(self.body)
        self.form = QFormLayout(self.form_widget)
        self.form.setContentsMargins(0, 0, 0, 0)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        self.form.setVerticalSpacing(6)
        self.side_widget = QWidget(self.body)
        self.side = QVBoxLayout(self.side_widget)
        self.side.setContentsMargins(0, 0, 0, 0)
        self.side.setSpacing(4)
        columns = QHBoxLayout()
        columns.setSpacing(24)
        columns.addWidget(self.form_widget, 1, Qt.AlignmentFlag.AlignTop)
        columns.addWidget(self.side_widget, 1, Qt.AlignmentFlag.AlignTop)
        #: Full-width tables under both columns (their titles need the width).
        self.below = QVBoxLayout()
        self.below.setSpacing(4)
        body = QVBoxLayout(self.body)
        body.setContentsMargins(12, 8, 12, 8)
        body.addWidget(self.heading)
        body.addLayout(columns)
        body.addSpacing(4)
        body.addLayout(self.below)
        body.addStretch(1)  # rows keep their natural height; spare space goes below
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.body)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # its fields take focus; it follows
        scroll.setAccessibleName(self.tr("Editor"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.banner)
        layout.addWidget(self.general_error)
        layout.addWidget(scroll, 1)
        escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        escape.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        escape.activated.connect(self._escape)

    # --- what subclasses provide ----------------------------------------------------------

    def read(self, session: Session, record_id: int) -> dict[str, Any] | None:
        raise NotImplementedError

    def populate(self, detail: dict[str, Any], force: bool, saved: set[str]) -> None:
        raise NotImplementedError

    def snapshot(self, detail: dict[str, Any]) -> list[tuple[str, str]]:
        """(field label, value as text) pairs, to tell what another process changed."""
        raise NotImplementedError

    def edit_text(self, key: str) -> str:
        """The undo text of a change to `key`, e.g. "rename contact" ("Undo rename contact")."""
        raise NotImplementedError

    def first_field(self) -> QLineEdit:
        raise NotImplementedError

    def focus_chain(self) -> list[QWidget]:
        return []

    # --- building the form ----------------------------------------------------------------

    def add_field(
        self,
        key: str,
        label: str,
        widget: QWidget,
        accessible: str,
        *,
        buddy: QWidget | None = None,
    ) -> QLabel:
        """A form row: a buddy label, the widget and its (hidden) error message below.

        `buddy` is the control inside `widget` that takes focus and errors, when `widget`
        is a container.
        """
        control = buddy or widget
        caption = QLabel(label, self.form_widget)
        caption.setBuddy(control)
        if accessible:
            control.setAccessibleName(accessible)
        error = ErrorLabel(self.form_widget)
        box = QWidget(self.form_widget)
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(widget)
        column.addWidget(error)
        self.form.addRow(caption, box)
        self._widgets[key] = control
        self._errors[key] = error
        return caption

    def add_line(self, key: str, label: str, accessible: str, max_length: int) -> QLineEdit:
        edit = QLineEdit(self.form_widget)
        edit.setMaxLength(max_length)
        edit.editingFinished.connect(lambda k=key: self._line_finished(k))
        self._lines[key] = edit
        self.add_field(key, label, edit, accessible)
        return edit

    def add_rows(
        self,
        key: str,
        label: str,
        editor: RowsEditor,
        accessible: str,
        make: MakeRowsEdit,
        *,
        wide: bool = False,
    ) -> None:
        """Rows saved all together by `make(rows, version)` when the user finishes one.

        With `wide` the caption has a line of its own and the rows span the column.
        """
        self._row_editors[key] = editor
        self._row_makers[key] = make
        if wide:
            caption = QLabel(label, self.form_widget)
            editor.setAccessibleName(accessible)
            self.form.addRow(caption)
            self.form.addRow(editor)
            self._widgets[key] = editor
            self._errors[key] = ErrorLabel(self.form_widget)
            self.form.addRow(self._errors[key])
        else:
            caption = self.add_field(key, label, editor, accessible)
        caption.setBuddy(editor.add_button)
        editor.rowsChanged.connect(self.relink_tab_order)
        editor.edited.connect(lambda k=key: self.save_rows(k))

    def add_notes(self, key: str, label: str, accessible: str) -> NotesEdit:
        """Notes in the right-hand column, saved when focus leaves them."""
        notes = NotesEdit(self.side_widget)
        notes.editingFinished.connect(lambda k=key: self._notes_finished(k))
        notes.setAccessibleName(accessible)
        caption = QLabel(label, self.side_widget)
        caption.setBuddy(notes)
        error = ErrorLabel(self.side_widget)
        for widget in (caption, notes, error):
            self.side.addWidget(widget)
        self.side.addSpacing(8)
        self._notes[key] = notes
        self._widgets[key] = notes
        self._errors[key] = error
        return notes

    def add_choice(
        self, key: str, label: str, accessible: str, items: Sequence[tuple[Any, str]]
    ) -> QComboBox:
        """A drop-down list of (value, text); choosing an item saves it."""
        combo = QComboBox(self.form_widget)
        for value, text in items:
            combo.addItem(text, value)
        combo.activated.connect(lambda i, k=key: self._choice_made(k, i))
        self._choices[key] = combo
        self.add_field(key, label, combo, accessible)
        return combo

    def add_table(
        self,
        label: str,
        model: PlainTableModel,
        name: str,
        empty: str,
        stretch: int = 1,
        button: QWidget | None = None,
        below: bool = False,
    ) -> tuple[QTableView, QLabel]:
        """A read-only table under its caption (and `button`): in the right-hand column, or
        with `below` at full width under both columns.

        Enter or double-click on a row opens its record (`context.open_record`); `empty`
        is shown instead of the table while it has no rows.
        """
        parent = self.body if below else self.side_widget
        caption = QLabel(label, parent)
        view = plain_table(model, name, parent, stretch)
        caption.setBuddy(view)
        view.setToolTip(self.tr("Enter or double-click opens it"))
        view.activated.connect(lambda index, m=model: self._open_target(m.target(index.row())))
        empty_label = QLabel(empty, parent)
        empty_label.setEnabled(False)
        empty_label.setWordWrap(True)
        empty_label.hide()
        top = QHBoxLayout()
        top.addWidget(caption, 1)
        if button is not None:
            top.addWidget(button)
        where = self.below if below else self.side
        where.addLayout(top)
        where.addWidget(view)
        where.addWidget(empty_label)
        where.addSpacing(8)
        return view, empty_label

    def show_table(self, view: QTableView, empty: QLabel, rows: Sequence[PlainRow]) -> None:
        model = view.model()
        assert isinstance(model, PlainTableModel)
        model.set_rows(rows)
        view.setVisible(bool(rows))
        empty.setVisible(not rows)
        fit_rows(view)

    def _open_target(self, target: tuple[str, int] | None) -> None:
        if target is not None:
            self.context.open_record.emit(*target)

    def relink_tab_order(self) -> None:
        chain = [w for w in self.focus_chain() if w.focusPolicy() != Qt.FocusPolicy.NoFocus]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

    # --- the record -----------------------------------------------------------------------

    def record_id(self) -> int | None:
        return self._id

    def detail(self) -> dict[str, Any] | None:
        return self._detail

    def open(self, record_id: int | None) -> None:
        """Show another record (saving what the user finished typing in this one first)."""
        if record_id == self._id and self._detail is not None:
            return
        self.flush()
        self._end_conflict()
        self._id = record_id
        self.clear_errors()
        if record_id is None:
            self._detail = None
            self.shown.emit(False)
        else:
            self.reload(force=True)

    def reload(self, *, force: bool = False, saved: Iterable[str] = ()) -> bool:
        """Read the record again; fields the user is changing keep their text unless `force`."""
        if self._id is None:
            return False
        if self._pending is not None and not force:
            return True  # the user is choosing between two versions: keep what they see
        with self.context.db.sessions() as session:
            detail = self.read(session, self._id)
        if detail is None:
            self._detail = None
            self.shown.emit(False)
            return False
        self._detail = detail
        self.populate(detail, force, set(saved))
        self.shown.emit(True)
        return True

    def set_line(self, key: str, value: str | None, force: bool, saved: set[str]) -> None:
        edit = self._lines[key]
        busy = edit.isModified() or bool(self._errors[key].text())
        if force or key in saved or not busy:
            edit.setText(value or "")
            edit.setModified(False)
            edit.setCursorPosition(0)
            self.clear_error(key)

    def set_notes(self, key: str, value: str, force: bool, saved: set[str]) -> None:
        notes = self._notes[key]
        if force or key in saved or not notes.is_modified():
            notes.set_loaded_text(value)
            self.clear_error(key)

    def set_choice(self, key: str, value: Any, force: bool, saved: set[str]) -> None:
        combo = self._choices[key]
        index = combo.findData(value)
        if index < 0:
            combo.addItem(str(value), value)
            index = combo.count() - 1
        combo.blockSignals(True)
        combo.setCurrentIndex(index)
        combo.blockSignals(False)
        if force or key in saved:
            self.clear_error(key)

    def set_rows(self, key: str, rows: list[ShownRow], force: bool, saved: set[str]) -> None:
        editor = self._row_editors[key]
        if force or key in saved:
            editor.set_rows(rows, keep_unsaved=False)
        elif not editor.is_dirty():
            editor.set_rows(rows, keep_unsaved=True)

    def flush(self) -> None:
        """Save what the user changed but has not left yet (before showing another record)."""
        for key, edit in self._lines.items():
            if edit.isModified() and not self._errors[key].text():
                self._line_finished(key)
        for key, notes in self._notes.items():
            if notes.is_modified():
                self._notes_finished(key)
        for key, editor in self._row_editors.items():
            if editor.is_dirty() and not editor.has_errors():
                self.save_rows(key)

    def _notes_finished(self, key: str) -> None:
        if self._detail is None or self._pending is not None:
            return
        text = self._notes[key].toPlainText()
        if text != self._detail.get(key):
            self.set_fields({key: text}, self.edit_text(key), key)

    def _choice_made(self, key: str, index: int) -> None:
        if self._detail is None or self._pending is not None:
            return
        value = self._choices[key].itemData(index)
        if value != self._detail.get(key):
            self.set_fields({key: value}, self.edit_text(key), key)

    def line_value(self, key: str) -> Any:
        text = self._lines[key].text().strip()
        return (text or None) if key in self.OPTIONAL else text

    def _line_finished(self, key: str) -> None:
        if self._detail is None or self._pending is not None:
            return
        value = self.line_value(key)
        if value == self._detail.get(key):
            self.clear_error(key)
            self._lines[key].setModified(False)
            return
        self.set_fields({key: value}, self.edit_text(key), key)

    def set_fields(self, values: dict[str, Any], text: str, key: str) -> bool:
        record_id = self._id
        assert record_id is not None

        def make(version: int | None) -> Edit:
            return ChangeFields(self.TABLE, record_id, values, version)

        return self.apply(make, text, (key,))

    def apply(self, make_edit: MakeEdit, text: str, keys: Sequence[str]) -> bool:
        """Run one edit against the version this editor shows; show what went wrong."""
        if self._detail is None:
            return False
        error = self.context.apply(make_edit(self._detail["version"]), text)
        return self._after(error, make_edit, text, tuple(keys))

    def _after(
        self, error: AccordError | None, make_edit: MakeEdit, text: str, keys: tuple[str, ...]
    ) -> bool:
        if error is None:
            for key in keys:
                self.clear_error(key)
            self.general_error.clear_message()
            self.reload(saved=keys)
            return True
        if isinstance(error, ValidationError):
            self.show_error(error.field, error.message, keys)
            return False
        if isinstance(error, StaleRecordError):
            self._conflict(make_edit, text, keys)
            return False
        self.general_error.show_message(error.message)
        self.context.message.emit(error.message)
        self.reload(force=True)
        return False

    # --- errors ---------------------------------------------------------------------------

    def show_error(self, field: str, message: str, keys: Sequence[str] = ()) -> None:
        match = _ROW_FIELD.fullmatch(field)
        if match and match.group(1) in self._row_editors:
            key = match.group(1)
            where = self._row_where.get(key, [])
            index = int(match.group(2))
            row = where[index] if index < len(where) else index
            self._row_editors[key].show_error(row, message)
            return
        key = field if field in self._errors else (keys[0] if keys else "")
        if key in self._errors:
            mark_field(self._widgets[key], self._errors[key], message)
        else:
            self.general_error.show_message(message)

    def clear_error(self, key: str) -> None:
        if key in self._row_editors:
            self._row_editors[key].clear_errors()
        if key in self._errors:
            mark_field(self._widgets[key], self._errors[key], "")

    def clear_errors(self) -> None:
        for key in self._errors:
            self.clear_error(key)
        self.general_error.clear_message()

    def error_text(self, key: str) -> str:
        return self._errors[key].text() if key in self._errors else ""

    # --- rows (phones, e-mails, language versions) ----------------------------------------

    def save_rows(self, key: str) -> None:
        """Save the rows of a RowsEditor as one edit (called when the user finished a row)."""
        if self._detail is None or self._pending is not None or self._id is None:
            return
        editor = self._row_editors[key]
        rows, where = editor.values()
        self._row_where[key] = where
        if rows == self.stored_rows(key):
            editor.clear_errors()
            return
        make, record_id = self._row_makers[key], self._id
        self.apply(lambda version: make(record_id, rows, version), self.edit_text(key), (key,))

    def stored_rows(self, key: str) -> list[tuple[str, str]]:
        """The rows of `key` as stored, in the (label, text) form RowsEditor.values() gives."""
        raise NotImplementedError

    # --- conflicts ------------------------------------------------------------------------

    def _conflict(self, make_edit: MakeEdit, text: str, keys: tuple[str, ...]) -> None:
        assert self._id is not None and self._detail is not None
        with self.context.db.sessions() as session:
            current = self.read(session, self._id)
        if current is None:
            message = self.tr("It was deleted elsewhere; your change was not saved.")
            self.context.message.emit(message)
            self.reload(force=True)
            return
        before = dict(self.snapshot(self._detail))
        changes = [
            self.tr("• %1: “%2” → “%3”")
            .replace("%1", label)
            .replace("%2", before.get(label) or self.tr("(empty)"))
            .replace("%3", value or self.tr("(empty)"))
            for label, value in self.snapshot(current)
            if before.get(label) != value
        ]
        if not changes:
            changes = [self.tr("• (nothing shown here: a part this editor does not show)")]
        message = (
            self.tr(
                "“%1” was changed elsewhere while you were editing it:\n%2\n\n"
                "Your change (%3) has not been saved. Save it over theirs, or discard it "
                "and see their version."
            )
            .replace("%1", str(self._detail.get("name") or ""))
            .replace("%2", "\n".join(changes))
            .replace("%3", text)
        )
        self._pending = _Pending(make_edit, text, keys, current["version"])
        self.body.setEnabled(False)
        self.banner.show_conflict(message)
        self.context.message.emit(self.tr("Not saved: the record was changed elsewhere."))

    def in_conflict(self) -> bool:
        return self._pending is not None

    def _end_conflict(self) -> None:
        self._pending = None
        self.banner.hide()
        self.body.setEnabled(True)

    def _keep_mine(self) -> None:
        pending = self._pending
        if pending is None:
            return
        self._end_conflict()
        error = self.context.apply(pending.make_edit(pending.version), pending.text)
        self._after(error, pending.make_edit, pending.text, pending.keys)
        self._focus_key(pending.keys)

    def _keep_theirs(self) -> None:
        pending = self._pending
        self._end_conflict()
        self.reload(force=True)
        if pending is not None:
            self._focus_key(pending.keys)

    def _focus_key(self, keys: Sequence[str]) -> None:
        widget = self._widgets.get(keys[0]) if keys else None
        if isinstance(widget, RowsEditor):
            widget = widget.add_button
        (widget or self.first_field()).setFocus()

    def delete_in(self, widget: QWidget | None) -> bool:
        """Edit > Delete inside a row (a phone, an e-mail, a language version) removes
        that row (one undoable edit) instead of the whole record."""
        for editor in self._row_editors.values():
            row = editor.row_containing(widget)
            if row is not None:
                editor.remove_row(row)
                return True
        return False

    def _escape(self) -> None:
        focused = self.focusWidget()
        for key, edit in self._lines.items():
            if edit is focused and edit.isModified() and self._detail is not None:
                edit.setText(str(self._detail.get(key) or ""))
                edit.setModified(False)
                self.clear_error(key)
                return
        self.leave.emit()


# --- page -----------------------------------------------------------------------------------


@dataclass
class PageTexts:
    list_name: str  # accessible name of the list
    filter_placeholder: str
    empty: str  # no records at all
    no_match: str  # nothing matches the filter; %1 is the filter text
    choose: str  # no record open
    gone: str  # the open record was deleted
    count: str  # "%1 contacts"
    count_one: str  # "1 contact"
    count_name: str  # accessible name of the count
    new: str  # the New button, e.g. "New contact"
    new_tooltip: str  # e.g. "Add a contact (%1)"; %1 is the shortcut


def shortcut_text(key: QKeySequence.StandardKey) -> str:
    """A standard shortcut as the platform writes it ("Ctrl+N", "⌘N")."""
    return QKeySequence(key).toString(QKeySequence.SequenceFormat.NativeText)


class RecordPage(Page):
    """Filter box and list above, the editor of the current record below."""

    TABLE = ""
    #: Changes to these tables refresh the list, and to these the editor.
    LIST_TABLES: tuple[str, ...] = ()
    EDITOR_TABLES: tuple[str, ...] = ()

    def __init__(
        self,
        context: AppContext,
        parent: QWidget | None,
        model: RecordListModel,
        editor: RecordEditor,
        texts: PageTexts,
    ) -> None:
        super().__init__(context, parent)
        self.model = model
        self.editor = editor
        self.texts = texts

        self.filter = QLineEdit(self)
        self.filter.setPlaceholderText(texts.filter_placeholder)
        self.filter.setClearButtonEnabled(True)
        self.filter.setAccessibleName(self.tr("Filter"))
        self.filter.setAccessibleDescription(texts.filter_placeholder)
        filter_label = QLabel(self.tr("&Filter:"), self)
        filter_label.setBuddy(self.filter)

        self.table = QTableView(self)
        self.table.setModel(model)
        self.table.setAccessibleName(texts.list_name)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionsMovable(False)
        header.setSortIndicator(0, Qt.SortOrder.AscendingOrder)  # the default is descending
        self.table.setSortingEnabled(True)

        self.empty = QLabel(self)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.empty.setMargin(24)
        self.list_stack = QStackedWidget(self)
        self.list_stack.addWidget(self.table)
        self.list_stack.addWidget(self.empty)

        self.placeholder = QLabel(texts.choose, self)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setWordWrap(True)
        self.placeholder.setMargin(24)
        self.placeholder.setEnabled(False)
        self.editor_stack = QStackedWidget(self)
        self.editor_stack.addWidget(self.placeholder)
        self.editor_stack.addWidget(editor)

        self.count = QLabel(self)
        self.count.setAccessibleName(texts.count_name)
        self.new_button = QPushButton(texts.new, self)
        self.new_button.setAccessibleName(texts.new)
        self.new_button.setToolTip(
            texts.new_tooltip.replace("%1", shortcut_text(QKeySequence.StandardKey.New))
        )
        self.new_button.clicked.connect(self.new_record)
        focus_filter = QAction(self.tr("Filter"), self)
        focus_filter.setShortcut(QKeySequence(Qt.Modifier.CTRL | Qt.Key.Key_L))
        focus_filter.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        focus_filter.triggered.connect(lambda: (self.filter.setFocus(), self.filter.selectAll()))
        self.addAction(focus_filter)

        top = QWidget(self)
        column = QVBoxLayout(top)
        column.setContentsMargins(8, 8, 8, 0)
        column.setSpacing(6)
        row = QHBoxLayout()
        row.addWidget(filter_label)
        row.addWidget(self.filter, 1)
        row.addSpacing(12)
        row.addWidget(self.count)
        row.addSpacing(12)
        row.addWidget(self.new_button)
        column.addLayout(row)
        column.addWidget(self.list_stack, 1)
        # List above, editor below (as on the agreements page): the list's columns get the
        # full width, and so does the two-column editor.
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.addWidget(top)
        self.splitter.addWidget(self.editor_stack)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 5)
        self.splitter.setSizes([200, 460])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)

        self.filter.textChanged.connect(self.model.set_filter)
        self.filter.returnPressed.connect(self.focus_list)
        self.filter.installEventFilter(self)
        self.table.activated.connect(self._activated)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.model.modelReset.connect(self._after_reset)
        self.editor.shown.connect(self._editor_shown)
        self.editor.leave.connect(self.focus_list)
        context.changed.connect(self._on_changed)
        QWidget.setTabOrder(self.filter, self.new_button)
        QWidget.setTabOrder(self.new_button, self.table)
        self._deleted_row: int | None = None
        self._update_empty()

    # --- subclasses -----------------------------------------------------------------------

    def owner(self, table: str, record_id: int) -> int | None:
        """The record of this page a hit in `table` belongs to."""
        return record_id

    def create_edit(self) -> tuple[Edit, str]:
        raise NotImplementedError

    def delete_edit(self, record_id: int) -> tuple[Edit, str] | None:
        """Ask the user (once) and return the edit and its undo text, or None."""
        raise NotImplementedError

    # --- Page -----------------------------------------------------------------------------

    def show_record(self, table: str, record_id: int) -> None:
        owner = self.owner(table, record_id)
        if owner is not None:
            self.open_record(owner, focus=True)

    def new_record(self) -> None:
        edit, text = self.create_edit()
        created: list[int] = []

        def grab(changes: ChangeSet) -> None:
            created.extend(i for t, i in changes.created if t == self.TABLE)

        self.context.changed.connect(grab)
        try:
            error = self.context.apply(edit, text)
        finally:
            self.context.changed.disconnect(grab)
        if error is not None:
            QMessageBox.warning(self, self.title(), error.message)
            return
        if created:
            self.open_record(min(created), focus=True)
            self.editor.first_field().selectAll()

    def delete_selected(self) -> None:
        if self.editor.delete_in(QApplication.focusWidget()):
            return
        record_id = self.current_id()
        if record_id is None:
            self.context.message.emit(self.tr("Choose what to delete in the list first."))
            return
        self.editor.flush()
        asked = self.delete_edit(record_id)
        if asked is None:
            return
        edit, text = asked
        self._deleted_row = self.model.row_of(record_id)
        error = self.context.apply(edit, text)
        if error is not None:
            self._deleted_row = None
            QMessageBox.warning(self, self.title(), error.message)

    # --- list and editor ------------------------------------------------------------------

    def current_id(self) -> int | None:
        index = self.table.currentIndex()
        if index.isValid() and self.table.selectionModel().isRowSelected(index.row()):
            return self.model.id_at(index.row())
        return self.editor.record_id()

    def open_record(self, record_id: int, *, focus: bool) -> None:
        # Save typed text first: the save may re-sort the list, which must not happen in
        # the middle of the selection change below.
        self.editor.flush()
        row = self.model.row_of(record_id)
        if row is None and self.model.filter_text():
            self.filter.clear()
            row = self.model.row_of(record_id)
        if row is not None:
            self._select_row(row)
        self.editor.open(record_id)
        if focus and self.editor.detail() is not None:
            self.editor.first_field().setFocus()

    def _select_row(self, row: int) -> None:
        index = self.model.index(row, 0)
        flags = (
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows
        )
        self.table.selectionModel().setCurrentIndex(index, flags)
        self.table.scrollTo(index)

    def focus_list(self) -> None:
        if self.model.rowCount() == 0:
            self.filter.setFocus()
            return
        if not self.table.currentIndex().isValid():
            self._select_row(0)
        self.table.setFocus()

    def _activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_record(self.model.id_at(index.row()), focus=True)

    def _current_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        if current.isValid():
            self.editor.open(self.model.id_at(current.row()))

    def _after_reset(self) -> None:
        row = self.model.row_of(self.editor.record_id())
        if row is None and self._deleted_row is not None and self.model.rowCount():
            row = min(self._deleted_row, self.model.rowCount() - 1)
        self._deleted_row = None
        if row is not None:
            self._select_row(row)
        self._update_empty()

    def _editor_shown(self, present: bool) -> None:
        if present:
            self.editor_stack.setCurrentWidget(self.editor)
            return
        gone = self.editor.record_id() is not None
        self.placeholder.setText(self.texts.gone if gone else self.texts.choose)
        self.editor_stack.setCurrentWidget(self.placeholder)

    def _on_changed(self, changes: ChangeSet) -> None:
        if changes.touches(*self.LIST_TABLES):
            self.model.refresh()
            self._update_empty()
        if changes.touches(*self.EDITOR_TABLES):
            self.editor.reload()

    def _update_empty(self) -> None:
        total = self.model.total()
        self.count.setText(
            self.texts.count_one if total == 1 else self.texts.count.replace("%1", str(total))
        )
        if total:
            self.list_stack.setCurrentWidget(self.table)
            self.setFocusProxy(self.table)
            return
        text = self.model.filter_text()
        self.empty.setText(self.texts.no_match.replace("%1", text) if text else self.texts.empty)
        self.list_stack.setCurrentWidget(self.empty)
        self.setFocusProxy(self.filter)

    def hideEvent(self, event: QHideEvent) -> None:
        self.editor.flush()  # leaving the page saves what was typed
        super().hideEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.filter
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Down
        ):
            self.focus_list()
            return True
        return super().eventFilter(watched, event)
