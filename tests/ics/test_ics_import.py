"""Importing files written by Outlook, Google, Apple Calendar, Thunderbird, and broken ones.

The fixtures in fixtures/ are written the way each client writes (time-zone blocks, X-
properties, folding, encodings); the expected values below are read off them by hand.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest
from ics_testdata import FIXTURES
from sqlalchemy import func, select

from db import operations as ops
from db import queries
from db.dates import FlexDate, Precision
from db.edits import SetFields
from db.enums import MilestoneKind, MilestoneStatus
from db.models import Agreement, ChangeLog, FocusArea, Milestone
from db.session import Database
from desktop.ics.export import ExportScope, collect, render
from desktop.ics.importer import (
    Action,
    IcsError,
    ImportEdit,
    ParsedCalendar,
    apply_import,
    parse_ics,
    preview,
    read_file,
)

HELSINKI = ZoneInfo("Europe/Helsinki")


def fixture(name: str) -> ParsedCalendar:
    return read_file(str(FIXTURES / name))


def events(parsed: ParsedCalendar) -> dict[str, Any]:
    return {e.title: e for e in parsed.events}


def at(text: str, zone: str = "Europe/Helsinki") -> FlexDate:
    return FlexDate.exact(datetime.fromisoformat(text), tz=zone)


def newest_agreement(db: Database) -> int:
    with db.sessions() as s:
        return s.scalars(select(Agreement.id).where(Agreement.title.like("Strategic%"))).one()


def dump(db: Database) -> dict[str, Any]:
    with db.sessions() as s:
        return {
            "agreements": [
                {k: v for k, v in a.items() if k != "version"} for a in queries.agreements(s)
            ],
            "focus_areas": queries.focus_areas(s),
            "milestones": queries.milestones(s),
            "contacts": queries.contacts(s),
        }


# --- clients' files ----------------------------------------------------------------------------


def test_outlook_windows_zone_series_exception_and_reminder() -> None:
    parsed = fixture("outlook-2016.ics")
    found = events(parsed)
    assert set(found) == {"Ohjausryhmän kokous", "Valmistelupalaveri", "Kampuspäivä"}
    meeting = found["Ohjausryhmän kokous"]
    assert meeting.when == at("2025-03-04 17:00") and meeting.when.tz == "Europe/Helsinki"
    assert meeting.end == at("2025-03-04 18:30")
    assert meeting.rrule is not None
    assert set(meeting.rrule.split(";")) == {
        "FREQ=WEEKLY", "UNTIL=20250513T140000Z", "INTERVAL=2", "BYDAY=TU", "WKST=MO"
    }  # fmt: skip
    assert meeting.exdates == ("2025-04-15",)
    assert meeting.reminders == (15,)
    assert meeting.location == "Espoon valtuustotalo, Espoonkatu 5"
    assert meeting.description == (
        "Kaupungin ja yliopiston ohjausryhmä. Asialista lähetetään viikkoa ennen."
    )
    assert len(meeting.key) == 36 and meeting.key != meeting.uid  # Outlook's UID is long
    assert found["Valmistelupalaveri"].sequence == 1
    day = found["Kampuspäivä"]
    assert day.when == FlexDate.on_day(date(2025, 5, 22)) and day.end is None


def test_google_utc_times_in_x_wr_timezone_and_cancelled_occurrence() -> None:
    found = events(fixture("google-calendar.ics"))
    breakfast = found["Talent Boost -aamiainen"]
    assert breakfast.when == at("2025-03-12 08:00") and breakfast.when.tz == "Europe/Helsinki"
    assert breakfast.end == at("2025-03-12 09:30")
    assert breakfast.reminders == (30,)
    assert breakfast.status is MilestoneStatus.CONFIRMED
    assert breakfast.location == "Aalto-yliopisto, Otakaari 1, 02150 Espoo, Finland"
    series = found["Yrityskummien tapaaminen"]
    assert series.when == at("2025-03-20 09:00")
    assert "COUNT=6" in (series.rrule or "") and "BYDAY=TH" in (series.rrule or "")
    assert series.exdates == ("2025-04-03",)  # its cancelled RECURRENCE-ID
    assert found["Espoo-päivä"].when == FlexDate.on_day(date(2025, 6, 6))
    assert found["Espoo-päivä"].reminders is None  # the file says nothing about reminders


def test_apple_folding_structured_location_and_multi_day() -> None:
    found = events(fixture("apple-calendar.ics"))
    forum = found["Kaupunki–yliopisto-foorumi"]
    assert forum.when == at("2025-06-04 09:00") and forum.end == at("2025-06-04 12:00")
    assert forum.description == (
        "Kaupunki–yliopisto-foorumi kokoaa yhteen kaupungin, yliopiston ja yritysten "
        "edustajat keskustelemaan Otaniemen kehittämisestä ja asukkaiden palveluista. "
        "Ilmoittautuminen päättyy 28.5."
    )
    assert forum.location == "Espoon kulttuurikeskus\nKulttuuriaukio 2, 02100 Espoo, Finland"
    assert forum.reminders == (60,)
    week = found["Orientaatioviikko"]
    assert week.when == FlexDate.on_day(date(2025, 8, 18))
    assert week.end == FlexDate.on_day(date(2025, 8, 21))


def test_thunderbird_series_override_floating_time_and_categories() -> None:
    found = events(fixture("thunderbird.ics"))
    seminar = found["Tutkimusseminaari: kestävät ratkaisut"]
    assert seminar.when == at("2025-02-06 15:00") and seminar.end == at("2025-02-06 16:30")
    assert set((seminar.rrule or "").split(";")) == {"FREQ=MONTHLY", "COUNT=6", "BYDAY=1TH"}
    assert seminar.categories == ("Joint advocacy and impact development through research",)
    assert seminar.reminders == (15,) and seminar.sequence == 2
    assert any("2025-04-03" in w for w in seminar.warnings)  # the moved occurrence
    assert len(found) == 2  # the override is part of the series, not an event of its own
    floating = found["Lasten tiedepäivä"]
    assert floating.when == at("2025-03-15 10:00")
    assert any("floating" in w for w in floating.warnings)


@pytest.mark.parametrize(
    ("name", "title", "when", "words"),
    [
        (
            "legacy-windows-1252.ics",
            "Työpaja – yritysyhteistyö",
            at("2025-04-12 13:00"),
            "Windows-1252",
        ),
        ("bom-lf.ics", "Nordic innovation evening", at("2025-09-25 18:00", "Europe/Stockholm"), ""),
        ("folded-inside-utf8.ics", "Syysseminaari", FlexDate.on_day(date(2025, 10, 10)), ""),
        ("outlook-custom-zone.ics", "Mayor's visit to Otaniemi", at("2025-06-12 13:00"), "same"),
    ],
)
def test_forgiving_where_the_meaning_is_clear(
    name: str, title: str, when: FlexDate, words: str
) -> None:
    parsed = fixture(name)
    (event,) = parsed.events
    assert event.title == title
    assert event.when == when and event.when.tz == when.tz
    assert words in " ".join(parsed.warnings)
    if name == "legacy-windows-1252.ics":
        assert event.description == "Osallistumismaksu 20 € sisältää kahvin."
    if name == "folded-inside-utf8.ics":
        assert event.description == (
            "Seminaarissa käsitellään kaupungin ja yliopiston yhteistyötä ja sen vaikuttavuutta."
        )


@pytest.mark.parametrize(
    ("name", "line", "words"),
    [
        ("not-icalendar.ics", 1, "not an iCalendar file"),
        ("truncated.ics", 14, "END:VEVENT is missing): the file is truncated"),
        ("bad-date.ics", 9, 'DTEND "20251345T120000" cannot be read as a date'),
        ("unknown-zone.ics", 7, 'time zone "Office Local Time" is unknown'),
    ],
)
def test_strict_where_it_is_not(name: str, line: int, words: str) -> None:
    with pytest.raises(IcsError) as error:
        fixture(name)
    assert error.value.line == line
    assert f"line {line}: " in error.value.message and words in error.value.message
    assert error.value.message.startswith(str(FIXTURES / name))
    assert "\n" not in error.value.message


def test_other_broken_input_names_the_line() -> None:
    cases = {
        b"": (1, "empty"),
        b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nthis is no content line\r\nEND:VEVENT\r\n"
        b"END:VCALENDAR\r\n": (3, "not an iCalendar content line"),
        b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nEND:VTODO\r\nEND:VCALENDAR\r\n": (3, "closes"),
        b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:1\r\nDTSTART:20250101\r\n"
        b"RRULE:FREQ=WEEKLY;COUNT=2;UNTIL=20250301\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n": (
            5,
            "RRULE",
        ),
        b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:1\r\nDTSTART:20250101\r\nBEGIN:VALARM\r\n"
        b"TRIGGER:-PT1D\r\nACTION:DISPLAY\r\nEND:VALARM\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n": (
            6,
            "duration",
        ),
        b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:1\r\nDTSTART:18000101\r\nEND:VEVENT\r\n"
        b"END:VCALENDAR\r\n": (4, "1900"),
    }
    for data, (line, words) in cases.items():
        with pytest.raises(IcsError) as error:
            parse_ics(data)
        assert error.value.line == line, (data, error.value.message)
        assert words in error.value.message, error.value.message


# --- applying ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["outlook-2016.ics", "google-calendar.ics", "apple-calendar.ics", "thunderbird.ics"],
)
def test_client_files_import_once_then_are_unchanged(sample_db: Database, name: str) -> None:
    parsed = fixture(name)
    target = newest_agreement(sample_db)
    with sample_db.sessions() as s:
        assert {r.action for r in preview(s, parsed, agreement_id=target)} == {Action.NEW}
    result, changes = sample_db.run(apply_import, parsed, agreement_id=target)
    assert result.created == len(parsed.events)
    assert len({m for m in changes.created if m[0] == "milestone"}) == len(parsed.events)
    with sample_db.sessions() as s:
        rows = preview(s, parsed)
        assert {r.action for r in rows} == {Action.UNCHANGED}, [
            (r.event.title, r.note) for r in rows
        ]
        imported = s.scalars(
            select(Milestone).where(Milestone.uid.in_([e.key for e in parsed.events]))
        )
        assert {m.agreement_id for m in imported} == {target}


def test_recurring_events_stay_series_and_export_again(sample_db: Database) -> None:
    parsed = fixture("outlook-2016.ics")
    sample_db.run(apply_import, parsed, agreement_id=newest_agreement(sample_db))
    with sample_db.sessions() as s:
        meeting = s.scalars(select(Milestone).where(Milestone.title == "Ohjausryhmän kokous")).one()
        assert meeting.kind is MilestoneKind.EVENT_SERIES
        assert meeting.exdates == ["2025-04-15"] and meeting.reminders == [15]
        data = render(collect(s, ExportScope()))
    cal = icalendar.Calendar.from_ical(data)
    ev = next(e for e in cal.walk("VEVENT") if str(e["SUMMARY"]) == "Ohjausryhmän kokous")
    assert ev["DTSTART"].dt == datetime(2025, 3, 4, 17, 0, tzinfo=ev["DTSTART"].dt.tzinfo)
    assert str(ev["DTSTART"].params["TZID"]) == "Europe/Helsinki"
    assert ev["RRULE"]["INTERVAL"] == [2]
    assert [d.dt.replace(tzinfo=None) for d in ev["EXDATE"].dts] == [datetime(2025, 4, 15, 17)]


def test_thunderbird_categories_link_the_focus_area(sample_db: Database) -> None:
    parsed = fixture("thunderbird.ics")
    sample_db.run(apply_import, parsed, agreement_id=newest_agreement(sample_db))
    with sample_db.sessions() as s:
        seminar = s.scalars(
            select(Milestone).where(Milestone.title.like("Tutkimusseminaari%"))
        ).one()
        assert [f.name for f in seminar.focus_areas] == [
            "Joint advocacy and impact development through research"
        ]


def test_chosen_focus_area_is_added_to_new_events(sample_db: Database) -> None:
    target = newest_agreement(sample_db)
    with sample_db.sessions() as s:
        area = s.scalars(select(FocusArea).where(FocusArea.name == "Attracting talent")).one()
        area_id = area.id
    sample_db.run(
        apply_import, fixture("google-calendar.ics"), agreement_id=target, focus_area_id=area_id
    )
    with sample_db.sessions() as s:
        for title in ("Talent Boost -aamiainen", "Espoo-päivä"):
            m = s.scalars(select(Milestone).where(Milestone.title == title)).one()
            assert [f.id for f in m.focus_areas] == [area_id]


def test_new_events_without_an_agreement_import_nothing(sample_db: Database) -> None:
    before = dump(sample_db)
    with pytest.raises(Exception) as error:
        sample_db.run(apply_import, fixture("google-calendar.ics"))
    assert "Choose the agreement" in str(error.value)
    assert dump(sample_db) == before


def test_a_failure_halfway_rolls_back_the_whole_file(rich_db: Database, empty_db: Database) -> None:
    with rich_db.sessions() as s:
        data = render(collect(s, ExportScope()))
    text = data.decode().replace("\r\n ", "")
    # the newest agreement's term now ends before it starts: the file's 4th agreement fails
    text = re.sub(r"(X-TERM-START=2025;X-TERM-END=)2029", r"\g<1>2020", text)
    with pytest.raises(IcsError) as error:
        empty_db.run(apply_import, parse_ics(text.encode()))
    assert "ends (2020) before it starts (2025)" in error.value.message
    assert re.match(r"line \d+: ", error.value.message)
    with empty_db.sessions() as s:
        for model in (Agreement, Milestone, ChangeLog):
            assert s.scalar(select(func.count()).select_from(model)) == 0


def test_import_is_one_undoable_edit(sample_db: Database) -> None:
    target = newest_agreement(sample_db)
    before = dump(sample_db)
    edit = ImportEdit(fixture("thunderbird.ics"), agreement_id=target)
    undo, changes = sample_db.run(edit.apply)
    assert changes.touches("milestone")
    after = dump(sample_db)
    assert after != before
    redo, _ = sample_db.run(undo.apply)
    assert dump(sample_db) == before
    sample_db.run(redo.apply)
    assert [m["title"] for m in dump(sample_db)["milestones"]] == [
        m["title"] for m in after["milestones"]
    ]


# --- new, updated, unchanged, conflict ------------------------------------------------------


def _export(db: Database) -> bytes:
    with db.sessions() as s:
        return render(collect(s, ExportScope()))


def _edit_in_client(data: bytes, old: bytes, new: bytes) -> bytes:
    assert old in data
    return data.replace(old, new)


def _steering(db: Database) -> Milestone:
    with db.sessions() as s:
        return s.scalars(select(Milestone).where(Milestone.uid.in_(
            select(Milestone.uid).where(Milestone.title.like("Steering group%"))
        ))).one()  # fmt: skip


def _row(db: Database, data: bytes, title: str) -> Any:
    with db.sessions() as s:
        rows = preview(s, parse_ics(data))
    return next(r for r in rows if r.event.title.startswith(title))


def test_changed_only_in_the_file_is_updated(rich_db: Database) -> None:
    data = _edit_in_client(
        _export(rich_db), b"SUMMARY:Steering group\r\n", b"SUMMARY:Steering group (room 2)\r\n"
    )
    row = _row(rich_db, data, "Steering group")
    assert row.action is Action.UPDATED and row.changes == ("title",)
    rich_db.run(apply_import, parse_ics(data))
    assert _steering(rich_db).title == "Steering group (room 2)"
    assert _row(rich_db, data, "Steering group").action is Action.UNCHANGED


def test_changed_only_in_accord_keeps_accords_copy(rich_db: Database) -> None:
    data = _export(rich_db)
    steering = _steering(rich_db)
    rich_db.run(SetFields("milestone", steering.id, {"location": "Otaniemi"}).apply)
    row = _row(rich_db, data, "Steering group")
    assert row.action is Action.UNCHANGED and "newer" in row.note
    rich_db.run(apply_import, parse_ics(data))
    assert _steering(rich_db).location == "Otaniemi"


def test_changed_on_both_sides_is_a_conflict(rich_db: Database) -> None:
    data = _edit_in_client(
        _export(rich_db), b"SUMMARY:Steering group\r\n", b"SUMMARY:Steering group (room 2)\r\n"
    )
    steering = _steering(rich_db)
    rich_db.run(SetFields("milestone", steering.id, {"location": "Otaniemi"}).apply)
    row = _row(rich_db, data, "Steering group")
    assert row.action is Action.CONFLICT and row.changes == ("title",)
    assert "location" in row.note and "title" in row.note
    rich_db.run(apply_import, parse_ics(data))  # kept as ours by default
    assert _steering(rich_db).title == "Steering group"
    rich_db.run(apply_import, parse_ics(data), take_theirs=True)
    after = _steering(rich_db)
    assert after.title == "Steering group (room 2)" and after.location == "Otaniemi"


def test_the_same_change_on_both_sides_is_unchanged(rich_db: Database) -> None:
    data = _edit_in_client(
        _export(rich_db),
        b"LOCATION:Espoo City Hall\\, Espoonkatu 5\r\n",
        b"LOCATION:Otaniemi\r\n",
    )
    steering = _steering(rich_db)
    rich_db.run(SetFields("milestone", steering.id, {"location": "Otaniemi"}).apply)
    assert _row(rich_db, data, "Steering group").action is Action.UNCHANGED


def test_a_moved_event_keeps_the_clients_new_date(rich_db: Database) -> None:
    data = _edit_in_client(
        _export(rich_db),
        b"DTSTART;VALUE=DATE:20250520\r\nDTEND;VALUE=DATE:20250521",
        b"DTSTART;VALUE=DATE:20250522\r\nDTEND;VALUE=DATE:20250523",
    )
    row = _row(rich_db, data, "Annual report")
    assert row.action is Action.UPDATED and row.changes == ("when",)
    assert row.event.when == FlexDate.on_day(date(2025, 5, 22))


def test_approximate_dates_come_back_with_their_precision(rich_db: Database) -> None:
    parsed = parse_ics(_export(rich_db))
    thesis = next(e for e in parsed.events if e.title == "Thesis Day")
    assert thesis.when.precision is Precision.SEASON and thesis.when.to_text() == "fall 2024"
    assert thesis.raw_summary == "Thesis Day (fall 2024)"
    # without Accord's X- properties (Google drops them) the marker in the title still says it
    stripped = re.sub(rb"X-ACCORD-[^\r]*\r\n", b"", _export(rich_db))
    again = next(e for e in parse_ics(stripped).events if e.title == "Thesis Day")
    assert again.when == thesis.when


def test_imported_sequence_never_goes_down(empty_db: Database) -> None:
    data = (FIXTURES / "thunderbird.ics").read_bytes()
    parsed = parse_ics(data)
    target, _ = empty_db.run(lambda s: ops.add_agreement(s, "Research").id)
    empty_db.run(apply_import, parsed, agreement_id=target)
    cal = icalendar.Calendar.from_ical(_export(empty_db))
    seminar = next(e for e in cal.walk("VEVENT") if str(e["SUMMARY"]).startswith("Tutkimus"))
    assert int(seminar["SEQUENCE"]) == 2  # as in the file, not 0: clients keep updating


def test_accord_text_with_commas_and_semicolons_comes_back_whole(sample_db: Database) -> None:
    """X-ACCORD-WORDING and X-ACCORD-RRULE are escaped as TEXT on export, unescaped on import."""
    with sample_db.transaction() as s:
        agreement = s.get(Agreement, newest_agreement(sample_db))
        assert agreement is not None
        workshops = ops.add_milestone(
            s, agreement, "Workshops", when="spring 2026", kind="event_series",
            rrule="FREQ=WEEKLY;BYDAY=TU",
        )  # fmt: skip
        workshops.date_wording = "spring, maybe; or later"
    data = _export(sample_db)
    assert b"X-ACCORD-RRULE:FREQ=WEEKLY\\;BYDAY=TU" in data  # escaped as TEXT
    parsed = parse_ics(data)
    (event,) = [e for e in parsed.events if e.title == "Workshops"]
    assert event.wording == "spring, maybe; or later"
    assert event.rrule == "FREQ=WEEKLY;BYDAY=TU"
    with sample_db.sessions() as s:
        rows = {r.event.title: r.action.value for r in preview(s, parsed)}
    assert rows["Workshops"] == "unchanged"
