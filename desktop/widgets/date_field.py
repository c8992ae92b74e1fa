"""Date fields that take words ("fall 2024", "Q1 2025", "2025-03-14 18:00") and say what they read.

`DateField`: as the user types it shows how it understood the text, in the user's language
("1 Sep – 30 Nov 2024, season") or what it could not read; a calendar button picks a day; a
time-zone chooser appears next to an exact time (default Europe/Helsinki). `committed`
fires with the parsed FlexDate when the user finishes (Enter, focus out, a picked day or a
chosen zone) and the value changed; `rejected` fires with the message when the text cannot
be read, and nothing is committed.

`EndField`: a milestone's end as a duration ("+1h30", "90 min", "2 days") or as an end date
or time ("2025-03-14 19:30", "19:30", "15 Oct 2024"); `committed` carries a FlexDate, or
None when the field is emptied.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from functools import cache
from zoneinfo import available_timezones

from PySide6.QtCore import QDate, QLocale, QSize, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QCalendarWidget,
    QComboBox,
    QCompleter,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QToolButton,
    QVBoxLayout,
    QWidget,
    QWidgetAction,
)

from db.dates import DEFAULT_TZ, FlexDate, Precision
from db.errors import ValidationError
from desktop import dates_display

#: Offered first in the zone chooser; any IANA name can be typed.
COMMON_ZONES = (
    "Europe/Helsinki",
    "Europe/Stockholm",
    "Europe/Tallinn",
    "Europe/Oslo",
    "Europe/Copenhagen",
    "Europe/Berlin",
    "Europe/Amsterdam",
    "Europe/Brussels",
    "Europe/Paris",
    "Europe/London",
    "Europe/Madrid",
    "Europe/Rome",
    "Europe/Warsaw",
    "UTC",
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
    "America/Toronto",
    "Asia/Tokyo",
    "Asia/Shanghai",
    "Asia/Singapore",
    "Asia/Kolkata",
    "Australia/Sydney",
)

_ERROR_STYLE = "color: #b3261e;"


@cache
def _zones_by_lower_name() -> dict[str, str]:
    return {name.lower(): name for name in available_timezones()}


def zone_name(text: str) -> str | None:
    """The IANA spelling of a zone the user typed ("europe/helsinki" → "Europe/Helsinki")."""
    return _zones_by_lower_name().get(text.strip().lower())


class WrapLabel(QLabel):
    """A word-wrapped label that layouts never squeeze below the lines its text needs.

    QLabel reports its wrapped height only through heightForWidth, which some layouts
    (forms inside scroll areas) underestimate; the minimum size hint here includes it.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self._height = 0

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        if self.width() > 0:
            hint.setHeight(max(hint.height(), self.heightForWidth(self.width())))
        return hint

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._check_height()

    def setText(self, text: str) -> None:
        super().setText(text)
        self._check_height()

    def _check_height(self) -> None:
        height = self.heightForWidth(self.width()) if self.width() > 0 else 0
        if height != self._height:
            self._height = height
            self.updateGeometry()


def _small(label: QLabel) -> None:
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 0.9)
    label.setFont(font)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)


class DateField(QWidget):
    committed = Signal(object)  # FlexDate
    rejected = Signal(str)  # the message when the text cannot be read

    def __init__(
        self,
        accessible_name: str,
        parent: QWidget | None = None,
        reference: date | None = None,
        *,
        with_zone: bool = True,
    ) -> None:
        super().__init__(parent)
        self._value = FlexDate.tbd()
        self._wording: str | None = None
        # Only typed text is committed: stored relative words ("early next year") would read
        # differently today, so leaving the field untouched must not re-parse them.
        self._edited = False
        self.reference = reference
        self.locale: QLocale | None = None  # None: the application's default locale

        self.edit = QLineEdit(self)
        self.edit.setAccessibleName(accessible_name)
        self.edit.setPlaceholderText(
            self.tr('e.g. "fall 2024", "Q1 2025", "2025-03-14 18:00", TBD')
        )
        self.edit.setToolTip(
            self.tr(
                "Type a date as exactly as it is known: a time, a day, a month, a quarter, "
                "a season, early/mid/late in a year, a year, or TBD."
            )
        )
        self.pick = QToolButton(self)
        self.pick.setText(self.tr("Calendar…"))
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

        self.zone = QComboBox(self)
        self.zone.setEditable(True)
        self.zone.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.zone.addItems(list(COMMON_ZONES))
        self.zone.setCurrentText(DEFAULT_TZ)
        self.zone.setAccessibleName(self.tr("Time zone of %1").replace("%1", accessible_name))
        self.zone.setToolTip(self.tr("The time zone of the exact time (an IANA name)"))
        completer = QCompleter(sorted(available_timezones()), self.zone)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.zone.setCompleter(completer)
        self.zone.setMinimumContentsLength(14)
        self._with_zone = with_zone
        self.zone_label = QLabel(self.tr("Time &zone:"), self)
        self.zone_label.setBuddy(self.zone)
        self.zone_row = QWidget(self)
        zone_layout = QHBoxLayout(self.zone_row)
        zone_layout.setContentsMargins(0, 0, 0, 0)
        zone_layout.addWidget(self.zone_label)
        zone_layout.addWidget(self.zone, 1)
        self.zone_row.setVisible(False)
        self.zone.activated.connect(lambda _index: self._zone_chosen())
        line = self.zone.lineEdit()
        assert line is not None
        line.editingFinished.connect(self._zone_chosen)

        self.understood = WrapLabel(self)
        self.understood.setAccessibleName(self.tr("How the date was understood"))
        _small(self.understood)

        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.edit, 1)
        row.addWidget(self.pick)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(row)
        layout.addWidget(self.zone_row)  # under the text: shown for an exact time only
        layout.addWidget(self.understood)
        self.setFocusProxy(self.edit)
        QWidget.setTabOrder(self.edit, self.pick)
        QWidget.setTabOrder(self.pick, self.zone)

        self.edit.textEdited.connect(self._interpret)
        self.edit.editingFinished.connect(self._finish)

    # --- values ---------------------------------------------------------------------------

    def value(self) -> FlexDate:
        return self._value

    def zone_key(self) -> str:
        return zone_name(self.zone.currentText()) or DEFAULT_TZ

    def set_value(self, value: FlexDate, wording: str | None = None) -> None:
        """Show a stored value (no signal)."""
        self._value = value
        self._wording = wording
        self._edited = False
        if value.precision is Precision.EXACT and value.tz:
            self.zone.setCurrentText(value.tz)  # the zone shows in the chooser, not the text
            text = value.to_text(default_tz=value.tz)
        else:
            text = value.to_text() if value.is_known else ""
        self.edit.setText(wording or text)
        self._show_zone(value)
        self._show(value)

    def restore_value(self, value: FlexDate) -> None:
        """The stored value again after the database refused the typed one; the text stays."""
        self._value = value

    def parse(self, text: str | None = None) -> FlexDate:
        """The current text as a FlexDate; raises ValidationError."""
        return FlexDate.parse(
            self.edit.text() if text is None else text,
            reference=self.reference,
            default_tz=self.zone_key(),
        )

    # --- showing what was understood -------------------------------------------------------

    def _show(self, value: FlexDate) -> None:
        self.understood.setStyleSheet("")
        text = dates_display.describe(value, self.locale)
        if value.original:
            text += " — " + self.tr("from “%1”").replace("%1", value.original)
        self.understood.setText(text)

    def _show_error(self, message: str) -> None:
        self.understood.setStyleSheet(_ERROR_STYLE)
        self.understood.setText(message)

    def _show_zone(self, value: FlexDate) -> None:
        self.zone_row.setVisible(self._with_zone and value.precision is Precision.EXACT)

    def _interpret(self, text: str) -> None:
        self._edited = True
        try:
            value = self.parse(text)
        except ValidationError as exc:
            self._show_error(exc.message)
            return
        self._show_zone(value)
        self._show(value)

    # --- committing -----------------------------------------------------------------------

    def _finish(self) -> None:
        if not self._edited:
            return
        try:
            value = self.parse()
        except ValidationError as exc:
            self._show_error(exc.message)
            self.rejected.emit(exc.message)
            return  # the message is shown at the field; nothing is saved
        self._show_zone(value)
        self._show(value)
        if value != self._value or value.original != self._value.original:
            self._value = value
            self.committed.emit(value)

    def _zone_chosen(self) -> None:
        key = zone_name(self.zone.currentText())
        if key is None:
            message = self.tr(
                "“%1” is not a time zone Accord knows; use a name such as "
                "“Europe/Helsinki”, “UTC” or “America/New_York”."
            ).replace("%1", self.zone.currentText())
            self._show_error(message)
            self.rejected.emit(message)
            return
        if key != self.zone.currentText():
            self.zone.setCurrentText(key)
        value = self._value
        if value.precision is not Precision.EXACT or value.tz == key:
            return
        local = value.start_datetime
        assert local is not None
        try:
            moved = FlexDate.exact(local.replace(tzinfo=None, fold=0), key)
        except ValidationError as exc:
            self._show_error(exc.message)
            self.rejected.emit(exc.message)
            return
        self.edit.setText(moved.to_text(default_tz=key))
        self._show(moved)
        self._value = moved
        self.committed.emit(moved)

    def _picked(self, day: QDate) -> None:
        menu = self.pick.menu()
        if menu is not None:
            menu.close()
        text = day.toString("yyyy-MM-dd")
        local = self._value.start_datetime
        if self._value.precision is Precision.EXACT and local is not None:
            text += f" {local:%H:%M}"  # a new day keeps the time of day
        self.edit.setText(text)
        self._interpret(text)
        self._finish()


# ---------------------------------------------------------------------------------------
# The end of a milestone: a duration or an end
# ---------------------------------------------------------------------------------------

_UNIT_MINUTES = {
    "d": 24 * 60, "day": 24 * 60, "days": 24 * 60, "pv": 24 * 60, "päivää": 24 * 60,
    "h": 60, "hr": 60, "hrs": 60, "hour": 60, "hours": 60, "t": 60, "tuntia": 60, "tim": 60,
    "m": 1, "min": 1, "mins": 1, "minute": 1, "minutes": 1, "minuuttia": 1, "minuter": 1,
}  # fmt: skip
_DURATION = re.compile(r"\+?\s*(?:\d+(?:[.,]\d+)?\s*[a-zäö]*\s*)+")
_PART = re.compile(r"(\d+(?:[.,]\d+)?)\s*([a-zäö]*)")
_TIME_ONLY = re.compile(r"(?:klo\s*|at\s*)?(\d{1,2})[:.](\d{2})")


def parse_duration(text: str) -> int | None:
    """Minutes in "+1h30", "90 min", "1.5 h", "2 days"; None when the text is not a duration."""
    raw = text.strip().lower()
    if not raw or not _DURATION.fullmatch(raw):
        return None
    parts = _PART.findall(raw)
    if not raw.startswith("+") and not any(unit for _, unit in parts):
        return None  # "2025" is a year, not 2025 minutes
    total = 0.0
    previous = None
    for number, unit in parts:
        amount = float(number.replace(",", "."))
        if not unit:
            if previous == 60:  # "1h30": minutes after hours
                factor = 1
            elif raw.startswith("+") and len(parts) == 1:
                factor = 1  # "+90": minutes
            else:
                return None
        elif unit in _UNIT_MINUTES:
            factor = _UNIT_MINUTES[unit]
        else:
            return None
        previous = factor
        total += amount * factor
    return round(total)


class EndField(QWidget):
    committed = Signal(object)  # FlexDate | None
    rejected = Signal(str)

    def __init__(self, accessible_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._start = FlexDate.tbd()
        self._value: FlexDate | None = None
        self._edited = False
        self.locale: QLocale | None = None
        self.edit = QLineEdit(self)
        self.edit.setAccessibleName(accessible_name)
        self.edit.setPlaceholderText(self.tr('a duration ("+1h30", "90 min") or an end'))
        self.edit.setToolTip(
            self.tr(
                "How long it lasts (“+1h30”, “90 min”, “2 days”) or when it ends "
                "(“19:30”, “2025-03-14 19:30”, “15 Oct 2024”). Leave empty when it ends "
                "with its date."
            )
        )
        self.edit.setClearButtonEnabled(True)
        self.understood = WrapLabel(self)
        self.understood.setAccessibleName(self.tr("How the end was understood"))
        _small(self.understood)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.edit)
        layout.addWidget(self.understood)
        self.setFocusProxy(self.edit)
        self.edit.textEdited.connect(self._interpret)
        self.edit.editingFinished.connect(self._finish)

    def value(self) -> FlexDate | None:
        return self._value

    def set_start(self, start: FlexDate) -> None:
        self._start = start
        self.edit.setEnabled(start.is_known)

    def set_value(self, start: FlexDate, end: FlexDate | None) -> None:
        """Show a stored end for a start (no signal)."""
        self.set_start(start)
        self._value = end
        self._edited = False
        self.edit.setText(self._text_for(end))
        self._show(end)

    def _text_for(self, end: FlexDate | None) -> str:
        if end is None:
            return ""
        if end.precision is Precision.EXACT and self._start.precision is Precision.EXACT:
            minutes = self._minutes(end)
            if minutes is not None and 0 < minutes < 24 * 60:
                hours, rest = divmod(minutes, 60)
                if not hours:
                    return f"+{rest}min"
                return f"+{hours}h{rest:02d}" if rest else f"+{hours}h"
        tz = self._start.tz or DEFAULT_TZ
        return end.to_text(default_tz=tz)

    def _minutes(self, end: FlexDate) -> int | None:
        if end.instant is None or self._start.instant is None:
            return None
        return int((end.instant - self._start.instant).total_seconds() // 60)

    def parse(self, text: str | None = None) -> FlexDate | None:
        """The end the text names for the current start; raises ValidationError(field="end")."""
        raw = (self.edit.text() if text is None else text).strip()
        if not raw:
            return None
        start = self._start
        if not start.is_known or start.start is None:
            raise ValidationError(
                "end", self.tr("An undated milestone cannot have an end. Enter its date first.")
            )
        minutes = parse_duration(raw)
        if minutes is not None:
            return self._after(start, minutes)
        match = _TIME_ONLY.fullmatch(raw.lower())
        tz = start.tz or DEFAULT_TZ
        if match is not None and start.precision in (Precision.EXACT, Precision.DAY):
            day = start.start_datetime.date() if start.start_datetime else start.start
            wall = datetime(day.year, day.month, day.day, int(match[1]), int(match[2]))
            try:
                return FlexDate.exact(wall, tz)
            except ValidationError as exc:
                raise ValidationError("end", exc.message) from None
        try:
            return FlexDate.parse(raw, reference=start.start, default_tz=tz)
        except ValidationError as exc:
            raise ValidationError("end", exc.message) from None

    def _after(self, start: FlexDate, minutes: int) -> FlexDate:
        if minutes <= 0:
            raise ValidationError("end", self.tr("A duration is longer than zero minutes."))
        if start.precision is Precision.EXACT and start.instant is not None:
            return FlexDate.exact(start.instant + timedelta(minutes=minutes), start.tz)
        if start.precision is Precision.DAY and start.start is not None:
            if minutes % (24 * 60):
                raise ValidationError(
                    "end",
                    self.tr(
                        "A duration in hours or minutes needs a start time. Enter the start "
                        "as e.g. “2025-03-14 18:00”, or give the duration in days."
                    ),
                )
            return FlexDate.on_day(start.start + timedelta(days=minutes // (24 * 60) - 1))
        raise ValidationError(
            "end",
            self.tr(
                "A duration needs a start on a day or at a time. Enter the end as a date "
                "instead, e.g. “December 2025”."
            ),
        )

    def _show(self, end: FlexDate | None) -> None:
        self.understood.setStyleSheet("")
        if end is None:
            self.understood.setText(self.tr("ends with its date"))
            return
        text = self.tr("ends %1").replace("%1", dates_display.describe(end, self.locale))
        minutes = self._minutes(end)
        if minutes is not None and minutes > 0:
            text += " · " + dates_display.duration_text(minutes)
        self.understood.setText(text)

    def _interpret(self, text: str) -> None:
        self._edited = True
        try:
            end = self.parse(text)
        except ValidationError as exc:
            self.understood.setStyleSheet(_ERROR_STYLE)
            self.understood.setText(exc.message)
            return
        self._show(end)

    def _finish(self) -> None:
        if not self._edited:
            return
        try:
            end = self.parse()
        except ValidationError as exc:
            self.understood.setStyleSheet(_ERROR_STYLE)
            self.understood.setText(exc.message)
            self.rejected.emit(exc.message)
            return
        self._show(end)
        if end != self._value:
            self._value = end
            self.committed.emit(end)

    def restore_value(self, end: FlexDate | None) -> None:
        """The stored end again after the database refused the typed one; the text stays."""
        self._value = end
