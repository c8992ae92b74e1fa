"""The Timeline page: filters and actions above the timeline canvas, a line of words below.

The data is read once, in a background thread (`db.timeline.load_timeline`: about a
second or two for 200,000 milestones), when the page is first shown, and read again
after every committed change that touches agreements, focus areas or milestones. The
canvas keeps drawing the old snapshot until the new one arrives, so typing in an editor
elsewhere never waits for the timeline.

Filters: the agreement (a renewal chain, named after its newest agreement) and the focus
area (a lane of that chain; with all agreements, every lane of that name). Export: the
visible timeline as a PNG, as a PDF page, or printed.
"""

from __future__ import annotations

import contextlib
import threading
from datetime import date
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMenu,
    QMessageBox,
    QPushButton,
    QScrollBar,
    QVBoxLayout,
    QWidget,
)

from db.errors import AccordError
from db.timeline import TimelineSnapshot, load_timeline, milestone_details
from db.tracking import ChangeSet
from desktop.agreements.format import milestone_kind_label, milestone_status_label, status_label
from desktop.context import AppContext
from desktop.dates_display import describe, range_text, short_text
from desktop.pages import Page
from desktop.timeline import export
from desktop.timeline.canvas import TimelineCanvas
from desktop.timeline.drawing import Drawn, RowLayout

#: Tables whose changes alter what the timeline shows.
_WATCHED = ("agreement", "focus_area", "milestone", "milestone_focus_area")


class _Loader(QObject):
    """Carries a snapshot from the loading thread to the GUI thread (a queued signal)."""

    loaded = Signal(int, object)


class TimelinePage(Page):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.setAccessibleName(self.tr("Timeline"))
        self.snapshot: TimelineSnapshot | None = None
        self._generation = 0
        self._pending = False
        self._loading = False
        self._details: dict[int, str] = {}
        self._loader = _Loader(self)
        self._loader.loaded.connect(self._on_loaded)
        self._threads: list[threading.Thread] = []

        self.canvas = TimelineCanvas(self)
        self.canvas.today = context.today
        self.canvas.describe = self._describe
        self.canvas.activated.connect(self._open)
        self.canvas.view_changed.connect(self._sync_scrollbar)
        self.canvas.view_changed.connect(lambda: self._show_words(""))
        self.scrollbar = QScrollBar(Qt.Orientation.Vertical, self)
        self.scrollbar.setAccessibleName(self.tr("Scroll the timeline's rows"))
        self.scrollbar.valueChanged.connect(lambda value: self.canvas.scroll_to(float(value)))

        self.agreement = QComboBox(self)
        self.agreement.setAccessibleName(self.tr("Agreement filter"))
        self.agreement.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.agreement.setMinimumContentsLength(14)
        self.focus_area = QComboBox(self)
        self.focus_area.setAccessibleName(self.tr("Focus area filter"))
        self.focus_area.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.focus_area.setMinimumContentsLength(12)
        agreement_label = QLabel(self.tr("&Agreement:"), self)
        agreement_label.setBuddy(self.agreement)
        focus_label = QLabel(self.tr("&Focus area:"), self)
        focus_label.setBuddy(self.focus_area)

        def button(text: str, name: str, slot: object) -> QPushButton:
            widget = QPushButton(text, self)
            widget.setAccessibleName(name)
            if slot is not None:
                widget.clicked.connect(slot)  # type: ignore[arg-type]
            return widget

        self.zoom_out = button(
            self.tr("−", "zoom out button"), self.tr("Zoom out"), lambda: self.canvas.zoom(1 / 1.5)
        )
        self.zoom_in = button(
            self.tr("+", "zoom in button"), self.tr("Zoom in"), lambda: self.canvas.zoom(1.5)
        )
        self.zoom_out.setToolTip(self.tr("Zoom out (-)"))
        self.zoom_in.setToolTip(self.tr("Zoom in (+)"))
        self.today_button = button(
            self.tr("&Today"), self.tr("Show today"), lambda: self.canvas.show_day(context.today())
        )
        self.all_button = button(
            self.tr("Show a&ll"), self.tr("Show everything"), self.canvas.show_all
        )
        for small in (self.zoom_out, self.zoom_in):
            small.setMaximumWidth(small.fontMetrics().horizontalAdvance("M") * 3)
        # One button with a menu keeps the bar narrow enough for a 1280-pixel laptop screen.
        self.export_button = button(
            self.tr("E&xport"), self.tr("Export or print the timeline"), None
        )
        menu = QMenu(self.export_button)
        menu.addAction(self.tr("Export &PNG…"), self.export_png)
        menu.addAction(self.tr("Export P&DF…"), self.export_pdf)
        menu.addAction(self.tr("P&rint…"), self.print_page)
        self.export_button.setMenu(menu)

        bar = QHBoxLayout()
        bar.addWidget(agreement_label)
        bar.addWidget(self.agreement, 2)
        bar.addWidget(focus_label)
        bar.addWidget(self.focus_area, 1)
        bar.addSpacing(12)
        for widget in (self.zoom_out, self.zoom_in, self.today_button, self.all_button):
            bar.addWidget(widget)
        bar.addStretch()
        bar.addWidget(self.export_button)

        self.status = QLabel(self)
        self.status.setAccessibleName(self.tr("Item under the pointer or with the focus ring"))
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.canvas.described.connect(self._show_words)

        body = QHBoxLayout()
        body.setSpacing(0)
        body.addWidget(self.canvas, 1)
        body.addWidget(self.scrollbar)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addLayout(body, 1)
        layout.addWidget(self.status)

        self.agreement.currentIndexChanged.connect(self._agreement_chosen)
        self.focus_area.currentIndexChanged.connect(lambda _index: self._apply_filters())
        for keys, slot in (
            (QKeySequence.StandardKey.ZoomIn, lambda: self.canvas.zoom(1.5)),
            (QKeySequence.StandardKey.ZoomOut, lambda: self.canvas.zoom(1 / 1.5)),
        ):
            shortcut = QShortcut(keys, self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
        context.changed.connect(self._on_changed)
        self._show_words("")

    # --- Page -----------------------------------------------------------------------------

    @classmethod
    def title(cls) -> str:
        return cls.class_tr("Timeline")

    # --- loading --------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.snapshot is None or self._pending:
            self.reload()

    def reload(self, wait: bool = False) -> None:
        """Read the timeline again in a background thread (`wait`: in this one, for tests)."""
        self._generation += 1
        self._pending = False
        generation = self._generation
        db = self.context.db
        if wait:
            with db.sessions() as session:
                self._on_loaded(generation, load_timeline(session))
            return

        def work() -> None:
            try:
                with db.sessions() as session:
                    snapshot: object = load_timeline(session)
            except Exception as exc:  # shown on the page, never lost in a thread
                snapshot = exc
            # RuntimeError: the page was closed (another database opened) while reading.
            with contextlib.suppress(RuntimeError):
                self._loader.loaded.emit(generation, snapshot)

        thread = threading.Thread(target=work, name="timeline-load", daemon=True)
        self._threads = [t for t in self._threads if t.is_alive()] + [thread]
        self._loading = True
        self.status.setText(self.tr("Reading the timeline…"))
        thread.start()

    def wait_loaded(self, timeout: float = 60.0) -> None:
        for thread in list(self._threads):
            thread.join(timeout)

    def _on_loaded(self, generation: int, snapshot: object) -> None:
        if generation != self._generation:
            return  # a newer read is on its way
        self._loading = False
        if isinstance(snapshot, Exception):
            self.status.setText(
                self.tr("The timeline could not be read: %1").replace("%1", str(snapshot))
            )
            return
        assert isinstance(snapshot, TimelineSnapshot)
        self.snapshot = snapshot
        self._details.clear()
        self._fill_filters()
        self.canvas.set_snapshot(snapshot, self._layout())
        self._show_words("")

    def _on_changed(self, changes: ChangeSet) -> None:
        if not changes.touches(*_WATCHED):
            return
        self._details.clear()
        if self.isVisible():
            self.reload()
        else:
            self._pending = True  # read again when the page is next shown

    # --- filters --------------------------------------------------------------------------

    def _fill_filters(self) -> None:
        snapshot = self.snapshot
        assert snapshot is not None
        chosen = self.agreement.currentData()
        self.agreement.blockSignals(True)
        self.agreement.clear()
        self.agreement.addItem(self.tr("All agreements"), None)
        for chain in snapshot.chains:
            ids = tuple(a.id for a in chain.agreements)
            self.agreement.addItem(chain.title, ids)
        index = 0
        if chosen:
            for i in range(1, self.agreement.count()):
                if set(self.agreement.itemData(i)) & set(chosen):
                    index = i
                    break
        self.agreement.setCurrentIndex(index)
        self.agreement.blockSignals(False)
        self._fill_focus_areas()

    def _chain_index(self) -> int | None:
        data = self.agreement.currentData()
        if not data or self.snapshot is None:
            return None
        bar = self.snapshot.agreements.get(data[0])
        return bar.chain if bar is not None else None

    def _fill_focus_areas(self) -> None:
        snapshot = self.snapshot
        assert snapshot is not None
        chosen = self.focus_area.currentText() if self.focus_area.currentIndex() > 0 else None
        chain = self._chain_index()
        names: dict[str, str] = {}
        lanes = snapshot.chains[chain].lanes if chain is not None else range(len(snapshot.lanes))
        for index in lanes:
            lane = snapshot.lanes[index]
            if not lane.is_general:
                names.setdefault(lane.name.strip().casefold(), lane.name.strip())
        self.focus_area.blockSignals(True)
        self.focus_area.clear()
        self.focus_area.addItem(self.tr("All focus areas"), None)
        for key, name in sorted(names.items()):
            self.focus_area.addItem(name, key)
        found = self.focus_area.findText(chosen) if chosen else -1
        self.focus_area.setCurrentIndex(max(found, 0))
        self.focus_area.blockSignals(False)

    def _agreement_chosen(self) -> None:
        if self.snapshot is None:
            return
        self._fill_focus_areas()
        self._apply_filters()
        chain = self._chain_index()
        if chain is not None:
            bars = [b for b in self.snapshot.chains[chain].agreements if b.start is not None]
            if bars:
                last = max((b.end or self.context.today().toordinal()) for b in bars)
                self.canvas.show_range(min(b.start for b in bars if b.start) - 120, last + 120)

    def _layout(self) -> RowLayout:
        assert self.snapshot is not None
        chain = self._chain_index()
        key = self.focus_area.currentData()
        lanes = None
        if key is not None:
            lanes = {
                lane.index
                for lane in self.snapshot.lanes
                if not lane.is_general and lane.name.strip().casefold() == key
            }
        return RowLayout(self.snapshot, {chain} if chain is not None else None, lanes)

    def _apply_filters(self) -> None:
        if self.snapshot is None:
            return
        self.canvas.view.scroll_y = 0
        self.canvas.set_rows(self._layout())

    def _sync_scrollbar(self) -> None:
        self.scrollbar.blockSignals(True)
        self.scrollbar.setRange(0, round(self.canvas.max_scroll()))
        self.scrollbar.setPageStep(round(self.canvas.plot_height()))
        self.scrollbar.setSingleStep(22)
        self.scrollbar.setValue(round(self.canvas.view.scroll_y))
        self.scrollbar.blockSignals(False)

    # --- words ----------------------------------------------------------------------------

    def _show_words(self, text: str) -> None:
        if text:
            self.status.setText(text.replace("\n", " · "))
            return
        if self._loading:
            self.status.setText(self.tr("Reading the timeline…"))
            return
        first, last = self.canvas.visible_days()
        shown = range_text(
            date.fromordinal(max(1, int(first))), date.fromordinal(max(1, int(last)))
        )
        self.status.setText(
            self.tr(
                "Showing %1. Wheel or +/- to zoom, drag or arrow keys to move, Home: today."
            ).replace("%1", shown)
        )

    def _describe(self, item: Drawn, day: float) -> str:
        """Tooltip words: title, agreement, the date in words, status."""
        snapshot = self.snapshot
        if snapshot is None:
            return ""
        if item.kind == "milestone":
            if item.id not in self._details:
                with self.context.db.sessions() as session:
                    found = milestone_details(session, item.id)
                if found is None:
                    return ""
                lines = [
                    found.title,
                    self.tr("Agreement: %1").replace("%1", found.agreement_title),
                    self.tr("When: %1 (%2)")
                    .replace("%1", short_text(found.when))
                    .replace("%2", describe(found.when)),
                    self.tr("%1, %2")
                    .replace("%1", milestone_kind_label(found.kind.value))
                    .replace("%2", milestone_status_label(found.status.value)),
                ]
                if found.end is not None and found.end.is_known:
                    lines.insert(3, self.tr("Until: %1").replace("%1", short_text(found.end)))
                self._details[item.id] = "\n".join(lines)
            return self._details[item.id]
        if item.kind in ("agreement", "link"):
            bar = snapshot.agreements.get(item.id)
            if bar is None:
                return ""
            if bar.term_end.is_known:
                term = f"{short_text(bar.term_start)} – {short_text(bar.term_end)}"
            else:
                term = self.tr("from %1").replace("%1", short_text(bar.term_start))
            lines = [bar.title, term, status_label(bar.status.value)]
            if bar.open_end:
                lines.append(self.tr("End not recorded: drawn up to its renewal."))
            if item.kind == "link":
                renewed = snapshot.agreements.get(item.source)
                if renewed is not None:
                    lines = [
                        self.tr("%1 renews %2")
                        .replace("%1", bar.title)
                        .replace("%2", renewed.title)
                    ]
            return "\n".join(lines)
        if item.kind == "cluster":
            count, first, last = self.canvas.cluster_count(item.lane, day)
            if not count:
                return ""
            return (
                self.tr("%1 milestones around %2. Click or zoom in to see them apart.")
                .replace("%1", str(count))
                .replace("%2", range_text(date.fromordinal(first), date.fromordinal(last)))
            )
        return ""

    def _open(self, table: str, record_id: int) -> None:
        self.context.open_record.emit(table, record_id)

    # --- export ---------------------------------------------------------------------------

    def heading(self) -> str:
        parts = [self.tr("Timeline")]
        if self.agreement.currentIndex() > 0:
            parts.append(self.agreement.currentText())
        if self.focus_area.currentIndex() > 0:
            parts.append(self.focus_area.currentText())
        return " — ".join(parts)

    def _suggested(self, suffix: str) -> str:
        return f"timeline-{self.context.today().isoformat()}.{suffix}"

    def export_png(self, path: Path | None = None) -> Path | None:
        path = path or export.choose_path(
            self,
            self.tr("Export the timeline as PNG"),
            self._suggested("png"),
            self.tr("PNG images (*.png)"),
        )
        if path is None:
            return None
        return self._report(lambda: export.save_png(self.canvas, path))

    def export_pdf(self, path: Path | None = None) -> Path | None:
        path = path or export.choose_path(
            self,
            self.tr("Export the timeline as PDF"),
            self._suggested("pdf"),
            self.tr("PDF documents (*.pdf)"),
        )
        if path is None:
            return None
        return self._report(
            lambda: export.save_pdf(self.canvas, path, self.heading(), self.context.today())
        )

    def print_page(self) -> None:
        printer = export.choose_printer(self)
        if printer is None:
            return
        self._report(
            lambda: export.paint_page(printer, self.canvas, self.heading(), self.context.today())
        )

    def _report(self, action: object) -> Path | None:
        try:
            result = action()  # type: ignore[operator]
        except AccordError as exc:
            QMessageBox.warning(self, self.tr("Timeline"), str(exc))
            return None
        if isinstance(result, Path):
            self.context.message.emit(self.tr("Saved %1").replace("%1", str(result)))
            return result
        return None
