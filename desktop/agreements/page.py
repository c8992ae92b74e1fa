"""Agreements: the list of agreements above, the selected agreement's editor below.

Master–detail in a vertical splitter. The list has six columns (title, parties, term,
status, days to expiry, next milestone) that need the page's full width to be read without
scrolling sideways, and a partnership has tens of agreements, not thousands, so a short
list is enough; the editor below gets the full width for its tables (objectives with a
column per year, milestones, history). Selecting a row shows it; Enter or a double-click
moves the cursor into the editor.
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QAction, QHideEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from db.edits import Create, Delete
from db.errors import NotFoundError
from db.operations import add_agreement
from db.operations import agreements as aops
from db.tracking import ChangeSet
from desktop.agreements.editing import Editing
from desktop.agreements.editor import AgreementEditor
from desktop.agreements.model import AgreementsModel
from desktop.agreements.renew import RenewDialog
from desktop.agreements.widgets import Table, button, row
from desktop.context import AppContext
from desktop.pages import Page

#: Tables whose changes alter the list's rows.
LIST_TABLES = ("agreement", "agreement_party", "organisation", "milestone")


class AgreementsPage(Page):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self._restoring = False
        self.renew_dialog: RenewDialog | None = None
        self.model = AgreementsModel(context.db, self, today=context.today)

        self.search = QLineEdit(self)
        self.search.setAccessibleName(self.tr("Filter agreements"))
        self.search.setPlaceholderText(self.tr("Filter by title or party"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._filter)
        self.count = QLabel(self)
        self.count.setAccessibleName(self.tr("Number of agreements"))
        self.new_button = button(
            self.tr("New agreement"), self.tr("New agreement"), self, self.new_record
        )
        self.new_button.setToolTip(self.tr("Add an agreement (Ctrl+N)"))

        self.table = Table(self.tr("Agreements"), "", self)
        self.table.setModel(self.model)
        # the model starts sorted by term; the indicator says so before sorting is on
        self.table.horizontalHeader().setSortIndicator(2, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicatorShown(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)  # keeps the years in view
        for column, width in ((1, 190), (2, 100), (3, 95), (4, 100), (5, 200)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, width)
        header.setMinimumSectionSize(60)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        self.table.opened.connect(lambda _: self.editor.focus_title())
        self.model.modelReset.connect(self._update_count)
        self.model.rowsInserted.connect(self._update_count)

        self.editor = AgreementEditor(context, self.show_agreement, self)
        self.editor.renew_button.clicked.connect(self.renew_selected)
        self.editor.delete_button.clicked.connect(self.delete_agreement)
        self.editing = Editing(context, self, self.editor.reload_all)
        renew = QAction(self.tr("Renew agreement…"), self)
        renew.setShortcut(QKeySequence(Qt.Modifier.CTRL | Qt.Modifier.SHIFT | Qt.Key.Key_R))
        renew.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        renew.triggered.connect(self.renew_selected)
        self.addAction(renew)
        find = QAction(self.tr("Filter agreements"), self)
        find.setShortcut(QKeySequence(Qt.Modifier.CTRL | Qt.Key.Key_L))
        find.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        find.triggered.connect(lambda: (self.search.setFocus(), self.search.selectAll()))
        self.addAction(find)

        top = QWidget(self)
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(8, 8, 8, 0)
        top_layout.setSpacing(6)
        top_layout.addLayout(row(self.search, self.count, self.new_button, stretch_at=0))
        top_layout.addWidget(self.table, 1)
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.addWidget(top)
        self.splitter.addWidget(self.editor)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 5)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([170, 500])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)
        QWidget.setTabOrder(self.search, self.new_button)
        QWidget.setTabOrder(self.new_button, self.table)
        QWidget.setTabOrder(self.table, self.editor.tabs)

        context.changed.connect(self._on_changed)
        self.setFocusProxy(self.table)
        self._update_count()

    # --- the Page interface ----------------------------------------------------------------

    @classmethod
    def title(cls) -> str:
        return cls.class_tr("Agreements")

    @classmethod
    def tables(cls) -> tuple[str, ...]:
        return (
            "agreement",
            "focus_area",
            "objective",
            "agreement_party",
            "agreement_contact",
            "attachment",
        )

    def show_record(self, table: str, record_id: int) -> None:
        section = {
            "agreement": "overview",
            "agreement_party": "overview",
            "focus_area": "focus_areas",
            "objective": "focus_areas",
            "agreement_contact": "contacts",
            "attachment": "attachments",
        }.get(table)
        if section is None:
            return
        with self.context.db.sessions() as session:
            agreement_id, area_id = aops.agreement_of(session, table, record_id)
        if agreement_id is None:
            self.context.message.emit(self.tr("That record no longer exists."))
            return
        self.show_agreement(agreement_id)
        self.editor.show_section(section)
        if area_id is not None:
            self.editor.focus_areas.select_area(area_id)
            if table == "objective":
                self.editor.focus_areas.select_objective(record_id)

    def new_record(self) -> None:
        created = self.editing.create(
            Create(add_agreement, (self.tr("New agreement"),)),
            self.tr("new agreement"),
            "agreement",
        )
        if created is None:
            return
        self.show_agreement(created)
        self.editor.focus_title()

    def delete_selected(self) -> None:
        if self.editor.delete_in(QApplication.focusWidget()):
            return
        self.delete_agreement()

    # --- the list --------------------------------------------------------------------------

    def selected_id(self) -> int | None:
        row_index = self.table.current_row()
        return None if row_index is None else self.model.id_at(row_index)

    def show_agreement(self, agreement_id: int) -> None:
        """Select an agreement in the list (clearing a filter that hides it) and open it."""
        if self.model.row_of(agreement_id) is None and self.model.search():
            self.search.clear()
        self._select(agreement_id, load=True)
        self.editor.load(agreement_id)

    def _select(self, agreement_id: int | None, *, load: bool = False) -> None:
        """Select a row without opening it again. Only loaded rows are selected unless
        `load`: typing in the filter must not read the whole list to keep a selection."""
        self._restoring = True
        try:
            row_index = None if agreement_id is None else self.model.row_of(agreement_id, load=load)
            selection = self.table.selectionModel()
            if row_index is None:
                selection.clearSelection()
                selection.setCurrentIndex(
                    self.model.index(-1, -1), QItemSelectionModel.SelectionFlag.NoUpdate
                )
            else:
                index = self.model.index(row_index, 0)
                selection.setCurrentIndex(
                    index,
                    QItemSelectionModel.SelectionFlag.ClearAndSelect
                    | QItemSelectionModel.SelectionFlag.Rows,
                )
                self.table.scrollTo(index)
        finally:
            self._restoring = False

    def _row_changed(self) -> None:
        if not self._restoring:
            self.editor.load(self.selected_id())

    def _filter(self, text: str) -> None:
        current = self.editor.agreement_id
        self.model.set_search(text)
        self._select(current)
        self._update_count()

    def _update_count(self) -> None:
        total = self.model.total()
        self.count.setText(
            self.tr("1 agreement")
            if total == 1
            else self.tr("%1 agreements").replace("%1", str(total))
        )
        if self.model.search():
            self.table.set_placeholder(
                self.tr("No agreement matches “%1”. Clear the filter to see all.").replace(
                    "%1", self.model.search()
                )
            )
        else:
            self.table.set_placeholder(self.tr("No agreements yet — add one with Ctrl+N."))
        # an empty database needs one hint, not two
        self.editor.show_placeholder(total > 0 or bool(self.model.search()))

    def _on_changed(self, changes: ChangeSet) -> None:
        if changes.touches(*LIST_TABLES):
            current = self.editor.agreement_id
            self.model.refresh(changes)
            self._select(current)
            self._update_count()
        self.editor.refresh(changes)
        if self.editor.agreement_id is None and self.selected_id() is not None:
            self._select(None)

    # --- actions on the agreement ------------------------------------------------------------

    def delete_agreement(self) -> None:
        agreement_id = self.editor.agreement_id or self.selected_id()
        if agreement_id is None:
            self.context.message.emit(self.tr("Select the agreement to delete first."))
            return
        row_index = self.model.row_of(agreement_id)
        with self.context.db.sessions() as session:
            try:
                detail = aops.agreement_detail(session, agreement_id)
            except NotFoundError:  # deleted meanwhile
                self.editor.reload_all()
                return
            milestones = len(aops.milestone_ids(session, agreement_id))
        question = (
            self.tr(
                "Delete the agreement “%1” with its %2 focus area(s) and %3 milestone(s)? "
                "You can undo this with Ctrl+Z."
            )
            .replace("%1", detail["title"])
            .replace("%2", str(len(detail["focus_areas"])))
            .replace("%3", str(milestones))
        )
        if not self.editing.ask(self.tr("Delete agreement"), question):
            return
        saved = self.editing.apply(
            Delete("agreement", agreement_id, detail["version"]),
            self.tr("delete agreement"),
            force=Delete("agreement", agreement_id),
            record=("agreement", agreement_id),
            shown={"title": detail["title"], "status": detail["status"]},
        )
        if saved and self.model.rowCount():
            next_row = min(row_index or 0, self.model.rowCount() - 1)
            self.show_agreement(self.model.id_at(next_row))
            self.table.setFocus()

    def renew_selected(self) -> None:
        agreement_id = self.editor.agreement_id
        if agreement_id is None:
            self.context.message.emit(self.tr("Select the agreement to renew first."))
            return
        if self.editor.detail and self.editor.detail["renewed_by"]:
            self.context.message.emit(
                self.tr("“%1” is already renewed by “%2”.")
                .replace("%1", self.editor.detail["title"])
                .replace("%2", self.editor.detail["renewed_by"]["title"])
            )
            return
        self.editor.commit_pending()
        dialog = RenewDialog(self.context, self.editing, agreement_id, self)
        dialog.accepted.connect(lambda: self._renewed(dialog))
        dialog.finished.connect(dialog.deleteLater)
        self.renew_dialog = dialog
        dialog.open()

    def _renewed(self, dialog: RenewDialog) -> None:
        self.renew_dialog = None
        if dialog.created_id is not None:
            self.show_agreement(dialog.created_id)
            self.context.message.emit(self.tr("Renewed: the new agreement is shown."))

    # --- saving on the way out ------------------------------------------------------------------

    def hideEvent(self, event: QHideEvent) -> None:
        self.editor.commit_pending()
        super().hideEvent(event)
