"""Right-click export: an agreement, a focus area, a selection of milestones."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QAbstractItemView, QMenu
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from db import operations as ops
from db.models import FocusArea, Milestone
from db.session import Database
from desktop.agreements.page import AgreementsPage
from desktop.context import AppContext
from desktop.ics import context_menus
from desktop.main_window import MainWindow
from desktop.milestones.page import MilestonesPage

CURRENT = "Strategic partnership agreement 2025–2029"


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """The menu's single action is chosen; the export dialog records its scope."""
    seen: list[dict[str, Any]] = []

    def choose_first(menu: QMenu, where: QPoint) -> None:
        menu.actions()[0].trigger()

    monkeypatch.setattr(context_menus, "run_menu", choose_first)
    monkeypatch.setattr(
        context_menus, "show_export_dialog", lambda context, parent, **scope: seen.append(scope)
    )
    return seen


def right_click(view: QAbstractItemView) -> None:
    view.customContextMenuRequested.emit(QPoint(5, 5))


def test_export_from_each_context_menu(
    qtbot: QtBot, sample_db: Database, calls: list[dict[str, Any]]
) -> None:
    window = MainWindow(AppContext(sample_db, today=lambda: date(2026, 11, 29)))
    qtbot.addWidget(window)
    window.show()
    with sample_db.sessions() as s:
        agreement = ops.find_agreement(s, CURRENT).id
        area = s.scalars(select(FocusArea.id).where(FocusArea.name == "Attracting talent")).one()
        thesis = s.scalars(select(Milestone.id).where(Milestone.title == "Thesis Day")).one()

    window.show_record("agreement", agreement)
    right_click(window.page(AgreementsPage).table)  # type: ignore[attr-defined]
    window.show_record("focus_area", area)
    editor = window.page(AgreementsPage).editor  # type: ignore[attr-defined]
    editor.focus_areas.select_area(area)
    right_click(editor.focus_areas.areas)
    window.show_record("milestone", thesis)
    right_click(window.page(MilestonesPage).table)  # type: ignore[attr-defined]
    assert calls == [
        {"agreement_ids": (agreement,)},
        {"focus_area_ids": (area,)},
        {"milestone_ids": (thesis,)},
    ]
    assert window.current_agreement_id() is None  # the milestones page has no agreement
    window.show_page(AgreementsPage)
    assert window.current_agreement_id() == agreement
