"""The Calendar page: month and week grids of milestones, bands for approximate dates."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QPalette
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from db import operations as ops
from db.models import Milestone
from db.session import Database
from desktop.calendar.grid import WEEK, mix
from desktop.calendar.page import CalendarPage
from desktop.context import AppContext
from desktop.main_window import MainWindow

TODAY = date(2024, 10, 15)
CURRENT = "Strategic partnership agreement 2025–2029"


@pytest.fixture
def page(qtbot: QtBot, sample_db: Database) -> CalendarPage:
    shown = CalendarPage(AppContext(sample_db, today=lambda: TODAY))
    qtbot.addWidget(shown)
    shown.resize(1200, 760)
    with qtbot.waitExposed(shown):
        shown.show()
    return shown


def milestone_id(db: Database, title: str) -> int:
    with db.sessions() as s:
        return int(s.scalars(select(Milestone.id).where(Milestone.title == title)).one())


def days_of(page: CalendarPage, title: str) -> set[date]:
    """Days on which a band of `title` is painted."""
    found: set[date] = set()
    for segment in page.grid.segments():
        if segment.item.title == title:
            day = segment.first
            while day <= segment.last:
                found.add(day)
                day += timedelta(days=1)
    return found


def every_day(first: date, last: date) -> set[date]:
    return {first + timedelta(days=n) for n in range((last - first).days + 1)}


def test_thesis_day_is_a_band_across_fall_2024(page: CalendarPage, qtbot: QtBot) -> None:
    grid = page.grid
    assert page.heading.text() == "October 2024"
    first, last = grid.visible_range()
    assert (first, last) == (date(2024, 9, 30), date(2024, 11, 10))
    # Every visible day lies in Sep–Nov 2024, and the band covers each of them.
    assert days_of(page, "Thesis Day") == every_day(first, last)
    # The band is painted: its fill, a tint of the neutral grey, shows in the grab.
    segment = next(s for s in grid.segments() if s.item.title == "Thesis Day")
    image = grid.grab().toImage()
    point = QPoint(int(segment.rect.right()) - 6, int(segment.rect.center().y()))
    base = grid.palette().color(QPalette.ColorRole.Base)
    expected = mix(QColor("#8c8c8c"), base, 0.40)
    assert abs(QColor(image.pixel(point)).red() - expected.red()) <= 3

    # December: Thesis Day ends on 30 Nov, which the grid still shows, and goes no further.
    qtbot.keyClick(grid, Qt.Key.Key_PageDown)
    qtbot.keyClick(grid, Qt.Key.Key_PageDown)
    assert page.heading.text() == "December 2024"
    shown = days_of(page, "Thesis Day")
    assert shown == every_day(date(2024, 11, 25), date(2024, 11, 30))
    assert not any(day.month == 12 for day in shown)
    assert all(i.title != "Thesis Day" for i in grid.items_on(date(2024, 12, 2)))
    # "late 2024" (Sep–Dec) does reach December.
    assert date(2024, 12, 31) in days_of(page, "Signing of the strategic partnership agreement")


def test_only_the_visible_range_is_read(page: CalendarPage, sample_db: Database) -> None:
    with sample_db.transaction() as s:
        agreement = ops.find_agreement(s, CURRENT)
        for day in ("2024-10-03", "2025-06-12", "2023-02-01"):
            ops.add_milestone(s, agreement, f"Meeting {day}", when=day)
    page.reload()
    first, last = page.grid.visible_range()
    titles = {i.title for i in page.grid.items}
    assert "Meeting 2024-10-03" in titles
    assert "Meeting 2025-06-12" not in titles and "Meeting 2023-02-01" not in titles
    assert all(i.first is not None and i.first <= last and i.last >= first for i in page.grid.items)  # type: ignore[operator]


def test_keyboard_moves_days_and_months(page: CalendarPage, qtbot: QtBot) -> None:
    grid = page.grid
    grid.setFocus()
    ranges: list[tuple[date, date]] = []
    grid.range_changed.connect(lambda a, b: ranges.append((a, b)))
    qtbot.keyClick(grid, Qt.Key.Key_Right)
    assert grid.selected == date(2024, 10, 16)
    qtbot.keyClick(grid, Qt.Key.Key_Down)
    assert grid.selected == date(2024, 10, 23) and ranges == []
    qtbot.keyClick(grid, Qt.Key.Key_PageUp)
    assert grid.selected == date(2024, 9, 23) and page.heading.text() == "September 2024"
    assert ranges == [(date(2024, 8, 26), date(2024, 10, 6))]
    qtbot.keyClick(grid, Qt.Key.Key_Up)
    qtbot.keyClick(grid, Qt.Key.Key_Up)
    qtbot.keyClick(grid, Qt.Key.Key_Up)
    qtbot.keyClick(grid, Qt.Key.Key_Up)
    assert grid.selected == date(2024, 8, 26) and page.heading.text() == "August 2024"
    qtbot.keyClick(grid, Qt.Key.Key_Home)
    assert grid.selected == TODAY and page.heading.text() == "October 2024"
    qtbot.keyClick(grid, Qt.Key.Key_Left)
    assert grid.selected == date(2024, 10, 14)
    assert page.day_label.text() == "Monday 14 Oct 2024"


def test_week_view(page: CalendarPage, qtbot: QtBot) -> None:
    qtbot.mouseClick(page.week_button, Qt.MouseButton.LeftButton)
    grid = page.grid
    assert grid.mode == WEEK
    assert grid.visible_range() == (date(2024, 10, 14), date(2024, 10, 20))
    assert page.heading.text() == "Week 42 · 14 Oct – 20 Oct 2024"
    assert days_of(page, "Thesis Day") == every_day(date(2024, 10, 14), date(2024, 10, 20))
    qtbot.mouseClick(page.next, Qt.MouseButton.LeftButton)
    assert grid.visible_range() == (date(2024, 10, 21), date(2024, 10, 27))
    assert page.next.accessibleName() == "Next week"
    qtbot.keyClick(grid, Qt.Key.Key_PageDown)
    assert grid.selected == date(2024, 11, 22)
    qtbot.mouseClick(page.month_button, Qt.MouseButton.LeftButton)
    assert page.heading.text() == "November 2024"
    assert page.next.accessibleName() == "Next month"


def test_a_click_on_a_day_lists_its_items_and_opens_them(
    page: CalendarPage, qtbot: QtBot, sample_db: Database
) -> None:
    grid = page.grid
    cell = next(rect for day, rect in grid._cells() if day == date(2024, 10, 24))
    qtbot.mouseClick(grid, Qt.MouseButton.LeftButton, pos=cell.center().toPoint())
    assert grid.selected == date(2024, 10, 24)
    assert [t for _, _, t in page.day_list.records()] == [
        "Thesis Day",
        "Signing of the strategic partnership agreement",
    ]
    assert page.day_list.topLevelItem(0).text(1) == "fall 2024"
    thesis = milestone_id(sample_db, "Thesis Day")
    with qtbot.waitSignal(page.context.open_record) as opened:
        rect = page.day_list.visualItemRect(page.day_list.topLevelItem(0))
        qtbot.mouseClick(page.day_list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert opened.args == ["milestone", thesis]
    # Enter in the grid moves to the list; Enter there opens the first item.
    grid.setFocus()
    qtbot.keyClick(grid, Qt.Key.Key_Return)
    assert page.day_list.hasFocus() or page.focusWidget() is page.day_list
    with qtbot.waitSignal(page.context.open_record) as opened:
        qtbot.keyClick(page.day_list, Qt.Key.Key_Return)
    assert opened.args == ["milestone", thesis]


def test_an_empty_day_says_so(page: CalendarPage, qtbot: QtBot) -> None:
    page.grid.select(date(2024, 6, 3))
    assert page.heading.text() == "June 2024"
    assert page.day_list.records() == []
    assert page.day_list.placeholder() == "No milestones on this day."
    assert "no milestones" in page.grid.accessibleDescription()


def test_series_on_their_occurrences(page: CalendarPage, sample_db: Database) -> None:
    with sample_db.transaction() as s:
        ops.add_milestone(
            s,
            ops.find_agreement(s, CURRENT),
            "Open lecture",
            when="2024-09-03 18:00",
            rrule="FREQ=WEEKLY;BYDAY=TU",
            kind="event_series",
        )
    # Written directly, not through context.apply: the page learns of it on reload.
    page.reload()
    lectures = [i for i in page.grid.items if i.title == "Open lecture"]
    assert [i.first for i in lectures] == [
        date(2024, 10, 1),
        date(2024, 10, 8),
        date(2024, 10, 15),
        date(2024, 10, 22),
        date(2024, 10, 29),
        date(2024, 11, 5),
    ]
    assert all(i.moment is not None and i.moment.hour == 18 for i in lectures)
    assert "Open lecture" in [t for _, _, t in page.day_list.records()]


def test_the_calendar_in_the_window(qtbot: QtBot, sample_db: Database) -> None:
    window = MainWindow(AppContext(sample_db, today=lambda: TODAY))
    qtbot.addWidget(window)
    with qtbot.waitExposed(window):
        window.show()
    window.activateWindow()
    index = window.page_index(CalendarPage)
    qtbot.keyClick(window, Qt.Key(Qt.Key.Key_1 + index), Qt.KeyboardModifier.ControlModifier)
    assert isinstance(window.current_page(), CalendarPage)
    assert window.sidebar.currentItem().text() == "Calendar"
    calendar = window.page(CalendarPage)
    assert calendar.tables() == ()  # records open on their own pages
    calendar.grid.select(date(2024, 10, 24))
    thesis = milestone_id(sample_db, "Thesis Day")
    rect = calendar.day_list.visualItemRect(calendar.day_list.topLevelItem(0))
    qtbot.mouseClick(calendar.day_list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.current_page().title() == "Milestones"
    assert window.current_page().editor.milestone_id == thesis  # type: ignore[attr-defined]


def test_a_crowded_month_keeps_to_its_lanes_and_counts_the_rest(
    page: CalendarPage, sample_db: Database
) -> None:
    with sample_db.transaction() as s:
        agreement = ops.find_agreement(s, CURRENT)
        for n in range(150):
            ops.add_milestone(s, agreement, f"Yearly item {n:03d}", when="2024")
    page.reload()
    grid = page.grid
    segments, hidden = grid._layout()
    lanes_per_week: dict[date, int] = {}
    for segment in segments:
        week = grid.week_start(segment.first)
        lanes_per_week[week] = lanes_per_week.get(week, 0) + 1
    # A row holds a few bands; the other bands of each day are counted, none is lost.
    assert max(lanes_per_week.values()) <= 6
    day = date(2024, 10, 15)
    shown = sum(1 for s in segments if s.first <= day <= s.last)
    assert shown + hidden[day] == len(grid.items_on(day)) == 152
    # The day's list stops at DAY_LIST_LIMIT rows and says how many more there are.
    records = page.day_list.records()
    assert len(records) == 100
    last = page.day_list.topLevelItem(page.day_list.topLevelItemCount() - 1)
    assert last.text(0) == "… and 52 more: filter the Milestones page by this date"


def test_tooltips_name_the_band_or_the_day(page: CalendarPage) -> None:
    grid = page.grid
    thesis = next(s for s in grid.segments() if s.item.title == "Thesis Day")
    text = grid.tooltip_at(thesis.rect.center())
    assert text.splitlines()[:2] == ["Thesis Day", "1 Sep – 30 Nov 2024, season"]
    cell = next(rect for day, rect in grid._cells() if day == date(2024, 10, 24))
    bottom = cell.bottomLeft() + QPoint(10, -6).toPointF()
    assert grid.tooltip_at(bottom).splitlines() == [
        "Thesis Day (fall 2024)",
        "Signing of the strategic partnership agreement (late 2024)",
    ]
