"""Contact and organisation edits and queries, on a real SQLite file with the sample data."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from db.edits import Create, Edit
from db.errors import StaleRecordError, ValidationError
from db.models import AgreementParty, ChangeLog, Contact, ContactPhone, Organisation
from db.operations import contacts as contact_ops
from db.operations.contacts import (
    ChangeFields,
    DeleteOrganisation,
    EmailRow,
    NameRow,
    PhoneRow,
    SetEmails,
    SetOrganisationNames,
    SetPhones,
)
from db.session import Database


def contact_id(db: Database, name: str) -> int:
    with db.sessions() as s:
        return s.scalars(select(Contact.id).where(Contact.name == name)).one()


def org_id(db: Database, name: str) -> int:
    with db.sessions() as s:
        return s.scalars(select(Organisation.id).where(Organisation.name == name)).one()


def run(db: Database, edit: Edit) -> Any:
    inverse, _ = db.run(edit.apply)
    return inverse


def detail(db: Database, cid: int) -> dict[str, Any]:
    with db.sessions() as s:
        d = contact_ops.contact_detail(s, cid)
    assert d is not None
    return d


# --- lists ----------------------------------------------------------------------------------


def test_contact_list_filters_by_any_word_and_sorts(sample_db: Database) -> None:
    with sample_db.sessions() as s:
        names = lambda ids: [contact_ops.contact_rows(s, ids)[i]["name"] for i in ids]  # noqa: E731
        assert names(contact_ops.contact_ids(s)) == [
            "Ilkka Niemelä",
            "Jukka Mäkelä",
            "Maija Meikäläinen",
            "Matti Meikäläinen",
        ]
        assert names(contact_ops.contact_ids(s, "meikäl")) == [
            "Maija Meikäläinen",
            "Matti Meikäläinen",
        ]
        assert names(contact_ops.contact_ids(s, "mayor espoo")) == ["Jukka Mäkelä"]
        assert names(contact_ops.contact_ids(s, "aalto.example")) == ["Matti Meikäläinen"]
        # a number as typed, or in its international form
        assert names(contact_ops.contact_ids(s, "041 234")) == ["Maija Meikäläinen"]
        assert names(contact_ops.contact_ids(s, "+35841")) == ["Maija Meikäläinen"]
        assert contact_ops.contact_ids(s, "50%_") == []
        assert contact_ops.contact_ids(s, "+35841zzz") == []
        by_org = names(contact_ops.contact_ids(s, sort="organisation", descending=True))
        assert by_org[:2] == ["Jukka Mäkelä", "Maija Meikäläinen"]
        with_phone_first = names(contact_ops.contact_ids(s, sort="phone"))
        assert with_phone_first[:2] == ["Matti Meikäläinen", "Maija Meikäläinen"]
        with pytest.raises(ValueError):
            contact_ops.contact_ids(s, sort="nonsense")


def test_organisation_list_finds_language_versions(sample_db: Database) -> None:
    with sample_db.sessions() as s:
        espoo = org_id(sample_db, "City of Espoo")
        assert contact_ops.organisation_ids(s, "esbo") == [espoo]
        assert contact_ops.organisation_ids(s, "city") == [espoo]
        rows = contact_ops.organisation_rows(s, [espoo])
        assert rows[espoo]["contacts"] == 2 and rows[espoo]["agreements"] == 4
        assert ("sv", "Esbo stad") in rows[espoo]["names"]
        for key in contact_ops.ORGANISATION_SORTS:
            assert len(contact_ops.organisation_ids(s, sort=key)) == 2


def test_contact_links_cover_roles_signatures_and_milestones(sample_db: Database) -> None:
    with sample_db.sessions() as s:
        links = contact_ops.contact_links(s, contact_id(sample_db, "Jukka Mäkelä"))
    summary = {(r["table"], r["kind"], r["title"]) for r in links}
    assert ("agreement", "signatory", "Partnership agreement 2020–2025") in summary
    assert ("milestone", "milestone", "Signing of the 2020–2025 extension") in summary
    assert ("agreement", "role", "Strategic partnership agreement 2025–2029") in summary
    signed = next(r for r in links if r["kind"] == "signatory")
    assert signed["organisation"] == "City of Espoo"
    assert signed["date_precision"] == "day" and str(signed["date_start"]) == "2020-06-16"


def test_format_phone_national_at_home_international_elsewhere() -> None:
    assert contact_ops.format_phone("+358412345678", "FI") == "041 2345678"
    assert contact_ops.format_phone("+358412345678", "SE") == "+358 41 2345678"
    assert contact_ops.format_phone("+358412345678", None) == "+358 41 2345678"
    assert contact_ops.format_phone("not a number") == "not a number"


# --- field edits and undo -------------------------------------------------------------------


def test_change_fields_undo_twice_on_the_same_record(sample_db: Database) -> None:
    cid = contact_id(sample_db, "Jukka Mäkelä")
    version = detail(sample_db, cid)["version"]
    undo_name = run(sample_db, ChangeFields("contact", cid, {"name": "J. Mäkelä"}, version))
    undo_title = run(sample_db, ChangeFields("contact", cid, {"title": "Mayor"}))
    redo_title = run(sample_db, undo_title)
    redo_name = run(sample_db, undo_name)  # the second undo on one record works
    d = detail(sample_db, cid)
    assert (d["name"], d["title"]) == ("Jukka Mäkelä", "Mayor of Espoo")
    run(sample_db, redo_name)
    run(sample_db, redo_title)
    d = detail(sample_db, cid)
    assert (d["name"], d["title"]) == ("J. Mäkelä", "Mayor")


def test_change_fields_refuses_a_stale_version_and_a_changed_value(sample_db: Database) -> None:
    cid = contact_id(sample_db, "Jukka Mäkelä")
    version = detail(sample_db, cid)["version"]
    undo = run(sample_db, ChangeFields("contact", cid, {"title": "Mayor"}, version))
    with sample_db.transaction() as s:  # another process
        s.get(Contact, cid).title = "Former mayor"  # type: ignore[union-attr]
    with pytest.raises(StaleRecordError):
        run(sample_db, ChangeFields("contact", cid, {"name": "X"}, version + 1))
    with pytest.raises(StaleRecordError):
        run(sample_db, undo)  # would overwrite "Former mayor"
    assert detail(sample_db, cid)["title"] == "Former mayor"


def test_change_fields_checks_rules_and_lengths(sample_db: Database) -> None:
    cid = contact_id(sample_db, "Jukka Mäkelä")
    with pytest.raises(ValidationError) as err:
        run(sample_db, ChangeFields("contact", cid, {"name": "  "}))
    assert err.value.field == "name"
    with pytest.raises(ValidationError) as err:
        run(sample_db, ChangeFields("contact", cid, {"title": "x" * 201}))
    assert err.value.field == "title" and "200" in err.value.message
    with pytest.raises(ValidationError):
        run(sample_db, ChangeFields("contact", cid, {"version": 7}))
    oid = org_id(sample_db, "City of Espoo")
    with pytest.raises(ValidationError) as err:
        run(sample_db, ChangeFields("organisation", oid, {"kind": "castle"}))
    assert err.value.field == "kind"
    assert detail(sample_db, cid)["name"] == "Jukka Mäkelä"


# --- phones and e-mails ---------------------------------------------------------------------


def test_set_phones_keeps_what_was_typed_and_e164(sample_db: Database) -> None:
    cid = contact_id(sample_db, "Maija Meikäläinen")
    before = detail(sample_db, cid)
    rows = (*before["phones"], PhoneRow("work", "09 816 21"))
    undo = run(sample_db, SetPhones(cid, rows, before["version"]))
    after = detail(sample_db, cid)
    assert after["phones"][1] == PhoneRow("work", "09 816 21", "+358981621")
    assert after["version"] == before["version"] + 1  # a new revision of the contact
    run(sample_db, undo)
    assert detail(sample_db, cid)["phones"] == before["phones"]


def test_set_phones_invalid_row_saves_nothing(sample_db: Database) -> None:
    cid = contact_id(sample_db, "Maija Meikäläinen")
    before = detail(sample_db, cid)
    rows = (PhoneRow("work", "+358 9 816 21"), PhoneRow("mobile", "12"))
    with pytest.raises(ValidationError) as err:
        run(sample_db, SetPhones(cid, rows, before["version"]))
    assert err.value.field == "phones[1]"
    assert '"12"' in err.value.message
    with pytest.raises(ValidationError) as err:
        run(sample_db, SetPhones(cid, (rows[0], PhoneRow("home", "09 81621"))))
    assert err.value.field == "phones[1]" and "same number" in err.value.message
    assert detail(sample_db, cid) == before


def test_set_phones_unchanged_is_not_a_new_revision(sample_db: Database) -> None:
    cid = contact_id(sample_db, "Maija Meikäläinen")
    before = detail(sample_db, cid)
    rows = tuple(PhoneRow(p.label, p.raw) for p in before["phones"])
    run(sample_db, SetPhones(cid, rows, before["version"]))
    assert detail(sample_db, cid)["version"] == before["version"]


def test_set_emails_normalises_and_undoes(sample_db: Database) -> None:
    cid = contact_id(sample_db, "Jukka Mäkelä")
    undo = run(sample_db, SetEmails(cid, (EmailRow("work", " jukka.makela@espoo.example "),)))
    assert detail(sample_db, cid)["emails"] == (EmailRow("work", "jukka.makela@espoo.example"),)
    with pytest.raises(ValidationError) as err:
        run(sample_db, SetEmails(cid, (EmailRow("work", "x@"),)))
    assert err.value.field == "emails[0]"
    run(sample_db, undo)
    assert detail(sample_db, cid)["emails"] == ()


def test_undo_of_phones_is_refused_after_another_change(sample_db: Database) -> None:
    cid = contact_id(sample_db, "Maija Meikäläinen")
    undo = run(sample_db, SetPhones(cid, (PhoneRow("work", "09 816 21"),)))
    with sample_db.transaction() as s:
        s.scalars(select(ContactPhone).where(ContactPhone.contact_id == cid)).one().raw = "changed"
    with pytest.raises(StaleRecordError):
        run(sample_db, undo)


# --- organisations --------------------------------------------------------------------------


def test_organisation_names_edit_and_undo(sample_db: Database) -> None:
    oid = org_id(sample_db, "City of Espoo")
    rows = (NameRow("fi", "Espoon kaupunki"), NameRow("sv", "Esbo"), NameRow("de", "Stadt Espoo"))
    undo = run(sample_db, SetOrganisationNames(oid, rows))
    with sample_db.sessions() as s:
        names = contact_ops.organisation_detail(s, oid)["names"]  # type: ignore[index]
    assert set(names) == set(rows)
    run(sample_db, undo)
    with sample_db.sessions() as s:
        names = contact_ops.organisation_detail(s, oid)["names"]  # type: ignore[index]
    assert NameRow("en", "City of Espoo") in names and NameRow("sv", "Esbo stad") in names


@pytest.mark.parametrize(
    ("rows", "field"),
    [
        ((NameRow("fi", "A"), NameRow("FI", "B")), "names[1].lang"),
        ((NameRow("finnish!", "A"),), "names[0].lang"),
        ((NameRow("fi", " "),), "names[0]"),
    ],
)
def test_organisation_names_are_checked(
    sample_db: Database, rows: tuple[NameRow, ...], field: str
) -> None:
    with pytest.raises(ValidationError) as err:
        run(sample_db, SetOrganisationNames(org_id(sample_db, "City of Espoo"), rows))
    assert err.value.field == field


def test_deleting_an_organisation_in_agreements_is_refused(sample_db: Database) -> None:
    oid = org_id(sample_db, "City of Espoo")
    with sample_db.sessions() as s:
        reason = contact_ops.organisation_in_use(s, oid)
    assert reason is not None and "Partnership agreement 2020–2025" in reason
    with pytest.raises(ValidationError) as err:
        run(sample_db, DeleteOrganisation(oid))
    assert err.value.message == reason
    with sample_db.sessions() as s:
        assert s.get(Organisation, oid) is not None


def test_deleting_a_free_organisation_keeps_its_contacts_and_undoes(sample_db: Database) -> None:
    oid = org_id(sample_db, "City of Espoo")
    with sample_db.transaction() as s:
        for party in s.scalars(select(AgreementParty).where(AgreementParty.organisation_id == oid)):
            s.delete(party)
    undo = run(sample_db, DeleteOrganisation(oid))
    with sample_db.sessions() as s:
        assert s.get(Organisation, oid) is None
        assert detail(sample_db, contact_id(sample_db, "Jukka Mäkelä"))["organisation_id"] is None
    redo = run(sample_db, undo)
    assert detail(sample_db, contact_id(sample_db, "Jukka Mäkelä"))["organisation_id"] == oid
    with sample_db.sessions() as s:
        names = contact_ops.organisation_detail(s, oid)["names"]  # type: ignore[index]
    assert len(names) == 3
    run(sample_db, redo)


def test_new_contact_in_an_organisation(sample_db: Database) -> None:
    oid = org_id(sample_db, "Aalto University")
    undo, changes = sample_db.run(
        Create(contact_ops.new_contact, ("New contact",), {"organisation_id": oid}).apply
    )
    (new_id,) = [i for t, i in changes.created if t == "contact"]
    with sample_db.sessions() as s:
        assert [c["name"] for c in contact_ops.organisation_contacts(s, oid)][-1] == "New contact"
        assert contact_ops.owner_of(s, "contact", new_id) == new_id
        phone_id = s.scalars(select(ContactPhone.id)).first()
        assert contact_ops.owner_of(s, "contact_phone", phone_id) is not None  # type: ignore[arg-type]
        logged = s.scalars(select(ChangeLog).where(ChangeLog.entity_id == new_id)).all()
        assert any(r.entity == "contact" for r in logged)
    sample_db.run(undo.apply)
    with sample_db.sessions() as s:
        assert s.get(Contact, new_id) is None
