"""VTIMEZONE components in rule form, computed from the IANA zone (DOMAIN.md items 1, 12).

Outlook ignores RDATE in a VTIMEZONE, and Thunderbird's ical.js and vobject read only the
first date of an RDATE list, so instances after a spring clock change come out an hour
late. We therefore never write RDATE lists (icalendar's `add_missing_timezones()` does).
Instead the zone's real transitions, read from zoneinfo for the years in use, are turned
into yearly rules: one DAYLIGHT and one STANDARD observance with
`RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU`, the form every client reads.

When a zone changed its rules inside the range, each stretch of years with one rule gets
its own pair of observances, the earlier ones ended by a UTC `UNTIL`; a year that follows
no rule (a one-off change) gets observances with a DTSTART only. Both stay RDATE-free.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from desktop.ics.text import fmt_local, fmt_offset, fmt_utc

_DAY = timedelta(days=1)
_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
#: Years analysed beyond the last one used, so that a rule seen in one year only is
#: confirmed (last Sunday, not 5th Sunday) and the open-ended rule matches a bit longer.
_LOOKAHEAD = 2


@dataclass(frozen=True, slots=True)
class Transition:
    """A change of UTC offset: the instant, and what the clocks show just before it."""

    at: datetime  # UTC
    before: timedelta
    after: timedelta
    name: str  # abbreviation after the change (EET, EEST)

    @property
    def wall(self) -> datetime:
        """The local wall time the change happens at, in the offset before it (RFC 5545)."""
        return (self.at + self.before).replace(tzinfo=None)

    def shape(self) -> tuple[int, int, time, timedelta, timedelta, str]:
        wall = self.wall
        return (wall.month, wall.weekday(), wall.time(), self.before, self.after, self.name)

    def day_rules(self) -> frozenset[tuple[str, int]]:
        """Ways to name the day in a yearly rule: last weekday, nth weekday, day of month."""
        wall = self.wall
        rules = {("nth", (wall.day - 1) // 7 + 1), ("monthday", wall.day)}
        if wall.day + 7 > calendar.monthrange(wall.year, wall.month)[1]:
            rules.add(("last", -1))
        return frozenset(rules)


def _offset_at(zone: ZoneInfo, instant: datetime) -> timedelta:
    return instant.astimezone(zone).utcoffset() or timedelta(0)


@cache
def transitions(key: str, year: int) -> tuple[Transition, ...]:
    """Every offset change of zone `key` during `year` (UTC), found by scanning and bisection."""
    zone = ZoneInfo(key)
    first = datetime(year, 1, 1, tzinfo=UTC)
    last = datetime(year + 1, 1, 1, tzinfo=UTC)
    found: list[Transition] = []
    lo, lo_offset = first, _offset_at(zone, first)
    while lo < last:
        hi = min(lo + _DAY, last)
        hi_offset = _offset_at(zone, hi)
        if hi_offset != lo_offset:
            a, b = lo, hi  # offset(a) == lo_offset, offset(b) != lo_offset
            while b - a > timedelta(seconds=1):
                mid = a + (b - a) / 2
                mid = mid.replace(microsecond=0)
                if mid <= a:
                    break
                if _offset_at(zone, mid) == lo_offset:
                    a = mid
                else:
                    b = mid
            name = b.astimezone(zone).tzname() or ""
            found.append(Transition(b, lo_offset, _offset_at(zone, b), name))
        lo, lo_offset = hi, hi_offset
    return tuple(found)


@dataclass(frozen=True, slots=True)
class _Observance:
    daylight: bool
    start: Transition
    rrule: str | None = None


def _is_rule_year(found: tuple[Transition, ...]) -> bool:
    """Two changes that go there and back: the usual daylight-saving year."""
    return (
        len(found) == 2
        and found[0].after == found[1].before
        and found[1].after == found[0].before
        and found[0].after != found[0].before
    )


def _rule_text(t: Transition, day_rule: tuple[str, int], until: datetime | None) -> str:
    wall = t.wall
    text = f"FREQ=YEARLY;BYMONTH={wall.month};"
    kind, n = day_rule
    if kind == "monthday":
        text += f"BYMONTHDAY={n}"
    else:
        text += f"BYDAY={n}{_WEEKDAYS[wall.weekday()]}"
    if until is not None:
        text += f";UNTIL={fmt_utc(until)}"
    return text


def _pick(rules: frozenset[tuple[str, int]]) -> tuple[str, int]:
    """Prefer "last Sunday" over "5th Sunday" and either over a fixed day of the month."""
    for kind in ("last", "nth", "monthday"):
        for rule in sorted(rules):
            if rule[0] == kind:
                return rule
    raise ValueError("no day rule")


def observances(key: str, first_year: int, last_year: int) -> list[_Observance]:
    """The onsets that describe zone `key` for events in first_year..last_year.

    Analysis starts a year early so that events in January follow an onset, and the last
    group of rule years stays open-ended (no UNTIL), as clients expect.
    """
    years = list(range(first_year - 1, last_year + 1 + _LOOKAHEAD))
    per_year = [(y, transitions(key, y)) for y in years]
    # Group consecutive rule years that share month, weekday, time, offsets and a day rule.
    groups: list[tuple[list[tuple[Transition, Transition]], list[frozenset[tuple[str, int]]]]] = []
    singles: list[list[Transition]] = []  # irregular years, kept in order via markers
    sequence: list[tuple[str, int]] = []  # ("group" | "single" | "gap", index)
    for _year, found in per_year:
        if not found:  # a year without changes ends any rule: DST may have been dropped
            if sequence and sequence[-1][0] != "gap":
                sequence.append(("gap", -1))
            continue
        if _is_rule_year(found):
            a, b = found
            if sequence and sequence[-1][0] == "group":
                pairs, rules = groups[sequence[-1][1]]
                last_a, last_b = pairs[-1]
                common = [rules[0] & a.day_rules(), rules[1] & b.day_rules()]
                if last_a.shape() == a.shape() and last_b.shape() == b.shape() and all(common):
                    pairs.append((a, b))
                    groups[sequence[-1][1]] = (pairs, common)
                    continue
            groups.append(([(a, b)], [a.day_rules(), b.day_rules()]))
            sequence.append(("group", len(groups) - 1))
        else:
            singles.append(list(found))
            sequence.append(("single", len(singles) - 1))
    out: list[_Observance] = []
    for position, (kind, index) in enumerate(sequence):
        final = position == len(sequence) - 1
        if kind == "gap":
            continue
        if kind == "single":
            for t in singles[index]:
                out.append(_Observance(t.after > t.before, t))
            continue
        pairs, rules = groups[index]
        if len(pairs) == 1 and not final:
            for t in pairs[0]:
                out.append(_Observance(t.after > t.before, t))
            continue
        for column in (0, 1):
            first = pairs[0][column]
            # A day after the last onset: readers that compare a UTC UNTIL with the local
            # onset time (dateutil, hence icalendar) would otherwise drop that onset.
            until = None if final else pairs[-1][column].at + _DAY
            rule = _rule_text(first, _pick(rules[column]), until)
            out.append(_Observance(first.after > first.before, first, rule))
    return out


def vtimezone(key: str, first_year: int, last_year: int) -> list[str]:
    """The unfolded content lines of one VTIMEZONE for zone `key`."""
    lines = ["BEGIN:VTIMEZONE", f"TZID:{key}", f"X-LIC-LOCATION:{key}"]
    found = observances(key, first_year, last_year)
    if not found:  # a zone without changes in range: one fixed STANDARD observance
        zone = ZoneInfo(key)
        start = datetime(first_year - 1, 1, 1, tzinfo=UTC)
        offset = _offset_at(zone, start)
        lines += [
            "BEGIN:STANDARD",
            f"TZOFFSETFROM:{fmt_offset(offset)}",
            f"TZOFFSETTO:{fmt_offset(offset)}",
            f"TZNAME:{start.astimezone(zone).tzname() or key}",
            f"DTSTART:{fmt_local((start + offset).replace(tzinfo=None))}",
            "END:STANDARD",
        ]
    for obs in found:
        block = "DAYLIGHT" if obs.daylight else "STANDARD"
        t = obs.start
        lines += [
            f"BEGIN:{block}",
            f"TZOFFSETFROM:{fmt_offset(t.before)}",
            f"TZOFFSETTO:{fmt_offset(t.after)}",
            f"TZNAME:{t.name}",
            f"DTSTART:{fmt_local(t.wall)}",
        ]
        if obs.rrule:
            lines.append(f"RRULE:{obs.rrule}")
        lines.append(f"END:{block}")
    lines.append("END:VTIMEZONE")
    return lines
