"""What the Overview (start page) and the Calendar read: plain dataclasses, no Qt.

Every query is relative to a `today` the caller passes (the app's injected clock), and
reads only a window of dates through the `starts_on` index, never every milestone: the
Overview opens first, on databases of 200,000 milestones (tests/benchmarks/bench_overview.py).

Definitions (tests/db/test_overview.py checks each):

* Open: a milestone whose status is planned or confirmed (not done, not cancelled).
* Upcoming: known to the day or the minute, not cancelled, with a covered day from today to
  today + horizon - 1 (an event that began before today and is still going on counts), plus
  the occurrences of event series in that range.
* Overdue: open, dated, and its last covered day is before today; a series only when its
  last occurrence is. Most recent first.
* Window starting: open, known only to a month, quarter, season, part of a year or a year,
  whose covered range has begun (at most `LOOKBACK_DAYS` ago) or begins within the horizon,
  and has not ended. A value of these precisions covers at most a year, so the look-back
  only leaves out milestones given an explicit end over a year after a start that is itself
  over a year ago: they have been flagged for a year by then.
* Undated: open, TBD, of an agreement that is not expired or superseded.
* Renewal needed: an agreement in force whose term ends (last covered day of its term end)
  from today to 12 months from today, and that no agreement renews.
* Expired: an agreement still in force whose term ended before today.

Long lists are cut at `limit` items; their total is counted up to `COUNT_CAP` (an exact
count of 60,000 overdue milestones would cost a full scan; "1,000+" says enough).
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import NamedTuple

from sqlalchemy import Select, String, func, select, text, type_coerce
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.elements import ColumnElement

from db import recurrence
from db.dates import FlexDate, Precision
from db.enums import AgreementStatus, MilestoneStatus
from db.models import (
    SPREAD_POSTGRESQL,
    SPREAD_SQLITE,
    Agreement,
    FocusArea,
    Milestone,
    MilestoneFocusArea,
)

#: Open statuses: what still needs doing.
OPEN = (MilestoneStatus.PLANNED, MilestoneStatus.CONFIRMED)
#: How far before a window the starts_on index is read: the longest single value (a year).
LOOKBACK_DAYS = 366
#: Totals are counted up to this many.
COUNT_CAP = 1000
#: Horizons offered for "upcoming", in days.
HORIZONS = (14, 30, 90, 180)
DEFAULT_HORIZON = 30
#: Occurrences of one series shown in one range at most (a daily series over a year).
MAX_OCCURRENCES = 400
_DAY_RANK = Precision.DAY.rank
_NONE_RANK = Precision.NONE.rank


@dataclass(frozen=True, slots=True)
class Area:
    """A focus area's name and colour, with its position for its hatch pattern."""

    id: int
    name: str
    colour: str
    position: int


@dataclass(frozen=True, slots=True)
class MilestoneItem:
    """One milestone (or one occurrence of a series) as a list or a calendar shows it.

    `first` and `last` are the days this item covers: the milestone's covered range, or
    the occurrence's day for a series; None for an undated milestone.
    """

    id: int
    title: str
    agreement_id: int
    agreement: str
    kind: str
    status: str
    when: FlexDate
    first: date | None
    last: date | None
    areas: tuple[Area, ...] = ()
    series: bool = False
    #: The wall time of this occurrence, for exact values and series.
    moment: datetime | None = None

    @property
    def approximate(self) -> bool:
        """Known only to a month … a year: drawn as a band, never on a made-up day."""
        return self.when.is_approximate

    def covers(self, day: date) -> bool:
        return self.first is not None and self.last is not None and self.first <= day <= self.last


@dataclass(frozen=True, slots=True)
class AgreementItem:
    id: int
    title: str
    status: str
    term_end: FlexDate
    ends_on: date


@dataclass(frozen=True, slots=True)
class Listing:
    """The first items of a list, and how many there are (counted up to COUNT_CAP)."""

    items: tuple[MilestoneItem, ...]
    total: int

    @property
    def capped(self) -> bool:
        return self.total >= COUNT_CAP

    @property
    def more(self) -> int:
        return max(0, self.total - len(self.items))


@dataclass(frozen=True, slots=True)
class Overview:
    today: date
    horizon: int
    upcoming: Listing
    overdue: Listing
    window_starting: Listing
    undated: Listing
    renewal_needed: tuple[AgreementItem, ...]
    expired: tuple[AgreementItem, ...]


# ---------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clamped to the month's end (29 Feb + 12 → 28 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


class _Row(NamedTuple):
    id: int
    title: str
    agreement_id: int
    kind: str
    status: str
    when: FlexDate
    starts_on: date | None
    ends_on: date | None
    rrule: str | None
    exdates: list[str] | None


#: The stored date's text: decoded through a cache, since many milestones share a value.
_DATE_TEXT = type_coerce(Milestone.__table__.c.date, String)


def _columns() -> Select[tuple[object, ...]]:
    """Milestone columns only: a join would let SQLite start from the agreements instead
    of the date index."""
    return select(
        Milestone.id,
        Milestone.title,
        Milestone.agreement_id,
        Milestone.kind,
        Milestone.status,
        _DATE_TEXT,
        Milestone.starts_on,
        Milestone.ends_on,
        Milestone.rrule,
        Milestone.exdates,
    )


@lru_cache(maxsize=8192)
def _flex(text: str) -> FlexDate:
    return FlexDate.from_canonical(text)


def _rows(session: Session, query: Select[tuple[object, ...]]) -> list[_Row]:
    return [
        _Row(
            int(r[0]),
            str(r[1]),
            int(r[2]),
            str(getattr(r[3], "value", r[3])),
            str(getattr(r[4], "value", r[4])),
            _flex(str(r[5])),
            r[6],
            r[7],
            r[8],
            r[9],
        )
        for r in session.execute(query)
    ]


@dataclass(frozen=True, slots=True)
class _Names:
    """Agreement titles and focus areas of the rows being turned into items."""

    agreements: dict[int, str]
    areas: dict[int, tuple[Area, ...]]


def _names(session: Session, rows: Sequence[_Row]) -> _Names:
    agreement_ids = sorted({r.agreement_id for r in rows})
    agreements: dict[int, str] = {}
    for start in range(0, len(agreement_ids), 500):
        chunk = agreement_ids[start : start + 500]
        agreements.update(
            (int(i), str(t))
            for i, t in session.execute(
                select(Agreement.id, Agreement.title).where(Agreement.id.in_(chunk))
            )
        )
    wanted = sorted({r.id for r in rows})
    found: dict[int, list[Area]] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        links = session.execute(
            select(
                MilestoneFocusArea.milestone_id,
                FocusArea.id,
                FocusArea.name,
                FocusArea.colour,
                FocusArea.position,
            )
            .join(FocusArea, FocusArea.id == MilestoneFocusArea.focus_area_id)
            .where(MilestoneFocusArea.milestone_id.in_(chunk))
            .order_by(FocusArea.position)
        )
        for mid, fid, name, colour, position in links:
            found.setdefault(int(mid), []).append(Area(int(fid), name, colour, int(position)))
    return _Names(agreements, {mid: tuple(areas) for mid, areas in found.items()})


def _item(row: _Row, names: _Names) -> MilestoneItem:
    return MilestoneItem(
        id=row.id,
        title=row.title,
        agreement_id=row.agreement_id,
        agreement=names.agreements.get(row.agreement_id, ""),
        kind=row.kind,
        status=row.status,
        when=row.when,
        first=row.starts_on,
        last=row.ends_on,
        areas=names.areas.get(row.id, ()),
        series=bool(row.rrule),
        moment=row.when.start_datetime,
    )


def _occurrence_items(row: _Row, first: date, last: date, names: _Names) -> list[MilestoneItem]:
    """One item per occurrence of a series from `first` to `last`."""
    assert row.rrule is not None
    found = recurrence.occurrences(
        row.rrule, row.when, row.exdates or (), after=first, limit=MAX_OCCURRENCES, until=last
    )
    base = _item(row, names)
    items = []
    for occurrence in found:
        day = occurrence.date() if isinstance(occurrence, datetime) else occurrence
        if day > last:
            break
        moment = occurrence if isinstance(occurrence, datetime) else None
        items.append(replace(base, first=day, last=day, moment=moment))
    return items


def _capped_count(session: Session, query: Select[tuple[object, ...]]) -> int:
    inner = query.with_only_columns(Milestone.id).order_by(None).limit(COUNT_CAP).subquery()
    return int(session.execute(select(func.count()).select_from(inner)).scalar_one())


# ---------------------------------------------------------------------------------------
# The Overview's lists
# ---------------------------------------------------------------------------------------


def _spread(session: Session) -> ColumnElement[bool]:
    """The partial index's predicate (db/models.py), word for word so the index is used."""
    dialect = session.get_bind().dialect.name
    predicate = SPREAD_POSTGRESQL if dialect == "postgresql" else SPREAD_SQLITE
    return text(f"({predicate})")  # type: ignore[return-value]


def _spread_until(session: Session, last: date) -> list[_Row]:
    """Series and long spans (not cancelled) starting on or before `last`, via their index."""
    query = _columns().where(
        _spread(session),
        Milestone.starts_on <= last,
        Milestone.status != MilestoneStatus.CANCELLED,
    )
    return _rows(session, query)


def upcoming(session: Session, today: date, horizon: int, limit: int = 200) -> Listing:
    """Milestones known to the day with a covered day in [today, today + horizon - 1]."""
    last = today + timedelta(days=horizon - 1)
    query = (
        _columns()
        .where(
            Milestone.starts_on >= today - timedelta(days=LOOKBACK_DAYS),
            Milestone.starts_on <= last,
            Milestone.ends_on >= today,
            Milestone.precision_rank <= _DAY_RANK,
            Milestone.status != MilestoneStatus.CANCELLED,
            Milestone.rrule.is_(None),
        )
        .order_by(Milestone.starts_on, _DATE_TEXT, Milestone.id)
    )
    rows = _rows(session, query.limit(limit))
    series = [r for r in _spread_until(session, last) if r.rrule]
    names = _names(session, rows + series)
    items = [_item(r, names) for r in rows]
    occurrences = [i for r in series for i in _occurrence_items(r, today, last, names)]
    items.extend(occurrences)
    items.sort(key=_calendar_order)
    total = len(rows) if len(rows) < limit else _capped_count(session, query)
    return Listing(tuple(items[:limit]), total + len(occurrences))


def overdue(session: Session, today: date, limit: int = 50) -> Listing:
    """Open milestones whose last covered day is before today, most recent first."""
    query = (
        _columns()
        .where(
            Milestone.starts_on < today,
            Milestone.ends_on < today,
            Milestone.status.in_(OPEN),
        )
        .order_by(Milestone.starts_on.desc(), Milestone.id.desc())
    )
    rows: list[_Row] = []
    skipped = 0
    # The starts_on index walked backwards; a series that still recurs is not overdue.
    for row in _rows(session, query.limit(limit * 2 + 20)):
        if row.rrule and recurrence.occurs_between(
            row.rrule, row.when, row.exdates or (), today, None
        ):
            skipped += 1
            continue
        rows.append(row)
        if len(rows) == limit:
            break
    names = _names(session, rows)
    total = max(len(rows), _capped_count(session, query) - skipped)
    return Listing(tuple(_item(r, names) for r in rows), total)


def window_starting(session: Session, today: date, horizon: int, limit: int = 50) -> Listing:
    """Open approximate milestones whose range has begun or begins within the horizon."""
    last = today + timedelta(days=horizon - 1)
    query = (
        _columns()
        .where(
            Milestone.starts_on >= today - timedelta(days=LOOKBACK_DAYS),
            Milestone.starts_on <= last,
            Milestone.ends_on >= today,
            Milestone.precision_rank > _DAY_RANK,
            Milestone.precision_rank < _NONE_RANK,
            Milestone.status.in_(OPEN),
        )
        .order_by(Milestone.starts_on, Milestone.precision_rank, Milestone.id)
    )
    rows = _rows(session, query.limit(limit))
    names = _names(session, rows)
    total = len(rows) if len(rows) < limit else _capped_count(session, query)
    return Listing(tuple(_item(r, names) for r in rows), total)


def undated(session: Session, limit: int = 50) -> Listing:
    """Open TBD milestones of agreements that are not expired or superseded."""
    current = select(Agreement.id).where(
        Agreement.status.not_in((AgreementStatus.EXPIRED, AgreementStatus.SUPERSEDED))
    )
    query = (
        _columns()
        .where(
            Milestone.starts_on.is_(None),
            Milestone.status.in_(OPEN),
            Milestone.agreement_id.in_(current),
        )
        .order_by(Milestone.agreement_id.desc(), Milestone.title, Milestone.id)
    )
    rows = _rows(session, query.limit(limit))
    names = _names(session, rows)
    total = len(rows) if len(rows) < limit else _capped_count(session, query)
    return Listing(tuple(_item(r, names) for r in rows), total)


def _agreements(session: Session, *conditions: object) -> tuple[AgreementItem, ...]:
    rows = session.execute(
        select(Agreement.id, Agreement.title, Agreement.status, Agreement.term_end)
        .add_columns(Agreement.term_ends_on)
        .where(*conditions)  # type: ignore[arg-type]
        .order_by(Agreement.term_ends_on, Agreement.id)
    )
    return tuple(
        AgreementItem(int(i), str(t), str(getattr(s, "value", s)), e, d) for i, t, s, e, d in rows
    )


def renewal_needed(session: Session, today: date) -> tuple[AgreementItem, ...]:
    successor = aliased(Agreement)
    has_successor = select(successor.id).where(successor.renews_id == Agreement.id).exists()
    return _agreements(
        session,
        Agreement.status == AgreementStatus.IN_FORCE,
        Agreement.term_ends_on >= today,
        Agreement.term_ends_on <= add_months(today, 12),
        ~has_successor,
    )


def expired_in_force(session: Session, today: date) -> tuple[AgreementItem, ...]:
    return _agreements(
        session, Agreement.status == AgreementStatus.IN_FORCE, Agreement.term_ends_on < today
    )


def overview(session: Session, today: date, horizon: int = DEFAULT_HORIZON) -> Overview:
    """Everything the start page shows, in one short session."""
    return Overview(
        today=today,
        horizon=horizon,
        upcoming=upcoming(session, today, horizon),
        overdue=overdue(session, today),
        window_starting=window_starting(session, today, horizon),
        undated=undated(session),
        renewal_needed=renewal_needed(session, today),
        expired=expired_in_force(session, today),
    )


# ---------------------------------------------------------------------------------------
# The Calendar's range
# ---------------------------------------------------------------------------------------


def calendar_items(session: Session, first: date, last: date) -> list[MilestoneItem]:
    """Dated milestones, not cancelled, sharing a day with [first, last]; series on their
    occurrences.

    Ordinary milestones are read through the starts_on index from `LOOKBACK_DAYS` before
    the range; milestones whose explicit end lies more than that after their start are
    read apart (they are few). Ordered by first day, narrower precision first, then time.
    """
    lookback = first - timedelta(days=LOOKBACK_DAYS)
    ordinary = _columns().where(
        Milestone.starts_on >= lookback,
        Milestone.starts_on <= last,
        Milestone.ends_on >= first,
        Milestone.rrule.is_(None),
        Milestone.status != MilestoneStatus.CANCELLED,
    )
    rows = _rows(session, ordinary)
    seen = {r.id for r in rows}
    series: list[_Row] = []
    for row in _spread_until(session, last):
        if row.rrule:
            series.append(row)
        elif row.id not in seen and row.ends_on is not None and row.ends_on >= first:
            rows.append(row)
    names = _names(session, rows + series)
    items = [_item(r, names) for r in rows]
    for row in series:
        items.extend(_occurrence_items(row, first, last, names))
    items.sort(key=_calendar_order)
    return items


def _calendar_order(item: MilestoneItem) -> tuple[date, int, str, int]:
    moment = item.moment.strftime("%H:%M") if item.moment is not None else ""
    return (item.first or date.max, item.when.precision.rank, moment, item.id)
