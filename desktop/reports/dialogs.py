"""The report chooser and the File menu's Print…, Print preview… and Export PDF….

The lead wires `show_report_dialog`, `print_preview`, `export_pdf` and `print_report` into
the File menu; with an `agreement_id` they print that agreement's dossier, without one the
portfolio. Content is read in one short session, then laid out once per page size, so the
preview opens quickly and flipping pages only repaints.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QCoreApplication, QDate, QSettings, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from db import queries
from db.errors import AccordError
from desktop.reports import content
from desktop.reports.content import Orientation, Paper, Report, ReportKind, ReportOptions
from desktop.reports.layout import load_fonts
from desktop.reports.render import ReportRenderer

if TYPE_CHECKING:
    from desktop.context import AppContext

LAST_FOLDER_KEY = "reports/last_folder"
T = TypeVar("T")


def _tr(text: str) -> str:
    return QCoreApplication.translate("ReportDialog", text)


def _prepare() -> None:
    content.set_translator(QCoreApplication.translate)
    load_fonts()


def build_report(
    context: AppContext,
    kind: ReportKind,
    options: ReportOptions,
    agreement_id: int | None = None,
) -> Report:
    """Reads the report's content in one short session."""
    _prepare()
    if options.today is None:
        options = ReportOptions(**{**options.__dict__, "today": context.today()})
    with context.db.sessions() as session:
        if kind is ReportKind.AGREEMENT:
            if agreement_id is None:
                raise AccordError(_tr("Choose an agreement for the dossier."))
            return content.agreement_dossier(session, agreement_id, options)
        if kind is ReportKind.PORTFOLIO:
            return content.portfolio(session, options)
        return content.activity(session, options)


def _default_report(context: AppContext, agreement_id: int | None) -> Report:
    """The current agreement's dossier, or the portfolio when no agreement is current."""
    if agreement_id is not None:
        return build_report(context, ReportKind.AGREEMENT, ReportOptions(), agreement_id)
    return build_report(context, ReportKind.PORTFOLIO, ReportOptions())


def _with_wait_cursor(work: Callable[[], T]) -> T:
    QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        return work()
    finally:
        QGuiApplication.restoreOverrideCursor()


def _printer(renderer: ReportRenderer) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPageLayout(renderer.page_layout())
    printer.setDocName(f"{renderer.report.title} — {renderer.report.subject}")
    printer.setCreator("Accord")
    return printer


def make_preview_dialog(report: Report, parent: QWidget | None) -> QPrintPreviewDialog:
    """A print preview of `report`; laid out once per page size the user picks."""
    renderer = ReportRenderer(report)
    printer = _printer(renderer)
    dialog = QPrintPreviewDialog(printer, parent)
    dialog.setWindowTitle(_tr("Print preview: %1").replace("%1", report.subject))
    dialog.setAccessibleName(_tr("Print preview"))
    dialog.paintRequested.connect(lambda target: renderer.paint(target))
    dialog._renderer = renderer  # type: ignore[attr-defined]  # keeps it alive with the dialog
    dialog._printer = printer  # type: ignore[attr-defined]
    return dialog


def suggested_file_name(report: Report) -> str:
    """ "Agreement dossier - Strategic partnership agreement 2025–2029.pdf", file-system safe."""
    name = f"{report.title} - {report.subject}"
    name = re.sub(r'[<>:"/\\|?*\x00-\x1f]+', " ", name)
    name = " ".join(name.split()).strip(" .")[:120] or "report"
    return f"{name}.pdf"


def _show_error(parent: QWidget | None, error: AccordError) -> None:
    QMessageBox.warning(parent, _tr("Report"), error.message)


def _preview(report: Report, parent: QWidget | None) -> None:
    dialog = make_preview_dialog(report, parent)
    dialog.exec()


def _export(report: Report, parent: QWidget | None) -> Path | None:
    settings = QSettings()
    folder = str(settings.value(LAST_FOLDER_KEY, str(Path.home())))
    path, _ = QFileDialog.getSaveFileName(
        parent,
        _tr("Export PDF"),
        str(Path(folder) / suggested_file_name(report)),
        _tr("PDF files (*.pdf)"),
    )
    if not path:
        return None
    target = Path(path)
    if target.suffix.lower() != ".pdf":
        target = target.with_name(target.name + ".pdf")
    try:
        _with_wait_cursor(lambda: ReportRenderer(report).write_pdf(target))
    except AccordError as error:
        _show_error(parent, error)
        return None
    settings.setValue(LAST_FOLDER_KEY, str(target.parent))
    return target


def _print(report: Report, parent: QWidget | None) -> bool:
    renderer = ReportRenderer(report)
    printer = _printer(renderer)
    dialog = QPrintDialog(printer, parent)
    dialog.setAccessibleName(_tr("Print"))
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return False
    try:
        _with_wait_cursor(lambda: renderer.paint(printer))
    except AccordError as error:
        _show_error(parent, error)
        return False
    return True


# --- the File menu's entry points --------------------------------------------------------------


def print_preview(
    context: AppContext, parent: QWidget | None, agreement_id: int | None = None
) -> None:
    try:
        report = _with_wait_cursor(lambda: _default_report(context, agreement_id))
    except AccordError as error:
        _show_error(parent, error)
        return
    _preview(report, parent)


def export_pdf(
    context: AppContext, parent: QWidget | None, agreement_id: int | None = None
) -> None:
    try:
        report = _with_wait_cursor(lambda: _default_report(context, agreement_id))
    except AccordError as error:
        _show_error(parent, error)
        return
    _export(report, parent)


def print_report(
    context: AppContext, parent: QWidget | None, agreement_id: int | None = None
) -> None:
    try:
        report = _with_wait_cursor(lambda: _default_report(context, agreement_id))
    except AccordError as error:
        _show_error(parent, error)
        return
    _print(report, parent)


def show_report_dialog(
    context: AppContext, parent: QWidget | None, *, agreement_id: int | None = None
) -> None:
    dialog = ReportDialog(context, parent, agreement_id=agreement_id)
    dialog.exec()


# --- the report chooser ---------------------------------------------------------------------------


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _pydate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


class ReportDialog(QDialog):
    """Choose a report and its options, then preview, print or export it."""

    def __init__(
        self, context: AppContext, parent: QWidget | None = None, *, agreement_id: int | None = None
    ) -> None:
        super().__init__(parent)
        _prepare()
        self.context = context
        self.setWindowTitle(self.tr("Reports"))
        self.setAccessibleName(self.tr("Report chooser"))
        self.setObjectName("ReportDialog")

        self.kind = QComboBox(self)
        self.kind.setAccessibleName(self.tr("Report"))
        self.kind.addItem(self.tr("Agreement dossier"), ReportKind.AGREEMENT.value)
        self.kind.addItem(self.tr("Portfolio overview"), ReportKind.PORTFOLIO.value)
        self.kind.addItem(self.tr("Activity report for a period"), ReportKind.ACTIVITY.value)

        self.agreement = QComboBox(self)
        self.agreement.setAccessibleName(self.tr("Agreement"))
        with context.db.sessions() as session:
            for row in queries.agreements(session):
                self.agreement.addItem(row["title"], row["id"])
        if agreement_id is not None:
            self.agreement.setCurrentIndex(max(self.agreement.findData(agreement_id), 0))

        today = context.today()
        self.limit = QCheckBox(self.tr("Only milestones and changes in a period"), self)
        self.limit.setAccessibleName(self.tr("Limit to a period"))
        self.start = QDateEdit(_qdate(date(today.year, 1, 1)), self)
        self.start.setAccessibleName(self.tr("Period starts"))
        self.start.setCalendarPopup(True)
        self.start.setDisplayFormat("d MMM yyyy")
        self.end = QDateEdit(_qdate(date(today.year, 12, 31)), self)
        self.end.setAccessibleName(self.tr("Period ends"))
        self.end.setCalendarPopup(True)
        self.end.setDisplayFormat("d MMM yyyy")
        for edit in (self.start, self.end):  # the editor inside takes the focus
            inner = edit.findChild(QLineEdit)
            if inner is not None:
                inner.setAccessibleName(edit.accessibleName())
        period = QHBoxLayout()
        period.addWidget(self.start)
        dash = QLabel("–", self)
        dash.setAccessibleName(self.tr("to"))
        period.addWidget(dash)
        period.addWidget(self.end)
        period.addStretch(1)

        self.sections = QListWidget(self)
        self.sections.setAccessibleName(self.tr("Sections to print"))
        self.sections.setMinimumHeight(160)

        self.paper = QComboBox(self)
        self.paper.setAccessibleName(self.tr("Paper size"))
        self.paper.addItem(self.tr("A4"), Paper.A4.value)
        self.paper.addItem(self.tr("Letter"), Paper.LETTER.value)
        self.orientation = QComboBox(self)
        self.orientation.setAccessibleName(self.tr("Orientation"))
        self.orientation.addItem(self.tr("Automatic (landscape for wide tables)"), "auto")
        self.orientation.addItem(self.tr("Portrait"), "portrait")
        self.orientation.addItem(self.tr("Landscape"), "landscape")

        form = QFormLayout()
        form.addRow(self.tr("&Report:"), self.kind)
        form.addRow(self.tr("&Agreement:"), self.agreement)
        form.addRow("", self.limit)
        form.addRow(self.tr("&Period:"), period)
        form.addRow(self.tr("&Sections:"), self.sections)
        form.addRow(self.tr("Pa&per:"), self.paper)
        form.addRow(self.tr("&Orientation:"), self.orientation)

        buttons = QDialogButtonBox(self)
        self.preview_button = QPushButton(self.tr("Print pre&view…"), self)
        self.preview_button.setAccessibleName(self.tr("Print preview"))
        self.print_button = QPushButton(self.tr("&Print…"), self)
        self.print_button.setAccessibleName(self.tr("Print"))
        self.export_button = QPushButton(self.tr("&Export PDF…"), self)
        self.export_button.setAccessibleName(self.tr("Export PDF"))
        buttons.addButton(self.preview_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.print_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.export_button, QDialogButtonBox.ButtonRole.AcceptRole)
        close = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close.setAccessibleName(self.tr("Close"))
        buttons.rejected.connect(self.reject)
        self.preview_button.clicked.connect(lambda: self._run(_preview))
        self.print_button.clicked.connect(lambda: self._run(_print))
        self.export_button.clicked.connect(lambda: self._run(_export))

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.limit.toggled.connect(self._period_changed)
        if agreement_id is None:
            self.kind.setCurrentIndex(1)
        self._kind_changed()

    # --- state ----------------------------------------------------------------------------

    def current_kind(self) -> ReportKind:
        return ReportKind(self.kind.currentData())

    def _kind_changed(self) -> None:
        kind = self.current_kind()
        self.agreement.setEnabled(kind is ReportKind.AGREEMENT and self.agreement.count() > 0)
        activity = kind is ReportKind.ACTIVITY
        self.limit.setVisible(not activity)
        if activity:
            self.limit.setChecked(True)
        self.sections.clear()
        for key, label in content.sections(kind):
            item = QListWidgetItem(label, self.sections)
            item.setData(Qt.ItemDataRole.UserRole, key)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
        self._period_changed()

    def _period_changed(self) -> None:
        on = self.limit.isChecked() or self.current_kind() is ReportKind.ACTIVITY
        self.start.setEnabled(on)
        self.end.setEnabled(on)

    def chosen_sections(self) -> frozenset[str]:
        return frozenset(
            self.sections.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.sections.count())
            if self.sections.item(i).checkState() == Qt.CheckState.Checked
        )

    def options(self) -> ReportOptions:
        limited = self.limit.isChecked() or self.current_kind() is ReportKind.ACTIVITY
        return ReportOptions(
            start=_pydate(self.start.date()) if limited else None,
            end=_pydate(self.end.date()) if limited else None,
            sections=self.chosen_sections(),
            paper=Paper(self.paper.currentData()),
            orientation=Orientation(self.orientation.currentData()),
            today=self.context.today(),
        )

    def report(self) -> Report:
        agreement_id = self.agreement.currentData() if self.agreement.count() else None
        return build_report(self.context, self.current_kind(), self.options(), agreement_id)

    def _run(self, action: Callable[[Report, QWidget | None], object]) -> None:
        if not self.chosen_sections():
            QMessageBox.information(
                self, self.tr("Reports"), self.tr("Choose at least one section.")
            )
            return
        try:
            report = _with_wait_cursor(self.report)
        except AccordError as error:
            _show_error(self, error)
            return
        action(report, self)
