"""The window opens on a real database, with its pages, menus and shortcuts."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from db.models import Milestone, Organisation
from db.session import Database
from desktop.agreements.model import AgreementsModel
from desktop.agreements.page import AgreementsPage
from desktop.contacts.page import ContactsPage
from desktop.context import AppContext
from desktop.main_window import MainWindow
from desktop.milestones.page import MilestonesPage
from desktop.organisations.page import OrganisationsPage
from desktop.overview.page import OverviewPage
from desktop.pages import Page, page_kinds


@pytest.fixture
def window(qtbot: QtBot, sample_db: Database) -> MainWindow:
    win = MainWindow(AppContext(sample_db))
    qtbot.addWidget(win)
    with qtbot.waitExposed(win):
        win.show()
    return win


def test_window_lists_the_sample_agreements(window: MainWindow) -> None:
    page = window.page(AgreementsPage)
    model = page.table.model()  # type: ignore[attr-defined]
    titles = [model.index(r, 0).data() for r in range(model.rowCount())]
    assert titles[0] == "Partnership agreement 2012"
    assert titles[-1] == "Strategic partnership agreement 2025–2029"
    assert str(window.context.db.path) in window.db_label.text()
    image = window.grab()
    assert not image.isNull() and image.width() > 400


def test_sidebar_sections_open_on_the_overview(window: MainWindow, qtbot: QtBot) -> None:
    names = [window.sidebar.item(i).text() for i in range(window.sidebar.count())]
    assert names[0] == "Overview" and names[-2:] == ["Contacts", "Organisations"]
    order = [n for n in names if n in ("Agreements", "Milestones", "Calendar")]
    assert order == ["Agreements", "Milestones", "Calendar"]
    assert isinstance(window.current_page(), OverviewPage)
    # Ctrl+1 … Ctrl+n follow the list, so that inserting a page renumbers the rest.
    for index in reversed(range(len(names))):
        qtbot.keyClick(window, Qt.Key(Qt.Key.Key_1 + index), Qt.KeyboardModifier.ControlModifier)
        assert window.stack.currentIndex() == index
        assert window.sidebar.currentItem().text() == names[index]


def test_menus_use_standard_shortcuts_and_roles(window: MainWindow) -> None:
    actions = {a.text().replace("&", ""): a for a in window.findChildren(QAction)}
    assert actions["Quit"].shortcut() == QKeySequence(QKeySequence.StandardKey.Quit)
    assert actions["Quit"].menuRole() == QAction.MenuRole.QuitRole
    assert actions["About Accord"].menuRole() == QAction.MenuRole.AboutRole
    assert actions["Find…"].shortcut() == QKeySequence(QKeySequence.StandardKey.Find)
    menus = [
        m.title().replace("&", "")
        for m in window.menuBar().findChildren(type(window.menuBar().actions()[0].menu()))
    ]
    for name in ("File", "Edit", "View", "Help"):
        assert name in menus


def test_ctrl_f_focuses_search(window: MainWindow, qtbot: QtBot) -> None:
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.search.hasFocus() or window.focusWidget() is window.search


def test_switch_database_and_recent(window: MainWindow, tmp_path: Path) -> None:
    target = tmp_path / "other.db"
    assert window.switch_database(str(target))
    assert str(target) in window.db_label.text()
    from desktop.main_window import recent_files

    assert recent_files()[0] == str(target)


def test_agreements_model_passes_qtmodeltester(qtmodeltester: object, sample_db: Database) -> None:
    model = AgreementsModel(sample_db)
    qtmodeltester.check(model)  # type: ignore[attr-defined]
    assert model.headerData(0, Qt.Orientation.Horizontal) == "Title"


def _built(window: MainWindow) -> list[type[Page]]:
    """The kinds of page that exist as widgets (a page not built is not a child at all)."""
    return [kind for kind in page_kinds() if window.findChildren(kind)]


def test_only_the_shown_page_is_built_and_each_once(window: MainWindow, qtbot: QtBot) -> None:
    # Opening a large database costs only the page on screen.
    assert _built(window) == [OverviewPage]
    assert window.is_built(OverviewPage) and not window.is_built(MilestonesPage)
    assert [window.sidebar.item(i).text() for i in range(window.sidebar.count())] == [
        kind.title() for kind in page_kinds()
    ]
    index = window.page_index(MilestonesPage)
    qtbot.keyClick(window, Qt.Key(Qt.Key.Key_1 + index), Qt.KeyboardModifier.ControlModifier)
    first = window.current_page()
    assert isinstance(first, MilestonesPage) and window.stack.currentWidget() is first
    assert _built(window) == [OverviewPage, MilestonesPage]
    window.show_page(OverviewPage)
    window.show_page(MilestonesPage)
    assert window.page(MilestonesPage) is first
    assert len(window.findChildren(MilestonesPage)) == 1
    assert window.stack.count() == len(page_kinds())
    # Asking for a page builds it without showing it (what tests and menus rely on).
    contacts = window.page(ContactsPage)
    assert window.current_page() is first and window.stack.indexOf(contacts) == (
        window.page_index(ContactsPage)
    )


def test_a_search_hit_on_an_unbuilt_page_builds_and_shows_it(
    window: MainWindow, sample_db: Database
) -> None:
    with sample_db.sessions() as session:
        milestone_id = session.scalars(select(Milestone.id).order_by(Milestone.id)).first()
        organisation_id = session.scalars(select(Organisation.id)).first()
    assert milestone_id is not None and organisation_id is not None
    assert not window.is_built(MilestonesPage)
    window.search.activated.emit("milestone", milestone_id)
    page = window.current_page()
    assert isinstance(page, MilestonesPage)
    assert page.editor.milestone_id == milestone_id  # type: ignore[attr-defined]
    assert page.selected_ids() == [milestone_id]
    window.show_record("organisation", organisation_id)
    assert isinstance(window.current_page(), OrganisationsPage)
    assert _built(window) == [OverviewPage, MilestonesPage, OrganisationsPage]


def test_switching_database_forgets_the_built_pages(window: MainWindow, tmp_path: Path) -> None:
    window.page(MilestonesPage)
    old = window.page(OverviewPage)
    assert window.switch_database(str(tmp_path / "other.db"))
    assert [kind for kind in page_kinds() if window.is_built(kind)] == [OverviewPage]
    assert window.page(OverviewPage) is not old
    assert isinstance(window.current_page(), OverviewPage)


def test_a_page_chosen_before_the_window_shows_is_the_only_one_built(
    qtbot: QtBot, sample_db: Database
) -> None:
    # As when a start opens on another page: the Overview is never built on the way.
    win = MainWindow(AppContext(sample_db))
    qtbot.addWidget(win)
    assert _built(win) == []
    win.sidebar.setCurrentRow(win.page_index(MilestonesPage))
    assert _built(win) == []
    with qtbot.waitExposed(win):
        win.show()
    assert _built(win) == [MilestonesPage]
    assert win.stack.currentWidget() is win.page(MilestonesPage)
    assert win.page(MilestonesPage).isVisible()


def test_every_control_on_every_page_has_an_accessible_name(window: MainWindow) -> None:
    """Screen readers announce each control; a page added later is checked too."""
    from PySide6.QtWidgets import (
        QAbstractButton,
        QAbstractItemView,
        QAbstractSpinBox,
        QCalendarWidget,
        QComboBox,
        QLineEdit,
        QPlainTextEdit,
        QTextEdit,
        QWidget,
    )

    kinds = (
        QAbstractButton,
        QLineEdit,
        QComboBox,
        QAbstractSpinBox,
        QAbstractItemView,
        QTextEdit,
        QPlainTextEdit,
    )
    # Qt's own parts: a spin box's or combo box's insides, a view's editors, a line edit's
    # clear button, the calendar popup's navigation (the popup itself is named).
    inner = (
        QAbstractSpinBox,
        QComboBox,
        QAbstractItemView,
        QTextEdit,
        QPlainTextEdit,
        QLineEdit,
        QCalendarWidget,
    )

    def inside(widget: QWidget) -> bool:
        parent = widget.parentWidget()
        while parent is not None:
            if isinstance(parent, inner):
                return True
            parent = parent.parentWidget()
        return False

    missing = []
    for kind in page_kinds():
        page = window.page(kind)
        for widget in page.findChildren(QWidget):
            if isinstance(widget, kinds) and not inside(widget) and not widget.accessibleName():
                name = widget.objectName() or widget.toolTip() or getattr(widget, "text", str)()
                parent = type(widget.parentWidget()).__name__
                missing.append(f"{kind.__name__}: {type(widget).__name__} {name!r} in {parent}")
    assert missing == [], "\n".join(missing)
