"""The milestones table: one model, three labelled sections, rows loaded lazily by id.

Why one model with header rows rather than three views: one view gives one selection, one
keyboard path through every group (arrow keys, Page Down, Home/End) and one scroll bar that
stays smooth with 200,000 rows, where three stacked views would each need their own height
and scrolling. Header rows ("Upcoming · 12") span the table, cannot be selected, and are
skipped by the arrow keys (they have no item flags).

Loading follows Anki's browser: `refresh()` reads the ordered ids of each group (one
query), and rows are read by id in blocks of `BLOCK`. `data()` never touches the database:
for a row not yet loaded it returns a placeholder and asks for its block, which a zero-time
timer loads in one short read and announces with `dataChanged`.

A timer tick loads one block (a few milliseconds: the query, the texts, their layout), so no
turn of the event loop holds the window for long: blocks on screen first, then the blocks
just beyond it in the direction of scrolling (`read_ahead`), so that a page scrolled into
view is usually already there. At most
`MAX_BLOCKS` blocks stay in memory: scrolling through 200,000 milestones would otherwise
keep them all (400 MB); the blocks farthest from the ones just loaded go first. A row's
texts are worked out once, when its block loads, not on every paint, and the delegate
paints them without asking `data()` role by role (delegate.py;
tests/benchmarks/bench_scroll.py times the frames).
"""

from __future__ import annotations

import gc
from array import array
from collections.abc import Iterable
from datetime import date
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
)
from PySide6.QtGui import QBrush, QFont, QPalette
from PySide6.QtWidgets import QApplication

from db import recurrence
from db.dates import FlexDate
from db.operations import milestones as ops
from desktop import dates_display
from desktop.context import AppContext
from desktop.milestones import labels

Index = QModelIndex | QPersistentModelIndex

IdRole = Qt.ItemDataRole.UserRole + 1
GroupRole = Qt.ItemDataRole.UserRole + 2
IsHeaderRole = Qt.ItemDataRole.UserRole + 3

_HEADER = -1  # marker in the row list for a section's header row
# Plain ints: a paint asks data() about ten roles of every visible cell, and comparing an
# int with an enum member costs more than the rest of the answer.
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
#: The roles a milestone row answers (the others get None at once).
_ROW_ROLES = frozenset(
    int(role)
    for role in (
        Qt.ItemDataRole.AccessibleTextRole,
        Qt.ItemDataRole.ToolTipRole,
        Qt.ItemDataRole.FontRole,
        IdRole,
        GroupRole,
        IsHeaderRole,
    )
)


class MilestoneTableModel(QAbstractTableModel):
    COLUMNS = ("title", "date", "kind", "status", "agreement", "focus_areas", "location")
    PLACEHOLDER = ("…",) + ("",) * (len(COLUMNS) - 1)  # a row whose block is still loading
    BLOCK = 25
    MAX_BLOCKS = 320  # 8,000 rows

    def __init__(self, context: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self.filters = ops.MilestoneFilter()
        # One entry per table row: a milestone id, or _HEADER for a section's first row.
        # An array, not a list: 200,000 ints the garbage collector need not walk.
        self._rows = array("q")
        self._sections: list[tuple[int, str, int]] = []  # (header row, group, count)
        self._row_of: dict[int, int] = {}
        self._cache: dict[int, dict[str, Any]] = {}
        # A loaded row's texts apart from its record: a record holds only strings and
        # numbers, so the garbage collector never tracks it, and a tuple of strings it
        # untracks at its first collection.
        self._texts: dict[int, tuple[str, ...]] = {}
        self._cancelled: set[int] = set()  # painted struck through
        self._loaded_blocks: set[int] = set()
        self._pending: set[int] = set()  # blocks on screen, not yet loaded
        self._ahead: list[int] = []  # blocks to read ahead, nearest first
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._load_pending)
        self._headers = (
            self.tr("Title"),
            self.tr("Date"),
            self.tr("Kind"),
            self.tr("Status"),
            self.tr("Agreement"),
            self.tr("Focus areas"),
            self.tr("Place"),
        )
        self._kinds = labels.kinds()
        self._statuses = labels.statuses()
        self._group_names = labels.groups()
        self._struck = QFont(QApplication.font())
        self._struck.setStrikeOut(True)
        self._row_flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        self.total = 0
        self.refresh()

    # --- loading --------------------------------------------------------------------------

    def set_filters(self, filters: ops.MilestoneFilter) -> None:
        self.filters = filters
        self.refresh()

    def refresh(self) -> None:
        """Read the ids again (after a change or a new filter); rows reload as needed."""
        today = self._context.today()
        with self._context.db.sessions() as session:
            groups = ops.milestone_ids(session, self.filters, today)
        self.beginResetModel()
        self._rows = array("q")
        self._sections = []
        for group in ops.GROUPS:
            ids = groups[group]
            self._sections.append((len(self._rows), group, len(ids)))
            self._rows.append(_HEADER)
            self._rows.extend(ids)
        self._row_of = {mid: row for row, mid in enumerate(self._rows) if mid != _HEADER}
        self.total = len(self._row_of)
        self._cache.clear()
        self._texts.clear()
        self._cancelled.clear()
        self._loaded_blocks.clear()
        self._pending.clear()
        self._ahead.clear()
        self.endResetModel()

    def prefetch(self, first_row: int, last_row: int) -> None:
        """Load the blocks covering these rows now (used after a refresh, not from data())."""
        if not self._rows:
            return
        first = max(0, first_row) // self.BLOCK
        last = min(len(self._rows) - 1, max(first_row, last_row)) // self.BLOCK
        self._load_blocks(range(first, last + 1))

    def _request(self, row: int) -> None:
        block = row // self.BLOCK
        if block not in self._loaded_blocks:
            self._pending.add(block)
            if not self._timer.isActive():
                self._timer.start()

    def read_ahead(self, first_row: int, last_row: int, downwards: bool) -> None:
        """Queue the blocks of the next screenful beyond these rows, nearest first."""
        span = max(1, last_row - first_row + 1)
        if downwards:
            rows = range(last_row + 1, min(len(self._rows), last_row + 1 + span))
        else:
            rows = range(first_row - 1, max(-1, first_row - 1 - span), -1)
        blocks = dict.fromkeys(row // self.BLOCK for row in rows)
        self._ahead = [b for b in blocks if b not in self._loaded_blocks]
        if self._ahead and not self._timer.isActive():
            self._timer.start()

    def _load_pending(self) -> None:
        """One block per turn of the event loop, so input and painting come between: an
        on-screen block first, else the nearest one read ahead. (Two blocks in a turn, when
        the first was quick, made frames of 10 ms while the wheel scrolled.)"""
        if self._pending:
            block = min(self._pending)
            self._pending.discard(block)
        elif self._ahead:
            block = self._ahead.pop(0)
        else:
            return
        self._load_blocks([block])
        if self._pending or self._ahead:
            self._timer.start()
        _collect_young()

    def _load_blocks(self, blocks: Iterable[int]) -> None:
        wanted = sorted(b for b in set(blocks) if b not in self._loaded_blocks)
        if not wanted:
            return
        ids = [
            mid
            for b in wanted
            for mid in self._rows[b * self.BLOCK : (b + 1) * self.BLOCK]
            if mid != _HEADER
        ]
        with self._context.db.reading() as connection:
            rows = ops.milestone_rows(connection, ids)
        for mid, record in rows.items():
            self._texts[mid] = tuple(self._display(record, column) for column in self.COLUMNS)
            if record["status"] == "cancelled":
                self._cancelled.add(mid)
            else:
                self._cancelled.discard(mid)
            self._cache[mid] = self._kept(record)
        self._loaded_blocks.update(wanted)
        self._forget_far_blocks(wanted)
        for b in wanted:
            first = b * self.BLOCK
            last = min(len(self._rows), first + self.BLOCK) - 1
            if last >= first:
                self.dataChanged.emit(self.index(first, 0), self.index(last, len(self.COLUMNS) - 1))

    def _kept(self, record: dict[str, Any]) -> dict[str, Any]:
        """What the table keeps of a row besides its texts: strings and numbers only.

        A dict of those the garbage collector never tracks; thousands of tracked rows made
        collections of 6-60 ms while scrolling (tests/benchmarks/bench_scroll.py)."""
        return {
            "version": record["version"],
            "title": record["title"],
            "status": record["status"],
            "when": record["when"].canonical(),
            "date_wording": record["date_wording"],
            "rrule": record["rrule"],
        }

    def _forget_far_blocks(self, kept: list[int]) -> None:
        """Keep at most MAX_BLOCKS blocks: drop those farthest from the ones just loaded."""
        excess = len(self._loaded_blocks) - self.MAX_BLOCKS
        if excess <= 0:
            return
        centre = sum(kept) / len(kept)
        far = sorted(
            (b for b in self._loaded_blocks if b not in kept), key=lambda b: -abs(b - centre)
        )
        for b in far[:excess]:
            self._loaded_blocks.discard(b)
            for mid in self._rows[b * self.BLOCK : (b + 1) * self.BLOCK]:
                self._cache.pop(mid, None)
                self._texts.pop(mid, None)
                self._cancelled.discard(mid)

    def paint_texts(self, row: int) -> tuple[tuple[str, ...], bool] | None:
        """A milestone row's texts and whether it is struck through (cancelled), for the
        delegate; None for a section header. A row not yet loaded shows "…" meanwhile."""
        mid = self._rows[row] if 0 <= row < len(self._rows) else _HEADER
        if mid == _HEADER:
            return None
        texts = self._texts.get(mid)
        if texts is None:
            self._request(row)
            return self.PLACEHOLDER, False
        return texts, mid in self._cancelled

    def loaded_count(self) -> int:
        """How many milestone rows are in memory (the lazy-loading tests read this)."""
        return len(self._cache)

    # --- lookups for the page ---------------------------------------------------------------

    def milestone_id(self, row: int) -> int | None:
        if 0 <= row < len(self._rows) and self._rows[row] != _HEADER:
            return self._rows[row]
        return None

    def row_of(self, milestone_id: int) -> int | None:
        return self._row_of.get(milestone_id)

    def record(self, milestone_id: int) -> dict[str, Any] | None:
        """The loaded row of a milestone, if it is in memory."""
        return self._cache.get(milestone_id)

    def sections(self) -> list[tuple[int, str, int]]:
        """(header row, group, count) for "upcoming", "past", "undated"."""
        return list(self._sections)

    def group_of_row(self, row: int) -> str | None:
        found = None
        for header, group, _ in self._sections:
            if row >= header:
                found = group
        return found

    def header_rows(self) -> list[int]:
        return [header for header, _, _ in self._sections]

    # --- the model interface -----------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def flags(self, index: Index) -> Qt.ItemFlag:
        row = index.row()  # -1 for an invalid index
        if not 0 <= row < len(self._rows) or self._rows[row] == _HEADER:
            return Qt.ItemFlag.NoItemFlags  # a header is not selectable; arrow keys skip it
        return self._row_flags

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(self._headers)
        ):
            return self._headers[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = index.row()  # -1 for an invalid index
        if not 0 <= row < len(self._rows):
            return None
        mid = self._rows[row]
        if mid == _HEADER:
            return self._header_data(row, index.column(), role)
        if role == _DISPLAY:  # the common case first: a paint asks this of every cell
            texts = self._texts.get(mid)
            if texts is not None:
                return texts[index.column()]
        elif role not in _ROW_ROLES:
            return None  # decoration, alignment, colours, check state …: Qt's defaults
        column = index.column()
        if role == IdRole:
            return mid
        if role == GroupRole:
            return self.group_of_row(row)
        if role == IsHeaderRole:
            return False
        record = self._cache.get(mid)
        if record is None:
            self._request(row)
            if role == Qt.ItemDataRole.DisplayRole and column == 0:
                return self.PLACEHOLDER[0]
            return None
        return self._row_data(record, self._texts[mid], column, role)

    def _header_data(self, row: int, column: int, role: int) -> Any:
        group, count = next((g, c) for h, g, c in self._sections if h == row)
        if role == IsHeaderRole:
            return True
        if role == GroupRole:
            return group
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            if column != 0:
                return None
            name = self._group_names[group]
            if count == 0:
                if group == "undated" and self.filters.has_range:
                    return self.tr("%1 · not shown while filtering by date").replace("%1", name)
                return self.tr("%1 · none").replace("%1", name)
            return self.tr("%1 · %2").replace("%1", name).replace("%2", f"{count:,}")
        if role == Qt.ItemDataRole.FontRole:
            font = QFont(QApplication.font())
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(QApplication.palette().color(QPalette.ColorRole.Mid).lighter(150))
        if role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(QApplication.palette().color(QPalette.ColorRole.Text))
        return None

    def _row_data(
        self, record: dict[str, Any], texts: tuple[str, ...], column: int, role: int
    ) -> Any:
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return texts[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            if self.COLUMNS[column] != "date":
                return texts[column] or None
            return self._date_tooltip(record)
        if role == Qt.ItemDataRole.FontRole and record["status"] == "cancelled":
            return self._struck
        return None

    def _display(self, record: dict[str, Any], column: str) -> str:
        if column == "title":
            return str(record["title"])
        if column == "date":
            text = dates_display.short_text(record["when"])
            end = record["end"]
            if end is not None and end.start != record["when"].start:
                text += " – " + dates_display.short_text(end)
            if record["rrule"]:
                text += " ↻"
            return text
        if column == "kind":
            return self._kinds.get(record["kind"], record["kind"])
        if column == "status":
            return self._statuses.get(record["status"], record["status"])
        if column == "agreement":
            return str(record["agreement"])
        if column == "focus_areas":
            return ", ".join(record["focus_areas"])
        if column == "location":
            return str(record["location"] or "")
        return ""

    def _date_tooltip(self, record: dict[str, Any]) -> str:
        when = FlexDate.from_canonical(record["when"])
        lines = [dates_display.describe(when)]
        if record["date_wording"]:
            lines.append(self.tr("Entered as “%1”").replace("%1", record["date_wording"]))
        if record["rrule"]:
            lines.append(recurrence.describe_rule(record["rrule"], when))
        return "\n".join(lines)

    # --- for tests and the page --------------------------------------------------------------

    def ids_in(self, group: str) -> list[int]:
        for header, name, count in self._sections:
            if name == group:
                return list(self._rows[header + 1 : header + 1 + count])
        return []

    def today(self) -> date:
        return self._context.today()


def _collect_young() -> None:
    """Collect garbage a tick's worth at a time, as the collector would if it could count.

    The rows a tick loads replace as many dropped, so the collector's count of new objects
    stays near zero and it seldom collects on its own; meanwhile every row loaded since its
    last collection waits in the young generation, and collecting thousands at once took
    15-30 ms in one frame (tests/benchmarks/bench_scroll.py). The middle generation follows
    the collector's own threshold; full collections stay the collector's decision, whose
    rule keeps a large old generation (another page's data) from being walked again and
    again."""
    counts, thresholds = gc.get_count(), gc.get_threshold()
    gc.collect(1 if counts[1] > thresholds[1] else 0)
