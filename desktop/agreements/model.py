"""The agreements list: a table model over a query (plain rows, never ORM objects)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from db import queries
from db.session import Database

Index = QModelIndex | QPersistentModelIndex


class AgreementsModel(QAbstractTableModel):
    COLUMNS = ("title", "parties", "term_text", "status")

    def __init__(self, db: Database, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self._rows: list[dict[str, Any]] = []
        self._headers = (self.tr("Title"), self.tr("Parties"), self.tr("Term"), self.tr("Status"))
        self.refresh()

    def refresh(self) -> None:
        self.beginResetModel()
        with self._db.sessions() as session:
            self._rows = queries.agreements(session)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
        ):
            return None
        value = self._rows[index.row()][self.COLUMNS[index.column()]]
        if isinstance(value, list):
            return ", ".join(value)
        if self.COLUMNS[index.column()] == "status":
            return value.replace("_", " ")
        return value

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        return None

    def agreement_id(self, row: int) -> int:
        return int(self._rows[row]["id"])
