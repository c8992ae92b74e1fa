"""Context menus that export a calendar of what was right-clicked (or selected with the
keyboard's menu key): an agreement, a focus area, a selection of milestones."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QAbstractItemView, QMenu, QWidget

from desktop.ics.dialogs import show_export_dialog

if TYPE_CHECKING:
    from desktop.main_window import MainWindow


def run_menu(menu: QMenu, where: QPoint) -> None:
    """Show the menu and wait for a choice (a seam for tests: a popup grabs the input)."""
    menu.exec(where)


def _attach(
    view: QAbstractItemView,
    text: str,
    scope: Callable[[], dict[str, Any] | None],
    window: MainWindow,
) -> None:
    def show(point: QPoint) -> None:
        chosen = scope()
        if not chosen:
            return
        menu = QMenu(view)
        menu.setAccessibleName(text)
        action = menu.addAction(text)
        action.triggered.connect(lambda: show_export_dialog(window.context, window, **chosen))
        run_menu(menu, view.viewport().mapToGlobal(point))

    view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
    view.customContextMenuRequested.connect(show)


def install(window: MainWindow, page: QWidget) -> None:
    """Add the menus to a page the window has just built (it builds each page when first shown)."""
    from desktop.agreements.page import AgreementsPage
    from desktop.milestones.page import MilestonesPage

    tr = window.tr
    if isinstance(page, AgreementsPage):
        _install_agreements(window, page, tr)
    elif isinstance(page, MilestonesPage):
        _install_milestones(window, page, tr)


def _install_agreements(window: MainWindow, agreements: QWidget, tr: Callable[[str], str]) -> None:
    table = getattr(agreements, "table", None)
    if table is not None:

        def agreement_scope() -> dict[str, Any] | None:
            chosen = agreements.selected_id()  # type: ignore[attr-defined]
            return None if chosen is None else {"agreement_ids": (chosen,)}

        _attach(table, tr("Export Calendar of This Agreement…"), agreement_scope, window)
    areas = getattr(getattr(agreements, "editor", None), "focus_areas", None)
    if areas is not None:

        def area_scope() -> dict[str, Any] | None:
            chosen = areas.current_area_id()
            return None if chosen is None else {"focus_area_ids": (chosen,)}

        _attach(areas.areas, tr("Export Calendar of This Focus Area…"), area_scope, window)


def _install_milestones(window: MainWindow, milestones: QWidget, tr: Callable[[str], str]) -> None:
    table = getattr(milestones, "table", None)
    if table is not None:

        def milestone_scope() -> dict[str, Any] | None:
            chosen = milestones.selected_ids()  # type: ignore[attr-defined]
            return {"milestone_ids": tuple(chosen)} if chosen else None

        _attach(table, tr("Export Selected Milestones to Calendar…"), milestone_scope, window)
