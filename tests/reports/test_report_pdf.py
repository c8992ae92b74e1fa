"""Reports on paper: real PDFs written by Qt and read back with pypdf, and the page layout."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from db.models import Agreement, FocusArea, Milestone
from db.operations import find_agreement
from desktop.reports import content
from desktop.reports.content import Orientation, Paper, ReportOptions

TODAY = date(2025, 5, 15)
CURRENT = "Strategic partnership agreement 2025–2029"
MARKUP_TITLE = '<b>Board</b> & "Co" <script>'
FOCUS_AREAS = (
    "Development of Otaniemi",
    "Attracting talent",
    "Business and innovation collaboration",
    "Promoting learning",
    "Joint advocacy and impact development through research",
)
HEADING_FONTS = {"h1", "h2", "h3", "h4"}

pytestmark = pytest.mark.usefixtures("gui")


def _pdf(report: content.Report, path: Path) -> tuple[list[str], PdfReader, int]:
    from desktop.reports.render import ReportRenderer

    pages = ReportRenderer(report).write_pdf(path)
    reader = PdfReader(path)
    texts = [_flat(page.extract_text()) for page in reader.pages]
    return texts, reader, pages


def _flat(text: str) -> str:
    """One space between words: PDF text comes back with line breaks where lines wrapped."""
    return " ".join(text.split())


def _renderer(report: content.Report) -> object:
    from desktop.reports.render import ReportRenderer

    return ReportRenderer(report)


def _pdf_layout(report: content.Report) -> object:
    """The layout exactly as it is made for a PDF (same page size and resolution)."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtGui import QPdfWriter

    from desktop.reports.render import PDF_RESOLUTION, ReportRenderer

    renderer = ReportRenderer(report)
    buffer = QBuffer(QByteArray())
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setResolution(PDF_RESOLUTION)
    writer.setPageLayout(renderer.page_layout())
    layout, _fonts = renderer.layout_for(writer)
    return layout


def _dossier(db: object, title: str = CURRENT, **options: object) -> content.Report:
    with db.sessions() as session:  # type: ignore[attr-defined]
        agreement = find_agreement(session, title)
        return content.agreement_dossier(
            session, agreement.id, ReportOptions(**{"today": TODAY, **options})
        )


def test_sample_dossier_pdf(sample_db: object, tmp_path: Path) -> None:
    texts, reader, pages = _pdf(_dossier(sample_db), tmp_path / "dossier.pdf")
    assert len(reader.pages) == pages >= 3
    whole = " ".join(texts)
    for section in (
        "Overview",
        "Parties and signatories",
        "Renewal chain",
        "Aims",
        "Focus areas",
        "Contacts and roles",
        "Timeline of the term",
        "Documents and attachments",
        "Recent changes",
    ):
        assert section in whole, section
    for name in FOCUS_AREAS:
        assert name in whole, name
    for title in ("Open-for-all event series", "Signing of the strategic partnership agreement"):
        assert title in whole
    assert "Jukka Mäkelä" in whole and "Ilkka Niemelä" in whole  # ä survives
    assert "2025 – 2029" in whole  # en dash
    assert "Announced as “Early next year”" in whole  # typographic quotes
    assert "early 2025" in whole and "late 2024" in whole  # dates with their precision
    for number, text in enumerate(texts, start=1):
        assert f"Page {number} of {pages}" in text
        assert "Agreement dossier" in text and CURRENT in text  # running header
        assert "Printed 15 May 2025" in text
    assert "No documents attached." in whole


def test_fonts_are_embedded(sample_db: object, tmp_path: Path) -> None:
    _texts, reader, _pages = _pdf(_dossier(sample_db), tmp_path / "fonts.pdf")
    fonts: dict[str, bool] = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendant = (
                font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            )
            descriptor = descendant["/FontDescriptor"].get_object()
            embedded = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            fonts[str(font["/BaseFont"])] = embedded
    assert fonts and all(fonts.values()), fonts
    assert any("DejaVuSans" in name for name in fonts)
    assert any("DejaVuSansCondensed" in name for name in fonts)


def test_large_portfolio_repeats_the_header_and_never_splits_a_row(
    large_db: object, tmp_path: Path
) -> None:
    with large_db.sessions() as session:  # type: ignore[attr-defined]
        report = content.portfolio(session, ReportOptions(today=TODAY))
        titles = session.scalars(select(Agreement.title)).all()
    texts, reader, pages = _pdf(report, tmp_path / "portfolio.pdf")
    assert pages > 3
    box = reader.pages[0].mediabox
    assert float(box.width) > float(box.height), "a wide table chooses landscape"
    assert "Page 1 of" in texts[0] and f"Page {pages} of {pages}" in texts[-1]
    header = "Agreement Parties Term Status Days to expiry Done Upcoming Next milestone"
    for text in texts[2:]:
        assert "Agreements (continued)" in text
        assert header in text, "the table header is repeated on every later page"
    whole = " ".join(texts)
    assert MARKUP_TITLE in whole
    for number in range(1, 101):
        if number != 2:  # agreement no. 2 has the markup title
            assert sum(f"(no. {number})" in text for text in texts) == 1
    assert len(titles) == 100

    layout = _pdf_layout(report)
    rows = [r for r in layout.rows if r.table == max(p.table for p in layout.rows)]  # type: ignore[attr-defined]
    assert len(rows) == 100
    for row in rows:
        assert layout.body_top <= row.top < row.bottom <= layout.body_bottom + 0.01  # type: ignore[attr-defined]
    first_page = rows[0].page
    continued = {row.page for row in rows if row.page != first_page}
    assert continued and continued <= set(layout.repeated_headers)  # type: ignore[attr-defined]


def test_large_dossier_pdf(large_db: object, tmp_path: Path) -> None:
    with large_db.sessions() as session:  # type: ignore[attr-defined]
        agreement_id = session.scalar(select(Agreement.id).where(Agreement.title == MARKUP_TITLE))
        names = session.scalars(
            select(FocusArea.name).where(FocusArea.agreement_id == agreement_id)
        ).all()
        titles = session.scalars(
            select(Milestone.title).where(Milestone.agreement_id == agreement_id)
        ).all()
        report = content.agreement_dossier(session, agreement_id, ReportOptions(today=TODAY))
    texts, _reader, pages = _pdf(report, tmp_path / "large-dossier.pdf")
    whole = " ".join(texts)
    assert MARKUP_TITLE in texts[0]  # the escaped title, printed literally
    assert all(f"{MARKUP_TITLE}" in text for text in texts)  # … and in every page header
    for name in names:
        assert name in whole
    for title in titles:
        assert re.search(re.escape(title) + r"(?!\d)", whole), title
    assert "File not found when printed." not in whole or "/nowhere/" in whole
    assert f"Page {pages} of {pages}" in texts[-1]


def test_activity_pdf(large_db: object, tmp_path: Path) -> None:
    with large_db.sessions() as session:  # type: ignore[attr-defined]
        report = content.activity(
            session, ReportOptions(start=date(2024, 1, 1), end=date(2024, 12, 31), today=TODAY)
        )
    texts, _reader, pages = _pdf(report, tmp_path / "activity.pdf")
    whole = " ".join(texts)
    assert pages > 1
    assert "Activity report" in texts[0] and "Summary" in texts[0]
    assert "What happened" in whole and "What is planned" in whole
    assert "Went ahead as planned; minutes filed." in whole  # outcomes


def test_no_heading_ends_a_page(large_db: object) -> None:
    from desktop.reports.layout import TextOp, TimelineOp

    with large_db.sessions() as session:  # type: ignore[attr-defined]
        ids = session.scalars(select(Agreement.id).order_by(Agreement.id).limit(6)).all()
        reports = [content.agreement_dossier(session, i, ReportOptions(today=TODAY)) for i in ids]
    checked = 0
    for report in reports:
        layout = _pdf_layout(report)
        for page in layout.pages[:-1]:  # type: ignore[attr-defined]
            if isinstance(page[-1], TimelineOp):
                continue  # the timeline's heading sits above its drawing
            texts = [op for op in page if isinstance(op, TextOp)]
            assert texts[-1].font not in HEADING_FONTS, texts[-1].text
            checked += 1
    assert checked > 10


def test_paper_and_orientation_options(sample_db: object, tmp_path: Path) -> None:
    letter = _dossier(sample_db, paper=Paper.LETTER)
    _texts, reader, _pages = _pdf(letter, tmp_path / "letter.pdf")
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)
    with sample_db.sessions() as session:  # type: ignore[attr-defined]
        portrait = content.portfolio(
            session, ReportOptions(today=TODAY, orientation=Orientation.PORTRAIT)
        )
    _texts, reader, _pages = _pdf(portrait, tmp_path / "portrait.pdf")
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)


def test_focus_area_marks_differ_in_greyscale() -> None:
    """Colours of equal lightness still differ once printed in grey: the patterns tell."""
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QColor, QImage, QPainter

    from desktop.reports.timeline_drawing import draw_mark

    images = []
    for position in range(8):
        mark = content.mark_for(position, "#7f7f7f")  # the same grey for all
        image = QImage(48, 48, QImage.Format.Format_RGB32)
        image.fill(QColor("white"))
        painter = QPainter(image)
        draw_mark(painter, QRectF(0, 0, 48, 48), mark)
        painter.end()
        grey = image.convertToFormat(QImage.Format.Format_Grayscale8)
        images.append(bytes(grey.constBits()))
    for i in range(len(images)):
        for j in range(i + 1, len(images)):
            differing = sum(a != b for a, b in zip(images[i], images[j], strict=True))
            assert differing > 150, (i, j)


def test_timeline_page_renders_in_greyscale(sample_db: object) -> None:
    report = _dossier(sample_db, sections=frozenset({"timeline"}))
    image = _renderer(report).page_image(0, dpi=60, greyscale=True)  # type: ignore[attr-defined]
    pixels = bytes(image.constBits())
    dark = sum(1 for p in pixels if p < 100)
    assert dark > 500, "lanes, markers and labels are drawn"
