"""Agreements: the list of agreements (placeholder until the editor lands)."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QVBoxLayout, QWidget

from desktop.agreements.model import AgreementsModel
from desktop.context import AppContext
from desktop.pages import Page


class AgreementsPage(Page):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.model = AgreementsModel(context.db, self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setAccessibleName(self.tr("Agreements"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in range(1, self.model.columnCount()):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        context.changed.connect(lambda changes: self.model.refresh())
        self.setFocusProxy(self.table)

    def title(self) -> str:
        return self.tr("Agreements")

    def tables(self) -> tuple[str, ...]:
        return ("agreement", "focus_area", "objective")
