"""The search box (placeholder until search lands): Ctrl+F focuses it."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLineEdit, QWidget

from desktop.context import AppContext


class SearchBox(QLineEdit):
    #: A hit was chosen: (table name, id).
    activated = Signal(str, int)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setPlaceholderText(self.tr("Search (Ctrl+F)"))
        self.setAccessibleName(self.tr("Search"))
        self.setClearButtonEnabled(True)
        self.setMinimumWidth(280)

    def focus_search(self) -> None:
        self.setFocus()
        self.selectAll()
