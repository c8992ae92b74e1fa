"""The search box: Ctrl+F focuses it, hits appear as you type, Enter opens one.

The box keeps the keyboard focus the whole time: the popup is a tool-tip-like window that
never takes focus, so typing, input methods and dead keys behave as in any line edit, and
the box handles Up, Down, Enter and Escape for the list. The query runs after a short pause
in typing (a single-shot timer), in a short session of its own; the model only holds the
hits as values, so painting never touches the database.
"""

from __future__ import annotations

import logging

import shiboken6
from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QFocusEvent, QFont, QFontMetrics, QKeyEvent, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QLineEdit,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)
from sqlalchemy.exc import SQLAlchemyError

from db.search import search
from desktop.context import AppContext
from desktop.search.model import DetailRole, HeaderRole, SearchResultsModel

log = logging.getLogger("accord.search")

#: Pause in typing before the query runs: long enough to skip most keystrokes of a word.
DEBOUNCE_MS = 120
#: Hits per kind; five kinds and their headers still fit on a laptop screen.
LIMIT_PER_KIND = 8
#: Rows the popup shows before it scrolls.
VISIBLE_ROWS = 16


class HitDelegate(QStyledItemDelegate):
    """A hit as its title over a muted detail line; headers as one bold line."""

    PADDING = 3

    @staticmethod
    def _detail_font(font: QFont) -> QFont:
        smaller = QFont(font)
        if font.pointSizeF() > 0:  # -1 when the size is set in pixels: keep it
            smaller.setPointSizeF(font.pointSizeF() * 0.9)
        return smaller

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:  # type: ignore[override]
        size = super().sizeHint(option, index)
        if index.data(HeaderRole):
            return QSize(size.width(), size.height() + self.PADDING)
        title = QFontMetrics(option.font).height()
        detail = QFontMetrics(self._detail_font(option.font)).height()
        return QSize(size.width(), title + detail + 2 * self.PADDING)

    def paint(  # type: ignore[override]
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        if index.data(HeaderRole):
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        title, detail = opt.text, str(index.data(DetailRole) or "")
        opt.text = ""
        widget = opt.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        area = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, opt, widget)
        x, width = area.x() + 4, area.width() - 8
        y = opt.rect.y() + self.PADDING
        small = self._detail_font(opt.font)
        title_height = QFontMetrics(opt.font).height()
        painter.save()
        strong = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        painter.setPen(opt.palette.color(strong))
        painter.setFont(opt.font)
        painter.drawText(
            QRect(x, y, width, title_height),
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
            QFontMetrics(opt.font).elidedText(title, Qt.TextElideMode.ElideRight, width),
        )
        if detail:
            muted = (
                QPalette.ColorRole.HighlightedText
                if selected
                else QPalette.ColorRole.PlaceholderText
            )
            painter.setPen(opt.palette.color(muted))
            painter.setFont(small)
            metrics = QFontMetrics(small)
            painter.drawText(
                QRect(x, y + title_height, width, metrics.height()),
                int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                metrics.elidedText(detail, Qt.TextElideMode.ElideRight, width),
            )
        painter.restore()


class SearchBox(QLineEdit):
    #: A hit was chosen: (table name, id).
    activated = Signal(str, int)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setObjectName("searchBox")
        self.setPlaceholderText(self.tr("Search (Ctrl+F)"))
        self.setAccessibleName(self.tr("Search"))
        self.setAccessibleDescription(
            self.tr("Finds agreements, focus areas, milestones, contacts and organisations")
        )
        self.setClearButtonEnabled(True)
        self.setMinimumWidth(280)

        self.results = SearchResultsModel(self)
        self.popup = QListView(self)
        self.popup.setObjectName("searchResults")
        self.popup.setAccessibleName(self.tr("Search results"))
        # A tool tip window: placed under the box, never activated, never given focus.
        self.popup.setWindowFlags(Qt.WindowType.ToolTip | Qt.WindowType.FramelessWindowHint)
        self.popup.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        self.popup.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.popup.viewport().setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.popup.setModel(self.results)
        self.popup.setItemDelegate(HitDelegate(self.popup))
        self.popup.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.popup.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.popup.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.popup.setMouseTracking(True)
        self.popup.clicked.connect(self._clicked)
        self.popup.hide()

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.run_search)
        self.textChanged.connect(self._text_changed)
        context.changed.connect(self._data_changed)
        self._return_focus_to: QWidget | None = None
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._focus_changed)
        self._watched: QWidget | None = None

    # --- what the main window uses --------------------------------------------------------

    def focus_search(self) -> None:
        self.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.selectAll()
        if self.text().strip():
            self.run_search()

    # --- running the query ----------------------------------------------------------------

    def _text_changed(self, typed: str) -> None:
        if typed.strip():
            self._timer.start()
        else:
            self._timer.stop()
            self.results.set_hits([], "")
            self.popup.hide()

    def _data_changed(self, _changes: object) -> None:
        """Records changed: hits on show may be renamed or gone, so ask again."""
        if self.popup.isVisible():
            self._timer.start()

    def run_search(self) -> None:
        """Query now (the timer calls this) and show the hits under the box."""
        if not self.text().strip():
            self.close_popup()
            return
        self.refresh()
        self._show_popup()

    def refresh(self) -> None:
        """Ask the database again for what is typed; keep the chosen hit if it is still there."""
        self._timer.stop()
        typed = self.text()
        chosen = self.results.hit(self.popup.currentIndex().row())
        try:
            with self.context.db.sessions() as session:
                hits = search(session, typed, LIMIT_PER_KIND) if typed.strip() else []
        except SQLAlchemyError:
            log.exception("search failed for %r", typed)
            hits = []
        self.results.set_hits(hits, typed)
        rows = self.results.hit_rows()
        if rows:
            keep = [r for r in rows if chosen is not None and self.results.hit(r) == chosen]
            self._select(keep[0] if keep else rows[0])

    # --- the popup ------------------------------------------------------------------------

    def _show_popup(self) -> None:
        self._watch_window()
        self._place_popup()
        self.popup.show()
        self.popup.raise_()

    def _place_popup(self) -> None:
        rows = self.results.rowCount()
        frame = 2 * self.popup.frameWidth()
        height = sum(self.popup.sizeHintForRow(r) for r in range(min(rows, VISIBLE_ROWS)))
        width = max(self.width(), 420)
        below = self.mapToGlobal(QPoint(0, self.height()))
        x, y = below.x(), below.y()
        screen = self.screen().availableGeometry() if self.screen() else None
        if screen is not None:
            x = max(screen.left(), min(x, screen.right() - width))
            if y + height + frame > screen.bottom() and below.y() - self.height() > height:
                y = below.y() - self.height() - height - frame  # no room below: open above
        self.popup.setGeometry(x, y, width, height + frame)

    def _watch_window(self) -> None:
        """Follow the window when it moves or resizes, so the popup stays under the box."""
        window = self.window()
        if window is not self and window is not self._watched:
            if self._watched is not None and shiboken6.isValid(self._watched):
                self._watched.removeEventFilter(self)
            window.installEventFilter(self)
            self._watched = window

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._watched and self.popup.isVisible():
            if event.type() in (QEvent.Type.Move, QEvent.Type.Resize):
                self._place_popup()
            elif event.type() in (QEvent.Type.Hide, QEvent.Type.WindowDeactivate):
                self.popup.hide()
        return super().eventFilter(watched, event)

    def close_popup(self) -> None:
        self._timer.stop()
        self.popup.hide()

    # --- keys and clicks ------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Down, Qt.Key.Key_Up):
            if not self.popup.isVisible():
                if self.text().strip():
                    self.run_search()
            else:
                self._move(1 if key == Qt.Key.Key_Down else -1)
            event.accept()
            return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if self._timer.isActive() or not self.popup.isVisible():
                self.refresh()  # typed faster than the pause, or hits not on show: ask now
            self._activate(self._current_row())
            event.accept()
            return
        if key == Qt.Key.Key_Escape:
            self.close_popup()
            self._give_focus_back()
            event.accept()
            return
        super().keyPressEvent(event)

    def _current_row(self) -> int:
        index = self.popup.currentIndex()
        rows = self.results.hit_rows()
        if index.isValid() and index.row() in rows:
            return index.row()
        return rows[0] if rows else -1

    def _select(self, row: int) -> None:
        index = self.results.index(row)
        self.popup.setCurrentIndex(index)
        self.popup.scrollTo(index)

    def _move(self, step: int) -> None:
        rows = self.results.hit_rows()
        if not rows:
            return
        current = self.popup.currentIndex().row()
        if current not in rows:
            self._select(rows[0] if step > 0 else rows[-1])
            return
        position = max(0, min(len(rows) - 1, rows.index(current) + step))
        self._select(rows[position])

    def _clicked(self, index: QModelIndex) -> None:
        self._activate(index.row())

    def _activate(self, row: int) -> None:
        hit = self.results.hit(row)
        if hit is None:
            return
        self.close_popup()
        self.activated.emit(hit.table, hit.id)

    # --- focus ----------------------------------------------------------------------------

    def _focus_changed(self, old: QWidget | None, new: QWidget | None) -> None:
        """Remember where the user was, for Escape to go back to."""
        if new is self and old is not None and old is not self and old is not self.popup:
            self._return_focus_to = old

    def _give_focus_back(self) -> None:
        target = self._return_focus_to
        self._return_focus_to = None
        if (
            target is not None
            and shiboken6.isValid(target)
            and target.isVisible()
            and target.window() is self.window()
        ):
            target.setFocus(Qt.FocusReason.OtherFocusReason)
        elif self.hasFocus():
            self.clearFocus()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        # A click into the popup must reach it; anything else elsewhere closes the popup.
        if not self.popup.underMouse():
            self.close_popup()
        super().focusOutEvent(event)
