"""The rows of the search popup: a header per kind, then that kind's hits (plain values)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from db.search import Hit

Index = QModelIndex | QPersistentModelIndex

#: The hit's second line (the agreement, the date, the organisation…).
DetailRole = Qt.ItemDataRole.UserRole + 1
#: True for a group header or the "no matches" line: shown, never chosen.
HeaderRole = Qt.ItemDataRole.UserRole + 2


@dataclass(frozen=True)
class _Row:
    text: str
    hit: Hit | None = None


class SearchResultsModel(QAbstractListModel):
    """Holds the last search's hits as values; never queries the database itself."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[_Row] = []
        self._group_labels = {
            "agreement": self.tr("Agreements"),
            "focus_area": self.tr("Focus areas"),
            "milestone": self.tr("Milestones"),
            "contact": self.tr("Contacts"),
            "organisation": self.tr("Organisations"),
        }

    def set_hits(self, hits: Sequence[Hit], typed: str) -> None:
        """Show `hits` (grouped in the order given) or the empty state for `typed`."""
        rows: list[_Row] = []
        for hit in hits:
            if not rows or rows[-1].hit is None or rows[-1].hit.table != hit.table:
                rows.append(_Row(self._group_labels.get(hit.table, hit.kind)))
            rows.append(_Row(hit.title, hit))
        if not rows and typed.strip():
            rows.append(_Row(self.tr("No matches for “%1”").replace("%1", typed.strip())))
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def hit(self, row: int) -> Hit | None:
        """The hit on `row`, or None for a header, the empty state or a row out of range."""
        return self._rows[row].hit if 0 <= row < len(self._rows) else None

    def hit_rows(self) -> list[int]:
        return [i for i, r in enumerate(self._rows) if r.hit is not None]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        if self._rows[index.row()].hit is None:  # shown normally, never selected
            return Qt.ItemFlag.ItemIsEnabled
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return row.text
        if role == HeaderRole:
            return row.hit is None
        if row.hit is None:
            if role == Qt.ItemDataRole.FontRole:
                font = QFont()
                font.setBold(True)
                return font
            if role == Qt.ItemDataRole.AccessibleTextRole:
                return row.text
            return None
        if role == DetailRole:
            return row.hit.detail
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            return f"{row.hit.title} — {row.hit.detail}" if row.hit.detail else row.hit.title
        return None
