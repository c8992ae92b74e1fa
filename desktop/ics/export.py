"""Calendar export: milestones and agreement terms as one RFC 5545 VCALENDAR.

Two steps, both free of Qt so that the CLI and the GUI's worker thread share them:

* `collect(session, scope)` reads what the scope selects with a few Core queries (no ORM
  milestones, stored dates read without FlexDate's validation) and returns an
  `ExportPlan`: plain `Event` values plus what was left out and why. The export dialog
  shows its counts.
* `render(plan)` writes the bytes with our own serializer (`desktop.ics.text`), 25–40
  times faster than building icalendar's Calendar/Event objects (tests/ics/test_ics_perf.py
  checks at least 3× and identical events read back); icalendar reads and verifies.

Agreement terms: signing, term start, term end and a renewal review `review_months` before
the term ends are events of their own (UID: the agreement's UID + "-signing" …); a signing
or term milestone the agreement has replaces the derived event.

Dates by precision: exact → zoned DTSTART/DTEND with a VTIMEZONE in rule form for every
TZID; day → all-day, DTEND exclusive; month … year → an all-day span over the covered days,
STATUS:TENTATIVE, "(fall 2024)" after the title, or left out with `exact_only`; TBD → left
out and counted.

SEQUENCE is `version - 1` plus the number of changes that touched only the milestone's focus
areas (a many-to-many change does not raise `version`, but it changes CATEGORIES), so it
rises with every logged change and never falls. Deleted milestones (change_log rows with
action "delete") and cancelled ones stay in the file as STATUS:CANCELLED for
`cancelled_days`, with a higher SEQUENCE, so that copies in calendars that imported an
earlier file are updated instead of silently kept. Every event also carries X-ACCORD-*
properties (kind, canonical date, agreement UID) so that an Accord file re-imports without
guessing; other clients ignore them.
"""

from __future__ import annotations

import calendar
import functools
import gc
import json
import os
import re
import tempfile
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import String, select, type_coerce
from sqlalchemy.orm import Session

from db.dates import FlexDate, Precision
from db.enums import AgreementStatus, ChangeAction, MilestoneKind, MilestoneStatus
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
from db.queries import term_text
from desktop.ics.text import (
    CRLF,
    content_line,
    escape_list,
    escape_text,
    fmt_date,
    fmt_duration,
    fmt_local,
    fmt_utc,
    fold_text,
    param_value,
    text_line,
)
from desktop.ics.vtimezone import vtimezone

T = TypeVar("T")
PRODID = "-//Accord//Accord partnership calendar//EN"
UTC_ZONES = frozenset({"UTC", "Etc/UTC", "Etc/GMT", "GMT", "Etc/Zulu", "Zulu", "Etc/UCT"})
#: Milestone fields whose changes are logged without raising `version` (many-to-many).
M2M_FIELDS = frozenset({"focus_areas"})
#: A category may not contain a comma (two parsers split it, DOMAIN.md item 13): focus area
#: names with one are written with U+201A, which looks alike, and read back by the importer.
CATEGORY_COMMA = "\u201a"
#: Labels of the block Accord appends to DESCRIPTION; the importer reads them back.
LABELS = ("Agreement", "Focus areas", "Audience", "Contacts", "Outcome", "Date", "Term", "Repeats")
REVIEWED_STATUSES = frozenset(
    {AgreementStatus.DRAFT, AgreementStatus.NEGOTIATION, AgreementStatus.SIGNED,
     AgreementStatus.IN_FORCE}
)  # fmt: skip
REMINDER_NOTE = (
    "Reminders are written as alarms (VALARM). Google Calendar and Outlook ignore alarms in "
    "imported files and apply their own default reminders; Apple Calendar and Thunderbird "
    "use them."
)


class ExportCancelled(Exception):
    """The user cancelled a running export; nothing was written."""


# --- what to export ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportScope:
    """What an export holds. Empty tuples mean "no restriction"; filters combine with AND."""

    agreement_ids: tuple[int, ...] = ()
    #: Also the agreements the chosen ones renew, back along the chain.
    with_renewed: bool = False
    focus_area_ids: tuple[int, ...] = ()
    milestone_ids: tuple[int, ...] = ()
    date_from: date | None = None
    date_to: date | None = None
    kinds: tuple[MilestoneKind, ...] = ()
    #: Leave out month … year precision (day precision stays).
    exact_only: bool = False
    #: Signing, term start, term end and renewal review of each agreement in scope.
    agreement_terms: bool = True
    review_months: int = 6
    cancelled_days: int = 30
    refresh_hours: int = 12
    name: str | None = None

    @property
    def is_everything(self) -> bool:
        return not (
            self.agreement_ids
            or self.focus_area_ids
            or self.milestone_ids
            or self.kinds
            or self.date_from
            or self.date_to
        )


@dataclass(slots=True)
class Event:
    """One VEVENT as plain values. Wall-clock datetimes are naive with `tzid` set; a
    datetime with `tzid` None is aware UTC. All-day `end` is exclusive."""

    uid: str
    sequence: int
    summary: str
    start: date | datetime
    end: date | datetime | None = None
    tzid: str | None = None
    description: str = ""
    location: str | None = None
    categories: tuple[str, ...] = ()
    status: str = "CONFIRMED"
    url: str | None = None
    rrule: str | None = None
    exdates: tuple[date | datetime, ...] = ()
    alarms: tuple[int, ...] = ()
    created: datetime | None = None
    last_modified: datetime | None = None
    transparent: bool = False
    extra: tuple[tuple[str, str], ...] = ()

    @property
    def all_day(self) -> bool:
        return not isinstance(self.start, datetime)


@dataclass(frozen=True, slots=True)
class AgreementInfo:
    """Calendar-level X-ACCORD-AGREEMENT: lets an import recreate the agreement."""

    uid: str
    title: str
    status: str
    signed: str
    term_start: str
    term_end: str
    renews: str | None


@dataclass(frozen=True, slots=True)
class FocusAreaInfo:
    uid: str
    agreement_uid: str
    name: str
    position: int
    colour: str


@dataclass
class ExportPlan:
    events: list[Event]
    name: str
    stamp: datetime
    refresh: timedelta = timedelta(hours=12)
    agreements: list[AgreementInfo] = field(default_factory=list)
    focus_areas: list[FocusAreaInfo] = field(default_factory=list)
    colour: str | None = None
    left_out_undated: int = 0
    left_out_approximate: int = 0
    left_out_cancelled: int = 0
    tombstones: int = 0

    @property
    def count(self) -> int:
        return len(self.events)

    @property
    def with_alarms(self) -> int:
        return sum(1 for e in self.events if e.alarms)

    @property
    def left_out(self) -> int:
        return self.left_out_undated + self.left_out_approximate


# --- reading stored dates fast ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Exact:
    """An exact stored value, read without FlexDate's validation (ten times faster)."""

    wall: datetime
    tz: str

    @property
    def first(self) -> date:
        return self.wall.date()


Stored = FlexDate | _Exact


@lru_cache(maxsize=4096)
def _flex(canonical: str) -> FlexDate:
    return FlexDate.from_canonical(canonical)


def read_stored(canonical: str | None) -> Stored | None:
    """A stored date: exact values as wall time + zone, the rest as (cached) FlexDates.

    An exact value with an offset suffix (the second of two equal wall times) goes through
    FlexDate, and is written in UTC, the only way iCalendar can name that instant.
    """
    if canonical is None:
        return None
    if len(canonical) > 17 and canonical[16] == "[" and canonical[-1] == "]":
        try:
            return _Exact(datetime.fromisoformat(canonical[:16]), canonical[17:-1])
        except ValueError:
            pass
    return _flex(canonical)


def _is_approximate(value: Stored) -> bool:
    return isinstance(value, FlexDate) and value.is_approximate


def _first_day(value: Stored) -> date | None:
    return value.first if isinstance(value, _Exact) else value.start


def _last_day(value: Stored) -> date | None:
    return value.first if isinstance(value, _Exact) else value.end


# --- recurrence ---------------------------------------------------------------------------

_UNTIL = re.compile(r"UNTIL=(\d{8})(T\d{6}Z?)?")
_COUNT = re.compile(r"COUNT=(\d+)")


def series_last_day(rrule: str, first: date) -> date | None:
    """The last day a series can fall on (None: it never ends), for the date filter."""
    until = _UNTIL.search(rrule)
    if until is not None:
        text = until.group(1)
        return date(int(text[:4]), int(text[4:6]), int(text[6:8])) + timedelta(days=1)
    count = _COUNT.search(rrule)
    if count is not None:
        from dateutil.rrule import rrulestr

        rule = rrulestr("RRULE:" + rrule, dtstart=datetime.combine(first, time()))
        occurrences = list(rule)
        return occurrences[-1].date() if occurrences else first
    return None


def _all_day_rrule(rrule: str) -> str:
    """UNTIL of an all-day series must be a DATE (RFC 5545 3.3.10)."""
    return _UNTIL.sub(lambda m: f"UNTIL={m.group(1)}", rrule)


def _exdate_days(values: Iterable[Any]) -> list[date]:
    days = []
    for value in values or ():
        text = str(value)
        try:
            days.append(date.fromisoformat(text[:10]))
        except ValueError:
            continue
    return sorted(set(days))


# --- the DESCRIPTION block ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ContactLine:
    name: str
    role: str
    phone: str | None
    email: str | None

    def text(self) -> str:
        details = [d for d in (self.role, self.phone, self.email) if d]
        return f"{self.name} ({', '.join(details)})" if details else self.name


def description_block(
    own: str,
    *,
    agreement: str | None,
    focus_areas: Sequence[str] = (),
    audience: str | None = None,
    contacts: Sequence[ContactLine] = (),
    outcome: str | None = None,
    date_line: str | None = None,
    term: str | None = None,
    repeats: str | None = None,
) -> str:
    """The milestone's own text, then a block of labelled lines the importer reads back."""
    block: list[str] = []
    if agreement:
        block.append(f"Agreement: {agreement}")
    if term:
        block.append(f"Term: {term}")
    if focus_areas:
        block.append("Focus areas: " + "; ".join(focus_areas))
    if audience and audience.strip():
        block.append(f"Audience: {audience.strip()}")
    if contacts:
        block.append("Contacts: " + "; ".join(c.text() for c in contacts))
    if outcome and outcome.strip():
        block.append(f"Outcome: {outcome.strip()}")
    if date_line:
        block.append(f"Date: {date_line}")
    if repeats:
        block.append(f"Repeats: {repeats}")
    own = (own or "").strip()
    text = "\n".join(block)
    return f"{own}\n\n{text}" if own and text else own or text


def approximate_marker(when: FlexDate, end: Stored | None) -> str:
    """ " (fall 2024)" or " (fall 2024 – spring 2025)", appended to an approximate title."""
    text = when.to_text()
    if isinstance(end, FlexDate) and end.is_known and end != when:
        text += f" – {end.to_text()}"
    return f" ({text})"


# --- collecting ---------------------------------------------------------------------------


@dataclass(slots=True)
class _Log:
    """What the change log says about one milestone."""

    m2m_only: int = 0
    last_change: datetime | None = None
    cancelled_at: datetime | None = None


def _agreement_ids(session: Session, scope: ExportScope) -> set[int] | None:
    if not scope.agreement_ids:
        return None
    chosen = set(scope.agreement_ids)
    if scope.with_renewed:
        renews = {a: r for a, r in session.execute(select(Agreement.id, Agreement.renews_id))}
        for start in list(chosen):
            link = renews.get(start)
            while link is not None and link not in chosen:
                chosen.add(link)
                link = renews.get(link)
    return chosen


def _milestone_conditions(scope: ExportScope, agreement_ids: set[int] | None) -> list[Any]:
    m = Milestone.__table__
    conditions: list[Any] = []
    if agreement_ids is not None:
        conditions.append(m.c.agreement_id.in_(sorted(agreement_ids)))
    if scope.focus_area_ids:
        mfa = MilestoneFocusArea.__table__
        conditions.append(
            m.c.id.in_(
                select(mfa.c.milestone_id).where(mfa.c.focus_area_id.in_(scope.focus_area_ids))
            )
        )
    if scope.milestone_ids:
        conditions.append(m.c.id.in_(scope.milestone_ids))
    if scope.kinds:
        conditions.append(m.c.kind.in_(list(scope.kinds)))
    if scope.date_to is not None:
        conditions.append((m.c.starts_on.is_(None)) | (m.c.starts_on <= scope.date_to))
    return conditions


def _change_logs(session: Session, uids: Any | None) -> dict[str, _Log]:
    """Per milestone UID: focus-area-only changes, the last change, when it was cancelled.

    `uids` None (every milestone is in scope) reads all update rows in one scan: matching
    them against 10,000 UIDs, an index search each, takes four times as long.
    """
    cl = ChangeLog.__table__
    conditions = [cl.c.entity == "milestone", cl.c.action == ChangeAction.UPDATE]
    if uids is not None:
        conditions.append(cl.c.entity_uid.in_(uids))
    rows = session.execute(
        select(cl.c.entity_uid, cl.c.at, cl.c.field, cl.c.new).where(*conditions).order_by(cl.c.at)
    ).all()
    groups: dict[tuple[str, datetime], bool] = {}
    logs: dict[str, _Log] = defaultdict(_Log)
    for uid, at, field_name, new in rows:
        key = (uid, at)
        groups[key] = groups.get(key, True) and field_name in M2M_FIELDS
        log = logs[uid]
        log.last_change = at
        if field_name == "status":
            log.cancelled_at = at if new == MilestoneStatus.CANCELLED.value else None
    for (uid, _at), m2m_only in groups.items():
        if m2m_only:
            logs[uid].m2m_only += 1
    return logs


def _in_range(first: date, last: date | None, scope: ExportScope) -> bool:
    """Whether days first..last (None: open-ended) overlap the scope's date range."""
    if scope.date_to is not None and first > scope.date_to:
        return False
    return not (scope.date_from is not None and last is not None and last < scope.date_from)


def _calendar_name(session: Session, scope: ExportScope, agreement_ids: set[int] | None) -> str:
    if scope.name:
        return scope.name
    if scope.focus_area_ids:
        names = session.scalars(
            select(FocusArea.name).where(FocusArea.id.in_(scope.focus_area_ids))
        ).all()
        return "Accord: " + ", ".join(sorted(set(names)))
    if scope.agreement_ids:
        titles = session.scalars(
            select(Agreement.title).where(Agreement.id.in_(scope.agreement_ids))
        ).all()
        if len(titles) == 1:
            return titles[0]
        return "Accord: " + ", ".join(sorted(titles))
    if scope.milestone_ids:
        return "Accord: selected milestones"
    return "Accord: all agreements"


def _later(a: datetime | None, b: datetime | None) -> datetime | None:
    if a is None or (b is not None and b > a):
        return b
    return a


def _utc_column(value: Any) -> datetime | None:
    """A UTC timestamp column read as text (SQLite) or as a datetime (other databases)."""
    if value is None:
        return None
    if isinstance(value, str):
        try:  # parsing the offset is ten times faster than datetime.replace(tzinfo=...)
            return datetime.fromisoformat(value + "+00:00")
        except ValueError:  # the text has an offset of its own: replaced, as before
            return datetime.fromisoformat(value).replace(tzinfo=UTC)
    return _stamp(value)


def _stamp(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _event_times(
    when: Stored, end: Stored | None
) -> tuple[date | datetime, date | datetime | None, str | None]:
    """(DTSTART, DTEND, TZID) for a dated value; see Event for the conventions."""
    if isinstance(when, _Exact) or when.precision is Precision.EXACT:
        if isinstance(when, _Exact) and when.tz not in UTC_ZONES:
            start: datetime = when.wall
            tzid: str | None = when.tz
        else:  # UTC, or the second of two equal wall times: an absolute UTC instant
            instant = (
                when.wall.replace(tzinfo=ZoneInfo(when.tz)).astimezone(UTC)
                if isinstance(when, _Exact)
                else when.instant
            )
            assert instant is not None
            start, tzid = instant, None
        zone = ZoneInfo(tzid) if tzid else UTC
        stop: datetime | None = None
        if end is not None:
            if isinstance(end, _Exact) and end.tz == tzid:  # the usual case: same zone
                return start, end.wall, tzid
            if isinstance(end, _Exact):
                stop = end.wall.replace(tzinfo=ZoneInfo(end.tz))
            elif end.precision is Precision.EXACT:
                stop = end.instant
            elif end.end is not None:  # a day or a span: the end of its last day
                stop = datetime.combine(end.end + timedelta(days=1), time(), zone)
            if stop is not None:
                local = stop.astimezone(zone)
                stop = local.replace(tzinfo=None) if tzid else local.astimezone(UTC)
        return start, stop, tzid
    first, last = when.start, when.end
    assert first is not None and last is not None
    if end is not None:
        last = max(last, _last_day(end) or last)
    return first, last + timedelta(days=1), None


@dataclass(slots=True)
class _Counts:
    undated: int = 0
    approximate: int = 0
    cancelled: int = 0


def _paused_gc(function: Callable[..., T]) -> Callable[..., T]:
    """Runs `function` with the cyclic garbage collector paused.

    An export allocates hundreds of thousands of small, acyclic objects; the collector
    would walk the whole heap again and again for nothing (a fifth of the time for 10,000
    milestones). Reference counting still frees everything; the collector resumes after.
    """

    @functools.wraps(function)
    def paused(*args: Any, **kwargs: Any) -> T:
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return function(*args, **kwargs)
        finally:
            if was_enabled:
                gc.enable()

    return paused


@_paused_gc
def collect(
    session: Session,
    scope: ExportScope = ExportScope(),
    *,
    now: datetime | None = None,
    previous: bytes | None = None,
) -> ExportPlan:
    """Everything an export of `scope` holds, as plain values, and what it leaves out.

    `previous` is the file the export replaces (a published calendar): deleted milestones
    it still holds are carried over as STATUS:CANCELLED with their last dates.
    """
    now = now or datetime.now(UTC)
    agreement_ids = _agreement_ids(session, scope)
    conditions = _milestone_conditions(scope, agreement_ids)
    m = Milestone.__table__
    in_scope = select(m.c.id).where(*conditions)
    rows = session.execute(
        select(
            m.c.id,
            m.c.uid,
            m.c.version,
            m.c.agreement_id,
            type_coerce(m.c.kind, String),
            m.c.title,
            m.c.description,
            m.c.location,
            m.c.audience,
            type_coerce(m.c.status, String),
            type_coerce(m.c.date, String),
            type_coerce(m.c.end, String),
            m.c.date_wording,
            m.c.rrule,
            type_coerce(m.c.exdates, String),
            type_coerce(m.c.reminders, String),
            m.c.outcome,
            m.c.url,
            type_coerce(m.c.created_at, String),
            type_coerce(m.c.updated_at, String),
            type_coerce(m.c.starts_on, String),
            m.c.precision_rank,
        ).where(*conditions)
    ).all()
    # Sorted here rather than by SQL, which would sort whole rows, descriptions and all.
    rows.sort(key=lambda r: (r[-2] is None, r[-2] or "", r[-1], r[0]))

    areas: dict[int, list[str]] = defaultdict(list)
    fa, mfa = FocusArea.__table__, MilestoneFocusArea.__table__
    for milestone_id, name in session.execute(
        select(mfa.c.milestone_id, fa.c.name)
        .join(fa, fa.c.id == mfa.c.focus_area_id)
        .where(mfa.c.milestone_id.in_(in_scope))
        .order_by(mfa.c.milestone_id, fa.c.position, fa.c.id)
    ).all():
        areas[milestone_id].append(name)
    area_names = {mid: tuple(names) for mid, names in areas.items()}

    people = _contacts(session, in_scope)
    logs = _change_logs(session, select(m.c.uid).where(*conditions) if conditions else None)

    agreements = {
        a.id: a
        for a in session.scalars(
            select(Agreement)
            if agreement_ids is None
            else select(Agreement).where(Agreement.id.in_(sorted(agreement_ids)))
        )
    }
    used_agreements: set[int] = set()
    counts = _Counts()
    events: list[Event] = []
    cutoff = now - timedelta(days=scope.cancelled_days)

    labels = {a.id: (a.uid, a.title) for a in agreements.values()}
    no_log = _Log()  # read only
    for row in rows:
        (mid, uid, version, agreement_id, _kind, _title, _description, _location, _audience,
         status_text, when_text, end_text, _wording, rrule, _exdates, _reminders, _outcome,
         _url, created_at, updated_at, _starts_on, _rank) = row  # fmt: skip
        status = _STATUSES[status_text]
        when = read_stored(when_text)
        if when is None or (isinstance(when, FlexDate) and not when.is_known):
            counts.undated += 1
            continue
        end = read_stored(end_text)
        if scope.date_from is not None or scope.date_to is not None:
            first = _first_day(when)
            assert first is not None
            last = _last_day(end) if end is not None else _last_day(when)
            if rrule and scope.date_from is not None:
                last = series_last_day(rrule, first)
            if not _in_range(first, last, scope):
                continue
        if scope.exact_only and _is_approximate(when):
            counts.approximate += 1
            continue
        log = logs.get(uid, no_log)
        created_at, updated_at = _utc_column(created_at), _utc_column(updated_at)
        if status is MilestoneStatus.CANCELLED:
            cancelled_at = _stamp(log.cancelled_at) or _stamp(updated_at)
            if cancelled_at is not None and cancelled_at < cutoff:
                counts.cancelled += 1
                continue
        label = labels.get(agreement_id)
        if label is None:  # an agreement outside the chosen ones cannot hold it
            agreement = session.get(Agreement, agreement_id)
            assert agreement is not None
            agreements[agreement_id] = agreement
            label = labels[agreement_id] = (agreement.uid, agreement.title)
        used_agreements.add(agreement_id)
        if log.last_change is not None:
            updated_at = _later(updated_at, _stamp(log.last_change))
        events.append(
            _milestone_event(
                row,
                when,
                end,
                version - 1 + log.m2m_only,
                created_at,
                updated_at,
                label,
                area_names.get(mid, ()),
                people.get(mid, ()),
            )
        )

    if scope.agreement_terms and not scope.focus_area_ids and not scope.milestone_ids:
        kinds_present: dict[int, set[MilestoneKind]] = defaultdict(set)
        for agreement_id, kind in session.execute(
            select(m.c.agreement_id, m.c.kind)
            .where(m.c.kind.in_([k for k, _ in TERM_FIELDS.values()]))
            .distinct()
        ):
            kinds_present[agreement_id].add(kind)
        for agreement in sorted(agreements.values(), key=lambda a: a.id):
            if agreement_ids is not None and agreement.id not in agreement_ids:
                continue
            made = _term_events(agreement, scope, counts, kinds_present[agreement.id])
            if made:
                used_agreements.add(agreement.id)
                events.extend(made)

    tombstones = _tombstones(session, scope, now, previous, {e.uid for e in events})
    events.extend(tombstones)

    infos = [_agreement_info(agreements[i], agreements) for i in sorted(used_agreements)]
    areas_info = [
        FocusAreaInfo(f.uid, agreements[f.agreement_id].uid, f.name, f.position, f.colour)
        for i in sorted(used_agreements)
        for f in agreements[i].focus_areas
    ]
    colour = None
    if len(scope.focus_area_ids) == 1:
        colour = session.scalar(
            select(FocusArea.colour).where(FocusArea.id == scope.focus_area_ids[0])
        )
    return ExportPlan(
        events=events,
        name=_calendar_name(session, scope, agreement_ids),
        stamp=now.astimezone(UTC).replace(microsecond=0),
        refresh=timedelta(hours=scope.refresh_hours),
        agreements=infos,
        focus_areas=areas_info,
        colour=colour,
        left_out_undated=counts.undated,
        left_out_approximate=counts.approximate,
        left_out_cancelled=counts.cancelled,
        tombstones=len(tombstones),
    )


def _agreement_info(agreement: Agreement, known: dict[int, Agreement]) -> AgreementInfo:
    renews = agreement.renews
    return AgreementInfo(
        uid=agreement.uid,
        title=agreement.title,
        status=agreement.status.value,
        signed=agreement.signed.canonical(),
        term_start=agreement.term_start.canonical(),
        term_end=agreement.term_end.canonical(),
        renews=renews.uid if renews is not None else None,
    )


def _contacts(session: Session, in_scope: Any) -> dict[int, list[ContactLine]]:
    mc, c = MilestoneContact.__table__, Contact.__table__
    links = session.execute(
        select(mc.c.milestone_id, mc.c.role, c.c.id, c.c.name)
        .join(c, c.c.id == mc.c.contact_id)
        .where(mc.c.milestone_id.in_(in_scope))
        .order_by(mc.c.milestone_id, mc.c.id)
    ).all()
    if not links:
        return {}
    contact_ids = sorted({link[2] for link in links})
    phones: dict[int, str] = {}
    for contact_id, raw in session.execute(
        select(ContactPhone.contact_id, ContactPhone.raw)
        .where(ContactPhone.contact_id.in_(contact_ids))
        .order_by(ContactPhone.contact_id, ContactPhone.position.desc())
    ):
        phones[contact_id] = raw
    emails: dict[int, str] = {}
    for contact_id, address in session.execute(
        select(ContactEmail.contact_id, ContactEmail.address)
        .where(ContactEmail.contact_id.in_(contact_ids))
        .order_by(ContactEmail.contact_id, ContactEmail.position.desc())
    ):
        emails[contact_id] = address
    out: dict[int, list[ContactLine]] = defaultdict(list)
    for milestone_id, role, contact_id, name in links:
        out[milestone_id].append(
            ContactLine(name, role or "", phones.get(contact_id), emails.get(contact_id))
        )
    return out


_STATUSES = {s.value: s for s in MilestoneStatus}


@lru_cache(maxsize=1024)
def _date_line(value: FlexDate) -> str:
    """ "fall 2024 (1 Sep – 30 Nov 2024, season)": the covered days, for DESCRIPTION."""
    return f"{value.to_text()} ({value.describe_range()})"


def _status(status: MilestoneStatus, approximate: bool) -> str:
    if status is MilestoneStatus.CANCELLED:
        return "CANCELLED"
    if approximate or status is MilestoneStatus.PLANNED:
        return "TENTATIVE"
    return "CONFIRMED"


def _milestone_event(
    row: Sequence[Any],
    when: Stored,
    end: Stored | None,
    sequence: int,
    created: datetime | None,
    modified: datetime | None,
    agreement: tuple[str, str],
    focus_areas: Sequence[str],
    contacts: Sequence[ContactLine],
) -> Event:
    """The event of one milestone row of `collect`'s query. Arguments are positional and
    Event is built in field order: keywords cost two microseconds a milestone."""
    (_id, uid, _version, _agreement_id, kind, title, description, location, audience,
     status_text, when_text, end_text, wording, rrule, exdates, reminders, outcome, url,
     *_rest) = row  # fmt: skip
    approximate = _is_approximate(when)
    if end is None and isinstance(when, FlexDate):  # a day, month …: the same for many
        start, stop, tzid = _span_times(when_text)
    else:
        start, stop, tzid = _event_times(when, end)
    summary = title
    date_line = None
    repeats = None
    extra: list[tuple[str, str]] = [
        ("X-ACCORD-KIND", kind),
        ("X-ACCORD-STATUS", status_text),
        ("X-ACCORD-DATE", when_text),
    ]
    if end_text is not None:
        extra.append(("X-ACCORD-END", end_text))
    if wording:
        extra.append(("X-ACCORD-WORDING", wording))
    extra.append(("X-ACCORD-AGREEMENT-UID", agreement[0]))
    series: str | None = None
    exdate_values: tuple[date | datetime, ...] = ()
    if approximate:
        assert isinstance(when, FlexDate)
        summary += approximate_marker(when, end)
        date_line = _date_line(when)
        if rrule:  # a series on an approximate date: the span only, the rule as text
            repeats = rrule
            extra.append(("X-ACCORD-RRULE", rrule))
    elif rrule:
        series = _all_day_rrule(rrule) if not isinstance(start, datetime) else rrule
        days = _exdate_days(_json_list(exdates))
        if isinstance(start, datetime):
            at = start.time()
            exdate_values = tuple(datetime.combine(d, at) for d in days)
        else:
            exdate_values = tuple(days)
    text = description_block(
        description,
        agreement=agreement[1],
        focus_areas=focus_areas,
        audience=audience,
        contacts=contacts,
        outcome=outcome,
        date_line=date_line,
        repeats=repeats,
    )
    alarms = _alarms(reminders) if isinstance(reminders, str) else _alarm_list(reminders)
    return Event(
        uid, sequence, summary, start, stop, tzid, text, location or None,
        _categories(tuple(focus_areas)), _status(_STATUSES[status_text], approximate),
        url or None, series, exdate_values, alarms, created, modified,
        not isinstance(start, datetime), tuple(extra),
    )  # fmt: skip


@lru_cache(maxsize=1024)
def _span_times(canonical: str) -> tuple[date | datetime, date | datetime | None, str | None]:
    """`_event_times` of a stored day … year without an end, by its canonical text."""
    when = read_stored(canonical)
    assert when is not None
    return _event_times(when, None)


@lru_cache(maxsize=1024)
def _categories(focus_areas: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(name.replace(",", CATEGORY_COMMA) for name in focus_areas)


@lru_cache(maxsize=256)
def _alarms(reminders: str) -> tuple[int, ...]:
    """Alarm minutes of a reminders column read as text; a few texts repeat everywhere."""
    return _alarm_list(reminders)


def _alarm_list(reminders: Any) -> tuple[int, ...]:
    return tuple(int(r) for r in _json_list(reminders) if isinstance(r, int | float))


_SIMPLE_LIST = re.compile(r'\[(?:"?[0-9-]+"?(?:, ?"?[0-9-]+"?)*)?\]')


def _json_list(value: Any) -> list[Any]:
    """A JSON list column read as text: lists of numbers or ISO dates without json.loads
    (which costs a tenth of a second over 10,000 rows)."""
    if value is None or value == "[]":
        return []
    if isinstance(value, list):
        return value
    if _SIMPLE_LIST.fullmatch(value):
        items = [item.strip().strip('"') for item in value[1:-1].split(",")]
        return [int(item) if item.isdigit() else item for item in items]
    decoded = json.loads(value)
    return decoded if isinstance(decoded, list) else []


# --- agreement terms ----------------------------------------------------------------------

TERM_FIELDS: dict[str, tuple[MilestoneKind, str]] = {
    "signed": (MilestoneKind.SIGNING, "Signing"),
    "term_start": (MilestoneKind.TERM_START, "Term starts"),
    "term_end": (MilestoneKind.TERM_END, "Term ends"),
    "review": (MilestoneKind.REVIEW, "Renewal review"),
}
TERM_UID_SUFFIX = {
    "signed": "-signing",
    "term_start": "-term-start",
    "term_end": "-term-end",
    "review": "-renewal-review",
}


def _months_before(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def _term_events(
    agreement: Agreement, scope: ExportScope, counts: _Counts, present: set[MilestoneKind]
) -> list[Event]:
    """Signing, term start, term end and a renewal review, as events of their own.

    A signing or term milestone the agreement already has replaces the derived event, so
    a calendar never shows the same signing twice.
    """
    out: list[Event] = []
    values: dict[str, FlexDate] = {
        "signed": agreement.signed,
        "term_start": agreement.term_start,
        "term_end": agreement.term_end,
    }
    for name, (kind, label) in TERM_FIELDS.items():
        if scope.kinds and kind not in scope.kinds:
            continue
        if name == "review":
            end = agreement.term_end
            if agreement.status not in REVIEWED_STATUSES or not end.is_known or end.end is None:
                continue
            day_after = end.end + timedelta(days=1)
            value = FlexDate.on_day(_months_before(day_after, scope.review_months))
            approximate = end.is_approximate
        else:
            if kind in present:
                continue
            value = values[name]
            if not value.is_known:
                counts.undated += 1
                continue
            approximate = value.is_approximate
        first = value.start
        assert first is not None
        if not _in_range(first, value.end, scope):
            continue
        if approximate and scope.exact_only:
            counts.approximate += 1
            continue
        start, stop, tzid = _event_times(value, None)
        summary = f"{label}: {agreement.title}"
        date_line = None
        if name == "review":
            summary += f" ({scope.review_months} months before the term ends"
            summary += f", {agreement.term_end.to_text()})" if approximate else ")"
        elif approximate:
            summary += approximate_marker(value, None)
            date_line = _date_line(value)
        out.append(
            Event(
                uid=agreement.uid + TERM_UID_SUFFIX[name],
                sequence=agreement.version - 1,
                summary=summary,
                start=start,
                end=stop,
                tzid=tzid,
                description=description_block(
                    "",
                    agreement=agreement.title,
                    term=term_text(agreement.term_start, agreement.term_end),
                    date_line=date_line,
                ),
                status="TENTATIVE" if approximate else "CONFIRMED",
                alarms=(7 * 24 * 60,) if name == "review" else (),
                created=_stamp(agreement.created_at),
                last_modified=_stamp(agreement.updated_at),
                transparent=not isinstance(start, datetime),
                extra=(
                    ("X-ACCORD-KIND", kind.value),
                    ("X-ACCORD-FIELD", name),
                    ("X-ACCORD-DATE", value.canonical()),
                    ("X-ACCORD-AGREEMENT-UID", agreement.uid),
                ),
            )
        )
    return out


# --- deleted milestones -------------------------------------------------------------------


def _tombstones(
    session: Session,
    scope: ExportScope,
    now: datetime,
    previous: bytes | None,
    taken: set[str],
) -> list[Event]:
    """Milestones deleted within `cancelled_days`, as STATUS:CANCELLED events.

    Their dates come from the previous file when there is one (the published calendar the
    export replaces), else from the last date the change log recorded, else the day of
    deletion. Without a previous file, only an unfiltered export includes them: the change
    log does not say which agreement a deleted milestone belonged to.
    """
    cl = ChangeLog.__table__
    cutoff = now - timedelta(days=scope.cancelled_days)
    deleted = session.execute(
        select(cl.c.entity_uid, cl.c.at, cl.c.label)
        .where(
            cl.c.entity == "milestone",
            cl.c.action == ChangeAction.DELETE,
            cl.c.at >= cutoff,
            cl.c.entity_uid.is_not(None),
        )
        .order_by(cl.c.at)
    ).all()
    if not deleted:
        return []
    live = set(
        session.scalars(
            select(Milestone.uid).where(Milestone.uid.in_([d[0] for d in deleted]))
        ).all()
    )
    gone = {uid for uid, _, _ in deleted if uid not in live and uid not in taken}
    earlier = _previous_events(previous, gone)
    out: list[Event] = []
    seen: set[str] = set()
    for uid, at, label in reversed(deleted):
        if uid in live or uid in taken or uid in seen:
            continue
        seen.add(uid)
        old = earlier.get(uid)
        if old is None and not scope.is_everything:
            continue
        history = session.execute(
            select(cl.c.at, cl.c.field, cl.c.new)
            .where(cl.c.entity_uid == uid, cl.c.entity == "milestone")
            .order_by(cl.c.at)
        ).all()
        sequence = len({h[0] for h in history}) - 1
        deleted_on = _stamp(at)
        assert deleted_on is not None
        if old is not None:
            out.append(_cancelled_copy(old, max(sequence, old.sequence + 1), deleted_on))
            continue
        when_text = next((h[2] for h in reversed(history) if h[1] == "when" and h[2]), None)
        when = read_stored(when_text) if when_text else None
        if when is None or (isinstance(when, FlexDate) and not when.is_known):
            when = FlexDate.on_day(deleted_on.date())
        start, stop, tzid = _event_times(when, None)
        out.append(
            Event(
                uid=uid,
                sequence=max(sequence, 1),
                summary=label or "Deleted milestone",
                start=start,
                end=stop,
                tzid=tzid,
                description=f"Deleted in Accord on {deleted_on:%Y-%m-%d}.",
                status="CANCELLED",
                last_modified=deleted_on,
                transparent=not isinstance(start, datetime),
                extra=(("X-ACCORD-DELETED", "TRUE"),),
            )
        )
    return out


def _previous_events(previous: bytes | None, uids: Collection[str]) -> dict[str, Event]:
    """Events `uids` of the file being replaced, by UID; an unreadable file is ignored.

    Only those events are read: a published calendar holds thousands, and icalendar
    would take seconds for the ones a deletion does not concern.
    """
    if not previous or not uids:
        return {}
    from desktop.ics.importer import IcsError, parse_ics

    try:
        parsed = parse_ics(previous, only_uids=uids)
    except IcsError:
        return {}
    out: dict[str, Event] = {}
    for incoming in parsed.events:
        if not incoming.when.is_known:
            continue
        when = read_stored(incoming.when.canonical())
        end = read_stored(incoming.end.canonical()) if incoming.end is not None else None
        assert when is not None
        start, stop, tzid = _event_times(when, end)
        out[incoming.uid] = Event(
            uid=incoming.uid,
            sequence=incoming.sequence,
            summary=incoming.raw_summary,
            start=start,
            end=stop,
            tzid=tzid,
            location=incoming.location,
            transparent=not isinstance(start, datetime),
        )
    return out


def _cancelled_copy(old: Event, sequence: int, deleted_on: datetime) -> Event:
    return Event(
        uid=old.uid,
        sequence=sequence,
        summary=old.summary,
        start=old.start,
        end=old.end,
        tzid=old.tzid,
        description=f"Deleted in Accord on {deleted_on:%Y-%m-%d}.",
        location=old.location,
        status="CANCELLED",
        last_modified=deleted_on,
        transparent=old.transparent,
        extra=(("X-ACCORD-DELETED", "TRUE"),),
    )


# --- writing ------------------------------------------------------------------------------


def _years(event: Event) -> tuple[int, int]:
    first = event.start.year
    last = event.end.year if event.end is not None else first
    if event.rrule:
        until = _UNTIL.search(event.rrule)
        last = max(last, int(until.group(1)[:4])) if until else max(last, first + 1)
    return first, last


def time_zones(events: Iterable[Event]) -> dict[str, tuple[int, int]]:
    """Every TZID the events use, with the range of years it must describe."""
    zones: dict[str, tuple[int, int]] = {}
    for event in events:
        if event.tzid is None:
            continue
        first, last = _years(event)
        known = zones.get(event.tzid)
        zones[event.tzid] = (
            (first, last) if known is None else (min(known[0], first), max(known[1], last))
        )
    return zones


def _dt(name: str, value: date | datetime, zone_param: str | None) -> str:
    """DTSTART/DTEND; `zone_param` is the ";TZID=…" of a wall-clock value. Only a zoned
    line can be long enough to fold: a UTC or all-day one is at most 27 ASCII octets."""
    if isinstance(value, datetime):
        if zone_param is not None:
            return content_line(name, fmt_local(value), zone_param)
        return f"{name}:{fmt_utc(value)}"
    return f"{name};VALUE=DATE:{fmt_date(value)}"


#: X-ACCORD properties that hold user text; the others are UIDs, canonical dates and
#: enum values, which never contain a character TEXT escapes.
_FREE_TEXT = frozenset({"X-ACCORD-WORDING", "X-ACCORD-RRULE"})


class _Memo(dict[Any, str]):
    """Content lines by value, each made on first use: many events share the same
    description block, location, categories and X-ACCORD values, so each distinct value
    is escaped and folded once per file instead of once per event."""

    def __init__(self, make: Callable[[Any], str]) -> None:
        super().__init__()
        self.make = make

    def __missing__(self, key: Any) -> str:
        line = self[key] = self.make(key)
        return line


def _extra_line(item: tuple[str, str]) -> str:
    name, value = item
    return content_line(name, escape_text(value) if name in _FREE_TEXT else value)


def _event_writer(add: Callable[[str], None], stamp: str) -> Callable[[Event], None]:
    """A function that appends one event's lines with `add`, sharing memos over a file."""
    descriptions = _Memo(functools.partial(text_line, "DESCRIPTION"))
    locations = _Memo(functools.partial(text_line, "LOCATION"))
    categories = _Memo(lambda names: content_line("CATEGORIES", escape_list(names)))
    extras = _Memo(_extra_line)
    zone_params = _Memo(lambda tzid: f";TZID={param_value(tzid)}")

    def write(event: Event) -> None:
        zone = zone_params[event.tzid] if event.tzid is not None else None
        add(f"BEGIN:VEVENT\r\n{text_line('UID', event.uid)}\r\nSEQUENCE:{event.sequence}")
        add(stamp)
        if event.created is not None:
            add(f"CREATED:{fmt_utc(event.created)}")
        if event.last_modified is not None:
            add(f"LAST-MODIFIED:{fmt_utc(event.last_modified)}")
        add(_dt("DTSTART", event.start, zone))
        if event.end is not None:
            add(_dt("DTEND", event.end, zone))
        if event.rrule:
            add(content_line("RRULE", event.rrule))
        if event.exdates:
            if isinstance(event.start, datetime):
                fmt = fmt_local if event.tzid else fmt_utc
                values = ",".join(fmt(d) for d in event.exdates)  # type: ignore[arg-type]
                add(content_line("EXDATE", values, zone if event.tzid else ""))
            else:
                values = ",".join(fmt_date(d) for d in event.exdates)
                add(content_line("EXDATE", values, ";VALUE=DATE"))
        summary = escape_text(event.summary)
        add(content_line("SUMMARY", summary))
        if event.description:
            add(descriptions[event.description])
        if event.location:
            add(locations[event.location])
        if event.categories:
            add(categories[event.categories])
        add(f"STATUS:{event.status}")
        if event.transparent:
            add("TRANSP:TRANSPARENT")
        if event.url:
            add(content_line("URL", re.sub(r"[\x00-\x20\x7f]", "", event.url)))
        for item in event.extra:
            add(extras[item])
        for minutes in event.alarms:
            add("BEGIN:VALARM\r\nACTION:DISPLAY")
            add(content_line("DESCRIPTION", summary))
            add(f"TRIGGER:{fmt_duration(minutes)}\r\nEND:VALARM")
        add("END:VEVENT")

    return write


@_paused_gc
def render(
    plan: ExportPlan,
    *,
    progress: Callable[[int, int], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> bytes:
    """The file's bytes: UTF-8, CRLF, folded at 75 octets, no BOM, one VCALENDAR."""
    out: list[str] = []
    add = out.append
    for line in (
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ):
        add(line)
    name = escape_text(plan.name)
    add(content_line("NAME", name))
    add(content_line("X-WR-CALNAME", name))
    hours = max(1, int(plan.refresh.total_seconds() // 3600))
    add(f"REFRESH-INTERVAL;VALUE=DURATION:PT{hours}H")
    add(f"X-PUBLISHED-TTL:PT{hours}H")
    if plan.colour:
        add(content_line("X-APPLE-CALENDAR-COLOR", plan.colour.upper()))
    for info in plan.agreements:
        params = (
            f";X-UID={param_value(info.uid)};X-STATUS={param_value(info.status)}"
            f";X-SIGNED={param_value(info.signed)};X-TERM-START={param_value(info.term_start)}"
            f";X-TERM-END={param_value(info.term_end)}"
        )
        if info.renews:
            params += f";X-RENEWS={param_value(info.renews)}"
        add(content_line("X-ACCORD-AGREEMENT", escape_text(info.title), params))
    for area in plan.focus_areas:
        params = (
            f";X-UID={param_value(area.uid)};X-AGREEMENT={param_value(area.agreement_uid)}"
            f";X-POSITION={area.position};X-COLOUR={param_value(area.colour)}"
        )
        add(content_line("X-ACCORD-FOCUS-AREA", escape_text(area.name), params))
    for key, (first, last) in sorted(time_zones(plan.events).items()):
        for line in vtimezone(key, first, last):
            add(fold_text(line))
    write = _event_writer(add, f"DTSTAMP:{fmt_utc(plan.stamp)}")
    total = len(plan.events)
    for index, event in enumerate(plan.events):
        if index % 500 == 0:
            if should_stop is not None and should_stop():
                raise ExportCancelled
            if progress is not None:
                progress(index, total)
        write(event)
    add("END:VCALENDAR")
    add("")  # the last CRLF, without copying the whole text once more
    if progress is not None:
        progress(total, total)
    return CRLF.join(out).encode()


# --- files --------------------------------------------------------------------------------


def write_atomically(path: Path, data: bytes) -> None:
    """Replace `path` whole or not at all: a subscriber never reads half a calendar."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@_paused_gc  # one pause over both steps: resuming in between walks the whole plan once
def export_file(
    db: Any,
    scope: ExportScope,
    path: Path | str | None,
    *,
    now: datetime | None = None,
    progress: Callable[[int, int], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> tuple[ExportPlan, bytes]:
    """Collect, render and (when `path` is given) write atomically; returns plan and bytes.

    The file at `path`, if Accord wrote it, is read first: deleted milestones it holds stay
    in the new file as cancelled events (the published-calendar case).
    """
    previous = None
    if path is not None and Path(path).is_file():
        head = Path(path).read_bytes()
        previous = head if PRODID.encode() in head[:400] else None
    with db.sessions() as session:
        plan = collect(session, scope, now=now, previous=previous)
    data = render(plan, progress=progress, should_stop=should_stop)
    if path is not None:
        write_atomically(Path(path), data)
    return plan, data


def summary_text(plan: ExportPlan) -> str:
    """One paragraph for the CLI and the dialog: how many events, what was left out."""
    parts = [f"{plan.count} event{'s' if plan.count != 1 else ''}"]
    if plan.tombstones:
        parts.append(f"{plan.tombstones} of them deleted milestones marked cancelled")
    left = []
    if plan.left_out_undated:
        left.append(f"{plan.left_out_undated} undated (TBD)")
    if plan.left_out_approximate:
        left.append(f"{plan.left_out_approximate} with approximate dates")
    if plan.left_out_cancelled:
        left.append(f"{plan.left_out_cancelled} cancelled more than the set days ago")
    text = "; ".join(parts)
    if left:
        text += ". Left out: " + ", ".join(left)
    return text + "."


def dumps_json(plan: ExportPlan) -> str:
    """The plan's counts, for `--json` and tests."""
    return json.dumps(
        {
            "events": plan.count,
            "left_out_undated": plan.left_out_undated,
            "left_out_approximate": plan.left_out_approximate,
            "left_out_cancelled": plan.left_out_cancelled,
            "tombstones": plan.tombstones,
            "with_alarms": plan.with_alarms,
        }
    )


__all__ = [
    "AgreementInfo",
    "Event",
    "ExportCancelled",
    "ExportPlan",
    "ExportScope",
    "collect",
    "export_file",
    "render",
    "summary_text",
]
