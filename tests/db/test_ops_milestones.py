"""What the Milestones page needs from db/: grouped ids, rows, the editor's record, edits."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from db import operations as common_ops
from db.dates import FlexDate
from db.edits import Create, Delete
from db.errors import StaleRecordError, ValidationError
from db.models import Agreement, Contact, FocusArea, Milestone, MilestoneFocusArea
from db.operations import milestones as ops
from db.session import Database

TODAY = date(2026, 11, 29)


def _id(db: Database, title: str) -> int:
    with db.sessions() as s:
        return int(s.scalars(select(Milestone.id).where(Milestone.title == title)).one())


def _agreement(db: Database, title_part: str) -> int:
    with db.sessions() as s:
        return int(
            s.scalars(select(Agreement.id).where(Agreement.title.contains(title_part))).one()
        )


def _version(db: Database, milestone_id: int) -> int:
    with db.sessions() as s:
        m = s.get(Milestone, milestone_id)
        assert m is not None
        return m.version


def _titles(db: Database, ids: list[int]) -> list[str]:
    with db.sessions() as s:
        rows = ops.milestone_rows(s, ids)
    return [rows[i]["title"] for i in ids]


def _groups(db: Database, **filters: Any) -> dict[str, list[str]]:
    with db.sessions() as s:
        ids = ops.milestone_ids(s, ops.MilestoneFilter(**filters), TODAY)
    return {group: _titles(db, found) for group, found in ids.items()}


def _add(
    db: Database, title: str, when: str | None, agreement: str = "2025–2029", **kw: Any
) -> int:
    with db.transaction() as s:
        a = s.scalars(select(Agreement).where(Agreement.title.contains(agreement))).one()
        return common_ops.add_milestone(s, a, title, when=when, **kw).id


# --- groups and order ----------------------------------------------------------------------


def test_groups_split_by_today(sample_db: Database) -> None:
    _add(sample_db, "Steering group review", None, kind="review")
    _add(sample_db, "Annual report 2026", "Q4 2026", kind="report_deadline")
    _add(sample_db, "Mid-term review", "2027-03-15", kind="review")
    groups = _groups(sample_db)
    assert groups["undated"] == ["Steering group review"]
    # Q4 2026 has not ended on 29 Nov 2026: upcoming, and it starts first.
    assert groups["upcoming"] == ["Annual report 2026", "Mid-term review"]
    # Most recent first; the sample's series ("early 2025", no rule yet) is past.
    assert groups["past"] == [
        "Open-for-all event series",
        "Signing of the strategic partnership agreement",
        "Thesis Day",
        "Signing of the 2020–2025 extension",
        "First partnership agreement signed",
    ]


def test_a_series_is_upcoming_while_it_has_occurrences_ahead(sample_db: Database) -> None:
    series = _id(sample_db, "Open-for-all event series")
    version = _version(sample_db, series)
    sample_db.run(ops.SetRepetition(series, "FREQ=MONTHLY;BYDAY=1TU", (), version).apply)
    assert "Open-for-all event series" in _groups(sample_db)["upcoming"]
    version = _version(sample_db, series)
    sample_db.run(
        ops.SetRepetition(series, "FREQ=MONTHLY;BYDAY=1TU;UNTIL=20250630", (), version).apply
    )
    assert "Open-for-all event series" in _groups(sample_db)["past"]


def test_each_filter_narrows(sample_db: Database) -> None:
    _add(sample_db, "Steering group review", None, kind="review")
    everything = _groups(sample_db)
    total = sum(len(v) for v in everything.values())
    assert total == 6

    a2025 = _agreement(sample_db, "2025–2029")
    by_agreement = _groups(sample_db, agreement_id=a2025)
    assert by_agreement["past"] == [
        "Open-for-all event series",
        "Signing of the strategic partnership agreement",
    ]
    assert by_agreement["undated"] == ["Steering group review"]

    with sample_db.sessions() as s:
        learning = s.scalars(
            select(FocusArea.id).where(FocusArea.name == "Promoting learning")
        ).one()
    assert _groups(sample_db, focus_area_id=learning) == {
        "upcoming": [],
        "past": ["Open-for-all event series"],
        "undated": [],
    }
    assert _groups(sample_db, kind="signing")["past"] == [
        "Signing of the strategic partnership agreement",
        "Signing of the 2020–2025 extension",
        "First partnership agreement signed",
    ]
    planned = _groups(sample_db, status="planned")
    assert planned["past"] == ["Open-for-all event series"]
    assert planned["undated"] == ["Steering group review"]
    # Words anywhere in title, place, audience, description, outcome, wording; any case.
    assert _groups(sample_db, text="THESIS")["past"] == ["Thesis Day"]
    assert _groups(sample_db, text="otaniemi")["past"] == ["Open-for-all event series"]
    assert _groups(sample_db, text="thesis employers")["past"] == ["Thesis Day"]
    assert _groups(sample_db, text="100%") == {"upcoming": [], "past": [], "undated": []}


def test_date_range_keeps_what_overlaps(sample_db: Database) -> None:
    fall = FlexDate.parse("fall 2024")
    groups = _groups(sample_db, start=fall.start, end=fall.end)
    # "late 2024" (Sep–Dec) overlaps fall 2024; undated ones match no range.
    assert groups == {
        "upcoming": [],
        "past": ["Signing of the strategic partnership agreement", "Thesis Day"],
        "undated": [],
    }
    assert _groups(sample_db, start=date(2025, 5, 1))["past"] == []
    assert _groups(sample_db, end=date(2012, 12, 31))["past"] == [
        "First partnership agreement signed"
    ]


def test_date_range_finds_a_series_by_its_occurrences(sample_db: Database) -> None:
    series = _id(sample_db, "Open-for-all event series")
    rule = "FREQ=MONTHLY;BYDAY=1TU;UNTIL=20250630"
    sample_db.run(
        ops.SetRepetition(series, rule, ("2025-05-06",), _version(sample_db, series)).apply
    )
    assert (
        "Open-for-all event series"
        in _groups(sample_db, start=date(2025, 6, 1), end=date(2025, 6, 30))["past"]
    )
    # Its only May occurrence is an exception, and it ended before July.
    assert (
        "Open-for-all event series"
        not in _groups(sample_db, start=date(2025, 5, 1), end=date(2025, 5, 31))["past"]
    )
    assert "Open-for-all event series" not in _groups(sample_db, start=date(2025, 7, 1))["past"]


def test_rows_are_plain_values(sample_db: Database) -> None:
    series = _id(sample_db, "Open-for-all event series")
    with sample_db.sessions() as s:
        rows = ops.milestone_rows(s, [series, 999_999])
    assert list(rows) == [series]
    row = rows[series]
    assert row["agreement"] == "Strategic partnership agreement 2025–2029"
    assert row["focus_areas"] == ["Development of Otaniemi", "Promoting learning"]
    assert row["when"] == FlexDate.parse("early 2025")
    assert row["date_wording"] == "Early next year"
    assert row["kind"] == "event_series" and row["status"] == "planned"
    assert all(not hasattr(v, "_sa_instance_state") for v in row.values())


def test_rows_read_on_a_plain_connection_are_the_same(sample_db: Database) -> None:
    with sample_db.sessions() as s:
        ids = list(s.scalars(select(Milestone.id)))
        by_session = ops.milestone_rows(s, ids)
    with sample_db.reading() as connection:
        by_connection = ops.milestone_rows(connection, ids)
    assert len(by_session) == len(ids) == 5  # the sample's milestones
    assert by_connection == by_session
    assert any(row["focus_areas"] for row in by_connection.values())


def test_detail_for_the_editor(sample_db: Database) -> None:
    series = _id(sample_db, "Open-for-all event series")
    with sample_db.sessions() as s:
        detail = ops.milestone_detail(s, series)
        assert ops.milestone_detail(s, 999_999) is None
    assert detail is not None
    assert [c["role"] for c in detail["contacts"]] == ["event organiser", "event organiser"]
    assert detail["location"] == "Aalto University campus, Otaniemi"
    assert len(detail["focus_area_ids"]) == 2


def test_default_agreement_is_the_newest_in_force(sample_db: Database) -> None:
    with sample_db.sessions() as s:
        assert ops.default_agreement_id(s) == _agreement(sample_db, "2025–2029")


# --- edits: apply, undo, redo ----------------------------------------------------------------


def test_new_milestone_by_uid_and_undo(sample_db: Database) -> None:
    a = _agreement(sample_db, "2025–2029")
    uid = ops.new_uid_for_milestone()
    inverse, changes = sample_db.run(
        Create(ops.new_milestone, (a, "Thesis Day 2025"), {"uid": uid}).apply
    )
    with sample_db.sessions() as s:
        mid = ops.milestone_id_for_uid(s, uid)
    assert mid is not None and ("milestone", mid) in changes.created
    assert _groups(sample_db)["undated"] == ["Thesis Day 2025"]
    redo, _ = sample_db.run(inverse.apply)
    assert _groups(sample_db)["undated"] == []
    sample_db.run(redo.apply)
    with sample_db.sessions() as s:
        assert ops.milestone_id_for_uid(s, uid) == mid


def test_set_focus_areas_raises_the_version_and_undoes(sample_db: Database) -> None:
    thesis = _id(sample_db, "Thesis Day")
    v = _version(sample_db, thesis)
    with sample_db.sessions() as s:
        a2020 = s.get(Milestone, thesis).agreement_id  # type: ignore[union-attr]
        other = s.scalars(select(FocusArea.id).where(FocusArea.agreement_id != a2020)).first()
    # The 2020 agreement has no focus areas; one of another agreement is refused by the model.
    with pytest.raises(ValidationError) as caught:
        sample_db.run(ops.SetFocusAreas(thesis, (other,), v).apply)
    assert caught.value.field == "focus_areas"

    series = _id(sample_db, "Open-for-all event series")
    v = _version(sample_db, series)
    with sample_db.sessions() as s:
        areas = s.scalars(
            select(FocusArea.id).where(FocusArea.name.in_(["Attracting talent"]))
        ).all()
    inverse, changes = sample_db.run(ops.SetFocusAreas(series, tuple(areas), v).apply)
    assert ("milestone", series) in changes.updated
    assert _version(sample_db, series) == v + 1
    with sample_db.sessions() as s:
        assert ops.milestone_detail(s, series)["focus_areas"] == ["Attracting talent"]  # type: ignore[index]
    with pytest.raises(StaleRecordError):
        sample_db.run(ops.SetFocusAreas(series, (), v).apply)  # an old version
    sample_db.run(inverse.apply)
    with sample_db.sessions() as s:
        assert ops.milestone_detail(s, series)["focus_areas"] == [  # type: ignore[index]
            "Development of Otaniemi",
            "Promoting learning",
        ]


def test_set_contacts_with_roles(sample_db: Database) -> None:
    thesis = _id(sample_db, "Thesis Day")
    with sample_db.sessions() as s:
        people = {c.name: c.id for c in s.scalars(select(Contact))}
    someone = next(iter(people.values()))
    v = _version(sample_db, thesis)
    inverse, _ = sample_db.run(ops.SetContacts(thesis, ((someone, "event organiser"),), v).apply)
    with sample_db.sessions() as s:
        assert [c["role"] for c in ops.milestone_detail(s, thesis)["contacts"]] == [
            "event organiser"
        ]  # type: ignore[index]
    for bad, message in (("", "role"), ("x" * 41, "40 characters")):
        with pytest.raises(ValidationError, match=message) as caught:
            sample_db.run(ops.SetContacts(thesis, ((someone, bad),)).apply)
        assert caught.value.field == "contacts"
    sample_db.run(inverse.apply)
    with sample_db.sessions() as s:
        assert ops.milestone_detail(s, thesis)["contacts"] == []  # type: ignore[index]


def test_exceptions_must_be_occurrences(sample_db: Database) -> None:
    series = _id(sample_db, "Open-for-all event series")
    with pytest.raises(ValidationError, match="repeating"):
        sample_db.run(ops.AddException(series, "2025-04-01").apply)
    sample_db.run(ops.SetRepetition(series, "FREQ=MONTHLY;BYDAY=1TU", ()).apply)
    with pytest.raises(ValidationError, match="does not take place on 2 Apr 2025") as caught:
        sample_db.run(ops.AddException(series, "2025-04-02").apply)
    assert caught.value.field == "exdates"
    inverse, _ = sample_db.run(ops.AddException(series, "2025-04-01").apply)
    with pytest.raises(ValidationError, match="already"):
        sample_db.run(ops.AddException(series, "2025-04-01").apply)
    with sample_db.sessions() as s:
        assert ops.milestone_detail(s, series)["exdates"] == ["2025-04-01"]  # type: ignore[index]
    redo, _ = sample_db.run(inverse.apply)
    with sample_db.sessions() as s:
        assert ops.milestone_detail(s, series)["exdates"] == []  # type: ignore[index]
    sample_db.run(redo.apply)
    with sample_db.sessions() as s:
        assert ops.milestone_detail(s, series)["exdates"] == ["2025-04-01"]  # type: ignore[index]


def test_set_repetition_checks_the_rule_and_undoes(sample_db: Database) -> None:
    series = _id(sample_db, "Open-for-all event series")
    with pytest.raises(ValidationError) as caught:
        sample_db.run(ops.SetRepetition(series, "FREQ=MONTHLY;COUNT=2;UNTIL=20250601", ()).apply)
    assert caught.value.field == "rrule"
    inverse, _ = sample_db.run(
        ops.SetRepetition(series, "freq=monthly;byday=1tu", ("2025-02-04",)).apply
    )
    with sample_db.sessions() as s:
        detail = ops.milestone_detail(s, series)
    assert detail is not None and detail["rrule"] == "FREQ=MONTHLY;BYDAY=1TU"
    assert detail["exdates"] == ["2025-02-04"]
    sample_db.run(inverse.apply)
    with sample_db.sessions() as s:
        detail = ops.milestone_detail(s, series)
    assert detail is not None and detail["rrule"] is None and detail["exdates"] == []


def test_attachments_come_back_with_their_id(sample_db: Database) -> None:
    thesis = _id(sample_db, "Thesis Day")
    with pytest.raises(ValidationError) as caught:
        sample_db.run(ops.AddAttachment(thesis, "", "  ").apply)
    assert caught.value.field == "attachments"
    remove, _ = sample_db.run(
        ops.AddAttachment(thesis, "", "https://example.org/thesis-day/programme.pdf").apply
    )
    with sample_db.sessions() as s:
        [attachment] = ops.milestone_detail(s, thesis)["attachments"]  # type: ignore[index]
    assert attachment["label"] == "programme.pdf" and attachment["is_url"]
    add, _ = sample_db.run(remove.apply)
    with sample_db.sessions() as s:
        assert ops.milestone_detail(s, thesis)["attachments"] == []  # type: ignore[index]
    sample_db.run(add.apply)
    with sample_db.sessions() as s:
        assert ops.milestone_detail(s, thesis)["attachments"] == [attachment]  # type: ignore[index]
    with sample_db.sessions() as s:
        assert ops.milestone_id_for(s, "attachment", attachment["id"]) == thesis


def test_delete_and_restore_keep_focus_area_links(sample_db: Database) -> None:
    series = _id(sample_db, "Open-for-all event series")
    restore, _ = sample_db.run(Delete("milestone", series, _version(sample_db, series)).apply)
    with sample_db.sessions() as s:
        assert (
            s.scalars(
                select(MilestoneFocusArea).where(MilestoneFocusArea.milestone_id == series)
            ).all()
            == []
        )
    sample_db.run(restore.apply)
    with sample_db.sessions() as s:
        detail = ops.milestone_detail(s, series)
    assert detail is not None
    assert detail["focus_areas"] == ["Development of Otaniemi", "Promoting learning"]
    assert len(detail["contacts"]) == 2


def test_choices_for_the_editor(sample_db: Database) -> None:
    with sample_db.sessions() as s:
        choices = ops.choices(s)
    assert choices.agreements[0]["title"] == "Strategic partnership agreement 2025–2029"
    assert len(choices.focus_areas) == 5
    assert all({"id", "name", "organisation"} <= set(c) for c in choices.contacts)


def test_edits_of_one_record_undo_in_turn_and_refuse_what_changed_elsewhere(
    sample_db: Database,
) -> None:
    series = _id(sample_db, "Open-for-all event series")
    with sample_db.sessions() as s:
        talent = s.scalars(select(FocusArea.id).where(FocusArea.name == "Attracting talent")).one()
        someone = s.scalars(select(Contact.id)).first()
    v = _version(sample_db, series)
    undo_areas, _ = sample_db.run(ops.SetFocusAreas(series, (talent,), v).apply)
    undo_contacts, _ = sample_db.run(
        ops.SetContacts(series, ((someone, "host"),), _version(sample_db, series)).apply
    )
    undo_rule, _ = sample_db.run(
        ops.SetRepetition(series, "FREQ=WEEKLY", (), _version(sample_db, series)).apply
    )
    # Undone last to first; each undo raises the version, and the next one still applies.
    redo_rule, _ = sample_db.run(undo_rule.apply)
    redo_contacts, _ = sample_db.run(undo_contacts.apply)
    redo_areas, _ = sample_db.run(undo_areas.apply)
    with sample_db.sessions() as s:
        detail = ops.milestone_detail(s, series)
    assert detail is not None
    assert detail["rrule"] is None and len(detail["contacts"]) == 2
    assert detail["focus_areas"] == ["Development of Otaniemi", "Promoting learning"]
    sample_db.run(redo_areas.apply)
    sample_db.run(redo_contacts.apply)
    # Someone else changes the rule: redoing ours would overwrite it, so it is refused.
    sample_db.run(ops.SetRepetition(series, "FREQ=DAILY", ()).apply)
    sample_db.run(ops.SetRepetition(series, None, ()).apply)
    sample_db.run(ops.SetRepetition(series, "FREQ=YEARLY", ()).apply)
    with pytest.raises(StaleRecordError):
        sample_db.run(redo_rule.apply)
