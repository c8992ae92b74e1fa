"""VTIMEZONE in rule form: read back by two parsers, it keeps the IANA zone's clocks.

For each zone and range, every offset change zoneinfo knows is checked a minute before and
a minute after, plus noon of every 10th day, through icalendar's and vobject's readers of
the component we write. Zones with rule changes, abolished DST, fixed-date DST, half-hour
DST and negative DST are included: the rule form must hold for all of them.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
import vobject

from desktop.ics.vtimezone import transitions, vtimezone

ZONES = [
    ("Europe/Helsinki", 2012, 2030),
    ("America/New_York", 2004, 2010),  # the 2007 US rule change
    ("Australia/Sydney", 2024, 2026),  # southern hemisphere
    ("Europe/Moscow", 2009, 2016),  # permanent summer time 2011, back in 2014
    ("America/Sao_Paulo", 2017, 2021),  # DST abolished in 2019
    ("Asia/Tehran", 2020, 2024),  # fixed-date DST until 2022
    ("Africa/Casablanca", 2019, 2021),  # a change around Ramadan each year
    ("Europe/Dublin", 2024, 2026),  # "negative DST" in tzdata
    ("Australia/Lord_Howe", 2025, 2026),  # half-hour DST
    ("America/St_Johns", 2025, 2026),  # -03:30
    ("Asia/Tokyo", 2025, 2025),  # no DST at all
]


def _calendar(key: str, first: int, last: int) -> str:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN"]
    lines += vtimezone(key, first, last)
    lines += ["END:VCALENDAR"]
    return "\r\n".join(lines) + "\r\n"


def _instants(key: str, first: int, last: int) -> list[datetime]:
    probes = []
    for year in range(first, last + 1):
        for t in transitions(key, year):
            probes += [t.at - timedelta(minutes=1), t.at + timedelta(minutes=1)]
        start = datetime(year, 1, 1, 12, tzinfo=UTC)
        probes += [start + timedelta(days=d) for d in range(0, 366, 10)]
    return probes


@pytest.mark.parametrize(("key", "first", "last"), ZONES)
def test_offsets_read_back_equal_zoneinfo(key: str, first: int, last: int) -> None:
    text = _calendar(key, first, last)
    assert "RDATE" not in text
    zone = ZoneInfo(key)
    vtz = icalendar.Calendar.from_ical(text).walk("VTIMEZONE")[0]
    by_icalendar = vtz.to_tz(lookup_tzid=False)
    by_vobject = vobject.readOne(text).vtimezone.gettzinfo()
    for instant in _instants(key, first, last):
        expected = instant.astimezone(zone).utcoffset()
        assert instant.astimezone(by_icalendar).utcoffset() == expected, (key, instant)
        assert instant.astimezone(by_vobject).utcoffset() == expected, (key, instant)


@pytest.mark.parametrize(
    ("key", "first", "last"),
    [
        ("Europe/Helsinki", 2012, 2030),
        ("America/New_York", 2010, 2030),
        ("Europe/Dublin", 2025, 2025),
    ],
)
def test_one_standard_and_one_daylight_with_a_yearly_rule(key: str, first: int, last: int) -> None:
    vtz = icalendar.Calendar.from_ical(_calendar(key, first, last)).walk("VTIMEZONE")[0]
    standard, daylight = vtz.walk("STANDARD"), vtz.walk("DAYLIGHT")
    assert len(standard) == len(daylight) == 1
    for part in (*standard, *daylight):
        rule = part["RRULE"]
        assert rule["FREQ"] == ["YEARLY"] and "UNTIL" not in rule


def test_helsinki_rule_is_last_sunday_of_march_and_october() -> None:
    text = _calendar("Europe/Helsinki", 2025, 2025)
    assert "DTSTART:20240331T030000\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU" in text
    assert "DTSTART:20241027T040000\r\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU" in text
    assert "TZOFFSETFROM:+0200\r\nTZOFFSETTO:+0300\r\nTZNAME:EEST" in text


def test_a_rule_change_ends_the_old_rule_with_a_utc_until() -> None:
    text = _calendar("America/New_York", 2005, 2008)
    assert "RRULE:FREQ=YEARLY;BYMONTH=4;BYDAY=1SU;UNTIL=20060403T070000Z" in text
    assert "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU\r\n" in text


def test_a_zone_without_changes_has_one_fixed_observance() -> None:
    vtz = icalendar.Calendar.from_ical(_calendar("Asia/Tokyo", 2025, 2025)).walk("VTIMEZONE")[0]
    (standard,) = vtz.walk("STANDARD")
    assert not vtz.walk("DAYLIGHT")
    assert standard["TZOFFSETFROM"].td == standard["TZOFFSETTO"].td == timedelta(hours=9)
