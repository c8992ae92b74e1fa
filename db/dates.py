"""Dates known only to some precision: "fall 2024", "Q1 2025", "early next year", "TBD".

Coordinators plan milestones long before anyone fixes a day. Storing a made-up 1 January
would put such a milestone on a false date in calendars and reports, so a `FlexDate` keeps
the precision it was given and the range of days that precision covers.

Choices other code relies on (see also tests/db/test_dates.py):

* Ranges are inclusive. Quarters are calendar quarters; seasons are meteorological
  (spring Mar–May, summer Jun–Aug, fall Sep–Nov); "winter YEAR" is the winter that ends in
  YEAR: 1 Dec YEAR-1 – end of Feb YEAR ("winter 2024/2025" is read the same way). Parts of a
  year are thirds: early Jan–Apr, mid May–Aug, late Sep–Dec.
* Years 1900–2200 only; anything else is almost certainly a typo.
* Exact times are kept to the minute (seconds are dropped) as a wall-clock time in an IANA
  zone. A wall time that a clock change skips is refused. A wall time that occurs twice means
  the first occurrence (fold=0) unless a UTC offset picks the other: "2024-10-27 03:30+02:00";
  `to_text()` and `canonical()` write that offset only for the second occurrence.
  `from_canonical()` treats the offset only as a hint and accepts skipped times, so a tzdata
  update that moves a clock change never makes stored data unreadable.
* Relative words ("next spring") are resolved once, at entry, against a reference date; the
  user's wording is kept in `original`, which takes no part in equality, hashing or order.
  "this X" is the X that contains the reference date, else the X that starts in the
  reference's year; "next X" is the first X that starts after it; "last X" the last X that
  ended before it.
* Sorting: by first covered day (exact values by instant within that day), then narrower
  precision first; TBD after everything.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta, timezone
from enum import StrEnum
from functools import cache
from typing import Any
from unicodedata import normalize
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from db.errors import ValidationError

DEFAULT_TZ = "Europe/Helsinki"
MIN_YEAR = 1900
MAX_YEAR = 2200
FIELD = "date"

EXAMPLES = (
    '"2024-10-15", "15.10.2024 14:00", "October 2024", "Q1 2025", "fall 2024", '
    '"early 2025", "2025" or "TBD"'
)


class Precision(StrEnum):
    """How much of a date is known, narrowest first (the order sorting relies on)."""

    EXACT = "exact"
    DAY = "day"
    MONTH = "month"
    QUARTER = "quarter"
    SEASON = "season"
    PART = "part"
    YEAR = "year"
    NONE = "none"

    @property
    def rank(self) -> int:
        """0 for EXACT … 7 for NONE, so that narrower sorts first."""
        return _RANKS[self]


_RANKS = {precision: index for index, precision in enumerate(Precision)}


class Season(StrEnum):
    """Meteorological seasons; WINTER of a year ends in that year."""

    WINTER = "winter"
    SPRING = "spring"
    SUMMER = "summer"
    FALL = "fall"


class Part(StrEnum):
    """Thirds of a year, as in "early 2025"."""

    EARLY = "early"
    MID = "mid"
    LATE = "late"


# ---------------------------------------------------------------------------------------
# Calendar arithmetic
# ---------------------------------------------------------------------------------------

_MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_MONTH_ABBR = tuple(name[:3] for name in _MONTH_NAMES)

# (year offset, first month) of each season: winter YEAR starts in December of YEAR-1.
_SEASON_START = {
    Season.WINTER: (-1, 12),
    Season.SPRING: (0, 3),
    Season.SUMMER: (0, 6),
    Season.FALL: (0, 9),
}
_SEASON_BY_MONTH = {month: season for season, (_, month) in _SEASON_START.items()}
_PART_START = {Part.EARLY: 1, Part.MID: 5, Part.LATE: 9}
_PART_BY_MONTH = {month: part for part, month in _PART_START.items()}
_SPAN_MONTHS = {
    Precision.MONTH: 1,
    Precision.QUARTER: 3,
    Precision.SEASON: 3,
    Precision.PART: 4,
    Precision.YEAR: 12,
}
_ALIGNED_MONTHS = {
    Precision.MONTH: set(range(1, 13)),
    Precision.QUARTER: {1, 4, 7, 10},
    Precision.SEASON: set(_SEASON_BY_MONTH),
    Precision.PART: set(_PART_BY_MONTH),
    Precision.YEAR: {1},
}
_PRECISION_WORDS = {
    Precision.EXACT: "exact",
    Precision.DAY: "day",
    Precision.MONTH: "month",
    Precision.QUARTER: "quarter",
    Precision.SEASON: "season",
    Precision.PART: "part of year",
    Precision.YEAR: "year",
    Precision.NONE: "not yet known",
}
_MIN_INSTANT = datetime.min.replace(tzinfo=UTC)


def _month_after(first: date, months: int) -> date:
    """First day of the month `months` after `first`'s month; ranges end the day before."""
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _label_year(precision: Precision, start: date) -> int:
    """The year a user writes: winter that starts in Dec 2024 is "winter 2025"."""
    if precision is Precision.SEASON and start.month == 12:
        return start.year + 1
    return start.year


def _fmt_day(day: date) -> str:
    return f"{day.day} {_MONTH_ABBR[day.month - 1]} {day.year}"


def _fmt_range(start: date, end: date) -> str:
    if start == end:
        return _fmt_day(start)
    if start.year == end.year:
        return f"{start.day} {_MONTH_ABBR[start.month - 1]} – {_fmt_day(end)}"
    return f"{_fmt_day(start)} – {_fmt_day(end)}"


def _fmt_offset(offset: timedelta) -> str:
    """ISO 8601 offset; seconds appear only for historical local mean times."""
    total = int(offset.total_seconds())
    sign = "-" if total < 0 else "+"
    hours, rest = divmod(abs(total), 3600)
    minutes, seconds = divmod(rest, 60)
    text = f"{sign}{hours:02d}:{minutes:02d}"
    return f"{text}:{seconds:02d}" if seconds else text


# ---------------------------------------------------------------------------------------
# Problems and validation
# ---------------------------------------------------------------------------------------


class _Invalid(Exception):
    """One specific problem, phrased to follow 'Could not read "…" as a date:'.

    Kept internal so that parse() can quote the user's text while constructors and
    from_canonical() turn the same problem into their own exception types.
    """

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem

    def sentence(self) -> str:
        return self.problem[:1].upper() + self.problem[1:] + "."


def _as_int(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _Invalid(f"{what} must be a whole number, not {value!r}")
    return value


def _check_year(year: object) -> int:
    year = _as_int(year, "a year")
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise _Invalid(f"Accord takes years from {MIN_YEAR} to {MAX_YEAR}, not {year}")
    return year


def _check_month(month: object) -> int:
    month = _as_int(month, "a month")
    if not 1 <= month <= 12:
        raise _Invalid(f"a month is 1–12, not {month}")
    return month


@cache
def _zone_names() -> dict[str, str]:
    """Lower-case name → IANA name, so that "utc" and "europe/helsinki" are understood."""
    return {name.lower(): name for name in available_timezones()}


def _zone_key(name: str, shown: str | None = None) -> str:
    """The IANA spelling of `name`; `shown` is how the user wrote it, for the message."""
    key = _zone_names().get(name.strip().lower())
    if key is not None:
        return key
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise _Invalid(
            f'"{shown or name}" is not a time zone Accord knows; use a name such as '
            '"Europe/Helsinki", "UTC" or "America/New_York"'
        ) from None
    return name


def _instants(wall: datetime, zone: ZoneInfo) -> list[datetime]:
    """UTC instants that `zone`'s clocks show as `wall`: none in a gap, two in a fold."""
    found: list[datetime] = []
    for fold in (0, 1):
        instant = wall.replace(tzinfo=zone, fold=fold).astimezone(UTC)
        if instant.astimezone(zone).replace(tzinfo=None) == wall and instant not in found:
            found.append(instant)
    return sorted(found)


# ---------------------------------------------------------------------------------------
# Builders (raise _Invalid; the public constructors translate)
# ---------------------------------------------------------------------------------------


def _tbd() -> FlexDate:
    return FlexDate(Precision.NONE)


def _day(year: object, month: object, day: object) -> FlexDate:
    year, month = _check_year(year), _check_month(month)
    day = _as_int(day, "a day")
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        raise _Invalid(f"{_MONTH_NAMES[month - 1]} {year} has no day {day}")
    return FlexDate(Precision.DAY, date(year, month, day))


def _month(year: object, month: object) -> FlexDate:
    year, month = _check_year(year), _check_month(month)
    return FlexDate(Precision.MONTH, date(year, month, 1))


def _quarter(year: object, quarter: object) -> FlexDate:
    year = _check_year(year)
    quarter = _as_int(quarter, "a quarter")
    if not 1 <= quarter <= 4:
        raise _Invalid(f"a quarter is Q1–Q4, not Q{quarter}")
    return FlexDate(Precision.QUARTER, date(year, 3 * quarter - 2, 1))


def _season(year: object, season: object) -> FlexDate:
    year = _check_year(year)
    try:
        season = Season(season)
    except ValueError:
        raise _Invalid(f"a season is winter, spring, summer or fall, not {season!r}") from None
    offset, month = _SEASON_START[season]
    return FlexDate(Precision.SEASON, date(year + offset, month, 1))


def _part(year: object, part: object) -> FlexDate:
    year = _check_year(year)
    try:
        part = Part(part)
    except ValueError:
        raise _Invalid(f"a part of a year is early, mid or late, not {part!r}") from None
    return FlexDate(Precision.PART, date(year, _PART_START[part], 1))


def _year(year: object) -> FlexDate:
    return FlexDate(Precision.YEAR, date(_check_year(year), 1, 1))


def _exact_instant(instant: datetime, key: str) -> FlexDate:
    """Builds from an instant; the wall time is truncated to the minute first."""
    local = instant.astimezone(ZoneInfo(key))
    local = local.replace(second=0, microsecond=0)
    _check_year(local.year)
    return FlexDate(Precision.EXACT, local.date(), local.astimezone(UTC), key)


def _exact_wall(
    wall: datetime,
    key: str,
    *,
    fold: int = 0,
    offset: timedelta | None = None,
    lenient: bool = False,
) -> FlexDate:
    """Builds from a wall-clock time, choosing between two occurrences by fold or offset."""
    _check_year(wall.year)
    zone = ZoneInfo(key)
    wall = wall.replace(second=0, microsecond=0, tzinfo=None, fold=0)
    candidates = _instants(wall, zone)
    shown = f"{wall:%H:%M} on {_fmt_day(wall.date())}"
    if not candidates:
        if not lenient:
            raise _Invalid(f"{shown} does not exist in {key}: the clocks are put forward past it")
        return _exact_instant(wall.replace(tzinfo=zone).astimezone(UTC), key)
    if offset is None:
        return _exact_instant(candidates[min(fold, len(candidates) - 1)], key)
    for candidate in candidates:
        if candidate.astimezone(zone).utcoffset() == offset:
            return _exact_instant(candidate, key)
    if lenient:
        return _exact_instant(candidates[0], key)
    actual = " or ".join(
        "UTC" + _fmt_offset(c.astimezone(zone).utcoffset() or timedelta(0)) for c in candidates
    )
    raise _Invalid(f"{key} is at {actual} at {shown}, not UTC{_fmt_offset(offset)}")


def _exact(dt: object, tz: str | None) -> FlexDate:
    if not isinstance(dt, datetime):
        raise TypeError(f"FlexDate.exact() takes a datetime, not {type(dt).__name__}")
    if dt.tzinfo is None or dt.utcoffset() is None:
        return _exact_wall(dt, _zone_key(tz or DEFAULT_TZ), fold=dt.fold)
    if tz is not None:
        key = _zone_key(tz)
    elif dt.tzinfo is UTC:
        key = "UTC"
    elif isinstance(dt.tzinfo, ZoneInfo) and dt.tzinfo.key:
        key = _zone_key(dt.tzinfo.key)
    else:
        raise _Invalid(
            f'the time zone "{dt.tzname()}" has no IANA name; pass tz="Europe/Helsinki" '
            "or another IANA zone"
        )
    return _exact_instant(dt.astimezone(UTC), key)


# ---------------------------------------------------------------------------------------
# The value type
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, repr=False)
class FlexDate:
    """A milestone's date as far as it is known: a precision and the days it covers.

    Build values with the classmethods or `parse()`; the fields are the storage-neutral
    state (`instant` is the UTC instant of an exact value; its wall time is in `tz`).
    """

    precision: Precision
    start: date | None = None
    instant: datetime | None = None
    tz: str | None = None
    original: str | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        problem = self._inconsistency()
        if problem is not None:
            raise ValueError(f"Inconsistent FlexDate: {problem}")

    def _inconsistency(self) -> str | None:
        """Guards the invariants that equality, hashing and sorting rely on."""
        precision, start = self.precision, self.start
        if not isinstance(precision, Precision):
            return f"precision must be a Precision, not {precision!r}"
        if self.original is not None and not isinstance(self.original, str):
            return "original must be text"
        if precision is Precision.NONE:
            if start is not None or self.instant is not None or self.tz is not None:
                return "a TBD value has no start, instant or zone"
            return None
        if type(start) is not date:
            return f"start must be a date, not {start!r}"
        if not MIN_YEAR <= _label_year(precision, start) <= MAX_YEAR:
            return f"year outside {MIN_YEAR}–{MAX_YEAR}"
        if precision is Precision.EXACT:
            if not isinstance(self.instant, datetime) or self.instant.tzinfo is not UTC:
                return "an exact value needs an instant in UTC"
            try:
                local = self.instant.astimezone(ZoneInfo(str(self.tz)))
            except (ZoneInfoNotFoundError, ValueError, OSError):
                return f"unknown time zone {self.tz!r}"
            if local.date() != start:
                return "start must be the instant's day in its zone"
            if local.second or local.microsecond:
                return "exact values are kept to the minute"
            return None
        if self.instant is not None or self.tz is not None:
            return f"a {precision} value has no instant or zone"
        if precision is Precision.DAY:
            return None
        if start.day != 1 or start.month not in _ALIGNED_MONTHS[precision]:
            return f"{start} does not start a {precision}"
        return None

    # --- constructors -----------------------------------------------------------------

    @classmethod
    def tbd(cls) -> FlexDate:
        """Not yet known: listed apart, never placed on a date."""
        return _tbd()

    @classmethod
    def exact(cls, dt: datetime, tz: str | None = None) -> FlexDate:
        """A moment, to the minute, kept as wall time in an IANA zone.

        A naive `dt` is wall time in `tz` (default Europe/Helsinki); its `fold` picks the
        occurrence of a repeated wall time, and a skipped one is refused. An aware `dt` is
        converted to `tz`, or keeps its own ZoneInfo zone.
        """
        return _public(_exact, dt, tz)

    @classmethod
    def on_day(cls, d: date) -> FlexDate:
        """A whole day; a datetime's time of day is dropped."""
        return _public(_day, d.year, d.month, d.day)

    @classmethod
    def month(cls, year: int, month: int) -> FlexDate:
        return _public(_month, year, month)

    @classmethod
    def quarter(cls, year: int, q: int) -> FlexDate:
        return _public(_quarter, year, q)

    @classmethod
    def season(cls, year: int, season: Season) -> FlexDate:
        """Winter `year` is the winter that ends in `year` (Dec year-1 – Feb year)."""
        return _public(_season, year, season)

    @classmethod
    def part(cls, year: int, part: Part) -> FlexDate:
        return _public(_part, year, part)

    @classmethod
    def year_only(cls, year: int) -> FlexDate:
        return _public(_year, year)

    # --- derived facts ---------------------------------------------------------------

    @property
    def end(self) -> date | None:
        """Last covered day, inclusive, so that a single day has start == end."""
        if self.start is None:
            return None
        if self.precision in (Precision.EXACT, Precision.DAY):
            return self.start
        after = _month_after(self.start, _SPAN_MONTHS[self.precision])
        return after - timedelta(days=1)

    @property
    def start_datetime(self) -> datetime | None:
        """The moment in its own zone (exact values only)."""
        if self.instant is None or self.tz is None:
            return None
        return self.instant.astimezone(ZoneInfo(self.tz))

    @property
    def is_known(self) -> bool:
        return self.precision is not Precision.NONE

    @property
    def is_approximate(self) -> bool:
        """True when the value covers more than one day (month … year)."""
        return self.precision not in (Precision.EXACT, Precision.DAY, Precision.NONE)

    def _occurrence_offset(self) -> timedelta | None:
        """The UTC offset when the wall time occurs twice, else None."""
        local = self.start_datetime
        if local is None:
            return None
        wall = local.replace(tzinfo=None, fold=0)
        if len(_instants(wall, ZoneInfo(str(self.tz)))) < 2:
            return None
        return local.utcoffset()

    def _second_occurrence_suffix(self) -> str:
        """Offset text that marks the second of two equal wall times, else ""."""
        local = self.start_datetime
        offset = self._occurrence_offset()
        if local is None or offset is None:
            return ""
        candidates = _instants(local.replace(tzinfo=None, fold=0), ZoneInfo(str(self.tz)))
        return _fmt_offset(offset) if self.instant == candidates[-1] else ""

    def _label(self) -> tuple[str, int]:
        """The word and year a user writes, e.g. ("fall", 2024) or ("Q1", 2025)."""
        start = self.start
        assert start is not None
        precision = self.precision
        if precision is Precision.QUARTER:
            return f"Q{(start.month - 1) // 3 + 1}", start.year
        if precision is Precision.SEASON:
            return _SEASON_BY_MONTH[start.month].value, _label_year(precision, start)
        if precision is Precision.PART:
            return _PART_BY_MONTH[start.month].value, start.year
        return _MONTH_NAMES[start.month - 1], start.year

    # --- text ------------------------------------------------------------------------

    def to_text(self, *, default_tz: str = DEFAULT_TZ) -> str:
        """English words that parse() reads back to an equal value."""
        precision, start = self.precision, self.start
        if precision is Precision.NONE or start is None:
            return "TBD"
        if precision is Precision.EXACT:
            local = self.start_datetime
            assert local is not None
            text = f"{local:%Y-%m-%d %H:%M}{self._second_occurrence_suffix()}"
            return text if self.tz == default_tz else f"{text} {self.tz}"
        if precision is Precision.DAY:
            return _fmt_day(start)
        if precision is Precision.YEAR:
            return str(start.year)
        word, year = self._label()
        return f"{word} {year}"

    def describe_range(self) -> str:
        """How the value was understood, shown next to the field while the user types."""
        precision, start, end = self.precision, self.start, self.end
        if precision is Precision.NONE or start is None or end is None:
            return "not yet known"
        if precision is Precision.EXACT:
            local = self.start_datetime
            assert local is not None
            zone = str(self.tz)
            offset = self._occurrence_offset()
            if offset is not None:
                zone += f", UTC{_fmt_offset(offset)}"
            return f"{_fmt_day(start)} {local:%H:%M} ({zone}), exact"
        return f"{_fmt_range(start, end)}, {_PRECISION_WORDS[precision]}"

    def canonical(self) -> str:
        """Locale-free storage text; stable, so that it can be compared and indexed."""
        precision, start = self.precision, self.start
        if precision is Precision.NONE or start is None:
            return "TBD"
        if precision is Precision.EXACT:
            local = self.start_datetime
            assert local is not None
            return f"{local:%Y-%m-%dT%H:%M}{self._second_occurrence_suffix()}[{self.tz}]"
        if precision is Precision.DAY:
            return start.isoformat()
        if precision is Precision.MONTH:
            return f"{start:%Y-%m}"
        if precision is Precision.YEAR:
            return f"{start.year:04d}"
        word, year = self._label()
        return f"{year:04d}-{word}"

    @classmethod
    def from_canonical(cls, s: str) -> FlexDate:
        """Reads canonical(); anything else is corrupted data, hence ValueError."""
        if not isinstance(s, str):
            raise ValueError(f"Stored date must be text, not {type(s).__name__}")
        try:
            value = _from_canonical(s)
        except _Invalid as problem:
            raise ValueError(f"Stored date {s!r} is invalid: {problem.problem}") from None
        if value is None:
            raise ValueError(f"Stored date {s!r} is not in Accord's storage form")
        return value

    @classmethod
    def parse(
        cls,
        text: str,
        *,
        reference: date | None = None,
        default_tz: str = DEFAULT_TZ,
    ) -> FlexDate:
        """Reads what a coordinator types, in English, Finnish or Swedish.

        Relative words are resolved against `reference` (default: today) and the wording is
        kept in `original`. Raises ValidationError(field="date") saying what was wrong.
        """
        raw = text.strip()
        if isinstance(reference, datetime):
            reference = reference.date()
        try:
            reader = _Reader(reference or date.today(), _zone_key(default_tz), raw)
            normalized = _normalize(raw)
            result = reader.read(normalized)
            if result is None:
                problem = reader.year_problem(normalized)
                if problem is not None:
                    raise problem
        except _Invalid as problem:
            message = f'Could not read "{raw}" as a date: {problem.problem}.'
            raise ValidationError(FIELD, message) from None
        if result is None:
            message = f'Could not read "{raw}" as a date. Try {EXAMPLES}.'
            raise ValidationError(FIELD, message)
        value, relative = result
        return replace(value, original=raw) if relative else value

    # --- order and ranges ------------------------------------------------------------

    def sort_key(self) -> tuple[int, date, int, datetime, str]:
        """Start day, then narrower first, then instant and zone; TBD last."""
        if self.start is None:
            return (1, date.max, self.precision.rank, _MIN_INSTANT, "")
        return (0, self.start, self.precision.rank, self.instant or _MIN_INSTANT, self.tz or "")

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, FlexDate):
            return NotImplemented
        return self.sort_key() < other.sort_key()

    def __le__(self, other: object) -> bool:
        if not isinstance(other, FlexDate):
            return NotImplemented
        return self.sort_key() <= other.sort_key()

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, FlexDate):
            return NotImplemented
        return self.sort_key() > other.sort_key()

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, FlexDate):
            return NotImplemented
        return self.sort_key() >= other.sort_key()

    def covers(self, d: date) -> bool:
        """Whether day `d` falls in the range; TBD covers nothing."""
        if self.start is None or self.end is None:
            return False
        return self.start <= d <= self.end

    def overlaps(self, start: date, end: date) -> bool:
        """Whether the inclusive range start..end shares a day with this value."""
        if end < start:
            raise ValueError(f"overlaps() needs start <= end, got {start} > {end}")
        if self.start is None or self.end is None:
            return False
        return self.start <= end and start <= self.end

    def __str__(self) -> str:
        return self.to_text()

    def __repr__(self) -> str:
        if self.original is None:
            return f"FlexDate({self.canonical()!r})"
        return f"FlexDate({self.canonical()!r}, original={self.original!r})"


def _public(builder: Callable[..., FlexDate], *args: object) -> FlexDate:
    """Runs a builder for a public constructor, turning a problem into ValidationError."""
    try:
        return builder(*args)
    except _Invalid as problem:
        raise ValidationError(FIELD, problem.sentence()) from None


# ---------------------------------------------------------------------------------------
# Storage form
# ---------------------------------------------------------------------------------------

_CANONICAL_EXACT = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2})"
    r"([+-][0-9]{2}:[0-9]{2}(?::[0-9]{2})?)?\[([A-Za-z0-9_+\-/]+)\]"
)
_CANONICAL_FORMS: tuple[tuple[re.Pattern[str], Callable[..., FlexDate]], ...] = (
    (re.compile(r"TBD"), lambda: _tbd()),
    (re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})"), lambda y, m, d: _day(y, m, d)),
    (re.compile(r"([0-9]{4})-([0-9]{2})"), lambda y, m: _month(y, m)),
    (re.compile(r"([0-9]{4})-Q([0-9])"), lambda y, q: _quarter(y, q)),
    (re.compile(r"([0-9]{4})-(winter|spring|summer|fall)"), lambda y, s: _season(y, s)),
    (re.compile(r"([0-9]{4})-(early|mid|late)"), lambda y, p: _part(y, p)),
    (re.compile(r"([0-9]{4})"), lambda y: _year(y)),
)


def _from_canonical(s: str) -> FlexDate | None:
    match = _CANONICAL_EXACT.fullmatch(s)
    if match is not None:
        year, month, day, hour, minute = (int(g) for g in match.groups()[:5])
        offset_text, zone = match.group(6), match.group(7)
        key = _zone_key(zone)
        if key != zone:
            raise _Invalid(f"time zone {zone!r} is not spelt as in the IANA database")
        try:
            wall = datetime(year, month, day, hour, minute)
        except ValueError as error:
            raise _Invalid(str(error)) from None
        offset = _offset(offset_text) if offset_text else None
        return _exact_wall(wall, key, offset=offset, lenient=True)
    for pattern, build in _CANONICAL_FORMS:
        match = pattern.fullmatch(s)
        if match is not None:
            args = [int(g) if g.isdigit() else g for g in match.groups()]
            return build(*args)
    return None


def _offset(text: str) -> timedelta:
    """Reads "+02:00", "+0200", "-05" or "z"; the offset picks one of two equal wall times."""
    if text.lower() == "z":
        return timedelta(0)
    digits = text[1:].replace(":", "").ljust(6, "0")
    seconds = int(digits[0:2]) * 3600 + int(digits[2:4]) * 60 + int(digits[4:6])
    if int(digits[0:2]) > 23 or int(digits[2:4]) > 59 or int(digits[4:6]) > 59:
        raise _Invalid(f'"{text}" is not a UTC offset')
    return timedelta(seconds=-seconds if text.startswith("-") else seconds)


# ---------------------------------------------------------------------------------------
# Reading what users type
# ---------------------------------------------------------------------------------------


def _words(*groups: tuple[Any, tuple[str, ...]]) -> dict[str, Any]:
    return {word: value for value, words in groups for word in words}


def _month_words() -> dict[str, int]:
    english = [name.lower() for name in _MONTH_NAMES]
    finnish_stems = ["tammi", "helmi", "maalis", "huhti", "touko", "kesä",
                     "heinä", "elo", "syys", "loka", "marras", "joulu"]  # fmt: skip
    swedish = ["januari", "februari", "mars", "april", "maj", "juni",
               "juli", "augusti", "september", "oktober", "november", "december"]  # fmt: skip
    words: dict[str, int] = {}
    for number in range(1, 13):
        words[english[number - 1]] = number
        words[english[number - 1][:3]] = number
        words[swedish[number - 1]] = number
        for ending in ("kuu", "kuuta", "kuussa", "kuun", "kuusta"):
            words[finnish_stems[number - 1] + ending] = number
    words.update({"sept": 9, "okt": 10})
    return words


_MONTH_WORDS = _month_words()
_SEASON_WORDS: dict[str, Season] = _words(
    (Season.SPRING, ("spring", "kevät", "keväällä", "kevään", "keväänä", "vår", "våren")),
    (Season.SUMMER, ("summer", "kesä", "kesällä", "kesän", "kesänä", "sommar", "sommaren")),
    (Season.FALL, ("fall", "autumn", "syksy", "syksyllä", "syksyn", "syksynä", "höst", "hösten")),
    (Season.WINTER, ("winter", "talvi", "talvella", "talven", "talvena", "vinter", "vintern")),
)
_WINTER_WORDS = [word for word, season in _SEASON_WORDS.items() if season is Season.WINTER]
# Swedish has one word for "last <season>": i höstas, i våras.
_LAST_SEASON_WORDS: dict[str, Season] = {
    "våras": Season.SPRING,
    "somras": Season.SUMMER,
    "höstas": Season.FALL,
    "vintras": Season.WINTER,
}
_PART_WORDS: dict[str, Part] = _words(
    (Part.EARLY, ("early", "beginning of", "the beginning of", "start of", "the start of",
                  "alkuvuosi", "alkuvuodesta", "alkuvuonna", "alkuvuoden", "alussa",
                  "alkupuolella", "början av", "i början av")),
    (Part.MID, ("mid", "middle of", "the middle of", "puolivälissä", "mitten av",
                "i mitten av")),
    (Part.LATE, ("late", "end of", "the end of", "loppuvuosi", "loppuvuodesta", "loppuvuonna",
                 "loppuvuoden", "lopussa", "loppupuolella", "slutet av", "i slutet av")),
)  # fmt: skip
_RELATIVE_YEARS: dict[str, int] = _words(
    (1, ("next year", "ensi vuonna", "ensi vuosi", "ensi vuoden", "nästa år", "nästa års")),
    (0, ("this year", "tänä vuonna", "tämä vuosi", "tämän vuoden", "i år", "detta år")),
    (-1, ("last year", "viime vuonna", "viime vuosi", "viime vuoden", "förra året",
          "förra årets")),
)  # fmt: skip
_RELATIVE_WORDS: dict[str, int] = _words(
    (1, ("next", "coming", "the coming", "ensi", "nästa", "kommande")),
    (0, ("this", "tänä", "tämä", "tässä", "i", "denna", "detta")),
    (-1, ("last", "previous", "viime", "förra")),
)
_RELATIVE_UNITS: dict[str, Precision] = _words(
    (Precision.MONTH, ("month", "kuussa", "kuu", "månad", "månaden")),
    (Precision.QUARTER, ("quarter", "neljännes", "neljänneksellä", "kvartal", "kvartalet")),
)
_RELATIVE_DAYS: dict[str, int] = _words(
    (0, ("today", "tänään", "idag", "i dag")),
    (1, ("tomorrow", "huomenna", "imorgon", "i morgon")),
    (-1, ("yesterday", "eilen", "igår", "i går")),
)
_ORDINAL_QUARTERS: dict[str, int] = _words(
    (1, ("first", "1st")), (2, ("second", "2nd")), (3, ("third", "3rd")), (4, ("fourth", "4th"))
)
_TBD_WORDS = frozenset(
    {"", "tbd", "tba", "unknown", "not known", "not yet known", "undated", "?",
     "ei tiedossa", "tuntematon", "okänt", "ej känt", "oklart"}
)  # fmt: skip
_LEADING_WORDS = re.compile(r"(?:in|on|during|i|på|under|den)\s+(?P<rest>.+)")


def _alt(words: Any) -> str:
    """Regex alternation, longest first so that "syksyllä" is not read as "syksy"."""
    return "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))


_MW = rf"(?P<mon>{_alt(_MONTH_WORDS)})\.?"
_SW = rf"(?P<season>{_alt(_SEASON_WORDS)})"
_PW = rf"(?P<part>{_alt(_PART_WORDS)})"
_Y = rf"(?:(?:(?:vuoden|vuonna|year|år)\s+)?(?P<y>\d{{4}})|(?P<ry>{_alt(_RELATIVE_YEARS)}))"
_SEP = r"(?:[-/]|\s+)(?:(?:of|av)\s+)?"
_REL = rf"(?P<rel>{_alt(_RELATIVE_WORDS)})"

# (pattern, _Reader method); each pattern must match the whole normalized text.
_PATTERNS: tuple[tuple[str, str], ...] = (
    (rf"(?P<rd>{_alt(_RELATIVE_DAYS)})", "relative_day"),
    (r"(?P<y>\d{4})[-/](?P<m>\d{1,2})[-/](?P<d>\d{1,2})", "numeric_day"),
    (r"(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4})\.?", "numeric_day"),
    (r"\d{1,2}\.\d{1,2}\.\d{2}", "two_digit_year"),
    (r"\d{1,2}/\d{1,2}/\d{2,4}", "slashed_day"),
    (
        rf"(?P<d>\d{{1,2}})(?:\.|st|nd|rd|th)?(?:\s*|-)(?:of\s+)?{_MW}(?:\s+|-)(?P<y>\d{{4}})",
        "named_day",
    ),
    (rf"{_MW}(?:\s+|-)(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<y>\d{{4}})", "named_day"),
    (rf"{_MW}{_SEP}{_Y}", "named_month"),
    (rf"{_Y}{_SEP}{_MW}", "named_month"),
    (r"(?P<y>\d{4})[-/](?P<m>\d{1,2})", "numeric_month"),
    (r"(?P<m>\d{1,2})[/.](?P<y>\d{4})", "numeric_month"),
    (rf"q(?P<q>\d+)(?:{_SEP})?{_Y}", "quarter"),
    (rf"{_Y}(?:{_SEP})?q(?P<q>\d+)", "quarter"),
    (rf"(?:the\s+)?(?P<oq>{_alt(_ORDINAL_QUARTERS)})\s+quarter{_SEP}{_Y}", "quarter"),
    (
        rf"(?P<season>{_alt(_WINTER_WORDS)}){_SEP}(?P<y1>\d{{4}})[-/](?P<y2>\d{{2}}|\d{{4}})",
        "winter_span",
    ),
    (rf"{_SW}{_SEP}{_Y}", "season"),
    (rf"{_Y}{_SEP}{_SW}", "season"),
    (rf"{_PW}{_SEP}{_Y}", "part"),
    (rf"{_Y}{_SEP}{_PW}", "part"),
    (_Y, "year"),
    (rf"{_REL}\s+{_SW}", "relative_season"),
    (rf"(?:i\s+)?(?P<last>{_alt(_LAST_SEASON_WORDS)})", "last_season"),
    (rf"{_REL}\s+{_MW}", "relative_month"),
    (rf"{_REL}\s+(?P<unit>{_alt(_RELATIVE_UNITS)})", "relative_unit"),
)
_COMPILED = tuple((re.compile(pattern), method) for pattern, method in _PATTERNS)

_TIME_TAIL = re.compile(
    r"""
    (?P<prefix>(?:at|klo|kl\.?|@)\s*)?
    (?P<h>\d{1,2})(?:[:.](?P<mi>\d{2})(?::(?P<s>\d{2}))?)?
    (?:\s*(?P<ampm>[ap]\.?m\.?))?
    (?:\s*(?P<off>z|[+-]\d{2}(?::?\d{2}){0,2}))?
    (?:\s+(?P<zone>[a-z][\w+\-/]*))?
    """,
    re.VERBOSE,
)
_SPACES = dict.fromkeys(map(ord, "\u00a0\u2007\u202f\u2009\t\n\r"), " ")
_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2212"), "-")


def _normalize(text: str) -> str:
    """One spelling per meaning: NFC, lower case, single spaces, ASCII dashes, no commas."""
    text = normalize("NFC", text).translate(_SPACES).translate(_DASHES)
    text = re.sub(r"\[([^\]]*)\]", r" \1 ", text.replace(",", " "))
    text = " ".join(text.split()).lower()
    text = re.sub(r"\s*([-/])\s*", r"\1", text)
    return re.sub(r"(\d)t(\d)", r"\1 \2", text)


class _Reader:
    """Reads one normalized text against a reference date and default zone."""

    def __init__(self, reference: date, default_tz: str, raw: str = "") -> None:
        self.reference = reference
        self.default_tz = default_tz
        self.raw = raw

    def _as_written(self, word: str) -> str:
        """The user's spelling of a word that normalization lower-cased."""
        found = re.search(re.escape(word), self.raw, re.IGNORECASE)
        return found.group() if found else word

    def read(self, text: str) -> tuple[FlexDate, bool] | None:
        """(value, whether relative words were used), or None when nothing matched."""
        if text in _TBD_WORDS:
            return _tbd(), False
        return self._with_time(text) or self._date_only(text)

    def year_problem(self, text: str) -> _Invalid | None:
        """Blames the year when the text would read with a plausible one."""
        bad = [n for n in re.findall(r"\d{4,}", text) if not MIN_YEAR <= int(n) <= MAX_YEAR]
        if not bad:
            return None
        fixed = re.sub(r"\d{4,}", lambda m: "2000" if m.group() in bad else m.group(), text)
        try:
            if self.read(fixed) is None:
                return None
        except _Invalid:
            pass
        return _Invalid(f"Accord takes years from {MIN_YEAR} to {MAX_YEAR}, not {bad[0]}")

    def _date_only(self, text: str) -> tuple[FlexDate, bool] | None:
        candidates = [text]
        leading = _LEADING_WORDS.fullmatch(text)
        if leading is not None:
            candidates.append(leading["rest"])
        for candidate in candidates:
            for pattern, method in _COMPILED:
                match = pattern.fullmatch(candidate)
                if match is not None:
                    result: tuple[FlexDate, bool] = getattr(self, method)(match)
                    return result
        return None

    def _with_time(self, text: str) -> tuple[FlexDate, bool] | None:
        tokens = text.split(" ")
        for split in range(1, len(tokens)):
            match = _TIME_TAIL.fullmatch(" ".join(tokens[split:]))
            if match is None or not (match["mi"] or match["ampm"] or match["prefix"]):
                continue
            day = self._date_only(" ".join(tokens[:split]))
            if day is None:
                continue
            value, relative = day
            if value.precision is not Precision.DAY or value.start is None:
                raise _Invalid('a time of day needs a day to go with it, as in "15.10.2024 14:00"')
            return self._moment(value.start, match), relative
        return None

    def _moment(self, day: date, match: re.Match[str]) -> FlexDate:
        hour, minute = int(match["h"]), int(match["mi"] or 0)
        if match["ampm"]:
            if not 1 <= hour <= 12:
                raise _Invalid(f"with am or pm the hour is 1–12, not {hour}")
            hour = hour % 12 + (12 if match["ampm"].startswith("p") else 0)
        if hour > 23:
            raise _Invalid(f"an hour is 0–23, not {hour}")
        if minute > 59:
            raise _Invalid(f"minutes run from 00 to 59, not {minute}")
        if int(match["s"] or 0) > 59:
            raise _Invalid(f"seconds run from 00 to 59, not {match['s']}")
        wall = datetime.combine(day, time(hour, minute))
        offset = _offset(match["off"]) if match["off"] else None
        if match["zone"]:
            key = _zone_key(match["zone"], self._as_written(match["zone"]))
            return _exact_wall(wall, key, offset=offset)
        if match["off"] == "z":
            return _exact_wall(wall, "UTC")
        if offset is not None:
            return _exact(wall.replace(tzinfo=timezone(offset)), self.default_tz)
        return _exact_wall(wall, self.default_tz)

    # --- pattern handlers --------------------------------------------------------------

    def _year_of(self, match: re.Match[str]) -> tuple[int, bool]:
        groups = match.groupdict()
        if groups.get("y") is not None:
            return int(groups["y"]), False
        return self.reference.year + _RELATIVE_YEARS[groups["ry"]], True

    def relative_day(self, match: re.Match[str]) -> tuple[FlexDate, bool]:
        day = self.reference + timedelta(days=_RELATIVE_DAYS[match["rd"]])
        return _day(day.year, day.month, day.day), True

    def numeric_day(self, match: re.Match[str]) -> tuple[FlexDate, bool]:
        return _day(int(match["y"]), int(match["m"]), int(match["d"])), False

    def two_digit_year(self, match: re.Match[str]) -> tuple[FlexDate, bool]:
        raise _Invalid('write the year with four digits, as in "15.10.2024"')

    def slashed_day(self, match: re.Match[str]) -> tuple[FlexDate, bool]:
        raise _Invalid(
            'a date with slashes can be day/month or month/day; write "15.10.2024" or "2024-10-15"'
        )

    def named_day(self, match: re.Match[str]) -> tuple[FlexDate, bool]:
        return _day(int(match["y"]), _MONTH_WORDS[match["mon"]], int(match["d"])), False

    def named_month(self, match: re.Match[str]) -> tuple[FlexDate, bool]:
        year, relative = self._year_of(match)
        return _month(year, _MONTH_WORDS[match["mon"]]), relative

    def numeric_month(self, match: re.Match[str]) -> tuple[FlexDate, bool]:
        return _month(int(match["y"]), int(match["m"])), False

    def quarter(self, match: re.Match[str]) -> tuple[FlexDate, bool]:
        year, relative = self._year_of(match)
        groups = match.groupdict()
        number = int(groups["q"]) if groups.get("q") else _ORDINAL_QUARTERS[groups["oq"]]
        return _quarter(year, number), relative

    def winter_span(self, match: re.Match[str]) -> tuple[FlexDate, bool]:
        first, second = int(match["y1"]), match["y2"]
        expected = f"{(first + 1) % 100:02d}" if len(second) == 2 else str(first + 1)
        if second != expected:
            raise _Invalid(f'a winter spans two years in a row, as in "winter {first}/{first + 1}"')
        return _season(first + 1, Season.WINTER), False

    def season(self, match: re.Match[str]) -> tuple[FlexDate, bool]:
        year, relative = self._year_of(match)
        return _season(year, _SEASON_WORDS[match["season"]]), relative

    def part(self, match: re.Match[str]) -> tuple[FlexDate, bool]:
        year, relative = self._year_of(match)
        return _part(year, _PART_WORDS[match["part"]]), relative

    def year(self, match: re.Match[str]) -> tuple[FlexDate, bool]:
        year, relative = self._year_of(match)
        return _year(year), relative

    def _occurrence(self, build: Callable[[int], FlexDate], direction: int) -> FlexDate:
        """This/next/last occurrence of a yearly period, as the module docstring defines."""
        ref = self.reference
        candidates: list[FlexDate] = []
        for year in range(ref.year - 1, ref.year + 3):
            try:
                candidates.append(build(year))
            except _Invalid:
                continue
        if direction == 0:
            chosen = [c for c in candidates if c.covers(ref)] or [
                c for c in candidates if c.start is not None and c.start.year == ref.year
            ]
        elif direction > 0:
            chosen = sorted(c for c in candidates if c.start is not None and c.start > ref)
        else:
            chosen = sorted(c for c in candidates if c.end is not None and c.end < ref)[-1:]
        if not chosen:
            raise _Invalid(f"Accord takes years from {MIN_YEAR} to {MAX_YEAR}")
        return chosen[0]

    def relative_season(self, match: re.Match[str]) -> tuple[FlexDate, bool]:
        season = _SEASON_WORDS[match["season"]]
        value = self._occurrence(lambda y: _season(y, season), _RELATIVE_WORDS[match["rel"]])
        return value, True

    def last_season(self, match: re.Match[str]) -> tuple[FlexDate, bool]:
        season = _LAST_SEASON_WORDS[match["last"]]
        return self._occurrence(lambda y: _season(y, season), -1), True

    def relative_month(self, match: re.Match[str]) -> tuple[FlexDate, bool]:
        month = _MONTH_WORDS[match["mon"]]
        value = self._occurrence(lambda y: _month(y, month), _RELATIVE_WORDS[match["rel"]])
        return value, True

    def relative_unit(self, match: re.Match[str]) -> tuple[FlexDate, bool]:
        ref, step = self.reference, _RELATIVE_WORDS[match["rel"]]
        if _RELATIVE_UNITS[match["unit"]] is Precision.MONTH:
            shifted = _month_after(date(ref.year, ref.month, 1), step)
            return _month(shifted.year, shifted.month), True
        first = date(ref.year, (ref.month - 1) // 3 * 3 + 1, 1)
        shifted = _month_after(first, 3 * step)
        return _quarter(shifted.year, (shifted.month - 1) // 3 + 1), True
