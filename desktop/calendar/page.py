"""The Calendar page: a month or a week of milestones, and the selected day's list.

Only the visible days are read from the database (db/overview.calendar_items), again on
every move to another month or week and after every change. Clicking a day, or moving to
it with the keyboard, lists its items on the right; Enter moves there, and a click, Enter or
Space on an item opens its record. Month and Week switch with Alt+M and Alt+W; the
previous and next buttons move by the unit shown; Home (in the grid) and the Today button
go to `context.today()`.
"""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QLocale, Qt
from PySide6.QtGui import QFont, QShowEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from db import overview as queries
from db.tracking import ChangeSet
from desktop import dates_display
from desktop.calendar.grid import MONTH, WEEK, CalendarGrid
from desktop.context import AppContext
from desktop.milestones import labels
from desktop.overview.widgets import RecordList, swatch_icon
from desktop.pages import Page

#: Items listed for one day at most (a day of a large database can fall in a thousand
#: "2026" milestones; the Milestones page lists them all).
DAY_LIST_LIMIT = 100


class CalendarPage(Page):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.setAccessibleName(self.tr("Calendar"))
        self._dirty = False
        self.grid = CalendarGrid(context.today(), self)

        self.previous = QToolButton(self)
        self.previous.setText("‹")
        self.next = QToolButton(self)
        self.next.setText("›")
        self.today_button = QPushButton(self.tr("&Today"), self)
        self.today_button.setAccessibleName(self.tr("Go to today"))
        self.heading = QLabel(self)
        font = QFont(self.heading.font())
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.heading.setFont(font)
        self.heading.setAccessibleName(self.tr("Shown period"))
        self.month_button = QToolButton(self)
        self.month_button.setText(self.tr("&Month"))
        self.month_button.setAccessibleName(self.tr("Month view"))
        self.week_button = QToolButton(self)
        self.week_button.setText(self.tr("&Week"))
        self.week_button.setAccessibleName(self.tr("Week view"))
        self.modes = QButtonGroup(self)
        for button in (self.month_button, self.week_button):
            button.setCheckable(True)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            self.modes.addButton(button)
        self.month_button.setChecked(True)

        bar = QHBoxLayout()
        bar.addWidget(self.previous)
        bar.addWidget(self.next)
        bar.addWidget(self.today_button)
        bar.addSpacing(12)
        bar.addWidget(self.heading)
        bar.addStretch(1)
        bar.addWidget(self.month_button)
        bar.addWidget(self.week_button)

        self.day_label = QLabel(self)
        bold = QFont(self.day_label.font())
        bold.setBold(True)
        self.day_label.setFont(bold)
        self.day_list = RecordList(self.tr("Milestones of the selected day"), self)
        self.day_list.setHeaderLabels([self.tr("Milestone"), self.tr("Date")])
        header = self.day_list.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        side_width = self.fontMetrics().horizontalAdvance("M") * 26
        self.day_list.set_placeholder(self.tr("No milestones on this day."))
        self.day_label.setBuddy(self.day_list)
        side = QWidget(self)
        side.setMinimumWidth(side_width)
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(self.day_label)
        side_layout.addWidget(self.day_list, 1)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(self.grid)
        self.splitter.addWidget(side)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([side_width * 3, side_width])

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.addLayout(bar)
        layout.addWidget(self.splitter, 1)

        self.setFocusProxy(self.grid)
        QWidget.setTabOrder(self.grid, self.day_list)
        self.previous.clicked.connect(lambda: self.step(-1))
        self.next.clicked.connect(lambda: self.step(1))
        self.today_button.clicked.connect(self.go_today)
        self.month_button.toggled.connect(lambda on: on and self.set_mode(MONTH))
        self.week_button.toggled.connect(lambda on: on and self.set_mode(WEEK))
        # A new range comes with a new selected day, which lists the day's items.
        self.grid.range_changed.connect(lambda *_: self.reload(show_day=False))
        self.grid.selected_changed.connect(lambda _day: self._show_day())
        self.grid.activated.connect(self._activate_day)
        self.day_list.open_requested.connect(context.open_record)
        context.changed.connect(self._on_changed)
        self._kinds = labels.kinds()
        self._dirty = True  # read when first shown: the window opens on the Overview
        self._update_heading()

    # --- the Page interface -------------------------------------------------------------------

    @classmethod
    def title(cls) -> str:
        return cls.class_tr("Calendar")

    # --- navigation ---------------------------------------------------------------------------

    def set_mode(self, mode: str) -> None:
        self.grid.set_mode(mode)
        self.month_button.setChecked(mode == MONTH)
        self.week_button.setChecked(mode == WEEK)
        self._update_heading()

    def step(self, direction: int) -> None:
        """Back or forward by the unit shown: a month or a week."""
        if self.grid.mode == WEEK:
            self.grid.select(self.grid.selected + timedelta(days=7 * direction))
        else:
            self.grid.select(queries.add_months(self.grid.selected, direction))
        self.grid.setFocus()

    def go_today(self) -> None:
        self.grid.today = self.context.today()
        self.grid.select(self.grid.today)
        self.grid.setFocus()

    def show_day(self, day: date) -> None:
        self.grid.select(day)

    def _activate_day(self, day: date) -> None:
        self.grid.select(day)
        self.day_list.setFocus()
        if self.day_list.topLevelItemCount():
            self.day_list.setCurrentItem(self.day_list.topLevelItem(0))

    # --- reading ------------------------------------------------------------------------------

    def _on_changed(self, _changes: ChangeSet) -> None:
        if self.isVisible():
            self.reload()
        else:
            self._dirty = True

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.grid.today != self.context.today():
            self.grid.today = self.context.today()
            self._dirty = True
        if self._dirty:
            self.reload()

    def reload(self, *, show_day: bool = True) -> None:
        """Read the visible days' milestones (only those) and show them."""
        self._dirty = False
        first, last = self.grid.visible_range()
        with self.context.db.sessions() as session:
            items = queries.calendar_items(session, first, last)
        self.grid.set_items(items)
        self._update_heading()
        if show_day:
            self._show_day()

    def _update_heading(self) -> None:
        selected = self.grid.selected
        if self.grid.mode == WEEK:
            first, last = self.grid.visible_range()
            text = dates_display.range_text(first, last)
            if self.grid.first_weekday() == 1:
                text = (
                    self.tr("Week %1 · %2")
                    .replace("%1", str(first.isocalendar()[1]))
                    .replace("%2", text)
                )
            unit_back, unit_next = self.tr("Previous week"), self.tr("Next week")
        else:
            text = dates_display.month_text(selected.year, selected.month)
            unit_back, unit_next = self.tr("Previous month"), self.tr("Next month")
        self.heading.setText(text)
        self.previous.setAccessibleName(unit_back)
        self.previous.setToolTip(unit_back)
        self.next.setAccessibleName(unit_next)
        self.next.setToolTip(unit_next)

    def _show_day(self) -> None:
        day = self.grid.selected
        self._update_heading()
        weekday = QLocale().dayName(day.isoweekday(), QLocale.FormatType.LongFormat)
        self.day_label.setText(f"{weekday} {dates_display.day_text(day)}")
        self.day_list.clear()
        found = self.grid.items_on(day)
        for item in found[:DAY_LIST_LIMIT]:
            when = dates_display.short_text(item.when)
            if item.series and item.first is not None:
                when = dates_display.day_text(item.first)
                if item.moment is not None:
                    when += " " + dates_display.time_text(item.moment.time())
                when += " ↻"
            self.day_list.add_record(
                None,
                "milestone",
                item.id,
                [item.title, when],
                icon=swatch_icon(item.areas),
                tooltip="\n".join(
                    [
                        item.title,
                        dates_display.describe(item.when),
                        self._kinds.get(item.kind, item.kind),
                        item.agreement,
                    ]
                ),
            )
        if len(found) > DAY_LIST_LIMIT:
            self.day_list.add_note(
                None,
                self.tr("… and %1 more: filter the Milestones page by this date").replace(
                    "%1", f"{len(found) - DAY_LIST_LIMIT:,}"
                ),
            )
        self.day_list.flush()
