"""Entities, their rules and the change log, on a real SQLite file."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm.exc import StaleDataError

from db import operations as ops
from db.dates import FlexDate, Part, Season
from db.enums import ChangeAction, MilestoneStatus
from db.errors import StaleRecordError, ValidationError
from db.models import Agreement, ChangeLog, Contact, FocusArea, Milestone
from db.session import Database
from db.tracking import current_user


def count(db: Database, model: type) -> int:
    with db.sessions() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def make_agreement(db: Database, **kw: object) -> int:
    with db.transaction() as s:
        return ops.add_agreement(s, kw.pop("title", "Test agreement"), **kw).id  # type: ignore[arg-type]


def test_uid_is_random_stable_and_version_rises(database: Database) -> None:
    a_id = make_agreement(database)
    b_id = make_agreement(database, title="Other")
    with database.sessions() as s:
        a, b = s.get(Agreement, a_id), s.get(Agreement, b_id)
        assert a and b and len(a.uid) == 36 and a.uid != b.uid
        uid, version = a.uid, a.version
    with database.transaction() as s:
        ops.update_fields(s, s.get(Agreement, a_id), title="Renamed")
    with database.sessions() as s:
        a = s.get(Agreement, a_id)
        assert a is not None and a.uid == uid and a.version == version + 1


def test_stale_version_is_refused_and_nothing_written(database: Database) -> None:
    a_id = make_agreement(database)
    with database.transaction() as s:
        ops.update_fields(s, s.get(Agreement, a_id), title="Changed elsewhere")
    with pytest.raises(StaleRecordError, match="changed elsewhere"), database.transaction() as s:
        ops.update_fields(s, s.get(Agreement, a_id), expected_version=1, title="Mine")
    with database.sessions() as s:
        assert s.get(Agreement, a_id).title == "Changed elsewhere"  # type: ignore[union-attr]


def test_concurrent_sessions_cannot_overwrite_each_other(database: Database) -> None:
    a_id = make_agreement(database)
    first, second = database.sessions(), database.sessions()
    a1, a2 = first.get(Agreement, a_id), second.get(Agreement, a_id)
    a1.title = "First"  # type: ignore[union-attr]
    first.commit()
    a2.title = "Second"  # type: ignore[union-attr]
    with pytest.raises(StaleDataError):
        second.commit()
    first.close()
    second.close()


def test_change_log_records_insert_update_delete_with_user(database: Database) -> None:
    a_id = make_agreement(database, term_start="2025", term_end="2029")
    with database.transaction() as s:
        ops.update_fields(s, s.get(Agreement, a_id), term_end="2030", status="in_force")
    with database.transaction() as s:
        ops.delete(s, s.get(Agreement, a_id))
    with database.sessions() as s:
        rows = s.scalars(
            select(ChangeLog).where(ChangeLog.entity == "agreement").order_by(ChangeLog.id)
        ).all()
    actions = [(r.action, r.field) for r in rows]
    assert actions[0] == (ChangeAction.INSERT, None)
    assert (ChangeAction.UPDATE, "term_end") in actions
    assert (ChangeAction.UPDATE, "status") in actions
    assert actions[-1] == (ChangeAction.DELETE, None)
    term = next(r for r in rows if r.field == "term_end")
    assert (term.old, term.new) == ("2029", "2030")
    assert all(r.who == current_user() and r.entity_id == a_id for r in rows)
    assert not any(r.field in ("version", "updated_at", "term_ends_on") for r in rows)


def test_term_end_before_start_is_refused_whole(database: Database) -> None:
    before = count(database, Agreement), count(database, ChangeLog)
    with pytest.raises(ValidationError) as err, database.transaction() as s:
        ops.add_agreement(s, "Backwards", term_start="2025", term_end="2020")
    assert err.value.field == "term_end"
    assert "before it starts" in err.value.message
    assert (count(database, Agreement), count(database, ChangeLog)) == before


def test_milestone_end_before_start(database: Database) -> None:
    a_id = make_agreement(database)
    with pytest.raises(ValidationError) as err, database.transaction() as s:
        ops.add_milestone(
            s, s.get(Agreement, a_id), "Seminar", when="2025-03-14 18:00", end="2025-03-14 17:00"
        )
    assert err.value.field == "end"
    assert count(database, Milestone) == 0


def test_bad_date_text_names_the_field(database: Database) -> None:
    a_id = make_agreement(database)
    with pytest.raises(ValidationError) as err, database.transaction() as s:
        ops.add_milestone(s, s.get(Agreement, a_id), "Seminar", when="sometime soonish")
    assert err.value.field == "when"
    assert "sometime soonish" in err.value.message


def test_focus_area_names_unique_per_agreement(database: Database) -> None:
    a_id = make_agreement(database)
    with database.transaction() as s:
        ops.add_focus_area(s, s.get(Agreement, a_id), "Attracting talent")
    with pytest.raises(ValidationError) as err, database.transaction() as s:
        ops.add_focus_area(s, s.get(Agreement, a_id), "  attracting TALENT ")
    assert err.value.field == "name"
    assert "already has a focus area" in err.value.message
    other = make_agreement(database, title="Another")
    with database.transaction() as s:  # the same name in another agreement is fine
        ops.add_focus_area(s, s.get(Agreement, other), "Attracting talent")
    assert count(database, FocusArea) == 2


def test_renewal_chain_links_both_ways_and_refuses_cycles(database: Database) -> None:
    with database.transaction() as s:
        old = ops.add_agreement(s, "2020–2025", term_start="2020", term_end="2025")
        new = ops.add_agreement(s, "2025–2029", term_start="2025", term_end="2029", renews=old)
        ids = old.id, new.id
    with database.sessions() as s:
        old, new = s.get(Agreement, ids[0]), s.get(Agreement, ids[1])
        assert new.renews is old and old.renewed_by is new  # type: ignore[union-attr]
    with pytest.raises(ValidationError) as err, database.transaction() as s:
        ops.update_fields(s, s.get(Agreement, ids[0]), renews=s.get(Agreement, ids[1]))
    assert err.value.field == "renews"


def test_phone_keeps_typed_text_and_e164(database: Database) -> None:
    with database.transaction() as s:
        c = ops.add_contact(
            s, "Maija", phones=[("mobile", "041 2345678")], emails=[("work", "Maija@Espoo.example")]
        )
        c_id = c.id
    with database.sessions() as s:
        c = s.get(Contact, c_id)
        assert c is not None
        assert (c.phones[0].raw, c.phones[0].e164) == ("041 2345678", "+358412345678")
        assert c.emails[0].address == "Maija@espoo.example"


@pytest.mark.parametrize(
    ("phones", "emails", "field", "words"),
    [
        ([("work", "12")], [], "phones[0]", "not a valid phone number"),
        ([("work", "call me")], [], "phones[0]", "not a phone number"),
        ([], [("work", "maija@")], "emails[0]", "not a valid e-mail address"),
        ([], [("work", "maija espoo.fi")], "emails[0]", "not a valid e-mail address"),
    ],
)
def test_invalid_phone_or_email(
    database: Database, phones: list, emails: list, field: str, words: str
) -> None:
    with pytest.raises(ValidationError) as err, database.transaction() as s:
        ops.add_contact(s, "Someone", phones=phones, emails=emails)
    assert err.value.field == field and words in err.value.message
    assert count(database, Contact) == 0


@pytest.mark.parametrize(
    ("rule", "when", "words"),
    [
        ("BYDAY=1TU", "2025-01-07", "no frequency"),
        ("FREQ=SOMETIMES", "2025-01-07", "not valid"),
        ("FREQ=MONTHLY;COUNT=3;UNTIL=20250601", "2025-01-07", "not both"),
        ("FREQ=MONTHLY", "TBD", "undated"),
        ("FREQ=MONTHLY;UNTIL=20250601", "2025-01-07 18:00", "UTC"),
    ],
)
def test_invalid_recurrence(database: Database, rule: str, when: str, words: str) -> None:
    a_id = make_agreement(database)
    with pytest.raises(ValidationError) as err, database.transaction() as s:
        ops.add_milestone(s, s.get(Agreement, a_id), "Series", when=when, rrule=rule)
    assert err.value.field == "rrule" and words in err.value.message


def test_valid_recurrence_is_normalised(database: Database) -> None:
    a_id = make_agreement(database)
    with database.transaction() as s:
        m = ops.add_milestone(
            s,
            s.get(Agreement, a_id),
            "Series",
            when="2025-01-07 18:00",
            rrule="rrule:freq=monthly;byday=1tu;until=20250630T210000Z",
            exdates=["2025-04-01T18:00"],
        )
        m_id = m.id
    with database.sessions() as s:
        m = s.get(Milestone, m_id)
        assert m is not None
        assert m.rrule == "FREQ=MONTHLY;BYDAY=1TU;UNTIL=20250630T210000Z"
        assert m.exdates == ["2025-04-01T18:00"]


ALL_PRECISIONS = [
    FlexDate.tbd(),
    FlexDate.year_only(2025),
    FlexDate.part(2025, Part.EARLY),
    FlexDate.season(2025, Season.WINTER),
    FlexDate.quarter(2025, 1),
    FlexDate.month(2024, 10),
    FlexDate.parse("2024-10-15"),
    FlexDate.parse("2024-10-15 14:00"),
    FlexDate.parse("2024-10-15 14:00 UTC"),
]


@pytest.mark.parametrize("value", ALL_PRECISIONS, ids=lambda v: v.canonical())
def test_flexdate_round_trips_through_the_database(database: Database, value: FlexDate) -> None:
    a_id = make_agreement(database)
    with database.transaction() as s:
        m_id = ops.add_milestone(s, s.get(Agreement, a_id), "M", when=value).id
    with database.sessions() as s:
        m = s.get(Milestone, m_id)
        assert m is not None
        assert m.when == value
        assert (m.starts_on, m.ends_on) == (value.start, value.end)
        assert m.precision_rank == value.precision.rank


def test_milestones_sort_by_start_then_narrower_precision(database: Database) -> None:
    from db import queries

    a_id = make_agreement(database)
    with database.transaction() as s:
        a = s.get(Agreement, a_id)
        for title, when in [
            ("tbd", "TBD"),
            ("year", "2024"),
            ("fall", "fall 2024"),
            ("sep", "September 2024"),
            ("day", "2024-09-01"),
            ("early", "early 2024"),
        ]:
            ops.add_milestone(s, a, title, when=when)
    with database.sessions() as s:
        order = [m["title"] for m in queries.milestones(s)]
    assert order == ["early", "year", "day", "sep", "fall", "tbd"]


def test_status_must_be_known(database: Database) -> None:
    a_id = make_agreement(database)
    with pytest.raises(ValidationError) as err, database.transaction() as s:
        ops.add_milestone(s, s.get(Agreement, a_id), "M", status="postponed")
    assert err.value.field == "status"
    assert MilestoneStatus.CANCELLED.value in err.value.message
