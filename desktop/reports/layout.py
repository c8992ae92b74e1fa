"""Page layout of a report: measures every block on the target device and places it on pages.

Our own paginator rather than QTextDocument, because QTextDocument neither repeats table
headers reliably nor keeps rows whole. The rules, each tested in tests/reports/:

* a table row is never split; after a page break the header row is repeated, under a small
  "… (continued)" line naming the table's heading;
* a heading is kept with what follows it (the next heading, two lines of a paragraph, a
  table's header and first row);
* a paragraph breaks between lines, never leaving one line alone at either end;
* the timeline gets a page of its own.

Layout happens in the device's own pixels, measured with QFontMetricsF/QTextLayout on that
device, so that what is measured is what is painted. The result is a list of pages, each a
list of draw operations; `render.py` paints them in a second pass, when the page count
("Page X of Y") is known.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache

from PySide6.QtCore import QMarginsF
from PySide6.QtGui import (
    QFont,
    QFontDatabase,
    QFontMetricsF,
    QImage,
    QPageLayout,
    QPageSize,
    QPaintDevice,
    QTextLayout,
    QTextOption,
)

from db.paths import resources_dir
from desktop.reports.content import (
    Align,
    Block,
    Cell,
    Facts,
    Heading,
    Mark,
    Orientation,
    Paper,
    Paragraph,
    ParagraphStyle,
    Report,
    Row,
    Table,
    TimelineBlock,
    TimelineData,
    TitleBlock,
    translate,
)

SANS = "DejaVu Sans"
CONDENSED = "DejaVu Sans Condensed"

INK = "#1a1a1a"
MUTED = "#5c5c5c"
RULE = "#b8b8b8"
HEADER_FILL = "#e3e3e3"
HIGHLIGHT_FILL = "#fdf0c4"
HIGHLIGHT_BAR = "#7a5c00"

# (family, point size, bold, italic, colour)
FONT_SPECS: dict[str, tuple[str, float, bool, bool, str]] = {
    "kicker": (SANS, 8.5, True, False, MUTED),
    "title": (SANS, 19.0, True, False, INK),
    "subtitle": (SANS, 10.0, False, False, MUTED),
    "h1": (SANS, 13.5, True, False, INK),
    "h2": (SANS, 11.0, True, False, INK),
    "h3": (SANS, 9.5, True, False, INK),
    "h4": (SANS, 8.5, True, False, MUTED),
    "body": (SANS, 9.0, False, False, INK),
    "note": (SANS, 8.5, False, True, MUTED),
    "small": (SANS, 7.5, False, False, MUTED),
    "label": (SANS, 8.5, True, False, INK),
    "value": (SANS, 8.5, False, False, INK),
    "th": (CONDENSED, 7.8, True, False, INK),
    "cell": (CONDENSED, 8.2, False, False, INK),
    "cell_bold": (CONDENSED, 8.2, True, False, INK),
    "cell_muted": (CONDENSED, 8.2, False, False, MUTED),
    "cell_sub": (CONDENSED, 7.2, False, False, MUTED),
    "continued": (SANS, 7.5, False, True, MUTED),
    "running": (SANS, 7.5, False, False, MUTED),
    "running_bold": (SANS, 7.5, True, False, INK),
}

# Vertical space before and after blocks, in points.
_SPACE = {
    "title": (0.0, 14.0),
    "h1": (16.0, 6.0),
    "h2": (12.0, 4.5),
    "h3": (8.0, 3.0),
    "h4": (6.0, 2.5),
    "paragraph": (0.0, 4.5),
    "facts": (0.0, 6.0),
    "table": (2.0, 9.0),
}
MARGINS_MM = QMarginsF(18, 12, 18, 11)
_TITLE_FONTS = frozenset({"kicker", "title", "subtitle"})
_SAMPLE = "The quick brown fox jumps over the lazy dog, 0123456789."


@cache
def load_fonts() -> tuple[str, ...]:
    """Registers the fonts shipped in resources/fonts (once); needs a QGuiApplication.

    Reports name these families explicitly, so every PDF embeds the same glyphs for ä, ö,
    å, dashes and typographic quotes whatever fonts the machine has.
    """
    families: list[str] = []
    for path in sorted((resources_dir() / "fonts").glob("*.ttf")):
        font_id = QFontDatabase.addApplicationFont(str(path))
        if font_id >= 0:
            families += QFontDatabase.applicationFontFamilies(font_id)
    return tuple(dict.fromkeys(families))


def page_layout(paper: Paper, landscape: bool) -> QPageLayout:
    size = QPageSize(
        QPageSize.PageSizeId.Letter if paper is Paper.LETTER else QPageSize.PageSizeId.A4
    )
    orientation = (
        QPageLayout.Orientation.Landscape if landscape else QPageLayout.Orientation.Portrait
    )
    return QPageLayout(size, orientation, MARGINS_MM, QPageLayout.Unit.Millimeter)


def wants_landscape(report: Report) -> bool:
    """The user's choice, else landscape when a table does not fit a portrait page.

    A table fits when each column gets its minimum (its `min_chars`, and at least its
    longest word, so that no word is broken) within the portrait width.
    """
    choice = report.options.orientation
    if choice is not Orientation.AUTO:
        return choice is Orientation.LANDSCAPE
    tables = [b for b in report.blocks if isinstance(b, Table) and b.rows]
    if not tables:
        return False
    device = _measuring_device()
    paginator = Paginator(report, device)
    portrait = page_layout(report.options.paper, False).paintRect(QPageLayout.Unit.Point)
    width = portrait.width() * paginator.dpi / 72.0
    return any(sum(paginator._column_minimums(t)[1]) > width for t in tables)


def _measuring_device() -> QImage:
    """A tiny 1200 dpi image: a paint device for measuring text before the real one exists.

    Made anew each time: a Qt object kept in a module-level cache outlives the application
    and crashes the interpreter's shutdown.
    """
    image = QImage(1, 1, QImage.Format.Format_RGB32)
    image.setDotsPerMeterX(round(1200 / 0.0254))
    image.setDotsPerMeterY(round(1200 / 0.0254))
    return image


# --- draw operations ------------------------------------------------------------------------


@dataclass(slots=True)
class TextOp:
    x: float
    baseline: float
    text: str
    font: str


@dataclass(slots=True)
class RectOp:
    x: float
    y: float
    w: float
    h: float
    fill: str


@dataclass(slots=True)
class LineOp:
    x1: float
    y1: float
    x2: float
    y2: float
    colour: str
    width_pt: float


@dataclass(slots=True)
class MarkOp:
    x: float
    y: float
    size: float
    mark: Mark


@dataclass(slots=True)
class TimelineOp:
    x: float
    y: float
    w: float
    h: float
    data: TimelineData


Op = TextOp | RectOp | LineOp | MarkOp | TimelineOp


@dataclass
class RowPlacement:
    """Where one table row went; kept so tests can check that no row was split."""

    table: int
    row: int
    page: int
    top: float
    bottom: float


@dataclass
class Layout:
    width: float
    height: float
    dpi: float
    pages: list[list[Op]]
    body_top: float
    body_bottom: float
    rows: list[RowPlacement] = field(default_factory=list)
    #: Pages on which a table's header row was drawn again after a break.
    repeated_headers: list[int] = field(default_factory=list)

    @property
    def page_count(self) -> int:
        return len(self.pages)


# --- fonts and text measurement -----------------------------------------------------------------


class Fonts:
    """The report's fonts resolved for one paint device, with metrics and a wrap cache."""

    def __init__(self, device: QPaintDevice) -> None:
        load_fonts()
        self.device = device
        self.fonts: dict[str, QFont] = {}
        self.metrics: dict[str, QFontMetricsF] = {}
        self.colours: dict[str, str] = {}
        for key, (family, size, bold, italic, colour) in FONT_SPECS.items():
            font = QFont(family)
            font.setPointSizeF(size)
            font.setBold(bold)
            font.setItalic(italic)
            font.setKerning(True)
            font.setStyleStrategy(QFont.StyleStrategy.PreferOutline)
            # No "ﬁ" ligatures: text copied or searched in the PDF must read "fi".
            for tag in ("liga", "clig"):
                font.setFeature(QFont.Tag(tag), 0)
            self.fonts[key] = font
            self.metrics[key] = QFontMetricsF(font, device)
            self.colours[key] = colour
        self._option = QTextOption()
        self._option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self._wrapped: dict[tuple[str, str, int], list[str]] = {}

    def line_height(self, key: str) -> float:
        return self.metrics[key].lineSpacing()

    def ascent(self, key: str) -> float:
        return self.metrics[key].ascent()

    def width(self, key: str, text: str) -> float:
        return self.metrics[key].horizontalAdvance(text)

    def wrap(self, key: str, text: str, width: float) -> list[str]:
        """Lines of `text` no wider than `width`; explicit newlines always break."""
        cache_key = (key, text, int(width))
        found = self._wrapped.get(cache_key)
        if found is not None:
            return found
        lines: list[str] = []
        fm = self.metrics[key]
        for paragraph in text.split("\n"):
            if fm.horizontalAdvance(paragraph) <= width:
                lines.append(paragraph)
            else:
                lines += self._wrap_layout(key, paragraph, width)
        self._wrapped[cache_key] = lines
        return lines

    def _wrap_layout(self, key: str, text: str, width: float) -> list[str]:
        layout = QTextLayout(text, self.fonts[key], self.device)
        layout.setTextOption(self._option)
        layout.beginLayout()
        spans: list[tuple[int, int]] = []
        while True:
            line = layout.createLine()
            if not line.isValid():
                break
            line.setLineWidth(max(width, 1.0))
            spans.append((line.textStart(), line.textLength()))
        layout.endLayout()
        if all(ord(ch) <= 0xFFFF for ch in text):
            return [text[s : s + n].rstrip() for s, n in spans] or [""]
        # QTextLayout counts UTF-16 code units; Python counts code points.
        units = text.encode("utf-16-le")
        return [units[2 * s : 2 * (s + n)].decode("utf-16-le").rstrip() for s, n in spans] or [""]

    def elide(self, key: str, text: str, width: float) -> str:
        if self.width(key, text) <= width:
            return text
        while text and self.width(key, text + "…") > width:
            text = text[:-1]
        return text + "…"


# --- the paginator ----------------------------------------------------------------------------


@dataclass
class _PreparedTable:
    widths: list[float]
    header: list[list[str]]
    header_height: float
    rows: list[list[tuple[list[str], list[str]]]]  # per cell: (lines, sub-lines)
    heights: list[float]


class Paginator:
    """Places blocks on pages of one size; call `run()` once."""

    def __init__(self, report: Report, device: QPaintDevice, fonts: Fonts | None = None) -> None:
        self.report = report
        self.fonts = fonts or Fonts(device)
        self.dpi = float(device.logicalDpiY())
        self.width = float(device.width())
        self.height = float(device.height())
        f = self.fonts
        running = f.line_height("running")
        self.header_height = running + self.pt(4) + self.pt(14)
        self.footer_height = running + self.pt(4) + self.pt(10)
        self.body_top = self.header_height
        self.body_bottom = self.height - self.footer_height
        self.pages: list[list[Op]] = [[]]
        self.y = self.body_top
        self.rows: list[RowPlacement] = []
        self.repeated: list[int] = []
        self.table_index = 0
        self.last_heading = ""
        self.pad_x = self.pt(3.2)
        self.pad_y = self.pt(2.4)

    def pt(self, points: float) -> float:
        return points * self.dpi / 72.0

    # --- helpers ---------------------------------------------------------------------------

    @property
    def page(self) -> list[Op]:
        return self.pages[-1]

    @property
    def at_top(self) -> bool:
        return self.y <= self.body_top + 0.5

    def new_page(self) -> None:
        self.pages.append([])
        self.y = self.body_top

    def space(self, points: float) -> None:
        """Space between blocks; none at the top of a page."""
        if not self.at_top:
            self.y = min(self.y + self.pt(points), self.body_bottom)

    def text(self, x: float, top: float, key: str, line: str) -> None:
        if line:
            self.page.append(TextOp(x, top + self.fonts.ascent(key), line, key))

    @property
    def body_height(self) -> float:
        return self.body_bottom - self.body_top

    # --- measuring ---------------------------------------------------------------------------

    def _heading_key(self, level: int) -> str:
        return f"h{min(max(level, 1), 4)}"

    def _heading_lines(self, block: Heading) -> list[str]:
        key = self._heading_key(block.level)
        indent = self._mark_width(key) if block.mark else 0.0
        return self.fonts.wrap(key, block.text, self.width - indent)

    def _mark_width(self, key: str) -> float:
        return self.fonts.line_height(key) * 0.9 + self.fonts.width(key, "00 ")

    def _paragraph_lines(self, block: Paragraph) -> tuple[str, list[str], float]:
        key = {
            ParagraphStyle.BODY: "body",
            ParagraphStyle.BULLET: "body",
            ParagraphStyle.NOTE: "note",
            ParagraphStyle.SMALL: "small",
        }[block.style]
        indent = self.pt(12) if block.style is ParagraphStyle.BULLET else 0.0
        return key, self.fonts.wrap(key, block.text, self.width - indent), indent

    def _facts_layout(self, block: Facts) -> tuple[float, list[tuple[list[str], list[str]]]]:
        f = self.fonts
        label_w = min(
            max((f.width("label", label) for label, _ in block.pairs), default=0.0) + self.pt(10),
            self.width * 0.32,
        )
        pairs = [
            (
                f.wrap("label", label, label_w - self.pt(8)),
                f.wrap("value", value or "—", self.width - label_w),
            )
            for label, value in block.pairs
        ]
        return label_w, pairs

    def _pair_height(self, pair: tuple[list[str], list[str]]) -> float:
        lines = max(len(pair[0]), len(pair[1]))
        return lines * self.fonts.line_height("value") + self.pt(2.5)

    def _column_minimums(self, table: Table) -> tuple[list[float], list[float], list[float]]:
        """Per column: the `min_chars` width, that or the longest word, and the natural width.

        Measured on the first 300 rows: enough to see what a column holds, and cheap.
        """
        f = self.fonts
        char = f.width("cell", _SAMPLE) / len(_SAMPLE)
        pad = 2 * self.pad_x
        hard = [c.min_chars * char + pad for c in table.columns]
        words = list(hard)
        natural = list(hard)
        sample = table.rows[:300]
        for i, column in enumerate(table.columns):
            longest_word = max(f.width("th", word) for word in (column.title.split() or [""]))
            widest = longest_word
            for row in sample:
                cell = row.cells[i]
                key = self._cell_key(cell)
                extra = self._cell_mark_width() if cell.mark else 0.0
                for line in cell.text.split("\n"):
                    widest = max(widest, f.width(key, line) + extra)
                    longest_word = max(
                        longest_word, max((f.width(key, w) for w in line.split()), default=0.0)
                    )
            words[i] = max(hard[i], min(longest_word, self.width / 3) + pad)
            natural[i] = max(words[i], widest + pad)
        return hard, words, natural

    def _column_widths(self, table: Table) -> list[float]:
        """Each column its minimum; spare width goes where content wants it, by weight."""
        hard, words, natural = self._column_minimums(table)
        minimum = words if sum(words) <= self.width else hard
        total = sum(minimum)
        if total >= self.width:
            return [w * self.width / total for w in minimum]
        widths = list(minimum)
        spare = self.width - total
        # Water-filling: give spare width by weight to columns still below their natural width.
        for _ in range(8):
            hungry = [i for i, w in enumerate(widths) if natural[i] - w > 0.5]
            if not hungry or spare <= 0.5:
                break
            weight = sum(table.columns[i].weight for i in hungry)
            given = 0.0
            for i in hungry:
                share = spare * table.columns[i].weight / weight
                add = min(share, natural[i] - widths[i])
                widths[i] += add
                given += add
            spare -= given
        if spare > 0.5:
            weight = sum(c.weight for c in table.columns)
            widths = [
                w + spare * c.weight / weight for w, c in zip(widths, table.columns, strict=True)
            ]
        return widths

    def _cell_mark_width(self) -> float:
        return self.fonts.line_height("cell") * 0.8 + self.fonts.width("cell_bold", "00 ")

    def _prepare_table(self, table: Table) -> _PreparedTable:
        f = self.fonts
        widths = self._column_widths(table)
        header = [
            f.wrap("th", c.title, w - 2 * self.pad_x)
            for c, w in zip(table.columns, widths, strict=True)
        ]
        th_lh = f.line_height("th")
        header_height = max(len(lines) for lines in header) * th_lh + 2 * self.pad_y + self.pt(1)
        lh, sub_lh = f.line_height("cell"), f.line_height("cell_sub")
        limit = self.body_height - header_height - self._continued_height() - self.pt(4)
        rows, heights = [], []
        for row in table.rows:
            cells = []
            height = 0.0
            for cell, w in zip(row.cells, widths, strict=True):
                inner = w - 2 * self.pad_x - (self._cell_mark_width() if cell.mark else 0.0)
                lines = f.wrap(self._cell_key(cell), cell.text, inner) if cell.text else []
                subs = f.wrap("cell_sub", cell.sub, inner) if cell.sub else []
                cells.append((lines, subs))
                height = max(height, len(lines) * lh + len(subs) * sub_lh)
            height += 2 * self.pad_y
            if height > limit:  # a row longer than a page: cut, the only way to keep it whole
                cells = [self._cut(lines, subs, limit - 2 * self.pad_y) for lines, subs in cells]
                height = limit
            rows.append(cells)
            heights.append(height)
        return _PreparedTable(widths, header, header_height, rows, heights)

    def _cut(self, lines: list[str], subs: list[str], room: float) -> tuple[list[str], list[str]]:
        lh, sub_lh = self.fonts.line_height("cell"), self.fonts.line_height("cell_sub")
        keep = max(1, int(room // lh))
        if len(lines) > keep:
            return [*lines[: keep - 1], lines[keep - 1] + " …"], []
        keep_subs = max(0, int((room - len(lines) * lh) // sub_lh))
        return lines, subs[:keep_subs]

    @staticmethod
    def _cell_key(cell: Cell) -> str:
        return "cell_bold" if cell.bold else "cell_muted" if cell.muted else "cell"

    def _continued_height(self) -> float:
        return self.fonts.line_height("continued") + self.pt(2)

    def _start_height(self, blocks: Sequence[Block], index: int) -> float:
        """Height a block needs at the bottom of a page so that it does not start alone."""
        if index >= len(blocks):
            return 0.0
        block = blocks[index]
        f = self.fonts
        match block:
            case Heading():
                key = self._heading_key(block.level)
                before, after = _SPACE[key]
                own = len(self._heading_lines(block)) * f.line_height(key) + self.pt(before + after)
                return own + self._start_height(blocks, index + 1)
            case Paragraph():
                key, lines, _ = self._paragraph_lines(block)
                return min(len(lines), 2) * f.line_height(key)
            case Facts():
                _, pairs = self._facts_layout(block)
                return sum(self._pair_height(p) for p in pairs[:2])
            case Table():
                if not block.rows:
                    return f.line_height("note")
                # Header and up to two rows, measured roughly: one row is rarely > 3 lines.
                lh = f.line_height("cell")
                rows = min(len(block.rows), 2)
                return f.line_height("th") + 2 * self.pad_y + rows * (2 * lh + 2 * self.pad_y)
            case TimelineBlock():
                return self.body_height  # forces the heading onto the timeline's page
            case _:
                return 0.0

    # --- placing -------------------------------------------------------------------------

    def run(self) -> Layout:
        blocks = self.report.blocks
        break_after = False
        for index, block in enumerate(blocks):
            if break_after:
                self.new_page()
                break_after = False
            match block:
                case TitleBlock():
                    self._title(block)
                case Heading():
                    self._heading(block, blocks, index)
                case Paragraph():
                    self._paragraph(block)
                case Facts():
                    self._facts(block)
                case Table():
                    self._table(block)
                case TimelineBlock():
                    self._timeline(block)
                    break_after = index + 1 < len(blocks)
        return Layout(
            self.width,
            self.height,
            self.dpi,
            self.pages,
            self.body_top,
            self.body_bottom,
            self.rows,
            self.repeated,
        )

    def _title(self, block: TitleBlock) -> None:
        f = self.fonts
        self.text(0, self.y, "kicker", block.kicker.upper())
        self.y += f.line_height("kicker") + self.pt(3)
        for line in f.wrap("title", block.title, self.width):
            self.text(0, self.y, "title", line)
            self.y += f.line_height("title")
        self.y += self.pt(2)
        for line in f.wrap("subtitle", block.subtitle, self.width):
            self.text(0, self.y, "subtitle", line)
            self.y += f.line_height("subtitle")
        self.y += self.pt(6)
        self.page.append(LineOp(0, self.y, self.width, self.y, INK, 1.2))
        self.y += self.pt(_SPACE["title"][1])

    def _heading(self, block: Heading, blocks: Sequence[Block], index: int) -> None:
        key = self._heading_key(block.level)
        before, after = _SPACE[key]
        f = self.fonts
        need = self._start_height(blocks, index)
        if not self.at_top and self.y + need > self.body_bottom:
            self.new_page()
        self.space(before)
        lines = self._heading_lines(block)
        x = 0.0
        if block.mark is not None:
            size = f.line_height(key) * 0.72
            top = self.y + (f.ascent(key) - size) * 0.85
            self.page.append(MarkOp(0, top, size, block.mark))
            number = f"{block.mark.number} "
            x = size + self.pt(4)
            self.text(x, self.y, key, number)
            x += f.width(key, "00 ")
        for line in lines:
            self.text(x, self.y, key, line)
            self.y += f.line_height(key)
        if block.level == 1:
            self.page.append(
                LineOp(0, self.y + self.pt(1), self.width, self.y + self.pt(1), RULE, 0.6)
            )
            self.y += self.pt(1.5)
        self.y += self.pt(after)
        self.last_heading = block.text

    def _paragraph(self, block: Paragraph) -> None:
        key, lines, indent = self._paragraph_lines(block)
        lh = self.fonts.line_height(key)
        index = 0
        while index < len(lines):
            room = int((self.body_bottom - self.y) // lh)
            left = len(lines) - index
            take = min(room, left)
            if take < left:  # a break falls inside: no orphan or widow line
                take = min(take, left - 2) if left >= 4 else 0
                if index == 0 and take < 2:
                    take = 0
            if take <= 0:
                if self.at_top:  # cannot do better than one line at a time
                    take = max(1, min(room, left))
                else:
                    self.new_page()
                    continue
            for line_no in range(index, index + take):
                if block.style is ParagraphStyle.BULLET and line_no == 0:
                    self.text(self.pt(3), self.y, key, "•")
                self.text(indent, self.y, key, lines[line_no])
                self.y += lh
            index += take
            if index < len(lines):
                self.new_page()
        self.y += self.pt(_SPACE["paragraph"][1])

    def _facts(self, block: Facts) -> None:
        f = self.fonts
        label_w, pairs = self._facts_layout(block)
        lh = f.line_height("value")
        for labels, values in pairs:
            height = self._pair_height((labels, values))
            if self.y + height > self.body_bottom and not self.at_top:
                self.new_page()
            for i, line in enumerate(labels):
                self.text(0, self.y + i * lh, "label", line)
            for i, line in enumerate(values):
                self.text(label_w, self.y + i * lh, "value", line)
            self.y += height
        self.y += self.pt(_SPACE["facts"][1])

    def _table(self, table: Table) -> None:
        self.table_index += 1
        if not table.rows:
            if table.empty_note:
                self._paragraph(Paragraph(table.empty_note, ParagraphStyle.NOTE))
            return
        prepared = self._prepare_table(table)
        self.space(_SPACE["table"][0])
        first = prepared.header_height + prepared.heights[0]
        if self.y + first > self.body_bottom and not self.at_top:
            self.new_page()
        self._table_header(table, prepared, continued=False)
        for row_index, (row, cells, height) in enumerate(
            zip(table.rows, prepared.rows, prepared.heights, strict=True)
        ):
            if self.y + height > self.body_bottom:
                self.new_page()
                self._table_header(table, prepared, continued=True)
            self._table_row(table, row, cells, prepared.widths, height)
            self.rows.append(
                RowPlacement(
                    self.table_index, row_index, len(self.pages) - 1, self.y, self.y + height
                )
            )
            self.y += height
        self.y += self.pt(_SPACE["table"][1])

    def _table_header(self, table: Table, prepared: _PreparedTable, *, continued: bool) -> None:
        f = self.fonts
        if continued:
            self.repeated.append(len(self.pages) - 1)
            label = translate("reports", "%1 (continued)").replace("%1", self.last_heading)
            self.text(0, self.y, "continued", f.elide("continued", label, self.width))
            self.y += self._continued_height()
        height = prepared.header_height
        self.page.append(RectOp(0, self.y, self.width, height, HEADER_FILL))
        x = 0.0
        lh = f.line_height("th")
        for column, lines, w in zip(table.columns, prepared.header, prepared.widths, strict=True):
            for i, line in enumerate(lines):
                lx = x + self.pad_x
                if column.align is Align.RIGHT:
                    lx = x + w - self.pad_x - f.width("th", line)
                self.text(lx, self.y + self.pad_y + i * lh, "th", line)
            x += w
        self.page.append(LineOp(0, self.y + height, self.width, self.y + height, INK, 0.8))
        self.y += height

    def _table_row(
        self,
        table: Table,
        row: Row,
        cells: list[tuple[list[str], list[str]]],
        widths: list[float],
        height: float,
    ) -> None:
        f = self.fonts
        if row.highlight:
            self.page.append(RectOp(0, self.y, self.width, height, HIGHLIGHT_FILL))
            self.page.append(RectOp(0, self.y, self.pt(1.6), height, HIGHLIGHT_BAR))
        lh, sub_lh = f.line_height("cell"), f.line_height("cell_sub")
        x = 0.0
        for column, cell, (lines, subs), w in zip(
            table.columns, row.cells, cells, widths, strict=True
        ):
            key = self._cell_key(cell)
            top = self.y + self.pad_y
            lx0 = x + self.pad_x
            if cell.mark is not None:
                size = lh * 0.62
                self.page.append(
                    MarkOp(lx0, top + (f.ascent("cell") - size) * 0.9, size, cell.mark)
                )
                self.text(lx0 + size + self.pt(2), top, "cell_bold", str(cell.mark.number))
                lx0 += self._cell_mark_width()
            for i, line in enumerate(lines):
                lx = lx0
                if column.align is Align.RIGHT:
                    lx = x + w - self.pad_x - f.width(key, line)
                self.text(lx, top + i * lh, key, line)
            sub_top = top + len(lines) * lh
            for i, line in enumerate(subs):
                self.text(lx0, sub_top + i * sub_lh, "cell_sub", line)
            x += w
        bottom = self.y + height
        self.page.append(LineOp(0, bottom, self.width, bottom, RULE, 0.35))

    def _timeline(self, block: TimelineBlock) -> None:
        # A page of its own, unless only the report's title is above it (a timeline-only print).
        title_only = len(self.pages) == 1 and all(
            isinstance(op, LineOp) or (isinstance(op, TextOp) and op.font in _TITLE_FONTS)
            for op in self.page
        )
        if not self.at_top and not title_only:
            self.new_page()
        self._heading(Heading(block.title, 1), [Heading(block.title, 1)], 0)
        self.page.append(TimelineOp(0, self.y, self.width, self.body_bottom - self.y, block.data))
        self.y = self.body_bottom


def paginate(report: Report, device: QPaintDevice, fonts: Fonts | None = None) -> Layout:
    """Pass one of two: where everything goes. Painting (pass two) is in render.py."""
    return Paginator(report, device, fonts).run()
