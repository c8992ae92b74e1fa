"""Drawing a term's timeline with QPainter, for the printed dossier and the Timeline view.

One lane per focus area (plus one for milestones of the whole agreement), time across. A
milestone known to the day is a diamond (filled: done; open: planned or confirmed); one
known only to a month, season or year is a soft bar over the days it may fall on, never a
point on a made-up day. Today is a dashed line. Labels are placed only where they fit
(most important first: signings, term dates and reviews, then what is done), so a page with
500 milestones stays readable; the drawing says how many carry a label, and every
milestone is listed in the report's tables anyway.

Colours come with a hatch pattern and a number (see `draw_mark`), and state is told by
shape and fill, so the drawing survives a greyscale printer.

Sizes are given in points and converted with the paint device's resolution, so the same
function draws on a 1200 dpi PDF page and on a screen widget.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QLinearGradient,
    QPainter,
    QPen,
    QPolygonF,
)

from db.enums import MilestoneKind, MilestoneStatus
from desktop.reports.content import Mark, Pattern, TimelineData, TimelineItem, translate

INK = QColor("#1a1a1a")
MUTED = QColor("#5c5c5c")
GRID = QColor("#c8c8c8")
YEAR_BAND = QColor("#f2f2f2")
PAPER = QColor("white")
_IMPORTANT = (
    MilestoneKind.SIGNING,
    MilestoneKind.TERM_START,
    MilestoneKind.TERM_END,
    MilestoneKind.REVIEW,
)
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _pt(painter: QPainter) -> float:
    """Device pixels per point for the painter's device."""
    device = painter.device()
    return (device.logicalDpiY() if device is not None else 96) / 72.0


def draw_mark(painter: QPainter, rect: QRectF, mark: Mark) -> None:
    """A focus area's swatch: its colour, hatched with its own pattern, outlined."""
    unit = rect.width()
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.fillRect(rect, QColor(mark.colour))
    painter.setClipRect(rect)
    pen = QPen(QColor(0, 0, 0, 200), max(unit / 11.0, 0.5))
    painter.setPen(pen)
    step = unit / 3.2
    x0, y0, x1, y1 = rect.left(), rect.top(), rect.right(), rect.bottom()
    size = rect.width() + rect.height()
    pattern = mark.pattern

    def diagonals(forward: bool) -> None:
        offset = -rect.height()
        while offset < rect.width() + step:
            if forward:
                painter.drawLine(QLineF(x0 + offset, y1, x0 + offset + size, y1 - size))
            else:
                painter.drawLine(QLineF(x0 + offset, y0, x0 + offset + size, y0 + size))
            offset += step

    if pattern in (Pattern.DIAGONAL, Pattern.DIAGONAL_CROSS):
        diagonals(True)
    if pattern in (Pattern.BACK_DIAGONAL, Pattern.DIAGONAL_CROSS):
        diagonals(False)
    if pattern in (Pattern.HORIZONTAL, Pattern.CROSS):
        y = y0 + step / 2
        while y < y1:
            painter.drawLine(QLineF(x0, y, x1, y))
            y += step
    if pattern in (Pattern.VERTICAL, Pattern.CROSS):
        x = x0 + step / 2
        while x < x1:
            painter.drawLine(QLineF(x, y0, x, y1))
            x += step
    if pattern is Pattern.DOTS:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(0, 0, 0, 210))
        radius = unit / 11.0
        y = y0 + step / 2
        while y < y1:
            x = x0 + step / 2
            while x < x1:
                painter.drawEllipse(QPointF(x, y), radius, radius)
                x += step
            y += step
    painter.setClipping(False)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.setPen(QPen(INK, max(unit / 14.0, 0.5)))
    painter.drawRect(rect)
    painter.restore()


def _font(base: QFont, points: float, bold: bool = False) -> QFont:
    font = QFont(base)
    font.setPointSizeF(points)
    font.setBold(bold)
    for tag in ("liga", "clig"):  # searchable PDF text: "fi", not "ﬁ"
        font.setFeature(QFont.Tag(tag), 0)
    return font


def _elide(metrics: QFontMetricsF, text: str, width: float) -> str:
    return metrics.elidedText(text, Qt.TextElideMode.ElideRight, width)


def _wrap(metrics: QFontMetricsF, text: str, width: float, max_lines: int) -> list[str]:
    """Greedy word wrap, last line elided: labels here are short."""
    lines: list[str] = []
    words = text.split()
    current = ""
    for index, word in enumerate(words):
        trial = f"{current} {word}".strip()
        if metrics.horizontalAdvance(trial) <= width or not current:
            current = trial
            continue
        lines.append(current)
        current = word
        if len(lines) == max_lines - 1:
            current = " ".join(words[index:])
            break
    if current:
        lines.append(current)
    return [_elide(metrics, line, width) for line in lines[:max_lines]]


# --- primitives shared with the Timeline view (desktop/timeline/drawing.py) -------------------


def diamond(
    painter: QPainter,
    centre: QPointF,
    radius: float,
    filled: bool,
    ink: QColor = INK,
    ground: QColor = PAPER,
) -> None:
    """A milestone known to the day: filled when done, open when still to come.

    The outline uses the painter's current pen.
    """
    polygon = QPolygonF(
        [
            QPointF(centre.x(), centre.y() - radius),
            QPointF(centre.x() + radius, centre.y()),
            QPointF(centre.x(), centre.y() + radius),
            QPointF(centre.x() - radius, centre.y()),
        ]
    )
    painter.setBrush(ink if filled else ground)
    painter.drawPolygon(polygon)


def _diamond(painter: QPainter, centre: QPointF, radius: float, filled: bool) -> None:
    diamond(painter, centre, radius, filled)


def soft_span(
    painter: QPainter,
    rect: QRectF,
    colour: QColor,
    edge: QColor | None = None,
    fade: float = 0.0,
    edge_width: float = 0.0,
) -> None:
    """A date known only to a month, season or year: the days it may fall on, edges fading.

    Solid in the middle and transparent at both ends (over `fade`, at most a quarter of
    the width each), so that it reads as "somewhere in here", not as a bar with a start
    and an end; thin lines along the top and bottom (`edge`) keep it visible in greyscale.
    """
    width = rect.width()
    fade = min(fade or rect.height(), width / 4)
    if width <= 2 or fade <= 0.5:
        painter.fillRect(rect, colour)
    else:
        gradient = QLinearGradient(rect.left(), 0, rect.right(), 0)
        clear = QColor(colour)
        clear.setAlpha(0)
        gradient.setColorAt(0.0, clear)
        gradient.setColorAt(fade / width, colour)
        gradient.setColorAt(1 - fade / width, colour)
        gradient.setColorAt(1.0, clear)
        painter.fillRect(rect, gradient)
    if edge is not None:
        painter.setPen(QPen(edge, edge_width))
        inset = min(fade, width / 4) / 2
        painter.drawLine(QLineF(rect.left() + inset, rect.top(), rect.right() - inset, rect.top()))
        painter.drawLine(
            QLineF(rect.left() + inset, rect.bottom(), rect.right() - inset, rect.bottom())
        )


def today_line(
    painter: QPainter, x: float, top: float, bottom: float, width: float, ink: QColor
) -> None:
    """Today: a dashed vertical line (dashes survive greyscale and sit apart from grid lines)."""
    painter.setPen(QPen(ink, width, Qt.PenStyle.DashLine))
    painter.drawLine(QLineF(x, top, x, bottom))


def renewal_arrow(painter: QPainter, tip: QPointF, size: float, ink: QColor) -> None:
    """The link from an agreement to the one that renews it: a small arrowhead pointing on."""
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(ink)
    painter.drawPolygon(
        QPolygonF(
            [
                tip,
                QPointF(tip.x() - size, tip.y() - size * 0.7),
                QPointF(tip.x() - size, tip.y() + size * 0.7),
            ]
        )
    )


def _priority(item: TimelineItem) -> tuple[int, int, date]:
    return (
        0 if item.kind in _IMPORTANT else 1,
        0 if item.status is MilestoneStatus.DONE else 1,
        item.start,
    )


def draw_timeline(
    painter: QPainter, rect: QRectF, data: TimelineData, font: QFont | None = None
) -> None:
    """Draw `data` inside `rect` (device coordinates of the painter)."""
    pt = _pt(painter)
    base = font or painter.font()
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
    label_font = _font(base, 6.8, bold=True)
    date_font = _font(base, 6.2)
    axis_font = _font(base, 7.5, bold=True)
    lane_font = _font(base, 7.8, bold=True)
    small_font = _font(base, 7.0)
    device = painter.device()
    fm_label = QFontMetricsF(label_font, device)
    fm_date = QFontMetricsF(date_font, device)
    fm_axis = QFontMetricsF(axis_font, device)
    fm_lane = QFontMetricsF(lane_font, device)
    fm_small = QFontMetricsF(small_font, device)

    gutter = min(rect.width() * 0.2, 125 * pt)
    plot = QRectF(rect.left() + gutter, rect.top(), rect.width() - gutter, rect.height())
    total_days = max((data.end - data.start).days + 1, 1)

    def x_of(day: date) -> float:
        return plot.left() + (day - data.start).days / total_days * plot.width()

    # Bottom: legend, notes and the undated list.
    notes: list[str] = []
    footer_lines = 1 + 2  # legend row + up to two lines of notes
    undated_lines: list[str] = []
    if data.undated:
        shown = "; ".join(data.undated[:40])
        more = len(data.undated) - 40
        if more > 0:
            shown += "; " + translate("reports", "and %1 more").replace("%1", str(more))
        undated_lines = _wrap(
            fm_small,
            translate("reports", "Not yet dated: %1").replace("%1", shown),
            rect.width(),
            3,
        )
        footer_lines += len(undated_lines)
    footer_height = footer_lines * fm_small.lineSpacing() + 10 * pt
    axis_height = fm_axis.lineSpacing() + 12 * pt
    lanes_top = rect.top() + axis_height
    lanes_bottom = rect.bottom() - footer_height
    lane_count = max(len(data.lanes), 1)
    lane_height = (lanes_bottom - lanes_top) / lane_count

    # Year bands and the axis.
    years = list(range(data.start.year, data.end.year + 1))
    year_width = plot.width() / max(len(years), 1)
    label_every = 1
    while year_width * label_every < fm_axis.horizontalAdvance("2024") * 1.6:
        label_every += 1
    painter.setPen(Qt.PenStyle.NoPen)
    for index, year in enumerate(years):
        left = x_of(max(date(year, 1, 1), data.start))
        right = x_of(min(date(year, 12, 31), data.end) + timedelta(days=1))
        if index % 2 == 0:
            painter.fillRect(
                QRectF(left, lanes_top, right - left, lanes_bottom - lanes_top), YEAR_BAND
            )
    painter.setFont(axis_font)
    for index, year in enumerate(years):
        left = x_of(max(date(year, 1, 1), data.start))
        right = x_of(min(date(year, 12, 31), data.end) + timedelta(days=1))
        painter.setPen(QPen(GRID, 0.6 * pt))
        painter.drawLine(QLineF(left, lanes_top - 4 * pt, left, lanes_bottom))
        fits = right - left > fm_axis.horizontalAdvance("2024") * 1.2
        if index % label_every == 0 and fits:
            painter.setPen(INK)
            text = str(year)
            painter.drawText(
                QPointF((left + right - fm_axis.horizontalAdvance(text)) / 2, lanes_top - 6 * pt),
                text,
            )
        ticks = 12 if year_width > 220 * pt else 4 if year_width > 45 * pt else 0
        painter.setPen(QPen(GRID, 0.4 * pt))
        for k in range(1, ticks):
            tick = x_of(date(year, 1 + k * 12 // ticks, 1))
            if plot.left() < tick < plot.right():
                painter.drawLine(QLineF(tick, lanes_top - 2.5 * pt, tick, lanes_top))
    painter.setPen(QPen(INK, 0.8 * pt))
    painter.drawLine(QLineF(plot.left(), lanes_top, plot.right(), lanes_top))

    # The term, drawn as heavy ticks at its ends.
    if data.term is not None:
        painter.setPen(QPen(INK, 1.4 * pt))
        for day, shift in ((data.term[0], 0), (data.term[1], 1)):
            if data.start <= day <= data.end:
                x = x_of(day + timedelta(days=shift))
                painter.drawLine(QLineF(x, lanes_top - 7 * pt, x, lanes_bottom))

    # Today, under the lanes' labels so that it never crosses their text.
    if data.today is not None and data.start <= data.today <= data.end:
        x = x_of(data.today) + (x_of(data.today + timedelta(days=1)) - x_of(data.today)) / 2
        today_line(painter, x, lanes_top, lanes_bottom, 1.0 * pt, INK)
        painter.setFont(small_font)
        text = translate("reports", "Today")
        width = fm_small.horizontalAdvance(text) + 4 * pt
        box = QRectF(
            x - width / 2,
            lanes_bottom - fm_small.lineSpacing() - 2 * pt,
            width,
            fm_small.lineSpacing(),
        )
        painter.fillRect(box, QColor("white"))
        painter.setPen(INK)
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)

    # Lanes: label in the gutter, items on the plot.
    labelled: set[int] = set()
    for lane_index, lane in enumerate(data.lanes):
        top = lanes_top + lane_index * lane_height
        painter.setPen(QPen(GRID, 0.5 * pt))
        painter.drawLine(QLineF(rect.left(), top + lane_height, plot.right(), top + lane_height))
        x = rect.left()
        if lane.mark is not None:
            if lane_height > 14 * pt:
                tint = QColor(lane.mark.colour)
                tint.setAlpha(22)
                painter.fillRect(QRectF(plot.left(), top, plot.width(), lane_height), tint)
            size = 9 * pt
            draw_mark(painter, QRectF(x, top + 4 * pt, size, size), lane.mark)
            painter.setFont(lane_font)
            painter.setPen(INK)
            painter.drawText(
                QPointF(x + size + 3 * pt, top + 4 * pt + fm_lane.ascent()), str(lane.mark.number)
            )
            x += size + 3 * pt + fm_lane.horizontalAdvance("00 ")
        painter.setFont(lane_font)
        painter.setPen(INK)
        max_lines = max(1, int((lane_height - 6 * pt) // fm_lane.lineSpacing()))
        for i, line in enumerate(
            _wrap(fm_lane, lane.title, rect.left() + gutter - x - 6 * pt, min(max_lines, 3))
        ):
            painter.drawText(
                QPointF(x, top + 4 * pt + fm_lane.ascent() + i * fm_lane.lineSpacing()), line
            )
        labelled |= _draw_lane(
            painter,
            data,
            lane_index,
            QRectF(plot.left(), top, plot.width(), lane_height),
            x_of,
            pt,
            (label_font, fm_label, date_font, fm_date),
        )

    # Legend and notes.
    y = lanes_bottom + 8 * pt
    painter.setFont(small_font)
    x = rect.left()
    radius = 3.2 * pt
    mid = y + fm_small.ascent() / 2 + 0.5 * pt
    painter.setPen(QPen(INK, 0.7 * pt))
    _diamond(painter, QPointF(x + radius, mid), radius, True)
    x = _legend_text(painter, fm_small, x + 2 * radius + 3 * pt, y, translate("reports", "done"))
    _diamond(painter, QPointF(x + radius, mid), radius, False)
    x = _legend_text(
        painter, fm_small, x + 2 * radius + 3 * pt, y, translate("reports", "planned or confirmed")
    )
    bar = QRectF(x, mid - 2.5 * pt, 18 * pt, 5 * pt)
    soft_span(painter, bar, QColor(120, 120, 120, 150), INK, 3 * pt, 0.5 * pt)
    x = _legend_text(
        painter,
        fm_small,
        bar.right() + 3 * pt,
        y,
        translate("reports", "date known only to a month, season or year"),
    )
    painter.setPen(QPen(INK, 1.0 * pt, Qt.PenStyle.DashLine))
    painter.drawLine(QLineF(x, mid, x + 14 * pt, mid))
    x = _legend_text(painter, fm_small, x + 17 * pt, y, translate("reports", "today"))
    painter.setPen(QPen(INK, 1.4 * pt))
    painter.drawLine(QLineF(x, mid - 4 * pt, x, mid + 4 * pt))
    _legend_text(
        painter, fm_small, x + 4 * pt, y, translate("reports", "start and end of the term")
    )

    dated = len(data.items)
    if dated and len(labelled) < dated:
        notes.append(
            translate(
                "reports",
                "%1 of %2 dated milestones are labelled here; every milestone is listed in the "
                "tables.",
            )
            .replace("%1", str(len(labelled)))
            .replace("%2", str(dated))
        )
    if data.outside:
        notes.append(
            translate("reports", "%1 milestones fall outside these years.").replace(
                "%1", str(data.outside)
            )
        )
    if not dated and not data.undated:
        notes.append(translate("reports", "No dated milestones in this range."))
    painter.setPen(MUTED)
    y += fm_small.lineSpacing() + 2 * pt
    for line in [*notes, *undated_lines]:
        painter.drawText(
            QPointF(rect.left(), y + fm_small.ascent()), _elide(fm_small, line, rect.width())
        )
        y += fm_small.lineSpacing()
    painter.restore()


def _legend_text(painter: QPainter, metrics: QFontMetricsF, x: float, y: float, text: str) -> float:
    painter.setPen(INK)
    painter.drawText(QPointF(x, y + metrics.ascent()), text)
    return x + metrics.horizontalAdvance(text) + 12 * _pt(painter)


def _draw_lane(
    painter: QPainter,
    data: TimelineData,
    lane_index: int,
    lane: QRectF,
    position: Callable[[date], float],
    pt: float,
    fonts: tuple[QFont, QFontMetricsF, QFont, QFontMetricsF],
) -> set[int]:
    """Spans, markers and the labels that fit; returns the ids of the labelled items."""
    label_font, fm_label, date_font, fm_date = fonts
    items = [item for item in data.items if lane_index in item.lanes]
    labelled: set[int] = set()
    if not items:
        return labelled
    marker_y = lane.top() + 8 * pt
    radius = 3.4 * pt
    colour = (
        QColor(data.lanes[lane_index].mark.colour)
        if data.lanes[lane_index].mark
        else QColor("#777777")
    )
    soft = QColor(colour)
    soft.setAlpha(120)
    for item in items:
        if item.approximate:
            left = position(item.start)
            right = position(item.end + timedelta(days=1))
            soft_span(
                painter,
                QRectF(left, marker_y - 2.6 * pt, max(right - left, 1.5 * pt), 5.2 * pt),
                soft,
                INK,
                4 * pt,
                0.35 * pt,
            )
    painter.setPen(QPen(INK, 0.7 * pt))
    anchors: dict[int, float] = {}
    for index, item in enumerate(items):
        if item.approximate:
            left = position(item.start)
            right = position(item.end + timedelta(days=1))
            anchors[index] = (left + right) / 2
            if item.status is MilestoneStatus.DONE:
                painter.setBrush(INK)
                painter.drawEllipse(QPointF(anchors[index], marker_y), 1.3 * pt, 1.3 * pt)
        else:
            x = position(item.start)
            anchors[index] = x
            _diamond(painter, QPointF(x, marker_y), radius, item.status is MilestoneStatus.DONE)

    # Labels: rows of (title, date) below the markers; greedy, most important first.
    row_height = fm_label.lineSpacing() + fm_date.lineSpacing() + 2.5 * pt
    first_row = marker_y + radius + 3 * pt
    rows = max(0, int((lane.bottom() - first_row - 1 * pt) // row_height))
    if rows == 0:
        return labelled
    occupied: list[list[tuple[float, float]]] = [[] for _ in range(rows)]
    max_width = min(130 * pt, lane.width() / 3)
    gap = 4 * pt
    order = sorted(range(len(items)), key=lambda i: _priority(items[i]))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    placed: list[tuple[TimelineItem, float, float, float, str]] = []
    for index in order:
        item = items[index]
        title = _elide(fm_label, item.title, max_width)
        width = max(fm_label.horizontalAdvance(title), fm_date.horizontalAdvance(item.date_label))
        anchor = anchors[index]
        left = anchor - 1 * pt
        if left + width > lane.right() - 2 * pt:
            left = lane.right() - 2 * pt - width
        left = max(left, lane.left())
        span = (left - gap, left + width + gap)
        for row_index, taken in enumerate(occupied):
            if all(span[1] <= a or span[0] >= b for a, b in taken):
                taken.append(span)
                placed.append((item, anchor, left, first_row + row_index * row_height, title))
                labelled.add(id(item))
                break
    # Leader lines first, then the labels on a light ground that hides the lines below.
    painter.setPen(QPen(GRID, 0.5 * pt))
    for _item, anchor, _left, top, _title in placed:
        painter.drawLine(QLineF(anchor, marker_y + radius, anchor, top + 1 * pt))
    ground = QColor(255, 255, 255, 225)
    for item, _anchor, left, top, title in placed:
        width = max(fm_label.horizontalAdvance(title), fm_date.horizontalAdvance(item.date_label))
        height = fm_label.lineSpacing() + fm_date.lineSpacing()
        painter.fillRect(QRectF(left - 1 * pt, top, width + 2 * pt, height), ground)
        painter.setPen(INK)
        painter.setFont(label_font)
        painter.drawText(QPointF(left, top + fm_label.ascent()), title)
        painter.setPen(MUTED)
        painter.setFont(date_font)
        painter.drawText(
            QPointF(left, top + fm_label.lineSpacing() + fm_date.ascent()), item.date_label
        )
    return labelled
