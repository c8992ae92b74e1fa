"""The import's fast paths give what the slow ones gave (issue 9).

Two shortcuts make a 10,000-event import affordable, and each is held to the path it
replaced: our own reading of plain properties must give icalendar's values for every
file, damaged ones included; new milestones written in bulk must carry the model's
derived values, their change-log lines and their place in the ChangeSet, and still be
refused by `Milestone.check()`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ics_testdata import FIXTURES
from sqlalchemy import func, select

from db.enums import ChangeAction
from db.models import ChangeLog, Milestone, MilestoneContact
from db.session import Database
from desktop.ics.export import ExportScope, collect, render
from desktop.ics.importer import IcsError, _plain_reading, apply_import, parse_ics

REGRESSIONS = Path(__file__).resolve().parents[1] / "safety" / "regressions" / "ics"
FILES = sorted(FIXTURES.glob("*.ics")) + sorted(REGRESSIONS.glob("*.ics"))


def outcome(data: bytes, read_plain: bool) -> Any:
    """The parsed calendar, or the refusal's message."""
    try:
        return parse_ics(data, read_plain=read_plain)
    except IcsError as exc:
        return f"refused: {exc.message}"


def _export(db: Database) -> bytes:
    with db.sessions() as s:
        return render(collect(s, ExportScope()))


# --- reading plain properties ourselves ---------------------------------------------------------


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_plain_reading_gives_icalendars_values(path: Path) -> None:
    data = path.read_bytes()
    assert outcome(data, True) == outcome(data, False)


def test_plain_reading_of_an_accord_export(rich_db: Database) -> None:
    # The probe against the installed icalendar found our reading exact: the fast path is on.
    assert _plain_reading().text
    data = _export(rich_db)
    fast = parse_ics(data)
    assert fast == parse_ics(data, read_plain=False)
    assert any("\\" in e.title or "\n" in e.description for e in fast.events)  # escapes met


#: Lines the plain reading handles or must leave alone, escapes and parameters included.
PLAIN_LINES = [
    b"SUMMARY:a\\,b\\;c\\nd\\Ne\\\\f\\:g\\xh",
    b"SUMMARY;LANGUAGE=fi:Kokous",
    b"DESCRIPTION:one\\ntwo",
    b'DESCRIPTION;ALTREP="cid:x":three',
    b"LOCATION:Espoo\\, Finland",
    b"UID:",
    b"UID:x\\;y",
    b"STATUS:CONFIRMED",
    b"STATUS;X-P=1:CANCELLED",
    b"SEQUENCE:3",
    b"SEQUENCE:-5",
    b"SEQUENCE:x",
    b"DTSTAMP:20250101T000000Z",
    b"DTSTAMP:garbage",
    b"DTSTAMP:20251301T000000Z",
    b"CREATED;TZID=Europe/Helsinki:20250101T100000",
    b"LAST-MODIFIED:20250101",
    b"TRANSP:OPAQUE",
    b"CLASS;X-Y=z:PRIVATE",
    b"X-ACCORD-WORDING:early\\, next year",
    b"X-ACCORD-KIND;X-P=1:review",
    b"X-ACCORD-DATE:2025-Q1",
    b"X-MICROSOFT-CDO-BUSYSTATUS:BUSY",
    b"X-OTHER;VALUE=DATE-TIME:garbage",
]


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    source=st.sampled_from(sorted(FIXTURES.glob("*.ics"))),
    edits=st.lists(
        st.tuples(st.integers(0, 10_000), st.sampled_from(PLAIN_LINES), st.booleans()),
        min_size=1,
        max_size=6,
    ),
)
def test_damaged_files_read_the_same_either_way(
    source: Path, edits: list[tuple[int, bytes, bool]]
) -> None:
    lines = source.read_bytes().splitlines()
    for where, line, replace in edits:
        index = where % max(len(lines), 1)
        if replace and lines:
            lines[index] = line
        else:
            lines.insert(index, line)
    data = b"\r\n".join(lines) + b"\r\n"
    assert outcome(data, True) == outcome(data, False)


# --- new milestones written in bulk -----------------------------------------------------------


def test_bulk_inserts_are_logged_and_derived_like_orm_inserts(
    rich_db: Database, empty_db: Database
) -> None:
    data = _export(rich_db)
    result, changes = empty_db.run(apply_import, parse_ics(data))
    assert result.created >= 10
    with empty_db.sessions() as s:
        milestones = s.scalars(select(Milestone)).all()
        links = s.scalars(select(MilestoneContact)).all()
        logged = {
            (r.entity, r.entity_id): r
            for r in s.scalars(select(ChangeLog).where(ChangeLog.action == ChangeAction.INSERT))
        }
        assert len(milestones) == result.created
        assert links, "the steering group's chair is linked"
        for m in milestones:
            line = logged[("milestone", m.id)]
            assert (line.entity_uid, line.label) == (m.uid, m.title)
            assert ("milestone", m.id) in changes.created
            assert m.version >= 1
            # The model's own check derives the same values the bulk path stored.
            m.check()
            assert not s.is_modified(m), m.title
        for link in links:
            assert ("milestone_contact", link.id) in logged
            assert ("milestone_contact", link.id) in changes.created
        inserts = s.scalar(
            select(func.count())
            .select_from(ChangeLog)
            .where(ChangeLog.entity == "milestone", ChangeLog.action == ChangeAction.INSERT)
        )
        assert inserts == len(milestones)  # one line each, no more
    again, _ = empty_db.run(apply_import, parse_ics(_export(empty_db)))
    assert (again.created, again.updated) == (0, 0)


def test_bulk_inserts_are_still_checked(rich_db: Database, empty_db: Database) -> None:
    # An approximate milestone whose stored rule is broken: the file reads, the model refuses.
    text = _export(rich_db).decode()
    marker = "X-ACCORD-DATE:2025-Q1\r\n"
    assert marker in text
    text = text.replace(marker, marker + "X-ACCORD-RRULE:FREQ=FORTNIGHTLY\r\n", 1)
    parsed = parse_ics(text.encode())
    assert any(e.rrule == "FREQ=FORTNIGHTLY" for e in parsed.events)
    with pytest.raises(IcsError) as error:
        empty_db.run(apply_import, parsed)
    assert '"Q1 review"' in error.value.message
    assert error.value.line is not None
    with empty_db.sessions() as s:
        for model in (Milestone, ChangeLog):
            assert s.scalar(select(func.count()).select_from(model)) == 0


def test_only_the_events_asked_for_are_read(rich_db: Database) -> None:
    """The export reads a few events of the file it replaces, not all of them."""
    data = _export(rich_db)
    everything = parse_ics(data)
    wanted = {e.uid for e in everything.events if e.title in ("Steering group", "Q1 review")}
    assert len(wanted) == 2
    some = parse_ics(data, only_uids=wanted)
    assert some.events == tuple(e for e in everything.events if e.uid in wanted)
    assert parse_ics(data, only_uids=()).events == ()
