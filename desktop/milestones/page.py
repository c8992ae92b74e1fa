"""The Milestones page: filters and a three-part table on the left, the editor on the right.

The table lists milestones across all agreements in three labelled groups, Upcoming, Past
and Undated (TBD), as sections of one model (model.py says why). Selecting a row opens it
in the editor, which saves every change at once (editor.py). Ctrl+N adds a milestone to
the agreement chosen in the filter, or to the newest agreement in force; Delete asks once
and deletes the selected milestones in one undoable step.

Keyboard: the filters have Alt shortcuts; Alt+U, Alt+P and Alt+N go to a group; Enter on
a row moves to the editor's title and Escape in the editor returns to the table.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QItemSelection, QItemSelectionModel, QModelIndex, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from db.edits import Batch, Create, Delete, Edit
from db.operations import milestones as ops
from db.tracking import ChangeSet
from desktop.context import AppContext
from desktop.milestones import labels
from desktop.milestones.delegate import MilestoneDelegate
from desktop.milestones.editor import MilestoneEditor
from desktop.milestones.filters import FilterBar
from desktop.milestones.model import MilestoneTableModel
from desktop.pages import Page

#: Tables whose changes can alter what the table shows.
_WATCHED = (
    "milestone",
    "milestone_contact",
    "milestone_focus_area",
    "attachment",
    "agreement",
    "focus_area",
)
_COLUMN_WIDTHS = (250, 150, 95, 80, 170, 200, 160)


class MilestonesPage(Page):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.setAccessibleName(self.tr("Milestones"))
        self.filters = FilterBar(context, self)
        self.model = MilestoneTableModel(context, self)

        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setAccessibleName(self.tr("Milestones table"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.setTabKeyNavigation(False)
        self.table.setItemDelegate(MilestoneDelegate(self.model, self.table))
        self._scrolled_to = 0
        self.table.verticalScrollBar().valueChanged.connect(self._read_ahead)
        vertical = self.table.verticalHeader()
        vertical.hide()
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(self.fontMetrics().height() + 10)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)  # never measure rows
        header.setStretchLastSection(True)
        header.setSectionsClickable(False)
        for column, width in enumerate(_COLUMN_WIDTHS):
            self.table.setColumnWidth(column, width)

        self.empty = QLabel(self.tr("No milestones yet — add one with Ctrl+N"), self)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setAccessibleName(self.tr("No milestones yet"))
        self.no_match = QWidget(self)
        no_match_layout = QVBoxLayout(self.no_match)
        no_match_label = QLabel(self.tr("No milestones match these filters."), self.no_match)
        no_match_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        clear = QPushButton(self.tr("Show all milestones"), self.no_match)
        clear.setAccessibleName(self.tr("Show all milestones"))
        clear.clicked.connect(self.filters.clear_all)
        no_match_layout.addStretch(1)
        no_match_layout.addWidget(no_match_label)
        no_match_layout.addWidget(clear, 0, Qt.AlignmentFlag.AlignHCenter)
        no_match_layout.addStretch(1)
        self.views = QStackedWidget(self)
        self.views.addWidget(self.table)
        self.views.addWidget(self.empty)
        self.views.addWidget(self.no_match)

        jump = QHBoxLayout()
        jump.setContentsMargins(0, 0, 0, 0)
        jump.addWidget(QLabel(self.tr("Go to:"), self))
        self.jump_buttons: dict[str, QPushButton] = {}
        keys = {"upcoming": "Alt+U", "past": "Alt+P", "undated": "Alt+N"}
        for group in ops.GROUPS:
            button = QPushButton(self)
            button.setFlat(True)
            button.clicked.connect(lambda _=False, g=group: self.go_to_group(g))
            sequence = QKeySequence(keys[group])
            button.setToolTip(sequence.toString(QKeySequence.SequenceFormat.NativeText))
            # A shortcut of this page (not a mnemonic): other pages may use the same letters.
            shortcut = QShortcut(sequence, self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(lambda g=group: self.go_to_group(g))
            self.jump_buttons[group] = button
            jump.addWidget(button)
        jump.addStretch(1)

        self.editor = MilestoneEditor(context, self)
        self.editor.setMinimumWidth(420)

        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.filters)
        left_layout.addLayout(jump)
        left_layout.addWidget(self.views, 1)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.editor)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.splitter)

        QWidget.setTabOrder(self.filters.clear, self.table)
        self.setFocusProxy(self.table)

        self.filters.changed.connect(self._filters_changed)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.table.activated.connect(lambda _index: self.editor.focus_title())
        self.editor.delete_requested.connect(lambda mid: self.delete_ids([mid]))
        self.editor.leave_requested.connect(self.table.setFocus)
        context.changed.connect(self._on_changed)
        self._after_refresh()

    # --- the Page interface -------------------------------------------------------------------

    @classmethod
    def title(cls) -> str:
        return cls.class_tr("Milestones")

    @classmethod
    def tables(cls) -> tuple[str, ...]:
        return ("milestone", "milestone_contact", "milestone_focus_area")

    def show_record(self, table: str, record_id: int) -> None:
        with self.context.db.sessions() as session:
            milestone_id = ops.milestone_id_for(session, table, record_id)
        if milestone_id is None:
            self.context.message.emit(self.tr("That milestone no longer exists."))
            return
        if self.model.row_of(milestone_id) is None and self.filters.is_active():
            self.filters.clear_all()  # it is hidden by a filter: show everything
        self.select_milestone(milestone_id)
        self.editor.load(milestone_id)

    def new_record(self) -> None:
        agreement_id = self.filters.agreement.currentData()
        with self.context.db.sessions() as session:
            if agreement_id is None:
                agreement_id = ops.default_agreement_id(session)
        if agreement_id is None:
            QMessageBox.information(
                self,
                self.tr("New milestone"),
                self.tr("A milestone belongs to an agreement. Add an agreement first."),
            )
            return
        uid = ops.new_uid_for_milestone()
        title = self.tr("New milestone")
        error = self.context.apply(
            Create(ops.new_milestone, (agreement_id, title), {"uid": uid}),
            self.tr("Add a milestone"),
        )
        if error is not None:
            QMessageBox.warning(self, self.tr("New milestone"), error.message)
            return
        with self.context.db.sessions() as session:
            milestone_id = ops.milestone_id_for_uid(session, uid)
        if milestone_id is not None:
            self.show_record("milestone", milestone_id)
            self.editor.focus_title()

    def delete_selected(self) -> None:
        ids = self.selected_ids()
        if not ids and self.editor.milestone_id is not None:
            ids = [self.editor.milestone_id]
        self.delete_ids(ids)

    # --- selection ---------------------------------------------------------------------------

    def selected_ids(self) -> list[int]:
        rows = sorted(index.row() for index in self.table.selectionModel().selectedRows())
        ids = [self.model.milestone_id(row) for row in rows]
        return [mid for mid in ids if mid is not None]

    def select_milestone(self, milestone_id: int) -> bool:
        row = self.model.row_of(milestone_id)
        if row is None:
            return False
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.table.scrollTo(index, QAbstractItemView.ScrollHint.EnsureVisible)
        return True

    def go_to_group(self, group: str) -> None:
        for header, name, count in self.model.sections():
            if name != group:
                continue
            self.table.scrollTo(
                self.model.index(header, 0), QAbstractItemView.ScrollHint.PositionAtTop
            )
            if count:
                first = self.model.milestone_id(header + 1)
                if first is not None:
                    self.select_milestone(first)
                    self.table.scrollTo(
                        self.model.index(header, 0), QAbstractItemView.ScrollHint.PositionAtTop
                    )
            self.table.setFocus()
            return

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        milestone_id = self.model.milestone_id(current.row()) if current.isValid() else None
        if milestone_id is not None and milestone_id != self.editor.milestone_id:
            self.editor.load(milestone_id)

    # --- refreshing ----------------------------------------------------------------------------

    def _filters_changed(self, filters: ops.MilestoneFilter) -> None:
        self._keeping_selection(lambda: self.model.set_filters(filters))

    def _on_changed(self, changes: ChangeSet) -> None:
        if changes.touches("agreement", "focus_area"):
            self.filters.reload_choices()
        if changes.touches(*_WATCHED):
            self._keeping_selection(self.model.refresh)

    def _keeping_selection(self, reload: Any) -> None:
        """Run a model reset and put back the selection, the current row and the scroll."""
        selected = self.selected_ids()
        current = self.model.milestone_id(self.table.currentIndex().row())
        scroll = self.table.verticalScrollBar().value()
        reload()
        self.table.verticalScrollBar().setValue(scroll)
        self._after_refresh()  # loads the rows now on screen
        model = self.table.selectionModel()
        selection = QItemSelection()
        for mid in selected:
            row = self.model.row_of(mid)
            if row is not None:
                selection.select(
                    self.model.index(row, 0), self.model.index(row, self.model.columnCount() - 1)
                )
        model.select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        if current is not None and self.model.row_of(current) is not None:
            row = self.model.row_of(current)
            assert row is not None
            model.setCurrentIndex(
                self.model.index(row, 0), QItemSelectionModel.SelectionFlag.NoUpdate
            )

    def _after_refresh(self) -> None:
        self.table.clearSpans()
        for header in self.model.header_rows():
            self.table.setSpan(header, 0, 1, self.model.columnCount())
        names = labels.groups()
        for _header, group, count in self.model.sections():
            button = self.jump_buttons[group]
            button.setText(f"{names[group]} ({count:,})")
            button.setAccessibleName(self.tr("Go to %1").replace("%1", names[group]))
            button.setEnabled(count > 0)
        if self.model.total == 0:
            self.views.setCurrentWidget(self.no_match if self.filters.is_active() else self.empty)
        else:
            self.views.setCurrentWidget(self.table)
        top = max(0, self.table.rowAt(0))
        self.model.prefetch(top, top + max(60, self.table.viewport().height() // 16))

    def _read_ahead(self, value: int) -> None:
        """Load the next screenful in the direction of scrolling while the user looks."""
        downwards = value >= self._scrolled_to
        self._scrolled_to = value
        top = max(0, self.table.rowAt(0))
        bottom = self.table.rowAt(self.table.viewport().height() - 1)
        if bottom < 0:
            bottom = self.model.rowCount() - 1
        self.model.read_ahead(top, bottom, downwards)

    # --- deleting -------------------------------------------------------------------------------

    def _title_of(self, milestone_id: int) -> str:
        record = self.model.record(milestone_id)
        if record is not None:
            return str(record["title"])
        shown = self.editor.record()
        if shown is not None and shown["id"] == milestone_id:
            return str(shown["title"])
        return self.tr("this milestone")

    def _version_of(self, milestone_id: int) -> int | None:
        record = self.model.record(milestone_id)
        shown = self.editor.record()
        if shown is not None and shown["id"] == milestone_id:
            return int(shown["version"])
        return None if record is None else int(record["version"])

    def delete_ids(self, ids: list[int]) -> None:
        """Ask once, then delete these milestones as one undoable step."""
        if not ids:
            self.context.message.emit(self.tr("Select a milestone to delete."))
            return
        if len(ids) == 1:
            title = self._title_of(ids[0])
            question = self.tr("Delete the milestone “%1”?").replace("%1", title)
            text = self.tr("Delete %1").replace("%1", title)
        else:
            question = self.tr("Delete %1 milestones?").replace("%1", str(len(ids)))
            text = self.tr("Delete %1 milestones").replace("%1", str(len(ids)))
        answer = QMessageBox.question(
            self,
            self.tr("Delete"),
            question
            + "\n\n"
            + self.tr(
                "Its focus-area links, contacts and attachments go with it. "
                "Edit > Undo (Ctrl+Z) brings everything back."
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        next_row = min((self.model.row_of(mid) or 0) for mid in ids)
        edits: list[Edit] = [Delete("milestone", mid, self._version_of(mid)) for mid in ids]
        edit: Edit = edits[0] if len(edits) == 1 else Batch(tuple(edits))
        error = self.context.apply(edit, text)
        if error is not None:
            QMessageBox.warning(self, self.tr("Delete"), error.message)
            self._keeping_selection(self.model.refresh)
            return
        self._select_near(next_row)

    def _select_near(self, row: int) -> None:
        count = self.model.rowCount()
        for candidate in [*range(row, count), *range(min(row, count) - 1, -1, -1)]:
            milestone_id = self.model.milestone_id(candidate)
            if milestone_id is not None:
                self.select_milestone(milestone_id)
                self.editor.load(milestone_id)
                return
        self.editor.load(None)
