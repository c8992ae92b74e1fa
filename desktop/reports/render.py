"""Painting a laid-out report: PDF files, printers, print preview and page images.

Pass one (`layout.paginate`) fixes every page; pass two, here, paints the pages with the
running header (report title, subject) and footer (print date, "Page X of Y"), now that the
page count is known. Text is drawn with QPainter.drawText, never interpreted as markup.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QCoreApplication, QIODevice, QPointF, QRectF
from PySide6.QtGui import (
    QColor,
    QGuiApplication,
    QImage,
    QPagedPaintDevice,
    QPageLayout,
    QPaintDevice,
    QPainter,
    QPdfWriter,
    QPen,
)
from PySide6.QtWidgets import QApplication

from db.errors import AccordError
from desktop.reports import content
from desktop.reports.content import Report, day_text, fill, translate
from desktop.reports.layout import (
    Fonts,
    Layout,
    LineOp,
    MarkOp,
    RectOp,
    TextOp,
    TimelineOp,
    load_fonts,
    page_layout,
    paginate,
    wants_landscape,
)
from desktop.reports.timeline_drawing import draw_mark, draw_timeline

PDF_RESOLUTION = 1200


def ensure_gui_application() -> QGuiApplication:
    """A QGuiApplication for fonts and QPdfWriter; offscreen when there is no display."""
    app = QCoreApplication.instance()
    if app is None:
        if (
            sys.platform.startswith("linux")
            and not os.environ.get("DISPLAY")
            and not os.environ.get("WAYLAND_DISPLAY")
        ):
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        # A QApplication (not only QGuiApplication), so widgets can still be made later
        # in the same process (tests, or the GUI printing after a headless command).
        app = QApplication([sys.argv[0] if sys.argv else "accord"])
    if not isinstance(app, QGuiApplication):
        raise AccordError("Reports need Qt's GUI module; this process started a console-only Qt.")
    content.set_translator(QCoreApplication.translate)
    load_fonts()
    return app


class ReportRenderer:
    """A report ready to paint on any device; layouts are cached per page geometry."""

    def __init__(self, report: Report) -> None:
        self.report = report
        self.landscape = wants_landscape(report)
        self._layouts: dict[tuple[float, float, float], tuple[Layout, Fonts]] = {}

    def page_layout(self) -> QPageLayout:
        return page_layout(self.report.options.paper, self.landscape)

    def layout_for(self, device: QPaintDevice) -> tuple[Layout, Fonts]:
        key = (float(device.width()), float(device.height()), float(device.logicalDpiY()))
        found = self._layouts.get(key)
        if found is None:
            fonts = Fonts(device)
            found = (paginate(self.report, device, fonts), fonts)
            self._layouts[key] = found
        return found

    # --- devices --------------------------------------------------------------------------

    def paint(self, device: QPagedPaintDevice) -> int:
        """Paint every page on a PDF writer or printer set up by the caller; the page count."""
        layout, fonts = self.layout_for(device)
        painter = QPainter()
        if not painter.begin(device):
            raise AccordError("Could not start printing: the printer or file refused the job.")
        try:
            for index in range(layout.page_count):
                if index:
                    device.newPage()
                self.paint_page(painter, layout, fonts, index)
        finally:
            painter.end()
        return layout.page_count

    def pdf_bytes(self) -> tuple[bytes, int]:
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        writer = QPdfWriter(buffer)
        writer.setResolution(PDF_RESOLUTION)
        writer.setPageLayout(self.page_layout())
        writer.setTitle(f"{self.report.title} — {self.report.subject}")
        writer.setCreator("Accord")
        pages = self.paint(writer)
        del writer
        buffer.close()
        return bytes(data.data()), pages

    def write_pdf(self, path: Path) -> int:
        """Write the PDF next to `path` first, then move it in place; returns the page count."""
        body, pages = self.pdf_bytes()
        path = Path(path)
        partial = path.with_name(f".{path.name}.partial")
        try:
            partial.write_bytes(body)
            partial.replace(path)
        except OSError as exc:
            partial.unlink(missing_ok=True)
            raise AccordError(
                f"Could not write the PDF to {path}: {exc.strerror or exc}. "
                "Choose a folder you may write to."
            ) from None
        return pages

    def page_image(self, index: int, dpi: int = 100, greyscale: bool = False) -> QImage:
        """One page as an image at `dpi` (for thumbnails and greyscale checks)."""
        size = self.page_layout().fullRectPixels(dpi)
        image = QImage(size.width(), size.height(), QImage.Format.Format_RGB32)
        image.setDotsPerMeterX(round(dpi / 0.0254))
        image.setDotsPerMeterY(round(dpi / 0.0254))
        image.fill(QColor("white"))
        paint_rect = self.page_layout().paintRectPixels(dpi)
        inner = QImage(paint_rect.width(), paint_rect.height(), QImage.Format.Format_ARGB32)
        inner.setDotsPerMeterX(image.dotsPerMeterX())
        inner.setDotsPerMeterY(image.dotsPerMeterY())
        inner.fill(QColor(0, 0, 0, 0))
        layout, fonts = self.layout_for(inner)
        painter = QPainter(inner)
        self.paint_page(painter, layout, fonts, index)
        painter.end()
        painter = QPainter(image)
        painter.drawImage(paint_rect.topLeft(), inner)
        painter.end()
        if greyscale:
            return image.convertToFormat(QImage.Format.Format_Grayscale8)
        return image

    # --- one page -------------------------------------------------------------------------

    def paint_page(self, painter: QPainter, layout: Layout, fonts: Fonts, index: int) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        self._running(painter, layout, fonts, index)
        current = ""
        dpi_pt = layout.dpi / 72.0
        for op in layout.pages[index]:
            if type(op) is TextOp:
                if op.font != current:
                    painter.setFont(fonts.fonts[op.font])
                    painter.setPen(QColor(fonts.colours[op.font]))
                    current = op.font
                painter.drawText(QPointF(op.x, op.baseline), op.text)
            elif type(op) is RectOp:
                painter.fillRect(QRectF(op.x, op.y, op.w, op.h), QColor(op.fill))
            elif type(op) is LineOp:
                painter.setPen(QPen(QColor(op.colour), op.width_pt * dpi_pt))
                painter.drawLine(QPointF(op.x1, op.y1), QPointF(op.x2, op.y2))
                current = ""
            elif type(op) is MarkOp:
                draw_mark(painter, QRectF(op.x, op.y, op.size, op.size), op.mark)
                current = ""
            elif type(op) is TimelineOp:
                draw_timeline(painter, QRectF(op.x, op.y, op.w, op.h), op.data, fonts.fonts["body"])
                current = ""

    def _running(self, painter: QPainter, layout: Layout, fonts: Fonts, index: int) -> None:
        """Header: report title and subject; footer: print date and "Page X of Y"."""
        f = fonts
        width = layout.width
        ascent = f.ascent("running")
        lh = f.line_height("running")
        pt = layout.dpi / 72.0
        title = self.report.title
        painter.setFont(f.fonts["running_bold"])
        painter.setPen(QColor(f.colours["running_bold"]))
        painter.drawText(QPointF(0, ascent), title)
        room = width - f.width("running_bold", title) - 24 * pt
        subject = f.elide("running", self.report.subject, room)
        painter.setFont(f.fonts["running"])
        painter.setPen(QColor(f.colours["running"]))
        painter.drawText(QPointF(width - f.width("running", subject), ascent), subject)
        rule = lh + 3 * pt
        painter.setPen(QPen(QColor("#8a8a8a"), 0.5 * pt))
        painter.drawLine(QPointF(0, rule), QPointF(width, rule))

        top = layout.height - lh
        painter.drawLine(QPointF(0, top - 3 * pt), QPointF(width, top - 3 * pt))
        painter.setFont(f.fonts["running"])
        painter.setPen(QColor(f.colours["running"]))
        printed = fill(translate("reports", "Printed %1 · Accord"), day_text(self.report.printed))
        painter.drawText(QPointF(0, top + ascent), printed)
        page = fill(translate("reports", "Page %1 of %2"), index + 1, layout.page_count)
        painter.drawText(QPointF(width - f.width("running", page), top + ascent), page)


def write_pdf(report: Report, path: Path) -> int:
    """The report as a PDF file; returns its page count."""
    ensure_gui_application()
    return ReportRenderer(report).write_pdf(path)
