"""The Timeline page on the sample partnership, driven as a user: keys, clicks, filters, export."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale, QPoint, QPointF, Qt
from PySide6.QtGui import QImage
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from db import operations as ops
from db.edits import Create
from db.models import Agreement, Milestone
from db.operations import milestones as mops
from db.session import Database
from desktop.context import AppContext
from desktop.timeline import axis
from desktop.timeline.drawing import Drawn
from desktop.timeline.page import TimelinePage

TODAY = date(2026, 11, 29)
SHOTS = Path("/tmp/accord-shots")


@pytest.fixture(autouse=True)
def c_locale() -> Iterator[None]:
    previous = QLocale()
    QLocale.setDefault(QLocale.c())
    yield
    QLocale.setDefault(previous)


@pytest.fixture
def page(qtbot: QtBot, sample_db: Database) -> TimelinePage:
    context = AppContext(sample_db, today=lambda: TODAY)
    page = TimelinePage(context)
    qtbot.addWidget(page)
    page.resize(1200, 640)
    with qtbot.waitExposed(page):
        page.show()
    page.reload(wait=True)
    page.canvas.show_range(date(2011, 7, 1).toordinal(), date(2030, 6, 30).toordinal())
    _paint(page)
    return page


def _paint(page: TimelinePage) -> None:
    """Paint now (grab runs paintEvent), so `canvas.frame` describes the screen."""
    page.canvas.grab()


def _ids(db: Database, model: type, title: str) -> int:
    with db.sessions() as session:
        return session.scalars(select(model.id).where(model.title == title)).one()  # type: ignore[attr-defined]


def _drawn(page: TimelinePage, kind: str) -> list[Drawn]:
    assert page.canvas.frame is not None
    return [item for item in page.canvas.frame.items if item.kind == kind]


def test_sample_shows_four_agreements_in_order_linked_along_renewals(page: TimelinePage) -> None:
    db = page.context.db
    titles = [
        "Partnership agreement 2012",
        "Partnership agreement 2017–2020",
        "Partnership agreement 2020–2025",
        "Strategic partnership agreement 2025–2029",
    ]
    expected = [_ids(db, Agreement, t) for t in titles]
    bars = sorted(_drawn(page, "agreement"), key=lambda d: d.rect.left())
    assert [b.id for b in bars] == expected
    # Each bar starts where its term starts, left to right in time.
    frame = page.canvas.frame
    assert frame is not None
    for bar, year in zip(bars, (2012, 2017, 2020, 2025), strict=True):
        assert abs(bar.rect.left() - frame.x_of(date(year, 1, 1).toordinal())) <= 2
    # Three links, each from an agreement to the one that renews it.
    a2012, a2017, a2020, a2025 = expected
    assert frame.links == [(a2012, a2017), (a2017, a2020), (a2020, a2025)]
    arrows = _drawn(page, "link")
    assert [(a.source, a.id) for a in arrows] == frame.links
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.grab().save(str(SHOTS / "timeline-test.png"))


def test_thesis_day_is_a_span_over_fall_2024_not_a_point(page: TimelinePage) -> None:
    thesis = _ids(page.context.db, Milestone, "Thesis Day")
    signing = _ids(page.context.db, Milestone, "Signing of the 2020–2025 extension")
    page.canvas.show_range(date(2024, 1, 1).toordinal(), date(2025, 6, 30).toordinal())
    _paint(page)
    frame = page.canvas.frame
    assert frame is not None
    (span,) = [d for d in _drawn(page, "milestone") if d.id == thesis]
    assert abs(span.rect.left() - frame.x_of(date(2024, 9, 1).toordinal())) <= 1
    assert abs(span.rect.right() - frame.x_of(date(2024, 12, 1).toordinal())) <= 1
    page.canvas.show_range(date(2019, 1, 1).toordinal(), date(2021, 12, 31).toordinal())
    _paint(page)
    (point,) = [d for d in _drawn(page, "milestone") if d.id == signing]
    assert point.rect.width() < 16  # a day-precise signing is a diamond
    assert (
        abs(point.rect.center().x() - page.canvas.frame.x_of(date(2020, 6, 16).toordinal() + 0.5))
        <= 1
    )  # type: ignore[union-attr]


def test_keyboard_zooms_pans_and_goes_to_today(page: TimelinePage, qtbot: QtBot) -> None:
    canvas = page.canvas
    canvas.setFocus()
    first, last = canvas.visible_days()
    QTest.keyClick(canvas, Qt.Key.Key_Plus)
    zoomed = canvas.visible_days()
    assert zoomed[1] - zoomed[0] < (last - first) * 0.8
    QTest.keyClick(canvas, Qt.Key.Key_Minus)
    QTest.keyClick(canvas, Qt.Key.Key_Minus)
    wider = canvas.visible_days()
    assert wider[1] - wider[0] > (zoomed[1] - zoomed[0]) * 1.5
    QTest.keyClick(canvas, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    assert canvas.visible_days()[1] - canvas.visible_days()[0] < wider[1] - wider[0]
    before = canvas.visible_days()[0]
    QTest.keyClick(canvas, Qt.Key.Key_Right)
    assert canvas.visible_days()[0] > before
    # Down to weeks, the axis labels weeks; Home centres today.
    for _ in range(20):
        QTest.keyClick(canvas, Qt.Key.Key_Plus)
    first, last = canvas.visible_days()
    assert 13 <= last - first <= 15
    assert axis.level_for(canvas.view.px_per_day) == "weeks"
    QTest.keyClick(canvas, Qt.Key.Key_Home)
    first, last = canvas.visible_days()
    assert first < TODAY.toordinal() < last
    QTest.keyClick(canvas, Qt.Key.Key_End)
    assert axis.level_for(canvas.view.px_per_day) in ("decades", "years")


def test_clicking_a_marker_opens_its_milestone(page: TimelinePage, qtbot: QtBot) -> None:
    signing = _ids(page.context.db, Milestone, "Signing of the 2020–2025 extension")
    (marker,) = [d for d in _drawn(page, "milestone") if d.id == signing]
    with qtbot.waitSignal(page.context.open_record, timeout=2000) as opened:
        QTest.mouseClick(page.canvas, Qt.MouseButton.LeftButton, pos=marker.rect.center().toPoint())
    assert opened.args == ["milestone", signing]
    # A bar opens its agreement.
    bar = next(d for d in _drawn(page, "agreement"))
    with qtbot.waitSignal(page.context.open_record, timeout=2000) as opened:
        QTest.mouseClick(page.canvas, Qt.MouseButton.LeftButton, pos=bar.rect.center().toPoint())
    assert opened.args == ["agreement", bar.id]


def test_hover_words_tab_and_enter(page: TimelinePage, qtbot: QtBot) -> None:
    thesis = _ids(page.context.db, Milestone, "Thesis Day")
    page.canvas.show_range(date(2024, 1, 1).toordinal(), date(2025, 6, 30).toordinal())
    _paint(page)
    (span,) = [d for d in _drawn(page, "milestone") if d.id == thesis]
    words = page.canvas.text_at(span.rect.center())
    assert "Thesis Day" in words
    assert "Partnership agreement 2020–2025" in words
    assert "fall 2024" in words and "1 Sep – 30 Nov 2024" in words
    assert "Done" in words
    QTest.mouseMove(page.canvas, span.rect.center().toPoint())
    assert "Thesis Day" in page.status.text()
    # Tab walks the items on screen; Enter opens the one with the ring.
    page.canvas.setFocus()
    for _ in range(12):
        if (page.canvas.focus_item or ())[:2] == ("milestone", thesis):
            break
        QTest.keyClick(page.canvas, Qt.Key.Key_Tab)
    assert (page.canvas.focus_item or ())[:2] == ("milestone", thesis)
    with qtbot.waitSignal(page.context.open_record, timeout=2000) as opened:
        QTest.keyClick(page.canvas, Qt.Key.Key_Return)
    assert opened.args == ["milestone", thesis]


def test_focus_area_filter_hides_the_other_lanes(page: TimelinePage) -> None:
    db = page.context.db
    series = _ids(db, Milestone, "Open-for-all event series")
    thesis = _ids(db, Milestone, "Thesis Day")
    shown = {d.id for d in _drawn(page, "milestone")}
    assert {series, thesis} <= shown
    assert page.focus_area.accessibleName() and page.agreement.accessibleName()
    page.focus_area.setCurrentIndex(page.focus_area.findText("Promoting learning"))
    _paint(page)
    lanes = [row.lane for row in page.canvas.rows.rows if row.lane >= 0]
    snapshot = page.canvas.snapshot
    assert [snapshot.lanes[i].name for i in lanes] == ["Promoting learning"]
    assert {d.id for d in _drawn(page, "milestone")} == {series}
    assert "Promoting learning" in page.heading()
    page.focus_area.setCurrentIndex(0)
    _paint(page)
    assert thesis in {d.id for d in _drawn(page, "milestone")}


def test_agreement_filter_keeps_the_chosen_chain(qtbot: QtBot, sample_db: Database) -> None:
    with sample_db.transaction() as session:
        other = ops.add_agreement(
            session, "Another partnership", term_start="2019", term_end="2023"
        )
        ops.add_milestone(session, other, "Other kick-off", when="2019-03-01")
    context = AppContext(sample_db, today=lambda: TODAY)
    page = TimelinePage(context)
    qtbot.addWidget(page)
    page.resize(1200, 640)
    page.show()
    page.reload(wait=True)
    assert page.agreement.count() == 3  # all, and two chains
    page.agreement.setCurrentIndex(page.agreement.findText("Another partnership"))
    _paint(page)
    assert {d.id for d in _drawn(page, "agreement")} == {other.id}


def test_png_export_is_the_widget_size_and_pdf_a_page(page: TimelinePage, tmp_path: Path) -> None:
    written = page.export_png(tmp_path / "timeline")
    assert written == tmp_path / "timeline.png"
    image = QImage(str(written))
    assert not image.isNull()
    ratio = page.canvas.devicePixelRatioF()
    assert (image.width(), image.height()) == (
        round(page.canvas.width() * ratio),
        round(page.canvas.height() * ratio),
    )
    colours = {
        image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)
    }
    assert len(colours) > 20  # drawn, not blank
    pdf = page.export_pdf(tmp_path / "timeline.pdf")
    assert pdf is not None
    from pypdf import PdfReader

    reader = PdfReader(str(pdf))
    assert len(reader.pages) == 1
    text = " ".join(reader.pages[0].extract_text().split())
    assert "Timeline" in text and "Partnership agreement 2012" in text


def test_a_new_milestone_appears_after_the_edit(page: TimelinePage, qtbot: QtBot) -> None:
    with page.context.db.sessions() as session:
        agreement_id = session.scalars(
            select(Agreement.id).where(Agreement.title.like("Strategic%"))
        ).one()
    error = page.context.apply(
        Create(mops.new_milestone, (agreement_id, "Steering group"), {"when": "2027-03-15"}),
        "Add milestone",
    )
    assert error is None
    page.wait_loaded()
    qtbot.waitUntil(lambda: len(page.canvas.snapshot.milestones) == 7, timeout=5000)
    _paint(page)
    new = _ids(page.context.db, Milestone, "Steering group")
    assert new in {d.id for d in _drawn(page, "milestone")}


def test_mouse_wheel_zooms_around_the_pointer_and_drag_pans(page: TimelinePage) -> None:
    canvas = page.canvas
    x = canvas.width() - 200
    day = canvas.day_at(x)
    span = canvas.visible_days()[1] - canvas.visible_days()[0]
    from PySide6.QtGui import QWheelEvent

    event = QWheelEvent(
        QPointF(x, 200),
        QPointF(canvas.mapToGlobal(QPoint(x, 200))),
        QPoint(),
        QPoint(0, 240),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    canvas.wheelEvent(event)
    assert canvas.visible_days()[1] - canvas.visible_days()[0] < span / 2
    assert abs(canvas.day_at(x) - day) < 1
    before = canvas.visible_days()[0]
    QTest.mousePress(canvas, Qt.MouseButton.LeftButton, pos=QPoint(600, 400))
    QTest.mouseMove(canvas, QPoint(700, 400))
    QTest.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=QPoint(700, 400))
    assert canvas.visible_days()[0] < before


def test_tab_visits_the_agreements_in_time_order(page: TimelinePage) -> None:
    db = page.context.db
    titles = [
        "Partnership agreement 2012",
        "Partnership agreement 2017–2020",
        "Partnership agreement 2020–2025",
        "Strategic partnership agreement 2025–2029",
    ]
    page.canvas.setFocus()
    visited = []
    for _ in titles:
        QTest.keyClick(page.canvas, Qt.Key.Key_Tab)
        assert page.canvas.focus_item is not None
        visited.append(page.canvas.focus_item[:2])
    assert visited == [("agreement", _ids(db, Agreement, t)) for t in titles]
    assert "Strategic partnership agreement 2025–2029" in page.status.text()  # the focused one
    assert "Strategic partnership agreement 2025–2029" in page.canvas.accessibleDescription()


def test_a_crowded_lane_is_a_density_strip_counted_right(qtbot: QtBot, database: Database) -> None:
    from desktop.timeline.drawing import column_counts

    with database.transaction() as session:
        busy = ops.add_agreement(session, "Busy", term_start="2015", term_end="2024")
        for n in range(400):
            year, month = 2015 + n % 10, 1 + n % 12
            when = f"{year}-{month:02d}-{1 + n % 27:02d}" if n % 3 else f"Q{1 + n % 4} {year}"
            ops.add_milestone(session, busy, f"Item {n}", when=when)
    page = TimelinePage(AppContext(database, today=lambda: TODAY))
    qtbot.addWidget(page)
    page.resize(1000, 500)
    page.show()
    page.reload(wait=True)
    page.canvas.show_all()
    _paint(page)
    frame = page.canvas.frame
    assert frame is not None and frame.clusters == 1
    assert not _drawn(page, "milestone")  # no marker is drawn one by one
    (strip,) = _drawn(page, "cluster")
    m = page.canvas.snapshot.milestones
    lane = strip.lane
    lo, hi = m.lane_range(lane)
    # Hovering the strip where milestones are says how many, and suggests zooming in.
    at = QPointF(frame.x_of(m.starts[lo + 200] + 0.5), strip.rect.center().y())
    assert "milestones around" in page.canvas.text_at(at)
    # The columns' counts equal a plain scan of the lane.
    origin, days, count = date(2016, 1, 1).toordinal(), 9, 80
    expected = bytes(
        min(
            7,
            sum(
                1
                for i in range(lo, hi)
                if m.starts[i] <= origin + k * days + days - 1 and m.ends[i] >= origin + k * days
            ),
        )
        for k in range(count)
    )
    assert column_counts(m, lane, origin, days, count) == expected
    assert len(set(expected)) > 2
    # A click on the strip zooms in on it.
    first, last = page.canvas.visible_days()
    QTest.mouseClick(page.canvas, Qt.MouseButton.LeftButton, pos=strip.rect.center().toPoint())
    zoomed = page.canvas.visible_days()
    assert zoomed[1] - zoomed[0] < (last - first) / 3


def test_axis_labels_adapt_from_decades_to_weeks() -> None:
    def at(first: str, last: str, width: float = 1000) -> axis.Ticks:
        lo, hi = date.fromisoformat(first).toordinal(), date.fromisoformat(last).toordinal()
        return axis.ticks(lo, hi, width / (hi - lo))

    decades = at("1990-01-01", "2060-01-01")
    assert decades.level == "decades"
    assert [t.label for t in decades.major][:3] == ["1990", "1995", "2000"]  # 14 px a year
    assert [t.label for t in at("1950-01-01", "2090-01-01").major][:3] == ["1950", "1960", "1970"]
    years = at("2010-01-01", "2030-01-01")
    assert years.level == "years" and "2024" in [t.label for t in years.major]
    quarters = at("2022-01-01", "2026-01-01")
    assert quarters.level == "quarters" and [t.label for t in quarters.minor][:4] == [
        "Q1",
        "Q2",
        "Q3",
        "Q4",
    ]
    months = at("2024-01-01", "2025-01-01")
    assert months.level == "months"
    assert [t.label for t in months.minor][:3] == ["Jan", "Feb", "Mar"]
    weeks = at("2024-10-01", "2024-10-29")
    assert weeks.level == "weeks"
    assert weeks.major[0].label == "October 2024"
    mondays = [date.fromordinal(t.day) for t in weeks.minor]
    assert all(day.weekday() == 0 for day in mondays)
    assert date(2024, 10, 14) in mondays
