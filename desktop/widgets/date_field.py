"""A date field that takes words ("fall 2024", "Q1 2025", "2025-03-14 18:00").

As the user types it says how it understood the text ("1 Sep – 30 Nov 2024, season") or
what it could not read; a calendar button picks a day. `committed` fires with the parsed
FlexDate when the user finishes (Enter or focus out) and the value changed.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QCalendarWidget,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QToolButton,
    QVBoxLayout,
    QWidget,
    QWidgetAction,
)

from db.dates import FlexDate
from db.errors import ValidationError


class DateField(QWidget):
    committed = Signal(object)  # FlexDate

    def __init__(
        self, accessible_name: str, parent: QWidget | None = None, reference: date | None = None
    ) -> None:
        super().__init__(parent)
        self._value = FlexDate.tbd()
        self.reference = reference
        self.edit = QLineEdit(self)
        self.edit.setAccessibleName(accessible_name)
        self.edit.setPlaceholderText(
            self.tr('e.g. "fall 2024", "Q1 2025", "2025-03-14 18:00", TBD')
        )
        self.pick = QToolButton(self)
        self.pick.setText("…")
        self.pick.setAccessibleName(self.tr("Pick a day for %1").replace("%1", accessible_name))
        self.pick.setToolTip(self.tr("Pick a day from a calendar"))
        self.pick.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.calendar = QCalendarWidget(self)
        self.calendar.setAccessibleName(self.tr("Calendar"))
        self.calendar.activated.connect(self._picked)
        self.calendar.clicked.connect(self._picked)
        menu = QMenu(self.pick)
        holder = QWidgetAction(menu)
        holder.setDefaultWidget(self.calendar)
        menu.addAction(holder)
        self.pick.setMenu(menu)
        self.understood = QLabel(self)
        self.understood.setAccessibleName(self.tr("How the date was understood"))
        self.understood.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = self.understood.font()
        font.setPointSizeF(font.pointSizeF() * 0.9)
        self.understood.setFont(font)

        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.edit, 1)
        row.addWidget(self.pick)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(row)
        layout.addWidget(self.understood)
        self.setFocusProxy(self.edit)

        self.edit.textEdited.connect(self._interpret)
        self.edit.editingFinished.connect(self._finish)

    def value(self) -> FlexDate:
        return self._value

    def set_value(self, value: FlexDate, wording: str | None = None) -> None:
        """Show a stored value (no signal)."""
        self._value = value
        self.edit.setText(wording or ("" if not value.is_known else value.to_text()))
        self.understood.setText(value.describe_range())
        self.understood.setStyleSheet("")

    def parse(self) -> FlexDate:
        """The current text as a FlexDate; raises ValidationError."""
        return FlexDate.parse(self.edit.text(), reference=self.reference)

    def _interpret(self, text: str) -> None:
        try:
            value = FlexDate.parse(text, reference=self.reference)
        except ValidationError as exc:
            self.understood.setText(exc.message)
            self.understood.setStyleSheet("color: #b3261e;")
            return
        self.understood.setStyleSheet("")
        self.understood.setText(value.describe_range())

    def _finish(self) -> None:
        try:
            value = self.parse()
        except ValidationError:
            return  # the message is already shown under the field; nothing is saved
        if value != self._value or value.original != self._value.original:
            self._value = value
            self.committed.emit(value)

    def _picked(self, day: QDate) -> None:
        self.pick.menu().close()
        self.edit.setText(day.toString("yyyy-MM-dd"))
        self._interpret(self.edit.text())
        self._finish()
