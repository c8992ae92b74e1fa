"""Test data for the calendar tests (imported by conftest and the test modules).

The sample partnership has only approximate and day dates, so `add_rich_milestones` adds
what a real coordinator's calendar holds: a timed series across the spring clock change
with an exception and reminders, an event in another zone, text that needs escaping and
folding, a cancelled milestone, an all-day series, a multi-day event and an undated idea.
Expected values are written out by hand, not computed by the code under test.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

FIXTURES = Path(__file__).resolve().parent / "fixtures"

BOSTON_TITLE = 'Visit to Boston: MIT, Harvard; "follow-up" \\ notes'
BOSTON_DESCRIPTION = (
    "Agenda, in short:\n1. Talent attraction; spouses' employment\n2. Kaupunki–yliopisto-"
    "yhteistyön vaikuttavuus, ääkköset ja emoji 🎓 — rivi, joka on selvästi pidempi kuin "
    "seitsemänkymmentäviisi tavua, jotta se taitetaan monta kertaa."
)


def add_rich_milestones(session: Any) -> None:
    from db import operations as ops
    from db.models import Agreement, Contact

    agreement = session.scalars(
        select(Agreement).where(Agreement.title.like("Strategic partnership%"))
    ).one()
    areas = {f.name: f for f in agreement.focus_areas}
    coordinator = session.scalars(select(Contact).where(Contact.name == "Maija Meikäläinen")).one()
    add = ops.add_milestone
    add(
        session, agreement, "Steering group",
        when="2025-03-04 17:00", end="2025-03-04 18:30", kind="event_series",
        status="confirmed", rrule="FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;UNTIL=20250513T140000Z",
        exdates=["2025-04-15"], reminders=[15, 1440], location="Espoo City Hall, Espoonkatu 5",
        focus_areas=[areas["Development of Otaniemi"]], contacts=[(coordinator, "chair")],
    )  # fmt: skip
    add(
        session, agreement, BOSTON_TITLE,
        when="2025-06-10 09:00 America/New_York", end="2025-06-10 17:00 America/New_York",
        description=BOSTON_DESCRIPTION, location="Cambridge, MA",
        focus_areas=[areas["Attracting talent"], areas["Business and innovation collaboration"]],
    )  # fmt: skip
    add(
        session, agreement, "Annual report to the steering group",
        when="2025-05-20", kind="report_deadline", reminders=[540],
        url="https://www.espoo.fi/en?topics=aalto,otaniemi",
    )  # fmt: skip
    add(session, agreement, "Cancelled workshop", when="2025-02-14", status="cancelled")
    add(session, agreement, "Q1 review", when="Q1 2025", kind="review")
    add(session, agreement, "Undated idea", when=None)
    add(
        session, agreement, "Campus open day",
        when="2025-09-06", kind="event_series", status="confirmed",
        rrule="FREQ=YEARLY;COUNT=3", exdates=["2026-09-06"],
    )  # fmt: skip
    add(
        session, agreement, "Orientation week",
        when="2025-08-18", end="2025-08-22", status="confirmed", outcome="Went well.\nAgain!",
    )  # fmt: skip


#: summary → (start, end) as the export must write them: all-day as dates (end exclusive),
#: timed as UTC instants.
SAMPLE_EVENTS: dict[str, tuple[Any, Any]] = {
    "First partnership agreement signed (2012)": (date(2012, 1, 1), date(2013, 1, 1)),
    "Signing of the 2020–2025 extension": (date(2020, 6, 16), date(2020, 6, 17)),
    "Thesis Day (fall 2024)": (date(2024, 9, 1), date(2024, 12, 1)),
    "Signing of the strategic partnership agreement (late 2024)": (
        date(2024, 9, 1),
        date(2025, 1, 1),
    ),
    "Open-for-all event series (early 2025)": (date(2025, 1, 1), date(2025, 5, 1)),
    "Term starts: Partnership agreement 2012 (2012)": (date(2012, 1, 1), date(2013, 1, 1)),
    "Term starts: Partnership agreement 2017–2020 (2017)": (date(2017, 1, 1), date(2018, 1, 1)),
    "Term ends: Partnership agreement 2017–2020 (2020)": (date(2020, 1, 1), date(2021, 1, 1)),
    "Term starts: Partnership agreement 2020–2025 (2020)": (date(2020, 1, 1), date(2021, 1, 1)),
    "Term ends: Partnership agreement 2020–2025 (2025)": (date(2025, 1, 1), date(2026, 1, 1)),
    "Term starts: Strategic partnership agreement 2025–2029 (2025)": (
        date(2025, 1, 1),
        date(2026, 1, 1),
    ),
    "Term ends: Strategic partnership agreement 2025–2029 (2029)": (
        date(2029, 1, 1),
        date(2030, 1, 1),
    ),
    "Renewal review: Strategic partnership agreement 2025–2029 "
    "(6 months before the term ends, 2029)": (date(2029, 7, 1), date(2029, 7, 2)),
}


def utc(text: str) -> datetime:
    from datetime import UTC

    return datetime.fromisoformat(text).replace(tzinfo=UTC)


RICH_EVENTS: dict[str, tuple[Any, Any]] = {
    **SAMPLE_EVENTS,
    "Steering group": (utc("2025-03-04 15:00"), utc("2025-03-04 16:30")),
    BOSTON_TITLE: (utc("2025-06-10 13:00"), utc("2025-06-10 21:00")),
    "Annual report to the steering group": (date(2025, 5, 20), date(2025, 5, 21)),
    "Cancelled workshop": (date(2025, 2, 14), date(2025, 2, 15)),
    "Q1 review (Q1 2025)": (date(2025, 1, 1), date(2025, 4, 1)),
    "Campus open day": (date(2025, 9, 6), date(2025, 9, 7)),
    "Orientation week": (date(2025, 8, 18), date(2025, 8, 23)),
}

#: Every occurrence of the two series; the steering group moves from 15:00Z to 14:00Z at
#: the spring clock change (30 March 2025), its 15 April meeting is an exception.
SERIES_OCCURRENCES: dict[str, list[Any]] = {
    "Steering group": [
        utc("2025-03-04 15:00"),
        utc("2025-03-18 15:00"),
        utc("2025-04-01 14:00"),
        utc("2025-04-29 14:00"),
        utc("2025-05-13 14:00"),
    ],
    "Campus open day": [date(2025, 9, 6), date(2027, 9, 6)],
}


def add_many(db: Any, count: int) -> None:
    """`count` milestones of every precision, a tenth of them weekly series, in one go."""
    from db.dates import FlexDate
    from db.enums import MilestoneKind, MilestoneStatus
    from db.models import Agreement, Milestone

    with db.transaction() as s:
        agreement = s.scalars(select(Agreement).where(Agreement.title.like("Strategic%"))).one()
        areas = agreement.focus_areas
        start = datetime(2025, 1, 6, 9, 0)
        rows = []
        for i in range(count):
            day = start + timedelta(days=i % 700, minutes=15 * (i % 30))
            kind = i % 10
            if kind < 6:
                when = FlexDate.exact(day)
                end = FlexDate.exact(day + timedelta(hours=1, minutes=30))
            elif kind < 8:
                when, end = FlexDate.on_day(day.date()), None
            else:
                when, end = FlexDate.month(day.year, day.month), None
            series = i % 10 == 0
            rows.append(
                Milestone(
                    agreement=agreement,
                    kind=MilestoneKind.EVENT_SERIES if series else MilestoneKind.EVENT,
                    title=f"Meeting {i}: talent, campus; follow-up ääkköset",
                    description="Agenda:\n1. Otaniemi\n2. Päätökset, seuraavat askeleet " * 3,
                    location="Espoo City Hall, Espoonkatu 5",
                    status=MilestoneStatus.CONFIRMED,
                    when=when,
                    end=end,
                    rrule="FREQ=WEEKLY;COUNT=10" if series else None,
                    exdates=[(day.date() + timedelta(days=7)).isoformat()] if series else [],
                    reminders=[15] if i % 3 == 0 else [],
                    focus_areas=[areas[i % len(areas)]],
                )
            )
        s.add_all(rows)
