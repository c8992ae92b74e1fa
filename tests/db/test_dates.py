"""Tests for db.dates: what coordinators type, what it means, how it is stored and sorted."""

from __future__ import annotations

import calendar
import dataclasses
import random
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from db.dates import FlexDate, Part, Precision, Season
from db.errors import ValidationError

P = Precision
D = date
HEL = ZoneInfo("Europe/Helsinki")
NYC = ZoneInfo("America/New_York")
REF = date(2024, 11, 20)
ZONES = ["Europe/Helsinki", "UTC", "America/New_York", "Asia/Kolkata"]
GENERIC = (
    'Could not read "fal 2024" as a date. Try "2024-10-15", "15.10.2024 14:00", '
    '"October 2024", "Q1 2025", "fall 2024", "early 2025", "2025" or "TBD".'
)
PROPERTY = settings(max_examples=150, deadline=None)
ABBR = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


# --- every accepted form: precision and covered range ----------------------------------

RANGES: list[tuple[str, Precision, date | None, date | None]] = [
    # TBD
    ("TBD", P.NONE, None, None),
    ("tbd", P.NONE, None, None),
    ("unknown", P.NONE, None, None),
    ("", P.NONE, None, None),
    ("   ", P.NONE, None, None),
    ("ei tiedossa", P.NONE, None, None),
    # day
    ("2024-10-15", P.DAY, D(2024, 10, 15), D(2024, 10, 15)),
    ("15.10.2024", P.DAY, D(2024, 10, 15), D(2024, 10, 15)),
    ("15 Oct 2024", P.DAY, D(2024, 10, 15), D(2024, 10, 15)),
    ("15 October 2024", P.DAY, D(2024, 10, 15), D(2024, 10, 15)),
    ("October 15, 2024", P.DAY, D(2024, 10, 15), D(2024, 10, 15)),
    ("Oct 15 2024", P.DAY, D(2024, 10, 15), D(2024, 10, 15)),
    ("  oct   15 ,  2024 ", P.DAY, D(2024, 10, 15), D(2024, 10, 15)),
    ("15. lokakuuta 2024", P.DAY, D(2024, 10, 15), D(2024, 10, 15)),
    ("15 oktober 2024", P.DAY, D(2024, 10, 15), D(2024, 10, 15)),
    ("29.2.2024", P.DAY, D(2024, 2, 29), D(2024, 2, 29)),
    ("1.3.2024", P.DAY, D(2024, 3, 1), D(2024, 3, 1)),
    # month
    ("October 2024", P.MONTH, D(2024, 10, 1), D(2024, 10, 31)),
    ("Oct 2024", P.MONTH, D(2024, 10, 1), D(2024, 10, 31)),
    ("OCTOBER 2024", P.MONTH, D(2024, 10, 1), D(2024, 10, 31)),
    ("2024-10", P.MONTH, D(2024, 10, 1), D(2024, 10, 31)),
    ("10/2024", P.MONTH, D(2024, 10, 1), D(2024, 10, 31)),
    ("lokakuu 2024", P.MONTH, D(2024, 10, 1), D(2024, 10, 31)),
    ("lokakuussa 2024", P.MONTH, D(2024, 10, 1), D(2024, 10, 31)),
    ("oktober 2024", P.MONTH, D(2024, 10, 1), D(2024, 10, 31)),
    ("February 2024", P.MONTH, D(2024, 2, 1), D(2024, 2, 29)),
    ("helmikuu 2023", P.MONTH, D(2023, 2, 1), D(2023, 2, 28)),
    ("kesäkuu 2025", P.MONTH, D(2025, 6, 1), D(2025, 6, 30)),
    # quarter
    ("Q1 2025", P.QUARTER, D(2025, 1, 1), D(2025, 3, 31)),
    ("2025 Q1", P.QUARTER, D(2025, 1, 1), D(2025, 3, 31)),
    ("2025-Q1", P.QUARTER, D(2025, 1, 1), D(2025, 3, 31)),
    ("q1/2025", P.QUARTER, D(2025, 1, 1), D(2025, 3, 31)),
    ("Q2 2025", P.QUARTER, D(2025, 4, 1), D(2025, 6, 30)),
    ("Q3 2025", P.QUARTER, D(2025, 7, 1), D(2025, 9, 30)),
    ("Q4 2025", P.QUARTER, D(2025, 10, 1), D(2025, 12, 31)),
    # season
    ("fall 2024", P.SEASON, D(2024, 9, 1), D(2024, 11, 30)),
    ("autumn 2024", P.SEASON, D(2024, 9, 1), D(2024, 11, 30)),
    ("Fall of 2024", P.SEASON, D(2024, 9, 1), D(2024, 11, 30)),
    ("spring 2025", P.SEASON, D(2025, 3, 1), D(2025, 5, 31)),
    ("summer 2025", P.SEASON, D(2025, 6, 1), D(2025, 8, 31)),
    ("winter 2025", P.SEASON, D(2024, 12, 1), D(2025, 2, 28)),
    ("syksy 2024", P.SEASON, D(2024, 9, 1), D(2024, 11, 30)),
    ("syksyllä 2024", P.SEASON, D(2024, 9, 1), D(2024, 11, 30)),
    ("kevät 2025", P.SEASON, D(2025, 3, 1), D(2025, 5, 31)),
    ("keväällä 2025", P.SEASON, D(2025, 3, 1), D(2025, 5, 31)),
    ("kesä 2025", P.SEASON, D(2025, 6, 1), D(2025, 8, 31)),
    ("kesällä 2025", P.SEASON, D(2025, 6, 1), D(2025, 8, 31)),
    ("talvi 2025", P.SEASON, D(2024, 12, 1), D(2025, 2, 28)),
    ("talvella 2025", P.SEASON, D(2024, 12, 1), D(2025, 2, 28)),
    ("hösten 2024", P.SEASON, D(2024, 9, 1), D(2024, 11, 30)),
    ("höst 2024", P.SEASON, D(2024, 9, 1), D(2024, 11, 30)),
    ("våren 2025", P.SEASON, D(2025, 3, 1), D(2025, 5, 31)),
    ("sommar 2025", P.SEASON, D(2025, 6, 1), D(2025, 8, 31)),
    ("sommaren 2025", P.SEASON, D(2025, 6, 1), D(2025, 8, 31)),
    ("vinter 2025", P.SEASON, D(2024, 12, 1), D(2025, 2, 28)),
    ("vintern 2025", P.SEASON, D(2024, 12, 1), D(2025, 2, 28)),
    ("winter 2024/2025", P.SEASON, D(2024, 12, 1), D(2025, 2, 28)),
    ("talvi 2023–24", P.SEASON, D(2023, 12, 1), D(2024, 2, 29)),
    # part of year
    ("early 2025", P.PART, D(2025, 1, 1), D(2025, 4, 30)),
    ("mid 2025", P.PART, D(2025, 5, 1), D(2025, 8, 31)),
    ("mid-2025", P.PART, D(2025, 5, 1), D(2025, 8, 31)),
    ("late 2025", P.PART, D(2025, 9, 1), D(2025, 12, 31)),
    ("beginning of 2025", P.PART, D(2025, 1, 1), D(2025, 4, 30)),
    ("end of 2025", P.PART, D(2025, 9, 1), D(2025, 12, 31)),
    ("alkuvuosi 2025", P.PART, D(2025, 1, 1), D(2025, 4, 30)),
    ("alkuvuodesta 2025", P.PART, D(2025, 1, 1), D(2025, 4, 30)),
    ("loppuvuosi 2025", P.PART, D(2025, 9, 1), D(2025, 12, 31)),
    ("loppuvuodesta 2025", P.PART, D(2025, 9, 1), D(2025, 12, 31)),
    ("vuoden 2025 alussa", P.PART, D(2025, 1, 1), D(2025, 4, 30)),
    ("början av 2025", P.PART, D(2025, 1, 1), D(2025, 4, 30)),
    ("i början av 2025", P.PART, D(2025, 1, 1), D(2025, 4, 30)),
    ("slutet av 2025", P.PART, D(2025, 9, 1), D(2025, 12, 31)),
    # year
    ("2025", P.YEAR, D(2025, 1, 1), D(2025, 12, 31)),
    (" 2025 ", P.YEAR, D(2025, 1, 1), D(2025, 12, 31)),
    ("1900", P.YEAR, D(1900, 1, 1), D(1900, 12, 31)),
    ("2200", P.YEAR, D(2200, 1, 1), D(2200, 12, 31)),
    # storage forms are readable too
    ("2024-fall", P.SEASON, D(2024, 9, 1), D(2024, 11, 30)),
    ("2025-early", P.PART, D(2025, 1, 1), D(2025, 4, 30)),
]


@pytest.mark.parametrize(("text", "precision", "start", "end"), RANGES)
def test_parse_reads_every_form(
    text: str, precision: Precision, start: date | None, end: date | None
) -> None:
    value = FlexDate.parse(text, reference=REF)
    assert (value.precision, value.start, value.end) == (precision, start, end)
    assert value.original is None
    assert value.tz is None
    assert value.start_datetime is None


EXACT: list[tuple[str, datetime]] = [
    ("2024-10-15 14:00", datetime(2024, 10, 15, 14, 0, tzinfo=HEL)),
    ("2024-10-15T14:00", datetime(2024, 10, 15, 14, 0, tzinfo=HEL)),
    ("2024-10-15 14:00 Europe/Helsinki", datetime(2024, 10, 15, 14, 0, tzinfo=HEL)),
    ("2024-10-15 14:00 UTC", datetime(2024, 10, 15, 14, 0, tzinfo=ZoneInfo("UTC"))),
    ("2024-10-15 14:00 utc", datetime(2024, 10, 15, 14, 0, tzinfo=ZoneInfo("UTC"))),
    ("15.10.2024 14:00", datetime(2024, 10, 15, 14, 0, tzinfo=HEL)),
    ("15.10.2024 klo 14.00", datetime(2024, 10, 15, 14, 0, tzinfo=HEL)),
    ("15.10.2024 kl. 9.30", datetime(2024, 10, 15, 9, 30, tzinfo=HEL)),
    ("15 Oct 2024 at 2 pm", datetime(2024, 10, 15, 14, 0, tzinfo=HEL)),
    ("2024-10-15 09:30 America/New_York", datetime(2024, 10, 15, 9, 30, tzinfo=NYC)),
    ("2024-10-15T14:00[Europe/Helsinki]", datetime(2024, 10, 15, 14, 0, tzinfo=HEL)),
    ("2024-10-15T11:00Z", datetime(2024, 10, 15, 11, 0, tzinfo=ZoneInfo("UTC"))),
    # An offset without a zone name gives the instant; the default zone shows it.
    ("2024-10-15T12:00+01:00", datetime(2024, 10, 15, 14, 0, tzinfo=HEL)),
    # Repeated hour: first occurrence unless an offset picks the second.
    ("2024-10-27 03:30", datetime(2024, 10, 27, 3, 30, fold=0, tzinfo=HEL)),
    ("2024-10-27 03:30+02:00", datetime(2024, 10, 27, 3, 30, fold=1, tzinfo=HEL)),
    ("2024-10-27 03:30 +03:00 Europe/Helsinki", datetime(2024, 10, 27, 3, 30, tzinfo=HEL)),
]


@pytest.mark.parametrize(("text", "moment"), EXACT)
def test_parse_reads_exact_times(text: str, moment: datetime) -> None:
    value = FlexDate.parse(text, reference=REF)
    assert value.precision is P.EXACT
    shown = value.start_datetime
    assert shown is not None
    assert shown.astimezone(UTC) == moment.astimezone(UTC)  # same instant
    assert shown.replace(tzinfo=None) == moment.replace(tzinfo=None)  # same wall time
    assert shown.utcoffset() == moment.utcoffset()
    assert value.tz == str(moment.tzinfo)
    assert value.start == value.end == moment.date()


def test_parse_uses_the_given_default_zone() -> None:
    value = FlexDate.parse("15.10.2024 14:00", default_tz="America/New_York")
    assert value.tz == "America/New_York"
    assert value.start_datetime == datetime(2024, 10, 15, 18, 0, tzinfo=UTC)


def test_parse_keeps_the_iana_spelling_of_a_zone() -> None:
    assert FlexDate.parse("2024-10-15 09:30 AMERICA/NEW_YORK").tz == "America/New_York"


# --- errors ------------------------------------------------------------------------------

ERRORS: list[tuple[str, str]] = [
    ("31.2.2024", "February 2024 has no day 31"),
    ("29.2.2023", "February 2023 has no day 29"),
    ("2024-04-31", "April 2024 has no day 31"),
    ("32 Oct 2024", "October 2024 has no day 32"),
    ("Q5 2025", "a quarter is Q1–Q4"),
    ("Q0 2025", "a quarter is Q1–Q4"),
    ("2024-13", "a month is 1–12, not 13"),
    ("13/2024", "a month is 1–12, not 13"),
    ("1850", "years from 1900 to 2200, not 1850"),
    ("2201", "years from 1900 to 2200, not 2201"),
    ("Q1 2300", "years from 1900 to 2200, not 2300"),
    ("15 Oct 1850", "years from 1900 to 2200, not 1850"),
    ("fall 20245", "years from 1900 to 2200, not 20245"),
    ("2024-10-15 14:00 Mars/Olympus", '"Mars/Olympus" is not a time zone'),
    ("2024-10-15 14:00 Europe/Helsinky", '"Europe/Helsinky" is not a time zone'),
    ("2025-03-30 03:30", "03:30 on 30 Mar 2025 does not exist in Europe/Helsinki"),
    ("2024-03-10 02:15 America/New_York", "does not exist in America/New_York"),
    ("2024-10-15 14:00+05:00 Europe/Helsinki", "Europe/Helsinki is at UTC+03:00"),
    ("2024-10-15 25:00", "an hour is 0–23, not 25"),
    ("2024-10-15 14:60", "minutes run from 00 to 59, not 60"),
    ("15.10.2024 13 pm", "with am or pm the hour is 1–12"),
    ("October 2024 14:00", "a time of day needs a day"),
    ("fall 2024 14:00", "a time of day needs a day"),
    ("10/15/2024", "day/month or month/day"),
    ("15.10.24", "four digits"),
    ("winter 2024/2026", "a winter spans two years in a row"),
]


@pytest.mark.parametrize(("text", "explanation"), ERRORS)
def test_parse_explains_the_specific_problem(text: str, explanation: str) -> None:
    with pytest.raises(ValidationError) as caught:
        FlexDate.parse(text, reference=REF)
    assert caught.value.field == "date"
    assert caught.value.message.startswith(f'Could not read "{text}" as a date: ')
    assert explanation in caught.value.message
    assert str(caught.value) == caught.value.message


def test_unreadable_text_gets_examples_that_work() -> None:
    with pytest.raises(ValidationError) as caught:
        FlexDate.parse("  fal 2024 ")
    assert caught.value.message == GENERIC
    assert caught.value.field == "date"


@pytest.mark.parametrize(
    "text", ["next week", "sometime", "15 Oct", "fall", "2024-10-15 14:00 foo bar", "Q 2025"]
)
def test_unreadable_text_is_refused(text: str) -> None:
    with pytest.raises(ValidationError, match=r"Could not read .* as a date\. Try"):
        FlexDate.parse(text, reference=REF)


def test_examples_in_the_error_message_all_parse() -> None:
    examples = GENERIC.split("Try ", 1)[1].replace(" or ", ", ").rstrip(".").split(", ")
    assert len(examples) == 8
    for example in examples:
        FlexDate.parse(example.strip('"'))


def test_dateutil_style_guesses_do_not_invent_precision() -> None:
    assert FlexDate.parse("2024").precision is P.YEAR
    assert FlexDate.parse("Oct 2024").precision is P.MONTH
    assert FlexDate.parse("2024").start == date(2024, 1, 1)
    assert FlexDate.parse("2024").end == date(2024, 12, 31)


# --- relative words ------------------------------------------------------------------------

RELATIVE: list[tuple[str, date, str]] = [
    ("next year", REF, "2025"),
    ("this year", REF, "2024"),
    ("last year", REF, "2023"),
    ("early next year", REF, "2025-early"),
    ("late next year", REF, "2025-late"),
    ("end of next year", REF, "2025-late"),
    ("early this year", REF, "2024-early"),
    ("fall next year", REF, "2025-fall"),
    ("Q1 next year", REF, "2025-Q1"),
    ("October next year", REF, "2025-10"),
    ("next month", REF, "2024-12"),
    ("this month", REF, "2024-11"),
    ("last month", REF, "2024-10"),
    ("next month", date(2024, 12, 5), "2025-01"),
    ("next quarter", REF, "2025-Q1"),
    ("this quarter", REF, "2024-Q4"),
    ("last quarter", date(2025, 2, 1), "2024-Q4"),
    ("this fall", REF, "2024-fall"),
    ("this autumn", REF, "2024-fall"),
    ("this fall", date(2025, 2, 1), "2025-fall"),
    ("this fall", date(2024, 12, 15), "2024-fall"),
    ("next spring", REF, "2025-spring"),
    ("next spring", date(2024, 4, 10), "2025-spring"),
    ("next spring", date(2024, 2, 29), "2024-spring"),
    ("next spring", date(2024, 3, 1), "2025-spring"),  # starts *after* the reference
    ("this spring", date(2024, 3, 1), "2024-spring"),
    ("this winter", REF, "2025-winter"),
    ("this winter", date(2025, 1, 10), "2025-winter"),
    ("next winter", REF, "2025-winter"),
    ("next winter", date(2024, 12, 15), "2026-winter"),
    ("last fall", REF, "2023-fall"),
    ("last summer", REF, "2024-summer"),
    ("next October", REF, "2025-10"),
    ("this October", REF, "2024-10"),
    ("ensi vuonna", REF, "2025"),
    ("ensi vuoden alussa", REF, "2025-early"),
    ("alkuvuodesta ensi vuonna", REF, "2025-early"),
    ("ensi vuoden lopussa", REF, "2025-late"),
    ("ensi syksynä", REF, "2025-fall"),
    ("tänä syksynä", REF, "2024-fall"),
    ("ensi keväänä", REF, "2025-spring"),
    ("ensi kuussa", REF, "2024-12"),
    ("nästa år", REF, "2025"),
    ("i år", REF, "2024"),
    ("i början av nästa år", REF, "2025-early"),
    ("nästa höst", REF, "2025-fall"),
    ("i höst", REF, "2024-fall"),
    ("nästa vår", REF, "2025-spring"),
    ("i höstas", date(2025, 1, 15), "2024-fall"),
    ("tomorrow", REF, "2024-11-21"),
    ("today", date(2024, 12, 31), "2024-12-31"),
    ("huomenna", date(2024, 12, 31), "2025-01-01"),
    ("tomorrow 14:00", REF, "2024-11-21T14:00[Europe/Helsinki]"),
]


@pytest.mark.parametrize(("text", "reference", "canonical"), RELATIVE)
def test_relative_words_resolve_against_the_reference(
    text: str, reference: date, canonical: str
) -> None:
    value = FlexDate.parse(f"  {text} ", reference=reference)
    assert value.canonical() == canonical
    assert value.original == text


def test_relative_words_from_the_brief() -> None:
    early = FlexDate.parse("early next year", reference=REF)
    assert early == FlexDate.part(2025, Part.EARLY)
    assert (early.start, early.end) == (date(2025, 1, 1), date(2025, 4, 30))
    assert early.original == "early next year"
    assert FlexDate.parse("next spring", reference=REF) == FlexDate.season(2025, Season.SPRING)
    assert FlexDate.parse("this fall", reference=REF) == FlexDate.season(2024, Season.FALL)


def test_original_takes_no_part_in_equality_or_hashing() -> None:
    relative = FlexDate.parse("next year", reference=REF)
    plain = FlexDate.parse("2025")
    assert relative.original == "next year"
    assert plain.original is None
    assert relative == plain
    assert hash(relative) == hash(plain)
    assert len({relative, plain}) == 1
    assert not relative < plain and not plain < relative


def test_reference_defaults_to_today() -> None:
    before = date.today().year
    value = FlexDate.parse("next year")
    after = date.today().year
    assert value.start is not None
    assert value.start.year in (before + 1, after + 1)


def test_reference_may_be_a_datetime() -> None:
    value = FlexDate.parse("next month", reference=datetime(2024, 12, 31, 23, 0))
    assert value == FlexDate.month(2025, 1)


# --- winter across the year boundary, leap years -----------------------------------------

WINTERS = [
    (2025, date(2024, 12, 1), date(2025, 2, 28)),
    (2024, date(2023, 12, 1), date(2024, 2, 29)),
    (2000, date(1999, 12, 1), date(2000, 2, 29)),
    (2100, date(2099, 12, 1), date(2100, 2, 28)),
    (1900, date(1899, 12, 1), date(1900, 2, 28)),
]


@pytest.mark.parametrize(("year", "start", "end"), WINTERS)
def test_winter_spans_the_year_boundary(year: int, start: date, end: date) -> None:
    value = FlexDate.season(year, Season.WINTER)
    assert (value.start, value.end) == (start, end)
    assert value == FlexDate.parse(f"winter {year}")
    assert value.to_text() == f"winter {year}"
    assert value.canonical() == f"{year}-winter"
    assert value.covers(date(year - 1, 12, 31)) and value.covers(date(year, 1, 1))
    assert not value.covers(date(year - 1, 11, 30))
    assert not value.covers(end + timedelta(days=1))


def test_leap_day_belongs_to_winter_and_is_a_valid_day() -> None:
    assert FlexDate.parse("winter 2024").covers(date(2024, 2, 29))
    assert FlexDate.parse("29 Feb 2024").start == date(2024, 2, 29)
    assert FlexDate.month(2024, 2).end == date(2024, 2, 29)
    assert FlexDate.quarter(2024, 1).end == date(2024, 3, 31)


# --- DOMAIN.md, "Dates with a precision", row by row --------------------------------------

DOMAIN_ROWS: list[tuple[str, Precision, date | None, date | None]] = [
    ("2024-10-15 14:00", P.EXACT, D(2024, 10, 15), D(2024, 10, 15)),
    ("15 Oct 2024", P.DAY, D(2024, 10, 15), D(2024, 10, 15)),
    ("October 2024", P.MONTH, D(2024, 10, 1), D(2024, 10, 31)),
    ("Q1 2025", P.QUARTER, D(2025, 1, 1), D(2025, 3, 31)),
    ("fall 2024", P.SEASON, D(2024, 9, 1), D(2024, 11, 30)),
    ("autumn 2024", P.SEASON, D(2024, 9, 1), D(2024, 11, 30)),
    ("winter 2025", P.SEASON, D(2024, 12, 1), D(2025, 2, 28)),
    ("early 2025", P.PART, D(2025, 1, 1), D(2025, 4, 30)),
    ("mid 2025", P.PART, D(2025, 5, 1), D(2025, 8, 31)),
    ("late 2025", P.PART, D(2025, 9, 1), D(2025, 12, 31)),
    ("2025", P.YEAR, D(2025, 1, 1), D(2025, 12, 31)),
    ("TBD", P.NONE, None, None),
]


@pytest.mark.parametrize(("text", "precision", "start", "end"), DOMAIN_ROWS)
def test_domain_table(
    text: str, precision: Precision, start: date | None, end: date | None
) -> None:
    value = FlexDate.parse(text)
    assert (value.precision, value.start, value.end) == (precision, start, end)


def test_domain_exact_row_is_that_moment_in_helsinki() -> None:
    value = FlexDate.parse("2024-10-15 14:00")
    assert value.start_datetime == datetime(2024, 10, 15, 11, 0, tzinfo=UTC)
    assert value.tz == "Europe/Helsinki"


def test_domain_tbd_is_never_placed_on_a_date() -> None:
    tbd = FlexDate.parse("TBD")
    assert not tbd.is_known
    assert not tbd.covers(date(2025, 1, 1))
    assert not tbd.overlaps(date(1900, 1, 1), date(2200, 12, 31))
    assert sorted([tbd, FlexDate.year_only(2200)])[-1] is tbd


def test_domain_sorts_by_start_then_narrower_first() -> None:
    texts = ["2025", "early 2025", "Q1 2025", "January 2025", "1 Jan 2025", "2025-01-01 09:00"]
    values = [FlexDate.parse(text) for text in texts]
    assert [v.to_text() for v in sorted(values)] == [
        "2025-01-01 09:00",
        "1 Jan 2025",
        "January 2025",
        "Q1 2025",
        "early 2025",
        "2025",
    ]


# --- constructors and properties --------------------------------------------------------


def test_exact_takes_naive_time_as_helsinki_wall_time() -> None:
    value = FlexDate.exact(datetime(2025, 3, 14, 18, 0))
    assert value.tz == "Europe/Helsinki"
    assert value.start_datetime == datetime(2025, 3, 14, 16, 0, tzinfo=UTC)
    assert value.describe_range() == "14 Mar 2025 18:00 (Europe/Helsinki), exact"


def test_exact_takes_naive_time_as_wall_time_in_the_given_zone() -> None:
    value = FlexDate.exact(datetime(2024, 10, 15, 9, 30), "America/New_York")
    assert value.start_datetime == datetime(2024, 10, 15, 13, 30, tzinfo=UTC)
    assert value.tz == "America/New_York"


def test_exact_converts_aware_time_to_the_given_zone() -> None:
    value = FlexDate.exact(datetime(2024, 10, 15, 22, 0, tzinfo=UTC), "Asia/Kolkata")
    local = value.start_datetime
    assert local is not None
    assert (local.hour, local.minute) == (3, 30)
    assert value.start == date(2024, 10, 16)
    assert value.tz == "Asia/Kolkata"


def test_exact_keeps_the_zone_of_an_aware_time() -> None:
    assert FlexDate.exact(datetime(2024, 10, 15, 9, 30, tzinfo=NYC)).tz == "America/New_York"
    assert FlexDate.exact(datetime(2024, 10, 15, 9, 30, tzinfo=UTC)).tz == "UTC"


def test_exact_refuses_a_zone_without_an_iana_name() -> None:
    fixed = datetime(2024, 10, 15, 9, 30, tzinfo=timezone(timedelta(hours=2)))
    with pytest.raises(ValidationError, match="no IANA name"):
        FlexDate.exact(fixed)
    assert FlexDate.exact(fixed, "UTC").start_datetime == datetime(2024, 10, 15, 7, 30, tzinfo=UTC)


def test_exact_keeps_minutes_and_drops_seconds() -> None:
    value = FlexDate.exact(datetime(2024, 10, 15, 14, 0, 59, 999_999))
    assert value == FlexDate.exact(datetime(2024, 10, 15, 14, 0))
    assert value.canonical() == "2024-10-15T14:00[Europe/Helsinki]"


def test_exact_repeated_wall_time_follows_fold() -> None:
    first = FlexDate.exact(datetime(2024, 10, 27, 3, 30))
    second = FlexDate.exact(datetime(2024, 10, 27, 3, 30, fold=1))
    # Compare instants in UTC: Python never calls an ambiguous time equal across zones.
    assert first.instant == datetime(2024, 10, 27, 0, 30, tzinfo=UTC)
    assert second.instant == datetime(2024, 10, 27, 1, 30, tzinfo=UTC)
    assert first != second
    assert first < second
    assert first.to_text() == "2024-10-27 03:30"
    assert second.to_text() == "2024-10-27 03:30+02:00"
    assert second.canonical() == "2024-10-27T03:30+02:00[Europe/Helsinki]"
    assert first.describe_range() == "27 Oct 2024 03:30 (Europe/Helsinki, UTC+03:00), exact"
    assert second.describe_range() == "27 Oct 2024 03:30 (Europe/Helsinki, UTC+02:00), exact"


def test_exact_refuses_a_skipped_wall_time() -> None:
    with pytest.raises(ValidationError, match="does not exist in Europe/Helsinki"):
        FlexDate.exact(datetime(2025, 3, 30, 3, 30))


CONSTRUCTOR_ERRORS = [
    (lambda: FlexDate.month(2024, 13), "A month is 1–12, not 13."),
    (lambda: FlexDate.month(2024, 0), "A month is 1–12, not 0."),
    (lambda: FlexDate.quarter(2025, 5), "A quarter is Q1–Q4, not Q5."),
    (lambda: FlexDate.season(2025, "autumnal"), "A season is winter, spring, summer or fall"),
    (lambda: FlexDate.part(2025, "soon"), "A part of a year is early, mid or late"),
    (lambda: FlexDate.year_only(1899), "Accord takes years from 1900 to 2200, not 1899."),
    (lambda: FlexDate.year_only(2201), "Accord takes years from 1900 to 2200, not 2201."),
    (lambda: FlexDate.year_only(True), "A year must be a whole number"),
    (lambda: FlexDate.month(2024.0, 1), "A year must be a whole number"),
    (lambda: FlexDate.season(2201, Season.WINTER), "not 2201"),
    (lambda: FlexDate.exact(datetime(2024, 1, 1), "Nowhere/Land"), '"Nowhere/Land"'),
    (lambda: FlexDate.exact(datetime(1899, 12, 31, 23, 0)), "not 1899"),
    (lambda: FlexDate.exact(datetime(2200, 12, 31, 23, 0, tzinfo=UTC), "Europe/Helsinki"),
     "not 2201"),
]  # fmt: skip


@pytest.mark.parametrize(("make", "explanation"), CONSTRUCTOR_ERRORS)
def test_constructors_refuse_invalid_components(
    make: Callable[[], FlexDate], explanation: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        make()
    assert caught.value.field == "date"
    assert explanation in caught.value.message


def test_constructors_build_the_documented_ranges() -> None:
    assert FlexDate.on_day(date(2024, 10, 15)) == FlexDate.parse("15.10.2024")
    assert FlexDate.on_day(datetime(2024, 10, 15, 23, 59)) == FlexDate.parse("15.10.2024")
    assert FlexDate.quarter(2025, 3).start == date(2025, 7, 1)
    assert FlexDate.season(2024, Season.FALL) == FlexDate.parse("fall 2024")
    assert FlexDate.season(2024, Season.SUMMER).end == date(2024, 8, 31)
    assert FlexDate.part(2025, Part.MID).start == date(2025, 5, 1)
    assert FlexDate.year_only(2025) == FlexDate.parse("2025")
    assert FlexDate.tbd() == FlexDate.parse("TBD")


PRECISION_FLAGS = [
    (FlexDate.exact(datetime(2024, 10, 15, 14, 0)), P.EXACT, True, False),
    (FlexDate.on_day(date(2024, 10, 15)), P.DAY, True, False),
    (FlexDate.month(2024, 10), P.MONTH, True, True),
    (FlexDate.quarter(2024, 4), P.QUARTER, True, True),
    (FlexDate.season(2024, Season.FALL), P.SEASON, True, True),
    (FlexDate.part(2024, Part.LATE), P.PART, True, True),
    (FlexDate.year_only(2024), P.YEAR, True, True),
    (FlexDate.tbd(), P.NONE, False, False),
]


@pytest.mark.parametrize(("value", "precision", "known", "approximate"), PRECISION_FLAGS)
def test_known_and_approximate(
    value: FlexDate, precision: Precision, known: bool, approximate: bool
) -> None:
    assert value.precision is precision
    assert value.is_known is known
    assert value.is_approximate is approximate
    assert (value.start_datetime is not None) is (precision is P.EXACT)
    assert (value.tz is not None) is (precision is P.EXACT)


def test_precision_rank_runs_narrowest_first() -> None:
    order = ["exact", "day", "month", "quarter", "season", "part", "year", "none"]
    assert [Precision(name).rank for name in order] == list(range(8))
    assert [s.value for s in Season] == ["winter", "spring", "summer", "fall"]
    assert [p.value for p in Part] == ["early", "mid", "late"]


def test_values_are_immutable() -> None:
    value = FlexDate.month(2024, 10)
    with pytest.raises(dataclasses.FrozenInstanceError):
        value.start = date(2024, 11, 1)  # type: ignore[misc]


@pytest.mark.parametrize(
    "fields",
    [
        {"precision": P.MONTH, "start": date(2024, 10, 15)},
        {"precision": P.QUARTER, "start": date(2024, 2, 1)},
        {"precision": P.SEASON, "start": date(2024, 1, 1)},
        {"precision": P.PART, "start": date(2024, 4, 1)},
        {"precision": P.YEAR, "start": date(2024, 2, 1)},
        {"precision": P.DAY, "start": datetime(2024, 10, 15, 12, 0)},
        {"precision": P.DAY, "start": None},
        {"precision": P.DAY, "start": date(1850, 1, 1)},
        {"precision": P.NONE, "start": date(2024, 1, 1)},
        {"precision": "day", "start": date(2024, 1, 1)},
        {"precision": P.EXACT, "start": date(2024, 10, 15)},
        {
            "precision": P.EXACT,
            "start": date(2024, 10, 15),
            "instant": datetime(2024, 10, 15, 2, 0, tzinfo=UTC),  # 14 Oct in New York
            "tz": "America/New_York",
        },
        {
            "precision": P.EXACT,
            "start": date(2024, 10, 15),
            "instant": datetime(2024, 10, 15, 11, 0, 30, tzinfo=UTC),
            "tz": "UTC",
        },
        {"precision": P.MONTH, "start": date(2024, 10, 1), "tz": "UTC"},
    ],
)
def test_direct_construction_guards_the_invariants(fields: dict[str, object]) -> None:
    with pytest.raises(ValueError, match="Inconsistent FlexDate"):
        FlexDate(**fields)  # type: ignore[arg-type]


# --- words out --------------------------------------------------------------------------

TEXTS: list[tuple[FlexDate, str, str, str]] = [
    (FlexDate.exact(datetime(2024, 10, 15, 14, 0)), "2024-10-15 14:00",
     "15 Oct 2024 14:00 (Europe/Helsinki), exact", "2024-10-15T14:00[Europe/Helsinki]"),
    (FlexDate.exact(datetime(2024, 10, 15, 14, 0), "UTC"), "2024-10-15 14:00 UTC",
     "15 Oct 2024 14:00 (UTC), exact", "2024-10-15T14:00[UTC]"),
    (FlexDate.exact(datetime(2024, 10, 15, 9, 30), "America/New_York"),
     "2024-10-15 09:30 America/New_York", "15 Oct 2024 09:30 (America/New_York), exact",
     "2024-10-15T09:30[America/New_York]"),
    (FlexDate.on_day(date(2024, 10, 15)), "15 Oct 2024", "15 Oct 2024, day", "2024-10-15"),
    (FlexDate.on_day(date(1905, 3, 1)), "1 Mar 1905", "1 Mar 1905, day", "1905-03-01"),
    (FlexDate.month(2024, 10), "October 2024", "1 Oct – 31 Oct 2024, month", "2024-10"),
    (FlexDate.quarter(2025, 1), "Q1 2025", "1 Jan – 31 Mar 2025, quarter", "2025-Q1"),
    (FlexDate.season(2024, Season.FALL), "fall 2024", "1 Sep – 30 Nov 2024, season",
     "2024-fall"),
    (FlexDate.season(2025, Season.WINTER), "winter 2025", "1 Dec 2024 – 28 Feb 2025, season",
     "2025-winter"),
    (FlexDate.part(2025, Part.EARLY), "early 2025", "1 Jan – 30 Apr 2025, part of year",
     "2025-early"),
    (FlexDate.part(2025, Part.LATE), "late 2025", "1 Sep – 31 Dec 2025, part of year",
     "2025-late"),
    (FlexDate.year_only(2025), "2025", "1 Jan – 31 Dec 2025, year", "2025"),
    (FlexDate.tbd(), "TBD", "not yet known", "TBD"),
]  # fmt: skip


@pytest.mark.parametrize(("value", "text", "described", "canonical"), TEXTS)
def test_text_forms(value: FlexDate, text: str, described: str, canonical: str) -> None:
    assert value.to_text() == text
    assert str(value) == text
    assert value.describe_range() == described
    assert value.canonical() == canonical
    assert FlexDate.parse(text) == value
    assert FlexDate.from_canonical(canonical) == value
    assert canonical in repr(value)


def test_to_text_can_omit_another_default_zone() -> None:
    value = FlexDate.exact(datetime(2024, 10, 15, 9, 30), "America/New_York")
    text = value.to_text(default_tz="America/New_York")
    assert text == "2024-10-15 09:30"
    assert FlexDate.parse(text, default_tz="America/New_York") == value


# --- storage form -----------------------------------------------------------------------

BAD_STORAGE = [
    "",
    "tbd",
    "fall 2024",
    "2024-Fall",
    "2024-autumn",
    "2024-13",
    "2024-1",
    "24-10",
    "2025-Q5",
    "2025-Q0",
    "2024-02-30",
    "1850",
    "2201-early",
    "2024-10-15T14:00",
    "2024-10-15 14:00[Europe/Helsinki]",
    "2024-10-15T24:00[Europe/Helsinki]",
    "2024-10-15T14:00[Mars/Olympus]",
    "2024-10-15T14:00[europe/helsinki]",
    " 2025",
]


@pytest.mark.parametrize("stored", BAD_STORAGE)
def test_from_canonical_refuses_corrupted_text_with_value_error(stored: str) -> None:
    with pytest.raises(ValueError, match="Stored date"):
        FlexDate.from_canonical(stored)


def test_from_canonical_refuses_non_text() -> None:
    with pytest.raises(ValueError, match="must be text"):
        FlexDate.from_canonical(2025)  # type: ignore[arg-type]


def test_from_canonical_survives_clock_rule_changes() -> None:
    # A wall time that a later tzdata calls skipped, or an offset that no longer applies,
    # must still load: the stored text was valid when written.
    skipped = FlexDate.from_canonical("2025-03-30T03:30[Europe/Helsinki]")
    assert skipped.precision is P.EXACT
    assert skipped.start == date(2025, 3, 30)
    stale = FlexDate.from_canonical("2024-10-15T14:00+02:00[Europe/Helsinki]")
    assert stale == FlexDate.exact(datetime(2024, 10, 15, 14, 0))


def test_from_canonical_offset_picks_the_second_occurrence() -> None:
    second = FlexDate.from_canonical("2024-10-27T03:30+02:00[Europe/Helsinki]")
    assert second.instant == datetime(2024, 10, 27, 1, 30, tzinfo=UTC)


# --- ordering, ranges ---------------------------------------------------------------------


def test_sort_order_example() -> None:
    expected = [
        FlexDate.year_only(2024),
        FlexDate.exact(datetime(2024, 9, 1, 15, 0)),  # 12:00 UTC
        FlexDate.exact(datetime(2024, 9, 1, 9, 0), "America/New_York"),  # 13:00 UTC
        FlexDate.on_day(date(2024, 9, 1)),
        FlexDate.month(2024, 9),
        FlexDate.season(2024, Season.FALL),
        FlexDate.part(2024, Part.LATE),
        FlexDate.on_day(date(2024, 9, 2)),
        FlexDate.season(2025, Season.WINTER),
        FlexDate.quarter(2025, 1),
        FlexDate.tbd(),
    ]
    shuffled = expected[:]
    random.Random(4).shuffle(shuffled)
    assert sorted(shuffled) == expected
    assert sorted(shuffled, key=FlexDate.sort_key) == expected


def test_comparison_with_other_types_is_not_supported() -> None:
    with pytest.raises(TypeError):
        _ = FlexDate.year_only(2024) < date(2024, 1, 1)  # type: ignore[operator]
    assert FlexDate.year_only(2024) != "2024"


COVERS = [
    (FlexDate.parse("fall 2024"), date(2024, 9, 1), True),
    (FlexDate.parse("fall 2024"), date(2024, 11, 30), True),
    (FlexDate.parse("fall 2024"), date(2024, 8, 31), False),
    (FlexDate.parse("fall 2024"), date(2024, 12, 1), False),
    (FlexDate.parse("15 Oct 2024"), date(2024, 10, 15), True),
    (FlexDate.parse("15 Oct 2024"), date(2024, 10, 16), False),
    (FlexDate.parse("2024-10-15 23:30"), date(2024, 10, 15), True),
    (FlexDate.parse("2024-10-15 23:30"), date(2024, 10, 16), False),
    (FlexDate.parse("TBD"), date(2024, 10, 15), False),
]


@pytest.mark.parametrize(("value", "day", "expected"), COVERS)
def test_covers(value: FlexDate, day: date, expected: bool) -> None:
    assert value.covers(day) is expected


OVERLAPS = [
    ("fall 2024", date(2024, 11, 30), date(2024, 12, 31), True),  # touches the last day
    ("fall 2024", date(2024, 1, 1), date(2024, 9, 1), True),  # touches the first day
    ("fall 2024", date(2024, 12, 1), date(2024, 12, 31), False),
    ("fall 2024", date(2024, 6, 1), date(2024, 8, 31), False),
    ("fall 2024", date(2024, 10, 1), date(2024, 10, 1), True),  # inside
    ("Q1 2025", date(2024, 1, 1), date(2026, 1, 1), True),  # around
    ("TBD", date(1900, 1, 1), date(2200, 12, 31), False),
]


@pytest.mark.parametrize(("text", "start", "end", "expected"), OVERLAPS)
def test_overlaps(text: str, start: date, end: date, expected: bool) -> None:
    assert FlexDate.parse(text).overlaps(start, end) is expected


def test_overlaps_refuses_a_backwards_range() -> None:
    with pytest.raises(ValueError, match="start <= end"):
        FlexDate.parse("2025").overlaps(date(2025, 2, 1), date(2025, 1, 1))


def test_data_layer_does_not_import_qt() -> None:
    code = (
        "import sys, db.dates; "
        "sys.exit(any(m.split('.')[0] in ('PySide6', 'shiboken6') for m in sys.modules))"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


# --- hypothesis -------------------------------------------------------------------------

years = st.integers(1900, 2200)


def _last_sunday(year: int, month: int) -> date:
    last = date(year, month, calendar.monthrange(year, month)[1])
    return last - timedelta(days=(last.weekday() - 6) % 7)


def _first_sunday(year: int, month: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(6 - first.weekday()) % 7)


@st.composite
def clock_change_walls(draw: st.DrawFn) -> tuple[datetime, str]:
    """Wall times in the hour around a clock change: skipped (spring) or repeated (fall)."""
    minute = draw(st.integers(0, 59))
    fold = draw(st.integers(0, 1))
    which = draw(st.sampled_from(["hel-fall", "hel-spring", "nyc-fall", "nyc-spring"]))
    if which.startswith("hel"):
        year = draw(st.integers(1996, 2200))
        day = _last_sunday(year, 10 if which == "hel-fall" else 3)
        hour, zone = 3, "Europe/Helsinki"
    elif which == "nyc-fall":
        year = draw(st.integers(2007, 2200))
        day, hour, zone = _first_sunday(year, 11), 1, "America/New_York"
    else:
        year = draw(st.integers(2007, 2200))
        day, hour, zone = _first_sunday(year, 3) + timedelta(days=7), 2, "America/New_York"
    wall = datetime(day.year, day.month, day.day, hour, minute, fold=fold)
    return wall, zone


@st.composite
def exact_values(draw: st.DrawFn) -> FlexDate:
    if draw(st.booleans()):
        wall, zone = draw(clock_change_walls())
    else:
        wall = draw(st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2200, 12, 31)))
        wall = wall.replace(second=0, microsecond=0, fold=draw(st.integers(0, 1)))
        zone = draw(st.sampled_from(ZONES))
    try:
        return FlexDate.exact(wall, zone)
    except ValidationError:
        assume(False)
        raise


flexdates = st.one_of(
    st.just(FlexDate.tbd()),
    exact_values(),
    st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31)).map(FlexDate.on_day),
    st.builds(FlexDate.month, years, st.integers(1, 12)),
    st.builds(FlexDate.quarter, years, st.integers(1, 4)),
    st.builds(FlexDate.season, years, st.sampled_from(Season)),
    st.builds(FlexDate.part, years, st.sampled_from(Part)),
    years.map(FlexDate.year_only),
)


@PROPERTY
@given(flexdates)
def test_property_parse_reads_to_text_back(value: FlexDate) -> None:
    again = FlexDate.parse(value.to_text())
    assert again == value
    assert again.precision is value.precision
    assert again.instant == value.instant
    assert again.to_text() == value.to_text()


@PROPERTY
@given(flexdates)
def test_property_canonical_round_trip(value: FlexDate) -> None:
    stored = value.canonical()
    assert FlexDate.from_canonical(stored) == value
    assert FlexDate.from_canonical(stored).canonical() == stored
    assert FlexDate.parse(stored) == value


@PROPERTY
@given(clock_change_walls())
def test_property_wall_times_at_clock_changes(case: tuple[datetime, str]) -> None:
    wall, zone = case
    try:
        value = FlexDate.exact(wall, zone)
    except ValidationError as error:
        # Refused only when no instant shows this wall time in the zone.
        assert "does not exist" in error.message
        shown = [
            wall.replace(tzinfo=ZoneInfo(zone), fold=f).astimezone(UTC).astimezone(ZoneInfo(zone))
            for f in (0, 1)
        ]
        assert all(s.replace(tzinfo=None) != wall for s in shown)
        return
    local = value.start_datetime
    assert local is not None
    assert local.replace(tzinfo=None) == wall.replace(fold=0)
    first = FlexDate.exact(wall.replace(fold=0), zone)
    assert first.instant is not None and value.instant is not None
    assert first.instant <= value.instant
    assert FlexDate.parse(f"{wall:%Y-%m-%d %H:%M} {zone}") == first


@PROPERTY
@given(flexdates)
def test_property_range_is_consistent_with_precision(value: FlexDate) -> None:
    if not value.is_known:
        assert value.start is None and value.end is None
        return
    start, end = value.start, value.end
    assert start is not None and end is not None
    days = (end - start).days + 1
    allowed = {
        P.EXACT: {1}, P.DAY: {1}, P.MONTH: {28, 29, 30, 31}, P.QUARTER: {90, 91, 92},
        P.SEASON: {90, 91, 92}, P.PART: {120, 121, 122, 123}, P.YEAR: {365, 366},
    }  # fmt: skip
    assert days in allowed[value.precision]
    assert value.covers(start) and value.covers(end)
    assert not value.covers(start - timedelta(days=1))
    assert not value.covers(end + timedelta(days=1))
    assert value.overlaps(end, end + timedelta(days=5))
    assert not value.overlaps(end + timedelta(days=1), end + timedelta(days=5))
    if value.precision is not P.EXACT:
        assert f"{end.day} {ABBR[end.month - 1]} {end.year}" in value.describe_range()


@PROPERTY
@given(st.lists(flexdates, min_size=2, max_size=8))
def test_property_sorting_follows_sort_key(values: list[FlexDate]) -> None:
    ordered = sorted(values)
    keys = [v.sort_key() for v in ordered]
    assert keys == sorted(keys)
    assert all(a <= b for a, b in pairwise(ordered))
    assert sorted(reversed(values)) == ordered


@PROPERTY
@given(flexdates, flexdates, flexdates)
def test_property_order_is_total_and_consistent(a: FlexDate, b: FlexDate, c: FlexDate) -> None:
    # Exactly one of <, ==, > holds, and it agrees with sort_key, equality and hashing.
    assert [a < b, a == b, a > b].count(True) == 1
    assert (a < b) == (a.sort_key() < b.sort_key())
    assert (a == b) == (a.sort_key() == b.sort_key())
    assert (a <= b) == (a < b or a == b)
    assert (a >= b) == (b <= a)
    if a == b:
        assert hash(a) == hash(b)
    if a <= b and b <= c:
        assert a <= c
    # The meaning of the order, independently of sort_key:
    if a.start is not None and b.start is not None and a.start < b.start:
        assert a < b
    if a.start is not None and b.start is None:
        assert a < b
    if a.start is not None and a.start == b.start and a.precision.rank < b.precision.rank:
        assert a < b
    if a.instant is not None and b.instant is not None and a.start == b.start:
        assert (a.instant < b.instant) <= (a < b)


@settings(max_examples=60, deadline=None)
@given(
    st.datetimes(
        min_value=datetime(1901, 1, 1),
        max_value=datetime(2199, 12, 31),
        timezones=st.just(UTC),
    ),
    st.sampled_from(ZONES),
)
def test_property_exact_from_an_instant_keeps_it_to_the_minute(moment: datetime, zone: str) -> None:
    value = FlexDate.exact(moment, zone)
    assert value.instant is not None
    assert timedelta(0) <= moment - value.instant < timedelta(minutes=1)
    assert value.tz == zone
    assert FlexDate.parse(value.to_text()) == value
