"""The time axis: which ticks and labels fit at a zoom, from decades down to weeks.

Pure arithmetic on day ordinals (no painting), so that the levels can be tested and the
same ticks serve the screen, a PNG and a printed page. Labels come from QLocale (month
names) and tr() (quarters), as everywhere else in Accord.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from PySide6.QtCore import QCoreApplication, QLocale

from desktop.dates_display import day_text, month_text

DAYS_PER_YEAR = 365.2425


@dataclass(frozen=True, slots=True)
class Tick:
    day: int
    label: str = ""
    #: Alternate background bands follow the parity of the major ticks.
    parity: int = 0


@dataclass(frozen=True, slots=True)
class Ticks:
    level: str  # "decades", "years", "quarters", "months" or "weeks": what the minor ticks are
    major: tuple[Tick, ...]
    minor: tuple[Tick, ...]
    #: Minor labels sit in the middle of their interval (months, quarters), not at the tick.
    centred: bool


def _tr(text: str) -> str:
    return QCoreApplication.translate("timeline", text)


def _year_start(year: int) -> int:
    return date(max(1, min(year, 9999)), 1, 1).toordinal()


def _month_start(year: int, month: int) -> int:
    year += (month - 1) // 12
    month = (month - 1) % 12 + 1
    return date(max(1, min(year, 9999)), month, 1).toordinal()


def level_for(px_per_day: float) -> str:
    px_year = px_per_day * DAYS_PER_YEAR
    if px_year < 40:
        return "decades"
    if px_year < 180:
        return "years"
    if px_year < 420:
        return "quarters"
    if px_per_day * 7 < 40:
        return "months"
    return "weeks"


def ticks(first: float, last: float, px_per_day: float, locale: QLocale | None = None) -> Ticks:
    """Major and minor ticks for the days first..last (fractional ordinals) at this zoom."""
    loc = locale if locale is not None else QLocale()
    lo = date.fromordinal(max(1, int(first)))
    hi = date.fromordinal(max(1, min(int(last) + 1, date.max.toordinal())))
    level = level_for(px_per_day)
    px_year = px_per_day * DAYS_PER_YEAR
    major: list[Tick] = []
    minor: list[Tick] = []
    if level == "decades":
        step = 5 if px_year >= 14 else 10 if px_year >= 5 else 50
        first_year = lo.year - lo.year % step
        for year in range(first_year, hi.year + step, step):
            major.append(Tick(_year_start(year), str(year), (year // step) % 2))
        minor_step = 1 if px_year >= 4 else step
        for year in range(first_year, hi.year + 1, minor_step):
            minor.append(Tick(_year_start(year)))
        return Ticks(level, tuple(major), tuple(minor), False)
    for year in range(lo.year, hi.year + 1):
        major.append(Tick(_year_start(year), str(year), year % 2))
    if level == "years":
        for year in range(lo.year, hi.year + 1):
            for month in (4, 7, 10):
                minor.append(Tick(_month_start(year, month)))
        return Ticks(level, tuple(major), tuple(minor), True)
    if level == "quarters":
        for year in range(lo.year, hi.year + 1):
            for quarter in range(4):
                label = _tr("Q%1").replace("%1", str(quarter + 1))
                minor.append(Tick(_month_start(year, 1 + 3 * quarter), label))
        return Ticks(level, tuple(major), tuple(minor), True)
    if level == "months":
        fmt = (
            QLocale.FormatType.ShortFormat
            if px_per_day * 30 >= 34
            else QLocale.FormatType.NarrowFormat
        )
        for year in range(lo.year, hi.year + 1):
            for month in range(1, 13):
                minor.append(Tick(_month_start(year, month), loc.standaloneMonthName(month, fmt)))
        return Ticks(level, tuple(major), tuple(minor), True)
    # Weeks: months are the major ticks, Mondays the minor ones.
    major = []
    month_index = lo.year * 12 + lo.month - 1
    while True:
        year, month = divmod(month_index, 12)
        start = _month_start(year, month + 1)
        if start > hi.toordinal():
            break
        major.append(Tick(start, month_text(year, month + 1, loc), month_index % 2))
        month_index += 1
    monday = lo - timedelta(days=lo.weekday())
    while monday <= hi:
        label = day_text(monday, loc, with_year=False) if px_per_day * 7 >= 56 else str(monday.day)
        minor.append(Tick(monday.toordinal(), label))
        monday += timedelta(days=7)
    return Ticks(level, tuple(major), tuple(minor), False)
