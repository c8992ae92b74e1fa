"""Calendar import: read an .ics file, compare it with our records, apply it in one step.

Reading is forgiving where the meaning is clear and strict where it is not:

* forgiving: LF or CR line ends, a UTF-8 BOM, Latin-1 / Windows-1252 text, a fold inside a
  UTF-8 character, blank lines, Windows time-zone names ("FLE Standard Time"), "/vendor/"
  TZIDs, a custom TZID whose VTIMEZONE matches an IANA zone, X-WR-TIMEZONE (Google's UTC
  times are placed in that zone), floating times (read in X-WR-TIMEZONE or Europe/Helsinki),
  missing DTSTAMP, missing UID (a stable one is derived from the summary and start);
* strict: a file that is not iCalendar, a truncated file (a BEGIN without its END), a
  malformed content line, a date or rule that cannot be read, an unknown time zone the
  file does not define. Each raises `IcsError` naming the line and the problem, before
  anything is written.

The file is parsed with icalendar; a pass of our own over the raw lines comes first,
because it can say *which line* is wrong, and because it unfolds bytes before decoding.

Matching is by UID. For each event `preview()` says new, updated, unchanged, conflict or
skipped. **Conflict detection** uses SEQUENCE as the revision the file's copy descends from:
our revision is `version - 1` plus focus-area-only changes (the export's SEQUENCE). When
the file's SEQUENCE is at least ours, Accord has not changed since the file was made, so a
difference is the file's change ("updated"). When ours is higher, the record as it was at
the file's revision is rebuilt from the change log (undoing later logged changes); fields
where the file differs from that base are the file's changes, fields where our record
differs from it are ours. Only ours changed → "unchanged" (Accord's copy is newer); only
the file's → "updated"; both → "conflict", kept as ours unless the user takes the file's.

`apply_import()` writes everything in the caller's transaction (one for the whole file) and
returns the edit that undoes it (a Batch of SetFields and Deletes, see db/edits.py), so the
GUI can push the whole import as one undo step.
"""

from __future__ import annotations

import json
import re
import uuid
import warnings
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from functools import cache
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, available_timezones

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session, selectinload

from db.dates import DEFAULT_TZ, FlexDate, Precision
from db.edits import Batch, Delete, Edit, SetFields
from db.enums import AgreementStatus, ChangeAction, MilestoneKind, MilestoneStatus
from db.errors import ValidationError
from db.models import (
    Agreement,
    ChangeLog,
    Contact,
    ContactEmail,
    ContactPhone,
    FocusArea,
    Milestone,
    MilestoneContact,
    MilestoneFocusArea,
)
from db.tracking import log_inserts
from db.types import utcnow
from db.validation import check_email, check_recurrence, normalise_phone
from desktop.ics.export import (
    CATEGORY_COMMA,
    LABELS,
    M2M_FIELDS,
    TERM_UID_SUFFIX,
    AgreementInfo,
    ContactLine,
    FocusAreaInfo,
    approximate_marker,
)

_T = TypeVar("_T")

#: The longest UID our records store; longer ones (Outlook, Google) map to a stable UUID.
UID_LENGTH = 36
DATE_PROPERTIES = frozenset({"DTSTART", "DTEND", "RECURRENCE-ID", "EXDATE", "RDATE", "DUE"})
_UID_NAMESPACE = uuid.UUID("8f6d2b5e-0c1a-4c39-9d51-3a0f7c2e9b47")
_TERM_UID = re.compile(
    r"(?P<uid>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})"
    r"(?P<suffix>-signing|-term-start|-term-end|-renewal-review)"
)
_SUFFIX_FIELD = {suffix: name for name, suffix in TERM_UID_SUFFIX.items()}
_PARAM_VALUE = r'(?:"[^"]*"|[^";:,]*)'
_LINE = re.compile(
    rf"([A-Za-z0-9-]+)((?:;[A-Za-z0-9-]+={_PARAM_VALUE}(?:,{_PARAM_VALUE})*)*):(.*)", re.S
)
_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")
_DATETIME = re.compile(r"(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(Z?)")
_PHONE = re.compile(r"\+?[\d\s\-().]{5,}")


#: Properties an event has at most once (RFC 5545 3.6.1) and whose meaning a second copy
#: would make a guess.
_ONCE = frozenset({"DTSTART", "DTEND", "DURATION", "RECURRENCE-ID", "UID"})


class IcsError(ValidationError):
    """A file Accord will not import, with the line and the problem, in one sentence."""

    def __init__(self, line: int | None, problem: str, source: str | None = None) -> None:
        where = f"line {line}: " if line else ""
        super().__init__("file", f"{source + ': ' if source else ''}{where}{problem}")
        self.line = line
        self.problem = problem


class ImportCancelled(Exception):
    """The user cancelled a running import; the transaction is rolled back."""


class Action(StrEnum):
    NEW = "new"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    CONFLICT = "conflict"
    SKIPPED = "skipped"


# --- reading the bytes --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Line:
    number: int  # first physical line (1-based)
    text: str


def _decode(data: bytes) -> tuple[list[_Line], list[str]]:
    """Logical (unfolded) lines and encoding notes; folds are removed before decoding, so a
    fold inside a UTF-8 character does not break the character."""
    notes: list[str] = []
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            data = data.decode("utf-16").encode("utf-8")
        except UnicodeError:
            raise IcsError(
                None,
                "the file is UTF-16 but breaks off in the middle of a character: it is "
                "truncated or damaged. Export it again.",
            ) from None
        notes.append("The file is UTF-16; it was read as such.")
    physical = re.split(rb"\r\n|\n|\r", data)
    logical: list[tuple[int, bytearray]] = []
    for number, raw in enumerate(physical, 1):
        if raw[:1] in (b" ", b"\t") and logical:
            logical[-1][1].extend(raw[1:])
        elif raw.strip():
            logical.append((number, bytearray(raw)))
    # One decode for the whole file: the lines hold no line break, so joining them with
    # one and splitting again gives each line's own decoding, at a fraction of the cost.
    joined = b"\n".join(b for _, b in logical)
    for encoding in ("utf-8", "cp1252", "latin-1"):
        try:
            texts = joined.decode(encoding).split("\n") if logical else []
        except UnicodeDecodeError:
            continue
        lines = [_Line(n, text) for (n, _), text in zip(logical, texts, strict=True)]
        if encoding != "utf-8":
            notes.append(
                f"The file is not UTF-8; it was read as {'Windows-1252' if encoding == 'cp1252' else 'Latin-1'}."  # noqa: E501
            )
        return lines, notes
    raise AssertionError("latin-1 decodes every byte")  # pragma: no cover


@dataclass
class _Component:
    name: str
    line: int
    props: dict[str, int] = field(default_factory=dict)
    children: list[_Component] = field(default_factory=list)
    first: int = 0  # index of its BEGIN and END in the logical lines
    last: int = 0
    #: A VEVENT's own properties (not its alarms'): (line index, name, params, value).
    own: list[tuple[int, str, str, str]] = field(default_factory=list)


def _date_problem(name: str, value: str, params: str) -> str | None:
    """Why a DTSTART/DTEND/EXDATE… value cannot be read, or None when it can."""
    is_date = "VALUE=DATE" in params.upper() and "VALUE=DATE-TIME" not in params.upper()
    for item in value.split(","):
        item = item.strip()
        if name == "RDATE" and "/" in item:
            item = item.split("/", 1)[0]
        match = (_DATE if is_date else _DATETIME).fullmatch(item)
        if match is None and not is_date:
            match = _DATE.fullmatch(item)
        if match is None:
            return (
                f'{name} "{item}" cannot be read as a date: expected YYYYMMDD or '
                "YYYYMMDDTHHMMSS (with Z for UTC)"
            )
        numbers = [int(g) for g in match.groups()[:6] if g and g != "Z"]
        try:
            datetime(*numbers[:3])
            if len(numbers) > 3:
                time(*numbers[3:6])
        except ValueError as exc:
            return f'{name} "{item}" cannot be read as a date: {exc}'
    return None


def _structure(lines: list[_Line]) -> list[_Component]:
    """Checks BEGIN/END nesting and content-line syntax; returns the VCALENDAR tree."""
    if not lines:
        raise IcsError(1, "the file is empty; an iCalendar file begins with BEGIN:VCALENDAR.")
    first = lines[0]
    if first.text.strip().upper() != "BEGIN:VCALENDAR":
        shown = first.text.strip()[:40]
        raise IcsError(
            first.number,
            f'this is not an iCalendar file: it begins with "{shown}" where an .ics file '
            "begins with BEGIN:VCALENDAR.",
        )
    roots: list[_Component] = []
    stack: list[_Component] = []
    for index, line in enumerate(lines):
        if not stack and roots:
            if line.text.strip().upper() == "BEGIN:VCALENDAR":
                pass  # several calendars in one file: read them all
            else:
                continue  # text after the last END:VCALENDAR is ignored
        match = _LINE.fullmatch(line.text)
        if match is None:
            shown = line.text.strip()[:40]
            raise IcsError(line.number, f'"{shown}" is not an iCalendar content line (NAME:value).')
        name, params, value = match.group(1).upper(), match.group(2), match.group(3)
        if name == "BEGIN":
            component = _Component(value.strip().upper(), line.number, first=index)
            if stack:
                stack[-1].children.append(component)
            else:
                roots.append(component)
            stack.append(component)
            continue
        if name == "END":
            closing = value.strip().upper()
            if not stack:
                raise IcsError(line.number, f"END:{closing} has no matching BEGIN.")
            if stack[-1].name != closing:
                raise IcsError(
                    line.number,
                    f"END:{closing} closes BEGIN:{stack[-1].name} of line {stack[-1].line}; "
                    "the file is damaged.",
                )
            stack.pop().last = index
            continue
        if not stack:
            raise IcsError(line.number, f'"{name}" stands outside BEGIN:VCALENDAR … END.')
        component = stack[-1]
        if component.name == "VEVENT" and name in _ONCE and name in component.props:
            raise IcsError(
                line.number,
                f"{name} appears a second time in the VEVENT begun on line {component.line} "
                f"(first on line {component.props[name]}); an event has one {name}.",
            )
        component.props.setdefault(name, line.number)
        if component.name == "VEVENT":
            component.own.append((index, name, params, value))
            if name in DATE_PROPERTIES:
                problem = _date_problem(name, value.strip(), params)
                if problem:
                    raise IcsError(line.number, problem)
    if stack:
        open_one = stack[-1]
        raise IcsError(
            lines[-1].number,
            f"the file ends inside the {open_one.name} begun on line {open_one.line} "
            f"(END:{open_one.name} is missing): the file is truncated.",
        )
    return roots


# --- what the file holds ------------------------------------------------------------------


@dataclass(frozen=True)
class IncomingEvent:
    """One event of the file as plain values, ready to compare with a record.

    None means "the file does not say" (a field not compared and not changed); audience,
    outcome and contacts are known only from Accord's DESCRIPTION block.
    """

    line: int
    uid: str
    key: str  # the UID as our records store it
    sequence: int
    raw_summary: str
    title: str
    when: FlexDate
    end: FlexDate | None = None
    description: str = ""
    location: str | None = None
    url: str | None = None
    audience: str | None = None
    outcome: str | None = None
    contacts: tuple[ContactLine, ...] | None = None
    status: MilestoneStatus | None = None
    kind: MilestoneKind | None = None
    wording: str | None = None
    rrule: str | None = None
    exdates: tuple[str, ...] = ()
    reminders: tuple[int, ...] | None = None
    categories: tuple[str, ...] = ()
    agreement_uid: str | None = None
    agreement_title: str | None = None
    term_field: str | None = None
    deleted: bool = False
    from_accord: bool = False
    warnings: tuple[str, ...] = ()

    @property
    def date_text(self) -> str:
        return self.when.to_text()


@dataclass(frozen=True)
class ParsedCalendar:
    events: tuple[IncomingEvent, ...]
    agreements: tuple[AgreementInfo, ...] = ()
    focus_areas: tuple[FocusAreaInfo, ...] = ()
    name: str | None = None
    producer: str | None = None
    warnings: tuple[str, ...] = ()


@cache
def _iana() -> dict[str, str]:
    return {name.lower(): name for name in available_timezones()}


_RENAMED = {"Europe/Kiev": "Europe/Kyiv", "Asia/Calcutta": "Asia/Kolkata"}


def _known_zone(name: str) -> str | None:
    key = _iana().get(name.strip().strip('"').lower())
    if key is None:
        return None
    renamed = _RENAMED.get(key)
    return renamed if renamed and renamed.lower() in _iana() else key


def _windows_zone(name: str) -> str | None:
    from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

    mapped = WINDOWS_TO_OLSON.get(name.strip().strip('"'))
    return _known_zone(mapped) if mapped else None


class _Zones:
    """Resolves TZIDs to IANA names: IANA, "/vendor/Area/City", Windows names, and custom
    TZIDs whose VTIMEZONE keeps the same clocks as an IANA zone."""

    def __init__(self, calendars: Sequence[Any], hint: str | None, default_tz: str) -> None:
        self.defined: dict[str, Any] = {}
        for cal in calendars:
            for vtz in cal.walk("VTIMEZONE"):
                self.defined[str(vtz.get("TZID", ""))] = vtz
        self.hint = hint
        self.default_tz = default_tz
        self.cache: dict[str, str | None] = {}
        self.notes: list[str] = []

    def resolve(self, tzid: str, around: datetime) -> str | None:
        if tzid in self.cache:
            return self.cache[tzid]
        key = _known_zone(tzid)
        windows = _windows_zone(tzid) if key is None else None
        if windows is not None:
            # A Windows zone covers several cities ("FLE Standard Time": Helsinki, Kyiv,
            # Riga…); CLDR names one of them. Prefer the user's own zone when it keeps the
            # same clocks.
            key = self._same_clocks(windows, around) or windows
        if key is None and tzid.startswith("/"):
            parts = tzid.strip("/").split("/")
            for start in range(1, len(parts)):
                key = _known_zone("/".join(parts[start:]))
                if key:
                    break
        if key is None and tzid in self.defined:
            key = self._match(self.defined[tzid], around)
            if key is not None:
                self.notes.append(
                    f'The time zone "{tzid}" was read as {key} (the file defines the same '
                    "clock changes)."
                )
        self.cache[tzid] = key
        return key

    def _same_clocks(self, key: str, around: datetime) -> str | None:
        probes = [datetime(around.year, m, 15, 12) for m in (1, 4, 7, 10)] + [around]
        wanted = [p.replace(tzinfo=ZoneInfo(key)).utcoffset() for p in probes]
        for name in (self.hint, self.default_tz):
            if name and [p.replace(tzinfo=ZoneInfo(name)).utcoffset() for p in probes] == wanted:
                return name
        return None

    def _match(self, vtz: Any, around: datetime) -> str | None:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                custom = vtz.to_tz(lookup_tzid=False)
        except Exception:  # a VTIMEZONE icalendar cannot turn into rules
            return None
        year = around.year
        probes = [datetime(year, m, 15, 12) for m in (1, 4, 7, 10)] + [around]

        def offsets(zone: Any) -> list[timedelta | None]:
            return [p.replace(tzinfo=zone).utcoffset() for p in probes]

        wanted = offsets(custom)
        candidates = [z for z in (self.hint, self.default_tz) if z] + sorted(available_timezones())
        for name in candidates:
            try:
                if offsets(ZoneInfo(name)) == wanted:
                    return _known_zone(name) or name
            except Exception:
                continue
        return None


# --- DESCRIPTION block ----------------------------------------------------------------------

_LABEL_PREFIXES = tuple(f"{label}: " for label in LABELS)


def split_description(text: str) -> tuple[str, dict[str, str]]:
    """The milestone's own text and the labelled lines Accord appended, if any."""
    lines = text.replace("\r\n", "\n").split("\n")
    start = None
    for index in range(len(lines) - 1, -1, -1):
        if lines[index].startswith("Agreement: ") and (index == 0 or lines[index - 1] == ""):
            start = index
            break
    if start is None:
        return text.strip(), {}
    fields: dict[str, str] = {}
    current = None
    for line in lines[start:]:
        prefix = next((p for p in _LABEL_PREFIXES if line.startswith(p)), None)
        if prefix is not None:
            current = prefix[:-2]
            fields[current] = line[len(prefix) :]
        elif current is not None:
            fields[current] += "\n" + line
    own = "\n".join(lines[: max(start - 1, 0)]).strip()
    return own, fields


def parse_contacts(text: str) -> tuple[ContactLine, ...]:
    out = []
    for item in text.split("; "):
        item = item.strip()
        if not item:
            continue
        match = re.fullmatch(r"(?P<name>.*?)(?: \((?P<details>[^()]*)\))?", item)
        assert match is not None
        role, phone, email = "", None, None
        for detail in (match["details"] or "").split(", "):
            detail = detail.strip()
            if not detail:
                continue
            if "@" in detail and email is None:
                email = detail
            elif _PHONE.fullmatch(detail) and phone is None:
                phone = detail
            elif not role:
                role = detail
        out.append(ContactLine(match["name"].strip(), role, phone, email))
    return tuple(out)


# --- turning one VEVENT into values ---------------------------------------------------------


def stored_uid(uid: str) -> str:
    """The UID as our records keep it: as is when it fits, else a stable UUID derived from it."""
    return uid if len(uid) <= UID_LENGTH else str(uuid.uuid5(_UID_NAMESPACE, uid))


def _text(component: Any, name: str) -> str | None:
    value = component.get(name)
    if value is None:
        return None
    if isinstance(value, list):
        value = value[0]
    return str(value)


class _EventReader:
    def __init__(self, zones: _Zones, lines: _Component, default_tz: str) -> None:
        self.zones = zones
        self.lines = lines
        self.default_tz = default_tz
        self.notes: list[str] = []

    def line_of(self, prop: str) -> int:
        return self.lines.props.get(prop, self.lines.line)

    def moment(self, prop: str, value: Any) -> date | datetime:
        """A date, or an aware datetime in its IANA zone (floating → hint or default)."""
        dt = value.dt
        if not isinstance(dt, datetime):
            return dt  # type: ignore[no-any-return]
        tzid = value.params.get("TZID")
        wall = dt.replace(tzinfo=None)
        if tzid:
            key = self.zones.resolve(str(tzid), wall)
            if key is None:
                raise IcsError(
                    self.line_of(prop),
                    f'the time zone "{tzid}" is unknown and the file does not define it '
                    "(no VTIMEZONE with that TZID).",
                )
            return wall.replace(tzinfo=ZoneInfo(key))
        if dt.tzinfo is not None:  # UTC
            return dt.astimezone(UTC)
        zone = self.zones.hint or self.default_tz
        self.notes.append(f"a floating time was read in {zone}")
        return wall.replace(tzinfo=ZoneInfo(zone))

    def flex(self, prop: str, moment: date | datetime) -> FlexDate:
        try:
            if isinstance(moment, datetime):
                zone = moment.tzinfo
                if zone is UTC:
                    key = self.zones.hint or self.default_tz
                    return FlexDate.exact(moment, tz=key)
                return FlexDate.exact(moment)
            return FlexDate.on_day(moment)
        except ValidationError as exc:
            raise IcsError(self.line_of(prop), f"{prop}: {exc.message}") from None


def _status(value: str | None) -> MilestoneStatus | None:
    if value is None:
        return None
    return {
        "CANCELLED": MilestoneStatus.CANCELLED,
        "TENTATIVE": MilestoneStatus.PLANNED,
        "CONFIRMED": MilestoneStatus.CONFIRMED,
    }.get(value.strip().upper())


def _approximate_from_summary(
    summary: str, first: date, last: date
) -> tuple[FlexDate, FlexDate | None] | None:
    """ "Thesis Day (fall 2024)" on an all-day span of exactly fall 2024 → season 2024.

    Only Accord's own marker on a span that matches it exactly counts: a month-long
    exhibition without the marker stays a run of days, not "sometime in March".
    """
    match = re.search(r" \(([^()]+)\)$", summary)
    if match is None:
        return None
    texts = match.group(1).split(" – ")
    try:
        values = [FlexDate.parse(t, reference=first) for t in texts[:2]]
    except ValidationError:
        return None
    when = values[0]
    end = values[1] if len(values) > 1 else None
    if not when.is_approximate or when.start != first:
        return None
    if (end.end if end is not None else when.end) != last:
        return None
    return when, end


def _strip_marker(summary: str, when: FlexDate, end: FlexDate | None) -> str:
    marker = approximate_marker(when, end)
    return summary[: -len(marker)] if summary.endswith(marker) else summary


def _read_event(
    ev: Any, lines: _Component, zones: _Zones, default_tz: str, overrides: Sequence[Any]
) -> IncomingEvent:
    reader = _EventReader(zones, lines, default_tz)
    notes: list[str] = []
    for prop, problem in getattr(ev, "errors", []) or []:
        raise IcsError(lines.props.get(prop, lines.line), f"{prop} cannot be read: {problem}")
    raw_uid = _text(ev, "UID")
    summary = (_text(ev, "SUMMARY") or "").strip() or "(no title)"
    accord = {
        str(name).upper(): _x_text(str(value[0] if isinstance(value, list) else value))
        for name, value in ev.items()
        if str(name).upper().startswith("X-ACCORD-")
    }
    from_accord = bool(accord)
    start_prop = ev.get("DTSTART")
    if start_prop is None:
        start = None
        when = FlexDate.tbd()
    else:
        start = reader.moment("DTSTART", start_prop)
        when = reader.flex("DTSTART", start)
    stop: date | datetime | None = None
    if ev.get("DTEND") is not None and start is not None:
        stop = reader.moment("DTEND", ev["DTEND"])
    elif ev.get("DURATION") is not None and start is not None:
        stop = start + ev["DURATION"].dt
    if stop is not None and start is not None and type(stop) is not type(start):
        if isinstance(start, datetime):  # a timed start with an all-day end: end of that day
            assert isinstance(start.tzinfo, ZoneInfo)
            stop = datetime.combine(stop, time(), start.tzinfo)  # type: ignore[arg-type]
        else:
            stop = stop.date() if isinstance(stop, datetime) else stop
    end: FlexDate | None = None
    if stop is not None and start is not None:
        if isinstance(start, datetime):
            assert isinstance(stop, datetime)
            end = reader.flex("DTEND", stop) if stop > start else None
        else:
            last = stop - timedelta(days=1)  # DTEND of an all-day event is exclusive
            if last > start:
                end = FlexDate.on_day(last)

    # Accord's own properties say what precision the dates had, when they still agree.
    title = summary
    stored = accord.get("X-ACCORD-DATE")
    if stored and start is not None:
        try:
            value = FlexDate.from_canonical(stored)
            stored_end = (
                FlexDate.from_canonical(accord["X-ACCORD-END"])
                if "X-ACCORD-END" in accord
                else None
            )
        except ValueError:
            value, stored_end = None, None
        if value is not None and _agrees(value, stored_end, when, end):
            when, end = value, stored_end
        elif value is not None:
            notes.append("its dates were changed in another calendar; the new dates are used")
    if when.precision is Precision.DAY and start is not None and not stored:
        last_day = end.start if end is not None and end.start is not None else when.start
        assert when.start is not None and last_day is not None
        guess = _approximate_from_summary(summary, when.start, last_day)
        if guess is not None:
            when, end = guess
    if when.is_approximate:
        title = _strip_marker(summary, when, end).strip() or summary
    if when.precision is Precision.DAY and end is not None and end == when:
        end = None

    rrule = _rrule(ev, reader, start, when)
    if accord.get("X-ACCORD-RRULE") and when.is_approximate:
        rrule = accord["X-ACCORD-RRULE"]
    exdates = _exdates(ev, reader, start, overrides, notes)
    if ev.get("RDATE") is not None:
        notes.append("extra dates (RDATE) are not kept: Accord series follow their rule")

    description_text = _text(ev, "DESCRIPTION") or ""
    own, block = split_description(description_text)
    if not block:
        own = description_text.strip()
    audience = block.get("Audience") if block else None
    outcome = block.get("Outcome") if block else None
    contacts = parse_contacts(block["Contacts"]) if "Contacts" in block else None
    if block:
        audience = audience or ""
        outcome = outcome or ""
        contacts = contacts or ()

    categories: list[str] = []
    cats = ev.get("CATEGORIES")
    for item in cats if isinstance(cats, list) else [cats] if cats is not None else []:
        for name in getattr(item, "cats", [str(item)]):
            name = str(name).replace(CATEGORY_COMMA, ",").strip()
            if name and name not in categories:
                categories.append(name)

    status = _status(_text(ev, "STATUS"))
    accord_status = accord.get("X-ACCORD-STATUS")
    if accord_status and status is not None:
        try:
            ours = MilestoneStatus(accord_status)
        except ValueError:
            ours = None
        if ours is not None and _status_agrees(ours, status, when.is_approximate):
            status = ours
    kind = None
    if "X-ACCORD-KIND" in accord:
        try:
            kind = MilestoneKind(accord["X-ACCORD-KIND"])
        except ValueError:
            kind = None

    uid = (raw_uid or "").strip()
    if not uid:
        seed = f"{summary}|{start_prop.to_ical().decode() if start_prop is not None else ''}"
        uid = str(uuid.uuid5(_UID_NAMESPACE, seed))
        notes.append("it has no UID; a stable one was derived from its title and start")
    term_field = accord.get("X-ACCORD-FIELD")
    agreement_uid = accord.get("X-ACCORD-AGREEMENT-UID")
    term_match = _TERM_UID.fullmatch(uid)
    if term_match is not None:
        term_field = term_field or _SUFFIX_FIELD[term_match["suffix"]]
        agreement_uid = agreement_uid or term_match["uid"]
    try:
        sequence = int(str(ev.get("SEQUENCE", 0)))
    except ValueError:
        sequence = 0
    url = _text(ev, "URL")
    return IncomingEvent(
        line=lines.line,
        uid=uid,
        key=stored_uid(uid),
        sequence=sequence,
        raw_summary=summary,
        title=title,
        when=when,
        end=end,
        description=own,
        location=(_text(ev, "LOCATION") or "").strip() or None,
        url=url.strip() if url else None,
        audience=audience,
        outcome=outcome,
        contacts=contacts,
        status=status,
        kind=kind,
        wording=accord.get("X-ACCORD-WORDING"),
        rrule=rrule,
        exdates=exdates,
        reminders=_reminders(ev, start, stop, from_accord),
        categories=tuple(categories),
        agreement_uid=agreement_uid,
        agreement_title=block.get("Agreement") if block else None,
        term_field=term_field,
        deleted=accord.get("X-ACCORD-DELETED", "").upper() == "TRUE",
        from_accord=from_accord,
        warnings=tuple(dict.fromkeys(notes + reader.notes)),
    )


def _instant_key(value: FlexDate) -> tuple[Any, ...]:
    if value.precision is Precision.EXACT:
        return (Precision.EXACT, value.instant)
    return (value.precision, value.start)


def _agrees(
    stored: FlexDate, stored_end: FlexDate | None, when: FlexDate, end: FlexDate | None
) -> bool:
    """Whether the dates in the file are still what Accord wrote for `stored`."""
    if stored.precision is Precision.EXACT:
        if stored_end is not None and stored_end.precision is Precision.EXACT:
            return (
                when.instant == stored.instant
                and end is not None
                and end.instant == stored_end.instant
            )
        return when.instant == stored.instant and end is None
    if when.precision is not Precision.DAY or when.start != stored.start:
        return False
    last = stored_end.end if stored_end is not None else stored.end
    shown_last = end.start if end is not None else when.start
    return last == shown_last


def _status_agrees(ours: MilestoneStatus, shown: MilestoneStatus, approximate: bool) -> bool:
    if ours is MilestoneStatus.CANCELLED or shown is MilestoneStatus.CANCELLED:
        return ours is shown
    if approximate:
        return shown is MilestoneStatus.PLANNED
    if ours is MilestoneStatus.PLANNED:
        return shown is MilestoneStatus.PLANNED
    return shown is MilestoneStatus.CONFIRMED


def _rrule(ev: Any, reader: _EventReader, start: Any, when: FlexDate) -> str | None:
    rules = ev.get("RRULE")
    if rules is None or start is None:
        return None
    if isinstance(rules, list):
        reader.notes.append("only the first of its repetition rules is kept")
        rules = rules[0]
    text = rules.to_ical().decode()
    parts = [p for p in text.split(";") if p]
    fixed: list[str] = []
    for part in parts:
        if part.upper().startswith("UNTIL="):
            value = part[6:]
            if isinstance(start, datetime):
                zone = start.tzinfo or UTC
                if re.fullmatch(r"\d{8}", value):
                    local = datetime.combine(
                        date(int(value[:4]), int(value[4:6]), int(value[6:8])), time(23, 59, 59)
                    )
                    value = local.replace(tzinfo=zone).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
                elif not value.endswith("Z"):
                    local = datetime.strptime(value, "%Y%m%dT%H%M%S")
                    value = local.replace(tzinfo=zone).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
            else:
                value = value[:8]
            part = f"UNTIL={value}"
        fixed.append(part)
    try:
        return check_recurrence("rrule", ";".join(fixed), when)
    except ValidationError as exc:
        raise IcsError(reader.line_of("RRULE"), f"RRULE: {exc.message}") from None


def _exdates(
    ev: Any, reader: _EventReader, start: Any, overrides: Sequence[Any], notes: list[str]
) -> tuple[str, ...]:
    if start is None:
        return ()
    zone = start.tzinfo if isinstance(start, datetime) else None
    days: set[str] = set()
    values = ev.get("EXDATE")
    for group in values if isinstance(values, list) else [values] if values is not None else []:
        for item in group.dts:
            moment = item.dt
            if isinstance(moment, datetime):
                tzid = item.params.get("TZID") or group.params.get("TZID")
                if tzid:
                    key = reader.zones.resolve(str(tzid), moment.replace(tzinfo=None))
                    moment = moment.replace(tzinfo=ZoneInfo(key) if key else zone)
                elif moment.tzinfo is None:
                    moment = moment.replace(tzinfo=zone)
                if zone is not None and moment.tzinfo is not None:
                    moment = moment.astimezone(zone)
                days.add(moment.date().isoformat())
            else:
                days.add(moment.isoformat())
    for override in overrides:
        rid = override.get("RECURRENCE-ID")
        if rid is None:
            continue
        moment = rid.dt
        if isinstance(moment, datetime) and zone is not None and moment.tzinfo is not None:
            moment = moment.astimezone(zone)
        day = moment.date() if isinstance(moment, datetime) else moment
        if str(override.get("STATUS", "")).upper() == "CANCELLED":
            days.add(day.isoformat())
        else:
            notes.append(f"the changed occurrence on {day.isoformat()} is kept as in the series")
    return tuple(sorted(days))


def _reminders(ev: Any, start: Any, stop: Any, from_accord: bool) -> tuple[int, ...] | None:
    alarms = [c for c in ev.subcomponents if c.name == "VALARM"]
    if not alarms:
        return () if from_accord else None
    out: set[int] = set()
    for alarm in alarms:
        trigger = alarm.get("TRIGGER")
        if trigger is None:
            continue
        try:
            value = trigger.dt
        except Exception:
            continue
        if isinstance(value, timedelta):
            offset = value
            if str(trigger.params.get("RELATED", "START")).upper() == "END" and stop is not None:
                offset += _as_datetime(stop) - _as_datetime(start)
            minutes = -int(offset.total_seconds() // 60)
        elif isinstance(value, datetime) and start is not None:
            minutes = int((_as_datetime(start) - _as_datetime(value)).total_seconds() // 60)
        else:
            continue
        if minutes >= 0:
            out.add(minutes)
    return tuple(sorted(out))


def _as_datetime(value: date | datetime) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    return datetime.combine(value, time(), UTC)


def _calendar_info(cal: Any) -> tuple[list[AgreementInfo], list[FocusAreaInfo]]:
    agreements: list[AgreementInfo] = []
    areas: list[FocusAreaInfo] = []
    for name, value in cal.property_items(recursive=False):
        params = getattr(value, "params", {})
        if name == "X-ACCORD-AGREEMENT" and params.get("X-UID"):
            agreements.append(
                AgreementInfo(
                    uid=str(params["X-UID"]),
                    title=str(value),
                    status=str(params.get("X-STATUS", AgreementStatus.DRAFT.value)),
                    signed=str(params.get("X-SIGNED", "TBD")),
                    term_start=str(params.get("X-TERM-START", "TBD")),
                    term_end=str(params.get("X-TERM-END", "TBD")),
                    renews=str(params["X-RENEWS"]) if params.get("X-RENEWS") else None,
                )
            )
        elif name == "X-ACCORD-FOCUS-AREA" and params.get("X-UID"):
            try:
                position = int(str(params.get("X-POSITION", 0)))
            except ValueError:
                position = 0
            areas.append(
                FocusAreaInfo(
                    uid=str(params["X-UID"]),
                    agreement_uid=str(params.get("X-AGREEMENT", "")),
                    name=str(value),
                    position=position,
                    colour=str(params.get("X-COLOUR", "#4E79A7")),
                )
            )
    return agreements, areas


def _line_of_problem(lines: list[_Line], message: str) -> int | None:
    """The line holding the value icalendar quotes at the end of its message, if any."""
    token = message.rsplit(":", 1)[-1].strip().strip("'\"")
    if len(token) < 3:
        return None
    for line in lines:
        if line.text.endswith(token):
            return line.number
    return None


def _icalendar(kind: Any, text: str, lines: list[_Line], **kwargs: Any) -> Any:
    """icalendar's reading of `text`; a refusal becomes an IcsError on the line it names."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return kind.from_ical(text, **kwargs)
    except Exception as exc:  # icalendar's refusal, after our own checks passed
        line = _line_of_problem(lines, str(exc)) or (lines[0].number if lines else None)
        raise IcsError(line, f"{exc}.") from None


# --- giving icalendar less to do -------------------------------------------------------------

#: Properties of a VEVENT we never read: skipped when icalendar would accept them anyway.
_UNREAD_STAMPS = frozenset({"DTSTAMP", "CREATED", "LAST-MODIFIED"})
_UNREAD_TEXT = frozenset({"TRANSP", "CLASS"})
#: TEXT properties we read as plain strings: read here exactly as icalendar reads them.
_PLAIN_TEXT = frozenset({"UID", "SUMMARY", "DESCRIPTION", "LOCATION", "STATUS"})
_TEXT_ESCAPE = re.compile(r"\\([\\,;:nN])")
_INTEGER = re.compile(r"\d{1,9}")


def _unescape(value: str) -> str:
    return _TEXT_ESCAPE.sub(lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


@dataclass(frozen=True)
class _PlainReading:
    """How the installed icalendar reads plain properties, learnt once from a probe:
    the fast path is used only where it gives exactly icalendar's values."""

    text: bool
    x_unescaped: bool | None  # X- values unescaped (True), verbatim (False), or neither


@cache
def _plain_reading() -> _PlainReading:
    from icalendar import Event

    raw = "a\\,b\\;c\\nd\\Ne\\\\f\\:g\\xh:i"
    probe = f"BEGIN:VEVENT\r\nSUMMARY:{raw}\r\nX-ACCORD-PROBE:{raw}\r\nEND:VEVENT\r\n"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            event = Event.from_ical(probe)
        text = str(event["SUMMARY"]) == _unescape(raw)
        x_value = str(event["X-ACCORD-PROBE"])
    except Exception:  # an icalendar that reads the probe differently: no fast path
        return _PlainReading(False, None)
    x_unescaped = True if x_value == _unescape(raw) else False if x_value == raw else None
    return _PlainReading(text, x_unescaped)


def _read_plain(part: _Component, how: _PlainReading) -> dict[int, tuple[str, Any]] | None:
    """The event's lines read here instead of by icalendar: line index → (name, value),
    value None for a line nobody reads. Only lines without parameters qualify, and a name
    that has a parameter on any of its lines is left to icalendar whole."""
    from icalendar import vInt, vText

    if not how.text:
        return None
    with_params = {name for _, name, params, _ in part.own if params}
    mine: dict[int, tuple[str, Any]] = {}
    for index, name, params, value in part.own:
        if params or name in with_params:
            continue
        if name in _PLAIN_TEXT:
            mine[index] = (name, vText(_unescape(value)))
        elif name in _UNREAD_TEXT:
            mine[index] = (name, None)
        elif name in _UNREAD_STAMPS and _DATETIME.fullmatch(value):
            if _date_problem(name, value, params) is None:
                mine[index] = (name, None)
        elif name == "SEQUENCE" and _INTEGER.fullmatch(value):
            mine[index] = (name, vInt(int(value)))
        elif name.startswith("X-") and how.x_unescaped is not None:
            if not name.startswith("X-ACCORD-"):
                mine[index] = (name, None)
            else:
                mine[index] = (name, vText(_unescape(value) if how.x_unescaped else value))
    return mine


def _x_text(value: str) -> str:
    """An X-ACCORD value as written: TEXT escapes undone where icalendar leaves X- verbatim.

    Our export escapes X- values as TEXT (RFC 5545's default type for unknown properties),
    so "early, next year" and "FREQ=WEEKLY;BYDAY=TU" come back whole.
    """
    return value if _plain_reading().x_unescaped else _unescape(value)


def _raw_uids(part: _Component) -> list[str]:
    """The UIDs an event's own lines give, as icalendar reads them (a first look only)."""
    return [_unescape(value).strip() for _, name, _, value in part.own if name == "UID"]


def parse_ics(
    data: bytes,
    *,
    default_tz: str = DEFAULT_TZ,
    progress: Callable[[int, int], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
    read_plain: bool = True,
    only_uids: Collection[str] | None = None,
) -> ParsedCalendar:
    """Reads a whole file or raises IcsError naming the line; writes nothing anywhere.

    icalendar parses the calendar without its events first (properties, time zones), then
    each event on its own: progress and cancelling work during the slow part, and a
    refusal is pinned to the event's lines. Plain properties (text without parameters,
    stamps nobody reads) are read by our own pass, which gives icalendar's values at a
    fraction of its cost; `read_plain=False` leaves everything to icalendar (the
    reference the tests compare with). `only_uids` reads only the events with those UIDs
    (the export's look at the file it replaces needs a few events of thousands).
    """
    from icalendar import Calendar, Event

    lines, notes = _decode(data)
    roots = _structure(lines)
    parts = [c for root in roots for c in root.children if c.name == "VEVENT"]
    inside = {i for part in parts for i in range(part.first, part.last + 1)}
    if only_uids is not None:
        wanted = set(only_uids)
        parts = [p for p in parts if wanted.intersection(_raw_uids(p))]
    skeleton = "\r\n".join(line.text for i, line in enumerate(lines) if i not in inside)
    calendars = _icalendar(Calendar, skeleton + "\r\n", lines, multiple=True)
    calendars = [c for c in calendars if c.name == "VCALENDAR"]
    total = len(parts)
    vevents = []
    plain = _plain_reading() if read_plain else _PlainReading(False, None)
    for index, part in enumerate(parts):
        if index % 100 == 0:
            if should_stop is not None and should_stop():
                raise ImportCancelled
            if progress is not None:
                progress(index, 2 * total)
        own = lines[part.first : part.last + 1]
        mine = _read_plain(part, plain)
        if mine is None:
            text = "\r\n".join(x.text for x in own)
        else:
            text = "\r\n".join(x.text for i, x in enumerate(own, part.first) if i not in mine)
        vevent = _icalendar(Event, text + "\r\n", own)
        if mine:
            for name, value in mine.values():
                if value is not None:
                    vevent.add(name, value, encode=False)
        vevents.append(vevent)
    hint = None
    name = producer = None
    agreements: list[AgreementInfo] = []
    areas: list[FocusAreaInfo] = []
    for cal in calendars:
        x_wr = cal.get("X-WR-TIMEZONE")
        if x_wr is not None and hint is None:
            hint = _known_zone(str(x_wr)) or _windows_zone(str(x_wr))
        name = name or (str(cal.get("X-WR-CALNAME") or cal.get("NAME") or "") or None)
        producer = producer or (str(cal.get("PRODID", "")) or None)
        found_agreements, found_areas = _calendar_info(cal)
        agreements += found_agreements
        areas += found_areas
    zones = _Zones(calendars, hint, default_tz)
    line_info = parts
    masters: dict[str, int] = {}
    overrides: dict[str, list[Any]] = defaultdict(list)
    for index, ev in enumerate(vevents):
        uid = str(ev.get("UID", "")).strip()
        if ev.get("RECURRENCE-ID") is not None and uid:
            overrides[uid].append(ev)
        elif uid:
            masters.setdefault(uid, index)
    events: list[IncomingEvent] = []
    seen: set[str] = set()
    for index, ev in enumerate(vevents):
        if index % 200 == 0:
            if should_stop is not None and should_stop():
                raise ImportCancelled
            if progress is not None:
                progress(total + index, 2 * total)
        uid = str(ev.get("UID", "")).strip()
        if ev.get("RECURRENCE-ID") is not None and uid in masters:
            continue  # folded into its series (EXDATE or a note)
        event = _read_event(ev, line_info[index], zones, default_tz, overrides.get(uid, ()))
        if ev.get("RECURRENCE-ID") is not None:
            day = ev["RECURRENCE-ID"].dt
            suffix = (day.date() if isinstance(day, datetime) else day).isoformat()
            event = replace(event, uid=f"{uid}-{suffix}", key=stored_uid(f"{uid}-{suffix}"))
        if event.uid in seen:
            notes.append(
                f"The event on line {event.line} repeats the UID of an earlier one; skipped."
            )
            continue
        seen.add(event.uid)
        events.append(event)
    if progress is not None:
        progress(2 * total, 2 * total)
    return ParsedCalendar(
        events=tuple(events),
        agreements=tuple(agreements),
        focus_areas=tuple(areas),
        name=name,
        producer=producer,
        warnings=tuple(dict.fromkeys(notes + zones.notes)),
    )


# --- comparing with our records -------------------------------------------------------------


@dataclass(frozen=True)
class PreviewRow:
    event: IncomingEvent
    action: Action
    table: str | None = None  # "milestone" or "agreement"
    record_id: int | None = None
    #: Fields the file would change (for "updated"), or the file's changes (for "conflict").
    changes: tuple[str, ...] = ()
    note: str = ""
    #: For new milestones: the agreement they go into (id), or the file's agreement UID.
    target_agreement_id: int | None = None
    target_agreement_uid: str | None = None

    @property
    def needs_agreement(self) -> bool:
        return (
            self.action is Action.NEW
            and self.table == "milestone"
            and self.target_agreement_id is None
            and self.target_agreement_uid is None
            and not self.event.agreement_title
        )


def _norm(name: str, value: Any) -> Any:
    """A comparable form of a field value, from the record or from a change-log text."""
    if name in ("when", "end", "signed", "term_start", "term_end"):
        if value is None:
            return None
        if isinstance(value, str):
            try:
                value = FlexDate.from_canonical(value)
            except ValueError:
                return value
        return _instant_key(value)
    if name == "exdates":
        items = json.loads(value) if isinstance(value, str) else (value or [])
        return frozenset(str(v)[:10] for v in items)
    if name == "reminders":
        items = json.loads(value) if isinstance(value, str) else (value or [])
        return tuple(sorted(int(v) for v in items))
    if name == "focus_areas":
        items = json.loads(value) if isinstance(value, str) else (value or [])
        return frozenset(str(v).casefold() for v in items)
    if name == "rrule":
        return frozenset((value or "").upper().split(";")) - {""}
    if name in ("status", "kind"):
        return getattr(value, "value", value)
    return (value or "").strip() if isinstance(value, str) or value is None else value


def _milestone_values(m: Milestone) -> dict[str, Any]:
    return {
        "title": m.title,
        "description": m.description,
        "location": m.location,
        "url": m.url,
        "audience": m.audience,
        "outcome": m.outcome,
        "status": m.status,
        "kind": m.kind,
        "when": m.when,
        "end": m.end,
        "rrule": m.rrule,
        "exdates": list(m.exdates or []),
        "reminders": list(m.reminders or []),
        "focus_areas": [f.name for f in m.focus_areas],
    }


def _incoming_values(event: IncomingEvent, ours: dict[str, Any]) -> dict[str, Any]:
    """What the file says about each field it speaks for (others are left out)."""
    values: dict[str, Any] = {
        "title": event.title,
        "description": event.description,
        "location": event.location,
        "url": event.url,
        "when": event.when,
        "end": event.end,
        "rrule": event.rrule,
        "exdates": list(event.exdates),
    }
    if event.audience is not None:
        values["audience"] = event.audience
    if event.outcome is not None:
        values["outcome"] = event.outcome
    if event.reminders is not None:
        values["reminders"] = list(event.reminders)
    if event.from_accord:
        values["focus_areas"] = list(event.categories)
        if event.kind is not None:
            values["kind"] = event.kind
    if event.deleted:
        values = {"status": MilestoneStatus.CANCELLED}
    elif event.status is not None:
        ours_status = ours.get("status")
        if not (
            isinstance(ours_status, MilestoneStatus)
            and _status_agrees(ours_status, event.status, event.when.is_approximate)
        ):
            values["status"] = event.status
    return values


def _differences(ours: dict[str, Any], theirs: dict[str, Any]) -> list[str]:
    return [k for k, v in theirs.items() if _norm(k, v) != _norm(k, ours.get(k))]


@dataclass(frozen=True)
class _History:
    revision: int
    groups: tuple[tuple[tuple[str, str | None], ...], ...]  # newest first: (field, old)


def _history(session: Session, entity: str, uid: str, version: int) -> _History:
    """Our revision (the export's SEQUENCE) and the logged changes, newest first."""
    return _histories(session, entity, {uid: version})[uid]


def _histories(session: Session, entity: str, versions: dict[str, int]) -> dict[str, _History]:
    """`_history` of many records (uid → version) with one query per 500 of them."""
    cl = ChangeLog.__table__
    logged: dict[str, list[Any]] = defaultdict(list)
    for chunk in _chunks(list(versions), 500):
        for uid, *rest in session.execute(
            select(cl.c.entity_uid, cl.c.at, cl.c.action, cl.c.field, cl.c.old, cl.c.new)
            .where(cl.c.entity == entity, cl.c.entity_uid.in_(chunk))
            .order_by(cl.c.at.desc(), cl.c.id.desc())
        ):
            logged[uid].append(rest)
    return {uid: _grouped(entity, logged.get(uid, []), v) for uid, v in versions.items()}


def _grouped(entity: str, rows: list[Any], version: int) -> _History:
    grouped: dict[datetime, list[tuple[str, str | None]]] = {}
    kinds: dict[datetime, set[str]] = defaultdict(set)
    for at, action, field_name, old, new in rows:
        if action is ChangeAction.UPDATE and field_name:
            grouped.setdefault(at, []).append((field_name, old))
            kinds[at].add(field_name)
        elif action is ChangeAction.INSERT and new == "restored":
            grouped.setdefault(at, [])
            kinds[at].add("(restored)")
    m2m_only = sum(1 for names in kinds.values() if names and names <= M2M_FIELDS)
    revision = version - 1 + (m2m_only if entity == "milestone" else 0)
    return _History(revision, tuple(tuple(g) for g in grouped.values()))


def _base(current: dict[str, Any], history: _History, revision: int) -> dict[str, Any]:
    """The record as it was at `revision`, by undoing later logged changes."""
    values = {k: _norm(k, v) for k, v in current.items()}
    rev = history.revision
    for group in history.groups:
        if rev <= revision:
            break
        for field_name, old in group:
            if field_name in values:
                values[field_name] = _norm(field_name, old)
        rev -= 1
    return values


def _classify(
    ours: dict[str, Any],
    theirs: dict[str, Any],
    sequence: int,
    read_history: Callable[[], _History],
) -> tuple[Action, tuple[str, ...], str]:
    differ = _differences(ours, theirs)
    if not differ:
        return Action.UNCHANGED, (), ""
    history = read_history()  # only for records that differ: one query each
    if sequence >= history.revision:
        return Action.UPDATED, tuple(differ), ""
    base = _base(ours, history, sequence)
    theirs_changed = [k for k in differ if _norm(k, theirs[k]) != base.get(k)]
    ours_changed = [k for k in ours if _norm(k, ours[k]) != base.get(k)]
    if not theirs_changed:
        return (
            Action.UNCHANGED,
            (),
            f"Accord's copy is newer (revision {history.revision}, the file has {sequence}); kept",
        )
    if not ours_changed:
        return Action.UPDATED, tuple(theirs_changed), ""
    return (
        Action.CONFLICT,
        tuple(theirs_changed),
        "changed in Accord ("
        + ", ".join(ours_changed)
        + ") and in the file ("
        + ", ".join(theirs_changed)
        + ")",
    )


def preview(
    session: Session, parsed: ParsedCalendar, *, agreement_id: int | None = None
) -> list[PreviewRow]:
    """What importing would do to each event; reads only."""
    keys = [e.key for e in parsed.events]
    milestones = {
        m.uid: m
        for chunk in _chunks(keys, 500)
        for m in session.scalars(
            select(Milestone)
            .where(Milestone.uid.in_(chunk))
            .options(selectinload(Milestone.focus_areas))
        )
    }
    agreement_uids = {e.agreement_uid for e in parsed.events if e.agreement_uid}
    agreements = {
        a.uid: a
        for a in session.scalars(select(Agreement).where(Agreement.uid.in_(agreement_uids)))
    }
    by_title = {a.title: a for a in session.scalars(select(Agreement))}
    file_agreements = {a.uid for a in parsed.agreements}
    cl = ChangeLog.__table__
    deleted_here = set(
        session.scalars(
            select(cl.c.entity_uid).where(
                cl.c.entity == "milestone",
                cl.c.action == ChangeAction.DELETE,
                cl.c.entity_uid.in_([k for k in keys if k not in milestones]),
            )
        ).all()
    )
    rows: list[PreviewRow] = []
    for event in parsed.events:
        if event.term_field:
            rows.append(_term_row(session, event, agreements, file_agreements, agreement_id))
            continue
        record = milestones.get(event.key)
        if record is None:
            rows.append(
                _new_row(event, agreement_id, agreements, file_agreements, by_title, deleted_here)
            )
            continue
        ours = _milestone_values(record)
        theirs = _incoming_values(event, ours)
        action, changes, note = _classify(
            ours,
            theirs,
            event.sequence,
            lambda r=record: _history(session, "milestone", r.uid, r.version),  # type: ignore[misc]
        )
        rows.append(PreviewRow(event, action, "milestone", record.id, changes, note))
    return rows


def _chunks(items: Sequence[_T], size: int) -> Iterable[Sequence[_T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _new_row(
    event: IncomingEvent,
    agreement_id: int | None,
    agreements: dict[str, Agreement],
    file_agreements: set[str],
    by_title: dict[str, Agreement],
    deleted_here: set[str],
) -> PreviewRow:
    if event.deleted:
        return PreviewRow(event, Action.SKIPPED, note="deleted in the other calendar")
    if event.key in deleted_here:
        return PreviewRow(
            event, Action.SKIPPED, note="deleted in Accord since this file was made; not re-created"
        )
    note = "undated (TBD)" if not event.when.is_known else ""
    if agreement_id is not None:
        return PreviewRow(
            event, Action.NEW, "milestone", note=note, target_agreement_id=agreement_id
        )
    uid = event.agreement_uid
    if uid and uid in agreements:
        return PreviewRow(
            event, Action.NEW, "milestone", note=note, target_agreement_id=agreements[uid].id
        )
    if uid and uid in file_agreements:
        return PreviewRow(event, Action.NEW, "milestone", note=note, target_agreement_uid=uid)
    if event.agreement_title and event.agreement_title in by_title:
        target = by_title[event.agreement_title]
        return PreviewRow(event, Action.NEW, "milestone", note=note, target_agreement_id=target.id)
    if event.agreement_title:
        return PreviewRow(
            event,
            Action.NEW,
            "milestone",
            note=(note + "; " if note else "") + f'new agreement "{event.agreement_title}"',
            target_agreement_uid=uid,
        )
    return PreviewRow(event, Action.NEW, "milestone", note="choose an agreement")


def _term_row(
    session: Session,
    event: IncomingEvent,
    agreements: dict[str, Agreement],
    file_agreements: set[str],
    chosen: int | None,
) -> PreviewRow:
    agreement = agreements.get(event.agreement_uid or "")
    if event.term_field == "review" or event.deleted:
        action = Action.UNCHANGED if agreement is not None else Action.SKIPPED
        return PreviewRow(
            event, action, "agreement", agreement.id if agreement else None,
            note="worked out from the term end; not imported",
        )  # fmt: skip
    if agreement is None:
        if chosen is None and (event.agreement_uid in file_agreements or event.agreement_title):
            return PreviewRow(
                event, Action.NEW, "agreement", note="with its agreement",
                target_agreement_uid=event.agreement_uid,
            )  # fmt: skip
        return PreviewRow(event, Action.SKIPPED, note="its agreement is not in Accord")
    assert event.term_field is not None
    name = event.term_field
    ours = {name: getattr(agreement, name)}
    theirs = {name: event.when}
    action, changes, note = _classify(
        ours,
        theirs,
        event.sequence,
        lambda: _history(session, "agreement", agreement.uid, agreement.version),
    )
    return PreviewRow(event, action, "agreement", agreement.id, changes, note)


# --- applying -------------------------------------------------------------------------------


@dataclass
class ImportResult:
    rows: list[PreviewRow]
    inverse: Edit
    created: int = 0
    updated: int = 0
    warnings: list[str] = field(default_factory=list)

    def count(self, action: Action) -> int:
        return sum(1 for r in self.rows if r.action is action)


class _Applier:
    def __init__(self, session: Session, parsed: ParsedCalendar) -> None:
        self.session = session
        self.parsed = parsed
        self.created_agreements: list[Agreement] = []
        self.created_areas: list[FocusArea] = []
        self.created_contacts: list[Contact] = []
        self.new_milestones: list[
            tuple[IncomingEvent, Milestone, Agreement, list[FocusArea], list[Any]]
        ] = []
        self.created_milestone_ids: list[int] = []
        self.inverses: list[Edit] = []
        self.floors: list[tuple[Milestone, int]] = []
        self.warnings: list[str] = []
        self._agreements: dict[str, Agreement] = {}
        self._contacts: dict[str, Contact | None] = {}

    # agreements and focus areas

    def agreement_for(self, row: PreviewRow) -> Agreement:
        if row.target_agreement_id is not None:
            found = self.session.get(Agreement, row.target_agreement_id)
            if found is None:
                raise ValidationError("agreement", "The chosen agreement no longer exists.")
            return found
        event = row.event
        uid = row.target_agreement_uid or event.agreement_uid
        if uid and uid in self._agreements:
            return self._agreements[uid]
        if uid:
            existing = self.session.scalar(select(Agreement).where(Agreement.uid == uid))
            if existing is not None:
                self._agreements[uid] = existing
                return existing
        info = next((a for a in self.parsed.agreements if a.uid == uid), None)
        title = info.title if info else event.agreement_title
        if not title:
            raise ValidationError(
                "agreement",
                f'"{event.title}" (line {event.line}) belongs to no agreement in Accord. '
                "Choose the agreement for new events (accord import-ics --agreement REF).",
            )
        existing = self.session.scalar(select(Agreement).where(Agreement.title == title))
        if existing is not None and info is None:
            self._agreements[uid or title] = existing
            return existing
        agreement = self._create_agreement(info, title, uid, event)
        self._agreements[uid or title] = agreement
        return agreement

    def _create_agreement(
        self, info: AgreementInfo | None, title: str, uid: str | None, event: IncomingEvent
    ) -> Agreement:
        def flex(text: str | None) -> FlexDate:
            try:
                return FlexDate.from_canonical(text) if text else FlexDate.tbd()
            except ValueError:
                return FlexDate.tbd()

        status = AgreementStatus.DRAFT
        if info is not None:
            try:
                status = AgreementStatus(info.status)
            except ValueError:
                status = AgreementStatus.DRAFT
        agreement = Agreement(
            title=title,
            status=status,
            signed=flex(info.signed if info else None),
            term_start=flex(info.term_start if info else None),
            term_end=flex(info.term_end if info else None),
            aims="",
            notes=f"Created by importing a calendar ({self.parsed.name or 'no name'}).",
        )
        if uid:
            agreement.uid = uid
        if info is not None and info.renews:
            renewed = self._agreements.get(info.renews) or self.session.scalar(
                select(Agreement).where(Agreement.uid == info.renews)
            )
            if renewed is not None and renewed.renewed_by is None:
                agreement.renews = renewed
        self._check(agreement, event)
        self.session.add(agreement)
        for area in sorted(
            (a for a in self.parsed.focus_areas if a.agreement_uid == uid), key=lambda a: a.position
        ):
            self._add_area(agreement, area.name, area.colour, area.uid, event)
        self.created_agreements.append(agreement)
        return agreement

    def _add_area(
        self, agreement: Agreement, name: str, colour: str, uid: str | None, event: IncomingEvent
    ) -> FocusArea:
        area = FocusArea(
            name=name, colour=colour, description="", position=len(agreement.focus_areas)
        )
        if uid and self.session.scalar(select(FocusArea.id).where(FocusArea.uid == uid)) is None:
            area.uid = uid
        agreement.focus_areas.append(area)
        self._check(area, event)
        self.created_areas.append(area)
        return area

    def areas_for(
        self, agreement: Agreement, event: IncomingEvent, chosen: FocusArea | None
    ) -> list[FocusArea]:
        by_name = {f.name.strip().casefold(): f for f in agreement.focus_areas}
        out: list[FocusArea] = []
        # Missing focus areas are created only for an Accord file's own agreement: in an
        # agreement the user chose, another database's categories would be strangers.
        create = event.from_accord and agreement.uid == event.agreement_uid
        for name in event.categories:
            area = by_name.get(name.casefold())
            if area is None and create:
                area = self._add_area(agreement, name, "#4E79A7", None, event)
                by_name[name.casefold()] = area
            if area is not None and area not in out:
                out.append(area)
        if chosen is not None and chosen.agreement is agreement and chosen not in out:
            out.append(chosen)
        return sorted(out, key=lambda f: (f.position, f.name))

    # contacts

    def contact(self, line: ContactLine, event: IncomingEvent) -> Contact | None:
        if line.name in self._contacts:
            return self._contacts[line.name]
        found = self.session.scalars(select(Contact).where(Contact.name == line.name)).all()
        if len(found) == 1:
            self._contacts[line.name] = found[0]
            return found[0]
        if len(found) > 1:
            self.warnings.append(f'Several contacts are called "{line.name}"; none was linked.')
            self._contacts[line.name] = None
            return None
        contact = Contact(name=line.name, notes="Created by importing a calendar.")
        if line.phone:
            try:
                e164 = normalise_phone("phone", line.phone)
                contact.phones.append(
                    ContactPhone(position=0, label="work", raw=line.phone, e164=e164)
                )
            except ValidationError:
                self.warnings.append(f"The phone number of {line.name} could not be read.")
        if line.email:
            try:
                contact.emails.append(
                    ContactEmail(position=0, label="work", address=check_email("email", line.email))
                )
            except ValidationError:
                self.warnings.append(f"The e-mail address of {line.name} could not be read.")
        self._check(contact, event)
        self.session.add(contact)
        self.created_contacts.append(contact)
        self._contacts[line.name] = contact
        return contact

    # milestones

    def create_milestone(self, row: PreviewRow, chosen_area: FocusArea | None) -> None:
        """Checks a new milestone and keeps it for `insert_milestones()`.

        The milestone is a transient ORM object, never added to the session: the model's
        own `check()` runs on it (and derives starts_on, ends_on, precision_rank, the
        normalised rrule), but the unit of work, which would cost seconds for 10,000 of
        them, never sees it. Its links are kept beside it, not set on it: setting the
        agreement would put it in the agreement's collection, and from there in the flush.
        """
        event = row.event
        agreement = self.agreement_for(row)
        # Look everything up before the milestone exists: a query autoflushes.
        areas = self.areas_for(agreement, event, chosen_area)
        people = [(self.contact(line, event), line.role) for line in event.contacts or ()]
        milestone = Milestone(
            uid=event.key,
            kind=event.kind or (MilestoneKind.EVENT_SERIES if event.rrule else MilestoneKind.EVENT),
            title=event.title,
            description=event.description,
            location=event.location,
            audience=event.audience or None,
            status=event.status or MilestoneStatus.PLANNED,
            when=event.when,
            end=event.end,
            date_wording=event.wording,
            rrule=event.rrule,
            exdates=list(event.exdates),
            reminders=list(event.reminders or ()),
            outcome=event.outcome or "",
            url=event.url,
        )
        self._check(milestone, event)
        # The rule check() applies to links: areas_for() only offers the agreement's own.
        assert all(area.agreement is agreement for area in areas)
        linked = [(p, role) for p, role in people if p]
        self.new_milestones.append((event, milestone, agreement, areas, linked))

    def insert_milestones(self, should_stop: Callable[[], bool] | None = None) -> None:
        """Writes the checked new milestones with Core executemany, logged as ORM inserts are.

        Each gets what the ORM would give it: version 1 (or the file's SEQUENCE floor, see
        `raise_versions`), its focus-area and contact links, an INSERT line in the change log
        for the milestone and for each contact link, and a place in the session's ChangeSet.
        """
        if not self.new_milestones:
            return
        self.session.flush()  # agreements, focus areas and contacts created above get ids
        floors = {e.key: e.sequence for e, *_ in self.new_milestones if e.sequence > 0}
        histories = _histories(self.session, "milestone", dict.fromkeys(floors, 1))
        now = utcnow()
        table = Milestone.__table__
        links = MilestoneFocusArea.__table__
        people = MilestoneContact.__table__
        for chunk in _chunks(self.new_milestones, 1000):
            if should_stop is not None and should_stop():
                raise ImportCancelled
            rows = []
            for event, m, agreement, _, _ in chunk:
                version = 1
                if event.key in floors:  # SEQUENCE never goes down (see raise_versions)
                    version = max(1, 1 + floors[event.key] - histories[event.key].revision)
                rows.append(
                    {
                        "uid": m.uid,
                        "version": version,
                        "created_at": now,
                        "updated_at": now,
                        "agreement_id": agreement.id,
                        "kind": m.kind,
                        "title": m.title,
                        "description": m.description,
                        "location": m.location,
                        "audience": m.audience,
                        "status": m.status,
                        "date": m.when,
                        "end": m.end,
                        "date_wording": m.date_wording,
                        "starts_on": m.starts_on,
                        "ends_on": m.ends_on,
                        "precision_rank": m.precision_rank,
                        "rrule": m.rrule,
                        "exdates": m.exdates,
                        "reminders": m.reminders,
                        "outcome": m.outcome,
                        "url": m.url,
                    }
                )
            # Plain executemany, ids read back by UID: SQLite's RETURNING would cost one
            # statement per row here.
            self.session.execute(insert(table), rows)
            found: dict[str, int] = {
                uid: mid
                for uid, mid in self.session.execute(
                    select(table.c.uid, table.c.id).where(table.c.uid.in_([r["uid"] for r in rows]))
                )
            }
            ids = [found[r["uid"]] for r in rows]
            self.created_milestone_ids += ids
            area_rows = [
                {"milestone_id": mid, "focus_area_id": area.id}
                for mid, (_, _, _, areas, _) in zip(ids, chunk, strict=True)
                for area in areas
            ]
            if area_rows:
                self.session.execute(insert(links), area_rows)
            contact_rows = [
                {"milestone_id": mid, "contact_id": contact.id, "role": role}
                for mid, (*_, linked) in zip(ids, chunk, strict=True)
                for contact, role in linked
            ]
            contact_ids: list[int] = []
            if contact_rows:
                contact_ids = list(
                    self.session.execute(
                        insert(people).returning(people.c.id, sort_by_parameter_order=True),
                        contact_rows,
                    ).scalars()
                )
            log_inserts(
                self.session,
                "milestone",
                ((mid, row["uid"], row["title"]) for mid, row in zip(ids, rows, strict=True)),
            )
            log_inserts(self.session, "milestone_contact", ((i, None, None) for i in contact_ids))

    def update_milestone(self, row: PreviewRow) -> None:
        event = row.event
        milestone = self.session.get(Milestone, row.record_id)
        assert milestone is not None
        theirs = _incoming_values(event, _milestone_values(milestone))
        values: dict[str, Any] = {}
        for name in row.changes:
            value = theirs[name]
            if name == "focus_areas":
                areas = self.areas_for(milestone.agreement, event, None)
                self.session.flush()
                value = [a.id for a in areas]
            values[name] = value
        if "audience" in values:
            values["audience"] = values["audience"] or None
        if "when" in values and event.wording is None:
            values["date_wording"] = None
        try:
            inverse = SetFields("milestone", milestone.id, values).apply(self.session)
        except ValidationError as exc:
            raise IcsError(event.line, f'"{event.title}": {exc.message}') from None
        self.inverses.append(inverse)
        self.floors.append((milestone, event.sequence))

    def update_agreement(self, row: PreviewRow) -> None:
        event = row.event
        assert event.term_field is not None and row.record_id is not None
        try:
            inverse = SetFields("agreement", row.record_id, {event.term_field: event.when}).apply(
                self.session
            )
        except ValidationError as exc:
            raise IcsError(event.line, f'"{event.title}": {exc.message}') from None
        self.inverses.append(inverse)

    def _check(self, obj: Any, event: IncomingEvent) -> None:
        try:
            obj.check()
        except ValidationError as exc:
            raise IcsError(event.line, f'"{event.title}": {exc.message}') from None

    def raise_versions(self) -> None:
        """SEQUENCE never goes down: a record imported at SEQUENCE n exports at least n."""
        if not self.floors:
            return
        self.session.flush()
        table = Milestone.__table__
        histories = _histories(
            self.session, "milestone", {m.uid: m.version for m, _ in self.floors}
        )
        for milestone, sequence in self.floors:
            history = histories[milestone.uid]
            needed = milestone.version + (sequence - history.revision)
            if needed > milestone.version:
                self.session.execute(
                    update(table)
                    .where(table.c.id == milestone.id, table.c.version < needed)
                    .values(version=needed)
                )
                self.session.expire(milestone, ["version"])
        # Undo of an update must expect the raised version, or it would refuse as stale.
        fixed: list[Edit] = []
        for inverse in self.inverses:
            if isinstance(inverse, SetFields) and inverse.table == "milestone":
                current = self.session.get(Milestone, inverse.id)
                inverse = replace(inverse, expected_version=current.version if current else None)
            fixed.append(inverse)
        self.inverses = fixed

    def inverse(self) -> Batch:
        self.session.flush()
        undo: list[Edit] = list(reversed(self.inverses))
        undo += [Delete("milestone", i) for i in reversed(self.created_milestone_ids)]
        created = {id(a) for a in self.created_agreements}
        undo += [
            Delete("focus_area", f.id)
            for f in reversed(self.created_areas)
            if id(f.agreement) not in created
        ]
        undo += [Delete("agreement", a.id) for a in reversed(self.created_agreements)]
        undo += [Delete("contact", c.id) for c in reversed(self.created_contacts)]
        return Batch(tuple(undo))


def apply_import(
    session: Session,
    parsed: ParsedCalendar,
    *,
    agreement_id: int | None = None,
    focus_area_id: int | None = None,
    take_theirs: bool = False,
    progress: Callable[[int, int], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> ImportResult:
    """Applies the file in the caller's transaction; raises (writing nothing) on any problem.

    New events go into `agreement_id` when given, else into the agreement the file names
    (created when missing); `focus_area_id` is added to every new milestone of its agreement.
    Conflicts keep Accord's values unless `take_theirs`.
    """
    rows = preview(session, parsed, agreement_id=agreement_id)
    unplaced = [r for r in rows if r.needs_agreement]
    if unplaced:
        raise ValidationError(
            "agreement",
            f"{len(unplaced)} new event{'s' if len(unplaced) != 1 else ''} "
            f'(the first: "{unplaced[0].event.title}", line {unplaced[0].event.line}) '
            "belong to no agreement. Choose the agreement for new events "
            "(accord import-ics --agreement REF).",
        )
    chosen_area = session.get(FocusArea, focus_area_id) if focus_area_id else None
    if focus_area_id and chosen_area is None:
        raise ValidationError("focus_area", "The chosen focus area no longer exists.")
    applier = _Applier(session, parsed)
    created = updated = 0
    total = len(rows)
    # Agreements first, so that term events and milestones find them.
    for row in rows:
        if row.action is Action.NEW and row.table == "agreement":
            applier.agreement_for(row)
    for index, row in enumerate(rows):
        if index % 100 == 0:
            if should_stop is not None and should_stop():
                raise ImportCancelled
            if progress is not None:
                progress(index, total)
        apply = row.action is Action.UPDATED or (row.action is Action.CONFLICT and take_theirs)
        if row.table == "milestone" and row.action is Action.NEW:
            applier.create_milestone(row, chosen_area)
            created += 1
        elif row.table == "milestone" and apply:
            applier.update_milestone(row)
            updated += 1
        elif row.table == "agreement" and apply:
            applier.update_agreement(row)
            updated += 1
        if index % 200 == 199:
            session.flush()
    session.flush()
    applier.insert_milestones(should_stop)
    applier.raise_versions()
    inverse = applier.inverse()
    if progress is not None:
        progress(total, total)
    return ImportResult(rows, inverse, created, updated, applier.warnings)


@dataclass(frozen=True)
class ImportEdit:
    """An import as an edit value: applying it returns the edit that undoes it."""

    parsed: ParsedCalendar
    agreement_id: int | None = None
    focus_area_id: int | None = None
    take_theirs: bool = False

    def apply(self, session: Session) -> Edit:
        return apply_import(
            session,
            self.parsed,
            agreement_id=self.agreement_id,
            focus_area_id=self.focus_area_id,
            take_theirs=self.take_theirs,
        ).inverse


def read_file(path: str, *, default_tz: str = DEFAULT_TZ, **kwargs: Any) -> ParsedCalendar:
    """parse_ics() of a file, with the file's name in front of any error."""
    from pathlib import Path

    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise ValidationError("file", f"Cannot read {path}: {exc.strerror or exc}.") from None
    try:
        return parse_ics(data, default_tz=default_tz, **kwargs)
    except IcsError as exc:
        raise IcsError(exc.line, exc.problem, source=str(path)) from None
