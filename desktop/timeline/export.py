"""The visible timeline as a PNG image or a printable page (PDF on A4 landscape, or a printer).

Both paint with `paint_timeline`, the code the screen uses: a PNG at the widget's size (and
its screen's pixel ratio), a page with the same days and rows scaled to the paper, under
a heading that names the filters, the range of days and the print date. The printed page
uses black on white whatever the screen's palette.

File and print dialogs go through `choose_path` and `choose_printer`, seams that tests
replace, since a modal dialog would wait forever offscreen.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QMarginsF, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QImage,
    QPagedPaintDevice,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
)
from PySide6.QtWidgets import QFileDialog, QWidget

from db.errors import AccordError
from desktop.dates_display import day_text
from desktop.timeline.canvas import TimelineCanvas
from desktop.timeline.drawing import TimelineStyle, View, paint_timeline

PDF_RESOLUTION = 300


def _tr(text: str) -> str:
    return QCoreApplication.translate("timeline", text)


def choose_path(parent: QWidget, caption: str, suggested: str, filters: str) -> Path | None:
    """Ask where to save (a seam: tests put a function here that returns a path)."""
    path, _ = QFileDialog.getSaveFileName(parent, caption, suggested, filters)
    return Path(path) if path else None


def _choose_printer(parent: QWidget) -> QPagedPaintDevice | None:
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPageLayout(page_layout())
    dialog = QPrintDialog(printer, parent)
    if dialog.exec() != QPrintDialog.DialogCode.Accepted:
        return None
    return printer


#: Asks for a printer (a seam, as choose_path); None when the user cancels.
choose_printer: Callable[[QWidget], QPagedPaintDevice | None] = _choose_printer


def page_layout() -> QPageLayout:
    return QPageLayout(
        QPageSize(QPageSize.PageSizeId.A4),
        QPageLayout.Orientation.Landscape,
        QMarginsF(12, 12, 12, 12),
        QPageLayout.Unit.Millimeter,
    )


def render_image(canvas: TimelineCanvas) -> QImage:
    """The visible timeline as the screen shows it, at the screen's pixel ratio."""
    ratio = canvas.devicePixelRatioF()
    image = QImage(
        round(canvas.width() * ratio), round(canvas.height() * ratio), QImage.Format.Format_ARGB32
    )
    image.setDevicePixelRatio(ratio)
    painter = QPainter(image)
    paint_timeline(
        painter,
        QRectF(0, 0, canvas.width(), canvas.height()),
        canvas.snapshot,
        canvas.rows,
        canvas.view,
        canvas.style_for_screen(),
    )
    painter.end()
    return image


def save_png(canvas: TimelineCanvas, path: Path) -> Path:
    if path.suffix.lower() != ".png":
        path = path.with_suffix(".png")
    if not render_image(canvas).save(str(path), "PNG"):
        raise AccordError(
            _tr("Could not write %1. Choose a folder you can write to.").replace("%1", str(path))
        )
    return path


def paint_page(
    device: QPagedPaintDevice, canvas: TimelineCanvas, heading: str, today: date
) -> None:
    """One page: a heading, then the visible timeline scaled to the paper's width."""
    painter = QPainter()
    if not painter.begin(device):
        raise AccordError(_tr("Could not start printing: the printer or file refused the job."))
    try:
        paint_on(painter, device, canvas, heading, today)
    finally:
        painter.end()


def paint_on(
    painter: QPainter, device: QPagedPaintDevice, canvas: TimelineCanvas, heading: str, today: date
) -> None:
    page = QRectF(0, 0, device.width(), device.height())
    # Logical pixels: as wide as the widget, so the page shows the same days and labels.
    width = max(canvas.width(), 600)
    scale = page.width() / width
    height = page.height() / scale
    painter.scale(scale, scale)
    base = QFont(canvas.font())
    base.setPixelSize(13)
    title = QFont(base)
    title.setPixelSize(16)
    title.setBold(True)
    small = QFont(base)
    small.setPixelSize(10)
    painter.setPen(QColor("#1a1a1a"))
    painter.setFont(title)
    fm_title = QFontMetricsF(title)
    painter.drawText(QPointF(0, fm_title.ascent()), heading)
    painter.setFont(small)
    fm_small = QFontMetricsF(small)
    printed = _tr("Printed %1").replace("%1", day_text(today))
    painter.drawText(
        QRectF(0, 0, width, fm_title.height()),
        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
        printed,
    )
    top = fm_title.height() + 8
    view = View(
        canvas.view.first_day, canvas.view.px_per_day, canvas.view.scroll_y, today.toordinal()
    )
    view.px_per_day = (
        canvas.view.px_per_day * (width - _gutter(width)) / max(canvas.plot_width(), 1)
    )
    legend = fm_small.height() + 6
    paint_timeline(
        painter,
        QRectF(0, top, width, height - top - legend),
        canvas.snapshot,
        canvas.rows,
        view,
        TimelineStyle.for_print(base),
    )
    painter.setPen(QColor("#5c5c5c"))
    painter.setFont(small)
    painter.drawText(
        QPointF(0, height - fm_small.descent()),
        _tr(
            "Diamond: a date known to the day (filled: done). Soft bar: a date known only to a "
            "month, season or year. Dashed line: today. Shaded strip: many milestones, zoom in."
        ),
    )


def _gutter(width: float) -> float:
    from desktop.timeline.drawing import GUTTER

    return min(GUTTER, width * 0.3)


def pdf_writer(path: Path, title: str) -> QPdfWriter:
    writer = QPdfWriter(str(path))
    writer.setResolution(PDF_RESOLUTION)
    writer.setPageLayout(page_layout())
    writer.setTitle(title)
    writer.setCreator("Accord")
    return writer


def save_pdf(canvas: TimelineCanvas, path: Path, heading: str, today: date) -> Path:
    if path.suffix.lower() != ".pdf":
        path = path.with_suffix(".pdf")
    writer = pdf_writer(path, heading)
    paint_page(writer, canvas, heading, today)
    del writer
    if not path.exists() or path.stat().st_size == 0:
        raise AccordError(
            _tr("Could not write %1. Choose a folder you can write to.").replace("%1", str(path))
        )
    return path
