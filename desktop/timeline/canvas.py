"""The interactive timeline: zoom, pan, hover, click and keyboard over `paint_timeline`.

Mouse: the wheel zooms around the pointer (Shift+wheel scrolls the rows, a sideways wheel
or touchpad pans), dragging pans, hovering shows what is under the pointer, a click opens
it. Keyboard: + and - (also Ctrl+= and Ctrl+-) zoom, Left/Right pan, Up/Down and Page
Up/Down scroll the rows, Home shows today, End shows everything; Tab and Shift+Tab move
between the agreements and milestones drawn on screen (then on out of the timeline), and
Enter opens the one with the focus ring.

The canvas never reads the database: the page hands it a snapshot and a `describe`
function for tooltips.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QFocusEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import QToolTip, QWidget

from db.timeline import Milestones, TimelineSnapshot
from desktop.timeline.drawing import (
    AXIS_HEIGHT,
    GUTTER,
    Drawn,
    Frame,
    RowLayout,
    TimelineStyle,
    View,
    paint_timeline,
)

#: Narrowest view: two weeks across the plot.
MIN_DAYS = 14
#: Widest view when there is little data: twenty years.
MIN_SPAN_DAYS = 20 * 365
ZOOM_STEP = 1.5
_FOCUSABLE = ("agreement", "milestone")


def empty_snapshot() -> TimelineSnapshot:
    return TimelineSnapshot([], [], {}, Milestones(), None, None)


class TimelineCanvas(QWidget):
    #: The user opened an item: ("milestone" or "agreement", id).
    activated = Signal(str, int)
    #: The visible days or rows changed (the page keeps its scroll bar in step).
    view_changed = Signal()
    #: Words for the item under the pointer or with the focus ring ("" when none).
    described = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.setAccessibleName(self.tr("Timeline"))
        self.setAccessibleDescription(
            self.tr(
                "Agreements along their renewals and milestones by focus area. Plus and minus "
                "zoom, arrow keys move, Home shows today, Tab moves between items, Enter opens."
            )
        )
        self.snapshot = empty_snapshot()
        self.rows = RowLayout(self.snapshot)
        self.view = View(date.today().toordinal() - 5 * 365, 1.0)
        self.today: Callable[[], date] = date.today
        self.describe: Callable[[Drawn, float], str] = lambda item, day: ""
        self.frame: Frame | None = None
        #: (kind, id, lane) of the item with the focus ring: a milestone can be on two lanes.
        self.focus_item: tuple[str, int, int] | None = None
        self._press: QPointF | None = None
        self._press_view: tuple[float, float] | None = None
        self._dragged = False
        self._placed = False
        self._style: TimelineStyle | None = None

    # --- data -----------------------------------------------------------------------------

    def set_snapshot(self, snapshot: TimelineSnapshot, rows: RowLayout) -> None:
        self.snapshot = snapshot
        self.rows = rows
        if not self._placed and snapshot.first_day is not None:
            self.show_all()
            self._placed = True
        self._clamp()
        self.update()
        self.view_changed.emit()

    def set_rows(self, rows: RowLayout) -> None:
        self.rows = rows
        self._clamp()
        self.update()
        self.view_changed.emit()

    # --- geometry -------------------------------------------------------------------------

    def plot_width(self) -> float:
        return max(self.width() - min(GUTTER, self.width() * 0.3), 50.0)

    def plot_height(self) -> float:
        return max(self.height() - AXIS_HEIGHT, 10.0)

    def visible_days(self) -> tuple[float, float]:
        """First and last visible day (fractional ordinals)."""
        return self.view.first_day, self.view.first_day + self.plot_width() / self.view.px_per_day

    def _limits(self) -> tuple[float, float]:
        """Smallest and largest pixels per day: all the data (decades) to two weeks."""
        snap = self.snapshot
        span = MIN_SPAN_DAYS
        if snap.first_day is not None and snap.last_day is not None:
            span = max(span, snap.last_day - snap.first_day)
        return self.plot_width() / (span * 1.1), self.plot_width() / MIN_DAYS

    def _clamp(self) -> None:
        low, high = self._limits()
        self.view.px_per_day = min(max(self.view.px_per_day, low), high)
        self.view.first_day = min(max(self.view.first_day, 1.0), 3_600_000.0)
        most = max(0.0, self.rows.height - self.plot_height())
        self.view.scroll_y = min(max(self.view.scroll_y, 0.0), most)
        self.view.today = self.today().toordinal()

    def max_scroll(self) -> float:
        return max(0.0, self.rows.height - self.plot_height())

    # --- navigation -----------------------------------------------------------------------

    def zoom(self, factor: float, anchor_x: float | None = None) -> None:
        """Zoom by `factor` (>1: in), keeping the day under `anchor_x` in place."""
        left = self.width() - self.plot_width()
        x = anchor_x if anchor_x is not None else left + self.plot_width() / 2
        day = self.view.first_day + (x - left) / self.view.px_per_day
        self.view.px_per_day *= factor
        self._clamp()
        self.view.first_day = day - (x - left) / self.view.px_per_day
        self._changed()

    def pan_pixels(self, dx: float) -> None:
        self.view.first_day -= dx / self.view.px_per_day
        self._changed()

    def scroll_to(self, y: float) -> None:
        self.view.scroll_y = y
        self._changed()

    def show_day(self, day: date) -> None:
        """Centre the view on `day` at the current zoom."""
        self.view.first_day = day.toordinal() - self.plot_width() / self.view.px_per_day / 2
        self._changed()

    def show_range(self, first: int, last: int) -> None:
        self.view.px_per_day = self.plot_width() / max(last - first + 1, 1)
        self._clamp()
        middle = (first + last + 1) / 2
        self.view.first_day = middle - self.plot_width() / self.view.px_per_day / 2
        self._changed()

    def show_all(self) -> None:
        snap = self.snapshot
        if snap.first_day is None or snap.last_day is None:
            self.show_day(self.today())
            return
        margin = max(30, (snap.last_day - snap.first_day) // 30)
        self.show_range(snap.first_day - margin, snap.last_day + margin)

    def _changed(self) -> None:
        self._clamp()
        self.update()
        self.view_changed.emit()

    # --- painting -------------------------------------------------------------------------

    def style_for_screen(self) -> TimelineStyle:
        """The palette's colours and the widget's font, kept until either changes."""
        if self._style is None:
            self._style = TimelineStyle.from_palette(self.palette(), self.font())
        return self._style

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (
            QEvent.Type.PaletteChange,
            QEvent.Type.FontChange,
            QEvent.Type.StyleChange,
            QEvent.Type.ApplicationPaletteChange,
        ):
            self._style = None
        super().changeEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        self._clamp()
        self.frame = paint_timeline(
            painter,
            QRectF(self.rect()),
            self.snapshot,
            self.rows,
            self.view,
            self.style_for_screen(),
            self.focus_item if self.hasFocus() else None,
        )
        if self.hasFocus() and self.focus_item is None:
            painter.setPen(self.palette().color(self.palette().ColorRole.Highlight))
            painter.drawRect(QRectF(self.rect()).adjusted(0.5, 0.5, -1.5, -1.5))
        painter.end()

    def sizeHint(self) -> QSize:
        return QSize(900, 520)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._changed()

    # --- hit testing ----------------------------------------------------------------------

    def item_at(self, pos: QPointF) -> Drawn | None:
        """The item drawn under `pos` in the last paint; the smallest one when they overlap."""
        if self.frame is None:
            return None
        hits = [item for item in self.frame.items if item.rect.contains(pos)]
        if not hits:
            return None
        points = [h for h in hits if h.kind == "milestone" and h.rect.width() <= 16]
        if points:
            return min(points, key=lambda h: abs(h.rect.center().x() - pos.x()))
        return min(hits, key=lambda h: h.rect.width())

    def day_at(self, x: float) -> float:
        left = self.width() - self.plot_width()
        return self.view.first_day + (x - left) / self.view.px_per_day

    def text_at(self, pos: QPointF) -> str:
        item = self.item_at(pos)
        return self.describe(item, self.day_at(pos.x())) if item is not None else ""

    def cluster_count(self, lane: int, day: float) -> tuple[int, int, int]:
        """How many milestones of `lane` fall within a few pixels of `day`: (n, first, last)."""
        reach = max(1, math.ceil(4 / self.view.px_per_day))
        first, last = math.floor(day) - reach, math.floor(day) + reach
        return self.snapshot.milestones.count_overlapping(lane, first, last), first, last

    # --- mouse ----------------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._press = event.position()
            self._press_view = (self.view.first_day, self.view.scroll_y)
            self._dragged = False
            self.setCursor(Qt.CursorShape.ClosedHandCursor)
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        pos = event.position()
        if self._press is not None and self._press_view is not None:
            delta = pos - self._press
            if abs(delta.x()) + abs(delta.y()) > 4:
                self._dragged = True
            if self._dragged:
                self.view.first_day = self._press_view[0] - delta.x() / self.view.px_per_day
                self.view.scroll_y = self._press_view[1] - delta.y()
                self._changed()
            return
        text = self.text_at(pos)
        if text:
            QToolTip.showText(event.globalPosition().toPoint(), text, self)
        else:
            QToolTip.hideText()
        self.described.emit(text)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton or self._press is None:
            return
        dragged = self._dragged
        self._press = None
        self._press_view = None
        self.unsetCursor()
        if not dragged:
            self.open_at(event.position())

    def open_at(self, pos: QPointF) -> None:
        """Open what is under `pos`; a dense strip zooms in on itself instead."""
        item = self.item_at(pos)
        if item is None:
            return
        if item.kind == "cluster":
            self.zoom(4.0, pos.x())
            return
        self.activate(item)

    def activate(self, item: Drawn) -> None:
        if item.kind == "link":
            self.activated.emit("agreement", item.id)
        elif item.kind in _FOCUSABLE:
            self.focus_item = (item.kind, item.id, item.lane)
            self.activated.emit(item.kind, item.id)
            self.update()

    def wheelEvent(self, event: QWheelEvent) -> None:
        delta = event.angleDelta()
        if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            self.scroll_to(self.view.scroll_y - (delta.y() or delta.x()) / 120 * 3 * 22)
        elif abs(delta.x()) > abs(delta.y()):
            self.pan_pixels(delta.x() / 120 * 40)
        elif delta.y():
            self.zoom(ZOOM_STEP ** (delta.y() / 120), event.position().x())
        event.accept()

    # --- keyboard -------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        step = self.plot_width() / 8
        if key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom(ZOOM_STEP)
        elif key in (Qt.Key.Key_Minus, Qt.Key.Key_Underscore):
            self.zoom(1 / ZOOM_STEP)
        elif key == Qt.Key.Key_Left:
            self.pan_pixels(step)
        elif key == Qt.Key.Key_Right:
            self.pan_pixels(-step)
        elif key == Qt.Key.Key_Up:
            self.scroll_to(self.view.scroll_y - 22)
        elif key == Qt.Key.Key_Down:
            self.scroll_to(self.view.scroll_y + 22)
        elif key == Qt.Key.Key_PageUp:
            self.scroll_to(self.view.scroll_y - self.plot_height() * 0.9)
        elif key == Qt.Key.Key_PageDown:
            self.scroll_to(self.view.scroll_y + self.plot_height() * 0.9)
        elif key == Qt.Key.Key_Home:
            self.show_day(self.today())
        elif key == Qt.Key.Key_End:
            self.show_all()
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            item = self.focused()
            if item is not None:
                self.activate(item)
        elif key == Qt.Key.Key_Escape and self.focus_item is not None:
            self.focus_item = None
            self.described.emit("")
            self.update()
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def focusable(self) -> list[Drawn]:
        """Agreements and milestones drawn in the last paint, row by row, left to right."""
        if self.frame is None:
            return []
        items = [i for i in self.frame.items if i.kind in _FOCUSABLE]
        items.sort(key=lambda i: (i.row_top, i.rect.left(), i.rect.top()))
        return items

    def focused(self) -> Drawn | None:
        for item in self.focusable():
            if (item.kind, item.id, item.lane) == self.focus_item:
                return item
        return None

    def focusNextPrevChild(self, forward: bool) -> bool:
        """Tab walks the items on screen first; past the last one it leaves the timeline."""
        if not self.hasFocus():
            return super().focusNextPrevChild(forward)
        items = self.focusable()
        keys = [(i.kind, i.id, i.lane) for i in items]
        if self.focus_item in keys:
            index = keys.index(self.focus_item) + (1 if forward else -1)
        else:
            index = 0 if forward else len(items) - 1
        if not items or not 0 <= index < len(items):
            self.focus_item = None
            self.described.emit("")
            self.update()
            return super().focusNextPrevChild(forward)
        self.focus_item = keys[index]
        text = self.describe(items[index], self.day_at(items[index].rect.center().x()))
        self.described.emit(text)
        self.setAccessibleDescription(text)
        self.update()
        return True

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        self.update()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.update()
