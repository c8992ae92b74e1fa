"""File > Export calendar… and File > Import calendar…, with their off-thread worker.

The dialogs hold plain values only (ids, rows of the preview), never ORM objects. Counting,
exporting, reading and importing run in a `Job` on Qt's thread pool with a progress bar
and a Cancel button; the window stays responsive, and a cancelled import rolls back whole.
An import is pushed on the undo stack as one step (its inverse edit, see importer.py).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QDate,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRunnable,
    Qt,
    QThreadPool,
    QTimer,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from db import queries
from db.backup import backup_before_import
from db.enums import MilestoneKind
from db.errors import AccordError
from desktop.commands import EditCommand
from desktop.context import AppContext
from desktop.ics.export import (
    REMINDER_NOTE,
    ExportCancelled,
    ExportPlan,
    ExportScope,
    collect,
    export_file,
)
from desktop.ics.importer import (
    Action,
    ImportCancelled,
    ImportResult,
    ParsedCalendar,
    PreviewRow,
    apply_import,
    preview,
    read_file,
)

ICS_FILTER = "iCalendar files (*.ics);;All files (*)"
Index = QModelIndex | QPersistentModelIndex
ROOT = QModelIndex()


# --- running work off the GUI thread ---------------------------------------------------------


class JobSignals(QObject):
    progress = Signal(int, int)
    finished = Signal(object)
    failed = Signal(str)
    cancelled = Signal()


class Job(QRunnable):
    """Runs `work(progress, should_stop)` on the thread pool; reports through signals.

    An AccordError becomes `failed` with its message; ExportCancelled/ImportCancelled
    become `cancelled`. Anything else is a bug: it is reported as `failed` too, so the
    dialog never waits forever.
    """

    def __init__(self, work: Callable[[Callable[[int, int], None], Callable[[], bool]], Any]):
        super().__init__()
        self.setAutoDelete(False)
        self.work = work
        self.signals = JobSignals()
        self.stop = threading.Event()
        self.thread_name: str | None = None
        self.returned = False

    def cancel(self) -> None:
        self.stop.set()

    def run(self) -> None:
        self.thread_name = threading.current_thread().name
        try:
            result = self.work(self.signals.progress.emit, self.stop.is_set)
        except (ExportCancelled, ImportCancelled):
            self.signals.cancelled.emit()
        except AccordError as exc:
            self.signals.failed.emit(exc.message)
        except Exception as exc:  # a bug: say so rather than hang the dialog
            self.signals.failed.emit(f"{type(exc).__name__}: {exc}")
        else:
            self.signals.finished.emit(result)
        finally:
            self.returned = True


#: Jobs the pool may still run. Kept here, and let go only in the GUI thread once they
#: have returned, so that a job and its signals are never freed under a running thread.
_RUNNING: list[Job] = []


def start(job: Job) -> Job:
    _RUNNING[:] = [j for j in _RUNNING if not j.returned]
    _RUNNING.append(job)
    QThreadPool.globalInstance().start(job)
    return job


# --- export ----------------------------------------------------------------------------------


class ExportDialog(QDialog):
    """Scope, options, the number of events the file will hold, and a progress bar."""

    exported = Signal(object)  # ExportPlan

    def __init__(
        self,
        context: AppContext,
        parent: QWidget | None = None,
        *,
        agreement_ids: Sequence[int] = (),
        focus_area_ids: Sequence[int] = (),
        milestone_ids: Sequence[int] = (),
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.milestone_ids = tuple(milestone_ids)
        self.setWindowTitle(self.tr("Export calendar"))
        self.setAccessibleName(self.tr("Export calendar"))
        self.count_job: Job | None = None
        self.export_job: Job | None = None
        self.plan: ExportPlan | None = None
        self._generation = 0

        with context.db.sessions() as session:
            agreements = queries.agreements(session)
            areas = queries.focus_areas(session)
        titles = {a["id"]: a["title"] for a in agreements}

        scope_box = QGroupBox(self.tr("What to export"), self)
        self.everything = QRadioButton(self.tr("&Everything"), scope_box)
        self.everything.setAccessibleName(self.tr("Export everything"))
        self.by_agreement = QRadioButton(self.tr("Chosen &agreements"), scope_box)
        self.by_agreement.setAccessibleName(self.tr("Export chosen agreements"))
        self.by_area = QRadioButton(self.tr("Chosen &focus areas"), scope_box)
        self.by_area.setAccessibleName(self.tr("Export chosen focus areas"))
        count = len(self.milestone_ids)
        self.by_selection = QRadioButton(
            self.tr("Selected &milestones (%1)").replace("%1", str(count))
        )
        self.by_selection.setAccessibleName(self.tr("Export the selected milestones"))
        self.by_selection.setVisible(bool(self.milestone_ids))
        self.agreement_list = QListWidget(scope_box)
        self.agreement_list.setAccessibleName(self.tr("Agreements to export"))
        for a in agreements:
            item = QListWidgetItem(a["title"])
            item.setData(Qt.ItemDataRole.UserRole, a["id"])
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            checked = a["id"] in agreement_ids
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            self.agreement_list.addItem(item)
        self.with_renewed = QCheckBox(self.tr("Include the agreements they &renew"), scope_box)
        self.with_renewed.setAccessibleName(self.tr("Include renewed agreements"))
        self.area_list = QListWidget(scope_box)
        self.area_list.setAccessibleName(self.tr("Focus areas to export"))
        for f in areas:
            item = QListWidgetItem(f"{f['name']} — {titles.get(f['agreement'], '')}")
            item.setData(Qt.ItemDataRole.UserRole, f["id"])
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            checked = f["id"] in focus_area_ids
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            self.area_list.addItem(item)
        scope_layout = QVBoxLayout(scope_box)
        for widget in (
            self.everything, self.by_agreement, self.agreement_list, self.with_renewed,
            self.by_area, self.area_list, self.by_selection,
        ):  # fmt: skip
            scope_layout.addWidget(widget)
        if self.milestone_ids:
            self.by_selection.setChecked(True)
        elif focus_area_ids:
            self.by_area.setChecked(True)
        elif agreement_ids:
            self.by_agreement.setChecked(True)
        else:
            self.everything.setChecked(True)

        options = QGroupBox(self.tr("Dates and kinds"), self)
        form = QFormLayout(options)
        today = context.today()
        self.use_from = QCheckBox(self.tr("F&rom"), options)
        self.use_from.setAccessibleName(self.tr("Limit the first date"))
        self.date_from = QDateEdit(QDate(today.year, 1, 1), options)
        self.date_from.setCalendarPopup(True)
        self.date_from.setAccessibleName(self.tr("First date"))
        self.use_to = QCheckBox(self.tr("&To"), options)
        self.use_to.setAccessibleName(self.tr("Limit the last date"))
        self.date_to = QDateEdit(QDate(today.year, 12, 31), options)
        self.date_to.setCalendarPopup(True)
        self.date_to.setAccessibleName(self.tr("Last date"))
        form.addRow(self.use_from, self.date_from)
        form.addRow(self.use_to, self.date_to)
        self.kind_list = QListWidget(options)
        self.kind_list.setAccessibleName(self.tr("Milestone kinds to export"))
        for kind in MilestoneKind:
            item = QListWidgetItem(kind.value.replace("_", " "))
            item.setData(Qt.ItemDataRole.UserRole, kind.value)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            self.kind_list.addItem(item)
        self.kind_list.setMaximumHeight(120)
        kinds_label = QLabel(self.tr("&Kinds"), options)
        kinds_label.setBuddy(self.kind_list)
        form.addRow(kinds_label, self.kind_list)
        self.exact_only = QCheckBox(
            self.tr("E&xact dates only (leave out month, season and year dates)"), options
        )
        self.exact_only.setAccessibleName(self.tr("Exact dates only"))
        form.addRow(self.exact_only)
        self.terms = QCheckBox(self.tr("Agreement si&gning, term and renewal-review events"))
        self.terms.setAccessibleName(self.tr("Include agreement term events"))
        self.terms.setChecked(True)
        form.addRow(self.terms)
        self.review_months = QSpinBox(options)
        self.review_months.setRange(0, 60)
        self.review_months.setValue(6)
        self.review_months.setSuffix(self.tr(" months before the term ends"))
        self.review_months.setAccessibleName(self.tr("Renewal review, months before the end"))
        form.addRow(self.tr("Renewal re&view"), self.review_months)
        self.cancelled_days = QSpinBox(options)
        self.cancelled_days.setRange(0, 3650)
        self.cancelled_days.setValue(30)
        self.cancelled_days.setSuffix(self.tr(" days"))
        self.cancelled_days.setAccessibleName(self.tr("Keep cancelled events for days"))
        form.addRow(self.tr("Keep cancelled and deleted events for"), self.cancelled_days)

        file_row = QWidget(self)
        file_layout = QHBoxLayout(file_row)
        file_layout.setContentsMargins(0, 0, 0, 0)
        self.name = QLineEdit(self)
        self.name.setPlaceholderText(self.tr("Named after what is exported"))
        self.name.setAccessibleName(self.tr("Calendar name"))
        self.path = QLineEdit(self)
        self.path.setAccessibleName(self.tr("File to write"))
        self.path.setPlaceholderText(self.tr("Choose where to save the .ics file"))
        browse = QPushButton(self.tr("&Browse…"), self)
        browse.setAccessibleName(self.tr("Choose the file"))
        browse.clicked.connect(self._browse)
        file_layout.addWidget(self.path, 1)
        file_layout.addWidget(browse)
        self.keep_updated = QCheckBox(
            self.tr("&Keep this file up to date while Accord is open"), self
        )
        self.keep_updated.setAccessibleName(self.tr("Keep the file up to date"))
        file_form = QFormLayout()
        file_form.addRow(self.tr("Calendar &name"), self.name)
        file_form.addRow(self.tr("&File"), file_row)
        file_form.addRow(self.keep_updated)

        self.summary = QLabel(self.tr("Counting…"), self)
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName(self.tr("Number of events"))
        self.note = QLabel(self.tr(REMINDER_NOTE), self)
        self.note.setWordWrap(True)
        self.note.setAccessibleName(self.tr("About reminders"))
        self.progress = QProgressBar(self)
        self.progress.setAccessibleName(self.tr("Export progress"))
        self.progress.setVisible(False)
        self.buttons = QDialogButtonBox(self)
        self.export_button = self.buttons.addButton(
            self.tr("&Export"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.export_button.setAccessibleName(self.tr("Export"))
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setAccessibleName(self.tr("Cancel"))
        self.export_button.clicked.connect(self.start_export)
        self.cancel_button.clicked.connect(self._cancel)

        layout = QVBoxLayout(self)
        columns = QHBoxLayout()
        columns.addWidget(scope_box, 1)
        columns.addWidget(options, 1)
        layout.addLayout(columns)
        layout.addLayout(file_form)
        layout.addWidget(self.summary)
        layout.addWidget(self.note)
        layout.addWidget(self.progress)
        layout.addWidget(self.buttons)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(150)
        self._timer.timeout.connect(self.recount)
        for signal in (
            self.everything.toggled, self.by_agreement.toggled, self.by_area.toggled,
            self.by_selection.toggled, self.with_renewed.toggled, self.use_from.toggled,
            self.use_to.toggled, self.date_from.dateChanged, self.date_to.dateChanged,
            self.exact_only.toggled, self.terms.toggled, self.review_months.valueChanged,
            self.cancelled_days.valueChanged, self.agreement_list.itemChanged,
            self.area_list.itemChanged, self.kind_list.itemChanged,
        ):  # fmt: skip
            signal.connect(self._schedule)
        self.path.textChanged.connect(self._update_buttons)
        self._update_buttons()
        self.recount()

    # scope

    def _checked(self, widget: QListWidget) -> tuple[Any, ...]:
        return tuple(
            widget.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(widget.count())
            if widget.item(i).checkState() == Qt.CheckState.Checked
        )

    def scope(self) -> ExportScope:
        """The scope the controls describe; no kind ticked means none (not all)."""
        kinds = self._checked(self.kind_list)
        chosen_kinds: tuple[MilestoneKind, ...] = ()
        if len(kinds) != self.kind_list.count():
            chosen_kinds = tuple(MilestoneKind(k) for k in kinds) or (MilestoneKind.OTHER,)
        first: date | None = self.date_from.date().toPython()  # type: ignore[assignment]
        last: date | None = self.date_to.date().toPython()  # type: ignore[assignment]
        by_agreement, by_area = self.by_agreement.isChecked(), self.by_area.isChecked()
        return ExportScope(
            agreement_ids=self._checked(self.agreement_list) if by_agreement else (),
            with_renewed=self.with_renewed.isChecked(),
            focus_area_ids=self._checked(self.area_list) if by_area else (),
            milestone_ids=self.milestone_ids if self.by_selection.isChecked() else (),
            date_from=first if self.use_from.isChecked() else None,
            date_to=last if self.use_to.isChecked() else None,
            kinds=chosen_kinds,
            exact_only=self.exact_only.isChecked(),
            agreement_terms=self.terms.isChecked(),
            review_months=self.review_months.value(),
            cancelled_days=self.cancelled_days.value(),
            name=self.name.text().strip() or None,
        )

    # counting

    def _schedule(self, *args: Any) -> None:
        self.summary.setText(self.tr("Counting…"))
        self._timer.start()

    def recount(self) -> None:
        """Counts in the background; a result for an older scope is dropped."""
        self._generation += 1
        generation = self._generation
        scope, db = self.scope(), self.context.db

        def work(progress: Callable[[int, int], None], should_stop: Callable[[], bool]) -> Any:
            with db.sessions() as session:
                return generation, collect(session, scope, now=None)

        job = Job(work)
        job.signals.finished.connect(self._counted)
        job.signals.failed.connect(self._failed)
        self.count_job = start(job)

    def _counted(self, result: tuple[int, ExportPlan]) -> None:
        generation, plan = result
        if generation != self._generation:
            return
        self.plan = plan
        self.summary.setText(self.describe(plan))
        self.note.setVisible(plan.with_alarms > 0)
        self._update_buttons()

    def describe(self, plan: ExportPlan) -> str:
        text = (
            self.tr("The file will hold 1 event.")
            if plan.count == 1
            else self.tr("The file will hold %1 events.").replace("%1", str(plan.count))
        )
        left = []
        if plan.left_out_undated:
            left.append(self.tr("%1 undated (TBD)").replace("%1", str(plan.left_out_undated)))
        if plan.left_out_approximate:
            n = str(plan.left_out_approximate)
            left.append(self.tr("%1 with approximate dates").replace("%1", n))
        if plan.left_out_cancelled:
            n = str(plan.left_out_cancelled)
            left.append(self.tr("%1 cancelled long ago").replace("%1", n))
        if left:
            text += " " + self.tr("Left out: %1.").replace("%1", ", ".join(left))
        if plan.tombstones:
            text += " " + self.tr(
                "%1 deleted milestones stay as cancelled events for a while."
            ).replace("%1", str(plan.tombstones))
        return text

    # exporting

    def _browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Export calendar"), self.path.text() or "accord.ics", self.tr(ICS_FILTER)
        )
        if path:
            self.path.setText(path if path.lower().endswith(".ics") else path + ".ics")

    def _update_buttons(self) -> None:
        busy = self.export_job is not None
        self.export_button.setEnabled(
            not busy and bool(self.path.text().strip()) and self.plan is not None
        )

    def start_export(self) -> None:
        path = self.path.text().strip()
        if not path or self.export_job is not None:
            return
        scope, db = self.scope(), self.context.db
        self.progress.setVisible(True)
        self.progress.setRange(0, 0)

        def work(progress: Callable[[int, int], None], should_stop: Callable[[], bool]) -> Any:
            plan, _ = export_file(db, scope, path, progress=progress, should_stop=should_stop)
            return plan

        job = Job(work)
        self._target = (scope, path)
        job.signals.progress.connect(self._progress)
        job.signals.finished.connect(self._exported)
        job.signals.failed.connect(self._failed)
        job.signals.cancelled.connect(self._export_cancelled)
        self.export_job = start(job)
        self._update_buttons()

    def _progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)

    def _exported(self, plan: ExportPlan) -> None:
        scope, path = self._target
        self.export_job = None
        self.progress.setVisible(False)
        self.context.message.emit(
            (
                self.tr("Wrote 1 event to %2")
                if plan.count == 1
                else self.tr("Wrote %1 events to %2")
            )
            .replace("%1", str(plan.count))
            .replace("%2", path)
        )
        if self.keep_updated.isChecked():
            Publisher(self.context, scope, path)
        self.exported.emit(plan)
        self.accept()

    def _export_cancelled(self) -> None:
        self.export_job = None
        self.progress.setVisible(False)
        self.summary.setText(self.tr("Export cancelled; nothing was written."))
        self._update_buttons()

    def _failed(self, message: str) -> None:
        self.export_job = None
        self.progress.setVisible(False)
        self.summary.setText(message)
        self._update_buttons()

    def _cancel(self) -> None:
        if self.export_job is not None:
            self.export_job.cancel()
        else:
            self.reject()


class Publisher(QObject):
    """Keeps a published file up to date: re-exports it a moment after each change.

    Lives as long as the application context, or until the database is switched.
    """

    def __init__(self, context: AppContext, scope: ExportScope, path: str) -> None:
        super().__init__(context)
        self.context, self.scope, self.path = context, scope, path
        self.db = context.db
        self.job: Job | None = None
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(2000)
        self.timer.timeout.connect(self.publish)
        context.changed.connect(self._changed)
        for other in context.findChildren(Publisher):
            if other is not self and other.path == path:
                other.stop()

    def _changed(self, changes: Any) -> None:
        if self.context.db is not self.db:
            self.stop()
            return
        self.timer.start()

    def publish(self) -> None:
        if self.job is not None:  # one at a time; the next change schedules another
            self.timer.start()
            return
        db, scope, path = self.db, self.scope, self.path

        def work(progress: Callable[[int, int], None], should_stop: Callable[[], bool]) -> Any:
            return export_file(db, scope, path)[0]

        job = Job(work)
        job.signals.finished.connect(self._done)
        job.signals.failed.connect(self._failed)
        self.job = start(job)

    def _done(self, plan: ExportPlan) -> None:
        self.job = None

    def _failed(self, message: str) -> None:
        self.job = None
        text = self.tr("Could not update %1: %2").replace("%1", self.path)
        self.context.message.emit(text.replace("%2", message))

    def stop(self) -> None:
        self.timer.stop()
        with contextlib.suppress(RuntimeError, TypeError):  # already disconnected
            self.context.changed.disconnect(self._changed)
        self.deleteLater()


# --- import ----------------------------------------------------------------------------------


class PreviewModel(QAbstractTableModel):
    """The preview rows as a table: status, date, title, what changes or why."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[PreviewRow] = []
        self.headers = [self.tr("Status"), self.tr("Date"), self.tr("Event"), self.tr("Details")]
        self.status_text = {
            Action.NEW: self.tr("new"),
            Action.UPDATED: self.tr("updated"),
            Action.UNCHANGED: self.tr("unchanged"),
            Action.CONFLICT: self.tr("in conflict"),
            Action.SKIPPED: self.tr("skipped"),
        }

    def set_rows(self, rows: list[PreviewRow]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: Index = ROOT) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = ROOT) -> int:
        return 0 if parent.isValid() else len(self.headers)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        return None

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid() or role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
        ):
            return None
        row = self.rows[index.row()]
        column = index.column()
        if column == 0:
            return self.status_text[row.action]
        if column == 1:
            return row.event.date_text
        if column == 2:
            return row.event.title
        details = [row.note] if row.note else []
        if row.changes and row.action in (Action.UPDATED, Action.CONFLICT):
            details.append(self.tr("changes: %1").replace("%1", ", ".join(row.changes)))
        details += list(row.event.warnings)
        return "; ".join(details)


class ImportDialog(QDialog):
    """Reads the file, shows what importing would do, imports on confirmation."""

    imported = Signal(object)  # ImportResult

    def __init__(
        self, context: AppContext, parent: QWidget | None = None, path: str | None = None
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.setWindowTitle(self.tr("Import calendar"))
        self.setAccessibleName(self.tr("Import calendar"))
        self.parsed: ParsedCalendar | None = None
        self.rows: list[PreviewRow] = []
        self.job: Job | None = None
        self._generation = 0

        self.path = QLineEdit(path or "", self)
        self.path.setReadOnly(True)
        self.path.setAccessibleName(self.tr("File to import"))
        choose = QPushButton(self.tr("&Choose file…"), self)
        choose.setAccessibleName(self.tr("Choose the file to import"))
        choose.clicked.connect(self._choose)
        self.agreement = QComboBox(self)
        self.agreement.setAccessibleName(self.tr("Agreement for new events"))
        self.focus_area = QComboBox(self)
        self.focus_area.setAccessibleName(self.tr("Focus area for new events"))
        self.take_theirs = QCheckBox(self.tr("In a &conflict, take the file's changes"), self)
        self.take_theirs.setAccessibleName(self.tr("Take the file's changes in conflicts"))
        self.model = PreviewModel(self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setAccessibleName(self.tr("Events in the file"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        self.summary = QLabel(self.tr("Reading the file…"), self)
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName(self.tr("Import summary"))
        self.progress = QProgressBar(self)
        self.progress.setAccessibleName(self.tr("Import progress"))
        self.progress.setVisible(False)
        self.buttons = QDialogButtonBox(self)
        self.import_button = self.buttons.addButton(
            self.tr("&Import"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.import_button.setAccessibleName(self.tr("Import"))
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setAccessibleName(self.tr("Cancel"))
        self.import_button.clicked.connect(self.start_import)
        self.cancel_button.clicked.connect(self._cancel)

        file_row = QHBoxLayout()
        file_row.addWidget(self.path, 1)
        file_row.addWidget(choose)
        form = QFormLayout()
        form.addRow(self.tr("&File"), file_row)
        form.addRow(self.tr("New events go &into"), self.agreement)
        form.addRow(self.tr("and the focus &area"), self.focus_area)
        form.addRow(self.take_theirs)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.progress)
        layout.addWidget(self.buttons)
        self.resize(820, 480)

        self._load_choices()
        self.agreement.currentIndexChanged.connect(self._agreement_changed)
        self.take_theirs.toggled.connect(self._update_buttons)
        self._update_buttons()
        if path:
            self.read(path)

    # choices

    def _load_choices(self) -> None:
        with self.context.db.sessions() as session:
            agreements = queries.agreements(session)
            self._areas = queries.focus_areas(session)
        self.agreement.addItem(self.tr("The agreement named in the file"), None)
        for a in agreements:
            self.agreement.addItem(a["title"], a["id"])
        self._fill_areas()

    def _fill_areas(self) -> None:
        self.focus_area.clear()
        self.focus_area.addItem(self.tr("None"), None)
        chosen = self.agreement.currentData()
        for f in self._areas:
            if chosen is not None and f["agreement"] == chosen:
                self.focus_area.addItem(f["name"], f["id"])
        self.focus_area.setEnabled(chosen is not None)

    def _agreement_changed(self) -> None:
        self._fill_areas()
        if self.parsed is not None:
            self._preview()

    # reading and previewing

    def _choose(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Import calendar"), "", self.tr(ICS_FILTER)
        )
        if path:
            self.path.setText(path)
            self.read(path)

    def read(self, path: str) -> None:
        """Parses the file and previews it, in the background."""
        self.parsed = None
        self.model.set_rows([])
        self.summary.setText(self.tr("Reading the file…"))
        self._run_preview(path=path)

    def _preview(self) -> None:
        self._run_preview(path=None)

    def _run_preview(self, path: str | None) -> None:
        self._generation += 1
        generation = self._generation
        db, parsed, target = self.context.db, self.parsed, self.agreement.currentData()

        def work(progress: Callable[[int, int], None], should_stop: Callable[[], bool]) -> Any:
            calendar = parsed or read_file(str(path), progress=progress, should_stop=should_stop)
            with db.sessions() as session:
                return generation, calendar, preview(session, calendar, agreement_id=target)

        job = Job(work)
        job.signals.finished.connect(self._previewed)
        job.signals.failed.connect(self._failed)
        start(job)
        self._update_buttons()

    def _previewed(self, result: tuple[int, ParsedCalendar, list[PreviewRow]]) -> None:
        generation, parsed, rows = result
        if generation != self._generation:
            return
        self.parsed, self.rows = parsed, rows
        self.model.set_rows(rows)
        self.table.resizeColumnsToContents()
        self.summary.setText(self.describe(rows, parsed))
        self._update_buttons()

    def describe(self, rows: list[PreviewRow], parsed: ParsedCalendar) -> str:
        count = {a: sum(1 for r in rows if r.action is a) for a in Action}
        text = self.tr("%1 new, %2 updated, %3 unchanged, %4 in conflict, %5 skipped.")
        for n, action in enumerate(Action, 1):
            text = text.replace(f"%{n}", str(count[action]))
        unplaced = sum(1 for r in rows if r.needs_agreement)
        if unplaced:
            text += " " + self.tr(
                "Choose the agreement for %1 new events that the file does not place."
            ).replace("%1", str(unplaced))
        if count[Action.CONFLICT]:
            text += " " + self.tr("Conflicts keep Accord's version unless you take the file's.")
        for warning in parsed.warnings:
            text += " " + warning
        return text

    def _to_apply(self) -> int:
        wanted = {Action.NEW, Action.UPDATED}
        if self.take_theirs.isChecked():
            wanted.add(Action.CONFLICT)
        return sum(1 for r in self.rows if r.action in wanted)

    def _update_buttons(self) -> None:
        ready = self.parsed is not None and self.job is None
        placed = not any(r.needs_agreement for r in self.rows)
        self.import_button.setEnabled(ready and placed and self._to_apply() > 0)

    # importing

    def start_import(self) -> None:
        if self.parsed is None or self.job is not None:
            return
        db, parsed = self.context.db, self.parsed
        options = {
            "agreement_id": self.agreement.currentData(),
            "focus_area_id": self.focus_area.currentData(),
            "take_theirs": self.take_theirs.isChecked(),
        }

        def work(progress: Callable[[int, int], None], should_stop: Callable[[], bool]) -> Any:
            backup_before_import(db.path)  # off the GUI thread: a large file takes a moment
            return db.run(
                apply_import, parsed, progress=progress, should_stop=should_stop, **options
            )

        self.progress.setVisible(True)
        self.progress.setRange(0, 0)
        job = Job(work)
        job.signals.progress.connect(self._progress)
        job.signals.finished.connect(self._imported)
        job.signals.failed.connect(self._failed)
        job.signals.cancelled.connect(self._import_cancelled)
        self.job = start(job)
        self._update_buttons()

    def _progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)

    def _imported(self, outcome: tuple[ImportResult, Any]) -> None:
        result, changes = outcome
        self.job = None
        self.progress.setVisible(False)
        name = Path(self.path.text()).name
        self.context.undo_stack.push(
            EditCommand(self.context, result.inverse, self.tr("Import %1").replace("%1", name))
        )
        self.context.changed.emit(changes)
        self.context.message.emit(
            self.tr("Imported %1: %2 new, %3 updated")
            .replace("%1", name)
            .replace("%2", str(result.created))
            .replace("%3", str(result.updated))
        )
        self.imported.emit(result)
        self.accept()

    def _import_cancelled(self) -> None:
        self.job = None
        self.progress.setVisible(False)
        self.summary.setText(self.tr("Import cancelled; nothing was imported."))
        self._update_buttons()

    def _failed(self, message: str) -> None:
        self.job = None
        self.progress.setVisible(False)
        self.summary.setText(message)
        self._update_buttons()

    def _cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()
        else:
            self.reject()


# --- entry points for the main window ----------------------------------------------------------


def show_export_dialog(
    context: AppContext,
    parent: QWidget | None,
    *,
    agreement_ids: Sequence[int] = (),
    focus_area_ids: Sequence[int] = (),
    milestone_ids: Sequence[int] = (),
) -> None:
    """File > Export calendar… and the context menus of agreements, focus areas, milestones."""
    dialog = ExportDialog(
        context,
        parent,
        agreement_ids=agreement_ids,
        focus_area_ids=focus_area_ids,
        milestone_ids=milestone_ids,
    )
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()


def show_import_dialog(
    context: AppContext, parent: QWidget | None, path: str | None = None
) -> None:
    """File > Import calendar…: asks for the file when none is given."""
    if path is None:
        translate = QCoreApplication.translate
        path, _ = QFileDialog.getOpenFileName(
            parent,
            translate("ImportDialog", "Import calendar"),
            "",
            translate("ImportDialog", ICS_FILTER),
        )
        if not path:
            return
    dialog = ImportDialog(context, parent, path)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
