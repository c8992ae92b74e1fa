"""The Overview start page on real databases, with a fixed "today" injected into the app."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from PySide6.QtCore import QSettings, Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from db import operations as ops
from db.edits import Create, SetFields
from db.enums import MilestoneStatus
from db.models import Agreement, Milestone
from db.operations import milestones as milestone_ops
from db.session import Database
from desktop.context import AppContext
from desktop.main_window import MainWindow
from desktop.overview.page import HORIZON_KEY, OverviewPage
from desktop.overview.widgets import RecordList

CURRENT = "Strategic partnership agreement 2025–2029"


@pytest.fixture(autouse=True)
def _default_horizon() -> Iterator[None]:
    """Qt keeps one settings file per process: each test starts from the default horizon."""
    QSettings().remove(HORIZON_KEY)
    yield
    QSettings().remove(HORIZON_KEY)


def make_window(qtbot: QtBot, db: Database, today: date) -> MainWindow:
    window = MainWindow(AppContext(db, today=lambda: today))
    qtbot.addWidget(window)
    window.resize(1200, 760)
    with qtbot.waitExposed(window):
        window.show()
    return window


def overview_of(window: MainWindow) -> OverviewPage:
    page = window.current_page()
    assert isinstance(page, OverviewPage), "the window opens on the Overview"
    return page


def current_id(db: Database) -> int:
    with db.sessions() as s:
        return int(s.scalars(select(Agreement.id).where(Agreement.title == CURRENT)).one())


def add(db: Database, title: str, when: str, **kwargs: object) -> int:
    with db.transaction() as s:
        return int(
            ops.add_milestone(s, ops.find_agreement(s, CURRENT), title, when=when, **kwargs).id
        )  # type: ignore[arg-type]


def listed(view: RecordList) -> list[tuple[str, int, str]]:
    return view.records()


def groups(view: RecordList) -> list[str]:
    return [view.topLevelItem(i).text(0) for i in range(view.topLevelItemCount())]


def test_renewal_needed_near_the_end_of_the_term(qtbot: QtBot, sample_db: Database) -> None:
    agreement = current_id(sample_db)
    near = overview_of(make_window(qtbot, sample_db, date(2029, 3, 1)))
    assert ("agreement", agreement, CURRENT) in listed(near.attention)
    assert groups(near.attention)[0] == "Renewal needed · 1"
    item = near.attention.item_for("agreement", agreement)
    assert item is not None and item.text(1) == "ends 31 Dec 2029, in 9 months"

    early = overview_of(make_window(qtbot, sample_db, date(2026, 1, 1)))
    assert ("agreement", agreement, CURRENT) not in listed(early.attention)
    assert not any(g.startswith("Renewal needed") for g in groups(early.attention))


def test_expired_agreement_still_in_force(qtbot: QtBot, sample_db: Database) -> None:
    page = overview_of(make_window(qtbot, sample_db, date(2030, 2, 1)))
    assert "Term over, still marked in force · 1" in groups(page.attention)
    assert ("agreement", current_id(sample_db), CURRENT) in listed(page.attention)


def test_overdue_until_marked_done_through_the_context(qtbot: QtBot, sample_db: Database) -> None:
    late = add(sample_db, "Steering group minutes", "2025-11-20")
    window = make_window(qtbot, sample_db, date(2026, 1, 1))
    page = overview_of(window)
    assert ("milestone", late, "Steering group minutes") in listed(page.attention)
    assert "Overdue · 2" in groups(page.attention)  # with "Open-for-all event series"
    item = page.attention.item_for("milestone", late)
    assert item is not None and item.text(1) == "was 20 Nov 2025"

    error = window.context.apply(
        SetFields("milestone", late, {"status": MilestoneStatus.DONE}), "Mark done"
    )
    assert error is None
    assert ("milestone", late, "Steering group minutes") not in listed(page.attention)
    assert "Overdue · 1" in groups(page.attention)
    window.context.undo_stack.undo()
    assert ("milestone", late, "Steering group minutes") in listed(page.attention)


def test_empty_states_on_an_empty_database(qtbot: QtBot, database: Database) -> None:
    page = overview_of(make_window(qtbot, database, date(2026, 1, 1)))
    for view in (page.upcoming, page.attention):
        assert view.topLevelItemCount() == 0
    assert page.upcoming.placeholder().startswith("Nothing is planned for the next 30 days.")
    assert page.attention.placeholder().startswith("Nothing needs your attention.")
    assert page.upcoming_label.text() == "Up&coming in the next 30 days"
    assert page.attention_label.text() == "Needs &attention"
    # The text is painted where the rows would be.
    image = page.upcoming.viewport().grab().toImage()
    base = page.upcoming.palette().color(page.upcoming.viewport().backgroundRole()).rgb()
    assert any(image.pixel(x, y) != base for x in range(image.width()) for y in range(16, 40))


def test_upcoming_grouped_by_week_with_swatches(qtbot: QtBot, sample_db: Database) -> None:
    with sample_db.sessions() as s:
        area = ops.find_agreement(s, CURRENT).focus_areas[1]
    with sample_db.transaction() as s:
        fresh = s.merge(area)
        ops.add_milestone(
            s, ops.find_agreement(s, CURRENT), "Talent fair", when="2027-03-10", focus_areas=[fresh]
        )
    add(sample_db, "Steering group", "2027-03-03 13:00")
    add(sample_db, "Annual review", "2027-04-20")
    add(sample_db, "Cancelled seminar", "2027-03-04", status="cancelled")
    page = overview_of(make_window(qtbot, sample_db, date(2027, 3, 1)))  # a Monday
    assert groups(page.upcoming) == [
        "This week · 1 Mar – 7 Mar 2027",
        "Next week · 8 Mar – 14 Mar 2027",
    ]
    assert [title for _, _, title in listed(page.upcoming)] == ["Steering group", "Talent fair"]
    steering = page.upcoming.topLevelItem(0).child(0)
    assert steering.text(1) == "Wed 3 Mar 13:00" and steering.text(2) == CURRENT
    assert not steering.icon(0).isNull()
    assert "Attracting talent" in page.upcoming.topLevelItem(1).child(0).toolTip(0)


def test_horizon_choice_is_remembered(qtbot: QtBot, sample_db: Database) -> None:
    add(sample_db, "Annual review", "2027-04-20")
    page = overview_of(make_window(qtbot, sample_db, date(2027, 3, 1)))
    assert "Annual review" not in [t for _, _, t in listed(page.upcoming)]
    page.horizon.setCurrentIndex(page.horizon.findData(90))
    assert "Annual review" in [t for _, _, t in listed(page.upcoming)]
    assert int(QSettings().value(HORIZON_KEY)) == 90  # type: ignore[call-overload]
    again = overview_of(make_window(qtbot, sample_db, date(2027, 3, 1)))
    assert again.horizon_days() == 90 and "Annual review" in [
        t for _, _, t in listed(again.upcoming)
    ]
    QSettings().remove(HORIZON_KEY)


@pytest.mark.parametrize("by", ["mouse", "keyboard"])
def test_an_item_opens_its_record(qtbot: QtBot, sample_db: Database, by: str) -> None:
    window = make_window(qtbot, sample_db, date(2029, 3, 1))
    page = overview_of(window)
    agreement = current_id(sample_db)
    item = page.attention.item_for("agreement", agreement)
    assert item is not None
    with qtbot.waitSignal(window.context.open_record) as opened:
        if by == "mouse":
            rect = page.attention.visualItemRect(item)
            qtbot.mouseClick(
                page.attention.viewport(), Qt.MouseButton.LeftButton, pos=rect.center()
            )
        else:
            page.attention.setFocus()
            page.attention.setCurrentItem(item)
            qtbot.keyClick(page.attention, Qt.Key.Key_Return)
    assert opened.args == ["agreement", agreement]
    assert window.current_page().title() == "Agreements"
    assert window.current_agreement_id() == agreement


def test_group_rows_open_nothing(qtbot: QtBot, sample_db: Database) -> None:
    window = make_window(qtbot, sample_db, date(2029, 3, 1))
    page = overview_of(window)
    header = page.attention.topLevelItem(0)
    opened: list[object] = []
    window.context.open_record.connect(lambda *args: opened.append(args))
    rect = page.attention.visualItemRect(header)
    qtbot.mouseClick(page.attention.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert opened == [] and isinstance(window.current_page(), OverviewPage)


def test_a_new_milestone_appears_after_the_edit(qtbot: QtBot, sample_db: Database) -> None:
    window = make_window(qtbot, sample_db, date(2027, 3, 1))
    page = overview_of(window)
    assert listed(page.upcoming) == []
    error = window.context.apply(
        Create(
            milestone_ops.new_milestone,
            (current_id(sample_db), "Site visit"),
            {"when": "2027-03-02"},
        ),
        "Add a milestone",
    )
    assert error is None
    assert [t for _, _, t in listed(page.upcoming)] == ["Site visit"]
    with sample_db.sessions() as s:
        assert s.scalars(select(Milestone.title).where(Milestone.title == "Site visit")).one()
