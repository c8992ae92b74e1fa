"""The Contacts page, driven as a user drives it, on a real SQLite file with the sample data."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QLocale, Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from db.models import Contact, ContactPhone
from db.operations import contacts as contact_ops
from db.session import Database
from desktop.contacts.model import ContactsModel
from desktop.contacts.page import ContactsPage
from desktop.context import AppContext

SHOTS = Path("/tmp/accord-shots")


@pytest.fixture(autouse=True)
def british_english() -> Iterator[None]:
    """Dates and numbers as a user in the UK sees them (the test machine may run in C)."""
    before = QLocale()
    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom))
    yield
    QLocale.setDefault(before)


@pytest.fixture
def context(sample_db: Database) -> AppContext:
    return AppContext(sample_db)


@pytest.fixture
def page(qtbot: QtBot, context: AppContext) -> ContactsPage:
    widget = ContactsPage(context)
    qtbot.addWidget(widget)
    widget.resize(930, 640)
    with qtbot.waitExposed(widget):
        widget.show()
    return widget


def contact_id(db: Database, name: str) -> int:
    with db.sessions() as s:
        return s.scalars(select(Contact.id).where(Contact.name == name)).one()


def stored(db: Database, name_or_id: str | int) -> dict[str, Any] | None:
    """The contact as a fresh session reads it from the file."""
    cid = name_or_id if isinstance(name_or_id, int) else contact_id(db, name_or_id)
    with db.sessions() as s:
        return contact_ops.contact_detail(s, cid)


def names_in_list(page: ContactsPage) -> list[str]:
    model = page.table.model()
    return [model.index(r, 0).data() for r in range(model.rowCount())]


def open_by_keyboard(qtbot: QtBot, page: ContactsPage, name: str) -> None:
    """Type the name into the filter, go down into the list and press Enter.

    (QTest types ASCII only, so the filter gets the first name: enough to find each.)
    """
    page.filter.setFocus()
    page.filter.clear()
    qtbot.keyClicks(page.filter, name.split()[0])
    qtbot.keyClick(page.filter, Qt.Key.Key_Down)
    assert page.table.hasFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert page.editor.name.text() == name
    page.filter.clear()


def retype(qtbot: QtBot, edit: Any, text: str) -> None:
    """Replace a field's text as a user does and press Enter (non-ASCII is pasted in)."""
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClick(edit, Qt.Key.Key_Backspace)
    for part in text.split("ä"):
        qtbot.keyClicks(edit, part)
        edit.insert("ä")
    edit.backspace()  # the last "ä" was not in the text
    qtbot.keyClick(edit, Qt.Key.Key_Return)


# --- the list -------------------------------------------------------------------------------


def test_list_shows_contacts_with_phones_formatted_for_their_country(page: ContactsPage) -> None:
    assert names_in_list(page) == [
        "Ilkka Niemelä",
        "Jukka Mäkelä",
        "Maija Meikäläinen",
        "Matti Meikäläinen",
    ]
    model = page.model
    maija = model.row_of(contact_id(page.context.db, "Maija Meikäläinen"))
    assert maija is not None
    phone = model.index(maija, 2)
    assert phone.data() == "+358 41 2345678"  # a Finnish number, the user is in the UK
    assert "041 2345678" in phone.data(Qt.ItemDataRole.ToolTipRole)  # as typed
    assert model.index(maija, 3).data() == "maija.meikalainen@espoo.example"
    assert page.count.text() == "4 contacts"


def test_numbers_of_the_users_own_country_are_national(qtbot: QtBot, context: AppContext) -> None:
    finnish = ContactsPage(context, region="FI")
    qtbot.addWidget(finnish)
    row = finnish.model.row_of(contact_id(context.db, "Matti Meikäläinen"))
    assert finnish.model.index(row, 2).data() == "013 1234567"


def test_filter_narrows_and_tells_when_nothing_matches(qtbot: QtBot, page: ContactsPage) -> None:
    qtbot.keyClicks(page.filter, "meik")
    assert names_in_list(page) == ["Maija Meikäläinen", "Matti Meikäläinen"]
    assert page.count.text() == "2 contacts"
    page.filter.clear()
    qtbot.keyClicks(page.filter, "+35841")  # by number, international form
    assert names_in_list(page) == ["Maija Meikäläinen"]
    qtbot.keyClicks(page.filter, "zzz")  # "+35841zzz" is no number: nothing matches
    assert page.list_stack.currentWidget() is page.empty
    assert "No contact matches" in page.empty.text()
    page.filter.clear()
    assert len(names_in_list(page)) == 4
    assert page.list_stack.currentWidget() is page.table


def test_sorting_by_a_column_is_done_by_the_query(page: ContactsPage) -> None:
    page.table.sortByColumn(2, Qt.SortOrder.AscendingOrder)  # phone: numbers first
    assert names_in_list(page)[:2] == ["Matti Meikäläinen", "Maija Meikäläinen"]
    page.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    assert names_in_list(page)[0] == "Matti Meikäläinen"


def test_empty_database_says_how_to_add(qtbot: QtBot, database: Database) -> None:
    empty = ContactsPage(AppContext(database))
    qtbot.addWidget(empty)
    assert empty.list_stack.currentWidget() is empty.empty
    assert "No contacts yet" in empty.empty.text() and "Ctrl+N" in empty.empty.text()


def test_list_loads_rows_in_blocks(qtbot: QtBot, sample_db: Database) -> None:
    with sample_db.transaction() as s:
        for i in range(250):
            s.add(Contact(name=f"Person {i:03}", notes=""))
    model = ContactsModel(AppContext(sample_db))
    assert model.total() == 254 and model.rowCount() == model.BLOCK
    assert model.canFetchMore()
    last = contact_id(sample_db, "Person 249")
    row = model.row_of(last)
    assert row is not None and model.rowCount() > row
    assert model.index(row, 0).data() == "Person 249"


def test_models_pass_qtmodeltester(qtmodeltester: Any, page: ContactsPage) -> None:
    page.model.BLOCK = 2  # exercise fetchMore too
    page.model.set_filter("e")
    qtmodeltester.check(page.model)
    page.open_record(contact_id(page.context.db, "Jukka Mäkelä"), focus=False)
    qtmodeltester.check(page.editor.links_model)


# --- the editor -----------------------------------------------------------------------------


def test_enter_opens_the_contact_in_the_editor(qtbot: QtBot, page: ContactsPage) -> None:
    open_by_keyboard(qtbot, page, "Maija Meikäläinen")
    assert page.editor_stack.currentWidget() is page.editor
    assert page.editor.name.hasFocus()
    assert page.editor.job_title.text().startswith("Partnership coordinator")
    assert page.editor.organisation.currentText() == "City of Espoo"
    (row,) = page.editor.phones.rows()
    assert row.edit.text() == "+358 41 2345678"
    assert row.edit.toolTip() == "As typed: 041 2345678"


def test_rename_is_saved_at_once_and_undone_and_redone(qtbot: QtBot, page: ContactsPage) -> None:
    db, stack = page.context.db, page.context.undo_stack
    cid = contact_id(db, "Jukka Mäkelä")
    open_by_keyboard(qtbot, page, "Jukka Mäkelä")
    retype(qtbot, page.editor.name, "Jukka Juhani Mäkelä")
    assert stored(db, cid)["name"] == "Jukka Juhani Mäkelä"  # type: ignore[index]
    assert stack.count() == 1 and stack.undoText() == "rename contact"
    assert "Jukka Juhani Mäkelä" in names_in_list(page)
    stack.undo()
    assert stored(db, cid)["name"] == "Jukka Mäkelä"  # type: ignore[index]
    assert page.editor.name.text() == "Jukka Mäkelä"
    stack.redo()
    assert stored(db, cid)["name"] == "Jukka Juhani Mäkelä"  # type: ignore[index]
    assert page.editor.heading.text() == "Jukka Juhani Mäkelä"


def test_two_edits_on_one_contact_undo_in_turn(qtbot: QtBot, page: ContactsPage) -> None:
    db, stack = page.context.db, page.context.undo_stack
    cid = contact_id(db, "Jukka Mäkelä")
    open_by_keyboard(qtbot, page, "Jukka Mäkelä")
    retype(qtbot, page.editor.name, "J. Mäkelä")
    retype(qtbot, page.editor.job_title, "Mayor")
    stack.undo()
    stack.undo()
    assert stack.index() == 0
    detail = stored(db, cid)
    assert (detail["name"], detail["title"]) == ("Jukka Mäkelä", "Mayor of Espoo")  # type: ignore[index]


def test_empty_name_is_refused_at_the_field(qtbot: QtBot, page: ContactsPage) -> None:
    cid = contact_id(page.context.db, "Jukka Mäkelä")
    open_by_keyboard(qtbot, page, "Jukka Mäkelä")
    retype(qtbot, page.editor.name, "   ")
    message = page.editor.error_text("name")
    assert message == "The contact's name is empty. Type at least one character."
    assert page.editor.name.accessibleDescription() == message
    assert stored(page.context.db, cid)["name"] == "Jukka Mäkelä"  # type: ignore[index]
    assert page.context.undo_stack.count() == 0


def test_invalid_phone_shows_the_message_and_saves_nothing(
    qtbot: QtBot, page: ContactsPage
) -> None:
    db = page.context.db
    before = stored(db, "Maija Meikäläinen")
    open_by_keyboard(qtbot, page, "Maija Meikäläinen")
    page.editor.phones.add_button.click()
    new_row = page.editor.phones.rows()[-1]
    assert new_row.edit.hasFocus()
    qtbot.keyClicks(new_row.edit, "12")
    qtbot.keyClick(new_row.edit, Qt.Key.Key_Return)
    assert '"12" is not a valid phone number' in new_row.error.text()
    assert new_row.edit.accessibleDescription() == new_row.error.text()
    assert new_row.edit.text() == "12"  # the user's text stays
    assert stored(db, "Maija Meikäläinen") == before
    # correcting it saves both numbers, what was typed and the E.164 form
    retype(qtbot, new_row.edit, "09 816 21")
    assert not new_row.error.text()
    phones = stored(db, "Maija Meikäläinen")["phones"]  # type: ignore[index]
    assert [(p.raw, p.e164) for p in phones] == [
        ("041 2345678", "+358412345678"),
        ("09 816 21", "+358981621"),
    ]
    assert page.context.undo_stack.undoText() == "edit phone numbers"
    assert page.editor.phones.rows()[1].edit.text() == "+358 9 81621"


def test_add_and_remove_an_email(qtbot: QtBot, page: ContactsPage) -> None:
    db, stack = page.context.db, page.context.undo_stack
    open_by_keyboard(qtbot, page, "Jukka Mäkelä")
    qtbot.mouseClick(page.editor.emails.add_button, Qt.MouseButton.LeftButton)
    row = page.editor.emails.rows()[0]
    qtbot.keyClicks(row.edit, "jukka.makela@espoo.example")
    qtbot.keyClick(row.edit, Qt.Key.Key_Return)
    emails = stored(db, "Jukka Mäkelä")["emails"]  # type: ignore[index]
    assert [(e.label, e.address) for e in emails] == [("work", "jukka.makela@espoo.example")]
    row = page.editor.emails.rows()[0]
    qtbot.mouseClick(row.remove, Qt.MouseButton.LeftButton)
    assert stored(db, "Jukka Mäkelä")["emails"] == ()  # type: ignore[index]
    stack.undo()
    assert len(stored(db, "Jukka Mäkelä")["emails"]) == 1  # type: ignore[index]
    assert [r.edit.text() for r in page.editor.emails.rows()] == ["jukka.makela@espoo.example"]


def test_delete_in_a_phone_row_removes_only_that_number(
    qtbot: QtBot, page: ContactsPage, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(QMessageBox, "question", lambda *a: pytest.fail("asked"))
    open_by_keyboard(qtbot, page, "Maija Meikäläinen")
    page.editor.phones.rows()[0].combo.setFocus()
    page.delete_selected()
    assert stored(page.context.db, "Maija Meikäläinen")["phones"] == ()  # type: ignore[index]
    assert page.context.undo_stack.undoText() == "edit phone numbers"


def test_invalid_email_is_shown_at_its_row(qtbot: QtBot, page: ContactsPage) -> None:
    open_by_keyboard(qtbot, page, "Jukka Mäkelä")
    page.editor.emails.add_button.click()
    row = page.editor.emails.rows()[0]
    qtbot.keyClicks(row.edit, "jukka@")
    qtbot.keyClick(row.edit, Qt.Key.Key_Return)
    assert "is not a valid e-mail address" in row.error.text()
    assert stored(page.context.db, "Jukka Mäkelä")["emails"] == ()  # type: ignore[index]


def test_organisation_and_notes_are_saved(qtbot: QtBot, page: ContactsPage) -> None:
    db, stack = page.context.db, page.context.undo_stack
    open_by_keyboard(qtbot, page, "Jukka Mäkelä")
    editor = page.editor
    editor.organisation.setFocus()
    qtbot.keyClick(editor.organisation, Qt.Key.Key_Up)  # City of Espoo → Aalto University
    assert editor.organisation.currentText() == "Aalto University"
    assert stored(db, "Jukka Mäkelä")["organisation"] == "Aalto University"  # type: ignore[index]
    assert stack.undoText() == "change contact's organisation"
    editor.notes.setFocus()
    qtbot.keyClicks(editor.notes, "Prefers e-mail.")
    editor.name.setFocus()  # leaving the notes saves them
    assert stored(db, "Jukka Mäkelä")["notes"] == "Prefers e-mail."  # type: ignore[index]
    stack.undo()
    stack.undo()
    detail = stored(db, "Jukka Mäkelä")
    assert (detail["organisation"], detail["notes"]) == ("City of Espoo", "")  # type: ignore[index]


def test_linked_to_lists_roles_and_opens_them(qtbot: QtBot, page: ContactsPage) -> None:
    open_by_keyboard(qtbot, page, "Jukka Mäkelä")
    model = page.editor.links_model
    rows = [
        tuple(model.index(r, c).data() for c in range(model.columnCount()))
        for r in range(model.rowCount())
    ]
    assert (
        "Agreement",
        "Partnership agreement 2020–2025",
        "Signatory for City of Espoo",
        "16/06/2020",
    ) in rows
    assert ("Milestone", "Signing of the 2020–2025 extension", "signatory", "16/06/2020") in rows
    milestone_row = next(i for i, r in enumerate(rows) if r[0] == "Milestone")
    links = page.editor.links
    links.setFocus()
    links.setCurrentIndex(model.index(milestone_row, 1))
    with qtbot.waitSignal(page.context.open_record) as opened:
        qtbot.keyClick(links, Qt.Key.Key_Return)
    assert opened.args[0] == "milestone"
    with page.context.db.sessions() as s:
        from db.models import Milestone

        assert s.get(Milestone, opened.args[1]).title == "Signing of the 2020–2025 extension"  # type: ignore[union-attr]


def test_new_contact_is_created_undoably_and_focused(qtbot: QtBot, page: ContactsPage) -> None:
    db, stack = page.context.db, page.context.undo_stack
    page.new_record()
    editor = page.editor
    assert editor.name.hasFocus() and editor.name.selectedText() == "New contact"
    new_id = editor.record_id()
    assert new_id is not None and stored(db, new_id)["name"] == "New contact"  # type: ignore[index]
    assert stack.undoText() == "new contact"
    qtbot.keyClicks(editor.name, "Anna Virtanen")
    qtbot.keyClick(editor.name, Qt.Key.Key_Return)
    assert stored(db, new_id)["name"] == "Anna Virtanen"  # type: ignore[index]
    assert "Anna Virtanen" in names_in_list(page)
    stack.undo()
    stack.undo()
    assert stored(db, new_id) is None
    assert page.editor_stack.currentWidget() is page.placeholder
    stack.redo()
    assert stored(db, new_id)["name"] == "New contact"  # type: ignore[index]


def test_delete_asks_once_and_undo_brings_back_phones(
    qtbot: QtBot, page: ContactsPage, monkeypatch: pytest.MonkeyPatch
) -> None:
    db, stack = page.context.db, page.context.undo_stack
    asked: list[str] = []

    def answer_yes(*args: Any) -> QMessageBox.StandardButton:
        asked.append(args[2])
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", answer_yes)
    cid = contact_id(db, "Maija Meikäläinen")
    open_by_keyboard(qtbot, page, "Maija Meikäläinen")
    page.table.setFocus()
    page.delete_selected()
    assert len(asked) == 1 and "Maija Meikäläinen" in asked[0]
    assert stored(db, cid) is None
    with db.sessions() as s:
        assert s.scalars(select(ContactPhone).where(ContactPhone.contact_id == cid)).all() == []
    assert "Maija Meikäläinen" not in names_in_list(page)
    assert stack.undoText() == "delete contact “Maija Meikäläinen”"
    stack.undo()
    back = stored(db, cid)
    assert back is not None and [p.raw for p in back["phones"]] == ["041 2345678"]
    assert [e.address for e in back["emails"]] == ["maija.meikalainen@espoo.example"]
    assert "Maija Meikäläinen" in names_in_list(page)
    with db.sessions() as s:  # its roles came back too
        assert len(contact_ops.contact_links(s, cid)) == 2


def test_delete_answered_no_keeps_the_contact(
    page: ContactsPage, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(QMessageBox, "question", lambda *a: QMessageBox.StandardButton.No)
    page.open_record(contact_id(page.context.db, "Jukka Mäkelä"), focus=False)
    page.delete_selected()
    assert stored(page.context.db, "Jukka Mäkelä") is not None
    assert page.context.undo_stack.count() == 0


# --- changes made elsewhere -------------------------------------------------------------------


def change_elsewhere(db: Database, cid: int, **values: Any) -> None:
    """Another Accord process (or the CLI) saves the record meanwhile."""
    with db.transaction() as s:
        contact = s.get(Contact, cid)
        assert contact is not None
        for key, value in values.items():
            setattr(contact, key, value)


def test_stale_edit_is_refused_and_shows_the_other_change(qtbot: QtBot, page: ContactsPage) -> None:
    db = page.context.db
    cid = contact_id(db, "Jukka Mäkelä")
    open_by_keyboard(qtbot, page, "Jukka Mäkelä")
    change_elsewhere(db, cid, title="Former mayor of Espoo")
    retype(qtbot, page.editor.name, "Jukka M.")
    assert page.editor.in_conflict() and page.editor.banner.isVisible()
    message = page.editor.banner.text.text()
    assert "Title: “Mayor of Espoo” → “Former mayor of Espoo”" in message
    assert "rename contact" in message
    detail = stored(db, cid)
    assert (detail["name"], detail["title"]) == ("Jukka Mäkelä", "Former mayor of Espoo")  # type: ignore[index]
    assert page.context.undo_stack.count() == 0
    assert page.editor.name.text() == "Jukka M."  # the user's text is still there
    qtbot.mouseClick(page.editor.banner.theirs, Qt.MouseButton.LeftButton)
    assert not page.editor.in_conflict()
    assert page.editor.name.text() == "Jukka Mäkelä"
    assert page.editor.job_title.text() == "Former mayor of Espoo"


def test_stale_edit_can_be_saved_over_theirs_by_choice(qtbot: QtBot, page: ContactsPage) -> None:
    db = page.context.db
    cid = contact_id(db, "Jukka Mäkelä")
    open_by_keyboard(qtbot, page, "Jukka Mäkelä")
    change_elsewhere(db, cid, title="Former mayor of Espoo")
    retype(qtbot, page.editor.name, "Jukka M.")
    qtbot.mouseClick(page.editor.banner.mine, Qt.MouseButton.LeftButton)
    detail = stored(db, cid)
    assert (detail["name"], detail["title"]) == ("Jukka M.", "Former mayor of Espoo")  # type: ignore[index]
    assert page.editor.job_title.text() == "Former mayor of Espoo"
    assert page.context.undo_stack.undoText() == "rename contact"


def test_stale_phone_edit_is_refused_too(qtbot: QtBot, page: ContactsPage) -> None:
    db = page.context.db
    cid = contact_id(db, "Maija Meikäläinen")
    open_by_keyboard(qtbot, page, "Maija Meikäläinen")
    change_elsewhere(db, cid, notes="Moved to another team.")
    row = page.editor.phones.rows()[0]
    retype(qtbot, row.edit, "+358 40 1234567")
    assert page.editor.in_conflict()
    assert "Moved to another team." in page.editor.banner.text.text()
    assert [p.raw for p in stored(db, cid)["phones"]] == ["041 2345678"]  # type: ignore[index]


# --- in the window ----------------------------------------------------------------------------


def test_window_opens_a_contact_from_a_phone_hit(qtbot: QtBot, context: AppContext) -> None:
    from desktop.main_window import MainWindow

    window = MainWindow(context)
    qtbot.addWidget(window)
    with context.db.sessions() as s:
        phone_id = s.scalars(select(ContactPhone.id)).first()
    assert phone_id is not None
    window.show_record("contact_phone", phone_id)
    page = window.current_page()
    assert isinstance(page, ContactsPage)
    assert page.editor.name.text() == "Maija Meikäläinen"


def test_screenshot(qtbot: QtBot, page: ContactsPage) -> None:
    open_by_keyboard(qtbot, page, "Jukka Mäkelä")
    page.table.setFocus()
    qtbot.waitUntil(lambda: page.editor.form_widget.height() > 100)
    qtbot.wait(150)  # nested layouts settle over a few event-loop passes
    SHOTS.mkdir(parents=True, exist_ok=True)
    image = page.grab()
    assert image.save(str(SHOTS / "contacts.png"))
    assert image.width() >= 900


def focusable_without_name(root: Any) -> list[str]:
    from PySide6.QtWidgets import QComboBox, QWidget

    missing = []
    for widget in root.findChildren(QWidget):
        if widget.focusPolicy() == Qt.FocusPolicy.NoFocus:
            continue
        parent = widget.parentWidget()
        inside_combo = False
        while parent is not None:
            inside_combo = inside_combo or isinstance(parent, QComboBox)
            parent = parent.parentWidget()
        if not inside_combo and not widget.accessibleName():
            missing.append(f"{type(widget).__name__} in {type(widget.parentWidget()).__name__}")
    return missing


def test_every_control_has_an_accessible_name(qtbot: QtBot, page: ContactsPage) -> None:
    open_by_keyboard(qtbot, page, "Maija Meikäläinen")
    page.editor.phones.add_button.click()  # rows made later are named too
    assert focusable_without_name(page) == []


def test_tab_walks_the_editor_in_reading_order(qtbot: QtBot, page: ContactsPage) -> None:
    open_by_keyboard(qtbot, page, "Maija Meikäläinen")
    editor = page.editor
    phone = editor.phones.rows()[0]
    expected = [
        editor.job_title,
        editor.organisation,
        editor.open_organisation,
        phone.combo,
        phone.edit,
        phone.remove,
        editor.phones.add_button,
    ]
    for widget in expected:
        qtbot.keyClick(page.focusWidget(), Qt.Key.Key_Tab)
        assert page.focusWidget() is widget, page.focusWidget().accessibleName()


def test_escape_reverts_a_field_then_returns_to_the_list(qtbot: QtBot, page: ContactsPage) -> None:
    open_by_keyboard(qtbot, page, "Jukka Mäkelä")
    qtbot.keyClicks(page.editor.name, "xyz")
    qtbot.keyClick(page.editor.name, Qt.Key.Key_Escape)
    assert page.editor.name.text() == "Jukka Mäkelä" and page.editor.name.hasFocus()
    qtbot.keyClick(page.editor.name, Qt.Key.Key_Escape)
    assert page.table.hasFocus()
    assert page.context.undo_stack.count() == 0
