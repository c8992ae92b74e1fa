"""The export, read back by icalendar, vobject and the three client parsers of ics-check.

Every check compares with values written down here (conftest.RICH_EVENTS,
SERIES_OCCURRENCES), not with what our own code computes, so a wrong date fails.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import icalendar
import pytest
import recurring_ical_events
import vobject
from hypothesis import given, settings
from hypothesis import strategies as st
from ics_testdata import (
    BOSTON_DESCRIPTION,
    BOSTON_TITLE,
    RICH_EVENTS,
    SAMPLE_EVENTS,
    SERIES_OCCURRENCES,
)
from sqlalchemy import select

from db.edits import Delete, SetFields
from db.enums import MilestoneKind
from db.models import Agreement, FocusArea, Milestone
from db.session import Database
from desktop.ics.export import ExportPlan, ExportScope, collect, export_file, render
from desktop.ics.importer import Action, apply_import, parse_ics, preview
from desktop.ics.text import content_line, escape_text, text_line


def export(db: Database, scope: ExportScope | None = None, **kw: Any) -> tuple[ExportPlan, bytes]:
    with db.sessions() as session:
        plan = collect(session, scope or ExportScope(), **kw)
    return plan, render(plan)


def as_utc(value: Any) -> Any:
    if isinstance(value, datetime):
        assert value.tzinfo is not None, f"floating time {value}"
        return value.astimezone(UTC)
    return value


def icalendar_events(data: bytes) -> dict[str, tuple[Any, Any]]:
    cal = icalendar.Calendar.from_ical(data)
    out = {}
    for ev in cal.walk("VEVENT"):
        end = ev.get("DTEND")
        out[str(ev["SUMMARY"])] = (as_utc(ev["DTSTART"].dt), as_utc(end.dt) if end else None)
    return out


def vobject_events(data: bytes) -> dict[str, tuple[Any, Any]]:
    cal = vobject.readOne(data.decode("utf-8"))
    out = {}
    for ev in cal.vevent_list:
        end = getattr(ev, "dtend", None)
        out[ev.summary.value] = (as_utc(ev.dtstart.value), as_utc(end.value) if end else None)
    return out


def rie_occurrences(data: bytes, summary: str) -> list[Any]:
    cal = icalendar.Calendar.from_ical(data)
    found = recurring_ical_events.of(cal).between(datetime(2010, 1, 1), datetime(2031, 1, 1))
    return sorted(as_utc(e["DTSTART"].dt) for e in found if str(e["SUMMARY"]) == summary)


def vobject_occurrences(data: bytes, summary: str) -> list[Any]:
    cal = vobject.readOne(data.decode("utf-8"))
    ev = next(e for e in cal.vevent_list if e.summary.value == summary)
    starts = list(ev.getrruleset(addRDate=True))
    if isinstance(ev.dtstart.value, datetime):
        return sorted(as_utc(s) for s in starts)
    return sorted(s.date() if isinstance(s, datetime) else s for s in starts)


def unfolded(data: bytes) -> list[str]:
    return data.decode("utf-8").replace("\r\n ", "").split("\r\n")


def event_blocks(data: bytes) -> dict[str, list[str]]:
    """Unfolded lines of each VEVENT, by its raw (escaped) SUMMARY value."""
    blocks: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in unfolded(data):
        if line == "BEGIN:VEVENT":
            current = []
        elif line == "END:VEVENT" and current is not None:
            summary = next(x for x in current if x.startswith("SUMMARY:"))[8:]
            blocks[summary] = current
            current = None
        elif current is not None:
            current.append(line)
    return blocks


def prop(block: list[str], name: str) -> str:
    return next(line for line in block if re.match(rf"{name}[;:]", line))


# --- the sample and the rich sample, through two parsers ------------------------------------


def test_sample_export_reads_back_the_same_in_icalendar_and_vobject(sample_db: Database) -> None:
    plan, data = export(sample_db)
    assert plan.count == len(SAMPLE_EVENTS)
    assert icalendar_events(data) == SAMPLE_EVENTS
    assert vobject_events(data) == SAMPLE_EVENTS
    assert plan.left_out_undated == 2  # 2012's term end and 2017's signing are TBD


def test_rich_export_every_event_start_end_and_summary(rich_db: Database) -> None:
    plan, data = export(rich_db)
    assert icalendar_events(data) == RICH_EVENTS
    assert vobject_events(data) == RICH_EVENTS
    assert plan.count == len(RICH_EVENTS)
    assert plan.left_out_undated == 3


@pytest.mark.parametrize("summary", sorted(SERIES_OCCURRENCES))
def test_series_expand_to_the_same_occurrences_in_two_parsers(
    rich_db: Database, summary: str
) -> None:
    _, data = export(rich_db)
    assert rie_occurrences(data, summary) == SERIES_OCCURRENCES[summary]
    assert vobject_occurrences(data, summary) == SERIES_OCCURRENCES[summary]


def _occ(start: Any, end: Any, summary: str) -> str:
    def text(value: Any) -> str:
        if isinstance(value, datetime):
            return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
        return value.strftime("%Y%m%d")

    return f"OCC {text(start)} {text(end)} {summary}"


def test_thunderbird_libical_and_icalendar_agree_on_every_occurrence(
    rich_db: Database, tmp_path: Path, ics_check_json: Callable[..., dict[str, Any]]
) -> None:
    _, data = export(rich_db)
    path = tmp_path / "rich.ics"
    path.write_bytes(data)
    expected = []
    for summary, (start, end) in RICH_EVENTS.items():
        for first in SERIES_OCCURRENCES.get(summary, [start]):
            expected.append(_occ(first, first + (end - start), summary))
    report = ics_check_json(path)
    assert report["verdict"] == "OK", report["summary"]
    for parser in report["parsers"]:
        assert parser["parsed"], parser
        assert sorted(parser["occurrences"]) == sorted(expected), parser["name"]


def test_lint_finds_nothing_to_warn_about(
    rich_db: Database, tmp_path: Path, ics_check: Callable[..., Any]
) -> None:
    _, data = export(rich_db)
    path = tmp_path / "rich.ics"
    path.write_bytes(data)
    result = ics_check("--lint", str(path))
    assert result.returncode == 0, result.stdout
    assert "OK (0 errors, 0 warnings)" in result.stdout, result.stdout


def test_calendar_properties(rich_db: Database) -> None:
    _, data = export(rich_db, ExportScope(refresh_hours=6, name="Espoo–Aalto, 2025"))
    lines = unfolded(data)
    head = lines[: lines.index("BEGIN:VTIMEZONE")]
    for expected in (
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "NAME:Espoo–Aalto\\, 2025",
        "X-WR-CALNAME:Espoo–Aalto\\, 2025",
        "REFRESH-INTERVAL;VALUE=DURATION:PT6H",
        "X-PUBLISHED-TTL:PT6H",
    ):
        assert expected in head
    assert any(line.startswith("PRODID:-//Accord//") for line in head)


def test_event_content(rich_db: Database) -> None:
    _, data = export(rich_db)
    cal = icalendar.Calendar.from_ical(data)
    events = {str(e["SUMMARY"]): e for e in cal.walk("VEVENT")}
    steering = events["Steering group"]
    with rich_db.sessions() as s:
        m = s.scalars(select(Milestone).where(Milestone.title == "Steering group")).one()
        assert str(steering["UID"]) == m.uid
    assert str(steering["LOCATION"]) == "Espoo City Hall, Espoonkatu 5"
    assert [str(c) for c in steering["CATEGORIES"].cats] == ["Development of Otaniemi"]
    assert str(steering["STATUS"]) == "CONFIRMED"
    description = str(steering["DESCRIPTION"])
    assert "Agreement: Strategic partnership agreement 2025–2029" in description
    assert "Focus areas: Development of Otaniemi" in description
    assert "Maija Meikäläinen (chair, 041 2345678, maija.meikalainen@espoo.example)" in description
    for name in ("DTSTAMP", "CREATED", "LAST-MODIFIED", "SEQUENCE"):
        assert name in steering
    boston = events[BOSTON_TITLE]
    assert str(boston["DESCRIPTION"]).startswith(BOSTON_DESCRIPTION)
    assert str(boston["STATUS"]) == "TENTATIVE"  # planned
    report = events["Annual report to the steering group"]
    assert str(report["URL"]) == "https://www.espoo.fi/en?topics=aalto,otaniemi"
    orientation = str(events["Orientation week"]["DESCRIPTION"])
    assert "Outcome: Went well.\nAgain!" in orientation
    thesis = events["Thesis Day (fall 2024)"]
    assert str(thesis["STATUS"]) == "TENTATIVE"
    assert "Audience: International master's students" in str(thesis["DESCRIPTION"])


# --- DOMAIN.md's list of complaints, one test each -----------------------------------------


def test_item_1_every_tzid_has_its_vtimezone(rich_db: Database) -> None:
    _, data = export(rich_db)
    cal = icalendar.Calendar.from_ical(data)
    defined = {str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")}
    assert cal.get_used_tzids() == defined == {"Europe/Helsinki", "America/New_York"}


def test_item_2_times_are_zoned_never_floating_or_utc_only(rich_db: Database) -> None:
    _, data = export(rich_db)
    for block in event_blocks(data).values():
        for line in block:
            if re.match(r"(DTSTART|DTEND|EXDATE)[;:]", line) and "VALUE=DATE" not in line:
                assert ";TZID=" in line, line


def test_item_3_all_day_dtend_is_exclusive(rich_db: Database) -> None:
    _, data = export(rich_db)
    block = event_blocks(data)["Annual report to the steering group"]
    assert prop(block, "DTSTART") == "DTSTART;VALUE=DATE:20250520"
    assert prop(block, "DTEND") == "DTEND;VALUE=DATE:20250521"
    week = event_blocks(data)["Orientation week"]
    assert prop(week, "DTEND") == "DTEND;VALUE=DATE:20250823"  # 18–22 Aug inclusive


def test_item_4_uids_are_the_records_stable_random_ids(rich_db: Database) -> None:
    _, first = export(rich_db)
    _, second = export(rich_db)
    uids = lambda data: [  # noqa: E731
        str(e["UID"]) for e in icalendar.Calendar.from_ical(data).walk("VEVENT")
    ]
    assert uids(first) == uids(second)
    with rich_db.sessions() as s:
        stored = set(s.scalars(select(Milestone.uid)))
    milestone_uids = [u for u in uids(first) if u in stored]
    assert len(milestone_uids) == 12  # every dated milestone, by its own UID
    assert all(
        re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", u)
        for u in milestone_uids
    )
    assert len(set(uids(first))) == len(uids(first))


def test_item_5_reimporting_the_same_file_changes_nothing(rich_db: Database) -> None:
    _, data = export(rich_db)
    parsed = parse_ics(data)
    with rich_db.sessions() as s:
        rows = preview(s, parsed)
    assert {r.action for r in rows} == {Action.UNCHANGED}
    result, changes = rich_db.run(apply_import, parsed)
    assert result.created == result.updated == 0 and not changes


def test_item_6_reminders_are_written_as_alarms(rich_db: Database) -> None:
    plan, data = export(rich_db)
    cal = icalendar.Calendar.from_ical(data)
    steering = next(e for e in cal.walk("VEVENT") if str(e["SUMMARY"]) == "Steering group")
    triggers = sorted(a["TRIGGER"].dt for a in steering.walk("VALARM"))
    assert triggers == [timedelta(days=-1), timedelta(minutes=-15)]
    assert all(
        str(a["ACTION"]) == "DISPLAY" and "DESCRIPTION" in a for a in steering.walk("VALARM")
    )
    assert plan.with_alarms == 3  # steering group, report deadline, renewal review


def test_item_7_exdate_and_cancelled_and_deleted_milestones(rich_db: Database) -> None:
    _, before = export(rich_db)
    block = event_blocks(before)["Steering group"]
    assert prop(block, "EXDATE") == "EXDATE;TZID=Europe/Helsinki:20250415T170000"
    assert prop(event_blocks(before)["Cancelled workshop"], "STATUS") == "STATUS:CANCELLED"
    with rich_db.sessions() as s:
        thesis = s.scalars(select(Milestone).where(Milestone.title == "Thesis Day")).one()
        uid, thesis_id = thesis.uid, thesis.id
    rich_db.run(Delete("milestone", thesis_id).apply)
    plan, after = export(rich_db)
    cal = icalendar.Calendar.from_ical(after)
    gone = next(e for e in cal.walk("VEVENT") if str(e["UID"]) == uid)
    assert str(gone["STATUS"]) == "CANCELLED"
    old = next(e for e in icalendar.Calendar.from_ical(before).walk("VEVENT") if e["UID"] == uid)
    assert int(gone["SEQUENCE"]) > int(old["SEQUENCE"])
    assert plan.tombstones == 1
    # after the configured days the deleted and the cancelled milestone leave the file
    later = datetime.now(UTC) + timedelta(days=31)
    plan, data = export(rich_db, ExportScope(cancelled_days=30), now=later)
    summaries = icalendar_events(data)
    assert "Cancelled workshop" not in summaries
    assert all(str(e["UID"]) != uid for e in icalendar.Calendar.from_ical(data).walk("VEVENT"))
    assert plan.left_out_cancelled == 1


def test_item_7_a_published_file_keeps_the_deleted_milestones_dates(
    rich_db: Database, tmp_path: Path
) -> None:
    path = tmp_path / "published.ics"
    export_file(rich_db, ExportScope(), path)
    with rich_db.sessions() as s:
        steering = s.scalars(select(Milestone).where(Milestone.title == "Steering group")).one()
        uid = steering.uid
    rich_db.run(Delete("milestone", steering.id).apply)
    export_file(rich_db, ExportScope(), path)
    cal = icalendar.Calendar.from_ical(path.read_bytes())
    gone = next(e for e in cal.walk("VEVENT") if str(e["UID"]) == uid)
    assert str(gone["STATUS"]) == "CANCELLED"
    assert gone["DTSTART"].dt == datetime(2025, 3, 4, 17, 0, tzinfo=gone["DTSTART"].dt.tzinfo)
    assert str(gone["DTSTART"].params["TZID"]) == "Europe/Helsinki"
    assert str(gone["SUMMARY"]) == "Steering group"


def test_item_8_refresh_interval_and_published_ttl(rich_db: Database) -> None:
    _, data = export(rich_db)
    cal = icalendar.Calendar.from_ical(data)
    assert cal["REFRESH-INTERVAL"].dt == timedelta(hours=12)
    assert str(cal["X-PUBLISHED-TTL"]) == "PT12H"


def test_item_9_no_attendee_lines(rich_db: Database) -> None:
    _, data = export(rich_db)
    assert b"ATTENDEE" not in data and b"ORGANIZER" not in data


def test_item_10_escaping_folding_utf8_crlf_no_bom(rich_db: Database) -> None:
    _, data = export(rich_db)
    assert not data.startswith(b"\xef\xbb\xbf")
    assert data.endswith(b"\r\n") and b"\n" not in data.replace(b"\r\n", b"")
    physical = data.split(b"\r\n")[:-1]
    assert max(len(line) for line in physical) <= 75
    for line in physical:
        line.decode("utf-8")  # a fold never splits a character
    assert any(len(line) == 75 for line in physical)  # folding did happen
    block = event_blocks(data)[r'Visit to Boston: MIT\, Harvard\; "follow-up" \\ notes']
    description = prop(block, "DESCRIPTION")
    assert r"Agenda\, in short:\n1. Talent attraction\; spouses' employment\n" in description
    parsed = icalendar.Calendar.from_ical(data)
    boston = next(e for e in parsed.walk("VEVENT") if str(e["SUMMARY"]) == BOSTON_TITLE)
    assert "🎓" in str(boston["DESCRIPTION"])


def test_item_11_sequence_rises_on_every_change_and_dtstamp_is_set(rich_db: Database) -> None:
    def sequences(data: bytes) -> dict[str, int]:
        cal = icalendar.Calendar.from_ical(data)
        assert all("DTSTAMP" in e for e in cal.walk("VEVENT"))
        return {str(e["UID"]): int(e["SEQUENCE"]) for e in cal.walk("VEVENT")}

    _, first = export(rich_db)
    with rich_db.sessions() as s:
        steering = s.scalars(select(Milestone).where(Milestone.title == "Steering group")).one()
        report = s.scalars(
            select(Milestone).where(Milestone.title == "Annual report to the steering group")
        ).one()
        area = s.scalars(select(FocusArea).where(FocusArea.name == "Promoting learning")).one()
        ids = (steering.id, steering.uid, report.id, report.uid, area.id)
    rich_db.run(SetFields("milestone", ids[0], {"location": "Otaniemi"}).apply)
    rich_db.run(SetFields("milestone", ids[2], {"focus_areas": [ids[4]]}).apply)  # links only
    _, second = export(rich_db)
    before, after = sequences(first), sequences(second)
    assert after[ids[1]] == before[ids[1]] + 1
    assert after[ids[3]] == before[ids[3]] + 1
    unchanged = set(before) - {ids[1], ids[3]}
    assert {u: after[u] for u in unchanged} == {u: before[u] for u in unchanged}
    # a client that imported the first file updates its copy: same UID, higher SEQUENCE
    assert set(after) == set(before)


def test_item_12_vtimezones_are_in_rule_form(rich_db: Database) -> None:
    _, data = export(rich_db)
    cal = icalendar.Calendar.from_ical(data)
    for tz in cal.walk("VTIMEZONE"):
        standard, daylight = tz.walk("STANDARD"), tz.walk("DAYLIGHT")
        assert len(standard) == 1 and len(daylight) == 1, tz["TZID"]
        for part in standard + daylight:
            assert "RDATE" not in part
            assert part["RRULE"]["FREQ"] == ["YEARLY"]
    helsinki = next(t for t in cal.walk("VTIMEZONE") if t["TZID"] == "Europe/Helsinki")
    assert helsinki.walk("DAYLIGHT")[0]["RRULE"]["BYDAY"] == ["-1SU"]
    assert helsinki.walk("DAYLIGHT")[0]["RRULE"]["BYMONTH"] == [3]
    assert b"RDATE" not in data


def test_item_13_until_exdate_categories_and_colour(rich_db: Database) -> None:
    with rich_db.transaction() as s:
        area = s.scalars(select(FocusArea).where(FocusArea.name == "Promoting learning")).one()
        area.name = "Learning, culture and sport"
    _, data = export(rich_db)
    steering = event_blocks(data)["Steering group"]
    assert "UNTIL=20250513T140000Z" in prop(steering, "RRULE")
    assert prop(steering, "DTSTART").startswith("DTSTART;TZID=Europe/Helsinki:")
    assert prop(steering, "EXDATE").startswith("EXDATE;TZID=Europe/Helsinki:")
    open_day = event_blocks(data)["Campus open day"]
    assert prop(open_day, "EXDATE") == "EXDATE;VALUE=DATE:20260906"
    cal = icalendar.Calendar.from_ical(data)
    categories = [
        str(c) for e in cal.walk("VEVENT") if "CATEGORIES" in e for c in e["CATEGORIES"].cats
    ]
    assert "Learning‚ culture and sport" in categories  # U+201A, not a comma
    assert all("," not in c for c in categories)
    assert b"\r\nCOLOR:" not in data
    with rich_db.sessions() as s:
        area_id = s.scalars(select(FocusArea.id).where(FocusArea.name.like("Learning%"))).one()
    _, one_area = export(rich_db, ExportScope(focus_area_ids=(area_id,)))
    assert b"X-APPLE-CALENDAR-COLOR:#CC79A7\r\n" in one_area


def test_item_14_one_calendar_published_not_an_invitation(rich_db: Database) -> None:
    _, data = export(rich_db)
    assert data.count(b"BEGIN:VCALENDAR") == 1 and data.count(b"END:VCALENDAR") == 1
    assert b"METHOD:PUBLISH\r\n" in data and b"METHOD:REQUEST" not in data


# --- scope ----------------------------------------------------------------------------------


def _agreement_id(db: Database, prefix: str) -> int:
    with db.sessions() as s:
        return s.scalars(select(Agreement.id).where(Agreement.title.like(prefix + "%"))).one()


def test_scope_one_agreement_with_and_without_the_ones_it_renews(sample_db: Database) -> None:
    newest = _agreement_id(sample_db, "Strategic")
    plan, data = export(sample_db, ExportScope(agreement_ids=(newest,)))
    assert set(icalendar_events(data)) == {
        "Signing of the strategic partnership agreement (late 2024)",
        "Open-for-all event series (early 2025)",
        "Term starts: Strategic partnership agreement 2025–2029 (2025)",
        "Term ends: Strategic partnership agreement 2025–2029 (2029)",
        "Renewal review: Strategic partnership agreement 2025–2029 "
        "(6 months before the term ends, 2029)",
    }
    assert plan.name == "Strategic partnership agreement 2025–2029"
    plan, data = export(sample_db, ExportScope(agreement_ids=(newest,), with_renewed=True))
    assert set(icalendar_events(data)) == set(SAMPLE_EVENTS)


def test_scope_focus_area_date_range_kinds_and_exact_only(rich_db: Database) -> None:
    with rich_db.sessions() as s:
        otaniemi = s.scalars(
            select(FocusArea.id).where(FocusArea.name == "Development of Otaniemi")
        ).one()
    _, data = export(rich_db, ExportScope(focus_area_ids=(otaniemi,)))
    assert set(icalendar_events(data)) == {
        "Steering group",
        "Open-for-all event series (early 2025)",
    }
    scope = ExportScope(
        date_from=date(2025, 5, 1), date_to=date(2025, 6, 30), agreement_terms=False
    )
    _, data = export(rich_db, scope)
    assert set(icalendar_events(data)) == {
        "Steering group",  # its last meeting is on 13 May
        BOSTON_TITLE,
        "Annual report to the steering group",
    }
    _, data = export(rich_db, ExportScope(kinds=(MilestoneKind.REVIEW,)))
    assert set(icalendar_events(data)) == {
        "Q1 review (Q1 2025)",
        "Renewal review: Strategic partnership agreement 2025–2029 "
        "(6 months before the term ends, 2029)",
    }
    plan, data = export(rich_db, ExportScope(exact_only=True))
    assert not any("(" in s for s in icalendar_events(data) if s != BOSTON_TITLE)
    # 4 sample milestones + Q1 review + 7 term events + the review worked out from 2029
    assert plan.left_out_approximate == 13
    assert plan.left_out_undated == 3
    assert plan.count == len(icalendar_events(data)) == 7


def test_scope_selected_milestones_and_review_months(rich_db: Database) -> None:
    with rich_db.sessions() as s:
        ids = tuple(
            s.scalars(
                select(Milestone.id).where(Milestone.title.in_(["Steering group", "Undated idea"]))
            )
        )
    plan, data = export(rich_db, ExportScope(milestone_ids=ids))
    assert set(icalendar_events(data)) == {"Steering group"}
    assert plan.left_out_undated == 1
    _, data = export(rich_db, ExportScope(review_months=3, kinds=(MilestoneKind.REVIEW,)))
    review = [v for k, v in icalendar_events(data).items() if k.startswith("Renewal")]
    assert review == [(date(2029, 10, 1), date(2029, 10, 2))]


# --- round trip -------------------------------------------------------------------------------


def _comparable(data: bytes) -> dict[str, dict[str, bytes]]:
    cal = icalendar.Calendar.from_ical(data)
    skip = {"DTSTAMP", "CREATED", "LAST-MODIFIED"}
    out = {}
    for ev in cal.walk("VEVENT"):
        fields = {k: ev[k].to_ical() for k in ev if k not in skip and not isinstance(ev[k], list)}
        fields["VALARM"] = b"|".join(a.to_ical() for a in ev.walk("VALARM"))
        out[str(ev["UID"])] = fields
    return out


def test_round_trip_export_import_into_an_empty_database_export(
    rich_db: Database, empty_db: Database
) -> None:
    _, first = export(rich_db)
    result, _ = empty_db.run(apply_import, parse_ics(first))
    assert result.count(Action.NEW) == len(RICH_EVENTS) - 1  # the review is worked out
    _, second = export(empty_db)
    assert _comparable(second) == _comparable(first)
    assert icalendar_events(second) == RICH_EVENTS


# --- lines made once per file -------------------------------------------------------------------


def _vevents(data: bytes) -> bytes:
    return data[data.index(b"BEGIN:VEVENT") : data.rindex(b"END:VEVENT\r\n") + 12]


def test_every_event_is_written_as_it_would_be_alone(rich_db: Database) -> None:
    """render() escapes and folds a value many events share once per file: each event must
    still read exactly as when it is the only one, also when the same text appears under
    another property (the copies below move values between properties and time zones)."""
    plan, _ = export(rich_db)
    copies = [
        replace(
            event,
            uid=f"{event.uid}-copy",
            description=event.location or event.summary,
            location=event.description or None,
            categories=(event.summary,),
            extra=tuple((name, event.extra[-1 - i][1]) for i, (name, _) in enumerate(event.extra)),
            tzid=None if event.tzid else event.tzid,
        )
        for event in plan.events
    ]
    both = replace(plan, events=plan.events + copies)
    alone = b"".join(_vevents(render(replace(plan, events=[e]))) for e in both.events)
    assert _vevents(render(both)) == alone


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_text_line_is_the_content_line_of_the_escaped_value(value: str) -> None:
    assert text_line("DESCRIPTION", value) == content_line("DESCRIPTION", escape_text(value))
    assert text_line("X", value) == content_line("X", escape_text(value))
