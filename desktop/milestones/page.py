"""Milestones (placeholder page until the feature lands)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from desktop.context import AppContext
from desktop.pages import Page


class MilestonesPage(Page):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("Milestones"), self))

    def title(self) -> str:
        return self.tr("Milestones")

    def tables(self) -> tuple[str, ...]:
        return ("milestone",)
