"""Promise 5 for calendars: any file handed to the importer gives events or one clear refusal.

Real calendars as Outlook, Google, Apple and Thunderbird write them are cut, shuffled,
re-encoded and sprinkled with junk by hypothesis; the importer must either read them or
refuse with one AccordError naming a line, and an import that is refused must leave the
database exactly as it was. Files that once broke this live in regressions/ics/ and are
replayed first.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from db.errors import AccordError
from db.models import Agreement
from db.session import Database
from desktop.ics.importer import apply_import, parse_ics, preview

FIXTURES = Path(__file__).resolve().parents[1] / "ics" / "fixtures"
REGRESSIONS = Path(__file__).parent / "regressions" / "ics"
SOURCES = sorted(FIXTURES.glob("*.ics"))
JUNK = [
    b"",
    b" ",
    b"\t",
    b"BEGIN:VEVENT",
    b"END:VEVENT",
    b"END:VCALENDAR",
    b"BEGIN:VTIMEZONE",
    b"DTSTART:",
    b"DTSTART;TZID=Nowhere/Else:20250314T100000",
    b"DTSTART;VALUE=DATE:20250230",
    b"DTEND:19000101T000000Z",
    b"RRULE:FREQ=YEARLY;BYMONTH=13",
    b"RRULE:FREQ=DAILY;COUNT=-1",
    b"EXDATE:garbage",
    b"UID:",
    b"SUMMARY:\\n\\,\\;\\\\",
    b"DURATION:P-1D",
    b"SEQUENCE:-5",
    b"X-ACCORD-PRECISION:season",
    b"\xff\xfe\x00",
    "SUMMARY:Niemelä – Aalto".encode("cp1252", "replace"),
]
FUZZ = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@st.composite
def damaged_calendars(draw: st.DrawFn) -> bytes:
    lines = draw(st.sampled_from(SOURCES)).read_bytes().splitlines(keepends=True)
    for _ in range(draw(st.integers(1, 6))):
        where = draw(st.integers(0, max(len(lines) - 1, 0)))
        action = draw(st.sampled_from(["drop", "repeat", "junk", "value", "swap", "bytes"]))
        if not lines:
            lines = [b"\r\n"]
        if action == "drop":
            del lines[where]
        elif action == "repeat":
            lines.insert(where, lines[where])
        elif action == "junk":
            lines.insert(where, draw(st.sampled_from(JUNK)) + b"\r\n")
        elif action == "value":
            name = lines[where].split(b":", 1)[0]
            value = draw(st.text(max_size=30)).encode("utf-8", "surrogatepass")
            lines[where] = name + b":" + value + b"\r\n"
        elif action == "swap":
            other = draw(st.integers(0, len(lines) - 1))
            lines[where], lines[other] = lines[other], lines[where]
        else:
            lines[where] = draw(st.binary(max_size=40)) + b"\r\n"
    data = b"".join(lines)
    if draw(st.booleans()):
        data = data[: draw(st.integers(0, len(data)))]
    if draw(st.booleans()):
        data = data.replace(b"\r\n", b"\n")
    return data


def snapshot(db: Database) -> list[tuple[object, ...]]:
    con = sqlite3.connect(f"{db.path.as_uri()}?mode=ro", uri=True)  # type: ignore[union-attr]
    try:
        return list(con.execute("SELECT id, uid, title, version, starts_on FROM milestone"))
    finally:
        con.close()


def import_or_refuse(db: Database, data: bytes) -> None:
    """What a user gets: events imported in one transaction, or one clear refusal."""
    try:
        parsed = parse_ics(data)
    except AccordError as exc:
        assert exc.message.strip() and "Traceback" not in exc.message
        return
    with db.sessions() as s:
        agreement_id = s.scalar(select(Agreement.id).order_by(Agreement.id.desc()))
        preview(s, parsed, agreement_id=agreement_id)
    before = snapshot(db)
    try:
        db.run(apply_import, parsed, agreement_id=agreement_id)
    except AccordError as exc:
        assert exc.message.strip()
        assert snapshot(db) == before, "a refused import changed the database"


@pytest.mark.parametrize("path", sorted(REGRESSIONS.glob("*.ics")), ids=lambda p: p.name)
def test_ics_regressions(sample_db: Database, path: Path) -> None:
    import_or_refuse(sample_db, path.read_bytes())


def test_the_mutation_sources_are_there() -> None:
    assert len(SOURCES) >= 10  # the fuzz below starts from these


@FUZZ
@given(data=damaged_calendars())
def test_damaged_calendars_never_crash_or_half_write(sample_db: Database, data: bytes) -> None:
    import_or_refuse(sample_db, data)


@FUZZ
@given(data=st.binary(max_size=400))
def test_arbitrary_bytes_are_refused_cleanly(sample_db: Database, data: bytes) -> None:
    import_or_refuse(sample_db, b"BEGIN:VCALENDAR\r\n" + data)
