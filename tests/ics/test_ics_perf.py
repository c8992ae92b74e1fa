"""The writer against icalendar's objects: the same events when read back.

How much faster it is, and the 10,000-milestone export time, are measured on demand by
`uv run python tests/benchmarks/bench_ics.py` (speed targets live in benchmarks).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
from ics_testdata import add_many

from db.session import Database
from desktop.ics.export import PRODID, ExportPlan, ExportScope, collect, render


def with_icalendar(plan: ExportPlan) -> bytes:
    """The same events built the usual way, with icalendar's Calendar and Event objects."""
    cal = icalendar.Calendar()
    for name, value in (
        ("VERSION", "2.0"), ("PRODID", PRODID), ("CALSCALE", "GREGORIAN"),
        ("METHOD", "PUBLISH"), ("NAME", plan.name), ("X-WR-CALNAME", plan.name),
    ):  # fmt: skip
        cal.add(name, value)
    cal.add("REFRESH-INTERVAL", plan.refresh)
    cal.add("X-PUBLISHED-TTL", "PT12H")
    for ev in plan.events:
        zone = ZoneInfo(ev.tzid) if ev.tzid else None

        def moment(value: Any, zone: Any = zone) -> Any:
            if isinstance(value, datetime) and zone is not None:
                return value.replace(tzinfo=zone)
            return value

        e = icalendar.Event()
        e.add("UID", ev.uid)
        e.add("SEQUENCE", ev.sequence)
        e.add("DTSTAMP", plan.stamp)
        if ev.created:
            e.add("CREATED", ev.created)
        if ev.last_modified:
            e.add("LAST-MODIFIED", ev.last_modified)
        e.add("DTSTART", moment(ev.start))
        if ev.end is not None:
            e.add("DTEND", moment(ev.end))
        if ev.rrule:
            e.add("RRULE", icalendar.vRecur.from_ical(ev.rrule))
        if ev.exdates:
            e.add("EXDATE", [moment(d) for d in ev.exdates])
        e.add("SUMMARY", ev.summary)
        if ev.description:
            e.add("DESCRIPTION", ev.description)
        if ev.location:
            e.add("LOCATION", ev.location)
        if ev.categories:
            e.add("CATEGORIES", list(ev.categories))
        e.add("STATUS", ev.status)
        if ev.transparent:
            e.add("TRANSP", "TRANSPARENT")
        if ev.url:
            e.add("URL", ev.url)
        for name, value in ev.extra:
            e.add(name, value)
        for minutes in ev.alarms:
            alarm = icalendar.Alarm()
            alarm.add("ACTION", "DISPLAY")
            alarm.add("DESCRIPTION", ev.summary)
            alarm.add("TRIGGER", timedelta(minutes=-minutes))
            e.add_component(alarm)
        cal.add_component(e)
    cal.add_missing_timezones()
    return cal.to_ical()


def read_back(data: bytes) -> dict[str, tuple[Any, ...]]:
    def utc(value: Any) -> Any:
        return value.astimezone(UTC) if isinstance(value, datetime) else value

    out = {}
    for e in icalendar.Calendar.from_ical(data).walk("VEVENT"):
        exdates = [utc(d.dt) for x in ([e["EXDATE"]] if "EXDATE" in e else []) for d in x.dts]
        out[str(e["UID"])] = (
            utc(e["DTSTART"].dt),
            utc(e["DTEND"].dt) if "DTEND" in e else None,
            str(e["SUMMARY"]),
            str(e.get("DESCRIPTION", "")),
            str(e.get("LOCATION", "")),
            tuple(str(c) for c in e["CATEGORIES"].cats) if "CATEGORIES" in e else (),
            str(e["STATUS"]),
            e["RRULE"].to_ical() if "RRULE" in e else None,
            tuple(exdates),
            int(e["SEQUENCE"]),
            tuple(sorted(a["TRIGGER"].dt for a in e.walk("VALARM"))),
            str(e.get("URL", "")),
        )
    return out


def best_of(
    runs: int, fn: Callable[[], Any], clock: Callable[[], float] = time.perf_counter
) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(runs):
        started = clock()
        result = fn()
        best = min(best, clock() - started)
    return best, result


def test_writer_gives_the_same_events_as_icalendar_objects(sample_db: Database) -> None:
    """Correctness only; the speed figures live in tests/benchmarks/bench_ics.py."""
    add_many(sample_db, 500)
    with sample_db.sessions() as s:
        plan = collect(s, ExportScope())
    ours = read_back(render(plan))
    assert ours == read_back(with_icalendar(plan))
    assert len(ours) == plan.count > 500
