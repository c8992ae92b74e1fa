"""Table models of the agreements page: plain rows read in short sessions, never ORM objects.

Two kinds:

* `LazyTableModel` — a list over a query that can be long (agreements, an agreement's
  milestones, its change history). It reads the ordered ids first, then rows in batches as
  the view scrolls (`canFetchMore`/`fetchMore`), so 200,000 milestones open at once.
  Sorting and filtering are new queries (a QSortFilterProxyModel would have to load every
  row to sort them).
* `RowsModel` — a short list already in the agreement's detail (parties, focus areas,
  objectives, contacts, attachments). `set_rows` keeps the view's selection and any open
  editor when only values changed.

`data()` never touches the database.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QLocale,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication
from sqlalchemy.orm import Session

from db.operations import agreements as aops
from db.session import Database
from db.tracking import ChangeSet
from desktop.agreements import format as words
from desktop.agreements.widgets import swatch

Index = QModelIndex | QPersistentModelIndex
ROOT = QModelIndex()
Role = Qt.ItemDataRole
#: The id of the row's record.
IdRole = int(Role.UserRole) + 1


def _chunks(ids: Sequence[int], size: int = 500) -> list[Sequence[int]]:
    return [ids[i : i + size] for i in range(0, len(ids), size)]


def _muted() -> QBrush:
    return QApplication.palette().brush(
        QPalette.ColorGroup.Active, QPalette.ColorRole.PlaceholderText
    )


class LazyTableModel(QAbstractTableModel):
    """Ids first, rows in batches. Subclasses give the columns, the queries and `value()`."""

    BATCH = 100
    columns: tuple[str, ...] = ()

    def __init__(self, db: Database, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self._ids: list[int] = []
        self._rows: list[dict[str, Any]] = []

    # --- what subclasses provide ------------------------------------------------------

    def query_ids(self, session: Session) -> list[int]:
        raise NotImplementedError

    def query_rows(self, session: Session, ids: Sequence[int]) -> list[dict[str, Any]]:
        raise NotImplementedError

    def headers(self) -> tuple[str, ...]:
        raise NotImplementedError

    def value(self, row: dict[str, Any], column: str, role: int) -> Any:
        raise NotImplementedError

    # --- loading ----------------------------------------------------------------------

    def _load(self, session: Session, ids: Sequence[int]) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        for chunk in _chunks(ids):
            rows += self.query_rows(session, chunk)
        return rows

    def reload(self, *, keep_loaded: bool = True) -> None:
        """Read the ids again, and as many rows as were loaded before (at least a batch;
        only a batch after a new sort or filter)."""
        keep = max(len(self._rows), self.BATCH) if keep_loaded else self.BATCH
        self.beginResetModel()
        with self._db.sessions() as session:
            ids = self.query_ids(session)
            rows = self._load(session, ids[:keep])
        loaded = {r["id"] for r in rows}
        # a row deleted between the two reads is dropped from the ids as well
        self._ids = [i for i in ids[:keep] if i in loaded] + ids[keep:]
        self._rows = rows
        self.endResetModel()

    def total(self) -> int:
        """How many records match, loaded or not."""
        return len(self._ids)

    def canFetchMore(self, parent: Index = ROOT) -> bool:
        return not parent.isValid() and len(self._rows) < len(self._ids)

    def fetchMore(self, parent: Index = ROOT) -> None:
        if not parent.isValid():
            self._fetch(len(self._rows) + self.BATCH)

    def _fetch(self, until: int) -> None:
        """Load rows up to `until` (exclusive) in one read and one insertion."""
        start = len(self._rows)
        wanted = self._ids[start:until]
        if not wanted:
            return
        with self._db.sessions() as session:
            rows = self._load(session, wanted)
        if len(rows) != len(wanted):  # deleted meanwhile: forget those ids
            found = {r["id"] for r in rows}
            gone = {i for i in wanted if i not in found}
            self._ids = [i for i in self._ids if i not in gone]
        if not rows:
            return
        self.beginInsertRows(ROOT, start, start + len(rows) - 1)
        self._rows += rows
        self.endInsertRows()

    def row_of(self, record_id: int, *, load: bool = True) -> int | None:
        """The row of a record, loading batches up to it (unless `load` is False); None
        when it is not listed (or not loaded)."""
        try:
            position = self._ids.index(record_id)
        except ValueError:
            return None
        if position >= len(self._rows) and load:
            # whole batches, up to and including the one the record is in
            self._fetch((position // self.BATCH + 1) * self.BATCH)
        return next((i for i, r in enumerate(self._rows) if r["id"] == record_id), None)

    def id_at(self, row: int) -> int:
        return int(self._rows[row]["id"])

    def row_data(self, row: int) -> dict[str, Any]:
        return self._rows[row]

    # --- the model interface ------------------------------------------------------------

    def rowCount(self, parent: Index = ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = ROOT) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = Role.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == IdRole:
            return row["id"]
        return self.value(row, self.columns[index.column()], role)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Role.DisplayRole
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role in (Role.DisplayRole, Role.ToolTipRole)
            and 0 <= section < len(self.columns)
        ):
            return self.headers()[section]
        return None


class AgreementsModel(LazyTableModel):
    """The agreements list: title, parties, term, status, days to expiry, next milestone."""

    columns = aops.AGREEMENT_SORT_KEYS

    def __init__(
        self,
        db: Database,
        parent: QObject | None = None,
        today: Callable[[], date] = date.today,
    ) -> None:
        super().__init__(db, parent)
        self._today = today
        self._search = ""
        self._sort = "term"
        self._descending = False
        self.reload()

    def headers(self) -> tuple[str, ...]:
        return (
            self.tr("Title"),
            self.tr("Parties"),
            self.tr("Term"),
            self.tr("Status"),
            self.tr("Days to expiry"),
            self.tr("Next milestone"),
        )

    def query_ids(self, session: Session) -> list[int]:
        return aops.agreement_ids(
            session,
            today=self._today(),
            search=self._search,
            sort=self._sort,
            descending=self._descending,
        )

    def query_rows(self, session: Session, ids: Sequence[int]) -> list[dict[str, Any]]:
        return aops.agreement_rows(session, ids, today=self._today())

    def search(self) -> str:
        return self._search

    def set_search(self, text: str) -> None:
        if text.strip() != self._search:
            self._search = text.strip()
            self.reload(keep_loaded=False)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.columns):
            return
        descending = order == Qt.SortOrder.DescendingOrder
        if (self.columns[column], descending) == (self._sort, self._descending):
            return  # already in that order (a view asks again when sorting is switched on)
        self._sort = self.columns[column]
        self._descending = descending
        self.reload(keep_loaded=False)

    def refresh(self, changes: ChangeSet) -> None:
        """Follow a committed change. Edits of agreements that leave the order alone
        re-read just those rows; anything else (a new or deleted agreement, a party, a
        milestone that may be the next one) re-reads the list."""
        if changes.touches("milestone", "agreement_party", "organisation") or any(
            table == "agreement" for table, _ in changes.created | changes.deleted
        ):
            self.reload()
            return
        updated = {i for table, i in changes.updated if table == "agreement"}
        if not updated:
            return
        with self._db.sessions() as session:
            ids = self.query_ids(session)
            loaded = {r["id"]: n for n, r in enumerate(self._rows)}
            targets = [i for i in updated if i in loaded]
            if ids != self._ids:
                rows = None
            else:
                rows = self.query_rows(session, targets) if targets else []
        if rows is None:
            self.reload()
            return
        for row in rows:
            n = loaded[row["id"]]
            self._rows[n] = row
            self.dataChanged.emit(self.index(n, 0), self.index(n, len(self.columns) - 1))

    def value(self, row: dict[str, Any], column: str, role: int) -> Any:
        if role == Role.DisplayRole:
            if column == "title":
                return row["title"]
            if column == "parties":
                return ", ".join(row["parties"]) or "—"
            if column == "term":
                return words.term_words(row["term_start"], row["term_end"])
            if column == "status":
                return words.status_label(row["status"])
            if column == "days_to_expiry":
                return words.days_words(row["days_to_expiry"])
            if column == "next_milestone":
                upcoming = row["next_milestone"]
                if upcoming is None:
                    return "—"
                return f"{words.flexdate_words(upcoming['when'])}: {upcoming['title']}"
        if role == Role.ToolTipRole:
            if column == "days_to_expiry":
                return words.days_tooltip(row["days_to_expiry"], row["term_ends_on"])
            if column == "next_milestone" and row["next_milestone"] is None:
                return self.tr("No planned or confirmed milestone from today on.")
            return self.value(row, column, Role.DisplayRole)
        if role == Role.TextAlignmentRole and column == "days_to_expiry":
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Role.ForegroundRole:
            days = row["days_to_expiry"]
            if column == "days_to_expiry" and days is not None and days < 0:
                return _muted()
            if column in ("parties", "next_milestone") and not (
                row["parties"] if column == "parties" else row["next_milestone"]
            ):
                return _muted()
        return None


class MilestonesModel(LazyTableModel):
    """The milestones of one agreement, by date (undated last)."""

    columns = ("when", "title", "kind", "status")

    def __init__(self, db: Database, parent: QObject | None = None) -> None:
        super().__init__(db, parent)
        self.agreement_id: int | None = None

    def set_agreement(self, agreement_id: int | None) -> None:
        self.agreement_id = agreement_id
        self.reload(keep_loaded=False)

    def headers(self) -> tuple[str, ...]:
        return (self.tr("Date"), self.tr("Title"), self.tr("Kind"), self.tr("Status"))

    def query_ids(self, session: Session) -> list[int]:
        if self.agreement_id is None:
            return []
        return aops.milestone_ids(session, self.agreement_id)

    def query_rows(self, session: Session, ids: Sequence[int]) -> list[dict[str, Any]]:
        return aops.milestone_rows(session, ids)

    def value(self, row: dict[str, Any], column: str, role: int) -> Any:
        if role in (Role.DisplayRole, Role.ToolTipRole):
            if column == "when":
                text = words.flexdate_words(row["when"])
                if role == Role.ToolTipRole and row["date_wording"]:
                    return (
                        self.tr("%1 (entered as “%2”)")
                        .replace("%1", text)
                        .replace("%2", row["date_wording"])
                    )
                return text
            if column == "title":
                return row["title"]
            if column == "kind":
                return words.milestone_kind_label(row["kind"])
            if column == "status":
                return words.milestone_status_label(row["status"])
        if role == Role.ForegroundRole and row["status"] in ("done", "cancelled"):
            return _muted()
        return None


class HistoryModel(LazyTableModel):
    """The change log of one agreement and its parts, newest first."""

    columns = ("at", "who", "record", "change")

    def __init__(self, db: Database, parent: QObject | None = None) -> None:
        super().__init__(db, parent)
        self.agreement_id: int | None = None

    def set_agreement(self, agreement_id: int | None) -> None:
        self.agreement_id = agreement_id
        self.reload(keep_loaded=False)

    def headers(self) -> tuple[str, ...]:
        return (self.tr("When"), self.tr("Who"), self.tr("Record"), self.tr("Change"))

    def query_ids(self, session: Session) -> list[int]:
        if self.agreement_id is None:
            return []
        return aops.history_ids(session, self.agreement_id)

    def query_rows(self, session: Session, ids: Sequence[int]) -> list[dict[str, Any]]:
        return aops.history_rows(session, ids)

    def value(self, row: dict[str, Any], column: str, role: int) -> Any:
        if role not in (Role.DisplayRole, Role.ToolTipRole):
            return None
        if column == "at":
            return words.datetime_words(row["at"])
        if column == "who":
            return row["who"]
        if column == "record":
            entity = words.entity_label(row["entity"])
            if row["label"] and row["entity"] != "agreement":
                return f"{entity} “{row['label']}”"
            return entity
        return words.change_words(row)


# --- short lists from the agreement's detail ---------------------------------------------------


class RowsModel(QAbstractTableModel):
    """A short list of plain rows (each with an "id"); subclasses give columns and values.

    `commit(row, column, value) -> bool` is called by setData for editable columns; the
    model itself never writes.
    """

    columns: tuple[str, ...] = ()
    editable: frozenset[str] = frozenset()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[dict[str, Any]] = []
        self.commit: Callable[[dict[str, Any], str, Any], bool] | None = None
        #: Text the user typed that was refused, by (row id, column): kept for the editor.
        self.refused: dict[tuple[int, str], Any] = {}

    def headers(self) -> tuple[str, ...]:
        raise NotImplementedError

    def value(self, row: dict[str, Any], column: str, role: int) -> Any:
        raise NotImplementedError

    def edit_value(self, row: dict[str, Any], column: str) -> Any:
        return self.value(row, column, Role.DisplayRole)

    def set_rows(self, rows: Sequence[dict[str, Any]]) -> None:
        rows = list(rows)
        if [r["id"] for r in rows] == [r["id"] for r in self._rows] and rows:
            self._rows = rows
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(rows) - 1, self.columnCount() - 1)
            )
            return
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def rows(self) -> list[dict[str, Any]]:
        return list(self._rows)

    def row_data(self, row: int) -> dict[str, Any]:
        return self._rows[row]

    def id_at(self, row: int) -> int:
        return int(self._rows[row]["id"])

    def row_of(self, record_id: int) -> int | None:
        return next((i for i, r in enumerate(self._rows) if r["id"] == record_id), None)

    def rowCount(self, parent: Index = ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = ROOT) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = Role.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        row = self._rows[index.row()]
        column = self.columns[index.column()]
        if role == IdRole:
            return row["id"]
        if role == Role.EditRole:
            refused = self.refused.get((row["id"], column))
            return refused if refused is not None else self.edit_value(row, column)
        return self.value(row, column, role)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Role.DisplayRole
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role in (Role.DisplayRole, Role.ToolTipRole)
            and 0 <= section < len(self.columns)
        ):
            return self.headers()[section]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and self.columns[index.column()] in self.editable:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(self, index: Index, value: Any, role: int = Role.EditRole) -> bool:
        if not index.isValid() or role != Role.EditRole or self.commit is None:
            return False
        row = self._rows[index.row()]
        column = self.columns[index.column()]
        if column not in self.editable:
            return False
        if value == self.edit_value(row, column):
            self.refused.pop((row["id"], column), None)
            return False
        if self.commit(row, column, value):
            self.refused.pop((row["id"], column), None)
            return True
        self.refused[(row["id"], column)] = value
        return False


class PartiesModel(RowsModel):
    columns = ("organisation", "role", "signatory")
    editable = frozenset(columns)

    def headers(self) -> tuple[str, ...]:
        return (self.tr("Organisation"), self.tr("Role"), self.tr("Signatory"))

    def value(self, row: dict[str, Any], column: str, role: int) -> Any:
        if role in (Role.DisplayRole, Role.ToolTipRole):
            if column == "signatory":
                return row["signatory"] or ("—" if role == Role.DisplayRole else None)
            return row[column]
        if role == Role.ForegroundRole and column == "signatory" and not row["signatory"]:
            return _muted()
        return None

    def edit_value(self, row: dict[str, Any], column: str) -> Any:
        if column == "organisation":
            return row["organisation_id"]
        if column == "signatory":
            return row["signatory_id"]
        return row["role"]


class FocusAreasModel(RowsModel):
    columns = ("name", "objectives", "continues")

    def headers(self) -> tuple[str, ...]:
        return (self.tr("Focus area"), self.tr("Objectives"), self.tr("Continues"))

    def value(self, row: dict[str, Any], column: str, role: int) -> Any:
        if role == Role.DecorationRole and column == "name":
            return swatch(row["colour"])
        if role in (Role.DisplayRole, Role.ToolTipRole):
            if column == "name":
                return row["name"]
            if column == "objectives":
                return QLocale().toString(len(row["objectives"]))
            if column == "continues":
                if row["continues"]:
                    return row["continues"]
                return (
                    self.tr("new")
                    if role == Role.DisplayRole
                    else self.tr(
                        "New in this agreement (continues no focus area of the renewed one)."
                    )
                )
        if role == Role.TextAlignmentRole and column == "objectives":
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Role.ForegroundRole and column == "continues" and not row["continues"]:
            return _muted()
        return None


class ObjectivesModel(RowsModel):
    """Objectives of one focus area, with a column per year for the indicator's values."""

    BASE = ("text", "indicator", "unit", "target")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.years: tuple[int, ...] = ()
        self.columns = self.BASE
        self.editable = frozenset(self.BASE)

    def set_rows(self, rows: Sequence[dict[str, Any]], years: Sequence[int] = ()) -> None:
        wanted = set(years)
        for r in rows:
            wanted |= set(r["values"])
        new_years = tuple(sorted(wanted))
        if new_years != self.years:
            self.beginResetModel()
            self.years = new_years
            self.columns = self.BASE + tuple(f"year:{y}" for y in new_years)
            self.editable = frozenset(self.columns)
            self._rows = list(rows)
            self.endResetModel()
            return
        super().set_rows(rows)

    def headers(self) -> tuple[str, ...]:
        return (
            self.tr("Objective"),
            self.tr("Indicator"),
            self.tr("Unit"),
            self.tr("Target"),
            *(str(y) for y in self.years),
        )

    def value(self, row: dict[str, Any], column: str, role: int) -> Any:
        if role in (Role.DisplayRole, Role.ToolTipRole):
            if column.startswith("year:"):
                return words.number_words(row["values"].get(int(column[5:])))
            if column == "target":
                return words.number_words(row["target"])
            return row[column] or ""
        if role == Role.TextAlignmentRole and (column == "target" or column.startswith("year:")):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class ContactsModel(RowsModel):
    columns = ("name", "role", "focus_area")
    editable = frozenset({"role"})

    def headers(self) -> tuple[str, ...]:
        return (self.tr("Contact"), self.tr("Role"), self.tr("Focus area"))

    def value(self, row: dict[str, Any], column: str, role: int) -> Any:
        if role == Role.DisplayRole:
            if column == "focus_area":
                return row["focus_area"] or self.tr("whole agreement")
            return row[column]
        if role == Role.ToolTipRole and column == "name":
            return row["title"] or row["name"]
        if role == Role.ForegroundRole and column == "focus_area" and not row["focus_area"]:
            return _muted()
        return None


class AttachmentsModel(RowsModel):
    columns = ("label", "location")
    editable = frozenset({"label"})

    def headers(self) -> tuple[str, ...]:
        return (self.tr("Attachment"), self.tr("File or address"))

    def set_rows(self, rows: Sequence[dict[str, Any]]) -> None:
        # whether a file is there is looked up once per load, never while painting
        marked = [
            {**r, "missing": (not r["is_url"]) and not os.path.exists(r["location"])} for r in rows
        ]
        super().set_rows(marked)

    def value(self, row: dict[str, Any], column: str, role: int) -> Any:
        if role == Role.DisplayRole:
            if column == "location" and row["missing"]:
                return self.tr("%1 (missing)").replace("%1", row["location"])
            return row[column]
        if role == Role.ToolTipRole:
            if row["missing"]:
                return self.tr("The file is not there any more: %1").replace("%1", row["location"])
            return row["location"]
        if role == Role.ForegroundRole and row["missing"]:
            return QBrush(QColor("#b3261e"))
        if role == Role.FontRole and column == "location" and row["is_url"]:
            font = QFont()
            font.setUnderline(True)
            return font
        return None
