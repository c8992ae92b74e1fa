"""FlexDate values in the user's language: day and month names from QLocale, words via tr().

`describe()` says how a value was understood ("1 Sep – 30 Nov 2024, season"); `short_text()`
is the compact form for tables ("15 Oct 2024", "October 2024", "fall 2024", "Q1 2025",
"early 2025", "2025", "TBD"). In the C locale (and, but for CLDR's "Sept", in en_GB) the
English results equal db/dates.py's `describe_range()` and `to_text()`, which the tests
check; other locales get their own month names and date order.

A "medium" date ("15 Oct 2024", "Oct 15, 2024", "15. Okt. 2024") is not a QLocale format
type, so it is derived from the locale's long format without the weekday and with
abbreviated month names; the short numeric format is the fallback.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from PySide6.QtCore import QCoreApplication, QDate, QLocale, QTime

from db.dates import DEFAULT_TZ, FlexDate, Precision

_CONTEXT = "dates"


def _tr(text: str, disambiguation: str | None = None) -> str:
    return QCoreApplication.translate(_CONTEXT, text, disambiguation)


def _locale(locale: QLocale | None) -> QLocale:
    return locale if locale is not None else QLocale()


def _medium_format(locale: QLocale) -> str:
    fmt = locale.dateFormat(QLocale.FormatType.LongFormat)
    fmt = re.sub(r"\s*,?\s*dddd\s*,?\s*", " ", fmt).strip()
    fmt = fmt.replace("MMMM", "MMM")
    if "MMM" not in fmt or "d" not in fmt or "yy" not in fmt:
        return locale.dateFormat(QLocale.FormatType.ShortFormat)
    return fmt


def _without_year(fmt: str) -> str | None:
    """The format with its year left out, when the year is at either end; else None."""
    trailing = re.sub(r"[\s,./\-]*(?:'[^']*'\s*)?y+\.?$", "", fmt)
    if trailing != fmt and "y" not in trailing:
        return trailing.strip()
    leading = re.sub(r"^y+[\s,./\-年]*", "", fmt)
    if leading != fmt and "y" not in leading:
        return leading.strip()
    return None


def day_text(day: date, locale: QLocale | None = None, *, with_year: bool = True) -> str:
    """ "15 Oct 2024" (or "15 Oct" without the year) in the locale's order and names."""
    loc = _locale(locale)
    fmt = _medium_format(loc)
    if not with_year:
        fmt = _without_year(fmt) or fmt
    return loc.toString(QDate(day.year, day.month, day.day), fmt)


def time_text(moment: time, locale: QLocale | None = None) -> str:
    loc = _locale(locale)
    return loc.toString(QTime(moment.hour, moment.minute), QLocale.FormatType.ShortFormat)


def range_text(start: date, end: date, locale: QLocale | None = None) -> str:
    """ "1 Sep – 30 Nov 2024": the first year is left out when both are in the same year."""
    if start == end:
        return day_text(start, locale)
    if start.year == end.year:
        return f"{day_text(start, locale, with_year=False)} – {day_text(end, locale)}"
    return f"{day_text(start, locale)} – {day_text(end, locale)}"


def month_text(year: int, month: int, locale: QLocale | None = None) -> str:
    """ "October 2024", with the locale's stand-alone month name."""
    name = _locale(locale).standaloneMonthName(month, QLocale.FormatType.LongFormat)
    return _tr("%1 %2", "month name, year").replace("%1", name).replace("%2", str(year))


def precision_words(precision: Precision) -> str:
    return {
        Precision.EXACT: _tr("exact"),
        Precision.DAY: _tr("day"),
        Precision.MONTH: _tr("month"),
        Precision.QUARTER: _tr("quarter"),
        Precision.SEASON: _tr("season"),
        Precision.PART: _tr("part of year"),
        Precision.YEAR: _tr("year"),
        Precision.NONE: _tr("not yet known"),
    }[precision]


def _season_text(value: FlexDate) -> str:
    assert value.start is not None
    month, year = value.start.month, value.start.year
    if month == 12:
        return _tr("winter %1").replace("%1", str(year + 1))
    pattern = {3: _tr("spring %1"), 6: _tr("summer %1"), 9: _tr("fall %1")}[month]
    return pattern.replace("%1", str(year))


def _part_text(value: FlexDate) -> str:
    assert value.start is not None
    pattern = {1: _tr("early %1"), 5: _tr("mid %1"), 9: _tr("late %1")}[value.start.month]
    return pattern.replace("%1", str(value.start.year))


def _offset_text(offset: timedelta) -> str:
    total = int(offset.total_seconds())
    sign = "-" if total < 0 else "+"
    hours, rest = divmod(abs(total), 3600)
    return f"UTC{sign}{hours:02d}:{rest // 60:02d}"


def _ambiguous_offset(value: FlexDate) -> timedelta | None:
    """The UTC offset when the wall time occurs twice (a clock change), else None."""
    local = value.start_datetime
    if local is None or value.tz is None:
        return None
    zone = ZoneInfo(value.tz)
    wall = local.replace(tzinfo=None, fold=0)
    instants = {
        wall.replace(tzinfo=zone, fold=fold).astimezone(UTC)
        for fold in (0, 1)
        if wall.replace(tzinfo=zone, fold=fold)
        .astimezone(UTC)
        .astimezone(zone)
        .replace(tzinfo=None)
        == wall
    }
    return local.utcoffset() if len(instants) > 1 else None


def moment_text(moment: datetime, locale: QLocale | None = None, *, with_year: bool = True) -> str:
    """ "15 Oct 2024 14:00": a wall time as the locale writes it."""
    return (
        f"{day_text(moment.date(), locale, with_year=with_year)} {time_text(moment.time(), locale)}"
    )


def short_text(value: FlexDate | None, locale: QLocale | None = None) -> str:
    """The compact form for tables and lists: "15 Oct 2024", "fall 2024", "TBD"."""
    if value is None or not value.is_known or value.start is None:
        return _tr("TBD")
    precision = value.precision
    if precision is Precision.EXACT:
        local = value.start_datetime
        assert local is not None
        text = moment_text(local, locale)
        return text if value.tz == DEFAULT_TZ else f"{text} ({value.tz})"
    if precision is Precision.DAY:
        return day_text(value.start, locale)
    if precision is Precision.MONTH:
        return month_text(value.start.year, value.start.month, locale)
    if precision is Precision.QUARTER:
        quarter = (value.start.month - 1) // 3 + 1
        return _tr("Q%1 %2").replace("%1", str(quarter)).replace("%2", str(value.start.year))
    if precision is Precision.SEASON:
        return _season_text(value)
    if precision is Precision.PART:
        return _part_text(value)
    return str(value.start.year)


def describe(value: FlexDate | None, locale: QLocale | None = None) -> str:
    """How a value was understood: "1 Sep – 30 Nov 2024, season", "not yet known"."""
    if value is None or not value.is_known or value.start is None or value.end is None:
        return precision_words(Precision.NONE)
    if value.precision is Precision.EXACT:
        local = value.start_datetime
        assert local is not None
        zone = str(value.tz)
        offset = _ambiguous_offset(value)
        if offset is not None:
            zone += ", " + _offset_text(offset)
        return _tr("%1 (%2), exact").replace("%1", moment_text(local, locale)).replace("%2", zone)
    return (
        _tr("%1, %2", "range, precision")
        .replace("%1", range_text(value.start, value.end, locale))
        .replace("%2", precision_words(value.precision))
    )


def duration_text(minutes: int) -> str:
    """ "1 h 30 min", "45 min", "2 days"."""
    if minutes % (24 * 60) == 0 and minutes >= 24 * 60:
        days = minutes // (24 * 60)
        return _tr("1 day") if days == 1 else _tr("%1 days").replace("%1", str(days))
    hours, rest = divmod(minutes, 60)
    if hours and rest:
        return _tr("%1 h %2 min").replace("%1", str(hours)).replace("%2", str(rest))
    if hours:
        return _tr("%1 h").replace("%1", str(hours))
    return _tr("%1 min").replace("%1", str(rest))


def occurrence_text(
    occurrence: date | datetime, locale: QLocale | None = None, *, with_year: bool = False
) -> str:
    """One occurrence of a series for a preview: "7 Jan" or "7 Jan 18:00"."""
    if isinstance(occurrence, datetime):
        return moment_text(occurrence, locale, with_year=with_year)
    return day_text(occurrence, locale, with_year=with_year)
