"""Edit values: each apply returns its inverse, and inverse-of-inverse gives the edit back."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from db import operations as ops
from db import queries
from db.edits import Batch, Create, Delete, Restore, SetFields
from db.errors import StaleRecordError, ValidationError
from db.models import Agreement, ChangeLog, FocusArea, Milestone
from db.session import Database


def dump(db: Database) -> dict[str, Any]:
    """Everything a user can see, for comparing before and after."""
    with db.sessions() as s:
        return {
            "agreements": [
                {k: v for k, v in a.items() if k != "version"} for a in queries.agreements(s)
            ],
            "focus_areas": queries.focus_areas(s),
            "milestones": queries.milestones(s),
            "contacts": queries.contacts(s),
        }


def newest(db: Database) -> int:
    with db.sessions() as s:
        return s.scalars(select(Agreement.id).where(Agreement.title.like("Strategic%"))).one()


def test_set_fields_and_its_inverse(sample_db: Database) -> None:
    a_id = newest(sample_db)
    before = dump(sample_db)
    inverse, changes = sample_db.run(SetFields("agreement", a_id, {"title": "Renamed"}).apply)
    assert ("agreement", a_id) in changes.updated
    assert dump(sample_db) != before
    redo, _ = sample_db.run(inverse.apply)
    assert dump(sample_db) == before
    assert isinstance(redo, SetFields) and redo.values == {"title": "Renamed"}


def test_set_fields_validates_and_writes_nothing(sample_db: Database) -> None:
    a_id = newest(sample_db)
    before = dump(sample_db)
    with pytest.raises(ValidationError) as err:
        sample_db.run(
            SetFields("agreement", a_id, {"term_end": ops.as_flexdate("x", "2020")}).apply
        )
    assert err.value.field == "term_end"
    assert dump(sample_db) == before


def test_undo_refuses_when_changed_elsewhere(sample_db: Database) -> None:
    a_id = newest(sample_db)
    inverse, _ = sample_db.run(SetFields("agreement", a_id, {"title": "Mine"}).apply)
    with sample_db.transaction() as s:  # another process edits the same record
        s.get(Agreement, a_id).title = "Theirs"  # type: ignore[union-attr]
    with pytest.raises(StaleRecordError):
        sample_db.run(inverse.apply)
    with sample_db.sessions() as s:
        assert s.get(Agreement, a_id).title == "Theirs"  # type: ignore[union-attr]


def test_many_to_many_field_round_trip(sample_db: Database) -> None:
    with sample_db.sessions() as s:
        m = s.scalars(select(Milestone).where(Milestone.title == "Open-for-all event series")).one()
        m_id, old = m.id, [f.id for f in m.focus_areas]
    inverse, _ = sample_db.run(SetFields("milestone", m_id, {"focus_areas": old[:1]}).apply)
    with sample_db.sessions() as s:
        assert [f.id for f in s.get(Milestone, m_id).focus_areas] == old[:1]  # type: ignore[union-attr]
    sample_db.run(inverse.apply)
    with sample_db.sessions() as s:
        assert [f.id for f in s.get(Milestone, m_id).focus_areas] == old  # type: ignore[union-attr]


def test_delete_and_restore_an_agreement_with_everything_under_it(sample_db: Database) -> None:
    a_id = newest(sample_db)
    before = dump(sample_db)
    with sample_db.sessions() as s:
        old_uid = s.get(Agreement, a_id).uid  # type: ignore[union-attr]
        previous = s.get(Agreement, a_id).renews_id  # type: ignore[union-attr]
    restore, changes = sample_db.run(Delete("agreement", a_id).apply)
    assert ("agreement", a_id) in changes.deleted
    after = dump(sample_db)
    assert len(after["agreements"]) == 3 and len(after["focus_areas"]) == 0
    assert not any(m["agreement"] == a_id for m in after["milestones"])
    delete_again, changes = sample_db.run(restore.apply)
    assert ("agreement", a_id) in changes.created
    assert isinstance(delete_again, Delete)
    assert dump(sample_db) == before
    with sample_db.sessions() as s:
        restored = s.get(Agreement, a_id)
        assert restored is not None and restored.uid == old_uid
        assert restored.renews_id == previous
        m = s.scalars(select(Milestone).where(Milestone.title == "Open-for-all event series")).one()
        assert [f.name for f in m.focus_areas] == ["Development of Otaniemi", "Promoting learning"]
        logged = s.scalars(select(ChangeLog).where(ChangeLog.new == "restored")).all()
        assert any(r.entity == "agreement" and r.entity_id == a_id for r in logged)


def test_restore_clears_and_resets_set_null_references(sample_db: Database) -> None:
    """Deleting 2020–2025 clears the newer agreement's `renews`; undo puts it back."""
    with sample_db.sessions() as s:
        old_id = s.scalars(select(Agreement.id).where(Agreement.title.like("%2020–2025"))).one()
    new_id = newest(sample_db)
    restore, _ = sample_db.run(Delete("agreement", old_id).apply)
    with sample_db.sessions() as s:
        assert s.get(Agreement, new_id).renews_id is None  # type: ignore[union-attr]
    sample_db.run(restore.apply)
    with sample_db.sessions() as s:
        assert s.get(Agreement, new_id).renews_id == old_id  # type: ignore[union-attr]


def test_create_then_undo_then_redo_keeps_the_uid(sample_db: Database) -> None:
    a_id = newest(sample_db)

    def add(session: Any) -> FocusArea:
        return ops.add_focus_area(session, session.get(Agreement, a_id), "Culture")

    delete, _ = sample_db.run(Create(add).apply)
    assert isinstance(delete, Delete)
    with sample_db.sessions() as s:
        uid = s.get(FocusArea, delete.id).uid  # type: ignore[union-attr]
    restore, _ = sample_db.run(delete.apply)
    with sample_db.sessions() as s:
        assert s.get(FocusArea, delete.id) is None
    sample_db.run(restore.apply)
    with sample_db.sessions() as s:
        area = s.get(FocusArea, delete.id)
        assert area is not None and area.uid == uid and area.name == "Culture"


def test_batch_is_one_step_in_reverse(sample_db: Database) -> None:
    a_id = newest(sample_db)
    with sample_db.sessions() as s:
        areas = [(f.id, f.position) for f in s.get(Agreement, a_id).focus_areas]  # type: ignore[union-attr]
    (first, p1), (second, p2) = areas[0], areas[1]
    swap = Batch(
        [
            SetFields("focus_area", first, {"position": p2}),
            SetFields("focus_area", second, {"position": p1}),
        ]
    )
    before = dump(sample_db)
    inverse, _ = sample_db.run(swap.apply)
    with sample_db.sessions() as s:
        names = [f.name for f in s.get(Agreement, a_id).focus_areas]  # type: ignore[union-attr]
    assert names[:2] == ["Attracting talent", "Development of Otaniemi"]
    sample_db.run(inverse.apply)
    assert dump(sample_db) == before


def test_restore_raises_the_version_for_subscribers(sample_db: Database) -> None:
    with sample_db.sessions() as s:
        m = s.scalars(select(Milestone).where(Milestone.title == "Thesis Day")).one()
        m_id, version = m.id, m.version
    restore, _ = sample_db.run(Delete("milestone", m_id).apply)
    sample_db.run(restore.apply)
    with sample_db.sessions() as s:
        assert s.get(Milestone, m_id).version == version + 1  # type: ignore[union-attr]
    assert isinstance(restore, Restore)


def test_two_edits_of_one_record_undo_in_turn(sample_db: Database) -> None:
    """Each undo step moves the version on; the next undo must still be allowed."""
    a_id = newest(sample_db)
    before = dump(sample_db)
    undo_rename, _ = sample_db.run(SetFields("agreement", a_id, {"title": "Renamed"}).apply)
    undo_aims, _ = sample_db.run(SetFields("agreement", a_id, {"aims": "New aims"}).apply)
    redo_aims, _ = sample_db.run(undo_aims.apply)
    redo_rename, _ = sample_db.run(undo_rename.apply)
    assert dump(sample_db) == before
    sample_db.run(redo_rename.apply)
    sample_db.run(redo_aims.apply)
    with sample_db.sessions() as s:
        a = s.get(Agreement, a_id)
        assert a is not None and (a.title, a.aims) == ("Renamed", "New aims")


def test_contact_named_by_name_in_stale_message(sample_db: Database) -> None:
    from db.models import Contact

    with sample_db.sessions() as s:
        c = s.scalars(select(Contact).where(Contact.name == "Jukka Mäkelä")).one()
        c_id = c.id
    inverse, _ = sample_db.run(SetFields("contact", c_id, {"title": "Former mayor"}).apply)
    with sample_db.transaction() as s:
        s.get(Contact, c_id).title = "Someone else's edit"  # type: ignore[union-attr]
    with pytest.raises(StaleRecordError, match="Jukka Mäkelä"):
        sample_db.run(inverse.apply)
