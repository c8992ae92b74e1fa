"""The Organisations page, driven as a user drives it, on a real SQLite file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QLocale, Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from db.models import Contact, Organisation
from db.operations import contacts as contact_ops
from db.operations.contacts import NameRow
from db.session import Database
from desktop.context import AppContext
from desktop.organisations.page import OrganisationsPage

SHOTS = Path("/tmp/accord-shots")


@pytest.fixture(autouse=True)
def british_english() -> Iterator[None]:
    before = QLocale()
    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom))
    yield
    QLocale.setDefault(before)


@pytest.fixture
def context(sample_db: Database) -> AppContext:
    return AppContext(sample_db)


@pytest.fixture
def page(qtbot: QtBot, context: AppContext) -> OrganisationsPage:
    widget = OrganisationsPage(context)
    qtbot.addWidget(widget)
    widget.resize(930, 640)
    with qtbot.waitExposed(widget):
        widget.show()
    return widget


def org_id(db: Database, name: str) -> int:
    with db.sessions() as s:
        return s.scalars(select(Organisation.id).where(Organisation.name == name)).one()


def stored(db: Database, oid: int) -> dict[str, Any] | None:
    with db.sessions() as s:
        return contact_ops.organisation_detail(s, oid)


def names_in_list(page: OrganisationsPage) -> list[str]:
    model = page.table.model()
    return [model.index(r, 0).data() for r in range(model.rowCount())]


def open_by_keyboard(qtbot: QtBot, page: OrganisationsPage, text: str) -> None:
    page.filter.setFocus()
    page.filter.clear()
    qtbot.keyClicks(page.filter, text)
    qtbot.keyClick(page.filter, Qt.Key.Key_Return)  # Enter in the filter goes to the list
    assert page.table.hasFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert page.editor.name.hasFocus()
    page.filter.clear()


def retype(qtbot: QtBot, edit: Any, text: str) -> None:
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClick(edit, Qt.Key.Key_Backspace)
    qtbot.keyClicks(edit, text)
    qtbot.keyClick(edit, Qt.Key.Key_Return)


def test_list_and_filter_by_a_language_version(qtbot: QtBot, page: OrganisationsPage) -> None:
    assert names_in_list(page) == ["Aalto University", "City of Espoo"]
    model = page.model
    row = [model.index(1, c).data() for c in range(model.columnCount())]
    assert row == ["City of Espoo", "Espoo", "City", "Finland", "2", "4"]
    assert "Swedish: Esbo stad" in model.index(1, 0).data(Qt.ItemDataRole.ToolTipRole)
    qtbot.keyClicks(page.filter, "esbo")
    assert names_in_list(page) == ["City of Espoo"]
    assert page.count.text() == "1 organisation"


def test_models_pass_qtmodeltester(qtmodeltester: Any, page: OrganisationsPage) -> None:
    qtmodeltester.check(page.model)
    page.open_record(org_id(page.context.db, "City of Espoo"), focus=False)
    qtmodeltester.check(page.editor.contacts_model)
    qtmodeltester.check(page.editor.agreements_model)


def test_editor_shows_contacts_and_agreements(qtbot: QtBot, page: OrganisationsPage) -> None:
    open_by_keyboard(qtbot, page, "espoo")
    editor = page.editor
    assert editor.name.text() == "City of Espoo"
    assert editor.kind.currentText() == "City"
    assert editor.country.currentText() == "Finland (FI)"
    assert editor.website.text() == "https://www.espoo.fi"
    contacts = [editor.contacts_model.index(r, 0).data() for r in range(2)]
    assert contacts == ["Jukka Mäkelä", "Maija Meikäläinen"]
    agreements = editor.agreements_model
    titles = [agreements.index(r, 0).data() for r in range(agreements.rowCount())]
    assert titles[0] == "Partnership agreement 2012" and len(titles) == 4
    signed = next(r for r in range(4) if agreements.index(r, 0).data().endswith("2020–2025"))
    assert agreements.index(signed, 4).data() == "Jukka Mäkelä"
    editor.agreements.setFocus()
    editor.agreements.setCurrentIndex(agreements.index(signed, 0))
    with qtbot.waitSignal(page.context.open_record) as opened:
        qtbot.keyClick(editor.agreements, Qt.Key.Key_Return)
    assert opened.args[0] == "agreement"


def test_language_versions_edit_add_remove_and_undo(qtbot: QtBot, page: OrganisationsPage) -> None:
    db, stack = page.context.db, page.context.undo_stack
    oid = org_id(db, "City of Espoo")
    open_by_keyboard(qtbot, page, "espoo")
    names = page.editor.names
    sv = next(r for r in names.rows() if r.label() == "sv")
    retype(qtbot, sv.edit, "Esbo")
    assert NameRow("sv", "Esbo") in stored(db, oid)["names"]  # type: ignore[index]
    assert stack.undoText() == "edit organisation's name in other languages"

    names.add_button.click()
    new_row = names.rows()[-1]
    assert new_row.label() == "se"  # the first language not yet given
    new_row.combo.setFocus()
    new_row.combo.setCurrentIndex(new_row.combo.findData("de"))
    qtbot.keyClicks(new_row.edit, "Stadt Espoo")
    qtbot.keyClick(new_row.edit, Qt.Key.Key_Return)
    assert NameRow("de", "Stadt Espoo") in stored(db, oid)["names"]  # type: ignore[index]

    en = next(r for r in names.rows() if r.label() == "en")
    qtbot.mouseClick(en.remove, Qt.MouseButton.LeftButton)
    langs = {n.lang for n in stored(db, oid)["names"]}  # type: ignore[index]
    assert langs == {"de", "fi", "sv"}
    assert stack.count() == 3

    for _ in range(3):
        stack.undo()
    assert set(stored(db, oid)["names"]) == {  # type: ignore[index]
        NameRow("en", "City of Espoo"),
        NameRow("fi", "Espoon kaupunki"),
        NameRow("sv", "Esbo stad"),
    }
    assert sorted(r.edit.text() for r in names.rows()) == [
        "City of Espoo",
        "Esbo stad",
        "Espoon kaupunki",
    ]


def test_a_language_given_twice_is_shown_at_its_row(qtbot: QtBot, page: OrganisationsPage) -> None:
    db = page.context.db
    oid = org_id(db, "City of Espoo")
    before = stored(db, oid)
    open_by_keyboard(qtbot, page, "espoo")
    names = page.editor.names
    names.add_button.click()
    row = names.rows()[-1]
    row.combo.setCurrentIndex(row.combo.findData("fi"))
    qtbot.keyClicks(row.edit, "Espoo")
    qtbot.keyClick(row.edit, Qt.Key.Key_Return)
    assert 'The name in "fi" is given twice' in row.error.text()
    assert stored(db, oid) == before


def test_fields_kind_and_country_are_saved_and_undone(
    qtbot: QtBot, page: OrganisationsPage
) -> None:
    db, stack = page.context.db, page.context.undo_stack
    oid = org_id(db, "Aalto University")
    open_by_keyboard(qtbot, page, "aalto")
    editor = page.editor
    retype(qtbot, editor.short_name, "")
    assert stored(db, oid)["short_name"] is None  # type: ignore[index]
    editor.kind.setFocus()
    qtbot.keyClick(editor.kind, Qt.Key.Key_Down)  # university → company
    assert stored(db, oid)["kind"] == "company"  # type: ignore[index]
    editor.country.setFocus()
    qtbot.keyClick(editor.country, Qt.Key.Key_Down)
    assert stored(db, oid)["country"] != "FI"  # type: ignore[index]
    assert stack.undoText() == "change organisation's country"
    for _ in range(3):
        stack.undo()
    detail = stored(db, oid)
    assert (detail["short_name"], detail["kind"], detail["country"]) == (  # type: ignore[index]
        "Aalto",
        "university",
        "FI",
    )
    assert editor.kind.currentText() == "University"


def test_deleting_a_party_to_agreements_is_refused_naming_them(
    page: OrganisationsPage, monkeypatch: pytest.MonkeyPatch
) -> None:
    warned: list[str] = []
    asked: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: warned.append(a[2]))
    monkeypatch.setattr(QMessageBox, "question", lambda *a: asked.append(a[2]))
    oid = org_id(page.context.db, "City of Espoo")
    page.open_record(oid, focus=False)
    page.delete_selected()
    assert not asked  # refused before asking
    (message,) = warned
    assert "City of Espoo" in message and "Partnership agreement 2020–2025" in message
    assert "Strategic partnership agreement 2025–2029" in message
    assert stored(page.context.db, oid) is not None
    assert page.context.undo_stack.count() == 0


def test_new_organisation_then_delete_and_undo(
    qtbot: QtBot, page: OrganisationsPage, monkeypatch: pytest.MonkeyPatch
) -> None:
    db, stack = page.context.db, page.context.undo_stack
    asked: list[str] = []

    def yes(*args: Any) -> QMessageBox.StandardButton:
        asked.append(args[2])
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", yes)
    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    editor = page.editor
    assert editor.name.hasFocus()
    qtbot.keyClicks(editor.name, "Espoo Marketing")
    qtbot.keyClick(editor.name, Qt.Key.Key_Return)
    oid = editor.record_id()
    assert oid is not None and stored(db, oid)["name"] == "Espoo Marketing"  # type: ignore[index]
    editor.names.add_button.click()
    qtbot.keyClicks(editor.names.rows()[0].edit, "Espoo Markkinointi")
    qtbot.keyClick(editor.names.rows()[0].edit, Qt.Key.Key_Return)
    page.table.setFocus()  # Delete in a language row would remove just that row
    page.delete_selected()
    assert len(asked) == 1
    assert stored(db, oid) is None
    assert "Espoo Marketing" not in names_in_list(page)
    stack.undo()
    back = stored(db, oid)
    assert back is not None and back["name"] == "Espoo Marketing"
    assert [n.name for n in back["names"]] == ["Espoo Markkinointi"]


def test_add_contact_creates_one_at_this_organisation(
    qtbot: QtBot, page: OrganisationsPage
) -> None:
    db = page.context.db
    oid = org_id(db, "Aalto University")
    open_by_keyboard(qtbot, page, "aalto")
    with qtbot.waitSignal(page.context.open_record) as opened:
        qtbot.mouseClick(page.editor.add_contact_button, Qt.MouseButton.LeftButton)
    assert opened.args[0] == "contact"
    with db.sessions() as s:
        contact = s.get(Contact, opened.args[1])
        assert contact is not None and contact.organisation_id == oid
    assert page.editor.contacts_model.rowCount() == 3
    page.context.undo_stack.undo()
    assert page.editor.contacts_model.rowCount() == 2


def test_stale_edit_is_refused_with_the_other_change(qtbot: QtBot, page: OrganisationsPage) -> None:
    db = page.context.db
    oid = org_id(db, "Aalto University")
    open_by_keyboard(qtbot, page, "aalto")
    with db.transaction() as s:  # another process
        s.get(Organisation, oid).website = "https://aalto.fi"  # type: ignore[union-attr]
    retype(qtbot, page.editor.short_name, "TKK")
    assert page.editor.in_conflict()
    assert "Website: “https://www.aalto.fi” → “https://aalto.fi”" in page.editor.banner.text.text()
    assert stored(db, oid)["short_name"] == "Aalto"  # type: ignore[index]
    qtbot.mouseClick(page.editor.banner.theirs, Qt.MouseButton.LeftButton)
    assert page.editor.website.text() == "https://aalto.fi"
    assert page.editor.short_name.text() == "Aalto"


def test_screenshot(qtbot: QtBot, page: OrganisationsPage) -> None:
    open_by_keyboard(qtbot, page, "espoo")
    page.table.setFocus()
    qtbot.waitUntil(lambda: page.editor.form_widget.height() > 100)
    qtbot.wait(150)  # nested layouts settle over a few event-loop passes
    SHOTS.mkdir(parents=True, exist_ok=True)
    image = page.grab()
    assert image.save(str(SHOTS / "organisations.png"))


def test_every_control_has_an_accessible_name(qtbot: QtBot, page: OrganisationsPage) -> None:
    from tests.desktop.test_contacts import focusable_without_name

    open_by_keyboard(qtbot, page, "espoo")
    page.editor.names.add_button.click()
    assert focusable_without_name(page) == []
