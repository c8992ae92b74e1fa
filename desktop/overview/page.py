"""The Overview, Accord's start page: what is coming up, and what needs attention.

Left, the milestones of the next 14/30/90/180 days (a choice remembered in QSettings),
grouped by week, each with its focus-area swatch and agreement. Right, what needs the
coordinator: agreements near the end of their term with no renewal, agreements past their
term still marked in force, milestones past their date and not done, milestones known only
roughly whose window is starting, and undated milestones of current agreements (db/overview.py
defines each). A click, Enter or Space on a row opens its record where it is edited.

Everything is relative to `context.today()`, never the wall clock, and is read again after
every change (a short session of a few indexed queries).
"""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QDate, QLocale, QSettings, Qt
from PySide6.QtGui import QFont, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSplitter,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from db import overview as queries
from db.tracking import ChangeSet
from desktop import dates_display
from desktop.context import AppContext
from desktop.milestones import labels
from desktop.overview.widgets import RecordList, swatch_icon
from desktop.pages import Page

HORIZON_KEY = "overview/horizon_days"


def horizon_setting() -> int:
    value = QSettings().value(HORIZON_KEY, queries.DEFAULT_HORIZON)
    try:
        days = int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return queries.DEFAULT_HORIZON
    return days if days in queries.HORIZONS else queries.DEFAULT_HORIZON


class OverviewPage(Page):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.setAccessibleName(self.tr("Overview"))
        self.data: queries.Overview | None = None
        self._dirty = False

        heading = QLabel(self.tr("Overview"), self)
        font = QFont(heading.font())
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        heading.setFont(font)
        self.today_label = QLabel(self)
        self.today_label.setAccessibleName(self.tr("Today"))

        self.horizon = QComboBox(self)
        self.horizon.setAccessibleName(self.tr("Look ahead"))
        for days in queries.HORIZONS:
            self.horizon.addItem(self.tr("%1 days").replace("%1", str(days)), days)
        self.horizon.setCurrentIndex(self.horizon.findData(horizon_setting()))
        horizon_label = QLabel(self.tr("&Look ahead:"), self)
        horizon_label.setBuddy(self.horizon)

        top = QHBoxLayout()
        top.addWidget(heading)
        top.addSpacing(16)
        top.addWidget(self.today_label)
        top.addStretch(1)
        top.addWidget(horizon_label)
        top.addWidget(self.horizon)

        self.upcoming = RecordList(self.tr("Upcoming milestones"), self)
        self.upcoming.setHeaderLabels([self.tr("Milestone"), self.tr("When"), self.tr("Agreement")])
        self.attention = RecordList(self.tr("Needs attention"), self)
        self.attention.setHeaderLabels([self.tr("Item"), self.tr("Why"), self.tr("Agreement")])
        em = self.fontMetrics().horizontalAdvance("M")
        for view in (self.upcoming, self.attention):
            header = view.header()
            header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
            header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
            header.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
            header.setMinimumSectionSize(em * 4)
            view.setColumnWidth(2, em * 9)
            view.open_requested.connect(context.open_record)

        self.upcoming_label = QLabel(self)
        self.upcoming_label.setBuddy(self.upcoming)
        self.attention_label = QLabel(self)
        self.attention_label.setBuddy(self.attention)
        for label in (self.upcoming_label, self.attention_label):
            bold = QFont(label.font())
            bold.setBold(True)
            label.setFont(bold)

        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.upcoming_label)
        left_layout.addWidget(self.upcoming, 1)
        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.attention_label)
        right_layout.addWidget(self.attention, 1)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.addLayout(top)
        layout.addWidget(self.splitter, 1)

        QWidget.setTabOrder(self.horizon, self.upcoming)
        QWidget.setTabOrder(self.upcoming, self.attention)
        self.setFocusProxy(self.upcoming)
        self.horizon.currentIndexChanged.connect(self._horizon_changed)
        context.changed.connect(self._on_changed)
        self._kinds = labels.kinds()
        self._statuses = labels.statuses()
        self.refresh()

    # --- the Page interface -----------------------------------------------------------------

    @classmethod
    def title(cls) -> str:
        return cls.class_tr("Overview")

    # --- reading ----------------------------------------------------------------------------

    def horizon_days(self) -> int:
        return int(self.horizon.currentData() or queries.DEFAULT_HORIZON)

    def _horizon_changed(self) -> None:
        QSettings().setValue(HORIZON_KEY, self.horizon_days())
        self.refresh()

    def _on_changed(self, _changes: ChangeSet) -> None:
        if self.isVisible():
            self.refresh()
        else:
            self._dirty = True

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._dirty or (self.data is not None and self.data.today != self.context.today()):
            self.refresh()

    def refresh(self) -> None:
        """Read the lists again and rebuild them (they are short: a few hundred rows)."""
        self._dirty = False
        today = self.context.today()
        with self.context.db.sessions() as session:
            self.data = queries.overview(session, today, self.horizon_days())
        locale = QLocale()
        self.today_label.setText(
            self.tr("Today is %1").replace(
                "%1", locale.toString(QDate(today.year, today.month, today.day), "dddd")
            )
            + " "
            + dates_display.day_text(today)
        )
        for view in (self.upcoming, self.attention):
            view.setUpdatesEnabled(False)
        try:
            self._fill_upcoming(self.data)
            self._fill_attention(self.data)
        finally:
            for view in (self.upcoming, self.attention):
                view.setUpdatesEnabled(True)

    # --- upcoming ---------------------------------------------------------------------------

    def _week_start(self, day: date) -> date:
        first = QLocale().firstDayOfWeek().value  # Qt.DayOfWeek: Monday = 1 … Sunday = 7
        return day - timedelta(days=(day.isoweekday() - first) % 7)

    def _fill_upcoming(self, data: queries.Overview) -> None:
        view = self.upcoming
        view.clear()
        days = data.horizon
        self.upcoming_label.setText(
            self.tr("Up&coming in the next %1 days").replace("%1", str(days))
            + (f" · {data.upcoming.total:,}" if data.upcoming.total else "")
        )
        view.set_placeholder(
            self.tr(
                "Nothing is planned for the next %1 days. Milestones known to the day "
                "appear here, grouped by week; choose a longer look-ahead above to see further."
            ).replace("%1", str(days))
        )
        this_week = self._week_start(data.today)
        group: QTreeWidgetItem | None = None
        group_week: date | None = None
        for item in data.upcoming.items:
            day = max(item.first or data.today, data.today)
            week = self._week_start(day)
            if week != group_week:
                group = view.add_group(self._week_title(week, this_week))
                group_week = week
            view.add_record(
                group,
                "milestone",
                item.id,
                [item.title, self._upcoming_when(item, data.today), item.agreement],
                icon=swatch_icon(item.areas),
                tooltip=self._tooltip(item),
            )
        self._add_more(view, data.upcoming)
        view.flush()

    def _week_title(self, week: date, this_week: date) -> str:
        days = dates_display.range_text(week, week + timedelta(days=6))
        number = week.isocalendar()[1] if QLocale().firstDayOfWeek().value == 1 else None
        if week == this_week:
            name = self.tr("This week")
        elif week == this_week + timedelta(days=7):
            name = self.tr("Next week")
        elif number is not None:
            name = self.tr("Week %1").replace("%1", str(number))
        else:
            name = self.tr("Week of %1").replace("%1", dates_display.day_text(week))
        return self.tr("%1 · %2", "week name, days").replace("%1", name).replace("%2", days)

    def _upcoming_when(self, item: queries.MilestoneItem, today: date) -> str:
        locale = QLocale()
        first = item.first or today
        if item.last is not None and item.last != first:
            text = dates_display.range_text(first, item.last)
        else:
            weekday = locale.dayName(first.isoweekday(), QLocale.FormatType.ShortFormat)
            text = f"{weekday} {dates_display.day_text(first, with_year=False)}"
            if item.moment is not None:
                text += " " + dates_display.time_text(item.moment.time())
        if first == today:
            text = self.tr("Today, %1").replace("%1", text)
        if item.series:
            text += " ↻"
        return text

    def _tooltip(self, item: queries.MilestoneItem) -> str:
        lines = [
            item.title,
            dates_display.describe(item.when),
            self._kinds.get(item.kind, item.kind) + " · " + self._statuses.get(item.status, ""),
            item.agreement,
        ]
        if item.areas:
            lines.append(", ".join(a.name for a in item.areas))
        return "\n".join(line for line in lines if line)

    def _add_more(self, view: RecordList, listing: queries.Listing) -> None:
        if not listing.more:
            return
        if listing.capped:
            text = self.tr("… and more (over %1 in all): see Milestones").replace(
                "%1", f"{queries.COUNT_CAP:,}"
            )
        else:
            text = self.tr("… and %1 more: see Milestones").replace("%1", f"{listing.more:,}")
        view.add_note(None, text)

    # --- needs attention ----------------------------------------------------------------------

    def _fill_attention(self, data: queries.Overview) -> None:
        view = self.attention
        view.clear()
        count = (
            len(data.renewal_needed)
            + len(data.expired)
            + data.overdue.total
            + data.window_starting.total
            + data.undated.total
        )
        self.attention_label.setText(
            self.tr("Needs &attention") + (f" · {count:,}" if count else "")
        )
        view.set_placeholder(
            self.tr(
                "Nothing needs your attention. Agreements near the end of their term, "
                "milestones past their date and not done, and dates still to be fixed "
                "will appear here."
            )
        )
        if data.renewal_needed:
            name = self.tr("Renewal needed")
            group = view.add_group(self._group_title(name, len(data.renewal_needed)))
            for agreement in data.renewal_needed:
                view.add_record(
                    group,
                    "agreement",
                    agreement.id,
                    [agreement.title, self._term_end_text(agreement, data.today), ""],
                    tooltip=self.tr(
                        "In force, its term ends within 12 months, and no agreement renews it yet."
                    ),
                )
        if data.expired:
            group = view.add_group(
                self._group_title(self.tr("Term over, still marked in force"), len(data.expired))
            )
            for agreement in data.expired:
                view.add_record(
                    group,
                    "agreement",
                    agreement.id,
                    [
                        agreement.title,
                        self.tr("ended %1").replace(
                            "%1", dates_display.day_text(agreement.ends_on)
                        ),
                        "",
                    ],
                    tooltip=self.tr(
                        "Its term is over: change its status to expired or superseded."
                    ),
                )
        sections = (
            (self.tr("Overdue"), data.overdue, self.tr("was %1")),
            (self.tr("Approximate date, window starting"), data.window_starting, "%1"),
            (self.tr("Undated"), data.undated, "%1"),
        )
        for name, listing, pattern in sections:
            if not listing.items:
                continue
            group = view.add_group(self._group_title(name, listing.total, listing.capped))
            for item in listing.items:
                when = pattern.replace("%1", dates_display.short_text(item.when))
                view.add_record(
                    group,
                    "milestone",
                    item.id,
                    [item.title, when, item.agreement],
                    icon=swatch_icon(item.areas),
                    tooltip=self._tooltip(item),
                )
            if listing.more:
                self._add_more_in(group, listing)
        view.flush()

    def _group_title(self, name: str, count: int, capped: bool = False) -> str:
        shown = f"{count:,}+" if capped else f"{count:,}"
        return self.tr("%1 · %2", "section, count").replace("%1", name).replace("%2", shown)

    def _add_more_in(self, group: QTreeWidgetItem, listing: queries.Listing) -> None:
        text = self.tr("… and %1 more: see Milestones").replace("%1", f"{listing.more:,}")
        if listing.capped:
            text = self.tr("… and more: see Milestones")
        self.attention.add_note(group, text)

    def _term_end_text(self, agreement: queries.AgreementItem, today: date) -> str:
        months = (agreement.ends_on.year - today.year) * 12 + agreement.ends_on.month - today.month
        end = dates_display.day_text(agreement.ends_on)
        if months <= 0:
            return self.tr("ends %1, this month").replace("%1", end)
        if months == 1:
            return self.tr("ends %1, next month").replace("%1", end)
        return self.tr("ends %1, in %2 months").replace("%1", end).replace("%2", str(months))
