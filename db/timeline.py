"""What the Timeline view draws, read in three Core selects: compact values, no ORM objects.

The view shows every agreement and every dated milestone at once (2,000 agreements and
200,000 milestones on a large database), so this module reads plain columns and keeps the
milestones as parallel `array`s of integers, grouped by lane and sorted by first day. A
redraw then finds what falls in the visible days with `bisect`, never by scanning the data.

Choices the view relies on (tested in tests/db/test_timeline.py):

* A **chain** is an agreement and every agreement that renews it, in renewal order (2012 →
  2017–2020 → 2020–2025 → 2025–2029). Chains are ordered by their first covered day.
* An agreement **covers** term_start's first day to term_end's last day. An end that is not
  recorded is taken as the day before its renewal starts (`open_end` says so); without a
  renewal the end stays None and the view draws the bar up to today, open-ended. Without a
  known start the agreement is not placed (it still belongs to its chain).
* A **lane** is a focus area together with the focus areas that continue it across the
  chain (named and coloured after the newest one), plus one "whole agreement" lane per
  chain for milestones without a focus area. A milestone of several focus areas appears on
  each of their lanes.
* Days are proleptic Gregorian ordinals (`date.toordinal()`), inclusive at both ends.
  Undated milestones are counted per chain, never placed.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Integer, Select, String, cast, func, select, type_coerce
from sqlalchemy.orm import Session

from db.dates import FlexDate, Precision
from db.enums import AgreementStatus, MilestoneKind, MilestoneStatus
from db.models import Agreement, FocusArea, Milestone, MilestoneFocusArea

#: Codes stored in the milestone arrays (index into these tuples).
KINDS: tuple[MilestoneKind, ...] = tuple(MilestoneKind)
STATUSES: tuple[MilestoneStatus, ...] = tuple(MilestoneStatus)
PRECISIONS: tuple[Precision, ...] = tuple(Precision)
_KIND_CODE = {k.value: i for i, k in enumerate(KINDS)}
_STATUS_CODE = {s.value: i for i, s in enumerate(STATUSES)}
#: Precision ranks of values known to the day (drawn as points, not spans).
DAY_RANKS = frozenset({Precision.EXACT.rank, Precision.DAY.rank})


@dataclass(frozen=True, slots=True)
class AgreementBar:
    id: int
    title: str
    status: AgreementStatus
    #: First and last covered day (ordinals); None when unknown.
    start: int | None
    end: int | None
    #: The end is not recorded and was taken from the renewal's start.
    open_end: bool
    renews_id: int | None
    chain: int
    #: The term as the user wrote it, for tooltips.
    term_start: FlexDate
    term_end: FlexDate


@dataclass(frozen=True, slots=True)
class Lane:
    index: int
    chain: int
    #: Focus areas drawn on this lane, oldest first; () for the whole-agreement lane.
    focus_area_ids: tuple[int, ...]
    name: str
    colour: str
    #: Position of the newest focus area in its agreement (for its numbered mark).
    position: int
    #: Covered days of the agreements its focus areas belong to, as (start, end) pairs.
    periods: tuple[tuple[int, int | None], ...]

    @property
    def is_general(self) -> bool:
        return not self.focus_area_ids


@dataclass(frozen=True, slots=True)
class Chain:
    index: int
    agreements: tuple[AgreementBar, ...]
    lanes: tuple[int, ...]
    undated: int = 0

    @property
    def title(self) -> str:
        """Named after its newest agreement, as coordinators name a partnership today."""
        return self.agreements[-1].title


@dataclass(slots=True)
class Milestones:
    """One entry per (milestone, lane), grouped by lane and sorted by first day.

    Lane `i` owns the entries `offsets[i]:offsets[i + 1]`. `ends_sorted` holds the same
    lane's last days sorted on their own, so that "how many overlap these days" is two
    bisects (entries starting before the range's end minus those ending before its start).
    """

    ids: array[int] = field(default_factory=lambda: array("q"))
    starts: array[int] = field(default_factory=lambda: array("l"))
    ends: array[int] = field(default_factory=lambda: array("l"))
    precision: array[int] = field(default_factory=lambda: array("b"))
    kinds: array[int] = field(default_factory=lambda: array("b"))
    statuses: array[int] = field(default_factory=lambda: array("b"))
    ends_sorted: array[int] = field(default_factory=lambda: array("l"))
    offsets: array[int] = field(default_factory=lambda: array("q", [0]))
    #: Longest entry of each lane in days, to bound a search by day.
    longest: array[int] = field(default_factory=lambda: array("l"))

    def __len__(self) -> int:
        return len(self.ids)

    def lane_range(self, lane: int) -> tuple[int, int]:
        return self.offsets[lane], self.offsets[lane + 1]

    def in_days(self, lane: int, first: int, last: int) -> range:
        """Entry positions of `lane` that share a day with first..last."""
        lo, hi = self.lane_range(lane)
        begin = bisect_left(self.starts, first - self.longest[lane], lo, hi)
        end = bisect_right(self.starts, last, lo, hi)
        return range(begin, end)

    def count_overlapping(self, lane: int, first: int, last: int) -> int:
        """How many entries of `lane` share at least one day with first..last."""
        lo, hi = self.lane_range(lane)
        started = bisect_right(self.starts, last, lo, hi) - lo
        ended = bisect_left(self.ends_sorted, first, lo, hi) - lo
        return started - ended


@dataclass(slots=True)
class TimelineSnapshot:
    chains: list[Chain]
    lanes: list[Lane]
    agreements: dict[int, AgreementBar]
    milestones: Milestones
    #: First and last day of anything placed (None on an empty database).
    first_day: int | None
    last_day: int | None

    def lanes_of_focus_area(self) -> dict[int, int]:
        return {fa: lane.index for lane in self.lanes for fa in lane.focus_area_ids}


def _day(value: date | int | None) -> int | None:
    if value is None or isinstance(value, int):
        return value
    return value.toordinal()


def _driver_rows(session: Session, statement: Select[Any]) -> list[tuple[Any, ...]]:
    """Plain tuples straight from the driver: SQLAlchemy's Row objects cost about a second
    on 200,000 rows, and these columns need no type processing."""
    connection = session.connection()
    sql = statement.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True})
    cursor = connection.connection.cursor()
    try:
        cursor.execute(str(sql))
        return list(cursor.fetchall())
    finally:
        cursor.close()


def load_timeline(session: Session) -> TimelineSnapshot:
    """Everything the Timeline view draws, in three Core selects and one pass over rows."""
    agreement_rows = session.execute(
        select(
            Agreement.id,
            Agreement.title,
            Agreement.status,
            Agreement.term_starts_on,
            Agreement.term_ends_on,
            Agreement.renews_id,
            Agreement.term_start,
            Agreement.term_end,
            Agreement.signed,
        )
    ).all()
    renewed_by: dict[int, int] = {}
    by_id = {row.id: row for row in agreement_rows}
    for row in agreement_rows:
        if row.renews_id is not None and row.renews_id in by_id:
            renewed_by[row.renews_id] = row.id

    # Chains: follow renewed_by from every agreement that renews nothing (or a lost one).
    chain_ids: list[list[int]] = []
    seen: set[int] = set()
    roots = [r.id for r in agreement_rows if r.renews_id is None or r.renews_id not in by_id]
    for root in roots:
        ids = [root]
        seen.add(root)
        while ids[-1] in renewed_by and renewed_by[ids[-1]] not in seen:
            ids.append(renewed_by[ids[-1]])
            seen.add(ids[-1])
        chain_ids.append(ids)
    for row in agreement_rows:  # a cycle the models refuse, but never lose a record
        if row.id not in seen:
            seen.add(row.id)
            chain_ids.append([row.id])

    def covered(agreement_id: int) -> tuple[int | None, int | None, bool]:
        row = by_id[agreement_id]
        start = _day(row.term_starts_on)
        if start is None and row.signed is not None and row.signed.is_known:
            start = _day(row.signed.start)
        end = _day(row.term_ends_on)
        if end is None and agreement_id in renewed_by:
            after = _day(by_id[renewed_by[agreement_id]].term_starts_on)
            if after is not None and start is not None and after > start:
                return start, after - 1, True
        return start, end, False

    def chain_key(ids: list[int]) -> tuple[int, str]:
        starts = [s for s in (covered(i)[0] for i in ids) if s is not None]
        return (min(starts) if starts else 10**9, by_id[ids[0]].title.casefold())

    chain_ids.sort(key=chain_key)
    agreements: dict[int, AgreementBar] = {}
    chain_of: dict[int, int] = {}
    for index, ids in enumerate(chain_ids):
        for agreement_id in ids:
            row = by_id[agreement_id]
            start, end, open_end = covered(agreement_id)
            agreements[agreement_id] = AgreementBar(
                agreement_id,
                row.title,
                AgreementStatus(row.status),
                start,
                end,
                open_end,
                row.renews_id if row.renews_id in by_id else None,
                index,
                row.term_start,
                row.term_end,
            )
            chain_of[agreement_id] = index

    # Lanes: focus areas joined along `continues`, in order of first appearance.
    area_rows = session.execute(
        select(
            FocusArea.id,
            FocusArea.agreement_id,
            FocusArea.position,
            FocusArea.name,
            FocusArea.colour,
            FocusArea.continues_id,
        )
    ).all()
    areas = {row.id: row for row in area_rows}
    order_in_chain = {a: i for ids in chain_ids for i, a in enumerate(ids)}

    def lane_root(area_id: int) -> int:
        hops = 0
        current = areas[area_id]
        while (
            current.continues_id is not None
            and current.continues_id in areas
            and chain_of.get(areas[current.continues_id].agreement_id)
            == chain_of.get(current.agreement_id)
            and hops < 1000
        ):
            current = areas[current.continues_id]
            hops += 1
        return current.id

    groups: dict[int, list[int]] = defaultdict(list)
    for row in area_rows:
        groups[lane_root(row.id)].append(row.id)
    lanes_by_chain: dict[int, list[list[int]]] = defaultdict(list)
    for members in groups.values():
        members.sort(key=lambda a: (order_in_chain[areas[a].agreement_id], areas[a].position))
        lanes_by_chain[chain_of[areas[members[0]].agreement_id]].append(members)

    # Focus-area lanes first, so that each milestone row can go straight to its lanes.
    lanes: list[Lane] = []
    lane_of_area: dict[int, int] = {}
    focus_lanes: list[list[int]] = []
    for index in range(len(chain_ids)):
        own: list[int] = []
        groups_here = sorted(
            lanes_by_chain.get(index, []),
            key=lambda m: (order_in_chain[areas[m[0]].agreement_id], areas[m[0]].position),
        )
        for members in groups_here:
            newest = areas[members[-1]]
            lane = Lane(
                len(lanes),
                index,
                tuple(members),
                newest.name,
                newest.colour,
                newest.position,
                tuple(
                    (s, e)
                    for s, e, _ in (covered(areas[a].agreement_id) for a in members)
                    if s is not None
                ),
            )
            for area_id in members:
                lane_of_area[area_id] = lane.index
            lanes.append(lane)
            own.append(lane.index)
        focus_lanes.append(own)

    links: dict[int, list[int]] = defaultdict(list)
    for milestone_id, area_id in session.execute(
        select(MilestoneFocusArea.milestone_id, MilestoneFocusArea.focus_area_id)
    ):
        links[milestone_id].append(area_id)

    # Milestones: plain driver tuples, sorted by the database, so that each lane's rows
    # arrive in order and no Python sort runs over 200,000 rows. SQLite turns its ISO text
    # into day ordinals itself (julianday of 0001-01-01 is 1721425.5, its ordinal 1);
    # other databases hand back dates.
    c = Milestone.__table__.c
    if session.get_bind().dialect.name == "sqlite":
        days = [
            cast(func.julianday(column) - 1721424.5, Integer) for column in (c.starts_on, c.ends_on)
        ]
    else:
        days = [c.starts_on, c.ends_on]
    milestone_rows = _driver_rows(
        session,
        select(
            c.id,
            c.agreement_id,
            *days,
            c.precision_rank,
            type_coerce(c.kind, String),
            type_coerce(c.status, String),
        ).order_by(c.starts_on, c.ends_on, c.id),
    )
    buckets: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    general_rows: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    undated: dict[int, int] = defaultdict(int)
    for row in milestone_rows:
        if row[2] is None:
            undated[chain_of[row[1]]] += 1
            continue
        areas_of = links.get(row[0])
        if areas_of:
            placed = {lane_of_area[a] for a in areas_of if a in lane_of_area}
            if placed:
                for lane_index in placed:
                    buckets[lane_index].append(row)
                continue
        general_rows[chain_of[row[1]]].append(row)

    chains: list[Chain] = []
    for index, ids in enumerate(chain_ids):
        own = list(focus_lanes[index])
        if index in general_rows or not own:
            bars = [covered(a) for a in ids]
            lane = Lane(
                len(lanes), index, (), "", "#777777", -1,
                tuple((s, e) for s, e, _ in bars if s is not None),
            )  # fmt: skip
            buckets[lane.index] = general_rows.get(index, [])
            lanes.append(lane)
            own.append(lane.index)
        chains.append(
            Chain(index, tuple(agreements[a] for a in ids), tuple(own), undated.get(index, 0))
        )

    m = Milestones()
    longest = [0] * len(lanes)
    other = _KIND_CODE["other"]
    total = 0
    for lane_index in range(len(lanes)):
        rows = buckets.get(lane_index)
        if rows:
            columns = list(zip(*rows, strict=True))
            ids_, starts_, ends_ = columns[0], list(columns[2]), list(columns[3])
            ranks, kinds, statuses = columns[4], columns[5], columns[6]
            if type(starts_[0]) is not int:
                starts_ = [_day(d) for d in starts_]
                ends_ = [_day(d) for d in ends_]
            ends_ = [
                e if e is not None and e >= s else s for s, e in zip(starts_, ends_, strict=True)
            ]
            m.ids.extend(ids_)
            m.starts.extend(starts_)
            m.ends.extend(ends_)
            m.precision.extend(ranks)
            m.kinds.extend([_KIND_CODE.get(k, other) for k in kinds])
            m.statuses.extend([_STATUS_CODE.get(x, 0) for x in statuses])
            m.ends_sorted.extend(sorted(ends_))
            longest[lane_index] = max(e - s for s, e in zip(starts_, ends_, strict=True))
            total += len(rows)
        m.offsets.append(total)
    m.longest = array("l", longest)

    days = [d for bar in agreements.values() for d in (bar.start, bar.end) if d is not None]
    if len(m):
        days += [min(m.starts), max(m.ends)]
    return TimelineSnapshot(
        chains,
        lanes,
        agreements,
        m,
        min(days) if days else None,
        max(days) if days else None,
    )


@dataclass(frozen=True, slots=True)
class MilestoneDetails:
    id: int
    title: str
    agreement_id: int
    agreement_title: str
    when: FlexDate
    end: FlexDate | None
    kind: MilestoneKind
    status: MilestoneStatus
    location: str | None


def milestone_details(session: Session, milestone_id: int) -> MilestoneDetails | None:
    """One milestone's words for a tooltip (a single-row select, on hover, never on paint)."""
    row = session.execute(
        select(
            Milestone.id,
            Milestone.title,
            Milestone.agreement_id,
            Agreement.title.label("agreement_title"),
            Milestone.when,
            Milestone.end,
            Milestone.kind,
            Milestone.status,
            Milestone.location,
        )
        .join(Agreement, Agreement.id == Milestone.agreement_id)
        .where(Milestone.id == milestone_id)
    ).one_or_none()
    if row is None:
        return None
    return MilestoneDetails(
        row.id,
        row.title,
        row.agreement_id,
        row.agreement_title,
        row.when,
        row.end,
        MilestoneKind(row.kind),
        MilestoneStatus(row.status),
        row.location,
    )
