"""db/timeline.py against real SQLite files: chains, lanes, milestone arrays, counting."""

from __future__ import annotations

import random
from datetime import date

from sqlalchemy import select

from db import operations as ops
from db.dates import Precision
from db.enums import MilestoneKind, MilestoneStatus
from db.models import Agreement, FocusArea, Milestone
from db.session import Database
from db.timeline import KINDS, STATUSES, load_timeline, milestone_details


def _day(text: str) -> int:
    return date.fromisoformat(text).toordinal()


def test_sample_is_one_chain_of_four_agreements_in_renewal_order(sample_db: Database) -> None:
    with sample_db.sessions() as session:
        snap = load_timeline(session)
    assert len(snap.chains) == 1
    chain = snap.chains[0]
    assert [a.title for a in chain.agreements] == [
        "Partnership agreement 2012",
        "Partnership agreement 2017–2020",
        "Partnership agreement 2020–2025",
        "Strategic partnership agreement 2025–2029",
    ]
    bars = chain.agreements
    assert [b.renews_id for b in bars] == [None, bars[0].id, bars[1].id, bars[2].id]
    # 2012 has no recorded end: it runs until the day before its renewal starts.
    assert (bars[0].start, bars[0].end, bars[0].open_end) == (
        _day("2012-01-01"),
        _day("2016-12-31"),
        True,
    )
    assert (bars[1].start, bars[1].end, bars[1].open_end) == (
        _day("2017-01-01"),
        _day("2020-12-31"),
        False,
    )
    assert bars[3].end == _day("2029-12-31")
    assert chain.title == "Strategic partnership agreement 2025–2029"


def test_sample_lanes_and_thesis_day_as_a_season(sample_db: Database) -> None:
    with sample_db.sessions() as session:
        snap = load_timeline(session)
        thesis = session.scalars(select(Milestone.id).where(Milestone.title == "Thesis Day")).one()
        series = session.scalars(
            select(Milestone.id).where(Milestone.title == "Open-for-all event series")
        ).one()
    lanes = [snap.lanes[i] for i in snap.chains[0].lanes]
    assert [lane.name for lane in lanes[:5]] == [
        "Development of Otaniemi",
        "Attracting talent",
        "Business and innovation collaboration",
        "Promoting learning",
        "Joint advocacy and impact development through research",
    ]
    assert lanes[-1].is_general  # the milestones without a focus area
    m = snap.milestones
    where = [i for i in range(len(m)) if m.ids[i] == thesis]
    assert len(where) == 1
    i = where[0]
    assert (m.starts[i], m.ends[i]) == (_day("2024-09-01"), _day("2024-11-30"))
    assert m.precision[i] == Precision.SEASON.rank
    assert STATUSES[m.statuses[i]] is MilestoneStatus.DONE
    assert KINDS[m.kinds[i]] is MilestoneKind.EVENT
    assert lanes[-1].index == _lane_of(snap, i)
    # A milestone of two focus areas is on both lanes.
    on = sorted(_lane_of(snap, j) for j in range(len(m)) if m.ids[j] == series)
    assert [snap.lanes[k].name for k in on] == ["Development of Otaniemi", "Promoting learning"]


def _lane_of(snap: object, position: int) -> int:
    offsets = snap.milestones.offsets  # type: ignore[attr-defined]
    return next(k for k in range(len(offsets) - 1) if offsets[k] <= position < offsets[k + 1])


def test_continued_focus_areas_share_a_lane_and_undated_are_counted(database: Database) -> None:
    with database.transaction() as session:
        first = ops.add_agreement(session, "First", term_start="2018", term_end="2020")
        second = ops.add_agreement(
            session, "Second", term_start="2021", term_end="2024", renews=first
        )
        other = ops.add_agreement(session, "Unrelated", term_start="2015", term_end="2016")
        old = ops.add_focus_area(session, first, "Mobility", colour="#E69F00")
        new = ops.add_focus_area(session, second, "Smart mobility", colour="#0072B2")
        ops.add_focus_area(session, second, "Housing", colour="#009E73")
        session.flush()
        new.continues = old
        ops.add_milestone(session, first, "Old pilot", when="2019-05-02", focus_areas=[old])
        ops.add_milestone(session, second, "New pilot", when="Q2 2022", focus_areas=[new])
        ops.add_milestone(session, second, "Someday", when="TBD")
        ops.add_milestone(session, other, "Closing", when="2016-12-01", status="cancelled")
    with database.sessions() as session:
        snap = load_timeline(session)
        ids = dict(session.execute(select(Milestone.title, Milestone.id)).all())
        area_ids = dict(session.execute(select(FocusArea.name, FocusArea.id)).all())
        second_id = session.scalars(select(Agreement.id).where(Agreement.title == "Second")).one()
    # Chains by first day: "Unrelated" (2015) before "First" → "Second" (2018).
    assert [[a.title for a in c.agreements] for c in snap.chains] == [
        ["Unrelated"],
        ["First", "Second"],
    ]
    chain = snap.chains[1]
    assert chain.undated == 1
    names = [snap.lanes[i].name for i in chain.lanes]
    # Named after the newest focus area; no "whole agreement" lane: its only milestone
    # without a focus area is undated.
    assert names == ["Smart mobility", "Housing"]
    mobility = snap.lanes[chain.lanes[0]]
    assert mobility.focus_area_ids == (area_ids["Mobility"], area_ids["Smart mobility"])
    assert mobility.colour.upper() == "#0072B2"
    assert mobility.periods == (
        (_day("2018-01-01"), _day("2020-12-31")),
        (_day("2021-01-01"), _day("2024-12-31")),
    )
    m = snap.milestones
    lo, hi = m.lane_range(mobility.index)
    assert [m.ids[i] for i in range(lo, hi)] == [ids["Old pilot"], ids["New pilot"]]
    assert snap.lanes_of_focus_area()[area_ids["Mobility"]] == mobility.index
    # Cancelled milestones are kept (drawn dotted), with their status.
    closing = list(m.ids).index(ids["Closing"])
    assert STATUSES[m.statuses[closing]] is MilestoneStatus.CANCELLED
    assert snap.first_day == _day("2015-01-01")
    assert snap.last_day == _day("2024-12-31")
    with database.sessions() as session:
        details = milestone_details(session, ids["New pilot"])
    assert details is not None
    assert (details.title, details.agreement_id, details.when.to_text()) == (
        "New pilot",
        second_id,
        "Q2 2022",
    )


def test_counting_and_day_search_match_a_plain_scan(database: Database) -> None:
    rnd = random.Random(7)
    with database.transaction() as session:
        agreement = ops.add_agreement(session, "Busy", term_start="2020", term_end="2024")
        for n in range(300):
            year = rnd.randint(2020, 2024)
            when = rnd.choice(
                [
                    f"{year}-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}",
                    f"Q{rnd.randint(1, 4)} {year}",
                    f"fall {year}",
                    str(year),
                    f"early {year}",
                ]
            )
            ops.add_milestone(session, agreement, f"Item {n}", when=when)
    with database.sessions() as session:
        snap = load_timeline(session)
    lane = snap.chains[0].lanes[-1]
    m = snap.milestones
    lo, hi = m.lane_range(lane)
    assert hi - lo == 300
    assert list(m.starts[lo:hi]) == sorted(m.starts[lo:hi])
    for _ in range(200):
        first = _day("2019-06-01") + rnd.randint(0, 6 * 365)
        last = first + rnd.choice([0, 1, 6, 30, 90, 400])
        expected = {i for i in range(lo, hi) if m.starts[i] <= last and m.ends[i] >= first}
        assert m.count_overlapping(lane, first, last) == len(expected)
        assert expected <= set(m.in_days(lane, first, last))
