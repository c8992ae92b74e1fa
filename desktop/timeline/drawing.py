"""Painting the Timeline on any device (screen, PNG, PDF page) from a snapshot and a view.

Everything is in logical pixels; a printed page scales the painter. Only what is visible is
drawn: rows are found with a bisect on their tops, milestones with a bisect on their
days (db/timeline.py keeps them sorted per lane). Where a lane has more milestones in view
than its width can show apart, they are drawn as a density strip, one column per few
pixels, counted with two bisects per column: a redraw costs the pixels, not the data.

Shapes and marks are the dossier's (desktop/reports/timeline_drawing.py): a diamond for a
date known to the day (filled: done), a soft-edged span for a month, season or year, a
dashed line for today, the focus area's hatched mark, so both read alike and survive a
greyscale printer.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import pairwise, repeat

from PySide6.QtCore import QCoreApplication, QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QImage,
    QLinearGradient,
    QPainter,
    QPalette,
    QPen,
    QPixmap,
    QStaticText,
    QTransform,
)

from db.enums import AgreementStatus, MilestoneStatus
from db.timeline import DAY_RANKS, STATUSES, Lane, Milestones, TimelineSnapshot
from desktop.reports.content import Mark, mark_for
from desktop.reports.timeline_drawing import (
    diamond,
    draw_mark,
    renewal_arrow,
    soft_span,
    today_line,
)
from desktop.timeline import axis

AXIS_HEIGHT = 40.0
CHAIN_HEIGHT = 36.0
LANE_HEIGHT = 22.0
GUTTER = 220.0
#: A lane is drawn item by item while it has at most one item per this many pixels;
#: beyond that, as a density strip (a redraw then costs its pixels, not its items).
PIXELS_PER_ITEM = 24.0
#: Width of one column of a density strip.
BIN_PIXELS = 3.0

_DONE = STATUSES.index(MilestoneStatus.DONE)
_CANCELLED = STATUSES.index(MilestoneStatus.CANCELLED)
_FADED = (AgreementStatus.EXPIRED, AgreementStatus.SUPERSEDED)
_UNSIGNED = (AgreementStatus.DRAFT, AgreementStatus.NEGOTIATION)


def _tr(text: str) -> str:
    return QCoreApplication.translate("timeline", text)


@dataclass(slots=True)
class TimelineStyle:
    """Colours and fonts: the system palette on screen, black on white on paper."""

    background: QColor
    ink: QColor
    muted: QColor
    grid: QColor
    band: QColor
    header: QColor
    accent: QColor
    accent_text: QColor
    font: QFont
    bold: QFont
    small: QFont
    #: Marks as pixmaps on screen (redrawn hatches are the dearest part of a gutter);
    #: vectors on paper.
    raster_marks: bool = True
    #: Elided texts and mark pixmaps, kept as long as the style (the canvas keeps one
    #: until the palette or font changes).
    cache: dict[object, object] = field(default_factory=dict)

    @classmethod
    def from_palette(cls, palette: QPalette, font: QFont) -> TimelineStyle:
        base = palette.color(QPalette.ColorRole.Base)
        ink = palette.color(QPalette.ColorRole.Text)
        dark = base.lightnessF() < 0.5
        mix = _mix(base, ink, 0.55)
        return cls(
            background=base,
            ink=ink,
            muted=mix,
            grid=_mix(base, ink, 0.18),
            band=_mix(base, ink, 0.06 if not dark else 0.09),
            header=_mix(base, ink, 0.1),
            accent=palette.color(QPalette.ColorRole.Highlight),
            accent_text=palette.color(QPalette.ColorRole.HighlightedText),
            **_fonts(font),
        )

    @classmethod
    def for_print(cls, font: QFont) -> TimelineStyle:
        return cls(
            background=QColor("white"),
            ink=QColor("#1a1a1a"),
            muted=QColor("#5c5c5c"),
            grid=QColor("#c8c8c8"),
            band=QColor("#f2f2f2"),
            header=QColor("#e8e8e8"),
            accent=QColor("#1a1a1a"),
            accent_text=QColor("white"),
            raster_marks=False,
            **_fonts(font),
        )


def _elided(style: TimelineStyle, font: QFont, text: str, width: float) -> str:
    key = ("elide", id(font), text, round(width))
    found = style.cache.get(key)
    if found is None:
        found = QFontMetricsF(font).elidedText(text, Qt.TextElideMode.ElideRight, width)
        if len(style.cache) > 5000:
            style.cache.clear()
        style.cache[key] = found
    return str(found)


def _metrics(style: TimelineStyle, font: QFont) -> QFontMetricsF:
    key = ("metrics", id(font))
    found = style.cache.get(key)
    if found is None:
        found = style.cache[key] = QFontMetricsF(font)
    assert isinstance(found, QFontMetricsF)
    return found


def _text(
    painter: QPainter,
    style: TimelineStyle,
    font: QFont,
    text: str,
    x: float,
    top: float,
    height: float | None = None,
) -> None:
    """One line at x, its top at `top` (centred in `height` when given).

    Laid out once and kept as a QStaticText: shaping text anew is the dearest call of a
    redraw.
    """
    key = ("static", id(font), text)
    static = style.cache.get(key)
    if static is None:
        static = QStaticText(text)
        static.setTextFormat(Qt.TextFormat.PlainText)
        static.prepare(QTransform(), font)
        style.cache[key] = static
    assert isinstance(static, QStaticText)
    if height is not None:
        top += (height - _metrics(style, font).height()) / 2
    painter.setFont(font)
    painter.drawStaticText(QPointF(x, top), static)


def _mark(painter: QPainter, rect: QRectF, mark: Mark, style: TimelineStyle) -> None:
    """A focus area's mark; on screen from a pixmap drawn once per mark and size."""
    if not style.raster_marks:
        draw_mark(painter, rect, mark)
        return
    device = painter.device()
    ratio = device.devicePixelRatioF() if device is not None else 1.0
    key = ("mark", mark, rect.width(), rect.height(), ratio)
    pixmap = style.cache.get(key)
    if pixmap is None:
        pixmap = QPixmap(math.ceil(rect.width() * ratio) + 2, math.ceil(rect.height() * ratio) + 2)
        pixmap.setDevicePixelRatio(ratio)
        pixmap.fill(Qt.GlobalColor.transparent)
        mark_painter = QPainter(pixmap)
        draw_mark(mark_painter, QRectF(0.5, 0.5, rect.width(), rect.height()), mark)
        mark_painter.end()
        style.cache[key] = pixmap
    assert isinstance(pixmap, QPixmap)
    painter.drawPixmap(QPointF(rect.left() - 0.5, rect.top() - 0.5), pixmap)


def _mix(a: QColor, b: QColor, share: float) -> QColor:
    return QColor.fromRgbF(
        a.redF() + (b.redF() - a.redF()) * share,
        a.greenF() + (b.greenF() - a.greenF()) * share,
        a.blueF() + (b.blueF() - a.blueF()) * share,
    )


def _fonts(font: QFont) -> dict[str, QFont]:
    """Pixel-sized fonts, so that a scaled painter (a printed page) scales them too."""
    size = font.pixelSize()
    if size <= 0:
        size = round(font.pointSizeF() * 96 / 72) if font.pointSizeF() > 0 else 13
    normal = QFont(font)
    normal.setPixelSize(max(9, size - 1))
    bold = QFont(normal)
    bold.setBold(True)
    small = QFont(font)
    small.setPixelSize(max(8, size - 3))
    return {"font": normal, "bold": bold, "small": small}


@dataclass(frozen=True, slots=True)
class Row:
    chain: int
    #: -1 for the chain's own row (its agreements), else the lane's index.
    lane: int
    top: float
    height: float


class RowLayout:
    """The rows left after filtering, top to bottom, with their tops for bisecting."""

    def __init__(
        self,
        snapshot: TimelineSnapshot,
        chains: set[int] | None = None,
        lanes: set[int] | None = None,
    ) -> None:
        self.rows: list[Row] = []
        top = 0.0
        for chain in snapshot.chains:
            if chains is not None and chain.index not in chains:
                continue
            shown = [lane for lane in chain.lanes if lanes is None or lane in lanes]
            if lanes is not None and not shown:
                continue
            self.rows.append(Row(chain.index, -1, top, CHAIN_HEIGHT))
            top += CHAIN_HEIGHT
            for lane in shown:
                self.rows.append(Row(chain.index, lane, top, LANE_HEIGHT))
                top += LANE_HEIGHT
        self.tops = [row.top for row in self.rows]
        self.height = top

    def visible(self, y0: float, y1: float) -> list[Row]:
        first = max(0, bisect_right(self.tops, y0) - 1)
        last = bisect_left(self.tops, y1)
        return self.rows[first:last]

    def row_at(self, y: float) -> Row | None:
        index = bisect_right(self.tops, y) - 1
        if 0 <= index < len(self.rows) and y < self.rows[index].top + self.rows[index].height:
            return self.rows[index]
        return None


@dataclass(slots=True)
class View:
    """What part of the timeline is on screen: days across, rows down."""

    first_day: float
    px_per_day: float
    scroll_y: float = 0.0
    today: int | None = None


@dataclass(frozen=True, slots=True)
class Drawn:
    """Something drawn that the user can point at, for hovering, clicking and Tab."""

    kind: str  # "milestone", "agreement", "link" (id: the renewing agreement) or "cluster"
    id: int
    rect: QRectF
    lane: int = -1
    #: For a link: the renewed agreement.
    source: int = 0
    #: Top of the row it is drawn in: Tab goes row by row, then left to right.
    row_top: float = 0.0


@dataclass(slots=True)
class Frame:
    """What one paint drew: the items to hit-test, the links and the plot's geometry."""

    plot: QRectF
    first_day: float
    px_per_day: float
    items: list[Drawn] = field(default_factory=list)
    links: list[tuple[int, int]] = field(default_factory=list)
    clusters: int = 0

    def x_of(self, day: float) -> float:
        return self.plot.left() + (day - self.first_day) * self.px_per_day

    def day_at(self, x: float) -> float:
        return self.first_day + (x - self.plot.left()) / self.px_per_day


def lane_mark(lane: Lane) -> Mark | None:
    return None if lane.is_general else mark_for(max(lane.position, 0), lane.colour)


def paint_timeline(
    painter: QPainter,
    rect: QRectF,
    snapshot: TimelineSnapshot,
    layout: RowLayout,
    view: View,
    style: TimelineStyle,
    focus: tuple[str, int, int] | None = None,
) -> Frame:
    """Paint the visible part of the timeline into `rect`; returns what was drawn where."""
    painter.save()
    painter.setClipRect(rect)
    painter.fillRect(rect, style.background)
    gutter = min(GUTTER, rect.width() * 0.3)
    plot = QRectF(
        rect.left() + gutter,
        rect.top() + AXIS_HEIGHT,
        rect.width() - gutter,
        rect.height() - AXIS_HEIGHT,
    )
    frame = Frame(plot, view.first_day, view.px_per_day)
    last_day = frame.day_at(plot.right())
    ticks = axis.ticks(view.first_day, last_day, view.px_per_day)
    rows = layout.visible(view.scroll_y, view.scroll_y + plot.height())
    y_shift = plot.top() - view.scroll_y

    # Alternate bands and grid lines of the major ticks, under everything.
    painter.setClipRect(plot)
    majors = ticks.major
    for index, tick in enumerate(majors):
        if tick.parity:
            left = frame.x_of(tick.day)
            right = frame.x_of(majors[index + 1].day) if index + 1 < len(majors) else plot.right()
            painter.fillRect(QRectF(left, plot.top(), right - left, plot.height()), style.band)
    painter.setPen(QPen(style.grid, 0))
    for tick in majors:
        x = frame.x_of(tick.day)
        painter.drawLine(QLineF(x, plot.top(), x, plot.bottom()))

    # Antialiasing only where shapes are not axis-aligned (bars' corners, diamonds, arrows):
    # it is the dearest part of a raster paint.
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
    fm = QFontMetricsF(style.font)
    for row in rows:
        top = row.top + y_shift
        band = QRectF(plot.left(), top, plot.width(), row.height)
        if row.lane < 0:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            _chain_row(painter, frame, snapshot, row.chain, band, view, style, fm)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        else:
            _lane_row(painter, frame, snapshot, snapshot.lanes[row.lane], band, style)
        painter.setPen(QPen(style.grid, 0))
        painter.drawLine(QLineF(rect.left(), top + row.height, plot.right(), top + row.height))

    # Today, over the lanes.
    if view.today is not None:
        x = frame.x_of(view.today + 0.5)
        if plot.left() <= x <= plot.right():
            today_line(painter, x, plot.top(), plot.bottom(), 1.2, style.ink)

    # The focused item's ring.
    if focus is not None:
        for item in frame.items:
            if (item.kind, item.id, item.lane) == focus:
                painter.setPen(QPen(style.accent, 2))
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawRoundedRect(item.rect.adjusted(-3, -3, 3, 3), 3, 3)
                break

    # The gutter: chain titles and lane names.
    painter.setClipRect(QRectF(rect.left(), plot.top(), gutter, plot.height()))
    painter.fillRect(QRectF(rect.left(), plot.top(), gutter, plot.height()), style.background)
    for row in rows:
        top = row.top + y_shift
        if row.lane < 0:
            chain = snapshot.chains[row.chain]
            painter.fillRect(QRectF(rect.left(), top, gutter, row.height), style.header)
            painter.setFont(style.bold)
            painter.setPen(style.ink)
            text = _elided(style, style.bold, chain.title, gutter - 12)
            title_box = QRectF(rect.left() + 6, top, gutter - 10, row.height)
            if chain.undated:
                # Undated milestones are never placed on a made-up day: counted here instead.
                title_box.setHeight(row.height * 0.58)
                painter.setPen(style.muted)
                _text(
                    painter,
                    style,
                    style.small,
                    _tr("%1 not yet dated").replace("%1", str(chain.undated)),
                    rect.left() + 6,
                    top + row.height * 0.5,
                    row.height * 0.5,
                )
                painter.setPen(style.ink)
            _text(painter, style, style.bold, text, title_box.left(), top, title_box.height())
        else:
            lane = snapshot.lanes[row.lane]
            x = rect.left() + 14
            mark = lane_mark(lane)
            if mark is not None:
                size = min(13.0, row.height - 8)
                _mark(painter, QRectF(x, top + (row.height - size) / 2, size, size), mark, style)
                x += size + 6
                font = style.font
                painter.setPen(style.ink)
                name = lane.name
            else:
                font = style.small
                painter.setPen(style.muted)
                name = _tr("Whole agreement")
            text = _elided(style, font, name, rect.left() + gutter - x - 6)
            _text(painter, style, font, text, x, top, row.height)
        painter.setPen(QPen(style.grid, 0))
        painter.drawLine(
            QLineF(rect.left(), top + row.height, rect.left() + gutter, top + row.height)
        )
    painter.setPen(QPen(style.grid, 0))
    painter.drawLine(QLineF(plot.left(), plot.top(), plot.left(), plot.bottom()))

    # The axis, on top.
    painter.setClipRect(rect)
    _axis(
        painter,
        frame,
        ticks,
        QRectF(rect.left(), rect.top(), rect.width(), AXIS_HEIGHT),
        gutter,
        view,
        style,
    )
    painter.restore()
    return frame


def _axis(
    painter: QPainter,
    frame: Frame,
    ticks: axis.Ticks,
    area: QRectF,
    gutter: float,
    view: View,
    style: TimelineStyle,
) -> None:
    plot = frame.plot
    painter.fillRect(area, style.background)
    painter.setClipRect(QRectF(plot.left(), area.top(), plot.width(), area.height()))
    half = area.height() / 2
    fm = QFontMetricsF(style.bold)
    fm_small = QFontMetricsF(style.small)
    painter.setFont(style.bold)
    majors = ticks.major
    for index, tick in enumerate(majors):
        x = frame.x_of(tick.day)
        right = frame.x_of(majors[index + 1].day) if index + 1 < len(majors) else plot.right()
        painter.setPen(QPen(style.grid, 0))
        painter.drawLine(QLineF(x, area.top() + 4, x, area.bottom()))
        # Keep the label of a major interval in view while it is partly scrolled off.
        left = max(x, plot.left()) + 4
        if right - left > fm.horizontalAdvance(tick.label) + 4:
            painter.setPen(style.ink)
            _text(painter, style, style.bold, tick.label, left, area.top() + half - 4 - fm.ascent())
    painter.setFont(style.small)
    minors = ticks.minor
    for index, tick in enumerate(minors):
        x = frame.x_of(tick.day)
        painter.setPen(QPen(style.grid, 0))
        painter.drawLine(QLineF(x, area.bottom() - 5, x, area.bottom()))
        if not tick.label:
            continue
        width = fm_small.horizontalAdvance(tick.label)
        if ticks.centred:
            right = frame.x_of(minors[index + 1].day) if index + 1 < len(minors) else x
            if right - x < width + 4:
                continue
            text_x = (x + right - width) / 2
        else:
            if index + 1 < len(minors) and frame.x_of(minors[index + 1].day) - x < width + 6:
                continue
            text_x = x + 3
        painter.setPen(style.muted)
        _text(
            painter, style, style.small, tick.label, text_x, area.bottom() - 7 - fm_small.ascent()
        )
    # "Today" marker on the axis.
    if view.today is not None:
        x = frame.x_of(view.today + 0.5)
        if plot.left() <= x <= plot.right():
            text = _tr("Today")
            width = fm_small.horizontalAdvance(text) + 8
            box = QRectF(
                x - width / 2, area.bottom() - fm_small.height() - 3, width, fm_small.height() + 2
            )
            painter.setPen(QPen(style.ink, 1))
            painter.setBrush(style.background)
            painter.drawRoundedRect(box, 3, 3)
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)
    painter.setClipRect(area)
    painter.setPen(QPen(style.ink, 1))
    painter.drawLine(QLineF(plot.left(), area.bottom(), plot.right(), area.bottom()))
    painter.setFont(style.small)
    painter.setPen(style.muted)
    span = _range_text(frame.day_at(plot.left()), frame.day_at(plot.right()))
    painter.drawText(
        QRectF(area.left() + 6, area.top(), gutter - 10, area.height()),
        Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
        span,
    )


def _range_text(first: float, last: float) -> str:
    from desktop.dates_display import range_text

    lo = date.fromordinal(max(1, int(first)))
    hi = date.fromordinal(max(1, int(last)))
    return range_text(lo, hi)


def _status_colour(status: AgreementStatus, style: TimelineStyle) -> QColor:
    if status in _FADED:
        return _mix(style.background, style.ink, 0.35)
    if status in _UNSIGNED:
        return _mix(style.background, style.accent, 0.35)
    return style.accent


def _chain_row(
    painter: QPainter,
    frame: Frame,
    snapshot: TimelineSnapshot,
    chain_index: int,
    band: QRectF,
    view: View,
    style: TimelineStyle,
    fm: QFontMetricsF,
) -> None:
    """The chain's agreements as bars over their terms, each renewal linked by an arrow."""
    chain = snapshot.chains[chain_index]
    painter.fillRect(band, style.header)
    # Renewals often overlap their predecessor (signed while it still runs), so the bars
    # alternate between two tracks; a chain of one sits in the middle.
    height = 14.0
    plot = frame.plot
    placed: list[tuple[int, QRectF]] = []
    single = sum(1 for bar in chain.agreements if bar.start is not None) == 1
    for track, bar in enumerate(b for b in chain.agreements if b.start is not None):
        if single:
            y = band.top() + (band.height() - height) / 2
        else:
            y = band.top() + 3 + (track % 2) * (height + 2)
        if bar.start is None:
            continue
        end = bar.end if bar.end is not None else max(view.today or bar.start, bar.start)
        left = frame.x_of(bar.start)
        right = frame.x_of(end + 1)
        if right < plot.left() - 40 or left > plot.right() + 40:
            placed.append((bar.id, QRectF(left, y, right - left, height)))
            continue
        # A small gap between consecutive bars leaves room for the renewal's arrow.
        shape = QRectF(left + 1, y, max(right - left - 2, 2.0), height)
        colour = _status_colour(bar.status, style)
        if bar.end is None or bar.open_end:
            # No recorded end: fade out over the last stretch instead of a hard edge.
            gradient = QLinearGradient(shape.left(), 0, shape.right(), 0)
            gradient.setColorAt(0, colour)
            fade = min(1.0, 30 / max(shape.width(), 1))
            gradient.setColorAt(1 - fade, colour)
            clear = QColor(colour)
            clear.setAlpha(60)
            gradient.setColorAt(1, clear)
            painter.setBrush(QBrush(gradient))
        else:
            painter.setBrush(colour)
        painter.setPen(
            QPen(style.ink, 0.8)
            if bar.status not in _UNSIGNED
            else QPen(style.ink, 0.8, Qt.PenStyle.DashLine)
        )
        painter.drawRoundedRect(shape, 3, 3)
        visible = shape.intersected(QRectF(plot.left(), shape.top(), plot.width(), height))
        if visible.width() > 40:
            on_accent = bar.status not in _FADED and bar.status not in _UNSIGNED
            painter.setPen(style.accent_text if on_accent else style.ink)
            text = _elided(style, style.small, bar.title, visible.width() - 12)
            _text(painter, style, style.small, text, visible.left() + 6, shape.top(), height)
        frame.items.append(Drawn("agreement", bar.id, shape, row_top=band.top()))
        placed.append((bar.id, shape))
    # Links along the renewal chain.
    for (source, before), (target, after) in pairwise(placed):
        if snapshot.agreements[target].renews_id != source:
            continue
        # An elbow from the renewed bar down (or up) to the renewing one, ending in an arrow
        # at the renewal's start: where it begins is where the renewal takes over.
        size = 5.0
        tip = QPointF(after.left(), after.center().y())
        join = min(before.right(), tip.x() - size - 4)
        join = max(join, before.left() + 2)
        start = QPointF(join, before.bottom() if after.top() > before.top() else before.top())
        frame.links.append((source, target))
        if tip.x() < plot.left() - 20 or join > plot.right() + 20:
            continue
        painter.setPen(QPen(style.ink, 1.4))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawLine(QLineF(start, QPointF(join, tip.y())))
        painter.drawLine(QLineF(QPointF(join, tip.y()), QPointF(tip.x() - size, tip.y())))
        renewal_arrow(painter, QPointF(tip.x() + 1, tip.y()), size, style.ink)
        frame.items.append(
            Drawn(
                "link",
                target,
                QRectF(
                    join - 4,
                    min(start.y(), tip.y()) - 4,
                    tip.x() - join + 8,
                    abs(tip.y() - start.y()) + 8,
                ),
                source=source,
                row_top=band.top(),
            )
        )


def _lane_row(
    painter: QPainter,
    frame: Frame,
    snapshot: TimelineSnapshot,
    lane: Lane,
    band: QRectF,
    style: TimelineStyle,
) -> None:
    plot = frame.plot
    colour = QColor(lane.colour) if not lane.is_general else _mix(style.background, style.ink, 0.55)
    # The focus area's own periods (its agreements' terms), lightly tinted.
    tint = QColor(colour)
    tint.setAlpha(34)
    for start, end in () if lane.is_general else lane.periods:
        left = frame.x_of(start)
        right = frame.x_of((end if end is not None else frame.day_at(plot.right())) + 1)
        if right >= plot.left() and left <= plot.right():
            painter.fillRect(QRectF(left, band.top() + 2, right - left, band.height() - 4), tint)

    m = snapshot.milestones
    first = math.floor(frame.day_at(plot.left()))
    last = math.ceil(frame.day_at(plot.right()))
    positions = m.in_days(lane.index, first, last)
    if not len(positions):
        return
    mid = band.top() + band.height() / 2
    if len(positions) * PIXELS_PER_ITEM > plot.width():
        _density(painter, frame, snapshot, lane, band, colour, first, last)
        return
    soft = QColor(colour)
    soft.setAlpha(150)
    starts, ends, ranks, statuses, ids = m.starts, m.ends, m.precision, m.statuses, m.ids
    x_of = frame.x_of
    points: list[int] = []
    # Spans that overlap ("fall 2024" and "late 2024") take turns on three thin tracks, the
    # middle one first, so that neither hides the other; a lone span is drawn full height.
    track_ends = [-math.inf] * len(_TRACKS)
    crowded = _crowded(positions, starts, ends, ranks)
    for i in positions:
        if ends[i] < first:
            continue
        if ranks[i] in DAY_RANKS and ends[i] == starts[i]:
            points.append(i)
            continue
        left = x_of(starts[i])
        right = max(x_of(ends[i] + 1), left + 3.0)
        if crowded:
            track = next(
                (t for t, end in enumerate(track_ends) if end <= left),
                min(range(len(_TRACKS)), key=track_ends.__getitem__),
            )
            track_ends[track] = right + 1
            shape = QRectF(left, mid + _TRACKS[track] - 3, right - left, 6.0)
        else:
            shape = QRectF(left, mid - 5, right - left, 10.0)
        if ranks[i] in DAY_RANKS:  # a known multi-day event: a solid bar
            painter.fillRect(shape, colour)
            painter.setPen(QPen(style.ink, 0.8))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(shape)
        elif statuses[i] == _CANCELLED:
            painter.setPen(QPen(style.muted, 1, Qt.PenStyle.DotLine))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(shape)
        else:
            soft_span(painter, shape, soft, style.ink, 8.0, 0.8)
            if statuses[i] == _DONE:
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(style.ink)
                painter.drawEllipse(shape.center(), 2.0, 2.0)
        frame.items.append(Drawn("milestone", ids[i], shape, lane.index, row_top=band.top()))
    radius = 5.0
    if points:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    for i in points:
        x = x_of(starts[i] + 0.5)
        cancelled = statuses[i] == _CANCELLED
        painter.setPen(
            QPen(
                style.muted if cancelled else style.ink,
                1.1,
                Qt.PenStyle.DotLine if cancelled else Qt.PenStyle.SolidLine,
            )
        )
        fill = colour if not lane.is_general else style.ink
        diamond(painter, QPointF(x, mid), radius, statuses[i] == _DONE, fill, style.background)
        frame.items.append(
            Drawn(
                "milestone",
                ids[i],
                QRectF(x - radius - 2, mid - radius - 2, 2 * radius + 4, 2 * radius + 4),
                lane.index,
                row_top=band.top(),
            )
        )
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)


#: Opacity of a density column by how many milestones share it (7 or more: opaque).
_DENSEST = 7
_ALPHAS = bytes([0, *(min(255, 70 + 28 * n) for n in range(1, _DENSEST + 1))]) + bytes(248)

#: Vertical offsets of the three span tracks of a crowded lane.
_TRACKS = (0.0, -7.0, 7.0)


def _crowded(
    positions: range, starts: Sequence[int], ends: Sequence[int], ranks: Sequence[int]
) -> bool:
    """True when two spans in view share a day (then spans go on separate tracks)."""
    last_end = -1
    for i in positions:
        if ranks[i] in DAY_RANKS and starts[i] == ends[i]:
            continue
        if starts[i] <= last_end:
            return True
        last_end = max(last_end, ends[i])
    return False


def column_counts(m: Milestones, lane: int, origin: int, bin_days: int, count: int) -> bytes:
    """How many entries of `lane` share a day with each column of `bin_days` days from
    `origin` (capped at _DENSEST): entries starting before the column's end minus those
    ending before its start. map() over C functions keeps Python out of the loop."""
    lo, hi = m.lane_range(lane)
    last_days = range(origin + bin_days - 1, origin + count * bin_days, bin_days)
    first_days = range(origin, origin + count * bin_days, bin_days)
    started = map(bisect_right, repeat(m.starts), last_days, repeat(lo), repeat(hi))
    ended = map(bisect_left, repeat(m.ends_sorted), first_days, repeat(lo), repeat(hi))
    return bytes(map(min, map(int.__sub__, started, ended), repeat(_DENSEST)))


def _density(
    painter: QPainter,
    frame: Frame,
    snapshot: TimelineSnapshot,
    lane: Lane,
    band: QRectF,
    colour: QColor,
    first: int,
    last: int,
) -> None:
    """Milestones too close to draw apart: how many share each column, as a shaded strip."""
    m = snapshot.milestones
    bin_days = max(1, math.ceil(BIN_PIXELS / frame.px_per_day))
    origin = first - first % bin_days
    count = (last - origin) // bin_days + 1
    counts = column_counts(m, lane.index, origin, bin_days, count)
    alphas = counts.translate(_ALPHAS)
    pixels = bytearray(4 * count)
    pixels[0::4] = bytes([colour.blue()]) * count
    pixels[1::4] = bytes([colour.green()]) * count
    pixels[2::4] = bytes([colour.red()]) * count
    pixels[3::4] = alphas
    image = QImage(bytes(pixels), count, 1, 4 * count, QImage.Format.Format_ARGB32)
    left = frame.x_of(origin)
    target = QRectF(
        left, band.top() + band.height() / 2 - 6, count * bin_days * frame.px_per_day, 12
    )
    painter.drawImage(target, image)
    painter.setPen(QPen(colour.darker(150), 0))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    visible = target.intersected(QRectF(frame.plot.left(), target.top(), frame.plot.width(), 12))
    painter.drawLine(QLineF(visible.left(), target.bottom(), visible.right(), target.bottom()))
    frame.items.append(Drawn("cluster", lane.index, visible, lane.index))
    frame.clusters += 1
