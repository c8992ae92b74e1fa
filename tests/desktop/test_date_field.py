"""The date fields and the date words shown in the user's language."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from PySide6.QtCore import QLocale, Qt
from pytestqt.qtbot import QtBot

from db.dates import FlexDate, Precision
from desktop import dates_display
from desktop.widgets.date_field import DateField, EndField, parse_duration, zone_name

C = QLocale.c()


@pytest.fixture(autouse=True)
def c_locale() -> Iterator[None]:
    previous = QLocale()
    QLocale.setDefault(QLocale.c())
    yield
    QLocale.setDefault(previous)


# --- dates_display -------------------------------------------------------------------------

TEXTS = [
    "fall 2024",
    "winter 2025",
    "Q1 2025",
    "early 2025",
    "October 2024",
    "2025",
    "15 Oct 2024",
    "2025-03-14 18:00",
    "2025-03-14 18:00 UTC",
    "2024-10-27 03:30+02:00",
    "2024-10-27 03:30+03:00",
    "TBD",
]


@pytest.mark.parametrize("text", TEXTS)
def test_describe_matches_db_in_the_c_locale(text: str) -> None:
    value = FlexDate.parse(text)
    assert dates_display.describe(value, C) == value.describe_range()


@pytest.mark.parametrize(
    ("text", "short"),
    [
        ("15 Oct 2024", "15 Oct 2024"),
        ("October 2024", "October 2024"),
        ("fall 2024", "fall 2024"),
        ("winter 2025", "winter 2025"),
        ("Q1 2025", "Q1 2025"),
        ("early 2025", "early 2025"),
        ("2025", "2025"),
        ("TBD", "TBD"),
        ("2025-03-14 18:00", "14 Mar 2025 18:00"),
        ("2025-03-14 18:00 UTC", "14 Mar 2025 18:00 (UTC)"),
    ],
)
def test_short_text(text: str, short: str) -> None:
    assert dates_display.short_text(FlexDate.parse(text), C) == short
    assert dates_display.short_text(None, C) == "TBD"


def test_other_languages_use_their_own_names_and_order() -> None:
    fall = FlexDate.parse("fall 2024")
    assert dates_display.describe(fall, QLocale("en_US")) == "Sep 1 – Nov 30, 2024, season"
    assert dates_display.describe(fall, QLocale("de_DE")).startswith("1. Sept. – 30. Nov. 2024")
    assert (
        dates_display.short_text(FlexDate.parse("15 Oct 2024"), QLocale("sv_SE")) == "15 okt. 2024"
    )
    finnish = dates_display.short_text(FlexDate.parse("October 2024"), QLocale("fi_FI"))
    assert finnish == "lokakuu 2024"  # the stand-alone month name, not "lokakuuta"
    # A locale that writes the year first keeps both years rather than mangling the format.
    assert "2024" in dates_display.describe(fall, QLocale("ja_JP"))


def test_durations_and_occurrences() -> None:
    assert dates_display.duration_text(90) == "1 h 30 min"
    assert dates_display.duration_text(45) == "45 min"
    assert dates_display.duration_text(120) == "2 h"
    assert dates_display.duration_text(2 * 24 * 60) == "2 days"
    assert dates_display.occurrence_text(date(2025, 1, 7), C) == "7 Jan"


# --- DateField -----------------------------------------------------------------------------


def test_date_field_shows_what_it_read_while_typing(qtbot: QtBot) -> None:
    field = DateField("Date", reference=date(2026, 11, 29))
    qtbot.addWidget(field)
    committed: list[FlexDate] = []
    field.committed.connect(committed.append)
    qtbot.keyClicks(field.edit, "fall 2024")
    assert field.understood.text() == "1 Sep – 30 Nov 2024, season"
    assert committed == []  # nothing is saved while typing
    qtbot.keyClick(field.edit, Qt.Key.Key_Return)
    assert committed == [FlexDate.parse("fall 2024")]
    assert committed[0].precision is Precision.SEASON


def test_date_field_names_what_it_could_not_read(qtbot: QtBot) -> None:
    field = DateField("Date")
    qtbot.addWidget(field)
    committed: list[FlexDate] = []
    rejected: list[str] = []
    field.committed.connect(committed.append)
    field.rejected.connect(rejected.append)
    qtbot.keyClicks(field.edit, "Q5 2025")
    assert "quarter is Q1–Q4" in field.understood.text()
    qtbot.keyClick(field.edit, Qt.Key.Key_Return)
    assert committed == [] and rejected and "Q1–Q4" in rejected[0]
    assert field.edit.text() == "Q5 2025"  # the user's text stays


def test_relative_words_resolve_against_the_reference_and_are_kept(qtbot: QtBot) -> None:
    field = DateField("Date", reference=date(2024, 10, 1))
    qtbot.addWidget(field)
    committed: list[FlexDate] = []
    field.committed.connect(committed.append)
    qtbot.keyClicks(field.edit, "early next year")
    qtbot.keyClick(field.edit, Qt.Key.Key_Return)
    assert committed == [FlexDate.parse("early 2025")]
    assert committed[0].original == "early next year"
    assert "from “early next year”" in field.understood.text()


def test_untouched_relative_wording_is_not_read_again(qtbot: QtBot) -> None:
    field = DateField("Date", reference=date(2026, 11, 29))
    qtbot.addWidget(field)
    committed: list[FlexDate] = []
    field.committed.connect(committed.append)
    field.set_value(FlexDate.parse("early 2025"), "Early next year")
    field.edit.setFocus()
    field.edit.editingFinished.emit()
    assert committed == []  # "Early next year" today would be 2027


def test_time_zone_chooser_for_exact_times(qtbot: QtBot) -> None:
    field = DateField("Date")
    qtbot.addWidget(field)
    field.show()
    committed: list[FlexDate] = []
    field.committed.connect(committed.append)
    assert not field.zone.isVisibleTo(field)
    qtbot.keyClicks(field.edit, "2025-03-14 18:00")
    assert field.zone.isVisibleTo(field) and field.zone.currentText() == "Europe/Helsinki"
    qtbot.keyClick(field.edit, Qt.Key.Key_Return)
    assert committed[-1].tz == "Europe/Helsinki"
    # Another zone keeps the wall time.
    field.zone.setCurrentText("america/new_york")
    field.zone.lineEdit().editingFinished.emit()
    assert committed[-1] == FlexDate.parse("2025-03-14 18:00 America/New_York")
    assert field.zone.currentText() == "America/New_York"
    # A zone zoneinfo does not know is refused at the field.
    field.zone.setCurrentText("Mars/Olympus")
    field.zone.lineEdit().editingFinished.emit()
    assert "not a time zone" in field.understood.text()
    assert committed[-1].tz == "America/New_York"
    assert zone_name("utc") == "UTC" and zone_name("Mars/Olympus") is None


def test_calendar_pick_keeps_the_time(qtbot: QtBot) -> None:
    field = DateField("Date")
    qtbot.addWidget(field)
    committed: list[FlexDate] = []
    field.committed.connect(committed.append)
    field.set_value(FlexDate.parse("2025-03-14 18:00"))
    from PySide6.QtCore import QDate

    field.calendar.clicked.emit(QDate(2025, 3, 21))
    assert committed == [FlexDate.parse("2025-03-21 18:00")]


# --- EndField ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("+1h30", 90),
        ("90 min", 90),
        ("1.5 h", 90),
        ("1 h 30 min", 90),
        ("45m", 45),
        ("2 days", 2880),
        ("+90", 90),
    ],
)
def test_durations_are_read(text: str, minutes: int) -> None:
    assert parse_duration(text) == minutes


@pytest.mark.parametrize(
    "text", ["2025", "2025-03-14 19:00", "19:30", "fall 2024", "", "1h 30 apples"]
)
def test_other_text_is_not_a_duration(text: str) -> None:
    assert parse_duration(text) is None


def test_end_field_takes_a_duration_or_an_end(qtbot: QtBot) -> None:
    start = FlexDate.parse("2025-03-14 18:00")
    field = EndField("Ends")
    qtbot.addWidget(field)
    field.set_value(start, None)
    assert field.parse("+1h30") == FlexDate.parse("2025-03-14 19:30")
    assert field.parse("90 min") == FlexDate.parse("2025-03-14 19:30")
    assert field.parse("19:30") == FlexDate.parse("2025-03-14 19:30")
    assert field.parse("2025-03-15 02:00") == FlexDate.parse("2025-03-15 02:00")
    assert field.parse("") is None
    committed: list[object] = []
    field.committed.connect(committed.append)
    qtbot.keyClicks(field.edit, "+1h30")
    assert field.understood.text() == "ends 14 Mar 2025 19:30 (Europe/Helsinki), exact · 1 h 30 min"
    qtbot.keyClick(field.edit, Qt.Key.Key_Return)
    assert committed == [FlexDate.parse("2025-03-14 19:30")]
    # A stored end shows as a duration when it is one.
    field.set_value(start, FlexDate.parse("2025-03-14 19:30"))
    assert field.edit.text() == "+1h30"
    assert field.parse() == FlexDate.parse("2025-03-14 19:30")


def test_end_field_days_for_a_day_and_refusals(qtbot: QtBot) -> None:
    field = EndField("Ends")
    qtbot.addWidget(field)
    field.set_value(FlexDate.parse("2025-03-14"), None)
    assert field.parse("3 days") == FlexDate.parse("2025-03-16")
    from db.errors import ValidationError

    with pytest.raises(ValidationError, match="needs a start time") as caught:
        field.parse("+1h30")
    assert caught.value.field == "end"
    field.set_value(FlexDate.tbd(), None)
    assert not field.edit.isEnabled()
    with pytest.raises(ValidationError, match="undated"):
        field.parse("2025")
