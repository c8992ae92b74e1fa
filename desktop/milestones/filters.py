"""The filters above the milestones table: agreement, focus area, kind, status, dates, text."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from db.dates import FlexDate
from db.errors import ValidationError
from db.operations import milestones as ops
from desktop.context import AppContext
from desktop.milestones import labels
from desktop.widgets.fields import FieldMessage


class FilterBar(QWidget):
    """Emits `changed(MilestoneFilter)` when the user changes a filter."""

    changed = Signal(object)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self._focus_areas: list[dict[str, Any]] = []

        self.agreement = QComboBox(self)
        self.agreement.setAccessibleName(self.tr("Agreement filter"))
        self.agreement.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.agreement.setMinimumContentsLength(18)
        self.focus_area = QComboBox(self)
        self.focus_area.setAccessibleName(self.tr("Focus area filter"))
        self.focus_area.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.focus_area.setMinimumContentsLength(18)
        self.kind = QComboBox(self)
        self.kind.setAccessibleName(self.tr("Kind filter"))
        self.kind.addItem(self.tr("All kinds"), None)
        for value, text in labels.kinds().items():
            self.kind.addItem(text, value)
        self.status = QComboBox(self)
        self.status.setAccessibleName(self.tr("Status filter"))
        self.status.addItem(self.tr("All statuses"), None)
        for value, text in labels.statuses().items():
            self.status.addItem(text, value)
        self.date_from = QLineEdit(self)
        self.date_from.setAccessibleName(self.tr("From date filter"))
        self.date_from.setPlaceholderText(self.tr("e.g. 2025 or fall 2024"))
        self.date_from.setClearButtonEnabled(True)
        self.date_to = QLineEdit(self)
        self.date_to.setAccessibleName(self.tr("To date filter"))
        self.date_to.setPlaceholderText(self.tr("e.g. Q2 2026"))
        self.date_to.setClearButtonEnabled(True)
        self.text = QLineEdit(self)
        self.text.setAccessibleName(self.tr("Text filter"))
        self.text.setPlaceholderText(self.tr("Words in title, place, audience, notes…"))
        self.text.setClearButtonEnabled(True)
        self.clear = QPushButton(self.tr("C&lear filters"), self)
        self.clear.setAccessibleName(self.tr("Clear filters"))
        self.date_message = FieldMessage(self.date_from, self)
        self.date_message.setAccessibleName(self.tr("Date filter error"))

        grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(4)

        def label(text: str, buddy: QWidget) -> QLabel:
            widget = QLabel(text, self)
            widget.setBuddy(buddy)
            widget.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return widget

        grid.addWidget(label(self.tr("&Agreement:"), self.agreement), 0, 0)
        grid.addWidget(self.agreement, 0, 1)
        grid.addWidget(label(self.tr("F&ocus area:"), self.focus_area), 0, 2)
        grid.addWidget(self.focus_area, 0, 3)
        grid.addWidget(label(self.tr("&Kind:"), self.kind), 1, 0)
        grid.addWidget(self.kind, 1, 1)
        grid.addWidget(label(self.tr("&Status:"), self.status), 1, 2)
        grid.addWidget(self.status, 1, 3)
        grid.addWidget(label(self.tr("Fro&m:"), self.date_from), 2, 0)
        grid.addWidget(self.date_from, 2, 1)
        grid.addWidget(label(self.tr("&To:"), self.date_to), 2, 2)
        grid.addWidget(self.date_to, 2, 3)
        grid.addWidget(label(self.tr("Te&xt:"), self.text), 3, 0)
        text_row = QHBoxLayout()
        text_row.addWidget(self.text, 1)
        text_row.addWidget(self.clear)
        grid.addLayout(text_row, 3, 1, 1, 3)
        grid.addWidget(self.date_message, 4, 1, 1, 3)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        self.setLayout(grid)

        for a, b in (
            (self.agreement, self.focus_area),
            (self.focus_area, self.kind),
            (self.kind, self.status),
            (self.status, self.date_from),
            (self.date_from, self.date_to),
            (self.date_to, self.text),
            (self.text, self.clear),
        ):
            QWidget.setTabOrder(a, b)

        self._typing = QTimer(self)
        self._typing.setSingleShot(True)
        self._typing.setInterval(250)
        self._typing.timeout.connect(self._emit)
        self.reload_choices()
        self.agreement.activated.connect(self._agreement_chosen)
        self.focus_area.activated.connect(lambda _i: self._emit())
        self.kind.activated.connect(lambda _i: self._emit())
        self.status.activated.connect(lambda _i: self._emit())
        self.date_from.editingFinished.connect(self._dates_finished)
        self.date_to.editingFinished.connect(self._dates_finished)
        self.text.textEdited.connect(lambda _t: self._typing.start())
        self.text.returnPressed.connect(self._emit)
        self.clear.clicked.connect(self.clear_all)
        self._last = ops.MilestoneFilter()

    # --- choices --------------------------------------------------------------------------

    def reload_choices(self) -> None:
        """Agreements and focus areas may change elsewhere; keep the current choices."""
        agreement_id = self.agreement.currentData()
        area_id = self.focus_area.currentData()
        with self.context.db.sessions() as session:
            agreements = ops.agreement_choices(session)
            self._focus_areas = ops.focus_area_choices(session)
        self.agreement.blockSignals(True)
        self.agreement.clear()
        self.agreement.addItem(self.tr("All agreements"), None)
        for a in agreements:
            self.agreement.addItem(a["title"], a["id"])
        self.agreement.setCurrentIndex(max(0, self.agreement.findData(agreement_id)))
        self.agreement.blockSignals(False)
        self._fill_focus_areas(area_id)

    def _fill_focus_areas(self, keep: int | None) -> None:
        agreement_id = self.agreement.currentData()
        titles = {
            self.agreement.itemData(i): self.agreement.itemText(i)
            for i in range(1, self.agreement.count())
        }
        self.focus_area.blockSignals(True)
        self.focus_area.clear()
        self.focus_area.addItem(self.tr("All focus areas"), None)
        for area in self._focus_areas:
            if agreement_id is not None and area["agreement_id"] != agreement_id:
                continue
            text = area["name"]
            if agreement_id is None:
                text = f"{area['name']} ({titles.get(area['agreement_id'], '')})"
            self.focus_area.addItem(text, area["id"])
        self.focus_area.setCurrentIndex(max(0, self.focus_area.findData(keep)))
        self.focus_area.blockSignals(False)

    def _agreement_chosen(self, _index: int) -> None:
        self._fill_focus_areas(self.focus_area.currentData())
        self._emit()

    # --- the filter value ---------------------------------------------------------------------

    def _range(self) -> tuple[Any, Any]:
        """(first day, last day) of the typed dates; raises ValidationError."""
        first = last = None
        reference = self.context.today()
        if self.date_from.text().strip():
            value = FlexDate.parse(self.date_from.text(), reference=reference)
            first = value.start
        if self.date_to.text().strip():
            value = FlexDate.parse(self.date_to.text(), reference=reference)
            last = value.end
        if first is not None and last is not None and last < first:
            raise ValidationError(
                "date", self.tr("The “To” date is before the “From” date. Swap them or change one.")
            )
        return first, last

    def value(self) -> ops.MilestoneFilter:
        try:
            first, last = self._range()
        except ValidationError:
            first, last = self._last.start, self._last.end
        return ops.MilestoneFilter(
            agreement_id=self.agreement.currentData(),
            focus_area_id=self.focus_area.currentData(),
            kind=self.kind.currentData(),
            status=self.status.currentData(),
            start=first,
            end=last,
            text=self.text.text().strip(),
        )

    def _dates_finished(self) -> None:
        try:
            self._range()
        except ValidationError as exc:
            self.date_message.show_error(exc.message)
            return
        self.date_message.clear_error()
        self._emit()

    def _emit(self) -> None:
        self._typing.stop()
        value = self.value()
        if value != self._last:
            self._last = value
            self.changed.emit(value)

    def is_active(self) -> bool:
        return self.value() != ops.MilestoneFilter()

    def clear_all(self) -> None:
        for combo in (self.agreement, self.kind, self.status):
            combo.setCurrentIndex(0)
        self._fill_focus_areas(None)
        for edit in (self.date_from, self.date_to, self.text):
            edit.clear()
        self.date_message.clear_error()
        self._emit()

    def set_agreement(self, agreement_id: int | None) -> None:
        self.agreement.setCurrentIndex(max(0, self.agreement.findData(agreement_id)))
        self._fill_focus_areas(None)
        self._emit()
