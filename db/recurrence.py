"""Repetition rules in plain words: RFC 5545 RRULE values ↔ "every month on the first Tuesday".

An event series stores its rule as an RRULE value (`Milestone.rrule`, without "RRULE:") and
the days it skips as ISO dates (`Milestone.exdates`). Coordinators neither read nor write
RRULE syntax, so this module turns one into English words and back.

The supported subset, which `describe_rule()` and `parse_words()` map one to one:

* DAILY, WEEKLY, MONTHLY, YEARLY, each with an INTERVAL ("every 2 weeks");
* WEEKLY with BYDAY weekdays ("every week on Monday and Thursday", "every weekday");
* MONTHLY with BYDAY ordinals ("on the first Tuesday", "every last Friday") or BYMONTHDAY
  ("on day 15", "on the last day");
* an end: COUNT ("5 times") or UNTIL ("until 30 Jun 2025", "until the end of June 2025").

A rule outside the subset (from an imported calendar, say) is described by its own RRULE
text, which `parse_words()` accepts as well, so no rule is ever lost in a round trip.

Canonical form (what `parse_words()` returns and the round-trip test relies on): parts in
the order FREQ, INTERVAL (left out when 1), BYDAY (Monday first; for one weekday, ordinals
in calendar order: 1…5, -2, -1), BYMONTHDAY (ascending, -1 last), then COUNT or UNTIL.
UNTIL follows RFC 5545: for a series that starts at an exact time it is a UTC date-time,
the end of the named day (23:59:59) in the start's time zone; for an all-day or
approximate start it is a DATE. An exact "until" time ("until 2025-06-30 12:00") is kept
as that instant.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from dateutil.rrule import rrule, rrulestr

from db.dates import FlexDate, Precision
from db.errors import ValidationError
from db.validation import check_recurrence

FIELD = "rrule"
EXCEPTIONS_FIELD = "exdates"

WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_WORKDAYS = ("MO", "TU", "WE", "TH", "FR")
_ORDINAL_NAMES = {
    1: "first",
    2: "second",
    3: "third",
    4: "fourth",
    5: "fifth",
    -1: "last",
    -2: "second to last",
}
_UNITS = {
    "DAILY": ("day", "days"),
    "WEEKLY": ("week", "weeks"),
    "MONTHLY": ("month", "months"),
    "YEARLY": ("year", "years"),
}
_ADVERBS = {"DAILY": "daily", "WEEKLY": "weekly", "MONTHLY": "monthly", "YEARLY": "yearly"}

EXAMPLES = (
    '"every month on the first Tuesday, until June 2025", "every 2 weeks on Monday", '
    '"every last Friday", "monthly on day 15, 6 times", "yearly" or "every weekday"'
)


# ---------------------------------------------------------------------------------------
# The rule as parts
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Rule:
    freq: str
    interval: int = 1
    byday: tuple[tuple[int, str], ...] = ()  # (ordinal, weekday); ordinal 0 = every
    bymonthday: tuple[int, ...] = ()
    count: int | None = None
    until: str | None = None

    def value(self) -> str:
        parts = [f"FREQ={self.freq}"]
        if self.interval != 1:
            parts.append(f"INTERVAL={self.interval}")
        if self.byday:
            parts.append("BYDAY=" + ",".join(f"{o or ''}{d}" for o, d in self.byday))
        if self.bymonthday:
            parts.append("BYMONTHDAY=" + ",".join(str(n) for n in self.bymonthday))
        if self.count is not None:
            parts.append(f"COUNT={self.count}")
        if self.until is not None:
            parts.append(f"UNTIL={self.until}")
        return ";".join(parts)


def _byday_key(item: tuple[int, str]) -> tuple[int, int]:
    ordinal, day = item
    return WEEKDAYS.index(day), ordinal if ordinal >= 0 else 10 + ordinal


def _monthday_key(n: int) -> int:
    return n if n > 0 else 100 - n


_BYDAY_ITEM = re.compile(r"([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)")


def _read(text: str) -> _Rule | None:
    """The parts of a rule in the supported subset, or None (described by its own text)."""
    parts: dict[str, str] = {}
    for chunk in text.split(";"):
        if "=" not in chunk:
            return None
        key, _, value = chunk.partition("=")
        if key in parts:
            return None
        parts[key] = value
    freq = parts.pop("FREQ", None)
    if freq not in _UNITS:
        return None
    try:
        interval = int(parts.pop("INTERVAL", "1"))
        count = int(parts["COUNT"]) if "COUNT" in parts else None
    except ValueError:
        return None
    parts.pop("COUNT", None)
    until = parts.pop("UNTIL", None)
    byday: list[tuple[int, str]] = []
    for item in filter(None, parts.pop("BYDAY", "").split(",")):
        match = _BYDAY_ITEM.fullmatch(item)
        if match is None:
            return None
        ordinal = int(match.group(1) or 0)
        if ordinal not in (0, *_ORDINAL_NAMES):
            return None
        byday.append((ordinal, match.group(2)))
    try:
        monthdays = [int(n) for n in filter(None, parts.pop("BYMONTHDAY", "").split(","))]
    except ValueError:
        return None
    if parts.get("WKST") == "MO":  # the default week start says nothing
        del parts["WKST"]
    if parts or interval < 1 or (count is not None and count < 1):
        return None
    if count is not None and until is not None:
        return None
    if len(set(byday)) != len(byday) or len(set(monthdays)) != len(monthdays):
        return None
    ordinals = {o for o, _ in byday}
    if freq == "WEEKLY" and (monthdays or ordinals - {0}):
        return None
    if freq == "MONTHLY":
        if byday and (monthdays or 0 in ordinals):
            return None
        if any(not (1 <= n <= 31 or n == -1) for n in monthdays):
            return None
    if freq in ("DAILY", "YEARLY") and (byday or monthdays):
        return None
    if until is not None and not re.fullmatch(r"\d{8}(T\d{6}Z?)?", until):
        return None
    return _Rule(
        freq,
        interval,
        tuple(sorted(byday, key=_byday_key)),
        tuple(sorted(monthdays, key=_monthday_key)),
        count,
        until,
    )


# ---------------------------------------------------------------------------------------
# Rule → words
# ---------------------------------------------------------------------------------------


def _join(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _every(rule: _Rule) -> str:
    one, many = _UNITS[rule.freq]
    return f"every {one}" if rule.interval == 1 else f"every {rule.interval} {many}"


def _monthly_days(byday: Sequence[tuple[int, str]]) -> str:
    weekdays = {d for _, d in byday}
    if len(byday) > 1 and len(weekdays) == 1:
        ordinals = [_ORDINAL_NAMES[o] for o, _ in byday]
        return f"the {_join(ordinals)} {_DAY_NAMES[WEEKDAYS.index(byday[0][1])]}"
    return _join([f"the {_ORDINAL_NAMES[o]} {_DAY_NAMES[WEEKDAYS.index(d)]}" for o, d in byday])


def _monthdays(days: Sequence[int]) -> str:
    if tuple(days) == (-1,):
        return "the last day"
    words = [str(n) if n > 0 else "the last day" for n in days]
    return ("day " if len(words) == 1 else "days ") + _join(words)


def _zone(start: FlexDate) -> ZoneInfo:
    return (
        ZoneInfo(start.tz) if start.precision is Precision.EXACT and start.tz else ZoneInfo("UTC")
    )


def _until_local(until: str, start: FlexDate) -> datetime | date:
    """UNTIL as a date (DATE form) or as a wall time in the start's zone."""
    if len(until) == 8:
        return datetime.strptime(until, "%Y%m%d").date()
    moment = datetime.strptime(until.rstrip("Z"), "%Y%m%dT%H%M%S")
    if until.endswith("Z"):
        return moment.replace(tzinfo=UTC).astimezone(_zone(start)).replace(tzinfo=None)
    return moment


def _day_words(day: date) -> str:
    if day.day == calendar.monthrange(day.year, day.month)[1]:
        return "the end of " + FlexDate.month(day.year, day.month).to_text()
    return FlexDate.on_day(day).to_text()


def _until_words(until: str, start: FlexDate) -> str:
    local = _until_local(until, start)
    if isinstance(local, datetime):
        if local.time() == time(23, 59, 59):
            return _day_words(local.date())
        if start.precision is Precision.EXACT and start.tz:
            value = FlexDate.exact(local.replace(second=0), start.tz)
            return value.to_text(default_tz=start.tz)
        return _day_words(local.date())
    return _day_words(local)


def describe_rule(rrule_value: str, start: FlexDate, exdates: Iterable[str] = ()) -> str:
    """English words for a rule: "every month on the first Tuesday, until …, except …".

    A rule outside the supported subset is returned as its own RRULE text.
    """
    text = (rrule_value or "").strip()
    if text.upper().startswith("RRULE:"):
        text = text[6:]
    text = text.upper()
    rule = _read(text)
    if rule is None:
        words = text
    else:
        if (
            rule.freq == "WEEKLY"
            and rule.interval == 1
            and rule.byday == tuple((0, d) for d in _WORKDAYS)
        ):
            words = "every weekday"
        else:
            words = _every(rule)
            if rule.byday and rule.freq == "WEEKLY":
                words += " on " + _join([_DAY_NAMES[WEEKDAYS.index(d)] for _, d in rule.byday])
            elif rule.byday:
                words += " on " + _monthly_days(rule.byday)
            elif rule.bymonthday:
                words += " on " + _monthdays(rule.bymonthday)
        if rule.count is not None:
            words += ", once" if rule.count == 1 else f", {rule.count} times"
        if rule.until is not None:
            words += ", until " + _until_words(rule.until, start)
    skipped = sorted(set(exdates))
    if skipped:
        words += ", except " + _join(
            [FlexDate.on_day(date.fromisoformat(d)).to_text() for d in skipped]
        )
    return words


# ---------------------------------------------------------------------------------------
# Words → rule
# ---------------------------------------------------------------------------------------

_DAY_WORDS: dict[str, str] = {}
for _code, _name in zip(WEEKDAYS, _DAY_NAMES, strict=True):
    _lower = _name.lower()
    for _word in {_lower, _lower + "s", _lower[:3], _lower[:3] + "s"}:
        _DAY_WORDS[_word] = _code
_DAY_WORDS.update({"tues": "TU", "weds": "WE", "thur": "TH", "thurs": "TH"})

_ORDINAL_WORDS = {
    "first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4,
    "fifth": 5, "5th": 5, "last": -1, "final": -1, "second to last": -2, "second-to-last": -2,
    "second last": -2, "next to last": -2, "penultimate": -2,
}  # fmt: skip
_NUMBER_WORDS = {
    "other": 2, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}  # fmt: skip


def _alt(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_DAY = rf"(?:{_alt(_DAY_WORDS)})"
_ORD = rf"(?:{_alt(_ORDINAL_WORDS)})"
_NUM = rf"(?:\d+|{_alt(_NUMBER_WORDS)})"
_AND = r"(?:\s+and\s+|\s+&\s+|\s+)"
_DAYS = rf"{_DAY}(?:{_AND}{_DAY})*"
_ORD_DAY = rf"(?:the\s+)?{_ORD}(?:{_AND}(?:the\s+)?{_ORD})*\s+{_DAY}"
_ORD_DAYS = rf"{_ORD_DAY}(?:{_AND}{_ORD_DAY})*"
_MONTHDAY = r"(?:the\s+)?(?:\d{1,2}(?:st|nd|rd|th)?|last\s+day)"
_MONTHDAYS = rf"(?:days?\s+|the\s+)?{_MONTHDAY}(?:{_AND}(?:the\s+)?{_MONTHDAY})*"
_EACH_MONTH = r"(?:of\s+(?:the|every|each)\s+month|a\s+month|each\s+month|every\s+month)"
_EVERY_PERIOD = r"(?:every|each)"


def _interval(word: str | None) -> int:
    if not word:
        return 1
    return int(word) if word.isdigit() else _NUMBER_WORDS[word]


def _weekdays(text: str) -> tuple[tuple[int, str], ...]:
    found = {_DAY_WORDS[w] for w in re.findall(_DAY, text)}
    return tuple(sorted(((0, d) for d in found), key=_byday_key))


def _ordinal_days(text: str) -> tuple[tuple[int, str], ...]:
    items: set[tuple[int, str]] = set()
    for group in re.finditer(_ORD_DAY, text):
        words = group.group()
        day = _DAY_WORDS[re.findall(_DAY, words)[-1]]
        head = words[: words.rfind(re.findall(_DAY, words)[-1])]
        for ordinal in re.findall(_ORD, head):
            items.add((_ORDINAL_WORDS[ordinal], day))
    return tuple(sorted(items, key=_byday_key))


def _month_days(text: str) -> tuple[int, ...]:
    days = {int(n) for n in re.findall(r"\d{1,2}", text)}
    if re.search(r"last\s+day", text):
        days.add(-1)
    for n in days:
        if not (1 <= n <= 31 or n == -1):
            raise ValueError(n)
    return tuple(sorted(days, key=_monthday_key))


def _frequency(text: str) -> _Rule | None:
    """The rule without its end, from normalized words; None when not understood."""

    def full(pattern: str) -> re.Match[str] | None:
        return re.fullmatch(pattern, text)

    if full(r"(?:every\s+day|daily|each\s+day|once\s+a\s+day)"):
        return _Rule("DAILY")
    if m := full(rf"every\s+(?P<n>{_NUM})\s+days?"):
        return _Rule("DAILY", _interval(m["n"]))
    if full(r"(?:(?:on\s+)?every\s+(?:weekday|working\s+day|work\s+day)|(?:on\s+)?weekdays)"):
        return _Rule("WEEKLY", byday=tuple((0, d) for d in _WORKDAYS))
    if m := full(
        rf"(?:every\s+week|weekly|each\s+week|once\s+a\s+week)(?:\s+on\s+(?P<days>{_DAYS}))?"
    ):
        return _Rule("WEEKLY", byday=_weekdays(m["days"] or ""))
    if m := full(rf"every\s+(?P<n>{_NUM})\s+weeks?(?:\s+on\s+(?P<days>{_DAYS}))?"):
        return _Rule("WEEKLY", _interval(m["n"]), _weekdays(m["days"] or ""))
    if m := full(rf"(?:every|each|on)\s+(?P<days>{_DAYS})"):
        return _Rule("WEEKLY", byday=_weekdays(m["days"]))
    monthly = (
        rf"(?:every\s+month|monthly|each\s+month|once\s+a\s+month|every\s+(?P<n>{_NUM})\s+months?)"
    )
    if m := full(monthly):
        return _Rule("MONTHLY", _interval(m["n"]))
    if m := full(rf"{monthly}\s+on\s+(?P<days>{_ORD_DAYS})"):
        return _Rule("MONTHLY", _interval(m["n"]), _ordinal_days(m["days"]))
    if m := full(rf"{monthly}\s+on\s+(?P<days>{_MONTHDAYS})"):
        return _Rule("MONTHLY", _interval(m["n"]), bymonthday=_month_days(m["days"]))
    if m := full(rf"(?:{_EVERY_PERIOD}|on)\s+(?P<days>{_ORD_DAYS})(?:\s+{_EACH_MONTH})?"):
        return _Rule("MONTHLY", byday=_ordinal_days(m["days"]))
    if m := full(rf"on\s+(?P<days>{_MONTHDAYS})\s+{_EACH_MONTH}"):
        return _Rule("MONTHLY", bymonthday=_month_days(m["days"]))
    if full(r"(?:every\s+year|yearly|annually|each\s+year|once\s+a\s+year)"):
        return _Rule("YEARLY")
    if m := full(rf"every\s+(?P<n>{_NUM})\s+years?"):
        return _Rule("YEARLY", _interval(m["n"]))
    return None


def _normalize(text: str) -> str:
    text = text.lower().replace(",", " ").replace(";", " ")
    text = " ".join(text.split()).rstrip(".").strip()
    return re.sub(r"^(?:repeats?|recurs?|repeating|it\s+repeats)\s+", "", text)


def _not_understood(raw: str) -> ValidationError:
    return ValidationError(FIELD, f'Could not read "{raw}" as a repetition. Try {EXAMPLES}.')


def _until_value(words: str, start: FlexDate) -> str:
    """UNTIL for "until <words>": the end of the named day (see the module docstring)."""
    default_tz = start.tz if start.precision is Precision.EXACT and start.tz else None
    value: FlexDate | None = None
    first_error: ValidationError | None = None
    candidates = [words]
    stripped = re.sub(r"^(?:the\s+)?end\s+of\s+", "", words)
    if stripped != words:
        candidates.append(stripped)
    for candidate in candidates:
        try:
            if default_tz is not None:
                value = FlexDate.parse(candidate, reference=start.start, default_tz=default_tz)
            else:
                value = FlexDate.parse(candidate, reference=start.start)
            break
        except ValidationError as exc:
            first_error = first_error or exc
    if value is None:
        assert first_error is not None
        raise ValidationError(FIELD, f"The end of the repetition: {first_error.message}")
    if not value.is_known or value.end is None:
        raise ValidationError(
            FIELD, 'The repetition needs a known end date, as in "until June 2025", or no end.'
        )
    if start.precision is Precision.EXACT and start.tz:
        zone = ZoneInfo(start.tz)
        if value.precision is Precision.EXACT and value.instant is not None:
            moment = value.instant
        else:
            moment = datetime.combine(value.end, time(23, 59, 59), zone).astimezone(UTC)
        return moment.strftime("%Y%m%dT%H%M%SZ")
    if value.precision is Precision.EXACT and value.start_datetime is not None:
        return value.start_datetime.date().strftime("%Y%m%d")
    return value.end.strftime("%Y%m%d")


def parse_words(text: str, start: FlexDate) -> str:
    """The RRULE value for plain words such as "every month on the first Tuesday, 6 times".

    Raises ValidationError(field="rrule") with an example when the words are not
    understood or the rule cannot apply to `start`. RRULE text ("FREQ=…") is accepted too.
    An ", except …" tail is left to `parse_exceptions()`.
    """
    raw = (text or "").strip()
    if not raw:
        raise ValidationError(FIELD, f"Type how the milestone repeats, for example {EXAMPLES}.")
    head = re.split(r"\bexcept\b", raw, maxsplit=1, flags=re.IGNORECASE)[0]
    if "FREQ=" in head.upper():
        return check_recurrence(FIELD, head.strip().rstrip(",").strip(), start)
    words = _normalize(head)
    count: int | None = None
    until: str | None = None
    match = re.search(r"\s*\b(?:until|till|through|up\s+to)\s+(?P<date>.+)$", words)
    if match is not None:
        words = words[: match.start()].strip()
        if not match["date"].strip():
            raise _not_understood(raw)
    count_match = re.search(
        rf"\s*(?:\bfor\s+)?\b(?P<n>{_NUM})\s+(?:times?|occurrences?)$|\s*\bonce$", words
    )
    if count_match is not None and words[: count_match.start()].strip():
        words, count = (
            words[: count_match.start()].strip(),
            _interval(count_match["n"]) if count_match["n"] else 1,
        )
    if match is not None and count is not None:
        raise ValidationError(
            FIELD, "A repetition ends either after a number of times or on a date, not both."
        )
    try:
        rule = _frequency(words)
    except ValueError:
        rule = None
    if rule is None:
        raise _not_understood(raw)
    if rule.interval < 1 or (count is not None and count < 1):
        raise ValidationError(FIELD, "Repeat at least once, and every 1 or more periods.")
    if not start.is_known:
        raise ValidationError(
            FIELD, "An undated milestone cannot repeat. Enter the date of the first occurrence."
        )
    if match is not None:
        until = _until_value(match["date"].strip(), start)
    rule = _Rule(rule.freq, rule.interval, rule.byday, rule.bymonthday, count, until)
    value = check_recurrence(FIELD, rule.value(), start)
    first = occurrences(value, start, limit=1)
    if not first:
        raise ValidationError(
            FIELD,
            f"The repetition ends ({_until_words(until or '', start)}) before the series "
            f"starts ({start.to_text()}). Enter a later end.",
        )
    return value


def rebase(rrule_value: str, old_start: FlexDate, new_start: FlexDate) -> str:
    """The same repetition for a new start (UNTIL changes form between timed and all-day).

    Raises ValidationError(field="rrule") when the rule cannot apply to the new start.
    """
    return parse_words(describe_rule(rrule_value, old_start), new_start)


def parse_exceptions(text: str, start: FlexDate | None = None) -> list[str]:
    """ISO dates from "1 Apr 2025 and 6 May 2025" (or the ", except …" tail of words)."""
    raw = (text or "").strip()
    parts = re.split(r"\bexcept\b", raw, maxsplit=1, flags=re.IGNORECASE)
    tail = parts[1] if len(parts) == 2 else (raw if not _looks_like_rule(raw) else "")
    days: list[str] = []
    for item in re.split(r"\s*(?:,|;|\band\b)\s*", tail):
        item = item.strip().rstrip(".")
        if not item:
            continue
        reference = start.start if start is not None else None
        try:
            value = FlexDate.parse(item, reference=reference)
        except ValidationError as exc:
            raise ValidationError(EXCEPTIONS_FIELD, exc.message) from None
        day = value.start_datetime.date() if value.start_datetime else value.start
        if value.precision not in (Precision.DAY, Precision.EXACT) or day is None:
            raise ValidationError(
                EXCEPTIONS_FIELD,
                f'An exception is one day, such as "1 Apr 2025"; "{item}" is not a single day.',
            )
        if day.isoformat() not in days:
            days.append(day.isoformat())
    return sorted(days)


def _looks_like_rule(text: str) -> bool:
    words = _normalize(text)
    return bool(re.match(r"(?:every|each|daily|weekly|monthly|yearly|annually|on\s)", words))


# ---------------------------------------------------------------------------------------
# Expanding a series
# ---------------------------------------------------------------------------------------


def _anchor(start: FlexDate) -> datetime:
    local = start.start_datetime
    if start.precision is Precision.EXACT and local is not None:
        return local
    assert start.start is not None
    return datetime.combine(start.start, time())


def _expander(rrule_value: str, start: FlexDate) -> rrule:
    text = rrule_value.strip()
    if text.upper().startswith("RRULE:"):
        text = text[6:]
    return rrulestr("RRULE:" + text.upper(), dtstart=_anchor(start))  # type: ignore[return-value]


def occurrences(
    rrule_value: str,
    start: FlexDate,
    exdates: Iterable[str] = (),
    *,
    after: date | None = None,
    limit: int = 5,
    until: date | None = None,
) -> list[datetime | date]:
    """The next `limit` occurrences on or after `after` (default: from the start), and
    none after the day `until`.

    Exact series give wall times in their zone; others give dates. Excepted days are left
    out. An undated or unreadable series has none. The rule is walked once from its start
    (`xafter`): asking `after()` for each next occurrence walked it again every time.
    """
    if not start.is_known or not rrule_value:
        return []
    try:
        rule = _expander(rrule_value, start)
    except (ValueError, TypeError):
        return []
    skipped = set(exdates)
    anchor = _anchor(start)
    moment = anchor
    if after is not None:
        if anchor.tzinfo is not None:
            moment = datetime.combine(after, time(), anchor.tzinfo)
        else:
            moment = datetime.combine(after, time())
        moment = max(moment, anchor)
    found: list[datetime | date] = []
    exact = start.precision is Precision.EXACT
    guard = limit + len(skipped) + 1000
    for seen, current in enumerate(rule.xafter(moment, inc=True)):
        day = current.date()
        if len(found) >= limit or seen >= guard or (until is not None and day > until):
            break
        if day.isoformat() not in skipped:
            found.append(current if exact else day)
    return found


def last_occurrence(rrule_value: str, start: FlexDate, exdates: Iterable[str] = ()) -> date | None:
    """The day of the last occurrence, or None when the series does not end."""
    if not start.is_known or not rrule_value:
        return None
    try:
        rule = _expander(rrule_value, start)
    except (ValueError, TypeError):
        return None
    if "COUNT=" not in rrule_value.upper() and "UNTIL=" not in rrule_value.upper():
        return None
    skipped = set(exdates)
    days = [d.date() for d in rule if d.date().isoformat() not in skipped]
    return days[-1] if days else None


def occurs_between(
    rrule_value: str, start: FlexDate, exdates: Iterable[str], first: date, last: date | None
) -> bool:
    """Whether an occurrence falls on a day from `first` to `last` (None: no upper bound)."""
    found = occurrences(rrule_value, start, exdates, after=first, limit=1)
    if not found:
        return False
    day = found[0] if not isinstance(found[0], datetime) else found[0].date()
    return last is None or day <= last


def is_occurrence(rrule_value: str, start: FlexDate, day: date) -> bool:
    """Whether the series has an occurrence on `day` (ignoring exceptions)."""
    found = occurrences(rrule_value, start, (), after=day, limit=1)
    if not found:
        return False
    hit = found[0] if not isinstance(found[0], datetime) else found[0].date()
    return hit == day
