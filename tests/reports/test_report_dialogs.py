"""The report chooser, print preview and Export PDF… in the GUI."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtPrintSupport import QPrintPreviewWidget
from PySide6.QtWidgets import QFileDialog, QWidget

from db.operations import find_agreement
from desktop.context import AppContext
from desktop.reports import dialogs
from desktop.reports.content import Orientation, Paper, ReportKind

CURRENT = "Strategic partnership agreement 2025–2029"


@pytest.fixture
def context(sample_db: object, qapp: object) -> AppContext:
    return AppContext(sample_db, today=lambda: date(2025, 5, 15))  # type: ignore[arg-type]


def _current_id(context: AppContext) -> int:
    with context.db.sessions() as session:
        return find_agreement(session, CURRENT).id


def test_every_control_has_an_accessible_name(context: AppContext, qtbot: object) -> None:
    dialog = dialogs.ReportDialog(context, None, agreement_id=_current_id(context))
    qtbot.addWidget(dialog)  # type: ignore[attr-defined]
    controls = [
        w for w in dialog.findChildren(QWidget)
        if w.focusPolicy() != w.focusPolicy().NoFocus and w.isVisibleTo(dialog)
    ]  # fmt: skip
    assert controls
    unnamed = [type(w).__name__ for w in controls if not w.accessibleName()]
    assert not unnamed, unnamed


def test_chooser_options(context: AppContext, qtbot: object) -> None:
    dialog = dialogs.ReportDialog(context, None, agreement_id=_current_id(context))
    qtbot.addWidget(dialog)  # type: ignore[attr-defined]
    assert dialog.current_kind() is ReportKind.AGREEMENT
    assert dialog.agreement.currentText() == CURRENT
    assert "timeline" in dialog.chosen_sections()
    dialog.paper.setCurrentIndex(1)
    dialog.orientation.setCurrentIndex(2)
    options = dialog.options()
    assert options.paper is Paper.LETTER and options.orientation is Orientation.LANDSCAPE
    assert options.start is None
    dialog.kind.setCurrentIndex(2)
    assert dialog.current_kind() is ReportKind.ACTIVITY
    assert dialog.chosen_sections() == {"summary", "done", "planned", "undated"}
    options = dialog.options()
    assert (options.start, options.end) == (date(2025, 1, 1), date(2025, 12, 31))
    assert "What happened" in dialog.report().plain_text()


def test_preview_opens_with_every_page(context: AppContext, qtbot: object) -> None:
    report = dialogs.build_report(
        context, ReportKind.AGREEMENT, dialogs.ReportOptions(), _current_id(context)
    )
    started = time.perf_counter()
    dialog = dialogs.make_preview_dialog(report, None)
    qtbot.addWidget(dialog)  # type: ignore[attr-defined]
    with qtbot.waitExposed(dialog):  # type: ignore[attr-defined]
        dialog.show()
    preview = dialog.findChild(QPrintPreviewWidget)
    qtbot.waitUntil(lambda: preview.pageCount() > 0)  # type: ignore[attr-defined]
    assert time.perf_counter() - started < 10
    layout, _ = dialog._renderer.layout_for(dialog._printer)  # type: ignore[attr-defined]
    assert preview.pageCount() == layout.page_count >= 3
    preview.setCurrentPage(preview.pageCount())
    assert preview.currentPage() == preview.pageCount()


def test_export_pdf_writes_the_chosen_file(
    context: AppContext, qtbot: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "dossier"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), ""))
    )
    parent = QWidget()
    qtbot.addWidget(parent)  # type: ignore[attr-defined]
    dialogs.export_pdf(context, parent, _current_id(context))
    written = target.with_name("dossier.pdf")
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(written).pages).split())
    assert CURRENT in text


def test_suggested_file_name_is_safe() -> None:
    from desktop.reports.content import Report, ReportOptions

    report = Report(
        ReportKind.AGREEMENT,
        "Agreement dossier",
        '<b>Board</b> & "Co"/x',
        date.today(),
        [],
        ReportOptions(),
    )
    name = dialogs.suggested_file_name(report)
    assert name.endswith(".pdf") and not any(c in name for c in '<>:"/\\|?*')
