"""A month (six weeks) or a week of days, painted, with milestones on the days they cover.

A milestone known to the day sits on its day as a line of text behind a colour dot; one
that covers several days (a season, a month, a year, or an explicit end) is a band across
those days, cut at the week's edges, so "fall 2024" reads as September to November and
never as a made-up 1 September. Approximate bands have a dotted outline; a band of a known
span a solid one. Colours are the first focus area's (a grey without one), mixed into the
palette's base colour so that the palette's text stays readable, in light and dark.

Keyboard: arrows move the selected day (a week up or down), Page Up / Page Down a month,
Home goes to today, Enter lists the day's items (the page moves there). Sizes come from the
font, so the grid scales with the screen's device pixel ratio and the user's font size.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from PySide6.QtCore import QEvent, QLocale, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFocusEvent,
    QFont,
    QFontMetricsF,
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from db.overview import MilestoneItem, add_months
from desktop import dates_display
from desktop.overview.widgets import area_colour

MONTH = "month"
WEEK = "week"


@dataclass(frozen=True, slots=True)
class Segment:
    """The part of a band inside one week row, as painted."""

    item: MilestoneItem
    first: date
    last: date
    rect: QRectF


def mix(colour: QColor, base: QColor, amount: float) -> QColor:
    """`amount` of `colour` over `base` (a tint that keeps the palette's text readable)."""
    return QColor.fromRgbF(
        colour.redF() * amount + base.redF() * (1 - amount),
        colour.greenF() * amount + base.greenF() * (1 - amount),
        colour.blueF() * amount + base.blueF() * (1 - amount),
    )


def is_band(item: MilestoneItem) -> bool:
    return item.approximate or (item.first is not None and item.first != item.last)


class CalendarGrid(QWidget):
    selected_changed = Signal(object)  # date
    range_changed = Signal(object, object)  # first, last visible day
    activated = Signal(object)  # date (Enter or double-click)

    def __init__(self, today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName(self.tr("Calendar"))
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMouseTracking(False)
        self.today = today
        self.mode = MONTH
        self.selected = today
        self.items: list[MilestoneItem] = []
        self._layout_cache: tuple[tuple[object, ...], tuple[list[Segment], dict[date, int]]] | None
        self._layout_cache = None
        self._range = self.visible_range()

    # --- state ------------------------------------------------------------------------------

    def first_weekday(self) -> int:
        """ISO weekday (1 = Monday) that starts a week in the user's locale."""
        return int(QLocale().firstDayOfWeek().value)

    def week_start(self, day: date) -> date:
        return day - timedelta(days=(day.isoweekday() - self.first_weekday()) % 7)

    def visible_range(self) -> tuple[date, date]:
        if self.mode == WEEK:
            first = self.week_start(self.selected)
            return first, first + timedelta(days=6)
        first = self.week_start(self.selected.replace(day=1))
        return first, first + timedelta(days=41)

    def weeks(self) -> int:
        return 1 if self.mode == WEEK else 6

    def set_mode(self, mode: str) -> None:
        self.mode = mode
        self._announce_range()
        self.update()

    def set_items(self, items: list[MilestoneItem]) -> None:
        self.items = items
        self._describe()
        self.update()

    def select(self, day: date) -> None:
        if day == self.selected:
            return
        self.selected = day
        self._announce_range()
        self.selected_changed.emit(day)
        self._describe()
        self.update()

    def _announce_range(self) -> None:
        shown = self.visible_range()
        if shown != self._range:
            self._range = shown
            self.range_changed.emit(*shown)

    def items_on(self, day: date) -> list[MilestoneItem]:
        return [i for i in self.items if i.covers(day)]

    def _describe(self) -> None:
        """What a screen reader says about the grid: the selected day and its items."""
        found = self.items_on(self.selected)
        day = dates_display.day_text(self.selected)
        if not found:
            text = self.tr("%1: no milestones").replace("%1", day)
        else:
            text = (
                self.tr("%1: %2")
                .replace("%1", day)
                .replace(
                    "%2",
                    "; ".join(
                        f"{i.title} ({dates_display.short_text(i.when)})" for i in found[:20]
                    ),
                )
            )
            if len(found) > 20:
                text += " " + self.tr("and %1 more").replace("%1", f"{len(found) - 20:,}")
        self.setAccessibleDescription(text)

    # --- keyboard and mouse -------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        steps = {
            Qt.Key.Key_Left: -1,
            Qt.Key.Key_Right: 1,
            Qt.Key.Key_Up: -7,
            Qt.Key.Key_Down: 7,
        }
        if self.layoutDirection() == Qt.LayoutDirection.RightToLeft:
            steps[Qt.Key.Key_Left], steps[Qt.Key.Key_Right] = 1, -1
        if key in steps:
            self.select(self.selected + timedelta(days=steps[key]))
        elif key == Qt.Key.Key_PageUp:
            self.select(add_months(self.selected, -1))
        elif key == Qt.Key.Key_PageDown:
            self.select(add_months(self.selected, 1))
        elif key == Qt.Key.Key_Home:
            self.select(self.today)
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.activated.emit(self.selected)
        else:
            super().keyPressEvent(event)

    def day_at(self, point: QPointF) -> date | None:
        for day, rect in self._cells():
            if rect.contains(point):
                return day
        return None

    def mousePressEvent(self, event: QMouseEvent) -> None:
        day = self.day_at(event.position())
        if day is not None and event.button() == Qt.MouseButton.LeftButton:
            self.setFocus(Qt.FocusReason.MouseFocusReason)
            self.select(day)
        super().mousePressEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        day = self.day_at(event.position())
        if day is not None:
            self.activated.emit(day)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            text = self.tooltip_at(QPointF(event.pos()))
            if text:
                QToolTip.showText(event.globalPos(), text, self)
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().event(event)

    def tooltip_at(self, point: QPointF) -> str:
        """The band under the pointer, or the items of the day under it."""
        for segment in self.segments():
            if segment.rect.contains(point):
                item = segment.item
                return f"{item.title}\n{dates_display.describe(item.when)}\n{item.agreement}"
        day = self.day_at(point)
        if day is None:
            return ""
        found = self.items_on(day)
        lines = [f"{i.title} ({dates_display.short_text(i.when)})" for i in found[:12]]
        if len(found) > 12:
            lines.append(self.tr("and %1 more").replace("%1", f"{len(found) - 12:,}"))
        return "\n".join(lines)

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        self.update()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.update()

    # --- geometry -----------------------------------------------------------------------------

    def sizeHint(self) -> QSize:
        line = QFontMetricsF(self.font()).height()
        return QSize(int(line * 40), int(line * 30))

    def minimumSizeHint(self) -> QSize:
        line = QFontMetricsF(self.font()).height()
        return QSize(int(line * 20), int(line * (8 if self.mode == WEEK else 16)))

    def _line(self) -> float:
        return QFontMetricsF(self.font()).height()

    def _header_height(self) -> float:
        return self._line() + 8

    def _week_column(self) -> float:
        """Width of the week-number column (ISO weeks, shown when weeks start on Monday)."""
        if self.first_weekday() != 1:
            return 0.0
        return QFontMetricsF(self._small_font()).horizontalAdvance("53") + 12

    def _small_font(self) -> QFont:
        font = QFont(self.font())
        font.setPointSizeF(max(6.0, font.pointSizeF() * 0.85))
        return font

    def _cells(self) -> list[tuple[date, QRectF]]:
        first, _ = self.visible_range()
        left = self._week_column()
        top = self._header_height()
        width = (self.width() - left - 1) / 7
        height = (self.height() - top - 1) / self.weeks()
        cells = []
        for index in range(self.weeks() * 7):
            row, column = divmod(index, 7)
            if self.layoutDirection() == Qt.LayoutDirection.RightToLeft:
                column = 6 - column
            rect = QRectF(left + column * width, top + row * height, width, height)
            cells.append((first + timedelta(days=index), rect))
        return cells

    def segments(self) -> list[Segment]:
        """Bands cut into week rows, each placed on a lane below the day numbers."""
        return self._layout()[0]

    def _layout(self) -> tuple[list[Segment], dict[date, int]]:
        """The bands that fit, and per day how many did not (counted in "+N more").

        Lanes are limited to what a row can hold, so that a day covered by a thousand
        "2026" milestones costs a few lanes and a count, not a thousand lanes. Kept until
        the items, the size, the font or the shown days change.
        """
        key = (id(self.items), self.width(), self.height(), self.mode, self.visible_range())
        key += (self.font().key(), self.layoutDirection())
        if self._layout_cache is None or self._layout_cache[0] != key:
            self._layout_cache = (key, self._compute_layout())
        return self._layout_cache[1]

    def _compute_layout(self) -> tuple[list[Segment], dict[date, int]]:
        cells = dict(self._cells())
        first, _ = self.visible_range()
        line = self._line()
        band = line + 2
        row_height = next(iter(cells.values())).height() if cells else 0.0
        room = row_height - (line + 4) - (QFontMetricsF(self._small_font()).height() + 4)
        capacity = max(1, int(room // (band + 2)))
        found: list[Segment] = []
        hidden: dict[date, int] = {}
        for week in range(self.weeks()):
            start = first + timedelta(days=7 * week)
            end = start + timedelta(days=6)
            lanes: list[date] = []  # last day used on each lane
            overflow = [0] * 8  # difference array of hidden bands over the week's days
            bands = [
                i
                for i in self.items
                if is_band(i)
                and i.first is not None
                and i.last is not None
                and i.first <= end
                and i.last >= start
            ]
            # Whole-item order, not segment order: a band keeps its lane from week to week.
            bands.sort(key=lambda i: (i.first, -(i.last - i.first).days, i.id))  # type: ignore[operator]
            for item in bands:
                assert item.first is not None and item.last is not None
                seg_first, seg_last = max(item.first, start), min(item.last, end)
                lane = next((n for n, used in enumerate(lanes) if used < seg_first), len(lanes))
                if lane >= capacity:
                    overflow[(seg_first - start).days] += 1
                    overflow[(seg_last - start).days + 1] -= 1
                    continue
                if lane == len(lanes):
                    lanes.append(seg_last)
                else:
                    lanes[lane] = seg_last
                a, b = cells[seg_first], cells[seg_last]
                y = a.top() + line + 4 + lane * (band + 2)
                x0, x1 = min(a.left(), b.left()), max(a.right(), b.right())
                found.append(
                    Segment(item, seg_first, seg_last, QRectF(x0 + 2, y, x1 - x0 - 4, band))
                )
            running = 0
            for offset in range(7):
                running += overflow[offset]
                if running:
                    hidden[start + timedelta(days=offset)] = running
        return found, hidden

    # --- painting -----------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        palette = self.palette()
        base = palette.color(QPalette.ColorRole.Base)
        text = palette.color(QPalette.ColorRole.Text)
        muted = palette.color(QPalette.ColorRole.PlaceholderText)
        grid = mix(text, base, 0.18)
        outside = mix(text, base, 0.04)
        highlight = palette.color(QPalette.ColorRole.Highlight)
        painter.fillRect(self.rect(), base)
        line = self._line()
        small = self._small_font()
        metrics = QFontMetricsF(self.font())
        cells = self._cells()
        month = self.selected.month

        # Weekday names and week numbers.
        painter.setPen(muted)
        painter.setFont(small)
        locale = QLocale()
        for day, rect in cells[:7]:
            name = locale.dayName(day.isoweekday(), QLocale.FormatType.ShortFormat)
            header = QRectF(rect.left(), 0, rect.width(), self._header_height())
            painter.drawText(header, int(Qt.AlignmentFlag.AlignCenter), name)
        if self._week_column():
            for week in range(self.weeks()):
                day, rect = cells[week * 7]
                number = QRectF(0, rect.top() + 3, self._week_column() - 4, line)
                painter.drawText(
                    number,
                    int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop),
                    str(day.isocalendar()[1]),
                )

        # Cells.
        for day, rect in cells:
            if self.mode == MONTH and day.month != month:
                painter.fillRect(rect, outside)
            painter.setPen(QPen(grid, 1))
            painter.drawRect(rect)
        for day, rect in cells:
            label = str(day.day)
            if day.day == 1:
                label = locale.monthName(day.month, QLocale.FormatType.ShortFormat) + " " + label
            painter.setFont(self.font())
            number = QRectF(rect.left() + 4, rect.top() + 2, rect.width() - 8, line)
            if day == self.today:
                width = metrics.horizontalAdvance(label) + 8
                badge = QRectF(number.right() - width + 4, number.top(), width, line)
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(highlight)
                painter.drawRoundedRect(badge, line / 2, line / 2)
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.setPen(palette.color(QPalette.ColorRole.HighlightedText))
            elif self.mode == MONTH and day.month != month:
                painter.setPen(muted)
            else:
                painter.setPen(text)
            painter.drawText(
                number, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop), label
            )

        # Bands.
        segments, hidden_bands = self._layout()
        lowest: dict[date, float] = {}
        painter.setFont(small)
        small_metrics = QFontMetricsF(small)
        for segment in segments:
            item, rect = segment.item, segment.rect
            colour = area_colour(item.areas)
            painter.setBrush(mix(colour, base, 0.40))
            # A cosmetic one-pixel pen: an antialiased dotted outline of any other width
            # costs milliseconds per band.
            pen = QPen(colour, 1)
            pen.setCosmetic(True)
            if item.approximate:
                pen.setStyle(Qt.PenStyle.DotLine)
            painter.setPen(pen)
            painter.drawRoundedRect(rect, 3, 3)
            if segment.first == item.first:
                painter.fillRect(QRectF(rect.left(), rect.top(), 4, rect.height()), colour)
            painter.setPen(text)
            label = item.title
            if segment.first == item.first or segment.first == self.visible_range()[0]:
                label += "  ·  " + dates_display.short_text(item.when)
            else:
                label = "… " + label
            inner = rect.adjusted(8, 0, -4, 0)
            painter.drawText(
                inner,
                int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft),
                small_metrics.elidedText(label, Qt.TextElideMode.ElideRight, inner.width()),
            )
            day = segment.first
            while day <= segment.last:
                lowest[day] = max(lowest.get(day, 0.0), rect.bottom())
                day += timedelta(days=1)

        # Single days.
        singles: dict[date, list[MilestoneItem]] = {}
        for item in self.items:
            if not is_band(item) and item.first is not None:
                singles.setdefault(item.first, []).append(item)
        step = small_metrics.height() + 2
        for day, rect in cells:
            found = singles.get(day, [])
            hidden = hidden_bands.get(day, 0)
            if not found and not hidden:
                continue
            y = max(lowest.get(day, 0.0) + 2, rect.top() + line + 4)
            bottom = rect.bottom() - 2
            for index, item in enumerate(found):
                last_one = index == len(found) - 1 and not hidden
                # Keep a line for "+N more" unless this is the last thing to show.
                if y + step > bottom - (0 if last_one else step):
                    hidden += len(found) - index
                    break
                dot = QRectF(rect.left() + 5, y + step / 2 - 3.5, 7, 7)
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(area_colour(item.areas))
                painter.drawEllipse(dot)
                painter.setPen(text)
                label = item.title
                if item.moment is not None:
                    label = dates_display.time_text(item.moment.time()) + " " + label
                width = rect.right() - dot.right() - 8
                height = step
                flags = int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft)
                if self.mode == WEEK:
                    # A week has room: titles wrap over up to three lines.
                    flags = int(Qt.AlignmentFlag.AlignLeft | Qt.TextFlag.TextWordWrap)
                    needed = small_metrics.boundingRect(
                        QRectF(0, 0, width, step * 3), flags, label
                    ).height()
                    height = min(step * 3, max(step, needed + 2), bottom - y)
                else:
                    label = small_metrics.elidedText(label, Qt.TextElideMode.ElideRight, width)
                painter.drawText(QRectF(dot.right() + 4, y, width, height), flags, label)
                y += height + (2 if self.mode == WEEK else 0)
            if hidden > 0:
                painter.setPen(muted)
                more = QRectF(rect.left() + 5, min(y, bottom - step), rect.width() - 10, step)
                painter.drawText(
                    more,
                    int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft),
                    self.tr("+%1 more").replace("%1", f"{hidden:,}"),
                )

        # The selected day last, above everything.
        for day, rect in cells:
            if day == self.selected:
                painter.setBrush(Qt.BrushStyle.NoBrush)
                width = 2.5 if self.hasFocus() else 1.5
                painter.setPen(QPen(highlight, width))
                painter.drawRect(rect.adjusted(1, 1, -1, -1))
        painter.end()
