"""The agreement editor's operations, on a real SQLite file with the sample partnership."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from db import operations as ops
from db.dates import FlexDate
from db.edits import Batch, Delete, SetFields
from db.errors import StaleRecordError, ValidationError
from db.models import (
    Agreement,
    AgreementContact,
    Attachment,
    ChangeLog,
    FocusArea,
    IndicatorValue,
    Milestone,
    Objective,
    Organisation,
)
from db.operations import agreements as aops
from db.session import Database

TODAY = date(2026, 11, 29)
CURRENT = "Strategic partnership agreement 2025–2029"


def agreement_id(db: Database, title: str = CURRENT) -> int:
    with db.sessions() as s:
        return ops.find_agreement(s, title).id


def focus_area_names(db: Database, agreement: int) -> list[str]:
    with db.sessions() as s:
        return list(
            s.scalars(
                select(FocusArea.name)
                .where(FocusArea.agreement_id == agreement)
                .order_by(FocusArea.position)
            )
        )


def count(db: Database, model: type) -> int:
    with db.sessions() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


# --- list and detail ------------------------------------------------------------------------


def test_list_rows_have_days_to_expiry_and_next_milestone(sample_db: Database) -> None:
    current = agreement_id(sample_db)
    with sample_db.transaction() as s:
        a = s.get(Agreement, current)
        ops.add_milestone(s, a, "Annual review", when="2027-03-01", kind="review")
        ops.add_milestone(s, a, "Cancelled review", when="2027-01-15", status="cancelled")
        ops.add_milestone(s, a, "Mid-term review", when="Q2 2027", kind="review")
        ops.add_milestone(s, a, "Undated", when="TBD")
        ops.add_milestone(s, a, "Past", when="2026-01-01")
    with sample_db.sessions() as s:
        ids = aops.agreement_ids(s, today=TODAY)
        rows = aops.agreement_rows(s, ids, today=TODAY)
    row = next(r for r in rows if r["id"] == current)
    assert row["days_to_expiry"] == (date(2029, 12, 31) - TODAY).days
    assert row["parties"] == ["City of Espoo", "Aalto University"]
    assert row["next_milestone"]["title"] == "Annual review"
    assert row["next_milestone"]["when"] == FlexDate.on_day(date(2027, 3, 1))
    first = next(r for r in rows if r["title"] == "Partnership agreement 2012")
    assert first["days_to_expiry"] is None and first["next_milestone"] is None
    assert [r["id"] for r in rows] == ids  # rows come in the order of the ids


def test_list_sorts_and_filters_in_the_query(sample_db: Database) -> None:
    with sample_db.sessions() as s:
        by_expiry = aops.agreement_rows(
            s, aops.agreement_ids(s, today=TODAY, sort="days_to_expiry"), today=TODAY
        )
        descending = aops.agreement_rows(
            s,
            aops.agreement_ids(s, today=TODAY, sort="days_to_expiry", descending=True),
            today=TODAY,
        )
        found = aops.agreement_ids(s, today=TODAY, search="strategic")
        by_party = aops.agreement_ids(s, today=TODAY, search="aalto 2012")
        nothing = aops.agreement_ids(s, today=TODAY, search="100%_")
        for key in aops.AGREEMENT_SORT_KEYS:
            assert len(aops.agreement_ids(s, today=TODAY, sort=key)) == 4
    days = [r["days_to_expiry"] for r in by_expiry]
    assert days[:3] == sorted(days[:3]) and days[-1] is None  # unknown end last
    assert [r["days_to_expiry"] for r in descending][-1] is None
    assert descending[0]["title"] == CURRENT
    assert found == [agreement_id(sample_db)]
    assert len(by_party) == 1
    assert nothing == []


def test_detail_holds_plain_values(sample_db: Database) -> None:
    current = agreement_id(sample_db)
    with sample_db.sessions() as s:
        detail = aops.agreement_detail(s, current)
    assert detail["title"] == CURRENT
    assert detail["renews"]["title"] == "Partnership agreement 2020–2025"
    assert detail["renewed_by"] is None
    assert detail["focus_areas"][0]["name"] == "Development of Otaniemi"
    assert detail["focus_areas"][0]["objectives"][0]["values"] == {}
    assert {c["role"] for c in detail["contacts"]} == {"leadership", "coordinator"}
    assert detail["term_end"] == FlexDate.year_only(2029)
    with sample_db.sessions() as s:
        ids = aops.milestone_ids(s, current)
        rows = aops.milestone_rows(s, ids)
    assert [r["title"] for r in rows] == [
        "Signing of the strategic partnership agreement",
        "Open-for-all event series",
    ]


# --- renewal --------------------------------------------------------------------------------


def test_renewal_links_both_ways_and_carries_over_the_chosen_areas(sample_db: Database) -> None:
    current = agreement_id(sample_db)
    with sample_db.sessions() as s:
        suggestion = aops.suggest_renewal(s, current)
    assert suggestion["term_start"] == FlexDate.year_only(2029)
    assert suggestion["term_end"] == FlexDate.year_only(2033)
    assert suggestion["title"] == "Strategic partnership agreement 2029–2033"
    areas = [f["id"] for f in suggestion["focus_areas"]]
    with sample_db.transaction() as s:
        s.get(Objective, s.get(FocusArea, areas[0]).objectives[0].id).target = 10
        aops.set_indicator_values(s, s.get(FocusArea, areas[0]).objectives[0].id, {2025: 3})
    new_id, _ = sample_db.run(
        lambda s: (
            aops.renew_agreement(
                s,
                current,
                title=suggestion["title"],
                party_ids=[p["organisation_id"] for p in suggestion["parties"]],
                focus_area_ids=[areas[4], areas[0], areas[2]],
                term_start="2029",
                term_end="2033",
            ).id
        )
    )
    with sample_db.sessions() as s:
        new = s.get(Agreement, new_id)
        old = s.get(Agreement, current)
        assert new.renews_id == current and old.renewed_by.id == new_id
        assert new.status.value == "draft"
        assert [p.organisation.name for p in new.parties] == ["City of Espoo", "Aalto University"]
        assert all(p.signatory_id is None for p in new.parties)
        assert [f.continues_id for f in new.focus_areas] == [areas[0], areas[2], areas[4]]
        first = new.focus_areas[0]
        assert [o.text for o in first.objectives] == [
            o.text for o in s.get(FocusArea, areas[0]).objectives
        ]
        assert first.objectives[0].target == 10 and first.objectives[0].values == []
        assert first.colour == s.get(FocusArea, areas[0]).colour
    with pytest.raises(ValidationError) as err:
        sample_db.run(
            lambda s: aops.renew_agreement(
                s,
                current,
                title="Twice",
                party_ids=[],
                focus_area_ids=[],
                term_start=None,
                term_end=None,
            )
        )
    assert err.value.field == "renews" and "already renewed" in err.value.message


def test_renewal_refuses_foreign_focus_areas_and_bad_terms(sample_db: Database) -> None:
    current = agreement_id(sample_db)
    with sample_db.transaction() as s:
        other = ops.add_agreement(s, "Network agreement")
        foreign = ops.add_focus_area(s, other, "Elsewhere").id
    before = count(sample_db, Agreement)
    for kwargs, field in (
        ({"focus_area_ids": [foreign], "term_start": None, "term_end": None}, "focus_areas"),
        ({"focus_area_ids": [], "term_start": "2030", "term_end": "2029"}, "term_end"),
        ({"focus_area_ids": [], "term_start": None, "term_end": None, "title": " "}, "title"),
    ):
        with pytest.raises(ValidationError) as err:
            sample_db.run(
                lambda s, kw=kwargs: aops.renew_agreement(
                    s, current, **{"title": "X", "party_ids": [], **kw}
                )
            )
        assert err.value.field == field
    assert count(sample_db, Agreement) == before


def test_undoing_a_renewal_removes_it_whole(sample_db: Database) -> None:
    from db.edits import Create

    current = agreement_id(sample_db)
    with sample_db.sessions() as s:
        areas = [f.id for f in s.get(Agreement, current).focus_areas]
    before = (count(sample_db, Agreement), count(sample_db, FocusArea), count(sample_db, Objective))
    inverse, changes = sample_db.run(
        Create(
            aops.renew_agreement,
            (current,),
            {
                "title": "Next",
                "party_ids": [],
                "focus_area_ids": areas[:3],
                "term_start": "2029",
                "term_end": "2033",
            },
        ).apply
    )
    assert changes.touches("agreement", "focus_area", "objective")
    assert count(sample_db, FocusArea) == before[1] + 3
    sample_db.run(inverse.apply)
    assert (
        count(sample_db, Agreement),
        count(sample_db, FocusArea),
        count(sample_db, Objective),
    ) == before
    with sample_db.sessions() as s:
        assert s.get(Agreement, current).renewed_by is None


# --- focus areas ---------------------------------------------------------------------------


def test_moving_a_focus_area_is_a_batch_of_positions_and_undoes(sample_db: Database) -> None:
    current = agreement_id(sample_db)
    names = focus_area_names(sample_db, current)
    with sample_db.sessions() as s:
        third = s.scalar(select(FocusArea.id).where(FocusArea.name == names[2]))
    inverse, _ = sample_db.run(aops.MoveFocusArea(third, -1).apply)
    assert isinstance(inverse, Batch)
    assert all(
        isinstance(e, aops.SetValues) and set(e.values) == {"position"} for e in inverse.edits
    )
    assert focus_area_names(sample_db, current) == [names[0], names[2], names[1], *names[3:]]
    sample_db.run(inverse.apply)
    assert focus_area_names(sample_db, current) == names
    with sample_db.sessions() as s:
        first = s.scalar(select(FocusArea.id).where(FocusArea.name == names[0]))
    with pytest.raises(ValidationError, match="already the first"):
        sample_db.run(aops.MoveFocusArea(first, -1).apply)


def test_successive_edits_of_one_record_undo_in_turn_and_stale_undo_is_refused(
    sample_db: Database,
) -> None:
    current = agreement_id(sample_db)
    with sample_db.sessions() as s:
        version = s.get(Agreement, current).version
    first, _ = sample_db.run(aops.SetValues("agreement", current, {"title": "B"}, version).apply)
    second, _ = sample_db.run(aops.SetValues("agreement", current, {"title": "C"}).apply)
    redo, _ = sample_db.run(second.apply)
    sample_db.run(first.apply)  # SetFields' inverse would call this stale (version moved)
    with sample_db.sessions() as s:
        assert s.get(Agreement, current).title == CURRENT
    with pytest.raises(StaleRecordError, match="since you opened it"):
        sample_db.run(aops.SetValues("agreement", current, {"title": "D"}, version).apply)
    # undo after someone else changed the same field: refused, nothing overwritten
    undo, _ = sample_db.run(aops.SetValues("agreement", current, {"title": "Mine"}).apply)
    with sample_db.transaction() as s:
        s.get(Agreement, current).title = "Theirs"
    with pytest.raises(StaleRecordError, match="cannot be undone automatically"):
        sample_db.run(undo.apply)
    with sample_db.sessions() as s:
        assert s.get(Agreement, current).title == "Theirs"
    assert redo.values == {"title": "C"}


def test_new_focus_areas_get_unused_palette_colours_and_unique_names(
    sample_db: Database,
) -> None:
    current = agreement_id(sample_db)
    area_id, _ = sample_db.run(lambda s: aops.add_focus_area_to(s, current, "Climate").id)
    with sample_db.sessions() as s:
        area = s.get(FocusArea, area_id)
        used = {f.colour for f in area.agreement.focus_areas if f.id != area_id}
        assert area.colour not in used and area.position == 5
    with pytest.raises(ValidationError) as err:
        sample_db.run(lambda s: aops.add_focus_area_to(s, current, " climate "))
    assert err.value.field == "name" and "already has a focus area" in err.value.message
    with pytest.raises(ValidationError) as err:
        sample_db.run(SetFields("focus_area", area_id, {"colour": "blue"}).apply)
    assert err.value.field == "colour"


def test_indicator_values_replace_per_year_and_undo(sample_db: Database) -> None:
    with sample_db.sessions() as s:
        objective = s.scalars(select(Objective.id)).first()
    inverse, _ = sample_db.run(aops.SetIndicatorValues(objective, ((2025, 3.0), (2026, 5.5))).apply)
    with sample_db.sessions() as s:
        assert {v.year: v.value for v in s.get(Objective, objective).values} == {
            2025: 3.0,
            2026: 5.5,
        }
    stale = aops.SetIndicatorValues(objective, ((2025, 1.0),), expected=())
    with pytest.raises(StaleRecordError):
        sample_db.run(stale.apply)
    second, _ = sample_db.run(
        aops.SetIndicatorValues(
            objective, ((2026, 6.0),), expected=((2025, 3.0), (2026, 5.5))
        ).apply
    )
    with sample_db.sessions() as s:
        assert [(v.year, v.value) for v in s.get(Objective, objective).values] == [(2026, 6.0)]
    sample_db.run(second.apply)
    sample_db.run(inverse.apply)
    assert count(sample_db, IndicatorValue) == 0
    with pytest.raises(ValidationError) as err:
        sample_db.run(aops.SetIndicatorValues(objective, ((1066, 1.0),)).apply)
    assert err.value.field == "year"


def test_parse_number_reads_what_people_type() -> None:
    assert aops.parse_number("value", "12,5") == 12.5
    assert aops.parse_number("value", " 1 234,5 ") == 1234.5
    assert aops.parse_number("value", "1,234.5") == 1234.5
    assert aops.parse_number("value", "") is None
    with pytest.raises(ValidationError) as err:
        aops.parse_number("target", "lots")
    assert err.value.field == "target" and "not a number" in err.value.message


# --- parties, contacts, attachments ---------------------------------------------------------


def test_set_parties_updates_in_place_and_undoes(sample_db: Database) -> None:
    current = agreement_id(sample_db)
    with sample_db.transaction() as s:
        city = ops.add_organisation(s, "City of Vantaa").id
        mayor = ops.add_contact(s, "A Mayor").id
    with sample_db.sessions() as s:
        before = aops.party_values(s, current)
    espoo, aalto = before[0][0], before[1][0]
    wanted = ((aalto, "host", None), (city, "party", mayor), (espoo, "party", None))
    inverse, changes = sample_db.run(aops.SetParties(current, wanted, expected=before).apply)
    assert changes.touches("agreement_party")
    with sample_db.sessions() as s:
        assert aops.party_values(s, current) == wanted
    sample_db.run(inverse.apply)
    with sample_db.sessions() as s:
        assert aops.party_values(s, current) == before
    with pytest.raises(StaleRecordError):
        sample_db.run(aops.SetParties(current, wanted, expected=wanted).apply)
    with pytest.raises(ValidationError) as err:
        sample_db.run(aops.SetParties(current, ((espoo, "party", None),) * 2).apply)
    assert err.value.field == "parties" and "already a party" in err.value.message
    with pytest.raises(ValidationError) as err:
        sample_db.run(aops.SetParties(current, ((espoo, " ", None),)).apply)
    assert err.value.field == "role"


def test_contacts_and_attachments_are_added_and_removed(sample_db: Database, tmp_path) -> None:
    current = agreement_id(sample_db)
    with sample_db.sessions() as s:
        contact = s.scalar(select(AgreementContact.contact_id)).__int__()
        area = s.get(Agreement, current).focus_areas[0].id
    link, _ = sample_db.run(
        lambda s: aops.add_contact_to_agreement(s, current, contact, "focus-area lead", area).id
    )
    with pytest.raises(ValidationError) as err:
        sample_db.run(
            lambda s: aops.add_contact_to_agreement(s, current, contact, "Focus-area lead", area)
        )
    assert err.value.field == "role"
    with pytest.raises(ValidationError) as err:
        sample_db.run(lambda s: aops.add_contact_to_agreement(s, current, contact, ""))
    assert err.value.field == "role"
    sample_db.run(lambda s: aops.remove_agreement_contact(s, link))
    with sample_db.sessions() as s:
        assert s.get(AgreementContact, link) is None
    document = tmp_path / "Sopimus 2025.pdf"
    attachment, _ = sample_db.run(lambda s: aops.add_attachment(s, current, str(document)).id)
    url, _ = sample_db.run(
        lambda s: aops.add_attachment(s, current, "https://www.espoo.fi/agreement").id
    )
    with sample_db.sessions() as s:
        assert s.get(Attachment, attachment).label == "Sopimus 2025.pdf"
        assert s.get(Attachment, url).is_url and s.get(Attachment, url).label == "agreement"
    with pytest.raises(ValidationError) as err:
        sample_db.run(lambda s: aops.add_attachment(s, current, "  "))
    assert err.value.field == "location"
    sample_db.run(lambda s: aops.remove_attachment(s, attachment))
    with sample_db.sessions() as s:
        assert s.get(Attachment, attachment) is None


def test_set_renews_refuses_a_second_renewal_and_cycles(sample_db: Database) -> None:
    current = agreement_id(sample_db)
    first = agreement_id(sample_db, "Partnership agreement 2012")
    second = agreement_id(sample_db, "Partnership agreement 2017–2020")
    with pytest.raises(ValidationError) as err:
        sample_db.run(aops.SetRenews(current, first).apply)
    assert err.value.field == "renews" and "already renewed by" in err.value.message
    with pytest.raises(ValidationError) as err:
        sample_db.run(aops.SetRenews(first, current).apply)
    assert err.value.field == "renews"
    inverse, _ = sample_db.run(aops.SetRenews(second, None).apply)
    with sample_db.sessions() as s:
        assert s.get(Agreement, second).renews_id is None
    sample_db.run(inverse.apply)
    with sample_db.sessions() as s:
        assert s.get(Agreement, second).renews_id == first


# --- history ----------------------------------------------------------------------------------


def test_history_is_newest_first_and_covers_children(sample_db: Database) -> None:
    current = agreement_id(sample_db)
    with sample_db.sessions() as s:
        version = s.get(Agreement, current).version
        area = s.get(Agreement, current).focus_areas[0].id
    sample_db.run(SetFields("agreement", current, {"title": "Renamed"}, version).apply)
    sample_db.run(SetFields("focus_area", area, {"name": "Otaniemi"}).apply)
    with sample_db.sessions() as s:
        rows = aops.history_rows(s, aops.history_ids(s, current))
        other = aops.history_ids(s, agreement_id(sample_db, "Partnership agreement 2012"))
    assert (rows[0]["entity"], rows[0]["field"], rows[0]["new"]) == (
        "focus_area",
        "name",
        "Otaniemi",
    )
    assert (rows[1]["field"], rows[1]["old"], rows[1]["new"]) == ("title", CURRENT, "Renamed")
    assert rows[-1]["action"] == "insert"
    assert not set(other) & {r["id"] for r in rows}
    with sample_db.sessions() as s:
        assert s.scalar(select(func.count()).select_from(ChangeLog)) > len(rows)
        assert aops.latest_change(s, "focus_area", area)["who"]
        changed = aops.changed_fields(s, "agreement", current, {"title": CURRENT, "version": 1})
    assert changed == [("title", CURRENT, "Renamed")]


def test_deleting_an_agreement_is_undone_with_its_children(sample_db: Database) -> None:
    current = agreement_id(sample_db)
    before = [count(sample_db, m) for m in (Agreement, FocusArea, Milestone, Organisation)]
    inverse, _ = sample_db.run(Delete("agreement", current).apply)
    assert count(sample_db, FocusArea) < before[1]
    sample_db.run(inverse.apply)
    assert [count(sample_db, m) for m in (Agreement, FocusArea, Milestone, Organisation)] == before
    with sample_db.sessions() as s:
        assert s.get(Agreement, current).renews.title == "Partnership agreement 2020–2025"
