"""The Overview's and the Calendar's queries, on a real SQLite file with the sample data."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select, text

from db import operations as ops
from db import overview
from db.models import Milestone
from db.session import Database

CURRENT = "Strategic partnership agreement 2025–2029"


def agreement(db: Database, title: str = CURRENT) -> int:
    with db.sessions() as s:
        return int(ops.find_agreement(s, title).id)


def add(db: Database, title: str, when: str, **kwargs: object) -> int:
    with db.transaction() as s:
        found = ops.find_agreement(s, str(kwargs.pop("agreement", CURRENT)))
        return int(ops.add_milestone(s, found, title, when=when, **kwargs).id)  # type: ignore[arg-type]


def titles(listing: overview.Listing) -> list[str]:
    return [i.title for i in listing.items]


def set_status(db: Database, milestone_id: int, status: str) -> None:
    with db.transaction() as s:
        ops.update_fields(s, s.get(Milestone, milestone_id), status=status)  # type: ignore[arg-type]


# --- agreements ------------------------------------------------------------------------


def test_renewal_needed_within_twelve_months_of_the_term_end(sample_db: Database) -> None:
    with sample_db.sessions() as s:
        near = overview.renewal_needed(s, date(2029, 3, 1))
        assert [a.title for a in near] == [CURRENT]
        assert near[0].ends_on == date(2029, 12, 31)
        assert overview.renewal_needed(s, date(2026, 1, 1)) == ()
        assert overview.renewal_needed(s, date(2028, 12, 30)) == ()  # 12 months + 1 day
        assert [a.title for a in overview.renewal_needed(s, date(2028, 12, 31))] == [CURRENT]
        assert overview.expired_in_force(s, date(2029, 12, 31)) == ()
        # The day after the term: no longer "renewal needed" but "expired, still in force".
        assert overview.renewal_needed(s, date(2030, 1, 1)) == ()
        assert [a.title for a in overview.expired_in_force(s, date(2030, 1, 1))] == [CURRENT]


def test_a_successor_ends_the_renewal_warning(sample_db: Database) -> None:
    with sample_db.transaction() as s:
        ops.add_agreement(
            s,
            "Strategic partnership agreement 2030–2034",
            status="negotiation",
            term_start="2030",
            term_end="2034",
            renews=ops.find_agreement(s, CURRENT),
        )
    with sample_db.sessions() as s:
        assert overview.renewal_needed(s, date(2029, 3, 1)) == ()
        # A wrong status is still worth saying, successor or not.
        assert len(overview.expired_in_force(s, date(2030, 2, 1))) == 1


def test_add_months_clamps_to_the_end_of_the_month() -> None:
    assert overview.add_months(date(2028, 2, 29), 12) == date(2029, 2, 28)
    assert overview.add_months(date(2029, 3, 1), 12) == date(2030, 3, 1)
    assert overview.add_months(date(2024, 11, 30), 3) == date(2025, 2, 28)


# --- milestones ------------------------------------------------------------------------


def test_overdue_until_marked_done(sample_db: Database) -> None:
    today = date(2026, 1, 1)
    with sample_db.sessions() as s:
        listing = overview.overdue(s, today)
    # "early 2025" ended on 30 Apr 2025 and is still planned; done ones are not listed.
    assert titles(listing) == ["Open-for-all event series"] and listing.total == 1
    series = listing.items[0]
    assert [a.name for a in series.areas] == ["Development of Otaniemi", "Promoting learning"]
    assert series.agreement == CURRENT
    set_status(sample_db, series.id, "done")
    with sample_db.sessions() as s:
        assert overview.overdue(s, today).items == ()
        assert overview.overdue(s, today).total == 0


def test_overdue_is_most_recent_first_and_counts_all(sample_db: Database) -> None:
    for day in ("2025-06-01", "2025-09-01", "2025-07-01"):
        add(sample_db, f"Report {day}", day, status="confirmed")
    with sample_db.sessions() as s:
        listing = overview.overdue(s, date(2026, 1, 1), limit=2)
    assert titles(listing) == ["Report 2025-09-01", "Report 2025-07-01"]
    assert listing.total == 4 and listing.more == 2


def test_approximate_window_starting(sample_db: Database) -> None:
    with sample_db.sessions() as s:
        # "early 2025" (1 Jan – 30 Apr 2025) begins within 30 days of 15 Dec 2024 …
        assert titles(overview.window_starting(s, date(2024, 12, 15), 30)) == [
            "Open-for-all event series"
        ]
        # … not within 14, has begun by 1 Feb, and is over by May.
        assert titles(overview.window_starting(s, date(2024, 12, 15), 14)) == []
        assert titles(overview.window_starting(s, date(2025, 2, 1), 14)) == [
            "Open-for-all event series"
        ]
        assert titles(overview.window_starting(s, date(2025, 5, 1), 90)) == []
        # Day-precision milestones are never "approximate".
        assert titles(overview.window_starting(s, date(2020, 6, 1), 30)) == []


def test_upcoming_takes_dated_milestones_in_the_horizon(sample_db: Database) -> None:
    today = date(2027, 3, 1)
    soon = add(sample_db, "Steering group", "2027-03-10")
    add(sample_db, "Annual review", "2027-05-20")
    add(sample_db, "Cancelled seminar", "2027-03-05", status="cancelled")
    add(sample_db, "Spring workshop", "spring 2027")  # approximate: not upcoming
    add(sample_db, "Morning talk", "2027-03-05 09:30")
    with sample_db.sessions() as s:
        assert titles(overview.upcoming(s, today, 30)) == ["Morning talk", "Steering group"]
        assert titles(overview.upcoming(s, today, 90)) == [
            "Morning talk",
            "Steering group",
            "Annual review",
        ]
        assert titles(overview.upcoming(s, today, 9)) == ["Morning talk"]
        assert overview.upcoming(s, today, 10).items[-1].id == soon
        morning = overview.upcoming(s, today, 30).items[0]
        assert morning.moment is not None and morning.moment.hour == 9


def test_series_upcoming_on_their_occurrences(sample_db: Database) -> None:
    add(sample_db, "Weekly open lecture", "2025-01-07", rrule="FREQ=WEEKLY;BYDAY=TU")
    with sample_db.sessions() as s:
        listing = overview.upcoming(s, date(2027, 3, 1), 14)
        assert [(i.title, i.first) for i in listing.items] == [
            ("Weekly open lecture", date(2027, 3, 2)),
            ("Weekly open lecture", date(2027, 3, 9)),
        ]
        assert all(i.series for i in listing.items)
        # A series that still recurs is not overdue even though its first day is long past.
        assert "Weekly open lecture" not in titles(overview.overdue(s, date(2027, 3, 1)))


def test_undated_of_current_agreements_only(sample_db: Database) -> None:
    add(sample_db, "Annual seminar", "TBD")
    add(sample_db, "Old idea", "TBD", agreement="Partnership agreement 2017–2020")
    done = add(sample_db, "Finished anyway", "TBD")
    set_status(sample_db, done, "done")
    with sample_db.sessions() as s:
        listing = overview.undated(s)
    assert titles(listing) == ["Annual seminar"] and listing.items[0].first is None


def test_the_whole_overview_on_an_empty_database(database: Database) -> None:
    with database.sessions() as s:
        result = overview.overview(s, date(2026, 1, 1), 90)
    assert result.horizon == 90
    for listing in (result.upcoming, result.overdue, result.window_starting, result.undated):
        assert listing.items == () and listing.total == 0
    assert result.renewal_needed == () and result.expired == ()


# --- calendar --------------------------------------------------------------------------


def test_calendar_range_shows_thesis_day_across_fall_2024(sample_db: Database) -> None:
    with sample_db.sessions() as s:
        october = overview.calendar_items(s, date(2024, 9, 30), date(2024, 11, 10))
        december = overview.calendar_items(s, date(2024, 12, 1), date(2024, 12, 31))
    thesis = next(i for i in october if i.title == "Thesis Day")
    assert (thesis.first, thesis.last) == (date(2024, 9, 1), date(2024, 11, 30))
    assert thesis.approximate and thesis.covers(date(2024, 11, 30))
    assert not thesis.covers(date(2024, 12, 1))
    assert "Thesis Day" not in [i.title for i in december]
    # "late 2024" (Sep–Dec) reaches into December.
    assert "Signing of the strategic partnership agreement" in [i.title for i in december]


def test_calendar_reads_long_spans_and_series_through_their_index(sample_db: Database) -> None:
    long_id = add(sample_db, "Living lab pilot", "2020-01-15", end="2026-06-30")
    add(sample_db, "Monthly breakfast", "2021-01-05", rrule="FREQ=MONTHLY;BYMONTHDAY=5")
    with sample_db.sessions() as s:
        items = overview.calendar_items(s, date(2024, 10, 1), date(2024, 10, 31))
        plan = s.execute(
            text(
                "EXPLAIN QUERY PLAN SELECT id FROM milestone WHERE "
                f"({overview.SPREAD_SQLITE}) AND starts_on <= '2024-10-31'"
            )
        ).all()
        stored = s.scalars(select(Milestone.ends_on).where(Milestone.id == long_id)).one()
    assert stored == date(2026, 6, 30)
    pilot = [i for i in items if i.title == "Living lab pilot"]
    assert len(pilot) == 1 and pilot[0].covers(date(2024, 10, 15))
    breakfasts = [i.first for i in items if i.title == "Monthly breakfast"]
    assert breakfasts == [date(2024, 10, 5)]
    assert "ix_milestone_spread_starts_on" in str(plan)


def test_cancelled_milestones_are_left_out_of_the_calendar(sample_db: Database) -> None:
    add(sample_db, "Called off", "2024-10-15", status="cancelled")
    with sample_db.sessions() as s:
        items = overview.calendar_items(s, date(2024, 10, 1), date(2024, 10, 31))
    assert "Called off" not in [i.title for i in items]
